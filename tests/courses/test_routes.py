"""Learner pages through the test client: catalogue, course, lesson, mark as done, preview."""

import html
import re

import pytest
from sqlalchemy import func, select

from learnapp.courses.models import Lesson, LessonProgress
from tests.courses.reader_data import add_version, make_course


def text(response) -> str:
    """The page's HTML, with character references decoded (« n'existe » rather than « n&#39;existe »)."""
    return html.unescape(response.get_data(as_text=True))


def count_progress(db) -> int:
    return db.session.scalar(select(func.count()).select_from(LessonProgress))


def lesson_of(db, course, slug) -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))


# Catalogue --------------------------------------------------------------------------------------

def test_the_catalogue_is_public_and_lists_published_courses_in_order(client, db, now):
    make_course(now, slug="villedieu", title="Villedieu-les-Poêles", position=2, lessons=("cuivre",))
    make_course(now, slug="granville", title="Granville Terre et Mer", position=1)
    make_course(now, slug="brouillon", title="Cours en chantier", published=False)
    response = client.get("/courses/")
    assert response.status_code == 200
    page = text(response)
    assert page.index("Granville Terre et Mer") < page.index("Villedieu-les-Poêles")
    assert "Cours en chantier" not in page
    assert "3 leçons" in page and "1 leçon" in page
    assert "Connectez-vous" in page  # a visitor is told how to keep their progress


def test_the_catalogue_shows_a_learners_progress(client, db, now, make_user, login):
    course = make_course(now)
    learner = make_user()
    login(learner)
    lesson = lesson_of(db, course, "les-marees")
    version = lesson.versions[-1]
    assert client.post("/courses/granville/les-marees/done", data={"version": version.id}).status_code == 302
    page = text(client.get("/courses/"))
    assert "Leçons terminées : 1 sur 3" in page
    assert '<progress max="3" value="1"' in page


def test_the_main_navigation_leads_to_the_catalogue(client):
    assert 'href="/courses/"' in text(client.get("/"))


def test_a_cover_image_is_shown_with_its_alt_text(client, db, now):
    from learnapp.media.models import MediaAsset

    asset = MediaAsset(sha256="a" * 64, filename="cover.png", mime_type="image/png", width=800, height=450,
                       data=b"\x89PNG", created_at=now)
    db.session.add(asset)
    db.session.flush()
    course = make_course(now)
    course.cover_asset_id, course.cover_alt = asset.id, "La Haute-Ville sur son rocher"
    db.session.commit()
    for url in ("/courses/", "/courses/granville"):
        page = text(client.get(url))
        assert f'src="/media/{"a" * 64}.png"' in page and 'alt="La Haute-Ville sur son rocher"' in page


# Course page ------------------------------------------------------------------------------------

def test_the_course_page_lists_lessons_in_order_with_the_readers_titles(client, db, now, make_user, login):
    make_course(now)
    page = text(client.get("/courses/granville"))
    assert page.index("les-marees (adult)") < page.index("chausey (adult)") < page.index("haute-ville (adult)")
    assert "Commencer par « les-marees (adult) »" in page
    login(make_user(age_group="teen"))
    page = text(client.get("/courses/granville"))
    assert "chausey (teen)" in page and "chausey (adult)" not in page


def test_the_course_page_shows_progress_and_resumes_where_the_learner_left_off(client, db, now, make_user, login):
    course = make_course(now)
    login(make_user())
    first = lesson_of(db, course, "les-marees")
    client.post("/courses/granville/les-marees/done", data={"version": first.versions[-1].id})
    client.get("/courses/granville/haute-ville")  # opened, not finished
    page = text(client.get("/courses/granville"))
    assert "Leçons terminées : 1 sur 3" in page
    assert "Reprendre « haute-ville (adult) »" in page
    items = re.findall(r'<li class="lesson-item lesson-(\w+)', page)
    assert items == ["done", "todo", "started"]
    assert "Terminée" in page and "Commencée" in page and "À faire" in page


