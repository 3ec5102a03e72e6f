"""Error pages in the user's language, with the right status and nothing written."""

from __future__ import annotations

from flask import current_app, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

from learnapp.core.i18n import _l
from learnapp.extensions import db

MESSAGES = {
    400: (_l("Requête incorrecte"), _l("Ce que vous avez envoyé n'a pas pu être compris.")),
    401: (_l("Connexion nécessaire"), _l("Connectez-vous pour voir cette page.")),
    403: (_l("Accès refusé"), _l("Votre compte ne permet pas d'ouvrir cette page.")),
    404: (_l("Page introuvable"), _l("Cette page n'existe pas ou a été déplacée.")),
    405: (_l("Méthode non autorisée"), _l("Cette action n'est pas possible ainsi.")),
    409: (_l("Conflit"), _l("Cette action a déjà été faite ou n'est plus possible.")),
    413: (_l("Envoi trop volumineux"), _l("Le fichier ou le formulaire dépasse la taille permise.")),
    415: (_l("Envoi non accepté"), _l("Ce type d'envoi n'est pas accepté ici.")),
    429: (_l("Trop de tentatives"), _l("Trop de tentatives en peu de temps. Réessayez dans quelques minutes.")),
    500: (_l("Erreur du serveur"), _l("Un problème est survenu de notre côté. Réessayez plus tard.")),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return best == "application/json" and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]


# Headers an error must keep (405 says which methods are allowed, 429 when to come back).
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def render_error(code: int, detail: str | None = None, headers=None):
    title, message = MESSAGES.get(code, MESSAGES[500] if code >= 500 else MESSAGES[400])
    if wants_json():
        return jsonify(error=str(title), message=str(detail or message)), code, headers or {}
    return render_template("errors/error.html", code=code, title=title,
                           message=detail or message), code, headers or {}


def handle_http_exception(error: HTTPException):
    if error.code and error.code >= 500:
        db.session.rollback()
    detail = getattr(error, "learnapp_message", None)
    kept = [(name, value) for name, value in error.get_headers()
            if name in KEPT_HEADERS] if error.code else []
    return render_error(error.code or 500, detail, kept)


def handle_csrf_error(error: CSRFError):
    db.session.rollback()
    return render_error(
        400,
        str(_l("Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez.")),
    )


def handle_unexpected(error: Exception):
    db.session.rollback()
    # A handler for Exception stops Flask from logging it: the operator needs the traceback.
    current_app.logger.error("unexpected error on %s %s", request.method, request.path,
                             exc_info=error)
    return render_error(500)


def is_unique_violation(error: IntegrityError) -> bool:
    """Two requests raced for the same unique value (SQLite and PostgreSQL wording)."""
    return (getattr(error.orig, "sqlstate", None) == "23505"
            or "UNIQUE constraint failed" in str(error.orig))


def handle_integrity_error(error: IntegrityError):
    """A unique value taken between the check and the write (a double submit, a race): 409.

    Any other broken constraint is a bug, answered and logged as one.
    """
    db.session.rollback()
    if is_unique_violation(error):
        current_app.logger.warning("unique constraint on %s %s: %s", request.method, request.path,
                                   error.orig)
        return render_error(409)
    if current_app.config.get("TESTING") and not current_app.config.get("HANDLE_UNEXPECTED_ERRORS"):
        raise error
    return handle_unexpected(error)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(InternalServerError, handle_http_exception)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    if not app.config.get("TESTING") or app.config.get("HANDLE_UNEXPECTED_ERRORS"):
        app.register_error_handler(Exception, handle_unexpected)


def fail(code: int, message: str):
    """Abort with a status and a message the user reads on the error page."""
    from werkzeug.exceptions import default_exceptions

    error = default_exceptions[code]()
    error.learnapp_message = str(message)
    raise error
