"""Quiz attempts: tiers and what they need, attempts from start to review.

Services take the user and the time explicitly and flush, never commit: the view or command
commits once. Everything that must happen once (opening the n-th attempt, grading it, sending
``tier_passed``) is decided by the database — a unique constraint, a guarded ``UPDATE … WHERE
status = 'open'`` — not by a read followed by a write, so two requests racing each other (a
double click, two tabs, a retry after a dropped connection) cannot both do it.
"""


import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from learnapp.core import age_groups
from learnapp.core.signals import activity_changed, attempt_graded, tier_passed
from learnapp.courses import progress
from learnapp.courses.models import Course
from learnapp.extensions import db
from learnapp.quizzes import rules, tallies, types
from learnapp.quizzes.models import AttemptItem, Question, QuestionVersion, QuizAttempt, QuizTier


class QuizError(Exception):
    """A use case refused. ``code``: not_found | locked | cooldown | no_attempts_left | passed |
    no_questions | closed | late | answered | invalid. ``details`` says more (e.g. ``until``,
    ``blockers``, ``errors``)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


# Tiers and what they need ---------------------------------------------------------------------

@dataclass
class TierStatus:
    tier: QuizTier
    blockers: list[str]  # rules.COURSE_NOT_DONE, rules.PREVIOUS_TIER_NOT_PASSED
    availability: rules.Availability
    attempts: list[QuizAttempt]  # newest first
    previous: QuizTier | None = None

    @property
    def open_attempt(self) -> QuizAttempt | None:
        return next((a for a in self.attempts if a.status == rules.OPEN), None)

    @property
    def best_score(self) -> float | None:
        scores = [a.score for a in self.attempts if a.score is not None]
        return max(scores) if scores else None

    @property
    def is_open(self) -> bool:
        return not self.blockers


def _past(attempt: QuizAttempt) -> rules.PastAttempt:
    return rules.PastAttempt(number=attempt.number, status=attempt.status, submitted_at=attempt.submitted_at,
                             deadline_at=attempt.deadline_at, passed=attempt.passed)


def course_tiers(user, course: Course, now: datetime) -> list[TierStatus]:
    """Every tier of the course with what the learner lacks and may do now (three queries)."""
    tiers = list(db.session.scalars(select(QuizTier).where(QuizTier.course_id == course.id).order_by(QuizTier.number)))
    if not tiers:
        return []
    attempts: dict[int, list[QuizAttempt]] = {t.id: [] for t in tiers}
    for attempt in db.session.scalars(select(QuizAttempt).where(
            QuizAttempt.user_id == user.id, QuizAttempt.tier_id.in_(attempts)).order_by(QuizAttempt.number.desc())):
        attempts[attempt.tier_id].append(attempt)
    done = progress.is_course_done(user, course) if any(t.requires_course_done for t in tiers) else True
    statuses = []
    previous: QuizTier | None = None
    for tier in tiers:
        previous_passed = None if previous is None else any(a.passed for a in attempts[previous.id])
        blocked = rules.blockers(requires_course_done=tier.requires_course_done, course_done=done,
                                 requires_previous_tier=tier.requires_previous_tier,
                                 previous_tier_passed=previous_passed)
        available = rules.availability([_past(a) for a in attempts[tier.id]], max_attempts=tier.max_attempts,
                                       cooldown_seconds=tier.cooldown_seconds, now=now, blocked=bool(blocked))
        statuses.append(TierStatus(tier=tier, blockers=blocked, availability=available, attempts=attempts[tier.id],
                                   previous=previous))
        previous = tier
    return statuses


def tier_status(user, tier: QuizTier, now: datetime) -> TierStatus:
    course = db.session.get(Course, tier.course_id)
    return next(s for s in course_tiers(user, course, now) if s.tier.id == tier.id)


# Attempts ---------------------------------------------------------------------------------------

def _candidates(tier: QuizTier, learner_group: str) -> tuple[str | None, dict[str, QuestionVersion]]:
    """The age group drawn for and the current versions that may be drawn, by question key."""
    newest = (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("number"))
              .join(Question).where(Question.course_id == tier.course_id, Question.retired.is_(False))
              .group_by(QuestionVersion.question_id).subquery())
    rows = db.session.execute(
        select(Question.key, QuestionVersion).join(Question, Question.id == QuestionVersion.question_id)
        .join(newest, (newest.c.question_id == QuestionVersion.question_id)
              & (newest.c.number == QuestionVersion.number)))
    by_group: dict[str, dict[str, QuestionVersion]] = {a: {} for a in age_groups.ALL}
    for key, version in rows:
        if tier.number in (version.tiers or []) and version.type in types.REGISTRY:
            for audience in version.audiences or []:
                if audience in by_group:
                    by_group[audience][key] = version
    group = rules.audience_to_draw(learner_group, [a for a, found in by_group.items() if found])
    return group, (by_group[group] if group else {})


def open_attempt(user, tier: QuizTier) -> QuizAttempt | None:
    return db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.user_id == user.id, QuizAttempt.tier_id == tier.id, QuizAttempt.status == rules.OPEN))


def start_attempt(user, tier: QuizTier, now: datetime, *, seed: int | None = None) -> QuizAttempt:
    """Open the learner's next attempt at ``tier`` (or return the one already open).

    Draws the questions for the learner's age group, shuffles their choices, stores both. An
    open attempt whose time is over is graded first (as it stands). Raises ``QuizError``:
    locked (with ``blockers``), passed, no_attempts_left, cooldown (with ``until``), no_questions.
    Two simultaneous starts: the unique (user, tier, number) lets one insert win; the other's
    flush raises ``IntegrityError`` — roll back and call :func:`open_attempt`.
    """
    status = tier_status(user, tier, now)
    current = status.open_attempt
    if current is not None:
        if status.availability.code == rules.RESUME:
            return current
        close_if_expired(user, current, now)
        status = tier_status(user, tier, now)
    code = status.availability.code
    if code == rules.LOCKED:
        raise QuizError("locked", blockers=status.blockers, status=status)
    if code in (rules.PASSED, rules.NO_ATTEMPTS_LEFT):
        raise QuizError(code, status=status)
    if code == rules.COOLDOWN:
        raise QuizError("cooldown", until=status.availability.until, status=status)
    learner_group = user.age_group(now)
    group, candidates = _candidates(tier, learner_group)
    if not candidates:
        raise QuizError("no_questions", status=status)
    seed = secrets.randbelow(2**31 - 1) if seed is None else seed
    keys = rules.draw(candidates, tier.questions_per_attempt, seed)
    attempt = QuizAttempt(user_id=user.id, tier_id=tier.id, number=rules.next_number(a.number for a in status.attempts),
                          audience=learner_group, seed=seed, status=rules.OPEN, started_at=now,
                          deadline_at=rules.deadline(now, tier.time_limit_seconds))
    db.session.add(attempt)
    db.session.flush()  # IntegrityError here when a concurrent start won
    for position, key in enumerate(keys, start=1):
        version = candidates[key]
        kind = types.get(version.type)
        presentation = kind.present(version.definition, rules.item_random(seed, position))
        db.session.add(AttemptItem(attempt_id=attempt.id, position=position, question_version_id=version.id,
                                   presentation=presentation))
    db.session.flush()
    return attempt


def get_attempt(user, attempt_id: int) -> QuizAttempt | None:
    """The learner's own attempt, or None (someone else's attempt is not found either)."""
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != user.id:
        return None
    return attempt


def load_items(attempt: QuizAttempt) -> list[AttemptItem]:
    """The attempt's items in order, each with its question version (two queries, no N+1)."""
    return list(db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)
        .options(selectinload(AttemptItem.question_version))))


