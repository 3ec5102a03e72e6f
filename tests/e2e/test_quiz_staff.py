"""A staff member, on a phone-sized screen, imports a GIFT file, previews and saves an edit,
and reads the statistics; axe-core checks every quiz staff page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from learnapp.quizzes.models import AttemptItem, Question, QuestionVersion, QuizAttempt, QuizTier
from tests.e2e.conftest import follow, log_in
from tests.quizzes.quiz_helpers import GIFT_SAMPLE, rebuild_kept_stats

pytestmark = pytest.mark.e2e


@pytest.fixture
def course(db, now, make_user):
    from learnapp.courses.models import Course, Lesson
    from learnapp.quizzes import bank_import

    course = Course(slug="granville-terre-et-mer", title="Granville Terre et Mer", audiences=["child", "teen", "adult"],
                    published=True)
    db.session.add(course)
    db.session.flush()
    db.session.add(Lesson(course_id=course.id, slug="les-marees", position=1))
    tier = QuizTier(course_id=course.id, number=1, name="Découverte", questions_per_attempt=2, pass_mark=50,
                    cooldown_seconds=0, requires_course_done=False, requires_previous_tier=False)
    db.session.add(tier)
    db.session.flush()
    bank_import.import_questions(course, [
        {"id": "maree-deux-fois", "type": "single", "tiers": [1], "audiences": ["adult"],
         "prompt": "Combien de fois par jour la mer monte-t-elle ?",
         "choices": [{"text": "Deux fois", "correct": True}, {"text": "Une fois"}, {"text": "Jamais"}]},
        {"id": "chausey", "type": "true_false", "tiers": [1], "audiences": ["adult"],
         "prompt": "Chausey est un archipel.", "answer": True},
    ], source="files", author=None, now=now)
    db.session.flush()
    single = db.session.scalar(db.select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois"))
    true_false = db.session.scalar(db.select(QuestionVersion).join(Question).where(Question.key == "chausey"))
    ids = [c["id"] for c in single.definition["choices"]]
    for n in range(22):
        learner = make_user()
        right = n % 3 != 0
        attempt = QuizAttempt(user_id=learner.id, tier_id=tier.id, number=1, audience="adult", seed=n,
                              status="submitted", started_at=now - timedelta(hours=2),
                              submitted_at=now - timedelta(hours=1), score=100.0 if right else 50.0, passed=True)
        db.session.add(attempt)
        db.session.flush()
        db.session.add_all([
            AttemptItem(attempt_id=attempt.id, position=1, question_version_id=single.id,
                        answer={"choice": ids[0] if right else ids[1]}, credit=1.0 if right else 0.0),
            AttemptItem(attempt_id=attempt.id, position=2, question_version_id=true_false.id, answer={"value": True},
                        credit=1.0),
        ])
    db.session.commit()
    rebuild_kept_stats(db)  # written directly, not graded: the statistics' kept sums come from the backfill
    return course


def test_staff_imports_edits_and_reads_statistics(page, course, make_user, assert_accessible):
    log_in(page, make_user("staff", name="Sophie"))
    page.goto("/office/quizzes/")
    assert_accessible(page)
    page.get_by_role("link", name="Banque de questions — Granville Terre et Mer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Banque de questions")
    assert_accessible(page)

    # Edit a question: the preview shows the sanitised Markdown; saving adds a version.
    follow(page.get_by_role("link", name="Combien de fois par jour la mer monte-t-elle ?"))
    assert_accessible(page)
    page.get_by_label("Énoncé").fill("Combien de fois **par jour** la mer monte-t-elle à Granville ?")
    page.get_by_role("button", name="Prévisualiser").click()
    preview = page.locator(".preview")
    expect(preview.locator("strong")).to_have_text("par jour")
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_text("Nouvelle version enregistrée.")).to_be_visible()

    # A mistake is explained next to the field, and nothing is saved.
    page.get_by_role("group", name="Choix 2").get_by_label("Bonne réponse").check()
    page.get_by_role("button", name="Enregistrer une nouvelle version").click()
    expect(page.get_by_role("alert")).to_contain_text("rien n'a été enregistré")
    assert_accessible(page)

    # Import our GIFT sample: check first (nothing written), then import what was taken.
    follow(page.get_by_role("link", name="Importer un fichier GIFT"))
    assert_accessible(page)
    page.get_by_label("Fichier GIFT").set_input_files(str(GIFT_SAMPLE))
    page.get_by_role("button", name="Vérifier sans importer").click()
    expect(page.get_by_role("heading", name="Vérification : rien n'est encore importé")).to_be_visible()
    expect(page.get_by_text("Ligne 25", exact=True)).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Importer les 8 questions reprises").click()
    expect(page.get_by_role("heading", name="Import terminé")).to_be_visible()

    page.goto(f"/office/quizzes/{course.id}/statistics")
    expect(page.get_by_role("heading", name="Taux de réussite par niveau et par âge")).to_be_visible()
    expect(page.get_by_text("Trop facile : plus de 19 réponses justes sur 20")).to_be_visible()
    assert_accessible(page)

    # A choice question's own page: the options chosen, drawn and as a table.
    page.get_by_role("link", name="Graphique des choix : maree-deux-fois").click()
    expect(page.get_by_role("img", name="Choix pris : maree-deux-fois · v1")).to_be_visible()
    page.get_by_text("Les chiffres du graphique « Choix pris : maree-deux-fois · v1 »").click()
    expect(page.locator("table.numbers").get_by_role("row", name="Deux fois")).to_contain_text("oui")
    assert_accessible(page)
