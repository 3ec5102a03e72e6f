"""The news ambassadors listen to: a certificate issued or revoked, a visit attended.

Each receiver runs inside the sender's transaction (the certificate issued, the guide's mark):
the level changes with the news or not at all.
"""

from __future__ import annotations

from learnapp.ambassadors import levels
from learnapp.certificates import rules as certificate_rules
from learnapp.core.signals import certificate_issued, certificate_revoked, visit_attended


def _on_certificate_issued(certificate, *, recipient, **_):
    levels.evaluate(recipient, certificate.issued_at,
                    cause=f"certificate:{certificate_rules.display_code(certificate.code)}")


def _on_visit_attended(record, *, user, visit=None, **_):
    if user is None:
        return
    levels.evaluate(user, record.marked_at, cause=f"visit:{record.booking.session_id}")


def _on_certificate_revoked(certificate, *, recipient, actor=None, now=None, **_):
    if recipient is None:
        return
    levels.evaluate(recipient, now or certificate.revoked_at, may_fall=True, actor=actor,
                    cause=f"revoked:{certificate_rules.display_code(certificate.code)}")


def connect(app) -> None:
    # Once per process (blinker keeps one entry per receiver); each reads the app it runs in.
    certificate_issued.connect(_on_certificate_issued)
    visit_attended.connect(_on_visit_attended)
    certificate_revoked.connect(_on_certificate_revoked)
