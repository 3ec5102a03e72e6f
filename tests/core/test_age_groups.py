"""Age groups: one owner for codes, thresholds, labels, order, fallbacks and a person's group."""

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from learnapp.core import age_groups
from learnapp.core.age_groups import ADULT, CHILD, TEEN

TODAY = date(2026, 11, 22)


def test_age_groups_at_the_boundaries():
    assert age_groups.group_on(2012, TODAY) == CHILD   # 14 this year
    assert age_groups.group_on(2011, TODAY) == TEEN    # 15
    assert age_groups.group_on(2009, TODAY) == TEEN    # 17
    assert age_groups.group_on(2008, TODAY) == ADULT   # 18


def test_the_group_moves_on_by_itself_as_people_age():
    assert age_groups.group_on(2012, date(2026, 12, 31)) == CHILD
    assert age_groups.group_on(2012, date(2027, 1, 1)) == TEEN


@given(st.integers(min_value=1900, max_value=2026),
       st.dates(min_value=date(2026, 1, 1), max_value=date(2200, 12, 31)))
def test_groups_only_ever_move_forward(birth_year, today):
    order = {code: index for index, code in enumerate(age_groups.ALL)}
    later = date(today.year + 1, 1, 1)
    assert order[age_groups.group_on(birth_year, later)] >= order[age_groups.group_on(birth_year, today)]


def test_the_group_changes_at_midnight_in_paris_not_in_london():
    # 31 December 2026, 23:30 UTC is already 1 January 2027 in Paris: a 2012 child is a teen.
    new_year_night = datetime(2026, 12, 31, 23, 30, tzinfo=UTC)
    assert age_groups.group_at(2012, new_year_night) == TEEN
    assert age_groups.group_at(2012, datetime(2026, 12, 31, 22, 59, tzinfo=UTC)) == CHILD
    # Stored datetimes without a zone are UTC.
    assert age_groups.group_at(2012, datetime(2026, 12, 31, 23, 30)) == TEEN


def test_display_order_is_youngest_first_and_every_group_has_its_words():
    assert age_groups.ALL == (CHILD, TEEN, ADULT)
    assert list(age_groups.labels()) == list(age_groups.ALL)
    assert str(age_groups.labels()[CHILD]) == "Enfants (moins de 15 ans)"
    assert str(age_groups.short_labels()[TEEN]) == "Adolescents"
    assert str(age_groups.in_sentence()[ADULT]) == "les adultes"


def test_labels_are_translated_when_shown():
    from learnapp.core.messages import speaking

    label = age_groups.labels()[TEEN]
    with speaking("en"):
        english = str(label)
    assert english != "Adolescents (15 à 17 ans)" and "15" in english
    assert str(label) == "Adolescents (15 à 17 ans)"


@pytest.mark.parametrize("group, available, expected", [
    (CHILD, {CHILD, ADULT}, CHILD),
    (CHILD, {ADULT, TEEN}, TEEN),
    (TEEN, {CHILD, ADULT}, ADULT),
    (ADULT, {CHILD}, CHILD),
    (ADULT, set(), None),
])
def test_the_nearest_group_stands_in_for_a_missing_one(group, available, expected):
    assert age_groups.nearest(group, available) == expected


def test_every_group_falls_back_on_every_other_group_itself_first():
    for group in age_groups.GROUPS:
        assert group.fallbacks[0] == group.code
        assert sorted(group.fallbacks) == sorted(age_groups.ALL)


def test_unknown_groups_are_refused_and_orders_are_kept():
    with pytest.raises(ValueError):
        age_groups.nearest("baby", {ADULT})
    assert not age_groups.is_group("baby") and not age_groups.is_group(None)
    assert age_groups.ordered([ADULT, "baby", CHILD, ADULT]) == [CHILD, ADULT]
    assert age_groups.missing([ADULT, CHILD, TEEN], [TEEN]) == [CHILD, ADULT]
