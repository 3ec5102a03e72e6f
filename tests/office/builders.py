"""A varied, reproducible world of raw rows for the dashboard tests: learners of every age group
registered over several months, lessons opened and finished, attempts passed and failed, visit
sessions with bookings, a waitlist and attendance marks.

Rows are written directly (not through the services): the dashboard reads whatever the domains
stored, and the tests recompute every number from these same rows in plain Python (oracle.py).
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from learnapp.auth.models import User, UserRole
from learnapp.courses.models import Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.office import milestones, period_rates, session_marks
from learnapp.quizzes import tallies
from learnapp.quizzes.models import QuizAttempt
from learnapp.visits.models import Attendance, Booking, Visit, VisitSession
from tests.quizzes.quiz_helpers import make_course, make_tier

# Spread across October–December 2026 and the months around (Paris-time month edges included).
START = datetime(2026, 8, 25, tzinfo=UTC)
DAYS = 130


def world(seed: int = 7, *, people: int = 60):
    rng = random.Random(seed)
    now = START
    course = make_course(now)
    other = make_course(now, slug="mont-saint-michel", lessons=("baie",))
    other.title = "Baie du Mont-Saint-Michel"
    tiers = [make_tier(course, 1), make_tier(course, 2), make_tier(other, 1)]
    lessons = {c.id: list(db.session.scalars(db.select(Lesson).where(Lesson.course_id == c.id)))
               for c in (course, other)}
    users = []
    for n in range(people):
        created = START + timedelta(days=rng.randrange(DAYS), hours=rng.randrange(24))
        birth_year = rng.choice([2016, 2013, 2011, 2010, 2009, 2008, 2007, 1990, 1960])
        roles = ("learner",) if n % 10 else ("staff",)  # a few staff accounts: never in the funnel
        # Rows, not the sign-up service: hashing 60 passwords would cost most of the test.
        user = User(display_name=f"Élève {n}", first_name=f"Élève {n}", email=f"p{n}@example.org" if n % 3 else None,
                    password_hash="!", birth_year=birth_year, created_at=created)
        db.session.add(user)
        db.session.flush()
        db.session.add_all([UserRole(user_id=user.id, name=role, granted_at=created) for role in roles])
        users.append(user)
    db.session.flush()
    for user in users:
        when = user.created_at
        for course_id, course_lessons in lessons.items():
            if rng.random() < 0.35:
                continue
            for lesson in course_lessons:
                if rng.random() < 0.2:
                    break
                version = db.session.scalar(db.select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
                done = rng.random() < 0.8
                db.session.add(LessonProgress(
                    user_id=user.id, lesson_id=lesson.id, course_id=course_id, last_version_id=version.id,
                    completed_version_id=version.id if done else None, first_seen_at=when, last_seen_at=when,
                    completed_at=when if done else None))
        for tier in tiers:
            for number in range(1, rng.choice([1, 1, 2, 3, 4]) + 1):
                if rng.random() < 0.3:
                    break
                submitted = when + timedelta(days=rng.randrange(60), minutes=rng.randrange(1440))
                status = "submitted" if rng.random() < 0.92 else "open"
                passed = rng.random() < 0.45 if status == "submitted" else None
                audience = rng.choice(["child", "teen", "adult"])
                db.session.add(QuizAttempt(
                    user_id=user.id, tier_id=tier.id, number=number, audience=audience, seed=1, status=status,
                    started_at=submitted - timedelta(minutes=10),
                    submitted_at=submitted if status == "submitted" else None,
                    score=80.0 if passed else 20.0, passed=passed))
    visit = Visit(slug="le-port", title="Le port de Granville", created_at=START)
    other_visit = Visit(slug="chausey", title="Les îles Chausey", created_at=START)
    db.session.add_all([visit, other_visit])
    db.session.flush()
    for n in range(12):
        starts = START + timedelta(days=rng.randrange(DAYS), hours=8)
        session = VisitSession(visit_id=(visit if n % 2 else other_visit).id, starts_at=starts,
                               ends_at=starts + timedelta(hours=2), capacity=rng.choice([4, 6, 8]), taken=0,
                               status="cancelled" if n == 5 else "scheduled")
        db.session.add(session)
        db.session.flush()
        for user in rng.sample(users, 9):
            seats = rng.choice([1, 1, 2])
            confirmed = session.taken + seats <= session.capacity
            booking = Booking(session_id=session.id, active_session_id=session.id, user_id=user.id, seats=seats,
                              status="confirmed" if confirmed else "waitlisted", created_at=starts - timedelta(days=3))
            if confirmed:
                session.taken += seats
            db.session.add(booking)
            db.session.flush()
            if confirmed and rng.random() < 0.8:
                for person in range(seats):
                    db.session.add(Attendance(booking_id=booking.id, person=person, attended=rng.random() < 0.75,
                                              marked_at=starts))
        if n == 3:  # a cancelled booking: not a seat, not on the waitlist
            db.session.add(Booking(session_id=session.id, active_session_id=None, user_id=users[0].id, seats=1,
                                   status="cancelled", created_at=starts))
    # The attempts were written as rows, not graded: the counts grading keeps (quizzes/tallies.py,
    # read by the dashboard's "everything") are rebuilt from them, as the backfill does.
    tallies.rebuild()
    milestones.rebuild()  # and so are the funnel's kept depths (office/milestones.py)
    period_rates.rebuild()  # and the certification rates per period (office/period_rates.py)
    session_marks.rebuild()  # and the present/absent counts per session (office/session_marks.py)
    db.session.commit()
    return {"users": users, "tiers": tiers, "courses": [course, other]}
