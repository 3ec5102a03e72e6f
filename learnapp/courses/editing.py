"""Use cases of the staff authoring pages: courses, lessons and their texts from the browser.

Like every service: the acting ``user`` and ``now`` are arguments; functions add and flush,
the view commits. Lesson texts are written through :func:`learnapp.courses.lesson_versions.add_lesson_version`,
the same path as the file loader, so a text from the browser is rendered and checked exactly
like one from a file.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select

from learnapp.core import age_groups, markdown
from learnapp.core.problems import N_, Messages, Problem
from learnapp.courses import lesson_versions, loader
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.extensions import db
from learnapp.media.models import MediaAsset


class EditingError(Exception):
    """``code``: slug_taken | position_taken | audience_in_use | audience_not_in_course | not_found.

    ``audiences``: for audience_in_use, the age groups that still have texts.
    """

    def __init__(self, code: str, audiences: Sequence[str] = ()):
        super().__init__(code)
        self.code = code
        self.audiences = list(audiences)


# --- courses ------------------------------------------------------------------------------


def slug_taken(slug: str, *, except_course: Course | None = None) -> bool:
    query = select(Course.id).where(Course.slug == slug)
    if except_course is not None:
        query = query.where(Course.id != except_course.id)
    return db.session.scalar(query) is not None


def create_course(*, slug: str, title: str, summary: str, position: int, audiences: Sequence[str],
                  cover: MediaAsset | None, cover_alt: str, user, now: datetime) -> Course:
    """A new course, unpublished until staff publish it."""
    if slug_taken(slug):
        raise EditingError("slug_taken")
    course = Course(slug=slug, title=title, summary=summary, position=position,
                    audiences=age_groups.ordered(audiences), cover_asset_id=cover.id if cover else None,
                    cover_alt=cover_alt if cover else "", published=False, created_at=now, updated_at=now)
    db.session.add(course)
    db.session.flush()
    return course


def update_course(course: Course, *, slug: str, title: str, summary: str, position: int,
                  audiences: Sequence[str], cover: MediaAsset | None, remove_cover: bool, cover_alt: str,
                  user, now: datetime) -> Course:
    if slug_taken(slug, except_course=course):
        raise EditingError("slug_taken")
    # As in the files: a text for an age group the course is not written for is an error.
    still_written = audiences_in_use(course) - set(audiences)
    if still_written:
        raise EditingError("audience_in_use", age_groups.ordered(still_written))
    course.slug, course.title, course.summary, course.position = slug, title, summary, position
    course.audiences = age_groups.ordered(audiences)
    if cover is not None:
        course.cover_asset_id = cover.id
    elif remove_cover:
        course.cover_asset_id = None
    course.cover_alt = cover_alt if course.cover_asset_id else ""
    course.updated_at = now
    db.session.flush()
    return course


def set_published(course: Course, published: bool, *, user, now: datetime) -> bool:
    """Publish or unpublish; False when it already was so (nothing written)."""
    if course.published == published:
        return False
    course.published = published
    course.updated_at = now
    db.session.flush()
    return True


def audiences_in_use(course: Course) -> set[str]:
    """The age groups some lesson of ``course`` has a text for."""
    return set(db.session.scalars(
        select(LessonVersion.audience).join(Lesson, Lesson.id == LessonVersion.lesson_id)
        .where(Lesson.course_id == course.id).distinct()))


# --- lessons ------------------------------------------------------------------------------


def lesson_slug_taken(course: Course, slug: str, *, except_lesson: Lesson | None = None) -> bool:
    query = select(Lesson.id).where(Lesson.course_id == course.id, Lesson.slug == slug)
    if except_lesson is not None:
        query = query.where(Lesson.id != except_lesson.id)
    return db.session.scalar(query) is not None


def position_taken(course: Course, position: int, *, except_lesson: Lesson | None = None) -> bool:
    """Files number lessons NN-slug, one number each: the browser keeps the same rule."""
    query = select(Lesson.id).where(Lesson.course_id == course.id, Lesson.position == position)
    if except_lesson is not None:
        query = query.where(Lesson.id != except_lesson.id)
    return db.session.scalar(query) is not None


def create_lesson(course: Course, *, slug: str, position: int, user, now: datetime) -> Lesson:
    if lesson_slug_taken(course, slug):
        raise EditingError("slug_taken")
    if position_taken(course, position):
        raise EditingError("position_taken")
    lesson = Lesson(course_id=course.id, slug=slug, position=position, created_at=now)
    db.session.add(lesson)
    course.updated_at = now
    db.session.flush()
    return lesson


def update_lesson(lesson: Lesson, *, slug: str, position: int, user, now: datetime) -> Lesson:
    if lesson_slug_taken(lesson.course, slug, except_lesson=lesson):
        raise EditingError("slug_taken")
    if position_taken(lesson.course, position, except_lesson=lesson):
        raise EditingError("position_taken")
    lesson.slug, lesson.position = slug, position
    lesson.course.updated_at = now
    db.session.flush()
    return lesson


# --- texts --------------------------------------------------------------------------------


def latest_version(lesson: Lesson, audience: str) -> LessonVersion | None:
    return lesson_versions.current_version(lesson, audience)


def find_version(lesson: Lesson, audience: str, number: int) -> LessonVersion | None:
    return db.session.scalar(
        select(LessonVersion).where(LessonVersion.lesson_id == lesson.id, LessonVersion.audience == audience,
                                    LessonVersion.number == number))


def available_audiences(lesson_ids: Sequence[int]) -> dict[int, set[str]]:
    """lesson id → the age groups it has a text for (one query)."""
    if not lesson_ids:
        return {}
    rows = db.session.execute(
        select(LessonVersion.lesson_id, LessonVersion.audience).where(LessonVersion.lesson_id.in_(lesson_ids))
        .group_by(LessonVersion.lesson_id, LessonVersion.audience))
    found: dict[int, set[str]] = {}
    for lesson_id, audience in rows:
        found.setdefault(lesson_id, set()).add(audience)
    return found


# The editor's own words (images are sent from the page, not placed beside a file), on top of the
# file loader's: a problem in a lesson text carries the form ``field`` it belongs to.
MESSAGES = Messages({
    "missing_media": N_("Image « %(src)s » introuvable : envoyez-la avec « Ajouter une image au texte » et "
                        "collez la ligne obtenue."),
    "image_source_not_allowed": N_("Image « %(src)s » inconnue : envoyez-la avec « Ajouter une image au texte » "
                                   "et collez la ligne obtenue (media:…)."),
}, loader.MESSAGES)


def normalise_body(body_markdown: str) -> str:
    """As the file loader stores a body: Unix line ends, no blank lines around, one final newline."""
    return body_markdown.replace("\r\n", "\n").replace("\r", "\n").strip("\n") + "\n"


def check_fields(*, title, minutes, objectives, key_facts) -> list[Problem]:
    """The front matter rules of a lesson file, applied to the editor's fields."""
    return loader.check_lesson_fields(title=title, minutes=minutes, objectives=objectives, key_facts=key_facts)


