"""Export a course back to files: load → export → load into an empty database gives the same course."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from learnapp.courses import lesson_versions
from learnapp.courses.export import course_zip, export_course
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.media.models import MediaAsset
from tests.conftest import _empty_tables


def png(color) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), color).save(buffer, format="PNG")
    return buffer.getvalue()


def write_pack(root: Path) -> Path:
    course = root / "granville-terre-et-mer"
    (course / "01-les-marees").mkdir(parents=True)
    (course / "02-chausey").mkdir()
    (course / "course.yml").write_text(
        "title: Granville Terre et Mer\n"
        "summary: >\n  Les marées, les îles Chausey.\n"
        "cover:\n  image: cover.png\n  alt: La Haute-Ville sur son rocher.\n"
        "order: 3\naudiences: [child, teen, adult]\npublished: true\n"
        "credits:\n  - \"Illustrations : projet learnapp, CC0\"\n", encoding="utf-8")
    (course / "cover.png").write_bytes(png((200, 180, 120)))
    (course / "01-les-marees" / "maree.png").write_bytes(png((11, 92, 122)))
    (course / "01-les-marees" / "child.md").write_text(
        "---\ntitle: La mer qui monte\nminutes: 4\nobjectives:\n  - Dire ce qu'est une marée\n---\n"
        "La mer monte et descend.\n\n![La mer à marée haute](maree.png \"La marée haute\")\n\n"
        "::: savais-tu\nLa mer monte deux fois par jour.\n:::\n", encoding="utf-8")
    (course / "01-les-marees" / "adult.md").write_text(
        "---\ntitle: Les marées de la baie\nminutes: 8\nkey_facts:\n  - \"14 mètres : l'un des plus grands "
        "marnages d'Europe.\"\n---\nLe [[marnage|l'écart entre haute et basse mer]] atteint 14 m.\n\n"
        "![La mer à marée haute](maree.png)\n", encoding="utf-8")
    (course / "02-chausey" / "adult.md").write_text(
        "---\ntitle: Les îles Chausey\nminutes: 6\n---\nUn archipel à 17 km de Granville.\n", encoding="utf-8")
    return root


def snapshot(db) -> dict:
    """Everything a learner or an editor sees of the courses, with images by content."""
    assets = {asset.id: asset for asset in db.session.scalars(select(MediaAsset))}
    courses = {}
    for course in db.session.scalars(select(Course)):
        lessons = {}
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
            lessons[lesson.slug] = {
                "position": lesson.position,
                "texts": {audience: (v.title, v.minutes, v.objectives, v.key_facts, v.body_markdown, v.body_html)
                          for audience, v in lesson_versions.current_versions(lesson).items()},
            }
        cover = assets.get(course.cover_asset_id)
        courses[course.slug] = {
            "title": course.title, "summary": course.summary, "position": course.position,
            "audiences": course.audiences, "published": course.published, "cover_alt": course.cover_alt,
            "cover": cover.data if cover else None, "lessons": lessons, "credits": course.credits,
        }
    images = sorted((asset.sha256, asset.data) for asset in assets.values())
    return {"courses": courses, "images": images}


def load(runner, path: Path) -> None:
    result = runner.invoke(args=["content", "load", str(path)])
    assert result.exit_code == 0, result.output


def empty_database(db) -> None:
    db.session.remove()
    _empty_tables()


def test_load_export_load_gives_the_same_course(runner, db, tmp_path):
    load(runner, write_pack(tmp_path / "pack"))
    before = snapshot(db)
    assert len(before["images"]) == 2 and before["courses"]["granville-terre-et-mer"]["cover"]
    assert before["courses"]["granville-terre-et-mer"]["credits"] == ["Illustrations : projet learnapp, CC0"]

    result = runner.invoke(args=["content", "export", "granville-terre-et-mer", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "out" / "granville-terre-et-mer"
    child = (folder / "01-les-marees" / "child.md").read_text(encoding="utf-8")
    # media references are back to file names, the images beside the texts.
    assert "](maree.png \"La marée haute\")" in child and "media:" not in child
    assert (folder / "01-les-marees" / "maree.png").is_file() and (folder / "cover.png").is_file()
    assert not (folder / "02-chausey" / "maree.png").exists()

    empty_database(db)
    assert snapshot(db)["courses"] == {}
    load(runner, tmp_path / "out")
    assert snapshot(db) == before
    # Loading the export again changes nothing (no new version).
    count = len(list(db.session.scalars(select(LessonVersion))))
    load(runner, tmp_path / "out")
    assert len(list(db.session.scalars(select(LessonVersion)))) == count


def test_texts_written_in_the_browser_round_trip_too(runner, db, tmp_path, client, make_user, login):
    load(runner, write_pack(tmp_path / "pack"))
    login(make_user("staff"))
    course = db.session.scalar(select(Course))
    lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "chausey"))
    maree = db.session.scalar(select(MediaAsset).where(MediaAsset.filename == "maree.png"))
    body = (f"Un archipel **à marée basse**.\r\n\r\n![Les îles vues du ciel](media:{maree.sha256}.png)\r\n"
            "- Une liste\r\n- de deux lignes")
    response = client.post(f"/office/courses/{course.id}/lessons/{lesson.id}/teen", data={
        "title": "Chausey, l'archipel", "minutes": "7", "objectives": "Situer Chausey", "key_facts": "",
        "body": body, "action": "save"})
    assert response.status_code == 302
    before = snapshot(db)
    assert before["courses"]["granville-terre-et-mer"]["lessons"]["chausey"]["texts"]["teen"][0] == \
        "Chausey, l'archipel"

    archive = client.get(f"/office/courses/{course.id}/export.zip")
    assert archive.status_code == 200 and archive.mimetype == "application/zip"
    assert "granville-terre-et-mer.zip" in archive.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(archive.data)) as opened:
        names = set(opened.namelist())
        assert {"granville-terre-et-mer/course.yml", "granville-terre-et-mer/02-chausey/teen.md",
                "granville-terre-et-mer/02-chausey/maree.png"} <= names
        opened.extractall(tmp_path / "unzipped")

    empty_database(db)
    load(runner, tmp_path / "unzipped")
    assert snapshot(db) == before


def test_image_names_stay_valid_and_unique(db, now):
    course = Course(slug="c", title="C", position=1, audiences=["adult"], published=False, created_at=now)
    lesson = Lesson(course=course, slug="l", position=1, created_at=now)
    db.session.add_all([course, lesson])
    shas = []
    for index, name in enumerate(["Photo de la baie (2).PNG", "Photo de la baie (2).png", "", "adult.md"]):
        asset = MediaAsset(sha256=f"{index:064x}", filename=name, mime_type="image/png", width=1, height=1,
                           data=png((index, 0, 0)), created_at=now)
        db.session.add(asset)
        shas.append(asset.sha256)
    db.session.flush()
    body = "\n\n".join(f"![Image {i}](media:{sha}.png)" for i, sha in enumerate(shas)) + "\n"
    lesson_versions.add_lesson_version(lesson, "adult", title="T", minutes=3, objectives=[], key_facts=[],
                                body_markdown=body, source="editor", author=None, now=now)
    files = export_course(course).files
    images = sorted(path.rsplit("/", 1)[1] for path in files if path.endswith(".png"))
    assert images == ["Photo-de-la-baie-2-2.png", "Photo-de-la-baie-2.png", "adult.png", "image.png"]
    text = files["c/01-l/adult.md"].decode()
    for name in images:
        assert f"]({name})" in text


def test_the_zip_is_the_same_for_the_same_course(db, runner, tmp_path):
    load(runner, write_pack(tmp_path / "pack"))
    course = db.session.scalar(select(Course))
    assert course_zip(course).getvalue() == course_zip(course).getvalue()


def test_export_command_refuses_what_it_cannot_do(runner, db, tmp_path):
    result = runner.invoke(args=["content", "export", "inconnu", str(tmp_path)])
    assert result.exit_code != 0 and "Aucun cours « inconnu »" in result.output
    load(runner, write_pack(tmp_path / "pack"))
    # Exporting over the source folder, or over any non-empty folder, needs --overwrite.
    result = runner.invoke(args=["content", "export", "granville-terre-et-mer", str(tmp_path / "pack")])
    assert result.exit_code != 0 and "--overwrite" in result.output
    stranger = tmp_path / "other" / "granville-terre-et-mer"
    stranger.mkdir(parents=True)
    (stranger / "notes.txt").write_text("à garder")
    result = runner.invoke(args=["content", "export", "granville-terre-et-mer", str(tmp_path / "other"),
                                 "--overwrite"])
    assert result.exit_code != 0 and (stranger / "notes.txt").exists()
    result = runner.invoke(args=["content", "export", "granville-terre-et-mer", str(tmp_path / "pack"),
                                 "--overwrite"])
    assert result.exit_code == 0, result.output
    assert "2 leçon(s)" in result.output


@pytest.mark.parametrize("role", ["learner", "teacher"])
def test_only_staff_download_the_zip(client, make_user, login, db, now, role):
    course = Course(slug="c", title="C", position=1, audiences=["adult"], published=True, created_at=now)
    db.session.add(course)
    db.session.commit()
    login(make_user(role))
    assert client.get(f"/office/courses/{course.id}/export.zip").status_code == 403


def test_the_course_page_shows_the_credits_from_course_yml(runner, db, client, tmp_path):
    load(runner, write_pack(tmp_path / "pack"))
    page = client.get("/courses/granville-terre-et-mer").get_data(as_text=True)
    assert "Crédits" in page and "Illustrations : projet learnapp, CC0" in page
