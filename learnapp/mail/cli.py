import click
from flask import current_app

from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.mail import services


@click.group(help="Outgoing e-mail.")
def mail():
    pass


@mail.command("send", help="Deliver the messages waiting in the outbox through SMTP.")
def send():
    settings = services.SmtpSettings.from_config(current_app.config)
    sent, failed = services.deliver_pending(settings, utcnow())
    db.session.commit()
    click.echo(f"sent: {sent}, failed: {failed}")
    if failed:
        raise SystemExit(1)
