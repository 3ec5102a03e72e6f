from datetime import date

from learnapp.auth import rules

TODAY = date(2026, 11, 22)


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
