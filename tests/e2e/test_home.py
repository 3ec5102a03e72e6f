"""The home page in a real browser, on a 390 px phone: anonymous (the brand line, the path, the
next visits) and signed in (their next steps first); axe-core clean, no sideways scroll, the
headings in order and every step reachable from the keyboard."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from learnapp.courses import progress
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.visits import booking, programme
from tests.e2e.conftest import log_in, sideways_overflow

pytestmark = pytest.mark.e2e

HEADINGS = ("() => [...document.querySelectorAll('main h1, main h2, main h3')]"
            ".map(h => [+h.tagName[1], h.textContent.trim()])")


def _visit(db, guide, *, days):
    now = utcnow()
    visit = programme.create_visit(programme.VisitFields(
        slug=f"haute-ville-{days}", title="La Haute-Ville, cité corsaire", description="Les **remparts**.",
        meeting_point="Devant la Grand'Porte, Granville", guide_id=guide.id), now=now)
    start = (now + timedelta(days=days)).replace(second=0, microsecond=0)
    [session] = programme.add_sessions(visit, [programme.SessionPlan(
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=12)], now=now)
    db.session.commit()
    return session


def _heading_levels_never_skip(levels):
    previous = 0
    for level, text in levels:
        assert level <= previous + 1, f"h{level} « {text} » after h{previous}"
        previous = level


def test_the_anonymous_home_on_a_phone(app, db, page, make_user, assert_accessible):
    guide = make_user("guide")
    sessions = [_visit(db, guide, days=days) for days in (2, 5, 9, 12)]
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Devenez ambassadeur de votre territoire")
    expect(page.locator("main").get_by_text("« Prenez le rythme des marées »")).to_be_visible()
    expect(page.get_by_role("img", name="Dessin : la Haute-Ville de Granville")).to_be_visible()
    steps = page.locator(".path-step")
    expect(steps).to_have_count(6)
    expect(page.get_by_role("heading", name="Prochaines visites guidées")).to_be_visible()
    visits = page.locator(".home-visit-list > li")
    expect(visits).to_have_count(3)
    expect(visits.first).to_contain_text("12 places libres")
    expect(visits.first).to_contain_text("Devant la Grand'Porte, Granville")
    _heading_levels_never_skip(page.evaluate(HEADINGS))
    assert sideways_overflow(page) <= 0
    assert_accessible(page)

    # The keyboard reaches each step's link; a visit's link opens its session page.
    page.get_by_role("link", name="Voir les visites guidées").focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{app.config['BASE_URL']}/visits/")
    page.goto("/")
    page.locator(".home-visit-list a").first.click()
    expect(page).to_have_url(f"{app.config['BASE_URL']}/visits/session/{sessions[0].id}")

    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="The ambassador's path")).to_be_visible()
    expect(page.get_by_role("heading", name="Next guided visits")).to_be_visible()
    assert sideways_overflow(page) <= 0
    assert_accessible(page)


def test_a_signed_in_home_shows_the_next_steps_first(app, db, runner, page, make_user, assert_accessible):
    result = runner.invoke(args=["content", "load"])  # the repository's course, quizzes, certificates
    assert result.exit_code == 0, result.output
    learner = make_user(name="Claire")
    course = db.session.scalar(select(Course))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id,
                                                            LessonVersion.audience == "adult"))
    progress.mark_done(learner, lesson, version, utcnow())
    session = _visit(db, make_user("guide"), days=3)
    booking.book(learner, session, now=utcnow())
    db.session.commit()

    log_in(page, learner)
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Bonjour Claire !")
    headings = page.evaluate(HEADINGS)
    assert headings[1] == [2, "Votre prochaine étape"]
    _heading_levels_never_skip(headings)
    steps = page.locator(".next-steps > li")
    expect(steps.first).to_contain_text("leçons avant le quiz : « Granville Terre et Mer »")
    expect(page.locator(".next-step-visits")).to_contain_text("Votre visite")
    assert sideways_overflow(page) <= 0
    assert_accessible(page)

    # The first step leads to the next lesson to read.
    steps.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Bonjour Claire !")
    assert "/courses/granville-terre-et-mer/" in page.url

    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Your next step")).to_be_visible()
    expect(page.locator(".next-steps > li").first).to_contain_text("more lessons before the quiz")
    assert sideways_overflow(page) <= 0
    assert_accessible(page)
