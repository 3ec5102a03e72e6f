"""Staff pages: question bank, question editor with preview, GIFT import, statistics.

Thin views: read through ``staff_queries``, check the form, call the quiz services
(``bank_import.import_questions`` writes a question or a new version of it), commit once. The
editor's type-specific fields, problems and preview come from the question's type
(``types.py``). Bad input is shown on the form with status 400 and nothing is written; a
preview writes nothing either.
"""

from __future__ import annotations

import base64
import binascii
import io
from dataclasses import dataclass

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from learnapp.core import age_groups, markdown
from learnapp.core.access import roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _, _l
from learnapp.core.pagination import PER_PAGE, Page, page_number
from learnapp.courses.models import Course
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes import (
    bank_import,
    gift,
    gift_export_files,
    gift_import,
    loader,
    staff_queries,
    stats,
    stats_charts,
    stats_queries,
    types,
)
from learnapp.quizzes.models import Question, QuestionVersion
from learnapp.quizzes.staff_forms import (
    AUDIENCE_LABELS,
    AUDIENCE_SHORT,
    BankFilterForm,
    GiftImportForm,
    QuestionForm,
    question_form,
)

bp = Blueprint("quiz_staff", __name__, url_prefix="/office/quizzes", template_folder="templates")

SOURCE_LABELS = {"files": _l("fichiers"), "gift": _l("import GIFT"), "editor": _l("éditeur")}
FLAG_LABELS = {
    stats.FLAG_TOO_HARD: _l("Trop difficile : moins d'une réponse juste sur cinq"),
    stats.FLAG_TOO_EASY: _l("Trop facile : plus de 19 réponses justes sur 20"),
    stats.FLAG_NEGATIVE: _l("Discrimination négative : les meilleurs échouent plus souvent — vérifiez la bonne "
                            "réponse"),
    stats.FLAG_WEAK: _l("Discrimination faible : ne sépare pas ceux qui savent des autres"),
    stats.FLAG_UNUSED_OPTION: _l("Un choix n'est jamais pris"),
    stats.FLAG_DISTRACTOR_BEATS_KEY: _l("Un mauvais choix est plus pris que le bon"),
}
SETUP_MESSAGES = {
    "unknown_tier": _l("Ce cours n'a pas ce niveau."),
    "bad_audience": _l("Choisissez au moins un âge."),
}
# Which editor field a problem of the common fields belongs to (each type maps its own problems).
COMMON_PROBLEM_FIELDS = {
    **dict.fromkeys(("bad_tiers", "unknown_tier"), "tiers"),
    "bad_audiences": "audiences",
    **dict.fromkeys(("bad_lesson", "unknown_lesson"), "lesson"),
    "bad_tags": "tags",
}
# Fields whose fieldset shows its own errors (the type's groups add theirs).
GROUPED_FIELDS = frozenset({"tiers", "audiences", "csrf_token"})


def _field_of(kind: types.QuestionType, code: str) -> str | None:
    return kind.problem_fields.get(code) or COMMON_PROBLEM_FIELDS.get(code)


def _labels() -> dict:
    type_labels = {name: kind.label for name, kind in types.REGISTRY.items()}
    return {"audience_labels": AUDIENCE_LABELS, "audience_short": AUDIENCE_SHORT, "type_labels": type_labels,
            "source_labels": SOURCE_LABELS, "flag_labels": FLAG_LABELS, "audiences": age_groups.ALL}


def _course_or_404(course_id: int) -> Course:
    return staff_queries.course(course_id) or fail(404, _("Ce cours n'existe pas."))


# The list of courses ------------------------------------------------------------------------------

@bp.get("/")
@roles_required("staff")
def index():
    page = staff_queries.courses_page(page_number(request.args.get("page")))
    counts = staff_queries.quiz_counts([c.id for c in page.items])
    return render_template("quizzes/staff_index.html", page=page, **counts)


# The question bank ----------------------------------------------------------------------------------

