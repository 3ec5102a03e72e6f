"""Levels: reading a person's facts from the database, and recording a change exactly once.

``evaluate(user, now, cause=…)`` runs on ``certificate_issued``, ``visit_attended`` and a
signature (rises only), and on ``certificate_revoked`` or an expiry sweep (may fall, audited).
The change itself is a guarded ``UPDATE … WHERE level_rank < :new`` (or ``>`` when falling): of
two signals arriving at once, only the one whose update takes records the change and the e-mail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, func, or_, select, update

from learnapp.ambassadors import rules
from learnapp.ambassadors.models import JOINED, Level, LevelChange, Membership
from learnapp.ambassadors.standing import current_manifesto, last_signature, manifesto_state
from learnapp.auth.models import AuditEntry, User
from learnapp.certificates.models import Achievement, Certificate
from learnapp.core.signals import activity_changed
from learnapp.extensions import db
from learnapp.visits.models import Attendance, Booking


def current_certificates_clause(now: datetime):
    """A certificate that counts: not revoked, not replaced by a re-issue, not expired."""
    return and_(Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
                or_(Certificate.expires_at.is_(None), Certificate.expires_at > now))


def attended_clause():
    """An attendance that counts: the booker (person 0) marked present."""
    return and_(Attendance.person == 0, Attendance.attended.is_(True))


def facts_of(user: User, now: datetime) -> rules.Facts:
    held = db.session.execute(
        select(Achievement.key, Achievement.tier_number).join(Certificate, Certificate.achievement_id == Achievement.id)
        .where(Certificate.user_id == user.id, current_certificates_clause(now)).distinct()).all()
    visits = db.session.scalar(
        select(func.count(func.distinct(Booking.session_id))).join(Attendance, Attendance.booking_id == Booking.id)
        .where(Booking.user_id == user.id, attended_clause())) or 0
    signature = last_signature(db.session, user.id)
    signed = signature is not None and not manifesto_state(current_manifesto(db.session), signature, now).overdue
    return rules.Facts(certificates=frozenset((key, tier) for key, tier in held), visits=int(visits),
                       manifesto=signed, contributions=contributions_of(user))


def contributions_of(user: User) -> int:
    """The seam for contributions (articles, photos, guided tours given…): none are counted yet."""
    return 0


def level_rows(age_group: str) -> list[Level]:
    return list(db.session.scalars(select(Level).where(Level.age_group == age_group, Level.retired.is_(False))
                                   .order_by(Level.rank)))


def level_rules(rows: list[Level]) -> list[rules.LevelRule]:
    return [rules.LevelRule(row.code, row.rank, rules.Requirement.from_dict(row.requires)) for row in rows]


def membership_of(user_id: int) -> Membership | None:
    return db.session.scalars(select(Membership).where(Membership.user_id == user_id)).first()


def evaluate(user: User, now: datetime, *, cause: str, may_fall: bool = False, actor: User | None = None,
             notify: bool = True) -> LevelChange | None:
    """Apply the level ``user``'s facts call for; the recorded change, or ``None``.

    A paused or left ambassador's level still follows their record, but they are sent nothing.
    A level falls only when ``may_fall`` (a certificate revoked or expired). A level of another
    age group (a teen turned adult) counts as no level in the new group: its first level is
    earned by its own rule.
    """
    group = user.age_group(now)
    # Lock the membership first (PostgreSQL: FOR UPDATE; SQLite has one writer anyway), then read
    # the facts: news arriving at once is evaluated one after the other, the second seeing the
    # first's facts once committed — a certificate and a visit landing together still raise.
    if db.session.scalar(select(Membership.id).where(Membership.user_id == user.id).with_for_update()) is None:
        return None
    rows = level_rows(group)
    facts = facts_of(user, now)
    for _try in range(3):
        # Read fresh: the compare-and-set below compares against exactly what we read here.
        read = db.session.execute(select(Membership.id, Membership.level_id, Membership.level_rank, Level.age_group)
                                  .outerjoin(Level, Membership.level_id == Level.id)
                                  .where(Membership.user_id == user.id)).first()
        if read is None:
            return None
        held = read.level_rank if read.level_id is not None and read.age_group == group else 0
        change = rules.decide(level_rules(rows), facts, held, may_fall=may_fall)
        if change is None:
            return None
        target = next((row for row in rows if row.code == change.level_code), None)
        result = db.session.execute(
            update(Membership).where(Membership.id == read.id, Membership.level_id.is_not_distinct_from(read.level_id),
                                     Membership.level_rank == read.level_rank)
            .values(level_rank=change.to_rank, level_id=target.id if target else None, level_since=now)
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            return _record(user, change, target, facts, cause=cause, now=now, actor=actor, notify=notify)
    return None  # the level kept moving under us: the next news will settle it


def _record(user, change, target, facts, *, cause, now, actor, notify) -> LevelChange:
    record = LevelChange(user_id=user.id, from_rank=change.from_rank, to_rank=change.to_rank,
                         level_id=target.id if target else None, changed_at=now, cause=cause[:120],
                         facts=facts.as_dict())
    db.session.add(record)
    activity_changed.send(user.id)  # the office's funnel counts the levels reached
    if change.direction == "down":
        db.session.add(AuditEntry(actor_id=actor.id if actor else None, action="ambassador.level.fall",
                                  subject=f"user:{user.id}",
                                  detail=f"{cause}: {change.from_rank} -> {change.to_rank}"[:1000], created_at=now))
    db.session.flush()
    membership = membership_of(user.id)
    db.session.refresh(membership)
    if notify and change.direction == "up" and membership.status == JOINED:
        from learnapp.ambassadors import notify as mail

        mail.level_reached(user, record, now=now)
    return record


def history(user_id: int) -> list[LevelChange]:
    return list(db.session.scalars(select(LevelChange).where(LevelChange.user_id == user_id)
                                   .order_by(LevelChange.changed_at.desc(), LevelChange.id.desc())))


def sweep_expired(now: datetime) -> int:
    """Re-evaluate, allowing a fall, everyone with a level whose certificate has expired since
    they reached it. Returns how many levels fell (each audited)."""
    rows = db.session.execute(
        select(Membership.user_id, func.max(Certificate.code))
        .join(Certificate, Certificate.user_id == Membership.user_id)
        .where(Membership.level_rank > 0, Certificate.revoked_at.is_(None), Certificate.superseded_by_id.is_(None),
               Certificate.expires_at.is_not(None), Certificate.expires_at <= now,
               Certificate.expires_at > func.coalesce(Membership.level_since, Membership.joined_at))
        .group_by(Membership.user_id)).all()
    from learnapp.certificates.rules import display_code

    fallen = 0
    for user_id, code in rows:
        user = db.session.get(User, user_id)
        if user is not None and evaluate(user, now, may_fall=True, cause=f"expired:{display_code(code)}"):
            fallen += 1
    return fallen
