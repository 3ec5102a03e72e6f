"""The partner's desk: check a card (QR or number), see the offers it may get now, record a use
in one tap; and the ambassador's own history of uses.

Thin views: check who asks, read the form, call a service, commit once, redirect or render."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from learnapp.cards import rules as card_rules
from learnapp.cards import services as cards
from learnapp.cards.messages import card_refusal
from learnapp.core.access import login_required, roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.core.pagination import paginate
from learnapp.core.transactions import commit_with_retry
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.partners import messages, services
from learnapp.partners.forms import CheckForm, UseForm
from learnapp.partners.models import Offer

bp = Blueprint("partners", __name__, url_prefix="/partners", template_folder="templates")


def _partner_or_explain():
    partner = services.partner_of(current_user)
    if partner is None:
        fail(403, messages.offer_refusal("not_a_partner"))
    return partner


def _blank_check_form() -> CheckForm:
    return CheckForm(formdata=None)


def _check_page(card, *, refusal: str | None = None, typed: str = "", status: int = 200):
    """The answer to a check: valid or not and why, the holder, the offers grantable now."""
    now = utcnow()
    result = services.check(card, current_user, now)
    reason = refusal or result.status.refusal
    holder = result.status.holder
    # The "check another card" form is the same for everyone: the template renders it once per
    # language (cached_fragment) and calls this only then.
    return render_template(
        "partners/check.html", partner=result.partner, card=card, result=result, refusal=reason,
        refusal_text=card_refusal(reason) if reason else None, typed=typed, new_check_form=_blank_check_form,
        now=now, first_name=(holder.first_name or holder.public_name) if holder else "",
        photo=url_for("cards.photo", photo_id=card.photo_id, digest=card.photo.sha256[:16]) if card else None,
        messages=messages, display_number=card_rules.display_number), status


@bp.get("/")
@roles_required("partner")
def desk():
    partner = services.partner_of(current_user)
    return render_template("partners/desk.html", partner=partner, form=CheckForm(formdata=None),
                           recent=services.recent_uses(partner) if partner else [], messages=messages)


@bp.get("/check")
@roles_required("partner", "staff")
def check():
    raw = request.args.get("number", "")
    typed = raw.strip()
    if len(raw) > 40 or card_rules.normalise_number(typed) is None:
        # Not a well-formed number: the form says what is wrong (empty, too long), else the rules.
        form = CheckForm(request.args)
        if not form.validate():
            return render_template("partners/desk.html", partner=services.partner_of(current_user), form=form,
                                   recent=[], messages=messages), 400
        return _check_page(None, refusal="malformed", typed=typed[:40], status=422)
    # A well-formed number passes the form's checks (present, 40 characters at most): no form to build.
    card = cards.by_number(typed)
    return _check_page(card, typed=typed, status=200 if card else 404)


@bp.get("/scan/<token>")
@login_required
def scan(token: str):
    """What the card's QR opens. A partner (or staff) sees the check; the holder their card."""
    card = cards.by_token(token, current_app.config["SECRET_KEY"])
    if card is not None and card.user_id == current_user.id:
        return redirect(url_for("cards.mine"), 303)
    if not (current_user.has_role("partner") or current_user.has_role("staff") or current_user.has_role("admin")):
        fail(403, _("Cette carte se vérifie depuis un compte partenaire de l'office de tourisme."))
    if card is None:
        refusal = "forged" if card_rules.unsign(token, current_app.config["SECRET_KEY"]) is None else "unknown"
        return _check_page(None, refusal=refusal, status=404)
    return _check_page(card)


@bp.post("/cards/<number>/offers/<int:offer_id>/use")
@roles_required("partner")
def record(number: str, offer_id: int):
    _partner_or_explain()
    form = UseForm()
    if not form.validate_on_submit():
        fail(400, _("Le formulaire a expiré ou ne vient pas de ce site. Rechargez la page et recommencez."))
    card = cards.by_number(number)
    if card is None:
        return _check_page(None, refusal="unknown", typed=number[:40], status=404)
    try:
        use = commit_with_retry(lambda: services.record_use(
            cards.by_number(number), db.session.get(Offer, offer_id), actor=current_user,
            partner=services.partner_of(current_user), now=utcnow(), submission_key=form.key.data))
    except services.PartnerError as error:
        db.session.rollback()
        flash(messages.offer_refusal(error.code, error.params.get("next_day")), "error")
        status = 403 if error.code == "offer_elsewhere" else 409
        return _check_page(cards.by_number(number), status=status)
    flash(_("Avantage « %(title)s » enregistré.", title=use.offer.title), "success")
    return redirect(url_for("partners.check", number=card.number), 303)


@bp.get("/my-uses")
@login_required
def my_uses():
    page = paginate(services.uses_of(current_user), services.count_uses_of(current_user), request.args.get("page"))
    return render_template("partners/my_uses.html", page=page)
