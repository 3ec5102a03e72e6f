"""Ambassador forms, with lazy-translated labels."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, RadioField, SelectChoice, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from learnapp.ambassadors import manifesto, membership, portraits
from learnapp.core.i18n import _l


class SignForm(FlaskForm):
    version_id = HiddenField()
    agree = BooleanField(_l("J'ai lu la charte et je m'engage à la respecter."),
                         validators=[InputRequired(_l("Cochez la case pour signer."))])
    in_palmares = BooleanField(_l("Apparaître au palmarès (facultatif, modifiable à tout moment)"))


class MinorSignForm(SignForm):
    parent_name = StringField(_l("Nom et prénom du parent"),
                              validators=[InputRequired(_l("Le nom du parent est nécessaire.")),
                                          Length(max=manifesto.PARENT_NAME_MAX)])
    parent_declaration = TextAreaField(
        _l("Déclaration du parent"),
        default=_l("Je suis le parent ou le responsable légal et j'autorise mon enfant à devenir ambassadeur."),
        validators=[InputRequired(_l("La déclaration du parent est nécessaire.")),
                    Length(max=manifesto.DECLARATION_MAX)])


class StatusForm(FlaskForm):
    """Pause, resume or leave: the action is the button's form's hidden ``action`` input."""


class PreferencesForm(FlaskForm):
    in_palmares = BooleanField(_l("Apparaître au palmarès"))
    in_directory = BooleanField(_l("Recevoir les invitations des partenaires (annuaire des partenaires)"))
    preferred_contact = StringField(
        _l("Comment les partenaires peuvent vous inviter"),
        description=_l("Une adresse e-mail ou un numéro de téléphone ; vide : votre adresse e-mail."),
        validators=[Optional(), Length(max=membership.CONTACT_MAX)])


class PortraitForm(FlaskForm):
    text = TextAreaField(_l("Quelques mots sur vous et le territoire"),
                         validators=[InputRequired(_l("Écrivez quelques mots.")), Length(max=portraits.TEXT_MAX)])
    places = TextAreaField(_l("Vos lieux préférés"), description=_l("Un par ligne."),
                           validators=[Optional(), Length(max=portraits.PLACES_MAX)])
    photo = FileField(_l("Photo (JPEG, PNG ou WebP, 5 Mo au plus)"),
                      description=_l("Elle sera recadrée en portrait ; ses données cachées (lieu, appareil) "
                                     "sont effacées."))


class ManifestoForm(FlaskForm):
    body = TextAreaField(_l("Texte de la charte (Markdown)"),
                         validators=[InputRequired(_l("Le texte est vide.")), Length(max=manifesto.MAX_LENGTH)])
    grace_days = IntegerField(_l("Jours pendant lesquels la signature précédente compte encore"), default=30,
                              validators=[InputRequired(_l("Indiquez un nombre de jours.")),
                                          NumberRange(min=0, max=365, message=_l("De 0 à 365 jours."))])


class ReviewForm(FlaskForm):
    decision = RadioField(_l("Décision"),
                          choices=[SelectChoice("approve", _l("Publier")), SelectChoice("reject", _l("Refuser"))],
                          validators=[InputRequired(_l("Choisissez une décision."))])
    note = StringField(_l("Note pour l'ambassadeur"), validators=[Optional(), Length(max=portraits.NOTE_MAX)])


class SearchForm(FlaskForm):
    class Meta:
        csrf = False

    q = StringField(_l("Rechercher un nom"), validators=[Optional(), Length(max=80)])



