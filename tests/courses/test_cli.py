"""`learnapp content load`: all or nothing, idempotent, versions pinned, progress shown."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from learnapp.core import content_packs
from learnapp.courses import cli
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.media.models import MediaAsset
from tests.courses.pack_builder import lesson_text, make_course

TABLES = (Course, Lesson, LessonVersion, MediaAsset)


def counts(db) -> tuple[int, ...]:
    return tuple(db.session.scalar(select(func.count()).select_from(model)) for model in TABLES)


def snapshot(db) -> list[tuple]:
    """Every row that loading writes, as plain values."""
    db.session.expire_all()
    rows = []
    for model in TABLES:
        for item in db.session.scalars(select(model).order_by(model.id)):
            rows.append(tuple(getattr(item, column.key) for column in model.__table__.columns))
    return rows


def load(runner, *args):
    return runner.invoke(args=["content", "load", *map(str, args)])


def test_load_imports_a_pack_and_prints_a_summary(runner, db, tmp_path):
    make_course(tmp_path, "granville", lessons=("les-marees", "chausey"))
    result = load(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Cours : 1 ajouté(s), 0 modifié(s), 0 inchangé(s)." in result.stdout
    assert "Leçons : 2 ajoutée(s)" in result.stdout
    assert "Textes : 6 nouvelle(s) version(s), 0 inchangé(s)." in result.stdout
    assert "Contenu chargé (7 fichier(s))." in result.stdout
    assert "Lecture des cours" in result.stderr  # progress goes to the terminal, not stdout
    assert counts(db) == (1, 2, 6, 3)


def test_running_twice_changes_nothing(runner, db, tmp_path):
    make_course(tmp_path, "granville")
    assert load(runner, tmp_path).exit_code == 0
    before = snapshot(db)
    again = load(runner, tmp_path)
    assert again.exit_code == 0, again.output
    assert "Cours : 0 ajouté(s), 0 modifié(s), 1 inchangé(s)." in again.stdout
    assert "Textes : 0 nouvelle(s) version(s), 6 inchangé(s)." in again.stdout
    assert snapshot(db) == before


def test_one_bad_file_imports_nothing_and_every_problem_is_listed(runner, db, tmp_path, monkeypatch):
    make_course(tmp_path, "a-good-course")
    bad = make_course(tmp_path, "granville")
    (bad / "01-les-marees" / "baby.md").write_text(lesson_text(), encoding="utf-8")
    (bad / "02-chausey" / "teen.md").write_text(lesson_text(minutes=0), encoding="utf-8")
    (bad / "02-chausey" / "adult.md").write_text(lesson_text(body="Texte <b>gras</b>.\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = load(runner, tmp_path)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines()[1:] == [
        "granville/01-les-marees/baby.md: Groupe d'âge inconnu « baby.md » : les textes s'appellent child.md, "
        "teen.md ou adult.md.",
        "granville/02-chausey/adult.md:9: HTML brut interdit (« <b> ») : écrivez en Markdown.",
        "granville/02-chausey/adult.md:9: HTML brut interdit (« </b> ») : écrivez en Markdown.",
        "granville/02-chausey/teen.md:3: « minutes » doit être compris entre 1 et 120.",
        "4 problème(s) : rien n'a été chargé.",
    ]
    assert counts(db) == (0, 0, 0, 0)  # not even the good course, nor an image


def test_a_single_course_path_relative_to_the_current_folder(runner, db, tmp_path, monkeypatch):
    bad = make_course(tmp_path, "granville")
    (bad / "02-chausey" / "teen.md").write_text(lesson_text(minutes=0), encoding="utf-8")
    (bad / "02-chausey" / "adult.md").write_text(lesson_text(body="Texte <b>gras</b>.\n"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = load(runner, "granville")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "Lecture des cours",
        "granville/02-chausey/adult.md:9: HTML brut interdit (« <b> ») : écrivez en Markdown.",
        "granville/02-chausey/adult.md:9: HTML brut interdit (« </b> ») : écrivez en Markdown.",
        "granville/02-chausey/teen.md:3: « minutes » doit être compris entre 1 et 120.",
        "3 problème(s) : rien n'a été chargé.",
    ]


def test_a_changed_lesson_is_a_new_version_and_progress_keeps_its_version(runner, db, tmp_path, make_user, now):
    course = make_course(tmp_path, "granville")
    assert load(runner, tmp_path).exit_code == 0
    learner = make_user("learner", age_group="child")
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "les-marees"))
    first = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id,
                                                          LessonVersion.audience == "child"))
    first_html = first.body_html
    db.session.add(LessonProgress(user_id=learner.id, lesson_id=lesson.id, course_id=lesson.course_id,
                                  last_version_id=first.id, completed_version_id=first.id, first_seen_at=now,
                                  last_seen_at=now, completed_at=now))
    db.session.commit()

    (course / "01-les-marees" / "child.md").write_text(
        lesson_text(title="La mer qui monte", body="Un texte plus simple.\n"), encoding="utf-8")
    result = load(runner, tmp_path)
    assert result.exit_code == 0, result.output
    assert "Textes : 1 nouvelle(s) version(s), 5 inchangé(s)." in result.stdout
    assert "Leçons : 0 ajoutée(s), 1 modifiée(s), 1 inchangée(s)." in result.stdout

    db.session.expire_all()
    versions = db.session.scalars(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id,
                                                              LessonVersion.audience == "child")
                                  .order_by(LessonVersion.number)).all()
    assert [version.number for version in versions] == [1, 2]
    assert versions[0].body_html == first_html and versions[1].body_html == "<p>Un texte plus simple.</p>\n"
    progress = db.session.scalar(select(LessonProgress))
    assert progress.last_version_id == progress.completed_version_id == first.id


def test_check_only_writes_nothing(runner, db, tmp_path):
    make_course(tmp_path, "granville")
    result = load(runner, "--check", tmp_path)
    assert result.exit_code == 0
    assert "Vérification terminée : aucun problème (7 fichier(s))." in result.stdout
    assert counts(db) == (0, 0, 0, 0)


def test_missing_path_and_empty_folder(runner, db, tmp_path):
    result = load(runner, tmp_path / "nulle-part")
    assert result.exit_code == 1 and "Dossier introuvable." in result.stderr
    (tmp_path / "vide").mkdir()
    empty = load(runner, tmp_path / "vide")
    assert empty.exit_code == 0 and "Rien à charger." in empty.stdout


def test_default_path_is_the_repository_courses_folder_and_the_demo_loads_it(app, db, tmp_path, monkeypatch):
    assert content_packs.content_root(app) == Path(app.root_path).parent  # the repository
    monkeypatch.setitem(app.config, "CONTENT_ROOT", str(tmp_path))
    lines: list[str] = []
    cli.load_demo_content(lines.append)  # no courses/ folder: nothing to say
    assert lines == [] and counts(db) == (0, 0, 0, 0)
    make_course(tmp_path / "courses", "granville")
    cli.load_demo_content(lines.append)
    assert lines == ["Contenu :", "  Cours : 1 ajouté(s), 0 modifié(s), 0 inchangé(s).",
                     "  Leçons : 2 ajoutée(s), 0 modifiée(s), 0 inchangée(s).",
                     "  Textes : 6 nouvelle(s) version(s), 0 inchangé(s).", "  Images : 3 ajoutée(s)."]
    assert db.session.scalar(select(Course.slug)) == "granville"
    (tmp_path / "courses" / "granville" / "01-les-marees" / "baby.md").write_text("x", encoding="utf-8")
    cli.load_demo_content(lines.append)
    assert lines[-1].startswith("Contenu non chargé : 1 problème(s)")


class _Problem:
    def display(self, base=None):
        return "quizzes/x.yml:1: problème"


def failing_loader(context):
    """A later loader, registered by a domain above courses."""
    assert context.prepared["courses"].files == 7  # it sees what the courses loader read
    return cli.Prepared(name="later", files=1, problems=[_Problem()], apply=lambda: [])


def test_loaders_run_in_two_phases(app, db, tmp_path, now, monkeypatch):
    """A later loader's problem stops the earlier loaders' import too (the quizzes hook)."""
    make_course(tmp_path, "granville")

    monkeypatch.setitem(app.extensions, content_packs.EXTENSION_KEY, dict(app.extensions[content_packs.EXTENSION_KEY]))
    content_packs.register(app, "later", order=99, load=failing_loader)
    assert [item.folder for item in content_packs.loaders(app)] == [
        "courses", "quizzes", "certificates", "ambassadors", "later"]
    outcome = cli.run_loaders(tmp_path, now=now)
    assert [problem.display() for problem in outcome.problems] == ["quizzes/x.yml:1: problème"]
    assert not outcome.loaded and counts(db) == (0, 0, 0, 0)


def test_the_command_line_speaks_english_when_asked(runner, db, tmp_path, monkeypatch):
    monkeypatch.setenv("LEARNAPP_LANG", "en")
    make_course(tmp_path, "granville")
    checked = load(runner, "--check", tmp_path)
    assert checked.exit_code == 0 and "Check finished: no problem (7 file(s))." in checked.stdout
    loaded = load(runner, tmp_path)
    assert "Courses: 1 added, 0 changed, 0 unchanged." in loaded.stdout
    assert "Reading the courses" in loaded.stderr and "Cours :" not in loaded.stdout
    (tmp_path / "granville" / "02-chausey" / "teen.md").write_text(lesson_text(minutes=0), encoding="utf-8")
    refused = load(runner, tmp_path)
    assert refused.exit_code == 1
    assert "granville/02-chausey/teen.md:3: “minutes” must be between 1 and 120." in refused.stderr
    assert "1 problem(s): nothing was loaded." in refused.stderr
