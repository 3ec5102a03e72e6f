"""Staff pages: write and edit courses and lessons in the browser.

Thin views: validate the form, call :mod:`learnapp.courses.editing`, commit once. A lesson text
goes through the same checks and renderer as a file (``learnapp content load``); its problems
are shown on the form, tied to the field, with status 400 and nothing saved.
"""

from __future__ import annotations

import re

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import format_decimal
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import RequestEntityTooLarge

from learnapp.auth.models import User
from learnapp.core import age_groups, markdown
from learnapp.core.access import roles_required
from learnapp.core.errors import fail, is_unique_violation, wants_json
from learnapp.core.i18n import _, _l
from learnapp.core.pagination import paginate
from learnapp.core.problems import Problem
from learnapp.core.urls import safe_next_url
from learnapp.courses import editing, export, lesson_versions, readability
from learnapp.courses.forms import (
    CourseForm,
    ImageUploadForm,
    LessonForm,
    LessonTextForm,
    lines,
)
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.media import images
from learnapp.media.images import ImageError
from learnapp.media.models import MediaAsset
from learnapp.media.services import store_image, url_path

bp = Blueprint("authoring", __name__, url_prefix="/office/courses", template_folder="templates")

IMAGE_MESSAGES = {
    "not_image": _l("Ce fichier n'est pas une image lisible (PNG ou JPEG attendu)."),
    "too_large": _l("L'image dépasse %(n)s Mo : réduisez-la puis recommencez.", n=images.MAX_BYTES // (1024 * 1024)),
    "too_many_pixels": _l("L'image a trop de pixels (%(n)s millions au plus) : réduisez ses dimensions.",
                          n=images.MAX_PIXELS // 1_000_000),
}
BAND_LABELS = {
    "very_easy": _l("très facile"),
    "easy": _l("facile"),
    "fairly_easy": _l("plutôt facile"),
    "standard": _l("standard"),
    "fairly_hard": _l("plutôt difficile"),
    "hard": _l("difficile"),
    "very_hard": _l("très difficile"),
}


def _labels() -> dict:
    return {"group_labels": age_groups.labels(), "group_short": age_groups.short_labels(), "age_groups": age_groups.ALL,
            "band_labels": BAND_LABELS, "format_decimal": format_decimal}


def _course_or_404(course_id: int) -> Course:
    return db.session.get(Course, course_id) or fail(404, _("Ce cours n'existe pas."))


def _lesson_or_404(course_id: int, lesson_id: int) -> tuple[Course, Lesson]:
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or lesson.course_id != course_id:
        fail(404, _("Cette leçon n'existe pas."))
    return lesson.course, lesson


def _audience_or_404(audience: str) -> str:
    if not age_groups.is_group(audience):
        fail(404, _("Ce public n'existe pas : enfants (child), adolescents (teen) ou adultes (adult)."))
    return audience


def _authors(versions) -> dict[int, User]:
    ids = {version.author_id for version in versions if version is not None and version.author_id}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}


def _image_error(field, error: ImageError) -> None:
    field.errors = [*field.errors, str(IMAGE_MESSAGES.get(error.code, IMAGE_MESSAGES["not_image"]))]


def _uploaded(field) -> bytes | None:
    storage = field.data
    if storage is None or not getattr(storage, "filename", ""):
        return None
    return storage.read()


# Courses ------------------------------------------------------------------------------------

@bp.get("/")
@roles_required("staff")
def courses():
    query = select(Course).order_by(Course.position, Course.title, Course.id)
    page = paginate(query, db.session.scalar(select(func.count()).select_from(Course)), request.args.get("page"))
    course_ids = [course.id for course in page.items]
    lessons = list(db.session.scalars(
        select(Lesson).where(Lesson.course_id.in_(course_ids)).order_by(Lesson.position, Lesson.id))) \
        if course_ids else []
    available = editing.available_audiences([lesson.id for lesson in lessons])
    rows = []
    for course in page.items:
        own = [lesson for lesson in lessons if lesson.course_id == course.id]
        gaps = []
        for lesson in own:
            missing = age_groups.missing(course.audiences or age_groups.ALL, available.get(lesson.id, set()))
            if missing:
                gaps.append((lesson, ", ".join(str(age_groups.short_labels()[audience]) for audience in missing)))
        rows.append({"course": course, "lesson_count": len(own), "gaps": gaps})
    return render_template("courses/office_courses.html", rows=rows, page=page, **_labels())


@bp.route("/new", methods=["GET", "POST"])
@roles_required("staff")
def new_course():
    form = CourseForm()
    if form.validate_on_submit():
        now = utcnow()
        cover = _store_cover(form, now)
        if not form.errors:
            try:
                course = editing.create_course(
                    slug=form.slug.data, title=form.title.data, summary=form.summary.data or "",
                    position=form.position.data, audiences=form.audiences.data, cover=cover,
                    cover_alt=form.cover_alt.data or "", user=current_user, now=now)
            except editing.EditingError:
                form.slug.errors.append(_("Un autre cours utilise déjà cet identifiant."))
            else:
                db.session.commit()
                flash(_("Le cours « %(title)s » est créé. Il reste en brouillon jusqu'à sa publication.",
                        title=course.title), "success")
                return redirect(url_for("authoring.course", course_id=course.id))
        db.session.rollback()
    return render_template("courses/office_course_form.html", form=form, heading=_("Créer un cours"),
                           course=None, cover_url=None, **_labels()), (400 if form.errors else 200)


@bp.get("/<int:course_id>")
@roles_required("staff")
def course(course_id: int):
    course = _course_or_404(course_id)
    lessons = list(db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id)))
    texts = lesson_versions.current_versions_by_lesson([lesson.id for lesson in lessons])
    rows = []
    for lesson in lessons:
        own = texts.get(lesson.id, {})
        title = next((own[audience].title for audience in reversed(age_groups.ALL) if audience in own), None)
        rows.append({"lesson": lesson, "texts": own, "title": title,
                     "missing": age_groups.missing(course.audiences or age_groups.ALL, own)})
    return render_template("courses/office_course.html", course=course, rows=rows, **_labels())


