"""Partner and staff forms, with lazy-translated labels."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import Email, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from learnapp.core import age_groups
from learnapp.core.i18n import _l
from learnapp.partners import rules
from learnapp.partners.messages import FREQUENCY_LABELS, KIND_LABELS


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class CheckForm(FlaskForm):
    """Typing a card's number: a GET form (it changes nothing), no CSRF token in the URL."""

    class Meta:
        csrf = False

    number = StringField(_l("Numéro de la carte"), validators=[InputRequired(), Length(max=40)],
                         description=_l("Les 10 caractères imprimés sous le QR, par exemple ABCDE-FGHJK."))


class UseForm(FlaskForm):
    key = HiddenField(validators=[Optional(), Length(max=32)])


class PartnerForm(FlaskForm):
    name = StringField(_l("Nom"), validators=[InputRequired(), Length(max=160)])
    kind = SelectField(_l("Type"), choices=[SelectChoice(k, v) for k, v in KIND_LABELS.items()])
    town = StringField(_l("Commune"), validators=[Optional(), Length(max=120)])
    website = StringField(_l("Site web"), validators=[Optional(), Length(max=300)])
    active = BooleanField(_l("Partenaire actif"), default=True)


class AttachForm(FlaskForm):
    email = StringField(_l("Adresse e-mail du compte"), validators=[InputRequired(), Email(), Length(max=254)],
                        description=_l("Le compte doit exister ; il reçoit le rôle « partenaire »."))


class OfferForm(FlaskForm):
    title = StringField(_l("Titre"), validators=[InputRequired(), Length(max=160)],
                        description=_l("Par exemple : Entrée gratuite, -10 % en boutique."))
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=2000)])
    min_level_rank = SelectField(_l("Niveau minimum"), coerce=int, choices=[SelectChoice(0, "")])
    age_groups = MultiCheckboxField(_l("Tranches d'âge (aucune cochée : toutes)"),
                                    choices=[SelectChoice(code, label) for code, label in age_groups.labels().items()])
    frequency = SelectField(_l("Fréquence"), choices=[SelectChoice(f, FREQUENCY_LABELS[f]) for f in rules.FREQUENCIES])
    valid_from = DateField(_l("Valable à partir du"), validators=[Optional()])
    valid_until = DateField(_l("Valable jusqu'au"), validators=[Optional()])
    active = BooleanField(_l("Offre active"), default=True)
