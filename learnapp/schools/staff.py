"""The office's pages: schools, and invitations for their teachers (a signed, single-use link
sent by e-mail; the teacher sets a password)."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from learnapp.core.access import roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.mail import services as mail
from learnapp.schools import directory, messages
from learnapp.schools.errors import SchoolError
from learnapp.schools.forms import InviteForm, SchoolForm
from learnapp.schools.models import School

bp = Blueprint("schools_staff", __name__, url_prefix="/office/schools", template_folder="templates")

staff = roles_required("staff")


@bp.route("/", methods=["GET", "POST"])
@staff
def index():
    form = SchoolForm()
    if form.validate_on_submit():
        try:
            school = directory.create_school(form.name.data, form.town.data or "", now=utcnow())
        except SchoolError as error:
            form.name.errors = [messages.describe(error)[1]]
        else:
            db.session.commit()
            flash(_("Établissement « %(name)s » ajouté.", name=school.name), "success")
            return redirect(url_for("schools_staff.school", school_id=school.id))
    return render_template("schools/staff_index.html", form=form, schools=directory.schools()), \
        (400 if form.errors else 200)


def _school(school_id: int) -> School:
    school = db.session.get(School, school_id)
    if school is None:
        fail(404, _("Cet établissement n'existe pas."))
    return school


@bp.route("/<int:school_id>", methods=["GET", "POST"])
@staff
def school(school_id: int):
    found = _school(school_id)
    form = InviteForm()
    if form.validate_on_submit():
        now = utcnow()
        token = directory.invite_teacher(found, form.email.data, actor=current_user, now=now)
        link = current_app.config["BASE_URL"].rstrip("/") + url_for("school_signin.accept_invitation", token=token)
        mail.queue(form.email.data.strip().lower(), _("Invitation : %(school)s", school=found.name),
                   render_template("schools/mail/invitation.txt", school=found, link=link,
                                   days=current_app.config["SCHOOL_INVITATION_MAX_AGE"] // 86400), now)
        db.session.commit()
        flash(_("Invitation envoyée à %(email)s.", email=form.email.data), "success")
        return redirect(url_for("schools_staff.school", school_id=found.id))
    return render_template("schools/staff_school.html", school=found, form=form,
                           teachers=directory.teachers_of_school(found)), (400 if form.errors else 200)
