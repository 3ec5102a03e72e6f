"""The office's and guides' side: the programme, sessions, rosters, exports.

Staff see and change everything; a guide sees the sessions they lead and creates visits they
lead (object-level checks on top of the blueprint's roles)."""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import datetime, timedelta

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from wtforms import SelectChoice

from learnapp.auth.models import User
from learnapp.core.access import roles_required
from learnapp.core.errors import fail, is_unique_violation
from learnapp.core.i18n import _
from learnapp.core.transactions import commit_with_retry
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import attendance, booking, listing, programme, rules
from learnapp.visits.access import guide_id_of, is_staff, may_edit_visit, may_run
from learnapp.visits.errors import VisitError
from learnapp.visits.forms import (
    CapacityForm,
    ConfirmForm,
    RosterSearchForm,
    SessionEditForm,
    SessionsForm,
    VisitEditForm,
    VisitForm,
)
from learnapp.visits.messages import describe
from learnapp.visits.models import Booking, Visit, VisitSession

bp = Blueprint("visit_staff", __name__, url_prefix="/office/visits", template_folder="templates")
STAFF_OR_GUIDE = ("staff", "guide")


def _session(session_id: int) -> VisitSession:
    session = db.session.get(VisitSession, session_id)
    if session is None:
        fail(404, _("Cette séance n'existe pas."))
    if not may_run(current_user, session):
        fail(403, _("Cette séance est menée par un autre guide."))
    return session


def _guide_choices() -> list[SelectChoice]:
    if is_staff(current_user):
        return [SelectChoice(0, _("Pas encore de guide"))] + [
            SelectChoice(g.id, g.display_name) for g in programme.guides()]
    return [SelectChoice(current_user.id, current_user.display_name)]


def _flash_error(error: VisitError) -> int:
    status, message = describe(error)
    flash(message, "error")
    return status


def _commit(change):
    """Run a service call and commit: ``(None, its result)``; on a refusal (VisitError) roll back,
    flash its message and give ``(status, None)``, for a form page shown again."""
    try:
        result = change()
        db.session.commit()
    except VisitError as error:
        db.session.rollback()
        return _flash_error(error), None
    return None, result


def _commit_or_fail(change):
    """The same for a button: a refusal is the error page, in the user's language."""
    try:
        result = change()
        db.session.commit()
    except VisitError as error:
        db.session.rollback()
        status, message = describe(error)
        fail(status, message)
    return result


def _confirmed() -> None:
    """A button's form (its CSRF token) or a 400."""
    if not ConfirmForm().validate_on_submit():
        fail(400, _("Le formulaire a expiré. Rechargez la page et recommencez."))


@bp.get("/")
@roles_required(*STAFF_OR_GUIDE)
def index():
    now = utcnow()
    guide_id = None if is_staff(current_user) else current_user.id
    page = listing.staff_sessions(since=now - timedelta(days=30), guide_id=guide_id,
                                  raw_page=request.args.get("page"))
    tallies = attendance.tallies([card.session.id for card in page.items])
    return render_template("visits/staff_index.html", page=page, tallies=tallies, now=now,
                           rates=listing.visit_rates(guide_id),
                           visits=db.session.scalars(select(Visit).order_by(Visit.title)).all())


def _visit_fields(form: VisitForm, cover_id: int | None, slug: str | None = None) -> programme.VisitFields:
    return programme.VisitFields(
        slug=slug or form.slug.data, title=form.title.data, description=form.description.data or "",
        meeting_point=form.meeting_point.data, map_url=form.map_url.data or "",
        duration_minutes=form.duration_minutes.data, accessibility=form.accessibility.data or "",
        audiences=form.audiences.data, school_groups=form.school_groups.data, language=form.language.data,
        guide_id=form.guide.data or None, cover_asset_id=cover_id, cover_alt=form.cover_alt.data or "")


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*STAFF_OR_GUIDE)
def new_visit():
    form = VisitForm()
    form.guide.choices = _guide_choices()
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        try:
            status, visit = _commit(lambda: programme.create_visit(_visit_fields(form, _store_cover(form, now)),
                                                                   now=now))
        except IntegrityError as error:  # the same identifier chosen twice at once
            db.session.rollback()
            if not is_unique_violation(error):
                raise
            status = _flash_error(VisitError("slug_taken"))
        if status is None:
            flash(_("Visite créée. Ajoutez-lui des séances."), "success")
            return redirect(url_for("visit_staff.new_sessions", slug=visit.slug))
    elif form.errors:
        status = 400
    return render_template("visits/staff_visit_form.html", form=form), status


def _store_cover(form: VisitForm, now: datetime) -> int | None:
    upload = form.cover.data
    if not upload or not getattr(upload, "filename", ""):
        return None
    from learnapp.media import images
    from learnapp.media.services import store_image

    try:
        return store_image(upload.read(), upload.filename, now).id
    except images.ImageError:
        raise VisitError("cover") from None


def _visit(slug: str) -> Visit:
    visit = programme.find_visit(slug)
    if visit is None:
        fail(404, _("Cette visite n'existe pas."))
    if not may_edit_visit(current_user, visit):
        fail(403, _("Cette visite est menée par un autre guide."))
    return visit


