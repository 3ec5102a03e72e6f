"""The ambassador's pages (their level, the manifesto, their portrait) and the public ones
(palmarès, portraits). Thin views: check, call a service, commit once, redirect or render."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnapp.ambassadors import consent, levels, manifesto, membership, palmares, portraits, progress
from learnapp.ambassadors.errors import AmbassadorError
from learnapp.ambassadors.forms import MinorSignForm, PortraitForm, PreferencesForm, SignForm, StatusForm
from learnapp.ambassadors.messages import describe
from learnapp.ambassadors.models import Portrait
from learnapp.core import age_groups
from learnapp.core.access import login_required, public
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.core.transactions import commit_with_retry
from learnapp.db import utcnow
from learnapp.extensions import db

bp = Blueprint("ambassadors", __name__, url_prefix="/ambassadors", template_folder="templates",
               static_folder="static", static_url_path="/static")


def _refused(error: AmbassadorError) -> int:
    db.session.rollback()
    status, message = describe(error)
    flash(message, "error")
    return status


@bp.get("/")
@login_required
def me():
    now = utcnow()
    state = progress.of(current_user, now)
    member = membership.of(current_user)
    prefs = PreferencesForm(obj=member) if member else None
    return render_template("ambassadors/me.html", state=state, member=member, prefs=prefs, form=StatusForm(),
                           history=levels.history(current_user.id) if member else [],
                           portrait=portraits.of(current_user), now=now,
                           adult=current_user.age_group(now) == age_groups.ADULT,
                           cause_words=progress.cause_words)


def _sign_form(now):
    minor = consent.needs_consent(current_user.age_group(now))
    return (MinorSignForm if minor else SignForm)(), minor


@bp.get("/manifesto")
@public
def manifesto_page():
    now = utcnow()
    version = manifesto.current()
    if version is None:
        fail(404, _("La charte n'est pas encore publiée."))
    form, minor, signed = None, False, False
    if current_user.is_authenticated:
        form, minor = _sign_form(now)
        form.version_id.data = version.id
        signed = manifesto.signature_of(current_user, version) is not None
    return render_template("ambassadors/manifesto.html", version=version, html=manifesto.html(version),
                           form=form, minor=minor, signed=signed)


@bp.post("/manifesto")
@login_required
def sign():
    now = utcnow()
    version = manifesto.current()
    if version is None:
        fail(404, _("La charte n'est pas encore publiée."))
    form, minor = _sign_form(now)
    status = 400
    if form.validate_on_submit():
        try:
            version_id = int(form.version_id.data or 0)
        except ValueError:
            version_id = 0
        try:
            commit_with_retry(lambda: manifesto.sign(
                current_user, version_id, now=now, in_palmares=bool(form.in_palmares.data),
                parent_name=form.parent_name.data if minor else "",
                parent_declaration=form.parent_declaration.data if minor else ""))
        except AmbassadorError as error:
            status = _refused(error)
        else:
            flash(_("Merci : vous avez signé la charte. Bienvenue parmi les ambassadeurs !"), "success")
            return redirect(url_for("ambassadors.me"))
    form.version_id.data = version.id
    return render_template("ambassadors/manifesto.html", version=version, html=manifesto.html(version),
                           form=form, minor=minor, signed=False), status


@bp.post("/status")
@login_required
def change_status():
    form = StatusForm()
    if not form.validate_on_submit():
        fail(400, _("Le formulaire a expiré. Rechargez la page et recommencez."))
    action = request.form.get("action", "")
    try:
        membership.move(current_user, action, now=utcnow())
        db.session.commit()
    except AmbassadorError as error:
        _refused(error)
        return redirect(url_for("ambassadors.me"))
    words = {"pause": _("Votre engagement est en pause : vous n'apparaissez plus nulle part et votre carte "
                        "est suspendue. Reprenez quand vous voulez."),
             "resume": _("Bon retour parmi les ambassadeurs !"),
             "leave": _("Vous avez quitté le réseau. Votre historique est gardé si vous revenez un jour.")}
    flash(words[action], "success")
    return redirect(url_for("ambassadors.me"))


@bp.post("/preferences")
@login_required
def preferences():
    form = PreferencesForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("ambassadors.me"))
    try:
        membership.set_preferences(current_user, in_palmares=bool(form.in_palmares.data),
                                   in_directory=bool(form.in_directory.data),
                                   preferred_contact=form.preferred_contact.data or "", now=utcnow())
        db.session.commit()
    except AmbassadorError as error:
        _refused(error)
    else:
        flash(_("Vos choix sont enregistrés."), "success")
    return redirect(url_for("ambassadors.me"))


@bp.route("/portrait", methods=["GET", "POST"])
@login_required
def my_portrait():
    now = utcnow()
    portrait = portraits.of(current_user)
    form = PortraitForm(obj=portrait)
    status = 200
    if current_user.age_group(now) != age_groups.ADULT:
        fail(403, _("Les portraits publics sont réservés aux ambassadeurs majeurs."))
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            upload = request.files.get(form.photo.name)
            raw = upload.read(portraits_limit() + 1) if upload and upload.filename else None
            try:
                portraits.submit(current_user, text=form.text.data, places=form.places.data or "", photo=raw, now=now)
                db.session.commit()
            except AmbassadorError as error:
                status = _refused(error)
            else:
                flash(_("Merci : votre portrait sera publié dès que l'équipe l'aura relu."), "success")
                return redirect(url_for("ambassadors.me"))
    return render_template("ambassadors/portrait_form.html", form=form, portrait=portrait), status


def portraits_limit() -> int:
    from learnapp.core.images import MAX_BYTES

    return MAX_BYTES


@bp.get("/palmares")
@public
def palmares_page():
    now = utcnow()
    seasons = palmares.seasons(now)
    try:
        season = int(request.args.get("season") or seasons[0])
    except ValueError:
        season = seasons[0]
    if season not in seasons:
        season = seasons[0]
    group = request.args.get("group") or age_groups.ADULT
    if not age_groups.is_group(group):
        group = age_groups.ADULT
    lines = palmares.ranking(group, season, now=now)
    return render_template("ambassadors/palmares.html", lines=lines, season=season, seasons=seasons, group=group,
                           groups=age_groups.short_labels())


@bp.get("/portraits")
@public
def portraits_page():
    page = portraits.public(utcnow(), raw_page=request.args.get("page"))
    return render_template("ambassadors/portraits.html", page=page)


@bp.get("/portraits/<int:portrait_id>/photo")
@public
def portrait_photo(portrait_id: int):
    portrait = db.session.get(Portrait, portrait_id)
    mine = portrait is not None and current_user.is_authenticated and (
        portrait.user_id == current_user.id or current_user.has_role("staff") or current_user.has_role("admin"))
    if portrait is None or portrait.photo is None or not (mine or portraits.is_public(portrait, utcnow())):
        fail(404, _("Cette photo n'existe pas."))
    response = Response(portrait.photo, mimetype=portrait.photo_mime or "image/jpeg")
    response.headers["Cache-Control"] = "private, max-age=300" if mine else "public, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.set_etag(portrait.photo_sha256 or "")
    return response.make_conditional(request)