def is_child_mode(attempt: QuizAttempt) -> bool:
    """Children answer one question at a time and each answer is final once checked (the age
    group's simpler pages)."""
    return age_groups.is_group(attempt.audience) and age_groups.get(attempt.audience).simple_pages


def is_locked(item: AttemptItem) -> bool:
    """A checked answer (children's mode) is final: graded, shown with its feedback, never changed."""
    return item.credit is not None


# Answers ---------------------------------------------------------------------------------------

def field_name(item: AttemptItem) -> str:
    return f"q{item.position}"


def form_values(form, item: AttemptItem) -> dict[str, list[str]]:
    """The values a form sent for one item: ``q3`` → key "", ``q3-<part>`` → key "<part>"."""
    name = field_name(item)
    values: dict[str, list[str]] = {}
    for key in form:
        if key == name:
            values[""] = form.getlist(key)
        elif key.startswith(name + "-"):
            values[key[len(name) + 1:]] = form.getlist(key)
    return values


def parse_answers(items: Sequence[AttemptItem], form) -> tuple[dict[int, dict | None], dict[int, str]]:
    """Answers per position for the items given, and error messages per position."""
    answers: dict[int, dict | None] = {}
    errors: dict[int, str] = {}
    for item in items:
        version = item.question_version
        try:
            answers[item.position] = types.get(version.type).parse(version.definition, item.presentation,
                                                                    form_values(form, item))
        except types.AnswerError as error:
            errors[item.position] = error.message
    return answers, errors


