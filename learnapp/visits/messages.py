"""What each VisitError code says to the user, in their language, and its status code."""

from __future__ import annotations

from learnapp.core.i18n import _
from learnapp.visits import rules
from learnapp.visits.errors import VisitError

MESSAGES = {
    "cancelled": (409, lambda p: _("Cette séance est annulée : on ne peut plus la réserver.")),
    "past": (409, lambda p: _("Cette séance a déjà commencé ou est passée.")),
    "not_open": (409, lambda p: _("Les réservations pour cette séance ne sont pas encore ouvertes.")),
    "closed": (409, lambda p: _("Les réservations pour cette séance sont closes.")),
    "audience": (403, lambda p: _("Cette visite n'est pas prévue pour votre tranche d'âge.")),
    "email": (403, lambda p: _("Confirmez d'abord votre adresse e-mail (le lien est dans le message reçu "
                               "à l'inscription) : c'est là que nous envoyons la confirmation.")),
    "seats_invalid": (400, lambda p: _("Le nombre de places doit être d'au moins 1.")),
    "seats_limit": (400, lambda p: _("Au plus %(max)s places par réservation.", max=rules.MAX_SEATS_PER_BOOKING)),
    "children_adult_only": (400, lambda p: _("Seul un adulte peut réserver des places pour des enfants.")),
    "children_names": (400, lambda p: _("Donnez un prénom (%(max)s caractères au plus) pour chaque place en plus "
                                        "de la vôtre, un par ligne.", max=rules.CHILD_NAME_MAX)),
    "no_groups": (403, lambda p: _("Cette visite n'accueille pas de groupes scolaires.")),
    "group_seats_limit": (400, lambda p: _("Au plus %(max)s places pour un groupe.", max=rules.MAX_GROUP_SEATS)),
    "already_booked": (409, lambda p: _("Vous avez déjà une réservation pour cette séance.")),
    "overlap": (409, lambda p: _("Vous avez déjà une réservation à une séance qui a lieu en même temps.")),
    "already_cancelled": (409, lambda p: _("Cette réservation est déjà annulée.")),
    "deadline": (409, lambda p: _("Le délai d'annulation est passé : contactez l'office de tourisme.")),
    "capacity_below_taken": (409, lambda p: _("Il y a déjà plus de places réservées que ce nombre.")),
    "session_cancelled": (409, lambda p: _("Cette séance est annulée.")),
    "not_on_roster": (404, lambda p: _("Cette personne n'est pas sur la liste de cette séance.")),
    "roster_not_open": (409, lambda p: _("La liste d'appel s'ouvre une heure avant le début.")),
    "roster_closed": (409, lambda p: _("La liste d'appel est close : seule l'équipe de l'office peut la corriger.")),
    "roster_too_early": (409, lambda p: _("On ne peut clore la liste d'appel qu'une fois la séance commencée.")),
    "slug_invalid": (400, lambda p: _("Identifiant court : lettres minuscules sans accent, chiffres et tirets.")),
    "slug_taken": (409, lambda p: _("Une visite porte déjà cet identifiant court.")),
    "audiences": (400, lambda p: _("Choisissez au moins un public.")),
    "duration": (400, lambda p: _("La durée doit être positive.")),
    "map_url": (400, lambda p: _("Le lien du plan doit commencer par https:// ou http://.")),
    "markdown": (400, lambda p: _("Description : %(message)s", message=p.get("message", ""))),
    "cover": (400, lambda p: _("L'image de couverture doit être un PNG ou un JPEG de 5 Mo au plus.")),
    "no_dates": (400, lambda p: _("Aucune date choisie.")),
    "too_many": (400, lambda p: _("Au plus %(max)s séances à la fois.", max=p.get("max"))),
    "capacity": (400, lambda p: _("Le nombre de places doit être positif.")),
    "end_before_start": (400, lambda p: _("La fin doit venir après le début.")),
    "start_past": (400, lambda p: _("Une séance ne peut pas commencer dans le passé.")),
    "duplicate_start": (409, lambda p: _("Il y a déjà une séance de cette visite le %(when)s.", when=p.get("when"))),
    "guide_clash": (409, lambda p: _("Le guide a déjà une séance au même moment (%(when)s).", when=p.get("when"))),
}


def describe(error: VisitError) -> tuple[int, str]:
    status, words = MESSAGES[error.code]
    return status, words(error.params)
