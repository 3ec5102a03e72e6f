"""`learnapp visits …`: import a season's programme, list it, send tomorrow's reminders.

Messages in the command line's language (French unless LANG or LEARNAPP_LANG asks for English)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learnapp.core.messages import N_, translate
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import booking, programme, reminders, rules
from learnapp.visits.models import Visit, VisitSession


@click.group("visits")
def visits():
    """Visites guidées : programme, rappels."""


@visits.command("import")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def import_command(path: Path):
    """Importe un programme CSV (visit,start,end,seats,guide_email[,booking_opens,booking_closes,
    cancel_until]) : tout ou rien, sans doublon si on le relance."""
    try:
        report = programme.import_programme(path, now=utcnow())
    except programme.ImportFailed as failure:
        db.session.rollback()
        for problem in failure.problems:
            click.echo(problem.display(), err=True)
        click.echo(translate(N_("Rien n'a été importé (%(count)s problème(s))."),
                             {"count": len(failure.problems)}), err=True)
        sys.exit(1)
    db.session.commit()
    for note in report.notes:
        click.echo(note.display())
    click.echo(translate(N_("%(created)s séance(s) créée(s), %(updated)s modifiée(s), %(unchanged)s inchangée(s)."),
                         {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}))


@visits.command("list")
@with_appcontext
def list_command():
    """Chaque visite et ses séances à venir : début, places prises / capacité, liste d'attente."""
    now = utcnow()
    for visit in db.session.scalars(select(Visit).order_by(Visit.slug)):
        click.echo(visit.slug)
        sessions = db.session.scalars(select(VisitSession).where(
            VisitSession.visit_id == visit.id, VisitSession.starts_at > now).order_by(VisitSession.starts_at))
        for session in sessions:
            state = translate(N_(" (annulée)")) if session.status == rules.CANCELLED else ""
            click.echo(f"  {rules.local(session.starts_at):%Y-%m-%d %H:%M}  "
                       f"{session.taken}/{session.capacity}  "
                       + translate(N_("attente %(count)s"), {"count": booking.waitlist_length(session.id)})
                       + state)


@visits.command("remind")
@with_appcontext
def remind_command():
    """Met en file les rappels de la veille (à lancer par cron ; deux passages n'envoient rien
    deux fois)."""
    sent = reminders.send_reminders(now=utcnow())
    db.session.commit()
    click.echo(translate(N_("%(count)s rappel(s) mis en file d'envoi."), {"count": sent}))
