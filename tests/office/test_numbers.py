"""Every number on the dashboard equals the one counted by hand from the raw rows (oracle.py),
for several filters; run on SQLite and on PostgreSQL (tests/with-postgres.sh)."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date

import pytest

from learnapp.office import dashboard, milestones, queries, rules
from learnapp.office.rules import Filters
from tests.office import oracle
from tests.office.builders import world

TODAY = date(2026, 12, 1)
FILTERS = [
    ("year:2026", "all"),
    ("month:2026-10", "teen"),
    ("month:2026-11", "all"),
    ("season:2026-autumn", "adult"),
    ("school_year:2026-2027", "child"),
    ("all", "all"),
]


def _filters(raw_period: str, age: str) -> Filters:
    kind, _, at = raw_period.partition(":")
    return Filters(rules.parse_period(kind, at or None, TODAY), age)


@pytest.fixture
def data(app, db):
    built = world()
    with app.test_request_context(headers={"Accept-Language": "fr"}):  # labels are translated
        yield built


@pytest.mark.parametrize(("period", "age"), FILTERS)
def test_certification_rates_equal_the_raw_rows(data, period, age):
    filters = _filters(period, age)
    section = dashboard.rates_section(filters, with_charts=False)
    expected = oracle.rates(filters.period, age)
    before = rules.previous(filters.period)
    expected_before = oracle.rates(before, age) if before else {"age": {}, "tier": {}, "total": (0, 0)}
    assert (section.total.tried, section.total.certified) == expected["total"]
    assert (section.total.before_tried, section.total.before_certified) == expected_before["total"]
    short = {str(label): code for code, label in __import__("learnapp.core.age_groups", fromlist=["x"])
             .short_labels().items()}
    for row in section.by_age:
        code = short[row.label]
        assert (row.tried, row.certified) == expected["age"].get(code, (0, 0))
        assert (row.before_tried, row.before_certified) == expected_before["age"].get(code, (0, 0))
        if row.tried and row.before_tried:
            assert row.change == pytest.approx(row.certified / row.tried - row.before_certified / row.before_tried)
    names = queries.tier_names()
    by_label = {row.label: row for row in section.by_tier}
    for tier_id, counts in expected["tier"].items():
        name = names[tier_id]
        row = next(r for label, r in by_label.items() if name.course_title in label and f" {name.number} " in label
                   and name.name in label)
        assert (row.tried, row.certified) == counts
    assert sum(r.tried for r in section.by_tier) == expected["total"][0]
    # Read from the kept rows (office/period_rates.py) or counted from the attempts: the same.
    as_rows = lambda counts: sorted((c.tier_id, c.age_group, c.tried, c.certified) for c in counts)  # noqa: E731
    assert as_rows(queries.certification_counts(filters.period, age)) == as_rows(
        queries.asked_certification_counts(filters.period, age))


@pytest.mark.parametrize(("period", "age"), FILTERS)
def test_funnel_equals_the_raw_rows(data, period, age):
    filters = _filters(period, age)
    section = dashboard.funnel_section(filters, TODAY, with_charts=False)
    assert [step.people for step in section.steps] == oracle.funnel(filters.period, age, TODAY)
    steps = section.steps
    for before, after in zip(steps, steps[1:], strict=False):
        assert after.drop_off == before.people - after.people


@pytest.mark.parametrize("kept", [True, False], ids=["kept-depths", "asked"])
@pytest.mark.parametrize("ratio", [10**9, -1], ids=["from-openers", "person-by-person"])
@pytest.mark.parametrize(("period", "age"), FILTERS)
def test_every_way_of_reading_the_funnel_equals_the_raw_rows(data, db, monkeypatch, period, age, ratio, kept):
    # funnel_counts reads the kept counts (office/milestones.py) when they were built against
    # today's lessons and steps, else asks the questions, from the openers or person by person, whichever
    # is cheaper for the sizes at hand: every way must give the same numbers.
    if not kept:
        db.session.execute(db.delete(milestones.FunnelState))
    monkeypatch.setattr(queries, "OPENERS_SCAN_RATIO", ratio)
    chosen = []  # the ways each count took: kept rows?, then (if not) from the openers?
    choose_openers, choose_kept = queries._openers_first, queries._kept_steps

    def recorded_openers(registered):
        chosen.append(choose_openers(registered))
        return chosen[-1]

    def recorded_kept(steps):
        kept_steps = choose_kept(steps)
        chosen.append(kept_steps == len(steps))
        return kept_steps

    monkeypatch.setattr(queries, "_openers_first", recorded_openers)
    monkeypatch.setattr(queries, "_kept_steps", recorded_kept)
    filters = _filters(period, age)
    section = dashboard.funnel_section(filters, TODAY, with_charts=False)
    expected = oracle.funnel(filters.period, age, TODAY)
    assert [step.people for step in section.steps] == expected
    # The ways asked for are the ways taken: the kept counts answer every step at once; asked,
    # an empty cohort is answered before the second choice.
    assert chosen == ([True] if kept else [False] + ([ratio > 0] if expected[0] else []))


@pytest.mark.parametrize(("period", "age"), FILTERS)
def test_visit_figures_equal_the_raw_rows(data, period, age):
    filters = _filters(period, age)
    section = dashboard.visits_section(filters, TODAY, with_charts=False)
    months = rules.months_in(filters.period, TODAY)
    expected = oracle.visits(filters.period, months)
    numbers = lambda t: (t.sessions, t.capacity, t.taken, t.waitlisted, t.attended, t.no_show)  # noqa: E731
    shown = [m.at for m in months]
    if filters.period.start is None:  # "since the start": from the first month with a session
        shown = list(itertools.dropwhile(lambda key: key not in expected["month"], shown))
        assert shown and len(shown) < len(months)
    assert [t.key for t in section.by_month] == shown
    for tally in section.by_month:
        assert numbers(tally) == expected["month"].get(tally.key, (0,) * 6)
    assert {t.key: numbers(t) for t in section.by_visit} == expected["visit"]
    # The chart's sentence gives the whole period's totals, months shown or not.
    taken, capacity = (sum(v[i] for v in expected["visit"].values()) for i in (2, 1))
    drawn = dashboard.visits_section(filters, TODAY).charts["visits_month"]
    assert f"{taken} places prises sur {capacity} offertes" in str(drawn.description)


def test_the_world_is_not_trivial(data):
    """The comparisons above would pass on empty data: make sure there is something to count."""
    filters = _filters("year:2026", "all")
    rates = oracle.rates(filters.period, "all")
    assert rates["total"][0] > 30 and 0 < rates["total"][1] < rates["total"][0]
    assert len(set(rates["age"])) == 3
    counts = oracle.funnel(filters.period, "all", TODAY)[:6]  # up to the visit (no ambassadors here)
    assert counts[0] > counts[-1] > 0 and len(set(counts)) >= 4
    visits = oracle.visits(filters.period, rules.months_in(filters.period, TODAY))
    totals = [sum(v[i] for v in visits["visit"].values()) for i in range(6)]
    assert all(totals), totals


def test_the_page_and_its_csv_show_those_numbers(data, make_user, login, client):
    login(make_user("staff"))
    filters = _filters("season:2026-autumn", "all")
    expected = oracle.rates(filters.period, "all")
    page = client.get("/office/dashboard/?period=season:2026-autumn&age=all", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    tried, certified = expected["total"]
    assert f"Ensemble : {certified} certifiés sur {tried} ont essayé." in html
    response = client.get("/office/dashboard/rates_age.csv?period=season:2026-autumn&age=all",
                          headers={"Accept-Language": "fr"})
    rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Tranche d'âge" and "Évolution (points)" in rows[0][-1]
    assert rows[-1][:3] == ["Ensemble", str(tried), str(certified)]
    assert rows[-1][3] == f"{100 * certified / tried:.1f}".replace(".", ",")
    # "Since the start" has no period before it: no empty columns of zeros, no hatched bars promised.
    everything = client.get("/office/dashboard/rates_tier.csv?period=all&age=all", headers={"Accept-Language": "fr"})
    rows = list(csv.reader(io.StringIO(everything.get_data().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Niveau de quiz", "Ont essayé (depuis le début)", "Certifiés (depuis le début)",
                       "Taux (depuis le début) (%)"]
    html = client.get("/office/dashboard/?period=all", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert "(aucune)" not in html and "barres hachurées" not in html and "Évolution" not in html
    funnel = client.get("/office/dashboard/funnel.csv?period=season:2026-autumn&age=all",
                        headers={"Accept-Language": "en"})
    rows = list(csv.reader(io.StringIO(funnel.get_data().decode("utf-8-sig"))))
    assert [int(row[1]) for row in rows[1:]] == oracle.funnel(filters.period, "all", TODAY)
