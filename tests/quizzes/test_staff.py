"""Staff pages: question bank, editor with preview, GIFT import (page and command), statistics."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.quizzes.models import AttemptItem, Question, QuestionVersion, QuizAttempt, QuizTier
from tests.quizzes.quiz_helpers import GIFT_SAMPLE, gift_samples, rebuild_kept_stats

QUESTIONS = [
    {"id": "maree-deux-fois", "type": "single", "tiers": [1], "audiences": ["child"], "prompt": "Combien de fois ?",
     "explanation": "Deux fois par jour.",
     "choices": [{"text": "Deux fois", "correct": True}, {"text": "Une fois"}, {"text": "Jamais"}]},
    {"id": "chausey-archipel", "type": "true_false", "tiers": [1, 2], "audiences": ["adult"],
     "prompt": "Chausey est un archipel.", "answer": True},
    {"id": "maree-hauteur", "type": "numeric", "tiers": [2], "audiences": ["adult", "teen"],
     "prompt": "Marnage en mètres ?", "answer": 14, "tolerance": 1, "unit": "mètres"},
    {"id": "dior-nom", "type": "short_text", "tiers": [3], "audiences": ["adult"], "prompt": "Le couturier ?",
     "answers": ["Dior", "Christian Dior"]},
    {"id": "ordre-maree", "type": "ordering", "tiers": [1], "audiences": ["adult"], "prompt": "Dans l'ordre",
     "items": ["Basse mer", "Marée montante", "Pleine mer"]},
    {"id": "paires", "type": "matching", "tiers": [1], "audiences": ["adult"], "prompt": "Associez",
     "pairs": [{"left": "Chausey", "right": "archipel"}, {"left": "Villedieu", "right": "cuivre"}]},
    {"id": "plusieurs", "type": "multiple", "tiers": [1], "audiences": ["adult"], "prompt": "Lesquels ?",
     "choices": [{"text": "Granit", "correct": True}, {"text": "Sable", "correct": True}, {"text": "Neige"}]},
]


@pytest.fixture
def course(db, now):
    from learnapp.courses.models import Course, Lesson
    from learnapp.quizzes import bank_import

    course = Course(slug="granville-terre-et-mer", title="Granville Terre et Mer", audiences=["child", "teen", "adult"],
                    published=True)
    db.session.add(course)
    db.session.flush()
    db.session.add(Lesson(course_id=course.id, slug="les-marees", position=1))
    for number, name in ((1, "Découverte"), (2, "Confirmé"), (3, "Expert")):
        db.session.add(QuizTier(course_id=course.id, number=number, name=name, questions_per_attempt=3, pass_mark=60,
                                cooldown_seconds=0, show_answers=True, requires_course_done=False,
                                requires_previous_tier=False))
    db.session.flush()
    report = bank_import.import_questions(course, QUESTIONS, source="files", author=None, now=now)
    assert not report.problems, [p.message for p in report.problems]
    db.session.commit()
    return course


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff")
    login(user)
    return user


def question(db, key):
    return db.session.scalar(select(Question).where(Question.key == key))


def versions(db, key) -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionVersion).join(Question)
                             .where(Question.key == key))


def total_versions(db) -> int:
    return db.session.scalar(select(func.count()).select_from(QuestionVersion))


# Who may see the pages ------------------------------------------------------------------------------

def test_learners_teachers_and_partners_are_refused(client, course, make_user, login, db):
    urls = ["/office/quizzes/", f"/office/quizzes/{course.id}/questions", f"/office/quizzes/{course.id}/import",
            f"/office/quizzes/{course.id}/statistics", f"/office/quizzes/questions/{question(db, 'paires').id}"]
    for role in ("learner", "teacher", "partner", "guide"):
        login(make_user(role))
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
        assert client.post(urls[-1], data={"prompt": "x", "action": "save"}).status_code == 403
        client.post("/logout")
    assert versions(db, "paires") == 1


def test_unknown_course_or_question_is_a_404(client, staff):
    for url in ("/office/quizzes/999/questions", "/office/quizzes/999/import", "/office/quizzes/999/statistics",
                "/office/quizzes/questions/999"):
        assert client.get(url).status_code == 404


# The bank -------------------------------------------------------------------------------------------

def test_index_and_bank_list_the_questions_with_filters(client, staff, course):
    page = client.get("/office/quizzes/").get_data(as_text=True)
    assert "Granville Terre et Mer" in page and f"/office/quizzes/{course.id}/questions" in page
    page = client.get(f"/office/quizzes/{course.id}/questions").get_data(as_text=True)
    assert "7 questions" in page and "maree-deux-fois" in page
    page = client.get(f"/office/quizzes/{course.id}/questions?tier=2").get_data(as_text=True)
    assert "2 questions" in page and "chausey-archipel" in page and "maree-hauteur" in page
    assert "dior-nom" not in page
    page = client.get(f"/office/quizzes/{course.id}/questions?tier=1&audience=child").get_data(as_text=True)
    assert "1 question" in page and "maree-deux-fois" in page
    # Odd filters are ignored, never a 500.
    assert client.get(f"/office/quizzes/{course.id}/questions?tier=x&audience=martian&page=-3").status_code == 200


def test_the_bank_pages(client, staff, course, db, now):
    from learnapp.quizzes import bank_import

    many = [{"id": f"q-{n:02d}", "type": "true_false", "tiers": [1], "audiences": ["adult"], "prompt": f"Q {n}",
             "answer": True} for n in range(30)]
    bank_import.import_questions(course, many, source="files", author=None, now=now)
    db.session.commit()
    first = client.get(f"/office/quizzes/{course.id}/questions").get_data(as_text=True)
    second = client.get(f"/office/quizzes/{course.id}/questions?page=2").get_data(as_text=True)
    assert "37 questions" in first and "Page 1 sur 2" in first and "Page 2 sur 2" in second
    assert "q-29" in second and "q-29" not in first


# The editor ------------------------------------------------------------------------------------------

def editor_data(db, key, **changes):
    """What the editor's form posts for the current version of ``key``, with changes."""
    version = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == key)
                                .order_by(QuestionVersion.number.desc()))
    data = {"prompt": version.prompt_markdown, "explanation": version.explanation_markdown,
            "tiers": [str(t) for t in version.tiers], "audiences": list(version.audiences), "lesson": "", "tags": ""}
    definition = version.definition
    if version.type in ("single", "multiple"):
        for n, choice in enumerate(definition["choices"]):
            data[f"choices-{n}-text"] = choice["text"]
            if choice["correct"]:
                data[f"choices-{n}-correct"] = "y"
    elif version.type == "true_false":
        data["answer"] = "true" if definition["answer"] else "false"
    elif version.type == "numeric":
        data.update(value=str(definition["answer"]), tolerance=str(definition["max"] - definition["answer"]),
                    unit=definition["unit"])
    data.update(changes)
    return data