def test_when_nothing_is_half_read_the_next_lesson_is_the_first_not_done(client, db, now, make_user, login):
    course = make_course(now)
    login(make_user())
    first = lesson_of(db, course, "les-marees")
    client.post("/courses/granville/les-marees/done", data={"version": first.versions[-1].id})
    page = text(client.get("/courses/granville"))
    assert "Leçon suivante : « chausey (adult) »" in page


def test_a_finished_course_says_so(client, db, now, make_user, login):
    course = make_course(now, lessons=("les-marees",))
    login(make_user())
    lesson = lesson_of(db, course, "les-marees")
    response = client.post("/courses/granville/les-marees/done", data={"version": lesson.versions[-1].id})
    assert response.headers["Location"].endswith("/courses/granville")
    page = text(client.get("/courses/granville"))
    assert "Bravo ! Vous avez terminé toutes les leçons de ce cours." in page
    assert "Leçons terminées : 1 sur 1" in page


def test_the_course_page_is_a_fixed_number_of_queries_whatever_the_lessons(client, db, now, make_user, login):
    from sqlalchemy import event

    login(make_user())
    statements = []

    def counter(*args):
        statements.append(args[2])

    def queries(url):
        statements.clear()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            assert client.get(url).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        return len(statements)

    make_course(now, slug="court", lessons=("a", "b"))
    make_course(now, slug="long", lessons=tuple(f"lecon-{n}" for n in range(12)))
    for slug, lessons in (("court", ("a", "b")), ("long", ("lecon-0", "lecon-1"))):
        for lesson_slug in lessons:
            client.get(f"/courses/{slug}/{lesson_slug}")
    assert queries("/courses/long") == queries("/courses/court")
    assert queries("/courses/long/lecon-1") == queries("/courses/court/b")


def test_unknown_course_or_lesson_is_a_404(client, db, now):
    make_course(now)
    assert client.get("/courses/nowhere").status_code == 404
    assert client.get("/courses/granville/nowhere").status_code == 404
    assert client.get("/courses/nowhere/les-marees").status_code == 404
    assert "Cette leçon n'existe pas dans ce cours." in text(client.get("/courses/granville/nowhere"))


def test_a_lesson_without_any_text_is_not_shown(client, db, now):
    course = make_course(now)
    db.session.add(Lesson(course=course, slug="en-chantier", position=9, created_at=now))
    db.session.commit()
    assert "en-chantier" not in text(client.get("/courses/granville"))
    assert client.get("/courses/granville/en-chantier").status_code == 404


# Lesson page ------------------------------------------------------------------------------------

def test_each_age_group_reads_its_own_text(client, db, now, make_user, login):
    course = make_course(now)
    lesson = lesson_of(db, course, "chausey")
    add_version(lesson, "child", now, title="Les îles des phoques", body="<p>Texte pour les enfants.</p>",
                objectives=["Situer Chausey"], key_facts=["Chausey compte 365 îles à marée basse."])
    db.session.commit()
    child = make_user(age_group="child", email="kid@example.org")
    login(child)
    page = text(client.get("/courses/granville/chausey"))
    assert "Les îles des phoques" in page and "<p>Texte pour les enfants.</p>" in page
    assert "Situer Chausey" in page and "365 îles" in page
    assert 'class="reader-child"' in page
    client.post("/logout")
    login(make_user())
    page = text(client.get("/courses/granville/chausey"))
    assert "Texte adult de chausey" in page and "Texte pour les enfants" not in page
    assert 'class="reader-child"' not in page


def test_a_visitor_reads_the_adult_text_and_is_invited_to_log_in(client, db, now):
    make_course(now)
    page = text(client.get("/courses/granville/chausey"))
    assert "Texte adult de chausey" in page
    assert "Marquer comme terminé" not in page
    assert "/login?next=/courses/granville/chausey" in page


def test_a_missing_text_falls_back_to_the_nearest_and_says_so(client, db, now, make_user, login):
    make_course(now, audiences=("teen", "adult"))
    login(make_user(age_group="child", email="kid@example.org"))
    page = text(client.get("/courses/granville/chausey"))
    assert "Texte teen de chausey" in page
    assert "pas encore de texte pour les enfants" in page


