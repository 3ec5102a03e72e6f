"""Facts stay right: sourced in FACTS.md, stated by the lessons, and the same for every age."""

from pathlib import Path

import pytest

from learnapp.courses import fact_check
from tests.courses.pack_builder import lesson_text, make_course

REPOSITORY_COURSE = Path(__file__).resolve().parents[2] / "courses" / "granville-terre-et-mer"

FACTS = """# Faits

## les-iles-chausey
- Chausey fait partie de la commune de Granville depuis 1802. [S1]
- L'archipel est à 15 km de Granville. [S1, S2]

## Sources
- [S1] Société d'archéologie d'Avranches, « Patrimoine naturel », https://example.org/chausey
- [S2] Wikipédia, « Îles Chausey »
"""


def _course(tmp_path: Path, bodies: dict[str, str], facts: str = FACTS) -> Path:
    course = make_course(tmp_path, lessons=("les-iles-chausey",))
    for audience, body in bodies.items():
        (course / "01-les-iles-chausey" / f"{audience}.md").write_text(
            lesson_text(body=body, image=None, key_facts=()), encoding="utf-8")
    (course / fact_check.FACTS_FILE).write_text(facts, encoding="utf-8")
    return course


def _messages(findings) -> list[str]:
    return [f"{finding.path.name}:{finding.line}: {finding.message}" for finding in findings]


def test_the_granville_course_passes_every_check():
    """The real course: every fact sourced, every number in FACTS.md, no version contradicts another."""
    assert _messages(fact_check.check_course(REPOSITORY_COURSE)) == []
    sheet = fact_check.read_facts(REPOSITORY_COURSE)
    assert len(sheet.facts) == 7  # one section per lesson
    assert sum(len(facts) for facts in sheet.facts.values()) > 100
    assert all(refs for _, refs in sheet.cited)


def test_a_number_the_facts_do_not_hold_is_listed_with_its_file_and_line(tmp_path):
    same = "Depuis 1802, Chausey fait partie de la commune de Granville, à 15 km.\n"
    course = _course(tmp_path, {"child": same, "teen": same,
                                "adult": same + "\nLe nom apparaît au XIe siècle ; 5 000 hectares à basse mer.\n"})
    messages = _messages(fact_check.unsourced_numbers(fact_check.read_facts(course),
                                                     fact_check.read_lessons(course)))
    body_line = lesson_text(body="", image=None, key_facts=()).count("\n") + 1
    assert len(messages) == 2
    assert messages[0].startswith(f"adult.md:{body_line + 2}: « 5000 » n'est pas dans FACTS.md")
    assert messages[1].startswith(f"adult.md:{body_line + 2}: « XIe »")


def test_numbers_in_the_front_matter_and_in_included_safety_rules_are_checked_too(tmp_path):
    course = _course(tmp_path, {"child": "Un.\n\n{{consigne urgence}}\n"})
    (course / "_consignes").mkdir()
    (course / "_consignes" / "urgence.md").write_text("En cas d'urgence, on appelle le **112**.\n", encoding="utf-8")
    text = (course / "01-les-iles-chausey" / "child.md").read_text(encoding="utf-8")
    (course / "01-les-iles-chausey" / "child.md").write_text(
        text.replace("minutes: 5", "minutes: 5\nkey_facts:\n  - Chausey a 52 îles."), encoding="utf-8")
    found = {finding.message.split(" »")[0].lstrip("« ")
             for finding in fact_check.unsourced_numbers(fact_check.read_facts(course),
                                                         fact_check.read_lessons(course))}
    assert {"112", "52"} <= found


def test_a_fact_without_a_source_or_with_an_unlisted_one_is_reported(tmp_path):
    facts = FACTS.replace("depuis 1802. [S1]", "depuis 1802.").replace("[S1, S2]", "[S1, S9]")
    course = _course(tmp_path, {"adult": "Texte.\n"}, facts=facts)
    messages = _messages(fact_check.source_problems(fact_check.read_facts(course)))
    assert messages == ["FACTS.md:4: fait sans source : terminez la ligne par [S1] (voir la section « Sources »)",
                        "FACTS.md:5: source S9 absente de la section « Sources »"]


@pytest.mark.parametrize("versions, said, other", [
    pytest.param({  # two versions giving different years for the same statement
        "child": "Chausey fait partie de la commune de Granville. C'est un archipel.\n",
        "teen": "Depuis 1804, l'archipel de Chausey fait partie de la commune de Granville.\n",
        "adult": "Depuis 1802, Chausey fait partie de la commune de Granville : un quartier de la ville.\n",
    }, "teen dit 1804 mais adult (adult.md:", "dit 1802", id="different-years"),
    pytest.param({  # different quantities with the same unit; different facts (1439, 1442) do not
        "child": "Dans la baie, la mer peut monter de 14 mètres aux grandes marées.\n",
        "adult": "Aux grandes marées, la mer peut monter de 12 mètres dans la baie.\n"
                 "Les Anglais arrivent en 1439 ; Granville est reprise en 1442.\n",
        "teen": "En 1442, Louis d'Estouteville reprend Granville aux Anglais, arrivés en 1439.\n",
    }, "child dit 14 mais adult", "dit 12", id="different-quantities"),
])
def test_versions_that_disagree_on_a_number_contradict_once(tmp_path, versions, said, other):
    messages = _messages(fact_check.contradictions(fact_check.read_lessons(_course(tmp_path, versions))))
    assert len(messages) == 1
    assert said in messages[0] and other in messages[0]


def test_a_number_stated_elsewhere_in_the_other_version_is_not_a_contradiction(tmp_path):
    course = _course(tmp_path, {
        "child": "Le marnage peut atteindre 14 mètres dans la baie.\n",
        "adult": "Dans la baie, le marnage atteint 15 mètres aux plus grandes marées.\n"
                 "On retient souvent 14 mètres pour une grande marée ordinaire.\n",
    })
    assert fact_check.contradictions(fact_check.read_lessons(course)) == []


def test_the_command_lists_findings_and_fails_then_passes_once_fixed(runner, tmp_path):
    course = _course(tmp_path, {"adult": "Depuis 1804, Chausey fait partie de la commune de Granville.\n"})
    result = runner.invoke(args=["content", "check", str(tmp_path)])
    assert result.exit_code == 1
    assert "01-les-iles-chausey/adult.md:" in result.output and "« 1804 »" in result.output
    assert "1 point(s) à vérifier." in result.output
    (course / "01-les-iles-chausey" / "adult.md").write_text(
        lesson_text(body="Depuis 1802, Chausey fait partie de Granville.\n", image=None, key_facts=()),
        encoding="utf-8")
    result = runner.invoke(args=["content", "check", str(course)])
    assert result.exit_code == 0, result.output
    assert "aucun point à revoir" in result.output


def test_the_command_checks_the_repository_courses_by_default(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
