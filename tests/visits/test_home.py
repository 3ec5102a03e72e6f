"""Visits on the home page: the next three sessions open for booking (everyone), and a
signed-in person's next booking said as people say it (« votre visite de samedi »)."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from learnapp.core import extension_points
from learnapp.db import utcnow
from learnapp.visits import booking, home, listing, rules
from learnapp.visits.rules import PARIS

FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def home_panel(page: str) -> str:
    return re.search(r'<section class="card home-visits".*?</section>', page, re.S).group(0)


def test_the_next_three_open_sessions_with_date_place_and_seats(client, db, make_session, make_user):
    soon = make_session(capacity=12, starts_in=timedelta(days=2))
    later = make_session(capacity=5, starts_in=timedelta(days=4))
    third = make_session(capacity=5, starts_in=timedelta(days=6))
    fourth = make_session(capacity=5, starts_in=timedelta(days=8))
    full = make_session(capacity=1, starts_in=timedelta(days=1))
    not_yet = make_session(capacity=5, starts_in=timedelta(hours=30), booking_opens_at=utcnow() + timedelta(days=1))
    booking.book(make_user(), full, now=utcnow())
    booking.book(make_user(), later, now=utcnow())
    db.session.commit()

    panel = home_panel(client.get("/").get_data(as_text=True))
    links = [int(found) for found in re.findall(r'href="/visits/session/(\d+)"', panel)]
    assert links == [soon.id, later.id, third.id]
    assert fourth.id not in links and full.id not in links and not_yet.id not in links
    assert "12 places libres" in panel and "4 places libres" in panel
    assert panel.count("Office de tourisme, 4 cours Jonville, Granville") == 3
    local = soon.starts_at.astimezone(PARIS)
    assert f'{FRENCH_DAYS[local.weekday()]} {local.day} ' in panel
    assert "Prochaines visites guidées" in panel


def test_the_listing_skips_cancelled_past_and_closed_sessions(app, db, make_session):
    now = utcnow()
    open_one = make_session(starts_in=timedelta(days=3))
    make_session(starts_in=timedelta(days=2), booking_closes_at=now - timedelta(hours=1))
    cancelled = make_session(starts_in=timedelta(days=1))
    cancelled.status = rules.CANCELLED
    db.session.commit()
    assert [item.id for item in listing.next_open(now)] == [open_one.id]
    assert listing.next_open(now + timedelta(days=4)) == []


@pytest.mark.parametrize("language, text", [
    ("fr", "Aucune séance n'est ouverte à la réservation pour le moment"),
    ("en", "No session is open for booking at the moment"),
])
def test_no_open_session_says_so(client, language, text):
    page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert text in home_panel(page).replace("&#39;", "'")


def test_the_panel_is_rendered_once_a_minute(app, client, db, make_session, make_user, monkeypatch):
    # The panel's minute is counted on the monotonic clock: hold it still, so a slow or paused
    # machine cannot let the minute pass between the two requests.
    monkeypatch.setattr(extension_points.time, "monotonic", lambda: 1000.0)
    session = make_session(capacity=3, starts_in=timedelta(days=2))
    assert "3 places libres" in home_panel(client.get("/").get_data(as_text=True))
    booking.book(make_user(), session, now=utcnow())
    db.session.commit()
    # The same minute: the cached panel (the session page itself is exact).
    assert "3 places libres" in home_panel(client.get("/").get_data(as_text=True))
    assert "2 places libres" in client.get(f"/visits/session/{session.id}").get_data(as_text=True)


# The signed-in person's next step ----------------------------------------------------------------

THURSDAY = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize("starts_at, french, english", [
    (datetime(2026, 11, 26, 17, 30, tzinfo=UTC), "Votre visite d'aujourd'hui, à 18:30", "Your visit today, at 6:30"),
    (datetime(2026, 11, 27, 13, 0, tzinfo=UTC), "Votre visite de demain, à 14:00", "Your visit tomorrow, at 2:00"),
    (datetime(2026, 11, 28, 13, 30, tzinfo=UTC), "Votre visite de samedi, à 14:30", "Your visit on Saturday, at 2:30"),
    (datetime(2026, 12, 9, 13, 30, tzinfo=UTC), "Votre visite du 9 décembre, à 14:30",
     "Your visit on 9 December, at 2:30"),
    # 23:30 in Paris on Thursday is 22:30 UTC; 00:30 on Friday is "tomorrow" though 2 hours away.
    (datetime(2026, 11, 26, 23, 30, tzinfo=UTC), "Votre visite de demain, à 00:30", "Your visit tomorrow, at 12:30"),
])
def test_the_day_is_said_as_people_say_it(app, starts_at, french, english):
    for language, expected in (("fr", french), ("en", english)):
        # A fresh app context (Flask-Babel keeps the locale in ``g``); its hooks pick the catalogue.
        with app.app_context(), app.test_request_context("/", headers={"Accept-Language": language}):
            app.preprocess_request()
            assert home.when_phrase(starts_at, THURSDAY).startswith(expected)


def test_days_ahead_counts_calendar_days_in_granville():
    assert rules.days_ahead(datetime(2026, 11, 28, 13, 30, tzinfo=UTC), THURSDAY) == 2
    # 29 March 2026, the clocks go forward: 23:00 on Saturday (UTC+1) to 23:00 on Sunday (UTC+2)
    # is one calendar day, though only 23 hours; an hour later it is Monday.
    saturday_night = datetime(2026, 3, 28, 22, 0, tzinfo=UTC)
    assert rules.days_ahead(datetime(2026, 3, 29, 21, 0, tzinfo=UTC), saturday_night) == 1
    assert rules.days_ahead(datetime(2026, 3, 29, 22, 0, tzinfo=UTC), saturday_night) == 2


def _next_saturday_noon_in(days_min: int) -> timedelta:
    """From now, the time to a Saturday at noon (Paris) at least ``days_min`` calendar days away."""
    now = utcnow()
    local = now.astimezone(PARIS)
    days = (5 - local.weekday()) % 7
    while days < days_min:
        days += 7
    target = (local + timedelta(days=days)).replace(hour=12, minute=0, second=0, microsecond=0)
    return target - now


def test_a_visit_booked_on_saturday_is_the_next_step(client, db, make_session, make_user, login):
    user = make_user(name="Claire")
    starts_in = _next_saturday_noon_in(2)
    session = make_session(starts_in=starts_in)
    booking.book(user, session, now=utcnow())
    db.session.commit()
    login(user)
    page = client.get("/").get_data(as_text=True)
    steps = re.search(r'<ul class="next-steps">.*?</ul>', page, re.S).group(0)
    item = re.search(r'<li class="next-step next-step-visits">.*?</li>', steps, re.S).group(0)
    expected = "samedi" if starts_in < timedelta(days=7) else f"du {session.starts_at.astimezone(PARIS).day} "
    assert f'href="/visits/session/{session.id}"' in item
    assert expected in item and session.visit.title in item
    # A signed-in person's saved language wins over the header; switch it the way they would.
    client.post("/language", data={"language": "en", "next": "/"})
    english = client.get("/").get_data(as_text=True)
    assert "Your visit on" in english and session.visit.title in english


def test_a_waitlisted_booking_says_so_and_a_cancelled_one_is_gone(client, db, make_session, make_user, login):
    session = make_session(capacity=1, starts_in=timedelta(days=3))
    booking.book(make_user(), session, now=utcnow())
    user = make_user()
    result = booking.book(user, session, now=utcnow())
    db.session.commit()
    login(user)
    assert "Liste d&#39;attente — Votre visite" in client.get("/").get_data(as_text=True)
    booking.cancel(result.booking, actor=user, now=utcnow())
    db.session.commit()
    assert "next-step-visits" not in client.get("/").get_data(as_text=True)


def test_no_booking_no_visit_step(client, make_user, login, make_session):
    make_session()
    login(make_user())
    assert "next-step-visits" not in client.get("/").get_data(as_text=True)


def test_each_costs_one_query(app, db, make_session, make_user):
    from tests.site.steps import counting_queries

    user = make_user()
    session = make_session(starts_in=timedelta(days=3))
    booking.book(user, session, now=utcnow())
    db.session.commit()
    db.session.refresh(user)
    session_id = session.id
    with counting_queries() as queries:
        assert home.next_booking(user, utcnow())[1] == session_id
        assert [item.id for item in listing.next_open(utcnow())] == [session_id]
    assert len(queries) == 2
