from flask import Blueprint, current_app, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from learnapp.core.access import public
from learnapp.core.errors import fail
from learnapp.core.i18n import LANGUAGE_COOKIE, _
from learnapp.core.urls import safe_next_url
from learnapp.extensions import db

bp = Blueprint("site", __name__, template_folder="templates")


@bp.get("/")
@public
def home():
    return render_template("site/home.html")


@bp.post("/language")
@public
def set_language():
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


@bp.get("/healthz")
@public
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
