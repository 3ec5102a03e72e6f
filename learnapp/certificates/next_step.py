"""The certificates' next step on a signed-in person's home page (the ``next_step`` slot):
a certificate earned in the last days, to download and share."""

from __future__ import annotations

from datetime import timedelta

from flask import url_for
from flask_babel import get_locale
from markupsafe import Markup
from sqlalchemy import bindparam, select

from learnapp.certificates.models import Achievement, Certificate
from learnapp.core.i18n import _
from learnapp.core.next_steps import step
from learnapp.db import utcnow
from learnapp.extensions import db

# "Just earned": the step stays on the home page for a week, then the certificates panel
# (learner_home) keeps the list.
RECENT = timedelta(days=7)


# Built once: the home page runs it on every signed-in visit.
_RECENT = (select(Achievement.names).join(Certificate, Certificate.achievement_id == Achievement.id)
           .where(Certificate.user_id == bindparam("user_id"), Certificate.issued_at >= bindparam("since"),
                  Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None))
           .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(1))


def recent_certificate(user, now):
    """The names (by language) of the newest valid certificate issued to ``user`` since
    ``now - RECENT``, or None: one query on the certificate's user index."""
    return db.session.scalar(_RECENT, {"user_id": user.id, "since": now - RECENT})


def next_step(user=None, **_arguments) -> Markup | None:
    if user is None or not user.is_authenticated:
        return None
    names = recent_certificate(user, utcnow())
    if names is None:
        return None
    name = names.get(str(get_locale())) or names.get("fr") or next(iter(names.values()), "")
    return step("certificates", _("Certificat"),
                _("Nouveau certificat : « %(name)s ». Téléchargez-le ou partagez-le", name=name),
                url_for("certificates.mine"))
