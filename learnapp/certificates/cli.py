"""`learnapp certificates verify FILE` (offline, no database) and `learnapp keys rotate`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from learnapp.certificates import keys, verification
from learnapp.db import utcnow


@click.group("certificates", help="Certificates: check a credential file offline.")
def certificates_group():
    pass


@certificates_group.command("verify", help="Check a certificate file (.jwt, or the JSON of a "
                                           "signed certificate's token) without the database.")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--jwks", "jwks_file", type=click.Path(path_type=Path, dir_okay=False),
              help="The office's published keys (/.well-known/jwks.json); default: this instance's keys.")
@click.option("--issuer", "issuer_id", help="The issuer's id; default: BASE_URL/certificates/issuer.")
@with_appcontext
def verify_command(file: Path, jwks_file: Path | None, issuer_id: str | None):
    try:
        raw = file.read_bytes()[:verification.MAX_UPLOAD_BYTES + 1]
    except OSError as error:
        _refuse(error.strerror or str(error))
    if jwks_file is not None:
        try:
            jwks = json.loads(jwks_file.read_text())
            if not isinstance(jwks, dict):
                raise ValueError
        except (OSError, ValueError):
            _refuse(f"{jwks_file}: not a JWKS (JSON with \"keys\")")
    else:
        jwks = keys.published(current_app.instance_path)
    issuer_id = issuer_id or current_app.config["BASE_URL"].rstrip("/") + "/certificates/issuer"
    upload = verification.read_upload(raw)
    if upload.problem is not None:
        _refuse(upload.problem.text())
    if upload.token is None:
        _refuse(verification.MESSAGES.problem("unsigned_json").text())
    verdict = verification.verify_token(upload.token, jwks, issuer_id=issuer_id, now=utcnow())
    if not verdict.ok:
        _refuse(verdict.problem.text())
    subject = verdict.credential["credentialSubject"]
    names = [entry.get("identityHash") for entry in subject.get("identifier", []) if isinstance(entry, dict)]
    click.echo(f"OK: {verdict.credential['name']} — {', '.join(filter(None, names))} "
               f"({verdict.credential['validFrom'][:10]}, key {verdict.kid})")
    click.echo("Revocation is not checked offline: open the verify page of its code.")


def _refuse(reason: str):
    click.echo(reason, err=True)
    sys.exit(1)


@click.group("keys", help="The office's signing keys (instance/signing-keys.json).")
def keys_group():
    pass


@keys_group.command("rotate", help="Make a new signing key; old public keys stay published.")
@with_appcontext
def rotate_command():
    kid = keys.rotate(current_app.instance_path, utcnow())
    click.echo(f"New signing key: {kid}")


@keys_group.command("init", help="Create the first signing key if there is none.")
@with_appcontext
def init_command():
    created = keys.ensure(current_app.instance_path, utcnow())
    click.echo("Signing key created." if created else "A signing key exists already.")