@bp.route("/<int:course_id>/edit", methods=["GET", "POST"])
@roles_required("staff")
def edit_course(course_id: int):
    course = _course_or_404(course_id)
    form = CourseForm(obj=course, has_cover=course.cover_asset_id is not None)
    if form.validate_on_submit():
        now = utcnow()
        cover = _store_cover(form, now)
        if not form.errors:
            try:
                editing.update_course(
                    course, slug=form.slug.data, title=form.title.data, summary=form.summary.data or "",
                    position=form.position.data, audiences=form.audiences.data, cover=cover,
                    remove_cover=form.remove_cover.data, cover_alt=form.cover_alt.data or "",
                    user=current_user, now=now)
            except editing.EditingError as error:
                if error.code == "audience_in_use":
                    form.audiences.errors = [*form.audiences.errors, _(
                        "Des leçons ont déjà un texte pour : %(groups)s. Gardez ce public, ou ce texte ne "
                        "pourrait plus être exporté ni rechargé.",
                        groups=", ".join(str(age_groups.short_labels()[audience]) for audience in error.audiences))]
                else:
                    form.slug.errors.append(_("Un autre cours utilise déjà cet identifiant."))
            else:
                db.session.commit()
                flash(_("Le cours est enregistré."), "success")
                return redirect(url_for("authoring.course", course_id=course.id))
        db.session.rollback()
        course = _course_or_404(course_id)
    cover_asset = db.session.get(MediaAsset, course.cover_asset_id) if course.cover_asset_id else None
    return render_template("courses/office_course_form.html", form=form, course=course,
                           heading=_("Modifier « %(title)s »", title=course.title),
                           cover_url=url_path(cover_asset) if cover_asset else None,
                           **_labels()), (400 if form.errors else 200)


