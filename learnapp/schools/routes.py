"""The teacher's pages: classes, pupils, login cards, consent, assignments, the progress grid,
group visits, class certificates, the end of the year.

Every view is for teachers (``roles_required("teacher")``: a pupil's account is a learner's, so
it is refused before the view runs) and then checks that the class is the teacher's own
(directory.class_for_teacher: another teacher's class is « not found »). Thin views: read the
form, call a service, commit once, redirect or render.
"""

from __future__ import annotations

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from learnapp.core.access import roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.courses.reading import published_courses
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.schools import (
    cards,
    class_certificates,
    consent,
    directory,
    group_visits,
    messages,
    progress,
    roster,
    rules,
    teaching,
    year_end,
)
from learnapp.schools.errors import SchoolError
from learnapp.schools.forms import (
    AssignForm,
    ClassForm,
    ColleagueForm,
    ConsentForm,
    GroupVisitForm,
    ImportForm,
    MoveForm,
    PupilForm,
)
from learnapp.schools.models import SchoolClass

bp = Blueprint("schools", __name__, url_prefix="/schools", template_folder="templates",
               static_folder="static", static_url_path="/static")

teacher = roles_required("teacher")


def _refuse(error: SchoolError):
    status, message = messages.describe(error)
    fail(status, message)


def _class(class_id: int) -> SchoolClass:
    try:
        return directory.class_for_teacher(current_user, class_id)
    except SchoolError as error:
        _refuse(error)


def _chosen_pupils(school_class: SchoolClass) -> list:
    """The pupils ticked on a form (``pupil`` values), all of them from this class."""
    ids = []
    for value in request.form.getlist("pupil"):
        try:
            ids.append(int(value))
        except ValueError:
            _refuse(SchoolError("no_pupil"))
    if not ids:
        _refuse(SchoolError("no_pupils_chosen"))
    try:
        return [roster.pupil_for_teacher(school_class, pupil_id) for pupil_id in dict.fromkeys(ids)]
    except SchoolError as error:
        _refuse(error)


# Classes ----------------------------------------------------------------------------------------

@bp.get("/")
@teacher
def index():
    classes = directory.classes_of(current_user)
    archived = directory.classes_of(current_user, archived=True)
    counts = directory.pupil_counts([c.id for c in classes + archived])
    return render_template("schools/index.html", classes=classes, archived=archived, counts=counts,
                           schools=directory.schools_of(current_user))


@bp.route("/classes/new", methods=["GET", "POST"])
@teacher
def new_class():
    mine = directory.schools_of(current_user)
    if not mine:
        fail(403, _("Vous n'êtes rattaché à aucun établissement : demandez une invitation à l'office."))
    form = ClassForm(data={"school_year": rules.school_year_of(utcnow().date())} if request.method == "GET" else None)
    form.school.choices = [(s.id, s.name) for s in mine]
    if form.validate_on_submit():
        school = next(s for s in mine if s.id == form.school.data)
        try:
            school_class = directory.create_class(school, name=form.name.data, school_year=form.school_year.data,
                                                  level=form.level.data or "", teacher=current_user, now=utcnow())
        except SchoolError as error:
            status, message = messages.describe(error)
            form.name.errors.append(message) if error.code == "class_name" else form.school_year.errors.append(message)
        else:
            db.session.commit()
            flash(_("Classe créée. Son code : %(code)s.", code=rules.display_code(school_class.code)), "success")
            return redirect(url_for("schools.class_page", class_id=school_class.id))
    return render_template("schools/class_form.html", form=form), (400 if form.errors else 200)


def _class_page(school_class: SchoolClass, status: int = 200, **forms):
    now = utcnow()
    pupils = roster.pupils(school_class)
    missing_consent = {p.id for p in consent.missing(school_class, pupils, now)}
    assign_form = forms.get("assign_form") or AssignForm()
    assign_form.course.choices = [(c.id, c.title) for c in published_courses()]
    visit_form = forms.get("visit_form") or GroupVisitForm(data={"pupils": len(pupils) or 1, "adults": 2})
    visit_form.session.choices = [(s.id, label) for s, label in group_visits.open_sessions(now)]
    move_form = MoveForm()
    move_form.target.choices = [(c.id, f"{c.name} ({c.school_year})") for c in directory.classes_of(current_user)
                                if c.id != school_class.id]
    return render_template(
        "schools/class.html", school_class=school_class, pupils=pupils, missing_consent=missing_consent,
        code=rules.display_code(school_class.code), given=teaching.assignments(school_class),
        teachers=directory.teachers_of_class(school_class), group_visits=group_visits.of_class(school_class),
        jobs=class_certificates.recent(school_class),
        pupil_form=forms.get("pupil_form") or PupilForm(), import_form=forms.get("import_form") or ImportForm(),
        consent_form=forms.get("consent_form") or ConsentForm(data={"collected_on": now.date()}),
        assign_form=assign_form, colleague_form=ColleagueForm(), visit_form=visit_form, move_form=move_form,
        roster_problems=forms.get("roster_problems", []),
        sign_in_url=_absolute("school_signin.class_sign_in", code=school_class.code)), status


