"""A child and an adult open the same lesson and each read their own text, in a real browser.

The catalogue, course and lesson pages are checked by axe-core for both, at phone width.
"""

import pytest
from playwright.sync_api import expect

from tests.conftest import TEST_PASSWORD
from tests.courses.reader_data import add_version, make_course

pytestmark = pytest.mark.e2e

CHILD_TEXT = "La mer monte et descend deux fois par jour. C'est la marée !"
ADULT_TEXT = "Le marnage en baie du Mont-Saint-Michel dépasse souvent 12 mètres lors des vives-eaux."


@pytest.fixture
def course(db, now):
    course = make_course(now, lessons=("les-marees", "chausey"), audiences=("teen",))
    tides = course.lessons[0]
    add_version(tides, "child", now, title="La mer qui monte et qui descend", minutes=4,
                body=f"<p>{CHILD_TEXT}</p>", objectives=["Dire ce qu'est une marée"],
                key_facts=["La mer monte deux fois par jour."])
    add_version(tides, "adult", now, title="Les marées de la baie", minutes=8,
                body=f"<p>{ADULT_TEXT}</p><h2>Les coefficients</h2><p>De 20 à 120.</p>",
                objectives=["Expliquer le marnage"], key_facts=["Jusqu'à 15 mètres de marnage."])
    db.session.commit()
    return course


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(TEST_PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté.")).to_be_visible()


def new_page(browser, live_server, **options):
    context = browser.new_context(base_url=live_server, bypass_csp=True, locale="fr-FR",
                                  viewport={"width": 390, "height": 844}, **options)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def test_a_child_and_an_adult_each_read_their_own_text(page, browser, live_server, course, make_user,
                                                       assert_accessible):
    make_user(age_group="child", email="kid@example.org", name="Lou")
    make_user(age_group="adult", email="adulte@example.org", name="Claire")

    # The child: catalogue → course → lesson, every page accessible.
    log_in(page, "kid@example.org")
    page.get_by_role("navigation", name="Navigation principale").get_by_role("link", name="Cours").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Les cours")
    assert_accessible(page)
    page.get_by_role("link", name="Granville Terre et Mer").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Granville Terre et Mer")
    expect(page.get_by_role("link", name="La mer qui monte et qui descend", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Commencer par « La mer qui monte et qui descend »").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La mer qui monte et qui descend")
    expect(page.get_by_text(CHILD_TEXT)).to_be_visible()
    expect(page.get_by_text(ADULT_TEXT)).to_have_count(0)
    expect(page.locator("body")).to_have_class("reader-child")
    assert_accessible(page)
    child_size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.lesson-body p')).fontSize)")

    page.get_by_role("button", name="Marquer comme terminé").click()
    expect(page.get_by_text("Leçon terminée : « La mer qui monte et qui descend ».")).to_be_visible()
    # The next lesson has no child text: the nearest one (teen) is given, and the child is told.
    expect(page.get_by_text("pas encore de texte pour les enfants")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("navigation", name="Fil d'Ariane").get_by_role("link", name="Granville Terre et Mer").click()
    expect(page.get_by_text("Leçons terminées : 1 sur 2")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "1")
    expect(page.get_by_role("link", name="Reprendre « chausey (teen) »")).to_be_visible()
    assert_accessible(page)

    # The adult, in another browser, opens the same lesson.
    context, adult = new_page(browser, live_server)
    try:
        log_in(adult, "adulte@example.org")
        adult.goto("/courses/granville/les-marees")
        expect(adult.get_by_role("heading", level=1)).to_have_text("Les marées de la baie")
        expect(adult.get_by_text(ADULT_TEXT)).to_be_visible()
        expect(adult.get_by_text(CHILD_TEXT)).to_have_count(0)
        expect(adult.locator("body")).not_to_have_class("reader-child")
        assert_accessible(adult)
        adult_size = adult.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.lesson-body p')).fontSize)")
        assert child_size > adult_size  # larger type for children
        adult.goto("/courses/")
        expect(adult.get_by_text("Leçons terminées : 0 sur 2")).to_be_visible()
        assert_accessible(adult)
        adult.goto("/courses/granville")
        assert_accessible(adult)
    finally:
        context.close()


def test_without_javascript_the_lesson_works_and_offers_no_dead_button(browser, live_server, course, make_user):
    make_user(email="sansjs@example.org")
    context, page = new_page(browser, live_server, java_script_enabled=False)
    try:
        log_in(page, "sansjs@example.org")
        page.goto("/courses/granville/les-marees")
        expect(page.get_by_text(ADULT_TEXT)).to_be_visible()
        expect(page.get_by_role("button", name="Lire à voix haute")).to_be_hidden()
        page.get_by_role("button", name="Marquer comme terminé").click()
        expect(page.get_by_text("Leçon terminée : « Les marées de la baie ».")).to_be_visible()
    finally:
        context.close()


def test_staff_preview_the_childrens_text_with_a_visible_switch(page, course, make_user, assert_accessible):
    make_user("staff", email="office@example.org")
    log_in(page, "office@example.org")
    page.goto("/courses/granville/les-marees")
    expect(page.get_by_text(ADULT_TEXT)).to_be_visible()
    switch = page.get_by_role("navigation", name="Aperçu du texte pour :")
    switch.get_by_role("link", name="Enfants (moins de 15 ans)").click()
    expect(page.get_by_text(CHILD_TEXT)).to_be_visible()
    expect(switch.get_by_role("link", name="Enfants (moins de 15 ans)")).to_have_attribute("aria-current", "true")
    expect(page.get_by_role("button", name="Marquer comme terminé")).to_have_count(0)
    assert_accessible(page)


# A stand-in for the browser's speech synthesis, so the test hears what would be said whatever
# voices this machine has. ``window.__voices`` decides which voices exist.
FAKE_SPEECH = """
(() => {
  window.__voices = window.__voices || [{lang: "en-US", name: "English"}, {lang: "fr-FR", name: "Amélie"}];
  window.__spoken = [];
  window.__cancelled = 0;
  const synth = new EventTarget();
  synth.speaking = false;
  synth.getVoices = () => window.__voices;
  synth.speak = (utterance) => { window.__spoken.push(utterance); synth.speaking = true; };
  synth.cancel = () => { window.__cancelled += 1; synth.speaking = false; };
  Object.defineProperty(window, "speechSynthesis", {value: synth, configurable: true});
  window.SpeechSynthesisUtterance = class extends EventTarget {
    constructor(text) { super(); this.text = text; }
  };
})();
"""


def test_read_aloud_speaks_the_lesson_in_french_and_a_second_press_stops(page, course, assert_accessible):
    page.context.add_init_script(FAKE_SPEECH)
    page.goto("/courses/granville/les-marees")
    button = page.get_by_role("button", name="Lire à voix haute")
    button.click()
    stop = page.get_by_role("button", name="Arrêter la lecture")
    expect(stop).to_be_visible()
    assert_accessible(page)
    spoken = page.evaluate("window.__spoken.map(u => [u.text, u.lang, u.voice && u.voice.name])")
    said = " ".join(text for text, _, _ in spoken)
    assert "Les marées de la baie" in said and "marnage en baie du Mont-Saint-Michel" in said
    assert "Jusqu'à 15 mètres de marnage." in said
    assert "Marquer comme terminé" not in said  # the lesson, not the page's buttons
    assert {(lang, voice) for _, lang, voice in spoken} == {("fr-FR", "Amélie")}

    stop.click()
    expect(button).to_be_visible()
    assert page.evaluate("window.__cancelled") >= 1

    # Reading to the end puts the button back too.
    button.click()
    page.evaluate("window.__spoken.at(-1).dispatchEvent(new Event('end'))")
    expect(button).to_be_visible()


def test_without_a_voice_there_is_no_button_until_one_arrives(page, course):
    page.context.add_init_script("window.__voices = [];" + FAKE_SPEECH)
    page.goto("/courses/granville/les-marees")
    expect(page.get_by_text(ADULT_TEXT)).to_be_visible()
    expect(page.get_by_role("button", name="Lire à voix haute")).to_be_hidden()
    page.evaluate("""window.__voices.push({lang: "fr-FR", name: "Amélie"});
                     speechSynthesis.dispatchEvent(new Event("voiceschanged"))""")
    expect(page.get_by_role("button", name="Lire à voix haute")).to_be_visible()