def test_the_editor_shows_the_current_version(client, staff, course, db):
    page = client.get(f"/office/quizzes/questions/{question(db, 'maree-deux-fois').id}").get_data(as_text=True)
    assert "Combien de fois ?" in page and 'value="Deux fois"' in page
    assert re.search(r'id="choices-0-correct"[^>]*checked|checked[^>]*id="choices-0-correct"', page)
    assert "Prévisualiser" in page and "Enregistrer une nouvelle version" in page


@pytest.mark.parametrize("key", [q["id"] for q in QUESTIONS])
def test_every_type_opens_in_the_editor_and_saves_unchanged_without_a_new_version(client, staff, course, db, key):
    question_id = question(db, key).id
    page = client.get(f"/office/quizzes/questions/{question_id}")
    assert page.status_code == 200
    form = _form_fields(page.get_data(as_text=True))
    response = client.post(f"/office/quizzes/questions/{question_id}", data={**form, "action": "save"})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    assert versions(db, key) == 1
    assert "Rien n&#39;a changé" in client.get(response.headers["Location"]).get_data(as_text=True)


def _form_fields(page: str) -> dict:
    """The values a browser would send for the editor page as shown (inputs, checked boxes,
    selected options, textareas)."""
    fields: dict[str, list[str]] = {}
    form = page[page.index('class="question-editor"'):]
    for tag in re.findall(r"<input[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = (re.search(r'type="([^"]+)"', tag) or [None, "text"])[1]
        value = re.search(r'value="([^"]*)"', tag)
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        default = "y" if kind == "checkbox" else ""
        fields.setdefault(name.group(1), []).append(_unescape(value.group(1)) if value else default)
    for name, body in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.DOTALL):
        fields[name] = [_unescape(body.lstrip("\n"))]
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.DOTALL):
        selected = re.search(r'<option selected value="([^"]*)"|<option value="([^"]*)" selected', body)
        fields[name] = [_unescape(next(g for g in selected.groups() if g is not None))] if selected else [""]
    return fields


def _unescape(text: str) -> str:
    import html

    return html.unescape(text)


def test_the_editor_saves_a_partly_right_choice(client, staff, course, db):
    question_id = question(db, "maree-deux-fois").id
    response = client.post(f"/office/quizzes/questions/{question_id}",
                           data=editor_data(db, "maree-deux-fois", action="save", **{"choices-1-credit": "50 %"}))
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    version = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois")
                                .order_by(QuestionVersion.number.desc()))
    assert [c.get("credit") for c in version.definition["choices"]] == [None, 50, None]
    page = client.get(f"/office/quizzes/questions/{question_id}").get_data(as_text=True)
    assert 'name="choices-1-credit"' in page and 'value="50"' in page