@bp.get("/classes/<int:class_id>")
@teacher
def class_page(class_id: int):
    return _class_page(_class(class_id))


@bp.post("/classes/<int:class_id>/pupils")
@teacher
def add_pupil(class_id: int):
    school_class = _class(class_id)
    form = PupilForm()
    if form.validate_on_submit():
        try:
            pupil = roster.add_pupil(school_class, first_name=form.first_name.data, initial=form.initial.data,
                                     birth_year=form.birth_year.data, now=utcnow())
        except SchoolError as error:
            status, message = messages.describe(error)
            target = {"first_name": form.first_name, "initial": form.initial}.get(error.code, form.birth_year)
            target.errors = [*target.errors, message]
        else:
            db.session.commit()
            flash(_("%(name)s ajouté(e) : identifiant %(username)s. Imprimez sa carte de connexion.",
                    name=pupil.user.display_name, username=pupil.username), "success")
            return redirect(url_for("schools.class_page", class_id=class_id) + "#pupils")
    return _class_page(school_class, 400, pupil_form=form)


@bp.post("/classes/<int:class_id>/import")
@teacher
def import_roster(class_id: int):
    school_class = _class(class_id)
    form = ImportForm()
    if not form.validate_on_submit():
        return _class_page(school_class, 400, import_form=form)
    raw = form.roster.data.read(rules.MAX_BYTES + 1)
    result = roster.import_roster(school_class, raw, now=utcnow())
    if result.problems:
        db.session.rollback()
        return _class_page(school_class, 400, import_form=form,
                           roster_problems=[messages.roster_problem(p) for p in result.problems])
    db.session.commit()
    flash(_("%(count)s élèves importés. Imprimez maintenant leurs cartes de connexion.", count=len(result.rows)),
          "success")
    return redirect(url_for("schools.class_page", class_id=class_id) + "#pupils")


