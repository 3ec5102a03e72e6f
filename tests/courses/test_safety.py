"""Shared safety rules: written once, included by every age version, never changed by one of them."""

from pathlib import Path

from learnapp.core.markdown import for_display, render
from learnapp.courses import safety
from learnapp.courses.loader import read_pack
from tests.courses.pack_builder import AUDIENCES, lesson_text, make_course

REPOSITORY_COURSE = Path(__file__).resolve().parents[2] / "courses" / "granville-terre-et-mer"
RULE = "On ne traverse jamais la baie à pied sans un **guide agréé**."


def _course_with_rule(tmp_path: Path) -> Path:
    course = make_course(tmp_path, lessons=("les-marees",))
    (course / safety.FOLDER).mkdir()
    (course / safety.FOLDER / "traversee-baie.md").write_text(RULE + "\n", encoding="utf-8")
    return course


def _write(course: Path, audience: str, body: str) -> Path:
    path = course / "01-les-marees" / f"{audience}.md"
    path.write_text(lesson_text(body=body, image=None), encoding="utf-8")
    return path


def test_every_age_gets_the_same_rule_in_a_safety_box(tmp_path):
    course = _course_with_rule(tmp_path)
    for audience in AUDIENCES:
        _write(course, audience, f"Texte pour {audience}.\n\n{{{{consigne traversee-baie}}}}\n")
    pack = read_pack(tmp_path)
    assert pack.problems == []
    for text in pack.courses[0].lessons[0].texts.values():
        assert safety.included_rules(text.body_markdown) == {"traversee-baie"}
        html = render(text.body_markdown).html
        assert '<aside class="callout callout-consigne" role="note">' in html
        # The box's title is added when shown, in the reader's language.
        assert '<h2 class="callout-title" lang="fr">Consigne de sécurité</h2>' in for_display(html, "fr")
        assert '<h2 class="callout-title" lang="en">Safety rule</h2>' in for_display(html, "en")
        assert "<strong>guide agréé</strong>" in html


def test_a_version_that_leaves_out_a_rule_is_refused(tmp_path):
    course = _course_with_rule(tmp_path)
    _write(course, "adult", "Adultes.\n\n{{consigne traversee-baie}}\n")
    _write(course, "teen", "Ados.\n\n{{consigne traversee-baie}}\n")
    _write(course, "child", "Allez sur le sable avec quelqu'un qui connaît bien la baie.\n")
    pack = read_pack(tmp_path)
    assert [problem.code for problem in pack.problems] == ["safety_rules_differ"]
    assert "child : —" in pack.problems[0].message and "adult : traversee-baie" in pack.problems[0].message


def test_a_rule_written_by_hand_or_unknown_is_reported_at_its_line(tmp_path):
    course = _course_with_rule(tmp_path)
    _write(course, "adult", "Un.\n\n{{consigne traversee-baie}}\n")
    _write(course, "teen", "Un.\n\n{{consigne traversee-baie}}\n\n::: consigne\nMa version.\n:::\n")
    _write(course, "child", "Un.\n\n{{consigne traversee-baie}}\n\n{{consigne maree}}\n")
    problems = {(problem.file.name, problem.line, problem.code) for problem in read_pack(tmp_path).problems}
    body_line = lesson_text(body="", image=None).count("\n") + 1  # the file line of the body's first line
    assert ("teen.md", body_line + 4, "safety_rule_by_hand") in problems
    assert ("child.md", body_line + 4, "safety_rule_unknown") in problems


def test_lines_after_an_included_rule_are_still_the_file_lines(tmp_path):
    course = _course_with_rule(tmp_path)
    (course / safety.FOLDER / "traversee-baie.md").write_text("Ligne 1.\n\nLigne 3.\n\nLigne 5.\n", encoding="utf-8")
    for audience in AUDIENCES:
        _write(course, audience, "Un.\n\n{{consigne traversee-baie}}\n\n[lien](javascript:alert(1))\n")
    problems = read_pack(tmp_path).problems
    body_line = lesson_text(body="", image=None).count("\n") + 1
    assert {(problem.code, problem.line) for problem in problems} == {("link_not_allowed", body_line + 4)}


def test_the_granville_course_states_each_safety_rule_once_and_every_age_includes_it():
    rules = safety.read_rules(REPOSITORY_COURSE)
    assert {"maree", "traversee-baie", "peche-a-pied", "urgence"} <= set(rules)
    assert "guide agréé" in rules["traversee-baie"]
    pack = read_pack(REPOSITORY_COURSE)
    assert pack.problems == []
    lessons = {lesson.slug: lesson for lesson in pack.courses[0].lessons}
    for slug, expected in {"les-marees": {"maree", "traversee-baie", "peche-a-pied", "urgence"},
                           "les-iles-chausey": {"maree", "peche-a-pied"},
                           "accueillir-un-visiteur": {"maree", "traversee-baie", "urgence"}}.items():
        for audience, text in lessons[slug].texts.items():
            assert safety.included_rules(text.body_markdown) == expected, (slug, audience)
    # Nowhere does a text let a visitor cross the bay with « someone who knows it ».
    for lesson in lessons.values():
        for text in lesson.texts.values():
            assert "quelqu'un qui connaît bien la baie »" not in text.body_markdown.replace(
                rules["traversee-baie"], "")