def _store_cover(form: CourseForm, now) -> MediaAsset | None:
    raw = _uploaded(form.cover)
    if raw is None:
        return None
    try:
        return store_image(raw, form.cover.data.filename or "cover", now)
    except ImageError as error:
        _image_error(form.cover, error)
        return None


@bp.post("/<int:course_id>/publish")
@roles_required("staff")
def publish(course_id: int):
    course = _course_or_404(course_id)
    wanted = request.form.get("published")
    if wanted not in ("0", "1"):
        fail(400, _("Choisissez de publier ou de dépublier le cours."))
    changed = editing.set_published(course, wanted == "1", user=current_user, now=utcnow())
    db.session.commit()
    if not changed:
        flash(_("Rien à changer : c'était déjà le cas."), "info")
    elif course.published:
        flash(_("Le cours « %(title)s » est publié : les apprenants le voient.", title=course.title), "success")
    else:
        flash(_("Le cours « %(title)s » est dépublié : seuls l'office et les enseignants le voient.",
                title=course.title), "success")
    return redirect(url_for("authoring.course", course_id=course.id))


@bp.get("/<int:course_id>/export.zip")
@roles_required("staff")
def export_course(course_id: int):
    course = _course_or_404(course_id)
    buffer = export.course_zip(course)
    return send_file(buffer, mimetype="application/zip", as_attachment=True,
                     download_name=f"{course.slug}.zip")


# Lessons ------------------------------------------------------------------------------------

@bp.route("/<int:course_id>/lessons/new", methods=["GET", "POST"])
@roles_required("staff")
def new_lesson(course_id: int):
    course = _course_or_404(course_id)
    form = LessonForm()
    if request.method == "GET":
        form.position.data = len(course.lessons) + 1
    if form.validate_on_submit():
        try:
            lesson = editing.create_lesson(course, slug=form.slug.data, position=form.position.data,
                                           user=current_user, now=utcnow())
        except editing.EditingError as error:
            _lesson_error(form, error)
        else:
            db.session.commit()
            flash(_("La leçon est créée. Écrivez maintenant son texte pour chaque public."), "success")
            first = (course.audiences or list(age_groups.ALL))[0]
            return redirect(url_for("authoring.edit_text", course_id=course.id, lesson_id=lesson.id,
                                    audience=first))
    return render_template("courses/office_lesson_form.html", form=form, course=course,
                           heading=_("Nouvelle leçon"), submit_label=_("Créer la leçon"),
                           **_labels()), (400 if form.errors else 200)


@bp.route("/<int:course_id>/lessons/<int:lesson_id>", methods=["GET", "POST"])
@roles_required("staff")
def lesson(course_id: int, lesson_id: int):
    course, lesson = _lesson_or_404(course_id, lesson_id)
    form = LessonForm(obj=lesson)
    if form.validate_on_submit():
        try:
            editing.update_lesson(lesson, slug=form.slug.data, position=form.position.data,
                                  user=current_user, now=utcnow())
        except editing.EditingError as error:
            _lesson_error(form, error)
            db.session.rollback()
            course, lesson = _lesson_or_404(course_id, lesson_id)
        else:
            db.session.commit()
            flash(_("La leçon est enregistrée."), "success")
            return redirect(url_for("authoring.lesson", course_id=course.id, lesson_id=lesson.id))
    current = lesson_versions.current_versions(lesson)
    return render_template("courses/office_lesson.html", course=course, lesson=lesson, form=form,
                           current=current, authors=_authors(current.values()),
                           **_labels()), (400 if form.errors else 200)


def _lesson_error(form: LessonForm, error: editing.EditingError) -> None:
    if error.code == "position_taken":
        form.position.errors = [*form.position.errors,
                                _("Une autre leçon occupe déjà cette position : choisissez un autre numéro.")]
    else:
        form.slug.errors = [*form.slug.errors, _("Une autre leçon de ce cours utilise déjà cet identifiant.")]