@bp.get("/<int:course_id>/questions")
@roles_required("staff")
def bank(course_id: int):
    course = _course_or_404(course_id)
    tiers = staff_queries.tiers(course)
    form = BankFilterForm(request.args)
    form.tier.choices = [("", _("Tous"))] + [(str(t.number), f"{t.number} · {t.name}") for t in tiers]
    form.audience.choices = [("", _("Tous"))] + [(a, AUDIENCE_LABELS[a]) for a in age_groups.ALL]
    tier = form.tier.data if form.tier.data in {str(t.number) for t in tiers} else ""
    audience = form.audience.data if age_groups.is_group(form.audience.data) else ""
    page = staff_queries.bank_page(course, tier=int(tier) if tier else None, audience=audience or None,
                                   number=page_number(request.args.get("page")))
    return render_template("quizzes/staff_bank.html", course=course, tiers=tiers, page=page, form=form,
                           filters={"tier": tier, "audience": audience}, **_labels())


@bp.get("/<int:course_id>/export.gift")
@roles_required("staff")
def export_gift(course_id: int):
    """The bank (one tier's with ``?tier=N``) as a GIFT file Moodle imports; with its pictures, a zip."""
    course = _course_or_404(course_id)
    tier_text = request.args.get("tier", "")
    tier = None
    if tier_text:
        numbers = {str(t.number): t.number for t in staff_queries.tiers(course)}
        if tier_text not in numbers:
            fail(404, _("Ce cours n'a pas ce niveau."))
        tier = numbers[tier_text]
    result = gift_export_files.export_course(course, tier)
    name = f"{course.slug}{f'-niveau-{tier}' if tier is not None else ''}"
    if result.images:
        return send_file(io.BytesIO(gift_export_files.bundle(result, f"{name}.gift")), mimetype="application/zip",
                         as_attachment=True, download_name=f"{name}-gift.zip")
    return send_file(io.BytesIO(result.text.encode()), mimetype="text/plain; charset=utf-8", as_attachment=True,
                     download_name=f"{name}.gift")


# The editor ------------------------------------------------------------------------------------------

def _question_or_404(question_id: int) -> tuple[Question, QuestionVersion, Course]:
    question = staff_queries.question(question_id) or fail(404, _("Cette question n'existe pas."))
    version = staff_queries.latest_version(question)
    if version is None:
        fail(404, _("Cette question n'existe pas."))
    return question, version, staff_queries.course(question.course_id)


def _fill(form: QuestionForm, version: QuestionVersion) -> None:
    """The form as the current version says (a GET of the editor)."""
    form.prompt.data = version.prompt_markdown
    form.explanation.data = version.explanation_markdown
    form.tiers.data = list(version.tiers or [])
    form.audiences.data = list(version.audiences or [])
    form.lesson.data = version.lesson_slug or ""
    form.tags.data = ", ".join(version.tags or [])
    types.get(version.type).to_form(version.definition or {}, form)


class _Errors(dict):
    def add(self, name: str, message: str) -> None:
        messages = self.setdefault(name, [])
        if str(message) not in messages:  # two rows with the same problem: said once
            messages.append(str(message))


def _stored_images(path: str) -> bytes:
    """``import_questions`` reads the pictures' bytes."""
    asset = staff_queries.stored_asset(path)
    if asset is None:
        raise FileNotFoundError(path)
    return asset.data


def _stored_image_ref(path: str) -> dict:
    """The bank's checks resolve a picture to its stored reference."""
    asset = staff_queries.stored_asset(path)
    if asset is None:
        raise types.ImageUnavailable("image_missing")
    return {"sha256": asset.sha256, "ext": asset.extension, "width": asset.width, "height": asset.height}


def _compose(form: QuestionForm, question: Question, version: QuestionVersion, errors: _Errors) -> dict:
    """The question in the YAML shape, from the form (what ``import_questions`` takes)."""
    data = {"id": question.key, "type": version.type, "tiers": list(form.tiers.data or []),
            "audiences": age_groups.ordered(form.audiences.data or []),
            "prompt": form.prompt.data or "", "explanation": form.explanation.data or ""}
    if form.lesson.data:
        data["lesson"] = form.lesson.data
    tags = [t.strip() for t in (form.tags.data or "").split(",") if t.strip()]
    if tags:
        data["tags"] = tags
    data.update(types.get(version.type).from_form(form, version.definition or {}, errors))
    return data


