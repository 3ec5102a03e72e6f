"""School rules with no app: codes, passphrases, usernames, the roster file, consent, the grid."""

from __future__ import annotations

import math
from datetime import date
from random import Random

from hypothesis import given
from hypothesis import strategies as st

from learnapp.schools import rules
from learnapp.schools.words import WORDS

TODAY = date(2026, 11, 22)


def test_the_word_list_is_plain_unique_and_big_enough():
    assert len(WORDS) == len(set(WORDS)) >= 450
    assert all(word.isascii() and word.isalpha() and word.islower() and len(word) <= 11 for word in WORDS)
    # 3 words of 461 and two digits: the figure docs/decisions-schools.md reasons from.
    assert 3 * math.log2(len(WORDS)) + 2 * math.log2(10) == rules.PASSPHRASE_BITS
    assert rules.PASSPHRASE_BITS > 33


def test_a_passphrase_is_three_words_and_a_number_and_types_loosely():
    phrase = rules.new_passphrase(Random(1))
    *words, number = phrase.split(" ")
    assert len(words) == 3 and all(w in WORDS for w in words) and len(number) == 2 and number.isdigit()
    assert rules.normalise_passphrase(phrase.upper().replace(" ", "-")) == rules.normalise_passphrase(phrase)
    assert rules.normalise_passphrase("  Lapin  tulipe volcàn42 ") == "lapintulipevolcan42"


@given(st.text(max_size=30))
def test_class_codes_normalise_idempotently(text):
    once = rules.normalise_code(text)
    assert rules.normalise_code(once) == once


def test_class_codes_avoid_ambiguous_characters():
    code = rules.new_class_code(Random(3))
    assert rules.code_is_well_formed(code)
    assert not set(code) & set("01ILO")
    assert rules.normalise_code(rules.display_code(code).lower()) == code


def test_two_lea_m_get_distinct_usernames():
    taken: set[str] = set()
    first = rules.unique_username(rules.username_base("Léa", "M"), taken)
    second = rules.unique_username(rules.username_base("Léa", "Martin"[0]), taken)
    assert (first, second) == ("lea.m", "lea.m2")
    assert rules.username_base("Anne-Sophie", "d'") == "annesophie.d"


def test_consent_is_needed_under_15_only():
    assert rules.needs_consent(2016, TODAY)
    assert not rules.needs_consent(2011, TODAY)  # 15 this year
    assert rules.consent_given(birth_year=2016, consent_at=None, today=TODAY) is False
    assert rules.consent_given(birth_year=2011, consent_at=None, today=TODAY) is True


def _csv(text: str, encoding="utf-8") -> bytes:
    return text.encode(encoding)


def test_a_roster_in_windows_1252_with_semicolons_reads_with_accents():
    roster = rules.read_roster(_csv("Prénom;Nom;Année de naissance\r\nLéa;Martin;2016\r\nZoé;B.;2015\r\n",
                                    "cp1252"), TODAY)
    assert roster.problems == []
    assert roster.encoding == "windows-1252" and roster.delimiter == ";"
    assert [(r.first_name, r.initial, r.birth_year) for r in roster.rows] == [("Léa", "M", 2016), ("Zoé", "B", 2015)]


def test_a_roster_in_utf8_with_bom_and_commas_reads():
    roster = rules.read_roster("\ufeffprenom,initiale,annee\nNoé,L,2016\n".encode(), TODAY)
    assert roster.problems == [] and roster.rows[0].first_name == "Noé"


def test_every_bad_line_is_reported_with_its_number():
    roster = rules.read_roster(_csv("prénom;initiale;année\nLéa;M;2016\n;M;2016\nTom;;abc\nIna;K;1950\n"), TODAY)
    assert [(p.line, p.code) for p in roster.problems] == [
        (3, "first_name_missing"), (4, "initial_missing"), (4, "birth_year_invalid"), (5, "birth_year_range")]


def test_missing_columns_and_a_wrong_delimiter_are_named():
    assert [p.code for p in rules.read_roster(_csv("prénom;année\nLéa;2016\n"), TODAY).problems] == ["columns"]
    assert rules.read_roster(_csv("prénom;année\nLéa;2016\n"), TODAY).problems[0].detail == "initial"
    assert [p.code for p in rules.read_roster(_csv("prénom|initiale|année\n"), TODAY).problems] == ["delimiter"]


def test_binary_empty_and_oversized_files_are_refused():
    assert rules.read_roster(b"\x00\x01PK", TODAY).problems[0].code == "encoding"
    assert rules.read_roster(b"", TODAY).problems[0].code == "empty"
    assert rules.read_roster(b"prenom;initiale;annee\n", TODAY).problems[0].code == "empty"
    assert rules.read_roster(b"x" * (rules.MAX_BYTES + 1), TODAY).problems[0].code == "too_big"
    many = "prenom;initiale;annee\n" + "Léa;M;2016\n" * (rules.MAX_ROWS + 1)
    assert rules.read_roster(many.encode(), TODAY).problems[0].code == "too_many"


def test_grid_statuses_and_completion():
    assert rules.lesson_status(seen=True, completed=False) == rules.STARTED
    assert rules.tier_status(attempts=2, passed=False) == rules.FAILED
    assert rules.completion([rules.DONE, rules.PASSED, rules.FAILED, rules.NOT_STARTED]) == 50
    assert rules.completion([]) == 0


def test_school_years():
    assert rules.school_year_of(date(2026, 9, 1)) == "2026-2027"
    assert rules.school_year_of(date(2027, 3, 1)) == "2026-2027"
    assert rules.school_year_is_valid("2026-2027") and not rules.school_year_is_valid("2026-2028")
    assert not rules.school_year_is_valid("２０２６-２０２７")  # full-width digits
