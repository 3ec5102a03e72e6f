"""Quizzes in a real browser (390 px wide), checked by axe-core: a child answers one question at
a time and gets kind feedback; an adult fails, waits out the cooldown (the server's clock is
moved, nothing sleeps) and passes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnapp.extensions import db
from tests.conftest import TEST_PASSWORD
from tests.quizzes.quiz_helpers import SLUG, add_questions, make_course, make_tier, question

pytestmark = pytest.mark.e2e


@pytest.fixture
def clock(monkeypatch, now):
    """The quiz pages' clock, moved by the test."""
    state = {"now": now}
    monkeypatch.setattr("learnapp.quizzes.routes.utcnow", lambda: state["now"])
    return state


def sign_in_without_email(page, app, user, base_url):
    """Children sign in through their class (no e-mail): open their session directly — a session
    record first, as every sign-in makes, then the cookie that names it."""
    from learnapp.auth import sessions
    from learnapp.db import utcnow
    from learnapp.extensions import db

    sessions.start(user, now=utcnow(), remember=False, user_agent="", address="")
    db.session.commit()
    serializer = app.session_interface.get_signing_serializer(app)
    cookie = serializer.dumps({"_user_id": user.get_id(), "_fresh": True})
    page.context.add_cookies([{"name": app.config["SESSION_COOKIE_NAME"], "value": cookie, "url": base_url}])


def test_a_child_answers_one_question_at_a_time_and_sees_kind_feedback(page, app, live_server, clock, now,
                                                                        make_user, assert_accessible, monkeypatch):
    course = make_course(now)
    make_tier(course, 1, questions_per_attempt=3, requires_course_done=False, pass_mark=60)
    add_questions(course, [
        question("maree", audiences=("child",), prompt="Combien de fois par jour la mer monte-t-elle ?",
                 choices=[{"text": "Deux fois", "correct": True}, {"text": "Une fois"}, {"text": "Jamais"}],
                 explanation="Deux fois par jour, comme une respiration."),
        question("chausey", "true_false", audiences=("child",), prompt="Chausey est une île.", answer=True,
                 explanation="Oui : c'est même un archipel de 365 îlots !"),
        question("carre", "image_choice", audiences=("child",), prompt="Quel carré est **rouge** ?",
                 explanation="Le rouge, comme un homard cuit."),
    ], now)
    monkeypatch.setattr("learnapp.quizzes.attempts.secrets.randbelow", lambda limit: 5)
    child = make_user(age_group="child", name="Zoé")
    sign_in_without_email(page, app, child, live_server)

    page.goto(f"/quizzes/courses/{SLUG}/tiers/1")
    expect(page.get_by_role("heading", level=1)).to_have_text("Quiz niveau 1 : Découverte")
    expect(page.get_by_text("Une question à la fois")).to_have_count(0)  # children do not choose
    assert_accessible(page)
    page.get_by_role("button", name="C'est parti !").click()

    answered = []
    for position in (1, 2, 3):
        expect(page.get_by_role("heading", level=1)).to_have_text(f"Question {position} sur 3")
        expect(page.locator("#feedback")).to_have_count(0)  # nothing tells the answer before checking
        expect(page.get_by_text(f"Question {position} sur 3").last).to_be_visible()
        assert_accessible(page)
        prompt = page.locator(".prompt").inner_text()
        if "mer monte" in prompt:
            # A mistake first, and the kind words that go with it.
            page.get_by_label("Une fois").check()
            page.get_by_role("button", name="Vérifier").click()
            feedback = page.locator("#feedback")
            expect(feedback).to_contain_text("Pas tout à fait…")
            expect(feedback).to_contain_text("c'est en se trompant qu'on apprend")
            expect(feedback.locator(".is-correct")).to_contain_text("Deux fois")
            expect(feedback).to_contain_text("comme une respiration")
            answered.append("wrong")
        elif "île" in prompt:
            # With the keyboard only: focus the choice, space to pick it, enter to check.
            page.get_by_label("Vrai").focus()
            page.keyboard.press("Space")
            page.get_by_role("button", name="Vérifier").focus()
            page.keyboard.press("Enter")
            expect(page.locator("#feedback")).to_contain_text("Bravo !")
            answered.append("right")
        else:
            page.get_by_label("Un carré rouge").check()
            page.get_by_role("button", name="Vérifier").click()
            expect(page.locator("#feedback")).to_contain_text("Bravo !")
            answered.append("right")
        expect(page.locator("#feedback")).to_be_focused()  # screen readers hear the feedback first
        assert_accessible(page)
        if position < 3:
            page.get_by_role("link", name="Question suivante").click()
    page.get_by_role("button", name="Voir mon résultat").click()
    expect(page.get_by_role("heading", level=2, name="Score : 66,7 %")).to_be_visible()
    expect(page.get_by_text("Bravo, tu as réussi le niveau « Découverte » !")).to_be_visible()
    assert_accessible(page)
    assert sorted(answered) == ["right", "right", "wrong"]