@bp.post("/classes/<int:class_id>/cards")
@teacher
def print_cards(class_id: int):
    """New passphrases for the ticked pupils (their old cards stop working), as a PDF."""
    school_class = _class(class_id)
    if school_class.archived_at is not None:
        _refuse(SchoolError("archived"))
    chosen = _chosen_pupils(school_class)
    printed = roster.print_cards(school_class, chosen, now=utcnow())
    body = cards.render(
        printed, site=current_app.config["BASE_URL"], code=rules.display_code(school_class.code),
        class_label=f"{school_class.school.name} · {school_class.name}",
        sign_in_url=_absolute("school_signin.class_sign_in", code=school_class.code),
        labels={"title": _("Cartes de connexion"), "code": _("Code de la classe"), "username": _("Identifiant"),
                "passphrase": _("Phrase secrète"), "scan": _("Scanne pour te connecter")})
    db.session.commit()
    return Response(body, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="cartes-{school_class.code}.pdf"'})


@bp.post("/classes/<int:class_id>/code")
@teacher
def new_code(class_id: int):
    school_class = _class(class_id)
    directory.new_code(school_class)
    db.session.commit()
    flash(_("Nouveau code : %(code)s. L'ancien ne sert plus ; réimprimez les cartes.",
            code=rules.display_code(school_class.code)), "success")
    return redirect(url_for("schools.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/teachers")
@teacher
def add_colleague(class_id: int):
    school_class = _class(class_id)
    form = ColleagueForm()
    if not form.validate_on_submit():
        fail(400, _("Donnez l'adresse e-mail d'un collègue."))
    try:
        colleague = directory.add_class_teacher(school_class, form.email.data)
    except SchoolError as error:
        _refuse(error)
    db.session.commit()
    flash(_("%(name)s enseigne aussi dans cette classe.", name=colleague.display_name), "success")
    return redirect(url_for("schools.class_page", class_id=class_id))


# Consent ----------------------------------------------------------------------------------------

@bp.get("/classes/<int:class_id>/consent-form")
@teacher
def consent_form(class_id: int):
    school_class = _class(class_id)
    return render_template("schools/consent_form.html", school_class=school_class,
                           pupils=roster.pupils(school_class))


@bp.post("/classes/<int:class_id>/consent")
@teacher
def record_consent(class_id: int):
    """Forms collected: for the ticked pupils, or for the whole class (``all``)."""
    school_class = _class(class_id)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _class_page(school_class, 400, consent_form=form)
    chosen = roster.pupils(school_class) if request.form.get("scope") == "all" else _chosen_pupils(school_class)
    now = utcnow()
    try:
        changed = consent.record(consent.missing(school_class, chosen, now), on=form.collected_on.data,
                                 actor=current_user, now=now)
    except SchoolError as error:
        form.collected_on.errors = [messages.describe(error)[1]]
        return _class_page(school_class, 400, consent_form=form)
    db.session.commit()
    flash(_("Consentement enregistré pour %(count)s élève(s).", count=changed), "success")
    return redirect(url_for("schools.class_page", class_id=class_id) + "#consent")


# Teaching ---------------------------------------------------------------------------------------

@bp.post("/classes/<int:class_id>/assignments")
@teacher
def assign(class_id: int):
    school_class = _class(class_id)
    form = AssignForm()
    form.course.choices = [(c.id, c.title) for c in published_courses()]
    if form.validate_on_submit():
        course = next(c for c in published_courses() if c.id == form.course.data)
        try:
            teaching.assign(school_class, course, tiers=form.tiers.data, due_on=form.due_on.data,
                            actor=current_user, now=utcnow())
        except SchoolError as error:
            message = messages.describe(error)[1]
            field = form.due_on if error.code == "due_past" else form.tiers
            field.errors = [*field.errors, message]
        else:
            db.session.commit()
            flash(_("Cours « %(title)s » donné à la classe.", title=course.title), "success")
            return redirect(url_for("schools.class_page", class_id=class_id) + "#teaching")
    return _class_page(school_class, 400, assign_form=form)


@bp.post("/classes/<int:class_id>/assignments/<int:assignment_id>/remove")
@teacher
def unassign(class_id: int, assignment_id: int):
    school_class = _class(class_id)
    try:
        teaching.unassign(school_class, assignment_id)
    except SchoolError as error:
        _refuse(error)
    db.session.commit()
    flash(_("Ce cours n'est plus donné à la classe."), "success")
    return redirect(url_for("schools.class_page", class_id=class_id) + "#teaching")


def _sort_args():
    sort = request.args.get("sort", "name")[:20]
    return sort, request.args.get("dir") == "desc"


@bp.get("/classes/<int:class_id>/progress")
@teacher
def progress_grid(class_id: int):
    try:  # the class, the teacher's right to it and the grid's data version: one query
        school_class, version = progress.class_with_version(current_user, class_id)
    except SchoolError as error:
        _refuse(error)
    sort, descending = _sort_args()
    # The table is rendered once per data version and kept per process: what only the table
    # reads (the grid, its labels) is computed when it is rendered.
    return render_template(
        "schools/progress.html", school_class=school_class, sort=sort, descending=descending,
        status_labels=_status_labels, version=version, locale=str(get_locale()),
        load_grid=lambda: progress.grid(school_class, sort=sort, descending=descending))


def _status_labels() -> dict[str, str]:
    return {rules.NOT_STARTED: _("pas commencé"), rules.STARTED: _("commencé"), rules.DONE: _("lu"),
            rules.PASSED: _("réussi"), rules.FAILED: _("pas encore réussi"),
            "pupil": _("Élève"), "username": _("Identifiant"), "progress": _("Progression")}


@bp.get("/classes/<int:class_id>/progress.csv")
@teacher
def progress_csv(class_id: int):
    school_class = _class(class_id)
    sort, descending = _sort_args()
    body = progress.csv_export(school_class, progress.grid(school_class, sort=sort, descending=descending),
                               _status_labels())
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="progression-{school_class.code}.csv"'})


@bp.get("/classes/<int:class_id>/pupils/<int:pupil_id>")
@teacher
def pupil_page(class_id: int, pupil_id: int):
    school_class = _class(class_id)
    try:
        pupil = roster.pupil_for_teacher(school_class, pupil_id)
    except SchoolError as error:
        _refuse(error)
    columns, row = progress.pupil_detail(pupil)
    return render_template("schools/pupil.html", school_class=school_class, pupil=pupil, columns=columns,
                           row=row, labels=_status_labels(),
                           has_consent=consent.has_parental_consent(db.session, pupil.user_id))


# Group visits -----------------------------------------------------------------------------------

@bp.post("/classes/<int:class_id>/visits")
@teacher
def book_visit(class_id: int):
    school_class = _class(class_id)
    now = utcnow()
    form = GroupVisitForm()
    form.session.choices = [(s.id, label) for s, label in group_visits.open_sessions(now)]
    if not form.validate_on_submit():
        return _class_page(school_class, 400, visit_form=form)
    try:
        result = group_visits.book(school_class, form.session.data, pupils=form.pupils.data,
                                   adults=form.adults.data, teacher=current_user, now=now)
    except SchoolError as error:
        _refuse(error)
    except group_visits.VisitError as error:
        status, message = group_visits.describe(error)
        form.session.errors = [message]
        db.session.rollback()
        return _class_page(school_class, status, visit_form=form)
    db.session.commit()
    if result.confirmed:
        flash(_("Visite réservée : %(seats)s places.", seats=result.booking.seats), "success")
    else:
        flash(_("La séance est complète : la classe est sur la liste d'attente (place %(place)s).",
                place=result.place), "info")
    return redirect(url_for("schools.class_page", class_id=class_id) + "#visits")


@bp.post("/classes/<int:class_id>/visits/<int:group_visit_id>/cancel")
@teacher
def cancel_visit(class_id: int, group_visit_id: int):
    school_class = _class(class_id)
    try:
        group_visits.cancel(school_class, group_visit_id, actor=current_user, now=utcnow())
    except SchoolError as error:
        _refuse(error)
    except group_visits.VisitError as error:
        fail(*group_visits.describe(error))
    db.session.commit()
    flash(_("Réservation de groupe annulée."), "success")
    return redirect(url_for("schools.class_page", class_id=class_id) + "#visits")


# Class certificates -----------------------------------------------------------------------------

@bp.post("/classes/<int:class_id>/certificates")
@teacher
def start_certificates(class_id: int):
    school_class = _class(class_id)
    job = class_certificates.start(school_class, actor=current_user, locale=str(get_locale() or "fr"),
                                   now=utcnow())
    db.session.commit()
    return redirect(url_for("schools.certificates_job", class_id=class_id, job_id=job.id))


@bp.get("/classes/<int:class_id>/certificates/<int:job_id>")
@teacher
def certificates_job(class_id: int, job_id: int):
    """Shows progress; each visit renders the next few certificates, and the page reloads itself
    (a meta refresh: no script) until the zip is ready."""
    school_class = _class(class_id)
    try:
        job = class_certificates.job_of(school_class, job_id)
    except SchoolError as error:
        _refuse(error)
    if job.finished_at is None:
        class_certificates.step(job, now=utcnow())
        db.session.commit()
    return render_template("schools/certificates_job.html", school_class=school_class, job=job)


@bp.get("/classes/<int:class_id>/certificates/<int:job_id>/download")
@teacher
def certificates_zip(class_id: int, job_id: int):
    school_class = _class(class_id)
    try:
        job = class_certificates.job_of(school_class, job_id)
        body = class_certificates.zip_of(job)
    except SchoolError as error:
        _refuse(error)
    return Response(body, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="certificats-{school_class.code}.zip"'})


# End of year ------------------------------------------------------------------------------------

@bp.post("/classes/<int:class_id>/archive")
@teacher
def archive(class_id: int):
    school_class = _class(class_id)
    year_end.archive(school_class, now=utcnow())
    db.session.commit()
    flash(_("Classe archivée : son code ne sert plus."), "success")
    return redirect(url_for("schools.index"))


@bp.post("/classes/<int:class_id>/move")
@teacher
def move_pupils(class_id: int):
    school_class = _class(class_id)
    chosen = _chosen_pupils(school_class)
    try:
        target_id = int(request.form.get("target", ""))
    except ValueError:
        _refuse(SchoolError("no_target"))
    try:
        target = directory.class_for_teacher(current_user, target_id)
        moved = year_end.move(chosen, school_class, target)
    except SchoolError as error:
        _refuse(SchoolError("no_target") if error.code == "no_class" else error)
    db.session.commit()
    flash(_("%(count)s élève(s) passé(s) dans la classe %(name)s.", count=moved, name=target.name), "success")
    return redirect(url_for("schools.class_page", class_id=class_id))


@bp.post("/classes/<int:class_id>/pupils/remove")
@teacher
def remove_pupils(class_id: int):
    school_class = _class(class_id)
    chosen = _chosen_pupils(school_class)
    removed = year_end.remove(chosen, school_class, actor=current_user, now=utcnow())
    db.session.commit()
    flash(_("%(count)s élève(s) supprimé(s). Leurs certificats restent vérifiables, au nom de « élève de "
            "%(school)s ».", count=removed, school=school_class.school.name), "success")
    return redirect(url_for("schools.class_page", class_id=class_id))


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)
