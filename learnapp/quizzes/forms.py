"""Quiz forms. Answers are not a WTForms form (their fields depend on the questions drawn):
each question type parses its own fields, and the CSRF token is checked for every POST."""

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectChoice

from learnapp.core.i18n import _l

MODE_CHOICES = [
    SelectChoice("all", _l("Toutes les questions sur une seule page")),
    SelectChoice("one", _l("Une question à la fois")),
]


class StartForm(FlaskForm):
    mode = RadioField(_l("Comment voulez-vous répondre ?"), choices=MODE_CHOICES, default="all",
                      validate_choice=True)
