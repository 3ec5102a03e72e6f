"""The card's forms, with lazy-translated labels."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectChoice

from learnapp.core.i18n import _l

REISSUE_REASONS = {
    "lost": _l("J'ai perdu ma carte (ou on me l'a volée)"),
    "photo": _l("Je change de photo"),
    "level": _l("Mon niveau a changé : je veux une carte à jour"),
    "renewal": _l("Ma carte arrive à échéance : je la renouvelle"),
}


class PhotoForm(FlaskForm):
    photo = FileField(_l("Votre photo"), description=_l(
        "JPEG, PNG ou WebP, 5 Mo au plus. Un portrait de face : il sera recadré en hauteur."))


class ReissueForm(FlaskForm):
    reason = RadioField(_l("Pourquoi une nouvelle carte ?"), default="lost",
                        choices=[SelectChoice(k, v) for k, v in REISSUE_REASONS.items()])
    photo = FileField(_l("Nouvelle photo (si vous en changez)"), description=_l(
        "JPEG, PNG ou WebP, 5 Mo au plus."))
