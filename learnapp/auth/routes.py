from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, or_, select

from learnapp.auth import rules, services, sessions, throttle
from learnapp.auth.forms import (
    ROLE_LABELS,
    ChangeEmailForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    RoleForm,
    UserSearchForm,
)
from learnapp.auth.models import User
from learnapp.core import age_groups
from learnapp.core.access import login_required, public, roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.core.pagination import paginate
from learnapp.core.urls import safe_next_url
from learnapp.db import utcnow
from learnapp.extensions import db, limiter
from learnapp.mail import services as mail

bp = Blueprint("auth", __name__, template_folder="templates")
admin_bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")

TOKEN_MESSAGES = {
    "expired": lambda: _("Ce lien a expiré. Demandez-en un nouveau."),
    "invalid": lambda: _("Ce lien n'est pas valide. Vérifiez qu'il est complet."),
    "used": lambda: _("Ce lien a déjà servi. Demandez-en un nouveau si besoin."),
    "email_taken": lambda: _("Cette adresse est déjà utilisée par un autre compte."),
}


def _register_email_key() -> str:
    return "register-email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _account_key() -> str:
    """Changes to one's account (they ask for the current password, so a stolen session cannot
    guess it without limit, nor send unlimited mail) are counted per account."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return "account-anonymous:" + (request.remote_addr or "unknown")


def _sign_in(user: User, *, remember: bool) -> None:
    """Open a server-side session record and point the cookies at it (the caller commits)."""
    sessions.start(user, now=utcnow(), remember=remember,
                   user_agent=request.headers.get("User-Agent", ""), address=request.remote_addr or "")
    login_user(user, remember=remember)


# Registration and sessions -------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_ADDRESS"], methods=["POST"])
@limiter.limit(lambda: current_app.config["REGISTER_LIMIT_PER_EMAIL"], methods=["POST"],
               key_func=_register_email_key)
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    child = False
    if form.validate_on_submit():
        now = utcnow()
        try:
            user = services.register(
                first_name=form.first_name.data, last_name=form.last_name.data or "",
                name_shown=rules.NAME_INITIAL, email=form.email.data, password=form.password.data,
                birth_year=form.birth_year.data, now=now, locale=str(_current_locale()))
        except services.AccountError as error:
            if error.code == "child":
                child = True
            elif error.code == "email_taken":
                # The same answer as a new sign-up; only the address's owner learns, by mail,
                # that an account exists (with a reset link if it was them).
                _mail_already_registered(services.find_by_email(form.email.data), now)
                db.session.commit()
                return _check_your_email(form.email.data)
            else:
                form.birth_year.errors.append(_("Cette année de naissance n'est pas possible."))
        else:
            _mail_confirmation(user, now)
            db.session.commit()
            return _check_your_email(user.email)
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form, child=child), status


def _check_your_email(email: str):
    return render_template("auth/check_email.html", email=services.normalise_email(email))


def _mail_confirmation(user: User, now) -> None:
    token = services.address_confirmation_token(user, current_app.config["SECRET_KEY"])
    mail.queue(user.email, _("Confirmez votre adresse"),
               render_template("auth/mail/welcome.txt", user=user,
                               link=_absolute("auth.confirm_address", token=token),
                               days=current_app.config["EMAIL_CONFIRM_MAX_AGE"] // 86400), now)


def _mail_already_registered(user: User, now) -> None:
    token = services.password_reset_token(user, current_app.config["SECRET_KEY"])
    mail.queue(user.email, _("Un compte existe déjà pour cette adresse"),
               render_template("auth/mail/already_registered.txt", user=user,
                               link=_absolute("auth.reset_password", token=token),
                               minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60), now)


@bp.route("/account/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_address(token: str):
    return _confirm_by_link(
        "EMAIL_CONFIRM_MAX_AGE",
        show=lambda secret, max_age: render_template(
            "auth/confirm_address.html",
            email=services.check_address_confirmation(token, secret, max_age).email),
        apply=lambda secret, max_age: services.confirm_address(token, secret, max_age, utcnow()),
        done=_("Votre adresse est confirmée. Merci !"))


def _confirm_by_link(max_age_setting: str, *, show, apply, done: str):
    """A link sent by e-mail: opening it (GET) only shows a button, so mail scanners that follow
    links change nothing; the button (POST) applies it. A bad or stale link is a 400."""
    secret, max_age = current_app.config["SECRET_KEY"], current_app.config[max_age_setting]
    try:
        if request.method == "GET":
            return show(secret, max_age)
        apply(secret, max_age)
    except services.AccountError as error:
        fail(400, TOKEN_MESSAGES[error.code]())
    db.session.commit()
    flash(done, "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


@bp.post("/account/confirm/resend")
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_CHANGE_LIMIT"], key_func=_account_key)
def resend_confirmation():
    if current_user.email and not current_user.email_confirmed:
        _mail_confirmation(current_user, utcnow())
        db.session.commit()
    flash(_("Un nouveau lien de confirmation vient d'être envoyé à %(email)s.",
            email=current_user.email or ""), "info")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        email, address = services.normalise_email(form.email.data), request.remote_addr or ""
        known = throttle.is_known_device(email)
        wait = throttle.wait_before_trying(email, address, known_device=known)
        if wait:
            raise throttle.too_many(wait)
        user = services.authenticate(email, form.password.data, utcnow())
        if user is not None:
            throttle.record_success(email, address)
            _sign_in(user, remember=form.remember.data)
            db.session.commit()
            flash(_("Vous êtes connecté."), "success")
            response = redirect(safe_next_url(request.args.get("next"), url_for("site.home")))
            throttle.remember_device(response, email)
            return response
        throttle.record_failure(email, address)
        failed = True
    return render_template("auth/login.html", form=form, failed=failed), (401 if failed else 200)


@bp.post("/logout")
@public
def logout():
    if current_user.is_authenticated and current_user.current_session is not None:
        sessions.end(current_user.current_session, utcnow())
        db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté. À bientôt !"), "info")
    response = redirect(url_for("site.home"))
    # The card page stays in the browser cache to open offline (cards/routes.py); signing out
    # on a shared computer must not leave it there.
    response.headers["Clear-Site-Data"] = '"cache"'
    return response


@bp.get("/account/sessions")
@login_required
def sessions_page():
    return render_template("auth/sessions.html", records=sessions.active(current_user),
                           current_id=current_user.current_session.id)


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_session(session_id: int):
    record = sessions.own_session(current_user, session_id) or fail(
        404, _("Cette connexion n'existe pas ou est déjà terminée."))
    ending_this_one = record.id == current_user.current_session.id
    sessions.end(record, utcnow())
    db.session.commit()
    if ending_this_one:
        logout_user()
        flash(_("Vous êtes déconnecté. À bientôt !"), "info")
        return redirect(url_for("site.home"))
    flash(_("Cette connexion est terminée."), "success")
    return redirect(url_for("auth.sessions_page"))


@bp.post("/account/sessions/end-all")
@login_required
def end_all_sessions():
    sessions.end_all(current_user, utcnow())
    db.session.commit()
    logout_user()
    flash(_("Vous êtes déconnecté sur tous vos appareils."), "info")
    return redirect(url_for("site.home"))


# Password reset -------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
    started = time.perf_counter()
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        user = services.find_by_email(form.email.data)
        if user is not None and user.is_active:
            token = services.password_reset_token(user, current_app.config["SECRET_KEY"])
            link = _absolute("auth.reset_password", token=token)
            mail.queue(user.email, _("Choisir un nouveau mot de passe"),
                       render_template("auth/mail/reset.txt", user=user, link=link,
                                       minutes=current_app.config["PASSWORD_RESET_MAX_AGE"] // 60),
                       utcnow())
            db.session.commit()
        # The same answer, in the same time, whether or not the address has an account: the
        # answer waits until a fixed time after the request began (longer than the work takes),
        # so neither the words nor the clock tell who has an account.
        _wait_until(started + current_app.config["FORGOT_PASSWORD_ANSWER_SECONDS"])
        flash(_("Si un compte existe pour cette adresse, un lien vient de lui être envoyé."),
              "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), (400 if form.errors else 200)


def _wait_until(moment: float) -> None:
    left = moment - time.perf_counter()
    if left > 0:
        time.sleep(left)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@public
def reset_password(token: str):
    try:
        user = services.user_from_reset_token(token, current_app.config["SECRET_KEY"],
                                              current_app.config["PASSWORD_RESET_MAX_AGE"])
    except services.AccountError as error:
        fail(400, TOKEN_MESSAGES[error.code]())
    form = ResetPasswordForm()
    if form.validate_on_submit():
        services.change_password(user, form.password.data, utcnow(), keep_session_id=None)
        db.session.commit()
        logout_user()
        flash(_("Votre mot de passe est changé. Connectez-vous avec le nouveau."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


# The account page ---------------------------------------------------------------------------

@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user, show_full_name=current_user.name_shown == rules.NAME_FULL)
    now = utcnow()
    age_group = current_user.age_group(now)
    if form.validate_on_submit():
        services.set_names(current_user, form.first_name.data, form.last_name.data or "",
                           rules.NAME_FULL if form.show_full_name.data else rules.NAME_INITIAL,
                           now=now)
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Vos informations sont enregistrées."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form, age_group=age_group,
                           age_group_label=age_groups.in_sentence()[age_group],
                           role_labels=ROLE_LABELS, session_count=len(sessions.active(current_user))), (
        400 if form.errors else 200)


def _current_password_ok(form) -> bool:
    """Whether the form's current password is the account's; if not, the field says so."""
    if current_user.check_password(form.current_password.data):
        return True
    form.current_password.errors.append(_("Ce n'est pas votre mot de passe actuel."))
    return False


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_CHANGE_LIMIT"], methods=["POST"],
               key_func=_account_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit() and _current_password_ok(form):
        # This session stays (remembered on this device if it was); the others end.
        record = current_user.current_session
        services.change_password(current_user, form.password.data, utcnow(),
                                 keep_session_id=record.id)
        db.session.commit()
        # The cookies carry the password's fingerprint: give them the new one.
        login_user(current_user._get_current_object(), remember=record.remember)
        flash(_("Votre mot de passe est changé."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/change_password.html", form=form), (400 if form.errors else 200)


@bp.route("/account/email", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_CHANGE_LIMIT"], methods=["POST"],
               key_func=_account_key)
def change_email():
    form = ChangeEmailForm()
    if form.validate_on_submit():
        if not _current_password_ok(form):
            pass  # the field says why; checked first, so a taken address is not revealed
        elif services.email_taken(form.email.data, except_user=current_user):
            form.email.errors.append(_("Cette adresse est déjà utilisée par un autre compte."))
        else:
            token = services.email_change_token(current_user, form.email.data,
                                                current_app.config["SECRET_KEY"])
            mail.queue(services.normalise_email(form.email.data), _("Confirmez votre nouvelle adresse"),
                       render_template("auth/mail/email_change.txt", user=current_user,
                                       link=_absolute("auth.confirm_email", token=token)),
                       utcnow())
            db.session.commit()
            flash(_("Un lien de confirmation a été envoyé à la nouvelle adresse. "
                    "Votre adresse change quand vous ouvrez ce lien et confirmez."), "info")
            return redirect(url_for("auth.account"))
    return render_template("auth/change_email.html", form=form), (400 if form.errors else 200)


@bp.route("/account/email/confirm/<token>", methods=["GET", "POST"])
@public
def confirm_email(token: str):
    return _confirm_by_link(
        "EMAIL_CHANGE_MAX_AGE",
        show=lambda secret, max_age: render_template(
            "auth/confirm_email.html",
            new_email=services.check_email_change(token, secret, max_age)[1]),
        apply=lambda secret, max_age: services.apply_email_change(token, secret, max_age, utcnow()),
        done=_("Votre nouvelle adresse e-mail est confirmée."))


# Administration of roles --------------------------------------------------------------------

@admin_bp.get("/users")
@roles_required("admin")
def users():
    form = UserSearchForm(request.args)
    query = select(User).order_by(User.display_name, User.id)
    count = select(func.count()).select_from(User)
    if form.validate() and form.q.data:
        pattern = f"%{_like_escaped(form.q.data.strip().lower())}%"
        condition = or_(func.lower(User.display_name).like(pattern, escape="\\"),
                        User.email.like(pattern, escape="\\"))
        query, count = query.where(condition), count.where(condition)
    page = paginate(query, db.session.scalar(count), request.args.get("page"))
    return render_template("auth/admin_users.html", page=page, form=form, role_labels=ROLE_LABELS)


@admin_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def user_roles(user_id: int):
    user = db.session.get(User, user_id) or fail(404, _("Ce compte n'existe pas."))
    form = RoleForm()
    if form.validate_on_submit():
        now = utcnow()
        try:
            if form.action.data == "grant":
                changed = services.grant_role(user, form.role.data, actor=current_user, now=now)
            else:
                changed = services.remove_role(user, form.role.data, actor=current_user, now=now)
        except services.AccountError:
            flash(_("Vous ne pouvez pas retirer votre propre rôle d'administrateur."), "error")
            return redirect(url_for("admin.user_roles", user_id=user.id))
        db.session.commit()
        if changed:
            flash(_("Les rôles de %(name)s sont à jour.", name=user.display_name), "success")
        else:
            flash(_("Rien à changer : c'était déjà le cas."), "info")
        return redirect(url_for("admin.user_roles", user_id=user.id))
    return render_template("auth/admin_user.html", user=user, form=form, role_labels=ROLE_LABELS), (
        400 if form.errors else 200)


def _like_escaped(text: str) -> str:
    """A search for "50%" or "a_b" means those characters, not LIKE wildcards."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _absolute(endpoint: str, **values) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _current_locale():
    from flask_babel import get_locale

    return get_locale()