def test_preview_renders_sanitised_and_saves_nothing(client, staff, course, db):
    question_id = question(db, "maree-deux-fois").id
    data = editor_data(db, "maree-deux-fois", prompt="Combien de fois **par jour** ?", action="preview",
                       explanation="Voir [la leçon](/courses/granville-terre-et-mer)")
    response = client.post(f"/office/quizzes/questions/{question_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Aperçu (non enregistré)" in page and "<strong>par jour</strong>" in page
    assert '<a href="/courses/granville-terre-et-mer">la leçon</a>' in page
    assert versions(db, "maree-deux-fois") == 1


@pytest.mark.parametrize("changes, field", [
    ({"prompt": "<script>alert(1)</script>Combien ?"}, "prompt"),
    ({"prompt": ""}, "prompt"),
    ({"explanation": '<img src=x onerror="alert(1)">'}, "explanation"),
    ({"prompt": "Lien [piégé](javascript:alert(1))"}, "prompt"),
    ({"choices-1-correct": "y"}, "choices"),  # two right answers to a single choice
    ({"choices-0-correct": ""}, "choices"),  # none
    ({"choices-1-text": "", "choices-2-text": ""}, "choices"),  # one choice left
    ({"tiers": ["9"]}, "tiers"),
    ({"tiers": []}, "tiers"),
    ({"audiences": ["martian"]}, "audiences"),
    ({"lesson": "pas-une-lecon"}, "lesson"),
    ({"prompt": "x" * 6000}, "prompt"),
    ({"choices-1-credit": "150"}, "choices"),  # partial credit is 1-99 %
    ({"choices-1-credit": "beaucoup"}, "choices"),
])
def test_bad_editor_input_is_a_400_with_the_field_and_nothing_saved(client, staff, course, db, changes, field):
    question_id = question(db, "maree-deux-fois").id
    data = editor_data(db, "maree-deux-fois", action="save", **changes)
    for action in ("save", "preview"):
        response = client.post(f"/office/quizzes/questions/{question_id}", data={**data, "action": action})
        page = response.get_data(as_text=True)
        assert response.status_code == 400, (changes, page[:2000])
        assert "a été enregistré" in page
        assert f'href="#{field}' in page  # the summary links to the field
        assert "<script>alert" not in page.split("</h1>", 1)[1].split('<form method="post"', 1)[0]
    assert versions(db, "maree-deux-fois") == 1


@pytest.mark.parametrize("prompt, message", [
    ("x" * 6000, "Le champ ne peut pas contenir plus de 5000 caractères."),  # not also "too long" nor "empty"
    ("", "Ce champ est requis."),  # not also the bank's "« prompt » est vide."
])
def test_each_refused_field_gets_one_clear_message(client, staff, course, db, prompt, message):
    question_id = question(db, "maree-deux-fois").id
    data = editor_data(db, "maree-deux-fois", prompt=prompt, action="preview")
    response = client.post(f"/office/quizzes/questions/{question_id}", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(r'<p class="error" id="prompt-error">(.*?)</p>', page, re.DOTALL).group(1) == message
    assert re.findall(r'<li><a href="#prompt">([^<]*)</a></li>', page) == [f"Énoncé : {message}"]
    assert "est vide" not in page


def test_age_groups_are_named_as_on_the_course_pages(client, staff, course, db):
    from learnapp.core import age_groups
    from learnapp.courses import forms as course_forms
    from learnapp.quizzes import staff_forms

    def words(labels):
        return {code: str(label) for code, label in labels.items()}

    # One definition (core.age_groups): the quiz and course staff pages say the same.
    assert words(staff_forms.AUDIENCE_LABELS) == words(course_forms.AUDIENCE_LABELS) == words(age_groups.labels())
    assert words(staff_forms.AUDIENCE_SHORT) == words(course_forms.AUDIENCE_SHORT) == words(age_groups.short_labels())
    page = client.get(f"/office/quizzes/questions/{question(db, 'maree-deux-fois').id}").get_data(as_text=True)
    assert "Adolescents (15 à 17 ans)" in page and "15-17" not in page and "Ados" not in page


@pytest.mark.parametrize("key, changes, field", [
    ("maree-hauteur", {"value": "quatorze"}, "value"),
    ("maree-hauteur", {"value": "", "tolerance": ""}, "value"),
    ("maree-hauteur", {"value": "", "tolerance": "", "minimum": "20", "maximum": "10"}, "minimum"),
    ("chausey-archipel", {"answer": "peut-être"}, "answer"),
    ("dior-nom", {"answers": "  \n "}, "answers"),
    ("ordre-maree", {"items": "Seul"}, "items"),
    ("paires", {"pairs-0-left": "A", "pairs-0-right": "", "pairs-1-left": "", "pairs-1-right": ""}, "pairs"),
])
def test_bad_answers_per_type_are_refused(client, staff, course, db, key, changes, field):
    question_id = question(db, key).id
    form = _form_fields(client.get(f"/office/quizzes/questions/{question_id}").get_data(as_text=True))
    form.update({k: [v] if isinstance(v, str) else v for k, v in changes.items()})
    response = client.post(f"/office/quizzes/questions/{question_id}", data={**form, "action": "save"})
    assert response.status_code == 400, response.get_data(as_text=True)[:2000]
    assert f'href="#{field}' in response.get_data(as_text=True)
    assert versions(db, key) == 1


def test_saving_adds_a_version_and_old_attempts_keep_theirs(client, staff, course, db, now, make_user):
    old = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois"))
    learner = make_user(age_group="child")
    tier = db.session.scalar(select(QuizTier).where(QuizTier.number == 1))
    attempt = QuizAttempt(user_id=learner.id, tier_id=tier.id, number=1, audience="child", seed=1, status="submitted",
                          started_at=now, submitted_at=now, score=100.0, passed=True)
    db.session.add(attempt)
    db.session.flush()
    db.session.add(AttemptItem(attempt_id=attempt.id, position=1, question_version_id=old.id, answer={}, credit=1.0))
    db.session.commit()

    question_id = question(db, "maree-deux-fois").id
    data = editor_data(db, "maree-deux-fois", action="save", prompt="Combien de fois par jour la mer monte-t-elle ?",
                       **{"choices-3-text": "Trois fois", "choices-2-feedback": "Elle bouge toujours."})
    response = client.post(f"/office/quizzes/questions/{question_id}", data=data)
    assert response.status_code == 302
    assert versions(db, "maree-deux-fois") == 2
    new = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois")
                            .order_by(QuestionVersion.number.desc()))
    assert new.number == 2 and new.source == "editor" and new.author_id == staff.id
    assert [c["text"] for c in new.definition["choices"]] == ["Deux fois", "Une fois", "Jamais", "Trois fois"]
    assert new.definition["choices"][2]["feedback"] == "Elle bouge toujours."
    item = db.session.scalar(select(AttemptItem).where(AttemptItem.attempt_id == attempt.id))
    assert item.question_version_id == old.id and old.prompt_markdown == "Combien de fois ?"
    assert "Nouvelle version enregistrée" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_forged_post_without_csrf_is_refused(app, client, staff, course, db):
    app.config["WTF_CSRF_ENABLED"] = True
    question_id = question(db, "maree-deux-fois").id
    response = client.post(f"/office/quizzes/questions/{question_id}",
                           data=editor_data(db, "maree-deux-fois", action="save", prompt="Forgé"))
    assert response.status_code == 400
    assert versions(db, "maree-deux-fois") == 1


# GIFT import (page) ----------------------------------------------------------------------------------

def upload(client, course, raw: bytes, action: str, name="questions.gift", **fields):
    data = {"file": (io.BytesIO(raw), name), "tier": "1", "audiences": ["adult"], "lesson": "", "action": action}
    data.update(fields)
    return client.post(f"/office/quizzes/{course.id}/import", data=data, content_type="multipart/form-data")


@pytest.fixture(params=gift_samples(), ids=lambda sample: sample.name)
def gift_sample(request, shared_file):
    """Each GIFT file with what importing it must give: ours (tests/), then Moodle's (../shared/)."""
    return request.param.located(shared_file)


def test_preview_of_a_gift_file_reports_every_refusal_and_writes_nothing(client, staff, course, db, gift_sample):
    before = total_versions(db)
    response = upload(client, course, gift_sample.path.read_bytes(), "preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "est encore importé" in page
    assert re.search(rf"Questions lues</dt><dd>{gift_sample.read}<", page)
    assert re.search(rf"Reprises</dt><dd>{gift_sample.taken}<", page)
    for line in gift_sample.refused_lines:
        assert f"Ligne {line}</span>" in page
    assert "Question à plusieurs réponses : les réponses de poids positif sont les bonnes" in page
    assert total_versions(db) == before


def test_import_then_import_again_changes_nothing(client, staff, course, db, gift_sample):
    taken = gift_sample.taken
    response = upload(client, course, gift_sample.path.read_bytes(), "import")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Import terminé" in page
    assert re.search(rf"Nouvelles questions</dt><dd>{taken}<", page)
    gift_versions = db.session.scalars(select(QuestionVersion).where(QuestionVersion.source == "gift")).all()
    assert len(gift_versions) == taken
    assert all(v.tiers == [1] and v.audiences == ["adult"] and v.author_id == staff.id for v in gift_versions)
    again = upload(client, course, gift_sample.path.read_bytes(), "import").get_data(as_text=True)
    assert re.search(rf"Inchangées</dt><dd>{taken}<", again)
    assert total_versions(db) == len(QUESTIONS) + taken


def test_the_checked_file_can_be_imported_without_choosing_it_again(client, staff, course, db):
    preview = upload(client, course, b"Q1 {T}\n\nQ2 {=a ~b}\n", "preview", audiences=["teen", "child"])
    page = preview.get_data(as_text=True)
    content = re.search(r'name="content" value="([^"]+)"', page).group(1)
    response = client.post(f"/office/quizzes/{course.id}/import", data={
        "content": content, "filename": "q.gift", "tier": "2", "audiences": ["teen", "child"], "lesson": "les-marees",
        "action": "import"})
    assert response.status_code == 200 and "Import terminé" in response.get_data(as_text=True)
    imported = db.session.scalars(select(QuestionVersion).where(QuestionVersion.source == "gift")).all()
    assert len(imported) == 2
    assert all(v.tiers == [2] and v.audiences == ["child", "teen"] and v.lesson_slug == "les-marees" for v in imported)


@pytest.mark.parametrize("raw, status, message", [
    (b"", 400, "Le fichier est vide"),
    (b"Question \xe9t\xe9 {T}", 400, "pas en UTF-8"),
    (b"\x00\x01\x02", 400, "pas un fichier texte"),
    (b"// only comments\n", 400, "Aucune question"),
    (b"Q {T}\n\n" * 2000, 413, "trop volumineux"),
])
def test_hostile_files_get_a_clear_message_and_nothing_is_written(client, staff, course, db, raw, status, message,
                                                                   monkeypatch):
    from learnapp.quizzes import gift

    monkeypatch.setattr(gift, "MAX_BYTES", 10_000)  # the real limit (1 MiB) works the same way
    before = total_versions(db)
    response = upload(client, course, raw, "import")
    assert response.status_code == status
    assert message in response.get_data(as_text=True)
    assert total_versions(db) == before


def test_a_request_over_the_size_limit_is_a_413(app, client, staff, course, db):
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, course, b"Q {T}\n\n" * 20_000, "import")
    assert response.status_code == 413
    assert total_versions(db) == len(QUESTIONS)


@pytest.mark.parametrize("fields", [
    {"tier": "9"}, {"tier": "x"}, {"audiences": []}, {"audiences": ["martian"]}, {"lesson": "../etc"},
])
def test_bad_import_settings_are_refused(client, staff, course, db, fields):
    response = upload(client, course, b"Q {T}", "import", **fields)
    assert response.status_code == 400
    assert total_versions(db) == len(QUESTIONS)


def test_no_file_and_forged_content_are_refused(client, staff, course, db):
    response = client.post(f"/office/quizzes/{course.id}/import",
                           data={"tier": "1", "audiences": ["adult"], "action": "import"})
    assert response.status_code == 400 and "Choisissez un fichier" in response.get_data(as_text=True)
    response = client.post(f"/office/quizzes/{course.id}/import",
                           data={"content": "%%%not base64", "tier": "1", "audiences": ["adult"], "action": "import"})
    assert response.status_code == 400
    assert total_versions(db) == len(QUESTIONS)


def test_html_in_a_gift_file_is_never_stored_raw(client, staff, course, db):
    raw = b'[html]<p onclick="x()">Qui <b>est</b> l\xc3\xa0 ?<script>alert(1)</script></p>{=personne ~moi}'
    response = upload(client, course, raw, "import")
    assert response.status_code == 200
    version = db.session.scalar(select(QuestionVersion).where(QuestionVersion.source == "gift"))
    assert version.prompt_markdown == "Qui **est** là ?"
    assert "<script" not in version.prompt_html and "onclick" not in version.prompt_html
    assert "HTML converti" in response.get_data(as_text=True)


# GIFT import (command) -------------------------------------------------------------------------------

def test_the_command_imports_and_reports_every_line(runner, course, db, gift_sample):
    path, taken = str(gift_sample.path), gift_sample.taken
    result = runner.invoke(args=["quizzes", "import-gift", path, "--course", course.slug, "--tier", "1", "--dry-run"])
    assert result.exit_code == 0, result.output
    refused = len(gift_sample.refused_lines)
    assert f"{gift_sample.read} questions read, {taken} taken, {refused} refused" in result.output
    for line in gift_sample.refused_lines:
        assert f"ligne {line} [refusée]" in result.output
    assert "dry run: nothing written" in result.output
    assert total_versions(db) == len(QUESTIONS)
    result = runner.invoke(args=["quizzes", "import-gift", path, "--course", course.slug, "--tier", "3",
                                 "--audience", "teen", "--audience", "adult"])
    assert result.exit_code == 0, result.output
    assert f"{taken} new, 0 changed, 0 unchanged" in result.output
    versions_ = db.session.scalars(select(QuestionVersion).where(QuestionVersion.source == "gift")).all()
    assert {tuple(v.tiers) for v in versions_} == {(3,)}
    assert {tuple(v.audiences) for v in versions_} == {("teen", "adult")}


def test_a_generic_title_in_another_file_or_tier_never_overwrites_a_question(runner, course, db, tmp_path):
    first, second = tmp_path / "maths.gift", tmp_path / "geo.gift"
    first.write_text("::Q1:: Combien font deux et deux ? {=4 ~3 ~5}\n", encoding="utf-8")
    second.write_text("::Q1:: Quelle ville est sur un rocher ? {=Granville ~Caen ~Rouen}\n", encoding="utf-8")

    def run(path, tier):
        result = runner.invoke(args=["quizzes", "import-gift", str(path), "--course", course.slug, "--tier", tier])
        assert result.exit_code == 0, result.output
        return result.output

    assert "1 new, 0 changed" in run(first, "1")
    assert "1 new, 0 changed" in run(second, "1")
    assert "1 new, 0 changed" in run(first, "2")
    assert "0 new, 0 changed, 1 unchanged" in run(first, "1")  # the same file again updates in place
    gift_versions = db.session.scalars(select(QuestionVersion).where(QuestionVersion.source == "gift")).all()
    assert sorted((tuple(v.tiers), v.prompt_markdown[:12]) for v in gift_versions) == [
        ((1,), "Combien font"), ((1,), "Quelle ville"), ((2,), "Combien font")]


@pytest.mark.parametrize("args, message", [
    (["--course", "nope", "--tier", "1"], "no course 'nope'"),
    (["--course", "granville-terre-et-mer", "--tier", "7"], "has no tier 7"),
])
def test_the_command_refuses_a_bad_setup(runner, course, args, message):
    result = runner.invoke(args=["quizzes", "import-gift", str(GIFT_SAMPLE), *args])
    assert result.exit_code != 0 and message in result.output


def test_the_command_refuses_unreadable_files(runner, course, tmp_path):
    bad = tmp_path / "latin1.gift"
    bad.write_bytes(b"Question \xe9t\xe9 {T}")
    result = runner.invoke(args=["quizzes", "import-gift", str(bad), "--course", course.slug, "--tier", "1"])
    assert result.exit_code != 0 and "UTF-8" in result.output


# Statistics ----------------------------------------------------------------------------------------

def test_statistics_page_shows_flags_few_attempts_and_pass_rates(client, staff, course, db, now, make_user):
    tier = db.session.scalar(select(QuizTier).where(QuizTier.number == 1, QuizTier.course_id == course.id))
    single = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois"))
    true_false = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "chausey-archipel"))
    right, wrong = single.definition["choices"][0]["id"], single.definition["choices"][1]["id"]
    # 24 learners: everybody answers the true/false right (too easy); the single choice is
    # missed by the strongest (negative discrimination), and nobody picks "Jamais".
    for n in range(24):
        learner = make_user(age_group="child" if n % 2 else "adult")
        strong = n < 12
        attempt = QuizAttempt(user_id=learner.id, tier_id=tier.id, number=1, audience=learner.age_group(now.date()),
                              seed=n, status="submitted", started_at=now - timedelta(hours=1),
                              submitted_at=now - timedelta(minutes=n))
        credits = [0.0 if strong else 1.0, 1.0, 1.0 if strong else 0.0]
        attempt.score = round(100 * sum(credits) / 3, 2)
        attempt.passed = attempt.score >= 60
        db.session.add(attempt)
        db.session.flush()
        db.session.add_all([
            AttemptItem(attempt_id=attempt.id, position=1, question_version_id=single.id,
                        answer={"choice": wrong if strong else right}, credit=credits[0]),
            AttemptItem(attempt_id=attempt.id, position=2, question_version_id=true_false.id, answer={"value": True},
                        credit=1.0),
            AttemptItem(attempt_id=attempt.id, position=3, question_version_id=true_false.id if n < 3 else single.id,
                        answer=None, credit=credits[2]),
        ])
    db.session.commit()
    rebuild_kept_stats(db)
    response = client.get(f"/office/quizzes/{course.id}/statistics")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Taux de réussite par niveau et par âge" in page
    assert 'class="flagged"' in page
    assert "Trop facile" in page and "Discrimination négative" in page and "est jamais pris" in page
    assert "Un mauvais choix est plus pris que le bon" not in page  # 12 right, 12 wrong: a tie
    flagged = client.get(f"/office/quizzes/{course.id}/statistics?flagged=1").get_data(as_text=True)
    assert "maree-deux-fois" in flagged


