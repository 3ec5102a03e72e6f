"""Builders for the certificate tests: the repository's definitions, a learner who passes a tier
through the quiz services themselves (so ``tier_passed`` is the real signal)."""

from __future__ import annotations

from sqlalchemy import select

from learnapp import PROJECT_ROOT
from learnapp.certificates import loader
from learnapp.certificates import services as certificates
from learnapp.certificates.models import Certificate
from learnapp.extensions import db
from learnapp.quizzes import attempts as quizzes
from tests.quizzes.quiz_helpers import add_questions, finish_course, make_course, make_tier, question
from tests.quizzes.test_attempts import right_answer


def load_definitions(now) -> None:
    found = loader.read_definitions(PROJECT_ROOT / "certificates")
    assert found.ok, [p.display() for p in found.problems]
    certificates.import_definitions(found, now)
    db.session.commit()


def quiz(now):
    """The Granville course with tiers 1 and 2 and one question each."""
    course = make_course(now)
    tier = make_tier(course, 1, questions_per_attempt=1)
    make_tier(course, 2, questions_per_attempt=1)
    add_questions(course, [question("un"), question("deux", tiers=(2,))], now)
    return course, tier


def pass_tier(user, course, tier, now):
    finish_course(user, course, now)
    attempt = quizzes.start_attempt(user, tier, now)
    (item,) = quizzes.load_items(attempt)
    quizzes.submit_attempt(user, attempt, now, answers={1: right_answer(item)})
    db.session.commit()
    return attempt


def certificates_of(user) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)))
