"""Loading quiz banks from files: checked first with file:line problems, all or nothing,
idempotent; a changed question gets a new version, a removed one is retired."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from learnapp.core.content_packs import LoadContext
from learnapp.media.models import MediaAsset
from learnapp.quizzes import bank_import, loader
from learnapp.quizzes.models import Question, QuestionVersion, QuizAttempt, QuizTier
from tests.quizzes.quiz_helpers import SLUG, add_questions, make_course, make_tier, png, question, write

TIERS = """\
tiers:
  - number: 1
    name: Découverte
    questions_per_attempt: 3
    pass_mark: 70
    time_limit_minutes: null
    max_attempts: null
    cooldown_minutes: 0
    show_answers: true
    requires: [course_done]
  - number: 2
    name: Confirmé
    questions_per_attempt: 3
    pass_mark: 75
    time_limit_minutes: 15
    max_attempts: 3
    cooldown_minutes: 60
    show_answers: false
    requires: [course_done, previous_tier]
"""

QUESTIONS = """\
# Les marées
- id: maree-deux-fois
  type: single
  tiers: [1]
  audiences: [child]
  lesson: les-marees
  tags: [marées]
  prompt: Combien de fois par jour la mer monte-t-elle ?
  explanation: Deux fois par jour.
  choices:
    - text: Deux fois
      correct: true
    - text: Une fois

- id: maree-image
  type: image_choice
  tiers: [1, 2]
  audiences: [child, adult]
  lesson: les-marees
  prompt: |
    Où la mer est-elle **haute** ?

    ![La plage](images/red.png)
  explanation: Regarde l'eau.
  choices:
    - image: images/red.png
      alt: Une plage à marée haute.
      correct: true
    - image: images/blue.png
      alt: Une plage à marée basse.

- id: chausey-nom
  type: short_text
  tiers: [2]
  audiences: [adult]
  lesson: chausey
  prompt: Quel archipel fait face à Granville ?
  explanation: Les îles Chausey.
  answers: [Chausey, îles Chausey]
