"""Level rules as pure functions: no app, no database (hypothesis for the invariants)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from learnapp.ambassadors import rules
from learnapp.ambassadors.rules import Facts, LevelRule, Missing, Requirement

ADULT = [LevelRule("ambassadeur", 1, Requirement(tier=1)),
         LevelRule("confirme", 2, Requirement(tier=2, visits=1)),
         LevelRule("expert", 3, Requirement(tier=3, visits=3))]


def facts(tiers=(), visits=0, manifesto=True, contributions=0):
    return Facts(frozenset((f"gtm-{t}", t) for t in tiers), visits, manifesto, contributions)


def test_levels_are_climbed_in_order():
    assert rules.reached(ADULT, facts()) is None
    assert rules.reached(ADULT, facts([1])).code == "ambassadeur"
    assert rules.reached(ADULT, facts([1, 2], visits=1)).code == "confirme"
    # tier 3 and three visits, but the rule of level 2 holds too: level 3
    assert rules.reached(ADULT, facts([3], visits=3)).code == "expert"


def test_without_the_manifesto_there_is_no_level():
    assert rules.reached(ADULT, facts([1, 2, 3], visits=5, manifesto=False)) is None
    assert rules.missing(ADULT[0].requires, facts([1], manifesto=False)) == [Missing("manifesto")]


def test_what_the_next_level_needs_is_listed_in_order():
    assert rules.missing(ADULT[1].requires, facts([1])) == [Missing("tier", 2), Missing("visits", 1)]
    assert rules.missing(ADULT[2].requires, facts([1, 2], visits=1)) == [Missing("tier", 3), Missing("visits", 2)]


def test_certificates_still_needed_count_those_a_missing_tier_will_bring():
    need = Requirement(certificates=3, tier=2)
    assert rules.missing(need, facts([1])) == [Missing("tier", 2), Missing("certificates", 1)]
    assert rules.missing(Requirement(achievements=("gtm-2",)), facts([1])) == [Missing("achievement", key="gtm-2")]


def test_a_level_rises_on_news_and_falls_only_when_allowed():
    assert rules.decide(ADULT, facts([1]), 0, may_fall=False) == rules.Change("up", 0, 1, "ambassadeur")
    assert rules.decide(ADULT, facts([1]), 2, may_fall=False) is None
    assert rules.decide(ADULT, facts([1]), 2, may_fall=True) == rules.Change("down", 2, 1, "ambassadeur")
    assert rules.decide(ADULT, facts(), 1, may_fall=True) == rules.Change("down", 1, 0, None)


def test_contributions_are_a_seam_counted_like_the_rest():
    level = [LevelRule("contributeur", 1, Requirement(contributions=2))]
    assert rules.reached(level, facts(contributions=1)) is None
    assert rules.reached(level, facts(contributions=2)).code == "contributeur"
    assert rules.missing(level[0].requires, facts(contributions=1)) == [Missing("contributions", 1)]


tiers = st.lists(st.integers(min_value=1, max_value=4), max_size=5)
counts = st.integers(min_value=0, max_value=6)


@given(tiers, counts, st.booleans(), tiers, counts)
def test_more_facts_never_mean_a_lower_level(tiers_a, visits_a, signed, extra_tiers, extra_visits):
    before = facts(tiers_a, visits_a, signed)
    after = facts(tiers_a + extra_tiers, visits_a + extra_visits, signed)
    rank = lambda f: (rules.reached(ADULT, f).rank if rules.reached(ADULT, f) else 0)  # noqa: E731
    assert rank(after) >= rank(before)


@given(tiers, counts, st.booleans())
def test_a_level_is_met_exactly_when_nothing_is_missing(tiers_held, visits, signed):
    held = facts(tiers_held, visits, signed)
    for level in ADULT:
        assert rules.meets(level.requires, held) == (rules.missing(level.requires, held) == [])


@given(tiers, counts, st.booleans(), st.integers(min_value=0, max_value=3))
def test_without_may_fall_the_level_never_drops(tiers_held, visits, signed, current):
    change = rules.decide(ADULT, facts(tiers_held, visits, signed), current, may_fall=False)
    assert change is None or (change.direction == "up" and change.to_rank > current)


@given(st.integers(min_value=0, max_value=50), st.integers(min_value=0, max_value=50))
def test_points_weigh_certificates_and_visits(certificates, visits):
    weights = rules.Weights(certificate=10, visit=5)
    assert rules.points(weights, certificates=certificates, visits=visits) == 10 * certificates + 5 * visits
