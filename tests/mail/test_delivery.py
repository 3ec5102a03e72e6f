"""Mail goes through a real SMTP server on 127.0.0.1 (aiosmtpd), not a mock."""

import email
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from sqlalchemy import select

from learnapp.mail import services
from learnapp.mail.models import OutboxMessage


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(email.message_from_bytes(message.as_bytes(), policy=policy.default))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def test_mail_send_delivers_pending_messages(app, db, runner, smtp_server):
    from learnapp.db import utcnow

    now = utcnow()
    controller, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port)
    services.queue("camille@example.org", "Bienvenue à Granville", "Bonjour Camille, à bientôt.",
                   now - timedelta(minutes=1))
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 0, result.output
    assert "sent: 1" in result.output
    assert len(inbox.messages) == 1
    received = inbox.messages[0]
    assert received["To"] == "camille@example.org"
    assert received["Subject"] == "Bienvenue à Granville"
    assert "Bonjour Camille" in received.get_content()
    assert db.session.scalar(select(OutboxMessage)).sent_at is not None
    # Nothing is sent twice.
    runner.invoke(args=["mail", "send"])
    assert len(inbox.messages) == 1


def test_failures_are_recorded_and_retried(app, db, now, smtp_server):
    controller, inbox = smtp_server
    message = services.queue("a@example.org", "Sujet", "Corps", now)
    db.session.commit()
    dead = services.SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    assert services.deliver_pending(dead, now) == (0, 1)
    assert message.attempts == 1 and message.last_error and message.sent_at is None
    assert message.next_attempt_at > now
    # Not due yet: nothing is tried.
    alive = services.SmtpSettings(host="127.0.0.1", port=controller.port)
    assert services.deliver_pending(alive, now) == (0, 0)
    assert services.deliver_pending(alive, message.next_attempt_at) == (1, 0)
    assert len(inbox.messages) == 1 and message.last_error is None


def test_staff_read_the_outbox_and_learners_cannot(client, db, make_user, login, now):
    services.queue("a@example.org", "Lien de connexion", "Le corps du message", now)
    db.session.commit()
    login(make_user())
    assert client.get("/office/mail/").status_code == 403
    client.post("/logout")
    login(make_user("staff"))
    page = client.get("/office/mail/").get_data(as_text=True)
    assert "Lien de connexion" in page and "Le corps du message" in page