def _claim(attempt: QuizAttempt) -> bool:
    """Take the attempt's row lock while it is open (PostgreSQL: row lock; SQLite: write lock),
    so saves and a submission of the same attempt happen one after the other. False: closed."""
    result = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == rules.OPEN)
        .values(status=rules.OPEN).execution_options(synchronize_session=False))
    return result.rowcount == 1


def _fresh_items(attempt: QuizAttempt) -> list[AttemptItem]:
    """Items re-read after the claim (answers another request saved are seen). Their versions
    never change: those already in the session are reused, the others read in one query."""
    known = {obj.id: obj for obj in list(db.session.identity_map.values()) if isinstance(obj, QuestionVersion)}
    items = list(db.session.scalars(
        select(AttemptItem).where(AttemptItem.attempt_id == attempt.id).order_by(AttemptItem.position)
        .execution_options(populate_existing=True)))
    missing = {item.question_version_id for item in items} - set(known)
    if missing:
        found = db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(missing)))
        known.update((version.id, version) for version in found)
    for item in items:
        set_committed_value(item, "question_version", known[item.question_version_id])
    return items


def _check_open(user, attempt: QuizAttempt, now: datetime) -> None:
    if attempt.user_id != user.id:
        raise QuizError("not_found")
    if attempt.status != rules.OPEN:
        raise QuizError("closed")
    if rules.is_past_deadline(now, attempt.deadline_at):
        raise QuizError("late")


def save_answers(user, attempt: QuizAttempt, answers: Mapping[int, dict | None], now: datetime) -> list[AttemptItem]:
    """Save answers (position → parsed answer, None clears) as the learner goes. Answers of
    checked items (children's mode) are final and left as they are. Raises ``QuizError``:
    not_found, closed, late (the caller then grades the attempt with :func:`close_if_expired`)."""
    _check_open(user, attempt, now)
    if not _claim(attempt):
        raise QuizError("closed")
    items = _fresh_items(attempt)
    for item in items:
        if item.position in answers and not is_locked(item) and item.answer != answers[item.position]:
            item.answer = answers[item.position]
            item.answered_at = now
    db.session.flush()
    return items


def check_item(user, attempt: QuizAttempt, position: int, answer: dict | None, now: datetime) -> AttemptItem:
    """Children's mode: the answer to one question becomes final and is graded at once, so its
    feedback (and, when the tier shows answers, the right answer) may be shown. Raises
    ``QuizError``: not_found, closed, late, answered (already checked), invalid (no answer)."""
    _check_open(user, attempt, now)
    if answer is None:
        raise QuizError("invalid", errors={position: "empty"})
    if not _claim(attempt):
        raise QuizError("closed")
    item = next((i for i in _fresh_items(attempt) if i.position == position), None)
    if item is None:
        raise QuizError("not_found")
    if is_locked(item):
        raise QuizError("answered", item=item)
    version = item.question_version
    item.answer = answer
    item.answered_at = now
    item.credit = rules.clamp_credit(types.get(version.type).grade(version.definition, answer))
    db.session.flush()
    return item


@dataclass
class Submission:
    attempt: QuizAttempt
    graded_now: bool  # False: it had been graded already (double submit) — nothing done
    late: bool = False  # graded after its deadline, with the answers saved before it