# The editor ---------------------------------------------------------------------------------

def _fill_from(form: LessonTextForm, version: LessonVersion | None) -> None:
    form.base_version.data = str(version.number) if version else "0"
    if version is None:
        form.minutes.data = 5
        return
    form.title.data = version.title
    form.minutes.data = version.minutes
    form.objectives.data = "\n".join(version.objectives or [])
    form.key_facts.data = "\n".join(version.key_facts or [])
    form.body.data = version.body_markdown


def _problem_text(problem: Problem, form: LessonTextForm) -> str:
    if "field" in problem.params and problem.field in form:  # name the field as the form does
        problem = problem.at(params={**problem.params, "field": form[problem.field].label.text})
    message = problem.message
    if problem.line:
        return _("Ligne %(line)s : %(message)s", line=problem.line, message=message)
    return message


def _check(form: LessonTextForm) -> tuple[bool, str, list[str]]:
    """The form's fields and body under the file loader's rules: (valid, rendered html, body problems).

    Every problem is added to its field's errors; nothing is written.
    """
    valid = form.validate()
    found = editing.check_fields(
        title=form.title.data or "", minutes=form.minutes.data if not form.minutes.errors else 1,
        objectives=form.objective_list, key_facts=form.key_fact_list)
    html, body_problems = editing.check_body(form.body.data or "")
    if form.body.errors:  # already said (empty, too long): do not repeat it
        body_problems = [problem for problem in body_problems if problem.code != "empty_body"]
    messages = []
    for problem in [*found, *body_problems]:
        field = form[problem.field]
        if problem.field != "body" and field.errors:
            continue  # the form already explains this field
        message = _problem_text(problem, form)
        field.errors = [*field.errors, message]
        if problem.field == "body":
            messages.append(message)
        valid = False
    return valid, html, messages


def _preview_context(form: LessonTextForm, html: str, problems: list[str], audience: str) -> dict:
    minutes = form.minutes.data if isinstance(form.minutes.data, int) and not form.minutes.errors else None
    return {
        "problems": problems,
        "gauge": readability.verdict(form.body.data or "", audience),
        "preview_title": form.title.data, "preview_minutes": minutes,
        "preview_objectives": lines(form.objectives.data), "preview_key_facts": lines(form.key_facts.data),
        "preview_html": html,
    }


