from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from learnapp.auth import rules

TODAY = date(2026, 11, 22)


def test_age_groups_at_the_boundaries():
    assert rules.age_group(2012, TODAY) == "child"   # 14 this year
    assert rules.age_group(2011, TODAY) == "teen"    # 15
    assert rules.age_group(2009, TODAY) == "teen"    # 17
    assert rules.age_group(2008, TODAY) == "adult"   # 18


def test_the_group_moves_on_by_itself_as_people_age():
    assert rules.age_group(2012, date(2026, 12, 31)) == "child"
    assert rules.age_group(2012, date(2027, 1, 1)) == "teen"


@given(st.integers(min_value=1900, max_value=2026),
       st.dates(min_value=date(2026, 1, 1), max_value=date(2200, 12, 31)))
def test_groups_only_ever_move_forward(birth_year, today):
    order = {"child": 0, "teen": 1, "adult": 2}
    later = date(today.year + 1, 1, 1)
    assert order[rules.age_group(birth_year, later)] >= order[rules.age_group(birth_year, today)]


def test_children_do_not_self_register():
    assert not rules.may_self_register(2016, TODAY)
    assert rules.may_self_register(2010, TODAY)


def test_implausible_birth_years():
    assert not rules.birth_year_is_plausible(1850, TODAY)
    assert not rules.birth_year_is_plausible(2027, TODAY)


def test_password_policy():
    assert rules.password_problems("short") == ["too_short", "repetitive"] or \
        "too_short" in rules.password_problems("short")
    assert rules.password_problems("aaaaaaaaaaaa") == ["repetitive"]
    assert rules.password_problems("camille-2024-xyz", email="camille@example.org") == ["personal"]
    assert rules.password_problems("une phrase assez longue") == []
