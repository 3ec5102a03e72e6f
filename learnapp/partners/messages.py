"""What each refusal code of partners says, in the reader's language."""

from __future__ import annotations

from flask_babel import format_date

from learnapp.cards.messages import card_refusal
from learnapp.core.i18n import _, _l

OFFER_REFUSALS = {
    "offer_closed": _l("Cette offre n'est plus proposée."),
    "offer_not_started": _l("Cette offre n'a pas encore commencé."),
    "offer_ended": _l("Cette offre est terminée."),
    "age_group": _l("Cette offre n'est pas proposée à cette tranche d'âge."),
    "level": _l("Le niveau de cette carte est inférieur à celui que demande l'offre."),
    "limit_reached": _l("Déjà accordée pour cette période."),
    "already_recorded": _l("Cet avantage vient déjà d'être enregistré (double envoi) : rien de plus n'a été compté."),
    "offer_elsewhere": _l("Cette offre n'appartient pas à votre structure."),
    "not_a_partner": _l("Votre compte n'est rattaché à aucun partenaire : demandez à l'office de le faire."),
}

FREQUENCY_LABELS = {
    "day": _l("une fois par jour"),
    "week": _l("une fois par semaine"),
    "month": _l("une fois par mois"),
    "season": _l("une fois par saison"),
    "unlimited": _l("sans limite"),
}

KIND_LABELS = {
    "site": _l("Site ou monument"),
    "museum": _l("Musée"),
    "shop": _l("Commerce"),
    "restaurant": _l("Restaurant ou café"),
    "activity": _l("Activité ou loisir"),
    "other": _l("Autre"),
}

STAFF_PROBLEMS = {
    "account_unknown": _l("Aucun compte n'a cette adresse e-mail : la personne doit d'abord créer son compte."),
    "account_taken": _l("Ce compte agit déjà pour un partenaire."),
    "name_taken": _l("Un partenaire porte déjà ce nom."),
    "title_missing": _l("Donnez un titre à l'offre."),
    "frequency_unknown": _l("Choisissez une fréquence."),
    "level_unknown": _l("Choisissez un niveau minimum."),
    "age_group_unknown": _l("Tranche d'âge inconnue."),
    "dates_reversed": _l("La fin de validité précède son début."),
}


def offer_refusal(code: str, next_day=None) -> str:
    if code == "limit_reached" and next_day is not None:
        return _("Déjà accordée pour cette période : à nouveau possible le %(date)s.",
                 date=format_date(next_day, "full"))
    if code.startswith("card_"):
        return card_refusal(code.removeprefix("card_"))
    return str(OFFER_REFUSALS.get(code) or STAFF_PROBLEMS.get(code) or code)


def rank_label(rank: int) -> str:
    """« à partir du niveau 2 (Ambassadeur confirmé) » style label for a minimum level rank."""
    if rank <= 0:
        return _("Tout ambassadeur")
    names = level_names(rank)
    if names:
        return _("Niveau %(rank)s et plus (%(names)s)", rank=rank, names=", ".join(names))
    return _("Niveau %(rank)s et plus", rank=rank)


def level_names(rank: int) -> list[str]:
    from learnapp.ambassadors.standing import levels_for
    from learnapp.core.age_groups import ALL

    names = []
    for group in ALL:
        names += [str(level.label) for level in levels_for(group) if level.rank == rank]
    return names
