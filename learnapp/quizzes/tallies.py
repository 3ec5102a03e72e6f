"""The statistics' sums and counts, kept up to date as attempts are graded.

The statistics pages used to add up every answer ever given (4.3 million rows at 500,000
attempts: 29 s). Instead, :func:`record_graded` adds one graded attempt to the kept rows — per
question version n, Σx, Σx², Σy, Σy², Σxy (x = credit on the item, y = the rest of the attempt's
score) and the items answered; per option the times chosen; per tier and age group the attempts,
passes, learners and scores — in the transaction that grades it, so the numbers are committed (or
rolled back) with the grade itself, and a page reads a few hundred rows whatever the number of
attempts.

Concurrency: every change is an upsert that adds to the stored value in the database
(``INSERT … ON CONFLICT DO UPDATE SET n = n + excluded.n``), never a value read into Python and
written back, so two gradings at once cannot lose an increment. The rows are written in one
order (items, options, tier; by key), so two gradings never wait on each other in a cycle on
PostgreSQL. « Is this learner new in this tier and age group? » reads only the learner's own
attempts, and a learner has one open attempt per tier at a time (``start_attempt``), so it cannot
race with itself.

:func:`rebuild` recomputes everything from the raw rows (the backfill, ``learnapp quizzes
rebuild-stats``, idempotent): after attempts were written outside the grading service or
deleted with their account.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import case, delete, func, insert, select, text

from learnapp.db import dialect_insert, dialect_name
from learnapp.extensions import db
from learnapp.quizzes import stats_queries, types
from learnapp.quizzes.models import QuizAttempt, QuizItemStat, QuizOptionStat, QuizTier, QuizTierStat

ITEM_SUMS = ("n", "sum_x", "sum_xx", "sum_y", "sum_yy", "sum_xy", "answered")
TIER_COUNTS = ("attempts", "passed_attempts", "learners", "passed_learners", "scored", "sum_score")


def _add(conn, model, keys: tuple[str, ...], increments: tuple[str, ...], rows: list[dict], latest: str | None = None):
    """Upsert ``rows`` (sorted by ``keys``): new rows are inserted, existing ones get each
    increment added in SQL (and ``latest`` kept at the greater value)."""
    if not rows:
        return
    table = model.__table__
    statement = dialect_insert(conn, table)
    values = {name: table.c[name] + statement.excluded[name] for name in increments}
    if latest is not None:
        current, new = table.c[latest], statement.excluded[latest]
        values[latest] = case((current.is_(None), new), (new > current, new), else_=current)
    statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    conn.execute(statement, sorted(rows, key=lambda row: tuple(row[k] for k in keys)))


def record_graded(attempt: QuizAttempt, items, course_id: int, conn=None) -> None:
    """Add a just-graded attempt (its items carry their credit and ``question_version``) to the
    kept sums and counts. Called once, by the request whose guarded update graded it."""
    conn = conn or db.session
    credits = [item.credit or 0.0 for item in items]
    total = sum(credits)
    sums: dict[int, list] = {}
    chosen: Counter = Counter()
    for item, x in zip(items, credits, strict=True):
        y = total - x
        row = sums.setdefault(item.question_version_id, [0, 0.0, 0.0, 0.0, 0.0, 0.0, 0])
        row[0] += 1
        row[1] += x
        row[2] += x * x
        row[3] += y
        row[4] += y * y
        row[5] += x * y
        kind = types.REGISTRY.get(item.question_version.type)
        if kind is not None and kind.counts_options and item.answer is not None:
            picked = kind.chosen_options(item.answer)
            if picked:
                row[6] += 1
                chosen.update((item.question_version_id, option_id) for option_id in picked)
    _add(conn, QuizItemStat, ("question_version_id",), ITEM_SUMS,
         [{"question_version_id": version_id, "course_id": course_id, **dict(zip(ITEM_SUMS, row, strict=True))}
          for version_id, row in sums.items()])
    _add(conn, QuizOptionStat, ("question_version_id", "option_id"), ("chosen",),
         [{"question_version_id": version_id, "option_id": option_id, "course_id": course_id, "chosen": count}
          for (version_id, option_id), count in chosen.items()])

    # The learner's earlier submitted attempts at this tier in this age group: is this their first
    # (a new learner), their first pass (a new passed learner)?
    passed = QuizAttempt.passed.is_(True)
    earlier, earlier_passed = conn.execute(
        select(func.count(QuizAttempt.id), func.count(case((passed, 1), else_=None)))
        .where(QuizAttempt.user_id == attempt.user_id, QuizAttempt.tier_id == attempt.tier_id,
               QuizAttempt.audience == attempt.audience, QuizAttempt.status == stats_queries.SUBMITTED,
               QuizAttempt.id != attempt.id)).one()
    _add(conn, QuizTierStat, ("tier_id", "audience"), TIER_COUNTS, [{
        "tier_id": attempt.tier_id, "audience": attempt.audience, "course_id": course_id, "attempts": 1,
        "passed_attempts": int(bool(attempt.passed)), "learners": int(earlier == 0),
        "passed_learners": int(bool(attempt.passed) and earlier_passed == 0),
        "scored": int(attempt.score is not None), "sum_score": attempt.score or 0.0,
        "last_submitted_at": attempt.submitted_at}], latest="last_submitted_at")


# Rebuilding from the raw rows ---------------------------------------------------------------------

@dataclass
class RebuildReport:
    courses: int = 0
    attempts: int = 0
    versions: int = 0


def _lock(conn) -> None:
    """Gradings wait while the kept rows are rebuilt (their increments then apply on top of the
    rebuilt numbers, never inside them). SQLite: the rebuild's first statement is a write, which
    takes the database's write lock."""
    if dialect_name(conn) == "postgresql":
        conn.execute(text("LOCK TABLE quiz_item_stat, quiz_option_stat, quiz_tier_stat IN SHARE ROW EXCLUSIVE MODE"))


