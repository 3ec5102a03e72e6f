from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from sqlalchemy import func, or_, select

from learnapp.auth import services
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


def _login_account_key() -> str:
    return "login-account:" + services.normalise_email(request.form.get("email", ""))[:254]


def _account_key() -> str:
    """Changes to one's account (they ask for the current password, so a stolen session cannot
    guess it without limit, nor send unlimited mail) are counted per account."""
    if current_user.is_authenticated:
        return f"account:{current_user.id}"
    return "account-anonymous:" + (request.remote_addr or "unknown")


def _login_failed(response) -> bool:
    return bool(g.get("login_failed"))


# Registration and sessions -------------------------------------------------------------------

@bp.route("/register", methods=["GET", "POST"])
@public
def register():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = RegisterForm()
    child = False
    if form.validate_on_submit():
        try:
            user = services.register(
                display_name=form.display_name.data, email=form.email.data,
                password=form.password.data, birth_year=form.birth_year.data, now=utcnow(),
                locale=str(_current_locale()))
        except services.AccountError as error:
            if error.code == "child":
                child = True
            elif error.code == "email_taken":
                form.email.errors.append(_("Cette adresse est déjà utilisée. Connectez-vous "
                                           "ou demandez un nouveau mot de passe."))
            else:
                form.birth_year.errors.append(_("Cette année de naissance n'est pas possible."))
        else:
            db.session.commit()
            login_user(user)
            flash(_("Bienvenue, %(name)s ! Votre compte est créé.", name=user.display_name),
                  "success")
            return redirect(url_for("site.home"))
    status = 400 if form.errors else 200
    return render_template("auth/register.html", form=form, child=child), status


@bp.route("/login", methods=["GET", "POST"])
@public
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ADDRESS"], methods=["POST"],
               deduct_when=_login_failed)
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], methods=["POST"],
               key_func=_login_account_key, deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("site.home"))
    form = LoginForm()
    failed = False
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data, utcnow())
        if user is not None:
            db.session.commit()
            login_user(user, remember=form.remember.data)
            flash(_("Vous êtes connecté."), "success")
            return redirect(safe_next_url(request.args.get("next"), url_for("site.home")))
        failed = True
        g.login_failed = True
    return render_template("auth/login.html", form=form, failed=failed), (401 if failed else 200)


@bp.post("/logout")
@public
def logout():
    logout_user()
    flash(_("Vous êtes déconnecté. À bientôt !"), "info")
    return redirect(url_for("site.home"))


# Password reset -------------------------------------------------------------------------------

@bp.route("/password/forgot", methods=["GET", "POST"])
@public
@limiter.limit("10 per hour", methods=["POST"])
def forgot_password():
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
        # The same answer whether or not the address has an account: no account discovery.
        flash(_("Si un compte existe pour cette adresse, un lien vient de lui être envoyé."),
              "info")
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot.html", form=form), (400 if form.errors else 200)


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
        user.set_password(form.password.data)
        db.session.commit()
        logout_user()
        flash(_("Votre mot de passe est changé. Connectez-vous avec le nouveau."), "success")
        return redirect(url_for("auth.login"))
    return render_template("auth/reset.html", form=form), (400 if form.errors else 200)


# The account page ---------------------------------------------------------------------------

@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.locale = form.locale.data
        db.session.commit()
        flash(_("Vos informations sont enregistrées."), "success")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form,
                           age_group_label=age_groups.in_sentence()[current_user.age_group(utcnow())],
                           role_labels=ROLE_LABELS), (400 if form.errors else 200)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["ACCOUNT_CHANGE_LIMIT"], methods=["POST"],
               key_func=_account_key)
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Ce n'est pas votre mot de passe actuel."))
        else:
            current_user.set_password(form.password.data)
            db.session.commit()
            # This session stays (remembered on this device if it was); the others end.
            remembered = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
            login_user(current_user._get_current_object(), remember=remembered)
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
        if not current_user.check_password(form.current_password.data):
            form.current_password.errors.append(_("Ce n'est pas votre mot de passe actuel."))
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
    # Opening the link only shows a button: mail scanners that follow links change nothing.
    secret, max_age = current_app.config["SECRET_KEY"], current_app.config["EMAIL_CHANGE_MAX_AGE"]
    try:
        if request.method == "GET":
            _user, new_email = services.check_email_change(token, secret, max_age)
            return render_template("auth/confirm_email.html", new_email=new_email)
        services.apply_email_change(token, secret, max_age)
    except services.AccountError as error:
        fail(400, TOKEN_MESSAGES[error.code]())
    db.session.commit()
    flash(_("Votre nouvelle adresse e-mail est confirmée."), "success")
    return redirect(url_for("auth.account" if current_user.is_authenticated else "auth.login"))


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
