"""Forms of the quiz staff pages: question editor, GIFT import, filters."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    HiddenField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from learnapp.core import age_groups
from learnapp.core.i18n import _l
from learnapp.quizzes.types import QuestionType

# The age groups as core.age_groups names them (lazy, in display order).
AUDIENCE_LABELS = age_groups.labels()
AUDIENCE_SHORT = age_groups.short_labels()

TEXT_MAX = 5000


class MultiCheckboxField(SelectMultipleField):
    """Checkboxes in a list; rendered inside a fieldset whose legend is the label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def audience_choices():
    return [SelectChoice(code, label) for code, label in AUDIENCE_LABELS.items()]


class QuestionForm(FlaskForm):
    """The fields every question has; :func:`question_form` adds those of its type."""

    prompt = TextAreaField(_l("Énoncé"), validators=[DataRequired(), Length(max=TEXT_MAX)],
                           description=_l("En Markdown : **gras**, *italique*, listes. Pas de HTML."))
    explanation = TextAreaField(_l("Explication montrée après la réponse"),
                                validators=[Optional(), Length(max=TEXT_MAX)])
    tiers = MultiCheckboxField(_l("Niveaux"), coerce=int, validators=[DataRequired()])
    audiences = MultiCheckboxField(_l("Âges"), choices=audience_choices(), validators=[DataRequired()])
    lesson = SelectField(_l("Leçon vérifiée"), choices=[], validate_choice=True, default="")
    tags = StringField(_l("Mots-clés"), validators=[Optional(), Length(max=300)],
                       description=_l("Séparés par des virgules."))


_FORMS: dict[str, type[QuestionForm]] = {}


def question_form(kind: QuestionType) -> type[QuestionForm]:
    """The editor's form for a question of ``kind``: the common fields and the type's own."""
    if kind.name not in _FORMS:
        _FORMS[kind.name] = type(f"{type(kind).__name__}Form", (QuestionForm,), kind.editor_fields())
    return _FORMS[kind.name]


class GiftImportForm(FlaskForm):
    file = FileField(_l("Fichier GIFT"),
                     description=_l("Un fichier texte .gift ou .txt exporté de Moodle, en UTF-8 (1 Mo au plus)."),
                     render_kw={"accept": ".gift,.txt,text/plain"})
    content = HiddenField()  # the file checked by a preview, sent back to import it
    filename = HiddenField()
    tier = SelectField(_l("Niveau"), coerce=int, choices=[], validate_choice=True)
    audiences = MultiCheckboxField(_l("Âges"), choices=audience_choices(), default=[age_groups.ADULT],
                                   validators=[DataRequired()])
    lesson = SelectField(_l("Leçon vérifiée (facultatif)"), choices=[], validate_choice=True, default="")


class BankFilterForm(FlaskForm):
    class Meta:
        csrf = False

    tier = SelectField(_l("Niveau"), choices=[], validate_choice=False)
    audience = SelectField(_l("Âge"), choices=[], validate_choice=False)
