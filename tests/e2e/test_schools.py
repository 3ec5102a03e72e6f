"""A school class in a real browser, checked by axe-core on the teacher's and the pupil's pages:
the teacher creates a class, imports a 28-pupil roster, gives a course and prints the login
cards; a pupil signs in with a card's credentials (from the QR's page: the class code filled in),
reads the children's lesson and takes the children's quiz; the teacher sees the grid fill in."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.schools import directory
from tests.courses.reader_data import add_version, make_course
from tests.e2e.conftest import follow, log_in
from tests.quizzes.quiz_helpers import add_questions, make_tier, question
from tests.schools.pdf_text import cards as pdf_cards

pytestmark = pytest.mark.e2e

CHILD_TEXT = "La mer monte et descend deux fois par jour. C'est la marée !"
NAMES = ["Léa", "Noé", "Zoé", "Jules", "Inès", "Gabriel", "Chloé", "Louis", "Manon", "Arthur", "Jade", "Hugo",
         "Lina", "Raphaël", "Emma", "Tom", "Alice", "Nathan", "Rose", "Sacha", "Anna", "Paul", "Camille", "Maël",
         "Léo", "Mila", "Éloïse", "Timéo"]


@pytest.fixture
def course(db, now):
    course = make_course(now, slug="granville-terre-et-mer", lessons=("les-marees",), audiences=("adult",))
    add_version(course.lessons[0], "child", now, title="La mer qui monte et qui descend",
                body=f"<p>{CHILD_TEXT}</p>")
    make_tier(course, 1, questions_per_attempt=1, requires_course_done=True, pass_mark=50)
    add_questions(course, [question("maree", audiences=("child",),
                                    prompt="Combien de fois par jour la mer monte-t-elle ?",
                                    choices=[{"text": "Deux fois", "correct": True}, {"text": "Une fois"}])], now)
    db.session.commit()
    return course


def test_a_class_from_roster_to_grid(page, browser, live_server, course, make_user, tmp_path: Path,
                                     assert_accessible):
    teacher = make_user("teacher", email="mme.lefevre@example.org", name="Claire Lefèvre")
    school = directory.create_school("École Jules Ferry", "Granville", now=utcnow())
    directory.add_teacher(school, teacher, actor=None, now=utcnow())
    db.session.commit()

    # The teacher creates the class.
    log_in(page, teacher)
    page.goto("/schools/")
    assert_accessible(page)
    page.get_by_role("link", name="Créer une classe").click()
    page.get_by_label("Nom de la classe").fill("CM2 A")
    page.get_by_label("Niveau").fill("CM2")
    assert_accessible(page)
    page.get_by_role("button", name="Créer la classe").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("CM2 A")

    # A spreadsheet's roster: Windows-1252, semicolons, 28 pupils (two Léa M.).
    roster = tmp_path / "classe.csv"
    lines = ["Prénom;Nom;Année de naissance"] + [f"{name};{'Martin' if i < 2 else 'B'};2016"
                                                  for i, name in enumerate(["Léa"] + NAMES[:27])]
    roster.write_bytes("\r\n".join(lines).encode("cp1252"))
    page.get_by_label("Fichier CSV de la classe").set_input_files(str(roster))
    page.get_by_role("button", name="Importer").click()
    expect(page.get_by_text("28 élèves importés.")).to_be_visible()
    expect(page.get_by_role("heading", name="Élèves (28)")).to_be_visible()
    assert_accessible(page)

    # The course for the class, then the login cards for everyone.
    page.get_by_label("Cours", exact=True).select_option(label="Granville Terre et Mer")
    page.get_by_label("Niveaux de quiz attendus").fill("1")
    page.get_by_role("button", name="Donner ce cours").click()
    expect(page.get_by_text("Cours « Granville Terre et Mer » donné à la classe.")).to_be_visible()
    # 28 passphrases hashed like passwords: seconds on a loaded machine.
    with page.expect_download(timeout=90_000) as download:
        page.get_by_role("button", name="Imprimer les cartes de connexion (PDF)").click(no_wait_after=True)
    printed = pdf_cards(Path(download.value.path()).read_bytes())
    assert len(printed) == 28 and {c["username"] for c in printed} >= {"lea.m", "lea.m2"}
    card = next(c for c in printed if c["username"] == "noe.b")
    code_text = page.locator(".class-code").inner_text()

    # The pupil, on another device, opens the QR's page: the class code is in it.
    tablet = browser.new_context(base_url=live_server, bypass_csp=True, locale="fr-FR",
                                 viewport={"width": 820, "height": 1180})
    child = tablet.new_page()
    child.set_default_timeout(10_000)
    child.goto(f"/class/{code_text.replace('-', '')}")
    expect(child.get_by_role("heading", level=1)).to_have_text("Classe CM2 A")
    assert_accessible(child)
    child.get_by_label("Ton prénom").select_option(label="Noé B.")
    child.get_by_label("Ta phrase secrète").fill(card["passphrase"])
    child.get_by_role("button", name="Entrer").click()
    expect(child.get_by_text("Bonjour ! Tu es connecté.")).to_be_visible()
    expect(child.get_by_role("heading", name="Mes devoirs (classe CM2 A)")).to_be_visible()
    assert_accessible(child)

    # The children's lesson, then the children's quiz.
    child.get_by_role("link", name="Granville Terre et Mer").first.click()
    child.get_by_role("link", name="La mer qui monte et qui descend", exact=True).click()
    expect(child.get_by_text(CHILD_TEXT)).to_be_visible()
    assert_accessible(child)
    child.get_by_role("button", name="Marquer comme terminé").click()
    child.goto("/quizzes/courses/granville-terre-et-mer/tiers/1")
    follow(child.get_by_role("button", name="C'est parti !"))
    child.get_by_label("Deux fois").check()
    child.get_by_role("button", name="Vérifier").click()
    expect(child.locator("#feedback")).to_contain_text("Bravo !")
    child.get_by_role("button", name="Voir mon résultat").click()
    expect(child.get_by_text("Bravo, tu as réussi le niveau « Découverte » !")).to_be_visible()
    assert_accessible(child)
    # A pupil on the teacher's pages is refused.
    response = child.goto("/schools/")
    assert response.status == 403

    # The teacher's grid has filled in.
    page.get_by_role("link", name="Tableau de progression").click()
    row = page.get_by_role("row", name="Noé B.")
    expect(row).to_contain_text("lu")
    expect(row).to_contain_text("réussi (100 %)")
    expect(page.get_by_role("row", name="Zoé B.")).to_contain_text("pas commencé")
    assert_accessible(page)
    page.get_by_role("link", name="Progression — trier").click()
    page.get_by_role("link", name="Progression — trier").click()  # again: best first
    expect(page.locator("tbody tr").first).to_contain_text("Noé B.")
    tablet.close()
