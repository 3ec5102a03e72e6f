"""What each AmbassadorError code says to the user, in their language, and its status code."""

from __future__ import annotations

from learnapp.ambassadors.errors import AmbassadorError
from learnapp.core.i18n import _
from learnapp.core.images import MESSAGES as PHOTO_MESSAGES

MESSAGES = {
    "manifesto_outdated": (409, lambda p: _("La charte a changé pendant votre lecture : relisez la nouvelle "
                                            "version avant de la signer.")),
    "consent_missing": (400, lambda p: _("Pour un ambassadeur mineur, un parent donne son accord : son nom et "
                                         "sa déclaration sont nécessaires.")),
    "consent_too_long": (400, lambda p: _("Le nom du parent ou sa déclaration est trop long.")),
    "already_signed": (409, lambda p: _("Vous avez déjà signé cette version de la charte.")),
    "not_member": (409, lambda p: _("Signez d'abord la charte pour devenir ambassadeur.")),
    "unknown_action": (400, lambda p: _("Action inconnue.")),
    "status_joined": (409, lambda p: _("Vous êtes déjà ambassadeur actif.")),
    "status_paused": (409, lambda p: _("Votre engagement est déjà en pause.")),
    "status_left": (409, lambda p: _("Vous avez quitté le réseau : signez à nouveau la charte pour revenir.")),
    "contact_too_long": (400, lambda p: _("Le moyen de contact tient en %(max)s caractères au plus.", max=p["max"])),
    "contact_missing": (400, lambda p: _("Indiquez comment les partenaires peuvent vous inviter.")),
    "directory_adults": (403, lambda p: _("L'annuaire des partenaires est réservé aux ambassadeurs majeurs.")),
    "manifesto_empty": (400, lambda p: _("Le texte de la charte est vide.")),
    "manifesto_too_long": (400, lambda p: _("La charte tient en %(max)s caractères au plus.", max=p["max"])),
    "manifesto_unchanged": (409, lambda p: _("Ce texte est déjà celui de la version en vigueur.")),
    "grace_days": (400, lambda p: _("Le délai pour signer à nouveau va de 0 à 365 jours.")),
    "markdown": (400, lambda p: _("Charte : %(message)s", message=p.get("message", ""))),
    "portrait_minor": (403, lambda p: _("Les portraits publics sont réservés aux ambassadeurs majeurs.")),
    "portrait_text": (400, lambda p: _("Écrivez quelques mots pour votre portrait.")),
    "portrait_too_long": (400, lambda p: _("Le texte tient en %(text)s caractères, les lieux en %(places)s.",
                                           text=p["text"], places=p["places"])),
    "photo": (400, lambda p: _(PHOTO_MESSAGES[p["photo"]])),
    "note_too_long": (400, lambda p: _("La note tient en %(max)s caractères au plus.", max=p["max"])),
    "note_missing": (400, lambda p: _("Dites en quelques mots pourquoi ce portrait est refusé.")),
}


def describe(error: AmbassadorError) -> tuple[int, str]:
    status, words = MESSAGES[error.code]
    return status, words(error.params)
