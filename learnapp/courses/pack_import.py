"""Import a content pack: create or update the courses, lessons, texts and images that
:func:`learnapp.courses.loader.read_pack` read and checked.

Flushes, never commits: the command commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from learnapp.core.messages import N_, translate
from learnapp.courses.lesson_versions import add_lesson_version, source_hash
from learnapp.courses.loader import CourseSource, ImageFile, LessonText, Pack
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.extensions import db
from learnapp.media.models import MediaAsset
from learnapp.media.services import store_image


@dataclass
class ImportReport:
    courses_added: int = 0
    courses_updated: int = 0
    courses_unchanged: int = 0
    lessons_added: int = 0
    lessons_updated: int = 0
    lessons_unchanged: int = 0
    versions_added: int = 0
    texts_unchanged: int = 0
    images_added: int = 0
    # "course/lesson" present in the database but no longer in the files: kept, since progress
    # and history point at them.
    lessons_absent: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.courses_added or self.courses_updated or self.lessons_added or self.lessons_updated
                    or self.versions_added or self.images_added)

    def lines(self) -> list[str]:
        """The summary, in the command line's language."""
        lines = [
            translate(N_("Cours : %(added)s ajouté(s), %(updated)s modifié(s), %(unchanged)s inchangé(s)."),
                      {"added": self.courses_added, "updated": self.courses_updated,
                       "unchanged": self.courses_unchanged}),
            translate(N_("Leçons : %(added)s ajoutée(s), %(updated)s modifiée(s), %(unchanged)s inchangée(s)."),
                      {"added": self.lessons_added, "updated": self.lessons_updated,
                       "unchanged": self.lessons_unchanged}),
            translate(N_("Textes : %(added)s nouvelle(s) version(s), %(unchanged)s inchangé(s)."),
                      {"added": self.versions_added, "unchanged": self.texts_unchanged}),
            translate(N_("Images : %(added)s ajoutée(s)."), {"added": self.images_added}),
        ]
        if self.lessons_absent:
            lines.append(translate(N_("Leçons absentes des fichiers, conservées : %(slugs)s."),
                                   {"slugs": ", ".join(self.lessons_absent)}))
        return lines


class _Importer:
    def __init__(self, now: datetime):
        self.now = now
        self.report = ImportReport()
        self.assets: dict[str, MediaAsset] = {}

    def asset(self, image: ImageFile) -> MediaAsset:
        if image.sha256 not in self.assets:
            asset = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == image.sha256))
            if asset is None:
                asset = store_image(image.raw, image.filename, self.now)
                self.report.images_added += 1
                if asset.sha256 != image.sha256:  # cleaning is deterministic; never expected
                    raise RuntimeError(f"{image.path}: the cleaned image changed between reading and import")
            self.assets[image.sha256] = asset
        return self.assets[image.sha256]

    def course(self, source: CourseSource) -> None:
        course = db.session.scalar(select(Course).where(Course.slug == source.slug))
        cover = self.asset(source.cover) if source.cover is not None else None
        values = {"title": source.title, "summary": source.summary, "position": source.position,
                  "audiences": list(source.audiences), "published": source.published,
                  "cover_asset_id": cover.id if cover is not None else None, "cover_alt": source.cover_alt,
                  "credits": list(source.credits)}
        if course is None:
            course = Course(slug=source.slug, created_at=self.now, updated_at=self.now, **values)
            db.session.add(course)
            db.session.flush()
            self.report.courses_added += 1
            added, metadata_changed = True, False
        else:
            added = False
            changed = {name: value for name, value in values.items() if getattr(course, name) != value}
            for name, value in changed.items():
                setattr(course, name, value)
            metadata_changed = bool(changed)
            if changed:
                self.report.courses_updated += 1
            else:
                self.report.courses_unchanged += 1
        existing = {lesson.slug: lesson for lesson in course.lessons}
        any_lesson_changed = False
        for lesson_source in source.lessons:
            lesson = existing.get(lesson_source.slug)
            if lesson is None:
                lesson = Lesson(course=course, slug=lesson_source.slug, position=lesson_source.position,
                                created_at=self.now)
                db.session.add(lesson)
                db.session.flush()
                self.report.lessons_added += 1
                lesson_changed = True
            else:
                lesson_changed = lesson.position != lesson_source.position
                lesson.position = lesson_source.position
            for text in lesson_source.texts.values():
                lesson_changed |= self.text(lesson, text)
            if lesson_source.slug in existing:
                if lesson_changed:
                    self.report.lessons_updated += 1
                else:
                    self.report.lessons_unchanged += 1
            any_lesson_changed |= lesson_changed
        seen = {lesson.slug for lesson in source.lessons}
        self.report.lessons_absent += [f"{course.slug}/{slug}" for slug in sorted(existing) if slug not in seen]
        if not added and (any_lesson_changed or metadata_changed):
            course.updated_at = self.now

    def text(self, lesson: Lesson, text: LessonText) -> bool:
        """Add a version when the file changed since it was last loaded. A text edited in the
        browser since then stays current until the file itself changes."""
        for image in text.images:
            self.asset(image)
        digest = source_hash(title=text.title, minutes=text.minutes, objectives=text.objectives,
                             key_facts=text.key_facts, body_markdown=text.body_markdown)
        last_from_files = db.session.scalar(
            select(LessonVersion.source_hash)
            .where(LessonVersion.lesson_id == lesson.id, LessonVersion.audience == text.audience,
                   LessonVersion.source == "files")
            .order_by(LessonVersion.number.desc()).limit(1))
        version = None
        if last_from_files != digest:
            version = add_lesson_version(
                lesson, text.audience, title=text.title, minutes=text.minutes, objectives=text.objectives,
                key_facts=text.key_facts, body_markdown=text.body_markdown, source="files", author=None,
                now=self.now)
        if version is None:
            self.report.texts_unchanged += 1
            return False
        self.report.versions_added += 1
        return True


def import_pack(pack: Pack, now: datetime) -> ImportReport:
    """Create or update the courses read by :func:`learnapp.courses.loader.read_pack`, which
    must have found no problem. Adds versions only for texts that changed; flushes, never commits."""
    if not pack.ok:
        raise ValueError("a pack with problems is never imported")
    importer = _Importer(now)
    for course in pack.courses:
        importer.course(course)
    db.session.flush()
    return importer.report