def test_statistics_without_attempts_and_with_few(client, staff, course, db, now, make_user):
    page = client.get(f"/office/quizzes/{course.id}/statistics").get_data(as_text=True)
    assert "Aucune tentative terminée" in page
    tier = db.session.scalar(select(QuizTier).where(QuizTier.number == 1, QuizTier.course_id == course.id))
    version = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "maree-deux-fois"))
    learner = make_user()
    attempt = QuizAttempt(user_id=learner.id, tier_id=tier.id, number=1, audience="adult", seed=1, status="submitted",
                          started_at=now, submitted_at=now, score=0.0, passed=False)
    db.session.add(attempt)
    db.session.flush()
    db.session.add(AttemptItem(attempt_id=attempt.id, position=1, question_version_id=version.id,
                               answer={"choice": "forged-id"}, credit=0.0))
    db.session.commit()
    rebuild_kept_stats(db)
    page = client.get(f"/office/quizzes/{course.id}/statistics").get_data(as_text=True)
    assert "Trop peu de réponses" in page and 'class="flagged"' not in page
    assert client.get(f"/office/quizzes/{course.id}/statistics?page=abc&flagged=zzz").status_code == 200


def test_the_staff_pages_speak_english_too(client, staff, course, db):
    client.set_cookie("lang", "en")
    assert "Question bank" in client.get(f"/office/quizzes/{course.id}/questions").get_data(as_text=True)
    page = client.get(f"/office/quizzes/{course.id}/statistics").get_data(as_text=True)
    assert "Pass rate per tier and age group" in page and "No finished attempt yet." in page
    response = upload(client, course, b"Essay {}\n\nQ {~%50%a ~%50%b ~c}", "preview")
    page = response.get_data(as_text=True)
    assert "nothing to grade automatically" in page and "Question with several answers: the positively weighted" in page


