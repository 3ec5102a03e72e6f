"""Quiz use cases: loading banks, tiers and what they need, attempts from start to review.

Services take the user and the time explicitly and flush, never commit: the view or command
commits once. Everything that must happen once (opening the n-th attempt, grading it, sending
``tier_passed``) is decided by the database — a unique constraint, a guarded ``UPDATE … WHERE
status = 'open'`` — not by a read followed by a write, so two requests racing each other (a
double click, two tabs, a retry after a dropped connection) cannot both do it.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from learnapp.core.signals import tier_passed
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.media.models import MediaAsset
from learnapp.media.services import store_image
from learnapp.quizzes import loader, rules, types
from learnapp.quizzes.models import AttemptItem, Question, QuestionVersion, QuizAttempt, QuizTier

SOURCES = ("files", "gift", "editor")


class QuizError(Exception):
    """A use case refused. ``code``: not_found | locked | cooldown | no_attempts_left | passed |
    no_questions | closed | late | answered | invalid. ``details`` says more (e.g. ``until``,
    ``blockers``, ``errors``)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


# Loading banks ---------------------------------------------------------------------------------

def known_courses() -> dict[str, set[str]]:
    """Course slug → its lesson slugs, for every course in the database."""
    found: dict[str, set[str]] = {slug: set() for slug in db.session.scalars(select(Course.slug))}
    rows = db.session.execute(select(Course.slug, Lesson.slug).join(Lesson, Lesson.course_id == Course.id))
    for slug, lesson in rows:
        found[slug].add(lesson)
    return found


@dataclass
class ImportReport:
    """What an import did. ``problems``: questions refused (``import_questions``)."""

    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)  # a new version was added
    unchanged: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)  # retired, back in the files
    retired: list[str] = field(default_factory=list)
    problems: list[loader.BankProblem] = field(default_factory=list)
    tiers_added: int = 0
    tiers_updated: int = 0
    tiers_removed: int = 0
    images_added: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """The summary, in French (command line)."""
        lines = [f"Quiz : {self.tiers_added} niveau(x) ajouté(s), {self.tiers_updated} modifié(s), "
                 f"{self.tiers_removed} retiré(s).",
                 f"Questions : {len(self.created)} ajoutée(s), {len(self.updated)} nouvelle(s) version(s), "
                 f"{len(self.unchanged)} inchangée(s), {len(self.retired)} retirée(s)"
                 + (f", {len(self.restored)} remise(s) en service." if self.restored else "."),
                 f"Images des quiz : {self.images_added} ajoutée(s)."]
        return lines + self.notes


class _Images:
    """Stores images once per import (same pixels → same asset)."""

    def __init__(self, now: datetime, report: ImportReport):
        self.now = now
        self.report = report
        self.done: set[str] = set()

    def store(self, image: loader.ImageFile) -> None:
        if image.sha256 in self.done:
            return
        exists = db.session.scalar(select(MediaAsset.id).where(MediaAsset.sha256 == image.sha256))
        if exists is None:
            asset = store_image(image.raw, image.filename, self.now)
            if asset.sha256 != image.sha256:  # cleaning is deterministic; never expected
                raise RuntimeError(f"{image.filename}: the cleaned image changed between reading and import")
            self.report.images_added += 1
        self.done.add(image.sha256)


def _latest_versions(question_ids: Iterable[int]) -> dict[int, QuestionVersion]:
    ids = list(question_ids)
    if not ids:
        return {}
    newest = (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("number"))
              .where(QuestionVersion.question_id.in_(ids)).group_by(QuestionVersion.question_id).subquery())
    versions = db.session.scalars(select(QuestionVersion).join(
        newest, (newest.c.question_id == QuestionVersion.question_id) & (newest.c.number == QuestionVersion.number)))
    return {version.question_id: version for version in versions}


def _last_file_hashes(question_ids: Iterable[int]) -> dict[int, str]:
    """Question id → source hash of its latest version loaded from files."""
    ids = list(question_ids)
    if not ids:
        return {}
    newest = (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("number"))
              .where(QuestionVersion.question_id.in_(ids), QuestionVersion.source == "files")
              .group_by(QuestionVersion.question_id).subquery())
    rows = db.session.execute(select(QuestionVersion.question_id, QuestionVersion.source_hash).join(
        newest, (newest.c.question_id == QuestionVersion.question_id) & (newest.c.number == QuestionVersion.number)))
    return dict(rows.all())


