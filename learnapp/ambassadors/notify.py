"""E-mails to ambassadors, through the outbox, in the recipient's language."""

from __future__ import annotations

from datetime import datetime

from flask import current_app, render_template, url_for

from learnapp.ambassadors.models import LevelChange
from learnapp.ambassadors.standing import LocalizedText
from learnapp.auth.models import User
from learnapp.core.i18n import _
from learnapp.mail import services as mail
from learnapp.visits.notify import recipient_language


def level_reached(user: User, change: LevelChange, *, now: datetime) -> None:
    if not user.email:
        return  # a child's account has no address: the page tells them
    with recipient_language(user):
        label = str(LocalizedText(change.level.names if change.level else {}))
        base = current_app.config["BASE_URL"].rstrip("/")
        body = render_template("ambassadors/mail/level_reached.txt", user=user, label=label,
                               link=base + url_for("ambassadors.me"))
        mail.queue(user.email, _("Nouveau niveau d'ambassadeur : %(level)s", level=label), body, now)
