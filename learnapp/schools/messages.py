"""What each SchoolError code says to the user, in their language, and its status code."""

from __future__ import annotations

from learnapp.core.i18n import _
from learnapp.schools import rules
from learnapp.schools.errors import SchoolError

MESSAGES = {
    "school_name": (400, lambda d: _("Donnez un nom d'établissement lisible.")),
    "school_taken": (409, lambda d: _("Un établissement porte déjà ce nom.")),
    "invitation_invalid": (404, lambda d: _("Ce lien d'invitation n'est pas valide. Vérifiez qu'il est complet.")),
    "invitation_used": (409, lambda d: _("Ce lien d'invitation a déjà servi. Connectez-vous avec votre compte.")),
    "invitation_expired": (410, lambda d: _("Ce lien d'invitation a expiré. Demandez-en un nouveau à l'office.")),
    "invitation_other_account": (403, lambda d: _("Cette invitation est pour une autre adresse : déconnectez-vous "
                                                  "d'abord.")),
    "not_your_school": (403, lambda d: _("Vous n'enseignez pas dans cet établissement.")),
    "class_name": (400, lambda d: _("Donnez un nom de classe lisible (80 caractères au plus).")),
    "school_year": (400, lambda d: _("L'année scolaire s'écrit comme 2026-2027.")),
    "no_class": (404, lambda d: _("Cette classe n'existe pas ou n'est pas la vôtre.")),
    "no_pupil": (404, lambda d: _("Cet élève n'existe pas ou n'est pas dans cette classe.")),
    "no_colleague": (404, lambda d: _("Aucun enseignant de cet établissement n'a cette adresse.")),
    "first_name": (400, lambda d: _("Le prénom doit faire de 1 à %(max)s caractères lisibles.",
                                    max=rules.FIRST_NAME_MAX)),
    "initial": (400, lambda d: _("Donnez l'initiale du nom (une lettre).")),
    "birth_year": (400, lambda d: _("Cette année de naissance n'est pas possible pour un élève (de %(min)s à "
                                    "%(max)s ans cette année).", min=rules.PUPIL_MIN_AGE, max=rules.PUPIL_MAX_AGE)),
    "code_unknown": (404, lambda d: _("Ce code de classe n'existe pas. Vérifie-le sur ta carte ou demande à "
                                      "ton enseignant.")),
    "code_archived": (410, lambda d: _("Cette classe est archivée : son code ne sert plus. Demande le nouveau "
                                       "code à ton enseignant.")),
    "consent_future": (400, lambda d: _("La date de collecte ne peut pas être dans le futur.")),
    "no_course": (404, lambda d: _("Ce cours n'existe pas ou n'est pas publié.")),
    "tiers": (400, lambda d: _("Ce cours n'a pas autant de niveaux de quiz.")),
    "due_past": (400, lambda d: _("La date limite ne peut pas être passée.")),
    "no_assignment": (404, lambda d: _("Ce devoir n'existe pas dans cette classe.")),
    "archived": (409, lambda d: _("Cette classe est archivée.")),
    "no_pupils_chosen": (400, lambda d: _("Choisissez au moins un élève.")),
    "same_class": (400, lambda d: _("Choisissez une autre classe que celle-ci.")),
    "no_target": (404, lambda d: _("Cette classe n'existe pas ou n'est pas la vôtre.")),
    "no_job": (404, lambda d: _("Ce téléchargement n'existe pas.")),
    "job_running": (409, lambda d: _("Les certificats ne sont pas encore prêts.")),
    "no_visit_session": (404, lambda d: _("Cette séance n'existe pas ou n'accueille pas de groupes scolaires.")),
    "no_group_visit": (404, lambda d: _("Cette réservation de groupe n'existe pas.")),
}


def describe(error: SchoolError) -> tuple[int, str]:
    status, words = MESSAGES[error.code]
    return status, words(error.detail)


ROSTER_MESSAGES = {
    "too_big": lambda d: _("Le fichier est trop gros (512 Ko au plus)."),
    "encoding": lambda d: _("Ce fichier n'est pas un texte CSV lisible : enregistrez-le en « CSV (séparateur : "
                            "point-virgule) » ou en UTF-8."),
    "empty": lambda d: _("Le fichier ne contient aucun élève."),
    "delimiter": lambda d: _("Les colonnes doivent être séparées par « ; » ou « , »."),
    "columns": lambda d: _("Colonnes manquantes dans l'en-tête : %(columns)s. Il faut : prénom ; initiale ; "
                           "année de naissance.", columns=d),
    "too_many": lambda d: _("Trop de lignes : %(max)s élèves au plus par fichier.", max=d),
    "first_name_missing": lambda d: _("prénom manquant."),
    "first_name_invalid": lambda d: _("prénom illisible ou trop long : « %(value)s ».", value=d),
    "initial_missing": lambda d: _("initiale du nom manquante."),
    "birth_year_invalid": lambda d: _("année de naissance illisible : « %(value)s ».", value=d),
    "birth_year_range": lambda d: _("année de naissance impossible pour un élève : %(value)s.", value=d),
}


def roster_problem(problem: rules.Problem) -> str:
    words = ROSTER_MESSAGES[problem.code](problem.detail)
    if problem.line:
        return _("Ligne %(line)s : %(problem)s", line=problem.line, problem=words)
    return words