@bp.route("/<slug>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_OR_GUIDE)
def edit_visit(slug: str):
    visit = _visit(slug)
    form = VisitEditForm()
    form.guide.choices = _guide_choices()
    if request.method == "GET":
        for name, value in (("title", visit.title), ("description", visit.description_markdown),
                            ("meeting_point", visit.meeting_point), ("map_url", visit.map_url),
                            ("duration_minutes", visit.duration_minutes), ("accessibility", visit.accessibility),
                            ("audiences", list(visit.audiences)), ("school_groups", visit.school_groups),
                            ("language", visit.language), ("guide", visit.guide_id or 0),
                            ("cover_alt", visit.cover_alt)):
            form[name].data = value
    status = 200
    if form.validate_on_submit():
        now = utcnow()
        status, told = _commit(lambda: programme.update_visit(
            visit, _visit_fields(form, _store_cover(form, now), slug=visit.slug), actor=current_user, now=now))
        if status is None:
            flash(_("Visite enregistrée ; %(n)s personne(s) prévenue(s).", n=told), "success")
            return redirect(url_for("visit_staff.index"))
    elif form.errors:
        status = 400
    return render_template("visits/staff_visit_form.html", form=form, visit=visit), status


@bp.route("/<slug>/sessions/new", methods=["GET", "POST"])
@roles_required(*STAFF_OR_GUIDE)
def new_sessions(slug: str):
    visit = _visit(slug)
    form = SessionsForm()
    form.guide.choices = _guide_choices()
    if request.method == "GET":
        form.duration_minutes.data = visit.duration_minutes
        form.guide.data = visit.guide_id or (0 if is_staff(current_user) else current_user.id)
    status = 200
    if form.validate_on_submit():
        if form.repeat.data == "once":
            days = [form.date.data]
        elif form.repeat.data == "weekly":
            days = [form.date.data + timedelta(weeks=n) for n in range(form.weeks.data or 1)]
        else:
            days = form.chosen_dates()
        starts = [datetime.combine(day, form.time.data) for day in days]
        plans = programme.plans_from_local(
            starts, duration_minutes=form.duration_minutes.data, capacity=form.capacity.data,
            guide_id=form.guide.data or None, close_hours_before=form.close_hours_before.data or None,
            cancel_hours_before=form.cancel_hours_before.data)
        status, created = _commit(lambda: programme.add_sessions(visit, plans, now=utcnow()))
        if status is None:
            flash(_("%(n)s séance(s) ajoutée(s).", n=len(created)), "success")
            return redirect(url_for("visit_staff.index"))
    elif form.errors:
        status = 400
    return render_template("visits/staff_sessions_form.html", form=form, visit=visit), status


@bp.get("/session/<int:session_id>")
@roles_required(*STAFF_OR_GUIDE)
def session(session_id: int):
    visit_session = _session(session_id)
    held = db.session.scalars(select(Booking).where(Booking.session_id == visit_session.id)
                              .order_by(Booking.id)).all()
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_({b.user_id for b in held})))}
    return render_template(
        "visits/staff_session.html", session=visit_session, visit=visit_session.visit, bookings=held,
        users=users, form=ConfirmForm(), capacity_form=CapacityForm(capacity=visit_session.capacity),
        tally=attendance.tallies([visit_session.id])[visit_session.id], staff=is_staff(current_user))


@bp.route("/session/<int:session_id>/edit", methods=["GET", "POST"])
@roles_required(*STAFF_OR_GUIDE)
def edit_session(session_id: int):
    visit_session = _session(session_id)
    form = SessionEditForm()
    form.guide.choices = _guide_choices()
    starts = rules.local(visit_session.starts_at)
    if request.method == "GET":
        form.date.data, form.time.data = starts.date(), starts.time()
        form.end_time.data = rules.local(visit_session.ends_at).time()
        form.capacity.data = visit_session.capacity
        form.guide.data = visit_session.guide_id or 0
        form.close_hours_before.data = _hours_before(visit_session.starts_at, visit_session.booking_closes_at)
        form.cancel_hours_before.data = _hours_before(visit_session.starts_at, visit_session.cancel_until)
    status = 200
    if form.validate_on_submit():
        [plan] = programme.plans_from_local(
            [datetime.combine(form.date.data, form.time.data)], duration_minutes=0, capacity=form.capacity.data,
            guide_id=form.guide.data or None, close_hours_before=form.close_hours_before.data or None,
            cancel_hours_before=form.cancel_hours_before.data)
        plan = dataclasses.replace(
            plan, ends_at=rules.local_to_utc(datetime.combine(form.date.data, form.end_time.data)),
            booking_opens_at=visit_session.booking_opens_at)
        status, changed = _commit(lambda: programme.update_session(visit_session, plan, actor=current_user,
                                                                  now=utcnow()))
        if status is None:
            flash(_("Séance enregistrée.") if changed else _("Rien n'a changé."), "success")
            return redirect(url_for("visit_staff.session", session_id=session_id))
    elif form.errors:
        status = 400
    return render_template("visits/staff_session_edit.html", form=form, session=visit_session,
                           visit=visit_session.visit), status