def _grade(user, attempt: QuizAttempt, items: list[AttemptItem], submitted_at: datetime) -> None:
    tier = db.session.get(QuizTier, attempt.tier_id)
    credits = []
    for item in items:
        if item.credit is None:
            version = item.question_version
            item.credit = rules.clamp_credit(types.get(version.type).grade(version.definition, item.answer))
        credits.append(item.credit)
    attempt.status = rules.SUBMITTED
    attempt.submitted_at = submitted_at
    attempt.score = rules.score_percent(credits)
    attempt.passed = rules.is_pass(credits, tier.pass_mark)
    db.session.flush()
    if attempt.passed:
        course = db.session.get(Course, tier.course_id)
        tier_passed.send(user, course=course, tier=tier, score=attempt.score, attempt=attempt)
    # Last, so the shared rows of the statistics stay locked only until the commit that follows.
    tallies.record_graded(attempt, items, tier.course_id)
    attempt_graded.send(attempt)
    activity_changed.send(attempt.user_id)


def submit_attempt(user, attempt: QuizAttempt, now: datetime, *,
                   answers: Mapping[int, dict | None] | None = None) -> Submission:
    """Grade the attempt once. ``answers`` (already parsed) are saved first, unless the time is
    over: then the attempt is graded with the answers saved before the deadline (``late``).

    Of two simultaneous submissions, the guarded ``UPDATE … WHERE status = 'open'`` lets exactly
    one grade; the other gets ``graded_now=False`` and changes nothing. Sends ``tier_passed``
    (sender: the learner) when the attempt passes — once, from the request that graded it."""
    if attempt.user_id != user.id:
        raise QuizError("not_found")
    late = rules.is_past_deadline(now, attempt.deadline_at)
    finished = rules.finished_at(now, attempt.deadline_at)
    result = db.session.execute(
        update(QuizAttempt).where(QuizAttempt.id == attempt.id, QuizAttempt.status == rules.OPEN)
        .values(status=rules.SUBMITTED, submitted_at=finished).execution_options(synchronize_session=False))
    if result.rowcount != 1:
        db.session.refresh(attempt)
        return Submission(attempt=attempt, graded_now=False)
    items = _fresh_items(attempt)
    if answers and not late:
        for item in items:
            if item.position in answers and not is_locked(item):
                if item.answer != answers[item.position]:
                    item.answered_at = now
                item.answer = answers[item.position]
    _grade(user, attempt, items, finished)
    return Submission(attempt=attempt, graded_now=True, late=late)


def close_if_expired(user, attempt: QuizAttempt, now: datetime) -> Submission | None:
    """An open attempt whose time is over is graded as it stands (finished at its deadline)."""
    if attempt.status != rules.OPEN or not rules.is_past_deadline(now, attempt.deadline_at):
        return None
    return submit_attempt(user, attempt, now)


# What templates show ---------------------------------------------------------------------------

@dataclass
class ItemView:
    """One item as a page shows it. ``data`` comes from the type's ``view`` (no right answer)
    or, once final, its ``review``."""

    item: AttemptItem
    version: QuestionVersion
    kind: types.QuestionType
    name: str
    data: dict
    final: bool
    error: str | None = None

    @property
    def position(self) -> int:
        return self.item.position

    @property
    def feedback(self) -> str:
        return rules.feedback(self.item.credit)


def item_view(item: AttemptItem, *, error: str | None = None) -> ItemView:
    """What the learner may see of an item now: its input with their saved answer (nothing
    reveals the right answer) until the answer is final, then the review of it."""
    version = item.question_version
    kind = types.get(version.type)
    final = is_locked(item)
    if final:
        data = kind.review(version.definition, item.presentation, item.answer)
    else:
        data = kind.view(version.definition, item.presentation, item.answer)
    return ItemView(item=item, version=version, kind=kind, name=field_name(item), data=data, final=final, error=error)


def review_view(item: AttemptItem) -> ItemView:
    version = item.question_version
    kind = types.get(version.type)
    return ItemView(item=item, version=version, kind=kind, name=field_name(item),
                    data=kind.review(version.definition, item.presentation, item.answer), final=True)