def test_the_statistics_name_true_and_false_in_the_readers_language(client, staff, course, db, now, make_user):
    tier = db.session.scalar(select(QuizTier).where(QuizTier.number == 1, QuizTier.course_id == course.id))
    true_false = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "chausey-archipel"))
    attempt = QuizAttempt(user_id=make_user().id, tier_id=tier.id, number=1, audience="adult", seed=1,
                          status="submitted", started_at=now, submitted_at=now, score=100.0, passed=True)
    db.session.add(attempt)
    db.session.flush()
    db.session.add(AttemptItem(attempt_id=attempt.id, position=1, question_version_id=true_false.id,
                               answer={"value": True}, credit=1.0))
    db.session.commit()
    rebuild_kept_stats(db)
    options = r'<ul class="options">(.*?)</ul>'
    french = re.search(options, client.get(f"/office/quizzes/{course.id}/statistics").get_data(as_text=True), re.S)
    assert "Vrai" in french.group(1) and "Faux" in french.group(1)
    client.set_cookie("lang", "en")
    english = re.search(options, client.get(f"/office/quizzes/{course.id}/statistics").get_data(as_text=True), re.S)
    assert "True" in english.group(1) and "False" in english.group(1) and "Vrai" not in english.group(1)


def test_an_image_choice_keeps_its_pictures_when_its_texts_change(client, staff, course, db, now):
    from PIL import Image

    from learnapp.quizzes import bank_import

    def png(colour) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), colour).save(buffer, "PNG")
        return buffer.getvalue()

    files = {"images/mont.png": png("blue"), "images/tour.png": png("red")}
    question_data = {"id": "image-mont", "type": "image_choice", "tiers": [1], "audiences": ["child"],
                     "prompt": "Lequel est le Mont ?",
                     "choices": [{"image": "images/mont.png", "alt": "Le Mont", "correct": True},
                                 {"image": "images/tour.png", "alt": "Une tour"}]}
    report = bank_import.import_questions(course, [question_data], source="files", author=None, now=now,
                                       images=files.__getitem__)
    assert not report.problems, [p.message for p in report.problems]
    db.session.commit()
    old = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "image-mont"))
    question_id = question(db, "image-mont").id
    page = client.get(f"/office/quizzes/questions/{question_id}").get_data(as_text=True)
    assert f'/media/{old.definition["choices"][0]["image"]["sha256"]}' in page
    form = _form_fields(page)
    form.update({"choices-1-text": ["Une tour de guet"], "choices-1-correct": ["y"], "choices-0-correct": [],
                 "action": ["save"]})
    response = client.post(f"/office/quizzes/questions/{question_id}", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    new = db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == "image-mont")
                            .order_by(QuestionVersion.number.desc()))
    assert new.number == 2
    assert [c["text"] for c in new.definition["choices"]] == ["Le Mont", "Une tour de guet"]
    assert [c["correct"] for c in new.definition["choices"]] == [False, True]
    assert [c["image"] for c in new.definition["choices"]] == [c["image"] for c in old.definition["choices"]]


