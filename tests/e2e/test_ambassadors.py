"""Ambassadors in a real browser, checked by axe-core at 390 px: a learner signs the manifesto,
passes a tier and sees their first level; the guide marks them present at a visit and their level
rises; the palmarès, portraits, manifesto and staff pages are accessible and never scroll sideways."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnapp import PROJECT_ROOT
from learnapp.ambassadors import definitions, membership, portraits
from learnapp.ambassadors import loader as ambassador_loader
from learnapp.db import utcnow
from learnapp.visits import booking, programme
from tests.certificates.helpers import load_definitions
from tests.e2e.conftest import follow, log_in, sideways_overflow
from tests.quizzes.quiz_helpers import SLUG, add_questions, make_course, make_tier, question

pytestmark = pytest.mark.e2e



def _definitions(db, now):
    load_definitions(now)
    found = ambassador_loader.read_definitions(PROJECT_ROOT / "certificates")
    definitions.import_definitions(found, now)
    db.session.commit()


def _pass(page, tier):
    page.goto(f"/quizzes/courses/{SLUG}/tiers/{tier}")
    page.get_by_label("Toutes les questions sur une seule page").check()
    follow(page.get_by_role("button", name="Commencer le quiz"))
    page.get_by_label("Deux fois").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Vous avez obtenu le certificat")).to_be_visible()


def _fits_and_is_accessible(page, assert_accessible):
    assert sideways_overflow(page) <= 0, page.url
    assert_accessible(page)


def test_a_learner_signs_passes_attends_and_rises(app, db, browser, live_server, page, now, make_user,
                                                 assert_accessible):
    _definitions(db, now)
    course = make_course(now)
    for number in (1, 2):
        make_tier(course, number, questions_per_attempt=1, requires_course_done=False)
    tide = dict(prompt="Combien de fois par jour la mer monte-t-elle ?",
                choices=[{"text": "Deux fois", "correct": True}, {"text": "Une fois"}])
    add_questions(course, [question("maree", **tide), question("maree-2", tiers=(2,), **tide)], now)
    learner = make_user(name="Élise Lefèvre", email="elise@example.org")
    guide = make_user("guide", name="Gaël")
    log_in(page, learner)

    # Joining is one explicit act: read the manifesto, tick, sign.
    page.goto("/ambassadors/manifesto")
    expect(page.get_by_role("heading", level=1)).to_have_text("La charte des ambassadeurs")
    _fits_and_is_accessible(page, assert_accessible)
    page.get_by_label("J'ai lu la charte et je m'engage à la respecter.").check()
    page.get_by_label("Apparaître au palmarès (facultatif, modifiable à tout moment)").check()
    page.get_by_role("button", name="Je signe la charte").click()
    expect(page.get_by_text("Bienvenue parmi les ambassadeurs")).to_be_visible()
    expect(page.get_by_text("Pas encore de niveau : le premier est tout proche.")).to_be_visible()
    expect(page.locator(".level-next")).to_contain_text("encore le palier 1")
    _fits_and_is_accessible(page, assert_accessible)

    # A tier passed: the first level, announced on the page.
    _pass(page, 1)
    page.goto("/ambassadors/")
    expect(page.get_by_text("Nouveau niveau : Ambassadeur !")).to_be_visible()
    expect(page.locator(".level-next")).to_contain_text("encore le palier 2 et 1 visite guidée")
    _pass(page, 2)
    page.goto("/ambassadors/")
    expect(page.locator(".level-next")).to_contain_text("encore 1 visite guidée")

    # The guide marks Élise present on the roster: her level rises.
    start = (utcnow() + timedelta(minutes=30)).replace(second=0, microsecond=0)
    visit = programme.create_visit(programme.VisitFields(
        slug="remparts", title="Les remparts", description="Les **remparts**.",
        meeting_point="Grand'Porte, Granville", guide_id=guide.id), now=utcnow())
    [session] = programme.add_sessions(visit, [programme.SessionPlan(
        starts_at=start, ends_at=start + timedelta(hours=1), capacity=5)], now=utcnow())
    booking.book(learner, session, now=utcnow())
    db.session.commit()
    desk_context = browser.new_context(base_url=live_server, locale="fr-FR", bypass_csp=True,
                                       viewport={"width": 390, "height": 844})
    desk = desk_context.new_page()
    log_in(desk, guide)
    desk.goto(f"/office/visits/session/{session.id}/roster")
    desk.get_by_role("button", name="Présent : Élise Lefèvre").click()
    expect(desk.locator(".roster-row", has_text="Élise Lefèvre").locator(".state-attended")).to_be_visible()
    desk_context.close()

    page.goto("/ambassadors/")
    expect(page.get_by_text("Nouveau niveau : Ambassadeur confirmé !")).to_be_visible()
    expect(page.get_by_text("Votre niveau : Ambassadeur confirmé")).to_be_visible()
    expect(page.locator(".level-next")).to_contain_text("encore le palier 3 et 2 visites guidées")
    _fits_and_is_accessible(page, assert_accessible)
    page.goto("/")
    expect(page.get_by_text("Pour devenir « Ambassadeur expert »")).to_be_visible()
    _fits_and_is_accessible(page, assert_accessible)

    # Her portrait form, and the public palmarès where she now stands.
    page.goto("/ambassadors/portrait")
    _fits_and_is_accessible(page, assert_accessible)
    page.goto(f"/ambassadors/palmares?season={utcnow().year}")
    expect(page.locator("table.palmares tbody")).to_contain_text("Élise")  # an adult: as she chose to be shown
    _fits_and_is_accessible(page, assert_accessible)


def test_public_and_staff_pages_are_accessible_on_a_phone(app, db, page, now, make_user, assert_accessible):
    _definitions(db, now)
    from learnapp.ambassadors import manifesto
    from tests.ambassadors.test_routes import png

    person = make_user(name="Marie Lebrun")
    manifesto.sign(person, manifesto.current().id, now=now, in_palmares=True)
    membership.set_preferences(person, in_palmares=True, in_directory=True, preferred_contact="02 33 91 30 03",
                               now=now)
    portrait = portraits.submit(person, text="Née sur le port, je raconte la Haute-Ville.",
                                places="La Grand'Porte\nChausey", photo=png((600, 800)), now=now)
    staff = make_user("staff")
    portraits.review(staff, portrait, approve=True, note="", now=now)
    pending = make_user(name="Yves Hamel")
    manifesto.sign(pending, manifesto.current().id, now=now)
    portraits.submit(pending, text="Pêcheur à pied.", places="", photo=png((500, 500)), now=now)
    db.session.commit()

    for path in ("/ambassadors/portraits", "/ambassadors/palmares", "/ambassadors/manifesto", "/"):
        page.goto(path)
        _fits_and_is_accessible(page, assert_accessible)
    expect(page.get_by_role("heading", name="Nos ambassadeurs")).to_be_visible()
    log_in(page, staff)
    for path in ("/office/ambassadors/", f"/office/ambassadors/{person.id}", "/office/ambassadors/manifesto",
                 "/office/ambassadors/portraits", "/office/ambassadors/directory", "/ambassadors/"):
        response = page.goto(path)
        assert response.status == 200, path
        _fits_and_is_accessible(page, assert_accessible)
