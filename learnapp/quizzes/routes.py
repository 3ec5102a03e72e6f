"""Learner pages: a course's tiers, a tier, an attempt (all questions on one page, or one at a
time), the children's check-and-feedback step, submission and review.

Thin views: check who asks, read the form, call a service, commit once, redirect or render.
"""

from __future__ import annotations

from flask import Blueprint, flash, jsonify, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from learnapp.core import age_groups
from learnapp.core.access import login_required
from learnapp.core.errors import fail, wants_json
from learnapp.core.i18n import _, ngettext
from learnapp.courses.models import Course
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes import attempts, rules
from learnapp.quizzes.forms import StartForm
from learnapp.quizzes.models import QuizAttempt, QuizTier

bp = Blueprint("quizzes", __name__, url_prefix="/quizzes", template_folder="templates")

# An honest answer page is a few kilobytes; anything far bigger is refused before parsing (413).
MAX_ANSWER_BYTES = 64 * 1024
MAX_FORM_PARTS = 400
MODE_KEY = "quiz_mode"  # the adult's choice: "all" questions on one page, or "one" at a time
MODES = ("all", "one")


ANSWER_POSTS = frozenset({"quizzes.attempt", "quizzes.question", "quizzes.autosave", "quizzes.submit",
                          "quizzes.start"})


def limit_answer_payload() -> None:
    """Small limits for answer posts; installed by ``init_app`` before every other
    ``before_request`` hook, since the CSRF check reads the form."""
    if request.method == "POST" and request.endpoint in ANSWER_POSTS:
        request.max_content_length = MAX_ANSWER_BYTES
        request.max_form_parts = MAX_FORM_PARTS
        request.max_form_memory_size = MAX_ANSWER_BYTES


def _check_form_size() -> None:
    """A URL-encoded form is limited in bytes only: count its values too."""
    if sum(len(values) for _key, values in request.form.lists()) > MAX_FORM_PARTS:
        fail(413, _("Ce formulaire contient trop de valeurs."))


def _published_course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None or not (course.published or _is_staff()):
        fail(404, _("Ce cours n'existe pas."))
    return course


def _is_staff() -> bool:
    return current_user.is_authenticated and bool({"staff", "admin"} & set(current_user.role_names))


def _tier(slug: str, number: int) -> tuple[Course, QuizTier]:
    course = _published_course(slug)
    tier = db.session.scalar(select(QuizTier).where(QuizTier.course_id == course.id, QuizTier.number == number))
    if tier is None:
        fail(404, _("Ce niveau de quiz n'existe pas."))
    return course, tier


def _attempt(attempt_id: int) -> QuizAttempt:
    """The current learner's attempt; someone else's is « not found » (nothing is revealed)."""
    attempt = attempts.get_attempt(current_user, attempt_id)
    if attempt is None:
        fail(404, _("Cette tentative n'existe pas."))
    return attempt


def _mode(attempt: QuizAttempt) -> str:
    if attempts.is_child_mode(attempt):
        return "one"
    return session.get(MODE_KEY) if session.get(MODE_KEY) in MODES else "all"


def _resume_url(attempt: QuizAttempt) -> str:
    if _mode(attempt) == "all":
        return url_for("quizzes.attempt", attempt_id=attempt.id)
    items = attempts.load_items(attempt)
    child = attempts.is_child_mode(attempt)
    waiting = [i for i in items if (not attempts.is_locked(i) if child else i.answer is None)]
    if not waiting and not child:
        return url_for("quizzes.summary", attempt_id=attempt.id)
    position = waiting[0].position if waiting else items[-1].position if items else 1
    return url_for("quizzes.question", attempt_id=attempt.id, position=position)


def _context(attempt: QuizAttempt) -> dict:
    tier = db.session.get(QuizTier, attempt.tier_id)
    course = db.session.get(Course, tier.course_id)
    child = attempts.is_child_mode(attempt)
    return {"attempt": attempt, "tier": tier, "course": course, "child": child,
            "body_class": "quiz-page quiz-child reader-child" if child else "quiz-page"}