class _QuestionWriter:
    """Adds a version when a question changed; the rules of versions live here only."""

    def __init__(self, course: Course, *, source: str, author, now: datetime, report: ImportReport):
        if source not in SOURCES:
            raise ValueError(f"unknown source {source!r}")
        self.course, self.source, self.author, self.now, self.report = course, source, author, now, report
        self.questions = {q.key: q for q in db.session.scalars(select(Question).where(Question.course_id == course.id))}
        ids = [q.id for q in self.questions.values()]
        self.latest = _latest_versions(ids)
        self.file_hashes = _last_file_hashes(ids) if source == "files" else {}

    def save(self, spec: loader.QuestionSpec) -> QuestionVersion | None:
        question = self.questions.get(spec.key)
        if question is None:
            question = Question(course_id=self.course.id, key=spec.key, retired=False, created_at=self.now)
            db.session.add(question)
            db.session.flush()
            self.questions[spec.key] = question
            self.report.created.append(spec.key)
            return self._add_version(question, spec, 1)
        if question.retired:
            question.retired = False
            self.report.restored.append(spec.key)
        latest = self.latest.get(question.id)
        # From files, compare with what the files said last time: a question edited in the
        # browser since then stays as edited until the file itself changes.
        previous = self.file_hashes.get(question.id) if self.source == "files" else (latest and latest.source_hash)
        if previous == spec.source_hash or (latest is not None and latest.source_hash == spec.source_hash):
            self.report.unchanged.append(spec.key)
            return None
        self.report.updated.append(spec.key)
        return self._add_version(question, spec, (latest.number if latest else 0) + 1)

    def _add_version(self, question: Question, spec: loader.QuestionSpec, number: int) -> QuestionVersion:
        version = QuestionVersion(
            question_id=question.id, number=number, type=spec.type, tiers=spec.tiers, audiences=spec.audiences,
            lesson_slug=spec.lesson, tags=spec.tags, prompt_markdown=spec.prompt_markdown,
            prompt_html=spec.prompt_html, explanation_markdown=spec.explanation_markdown,
            explanation_html=spec.explanation_html, definition=spec.definition, source_hash=spec.source_hash,
            source=self.source, author_id=getattr(self.author, "id", None), created_at=self.now)
        db.session.add(version)
        self.latest[question.id] = version
        return version

    def retire_missing(self, keys: set[str]) -> None:
        """Questions that came from files and are no longer in them: never drawn again (their
        versions stay for the attempts that drew them)."""
        from_files = set(db.session.scalars(
            select(QuestionVersion.question_id).join(Question)
            .where(Question.course_id == self.course.id, QuestionVersion.source == "files").distinct()))
        for key, question in sorted(self.questions.items()):
            if key not in keys and not question.retired and question.id in from_files:
                question.retired = True
                self.report.retired.append(key)


def _import_tiers(course: Course, specs: list[loader.TierSpec], report: ImportReport) -> None:
    existing = {t.number: t for t in db.session.scalars(select(QuizTier).where(QuizTier.course_id == course.id))}
    for spec in specs:
        tier = existing.pop(spec.number, None)
        values = {name: getattr(spec, name) for name in spec.__dataclass_fields__}
        if tier is None:
            db.session.add(QuizTier(course_id=course.id, source_hash=spec.source_hash, **values))
            report.tiers_added += 1
        elif tier.source_hash != spec.source_hash:
            for name, value in values.items():
                setattr(tier, name, value)
            tier.source_hash = spec.source_hash
            report.tiers_updated += 1
    for tier in existing.values():  # checked while reading: none of them has attempts
        db.session.delete(tier)
        report.tiers_removed += 1


def removed_tiers_with_attempts(course_slug: str, numbers: set[int]) -> list[int]:
    """Tiers of the course missing from ``numbers`` that learners already attempted."""
    rows = db.session.scalars(
        select(QuizTier.number).join(Course, Course.id == QuizTier.course_id)
        .where(Course.slug == course_slug, QuizTier.number.not_in(numbers or {-1}))
        .where(select(QuizAttempt.id).where(QuizAttempt.tier_id == QuizTier.id).exists()))
    return sorted(rows)


def import_banks(banks: list[loader.BankSource], now: datetime) -> ImportReport:
    """Write quiz banks read by :func:`learnapp.quizzes.loader.read_banks` (no problems):
    tiers, new question versions, retired questions, images. Flushes, never commits."""
    report = ImportReport()
    images = _Images(now, report)
    for bank in banks:
        course = db.session.scalar(select(Course).where(Course.slug == bank.slug))
        if course is None:
            raise ValueError(f"course {bank.slug!r} is not in the database")
        kept = removed_tiers_with_attempts(bank.slug, {t.number for t in bank.tiers})
        if kept:
            raise ValueError(f"{bank.slug}: tiers {kept} have attempts and cannot be removed")
        for image in bank.images:
            images.store(image)
        _import_tiers(course, bank.tiers, report)
        writer = _QuestionWriter(course, source="files", author=None, now=now, report=report)
        for spec in bank.questions:
            writer.save(spec)
        writer.retire_missing({spec.key for spec in bank.questions})
        db.session.flush()
        report.notes += _bank_notes(bank)
    return report