# GIFT export --------------------------------------------------------------------------------------------

def test_staff_download_the_bank_as_gift_that_imports_back(client, staff, course, db):
    from learnapp.quizzes.gift import parse_gift

    page = client.get(f"/office/quizzes/{course.id}/questions").get_data(as_text=True)
    assert f"/office/quizzes/{course.id}/export.gift" in page
    response = client.get(f"/office/quizzes/{course.id}/export.gift")
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert "attachment" in disposition and ".gift" in disposition
    text = response.get_data(as_text=True)
    assert "// Non exportée : ordre-maree" in text
    result = parse_gift(text)
    assert sorted(q.title for q in result.questions) == sorted(q["id"] for q in QUESTIONS if q["type"] != "ordering")
    tier_two = client.get(f"/office/quizzes/{course.id}/export.gift?tier=2").get_data(as_text=True)
    assert sorted(q.title for q in parse_gift(tier_two).questions) == ["chausey-archipel", "maree-hauteur"]


@pytest.mark.parametrize("tier", ["9", "abc", "-1"])
def test_a_bad_tier_in_the_export_is_a_404_not_a_500(client, staff, course, tier):
    assert client.get(f"/office/quizzes/{course.id}/export.gift?tier={tier}").status_code == 404


def test_learners_cannot_download_the_bank(client, make_user, login, course):
    login(make_user("learner"))
    assert client.get(f"/office/quizzes/{course.id}/export.gift").status_code in (403, 404)