def test_previous_and_next_navigation(client, db, now):
    make_course(now)
    first = text(client.get("/courses/granville/les-marees"))
    assert 'rel="prev"' not in first and 'href="/courses/granville/chausey"' in first
    middle = text(client.get("/courses/granville/chausey"))
    assert 'rel="prev"' in middle and 'href="/courses/granville/les-marees"' in middle
    assert 'href="/courses/granville/haute-ville"' in middle
    last = text(client.get("/courses/granville/haute-ville"))
    assert 'rel="next"' not in last and "Retour au cours" in last


def test_the_body_is_shown_as_stored_html_and_titles_are_escaped(client, db, now):
    course = make_course(now, lessons=("a",))
    add_version(lesson_of(db, course, "a"), "adult", now, title="<b>Titre</b>",
                body='<p>Un <a href="https://example.org" rel="noopener noreferrer">lien</a>.</p>')
    db.session.commit()
    page = client.get("/courses/granville/a").get_data(as_text=True)
    assert '<p>Un <a href="https://example.org" rel="noopener noreferrer">lien</a>.</p>' in page
    assert "&lt;b&gt;Titre&lt;/b&gt;" in page


def test_the_read_aloud_button_is_hidden_until_the_script_says_the_browser_can_speak(client, db, now):
    make_course(now)
    page = text(client.get("/courses/granville/chausey"))
    assert re.search(r'<button type="button" class="button read-aloud" hidden', page)
    assert '<script src="/static/js/read-aloud.js" defer></script>' in page
    assert "<script>" not in page and " style=" not in page


# Viewing and marking as done --------------------------------------------------------------------

def test_opening_a_lesson_records_the_version_seen(client, db, now, make_user, login):
    course = make_course(now)
    learner = make_user()
    login(learner)
    client.get("/courses/granville/chausey")
    row = db.session.scalar(select(LessonProgress))
    lesson = lesson_of(db, course, "chausey")
    assert row.user_id == learner.id and row.lesson_id == lesson.id and row.course_id == course.id
    assert row.last_version.audience == "adult" and row.completed_version_id is None


def test_mark_as_done_pins_the_version_read_and_moves_on(client, db, now, make_user, login):
    course = make_course(now)
    login(make_user())
    lesson = lesson_of(db, course, "les-marees")
    version = lesson.versions[-1]
    response = client.post("/courses/granville/les-marees/done", data={"version": version.id})
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/granville/chausey")
    row = db.session.scalar(select(LessonProgress))
    assert row.completed_version_id == version.id and row.completed_at is not None
    page = text(client.get("/courses/granville/les-marees"))
    assert "Leçon terminée le" in page and "Marquer comme terminé" not in page


def test_a_double_submit_changes_nothing(client, db, now, make_user, login):
    course = make_course(now)
    login(make_user())
    version = lesson_of(db, course, "les-marees").versions[-1]
    client.post("/courses/granville/les-marees/done", data={"version": version.id})
    first = db.session.scalar(select(LessonProgress.completed_at))
    response = client.post("/courses/granville/les-marees/done", data={"version": version.id})
    assert response.status_code == 302
    assert count_progress(db) == 1
    assert db.session.scalar(select(LessonProgress.completed_at)) == first
    assert "Cette leçon était déjà terminée." in text(client.get(response.headers["Location"]))


@pytest.mark.parametrize("version", ["", "abc", "999999", "-1", "9" * 40])
def test_mark_as_done_with_an_unknown_version_is_a_400_and_writes_nothing(client, db, now, make_user, login,
                                                                          version):
    make_course(now)
    login(make_user())
    response = client.post("/courses/granville/les-marees/done", data={"version": version})
    assert response.status_code == 400
    assert "Rechargez la page" in text(response)
    assert count_progress(db) == 0


def test_mark_as_done_with_another_lessons_version_is_refused(client, db, now, make_user, login):
    course = make_course(now)
    login(make_user())
    other = lesson_of(db, course, "chausey").versions[-1]
    assert client.post("/courses/granville/les-marees/done", data={"version": other.id}).status_code == 400
    assert count_progress(db) == 0