def _bank_notes(bank: loader.BankSource) -> list[str]:
    """Per tier and age group, how many questions can be drawn (a warning when too few)."""
    notes = []
    for tier in bank.tiers:
        counts = {a: sum(1 for q in bank.questions if tier.number in q.tiers and a in q.audiences)
                  for a in rules.AUDIENCES}
        parts = [f"{a} {n}" + (" (moins que les questions par tentative)" if 0 < n < tier.questions_per_attempt else "")
                 for a, n in counts.items()]
        notes.append(f"  {bank.slug} niveau {tier.number} « {tier.name} » ({tier.questions_per_attempt} par "
                     f"tentative) : " + ", ".join(parts) + ".")
    return notes


def import_questions(course: Course, questions: Sequence[Mapping], *, source: str, author, now: datetime,
                     images=None) -> ImportReport:
    """Import questions written as dicts in the YAML shape of docs/content-format.md (from a
    GIFT file, the editor …). Each valid question is created or gets a new version when it
    changed; each invalid one is reported in ``report.problems`` (with its ``index`` in
    ``questions`` and its ``key``) and nothing of it is written. ``lesson`` is optional here.
    ``images``: path → bytes of an image the questions name (None: questions with images are
    refused). Flushes, never commits."""
    report = ImportReport()
    tiers = set(db.session.scalars(select(QuizTier.number).where(QuizTier.course_id == course.id)))
    lessons = set(db.session.scalars(select(Lesson.slug).where(Lesson.course_id == course.id)))
    resolver = _BytesImages(images) if images is not None else None
    writer = _QuestionWriter(course, source=source, author=author, now=now, report=report)
    seen: set[str] = set()
    store = _Images(now, report)
    for index, raw in enumerate(questions):
        spec, problems = loader.build_question(raw, tier_numbers=tiers, lesson_slugs=lessons, images=resolver,
                                               require_lesson=False)
        if spec is not None and spec.key in seen:
            problems = [loader.BankProblem(None, None, "duplicate_key", {"key": spec.key, "other": "—"})]
            spec = None
        for problem in problems:
            report.problems.append(loader.BankProblem(
                None, problem.line, problem.code, problem.params, index=index,
                key=problem.key or (raw.get("id") if isinstance(raw, Mapping) and isinstance(raw.get("id"), str)
                                    else None)))
        if spec is None:
            continue
        seen.add(spec.key)
        if resolver is not None:
            for image in resolver.used_by(spec):
                store.store(image)
        writer.save(spec)
    db.session.flush()
    return report


class _BytesImages:
    """Image resolver over a callable path → bytes (import_questions)."""

    def __init__(self, read):
        self.read = read
        self.files: dict[str, loader.ImageFile] = {}

    def __call__(self, src: str) -> dict:
        from learnapp.media.images import ImageError, clean_image

        if src not in self.files:
            try:
                raw = self.read(src)
            except (OSError, KeyError, ValueError):
                raise types.ImageUnavailable("image_missing") from None
            try:
                clean = clean_image(raw)
            except ImageError as error:
                code = "image_too_large" if error.code in ("too_large", "too_many_pixels") else "image_not_image"
                raise types.ImageUnavailable(code) from None
            self.files[src] = loader.ImageFile(filename=src.rsplit("/", 1)[-1][:200], raw=raw, sha256=clean.sha256,
                                               extension=loader.EXTENSIONS[clean.mime_type], width=clean.width,
                                               height=clean.height)
        return self.files[src].ref

    def used_by(self, spec: loader.QuestionSpec) -> list[loader.ImageFile]:
        text = repr(spec.definition) + spec.prompt_markdown + spec.explanation_markdown
        return [image for image in self.files.values() if image.sha256 in text]


# Tiers and what they need ---------------------------------------------------------------------

def course_done(user, course: Course) -> bool:
    """Every lesson of the course that has a text is marked done by the learner (one query)."""
    has_text = select(LessonVersion.id).where(LessonVersion.lesson_id == Lesson.id).exists()
    done = select(LessonProgress.id).where(LessonProgress.lesson_id == Lesson.id, LessonProgress.user_id == user.id,
                                           LessonProgress.completed_at.is_not(None)).exists()
    missing = db.session.scalar(select(func.count(Lesson.id)).where(Lesson.course_id == course.id, has_text, ~done))
    return missing == 0


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
    done = course_done(user, course) if any(t.requires_course_done for t in tiers) else True
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
    by_group: dict[str, dict[str, QuestionVersion]] = {a: {} for a in rules.AUDIENCES}
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
    learner_group = user.age_group(now.date())
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
    """Children answer one question at a time and each answer is final once checked."""
    return attempt.audience == rules.CHILD


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
