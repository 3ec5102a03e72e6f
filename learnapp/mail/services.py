from __future__ import annotations

import smtplib
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from sqlalchemy import or_, select

from learnapp.extensions import db
from learnapp.mail import rules
from learnapp.mail.models import OutboxMessage


def queue(recipient: str, subject: str, body: str, now: datetime) -> OutboxMessage:
    """Put a message in the outbox; `learnapp mail send` delivers it."""
    message = OutboxMessage(recipient=recipient, subject=subject, body=body, created_at=now,
                            next_attempt_at=now)
    db.session.add(message)
    db.session.flush()
    return message


def pending(now: datetime) -> list[OutboxMessage]:
    return list(db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at.is_not(None))
        .where(or_(OutboxMessage.next_attempt_at <= now))
        .order_by(OutboxMessage.id)
    ))


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str = ""
    password: str = ""
    starttls: bool = False
    timeout: float = 10
    sender: str = "no-reply@localhost"

    @classmethod
    def from_config(cls, config) -> SmtpSettings:
        return cls(host=config["SMTP_HOST"], port=int(config["SMTP_PORT"]),
                   user=config["SMTP_USER"], password=config["SMTP_PASSWORD"],
                   starttls=bool(config["SMTP_STARTTLS"]), timeout=float(config["SMTP_TIMEOUT"]),
                   sender=config["MAIL_FROM"])


def _as_email(message: OutboxMessage, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.recipient
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(domain="learnapp")
    email.set_content(message.body)
    return email


def deliver_pending(settings: SmtpSettings, now: datetime) -> tuple[int, int]:
    """Send what is due; failures are recorded for a later retry. Returns (sent, failed)."""
    sent = failed = 0
    messages = pending(now)
    if not messages:
        return 0, 0
    smtp = None
    try:
        smtp = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        if settings.starttls:
            smtp.starttls()
        if settings.user:
            smtp.login(settings.user, settings.password)
    except OSError as error:  # smtplib.SMTPException is an OSError
        # Cannot connect, no STARTTLS, wrong credentials: every message waits for a retry.
        for message in messages:
            _record_failure(message, str(error), now)
        if smtp is not None:
            smtp.close()
        db.session.flush()
        return 0, len(messages)
    try:
        for message in messages:
            try:
                smtp.send_message(_as_email(message, settings.sender))
            except (OSError, ValueError) as error:  # refused, disconnected, malformed header
                _record_failure(message, str(error), now)
                failed += 1
            else:
                message.attempts += 1
                message.sent_at = now
                message.next_attempt_at = None
                message.last_error = None
                sent += 1
    finally:
        try:
            smtp.quit()
        except OSError:
            smtp.close()
    db.session.flush()
    return sent, failed


def _record_failure(message: OutboxMessage, error: str, now: datetime) -> None:
    message.attempts += 1
    message.last_error = error[:500]
    message.next_attempt_at = rules.next_attempt(now, message.attempts)