def check_body(body_markdown: str) -> tuple[str, list[Problem]]:
    """Render once through the sanitising renderer; problems as the file loader reports them.

    Line numbers count from the first line of the text as typed. A stored text may only refer
    to stored images (``media:<sha256>.<ext>``); an unknown one is reported like a missing file.
    """
    text = body_markdown.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > loader.BODY_MAX:  # refused before parsing: rendering is what must stay cheap
        return "", [loader.field_problem("body", "too_long", {"max": loader.BODY_MAX})]
    rendered = markdown.render(text)
    problems = [MESSAGES.reword(problem, field="body") for problem in rendered.problems]
    if not text.strip():
        problems.append(loader.field_problem("body", "empty_body"))
    wanted: dict[str, list] = {}
    for source in markdown.image_sources(text):
        parsed = markdown.parse_media_ref(source.src)
        if parsed:
            wanted.setdefault(parsed[0], []).append(source)
    if wanted:
        stored = set(db.session.scalars(select(MediaAsset.sha256).where(MediaAsset.sha256.in_(wanted))))
        for sha256, uses in wanted.items():
            if sha256 not in stored:
                problems.extend(MESSAGES.problem("missing_media", {"src": use.src[:80]}, line=use.line, field="body")
                                for use in uses)
        problems.sort(key=lambda problem: problem.line or 0)
    return rendered.html, problems


def save_text(lesson: Lesson, audience: str, *, title: str, minutes: int, objectives: list[str],
              key_facts: list[str], body_markdown: str, user, now: datetime,
              source: str = "editor") -> LessonVersion | None:
    """A new version of the text (None when it is the same as the current one).

    Raises :class:`learnapp.courses.lesson_versions.InvalidLessonText` when the text breaks a rule.
    """
    if not age_groups.is_group(audience):
        raise EditingError("not_found")
    if audience not in (lesson.course.audiences or age_groups.ALL):
        raise EditingError("audience_not_in_course")
    version = lesson_versions.add_lesson_version(
        lesson, audience, title=title, minutes=minutes, objectives=objectives, key_facts=key_facts,
        body_markdown=normalise_body(body_markdown), source=source, author=user, now=now)
    if version is not None:
        lesson.course.updated_at = now
    return version


def restore_version(old: LessonVersion, *, user, now: datetime) -> LessonVersion | None:
    """Restoring adds a NEW version copying ``old``: history is never rewritten.

    None when ``old`` is the same text as the current version (nothing to add).
    """
    return save_text(old.lesson, old.audience, title=old.title, minutes=old.minutes,
                     objectives=list(old.objectives or []), key_facts=list(old.key_facts or []),
                     body_markdown=old.body_markdown, user=user, now=now, source="restore")


def count_versions(lesson: Lesson, audience: str) -> int:
    return db.session.scalar(select(func.count()).select_from(LessonVersion).where(
        LessonVersion.lesson_id == lesson.id, LessonVersion.audience == audience)) or 0


def versions_query(lesson: Lesson, audience: str):
    return (select(LessonVersion)
            .where(LessonVersion.lesson_id == lesson.id, LessonVersion.audience == audience)
            .order_by(LessonVersion.number.desc()))
