"""Importing a GIFT file into a course's question bank (shared by the command and the staff page).

1. :func:`read` decodes and parses the file (``gift.py``) for one course, tier and age groups;
2. :func:`check` passes every question through the bank's own checks (the type registry and
   the Markdown renderer), so a question the bank would refuse is reported with its line too;
3. :func:`store` hands the questions that passed to the quiz services (a new question, or a new
   version of one imported before under the same key), flushing, never committing.

A preview runs 1 and 2 only: nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

from sqlalchemy import select

from learnapp.core import age_groups
from learnapp.extensions import db
from learnapp.quizzes import gift
from learnapp.quizzes.models import QuizTier

DEFAULT_AUDIENCES = (age_groups.ADULT,)


class ImportSetupError(ValueError):
    """The course, tier or age groups chosen cannot take questions (``code``)."""

    def __init__(self, code: str, **params):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Outcome:
    result: gift.GiftResult
    created: list[str] = field(default_factory=list)  # question keys
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    @property
    def taken(self) -> int:
        return len(self.result.questions)


def tier_numbers(course) -> list[int]:
    return list(db.session.scalars(
        select(QuizTier.number).where(QuizTier.course_id == course.id).order_by(QuizTier.number)))


def check_setup(course, tier: int, audiences: Sequence[str]) -> None:
    if tier not in tier_numbers(course):
        raise ImportSetupError("unknown_tier", tier=tier)
    unknown = [a for a in audiences if not age_groups.is_group(a)]
    if unknown or not audiences:
        raise ImportSetupError("bad_audience", audiences=", ".join(unknown))


def read(raw: bytes, *, tier: int, audiences: Sequence[str], lesson: str | None = None,
         filename: str = "") -> gift.GiftResult:
    """Decode and parse; raises :class:`gift.GiftFileError` for a file that cannot be read.

    Keys carry the file name and the tier: importing the same file again updates its questions,
    while another file, or the same file for another tier, never overwrites them.
    """
    text = gift.decode(raw)
    stem = gift.slugify(PurePath(filename).stem, 30) if filename else ""
    namespace = f"{stem}-t{tier}" if stem else f"t{tier}"
    result = gift.parse_gift(text, tiers=[tier], audiences=list(audiences), lesson=lesson, namespace=namespace)
    if result.blocks == 0:
        raise gift.GiftFileError("no_question")
    return result


def course_facts(course) -> tuple[set[int], set[str]]:
    """The tier numbers and lesson slugs a question of ``course`` may name."""
    from learnapp.courses.models import Lesson

    lessons = set(db.session.scalars(select(Lesson.slug).where(Lesson.course_id == course.id)))
    return set(tier_numbers(course)), lessons


def bank_problems(data: dict, *, tiers: set[int] | None, lessons: set[str] | None,
                  localize: bool = False) -> list[str]:
    """What the bank would refuse in one question dict (empty: it would take it), through the
    same check as the question files (``loader.build_question``)."""
    from learnapp.quizzes import loader

    _spec, problems = loader.build_question(data, tier_numbers=tiers, lesson_slugs=lessons, images=None,
                                            require_lesson=False)
    return [p.localized() if localize else p.message for p in problems]


def check(result: gift.GiftResult, *, course=None, localize: bool = False) -> gift.GiftResult:
    """Move the questions the bank would refuse from ``questions`` to ``problems``."""
    tiers, lessons = course_facts(course) if course is not None else (None, None)
    kept, problems = [], list(result.problems)
    for question in result.questions:
        reasons = bank_problems(question.data, tiers=tiers, lessons=lessons, localize=localize)
        if reasons:
            # A refused question's notes no longer matter: its refusal replaces them.
            problems = [p for p in problems if p.question != question.line]
            problems.append(gift.gift_problem(question.line, "invalid", True, {"reason": " ".join(reasons)},
                                             question.excerpt, question.line))
        else:
            kept.append(question)
    problems.sort(key=lambda problem: problem.line)
    return gift.GiftResult(kept, problems, result.blocks)


def store(course, result: gift.GiftResult, *, author, now: datetime, localize: bool = False) -> Outcome:
    """Write the checked questions through the quiz services (flush only). A question the
    services still refuse is moved to the problems, with its line."""
    from learnapp.quizzes import bank_import

    if not result.questions:
        return Outcome(result)
    report = bank_import.import_questions(course, [q.data for q in result.questions], source="gift",
                                       author=author, now=now)
    refused: dict[int, list[str]] = {}
    for problem in report.problems:
        if problem.index is not None:
            refused.setdefault(problem.index, []).append(problem.localized() if localize else problem.message)
    kept, problems = [], list(result.problems)
    for index, question in enumerate(result.questions):
        if index in refused:
            problems = [p for p in problems if p.question != question.line]
            problems.append(gift.gift_problem(question.line, "invalid", True, {"reason": " ".join(refused[index])},
                                             question.excerpt, question.line))
        else:
            kept.append(question)
    problems.sort(key=lambda problem: problem.line)
    return Outcome(gift.GiftResult(kept, problems, result.blocks), created=list(report.created),
                   updated=list(report.updated), unchanged=list(report.unchanged))