"""


def bank(root: Path, questions: str = QUESTIONS, tiers: str = TIERS) -> Path:
    folder = root / "quizzes" / SLUG
    write(folder / "tiers.yml", tiers)
    write(folder / "questions" / "01-marees.yml", questions)
    (folder / "images").mkdir(exist_ok=True)
    (folder / "images" / "red.png").write_bytes(png("red"))
    (folder / "images" / "blue.png").write_bytes(png("blue"))
    return root / "quizzes"


def load(path: Path, now, db):
    prepared = loader.load_quizzes(LoadContext(path=path, now=now, root=path))
    if prepared.problems:
        return prepared, None
    lines = prepared.apply()
    db.session.commit()
    return prepared, lines


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_bank_loads_tiers_questions_and_images(db, tmp_path, now):
    course = make_course(now)
    prepared, lines = load(bank(tmp_path), now, db)
    assert prepared.problems == [] and prepared.files == 2
    tiers = db.session.scalars(select(QuizTier).order_by(QuizTier.number)).all()
    assert [(t.number, t.name, t.questions_per_attempt, t.pass_mark) for t in tiers] == [
        (1, "Découverte", 3, 70), (2, "Confirmé", 3, 75)]
    second = tiers[1]
    assert (second.time_limit_seconds, second.max_attempts, second.cooldown_seconds, second.show_answers,
            second.requires_course_done, second.requires_previous_tier) == (900, 3, 3600, False, True, True)
    assert not tiers[0].requires_previous_tier
    versions = {v.question.key: v for v in db.session.scalars(select(QuestionVersion))}
    assert set(versions) == {"maree-deux-fois", "maree-image", "chausey-nom"}
    image = versions["maree-image"]
    assert image.tiers == [1, 2] and image.audiences == ["child", "adult"] and image.lesson_slug == "les-marees"
    # Images are stored once, prompts refer to them by their hash, and everything is rendered.
    assert count(db, MediaAsset) == 2
    assert "<strong>haute</strong>" in image.prompt_html and '<img src="/media/' in image.prompt_html
    assert "media:" in image.prompt_markdown
    assert all(c["image"]["sha256"] for c in image.definition["choices"])
    assert versions["chausey-nom"].definition == {"answers": ["Chausey", "îles Chausey"]}
    assert all(q.course_id == course.id for q in db.session.scalars(select(Question)))
    assert any("3 ajoutée(s)" in line for line in lines)


def test_loading_twice_changes_nothing(db, tmp_path, now):
    make_course(now)
    path = bank(tmp_path)
    load(path, now, db)
    before = (count(db, QuestionVersion), count(db, QuizTier), count(db, MediaAsset))
    _, lines = load(path, now + timedelta(hours=1), db)
    assert (count(db, QuestionVersion), count(db, QuizTier), count(db, MediaAsset)) == before
    assert any("0 ajoutée(s), 0 nouvelle(s) version(s), 3 inchangée(s)" in line for line in lines)


def test_an_edited_question_gets_a_new_version_and_old_attempts_keep_theirs(db, tmp_path, now, make_user):
    make_course(now)
    path = bank(tmp_path)
    load(path, now, db)
    old = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois"))
    bank(tmp_path, QUESTIONS.replace("Deux fois par jour.", "Deux fois par jour, comme partout sur la Manche."))
    _, lines = load(path, now + timedelta(days=1), db)
    versions = db.session.scalars(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois")
                                  .order_by(QuestionVersion.number)).all()
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].id == old.id and versions[0].explanation_markdown == "Deux fois par jour."
    assert "Manche" in versions[1].explanation_html
    assert any("1 nouvelle(s) version(s)" in line for line in lines)


def test_a_question_removed_from_the_files_is_retired_then_restored(db, tmp_path, now):
    make_course(now)
    path = bank(tmp_path)
    load(path, now, db)
    without = QUESTIONS.split("- id: chausey-nom")[0]
    bank(tmp_path, without)
    _, lines = load(path, now, db)
    retired = db.session.scalar(select(Question).where(Question.key == "chausey-nom"))
    assert retired.retired and len(retired.versions) == 1
    assert any("1 retirée(s)" in line for line in lines)
    bank(tmp_path, QUESTIONS)
    load(path, now, db)
    db.session.refresh(retired)
    assert not retired.retired and len(retired.versions) == 1


def test_files_do_not_override_an_edit_made_since_unless_they_change(db, tmp_path, now):
    course = make_course(now)
    path = bank(tmp_path)
    load(path, now, db)
    edited = question("maree-deux-fois", tiers=(1,), audiences=("child",), prompt="Édité dans le navigateur ?")
    add_questions(course, [edited], now, source="editor")
    load(path, now, db)  # same files: the browser's edit stays current
    latest = db.session.scalars(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois")
                                .order_by(QuestionVersion.number.desc())).first()
    assert latest.source == "editor" and latest.number == 2


def problems_of(path, now):
    prepared = loader.load_quizzes(LoadContext(path=path, now=now, root=path))
    return [problem.display(path.parent) for problem in prepared.problems]


def test_every_problem_is_reported_with_its_file_and_line_and_nothing_is_written(db, tmp_path, now):
    make_course(now)
    broken = (QUESTIONS
              .replace("  type: single\n", "  type: singel\n")                       # line 3
              .replace("  tiers: [1, 2]\n", "  tiers: [1, 4]\n")                     # line 17
              .replace("      alt: Une plage à marée basse.\n", "")                  # choice without alt
              .replace("  lesson: chausey\n", "  lesson: carnaval\n")                # unknown lesson
              .replace("Où la mer est-elle **haute** ?", "Où est <b>la mer</b> ?")  # raw HTML in the prompt
              + "  couleur: bleu\n")                                                  # unknown field
    path = bank(tmp_path, broken)
    found = problems_of(path, now)
    where = f"quizzes/{SLUG}/questions/01-marees.yml"
    assert f"{where}:3: Type inconnu « singel » (types possibles : single, multiple, true_false, ordering, " \
           "matching, numeric, short_text, image_choice)." in found
    assert f"{where}:17: Niveau 4 inconnu : ce cours n'a pas ce niveau (voir son tiers.yml)." in found
    assert f"{where}:21: HTML brut interdit (« <b> ») : écrivez en Markdown." in found  # inside the prompt
    assert f"{where}:29: Chaque image a besoin d'un texte de remplacement (« alt ») qui dit ce qu'elle " \
           "montre." in found
    assert any(line.startswith(f"{where}:35: Leçon « carnaval » inconnue") for line in found)
    assert any(line.startswith(f"{where}:39: Champ inconnu « couleur »") for line in found)
    assert len(found) == 7
    assert count(db, Question) == 0 and count(db, QuizTier) == 0 and count(db, MediaAsset) == 0


@pytest.mark.parametrize("tiers, expected", [
    ("tiers:\n  - number: 1\n    name: A\n    questions_per_attempt: 0\n    pass_mark: 70\n",
     "tiers.yml:4: « questions_per_attempt » doit être compris entre 1 et 100."),
    ("tiers:\n  - number: 1\n    name: A\n    questions_per_attempt: 3\n    pass_mark: cent\n",
     "tiers.yml:5: « pass_mark » doit être un nombre entier."),
    ("tiers:\n  - number: 1\n    name: A\n    questions_per_attempt: 3\n    pass_mark: 70\n    requires: [tout]\n",
     "tiers.yml:6: « requires » est une liste parmi course_done et previous_tier."),
    ("tiers:\n  - number: 1\n    name: A\n    questions_per_attempt: 3\n    pass_mark: 70\n"
     "  - number: 1\n    name: B\n    questions_per_attempt: 3\n    pass_mark: 70\n",
     "tiers.yml:6: Niveau 1 en double."),
    ("tiers: [\n", "tiers.yml:2: YAML illisible"),
])
def test_tier_problems(db, tmp_path, now, tiers, expected):
    make_course(now)
    path = bank(tmp_path, "[]\n", tiers)
    found = problems_of(path, now)
    assert any(line.startswith(f"quizzes/{SLUG}/{expected}") for line in found), found


def test_duplicate_keys_unknown_courses_and_missing_images(db, tmp_path, now):
    make_course(now)
    path = bank(tmp_path)
    folder = path / SLUG
    write(folder / "questions" / "02-encore.yml",
          "- id: maree-deux-fois\n  type: true_false\n  tiers: [1]\n  audiences: [adult]\n  lesson: les-marees\n"
          "  prompt: Vrai ?\n  answer: true\n"
          "- id: maree-photo\n  type: image_choice\n  tiers: [1]\n  audiences: [adult]\n  lesson: les-marees\n"
          "  prompt: Laquelle ?\n  choices:\n    - {image: images/absente.png, alt: A, correct: true}\n"
          "    - {image: ../secret.png, alt: B}\n")
    write(path / "cours-inconnu" / "tiers.yml", TIERS)
    found = problems_of(path, now)
    assert f"quizzes/{SLUG}/questions/02-encore.yml:1: Identifiant « maree-deux-fois » déjà utilisé " \
           "(01-marees.yml:2) : chaque question a le sien." in found
    assert any(line.startswith(f"quizzes/{SLUG}/questions/02-encore.yml:15: Image « images/absente.png » "
                               "introuvable") for line in found)
    assert any(line.startswith(f"quizzes/{SLUG}/questions/02-encore.yml:16: Image « ../secret.png »")
               for line in found)
    assert "quizzes/cours-inconnu: Aucun cours « cours-inconnu »" in " ".join(found)


def test_a_tier_with_attempts_cannot_disappear(db, tmp_path, now, make_user):
    course = make_course(now)
    path = bank(tmp_path)
    load(path, now, db)
    tier = db.session.scalar(select(QuizTier).where(QuizTier.number == 2))
    user = make_user()
    db.session.add(QuizAttempt(user_id=user.id, tier_id=tier.id, number=1, audience="adult", seed=1, status="open",
                               started_at=now))
    db.session.commit()
    one_tier = TIERS.split("  - number: 2")[0]
    bank(tmp_path, QUESTIONS.replace("tiers: [1, 2]", "tiers: [1]").replace("tiers: [2]", "tiers: [1]"), one_tier)
    found = problems_of(path, now)
    assert found == [f"quizzes/{SLUG}/tiers.yml: Le niveau 2 a disparu de tiers.yml, mais des tentatives y ont "
                     "déjà été faites : gardez-le."]
    assert course.id and count(db, QuizTier) == 2


def test_content_load_reads_courses_and_quizzes_in_one_run(runner, db, tmp_path):
    content = tmp_path / "content"
    course = content / "courses" / SLUG
    write(course / "course.yml", "title: Granville Terre et Mer\naudiences: [child, teen, adult]\n")
    for lesson in ("01-les-marees", "02-chausey"):
        write(course / lesson / "adult.md", f"---\ntitle: {lesson}\nminutes: 5\n---\nLe texte de la leçon.\n")
    bank(content)
    result = runner.invoke(args=["content", "load", str(content)])
    assert result.exit_code == 0, result.output
    assert "Questions : 3 ajoutée(s)" in result.output
    assert count(db, Question) == 3
    # A problem in the quizzes: the courses are not loaded either (all or nothing).
    db.session.remove()
    bank(content, QUESTIONS.replace("type: short_text", "type: essay"))
    write(course / "03-villedieu" / "adult.md", "---\ntitle: Villedieu\nminutes: 5\n---\nLe cuivre.\n")
    result = runner.invoke(args=["content", "load", str(content)])
    assert result.exit_code == 1
    assert "Type inconnu « essay »" in result.output
    from learnapp.courses.models import Lesson

    assert count(db, Lesson) == 2


def test_import_questions_takes_the_valid_ones_and_reports_the_others(db, now, make_user):
    course = make_course(now)
    make_tier(course, 1)
    author = make_user("staff")
    questions = [question("gift-a"), question("gift-b", "true_false", answer="vrai"),
                 {"type": "single"}, "pas une question", question("gift-c", tiers=(7,))]
    report = bank_import.import_questions(course, questions, source="gift", author=author, now=now)
    db.session.commit()
    assert report.created == ["gift-a"]
    assert [(p.index, p.key, p.code) for p in report.problems] == [
        (1, "gift-b", "answer_not_bool"), (2, None, "missing_field"), (2, None, "missing_field"),
        (2, None, "missing_field"), (2, None, "missing_field"), (2, None, "choices_count"),
        (3, None, "question_not_mapping"), (4, "gift-c", "unknown_tier")]
    version = db.session.scalar(select(QuestionVersion))
    assert (version.source, version.author_id, version.lesson_slug) == ("gift", author.id, "les-marees")
    # Again: unchanged; then changed: a new version.
    again = bank_import.import_questions(course, [question("gift-a")], source="gift", author=author, now=now)
    assert again.unchanged == ["gift-a"]
    changed = bank_import.import_questions(course, [question("gift-a", prompt="Autre texte ?")], source="gift",
                                        author=author, now=now)
    assert changed.updated == ["gift-a"]
    assert count(db, QuestionVersion) == 2
