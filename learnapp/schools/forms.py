"""School forms, with lazy-translated labels."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from learnapp.auth.forms import PersonName, StrongPassword, strip_spaces
from learnapp.core.i18n import _l

WHOLE_NUMBER = _l("Indiquez un nombre entier.")


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is ours, in the reader's language."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(WHOLE_NUMBER) from None


class SchoolForm(FlaskForm):
    name = StringField(_l("Nom de l'établissement"), validators=[DataRequired(), Length(max=160)])
    town = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])


class InviteForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail de l'enseignant"), validators=[DataRequired(), Length(max=254)])


class AcceptInvitationForm(FlaskForm):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(min=2, max=80), PersonName()],
                             filters=[strip_spaces], render_kw={"autocomplete": "given-name"})
    last_name = StringField(_l("Nom"), validators=[DataRequired(), Length(max=80), PersonName()],
                            filters=[strip_spaces], render_kw={"autocomplete": "family-name"})
    password = PasswordField(_l("Mot de passe"), validators=[DataRequired(), Length(max=200)],
                             render_kw={"autocomplete": "new-password"})

    def validate_password(self, field):
        StrongPassword(None, "first_name")(self, field)


class ClassForm(FlaskForm):
    school = SelectField(_l("Établissement"), coerce=int, validate_choice=True)
    name = StringField(_l("Nom de la classe"), validators=[DataRequired(), Length(max=80)],
                       description=_l("Par exemple « CM2 A » ou « 6e Jules Verne »."))
    school_year = StringField(_l("Année scolaire"), validators=[DataRequired(), Length(max=9)],
                              description=_l("Sous la forme 2026-2027."))
    level = StringField(_l("Niveau"), validators=[Optional(), Length(max=40)])


class PupilForm(FlaskForm):
    first_name = StringField(_l("Prénom"), validators=[DataRequired(), Length(max=40)])
    initial = StringField(_l("Initiale du nom"), validators=[DataRequired(), Length(max=40)])
    birth_year = WholeNumberField(_l("Année de naissance"), validators=[InputRequired(message=WHOLE_NUMBER)])


class ImportForm(FlaskForm):
    roster = FileField(_l("Fichier CSV de la classe"), validators=[FileRequired(_l("Choisissez un fichier."))],
                       description=_l("Colonnes : prénom, initiale du nom, année de naissance ; séparées "
                                      "par « ; » ou « , » ; UTF-8 ou Windows-1252."))


class ConsentForm(FlaskForm):
    collected_on = DateField(_l("Date de collecte des formulaires"), validators=[InputRequired()])


class AssignForm(FlaskForm):
    course = SelectField(_l("Cours"), coerce=int, validate_choice=True)
    tiers = WholeNumberField(_l("Niveaux de quiz attendus"), default=1,
                             validators=[InputRequired(message=WHOLE_NUMBER), NumberRange(min=0, max=9)],
                             description=_l("0 : les leçons seulement ; 2 : les niveaux 1 et 2."))
    due_on = DateField(_l("À faire pour le (facultatif)"), validators=[Optional()])


class ColleagueForm(FlaskForm):
    email = EmailField(_l("Adresse e-mail d'un collègue du même établissement"),
                       validators=[DataRequired(), Length(max=254)])


class GroupVisitForm(FlaskForm):
    session = SelectField(_l("Séance"), coerce=int, validate_choice=True)
    pupils = WholeNumberField(_l("Élèves"), validators=[InputRequired(message=WHOLE_NUMBER),
                                                        NumberRange(min=1, max=200)])
    adults = WholeNumberField(_l("Adultes accompagnateurs"), validators=[InputRequired(message=WHOLE_NUMBER),
                                                                       NumberRange(min=1, max=50)])


class MoveForm(FlaskForm):
    target = SelectField(_l("Classe de l'an prochain"), coerce=int, validate_choice=True)


class CodeForm(FlaskForm):
    code = StringField(_l("Code de la classe"), validators=[DataRequired(), Length(max=20)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class PupilLoginForm(CodeForm):
    username = StringField(_l("Identifiant"), validators=[DataRequired(), Length(max=40)],
                           render_kw={"autocomplete": "username", "autocapitalize": "none", "spellcheck": "false"})
    passphrase = PasswordField(_l("Phrase secrète"), validators=[DataRequired(), Length(max=200)],
                               render_kw={"autocomplete": "current-password", "autocapitalize": "none",
                                          "spellcheck": "false"})


class PickNameForm(FlaskForm):
    pupil = SelectField(_l("Ton prénom"), coerce=int, validate_choice=True)
    passphrase = PasswordField(_l("Ta phrase secrète"), validators=[DataRequired(), Length(max=200)],
                               render_kw={"autocomplete": "current-password", "autocapitalize": "none",
                                          "spellcheck": "false"})
