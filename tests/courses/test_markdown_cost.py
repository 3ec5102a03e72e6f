"""Hostile Markdown stays cheap (issue 8.7): a lesson body is capped at ``loader.BODY_MAX``
characters, checked before anything parses it, and the renderer's work grows linearly with the
text, for the costliest inputs we found and for those hypothesis finds.

Work is counted, not timed: the number of function calls (Python and built-in) that rendering
makes, which is the same on a busy machine as on an idle one. Linear work gives a ratio of about 4
between a text and the same pattern four times longer; quadratic work about 16. One timed test
bounds the costliest text at the cap, loosely, for work done inside built-ins (a str.find over the
rest of the text from every position would not show in the counts)."""

from __future__ import annotations

import sys
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnapp.core.markdown import render
from learnapp.courses.loader import BODY_MAX

GROWTH_LIMIT = 5.0  # for 4× the text: linear work gives about 4 (4.4 seen on short texts), quadratic 16
SIZE = 500


def work(text: str, renderer=render) -> int:
    """How many function calls rendering ``text`` makes."""
    calls = 0

    def count(frame, event, arg):
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    previous = sys.getprofile()
    sys.setprofile(count)
    try:
        renderer(text)
    finally:
        sys.setprofile(previous)
    return calls


def growth(pattern, size: int = SIZE, renderer=render) -> float:
    """How much more work 4× the text takes."""
    return work(pattern(4 * size), renderer) / work(pattern(size), renderer)


def repeat(motif: str):
    return lambda size: (motif * (size // len(motif) + 1))[:size]


# The costliest found by profiling and by hand: link labels and images, glossary brackets,
# emphasis runs, each also with a « < » (which makes the raw-HTML check parse the text again).
WORST = {
    "brackets": repeat("["),
    "image openers": repeat("!["),
    "brackets on lines": repeat("[\n"),
    "nested image links": repeat("[!["),
    "glossary openers": repeat("[["),
    "reference-like": repeat("[a]["),
    "opened then closed": lambda size: "[" * (size // 2) + "]" * (size - size // 2),
    "emphasis *a **a": repeat("*a **a "),
    "emphasis a_": repeat("a_"),
    "mixed emphasis": repeat("*a _a **a __a "),
    "brackets with html": lambda size: "<" + repeat("[")(size - 1),
    "images with html": lambda size: "<b>" + repeat("![")(size - 3),
    "callouts never closed": repeat("::: savais-tu\n"),
    "nested quotes and lists": repeat("> - > 1. "),
}


@pytest.mark.parametrize("name", list(WORST))
def test_the_costliest_texts_found_cost_linear_work(name):
    ratio = growth(WORST[name])
    assert ratio < GROWTH_LIMIT, f"{name}: ×{ratio:.2f} for 4× the text"


ALPHABET = ["[", "]", "(", ")", "!", "*", "_", "`", "<", ">", "\\", "|", ":", "a", " ", "\n", "#",
            "-", "&", "~", "\"", "[[", "]]", "](", "![", "**", ":::", "> ", "- ", "1. ", "    "]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(ALPHABET), min_size=1, max_size=8).map("".join))
def test_any_repeated_pattern_costs_linear_work(motif):
    assert growth(repeat(motif), size=600) < GROWTH_LIMIT, repr(motif)


def test_the_count_catches_quadratic_work():
    def quadratic(text):  # what a rule looking back over the whole text at every character does
        return [abs(j) for i in range(len(text)) for j in range(i)]

    assert growth(WORST["brackets"], size=100, renderer=quadratic) > 12


def test_the_costliest_text_at_the_cap_stays_near_a_second_of_cpu():
    """Loose, for busy machines (about 1 s measured on this 2-core machine): the cap, checked
    before parsing, is what keeps the worst case cheap in absolute terms."""
    worst = 0.0
    for name in ("images with html", "brackets with html", "opened then closed"):
        started = time.process_time()
        render(WORST[name](BODY_MAX))
        worst = max(worst, time.process_time() - started)
    assert worst < 5.0


# The cap: a lesson body of more than BODY_MAX characters is refused everywhere, unparsed -----

def hostile_body(size: int) -> str:
    return "Un texte honnête.\n\n" + "[" * (size - 19)


def test_the_course_loader_refuses_a_body_over_the_cap(tmp_path, monkeypatch):
    from learnapp.core import markdown
    from learnapp.courses.loader import read_pack
    from tests.courses.pack_builder import lesson_text, make_course

    course = make_course(tmp_path, "granville")
    text = course / "01-les-marees" / "child.md"
    text.write_text(lesson_text(body=hostile_body(BODY_MAX), image=None), encoding="utf-8")
    assert read_pack(tmp_path).problems == []  # at the cap: accepted
    text.write_text(lesson_text(body=hostile_body(BODY_MAX + 1), image=None), encoding="utf-8")
    original = markdown.render

    def render_small_texts_only(markdown_text):
        assert len(markdown_text) <= BODY_MAX, "an oversized body was parsed"
        return original(markdown_text)

    monkeypatch.setattr(markdown, "render", render_small_texts_only)  # refused before rendering
    problems = read_pack(tmp_path).problems
    assert [(problem.code, problem.params.get("field")) for problem in problems] == [("too_long", "body")]
    assert str(problems[0]).endswith(f"« body » est trop long : {BODY_MAX} caractères au plus.")


def test_the_lesson_service_refuses_a_body_over_the_cap(app, db, now):
    from learnapp.courses.lesson_versions import InvalidLessonText, add_lesson_version
    from learnapp.courses.models import Course, Lesson

    course = Course(slug="granville", title="Granville", summary="", position=1, audiences=["adult"],
                    published=True, created_at=now, updated_at=now)
    lesson = Lesson(course=course, slug="les-marees", position=1, created_at=now)
    db.session.add_all([course, lesson])
    db.session.flush()
    with pytest.raises(InvalidLessonText, match="trop long"):
        add_lesson_version(lesson, "adult", title="Les marées", minutes=5, objectives=[], key_facts=[],
                           body_markdown=hostile_body(BODY_MAX + 1), source="files", author=None, now=now)
    assert lesson.versions == []


@pytest.mark.parametrize(("language", "message"), [
    ("fr", f"Le texte de la leçon est trop long : {BODY_MAX} caractères au plus (il en a {BODY_MAX + 1})."),
    ("en", f"The lesson text is too long: at most {BODY_MAX} characters (it has {BODY_MAX + 1})."),
])
def test_the_lesson_editor_and_its_preview_refuse_a_body_over_the_cap(client, db, now, make_user, login,
                                                                      language, message):
    from tests.courses.test_authoring import TEXT, editor_url, versions
    from tests.courses.test_authoring import course as course_fixture

    course = course_fixture.__wrapped__(db, now)
    login(make_user("staff"))
    headers = {"Accept-Language": language}
    body = hostile_body(BODY_MAX + 1)
    for url, action in ((f"{editor_url(course)}/preview", "preview"), (editor_url(course), "save")):
        response = client.post(url, data={**TEXT, "body": body, "action": action}, headers=headers)
        assert response.status_code == 400, url
        page = response.get_data(as_text=True).replace("&#39;", "'")
        assert message in page, url
        if action == "preview":  # said once, not by both the form and the checks
            assert page.count(message) == 1
    assert len(versions(db, course.lessons[0])) == 1
    fine = client.post(f"{editor_url(course)}/preview", data={**TEXT, "body": "Un **texte**."})
    assert fine.status_code == 200