def _bank_errors(data: dict, course: Course, errors: _Errors) -> loader.QuestionSpec | None:
    """Run the bank's own checks; tie each problem to its field. One message per field: a field
    the form already refused (or one the bank already reported) gets no second message."""
    tiers, lessons = gift_import.course_facts(course)
    spec, problems = loader.build_question(data, tier_numbers=tiers, lesson_slugs=lessons,
                                           images=_stored_image_ref, require_lesson=False)
    refused = set(errors)
    kind = types.get(data["type"])
    for problem in problems:
        name = _field_of(kind, problem.code)
        if name is None:
            field_param = str(problem.params.get("field", ""))
            if field_param in ("prompt", "explanation"):
                name = field_param
            elif problem.code in markdown.MESSAGES:
                name = "prompt" if markdown.render(data["prompt"]).problems else "explanation"
            else:
                name = "prompt"
        if name in refused:
            continue
        refused.add(name)
        errors.add(name, problem.localized())
    return spec


@dataclass
class Preview:
    prompt_html: str
    explanation_html: str
    type: str
    definition: dict


def _preview(spec: loader.QuestionSpec | None) -> Preview | None:
    if spec is None:
        return None
    return Preview(prompt_html=spec.prompt_html, explanation_html=spec.explanation_html, type=spec.type,
                   definition=spec.definition)


def _form_for(course: Course, version: QuestionVersion, formdata=None) -> QuestionForm:
    form = question_form(types.get(version.type))(formdata=formdata)
    form.tiers.choices = [(t.number, f"{t.number} · {t.name}") for t in staff_queries.tiers(course)]
    lessons = staff_queries.lesson_slugs(course)
    if version.lesson_slug and version.lesson_slug not in lessons:
        lessons.append(version.lesson_slug)
    form.lesson.choices = [("", _("Aucune"))] + [(slug, slug) for slug in lessons]
    return form


@bp.route("/questions/<int:question_id>", methods=["GET", "POST"])
@roles_required("staff")
def edit_question(question_id: int):
    question, version, course = _question_or_404(question_id)
    if request.method == "GET":
        form = _form_for(course, version)
        _fill(form, version)
        return _render_editor(form, question, version, course, _Errors(), None)

    form = _form_for(course, version, request.form)
    action = request.form.get("action", "preview")
    errors = _Errors()
    if not form.validate():
        for name, messages in form.errors.items():
            for message in (messages if isinstance(messages, list) else [messages]):
                if isinstance(message, str):
                    errors.add(name, message)
                elif isinstance(message, dict):  # a row of choices or pairs
                    for row_messages in message.values():
                        for row_message in row_messages:
                            errors.add(name, row_message)
    data = _compose(form, question, version, errors)
    spec = None if "csrf_token" in errors else _bank_errors(data, course, errors)
    if errors:
        return _render_editor(form, question, version, course, errors, None, status=400)
    if action != "save":
        return _render_editor(form, question, version, course, errors, _preview(spec))
    report = bank_import.import_questions(course, [data], source="editor", author=current_user, now=utcnow(),
                                       images=_stored_images)
    if report.problems:  # checked above; only a change made at the same moment gets here
        db.session.rollback()
        for problem in report.problems:
            errors.add(_field_of(types.get(version.type), problem.code) or "prompt", problem.localized())
        return _render_editor(form, question, version, course, errors, None, status=400)
    db.session.commit()
    if report.updated:
        flash(_("Nouvelle version enregistrée. Les tentatives déjà faites gardent la version qu'elles ont tirée."),
              "success")
    else:
        flash(_("Rien n'a changé : aucune nouvelle version."), "info")
    return redirect(url_for("quiz_staff.edit_question", question_id=question.id))


def _render_editor(form, question, version, course, errors: _Errors, preview: Preview | None, status: int = 200):
    kind = types.get(version.type)
    for name, messages in errors.items():  # tie each message to its field (the groups show theirs)
        if name in form and name not in GROUPED_FIELDS | kind.editor_groups:
            form[name].errors = list(messages)
    for name in ("tiers", "audiences"):
        form[name].errors = list(errors.get(name, []))
    versions = staff_queries.recent_versions(question)
    return render_template("quizzes/staff_editor.html", form=form, question=question, version=version,
                           kind=kind, course=course, errors=errors, preview=preview, versions=versions,
                           tier_names={t.number: t.name for t in staff_queries.tiers(course)}, **_labels()), status


# GIFT import ---------------------------------------------------------------------------------------

def _import_form(course: Course, formdata=None) -> GiftImportForm:
    form = GiftImportForm(formdata=formdata) if formdata is not None else GiftImportForm()
    form.tier.choices = [(t.number, f"{t.number} · {t.name}") for t in staff_queries.tiers(course)]
    form.lesson.choices = [("", _("Aucune"))] + [(slug, slug) for slug in staff_queries.lesson_slugs(course)]
    return form


