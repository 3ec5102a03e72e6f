"""Pupils sign in with their class code, then their username (or their name picked from the
class list) and passphrase; teachers accept their invitation.

Throttling (learnapp/auth/throttle.py) counts a pupil's failures per account and address and per
account — never per address alone: thirty children behind one school router mistyping their
passphrases never lock the class out. Unknown class codes are counted per address (guessing
codes is the only thing an address alone can do wrong here), with a ceiling a class never meets.
"""

from __future__ import annotations

import math
import time

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user
from werkzeug.security import check_password_hash

from learnapp.auth import services as accounts
from learnapp.auth import sessions, throttle
from learnapp.core.access import public
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.db import utcnow
from learnapp.extensions import db, limiter
from learnapp.schools import directory, messages, roster, rules
from learnapp.schools.errors import SchoolError
from learnapp.schools.forms import AcceptInvitationForm, PickNameForm, PupilLoginForm
from learnapp.schools.models import Pupil, SchoolClass

bp = Blueprint("school_signin", __name__, template_folder="templates")


def _code_key() -> str:
    return "class-code:" + (request.remote_addr or "unknown")


def _check_code_guessing() -> None:
    storage = limiter.storage
    if storage.get(_code_key()) >= current_app.config["SCHOOL_CODE_FAILURES_PER_ADDRESS"]:
        seconds = max(1, math.ceil(storage.get_expiry(_code_key()) - time.time()))
        raise throttle.too_many(seconds)


def _class_or_fail(typed: str) -> SchoolClass:
    _check_code_guessing()
    try:
        return directory.class_by_code(typed)
    except SchoolError as error:
        if error.code == "code_unknown":
            limiter.storage.incr(_code_key(), current_app.config["SCHOOL_CODE_WINDOW"])
        status, message = messages.describe(error)
        fail(status, message)


def _throttle_key(school_class: SchoolClass, username: str) -> str:
    # Not an address: a pupil's sign-in name is their class and username.
    return f"pupil:{school_class.id}:{rules.normalise_username(username)}"


def _attempt(school_class: SchoolClass, pupil: Pupil | None, username: str, passphrase: str) -> bool:
    """Check the passphrase under the throttle; sign in and return True when it is right."""
    key, address = _throttle_key(school_class, username), request.remote_addr or ""
    wait = throttle.wait_before_trying(key, address, known_device=throttle.is_known_device(key),
                                       address_ceiling=False)
    if wait:
        raise throttle.too_many(wait)
    typed = rules.normalise_passphrase(passphrase)
    if pupil is None or pupil.card_printed_at is None:
        check_password_hash(accounts._decoy_hash(), typed)  # as slow as a real check
        ok = False
    else:
        ok = pupil.user.is_active and pupil.user.check_password(typed)
    if not ok:
        throttle.record_failure(key, address, address_ceiling=False)
        return False
    throttle.record_success(key, address)
    now = utcnow()
    pupil.user.last_login_at = now
    sessions.start(pupil.user, now=now, remember=False, user_agent=request.headers.get("User-Agent", ""),
                   address=address)
    login_user(pupil.user, remember=False)
    db.session.commit()
    return True


def _welcome(school_class: SchoolClass, username: str):
    flash(_("Bonjour ! Tu es connecté."), "success")
    response = redirect(url_for("site.home"))
    throttle.remember_device(response, _throttle_key(school_class, username))
    return response


@bp.route("/class/", methods=["GET", "POST"])
@public
def sign_in():
    """Class code + username + passphrase, all typed (or the code filled from ?code=)."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = PupilLoginForm(data={"code": request.args.get("code", "")} if request.method == "GET" else None)
    failed = False
    if form.validate_on_submit():
        school_class = _class_or_fail(form.code.data)
        pupil = roster.find_for_sign_in(school_class, form.username.data)
        if _attempt(school_class, pupil, form.username.data, form.passphrase.data):
            return _welcome(school_class, form.username.data)
        failed = True
    status = 401 if failed else (400 if form.errors else 200)
    return render_template("schools/sign_in.html", form=form, failed=failed), status


@bp.route("/class/<code>", methods=["GET", "POST"])
@public
def class_sign_in(code: str):
    """The page a card's QR opens: the class's names to pick from, then the passphrase."""
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    school_class = _class_or_fail(code)
    names = [(p.id, p.user.display_name, p.username) for p in roster.pupils(school_class)]
    form = PickNameForm()
    form.pupil.choices = [(0, _("— choisis ton prénom —"))] + [(pid, name) for pid, name, _username in names]
    failed = False
    if form.validate_on_submit():
        if not form.pupil.data:
            form.pupil.errors = [_("Choisis ton prénom dans la liste.")]
        else:
            pupil = roster.find_by_id_for_sign_in(school_class, form.pupil.data)
            username = pupil.username if pupil else f"#{form.pupil.data}"
            if _attempt(school_class, pupil, username, form.passphrase.data):
                return _welcome(school_class, username)
            failed = True
    status = 401 if failed else (400 if form.errors else 200)
    return render_template("schools/class_sign_in.html", form=form, failed=failed, school_class=school_class,
                           code=rules.display_code(school_class.code)), status


# Teachers' invitations --------------------------------------------------------------------------

@bp.route("/schools/invitation/<token>", methods=["GET", "POST"])
@public
def accept_invitation(token: str):
    now = utcnow()
    try:
        found = directory.invitation(token, now=now,
                                     max_age_seconds=current_app.config["SCHOOL_INVITATION_MAX_AGE"])
    except SchoolError as error:
        fail(*messages.describe(error))
    existing = accounts.find_by_email(found.email)
    form = AcceptInvitationForm()
    if existing is not None:
        # An account already has this address: its owner signs in, then accepts.
        if not current_user.is_authenticated:
            flash(_("Connectez-vous avec %(email)s pour accepter l'invitation.", email=found.email), "info")
            return redirect(url_for("auth.login", next=request.path))
        if current_user.id != existing.id:
            fail(*messages.describe(SchoolError("invitation_other_account")))
        if request.method == "POST" and form.csrf_token.validate(form):
            try:
                directory.accept_invitation(found, user=existing, now=now)
            except SchoolError as error:
                fail(*messages.describe(error))
            db.session.commit()
            flash(_("Bienvenue dans l'établissement %(school)s.", school=found.school.name), "success")
            return redirect(url_for("schools.index"))
        return render_template("schools/invitation.html", invitation=found, form=form, existing=True)
    if current_user.is_authenticated:
        fail(*messages.describe(SchoolError("invitation_other_account")))
    if form.validate_on_submit():
        try:
            user = directory.accept_invitation(found, user=None, first_name=form.first_name.data,
                                               last_name=form.last_name.data, password=form.password.data, now=now)
        except SchoolError as error:
            fail(*messages.describe(error))
        sessions.start(user, now=now, remember=False, user_agent=request.headers.get("User-Agent", ""),
                       address=request.remote_addr or "")
        login_user(user)
        db.session.commit()
        flash(_("Bienvenue dans l'établissement %(school)s.", school=found.school.name), "success")
        return redirect(url_for("schools.index"))
    return render_template("schools/invitation.html", invitation=found, form=form, existing=False), \
        (400 if form.errors else 200)
