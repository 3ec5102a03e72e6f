"""Writing quiz banks: the files of a content pack (``import_banks``), and questions one by one
from the GIFT import or the staff editor (``import_questions``), each change a new version.

Services flush, never commit: the command or the view commits once.
"""


from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select

from learnapp.core import age_groups
from learnapp.courses.models import Course, Lesson
from learnapp.extensions import db
from learnapp.media.models import MediaAsset
from learnapp.media.services import store_image
from learnapp.quizzes import loader, types
from learnapp.quizzes.models import Question, QuestionVersion, QuizAttempt, QuizTier

SOURCES = ("files", "gift", "editor")


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
                  for a in age_groups.ALL}
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
