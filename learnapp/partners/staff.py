"""The staff's partners: create and edit partners, attach their accounts, manage their offers,
read the uses per partner, offer and month."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from learnapp.core.access import roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.partners import messages, services
from learnapp.partners.forms import AttachForm, OfferForm, PartnerForm
from learnapp.partners.models import Offer, Partner

bp = Blueprint("partners_staff", __name__, url_prefix="/office/partners", template_folder="templates")


def _partner(partner_id: int) -> Partner:
    partner = db.session.get(Partner, partner_id)
    if partner is None:
        fail(404, _("Ce partenaire n'existe pas."))
    return partner


def _level_choices() -> list[SelectChoice]:
    return [SelectChoice(rank, messages.rank_label(rank)) for rank in range(0, 4)]


@bp.get("/")
@roles_required("staff")
def index():
    partners = list(db.session.scalars(select(Partner).options(selectinload(Partner.offers))
                                       .order_by(Partner.name)))
    return render_template("partners/staff_index.html", partners=partners, messages=messages)


@bp.route("/new", methods=["GET", "POST"])
@roles_required("staff")
def new():
    return _edit(None)


@bp.route("/<int:partner_id>", methods=["GET", "POST"])
@roles_required("staff")
def edit(partner_id: int):
    return _edit(_partner(partner_id))


def _edit(partner: Partner | None):
    form = PartnerForm(obj=partner)
    status = 200
    if form.validate_on_submit():
        try:
            saved = services.save_partner(partner, name=form.name.data, kind=form.kind.data, town=form.town.data or "",
                                          website=form.website.data or "", active=form.active.data, now=utcnow())
            db.session.commit()
        except services.PartnerError as error:
            db.session.rollback()
            form.name.errors = [messages.offer_refusal(error.code)]
            status = 422
        else:
            flash(_("Partenaire enregistré."), "success")
            return redirect(url_for("partners_staff.edit", partner_id=saved.id), 303)
    elif request.method == "POST":
        status = 400
    return render_template("partners/staff_partner.html", form=form, partner=partner, attach_form=AttachForm(),
                           members=services.members(partner) if partner else [], messages=messages), status


@bp.post("/<int:partner_id>/members")
@roles_required("staff")
def attach(partner_id: int):
    partner = _partner(partner_id)
    form = AttachForm()
    if form.validate_on_submit():
        try:
            services.attach(partner, form.email.data, actor=current_user, now=utcnow())
            db.session.commit()
        except services.PartnerError as error:
            db.session.rollback()
            form.email.errors = [messages.offer_refusal(error.code)]
        else:
            flash(_("Compte rattaché : il peut vérifier les cartes et enregistrer les avantages."), "success")
            return redirect(url_for("partners_staff.edit", partner_id=partner.id), 303)
    return render_template("partners/staff_partner.html", form=PartnerForm(obj=partner), partner=partner,
                           attach_form=form, members=services.members(partner), messages=messages), 422


@bp.post("/<int:partner_id>/members/<int:user_id>/remove")
@roles_required("staff")
def detach(partner_id: int, user_id: int):
    partner = _partner(partner_id)
    try:
        services.detach(partner, user_id, actor=current_user, now=utcnow())
        db.session.commit()
    except services.PartnerError:
        db.session.rollback()
        fail(404, _("Ce compte n'est pas rattaché à ce partenaire."))
    flash(_("Compte détaché."), "success")
    return redirect(url_for("partners_staff.edit", partner_id=partner.id), 303)


@bp.route("/<int:partner_id>/offers/new", methods=["GET", "POST"])
@roles_required("staff")
def new_offer(partner_id: int):
    return _edit_offer(_partner(partner_id), None)


@bp.route("/<int:partner_id>/offers/<int:offer_id>", methods=["GET", "POST"])
@roles_required("staff")
def edit_offer(partner_id: int, offer_id: int):
    partner = _partner(partner_id)
    offer = db.session.get(Offer, offer_id)
    if offer is None or offer.partner_id != partner.id:
        fail(404, _("Cette offre n'existe pas."))
    return _edit_offer(partner, offer)


def _edit_offer(partner: Partner, offer: Offer | None):
    form = OfferForm(obj=offer)
    form.min_level_rank.choices = _level_choices()
    status = 200
    if form.validate_on_submit():
        fields = services.OfferFields(
            title=form.title.data, description=form.description.data or "", min_level_rank=form.min_level_rank.data,
            age_groups=tuple(form.age_groups.data or ()), frequency=form.frequency.data,
            valid_from=form.valid_from.data, valid_until=form.valid_until.data, active=form.active.data)
        try:
            services.save_offer(partner, offer, fields, now=utcnow())
            db.session.commit()
        except services.PartnerError as error:
            db.session.rollback()
            target = form.valid_until if error.code == "dates_reversed" else form.title
            target.errors = [messages.offer_refusal(error.code)]
            status = 422
        else:
            flash(_("Offre enregistrée."), "success")
            return redirect(url_for("partners_staff.edit", partner_id=partner.id), 303)
    elif request.method == "POST":
        status = 400
    return render_template("partners/staff_offer.html", form=form, partner=partner, offer=offer), status


@bp.get("/uses")
@roles_required("staff")
def uses():
    partner_id = request.args.get("partner", type=int)
    counts = services.monthly_counts(partner_id=partner_id)
    partners = list(db.session.scalars(select(Partner).order_by(Partner.name)))
    return render_template("partners/staff_uses.html", counts=counts, partners=partners, partner_id=partner_id)
