"""Each learner's depth in the funnel, and how many learners are at each depth, kept as they go.

The funnel asks every person of the cohort whether they opened a lesson, finished a course,
attempted a tier, passed, attended a visit and reached each ambassador level
(``funnel_steps``). At 500,000 attempts (200,000 learners) that is about a second whatever the
indexes, and even one kept row per person read is 10× more work for 10× more people. So two
things are kept, in the transaction that changes them:

- ``office_funnel_depth``: one row per learner: how many of the steps they reached in a row, and
  the bucket they are counted in (the month their account was created, in the office's time
  zone, and their birth year). The population filters (a school, a class) read these rows.
- ``office_funnel_count``: learners per (month created, birth year, depth). Any period is a range
  of months and any age group a range of birth years, so the funnel without a population filter
  sums a few hundred rows, however many people there are.

**What keeps them.** The domains send ``activity_changed`` (core/signals.py) where what a person
has done changes: a lesson opened or finished, an attempt graded, an attendance mark set or
corrected, a pupil's progress erased, an ambassador level changed. The office also watches the
accounts themselves (office/receivers.py): an account created, the learner role granted or
removed, a birth year changed. Each only *notes* the person; at the commit (``before_commit``,
after every other write of the transaction) :func:`refresh_people` asks the steps again for those
people (a few index probes each), moves them between buckets and commits with the rest.
Recomputing, rather than adding a step, keeps corrections (present → absent) and erasures right.

**Two transactions at once.** On PostgreSQL the refresh first locks the one state row: refreshes
run one after the other, each at the end of its transaction, so the later one asks after the
earlier committed and sees both changes, and the shared count rows are never updated in two
orders at once (no deadlock). SQLite has one writer at a time anyway.

**Valid only for the lessons and steps it was built against.** "Finished a course" means every
lesson with a text in some course, *today*: a new lesson un-finishes people without anyone doing
anything. ``office_funnel_state`` holds a digest of the lessons per course and of the steps' keys
the rows were computed with; when today's differs, or nothing was built, the funnel asks the
questions as before (right, slower) until :func:`rebuild` runs: at the migration, after a
``learnapp content load`` or an edit that gave a lesson its first text, by ``learnapp office
rebuild-funnel`` (after rows were written by hand).
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from flask import current_app
from sqlalchemy import (
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    and_,
    delete,
    exists,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.auth.models import User, UserRole
from learnapp.db import UTCDateTime, dialect_insert, dialect_name, utcnow
from learnapp.extensions import db
from learnapp.office import rules

STATE_ID = 1
_LEARNER_ROLE_OF_USER = and_(UserRole.user_id == User.id, UserRole.name == rules.LEARNER_ROLE)
# session.info: the people to refresh, and whether a lesson got its first text, at the commit.
PEOPLE_NOTED = "learnapp.office.funnel_people"
LESSONS_NOTED = "learnapp.office.funnel_lessons"
EVERYONE_NOTED = "learnapp.office.funnel_everyone"
REFRESH_BATCH = 500  # people asked per query (well under SQLite's and PostgreSQL's bound parameters)


class FunnelDepth(db.Model):
    """A learner's depth in the funnel (0 to every step) and the bucket they are counted in."""

    __tablename__ = "office_funnel_depth"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    depth: Mapped[int] = mapped_column(SmallInteger)
    cohort_month: Mapped[str] = mapped_column(String(7))  # "2026-11": created that month, office time
    birth_year: Mapped[int] = mapped_column(Integer)


class FunnelCount(db.Model):
    """Learners created in a month, born in a year, at a depth."""

    __tablename__ = "office_funnel_count"

    cohort_month: Mapped[str] = mapped_column(String(7), primary_key=True)
    birth_year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    depth: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    people: Mapped[int] = mapped_column(Integer)


class FunnelState(db.Model):
    """One row: the digest of the lessons and steps the rows were built against, and when."""

    __tablename__ = "office_funnel_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lessons_key: Mapped[str] = mapped_column(String(4000))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))


# -- what is kept ----------------------------------------------------------------------------

def funnel_steps(conn=None, per_course: list[tuple[int, int]] | None = None) -> list[tuple[str, object]]:
    """(key, SQL condition on a user id) for every step after "registered", in order: the funnel's
    own (office/queries.py) then those other domains add (ambassador levels, office/seams.py)."""
    from learnapp.office import queries, seams

    steps = queries.standard_steps(conn, per_course)
    steps += [(step.key, step.reached(User.id)) for step in seams.registry(current_app).funnel_steps]
    return steps


