"""Pure rules: codes, names shown, status, dates. No app."""

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnapp.certificates import rules

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def test_a_new_code_has_ten_unambiguous_characters_and_a_right_check_character():
    code = rules.new_code()
    assert len(code) == 10 and set(code) <= set(rules.ALPHABET)
    assert not set("ILOU") & set(rules.ALPHABET)
    assert rules.normalise_code(code) == code


@given(st.text(alphabet=rules.ALPHABET, min_size=9, max_size=9), st.integers(0, 9), st.integers(1, 31))
def test_any_single_wrong_character_is_caught(body, position, shift):
    code = body + rules.check_character(body)
    wrong = rules.ALPHABET[(rules.ALPHABET.index(code[position]) + shift) % 32]
    assert rules.normalise_code(code[:position] + wrong + code[position + 1:]) is None


@given(st.text(alphabet=rules.ALPHABET, min_size=9, max_size=9), st.integers(0, 8))
def test_swapping_two_neighbours_is_caught(body, position):
    code = body + rules.check_character(body)
    if code[position] == code[position + 1]:
        return
    if {code[position], code[position + 1]} == {"0", "Z"}:
        # Luhn mod N's one blind pair (values 0 and N-1): the swap keeps the check.
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
        assert rules.normalise_code(swapped) == swapped
        return
    swapped = code[:position] + code[position + 1] + code[position] + code[position + 2:]
    assert rules.normalise_code(swapped) is None


def test_lookup_tolerates_case_spaces_dashes_and_look_alikes():
    body = "0123ABC1D"
    code = body + rules.check_character(body)
    typed = f" o123-abc {'i'}d{code[-1].lower()} "
    assert rules.normalise_code(typed) == code
    assert rules.normalise_code(rules.display_code(code)) == code


@pytest.mark.parametrize("typed", ["", "ABC", "!" * 10, "A" * 41, None, "ÉÉÉÉÉÉÉÉÉÉ"])
def test_garbage_is_not_a_code(typed):
    assert rules.normalise_code(typed) is None


def test_a_minor_is_shown_by_first_name_and_initial_an_adult_in_full():
    assert rules.public_name("Hugo Lefèvre", minor=True) == "Hugo L."
    assert rules.public_name("Élodie Château-Gontier", minor=True) == "Élodie C."
    assert rules.public_name("Léa Martin", minor=False) == "Léa Martin"
    assert rules.public_name("Léa", minor=True) == "Léa"


def test_status_revoked_wins_then_superseded_then_expired():
    past = datetime(2026, 1, 1, tzinfo=UTC)
    assert rules.status(revoked_at=past, superseded=True, expires_at=past, now=NOW) == rules.REVOKED
    assert rules.status(revoked_at=None, superseded=True, expires_at=past, now=NOW) == rules.SUPERSEDED
    assert rules.status(revoked_at=None, superseded=False, expires_at=past, now=NOW) == rules.EXPIRED
    assert rules.status(revoked_at=None, superseded=False, expires_at=None, now=NOW) == rules.VALID


def test_months_are_added_to_the_calendar():
    assert rules.add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert rules.add_months(datetime(2026, 12, 1, tzinfo=UTC), 36) == datetime(2029, 12, 1, tzinfo=UTC)
