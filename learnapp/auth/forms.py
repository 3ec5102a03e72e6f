from flask import current_app
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from learnapp.auth import rules
from learnapp.core.access import ROLES
from learnapp.core.i18n import _l

PASSWORD_MESSAGES = {
    "too_short": _l("Au moins %(n)s caractères.", n=rules.PASSWORD_MIN_LENGTH),
    "personal": _l("Le mot de passe ne doit pas contenir votre nom ou votre adresse."),
    "repetitive": _l("Le mot de passe est trop répétitif."),
}

NAME_MESSAGES = {
    "invisible": _l("Ce nom contient des caractères invisibles ou de contrôle. Tapez-le simplement "
                    "au clavier."),
    "spaces": _l("Ce nom ne peut pas commencer ni finir par une espace."),
    "reserved": _l("Ce nom est réservé à l'office de tourisme. Choisissez-en un autre."),
}

ROLE_LABELS = {
    "learner": _l("Apprenant"),
    "teacher": _l("Enseignant"),
    "guide": _l("Guide"),
    "staff": _l("Équipe de l'office"),
    "partner": _l("Partenaire"),
    "admin": _l("Administrateur"),
}


class StrongPassword:
    def __init__(self, email_field: str | None = None, name_field: str | None = None):
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form, field):
        email = form[self.email_field].data or "" if self.email_field else ""
        name = form[self.name_field].data or "" if self.name_field else ""
        problems = rules.password_problems(field.data or "", email=email, name=name)
        if problems:
            raise ValidationError(str(PASSWORD_MESSAGES[problems[0]]))


class PersonName:
    """Refuses names that hide characters or pose as the office (rules.name_problems)."""

    def __call__(self, form, field):
        problems = rules.name_problems(field.data or "", current_app.config["RESERVED_NAMES"])
        if problems:
            raise ValidationError(str(NAME_MESSAGES[problems[0]]))


def strip(value):
    """Spaces around a name or an address are never meant (length limits count without them)."""
    return value.strip() if isinstance(value, str) else value


def strip_spaces(value):
    """Ordinary spaces around a name (a phone keyboard adds one) go silently; anything else that
    draws nothing is refused by PersonName."""
    return value.strip(" ") if isinstance(value, str) else value


def _first_name():
    return StringField(_l("Prénom"), validators=[DataRequired(), Length(min=2, max=80), PersonName()],
                       filters=[strip_spaces], render_kw={"autocomplete": "given-name"})


def _last_name():
    return StringField(_l("Nom de famille ou son initiale"),
                       validators=[Optional(), Length(max=80), PersonName()], filters=[strip_spaces],
                       description=_l("Il figure sur vos certificats. Les autres ne voient que son "
                                      "initiale, sauf si vous choisissez de le montrer."),
                       render_kw={"autocomplete": "family-name"})


def _name_shown():
    return BooleanField(_l("Montrer mon nom de famille en entier (adultes seulement)"))


def _new_password(label):
    return PasswordField(label, validators=[DataRequired(), Length(max=200)],
                         render_kw={"autocomplete": "new-password"})


def _password_confirm():
    return PasswordField(
        _l("Confirmez le mot de passe"),
        validators=[DataRequired(), EqualTo("password", _l("Les mots de passe ne correspondent pas."))],
        render_kw={"autocomplete": "new-password"})


def _current_password():
    return PasswordField(_l("Mot de passe actuel"), validators=[DataRequired(), Length(max=200)],
                         render_kw={"autocomplete": "current-password"})


class RegisterForm(FlaskForm):
    first_name = _first_name()
    last_name = _last_name()
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Email(), Length(max=254)],
                       filters=[strip], render_kw={"autocomplete": "email"})
    birth_year = IntegerField(
        _l("Année de naissance"), validators=[InputRequired(), NumberRange(min=1900, max=2100)],
        description=_l("Elle choisit les leçons écrites pour votre âge. Exemple : 1985"),
        render_kw={"inputmode": "numeric", "autocomplete": "bday-year"})
    password = _new_password(_l("Mot de passe"))
    password_confirm = _password_confirm()

    def validate_password(self, field):
        StrongPassword("email", "first_name")(self, field)


class LoginForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Length(max=254)],
                       render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Rester connecté sur cet appareil"))


class ForgotPasswordForm(FlaskForm):
    # No format check: this only looks an account up (the answer is the same either way), and
    # accounts may use addresses a strict check refuses (the demo's @demo.learnapp.local).
    email = EmailField(_l("Adresse e-mail"), validators=[DataRequired(), Length(max=254)],
                       filters=[strip], render_kw={"autocomplete": "email"})


class ResetPasswordForm(FlaskForm):
    password = _new_password(_l("Nouveau mot de passe"))
    password_confirm = _password_confirm()

    def validate_password(self, field):
        StrongPassword()(self, field)


class ProfileForm(FlaskForm):
    first_name = _first_name()
    last_name = _last_name()
    show_full_name = _name_shown()
    # Each language named in itself, and marked so (a screen reader says "English" in English).
    locale = SelectField(_l("Langue"), choices=[SelectChoice("fr", "Français", render_kw={"lang": "fr"}),
                                                SelectChoice("en", "English", render_kw={"lang": "en"})])


class ChangePasswordForm(FlaskForm):
    current_password = _current_password()
    password = _new_password(_l("Nouveau mot de passe"))
    password_confirm = _password_confirm()

    def validate_password(self, field):
        StrongPassword()(self, field)


class ChangeEmailForm(FlaskForm):
    email = EmailField(_l("Nouvelle adresse e-mail"),
                       validators=[DataRequired(), Email(), Length(max=254)], filters=[strip],
                       render_kw={"autocomplete": "email"})
    current_password = _current_password()


class RoleForm(FlaskForm):
    role = SelectField(_l("Rôle"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES])
    action = SelectField(_l("Action"), choices=[SelectChoice("grant", _l("Donner")),
                                                   SelectChoice("remove", _l("Retirer"))])


class UserSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher un nom ou une adresse"), validators=[Length(max=100)])
