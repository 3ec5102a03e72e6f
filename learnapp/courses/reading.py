"""What a learner reads: the published courses, and each lesson's current text per age group.

Made for the learner pages: a fixed handful of queries per page whatever the number of
lessons, and never the bodies of the texts that are not shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import and_, bindparam, func, select
from sqlalchemy.orm import load_only

from learnapp.core import age_groups
from learnapp.courses import rules
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.extensions import db
from learnapp.media.models import MediaAsset


@dataclass(frozen=True)
class TextRef:
    """The current text of a lesson for one age group, without its body."""

    version_id: int
    lesson_id: int
    audience: str
    number: int
    title: str
    minutes: int


@dataclass(frozen=True)
class LessonRef:
    id: int
    slug: str
    position: int


@dataclass
class OutlineItem:
    """One lesson of a course as a reader of ``reader_group`` age group sees it."""

    lesson: LessonRef
    reader_group: str
    texts: dict[str, TextRef] = field(default_factory=dict)  # every current text, by group

    @property
    def text(self) -> TextRef:
        return self.texts[rules.nearest_text(self.reader_group, self.texts)]

    @property
    def is_fallback(self) -> bool:
        return self.reader_group not in self.texts

    def missing(self, course: Course) -> list[str]:
        return age_groups.missing(course.audiences or age_groups.ALL, self.texts)


@dataclass(frozen=True)
class Cover:
    url_args: dict
    width: int
    height: int


def published_courses() -> list[Course]:
    return list(db.session.scalars(
        select(Course).where(Course.published.is_(True)).order_by(Course.position, Course.title, Course.id)))


# Built once, like _OUTLINE below: every course and lesson page looks its course up.
_COURSE_BY_SLUG = select(Course).where(Course.slug == bindparam("slug"))
_PUBLISHED_COURSE_BY_SLUG = _COURSE_BY_SLUG.where(Course.published.is_(True))


def find_course(slug: str, *, include_unpublished: bool) -> Course | None:
    """The course at ``slug``; an unpublished one only for those allowed to preview it."""
    statement = _COURSE_BY_SLUG if include_unpublished else _PUBLISHED_COURSE_BY_SLUG
    return db.session.scalar(statement, {"slug": slug})


def _outline_statement():
    """Built once: a lesson page runs it on every view, and building a select costs more than running it."""
    course_id = bindparam("course_id")
    latest = (
        select(LessonVersion.lesson_id, LessonVersion.audience,
               func.max(LessonVersion.number).label("number"))
        .join(Lesson, Lesson.id == LessonVersion.lesson_id)
        .where(Lesson.course_id == course_id)
        .group_by(LessonVersion.lesson_id, LessonVersion.audience)
        .subquery()
    )
    return (
        select(Lesson.id, Lesson.slug, Lesson.position,
               LessonVersion.id, LessonVersion.audience, LessonVersion.number,
               LessonVersion.title, LessonVersion.minutes)
        .join(latest, latest.c.lesson_id == Lesson.id)
        .join(LessonVersion, and_(LessonVersion.lesson_id == latest.c.lesson_id,
                                  LessonVersion.audience == latest.c.audience,
                                  LessonVersion.number == latest.c.number))
        .order_by(Lesson.position, Lesson.id)
    )


_OUTLINE = _outline_statement()


def outline(course: Course, reader_group: str) -> list[OutlineItem]:
    """The lessons of a course in order, each with its current texts and the one ``reader_group`` gets.

    One query of plain columns (no bodies). Lessons without any text yet (being written in the
    office) are left out.
    """
    items: dict[int, OutlineItem] = {}
    for lesson_id, slug, position, version_id, audience, number, title, minutes in db.session.execute(
            _OUTLINE, {"course_id": course.id}):
        if not age_groups.is_group(audience):
            continue
        item = items.get(lesson_id)
        if item is None:
            item = items[lesson_id] = OutlineItem(lesson=LessonRef(lesson_id, slug, position),
                                                  reader_group=reader_group)
        item.texts[audience] = TextRef(version_id, lesson_id, audience, number, title, minutes)
    return list(items.values())


def shown_version_id(items: list[OutlineItem], lesson_id: int) -> int | None:
    """The version a reader of the outline's age group is shown for a lesson (None: not shown)."""
    return next((item.text.version_id for item in items if item.lesson.id == lesson_id), None)


def lesson_counts(course_ids: list[int]) -> dict[int, int]:
    """course id → number of lessons with at least one text (one query)."""
    if not course_ids:
        return {}
    rows = db.session.execute(
        select(Lesson.course_id, func.count(func.distinct(Lesson.id)))
        .join(LessonVersion, LessonVersion.lesson_id == Lesson.id)
        .where(Lesson.course_id.in_(course_ids))
        .group_by(Lesson.course_id)
    )
    return {course_id: count for course_id, count in rows}


def covers(courses: list[Course]) -> dict[int, Cover]:
    """course id → its cover image (URL arguments and size), without loading the image bytes."""
    ids = {course.cover_asset_id for course in courses if course.cover_asset_id}
    if not ids:
        return {}
    assets = {asset.id: asset for asset in db.session.scalars(
        select(MediaAsset).where(MediaAsset.id.in_(ids))
        .options(load_only(MediaAsset.sha256, MediaAsset.mime_type, MediaAsset.width, MediaAsset.height)))}
    result = {}
    for course in courses:
        asset = assets.get(course.cover_asset_id)
        if asset is not None:
            result[course.id] = Cover(url_args={"sha256": asset.sha256, "extension": asset.extension},
                                      width=asset.width, height=asset.height)
    return result


def load_text(ref: TextRef) -> LessonVersion | None:
    return db.session.get(LessonVersion, ref.version_id)