def rebuild(course_ids: list[int] | None = None, conn=None) -> RebuildReport:
    """Recompute the kept sums and counts of the given courses (all courses with tiers by
    default) from the raw rows, replacing what was kept. Idempotent; flushes, never commits.
    ``conn``: a Session or a Connection (the migration passes its own)."""
    conn = conn or db.session
    _lock(conn)
    for model in (QuizItemStat, QuizOptionStat, QuizTierStat):
        statement = delete(model)
        if course_ids is not None:
            statement = statement.where(model.course_id.in_(course_ids))
        conn.execute(statement)
    if course_ids is None:
        course_ids = list(conn.execute(select(QuizTier.course_id).distinct().order_by(QuizTier.course_id)).scalars())
    report = RebuildReport()
    for course_id in course_ids:
        report.courses += 1
        sums = stats_queries.item_sums(course_id, conn)
        chosen, answered = stats_queries.answer_counts(course_id, conn)
        if sums:
            conn.execute(insert(QuizItemStat), [
                {"question_version_id": version_id, "course_id": course_id, "n": s.n, "sum_x": s.sum_x,
                 "sum_xx": s.sum_xx, "sum_y": s.sum_y, "sum_yy": s.sum_yy, "sum_xy": s.sum_xy,
                 "answered": answered.get(version_id, 0)} for version_id, s in sorted(sums.items())])
        options = [{"question_version_id": version_id, "option_id": option_id, "course_id": course_id, "chosen": n}
                   for version_id, counts in sorted(chosen.items()) if version_id in sums
                   for option_id, n in sorted(counts.items())]
        if options:
            conn.execute(insert(QuizOptionStat), options)
        counts = stats_queries.tier_counts(course_id, conn)
        if counts:
            conn.execute(insert(QuizTierStat), counts)
        report.versions += len(sums)
        report.attempts += sum(c["attempts"] for c in counts)
    if hasattr(conn, "flush"):
        conn.flush()
    return report
