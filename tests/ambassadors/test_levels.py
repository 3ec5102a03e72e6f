"""Levels follow the real signals: a certificate issued, a visit attended, a signature; they fall
only on a certificate revoked or expired (audited); the person reads what comes next in words."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from learnapp.ambassadors import levels, manifesto, membership, progress
from learnapp.ambassadors.errors import AmbassadorError
from learnapp.ambassadors.models import LevelChange
from learnapp.ambassadors.standing import levels_for, standing_of
from learnapp.auth.models import AuditEntry
from learnapp.certificates import services as certificates
from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage


def changes(user):
    return list(reversed(levels.history(user.id)))


def test_signing_makes_an_ambassador_without_a_level_until_the_first_rule_holds(db, ambassador, now):
    user = ambassador()
    standing = standing_of(db.session, user, now)
    assert (standing.status, standing.active, standing.level_rank, standing.level_code) == ("joined", True, 0, None)
    assert str(standing.level_label) == ""
    assert changes(user) == []


def test_a_certificate_raises_the_level_with_its_cause_and_an_email(app, db, ambassador, give, now):
    user = ambassador()
    certificate = give(user, 1, now)
    standing = standing_of(db.session, user, now)
    assert (standing.level_code, standing.level_rank, str(standing.level_label)) == ("ambassadeur", 1, "Ambassadeur")
    [change] = changes(user)
    assert (change.from_rank, change.to_rank, change.changed_at) == (0, 1, now)
    assert change.cause == f"certificate:{certificate.code[:5]}-{certificate.code[5:]}"
    outbox = select(OutboxMessage).where(OutboxMessage.recipient == user.email)
    subjects = [message.subject for message in db.session.scalars(outbox)]
    assert "Nouveau niveau d'ambassadeur : Ambassadeur" in subjects


def test_the_next_level_is_said_in_words(app, db, ambassador, give, now):
    user = ambassador()
    give(user, 1, now)
    with app.test_request_context():
        state = progress.of(user, now)
        assert str(state.next_label) == "Ambassadeur confirmé"
        assert state.needs == "encore le palier 2 et 1 visite guidée"
    with app.test_request_context(), force_locale("en"):
        state = progress.of(user, now)
        assert str(state.next_label) == "Confirmed ambassador"
        assert state.needs == "still to do: tier 2 and 1 guided visit"


def test_a_visit_attended_raises_the_level_through_the_guides_mark(db, ambassador, give, attend, now):
    user = ambassador()
    give(user, 1, now)
    give(user, 2, now)
    assert standing_of(db.session, user, now).level_rank == 1  # tier 2 alone is not enough
    record = attend(user)
    assert standing_of(db.session, user, utcnow()).level_code == "ambassadeur-confirme"
    assert changes(user)[-1].cause == f"visit:{record.booking.session_id}"


def test_a_revoked_certificate_lowers_the_level_and_is_audited(db, ambassador, give, attend, make_user, now):
    user = ambassador()
    give(user, 1, now)
    second = give(user, 2, now)
    attend(user)
    staff = make_user("staff")
    later = utcnow() + timedelta(days=1)  # after the guide's mark, which is stamped with the clock
    certificates.revoke(staff, second, "Erreur de correction", later)
    db.session.commit()
    standing = standing_of(db.session, user, later)
    assert standing.level_code == "ambassadeur"
    fall = changes(user)[-1]
    assert (fall.from_rank, fall.to_rank, fall.cause) == (2, 1, f"revoked:{second.code[:5]}-{second.code[5:]}")
    audit = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "ambassador.level.fall")).one()
    assert audit.actor_id == staff.id and audit.subject == f"user:{user.id}"


def test_an_expired_certificate_lowers_the_level_at_the_nightly_sweep(db, ambassador, give, attend, now):
    user = ambassador()
    give(user, 1, now)
    give(user, 2, now)  # tier 2 is valid 36 months (certificates/achievements.yml)
    attend(user)
    assert standing_of(db.session, user, utcnow()).level_rank == 2
    assert levels.sweep_expired(now + timedelta(days=365)) == 0
    later = now + timedelta(days=37 * 31)
    assert levels.sweep_expired(later) == 1
    db.session.commit()
    assert standing_of(db.session, user, later).level_rank == 1
    assert changes(user)[-1].cause.startswith("expired:")
    assert levels.sweep_expired(later) == 0  # nothing more to lower


def test_news_never_lowers_a_level(db, ambassador, give, attend, now):
    user = ambassador()
    give(user, 1, now)
    assert levels.evaluate(user, now, cause="rules") is None
    assert standing_of(db.session, user, now).level_rank == 1


def test_a_minor_signs_with_a_parents_consent(db, loaded, make_user, now, give):
    teen = make_user(age_group="teen")
    version = manifesto.current()
    with pytest.raises(AmbassadorError) as refused:
        manifesto.sign(teen, version.id, now=now)
    assert refused.value.code == "consent_missing"
    db.session.rollback()
    assert standing_of(db.session, teen, now) is None
    manifesto.sign(teen, version.id, now=now, parent_name="  Claire   Martin ", parent_declaration="J'autorise.")
    db.session.commit()
    standing = standing_of(db.session, teen, now)
    assert standing.active and standing.age_group == "teen"
    give(teen, 1, now)
    assert standing_of(db.session, teen, now).level_code == "jeune-ambassadeur"
    assert [level.code for level in levels_for("adult")] == ["ambassadeur", "ambassadeur-confirme",
                                                             "ambassadeur-expert"]
    assert [level.rank for level in levels_for("teen")] == [1]


def test_a_new_manifesto_asks_to_sign_again_with_a_grace_period(app, db, ambassador, make_user, now):
    user = ambassador()
    staff = make_user("staff")
    later = now + timedelta(days=3)
    version = manifesto.publish("# Charte\n\nUne nouvelle version.", author=staff, now=later)
    db.session.commit()
    assert version.number == 2 and version.grace_days == 30
    during = standing_of(db.session, user, later + timedelta(days=29))
    assert during.active and during.manifesto.resign_by == later + timedelta(days=30)
    after = standing_of(db.session, user, later + timedelta(days=30))
    assert (after.active, after.reason) == (False, "manifesto_overdue")
    manifesto.sign(user, version.id, now=later + timedelta(days=31))
    db.session.commit()
    again = standing_of(db.session, user, later + timedelta(days=31))
    assert again.active and again.manifesto.up_to_date
    with pytest.raises(AmbassadorError):
        manifesto.sign(user, version.id - 1, now=later)  # an old version: refused


def test_pausing_and_leaving_stop_the_standing_and_keep_the_level(db, ambassador, give, now):
    user = ambassador()
    give(user, 1, now)
    membership.move(user, "pause", now=now)
    paused = standing_of(db.session, user, now)
    assert (paused.active, paused.reason, paused.level_rank) == (False, "paused", 1)
    with pytest.raises(AmbassadorError):
        membership.move(user, "pause", now=now)
    membership.move(user, "resume", now=now)
    assert standing_of(db.session, user, now).active
    membership.move(user, "leave", now=now)
    assert standing_of(db.session, user, now).reason == "left"
    with pytest.raises(AmbassadorError):
        membership.move(user, "resume", now=now)
    staff_version = manifesto.publish("# Charte\n\nVersion deux.", author=None, now=now)
    manifesto.sign(user, staff_version.id, now=now)
    assert standing_of(db.session, user, now).active


def test_level_history_rows_hold_the_facts_staff_read(db, ambassador, give, now):
    user = ambassador()
    give(user, 1, now)
    [change] = db.session.scalars(select(LevelChange).where(LevelChange.user_id == user.id)).all()
    assert change.facts["certificates"] == [["granville-terre-et-mer-1", 1]]
    assert change.facts["manifesto"] is True
