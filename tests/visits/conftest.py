"""Visit fixtures: a visit with a session, built through the services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learnapp.db import utcnow
from learnapp.visits import programme


@pytest.fixture
def make_visit(db):
    counter = iter(range(1, 1000))

    def make(*, slug=None, audiences=("teen", "adult"), guide=None, title=None, now=None, **extra):
        n = next(counter)
        fields = programme.VisitFields(
            slug=slug or f"visite-{n}", title=title or f"Visite {n}", description="Une **belle** visite.",
            meeting_point="Office de tourisme, 4 cours Jonville, Granville", audiences=audiences,
            guide_id=guide.id if guide else None, **extra)
        visit = programme.create_visit(fields, now=now or utcnow())
        db.session.commit()
        return visit

    return make


@pytest.fixture
def make_session(db, make_visit):
    """make_session(capacity=…, starts_in=timedelta, visit=…, now=…) → a committed session."""

    def make(*, capacity=10, starts_in=timedelta(days=7), visit=None, now=None, minutes=90, **extra):
        now = now or utcnow()
        visit = visit or make_visit(now=now)
        start = (now + starts_in).replace(second=0, microsecond=0)
        plan = programme.SessionPlan(starts_at=start, ends_at=start + timedelta(minutes=minutes),
                                     capacity=capacity, **extra)
        [session] = programme.add_sessions(visit, [plan], now=now)
        db.session.commit()
        return session

    return make


@pytest.fixture
def fixed_now() -> datetime:
    return datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
