"""Forms of the quiz staff pages: question editor, GIFT import, filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from learnapp.core.i18n import _l

# The age groups are named as the course pages name them (one definition).
from learnapp.courses.forms import AUDIENCE_LABELS, AUDIENCE_SHORT  # noqa: F401

TYPE_LABELS = {
    "single": _l("Choix unique"), "multiple": _l("Choix multiple"), "true_false": _l("Vrai ou faux"),
    "ordering": _l("Remettre dans l'ordre"), "matching": _l("Associer par paires"), "numeric": _l("Nombre"),
    "short_text": _l("Réponse courte"), "image_choice": _l("Choix d'image"),
}
MAX_CHOICES = 10
MAX_PAIRS = 10
TEXT_MAX = 5000
OPTION_MAX = 500


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes in a list; rendered inside a fieldset whose legend is the label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def audience_choices():
    return [SelectChoice(code, label) for code, label in AUDIENCE_LABELS.items()]


class ChoiceRow(Form):
    text = StringField(_l("Texte du choix"), validators=[Optional(), Length(max=OPTION_MAX)])
    correct = BooleanField(_l("Bonne réponse"))
    feedback = StringField(_l("Commentaire montré après la réponse"), validators=[Optional(), Length(max=OPTION_MAX)])


class PairRow(Form):
    left = StringField(_l("Élément"), validators=[Optional(), Length(max=OPTION_MAX)])
    right = StringField(_l("Va avec"), validators=[Optional(), Length(max=OPTION_MAX)])


class QuestionForm(FlaskForm):
    """Every field a question can have; the editor shows those of the question's type."""

    prompt = TextAreaField(_l("Énoncé"), validators=[DataRequired(), Length(max=TEXT_MAX)],
                           description=_l("En Markdown : **gras**, *italique*, listes. Pas de HTML."))
    explanation = TextAreaField(_l("Explication montrée après la réponse"),
                                validators=[Optional(), Length(max=TEXT_MAX)])
    tiers = MultiCheckboxField(_l("Niveaux"), coerce=int, validators=[DataRequired()])
    audiences = MultiCheckboxField(_l("Âges"), choices=audience_choices(), validators=[DataRequired()])
    lesson = SelectField(_l("Leçon vérifiée"), choices=[], validate_choice=True, default="")
    tags = StringField(_l("Mots-clés"), validators=[Optional(), Length(max=300)],
                       description=_l("Séparés par des virgules."))
    # single, multiple, image_choice (image choices: texts only, the pictures stay)
    choices = FieldList(FormField(ChoiceRow), min_entries=0, max_entries=MAX_CHOICES)
    # true_false
    answer = RadioField(_l("La bonne réponse"), choices=[SelectChoice("true", _l("Vrai")),
                                                         SelectChoice("false", _l("Faux"))],
                        validators=[Optional()])
    # numeric
    value = StringField(_l("Valeur juste"), validators=[Optional(), Length(max=40)],
                        description=_l("Par exemple 14 ou 2,5. Laissez vide pour donner un intervalle."))
    tolerance = StringField(_l("Tolérance (plus ou moins)"), validators=[Optional(), Length(max=40)])
    minimum = StringField(_l("Au moins"), validators=[Optional(), Length(max=40)])
    maximum = StringField(_l("Au plus"), validators=[Optional(), Length(max=40)])
    unit = StringField(_l("Unité"), validators=[Optional(), Length(max=40)])
    # short_text
    answers = TextAreaField(_l("Réponses acceptées"), validators=[Optional(), Length(max=4000)],
                            description=_l("Une par ligne. Majuscules, accents et espaces ne comptent pas."))
    # ordering
    items = TextAreaField(_l("Éléments, dans le bon ordre"), validators=[Optional(), Length(max=6000)],
                          description=_l("Un par ligne : ils seront montrés mélangés."))
    # matching
    pairs = FieldList(FormField(PairRow), min_entries=0, max_entries=MAX_PAIRS)
    distractors = TextAreaField(_l("Intrus (facultatif)"), validators=[Optional(), Length(max=3000)],
                                description=_l("Réponses en trop, une par ligne, qui ne vont avec rien."))


class GiftImportForm(FlaskForm):
    file = FileField(_l("Fichier GIFT"),
                     description=_l("Un fichier texte .gift ou .txt exporté de Moodle, en UTF-8 (1 Mo au plus)."),
                     render_kw={"accept": ".gift,.txt,text/plain"})
    content = HiddenField()  # the file checked by a preview, sent back to import it
    filename = HiddenField()
    tier = SelectField(_l("Niveau"), coerce=int, choices=[], validate_choice=True)
    audiences = MultiCheckboxField(_l("Âges"), choices=audience_choices(), default=["adult"],
                                   validators=[DataRequired()])
    lesson = SelectField(_l("Leçon vérifiée (facultatif)"), choices=[], validate_choice=True, default="")


class BankFilterForm(FlaskForm):
    class Meta:
        csrf = False

    tier = SelectField(_l("Niveau"), choices=[], validate_choice=False)
    audience = SelectField(_l("Âge"), choices=[], validate_choice=False)


def split_lines(text: str | None, limit: int = 60) -> list[str]:
    """Non-empty stripped lines, at most ``limit``."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()][:limit]


