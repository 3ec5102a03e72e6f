"""Learner pages: catalogue, course, lesson, progress.

Who sees what: the catalogue, course and lesson pages are public, so a visitor sees what they
would learn (an anonymous reader gets the adult text); progress is saved only for signed-in
learners, and marking a lesson done needs an account. Staff, teachers and admins may preview
any age group's text with ``?audience=child|teen|adult``; staff and admins also see unpublished
courses, with a banner.
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from learnapp.core import age_groups
from learnapp.core.access import login_required, public
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.courses import progress, reading, rules
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db

bp = Blueprint("courses", __name__, url_prefix="/courses", template_folder="templates")

AUDIENCE_PARAM = "audience"
# Who may switch to another age group's text, and who may open an unpublished course.
PREVIEW_ROLES = ("staff", "teacher", "admin")
DRAFT_ROLES = ("staff", "admin")

def _has_any_role(roles) -> bool:
    return current_user.is_authenticated and any(current_user.has_role(role) for role in roles)


def _reader() -> tuple[str, str | None]:
    """The age group whose texts this request shows, and the previewed group if any.

    The parameter is checked for everyone (a bad value is a 400 with a message), but only
    staff, teachers and admins may use it: learners always read their own group's text.
    """
    raw = request.args.get(AUDIENCE_PARAM, "")
    if raw and not age_groups.is_group(raw):
        fail(400, _("Ce groupe d'âge n'existe pas. Choisissez « child » (enfants), « teen » "
                    "(adolescents) ou « adult » (adultes)."))
    if raw and _has_any_role(PREVIEW_ROLES):
        return raw, raw
    if current_user.is_authenticated:
        return current_user.age_group(utcnow()), None
    return age_groups.DEFAULT, None


def _course_or_404(slug: str) -> Course:
    course = reading.find_course(slug, include_unpublished=_has_any_role(DRAFT_ROLES))
    if course is None:
        fail(404, _("Ce cours n'existe pas ou n'est pas publié."))
    return course


def _page_context(reader_group: str, previewing: str | None) -> dict:
    return {
        "reader_group": reader_group,
        "simple_pages": age_groups.get(reader_group).simple_pages,
        "previewing": previewing,
        "can_preview": _has_any_role(PREVIEW_ROLES),
        "group_labels": age_groups.labels(),
        "group_in_sentence": age_groups.in_sentence(),
        "body_class": "reader-child" if age_groups.get(reader_group).simple_pages else "",
        "preview_args": {AUDIENCE_PARAM: previewing} if previewing else {},
    }


@bp.get("/")
@public
def catalogue():
    reader_group, previewing = _reader()
    courses = reading.published_courses()
    ids = [course.id for course in courses]
    return render_template(
        "courses/catalogue.html", courses=courses, lesson_counts=reading.lesson_counts(ids),
        done_counts=progress.done_counts(current_user, ids), covers=reading.covers(courses),
        **_page_context(reader_group, previewing))


@bp.get("/<slug>")
@public
def course(slug: str):
    reader_group, previewing = _reader()
    course = _course_or_404(slug)
    items = reading.outline(course, reader_group)
    rows = progress.marks(current_user, course)
    summary = progress.summarise([item.lesson.id for item in items], rows)
    by_id = {item.lesson.id: item for item in items}
    gaps = []
    if _has_any_role(DRAFT_ROLES):
        gaps = [(item, [str(age_groups.in_sentence()[group]) for group in missing])
                for item in items if (missing := item.missing(course))]
    return render_template(
        "courses/course.html", course=course, items=items, summary=summary,
        next_item=by_id.get(summary.next_lesson_id), gaps=gaps,
        cover=reading.covers([course]).get(course.id), **_page_context(reader_group, previewing))


@bp.get("/<slug>/<lesson_slug>")
@public
def lesson(slug: str, lesson_slug: str):
    reader_group, previewing = _reader()
    course = _course_or_404(slug)
    items = reading.outline(course, reader_group)
    index = next((i for i, item in enumerate(items) if item.lesson.slug == lesson_slug), None)
    if index is None:
        fail(404, _("Cette leçon n'existe pas dans ce cours."))
    item = items[index]
    version = reading.load_text(item.text)
    if version is None:  # removed between the two queries
        fail(404, _("Cette leçon n'existe pas dans ce cours."))
    rows = progress.marks(current_user, course)
    row = rows.get(item.lesson.id)
    # Progress is saved for a learner reading a published course, never for a preview.
    saves_progress = current_user.is_authenticated and course.published and previewing is None
    html = render_template(
        "courses/lesson.html", course=course, item=item, version=version, row=row,
        position=index + 1, total=len(items),
        previous=items[index - 1] if index > 0 else None,
        following=items[index + 1] if index + 1 < len(items) else None,
        saves_progress=saves_progress, **_page_context(reader_group, previewing))
    if saves_progress and (row is None or rules.view_needs_recording(
            row.last_version_id, row.last_seen_at, version.id, utcnow())):
        _record_view(version)
    return html


def _record_view(version: LessonVersion) -> None:
    """Remember the text the learner saw. Best effort: a busy database never loses the page."""
    try:
        progress.record_view(current_user, version.lesson, version, utcnow())
        db.session.commit()
    except OperationalError:
        db.session.rollback()
        current_app.logger.warning("lesson view not recorded (database busy): user %s, lesson %s",
                                   current_user.id, version.lesson_id)


@bp.post("/<slug>/<lesson_slug>/done")
@login_required
def mark_done(slug: str, lesson_slug: str):
    course = reading.find_course(slug, include_unpublished=False)
    if course is None:
        fail(404, _("Ce cours n'existe pas ou n'est pas publié."))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == lesson_slug))
    if lesson is None:
        fail(404, _("Cette leçon n'existe pas dans ce cours."))
    raw = request.form.get("version", "")
    version = db.session.get(LessonVersion, int(raw)) if raw.isdigit() and len(raw) < 12 else None
    if version is None or version.lesson_id != lesson.id:
        fail(400, _("Nous ne savons pas quel texte vous avez lu. Rechargez la page et recommencez."))
    # Only the text this learner is shown counts: their age group's current text (or the one it
    # falls back to), never an older version or another group's.
    items = reading.outline(course, current_user.age_group(utcnow()))
    if version.id != reading.shown_version_id(items, lesson.id):
        fail(409, _("Ce n'est pas le texte de cette leçon que vous voyez maintenant (il a peut-être "
                    "été mis à jour). Rechargez la page, lisez le texte affiché, puis marquez-le "
                    "comme terminé."))

    completed = progress.mark_done(current_user, lesson, version, utcnow())
    summary = progress.course_progress(current_user, course, [item.lesson.id for item in items])
    db.session.commit()

    if completed:
        flash(_("Leçon terminée : « %(title)s ».", title=version.title), "success")
    else:
        flash(_("Cette leçon était déjà terminée."), "info")
    ids = [item.lesson.id for item in items]
    following = rules.neighbours(ids, lesson.id)[1]
    if summary.complete:
        if completed:
            flash(_("Bravo ! Vous avez terminé toutes les leçons de ce cours."), "success")
        return redirect(url_for("courses.course", slug=course.slug))
    if following is not None:
        return redirect(url_for("courses.lesson", slug=course.slug,
                                lesson_slug=items[ids.index(following)].lesson.slug))
    return redirect(url_for("courses.course", slug=course.slug))
