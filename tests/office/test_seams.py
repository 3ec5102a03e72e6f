"""The parts other domains plug into the dashboard (schools, ambassadors, partners: each from its
own office_hooks.py), checked against numbers counted by hand from the raw rows, on SQLite and on
PostgreSQL (tests/with-postgres.sh)."""

from __future__ import annotations

import csv
import html as html_text
import io
import random
import re
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import delete, select

from learnapp.ambassadors.models import JOINED, LEFT, PAUSED, LevelChange, Membership
from learnapp.cards.models import Card, CardPhoto
from learnapp.extensions import db as _db
from learnapp.office import dashboard, milestones, queries, rules
from learnapp.office.rules import Filters
from learnapp.partners.models import Offer, OfferUse, Partner
from learnapp.partners.rules import month_of
from learnapp.schools.models import Pupil, School, SchoolClass
from tests.office import oracle
from tests.office.builders import world

TODAY = date(2026, 12, 1)
PERIODS = ["year:2026", "month:2026-11", "season:2026-autumn", "all"]


def _filters(raw_period: str, age: str = "all", **extra) -> Filters:
    kind, _, at = raw_period.partition(":")
    return Filters(rules.parse_period(kind, at or None, TODAY), age, extra)


def _seam_rows(users, seed=11):
    """Schools with classes and pupils, ambassadors at every rank and status, partners' uses."""
    rng = random.Random(seed)
    at = datetime(2026, 9, 1, tzinfo=UTC)
    schools = [School(name="École Jules-Ferry"), School(name="Collège Malraux")]
    _db.session.add_all(schools)
    _db.session.flush()
    classes = [SchoolClass(school_id=schools[n % 2].id, name=f"CM{n}", school_year="2026-2027", code=f"CODE{n}")
               for n in range(3)]
    _db.session.add_all(classes)
    _db.session.flush()
    for n, user in enumerate(users[:30]):
        if n % 3 != 2:
            _db.session.add(Pupil(user_id=user.id, class_id=classes[n % 3].id, username=f"eleve{n}"))
    statuses = [JOINED, JOINED, JOINED, PAUSED, LEFT]
    for n, user in enumerate(users[10:50]):
        rank = rng.choice([0, 0, 1, 1, 2, 3])
        _db.session.add(Membership(user_id=user.id, status=statuses[n % 5], joined_at=at, status_changed_at=at,
                                   level_rank=rank))
        if rank == 1 and n % 4 == 0:  # reached 2, then lost it: the funnel still counts 2
            _db.session.add(LevelChange(user_id=user.id, from_rank=1, to_rank=2, changed_at=at, cause="test"))
    photo = CardPhoto(user_id=users[0].id, sha256="0" * 64, mime_type="image/jpeg", width=1, height=1, data=b"x")
    _db.session.add(photo)
    _db.session.flush()
    partners = [Partner(name="Musée Christian Dior"), Partner(name="Boulangerie du port")]
    _db.session.add_all(partners)
    _db.session.flush()
    offers = [Offer(partner_id=partners[n % 2].id, title=f"Offre {n}", frequency="unlimited") for n in range(3)]
    _db.session.add_all(offers)
    _db.session.flush()
    for n, user in enumerate(users[10:25]):
        card = Card(number=f"C{n:05d}", user_id=user.id, photo_id=photo.id, name=f"Ambassadeur {n}", reason="first",
                    valid_until=at + timedelta(days=365),
                    issued_at=at)
        _db.session.add(card)
        _db.session.flush()
        for _use in range(rng.randrange(1, 5)):
            offer = rng.choice(offers)
            # Around the month edges in Paris time (the last evening of a month is the next in UTC).
            used = datetime(2026, 8, 31, 21, 30, tzinfo=UTC) + timedelta(days=rng.randrange(110))
            _db.session.add(OfferUse(offer_id=offer.id, partner_id=offer.partner_id, card_id=card.id,
                                     user_id=user.id, used_at=used, month=month_of(used)))
    milestones.rebuild()  # the levels were written here directly, not through levels.evaluate
    _db.session.commit()
    return {"schools": schools, "classes": classes}


@pytest.fixture
def data(app, db):
    built = world()
    built.update(_seam_rows(built["users"]))
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        yield built


def _pupils(**where) -> set[int]:
    """The user ids of a school's (or class's) pupils, read from the raw rows."""
    classes = {c.id: c for c in _db.session.scalars(select(SchoolClass))}
    return {p.user_id for p in _db.session.scalars(select(Pupil))
            if ("school" not in where or classes[p.class_id].school_id == where["school"])
            and ("klass" not in where or p.class_id == where["klass"])}


@pytest.mark.parametrize("period", PERIODS)
def test_school_and_class_filters_equal_the_raw_rows(data, period):
    school, klass = data["schools"][0], data["classes"][1]
    for extra, people in [({"school": str(school.id)}, _pupils(school=school.id)),
                          ({"class": str(klass.id)}, _pupils(klass=klass.id))]:
        filters = _filters(period, **extra)
        section = dashboard.rates_section(filters, with_charts=False)
        assert (section.total.tried, section.total.certified) == oracle.rates(filters.period, "all", people)["total"]
        funnel = dashboard.funnel_section(filters, TODAY, with_charts=False)
        assert [s.people for s in funnel.steps] == oracle.funnel(filters.period, "all", TODAY, people)
    # The filter narrows: a school's registered are fewer than everyone's.
    whole = dashboard.funnel_section(_filters("all"), TODAY, with_charts=False).steps[0].people
    assert 0 < dashboard.funnel_section(_filters("all", school=str(school.id)), TODAY,
                                        with_charts=False).steps[0].people < whole