def state_key(lessons_per_course: list[tuple[int, int]], step_keys: list[str]) -> str:
    """A digest of "course:lessons with a text" for every course and of the steps' keys: what
    the depths mean. Any change of a count, a course or a step changes it."""
    listed = ",".join(f"{course_id}:{lessons}" for course_id, lessons in lessons_per_course)
    return hashlib.sha256(f"{listed}|{','.join(step_keys)}".encode()).hexdigest()


def todays_key(conn=None) -> str:
    from learnapp.office import queries

    return state_key(queries.lessons_per_course(conn), [key for key, _condition in funnel_steps(conn, [])])


def usable(key: str, conn=None) -> bool:
    """Whether the kept rows were built against ``key`` (``todays_key``)."""
    conn = conn or db.session
    return conn.scalar(select(FunnelState.lessons_key).where(FunnelState.id == STATE_ID)) == key


def cohort_month(created_at: datetime) -> str:
    """The month an account was created, in the office's time zone ("2026-11")."""
    return f"{rules.office_today(created_at):%Y-%m}"


# -- noted during a transaction, kept at its commit ------------------------------------------

def note_person(session, user_id: int | None) -> None:
    """What ``user_id`` has done, or their account, changed: refresh them at the commit."""
    if user_id is not None:
        session.info.setdefault(PEOPLE_NOTED, set()).add(user_id)


def note_lessons(session) -> None:
    """A lesson got its first text: at the commit, rebuild if the lessons' digest changed."""
    session.info[LESSONS_NOTED] = True


def note_everyone(session) -> None:
    """Accounts changed in a way that names no one (a bulk update, a deleted account): rebuild at
    the commit (about a second at 200,000 learners; nothing in the product does it today)."""
    session.info[EVERYONE_NOTED] = True


def forget_notes(session) -> None:
    for name in (PEOPLE_NOTED, LESSONS_NOTED, EVERYONE_NOTED):
        session.info.pop(name, None)


def keep_noted(session) -> None:
    """At the commit, after its flush (office/receivers.py): the rebuild a change of accounts or
    lessons calls for, else the refresh of the people noted."""
    lessons, people = session.info.pop(LESSONS_NOTED, False), session.info.pop(PEOPLE_NOTED, set())
    if session.info.pop(EVERYONE_NOTED, False):
        if _lock_state(session):
            rebuild(session)
        return  # the rebuild asked everyone, these people included
    if lessons and rebuild_if_lessons_changed(session):
        return
    if people:
        refresh_people(sorted(people), session)


def _lock_state(conn) -> bool:
    """Whether anything was built; on PostgreSQL, hold the state row until the commit, so the
    refreshes and rebuilds of other transactions wait (see the module's docstring)."""
    query = select(FunnelState.id).where(FunnelState.id == STATE_ID)
    if dialect_name(conn) == "postgresql":
        query = query.with_for_update()
    return conn.scalar(query) is not None


def refresh_people(user_ids: list[int], conn=None) -> None:
    """Ask the steps again for these people and move each to their bucket (no-op before a build).

    A few statements per batch of people, however many there are (a class roster of 2,000 pupils
    is one import): their kept rows and their depths asked in one query each, then one upsert per
    bucket whose count changed, in bucket order."""
    conn = conn or db.session
    if not _lock_state(conn):
        return  # nothing kept yet: the funnel asks everyone until the first rebuild
    steps = funnel_steps(conn)
    changes: dict[tuple[str, int, int], int] = {}
    for start in range(0, len(user_ids), REFRESH_BATCH):
        _refresh_batch(conn, steps, user_ids[start:start + REFRESH_BATCH], changes)
    for bucket in sorted(changes):
        if changes[bucket]:
            _add_to_count(conn, bucket, changes[bucket])


