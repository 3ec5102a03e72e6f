"""The course and quiz loaders read files the same way: one code per image fault, the same YAML
problems in the writer's words."""

from pathlib import Path

import pytest

from learnapp.core import content_files
from learnapp.courses import loader as course_loader
from learnapp.media import images
from learnapp.quizzes import loader as quiz_loader
from learnapp.quizzes import types
from tests.courses.pack_builder import make_course, png


def course_codes(root: Path) -> set[str]:
    return {problem.code for problem in course_loader.read_pack(root).problems}


def quiz_image_code(folder: Path, src: str) -> str:
    with pytest.raises(types.ImageUnavailable) as refused:
        quiz_loader.ImageFolder(folder).file(src)
    return refused.value.code


@pytest.mark.parametrize("limit, code", [("MAX_PIXELS", "image_too_many_pixels"), ("MAX_BYTES", "image_too_large")])
def test_a_too_large_image_gets_one_code_in_both_loaders(tmp_path, monkeypatch, limit, code):
    make_course(tmp_path / "courses", lessons=("les-marees",))
    (tmp_path / "quizzes" / "images").mkdir(parents=True)
    (tmp_path / "quizzes" / "images" / "big.png").write_bytes(png())
    monkeypatch.setattr(images, limit, 10)
    assert code in course_codes(tmp_path / "courses")
    assert quiz_image_code(tmp_path / "quizzes", "images/big.png") == code
    assert content_files.check_image(tmp_path / "quizzes" / "images" / "big.png") == code


def test_a_missing_or_broken_image_gets_the_same_code_in_both_loaders(tmp_path):
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "broken.png").write_bytes(b"not an image")
    assert quiz_image_code(tmp_path, "images/absent.png") == "image_missing"
    assert quiz_image_code(tmp_path, "images/broken.png") == "image_not_image"
    assert content_files.check_image(tmp_path / "images" / "absent.png") == "image_missing"


def test_yaml_mistakes_are_worded_for_the_writer_in_both_loaders(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text("- id: a\n  prompt: Urgence : 112\n", encoding="utf-8")
    problems: list = []
    assert quiz_loader.read_yaml(broken, problems) is None
    assert [(p.code, p.line) for p in problems] == [("yaml_colon", 2)]
    assert "guillemets" in problems[0].message and "mapping values" not in problems[0].message


def test_text_files_are_read_alike(tmp_path):
    latin = tmp_path / "latin.md"
    latin.write_bytes("ligne\nété".encode("latin-1"))
    problem = content_files.read_text(latin)
    assert (problem.code, problem.line) == ("not_utf8", 2)
    windows = tmp_path / "windows.md"
    windows.write_bytes("\ufeffun\r\ndeux\r".encode())
    assert content_files.read_text(windows) == "un\ndeux\n"