@pytest.mark.parametrize("kept", [True, False], ids=["kept-depths", "asked"])
@pytest.mark.parametrize("period", PERIODS)
def test_funnel_ambassador_levels_equal_the_raw_rows(data, period, kept):
    # The levels are kept in the depths and counts like the other steps (levels.py sends the news).
    if not kept:
        _db.session.execute(delete(milestones.FunnelState))
    assert (queries._kept_steps(milestones.funnel_steps()) == 8) is kept
    filters = _filters(period)
    section = dashboard.funnel_section(filters, TODAY, with_charts=False)
    labels = [s.label for s in section.steps]
    assert labels[-3:] == [f"Ont atteint le niveau d'ambassadeur {rank}" for rank in (1, 2, 3)]
    assert [s.people for s in section.steps] == oracle.funnel(filters.period, "all", TODAY)
    if period == "all":  # the world reaches the levels, and one reached through the history only
        assert section.steps[-3].people > 0


def test_active_ambassadors_per_level_equal_the_raw_rows(data, client, make_user, login):
    expected = Counter(m.level_rank for m in _db.session.scalars(select(Membership)) if m.status == JOINED)
    login(make_user("staff"))
    html = client.get("/office/dashboard/?period=all", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    section = html[html.index('id="ambassadors"'):]
    assert "Ambassadeurs actifs par niveau" in section and 'class="chart-svg"' in section
    chart_url = html_text.unescape(re.search(r'<img class="chart-svg" src="([^"]+ambassadors_by_level[^"]*)"',
                                             section).group(1))
    drawing = client.get(chart_url)
    assert drawing.status_code == 200 and drawing.mimetype == "image/svg+xml" and 'role="img"' in drawing.get_data(
        as_text=True)
    table = section[section.index('id="table-ambassadors_by_level"'):section.index("</table>")]
    for rank, count in expected.items():
        label = "Pas encore de niveau" if rank == 0 else f"Niveau {rank}"
        row = next(r for r in table.split("<tr>") if f">{label}<" in r)
        assert f">{count}<" in row
    assert table.count("<tr>") == len(expected) + 1


@pytest.mark.parametrize("period", PERIODS)
def test_advantage_uses_equal_the_raw_rows(data, client, make_user, login, period):
    filters = _filters(period)
    offers = {o.id: o for o in _db.session.scalars(select(Offer))}
    partners = {p.id: p.name for p in _db.session.scalars(select(Partner))}
    uses, people = Counter(), {}
    for use in _db.session.scalars(select(OfferUse)):
        local = use.used_at.astimezone(rules.OFFICE_TIME_ZONE).date()
        start, end = filters.period.start, filters.period.end
        if (start and local < start) or (end and local >= end):
            continue
        key = (use.month, partners[use.partner_id], offers[use.offer_id].title)
        uses[key] += 1
        people.setdefault(key, set()).add(use.user_id)
    login(make_user("staff"))
    html = client.get(f"/office/dashboard/?period={period}", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    section = html[html.index('id="partners"'):html.index('id="ambassadors"')]
    if not uses:
        assert "Aucun avantage accordé sur la période" in section
        return
    rows = [row for row in section.split("<tr>")[2:]]
    assert len(rows) == len(uses)
    for (month, partner, offer), count in uses.items():
        assert any(f">{month}<" in row and partner in row and f">{offer}<" in row and f">{count}<" in row
                   and f">{len(people[(month, partner, offer)])}<" in row for row in rows)


def _csv_link(section: str, name: str) -> str:
    return html_text.unescape(re.search(rf'href="(/office/dashboard/{name}\.csv\?[^"]*)"', section).group(1))


def test_contributed_sections_have_a_csv_and_a_toc_entry(data, client, make_user, login):
    """Ambassadors per level and advantages granted, like every section of the page: an entry in
    the table of contents linking to the section, and a CSV (BOM, accents intact) of its table."""
    login(make_user("staff"))
    page = client.get("/office/dashboard/?period=all", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    start = page.index('class="office-toc"')
    toc = page[start:page.index("</nav>", start)]
    assert '<a href="#ambassadors">Ambassadeurs actifs par niveau</a>' in toc
    assert '<a href="#partners">Avantages accordés</a>' in toc
    assert 'id="ambassadors"' in page and 'id="partners"' in page

    ambassadors = page[page.index('id="ambassadors"'):]
    response = client.get(_csv_link(ambassadors, "ambassadors_by_level"), headers={"Accept-Language": "fr"})
    body = response.get_data()
    assert response.status_code == 200 and body.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: accents in a spreadsheet
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Niveau", "Ambassadeurs actifs"]
    expected = Counter(m.level_rank for m in _db.session.scalars(select(Membership)) if m.status == JOINED)
    assert {label: int(count) for label, count in rows[1:]} == {
        "Pas encore de niveau" if rank == 0 else f"Niveau {rank}": count for rank, count in expected.items()}

    partners = page[page.index('id="partners"'):page.index('id="ambassadors"')]
    response = client.get(_csv_link(partners, "partner_uses"), headers={"Accept-Language": "fr"})
    body = response.get_data()
    assert response.status_code == 200 and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Mois", "Partenaire", "Offre", "Avantages accordés", "Ambassadeurs"]
    uses = Counter((use.month, use.partner_id, use.offer_id) for use in _db.session.scalars(select(OfferUse)))
    assert len(rows) - 1 == len(uses) and sum(int(row[3]) for row in rows[1:]) == sum(uses.values())
    assert any(row[1] == "Musée Christian Dior" for row in rows[1:])  # the accent survives


def test_contributed_csv_refuses_bad_filters(data, client, make_user, login):
    login(make_user("staff"))
    assert client.get("/office/dashboard/partner_uses.csv?period=month:2026-13").status_code == 400
    assert client.get("/office/dashboard/no_such_table.csv").status_code == 404
