"""Reading and checking a courses pack: no database, no app; every problem with file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnapp.core.markdown import parse_media_ref
from learnapp.courses.loader import count_files, read_pack
from tests.courses.pack_builder import course_yml, lesson_text, make_course, png


def problems_of(path: Path) -> list[tuple[str, int | None, str]]:
    """(path relative to ``path``, line, code) of every problem found."""
    pack = read_pack(path)
    return [(problem.file.relative_to(path).as_posix(), problem.line, problem.code) for problem in pack.problems]


def test_a_valid_pack_is_read_into_courses_lessons_and_texts(tmp_path):
    make_course(tmp_path, "granville", lessons=("les-marees", "chausey"))
    pack = read_pack(tmp_path)
    assert pack.ok and pack.files == 7
    [course] = pack.courses
    assert (course.slug, course.title, course.position, course.audiences, course.published) == (
        "granville", "Granville Terre et Mer", 1, ["child", "teen", "adult"], True)
    assert course.cover is not None and course.cover_alt == "La Haute-Ville sur son rocher."
    assert [(lesson.position, lesson.slug) for lesson in course.lessons] == [(1, "les-marees"), (2, "chausey")]
    text = course.lessons[0].texts["child"]
    assert (text.title, text.minutes, text.objectives, text.key_facts) == (
        "les-marees pour child", 5, ["Expliquer la marée."], ["La mer monte deux fois par jour."])
    # The file names its image; what is stored names the checked image by its content hash.
    [image] = text.images
    assert image.filename == "maree.png" and parse_media_ref(image.media_ref) == (image.sha256, "png")
    assert f"]({image.media_ref} " in text.body_markdown and "maree.png" not in text.body_markdown


def test_path_may_be_one_course_a_folder_of_courses_or_a_content_folder(tmp_path):
    make_course(tmp_path / "courses", "granville")
    make_course(tmp_path / "courses", "villedieu", order=2)
    for path, slugs in ((tmp_path, ["granville", "villedieu"]), (tmp_path / "courses", ["granville", "villedieu"]),
                        (tmp_path / "courses" / "villedieu", ["villedieu"])):
        pack = read_pack(path)
        assert pack.ok and [course.slug for course in pack.courses] == slugs
    assert count_files(tmp_path) == 14


def test_missing_path_and_file_instead_of_folder(tmp_path):
    assert [p.code for p in read_pack(tmp_path / "nope").problems] == ["path_not_found"]
    (tmp_path / "file.txt").write_text("x")
    assert [p.code for p in read_pack(tmp_path / "file.txt").problems] == ["not_a_folder"]


def test_broken_front_matter_is_reported_at_its_line(tmp_path):
    course = make_course(tmp_path, "granville")
    (course / "01-les-marees" / "child.md").write_text(
        "---\ntitle: La marée\nminutes: 5\nkey_facts:\n  - Urgence : 112 ; mer : 196\n---\nTexte.\n",
        encoding="utf-8")
    (course / "01-les-marees" / "teen.md").write_text(
        "---\ntitle: La marée\nminutes: [5\n---\nTexte.\n", encoding="utf-8")
    (course / "01-les-marees" / "adult.md").write_text(
        "---\ntitle: La marée\nobjectives:\n  - Urgence : 112\nminutes: 5\n---\nTexte.\n", encoding="utf-8")
    found = problems_of(tmp_path)
    assert ("granville/01-les-marees/child.md", 5, "yaml_colon") in found
    assert ("granville/01-les-marees/teen.md", 3, "yaml_unclosed") in found
    # Valid YAML, but "Urgence : 112" became a mapping: pointed at the item's own line.
    assert ("granville/01-les-marees/adult.md", 4, "sentence_with_colon") in found


def test_missing_and_unclosed_front_matter(tmp_path):
    course = make_course(tmp_path, "granville")
    (course / "01-les-marees" / "child.md").write_text("Texte sans en-tête.\n", encoding="utf-8")
    (course / "01-les-marees" / "teen.md").write_text("---\ntitle: x\nminutes: 5\nTexte.\n", encoding="utf-8")
    assert problems_of(tmp_path) == [("granville/01-les-marees/child.md", 1, "missing_front_matter"),
                                     ("granville/01-les-marees/teen.md", 1, "front_matter_not_closed")]


def test_missing_and_invalid_fields_point_at_their_key(tmp_path):
    course = make_course(tmp_path, "granville")
    lesson = course / "01-les-marees"
    (lesson / "child.md").write_text("---\nminutes: 0\ntitel: La marée\n---\nTexte.\n", encoding="utf-8")
    (lesson / "teen.md").write_text(lesson_text(minutes="cinq"), encoding="utf-8")
    (lesson / "adult.md").write_text("---\ntitle: 1944\nminutes: 5\nminutes: 6\n---\nTexte.\n", encoding="utf-8")
    (course / "course.yml").write_text("summary: 12\norder: -1\naudiences: [child, baby]\npublished: peut-être\n"
                                       "cover:\n  image: cover.png\n", encoding="utf-8")
    found = problems_of(tmp_path)
    assert found == [
        ("granville/course.yml", 1, "missing_field"),  # title
        ("granville/course.yml", 1, "not_text"),  # summary
        ("granville/course.yml", 2, "out_of_range"),  # order
        ("granville/course.yml", 3, "bad_audiences"),
        ("granville/course.yml", 4, "not_yes_no"),
        ("granville/course.yml", 5, "bad_cover"),  # no alt
        ("granville/01-les-marees/adult.md", 4, "duplicate_field"),
        ("granville/01-les-marees/adult.md", 2, "not_text"),  # 1944 reads as a number in YAML
        ("granville/01-les-marees/child.md", 3, "unknown_field"),
        ("granville/01-les-marees/child.md", 1, "missing_field"),  # title
        ("granville/01-les-marees/child.md", 2, "out_of_range"),
        ("granville/01-les-marees/teen.md", 3, "not_whole_number"),
    ]
    messages = {problem.message for problem in read_pack(tmp_path).problems}
    assert "Champ obligatoire « title » manquant." in messages
    assert "« minutes » doit être compris entre 1 et 120." in messages


def test_missing_course_file(tmp_path):
    course = make_course(tmp_path, "granville")
    (course / "course.yml").unlink()
    assert problems_of(tmp_path) == [("granville/course.yml", None, "missing_course_file")]
    # Pointed at the course folder itself, it is still recognised as a course.
    assert problems_of(course) == [("course.yml", None, "missing_course_file")]


def test_unknown_age_group_and_audience_not_in_course(tmp_path):
    course = make_course(tmp_path, "granville", audiences=("teen", "adult"))
    (course / "01-les-marees" / "baby.md").write_text(lesson_text(), encoding="utf-8")
    (course / "02-chausey" / "child.md").write_text(lesson_text(), encoding="utf-8")
    (course / "02-chausey" / "maree.png").write_bytes(png())
    assert problems_of(tmp_path) == [("granville/01-les-marees/baby.md", None, "unknown_age_group"),
                                     ("granville/02-chausey/child.md", None, "audience_not_in_course")]


def test_duplicate_slugs_and_numbers_and_bad_folder_names(tmp_path):
    course = make_course(tmp_path, "granville", lessons=("les-marees", "chausey", "les-marees"))
    (course / "02-chausey").rename(course / "01-chausey")
    (course / "03-les-marees").rename(course / "04-les-marees")
    (course / "06 notes").mkdir()
    other = make_course(tmp_path, "x", lessons=("phare",))
    other.rename(tmp_path / "Mauvais Nom")
    assert problems_of(tmp_path) == [
        ("Mauvais Nom", None, "bad_course_folder"),
        ("granville/01-les-marees", None, "duplicate_lesson_number"),  # 01-chausey comes first
        ("granville/04-les-marees", None, "duplicate_lesson_slug"),
        ("granville/06 notes", None, "bad_lesson_folder"),
    ]
    assert "(aussi dans 01-les-marees)" in read_pack(tmp_path).problems[2].message


def test_lesson_without_text_and_course_without_lessons(tmp_path):
    course = make_course(tmp_path, "granville", lessons=("les-marees",))
    (course / "02-vide").mkdir()
    empty = tmp_path / "vide"
    empty.mkdir()
    (empty / "course.yml").write_text(course_yml(cover=None), encoding="utf-8")
    assert problems_of(tmp_path) == [("granville/02-vide", None, "lesson_without_text"),
                                     ("vide/course.yml", None, "course_without_lessons")]


def test_images_must_be_real_images_beside_the_text(tmp_path):
    course = make_course(tmp_path, "granville")
    lesson = course / "01-les-marees"
    (lesson / "maree.png").write_text("<svg onload=alert(1)></svg>")  # not an image
    (lesson / "teen.md").write_text(lesson_text(image="absente.png"), encoding="utf-8")
    (lesson / "adult.md").write_text(lesson_text(image="../cover.png"), encoding="utf-8")
    (course / "cover.png").write_bytes(b"GIF89a not really")
    found = problems_of(tmp_path)
    assert found == [
        ("granville/course.yml", 5, "image_not_image"),  # the cover, at its `cover:` key
        ("granville/01-les-marees/adult.md", 11, "image_bad_name"),
        ("granville/01-les-marees/child.md", 11, "image_not_image"),
        ("granville/01-les-marees/teen.md", 11, "image_missing"),
    ]


def test_image_without_alt_text_is_a_load_error_at_its_line(tmp_path):
    course = make_course(tmp_path, "granville")
    body = "Premier paragraphe.\n\n![](maree.png)\n"
    (course / "01-les-marees" / "child.md").write_text(lesson_text(body=body), encoding="utf-8")
    # front matter: 8 lines (---, title, minutes, objectives + 1, key_facts + 1, ---) → body from line 9
    assert problems_of(tmp_path) == [("granville/01-les-marees/child.md", 11, "image_without_alt")]


def test_an_image_without_alt_text_is_named_by_its_file_in_the_message(tmp_path):
    course = make_course(tmp_path, "granville")
    (course / "01-les-marees" / "child.md").write_text(lesson_text(body="Voici.\n\n![](maree.png)\n"),
                                                       encoding="utf-8")
    [problem] = read_pack(tmp_path).problems
    assert "« maree.png »" in problem.message and "media:" not in problem.message


def test_hostile_markdown_is_refused_with_its_line_not_silently_dropped(tmp_path):
    course = make_course(tmp_path, "granville")
    body = ("Bonjour.\n\n<script>alert(1)</script>\n\nUn [lien](javascript:alert(1)) et "
            "<img src=x onerror=alert(1)>.\n\n::: savais-tu\nJamais fermé.\n")
    (course / "01-les-marees" / "child.md").write_text(lesson_text(body=body), encoding="utf-8")
    pack = read_pack(tmp_path)
    assert [(p.line, p.code) for p in pack.problems] == [
        (11, "raw_html"), (13, "raw_html"), (13, "link_not_allowed"), (15, "callout_not_closed")]
    assert str(pack.problems[0]).endswith(
        "granville/01-les-marees/child.md:11: HTML brut interdit (« <script>alert(1)</script> ») : "
        "écrivez en Markdown.")


def test_empty_body_and_non_utf8_text(tmp_path):
    course = make_course(tmp_path, "granville")
    (course / "01-les-marees" / "child.md").write_text("---\ntitle: x\nminutes: 5\n---\n\n", encoding="utf-8")
    (course / "01-les-marees" / "teen.md").write_bytes("---\ntitle: Marée\n".encode("latin-1"))
    assert problems_of(tmp_path) == [("granville/01-les-marees/child.md", 5, "empty_body"),
                                     ("granville/01-les-marees/teen.md", 2, "not_utf8")]


def test_every_problem_of_a_pack_is_listed_at_once(tmp_path):
    course = make_course(tmp_path, "granville")
    (course / "01-les-marees" / "baby.md").write_text("x", encoding="utf-8")
    (course / "02-chausey" / "maree.png").unlink()
    (course / "02-chausey" / "adult.md").write_text(lesson_text(minutes=500), encoding="utf-8")
    found = problems_of(tmp_path)
    assert ("granville/01-les-marees/baby.md", None, "unknown_age_group") in found
    assert ("granville/02-chausey/adult.md", 3, "out_of_range") in found
    assert sum(code == "image_missing" for _path, _line, code in found) == 3  # child, teen and adult


@pytest.mark.parametrize("field", ["objectives", "key_facts"])
def test_lists_must_be_short_sentences(tmp_path, field):
    course = make_course(tmp_path, "granville")
    text = f"---\ntitle: x\nminutes: 5\n{field}:\n  - Une phrase.\n  - {{a: 1, b: 2}}\n---\nTexte.\n"
    (course / "01-les-marees" / "child.md").write_text(text, encoding="utf-8")
    assert problems_of(tmp_path) == [("granville/01-les-marees/child.md", 6, "sentence_with_colon")]


def test_reading_calls_back_once_per_file(tmp_path):
    make_course(tmp_path, "granville")
    seen: list[Path] = []
    pack = read_pack(tmp_path, on_file=seen.append)
    assert len(seen) == pack.files == count_files(tmp_path) == 7