def test_the_command_exports_a_course_and_lists_what_it_skips(runner, course, db, tmp_path):
    out = tmp_path / "banque.gift"
    result = runner.invoke(args=["quizzes", "export-gift", "--course", course.slug, str(out)])
    assert result.exit_code == 0, result.output
    assert f"{len(QUESTIONS) - 1} questions written, 1 skipped" in result.output
    assert "ordre-maree [non exportée]" in result.output and "maree-hauteur [note]" in result.output
    back = runner.invoke(args=["quizzes", "import-gift", str(out), "--course", course.slug, "--tier", "1", "--dry-run"])
    assert f"{len(QUESTIONS) - 1} taken, 0 refused" in back.output, back.output
    assert runner.invoke(args=["quizzes", "export-gift", "--course", "nope", str(out)]).exit_code != 0
    no_tier = runner.invoke(args=["quizzes", "export-gift", "--course", course.slug, "--tier", "7", str(out)])
    assert no_tier.exit_code != 0 and "has no tier 7" in no_tier.output


def test_pictures_go_in_a_zip_beside_the_gift_file(client, staff, course, db, now, runner, tmp_path):
    import zipfile

    from learnapp.quizzes import bank_import
    from tests.quizzes.quiz_helpers import IMAGES

    report = bank_import.import_questions(course, [
        {"id": "phare-image", "type": "true_false", "tiers": [1], "audiences": ["adult"], "answer": True,
         "prompt": "Ce carré est rouge.\n\n![Un carré rouge](images/red.png)"}], source="files", author=None,
        now=now, images=IMAGES.__getitem__)
    assert not report.problems
    db.session.commit()
    response = client.get(f"/office/quizzes/{course.id}/export.gift")
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    pictures = [name for name in archive.namelist() if name.startswith("images/")]
    assert len(pictures) == 1 and archive.read(pictures[0]).startswith(b"\x89PNG")  # the stored, cleaned picture
    gift_text = archive.read(f"{course.slug}.gift").decode()
    assert f"({pictures[0]})" in gift_text
    out = tmp_path / "banque.gift"
    assert runner.invoke(args=["quizzes", "export-gift", "--course", course.slug, str(out)]).exit_code == 0
    assert zipfile.ZipFile(tmp_path / "banque-images.zip").namelist() == pictures
