"""Visit forms, with lazy-translated labels."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from learnapp.core import age_groups
from learnapp.core.i18n import _l
from learnapp.visits import rules
from learnapp.visits.access import AGE_GROUPS

AUDIENCE_LABELS = age_groups.labels()
LANGUAGE_LABELS = {"fr": _l("Français"), "en": _l("Anglais")}
WHOLE_NUMBER = _l("Indiquez un nombre entier.")


class WholeNumberField(IntegerField):
    """An integer field whose "not a number" message is ours, in the reader's language."""

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            try:
                self.data = int(valuelist[0])
            except ValueError:
                self.data = None
                raise ValueError(str(WHOLE_NUMBER)) from None


class BookingForm(FlaskForm):
    seats = WholeNumberField(
        _l("Nombre de places"), default=1,
        description=_l("Vous compris ; %(max)s au plus par réservation.", max=rules.MAX_SEATS_PER_BOOKING),
        validators=[InputRequired(WHOLE_NUMBER)])
    children = TextAreaField(
        _l("Prénoms des enfants qui vous accompagnent"),
        description=_l("Un prénom par ligne, un par place en plus de la vôtre (adultes seulement)."),
        validators=[Optional(), Length(max=400)])

    def child_names(self) -> list[str]:
        return [line.strip() for line in (self.children.data or "").splitlines() if line.strip()]


class ConfirmForm(FlaskForm):
    """A button that changes something: only the CSRF token."""


class FilterForm(FlaskForm):
    class Meta:
        csrf = False

    month = SelectField(_l("Mois"), choices=[], validate_choice=True, validators=[Optional()])
    audience = SelectField(
        _l("Public"), validators=[Optional()], validate_choice=True,
        choices=[SelectChoice("", _l("Tous les publics"))]
        + [SelectChoice(code, AUDIENCE_LABELS[code]) for code in AGE_GROUPS])
    free = BooleanField(_l("Seulement les séances avec des places libres"))


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class VisitForm(FlaskForm):
    slug = StringField(_l("Identifiant court"), validators=[
        InputRequired(), Length(max=80),
        Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
               message=_l("Lettres minuscules sans accent, chiffres et tirets, par exemple « haute-ville »."))])
    title = StringField(_l("Titre"), validators=[InputRequired(), Length(max=200)])
    description = TextAreaField(_l("Description (Markdown)"), validators=[Optional(), Length(max=20000)])
    meeting_point = StringField(_l("Lieu de rendez-vous (adresse)"), validators=[InputRequired(), Length(max=300)])
    map_url = StringField(_l("Lien vers un plan (facultatif)"), validators=[
        Optional(), Length(max=500),
        Regexp(r"^https?://", message=_l("Un lien commençant par https:// ou http://."))])
    duration_minutes = WholeNumberField(_l("Durée (minutes)"), default=90, validators=[
        InputRequired(WHOLE_NUMBER), NumberRange(min=10, max=24 * 60, message=_l("De 10 à 1440 minutes."))])
    accessibility = TextAreaField(_l("Accessibilité"), validators=[Optional(), Length(max=2000)])
    audiences = MultiCheckboxField(_l("Publics"), choices=[SelectChoice(c, AUDIENCE_LABELS[c]) for c in AGE_GROUPS],
                                   default=["teen", "adult"],
                                   validators=[InputRequired(_l("Choisissez au moins un public."))])
    school_groups = BooleanField(_l("Ouverte aux groupes scolaires"))
    language = SelectField(_l("Langue de la visite"), default="fr",
                           choices=[SelectChoice(code, label) for code, label in LANGUAGE_LABELS.items()])
    guide = SelectField(_l("Guide"), coerce=int, choices=[])
    cover = FileField(_l("Image de couverture (facultatif)"))
    cover_alt = StringField(_l("Description de l'image"), validators=[Optional(), Length(max=300)])


