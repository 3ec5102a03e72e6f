"""`learnapp demo`: the certificates the demo learners earned.

The demo's adult (Léa) and teen (Hugo) pass the first tier of the Granville quiz through the quiz
services themselves, so the real ``tier_passed`` signal issues their certificates; any passed
attempt still without its certificate (a demo database made before certificates existed) gets
one; and one cohort certificate is revoked, so the verify page's "revoked" answer can be seen.
Idempotent: a second run adds nothing.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from learnapp.auth.models import User
from learnapp.certificates import keys, rules, services
from learnapp.certificates.models import Certificate
from learnapp.certificates.receivers import settings as app_settings
from learnapp.db import utcnow
from learnapp.extensions import db

DEMO_HOLDERS = ("learner@demo.learnapp.local", "teen@demo.learnapp.local")
REVOKED_REASON = "Démonstration : certificat révoqué pour montrer la page de vérification."


def _pass_first_tier(user: User, now: datetime) -> None:
    from learnapp.courses.models import Course
    from learnapp.quizzes import demo as quiz_demo
    from learnapp.quizzes.models import Question, QuizTier

    course = db.session.scalar(select(Course).where(Course.slug == quiz_demo.COURSE_SLUG))
    tier = course and db.session.scalar(select(QuizTier).where(QuizTier.course_id == course.id,
                                                                QuizTier.number == 1))
    if tier is None:
        return
    question_keys = dict(db.session.execute(select(Question.id, Question.key)
                                            .where(Question.course_id == course.id)).all())
    start = now - timedelta(days=3)
    quiz_demo._finish_course(user, course, user.age_group(now), start)
    # A strong learner (ability 6): the quiz demo's own path, which passes at the first try.
    quiz_demo._take_quizzes(user, [tier], question_keys, 6.0, start, now, random.Random(user.id))


def load_demo_certificates(echo=print, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    if keys.ensure(current_app.instance_path, now):
        echo("Certificates: signing key created in instance/.")
    settings = app_settings()
    for email in DEMO_HOLDERS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is not None and not services.for_user(user):
            _pass_first_tier(user, now)
    backfilled = _backfill(settings)
    revoked = _revoke_one(now)
    db.session.commit()
    holders = [c for email in DEMO_HOLDERS for user in [db.session.scalar(select(User).where(User.email == email))]
               if user for c in services.for_user(user)[:1]]
    echo(f"Certificates: {db.session.query(Certificate).count()} issued ({backfilled} just now)"
         + (", one revoked" if revoked else "") + ".")
    for certificate in holders:
        echo(f"  {certificate.recipient_name}: {settings.verify_url(certificate.code)}")


def _backfill(settings) -> int:
    from learnapp.courses.models import Course
    from learnapp.quizzes.models import QuizAttempt, QuizTier

    rows = db.session.execute(
        select(QuizAttempt, QuizTier, Course).join(QuizTier, QuizAttempt.tier_id == QuizTier.id)
        .join(Course, QuizTier.course_id == Course.id).where(QuizAttempt.passed.is_(True))
        .order_by(QuizAttempt.submitted_at)).all()
    issued = 0
    for attempt, tier, course in rows:
        achievement = services.achievement_for(course.slug, tier.number)
        user = db.session.get(User, attempt.user_id)
        if achievement is None or services.held(user.id, achievement.id) is not None:
            continue
        if services.issue(user, achievement, attempt.submitted_at, settings, attempt_id=attempt.id):
            issued += 1
    return issued


def _revoke_one(now: datetime) -> bool:
    if db.session.scalar(select(Certificate.id).where(Certificate.revoked_at.is_not(None))) is not None:
        return False
    holders = select(User.id).where(User.email.in_(DEMO_HOLDERS))
    victim = db.session.scalars(select(Certificate).where(Certificate.user_id.not_in(holders))
                                .order_by(Certificate.id)).first()
    admin = db.session.scalar(select(User).where(User.email == "admin@demo.learnapp.local"))
    if victim is None or admin is None:
        return False
    services.revoke(admin, victim, REVOKED_REASON, now)
    return services.status_of(victim, now) == rules.REVOKED
