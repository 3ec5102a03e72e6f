"""`learnapp ambassadors …`: lower the levels that an expired certificate no longer holds."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from learnapp.core.messages import N_, translate
from learnapp.db import utcnow
from learnapp.extensions import db


@click.group("ambassadors")
def ambassadors():
    """Ambassadeurs : niveaux."""


@ambassadors.command("expire")
@with_appcontext
def expire_command():
    """Revoit les niveaux des ambassadeurs dont un certificat a expiré (à lancer chaque nuit)."""
    from learnapp.ambassadors import levels

    changed = levels.sweep_expired(utcnow())
    db.session.commit()
    click.echo(translate(N_("%(count)s niveau(x) revu(s) après l'expiration d'un certificat."), {"count": changed}))