@bp.route("/<int:course_id>/lessons/<int:lesson_id>/<audience>", methods=["GET", "POST"])
@roles_required("staff")
def edit_text(course_id: int, lesson_id: int, audience: str):
    course, lesson = _lesson_or_404(course_id, lesson_id)
    audience = _audience_or_404(audience)
    current = editing.latest_version(lesson, audience)
    course_audiences = course.audiences or list(age_groups.ALL)
    form = LessonTextForm()
    upload_form = ImageUploadForm(formdata=None)
    status, conflict = 200, False
    if request.method == "GET":
        _fill_from(form, current)
        preview = _preview_context(form, current.body_html if current else "", [], audience)
    else:
        valid, html, problems = _check(form)
        preview = _preview_context(form, html, problems, audience)
        saving = request.form.get("action") == "save"
        base = (form.base_version.data or "").strip()  # empty: no check (a page without it)
        if not valid or (saving and audience not in course_audiences):
            status = 400
        elif saving and base and int(base) != (current.number if current else 0):  # base: checked digits
            status, conflict = 409, True  # someone saved a newer version since this page was opened
        elif saving:
            try:
                version = editing.save_text(
                    lesson, audience, title=form.title.data, minutes=form.minutes.data,
                    objectives=form.objective_list, key_facts=form.key_fact_list, body_markdown=form.body.data,
                    user=current_user, now=utcnow())
            except (lesson_versions.InvalidLessonText, editing.EditingError) as error:  # checked above: a safety net
                db.session.rollback()
                form.body.errors = [*form.body.errors, str(error)]
                status = 400
            except IntegrityError as error:
                # Another save from the same version took this number between our check and our write.
                db.session.rollback()
                if not is_unique_violation(error):
                    raise
                current = editing.latest_version(lesson, audience)
                status, conflict = 409, current is not None
            else:
                db.session.commit()
                if version is None:
                    flash(_("Rien n'a changé : aucune nouvelle version."), "info")
                else:
                    flash(_("Version %(n)s enregistrée : les apprenants la voient désormais.", n=version.number),
                          "success")
                return redirect(url_for("authoring.edit_text", course_id=course.id, lesson_id=lesson.id,
                                        audience=audience))
    tabs = [other for other in age_groups.ALL if other in course_audiences or other == audience]
    return render_template("courses/office_editor.html", course=course, lesson=lesson, audience=audience,
                           form=form, upload_form=upload_form, current=current, conflict=conflict,
                           outside_course=audience not in course_audiences, tabs=tabs,
                           authors=_authors([current]), **preview, **_labels()), status


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/<audience>/preview")
@roles_required("staff")
def preview(course_id: int, lesson_id: int, audience: str):
    """The preview fragment for editor.js: the same checks and renderer as saving, nothing written."""
    _lesson_or_404(course_id, lesson_id)
    audience = _audience_or_404(audience)
    form = LessonTextForm()
    valid, html, _body_problems = _check(form)
    problems = [_("%(field)s : %(message)s", field=form[name].label.text, message=str(error))
                for name, errors in form.errors.items() if name != "csrf_token" for error in errors]
    context = _preview_context(form, html, problems, audience)
    return render_template("courses/office_preview.html", **context, **_labels()), (200 if valid else 400)


# History ------------------------------------------------------------------------------------

@bp.get("/<int:course_id>/lessons/<int:lesson_id>/<audience>/history")
@roles_required("staff")
def history(course_id: int, lesson_id: int, audience: str):
    course, lesson = _lesson_or_404(course_id, lesson_id)
    audience = _audience_or_404(audience)
    page = paginate(editing.versions_query(lesson, audience), editing.count_versions(lesson, audience),
                    request.args.get("page"))
    latest = editing.latest_version(lesson, audience)
    return render_template("courses/office_history.html", course=course, lesson=lesson, audience=audience,
                           page=page, latest_number=latest.number if latest else None,
                           authors=_authors(page.items), **_labels())


def _version_or_404(course_id: int, lesson_id: int, audience: str, number: int):
    """The course, lesson, audience and stored version a version URL names, or 404."""
    course, lesson = _lesson_or_404(course_id, lesson_id)
    audience = _audience_or_404(audience)
    old = editing.find_version(lesson, audience, number) or fail(404, _("Cette version n'existe pas."))
    return course, lesson, audience, old


@bp.get("/<int:course_id>/lessons/<int:lesson_id>/<audience>/versions/<int:number>")
@roles_required("staff")
def version(course_id: int, lesson_id: int, audience: str, number: int):
    course, lesson, audience, old = _version_or_404(course_id, lesson_id, audience, number)
    latest = editing.latest_version(lesson, audience)
    return render_template("courses/office_version.html", course=course, lesson=lesson, audience=audience,
                           version=old, latest_number=latest.number, authors=_authors([old]), **_labels())


