"""News that travels up the domains (see STYLE.md): senders here, receivers in later domains."""

from blinker import Namespace

signals = Namespace()

# sender: the learner (User); kwargs: course, tier, score, attempt
tier_passed = signals.signal("tier-passed")
# sender: the certificate; kwargs: recipient
certificate_issued = signals.signal("certificate-issued")
# sender: the attendance record; kwargs: user, visit
visit_attended = signals.signal("visit-attended")
# sender: the certificate; kwargs: recipient (User), actor (User), reason (str). Sent by the
# certificates' revoke service; ambassadors lower a level that no longer holds.
certificate_revoked = signals.signal("certificate-revoked")