def test_an_adult_fails_waits_out_the_cooldown_and_passes(page, live_server, clock, now, make_user,
                                                         assert_accessible):
    course = make_course(now)
    make_tier(course, 1, questions_per_attempt=3, pass_mark=70, cooldown_seconds=30 * 60,
              requires_course_done=False)
    add_questions(course, [
        question("maree", prompt="Combien de fois par jour la mer monte-t-elle à Granville ?",
                 choices=[{"text": "Deux fois", "correct": True}, {"text": "Une fois"}, {"text": "Quatre fois"}]),
        question("marnage", "numeric", prompt="Le marnage peut dépasser combien de mètres à Granville ?",
                 answer=14, tolerance=1, unit="mètres"),
        question("archipel", "short_text", prompt="Quel archipel fait face à Granville ?", answers=["Chausey"]),
    ], now)
    adult = make_user(name="Camille", email="camille@example.org")

    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(adult.email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté.")).to_be_visible()

    def attempt(*, right: bool):
        page.goto(f"/quizzes/courses/{SLUG}/tiers/1")
        assert_accessible(page)
        page.get_by_label("Toutes les questions sur une seule page").check()
        page.get_by_role("button", name="Commencer le quiz").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Quiz niveau 1 : Découverte")
        expect(page.locator("fieldset.question")).to_have_count(3)
        assert_accessible(page)
        page.get_by_label("Deux fois" if right else "Une fois").check()
        page.get_by_label("Votre réponse (un nombre)").fill("14,5" if right else "8")
        page.get_by_label("Votre réponse", exact=True).fill(" îles chausey " if not right else "CHAUSEY")
        page.get_by_role("button", name="Envoyer mes réponses").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Résultat de la tentative "
                                                                  f"{2 if right else 1}")
        assert_accessible(page)

    attempt(right=False)
    expect(page.get_by_text("Pas encore réussi : il fallait 70 % des points.")).to_be_visible()
    expect(page.get_by_text("Vous pourrez réessayer à partir du")).to_be_visible()
    expect(page.locator(".review-item")).to_have_count(3)

    # Too early: the server refuses, and says when.
    page.goto(f"/quizzes/courses/{SLUG}/tiers/1")
    expect(page.get_by_role("button", name="Commencer le quiz")).to_have_count(0)
    expect(page.get_by_text("Profitez-en pour relire les leçons")).to_be_visible()

    # Half an hour later (the server's clock moves; the test does not sleep).
    clock["now"] = now + timedelta(minutes=31)
    attempt(right=True)
    expect(page.get_by_text("Bravo, vous avez réussi le niveau « Découverte » !")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="Score : 100 %")).to_be_visible()
    page.goto(f"/quizzes/courses/{SLUG}")
    expect(page.locator(".tier-card")).to_contain_text("Réussi")
    db.session.remove()


@pytest.mark.parametrize("lang, verdict, note", [
    ("fr", "Réponse en partie juste", "Votre réponse rapporte 50 % des points."),
    ("en", "Partly right", "Your answer earns 50 % of the point."),
])
def test_an_adult_sees_partial_credit_in_the_review(page, live_server, clock, now, make_user, assert_accessible,
                                                    lang, verdict, note):
    course = make_course(now)
    make_tier(course, 1, questions_per_attempt=2, pass_mark=40, requires_course_done=False)
    add_questions(course, [
        question("phare", prompt="Où se trouve le phare de Granville ?",
                 choices=[{"text": "À la pointe du Roc", "correct": True}, {"text": "Sur le port", "credit": 50},
                          {"text": "Au marché"}]),
        question("archipel", "short_text", prompt="Quel archipel fait face à Granville ?",
                 answers=["Chausey", {"text": "Jersey", "credit": 25}], other_feedback="Regardez la carte."),
    ], now)
    adult = make_user(name="Camille", email="camille@example.org")
    page.context.add_cookies([{"name": "lang", "value": lang, "url": live_server}])
    page.goto("/login")
    page.locator("input[type=email]").fill(adult.email)
    page.locator("input[type=password]").fill(TEST_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    page.goto(f"/quizzes/courses/{SLUG}/tiers/1")
    page.locator("input[name=mode][value=all]").check()
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("fieldset.question")).to_have_count(2)
    page.get_by_label("Sur le port").check()
    page.locator("input[type=text]").fill("Jersey")
    page.locator("button[value=submit]").click()
    expect(page.locator(".review-item")).to_have_count(2)
    expect(page.locator(".verdict-partly").first).to_contain_text(verdict)
    expect(page.get_by_text(note)).to_be_visible()
    assert_accessible(page)