# Tiers ------------------------------------------------------------------------------------------

def tier_summaries(course: Course) -> list[attempts.TierStatus]:
    """For the course page panel (``quizzes/_course_panel.html``): the signed-in learner's tiers."""
    if not current_user.is_authenticated:
        return []
    return attempts.course_tiers(current_user, course, utcnow())


@bp.app_template_filter("quiz_score")
def quiz_score(value) -> str:
    """72.5 → « 72,5 » (in French), 80.0 → « 80 »."""
    from flask_babel import format_decimal

    return format_decimal(round(value or 0, 1), format="#,##0.#")


@bp.app_template_filter("quiz_duration")
def quiz_duration(seconds) -> str:
    """90 → « 1 minute 30 secondes », 600 → « 10 minutes », 5400 → « 1 heure 30 minutes »."""
    seconds = max(int(seconds or 0), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(ngettext("%(num)s heure", "%(num)s heures", hours))
    if minutes:
        parts.append(ngettext("%(num)s minute", "%(num)s minutes", minutes))
    if seconds or not parts:
        parts.append(ngettext("%(num)s seconde", "%(num)s secondes", seconds))
    return " ".join(parts)


# A template global (not a context processor, which would run on every page rendered).
bp.add_app_template_global(tier_summaries, "quiz_tier_summaries")


@bp.get("/courses/<slug>")
@login_required
def course_quizzes(slug: str):
    course = _published_course(slug)
    statuses = attempts.course_tiers(current_user, course, utcnow())
    return render_template("quizzes/course.html", course=course, statuses=statuses)


@bp.get("/courses/<slug>/tiers/<int:number>")
@login_required
def tier(slug: str, number: int):
    course, tier = _tier(slug, number)
    status = attempts.tier_status(current_user, tier, utcnow())
    return _render_tier(course, status, StartForm(mode=session.get(MODE_KEY, "all")))


def _simple_pages(group: str) -> bool:
    """Children's pages: one question at a time, « tu »."""
    return age_groups.get(group).simple_pages


def _render_tier(course, status, form, *, refusal: str | None = None, code: int = 200):
    child = _simple_pages(current_user.age_group(utcnow()))
    return render_template("quizzes/tier.html", course=course, status=status, tier=status.tier, form=form,
                           refusal=refusal, child=child,
                           body_class="quiz-page quiz-child reader-child" if child else "quiz-page"), code


# Why a start is refused: status, then the message for a teen or an adult and the one for a child (« tu »).
REFUSALS = {
    "locked": (403, lambda e: _("Ce niveau n'est pas encore ouvert : voyez ci-dessous ce qu'il manque."),
               lambda e: _("Ce niveau n'est pas encore ouvert : regarde ci-dessous ce qu'il te reste à faire.")),
    "passed": (409, lambda e: _("Vous avez déjà réussi ce niveau : pas besoin de le repasser."),
               lambda e: _("Tu as déjà réussi ce niveau : bravo, pas besoin de le refaire !")),
    "no_attempts_left": (409, lambda e: _("Vous avez utilisé toutes les tentatives de ce niveau."),
                         lambda e: _("Tu as fait tous les essais de ce niveau.")),
    "cooldown": (409, lambda e: _("Encore un peu de patience : vous pourrez réessayer à partir du %(when)s.",
                                  when=_when(e.details["until"])),
                 lambda e: _("Encore un peu de patience : tu pourras réessayer à partir du %(when)s.",
                             when=_when(e.details["until"]))),
    "no_questions": (409, lambda e: _("Ce niveau n'a pas encore de questions pour votre âge. Revenez bientôt !"),
                     lambda e: _("Ce niveau n'a pas encore de questions pour ton âge. Reviens bientôt !")),
}


def _when(value) -> str:
    from learnapp.core.templating import local_datetime

    return local_datetime(value, "short")


@bp.post("/courses/<slug>/tiers/<int:number>/start")
@login_required
def start(slug: str, number: int):
    course, tier = _tier(slug, number)
    form = StartForm()
    if "mode" in request.form and form.validate_on_submit() and form.mode.data in MODES:
        session[MODE_KEY] = form.mode.data
    now = utcnow()
    try:
        attempt = attempts.start_attempt(current_user, tier, now)
        db.session.commit()
    except attempts.QuizError as error:
        db.session.commit()  # an expired attempt may have been graded on the way
        status, for_adults, for_children = REFUSALS[error.code]
        message = for_children if _simple_pages(current_user.age_group(now)) else for_adults
        return _render_tier(course, attempts.tier_status(current_user, tier, now), form,
                            refusal=message(error), code=status)
    except IntegrityError:
        # A second click raced the first: the first one's attempt is the learner's attempt.
        db.session.rollback()
        attempt = attempts.open_attempt(current_user, tier)
        if attempt is None:
            fail(409, _("Une tentative vient d'être ouverte ailleurs. Rechargez la page."))
    return redirect(_resume_url(attempt), 303)


# Taking an attempt -----------------------------------------------------------------------------

def _elsewhere(attempt: QuizAttempt, now):
    """For a page of an attempt that no longer takes answers: where to go instead (or None)."""
    if attempt.status != rules.OPEN:
        return redirect(url_for("quizzes.review", attempt_id=attempt.id))
    if rules.is_past_deadline(now, attempt.deadline_at):
        tier = db.session.get(QuizTier, attempt.tier_id)
        course = db.session.get(Course, tier.course_id)
        flash(_("Le temps est écoulé : votre tentative sera corrigée avec les réponses enregistrées."), "info")
        return redirect(url_for("quizzes.tier", slug=course.slug, number=tier.number))
    return None


def _closed_or_late(attempt: QuizAttempt, now):
    """The answer for a request on an attempt that no longer takes answers, or None."""
    if attempt.status == rules.OPEN and rules.is_past_deadline(now, attempt.deadline_at):
        attempts.close_if_expired(current_user, attempt, now)
        db.session.commit()
        return _late(attempt)
    if attempt.status != rules.OPEN:
        if wants_json():
            return jsonify(error="closed", message=_("Cette tentative est terminée : vos réponses ont été corrigées."),
                           redirect=url_for("quizzes.review", attempt_id=attempt.id)), 409
        return render_template("quizzes/closed.html", **_context(attempt)), 409
    return None


def _late(attempt: QuizAttempt):
    message = _("Le temps était écoulé : les réponses envoyées après la fin n'ont pas été comptées. "
                "Votre tentative a été corrigée avec les réponses enregistrées avant la fin.")
    if wants_json():
        return jsonify(error="late", message=message, redirect=url_for("quizzes.review", attempt_id=attempt.id)), 409
    return render_template("quizzes/late.html", message=message, **_context(attempt)), 409


def _posted_answers(attempt: QuizAttempt):
    """The attempt's items and the answers the form posts for them (with per-item errors)."""
    items = attempts.load_items(attempt)
    answers, errors = attempts.parse_answers(_positions(items), request.form)
    return items, answers, errors


def _positions(items) -> list:
    """The items a form says it carries (``positions``); unknown positions are refused."""
    by_position = {item.position: item for item in items}
    wanted = []
    for raw in request.form.getlist("positions"):
        if not raw.isascii() or not raw.isdigit() or int(raw) not in by_position:
            fail(400, _("Ce formulaire ne correspond pas à cette tentative. Rechargez la page."))
        if by_position[int(raw)] not in wanted:
            wanted.append(by_position[int(raw)])
    return wanted


@bp.route("/attempts/<int:attempt_id>", methods=["GET", "POST"])
@login_required
def attempt(attempt_id: int):
    """Adults (and teens): every question on one page."""
    attempt = _attempt(attempt_id)
    now = utcnow()
    if request.method == "GET":
        elsewhere = _elsewhere(attempt, now)
        if elsewhere is not None:
            return elsewhere
        if attempts.is_child_mode(attempt):
            return redirect(_resume_url(attempt))
        session[MODE_KEY] = "all"
        items = attempts.load_items(attempt)
        return _render_all(attempt, items, now)
    _check_form_size()
    refused = _closed_or_late(attempt, now)
    if refused is not None:
        return refused
    items, answers, errors = _posted_answers(attempt)
    if errors:
        return _render_all(attempt, items, now, errors=errors, code=400)
    if request.form.get("action") == "submit":
        return _submit(attempt, now, answers)
    refused = _save(attempt, answers, now)
    if refused is not None:
        return refused
    flash(_("Vos réponses sont enregistrées. Vous pouvez continuer plus tard."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt.id), 303)


def _render_all(attempt, items, now, *, errors=None, code=200):
    errors = errors or {}
    views = [attempts.item_view(item, error=errors.get(item.position)) for item in items]
    return render_template("quizzes/attempt.html", views=views, errors=errors, now=now,
                           answered=sum(1 for i in items if i.answer is not None), **_context(attempt)), code


@bp.route("/attempts/<int:attempt_id>/questions/<int:position>", methods=["GET", "POST"])
@login_required
def question(attempt_id: int, position: int):
    """One question per page: children always (check, then kind feedback), adults if they like."""
    attempt = _attempt(attempt_id)
    now = utcnow()
    if request.method == "GET" and (elsewhere := _elsewhere(attempt, now)) is not None:
        return elsewhere
    items = attempts.load_items(attempt)
    item = next((i for i in items if i.position == position), None)
    if item is None:
        fail(404, _("Cette question n'existe pas dans cette tentative."))
    child = attempts.is_child_mode(attempt)
    if request.method == "GET":
        if not child:
            session[MODE_KEY] = "one"
        return _render_question(attempt, items, item, now)
    _check_form_size()
    refused = _closed_or_late(attempt, now)
    if refused is not None:
        return refused
    action = request.form.get("action", "next")
    if _positions(items) not in ([], [item]):
        fail(400, _("Ce formulaire ne correspond pas à cette question. Rechargez la page."))
    if child:
        return _check(attempt, items, item, now)
    answers, errors = attempts.parse_answers([item], request.form)
    if errors:
        return _render_question(attempt, items, item, now, error=errors[item.position], code=400)
    if action == "submit":
        return _submit(attempt, now, answers)
    refused = _save(attempt, answers, now)
    if refused is not None:
        return refused
    if action == "previous" and position > 1:
        return redirect(url_for("quizzes.question", attempt_id=attempt.id, position=position - 1), 303)
    if action == "next" and position < len(items):
        return redirect(url_for("quizzes.question", attempt_id=attempt.id, position=position + 1), 303)
    return redirect(url_for("quizzes.summary", attempt_id=attempt.id), 303)


def _check(attempt, items, item, now):
    """Children's mode: the answer is checked, becomes final, and its feedback is shown."""
    if attempts.is_locked(item):
        return redirect(url_for("quizzes.question", attempt_id=attempt.id, position=item.position), 303)
    answers, errors = attempts.parse_answers([item], request.form)
    if errors:
        return _render_question(attempt, items, item, now, error=errors[item.position], code=400)
    if answers.get(item.position) is None:
        return _render_question(attempt, items, item, now, code=400,
                                error=_("Choisis une réponse, puis appuie sur « Vérifier »."))
    try:
        attempts.check_item(current_user, attempt, item.position, answers[item.position], now)
    except attempts.QuizError as error:
        db.session.rollback()
        if error.code == "answered":
            return redirect(url_for("quizzes.question", attempt_id=attempt.id, position=item.position), 303)
        return _refused_after_race(attempt_id=attempt.id, now=now)
    db.session.commit()
    return redirect(url_for("quizzes.question", attempt_id=attempt.id, position=item.position) + "#feedback", 303)


def _render_question(attempt, items, item, now, *, error=None, code=200):
    view = attempts.item_view(item, error=error)
    return render_template("quizzes/question.html", view=view, items=items, total=len(items), now=now,
                           **_context(attempt)), code


@bp.get("/attempts/<int:attempt_id>/summary")
@login_required
def summary(attempt_id: int):
    """One question at a time: where the learner stands, and the button to hand in."""
    attempt = _attempt(attempt_id)
    now = utcnow()
    elsewhere = _elsewhere(attempt, now)
    if elsewhere is not None:
        return elsewhere
    items = attempts.load_items(attempt)
    return render_template("quizzes/summary.html", items=items, now=now, **_context(attempt))


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    attempt = _attempt(attempt_id)
    _check_form_size()
    now = utcnow()
    if attempt.status != rules.OPEN:
        flash(_("Vos réponses avaient déjà été envoyées : voici votre résultat."), "info")
        return redirect(url_for("quizzes.review", attempt_id=attempt.id), 303)
    return _submit(attempt, now, None)


def _submit(attempt, now, answers):
    """Grade once; ``answers``: what the submitting page carried (None: nothing)."""
    attempt_id = attempt.id
    result = attempts.submit_attempt(current_user, attempt, now, answers=answers)
    db.session.commit()
    if not result.graded_now:
        flash(_("Vos réponses avaient déjà été envoyées : voici votre résultat."), "info")
    elif result.late and answers is not None:
        return _late(attempt)
    elif result.late:
        flash(_("Le temps était écoulé : votre tentative a été corrigée avec les réponses enregistrées avant la fin."),
              "info")
    return redirect(url_for("quizzes.review", attempt_id=attempt_id), 303)


def _save(attempt, answers, now):
    """Save answers; a response when the attempt closed meanwhile (a race), else None."""
    try:
        attempts.save_answers(current_user, attempt, answers, now)
    except attempts.QuizError:
        db.session.rollback()
        return _refused_after_race(attempt_id=attempt.id, now=now)
    db.session.commit()
    return None


def _refused_after_race(*, attempt_id: int, now):
    """Another request closed the attempt between our checks and our write: say so."""
    attempt = _attempt(attempt_id)
    db.session.refresh(attempt)
    return _closed_or_late(attempt, now) or fail(409, _("Cette tentative vient de changer. Rechargez la page."))


@bp.post("/attempts/<int:attempt_id>/autosave")
@login_required
def autosave(attempt_id: int):
    """quiz.js saves the answers of the page as the learner goes (same form, same checks)."""
    attempt = _attempt(attempt_id)
    _check_form_size()
    now = utcnow()
    if attempts.is_child_mode(attempt):
        return jsonify(error="child",
                       message=_("Dans ce mode, chaque réponse est enregistrée quand on la vérifie.")), 409
    refused = _closed_or_late(attempt, now)
    if refused is not None:
        return refused
    items, answers, errors = _posted_answers(attempt)
    if errors:
        return jsonify(error="invalid", message=_("Une réponse n'a pas pu être enregistrée."),
                       errors={str(k): v for k, v in errors.items()}), 400
    refused = _save(attempt, answers, now)
    if refused is not None:
        return refused
    return jsonify(saved=sorted(answers), message=_("Réponses enregistrées à %(time)s.", time=_when_time(now)))


def _when_time(value) -> str:
    from learnapp.core.templating import local_datetime

    return local_datetime(value, "HH:mm")


# After submission -------------------------------------------------------------------------------

@bp.get("/attempts/<int:attempt_id>/review")
@login_required
def review(attempt_id: int):
    attempt = _attempt(attempt_id)
    if attempt.status == rules.OPEN:
        return redirect(_resume_url(attempt))
    items = attempts.load_items(attempt)
    views = [attempts.review_view(item) for item in items]
    context = _context(attempt)
    status = attempts.tier_status(current_user, context["tier"], utcnow())
    return render_template("quizzes/review.html", views=views, status=status, **context)
