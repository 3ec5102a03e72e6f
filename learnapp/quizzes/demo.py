"""Finished quiz attempts for the demo, so the staff statistics page has something to show.

A cohort of demo learners (children, teens and adults) takes the quizzes of the Granville course
through the quiz services themselves — start, answer, submit, wait out the cooldowns, retry —
at dates spread over the last weeks. Who answers right follows a simple model: each learner has
an ability, each question a difficulty (from its key), and the chance of a right answer grows
with the difference. A few questions are deliberately "misleading" (the strongest learners miss
them more often), so that the flags of the statistics page are seen at work.

Idempotent: the cohort is created once; a second run finds it and adds nothing. The cohort's
accounts cannot sign in (their password is random and never shown): they only hold attempts.
"""

from __future__ import annotations

import hashlib
import math
import random
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.security import generate_password_hash

from learnapp.auth import services as accounts
from learnapp.auth.models import User
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes import types

COURSE_SLUG = "granville-terre-et-mer"
COHORT = (("child", 36, "Élève"), ("teen", 30, "Ado"), ("adult", 40, "Visiteur"))
EMAIL = "cohorte-{group}-{n:02d}@demo.learnapp.local"
BIRTH_AGE = {"child": 10, "teen": 16, "adult": 35}
START_DAYS_AGO = 75


def _difficulty(key: str, tier_number: int) -> tuple[float, bool]:
    """A question's difficulty (about -1.5 … 2.3) and whether it misleads the strong."""
    digest = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    misleading = int(hashlib.sha256(f"trick:{key}".encode()).hexdigest()[:4], 16) % 23 == 0
    return digest * 3.0 - 1.5 + 0.4 * (tier_number - 1), misleading


def _p_right(ability: float, difficulty: float, misleading: bool) -> float:
    gap = ability - difficulty
    return 1.0 / (1.0 + math.exp(1.7 * gap if misleading else -1.7 * gap))


def _form_values(version, name: str, right: bool, rng: random.Random) -> dict[str, list[str]]:
    """What the quiz page's form would send for one question, right or wrong (the type says)."""
    values = types.get(version.type).demo_values(version.definition, right, rng)
    return {f"{name}-{part}" if part else name: value for part, value in values.items()}


def _cohort_exists() -> bool:
    """The cohort is written in one transaction: one of its adults means all of it is there."""
    email = EMAIL.format(group="adult", n=1)
    return db.session.scalar(select(User.id).where(User.email == email)) is not None


def _create_learner(group: str, n: int, label: str, password_hash: str, now: datetime) -> User:
    user = User(display_name=f"{label} {n:02d}", email=None if group == "child" else EMAIL.format(group=group, n=n),
                birth_year=now.year - BIRTH_AGE[group], password_hash=password_hash, created_at=now)
    db.session.add(user)
    accounts.grant_role(user, "learner", actor=None, now=now)
    db.session.flush()
    return user


def _finish_course(user: User, course, group: str, when: datetime) -> None:
    from learnapp.courses import lesson_versions, progress
    from learnapp.courses.rules import nearest_text

    for lesson in course.lessons:
        texts = lesson_versions.current_versions(lesson)
        chosen = nearest_text(group, texts)
        if chosen is not None:
            progress.mark_done(user, lesson, texts[chosen], when)


def _take_quizzes(user: User, tiers, keys: dict[int, str], ability: float, start: datetime, now: datetime,
                  rng: random.Random) -> int:
    """The learner's path through the tiers; returns the number of attempts finished."""
    from learnapp.quizzes import attempts

    finished = 0
    when = start
    for tier in tiers:
        tries = 0
        while True:
            when += timedelta(hours=rng.uniform(2, 40))
            if when > now - timedelta(hours=1):
                return finished
            try:
                attempt = attempts.start_attempt(user, tier, when, seed=rng.randrange(1, 2**31 - 1))
            except attempts.QuizError as refusal:
                if refusal.code == "cooldown":
                    when = refusal.details["until"]
                    continue
                return finished
            items = attempts.load_items(attempt)
            values: dict[str, list[str]] = {}
            for item in items:
                if rng.random() < 0.04:
                    continue  # left blank
                version = item.question_version
                difficulty, misleading = _difficulty(keys[version.question_id], tier.number)
                right = rng.random() < _p_right(ability + 0.35 * tries, difficulty, misleading)
                values.update(_form_values(version, attempts.field_name(item), right, rng))
            answers, errors = attempts.parse_answers(items, MultiDict(values))
            answers = {position: answer for position, answer in answers.items() if position not in errors}
            taken = timedelta(minutes=rng.uniform(3, 12))
            attempts.submit_attempt(user, attempt, when + taken, answers=answers)
            finished += 1
            when += taken
            if attempt.passed:
                break
            tries += 1
            if tries >= 3 or rng.random() < 0.3:
                return finished
        if rng.random() < 0.25:
            return finished  # stops after this tier
    return finished


def load_demo_attempts(echo=print, *, now: datetime | None = None) -> None:
    """Create the demo cohort and its finished attempts (once). Commits."""
    from learnapp.courses.models import Course
    from learnapp.quizzes.models import Question, QuizTier

    now = now or utcnow()
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    if course is None:
        echo(f"Demo quiz attempts: no course {COURSE_SLUG!r}, nothing to do.")
        return
    tiers = list(db.session.scalars(select(QuizTier).where(QuizTier.course_id == course.id)
                                    .order_by(QuizTier.number)))
    if not tiers:
        echo("Demo quiz attempts: the course has no quiz tiers, nothing to do.")
        return
    if _cohort_exists():
        echo("Demo quiz attempts already exist.")
        return
    keys = dict(db.session.execute(select(Question.id, Question.key).where(Question.course_id == course.id)).all())
    password_hash = generate_password_hash(secrets.token_urlsafe(24))  # never shown: no sign-in
    rng = random.Random(20261122)
    learners = attempts = 0
    for group, count, label in COHORT:
        for n in range(1, count + 1):
            start = now - timedelta(days=START_DAYS_AGO) + timedelta(hours=rng.uniform(0, 24 * (START_DAYS_AGO - 20)))
            user = _create_learner(group, n, label, password_hash, start)
            _finish_course(user, course, group, start)
            attempts += _take_quizzes(user, tiers, keys, rng.gauss(0.3, 1.0), start, now, rng)
            learners += 1
    db.session.commit()
    echo(f"Demo quiz attempts: {learners} demo learners, {attempts} finished attempts "
         "(see the staff statistics page).")
