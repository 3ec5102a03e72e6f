"""The schools' demo for `learnapp demo`: the École Jules Ferry of Granville, its teacher (the demo
teacher account), a CM2 class of 25 pupils — some have passed the Granville course's first quiz,
some are halfway through its lessons, some have not started — its login cards as a PDF in the
instance folder, and one pupil's passphrase printed so a person can sign in as a child.

Idempotent: once the class exists, a second run adds nothing (the passphrase was shown once;
the teacher prints new cards from the class page).
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from learnapp.auth import services as accounts
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes.models import QuizAttempt, QuizTier
from learnapp.schools import cards, consent, directory, roster, rules, teaching
from learnapp.schools.models import School, SchoolClass

TEACHER = "teacher@demo.learnapp.local"
SCHOOL = "École élémentaire Jules Ferry"
CLASS = "CM2 A"
COURSE_SLUG = "granville-terre-et-mer"
PUPILS = (
    ("Léa", "M"), ("Léa", "M"), ("Noé", "B"), ("Zoé", "K"), ("Jules", "R"), ("Inès", "L"), ("Gabriel", "P"),
    ("Chloé", "D"), ("Louis", "F"), ("Manon", "G"), ("Arthur", "H"), ("Jade", "T"), ("Hugo", "V"),
    ("Lina", "C"), ("Raphaël", "S"), ("Emma", "N"), ("Tom", "A"), ("Alice", "E"), ("Nathan", "J"),
    ("Rose", "Q"), ("Sacha", "U"), ("Anna", "W"), ("Paul", "Y"), ("Camille", "Z"), ("Maël", "O"),
)


def load_demo_school(echo) -> None:
    teacher = accounts.find_by_email(TEACHER)
    if teacher is None:
        return
    if db.session.scalar(select(SchoolClass.id).join(School).where(School.name == SCHOOL, SchoolClass.name == CLASS)):
        echo("Demo school class already exists (its login cards: print them again from the class page).")
        return
    now = utcnow()
    school = db.session.scalar(select(School).where(School.name == SCHOOL)) or \
        directory.create_school(SCHOOL, "Granville", now=now)
    directory.add_teacher(school, teacher, actor=None, now=now)
    school_class = directory.create_class(school, name=CLASS, school_year=rules.school_year_of(now.date()),
                                          level="CM2", teacher=teacher, now=now)
    year = now.year - 10
    pupils = [roster.add_pupil(school_class, first_name=first, initial=initial, birth_year=year, now=now)
              for first, initial in PUPILS]
    consent.record(pupils[:-3], on=now.date() - timedelta(days=20), actor=teacher, now=now)
    course = db.session.scalar(select(Course).where(Course.slug == COURSE_SLUG))
    if course is not None:
        teaching.assign(school_class, course, tiers=2, due_on=now.date() + timedelta(days=21), actor=teacher, now=now)
        _progress(pupils, course, now)
    printed = roster.print_cards(school_class, pupils, now=now)
    pdf = cards.render(printed, site=current_app.config["BASE_URL"], class_label=f"{school.name} · {CLASS}",
                       code=rules.display_code(school_class.code),
                       sign_in_url=current_app.config["BASE_URL"].rstrip("/") + f"/class/{school_class.code}",
                       labels={"title": "Cartes de connexion", "code": "Code de la classe",
                               "username": "Identifiant", "passphrase": "Phrase secrète",
                               "scan": "Scanne pour te connecter"})
    path = Path(current_app.instance_path) / "demo-login-cards.pdf"
    path.write_bytes(pdf)
    path.chmod(0o600)
    db.session.commit()
    _certificates(pupils, course, now)
    child = printed[0]
    echo(f"Demo school: {SCHOOL}, class {CLASS} ({len(pupils)} pupils), teacher {TEACHER}.")
    echo(f"  Login cards: {path}")
    echo(f"  Sign in as a child at /class/ : class code {rules.display_code(school_class.code)}, "
         f"username {child.username}, passphrase « {child.passphrase} » (shown only this once)")


def _progress(pupils, course, now) -> None:
    """8 pupils finished the lessons and passed tier 1; 9 are halfway; the rest have not started."""
    rng = random.Random(12)
    lessons = list(db.session.scalars(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position)))
    versions = {}
    for lesson in lessons:
        versions[lesson.id] = db.session.scalar(
            select(LessonVersion.id).where(LessonVersion.lesson_id == lesson.id)
            .order_by((LessonVersion.audience == "child").desc(), LessonVersion.number.desc()).limit(1))
    tier = db.session.scalar(select(QuizTier).where(QuizTier.course_id == course.id, QuizTier.number == 1))
    # The first pupil (whose passphrase the demo prints) starts fresh: the visitor does the work.
    for index, pupil in enumerate(pupils[1:], start=1):
        if index <= 8:
            read = lessons
        elif index <= 17:
            read = lessons[: max(1, len(lessons) // 2)]
        else:
            continue
        when = now - timedelta(days=rng.randint(2, 15))
        for lesson in read:
            if versions[lesson.id] is None:
                continue
            db.session.add(LessonProgress(user_id=pupil.user_id, lesson_id=lesson.id, course_id=course.id,
                                          last_version_id=versions[lesson.id], completed_version_id=versions[lesson.id],
                                          first_seen_at=when, last_seen_at=when, completed_at=when))
        if index <= 8 and tier is not None:
            score = float(rng.randint(tier.pass_mark, 100))
            db.session.add(QuizAttempt(user_id=pupil.user_id, tier_id=tier.id, number=1, audience="child",
                                       seed=rng.randint(1, 10**6), status="submitted", started_at=when,
                                       submitted_at=when + timedelta(minutes=6), score=score, passed=True))
    db.session.flush()


def _certificates(pupils, course, now) -> None:
    """The pupils who passed hold their certificate (best effort: none without the definitions)."""
    if course is None:
        return
    from learnapp.certificates import services as certificates
    from learnapp.certificates.receivers import settings

    achievement = certificates.achievement_for(course.slug, 1)
    if achievement is None:
        return
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        for pupil in pupils[1:9]:
            certificates.issue(pupil.user, achievement, now, settings())
    db.session.commit()
