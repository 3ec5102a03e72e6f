"""Certification rates per month, season, school year and calendar year, kept as attempts are graded.

"Tried" and "certified" count *people* (a person once per tier and age group, however many
attempts), so a period's numbers are not the sum of its months'. Counted from the attempts, a
year at 500,000 attempts reads ~400,000 index entries: over a second. Instead, when an attempt
is graded (``attempt_graded``, core/signals.py), the person is added, in the same transaction,
to the four periods holding the moment it was submitted (office time) — as "tried" if it is their
first attempt at that tier and age group in that period, as "certified" if it is their first
pass there. Their own earlier attempts say so (a few rows, by the attempts' user index), and a
learner has one open attempt per tier at a time (``start_attempt``), so that question cannot race
with itself; the counts are upserts that add in SQL (``INSERT … ON CONFLICT DO UPDATE SET n = n +
…``), so two gradings at once cannot lose one (quizzes/tallies.py does the same).

The dashboard reads one row per tier and age group of the period (``office/queries.py``,
``certification_counts``); with a population filter (a school, a class) it counts the attempts.
:func:`rebuild` recomputes everything from the attempts (the migration, ``learnapp office
rebuild-counts``; after attempts were written outside the grading service).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Integer, String, case, delete, func, insert, select, text
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.db import dialect_insert, dialect_name
from learnapp.extensions import db
from learnapp.office import rules
from learnapp.quizzes.models import QuizAttempt

KINDS = ("month", "season", "school_year", "year")


class PeriodRate(db.Model):
    """People who tried a tier (and those who passed it) in a period, per age group at the attempt."""

    __tablename__ = "office_period_rate"

    period: Mapped[str] = mapped_column(String(24), primary_key=True)  # "month:2026-11", "year:2026" …
    tier_id: Mapped[int] = mapped_column(ForeignKey("quiz_tier.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    audience: Mapped[str] = mapped_column(String(10), primary_key=True)
    tried: Mapped[int] = mapped_column(Integer)
    certified: Mapped[int] = mapped_column(Integer)


def key(period: rules.Period) -> str | None:
    """The kept rows' name for ``period``, or None when it is not one kept (everything)."""
    return f"{period.kind}:{period.at}" if period.kind in KINDS and period.at else None


def periods_holding(moment: datetime) -> list[rules.Period]:
    """The month, season, school year and year holding ``moment`` (office time)."""
    day = rules.office_today(moment)
    return [rules.parse_period(kind, rules.default_at(kind, day), day) for kind in KINDS]


def record_graded(attempt: QuizAttempt, conn=None) -> None:
    """Add a just-graded attempt's person to the periods holding it (see the module's docstring)."""
    conn = conn or db.session
    if attempt.submitted_at is None:
        return
    earlier = conn.execute(
        select(QuizAttempt.submitted_at, QuizAttempt.passed)
        .where(QuizAttempt.user_id == attempt.user_id, QuizAttempt.tier_id == attempt.tier_id,
               QuizAttempt.audience == attempt.audience, QuizAttempt.submitted_at.is_not(None),
               QuizAttempt.id != attempt.id)).all()
    rows = []
    for period in periods_holding(attempt.submitted_at):
        inside = [passed for submitted_at, passed in earlier if _within(submitted_at, period)]
        tried, certified = not inside, bool(attempt.passed) and not any(inside)
        if tried or certified:
            rows.append({"period": key(period), "tier_id": attempt.tier_id, "audience": attempt.audience,
                         "tried": int(tried), "certified": int(certified)})
    if rows:
        statement = dialect_insert(conn, PeriodRate)
        statement = statement.on_conflict_do_update(
            index_elements=["period", "tier_id", "audience"],
            set_={"tried": PeriodRate.tried + statement.excluded.tried,
                  "certified": PeriodRate.certified + statement.excluded.certified})
        conn.execute(statement, sorted(rows, key=lambda row: row["period"]))  # one order: no wait cycle


def _within(moment: datetime, period: rules.Period) -> bool:
    return period.start_utc <= moment < period.end_utc  # read through UTCDateTime: aware


def _consecutive(kind: str, first: date, last: date) -> list[rules.Period]:
    """Every period of ``kind`` from the one holding ``first`` to the one holding ``last``."""
    periods = [rules.parse_period(kind, rules.default_at(kind, first), first)]
    while periods[-1].end <= last:
        following = periods[-1].end
        periods.append(rules.parse_period(kind, rules.default_at(kind, following), following))
    return periods


def rebuild(conn=None) -> int:
    """Recompute every kept row from the attempts; returns the rows kept. One pass over the
    submitted attempts per kind of period. Idempotent; the caller commits."""
    from learnapp.office import queries

    conn = conn or db.session
    if dialect_name(conn) == "postgresql":
        # Gradings wait (their increments then apply on top of the rebuilt numbers).
        conn.execute(text("LOCK TABLE office_period_rate IN SHARE ROW EXCLUSIVE MODE"))
        conn.execute(text("SET LOCAL jit = off"))
    conn.execute(delete(PeriodRate))
    submitted = QuizAttempt.submitted_at.is_not(None)
    first, last = conn.execute(select(func.min(QuizAttempt.submitted_at), func.max(QuizAttempt.submitted_at))
                               .where(submitted)).one()
    if first is None:
        return 0
    first_day, last_day = rules.office_today(first), rules.office_today(last)
    passed = func.max(case((QuizAttempt.passed.is_(True), 1), else_=0))
    for kind in KINDS:
        periods = _consecutive(kind, first_day, last_day)
        bucket = queries.period_bucket(QuizAttempt.submitted_at, periods, key).label("period")
        people = (select(bucket, QuizAttempt.tier_id, QuizAttempt.audience, QuizAttempt.user_id,
                         passed.label("passed"))
                  .where(submitted)
                  .group_by(bucket, QuizAttempt.tier_id, QuizAttempt.audience, QuizAttempt.user_id)).subquery()
        conn.execute(insert(PeriodRate).from_select(
            ["period", "tier_id", "audience", "tried", "certified"],
            select(people.c.period, people.c.tier_id, people.c.audience, func.count(), func.sum(people.c.passed))
            .group_by(people.c.period, people.c.tier_id, people.c.audience)))
    return conn.scalar(select(func.count()).select_from(PeriodRate)) or 0