def test_mark_as_done_needs_an_account(client, db, now):
    course = make_course(now)
    version = lesson_of(db, course, "les-marees").versions[-1]
    response = client.post("/courses/granville/les-marees/done", data={"version": version.id})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert count_progress(db) == 0


def test_mark_as_done_on_unknown_or_unpublished_course_is_a_404(client, db, now, make_user, login):
    course = make_course(now, published=False)
    version = lesson_of(db, course, "les-marees").versions[-1]
    login(make_user())
    assert client.post("/courses/granville/les-marees/done", data={"version": version.id}).status_code == 404
    assert client.post("/courses/granville/nowhere/done", data={"version": version.id}).status_code == 404
    assert client.post("/courses/nowhere/x/done", data={"version": version.id}).status_code == 404
    assert count_progress(db) == 0


# Unpublished courses and previews ---------------------------------------------------------------

@pytest.mark.parametrize("role", [None, "learner", "teacher", "guide", "partner"])
def test_an_unpublished_course_is_a_404_for_everyone_but_the_office(client, db, now, make_user, login, role):
    make_course(now, published=False)
    if role:
        login(make_user(role))
    assert client.get("/courses/granville").status_code == 404
    assert client.get("/courses/granville/chausey").status_code == 404


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_the_office_sees_an_unpublished_course_with_a_banner_and_saves_no_progress(client, db, now, make_user,
                                                                                   login, role):
    make_course(now, published=False)
    login(make_user(role))
    for url in ("/courses/granville", "/courses/granville/chausey"):
        response = client.get(url)
        assert response.status_code == 200
        assert "Ce cours n'est pas publié" in text(response)
    assert "Marquer comme terminé" not in text(client.get("/courses/granville/chausey"))
    assert count_progress(db) == 0


@pytest.mark.parametrize("role", ["staff", "teacher", "admin"])
def test_staff_and_teachers_can_preview_each_groups_text(client, db, now, make_user, login, role):
    make_course(now)
    login(make_user(role))
    page = text(client.get("/courses/granville/chausey?audience=child"))
    assert "Texte child de chausey" in page and 'class="reader-child"' in page
    assert 'aria-current="true">Enfants (moins de 15 ans)' in page
    assert "votre progression n'est pas enregistrée" in page
    assert "Marquer comme terminé" not in page
    # The preview follows the links of the course page.
    assert 'href="/courses/granville/les-marees?audience=teen"' in text(client.get("/courses/granville?audience=teen"))
    assert count_progress(db) == 0
    # Without the parameter they read their own text, with the switch still at hand.
    page = text(client.get("/courses/granville/chausey"))
    assert "Aperçu du texte pour" in page and "Texte adult de chausey" in page


def test_a_learner_cannot_switch_groups_and_sees_no_switch(client, db, now, make_user, login):
    make_course(now)
    login(make_user(age_group="child", email="kid@example.org"))
    page = text(client.get("/courses/granville/chausey?audience=adult"))
    assert "Texte child de chausey" in page and "Aperçu du texte pour" not in page


@pytest.mark.parametrize("url", ["/courses/?audience=senior", "/courses/granville?audience=ADULT",
                                 "/courses/granville/chausey?audience=%3Cscript%3E"])
def test_a_bad_age_group_parameter_is_a_400_with_a_message(client, db, now, make_user, login, url):
    make_course(now)
    login(make_user("staff"))
    response = client.get(url)
    assert response.status_code == 400
    assert "Ce groupe d'âge n'existe pas" in text(response)
    assert "<script>" not in text(response)


def test_the_office_sees_the_gaps_of_a_course(client, db, now, make_user, login):
    make_course(now, audiences=("teen", "adult"))
    login(make_user("staff"))
    page = text(client.get("/courses/granville"))
    assert "Textes manquants" in page and "pas de texte pour les enfants" in page
    client.post("/logout")
    login(make_user())
    assert "Textes manquants" not in text(client.get("/courses/granville"))


def test_the_pages_speak_english_too(client, db, now, make_user, login):
    make_course(now)
    client.set_cookie("lang", "en")
    assert "Courses" in text(client.get("/courses/"))
    page = text(client.get("/courses/granville/chausey"))
    assert "Next lesson" in page and "Read aloud" in page