@bp.post("/<int:course_id>/lessons/<int:lesson_id>/<audience>/versions/<int:number>/restore")
@roles_required("staff")
def restore(course_id: int, lesson_id: int, audience: str, number: int):
    course, lesson, audience, old = _version_or_404(course_id, lesson_id, audience, number)
    try:
        restored = editing.restore_version(old, user=current_user, now=utcnow())
    except editing.EditingError:  # the course is no longer written for this group (changed in the files)
        db.session.rollback()
        fail(409, _("Ce cours n'est plus écrit pour ce public : ajoutez-le aux publics du cours avant de "
                    "restaurer cette version."))
    except lesson_versions.InvalidLessonText:  # written under older rules
        db.session.rollback()
        fail(409, _("Cette version ne respecte plus les règles actuelles et ne peut pas être restaurée telle "
                    "quelle : copiez son texte dans l'éditeur et corrigez-le."))
    db.session.commit()
    if restored is None:
        flash(_("La version %(n)s est identique à la version actuelle : rien à restaurer.", n=number), "info")
    else:
        flash(_("La version %(old)s est restaurée : elle devient la version %(new)s.", old=number,
                new=restored.number), "success")
    return redirect(url_for("authoring.history", course_id=course.id, lesson_id=lesson.id, audience=audience))


# Images -------------------------------------------------------------------------------------

# Characters Markdown would read as markup inside an image's alt text or title: escaped with a
# backslash, so the line renders with exactly the words typed (a trailing "\" would break it).
_ALT_MARKUP = re.compile(r"([\\`*_\[\]<>!&])")
_CAPTION_MARKUP = re.compile(r"([\\&])")


def snippet_for(asset: MediaAsset, alt: str, caption: str) -> str:
    """The Markdown line that shows an uploaded image: ``![alt](media:<sha>.<ext> "caption")``."""
    alt = _ALT_MARKUP.sub(r"\\\1", " ".join(alt.split()))
    ref = markdown.media_ref(asset.sha256, asset.extension)
    caption = _CAPTION_MARKUP.sub(r"\\\1", " ".join(caption.replace('"', "'").split()))
    return f'![{alt}]({ref} "{caption}")' if caption else f"![{alt}]({ref})"


@bp.route("/images", methods=["GET", "POST"])
@roles_required("staff")
def upload_image():
    form = ImageUploadForm()
    back_url = safe_next_url(request.args.get("next"), "") or None
    result = {}
    if form.validate_on_submit():
        try:
            asset = store_image(_uploaded(form.image), form.image.data.filename or "image", utcnow())
        except ImageError as error:
            _image_error(form.image, error)
        else:
            db.session.commit()
            result = {"snippet": snippet_for(asset, form.alt.data, form.caption.data or ""),
                      "image_url": url_path(asset), "alt": form.alt.data}
    if wants_json():
        if result:
            return jsonify(result)
        return jsonify(errors={name: [str(error) for error in errors] for name, errors in form.errors.items()}), 400
    return render_template("courses/office_upload.html", form=form if not result else ImageUploadForm(formdata=None),
                           back_url=back_url, **result, **_limits(), **_labels()), (400 if form.errors else 200)


def _megabytes(size: int) -> str:
    return format_decimal(round(size / (1024 * 1024), 1))


def _limits() -> dict:
    return {"max_image_mb": _megabytes(images.MAX_BYTES), "max_megapixels": images.MAX_PIXELS // 1_000_000,
            "max_request_mb": _megabytes(current_app.config.get("MAX_CONTENT_LENGTH") or 0)}


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """A clear 413: what the limit is, and how to get under it."""
    db.session.rollback()
    limits = _limits()
    message = _("L'envoi dépasse %(max)s Mo et a été refusé. Une image doit peser %(image_max)s Mo au plus : "
                "réduisez-la (dimensions ou qualité), puis recommencez.", max=limits["max_request_mb"],
                image_max=limits["max_image_mb"])
    if wants_json():
        return jsonify(error=_("Envoi trop volumineux"), message=message), 413
    if request.endpoint == "authoring.upload_image":
        return render_template("courses/office_upload.html", form=ImageUploadForm(formdata=None), too_large=True,
                               back_url=None, **limits, **_labels()), 413
    return render_template("errors/error.html", code=413, title=_("Envoi trop volumineux"), message=message), 413
