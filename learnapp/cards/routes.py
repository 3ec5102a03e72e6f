"""The ambassador's card on the web: the phone view (kept by the browser for offline use), the
first issue with a photo, reissuing, the printable PDF, the photo itself and the link to the uses history (partners).

Thin views: check who asks, read the form, call a service, commit once, redirect or render."""

from __future__ import annotations

import segno
from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_login import current_user

from learnapp.ambassadors.standing import standing_of
from learnapp.cards import messages, pdf, rules, services
from learnapp.cards.forms import PhotoForm, ReissueForm
from learnapp.core.access import login_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.core.images import MAX_BYTES, PhotoError
from learnapp.core.security import cache_privately
from learnapp.core.templating import PARIS
from learnapp.db import utcnow
from learnapp.extensions import db

bp = Blueprint("cards", __name__, url_prefix="/card", template_folder="templates",
               static_folder="static", static_url_path="/static")

# The phone view stays in its owner's browser cache for a week (private: never a proxy), so it
# opens at a partner's desk with no network; see docs/decisions-cards-partners.md.
CARD_PAGE_MAX_AGE = 7 * 24 * 3600
PHOTO_MAX_AGE = 30 * 24 * 3600  # a photo's URL holds its hash: it never changes


def scan_url(card) -> str:
    """What the QR opens: the partners' check page for this card, signed."""
    token = services.token_of(card, current_app.config["SECRET_KEY"])
    return current_app.config["BASE_URL"].rstrip("/") + url_for("partners.scan", token=token)


def photo_url(card) -> str:
    photo = card.photo
    return url_for("cards.photo", photo_id=photo.id, digest=photo.sha256[:16])


def _qr_svg(card) -> str:
    return segno.make(scan_url(card), error="m").svg_inline(scale=5, border=2, title=_("Code QR de la carte"))


def _read_upload(field) -> bytes | None:
    upload = request.files.get(field.name)
    if upload is None or not upload.filename:
        return None
    return upload.stream.read(MAX_BYTES + 1)  # more than the limit is refused without reading on


def _photo_problem(error: PhotoError) -> str:
    return _(error.message_id)


def _refusal_text(code: str) -> str:
    return {
        "not_ambassador": _("Votre carte arrive quand vous devenez ambassadeur, en signant le manifeste."),
        "paused": _("Votre engagement est en pause : votre carte est suspendue jusqu'à votre retour."),
        "left": _("Vous avez quitté le réseau des ambassadeurs : votre carte est arrêtée."),
        "manifesto_overdue": _("Signez la nouvelle version du manifeste pour retrouver votre carte."),
        "consent_missing": _("Votre carte attend l'accord d'un parent."),
        "no_photo": _("Ajoutez une photo pour recevoir votre carte."),
    }.get(code, _("Votre carte est suspendue pour le moment."))


@bp.get("/")
@login_required
@cache_privately(CARD_PAGE_MAX_AGE)
def mine():
    now = utcnow()
    card = services.current_card(current_user)
    status = services.status_of(card, now) if card else None
    standing = standing_of(db.session, current_user, now)
    refusal = None
    if standing is None:
        refusal = "not_ambassador"
    elif not standing.active:
        refusal = standing.reason or "inactive"
    return render_template("cards/mine.html", card=card, status=status, standing=standing, refusal=refusal,
                           refusal_text=_refusal_text(refusal) if refusal else None,
                           qr=_qr_svg(card) if card and not refusal else None,
                           photo=photo_url(card) if card else None, now=now)


@bp.route("/photo", methods=["GET", "POST"])
@login_required
def first():
    """The first card: the ambassador gives a photo, the card is issued."""
    if services.current_card(current_user) is not None:
        return redirect(url_for("cards.reissue"), 303)
    form = PhotoForm()
    status = 200
    if form.validate_on_submit():
        try:
            photo = services.clean(_read_upload(form.photo))
            services.issue(current_user, now=utcnow(), reason="first", photo=photo)
            db.session.commit()
        except PhotoError as error:
            db.session.rollback()
            form.photo.errors = [_photo_problem(error)]
            status = 422
        except services.CardError as error:
            db.session.rollback()
            fail(403, _refusal_text(error.code))
        else:
            flash(_("Votre carte est prête."), "success")
            return redirect(url_for("cards.mine"), 303)
    elif request.method == "POST":
        status = 400
    return render_template("cards/photo.html", form=form), status


@bp.route("/reissue", methods=["GET", "POST"])
@login_required
def reissue():
    card = services.current_card(current_user)
    if card is None:
        return redirect(url_for("cards.first"), 303)
    form = ReissueForm()
    status = 200
    if form.validate_on_submit():
        try:
            raw = _read_upload(form.photo)
            photo = services.clean(raw) if raw is not None or form.reason.data == "photo" else None
            new = services.issue(current_user, now=utcnow(), reason=form.reason.data, photo=photo)
            db.session.commit()
        except PhotoError as error:
            db.session.rollback()
            form.photo.errors = [_photo_problem(error)]
            status = 422
        except services.CardError as error:
            db.session.rollback()
            fail(403, _refusal_text(error.code))
        else:
            flash(_("Votre nouvelle carte n° %(number)s est prête ; l'ancienne ne vaut plus.",
                    number=rules.display_number(new.number)), "success")
            return redirect(url_for("cards.mine"), 303)
    elif request.method == "POST":
        status = 400
    return render_template("cards/reissue.html", form=form, card=card), status


@bp.get("/card.pdf")
@login_required
def pdf_file():
    now = utcnow()
    card = services.current_card(current_user)
    if card is None:
        fail(404, _("Vous n'avez pas encore de carte."))
    status = services.status_of(card, now)
    if not status.valid:
        fail(403, messages.card_refusal(status.refusal))
    level = str(status.standing.level_label) if status.standing.level_label else _("Ambassadeur")
    body = pdf.render(
        office=_("Ambassadeurs du territoire"), title=_("Carte d'ambassadeur"), name=card.name, level=level,
        number=rules.display_number(card.number),
        valid_until=_("Valable jusqu'au %(date)s", date=format_date(card.valid_until.astimezone(PARIS), "short")),
        photo=card.photo.data, scan_url=scan_url(card),
        back_text=_("Partenaires : scannez le QR ou saisissez le numéro sur votre espace partenaire."))
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="carte-{card.number}.pdf"'})


@bp.get("/photos/<int:photo_id>-<digest>.jpg")
@login_required
@cache_privately(PHOTO_MAX_AGE)
def photo(photo_id: int, digest: str):
    """A card's photo: its holder, partners (the URL, with its hash, comes from a checked card)
    and staff. Never public: ambassadors include minors."""
    found = services.photo_of(photo_id)
    allowed = found is not None and (found.user_id == current_user.id or current_user.has_role("partner")
                                     or current_user.has_role("staff") or current_user.has_role("admin"))
    if not allowed or len(digest) != 16 or not found.sha256.startswith(digest):
        fail(404, _("Cette photo n'existe pas."))
    return Response(found.data, mimetype=found.mime_type)
