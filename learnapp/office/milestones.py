"""Each person's depth in the funnel, kept as they go, so "everything" is a count of rows.

The funnel asks five questions of every person of the cohort (opened a lesson, finished a course,
attempted a tier, passed, attended a visit: office/queries.py, ``standard_steps``); at 500,000
attempts (200,000 learners) that is about a second whatever the indexes. Here each person's
answer — how many of those five steps they reached in a row — is one row of
``office_funnel_depth``, so the funnel reads a row per person instead of asking five questions.

- **Kept in the transaction that changes it.** The domains send ``activity_changed`` (core/signals.py)
  where what a person has done changes: a lesson opened or finished, an attempt graded, an
  attendance mark set or corrected, a pupil's progress erased. :func:`refresh` asks the five
  questions again for that one person (a few index probes) and stores the answer. The person's
  row is locked first on PostgreSQL, so of two changes at once the later one recomputes after the
  earlier has committed and sees both (SQLite has one writer at a time). Recomputing, rather
  than adding a step, keeps corrections (present → absent) and erasures right.
- **Valid only for the lessons it was built against.** "Finished a course" means every lesson
  with a text in some course, *today*: a new lesson un-finishes people without anyone doing
  anything. ``office_funnel_state`` holds the lessons' key (lessons with a text per course) the
  rows were computed with; when today's key differs, or nothing was built, the funnel asks the
  questions as before (right, slower) until :func:`rebuild` runs: at the migration that creates
  the table, after a ``learnapp content load`` that changed them, by ``learnapp office
  rebuild-funnel``.
- **Only people who opened a lesson have a row** after a rebuild (no row: depth 0; a refresh may
  keep a 0, for someone whose progress was erased). The contributed steps
  after the fifth (ambassador levels, office/seams.py) are not kept: they are asked only of the
  people whose kept depth is 5, a small part of the cohort.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import ForeignKey, Integer, SmallInteger, String, delete, func, insert, select, text
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.db import UTCDateTime, dialect_insert, dialect_name, utcnow
from learnapp.extensions import db

STATE_ID = 1


class FunnelDepth(db.Model):
    """How many of the funnel's standard steps a person reached in a row (1–5; no row: 0)."""

    __tablename__ = "office_funnel_depth"

    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True,
                                         autoincrement=False)
    depth: Mapped[int] = mapped_column(SmallInteger)


class FunnelState(db.Model):
    """One row: the lessons' key the depths were computed against, and when they were rebuilt."""

    __tablename__ = "office_funnel_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    lessons_key: Mapped[str] = mapped_column(String(4000))
    built_at: Mapped[datetime] = mapped_column(UTCDateTime(timezone=True))


def lessons_key(lessons_per_course: list[tuple[int, int]]) -> str:
    """A digest of "course:lessons with a text" for every course, in course order: what
    "finished" is measured against. Any change of a count or a course changes it, however many
    courses there are."""
    listed = ",".join(f"{course_id}:{lessons}" for course_id, lessons in lessons_per_course)
    return hashlib.sha256(listed.encode()).hexdigest()


def usable(key: str, conn=None) -> bool:
    """Whether the kept depths were built against these lessons (``key``)."""
    conn = conn or db.session
    return conn.scalar(select(FunnelState.lessons_key).where(FunnelState.id == STATE_ID)) == key


def refresh(user_id: int, conn=None) -> None:
    """Ask the five questions again for one person and keep the answer (no-op before a build)."""
    from learnapp.office import queries

    conn = conn or db.session
    if conn.scalar(select(FunnelState.id).where(FunnelState.id == STATE_ID)) is None:
        return  # nothing kept yet: the funnel asks everyone until the first rebuild
    if dialect_name(conn) == "postgresql":
        # Hold the person's row (created if need be) until the commit: a change made at the same
        # moment waits here, then asks the questions after this one committed, and sees it.
        conn.execute(dialect_insert(conn, FunnelDepth).values(user_id=user_id, depth=0)
                     .on_conflict_do_nothing(index_elements=["user_id"]))
        conn.execute(select(FunnelDepth.user_id).where(FunnelDepth.user_id == user_id).with_for_update())
    depth = conn.scalar(queries.person_depth(queries.standard_steps(conn), user_id)) or 0
    statement = dialect_insert(conn, FunnelDepth).values(user_id=user_id, depth=depth)
    conn.execute(statement.on_conflict_do_update(index_elements=["user_id"], set_={"depth": statement.excluded.depth}))


def rebuild_if_lessons_changed() -> None:
    """After a content load (core/content_packs.py ``after_load``): rebuild when the lessons the
    depths were built against changed (a load that changes no lesson costs one small query)."""
    from learnapp.office import queries

    if not usable(lessons_key(queries.lessons_per_course())):
        rebuild()


def rebuild(conn=None) -> int:
    """Recompute every person's depth from the raw rows, against today's lessons; returns the
    rows kept. Idempotent; one transaction (the caller commits)."""
    from learnapp.office import queries

    conn = conn or db.session
    if dialect_name(conn) == "postgresql":
        # No per-person refresh in between: they wait for this rebuild's commit, then recompute.
        conn.execute(text("LOCK TABLE office_funnel_depth IN EXCLUSIVE MODE"))
        conn.execute(text("SET LOCAL jit = off"))
    per_course = queries.lessons_per_course(conn)
    steps = queries.standard_steps(conn, per_course)
    conn.execute(delete(FunnelDepth))
    conn.execute(insert(FunnelDepth).from_select(["user_id", "depth"], queries.openers_depths(steps)))
    key = lessons_key(per_course)
    if conn.execute(select(FunnelState.id).where(FunnelState.id == STATE_ID)).first() is None:
        conn.execute(insert(FunnelState).values(id=STATE_ID, lessons_key=key, built_at=utcnow()))
    else:
        conn.execute(FunnelState.__table__.update().where(FunnelState.id == STATE_ID)
                     .values(lessons_key=key, built_at=utcnow()))
    return conn.scalar(select(func.count()).select_from(FunnelDepth)) or 0
