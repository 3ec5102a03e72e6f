"""The SQL behind the statistics page: aggregates computed by the database, never a list of
attempts loaded into Python.

Per course, three grouped queries over submitted attempts:

1. per question version: count and the sums of x, x², y, y², xy (x = the item's credit,
   y = the rest of its attempt's score), from which ``stats.py`` computes facility and
   discrimination;
2. per question version of a type that counts options and distinct answer: how many items gave
   it (the answer as text; distinct answers of a choice question are few), turned into option
   counts by the type's ``chosen_options``;
3. per tier and age group: attempts, passed attempts, learners, learners who passed, mean score.

The results are cached per process and per *data version* of the course (the number of
submitted attempts, the last submission and the last question version): a new submission or an
edit changes the version, so a stale page is never served.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict, defaultdict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Float, String, case, cast, distinct, func, select

from learnapp.extensions import db
from learnapp.quizzes import stats, types
from learnapp.quizzes.models import (
    AttemptItem,
    Question,
    QuestionVersion,
    QuizAttempt,
    QuizItemStat,
    QuizOptionStat,
    QuizTier,
    QuizTierStat,
)

SUBMITTED = "submitted"


# The queries ----------------------------------------------------------------------------------

def _submitted_items(course_id: int):
    """attempt_item rows of the course's submitted attempts, joined to their attempt."""
    return (select(AttemptItem.id)
            .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
            .join(QuizTier, QuizTier.id == QuizAttempt.tier_id)
            .where(QuizTier.course_id == course_id, QuizAttempt.status == SUBMITTED))


def data_version(course_id: int) -> tuple:
    """Changes whenever an attempt of the course is graded (the kept counts move), the kept
    numbers are rebuilt, or a question version is added. Reads a few rows, never the attempts."""
    kept = db.session.execute(
        select(func.count(), func.sum(QuizTierStat.attempts), func.sum(QuizTierStat.sum_score),
               func.max(QuizTierStat.last_submitted_at))
        .where(QuizTierStat.course_id == course_id)).one()
    last_version = db.session.scalar(
        select(func.max(QuestionVersion.id)).join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.course_id == course_id))
    return (course_id, kept[0], kept[1], kept[2], kept[3].isoformat() if kept[3] else None, last_version)


def item_sums(course_id: int, conn=None) -> dict[int, stats.ItemSums]:
    """Per question version id: the sums of credit and rest-of-attempt score, from the raw rows."""
    credit = func.coalesce(AttemptItem.credit, 0.0)
    totals = (select(AttemptItem.attempt_id.label("attempt_id"),
                     func.sum(credit).label("total"))
              .join(QuizAttempt, QuizAttempt.id == AttemptItem.attempt_id)
              .join(QuizTier, QuizTier.id == QuizAttempt.tier_id)
              .where(QuizTier.course_id == course_id, QuizAttempt.status == SUBMITTED)
              .group_by(AttemptItem.attempt_id)
              .subquery())
    x = cast(credit, Float)
    y = cast(totals.c.total - credit, Float)
    rows = (conn or db.session).execute(
        select(AttemptItem.question_version_id, func.count(),
               func.sum(x), func.sum(x * x), func.sum(y), func.sum(y * y), func.sum(x * y))
        .join(totals, totals.c.attempt_id == AttemptItem.attempt_id)
        .group_by(AttemptItem.question_version_id))
    return {version_id: stats.ItemSums(n, sx or 0.0, sxx or 0.0, sy or 0.0, syy or 0.0, sxy or 0.0)
            for version_id, n, sx, sxx, sy, syy, sxy in rows}


def answer_counts(course_id: int, conn=None) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    """Per question version of a choice type: option id → times chosen, and items answered
    (from the raw rows)."""
    answer_text = cast(AttemptItem.answer, String)
    rows = (conn or db.session).execute(
        select(AttemptItem.question_version_id, QuestionVersion.type, answer_text, func.count())
        .join(QuestionVersion, QuestionVersion.id == AttemptItem.question_version_id)
        .where(AttemptItem.id.in_(_submitted_items(course_id)),
               QuestionVersion.type.in_(types.option_counting()),
               AttemptItem.answer.is_not(None))
        .group_by(AttemptItem.question_version_id, QuestionVersion.type, answer_text))
    chosen: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    answered: dict[int, int] = defaultdict(int)
    for version_id, version_type, text, count in rows:
        try:
            answer = json.loads(text) if text is not None else None
        except ValueError:
            answer = None
        kind = types.REGISTRY.get(version_type)
        picked = kind.chosen_options(answer) if kind is not None else []
        if not picked:
            continue  # null or empty answer: left blank
        answered[version_id] += count
        for option_id in picked:
            chosen[version_id][option_id] += count
    return {k: dict(v) for k, v in chosen.items()}, dict(answered)


def tier_counts(course_id: int, conn=None) -> list[dict]:
    """Per tier and age group (the learner's group when they took the attempt), from the raw
    rows: the columns of ``QuizTierStat``."""
    passed = QuizAttempt.passed.is_(True)
    rows = (conn or db.session).execute(
        select(QuizAttempt.tier_id, QuizAttempt.audience,
               func.count(QuizAttempt.id),
               func.sum(case((passed, 1), else_=0)),
               func.count(distinct(QuizAttempt.user_id)),
               func.count(distinct(case((passed, QuizAttempt.user_id), else_=None))),
               func.count(QuizAttempt.score),
               func.sum(QuizAttempt.score),
               func.max(QuizAttempt.submitted_at))
        .join(QuizTier, QuizTier.id == QuizAttempt.tier_id)
        .where(QuizTier.course_id == course_id, QuizAttempt.status == SUBMITTED)
        .group_by(QuizAttempt.tier_id, QuizAttempt.audience))
    return [{"tier_id": tier_id, "audience": audience, "course_id": course_id, "attempts": attempts,
             "passed_attempts": int(passed_attempts or 0), "learners": learners, "passed_learners": passed_learners,
             "scored": scored, "sum_score": float(sum_score or 0.0), "last_submitted_at": last}
            for (tier_id, audience, attempts, passed_attempts, learners, passed_learners, scored, sum_score,
                 last) in rows]


