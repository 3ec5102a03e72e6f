"""`learnapp office …`: the monthly report; forgetting stored charts; rebuilding the kept funnel and counts.

Messages in the command line's language (French unless --lang en or LEARNAPP_LANG=en)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext
from flask_babel import force_locale

from learnapp.core import chart_cache
from learnapp.core.messages import N_, cli_locale, translate
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.office import milestones, period_rates, report, rules, session_marks
from learnapp.office.rules import FilterError


@click.group("office")
def office():
    """Office : rapport mensuel, graphiques."""


@office.command("report")
@click.option("--month", "month", required=True, help="YYYY-MM")
@click.option("--format", "fmt", type=click.Choice(("pdf", "html")), default="pdf", show_default=True)
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="rapport-office-YYYY-MM.pdf")
@with_appcontext
def report_command(month: str, fmt: str, output: Path | None):
    """Écrit le rapport d'un mois (PDF ou HTML) : taux de certification, parcours, visites, graphiques."""
    today = rules.office_today(utcnow())
    try:
        period = rules.parse_period("month", month, today)
    except FilterError as error:
        click.echo(translate(error.message, error.params), err=True)
        sys.exit(2)
    with force_locale(cli_locale()):
        body = report.render(period, today, fmt=fmt)
    output = output or Path(f"rapport-office-{month}.{fmt}")
    output.write_bytes(body)
    click.echo(translate(N_("Rapport écrit : %(path)s (%(size)s octets)."), {"path": output, "size": len(body)}))


@office.command("charts-clear")
@with_appcontext
def charts_clear_command():
    """Oublie les graphiques enregistrés (ils seront redessinés à la demande)."""
    click.echo(translate(N_("%(count)s graphique(s) oublié(s)."), {"count": chart_cache.clear()}))


@office.command("rebuild-funnel")
@with_appcontext
def rebuild_funnel_command():
    """Recalcule la profondeur de chacun dans le parcours (après une modification des leçons)."""
    db.session.rollback()  # the rebuild's first statement must be its first write (SQLite's lock)
    kept = milestones.rebuild()
    db.session.commit()
    click.echo(translate(N_("Parcours recalculé : %(count)s apprenant(s) ayant ouvert une leçon."), {"count": kept}))


@office.command("rebuild-counts")
@with_appcontext
def rebuild_counts_command():
    """Recalcule les taux de certification par période et les présences par séance (après des lignes
    écrites hors des services)."""
    db.session.rollback()  # the rebuild's first statement must be its first write (SQLite's lock)
    rates, sessions = period_rates.rebuild(), session_marks.rebuild()
    db.session.commit()
    click.echo(translate(N_("Taux par période recalculés : %(rates)s ligne(s) ; présences : %(sessions)s séance(s)."),
                         {"rates": rates, "sessions": sessions}))
