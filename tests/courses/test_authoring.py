"""Staff authoring pages: courses, lessons, texts per age group, preview, history, images."""

from __future__ import annotations

import html
import io
import re

import pytest
from PIL import Image
from sqlalchemy import func, select

from learnapp.courses import lesson_versions
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.media.models import MediaAsset

BODY = "La mer monte deux fois par jour.\n\n::: savais-tu\nLa baie a de très grandes marées.\n:::\n"
TEXT = {"title": "Les marées", "minutes": "5", "objectives": "Expliquer la marée\nLire un horaire",
        "key_facts": "- Deux marées par jour", "body": BODY, "action": "save"}
COURSE = {"slug": "granville", "title": "Granville Terre et Mer", "summary": "Le territoire.",
          "position": "1", "audiences": ["child", "teen", "adult"]}


def png(width=40, height=30, color=(11, 92, 122)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def count(db, model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff", name="Sophie")
    login(user)
    return user


@pytest.fixture
def course(db, now):
    course = Course(slug="granville", title="Granville Terre et Mer", summary="", position=1,
                    audiences=["child", "teen", "adult"], published=True, created_at=now, updated_at=now)
    lesson = Lesson(course=course, slug="les-marees", position=1, created_at=now)
    db.session.add_all([course, lesson])
    db.session.flush()
    lesson_versions.add_lesson_version(lesson, "adult", title="Les marées", minutes=5, objectives=[], key_facts=[],
                                body_markdown="La mer monte.\n", source="files", author=None, now=now)
    db.session.commit()
    return course


def lesson_of(course) -> Lesson:
    return course.lessons[0]


def editor_url(course, audience="adult") -> str:
    return f"/office/courses/{course.id}/lessons/{lesson_of(course).id}/{audience}"


def versions(db, lesson, audience="adult") -> list[LessonVersion]:
    return list(db.session.scalars(select(LessonVersion).where(
        LessonVersion.lesson_id == lesson.id, LessonVersion.audience == audience).order_by(LessonVersion.number)))


# Pages and access ------------------------------------------------------------------------------

def test_every_staff_page_opens(client, staff, course):
    lesson = lesson_of(course)
    base = f"/office/courses/{course.id}"
    pages = ["/office/courses/", "/office/courses/new", base, f"{base}/edit", f"{base}/lessons/new",
             f"{base}/lessons/{lesson.id}", editor_url(course, "child"), editor_url(course, "teen"),
             editor_url(course), f"{editor_url(course)}/history", f"{editor_url(course)}/versions/1",
             "/office/courses/images"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "<h1>" in response.get_data(as_text=True), url


def test_the_course_list_shows_every_course_and_its_gaps(client, staff, course, db, now):
    db.session.add(Course(slug="brouillon", title="Un brouillon", position=2, audiences=["adult"],
                          published=False, created_at=now))
    db.session.commit()
    page = client.get("/office/courses/").get_data(as_text=True)
    assert "Granville Terre et Mer" in page and "Un brouillon" in page
    assert "Publié" in page and "Brouillon" in page
    # The lesson has only the adult text: the child and teen texts are missing.
    assert "« les-marees » : Enfants, Adolescents" in page
    course_page = client.get(f"/office/courses/{course.id}").get_data(as_text=True)
    assert "Texte manquant : Enfants (moins de 15 ans)" in course_page


@pytest.mark.parametrize("role", ["learner", "teacher", "guide", "partner"])
def test_other_roles_are_refused(client, make_user, login, course, role):
    login(make_user(role))
    assert client.get("/office/courses/").status_code == 403
    assert client.get(editor_url(course)).status_code == 403
    assert client.post(editor_url(course), data=TEXT).status_code == 403
    assert client.post(f"/office/courses/{course.id}/publish", data={"published": "0"}).status_code == 403


def test_an_admin_may_author(client, make_user, login, course):
    login(make_user("admin"))
    assert client.get(editor_url(course)).status_code == 200


def test_unknown_objects_are_404_not_500(client, staff, course):
    other_lesson = lesson_of(course).id + 100
    for url in ["/office/courses/999", f"/office/courses/999/lessons/{lesson_of(course).id}/adult",
                f"/office/courses/{course.id}/lessons/{other_lesson}/adult", editor_url(course, "grandma"),
                f"{editor_url(course)}/versions/42"]:
        assert client.get(url).status_code == 404, url
    assert client.post(f"{editor_url(course)}/versions/42/restore").status_code == 404


# Courses -----------------------------------------------------------------------------------

def test_create_a_course_with_a_cover(client, staff, db):
    data = {**COURSE, "cover": (io.BytesIO(png()), "couverture.png"), "cover_alt": "La Haute-Ville vue de la plage"}
    response = client.post("/office/courses/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    course = db.session.scalar(select(Course))
    assert (course.slug, course.title, course.published) == ("granville", "Granville Terre et Mer", False)
    assert course.audiences == ["child", "teen", "adult"]
    assert course.cover_alt == "La Haute-Ville vue de la plage"
    assert db.session.get(MediaAsset, course.cover_asset_id).filename == "couverture.png"


@pytest.mark.parametrize("change, field", [
    ({"slug": "Pas Un Slug"}, "slug"),
    ({"slug": ""}, "slug"),
    ({"title": ""}, "title"),
    ({"position": "beaucoup"}, "position"),
    ({"audiences": []}, "audiences"),
    ({"cover": (io.BytesIO(png()), "c.png"), "cover_alt": ""}, "cover_alt"),
    ({"cover": (io.BytesIO(b"%PDF-1.4 not an image"), "c.png"), "cover_alt": "Une image"}, "cover"),
])
def test_bad_course_input_is_explained_on_the_field_and_saves_nothing(client, staff, db, change, field):
    response = client.post("/office/courses/new", data={**COURSE, **change}, content_type="multipart/form-data")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "error-summary" in page and f'id="{field}-error"' in page
    assert count(db, Course) == 0
    assert count(db, MediaAsset) == 0


def test_a_slug_is_unique(client, staff, course, db):
    response = client.post("/office/courses/new", data=COURSE)
    assert response.status_code == 400
    assert "Un autre cours utilise déjà cet identifiant" in response.get_data(as_text=True)
    assert count(db, Course) == 1


def test_edit_a_course_and_remove_its_cover(client, staff, course, db, now):
    client.post(f"/office/courses/{course.id}/edit", content_type="multipart/form-data",
                data={**COURSE, "title": "Granville", "cover": (io.BytesIO(png()), "c.png"), "cover_alt": "Le port"})
    db.session.refresh(course)
    assert course.title == "Granville" and course.cover_asset_id is not None
    # A kept cover still needs its alt text.
    response = client.post(f"/office/courses/{course.id}/edit", data={**COURSE, "cover_alt": ""})
    assert response.status_code == 400
    response = client.post(f"/office/courses/{course.id}/edit", data={**COURSE, "remove_cover": "y"})
    assert response.status_code == 302
    db.session.refresh(course)
    assert course.cover_asset_id is None and course.cover_alt == ""


def test_publish_and_unpublish(client, staff, course, db):
    url = f"/office/courses/{course.id}/publish"
    assert client.post(url, data={"published": "0"}).status_code == 302
    db.session.refresh(course)
    assert course.published is False
    assert client.get("/courses/granville/les-marees").status_code == 200  # staff still preview it
    client.post("/logout")
    assert client.get("/courses/granville/les-marees").status_code == 404
    assert client.post(url, data={"published": "maybe"}).status_code in (302, 401)  # anonymous: to login


def test_publish_needs_a_clear_choice(client, staff, course, db):
    response = client.post(f"/office/courses/{course.id}/publish", data={"published": "maybe"})
    assert response.status_code == 400
    db.session.refresh(course)
    assert course.published is True


# Lessons -----------------------------------------------------------------------------------

def test_create_a_lesson_then_write_its_first_text(client, staff, course, db):
    response = client.post(f"/office/courses/{course.id}/lessons/new", data={"slug": "chausey", "position": "2"})
    assert response.status_code == 302
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "chausey"))
    assert response.headers["Location"].endswith(f"/lessons/{lesson.id}/child")
    assert lesson.position == 2


@pytest.mark.parametrize("data, message", [
    ({"slug": "les-marees", "position": "2"}, "utilise déjà cet identifiant"),
    ({"slug": "chausey", "position": "1"}, "occupe déjà cette position"),
    ({"slug": "Chausey!", "position": "2"}, "Lettres minuscules"),
    ({"slug": "chausey", "position": "100"}, "position"),
])
def test_bad_lesson_input(client, staff, course, db, data, message):
    response = client.post(f"/office/courses/{course.id}/lessons/new", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, Lesson) == 1


# The editor --------------------------------------------------------------------------------

def test_saving_adds_a_version_from_the_editor_and_the_learner_sees_it(client, staff, course, db, make_user,
                                                                         login):
    response = client.post(editor_url(course), data={**TEXT, "base_version": "1"})
    assert response.status_code == 302
    found = versions(db, lesson_of(course))
    assert [v.number for v in found] == [1, 2]
    new = found[-1]
    assert (new.source, new.author_id, new.title, new.minutes) == ("editor", staff.id, "Les marées", 5)
    assert new.objectives == ["Expliquer la marée", "Lire un horaire"]
    assert new.key_facts == ["Deux marées par jour"]
    assert '<h2 class="callout-title"></h2>' in new.body_html and "savais-tu\u202f?" not in new.body_html
    # Saving the same text again adds nothing.
    client.post(editor_url(course), data={**TEXT, "base_version": "2"})
    assert len(versions(db, lesson_of(course))) == 2

    client.post("/logout")
    login(make_user("learner", age_group="adult"))
    page = client.get("/courses/granville/les-marees").get_data(as_text=True)
    assert "La mer monte deux fois par jour." in page


def test_history_says_who_and_when(client, staff, course):
    client.post(editor_url(course), data=TEXT)
    page = client.get(f"{editor_url(course)}/history").get_data(as_text=True)
    assert "fichiers" in page and "Sophie" in page
    assert "Restaurer la version 1" in page and "Restaurer la version 2" not in page


BAD_TEXTS = [
    ({"body": "Une image : ![](media:" + "a" * 64 + ".png)"}, "body", "sans texte alternatif"),
    ({"body": "Bonjour <script>alert(1)</script>"}, "body", "HTML brut interdit"),
    ({"body": "Un <b>mot</b>."}, "body", "HTML brut interdit"),
    ({"body": "[clic](javascript:alert(1))"}, "body", "Lien refusé"),
    ({"body": "Voir ![la mer](maree.png)"}, "body", "inconnue"),
    ({"body": "Voir ![la mer](media:" + "b" * 64 + ".png)"}, "body", "introuvable"),
    ({"body": "::: savais-tu\nSans fin"}, "body", "jamais fermé"),
    ({"body": "   "}, "body", ""),
    ({"minutes": "0"}, "minutes", "nombre entier de 1 à 120"),
    ({"minutes": "500"}, "minutes", "nombre entier de 1 à 120"),
    ({"minutes": "cinq"}, "minutes", ""),
    ({"title": ""}, "title", ""),
    ({"title": "x" * 201}, "title", ""),
    ({"objectives": "x" * 301}, "objectives", "300 caractères"),
]


@pytest.mark.parametrize("change, field, message", BAD_TEXTS)
def test_load_errors_appear_on_the_form_and_nothing_is_saved(client, staff, course, db, change, field, message):
    response = client.post(editor_url(course), data={**TEXT, **change})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    assert f'id="{field}-error"' in page
    assert re.search(rf'<(?:input|textarea)[^>]*aria-invalid="true"[^>]*name="{field}"|name="{field}"[^>]*'
                     r'aria-invalid="true"', page)
    assert len(versions(db, lesson_of(course))) == 1


def test_body_problems_say_which_line(client, staff, course):
    body = "Première ligne.\n\nTroisième : ![](media:" + "a" * 64 + ".png)\n"
    page = client.post(editor_url(course), data={**TEXT, "body": body}).get_data(as_text=True)
    assert "Ligne 3 :" in page


def test_a_callout_inside_a_callout_is_explained_with_its_line(client, staff, course, db):
    body = "Intro.\n\n::: savais-tu\nUn.\n\n::: savais-tu\nDeux.\n:::\n:::\n"
    response = client.post(editor_url(course), data={**TEXT, "body": body})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "Ligne 6 : Un encadré « ::: savais-tu » ne peut pas en contenir un autre" in page
    assert "Bloc inconnu" not in page
    assert len(versions(db, lesson_of(course))) == 1


def test_a_stored_image_may_be_used(client, staff, course, db):
    uploaded = client.post("/office/courses/images", data={"image": (io.BytesIO(png()), "maree.png"),
                                                           "alt": "La mer haute", "caption": "À Granville"},
                           headers={"Accept": "application/json"})
    snippet = uploaded.get_json()["snippet"]
    response = client.post(editor_url(course), data={**TEXT, "body": f"Regardez :\n\n{snippet}\n"})
    assert response.status_code == 302
    html = versions(db, lesson_of(course))[-1].body_html
    assert "<figure>" in html and "<figcaption>À Granville</figcaption>" in html and "/media/" in html


def test_preview_button_without_javascript_renders_and_saves_nothing(client, staff, course, db):
    response = client.post(editor_url(course), data={**TEXT, "action": "preview",
                                                      "body": "Un **texte** neuf [[estran|la plage]]."})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>texte</strong>" in page and "estran" in page
    assert len(versions(db, lesson_of(course))) == 1


def test_preview_fragment_goes_through_the_sanitiser(client, staff, course, db):
    url = f"{editor_url(course)}/preview"
    response = client.post(url, data={**TEXT, "body": "Bonjour **toi**.\n\n::: savais-tu\nOui.\n:::\n"})
    assert response.status_code == 200
    fragment = response.get_data(as_text=True)
    assert "<html" not in fragment and "<strong>toi</strong>" in fragment and "Le savais-tu\u202f?" in fragment
    assert "Lisibilité" in fragment
    hostile = client.post(url, data={**TEXT, "body": "<img src=x onerror=alert(1)> [x](javascript:alert(1))"})
    assert hostile.status_code == 400
    fragment = hostile.get_data(as_text=True)
    article = fragment.split("<article")[1]
    assert "<img" not in article and "&lt;img" in article  # shown as text, inert
    assert "javascript" not in article
    assert "HTML brut interdit" in fragment and "Lien refusé" in fragment
    assert len(versions(db, lesson_of(course))) == 1


def test_the_gauge_warns_when_a_child_text_reads_too_hard(client, staff, course):
    hard = ("Sous réserve des dispositions législatives et réglementaires applicables, l'exploitant demeure "
            "personnellement responsable de la conformité des installations vis-à-vis des prescriptions "
            "techniques imposées par l'autorité administrative compétente.")
    fragment = client.post(f"{editor_url(course, 'child')}/preview",
                           data={**TEXT, "body": hard}).get_data(as_text=True)
    assert "difficile à lire pour un enfant" in fragment and "Objectif pour ce public : 70" in fragment
    assert "26,0 mots par phrase" in fragment  # numbers written the French way
    easy = client.post(f"{editor_url(course, 'child')}/preview",
                       data={**TEXT, "body": "La mer monte. Puis elle descend. On voit le sable."})
    assert "difficile à lire pour un enfant" not in easy.get_data(as_text=True)
    adult = client.post(f"{editor_url(course)}/preview", data={**TEXT, "body": hard}).get_data(as_text=True)
    assert "difficile à lire pour un enfant" not in adult and "Pas atteint" in adult


def test_saving_over_a_newer_version_is_refused(client, staff, course, db):
    client.post(editor_url(course), data={**TEXT, "base_version": "1"})
    response = client.post(editor_url(course), data={**TEXT, "body": "Autre texte.", "base_version": "1"})
    assert response.status_code == 409
    assert "Quelqu'un a enregistré ce texte entre-temps" in response.get_data(as_text=True)
    assert len(versions(db, lesson_of(course))) == 2


@pytest.mark.parametrize("base", ["abc", "1.0", "-1", "²", "9" * 12])
def test_a_malformed_base_version_is_refused_not_ignored(client, staff, course, db, base):
    response = client.post(editor_url(course), data={**TEXT, "body": "Autre texte.", "base_version": base})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "La version de départ de ce formulaire n'est pas valide" in page
    assert len(versions(db, lesson_of(course))) == 1


def test_two_saves_from_the_same_version_at_the_same_moment_keep_one_and_explain_the_other(
        client, staff, course, db, monkeypatch, now):
    """The other save commits between this request's check and its insert: the unique version
    number refuses the second insert; the editor says so (409) and writes nothing."""
    from learnapp.courses import editing

    lesson_id = lesson_of(course).id
    real_current_version, real_save_text = lesson_versions.current_version, editing.save_text
    saving = []

    def save_text(*args, **kwargs):
        saving.append(True)
        return real_save_text(*args, **kwargs)

    def current_then_someone_else_saves(lesson, audience):
        seen = real_current_version(lesson, audience)
        if saving == [True]:  # inside our save, once: the other request commits version 2 now
            saving.append(False)
            with db.engine.begin() as other:  # its own connection
                other.execute(LessonVersion.__table__.insert().values(
                    lesson_id=lesson_id, audience="adult", number=2, title="Autre", minutes=5, objectives=[],
                    key_facts=[], body_markdown="Texte de l'autre.\n", body_html="<p>Texte de l'autre.</p>",
                    source_hash="x" * 64, source="editor", author_id=None, created_at=now))
        return seen

    monkeypatch.setattr(editing, "save_text", save_text)
    monkeypatch.setattr(lesson_versions, "current_version", current_then_someone_else_saves)
    response = client.post(editor_url(course), data={**TEXT, "body": "Mon texte.", "base_version": "1"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 409
    assert "Quelqu'un a enregistré ce texte entre-temps" in page and "Une version plus récente (2)" in page
    assert "Mon texte." in page  # the writer's text is still in the form, to copy
    db.session.expire_all()
    assert [v.title for v in versions(db, lesson_of(course))] == ["Les marées", "Autre"]


def test_a_text_for_an_age_group_the_course_is_not_written_for_is_refused(client, staff, course, db):
    course.audiences = ["teen", "adult"]
    db.session.commit()
    page = client.get(editor_url(course, "child")).get_data(as_text=True)
    assert "Ce cours n'est pas écrit pour ce public" in page
    response = client.post(editor_url(course, "child"), data=TEXT)
    assert response.status_code == 400
    assert versions(db, lesson_of(course), "child") == []
    # ...and a course cannot drop an age group its lessons are written for (the files refuse both).
    response = client.post(f"/office/courses/{course.id}/edit", data={**COURSE, "audiences": ["child", "teen"]})
    assert response.status_code == 400
    assert "Des leçons ont déjà un texte pour : Adultes" in response.get_data(as_text=True)
    db.session.refresh(course)
    assert course.audiences == ["teen", "adult"]


def test_the_editor_speaks_english_too(client, staff, course):
    client.set_cookie("lang", "en")
    page = client.get(editor_url(course)).get_data(as_text=True)
    assert "Save a new version" in page and "Readability" in page and "Lesson text (Markdown)" in page
    page = client.post(editor_url(course), data={**TEXT, "minutes": "0"}).get_data(as_text=True)
    assert "a whole number from 1 to 120" in page


# History and restore -------------------------------------------------------------------------

def test_restore_adds_a_new_version_and_rewrites_nothing(client, staff, course, db):
    client.post(editor_url(course), data=TEXT)
    before = [(v.id, v.number, v.body_markdown) for v in versions(db, lesson_of(course))]
    response = client.post(f"{editor_url(course)}/versions/1/restore")
    assert response.status_code == 302
    db.session.expire_all()
    found = versions(db, lesson_of(course))
    assert [(v.id, v.number, v.body_markdown) for v in found[:2]] == before
    restored = found[2]
    assert (restored.number, restored.source, restored.author_id) == (3, "restore", staff.id)
    assert restored.body_markdown == found[0].body_markdown and restored.title == found[0].title
    # Restoring what is already current adds nothing.
    client.post(f"{editor_url(course)}/versions/1/restore")
    assert len(versions(db, lesson_of(course))) == 3
    assert "version 3" in client.get(f"{editor_url(course)}/history").get_data(as_text=True).lower()


def test_restoring_a_text_for_a_group_the_course_dropped_is_refused_with_a_message(client, staff, course, db):
    client.post(editor_url(course), data=TEXT)
    # course.yml loaded from the files no longer lists adults; their texts stay in the history.
    course.audiences = ["child", "teen"]
    db.session.commit()
    response = client.post(f"{editor_url(course)}/versions/1/restore")
    assert response.status_code == 409
    assert "plus écrit pour ce public" in response.get_data(as_text=True)
    assert len(versions(db, lesson_of(course))) == 2


def test_an_old_version_can_be_read(client, staff, course):
    client.post(editor_url(course), data=TEXT)
    page = client.get(f"{editor_url(course)}/versions/1").get_data(as_text=True)
    assert "La mer monte." in page and "Restaurer cette version" in page


# Images ------------------------------------------------------------------------------------

def test_upload_returns_the_markdown_to_insert(client, staff, db):
    response = client.post("/office/courses/images", data={"image": (io.BytesIO(png()), "maree.png"),
                                                           "alt": "La mer haute", "caption": 'Le "port"'})
    assert response.status_code == 200
    asset = db.session.scalar(select(MediaAsset))
    snippet = f"![La mer haute](media:{asset.sha256}.png \"Le 'port'\")"
    assert snippet in html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize("alt, caption", [
    ("Le port\\", "Vu du môle\\"),  # a trailing backslash used to escape the closing bracket or quote
    ("*Étoile* de [mer] <b> & `code` !", "A &amp; B"),
])
def test_the_inserted_line_shows_the_image_with_exactly_the_words_typed(client, staff, course, db, alt, caption):
    uploaded = client.post("/office/courses/images", data={"image": (io.BytesIO(png()), "maree.png"),
                                                           "alt": alt, "caption": caption},
                           headers={"Accept": "application/json"})
    snippet = uploaded.get_json()["snippet"]
    response = client.post(editor_url(course), data={**TEXT, "body": f"Regardez :\n\n{snippet}\n"})
    assert response.status_code == 302
    body_html = versions(db, lesson_of(course))[-1].body_html
    assert f'alt="{html.escape(alt)}"' in body_html
    assert f"<figcaption>{html.escape(caption, quote=False)}</figcaption>" in body_html


@pytest.mark.parametrize("data, message", [
    ({"image": (io.BytesIO(b"GIF89a not really"), "faux.gif"), "alt": "Un faux"}, "pas une image lisible"),
    ({"image": (io.BytesIO(b"<svg onload=alert(1)></svg>"), "x.svg"), "alt": "Un dessin"}, "pas une image lisible"),
    ({"alt": "Rien"}, "Choisissez un fichier image"),
    ({"image": (io.BytesIO(png()), "a.png"), "alt": ""}, "texte alternatif est obligatoire"),
])
def test_bad_uploads_are_explained(client, staff, db, data, message):
    response = client.post("/office/courses/images", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(db, MediaAsset) == 0


def test_bad_upload_in_json_for_the_editor_script(client, staff, db):
    response = client.post("/office/courses/images", headers={"Accept": "application/json"},
                           data={"image": (io.BytesIO(b"nope"), "x.png"), "alt": "x"})
    assert response.status_code == 400
    assert "pas une image lisible" in response.get_json()["errors"]["image"][0]


def test_too_many_pixels_and_too_heavy_images_are_refused(client, staff, db, monkeypatch):
    from learnapp.media import images

    monkeypatch.setattr(images, "MAX_PIXELS", 100)
    response = client.post("/office/courses/images", data={"image": (io.BytesIO(png()), "a.png"), "alt": "x"})
    assert response.status_code == 400 and "trop de pixels" in response.get_data(as_text=True)
    monkeypatch.setattr(images, "MAX_PIXELS", 4000 * 4000)
    monkeypatch.setattr(images, "MAX_BYTES", 10)
    response = client.post("/office/courses/images", data={"image": (io.BytesIO(png()), "a.png"), "alt": "x"})
    assert response.status_code == 400 and "réduisez-la" in response.get_data(as_text=True)
    assert count(db, MediaAsset) == 0


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces its size and holds no pixels: what a decompression bomb looks like to a reader."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IEND", b""))


def test_a_decompression_bomb_is_refused_as_too_many_pixels(client, staff, db):
    data = {"image": (io.BytesIO(png_header_only(20_000, 20_000)), "bombe.png"), "alt": "x"}
    response = client.post("/office/courses/images", data=data)
    assert response.status_code == 400 and "trop de pixels" in response.get_data(as_text=True)
    assert count(db, MediaAsset) == 0


def test_an_upload_over_the_request_limit_gets_a_clear_413(app, client, staff, db):
    # Kept under 500 kB: larger test bodies are spooled to a temporary file the test client leaves open.
    app.config["MAX_CONTENT_LENGTH"] = 200 * 1024
    for headers in ({}, {"Accept": "application/json"}):
        data = {"image": (io.BytesIO(b"\0" * (300 * 1024)), "huge.png"), "alt": "Énorme"}
        response = client.post("/office/courses/images", data=data, headers=headers)
        assert response.status_code == 413
        if headers:
            assert "dépasse 0,2 Mo" in response.get_json()["message"]
        else:
            page = response.get_data(as_text=True)
            assert "dépasse 0,2 Mo" in page and "5 Mo au plus" in page and "<form" in page
    assert count(db, MediaAsset) == 0


# CSRF stays on for the editor's script ---------------------------------------------------------

class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    def test_the_preview_needs_the_csrf_token(self, client, db, make_user, course):
        user = make_user("staff")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                    "csrf_token": token.group(1)})
        url = f"{editor_url(course)}/preview"
        assert client.post(url, data=TEXT).status_code == 400
        editor = client.get(editor_url(course)).get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', editor).group(1)
        response = client.post(url, data=TEXT, headers={"X-CSRFToken": token})
        assert response.status_code == 200 and "La mer monte deux fois" in response.get_data(as_text=True)
        assert client.post(editor_url(course), data=TEXT).status_code == 400  # the save form too
        assert len(versions(db, lesson_of(course))) == 1
