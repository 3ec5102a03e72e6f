"""Public visit pages, booking, cancelling, the learner's bookings and calendars.

Thin views: check who asks, read the form, call a service, commit once, redirect or render."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload
from wtforms import SelectChoice

from learnapp.core.access import login_required, public
from learnapp.core.errors import fail, is_unique_violation
from learnapp.core.i18n import _
from learnapp.core.transactions import commit_with_retry
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import attendance, booking, calendars, detail, listing, rules
from learnapp.visits.access import is_staff, user_age_group
from learnapp.visits.errors import VisitError
from learnapp.visits.forms import AUDIENCE_LABELS, LANGUAGE_LABELS, BookingForm, ConfirmForm, FilterForm
from learnapp.visits.messages import describe
from learnapp.visits.models import Booking, VisitSession

bp = Blueprint("visits", __name__, url_prefix="/visits", template_folder="templates",
               static_folder="static", static_url_path="/static")


# Template globals (not a context processor, which would run on every page rendered).
bp.record_once(lambda state: state.app.jinja_env.globals.update(visit_audience_labels=AUDIENCE_LABELS,
                                                                visit_language_labels=LANGUAGE_LABELS))


def _session(session_id: int) -> VisitSession:
    # The visit comes in the same query: every page about a session shows it.
    session = db.session.get(VisitSession, session_id, options=[joinedload(VisitSession.visit)])
    if session is None:
        fail(404, _("Cette séance n'existe pas."))
    return session


def _own_booking(booking_id: int) -> Booking:
    """The signed-in account's booking (staff may open any); anyone else's is « not found »."""
    found = db.session.get(Booking, booking_id)
    if found is None or (found.user_id != current_user.id and not is_staff(current_user)):
        fail(404, _("Cette réservation n'existe pas."))
    return found


def _filter_form(now) -> FilterForm:
    form = FilterForm(request.args)
    form.month.choices = [SelectChoice("", _("Tous les mois"))] + [
        SelectChoice(m, m) for m in listing.months_ahead(now)]
    return form


@bp.get("/")
@public
def index():
    now = utcnow()
    if request.args:
        form = _filter_form(now)
        status = 200
        if not form.validate():
            status = 400
            page = listing.upcoming(now, raw_page=request.args.get("page"))
        else:
            page = listing.upcoming(now, month=form.month.data or None, audience=form.audience.data or None,
                                    free_only=bool(form.free.data), raw_page=request.args.get("page"))
        chosen = (form.month.data, form.audience.data, bool(form.free.data))
    else:
        # The usual visit: no filter. The form is built only if the list below is rendered anew.
        form, status, chosen = None, 200, (None, None, False)
        page = listing.upcoming(now)
    filters = {k: v for k, v in request.args.items() if k != "page"}
    # Everything the list below the title reads: it is rendered once per distinct key (the
    # rows come from the database on every request, so a booking shows at once). The months
    # offered follow from the first one.
    list_key = (status, *chosen, listing.months_ahead(now, count=1)[0], tuple(sorted(filters.items())),
                page.number, page.total, tuple(page.items))
    return render_template("visits/index.html", page=page, filters=filters, list_key=list_key,
                           filter_form=lambda: form if form is not None else _filter_form(now)), status


def _session_page(session_id: int, form: BookingForm | None = None, *, status: int = 200,
                  refusal: str | None = None):
    """The session's page: one query (see detail.py). ``form`` is the posted form when it is
    shown again with its errors; a plain GET builds no form (the template renders the blank one
    once per language and kind of reader, and the CSRF token per request)."""
    now = utcnow()
    signed_in = current_user.is_authenticated
    view = detail.session_view(session_id, current_user.id if signed_in else None)
    if view is None:
        fail(404, _("Cette séance n'existe pas."))
    return render_template(
        "visits/session.html", view=view, details=view.details, mine=view.mine, form=form,
        new_booking_form=BookingForm, refusal=refusal, now=now,
        bookable=rules.booking_refusal(view.facts, now=now, age_group="adult", seats=1) in (None, "audience"),
        is_adult=signed_in and user_age_group(current_user, now) == "adult"), status


@bp.get("/session/<int:session_id>")
@public
def session(session_id: int):
    return _session_page(session_id)


@bp.post("/session/<int:session_id>/book")
@login_required
def book(session_id: int):
    _session(session_id)
    form = BookingForm()
    if not form.validate_on_submit():
        return _session_page(session_id, form, status=400)
    try:
        result = commit_with_retry(lambda: booking.book(
            current_user, db.session.get(VisitSession, session_id), now=utcnow(), seats=form.seats.data,
            children=form.child_names()))
    except VisitError as error:
        db.session.rollback()
        status, message = describe(error)
        return _session_page(session_id, form, status=status, refusal=message)
    except IntegrityError as error:  # the same account, twice at once
        db.session.rollback()
        if not is_unique_violation(error):
            raise
        return _session_page(session_id, form, status=409,
                             refusal=_("Vous avez déjà une réservation pour cette séance."))
    if result.confirmed:
        flash(_("C'est réservé ! La confirmation vous est envoyée par e-mail."), "success")
    else:
        flash(_("La séance est complète : vous êtes sur la liste d'attente, à la place %(place)s.",
                place=result.place), "success")
    return redirect(url_for("visits.session", session_id=session_id))


@bp.post("/bookings/<int:booking_id>/cancel")
@login_required
def cancel(booking_id: int):
    held = _own_booking(booking_id)
    if not ConfirmForm().validate_on_submit():
        fail(400, _("Le formulaire a expiré. Rechargez la page et recommencez."))
    try:
        commit_with_retry(lambda: booking.cancel(db.session.get(Booking, booking_id), actor=current_user,
                                                 now=utcnow(), by_staff=is_staff(current_user)))
    except VisitError as error:
        db.session.rollback()
        status, message = describe(error)
        fail(status, message)
    flash(_("Votre réservation est annulée."), "success")
    target = request.form.get("next")
    if target == "staff" and is_staff(current_user):
        return redirect(url_for("visit_staff.session", session_id=held.session_id))
    return redirect(url_for("visits.mine"))


@bp.get("/mine")
@login_required
def mine():
    now = utcnow()
    held = booking.bookings_of(current_user)
    upcoming = [b for b in held if b.status in rules.LIVE and b.session.ends_at > now]
    places = {b.id: booking.waitlist_place(b) for b in upcoming if b.status == rules.WAITLISTED}
    past = [b for b in held if b.status == rules.CONFIRMED and b.session.ends_at <= now]
    return render_template(
        "visits/mine.html", upcoming=upcoming, places=places, past=past,
        attended={session.id for _visit, session in attendance.attended_visits(current_user)},
        feed=calendars.feed_of(current_user), new_token=None, form=ConfirmForm(), now=now,
        deadlines={b.id: rules.cancel_deadline(b.session.starts_at, b.session.cancel_until) for b in upcoming})


@bp.get("/bookings/<int:booking_id>.ics")
@login_required
def booking_ics(booking_id: int):
    held = _own_booking(booking_id)
    event = _event(held)
    return _ics(calendars.calendar([event]), f"visite-{held.id}.ics")


def _event(held: Booking):
    base = current_app.config["BASE_URL"]
    return calendars.event_for(
        held, held.session, held.session.visit, base_url=base, now=utcnow(),
        session_url=base.rstrip("/") + url_for("visits.session", session_id=held.session_id))


def _ics(body: bytes, filename: str) -> Response:
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/calendar/new")
@login_required
def new_feed():
    if not ConfirmForm().validate_on_submit():
        fail(400, _("Le formulaire a expiré. Rechargez la page et recommencez."))
    token = calendars.new_feed_token(current_user, now=utcnow())
    db.session.commit()
    # The address is shown once (only its hash is kept); a new one replaces it.
    return render_template("visits/feed_created.html",
                           feed_url=current_app.config["BASE_URL"].rstrip("/")
                           + url_for("visits.feed", token=token))


@bp.post("/calendar/revoke")
@login_required
def revoke_feed():
    if not ConfirmForm().validate_on_submit():
        fail(400, _("Le formulaire a expiré. Rechargez la page et recommencez."))
    calendars.revoke_feed(current_user)
    db.session.commit()
    flash(_("L'adresse de votre agenda ne fonctionne plus."), "success")
    return redirect(url_for("visits.mine"))


@bp.get("/calendar/<token>.ics")
@public
def feed(token: str):
    user_id = calendars.user_id_for_token(token)
    if user_id is None:
        fail(404, _("Cette adresse d'agenda n'existe pas ou a été révoquée."))
    now = utcnow()
    events = [_event(held) for held, _session, _visit in calendars.feed_bookings(user_id, now=now)]
    return _ics(calendars.calendar(events, name=_("Mes visites")), "visites.ics")