REPEAT_CHOICES = [SelectChoice("once", _l("Une séance")), SelectChoice("weekly", _l("Chaque semaine")),
                  SelectChoice("dates", _l("À des dates choisies"))]


class SessionsForm(FlaskForm):
    repeat = RadioField(_l("Répétition"), choices=REPEAT_CHOICES, default="once", validate_choice=True)
    date = DateField(_l("Date (ou première date)"), validators=[Optional()])
    time = TimeField(_l("Heure de début (heure de Granville)"), validators=[InputRequired()])
    weeks = WholeNumberField(_l("Nombre de semaines"), default=4, validators=[
        Optional(), NumberRange(min=1, max=rules.MAX_SESSIONS_PER_FORM)])
    dates = TextAreaField(_l("Dates choisies"), description=_l("Une date par ligne, au format AAAA-MM-JJ."),
                          validators=[Optional(), Length(max=2000)])
    duration_minutes = WholeNumberField(_l("Durée (minutes)"), validators=[
        InputRequired(WHOLE_NUMBER), NumberRange(min=10, max=24 * 60, message=_l("De 10 à 1440 minutes."))])
    capacity = WholeNumberField(_l("Places"), default=15, validators=[
        InputRequired(WHOLE_NUMBER), NumberRange(min=1, max=500, message=_l("De 1 à 500 places."))])
    guide = SelectField(_l("Guide"), coerce=int, choices=[])
    close_hours_before = WholeNumberField(_l("Fin des réservations (heures avant le début)"), default=0,
                                      validators=[Optional(), NumberRange(min=0, max=24 * 30)])
    cancel_hours_before = WholeNumberField(_l("Annulation possible jusqu'à (heures avant le début)"), default=24,
                                       validators=[Optional(), NumberRange(min=0, max=24 * 30)])

    def validate_date(self, field):
        if self.repeat.data in ("once", "weekly") and not field.data:
            raise ValidationError(_l("Indiquez la date."))

    def validate_dates(self, field):
        if self.repeat.data != "dates":
            return
        from datetime import date

        lines = [line.strip() for line in (field.data or "").splitlines() if line.strip()]
        if not lines:
            raise ValidationError(_l("Indiquez au moins une date."))
        for line in lines:
            try:
                date.fromisoformat(line)
            except ValueError:
                raise ValidationError(_l("« %(line)s » n'est pas une date AAAA-MM-JJ.", line=line)) from None

    def chosen_dates(self):
        from datetime import date

        return [date.fromisoformat(line.strip()) for line in (self.dates.data or "").splitlines() if line.strip()]


class VisitEditForm(VisitForm):
    """The same fields, less the short identifier: addresses and CSV files name the visit by it."""

    slug = None


class SessionEditForm(FlaskForm):
    """One existing session: its day, start and end (Granville time), seats, guide, deadlines."""

    date = DateField(_l("Date"), validators=[InputRequired()])
    time = TimeField(_l("Heure de début (heure de Granville)"), validators=[InputRequired()])
    end_time = TimeField(_l("Heure de fin"), validators=[InputRequired()])
    capacity = WholeNumberField(_l("Places"), validators=[
        InputRequired(WHOLE_NUMBER), NumberRange(min=1, max=500, message=_l("De 1 à 500 places."))])
    guide = SelectField(_l("Guide"), coerce=int, choices=[])
    close_hours_before = WholeNumberField(_l("Fin des réservations (heures avant le début)"),
                                          validators=[Optional(), NumberRange(min=0, max=24 * 30)])
    cancel_hours_before = WholeNumberField(_l("Annulation possible jusqu'à (heures avant le début)"),
                                           validators=[Optional(), NumberRange(min=0, max=24 * 30)])


class CapacityForm(FlaskForm):
    capacity = WholeNumberField(_l("Places"), validators=[
        InputRequired(WHOLE_NUMBER), NumberRange(min=1, max=500, message=_l("De 1 à 500 places."))])


class RosterSearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Nom ou numéro de réservation"), validators=[Optional(), Length(max=80)])
