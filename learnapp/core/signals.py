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
# sender: the person's user id. Sent in the transaction that changed what a person has done: a
# lesson opened or finished, an attempt graded, an attendance mark set or corrected, a pupil's
# progress erased, an ambassador level changed. The office keeps each person's depth in its
# funnel (office/milestones.py).
activity_changed = signals.signal("activity-changed")
# sender: the attempt, just graded (in the grading transaction). The office keeps its
# certification rates per period (office/period_rates.py).
attempt_graded = signals.signal("attempt-graded")
# sender: a visit session's id. Sent when who was present or absent at it may have changed: an
# attendance mark set or corrected, a confirmed booking cancelled. The office keeps its
# present/absent counts per session (office/session_marks.py).
roster_changed = signals.signal("roster-changed")
# sender: the lesson. Sent when a lesson gets its first text (what "finished a course" means
# changes); the office rebuilds its kept funnel at the commit.
lessons_changed = signals.signal("lessons-changed")
