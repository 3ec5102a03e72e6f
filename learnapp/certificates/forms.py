from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from learnapp.core.i18n import _l


class VerifyForm(FlaskForm):
    code = StringField(_l("Code du certificat"), validators=[Optional(), Length(max=40)],
                       description=_l("10 caractères, par exemple ABCDE-FGHJK ; "
                                      "majuscules et espaces sans importance."))
    credential = FileField(_l("Ou le fichier du certificat (.jwt ou .json)"))


class SearchForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search changes nothing

    q = StringField(_l("Nom ou code"), validators=[Optional(), Length(max=200)])
    achievement = SelectField(_l("Certificat"), coerce=int, validators=[Optional()], validate_choice=False)
    since = DateField(_l("Émis à partir du"), validators=[Optional()])
    until = DateField(_l("Émis jusqu'au"), validators=[Optional()])


class RevokeForm(FlaskForm):
    reason = TextAreaField(_l("Motif de la révocation"), validators=[DataRequired(), Length(max=500)])


class ReissueForm(FlaskForm):
    name = StringField(_l("Nom corrigé"), validators=[DataRequired(), Length(max=200)])