def _uploaded_bytes(form: GiftImportForm) -> tuple[bytes | None, str]:
    """The file sent, or the one a preview sent back; (None, "") when there is none."""
    upload = form.file.data
    if upload is not None and getattr(upload, "filename", ""):
        raw = upload.stream.read(gift.MAX_BYTES + 1)
        return raw, upload.filename[:200]
    if form.content.data:
        try:
            raw = base64.b64decode(form.content.data.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError, ValueError):
            return None, ""
        return raw, (form.filename.data or "")[:200]
    return None, ""


@bp.route("/<int:course_id>/import", methods=["GET", "POST"])
@roles_required("staff")
def import_gift(course_id: int):
    course = _course_or_404(course_id)
    if request.method == "GET":
        form = _import_form(course)
        return render_template("quizzes/staff_import.html", course=course, form=form, result=None, **_labels())
    form = _import_form(course, _combined_formdata())
    status = 200
    result = outcome = None
    raw, filename = b"", ""
    if not form.tier.choices:
        form.validate()
        form.tier.errors = [_("Ce cours n'a encore aucun niveau : chargez d'abord ses quiz.")]
        status = 400
    elif form.validate():
        raw, filename = _uploaded_bytes(form)
        if raw is None:
            form.file.errors = [_("Choisissez un fichier GIFT.")]
            status = 400
        else:
            audiences = age_groups.ordered(form.audiences.data)
            try:
                gift_import.check_setup(course, form.tier.data, audiences)
                result = gift_import.read(raw, tier=form.tier.data, audiences=audiences,
                                          lesson=form.lesson.data or None, filename=filename)
            except gift_import.ImportSetupError as error:
                form.tier.errors = [str(SETUP_MESSAGES[error.code])]
                status = 400
            except gift.GiftFileError as error:
                form.file.errors = [error.localized()]
                status = 413 if error.code == "too_large" else 400
            else:
                result = gift_import.check(result, course=course, localize=True)
                if request.form.get("action") == "import":
                    outcome = gift_import.store(course, result, author=current_user, now=utcnow(), localize=True)
                    db.session.commit()
                    result = outcome.result
    else:
        status = 400
    content = base64.b64encode(raw).decode("ascii") if result is not None and outcome is None else ""
    return render_template("quizzes/staff_import.html", course=course, form=form, result=result, outcome=outcome,
                           content=content, filename=filename, **_labels()), status


def _combined_formdata():
    from werkzeug.datastructures import CombinedMultiDict

    return CombinedMultiDict([request.files, request.form])


# Statistics -----------------------------------------------------------------------------------------

@bp.get("/<int:course_id>/statistics")
@roles_required("staff")
def statistics(course_id: int):
    course = _course_or_404(course_id)
    result = stats_queries.course_statistics(course.id)
    flagged_only = request.args.get("flagged") == "1"
    rows = result.flagged if flagged_only else result.rows
    number = page_number(request.args.get("page"))
    page = Page(items=rows[(number - 1) * PER_PAGE:number * PER_PAGE], number=number, per_page=PER_PAGE,
                total=len(rows))
    return render_template("quizzes/staff_statistics.html", course=course, result=result, page=page,
                           flagged_only=flagged_only, min_attempts=stats.MIN_ATTEMPTS, thresholds={
                               "too_hard": stats.TOO_HARD, "too_easy": stats.TOO_EASY,
                               "weak": stats.WEAK_DISCRIMINATION},
                           chart=stats_charts.facility_discrimination(course.id, result), **_labels())


@bp.get("/<int:course_id>/statistics/<int:version_id>")
@roles_required("staff")
def statistics_question(course_id: int, version_id: int):
    """One question version's numbers, with the chart of its options' frequencies."""
    course = _course_or_404(course_id)
    result = stats_queries.course_statistics(course.id)
    row = next((row for row in result.rows if row.version_id == version_id), None)
    if row is None:  # another course's, unknown, or no answer yet
        fail(404, _("Cette question n'a pas encore de réponse dans ce cours."))
    return render_template("quizzes/staff_statistics_question.html", course=course, row=row,
                           chart=stats_charts.option_frequencies(course.id, row), min_attempts=stats.MIN_ATTEMPTS,
                           **_labels())
