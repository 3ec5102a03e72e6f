"""Mail goes through a real SMTP server on 127.0.0.1 (aiosmtpd), not a mock."""

import email
import re
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


@pytest.mark.parametrize("settings", [
    {"user": "someone", "password": "secret"},  # the server offers no AUTH
    {"starttls": True},                          # the server offers no STARTTLS
])
def test_a_refused_login_or_starttls_is_recorded_not_a_crash(app, db, now, smtp_server, settings):
    controller, inbox = smtp_server
    message = services.queue("a@example.org", "Sujet", "Corps", now)
    db.session.commit()
    refused = services.SmtpSettings(host="127.0.0.1", port=controller.port, **settings)
    assert services.deliver_pending(refused, now) == (0, 1)
    assert message.attempts == 1 and message.last_error and message.sent_at is None
    assert message.next_attempt_at > now and inbox.messages == []


def test_mail_send_reports_a_refused_login_and_keeps_the_message(app, db, runner, smtp_server):
    from learnapp.db import utcnow

    controller, inbox = smtp_server
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_USER="someone",
                      SMTP_PASSWORD="secret")
    services.queue("a@example.org", "Sujet", "Corps", utcnow() - timedelta(minutes=1))
    db.session.commit()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "failed: 1" in result.output
    assert db.session.scalar(select(OutboxMessage)).last_error


def test_one_malformed_message_does_not_stop_the_others(app, db, now, smtp_server):
    controller, inbox = smtp_server
    broken = services.queue("a@example.org\r\nBcc: everyone@example.org", "Sujet", "Corps", now)
    fine = services.queue("b@example.org", "Sujet", "Corps", now)
    db.session.commit()
    alive = services.SmtpSettings(host="127.0.0.1", port=controller.port)
    assert services.deliver_pending(alive, now) == (1, 1)
    assert broken.sent_at is None and broken.last_error
    assert fine.sent_at is not None
    assert [m["To"] for m in inbox.messages] == ["b@example.org"]


@pytest.mark.parametrize("mode", ["production", "development", "testing"])
def test_staff_cannot_take_over_an_account_from_the_outbox(app, client, db, make_user, login,
                                                           runner, mode):
    """A staff member asks for the admin's password reset, then reads the outbox: the message is
    there, its link is not, in every mode; the machine's owner reads it whole from the CLI."""
    app.config["ENV"] = mode
    admin = make_user("admin")
    client.post("/password/forgot", data={"email": admin.email})
    message = db.session.scalars(select(OutboxMessage)).one()
    link = re.search(r"http://localhost/password/reset/(\S+)", message.body)
    assert link, message.body
    token = link.group(1)

    login(make_user("staff"))
    page = client.get("/office/mail/").get_data(as_text=True)
    assert admin.email in page and "nouveau mot de passe" in page  # the message is shown…
    assert token not in page and "/password/reset/" not in page     # …its link is not
    assert "[lien personnel masqué]" in page
    english = client.get("/office/mail/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "[personal link hidden]" in english and token not in english

    shown = runner.invoke(args=["mail", "show", str(message.id)])
    assert shown.exit_code == 0, shown.output
    assert f"http://localhost/password/reset/{token}" in shown.output
    assert admin.email in shown.output


def test_mail_show_refuses_an_unknown_message(runner, db):
    result = runner.invoke(args=["mail", "show", "999"])
    assert result.exit_code != 0
    assert "Aucun message n° 999" in result.output


def test_every_kind_of_link_is_masked():
    from learnapp.mail.rules import mask_links

    body = ("Ouvrez https://ambassadeurs.example.org/password/reset/abc.DEF-123_x?next=/a#b\n"
            "ou http://localhost/account/email/confirm/tok.en, puis ftp://x.y/z.\nFin.")
    assert mask_links(body, "[M]") == "Ouvrez [M]\nou [M] puis [M]\nFin."
