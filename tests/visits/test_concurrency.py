"""Capacity holds under real concurrency (issue 9, point 4): a real gunicorn server with
several workers and threads, real HTTP requests from different accounts, all at once.

Runs on SQLite here and on PostgreSQL under tests/with-postgres.sh."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import generate_password_hash

from learnapp.auth.models import User, UserRole
from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import booking as booking_service
from learnapp.visits.models import Booking
from tests.visits.live import Client, gunicorn

PASSWORD = "concurrency horse battery"
ALREADY_TAKEN = 50
LAST_SEATS = 20
CAPACITY = ALREADY_TAKEN + LAST_SEATS
RACERS = 120
CANCELLERS = 50


def _accounts(db, prefix: str, count: int) -> list[User]:
    """Many accounts quickly: one cheap password hash shared by all (the login still checks it)."""
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    now = utcnow()
    users = []
    for n in range(count):
        user = User(display_name=f"{prefix} {n}", email=f"{prefix}-{n}@example.org", birth_year=1990,
                    password_hash=hashed, created_at=now, email_confirmed_at=now)
        user.roles.append(UserRole(name="learner", granted_at=now))
        db.session.add(user)
        users.append(user)
    db.session.commit()
    return users


def _all_at_once(clients, action) -> list:
    """Every client waits at the barrier, then sends its one request at the same moment."""
    barrier = threading.Barrier(len(clients))

    def run(client):
        barrier.wait()
        return action(client)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(run, clients))


def test_last_seats_and_waitlist_promotions_hold_under_concurrency(app, db, migrated, tmp_path,
                                                                   make_session):
    session = make_session(capacity=CAPACITY, starts_in=timedelta(days=6))
    early = _accounts(db, "early", ALREADY_TAKEN)
    for user in early:
        booking_service.book(user, session, now=utcnow())
    db.session.commit()
    racers = _accounts(db, "racer", RACERS)
    session_id = session.id

    with gunicorn(migrated, tmp_path / "instance") as port:
        def signed_in(email):
            client = Client(port)
            client.log_in(email, PASSWORD)
            client.email = email
            return client

        racer_emails, early_emails = [u.email for u in racers], [u.email for u in early]
        with ThreadPoolExecutor(max_workers=16) as pool:
            racer_clients = list(pool.map(signed_in, racer_emails))
            early_clients = list(pool.map(signed_in, early_emails))
            tokens = list(pool.map(lambda c: c.csrf(f"/visits/session/{session_id}"), racer_clients))
        for client, token in zip(racer_clients, tokens, strict=True):
            client.token = token

        # 1. 120 bookings at once for the last 20 seats.
        results = _all_at_once(racer_clients, lambda c: c.post(
            f"/visits/session/{session_id}/book", {"csrf_token": c.token, "seats": "1"}))
        statuses = sorted({status for status, _h, _t in results})
        assert statuses == [302], [(s, t[:200]) for s, _h, t in results if s != 302][:3]

        db.session.expire_all()
        db.session.refresh(session)
        bookings = db.session.scalars(select(Booking).where(Booking.session_id == session_id)
                                      .order_by(Booking.id)).all()
        confirmed = [b for b in bookings if b.status == "confirmed"]
        waiting = [b for b in bookings if b.status == "waitlisted"]
        assert len(confirmed) == CAPACITY and session.taken == CAPACITY
        assert len(waiting) == RACERS - LAST_SEATS
        # Consistent order: each waiting request has its own place, 1 to 100, in arrival (id) order.
        places = [booking_service.waitlist_place(b) for b in waiting]
        assert places == list(range(1, len(waiting) + 1))
        # Each racer reads on the session page what the database says.
        by_email = {c.email: c for c in racer_clients}
        users = {u.id: u.email for u in db.session.scalars(select(User))}
        for held in waiting[:3]:
            _s, _h, page = by_email[users[held.user_id]].get(f"/visits/session/{session_id}")
            assert f"à la place {booking_service.waitlist_place(held)}" in page

        # 2. 50 confirmed holders cancel at once: each freed seat goes to the waitlist once, in order.
        cancellers = early_clients[:CANCELLERS]
        with ThreadPoolExecutor(max_workers=16) as pool:
            cancel_tokens = list(pool.map(lambda c: c.csrf("/visits/mine"), cancellers))
        for client, token in zip(cancellers, cancel_tokens, strict=True):
            client.token = token
        booking_of = {users[b.user_id]: b.id for b in confirmed}
        results = _all_at_once(cancellers, lambda c: c.post(
            f"/visits/bookings/{booking_of[c.email]}/cancel", {"csrf_token": c.token}))
        assert sorted({status for status, _h, _t in results}) == [302]

    db.session.expire_all()
    db.session.refresh(session)
    after = {b.id: b for b in db.session.scalars(select(Booking).where(Booking.session_id == session_id))}
    promoted = [b for b in waiting if after[b.id].status == "confirmed"]
    assert [b.id for b in promoted] == [b.id for b in waiting[:CANCELLERS]]
    assert sum(b.seats for b in after.values() if b.status == "confirmed") == CAPACITY == session.taken
    still_waiting = sorted(b.id for b in after.values() if b.status == "waitlisted")
    assert still_waiting == [b.id for b in waiting[CANCELLERS:]]
    # One "a seat is free" e-mail per promoted person, never two.
    subjects = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.subject)).all()
    promotions = [recipient for recipient, subject in subjects if subject.startswith("Une place s'est libérée")]
    assert sorted(promotions) == sorted(users[b.user_id] for b in promoted)
