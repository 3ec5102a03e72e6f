"""A staff member edits a lesson in the browser (live preview, readability gauge, save); the
adult learner then opens the lesson and reads the new version. axe-core checks the editor."""

import pytest
from playwright.sync_api import expect

from learnapp.courses import lesson_versions
from learnapp.courses.models import Course, Lesson
from tests.e2e.conftest import log_in, sideways_overflow

pytestmark = pytest.mark.e2e


@pytest.fixture
def lesson(db, now):
    course = Course(slug="granville-terre-et-mer", title="Granville Terre et Mer", summary="Le territoire.",
                    position=1, audiences=["child", "teen", "adult"], published=True, created_at=now,
                    updated_at=now)
    lesson = Lesson(course=course, slug="les-marees", position=1, created_at=now)
    db.session.add_all([course, lesson])
    db.session.flush()
    for audience, body in (("adult", "Le marnage atteint quatorze mètres dans la baie.\n"),
                           ("child", "La mer monte et descend deux fois par jour.\n")):
        lesson_versions.add_lesson_version(lesson, audience, title="Les marées", minutes=5, objectives=[], key_facts=[],
                                    body_markdown=body, source="files", author=None, now=now)
    db.session.commit()
    return lesson


def test_staff_edits_the_adult_text_and_the_adult_learner_reads_it(page, lesson, make_user, assert_accessible):
    staff = make_user("staff", name="Sophie")
    learner = make_user("learner", age_group="adult", name="Léa")
    new_text = "Ici, la mer peut monter de quatorze mètres : c'est le plus grand marnage d'Europe."

    log_in(page, staff)
    page.goto("/office/courses/")
    assert_accessible(page)
    page.get_by_role("link", name="Granville Terre et Mer").click()
    expect(page.get_by_text("Texte manquant : Adolescents (15 à 17 ans)")).to_be_visible()
    page.get_by_role("link", name="Adultes : version 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("texte pour : Adultes")
    assert_accessible(page)

    # Live preview: typing updates the preview through the server's sanitising renderer.
    body = page.get_by_label("Texte de la leçon (Markdown)")
    body.fill(f"{new_text}\n\n::: savais-tu\nLe Mont-Saint-Michel redevient une île.\n:::\n")
    preview = page.locator("#preview")
    expect(preview.get_by_text(new_text)).to_be_visible()
    expect(preview.get_by_text("Le savais-tu ?")).to_be_visible()
    expect(preview.get_by_role("heading", name="Lisibilité")).to_be_visible()
    expect(preview.get_by_text("Objectif pour ce public : 40 ou plus.")).to_be_visible()

    # A hostile or broken text shows its problem in the preview, then on the form when saving.
    body.fill("Une image sans description : ![](media:" + "a" * 64 + ".png)")
    page.get_by_role("button", name="Prévisualiser").click()
    expect(preview.get_by_text("sans texte alternatif")).to_be_visible()
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Texte de la leçon (Markdown)")).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Texte de la leçon (Markdown)").fill(f"{new_text}\n")
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text("Version 2 enregistrée")).to_be_visible()
    page.get_by_role("link", name="Historique des versions").click()
    expect(page.get_by_role("cell", name="Sophie")).to_be_visible()
    expect(page.get_by_role("cell", name="fichiers")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Se déconnecter").click()
    log_in(page, learner)
    page.goto("/courses/granville-terre-et-mer/les-marees")
    expect(page.get_by_text(new_text)).to_be_visible()
    expect(page.get_by_text("Le marnage atteint quatorze mètres")).to_have_count(0)


def test_the_child_gauge_warns_and_the_editor_works_without_javascript(browser, live_server, lesson, make_user):
    context = browser.new_context(base_url=live_server, java_script_enabled=False, bypass_csp=True,
                                  locale="fr-FR", viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, make_user("staff"))
        page.goto(f"/office/courses/{lesson.course_id}/lessons/{lesson.id}/child")
        page.get_by_label("Texte de la leçon (Markdown)").fill(
            "Sous réserve des dispositions législatives et réglementaires applicables, l'exploitant demeure "
            "personnellement responsable de la conformité des installations administratives.")
        page.get_by_role("button", name="Prévisualiser").click()
        expect(page.get_by_text("Attention : ce texte est difficile à lire pour un enfant.")).to_be_visible()
        expect(page.locator("#preview").get_by_text("Sous réserve des dispositions")).to_be_visible()
        expect(page.get_by_text("Pas atteint.")).to_be_visible()
    finally:
        context.close()


def test_an_old_version_with_long_lines_reads_on_a_phone(page, lesson, make_user, db, now, assert_accessible):
    # A media: reference is one long unbreakable word: the Markdown source must wrap, not scroll
    # in a box a keyboard cannot reach (axe: scrollable-region-focusable).
    long_line = "Voir la carte :\n\n![Une carte de la baie](media:" + "3f" * 32 + ".png)\n"
    lesson_versions.add_lesson_version(lesson, "adult", title="Les marées", minutes=5, objectives=["Lire la marée"],
                                key_facts=[], body_markdown=long_line, source="files", author=None, now=now)
    db.session.commit()
    log_in(page, make_user("staff", name="Sophie"))
    page.goto(f"/office/courses/{lesson.course_id}/lessons/{lesson.id}/adult/versions/1")
    expect(page.get_by_role("button", name="Restaurer cette version")).to_be_visible()
    assert sideways_overflow(page) <= 0
    page.goto(f"/office/courses/{lesson.course_id}/lessons/{lesson.id}/adult/versions/2")
    assert sideways_overflow(page) <= 0
    assert_accessible(page)