def _hours_before(start: datetime, deadline: datetime | None) -> int | None:
    return None if deadline is None else round((start - deadline).total_seconds() / 3600)


@bp.post("/session/<int:session_id>/cancel")
@roles_required("staff")
def cancel_session(session_id: int):
    visit_session = _session(session_id)
    _confirmed()
    told = _commit_or_fail(lambda: booking.cancel_session(visit_session, actor=current_user, now=utcnow()))
    flash(_("Séance annulée ; %(n)s personne(s) prévenue(s).", n=told), "success")
    return redirect(url_for("visit_staff.session", session_id=session_id))


@bp.post("/session/<int:session_id>/capacity")
@roles_required("staff")
def capacity(session_id: int):
    visit_session = _session(session_id)
    form = CapacityForm()
    if not form.validate_on_submit():
        fail(400, " ".join(form.capacity.errors) or _("Le formulaire a expiré. Rechargez la page et recommencez."))
    promoted = _commit_or_fail(lambda: booking.change_capacity(visit_session, form.capacity.data, now=utcnow()))
    flash(_("Nombre de places enregistré ; %(n)s personne(s) sortie(s) de la liste d'attente.",
            n=len(promoted)), "success")
    return redirect(url_for("visit_staff.session", session_id=session_id))


# The roster ------------------------------------------------------------------------------

@bp.get("/session/<int:session_id>/roster")
@roles_required(*STAFF_OR_GUIDE)
def roster(session_id: int):
    visit_session = _session(session_id)
    search = RosterSearchForm(request.args)
    search.validate()
    lines = attendance.roster(visit_session, search=search.q.data or "")
    return render_template("visits/roster.html", session=visit_session, visit=visit_session.visit,
                           lines=lines, search=search, form=ConfirmForm(), now=utcnow(),
                           staff=is_staff(current_user))


@bp.post("/session/<int:session_id>/roster/mark")
@roles_required(*STAFF_OR_GUIDE)
def mark(session_id: int):
    visit_session = _session(session_id)
    _confirmed()
    raw_key, state = request.form.get("person", ""), request.form.get("state", "")
    try:
        booking_id, person = (int(part) for part in raw_key.split("-"))
    except ValueError:
        booking_id = person = None
    held = db.session.get(Booking, booking_id) if booking_id else None
    if held is None or state not in ("attended", "no_show"):
        fail(400, _("Cette personne n'est pas sur la liste de cette séance."))
    correcting = is_staff(current_user) and (visit_session.roster_closed_at is not None
                                             or guide_id_of(visit_session) != current_user.id)
    try:
        commit_with_retry(lambda: attendance.mark(
            db.session.get(VisitSession, session_id), db.session.get(Booking, held.id), person,
            state == "attended", actor=current_user, now=utcnow(), correcting=correcting))
    except VisitError as error:
        db.session.rollback()
        status, message = describe(error)
        fail(status, message)
    except IntegrityError as error:  # two taps at once on the same person: the first one counts
        db.session.rollback()
        if not is_unique_violation(error):
            raise
    return redirect(url_for("visit_staff.roster", session_id=session_id, q=request.form.get("q") or None)
                    + f"#p-{raw_key}")


@bp.post("/session/<int:session_id>/roster/close")
@roles_required(*STAFF_OR_GUIDE)
def close_roster(session_id: int):
    visit_session = _session(session_id)
    _confirmed()
    _commit_or_fail(lambda: attendance.close_roster(visit_session, actor=current_user, now=utcnow()))
    flash(_("Liste d'appel close. Merci !"), "success")
    return redirect(url_for("visit_staff.roster", session_id=session_id))


@bp.get("/session/<int:session_id>/roster.csv")
@roles_required(*STAFF_OR_GUIDE)
def roster_csv(session_id: int):
    visit_session = _session(session_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")  # what a French spreadsheet expects
    writer.writerow([_("Réservation"), _("Nom"), _("Présence")])
    words = {"attended": _("présent"), "no_show": _("absent"), "unmarked": ""}
    for line in attendance.roster(visit_session):
        writer.writerow([line.booking.id, _csv_safe(line.name), words[line.state]])
    # UTF-8 with a byte order mark: spreadsheets then open accents intact.
    response = Response("\ufeff" + buffer.getvalue(), mimetype="text/csv; charset=utf-8")
    stamp = rules.local(visit_session.starts_at).strftime("%Y-%m-%d-%H%M")
    response.headers["Content-Disposition"] = f'attachment; filename="{visit_session.visit.slug}-{stamp}.csv"'
    return response


def _csv_safe(value: str) -> str:
    """A name starting with = + - @ would run as a formula in a spreadsheet."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


@bp.get("/session/<int:session_id>/print")
@roles_required(*STAFF_OR_GUIDE)
def roster_print(session_id: int):
    visit_session = _session(session_id)
    return render_template("visits/roster_print.html", session=visit_session, visit=visit_session.visit,
                           lines=attendance.roster(visit_session))
