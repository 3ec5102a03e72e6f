"""What guided visits show on the home page: the next open sessions for everyone
(``public_home``) and a signed-in person's next booking (``next_step``)."""

from __future__ import annotations

from datetime import datetime

from flask import render_template, url_for
from flask_babel import format_date, format_time, get_locale
from markupsafe import Markup
from sqlalchemy import bindparam, select

from learnapp.core.i18n import _
from learnapp.core.next_steps import step
from learnapp.core.templating import cached_fragment
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import listing, rules
from learnapp.visits.models import Booking, Visit, VisitSession

# The anonymous home is the most served page: its list of sessions is rendered at most once a
# minute per language (seats left may lag by that much; the session page is always exact).
PANEL_SECONDS = 60


def public_panel(**_arguments) -> Markup:
    now = utcnow()
    bucket = int(now.timestamp()) // PANEL_SECONDS

    def render() -> Markup:
        html = render_template("visits/_home_panel.html", sessions=listing.next_open(now))
        return Markup(html)  # noqa: S704 (a template rendered with autoescape)

    return cached_fragment("visits-home", str(get_locale()), bucket, caller=render)


# Built once: the home page runs it on every signed-in visit.
_NEXT_BOOKING = (
    select(Booking.status, VisitSession.id, VisitSession.starts_at, Visit.title)
    .join(VisitSession, Booking.session_id == VisitSession.id)
    .join(Visit, VisitSession.visit_id == Visit.id)
    .where(Booking.user_id == bindparam("user_id"), Booking.status.in_(rules.LIVE),
           VisitSession.starts_at > bindparam("now"), VisitSession.status == rules.SCHEDULED)
    .order_by(VisitSession.starts_at, VisitSession.id).limit(1))


def next_booking(user, now: datetime):
    """The person's next live booking (confirmed or waitlisted) of a scheduled session, or None:
    one query on the booking's user index."""
    return db.session.execute(_NEXT_BOOKING, {"user_id": user.id, "now": now}).first()


def when_phrase(starts_at: datetime, now: datetime) -> str:
    """« Votre visite de samedi : … » — the day said as people say it, in Europe/Paris."""
    days = rules.days_ahead(starts_at, now)
    local = rules.local(starts_at)
    time = format_time(local, "short", rebase=False)
    if days <= 0:
        return _("Votre visite d'aujourd'hui, à %(time)s", time=time)
    if days == 1:
        return _("Votre visite de demain, à %(time)s", time=time)
    if days < 7:
        return _("Votre visite de %(day)s, à %(time)s", day=format_date(local.date(), "EEEE"), time=time)
    return _("Votre visite du %(date)s, à %(time)s", date=format_date(local.date(), "d MMMM"), time=time)


def next_step(user=None, **_arguments) -> Markup | None:
    if user is None or not user.is_authenticated:
        return None
    now = utcnow()
    found = next_booking(user, now)
    if found is None:
        return None
    status, session_id, starts_at, title = found
    url = url_for("visits.session", session_id=session_id)
    if status == rules.WAITLISTED:
        text = _("Liste d'attente — %(when)s : %(title)s", when=when_phrase(starts_at, now), title=title)
    else:
        text = _("%(when)s : %(title)s", when=when_phrase(starts_at, now), title=title)
    return step("visits", _("Visite"), text, url)
