"""E-mails about bookings, through the outbox, in the recipient's language.

A promotion or a staff cancellation is sent during someone else's request (or by a command),
so the language is the recipient's, not the current page's.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import datetime

from flask import current_app, has_request_context, render_template, url_for
from flask_babel import force_locale

from learnapp.auth.models import User
from learnapp.core.i18n import PoDomain, _
from learnapp.extensions import db
from learnapp.mail import services as mail
from learnapp.visits.models import Booking

# The catalogues for mail sent outside a request (compiled once per process, like the app's).
_COMMAND_DOMAIN = PoDomain()

SUBJECTS = {
    "confirmed": lambda title: _("Réservation confirmée : %(title)s", title=title),
    "waitlisted": lambda title: _("Liste d'attente : %(title)s", title=title),
    "promoted": lambda title: _("Une place s'est libérée : %(title)s", title=title),
    "cancelled_by_staff": lambda title: _("Votre réservation est annulée : %(title)s", title=title),
    "session_cancelled": lambda title: _("Visite annulée : %(title)s", title=title),
    "changed": lambda title: _("Visite modifiée : %(title)s", title=title),
    "reminder": lambda title: _("Rappel : %(title)s, demain", title=title),
}


@contextmanager
def recipient_language(user: User):
    locale = user.locale if user.locale in current_app.config["LANGUAGES"] else \
        current_app.config["BABEL_DEFAULT_LOCALE"]
    if has_request_context():
        with force_locale(locale):
            yield
        return
    # A command (the reminders): a request context for url_for and the catalogues.
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        _COMMAND_DOMAIN.as_default()
        with force_locale(locale):
            yield


def send(kind: str, booking: Booking, *, now: datetime, place: int | None = None) -> None:
    user = db.session.get(User, booking.user_id)
    if user is None or not user.email:
        return  # a child's account has no address: their teacher or parent is told instead
    session = booking.session
    with recipient_language(user):
        base = current_app.config["BASE_URL"].rstrip("/")
        body = render_template(
            "visits/mail/notice.txt", kind=kind, user=user, booking=booking, session=session,
            visit=session.visit, place=place,
            session_link=base + url_for("visits.session", session_id=session.id),
            bookings_link=base + url_for("visits.mine"))
        mail.queue(user.email, SUBJECTS[kind](session.visit.title), body, now)


def booked(booking: Booking, *, place: int | None, now: datetime) -> None:
    send("confirmed" if place is None else "waitlisted", booking, now=now, place=place)


def promoted(booking: Booking, *, now: datetime) -> None:
    send("promoted", booking, now=now)


def cancelled_by_staff(booking: Booking, *, now: datetime) -> None:
    send("cancelled_by_staff", booking, now=now)


def session_cancelled(booking: Booking, *, now: datetime) -> None:
    send("session_cancelled", booking, now=now)


def session_changed(booking: Booking, *, now: datetime) -> None:
    send("changed", booking, now=now)


def reminder(booking: Booking, *, now: datetime) -> None:
    send("reminder", booking, now=now)