def pass_rates(course_id: int) -> list[stats.PassRate]:
    """Per tier and age group, recomputed from the raw rows (the page reads the kept counts)."""
    return _pass_rates(course_id, tier_counts(course_id))


def _pass_rates(course_id: int, counts: list[dict]) -> list[stats.PassRate]:
    tiers = {tier.id: tier for tier in db.session.scalars(select(QuizTier).where(QuizTier.course_id == course_id))}
    found = [stats.PassRate(tiers[c["tier_id"]].number, tiers[c["tier_id"]].name, c["audience"], c["attempts"],
                            c["passed_attempts"], c["learners"], c["passed_learners"],
                            c["sum_score"] / c["scored"] if c["scored"] else None)
             for c in counts if c["tier_id"] in tiers and c["attempts"] > 0]
    return sorted(found, key=lambda r: (r.tier_number, r.audience))


# The kept sums and counts (what the page reads) ------------------------------------------------------

def kept_item_sums(course_id: int) -> tuple[dict[int, stats.ItemSums], dict[int, int]]:
    """Per question version id: the kept sums, and the items of a choice type answered."""
    rows = db.session.scalars(select(QuizItemStat).where(QuizItemStat.course_id == course_id))
    sums, answered = {}, {}
    for row in rows:
        if row.n > 0:
            sums[row.question_version_id] = stats.ItemSums(row.n, row.sum_x, row.sum_xx, row.sum_y, row.sum_yy,
                                                           row.sum_xy)
            answered[row.question_version_id] = row.answered
    return sums, answered


def kept_option_counts(course_id: int) -> dict[int, dict[str, int]]:
    chosen: dict[int, dict[str, int]] = defaultdict(dict)
    for version_id, option_id, count in db.session.execute(
            select(QuizOptionStat.question_version_id, QuizOptionStat.option_id, QuizOptionStat.chosen)
            .where(QuizOptionStat.course_id == course_id)):
        chosen[version_id][option_id] = count
    return dict(chosen)


def kept_tier_counts(course_id: int) -> list[dict]:
    columns = [c.name for c in QuizTierStat.__table__.columns]
    return [dict(zip(columns, row, strict=True)) for row in db.session.execute(
        select(*QuizTierStat.__table__.columns).where(QuizTierStat.course_id == course_id))]


# What the page shows ----------------------------------------------------------------------------

@dataclass
class QuestionRow:
    version_id: int
    question_id: int
    key: str
    number: int  # version number
    type: str
    tiers: list[int]
    audiences: list[str]
    prompt: str
    latest: bool
    retired: bool
    stats: stats.ItemStats


@dataclass
class CourseStatistics:
    rows: list[QuestionRow]
    pass_rates: list[stats.PassRate]
    version: tuple

    @property
    def flagged(self) -> list[QuestionRow]:
        return [row for row in self.rows if row.stats.flags]


def _compute(course_id: int, version: tuple) -> CourseStatistics:
    sums, answered = kept_item_sums(course_id)
    chosen = kept_option_counts(course_id)
    latest = dict(db.session.execute(
        select(QuestionVersion.question_id, func.max(QuestionVersion.number))
        .join(Question, Question.id == QuestionVersion.question_id)
        .where(Question.course_id == course_id)
        .group_by(QuestionVersion.question_id)).all())
    rows = []
    if sums:
        versions = db.session.execute(
            select(QuestionVersion, Question.key, Question.retired)
            .join(Question, Question.id == QuestionVersion.question_id)
            .where(QuestionVersion.id.in_(list(sums)), Question.course_id == course_id)
            .order_by(Question.key, QuestionVersion.number)).all()
        for version_row, key, retired in versions:
            kind = types.REGISTRY.get(version_row.type)
            options = kind.stat_options(version_row.definition or {}) \
                if kind is not None and kind.counts_options else []
            item = stats.item_stats(sums[version_row.id], options=options,
                                    chosen=chosen.get(version_row.id, {}),
                                    answered=answered.get(version_row.id, 0) if options else None,
                                    question_type=version_row.type)
            rows.append(QuestionRow(
                version_id=version_row.id, question_id=version_row.question_id, key=key,
                number=version_row.number, type=version_row.type, tiers=list(version_row.tiers or []),
                audiences=list(version_row.audiences or []), prompt=version_row.prompt_markdown,
                latest=latest.get(version_row.question_id) == version_row.number, retired=retired,
                stats=item))
    return CourseStatistics(rows=rows, pass_rates=_pass_rates(course_id, kept_tier_counts(course_id)),
                            version=version)


_CACHE_SIZE = 16
_LOCK = threading.Lock()


def _cache() -> OrderedDict:
    # One cache per app (so per process in production, and per test in the test suite).
    return current_app.extensions.setdefault("quiz_statistics_cache", OrderedDict())


def course_statistics(course_id: int) -> CourseStatistics:
    """The statistics of a course, computed once per data version (per process)."""
    version = data_version(course_id)
    cache = _cache()
    with _LOCK:
        cached = cache.get(version)
        if cached is not None:
            cache.move_to_end(version)
            return cached
    result = _compute(course_id, version)
    with _LOCK:
        cache[version] = result
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)
    return result
