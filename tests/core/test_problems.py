"""One Problem for every checker: worded by its module's table, shown in the reader's language."""

from pathlib import Path

import pytest

from learnapp.core.messages import N_, cli_locale, speaking
from learnapp.core.problems import Messages, Problem

TABLE = Messages({"empty_text": N_("« %(field)s » est vide.")})


def test_a_problem_is_worded_by_its_table_in_french_by_default():
    problem = TABLE.problem("empty_text", {"field": "title"}, file=Path("/pack/a.md"), line=3, field="title")
    assert problem.message == "« title » est vide."
    assert problem.display(Path("/pack")) == "a.md:3: « title » est vide."
    assert str(problem) == "/pack/a.md:3: « title » est vide."
    assert (problem.code, problem.field, problem.line) == ("empty_text", "title", 3)


def test_the_same_problem_reads_in_english_when_asked(app):
    problem = TABLE.problem("empty_text", {"field": "title"}, line=2)
    assert problem.text("en") == "\u201ctitle\u201d is empty."
    with speaking("en"):
        assert problem.display() == "line 2: \u201ctitle\u201d is empty."
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert problem.message == problem.text("en")


def test_problems_compare_by_what_and_where_not_by_wording():
    assert TABLE.problem("empty_text", {"field": "x"}) == Problem("empty_text", {"field": "x"})
    moved = TABLE.problem("empty_text", {"field": "x"}).at(line=9)
    assert moved.line == 9 and moved.message == "« x » est vide."


def test_a_table_knows_the_codes_of_the_tables_it_builds_on():
    other = Messages({"gone": N_("Dossier introuvable.")})
    both = Messages({"empty_text": N_("Le texte de la leçon est vide.")}, TABLE, other)
    assert both["gone"] == "Dossier introuvable."
    assert both["empty_text"] == "Le texte de la leçon est vide."  # its own wins
    with pytest.raises(KeyError):
        both.problem("nope")


@pytest.mark.parametrize("explicit, env, expected", [
    (None, None, "fr"), (None, "en", "en"), (None, "en_GB.UTF-8", "en"), (None, "de", "fr"), ("en", "fr", "en"),
    ("fr", "en", "fr"),
])
def test_the_command_line_speaks_french_unless_asked(monkeypatch, explicit, env, expected):
    monkeypatch.setenv("LANG", "en_US.UTF-8")  # not a choice of the person at the terminal
    if env is None:
        monkeypatch.delenv("LEARNAPP_LANG", raising=False)
    else:
        monkeypatch.setenv("LEARNAPP_LANG", env)
    assert cli_locale(explicit) == expected