def test_on_english_pages_the_french_content_says_it_is_french(client, db, now):
    """WCAG 3.1.2: a screen reader switches voice for the course's French words."""
    course = make_course(now, lessons=("les-marees", "chausey"), audiences=("teen",))
    lesson = lesson_of(db, course, "les-marees")  # an anonymous reader gets the adults' text
    add_version(lesson, "adult", now, title="Les marées", body='<aside class="callout callout-savais-tu" '
                'role="note">\n<h2 class="callout-title"></h2>\n<p>La baie.</p>\n</aside>')
    db.session.commit()
    client.set_cookie("lang", "en")
    catalogue = text(client.get("/courses/"))
    assert '<html lang="en">' in catalogue
    assert re.search(r'<h2 lang="fr"><a href="/courses/granville">Granville Terre et Mer</a></h2>', catalogue)
    assert '<p lang="fr">Les marées, Chausey…</p>' in catalogue
    page = text(client.get("/courses/granville"))
    assert '<title lang="fr">Granville Terre et Mer' in page and '<h1 lang="fr">Granville Terre et Mer</h1>' in page
    assert '<p class="lead" lang="fr">' in page
    assert re.search(r'<a href="/courses/granville/les-marees" lang="fr">', page)
    reading = text(client.get("/courses/granville/les-marees"))
    assert '<title lang="fr">Les marées · Granville Terre et Mer' in reading
    assert '<a href="/courses/granville" lang="fr">Granville Terre et Mer</a>' in reading
    # Our own words inside the French text are in the reader's language, and say so.
    assert '<h2 class="callout-title" lang="en">Did you know?</h2>' in reading
    assert '<span class="lesson-nav-title" lang="fr">' in reading


# Only the text shown counts (issue 8.8) ---------------------------------------------------------

def test_mark_as_done_refuses_another_age_groups_version(client, db, now, make_user, login):
    course = make_course(now)
    login(make_user())  # an adult: shown the adult text
    lesson = lesson_of(db, course, "les-marees")
    child = next(v for v in lesson.versions if v.audience == "child")
    response = client.post("/courses/granville/les-marees/done", data={"version": child.id})
    assert response.status_code == 409
    assert "Rechargez la page, lisez le texte affiché" in text(response)
    assert count_progress(db) == 0


def test_mark_as_done_refuses_an_older_version_and_accepts_the_current_one(client, db, now, make_user,
                                                                           login):
    course = make_course(now)
    learner = make_user(age_group="teen")
    login(learner)
    lesson = lesson_of(db, course, "les-marees")
    old = next(v for v in lesson.versions if v.audience == "teen")
    client.get("/courses/granville/les-marees")  # the learner read version 1…
    current = add_version(lesson, "teen", now)  # …then the office published version 2
    db.session.commit()
    response = client.post("/courses/granville/les-marees/done", data={"version": old.id},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Reload the page" in text(response)
    row = db.session.scalar(select(LessonProgress))
    assert row.completed_version_id is None and row.last_version_id == old.id
    page = text(client.get("/courses/granville/les-marees"))
    assert f'name="version" value="{current.id}"' in page  # the page now offers version 2
    assert client.post("/courses/granville/les-marees/done",
                       data={"version": current.id}).status_code == 302
    db.session.expire_all()
    assert db.session.scalar(select(LessonProgress)).completed_version_id == current.id


def test_mark_as_done_accepts_the_fallback_text_a_learner_is_shown(client, db, now, make_user, login):
    course = make_course(now, audiences=("adult",))  # no text for teens yet: they read the adults'
    login(make_user(age_group="teen"))
    adult = lesson_of(db, course, "les-marees").versions[-1]
    assert f'name="version" value="{adult.id}"' in text(client.get("/courses/granville/les-marees"))
    assert client.post("/courses/granville/les-marees/done",
                       data={"version": adult.id}).status_code == 302
    assert db.session.scalar(select(LessonProgress.completed_version_id)) == adult.id
