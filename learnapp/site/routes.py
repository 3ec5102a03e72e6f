from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from learnapp.core.access import login_required, public
from learnapp.core.errors import fail
from learnapp.core.extension_points import staff_sections
from learnapp.core.i18n import LANGUAGE_COOKIE, _
from learnapp.core.urls import safe_next_url
from learnapp.extensions import csrf, db

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
@public
def home():
    return render_template("site/home.html")


@bp.get("/office/")
@login_required
def office():
    """The staff area's home: the sections every domain registered, those this user may open.
    Declared for any signed-in account because a section may be open to guides or teachers too;
    an account that may open none gets a 403, like a role-restricted page."""
    sections = staff_sections()
    if not sections:
        abort(403)
    return render_template("site/office.html", sections=sections)


@bp.post("/language")
@public
@csrf.exempt
def set_language():
    # Anonymous pages carry no CSRF token, so that they can be revalidated by ETag (see
    # core/templating.py): an anonymous switch must come from one of our pages instead, which a
    # browser proves with the Origin (or Referer) header of a form post. A signed-in user's
    # choice is saved to their account: their token is checked as on every other form.
    if not current_app.config["WTF_CSRF_ENABLED"]:
        pass  # tests that switch CSRF off everywhere
    elif current_user.is_authenticated:
        csrf.protect()
    elif not _posted_from_this_site():
        raise CSRFError()
    language = request.form.get("language", "")
    if language not in current_app.config["LANGUAGES"]:
        fail(400, _("Cette langue n'est pas disponible."))
    response = redirect(safe_next_url(request.form.get("next"), url_for("site.home")))
    response.set_cookie(LANGUAGE_COOKIE, language, max_age=365 * 24 * 3600, httponly=True,
                        samesite="Lax", secure=current_app.config["SESSION_COOKIE_SECURE"])
    if current_user.is_authenticated:
        current_user.locale = language
        db.session.commit()
    return response


def _posted_from_this_site() -> bool:
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    return bool(source) and urlsplit(source).netloc == urlsplit(request.host_url).netloc


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