def _refresh_batch(conn, steps, user_ids: list[int], changes: dict[tuple[str, int, int], int]) -> None:
    from learnapp.office import queries

    old = {row.user_id: (row.cohort_month, row.birth_year, row.depth) for row in conn.execute(
        select(FunnelDepth.user_id, FunnelDepth.cohort_month, FunnelDepth.birth_year, FunnelDepth.depth)
        .where(FunnelDepth.user_id.in_(user_ids)))}
    new = {row.id: (cohort_month(row.created_at), row.birth_year, row.depth) for row in conn.execute(
        select(User.id, User.created_at, User.birth_year, queries.depth_of(steps).label("depth"))
        .where(User.id.in_(user_ids), exists().where(_LEARNER_ROLE_OF_USER)))}
    gone, kept = [], []
    for user_id in user_ids:
        before, after = old.get(user_id), new.get(user_id)
        if before == after:
            continue
        if before is not None:
            changes[before] = changes.get(before, 0) - 1
        if after is None:
            gone.append(user_id)
            continue
        changes[after] = changes.get(after, 0) + 1
        kept.append({"user_id": user_id, "cohort_month": after[0], "birth_year": after[1], "depth": after[2]})
    if gone:
        conn.execute(delete(FunnelDepth).where(FunnelDepth.user_id.in_(gone)))
    if kept:
        statement = dialect_insert(conn, FunnelDepth)
        conn.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_={
            name: statement.excluded[name] for name in ("depth", "cohort_month", "birth_year")}), kept)


def _add_to_count(conn, bucket: tuple[str, int, int], change: int) -> None:
    month, birth_year, depth = bucket
    statement = dialect_insert(conn, FunnelCount).values(cohort_month=month, birth_year=birth_year, depth=depth,
                                                         people=change)
    conn.execute(statement.on_conflict_do_update(
        index_elements=["cohort_month", "birth_year", "depth"],
        set_={"people": FunnelCount.people + statement.excluded.people}))


# -- rebuilt from the raw rows ---------------------------------------------------------------

def rebuild_if_lessons_changed(conn=None) -> bool:
    """Rebuild when the lessons or steps the rows were built against changed: at the commit that
    gave a lesson its first text (``lessons_changed``, from a content load or the web editor
    alike). A change that leaves them as they were costs one small query. Whether it rebuilt."""
    conn = conn or db.session
    if usable(todays_key(conn), conn):
        return False
    rebuild(conn)
    return True


def _learner_months(conn) -> list[rules.Period]:
    """Every month from the first learner's account to the last one's (office time)."""
    first, last = conn.execute(select(func.min(User.created_at), func.max(User.created_at))
                               .join(UserRole, _LEARNER_ROLE_OF_USER)).one()
    if first is None:
        return []
    return rules.months_between(rules.office_today(first), rules.office_today(last))


def learners_depths(steps: list[tuple[str, object]], months: list[rules.Period]):
    """The select of (user id, depth in ``steps``, month created, birth year) for every learner."""
    from learnapp.office import queries

    month = queries.period_bucket(User.created_at, months) if months else literal("")
    return (select(User.id, queries.depth_of(steps), month, User.birth_year)
            .join(UserRole, _LEARNER_ROLE_OF_USER))


def rebuild(conn=None) -> int:
    """Recompute every learner's depth and the counts from the raw rows, against today's lessons
    and steps; returns how many learners opened a lesson. Idempotent; one transaction (the
    caller commits)."""
    from learnapp.office import queries

    conn = conn or db.session
    if dialect_name(conn) == "postgresql":
        # No refresh in between: they wait for this rebuild's commit (the state row), then ask again.
        conn.execute(text("LOCK TABLE office_funnel_state IN EXCLUSIVE MODE"))
        conn.execute(text("SET LOCAL jit = off"))
    per_course = queries.lessons_per_course(conn)
    steps = funnel_steps(conn, per_course)
    conn.execute(delete(FunnelCount))
    conn.execute(delete(FunnelDepth))
    conn.execute(insert(FunnelDepth).from_select(["user_id", "depth", "cohort_month", "birth_year"],
                                                 learners_depths(steps, _learner_months(conn))))
    conn.execute(insert(FunnelCount).from_select(
        ["cohort_month", "birth_year", "depth", "people"],
        select(FunnelDepth.cohort_month, FunnelDepth.birth_year, FunnelDepth.depth, func.count())
        .group_by(FunnelDepth.cohort_month, FunnelDepth.birth_year, FunnelDepth.depth)))
    key = state_key(per_course, [key for key, _condition in steps])
    if conn.execute(select(FunnelState.id).where(FunnelState.id == STATE_ID)).first() is None:
        conn.execute(insert(FunnelState).values(id=STATE_ID, lessons_key=key, built_at=utcnow()))
    else:
        conn.execute(FunnelState.__table__.update().where(FunnelState.id == STATE_ID)
                     .values(lessons_key=key, built_at=utcnow()))
    return conn.scalar(select(func.coalesce(func.sum(FunnelCount.people), 0)).where(FunnelCount.depth > 0)) or 0
