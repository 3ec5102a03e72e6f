"""Lesson versions and importing a pack: rendered once, versioned, idempotent."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.core.markdown import media_url
from learnapp.courses import lesson_versions, pack_import
from learnapp.courses.loader import read_pack
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.media.models import MediaAsset
from tests.courses.pack_builder import lesson_text, make_course

TEXT = dict(title="La marée", minutes=5, objectives=["Expliquer la marée."], key_facts=["Deux fois par jour."],
            body_markdown="La mer **monte**.\n\n::: savais-tu\nLa Lune tire.\n:::\n")


@pytest.fixture
def lesson(db, now):
    course = Course(slug="granville", title="Granville", audiences=["child", "teen", "adult"], published=True,
                    created_at=now)
    lesson = Lesson(course=course, slug="les-marees", position=1, created_at=now)
    db.session.add_all([course, lesson])
    db.session.flush()
    return lesson


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_versions_are_numbered_per_lesson_and_audience_and_rendered_once(db, lesson, now, make_user):
    staff = make_user("staff")
    first = lesson_versions.add_lesson_version(lesson, "child", **TEXT, source="files", author=None, now=now)
    assert (first.number, first.audience, first.source, first.author_id) == (1, "child", "files", None)
    assert first.body_html.startswith("<p>La mer <strong>monte</strong>.</p>")
    assert '<aside class="callout callout-savais-tu" role="note">' in first.body_html
    assert len(first.source_hash) == 64
    other = lesson_versions.add_lesson_version(lesson, "adult", **TEXT, source="files", author=None, now=now)
    assert other.number == 1
    changed = dict(TEXT, body_markdown="La mer **descend**.\n")
    second = lesson_versions.add_lesson_version(lesson, "child", **changed, source="editor", author=staff,
                                         now=now + timedelta(hours=1))
    assert (second.number, second.author_id, second.created_at) == (2, staff.id, now + timedelta(hours=1))
    assert lesson_versions.current_versions(lesson) == {"child": second, "adult": other}
    assert lesson_versions.current_version(lesson, "teen") is None


def test_an_identical_text_adds_nothing(db, lesson, now):
    lesson_versions.add_lesson_version(lesson, "teen", **TEXT, source="files", author=None, now=now)
    assert lesson_versions.add_lesson_version(lesson, "teen", **TEXT, source="editor", author=None, now=now) is None
    assert count(db, LessonVersion) == 1
    # Going back to an older text is a change: it becomes the next version.
    lesson_versions.add_lesson_version(lesson, "teen", **dict(TEXT, minutes=6), source="editor", author=None, now=now)
    again = lesson_versions.add_lesson_version(lesson, "teen", **TEXT, source="restore", author=None, now=now)
    assert again.number == 3


def test_an_invalid_text_is_refused_and_nothing_is_added(db, lesson, now):
    with pytest.raises(lesson_versions.InvalidLessonText) as refused:
        lesson_versions.add_lesson_version(lesson, "child",
                                           **dict(TEXT, title="", body_markdown="<b>x</b>\n\n![](a.png)"),
                                           source="editor", author=None, now=now)
    codes = [problem.code for problem in refused.value.problems]
    assert codes == ["empty_text", "raw_html", "raw_html", "image_without_alt", "image_source_not_allowed"]
    with pytest.raises(ValueError):
        lesson_versions.add_lesson_version(lesson, "baby", **TEXT, source="files", author=None, now=now)
    assert count(db, LessonVersion) == 0


def test_current_versions_by_lesson_in_one_query(db, lesson, now):
    other = Lesson(course=lesson.course, slug="chausey", position=2, created_at=now)
    db.session.add(other)
    db.session.flush()
    lesson_versions.add_lesson_version(lesson, "child", **TEXT, source="files", author=None, now=now)
    latest = lesson_versions.add_lesson_version(lesson, "child", **dict(TEXT, minutes=7), source="files", author=None,
                                         now=now)
    found = lesson_versions.current_versions_by_lesson([lesson.id, other.id])
    assert found == {lesson.id: {"child": latest}, other.id: {}}


def test_import_creates_courses_lessons_versions_and_images(db, tmp_path, now):
    make_course(tmp_path, "granville", lessons=("les-marees", "chausey"))
    report = pack_import.import_pack(read_pack(tmp_path), now)
    assert (report.courses_added, report.lessons_added, report.versions_added, report.images_added) == (1, 2, 6, 3)
    course = db.session.scalar(select(Course))
    assert (course.title, course.position, course.published, course.cover_alt) == (
        "Granville Terre et Mer", 1, True, "La Haute-Ville sur son rocher.")
    assert course.cover_asset_id is not None
    assert [lesson.slug for lesson in course.lessons] == ["les-marees", "chausey"]
    version = lesson_versions.current_versions(course.lessons[0])["child"]
    asset = db.session.scalar(select(MediaAsset).where(MediaAsset.filename == "maree.png").limit(1))
    url = media_url(f"media:{asset.sha256}.{asset.extension}")
    assert f'<img src="{url}" alt="Dessin de la plage à marée basse"' in version.body_html
    assert "<figcaption>La plage à marée basse</figcaption>" in version.body_html


def test_import_twice_changes_nothing(db, tmp_path, now):
    make_course(tmp_path, "granville")
    pack_import.import_pack(read_pack(tmp_path), now)
    db.session.commit()
    report = pack_import.import_pack(read_pack(tmp_path), now + timedelta(days=1))
    assert not report.changed
    assert (report.courses_unchanged, report.lessons_unchanged, report.texts_unchanged) == (1, 2, 6)
    assert count(db, LessonVersion) == 6 and count(db, MediaAsset) == 3
    assert db.session.scalar(select(Course.updated_at)) == now


def test_reimport_updates_metadata_and_order_and_reports_absent_lessons(db, tmp_path, now):
    course = make_course(tmp_path, "granville", lessons=("les-marees", "chausey", "phare"))
    pack_import.import_pack(read_pack(tmp_path), now)
    (course / "course.yml").write_text((course / "course.yml").read_text().replace("order: 1", "order: 4"))
    (course / "02-chausey").rename(course / "05-chausey")
    for path in (course / "03-phare").iterdir():
        path.unlink()
    (course / "03-phare").rmdir()
    later = now + timedelta(days=1)
    report = pack_import.import_pack(read_pack(tmp_path), later)
    assert (report.courses_updated, report.lessons_updated, report.lessons_unchanged, report.versions_added) == (
        1, 1, 1, 0)
    assert report.lessons_absent == ["granville/phare"]
    db.session.commit()
    db.session.expire_all()
    db_course = db.session.scalar(select(Course))
    assert db_course.position == 4 and db_course.updated_at == later
    assert [(lesson.slug, lesson.position) for lesson in db_course.lessons] == [
        ("les-marees", 1), ("phare", 3), ("chausey", 5)]
    assert "Leçons absentes des fichiers, conservées : granville/phare." in report.lines()


def test_a_browser_edit_stays_current_until_the_file_itself_changes(db, tmp_path, now, make_user):
    course = make_course(tmp_path, "granville", lessons=("les-marees",))
    pack_import.import_pack(read_pack(tmp_path), now)
    lesson = db.session.scalar(select(Lesson))
    edited = lesson_versions.add_lesson_version(lesson, "child", **TEXT, source="editor", author=make_user("staff"),
                                         now=now)
    assert pack_import.import_pack(read_pack(tmp_path), now).versions_added == 0
    assert lesson_versions.current_versions(lesson)["child"] == edited
    (course / "01-les-marees" / "child.md").write_text(lesson_text(title="Nouveau titre"), encoding="utf-8")
    assert pack_import.import_pack(read_pack(tmp_path), now).versions_added == 1
    current = lesson_versions.current_versions(lesson)["child"]
    assert (current.number, current.title, current.source) == (3, "Nouveau titre", "files")


def test_a_pack_with_problems_is_never_imported(db, tmp_path, now):
    course = make_course(tmp_path, "granville")
    (course / "01-les-marees" / "baby.md").write_text("x", encoding="utf-8")
    with pytest.raises(ValueError):
        pack_import.import_pack(read_pack(tmp_path), now)
    assert count(db, Course) == 0
