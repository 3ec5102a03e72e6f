import click
from flask import current_app

from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.mail import services
from learnapp.mail.models import OutboxMessage


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


@mail.command("show", help="Print one outbox message whole, links included (the web page masks them).")
@click.argument("message_id", type=int)
def show(message_id: int):
    # Whoever runs commands on the machine already holds the database and the secret key:
    # the whole message, single-use links included, is theirs to read (the demo's "see the mail").
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise click.ClickException(f"Aucun message n° {message_id} dans la boîte d'envoi.")
    if message.sent_at:
        status = f"envoyé le {message.sent_at:%Y-%m-%d %H:%M} UTC"
    elif message.last_error:
        status = f"échec ({message.attempts} essai(s)) : {message.last_error}"
    else:
        status = "en attente"
    click.echo(f"À : {message.recipient}")
    click.echo(f"Objet : {message.subject}")
    click.echo(f"Écrit le {message.created_at:%Y-%m-%d %H:%M} UTC · {status}")
    click.echo("")
    click.echo(message.body)
