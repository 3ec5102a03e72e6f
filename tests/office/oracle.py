"""The dashboard's numbers recomputed the slow, obvious way: every raw row loaded into Python and
counted by hand, following the definitions written on the page. Tests compare the SQL aggregates
to these."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, timedelta

from flask import current_app
from sqlalchemy import select

from learnapp.ambassadors.models import LevelChange, Membership
from learnapp.auth.models import User, UserRole
from learnapp.core import age_groups
from learnapp.courses.models import Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.office.rules import AGE_ALL, Period
from learnapp.quizzes.models import QuizAttempt
from learnapp.visits.models import Attendance, Booking, VisitSession


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _in(moment, period: Period) -> bool:
    moment = _aware(moment)
    return ((period.start_utc is None or moment >= period.start_utc)
            and (period.end_utc is None or moment < period.end_utc))


def rates(period: Period, age_group: str, people: set[int] | None = None):
    """{"age": {group: (tried, certified)}, "tier": {tier_id: (tried, certified)}, "total": (tried, certified)}
    (``people``: only these user ids, as a population filter such as a school does)."""
    pairs: dict[tuple, bool] = {}
    for attempt in db.session.scalars(select(QuizAttempt)):
        if attempt.submitted_at is None or not _in(attempt.submitted_at, period):
            continue
        if people is not None and attempt.user_id not in people:
            continue
        if age_group != AGE_ALL and attempt.audience != age_group:
            continue
        key = (attempt.tier_id, attempt.audience, attempt.user_id)
        pairs[key] = pairs.get(key, False) or bool(attempt.passed)
    by_age, by_tier = defaultdict(lambda: [0, 0]), defaultdict(lambda: [0, 0])
    total = [0, 0]
    for (tier_id, audience, _user), passed in pairs.items():
        for bucket in (by_age[audience], by_tier[tier_id], total):
            bucket[0] += 1
            bucket[1] += int(passed)
    return {"age": {k: tuple(v) for k, v in by_age.items()}, "tier": {k: tuple(v) for k, v in by_tier.items()},
            "total": tuple(total)}


def funnel(period: Period, age_group: str, today, people: set[int] | None = None) -> list[int]:
    """The registered, the base steps, then one step per ambassador level rank (AMBASSADOR_FUNNEL_RANKS)."""
    learners = {role.user_id for role in db.session.scalars(select(UserRole)) if role.name == "learner"}
    year = (period.end - timedelta(days=1)).year if period.end else today.year
    cohort = [u for u in db.session.scalars(select(User))
              if u.id in learners and _in(u.created_at, period)
              and (age_group == AGE_ALL or age_groups.group_on(u.birth_year, _day_in(year)) == age_group)
              and (people is None or u.id in people)]
    progress = list(db.session.scalars(select(LessonProgress)))
    texts = {v.lesson_id for v in db.session.scalars(select(LessonVersion))}
    lessons_with_text = Counter(lesson.course_id for lesson in db.session.scalars(select(Lesson))
                                if lesson.id in texts)
    attempts = list(db.session.scalars(select(QuizAttempt)))
    bookings = {b.id: b for b in db.session.scalars(select(Booking))}
    present = {bookings[a.booking_id].user_id for a in db.session.scalars(select(Attendance))
               if a.person == 0 and a.attended}

    def finished(user) -> bool:
        done = Counter(p.course_id for p in progress
                       if p.user_id == user.id and p.completed_version_id is not None and p.lesson_id in texts)
        return any(count >= lessons_with_text[course] > 0 for course, count in done.items())

    steps = [
        lambda u: any(p.user_id == u.id for p in progress),
        finished,
        lambda u: any(a.user_id == u.id and a.submitted_at is not None for a in attempts),
        lambda u: any(a.user_id == u.id and a.passed for a in attempts),
        lambda u: u.id in present,
    ]
    # Ambassador levels: the rank now, or any rank the level history reached.
    best = defaultdict(int)
    for membership in db.session.scalars(select(Membership)):
        best[membership.user_id] = max(best[membership.user_id], membership.level_rank)
    for change in db.session.scalars(select(LevelChange)):
        best[change.user_id] = max(best[change.user_id], change.to_rank)
    for rank in range(1, current_app.config["AMBASSADOR_FUNNEL_RANKS"] + 1):
        steps.append(lambda u, rank=rank: best[u.id] >= rank)
    counts = [len(cohort)]
    reached = cohort
    for step in steps:
        reached = [u for u in reached if step(u)]
        counts.append(len(reached))
    return counts


def _day_in(year: int):
    from datetime import date

    return date(year, 12, 31)


def visits(period: Period, months: list[Period]):
    """{"month": {"2026-11": (sessions, capacity, taken, waitlisted, attended, no_show)}, "visit": {visit_id: …}}"""
    bookings = list(db.session.scalars(select(Booking)))
    marks = list(db.session.scalars(select(Attendance)))
    by_booking = {b.id: b for b in bookings}
    result = {"month": defaultdict(lambda: [0] * 6), "visit": defaultdict(lambda: [0] * 6)}
    for session in db.session.scalars(select(VisitSession)):
        if session.status == "cancelled" or not _in(session.starts_at, period):
            continue
        month = next((m.at for m in months if _in(session.starts_at, m)), None)
        waitlisted = sum(b.seats for b in bookings if b.session_id == session.id and b.status == "waitlisted")
        session_marks = [m for m in marks if by_booking[m.booking_id].session_id == session.id
                         and by_booking[m.booking_id].status == "confirmed"]
        numbers = (1, session.capacity, session.taken, waitlisted, sum(1 for m in session_marks if m.attended),
                   sum(1 for m in session_marks if not m.attended))
        targets = [result["visit"][session.visit_id]]
        if month is not None:
            targets.append(result["month"][month])
        for target in targets:
            for index, value in enumerate(numbers):
                target[index] += value
    return {kind: {k: tuple(v) for k, v in values.items()} for kind, values in result.items()}
