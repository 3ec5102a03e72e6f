"""Why a card is refused, in the reader's language (a partner's check, the PDF)."""

from __future__ import annotations

from learnapp.core.i18n import _l

CARD_REFUSALS = {
    "unknown": _l("Carte inconnue : ce numéro ou ce QR ne correspond à aucune carte d'ambassadeur."),
    "forged": _l("QR non reconnu : il n'a pas été émis par l'office de tourisme."),
    "malformed": _l("Ce numéro n'a pas la bonne forme : 10 caractères, par exemple ABCDE-FGHJK."),
    "replaced": _l("Carte remplacée : son titulaire a reçu une nouvelle carte, celle-ci ne vaut plus."),
    "expired": _l("Carte expirée : son titulaire peut la renouveler depuis son espace."),
    "not_ambassador": _l("Le titulaire de cette carte n'est plus ambassadeur."),
    "paused": _l("Carte suspendue : son titulaire a mis son engagement en pause."),
    "left": _l("Carte arrêtée : son titulaire a quitté le réseau des ambassadeurs."),
    "manifesto_overdue": _l("Carte suspendue : son titulaire doit signer la nouvelle version du manifeste."),
    "consent_missing": _l("Carte suspendue : l'accord d'un parent n'est pas encore enregistré."),
    "inactive": _l("Carte suspendue pour le moment."),
}


def card_refusal(code: str) -> str:
    return str(CARD_REFUSALS.get(code, CARD_REFUSALS["inactive"]))
