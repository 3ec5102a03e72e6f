"""Certificates in a real browser, checked by axe-core: a learner passes a tier, finds the
certificate under "Mes certificats", opens its verify URL (as a QR scan would) and sees it valid;
the staff revoke it and the verify page says so at once."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from learnapp.certificates import rules
from tests.certificates.helpers import load_definitions
from tests.e2e.conftest import follow, log_in
from tests.quizzes.quiz_helpers import SLUG, add_questions, make_course, make_tier, question

pytestmark = pytest.mark.e2e


def test_a_learner_passes_finds_the_certificate_and_anyone_verifies_it(page, browser, live_server, now, make_user,
                                                                        assert_accessible):
    load_definitions(now)
    course = make_course(now)
    make_tier(course, 1, questions_per_attempt=1, requires_course_done=False)
    add_questions(course, [question("maree", prompt="Combien de fois par jour la mer monte-t-elle ?",
                                    choices=[{"text": "Deux fois", "correct": True}, {"text": "Une fois"}])], now)
    learner = make_user(name="Élise Lefèvre", email="elise@example.org")
    log_in(page, learner)

    page.goto(f"/quizzes/courses/{SLUG}/tiers/1")
    page.get_by_label("Toutes les questions sur une seule page").check()
    follow(page.get_by_role("button", name="Commencer le quiz"))
    page.get_by_label("Deux fois").check()
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.get_by_text("Vous avez obtenu le certificat « Ambassadeur Granville Terre et Mer — Découverte »."))\
        .to_be_visible()
    page.get_by_role("link", name="Voir mes certificats").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes certificats")
    assert_accessible(page)
    share = page.get_by_role("link", name="Lien public à partager")
    verify_path = share.get_attribute("href")
    code = verify_path.rsplit("/", 1)[1]
    assert rules.normalise_code(code) == code
    expect(page.get_by_text(f"Code : {rules.display_code(code)}")).to_be_visible()

    # Someone else, not signed in, scans the QR: it opens the verify URL.
    stranger = browser.new_context(base_url=live_server, locale="fr-FR", bypass_csp=True)
    scan = stranger.new_page()
    scan.goto(f"{live_server}/verify/{code}")
    expect(scan.get_by_role("heading", level=2)).to_have_text("Certificat valide")
    expect(scan.get_by_text("Élise Lefèvre")).to_be_visible()
    assert_accessible(scan)
    scan.goto("/verify/")
    scan.get_by_label("Code du certificat").fill(rules.display_code(code).lower())
    scan.get_by_role("button", name="Vérifier").click()
    expect(scan.get_by_role("heading", level=2)).to_have_text("Certificat valide")
    scan.goto("/verify/")
    scan.get_by_label("Code du certificat").fill("ABCDE-FGHJK")
    scan.get_by_role("button", name="Vérifier").click()
    expect(scan.get_by_text("Ce code n'a pas la bonne forme")).to_be_visible()
    assert_accessible(scan)

    # The staff revoke it; the next scan says so.
    staff = make_user("staff", email="staff@example.org")
    office = browser.new_context(base_url=live_server, locale="fr-FR", bypass_csp=True)
    desk = office.new_page()
    log_in(desk, staff)
    desk.goto("/certificates/staff?q=lefèvre")
    assert_accessible(desk)
    follow(desk.get_by_role("link", name=rules.display_code(code)))
    assert_accessible(desk)
    desk.get_by_label("Motif de la révocation").fill("Tentative passée pour quelqu'un d'autre")
    desk.get_by_role("button", name="Révoquer ce certificat").click()
    expect(desk.get_by_text("Certificat révoqué.")).to_be_visible()
    scan.goto(f"{live_server}/verify/{code}")
    expect(scan.get_by_role("heading", level=2)).to_have_text("Certificat révoqué")
    expect(scan.get_by_text("Tentative passée pour quelqu'un d'autre")).to_be_visible()
    stranger.close()
    office.close()
