"""Staff pages: members and why each is at their level, the manifesto's versions, portraits to
review; the partners' directory (partners and staff) and its CSV export (staff)."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, or_, select

from learnapp.ambassadors import directory, levels, manifesto, portraits, progress, rules
from learnapp.ambassadors.errors import AmbassadorError
from learnapp.ambassadors.forms import ManifestoForm, ReviewForm, SearchForm
from learnapp.ambassadors.messages import describe
from learnapp.ambassadors.models import Level, Membership, Portrait
from learnapp.ambassadors.standing import standing_of
from learnapp.auth.models import User
from learnapp.core.access import roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.core.pagination import Page, page_number
from learnapp.db import utcnow
from learnapp.extensions import db

bp = Blueprint("ambassador_staff", __name__, url_prefix="/office/ambassadors", template_folder="templates")

PER_PAGE = 25


@bp.get("/")
@roles_required("staff")
def index():
    form = SearchForm(request.args)
    query = (select(User, Membership, Level).join(Membership, Membership.user_id == User.id)
             .outerjoin(Level, Level.id == Membership.level_id))
    wanted = " ".join((form.q.data or "").split())[:80].lower()
    if wanted:
        query = query.where(or_(func.lower(User.display_name).like(f"%{wanted}%"),
                                func.lower(User.email).like(f"%{wanted}%")))
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(request.args.get("page"))
    rows = db.session.execute(query.order_by(func.lower(User.display_name), User.id)
                              .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    page = Page(items=rows, number=number, per_page=PER_PAGE, total=total)
    return render_template("ambassadors/staff_index.html", page=page, form=form, q=wanted)


@bp.get("/<int:user_id>")
@roles_required("staff")
def member(user_id: int):
    now = utcnow()
    user = db.session.get(User, user_id)
    standing = standing_of(db.session, user, now) if user else None
    if standing is None:
        fail(404, _("Cette personne n'est pas ambassadeur."))
    rows = levels.level_rows(standing.age_group)
    facts = levels.facts_of(user, now)
    explained = [(row, rules.meets(rules.Requirement.from_dict(row.requires), facts),
                  progress.missing_words(rules.missing(rules.Requirement.from_dict(row.requires), facts)))
                 for row in rows]
    return render_template("ambassadors/staff_member.html", user=user, standing=standing, facts=facts,
                           explained=explained, history=levels.history(user.id), cause_words=progress.cause_words)


@bp.route("/manifesto", methods=["GET", "POST"])
@roles_required("staff")
def edit_manifesto():
    current = manifesto.current()
    form = ManifestoForm(data={"body": current.body if current else "",
                               "grace_days": current.grace_days if current else 30}
                         if request.method == "GET" else None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.validate_on_submit():
            try:
                version = manifesto.publish(form.body.data, author=current_user, now=utcnow(),
                                            grace_days=form.grace_days.data)
                db.session.commit()
            except AmbassadorError as error:
                db.session.rollback()
                status, message = describe(error)
                flash(message, "error")
            else:
                flash(_("Version %(number)s publiée : chaque ambassadeur est invité à la signer.",
                        number=version.number), "success")
                return redirect(url_for("ambassador_staff.edit_manifesto"))
    return render_template("ambassadors/staff_manifesto.html", form=form, versions=manifesto.versions(),
                           current=current), status


@bp.get("/portraits")
@roles_required("staff")
def review_list():
    page = portraits.waiting(request.args.get("page"))
    return render_template("ambassadors/staff_portraits.html", page=page, form=ReviewForm(),
                           users=portraits.owners(page.items))


@bp.post("/portraits/<int:portrait_id>")
@roles_required("staff")
def review(portrait_id: int):
    portrait = db.session.get(Portrait, portrait_id)
    if portrait is None:
        fail(404, _("Ce portrait n'existe pas."))
    form = ReviewForm()
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(url_for("ambassador_staff.review_list"))
    try:
        portraits.review(current_user, portrait, approve=form.decision.data == "approve", note=form.note.data or "",
                         now=utcnow())
        db.session.commit()
    except AmbassadorError as error:
        db.session.rollback()
        flash(describe(error)[1], "error")
    else:
        flash(_("Portrait publié.") if portrait.status == "approved" else _("Portrait refusé."), "success")
    return redirect(url_for("ambassador_staff.review_list"))


@bp.get("/directory")
@roles_required("staff", "partner")
def directory_page():
    form = SearchForm(request.args)
    page = directory.page(utcnow(), search=form.q.data or "", raw_page=request.args.get("page"))
    return render_template("ambassadors/directory.html", page=page, form=form, q=form.q.data or "")


@bp.get("/directory.csv")
@roles_required("staff")
def directory_csv():
    text = directory.csv_text(utcnow(), (_("Nom"), _("Niveau"), _("Contact préféré")))
    return Response(text.encode("utf-8"), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="annuaire-ambassadeurs.csv"'})
