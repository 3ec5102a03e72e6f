"""The office's pages through the client: who may open them, bad filters, the audit log, the
monthly report (download and command line), the seams other domains plug into, the chart cache."""

from __future__ import annotations

import html
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import exists, func, select

from learnapp.auth.models import AuditEntry
from learnapp.certificates.models import Certificate
from learnapp.core.chart_cache import ChartCache
from learnapp.office import seams
from tests.office.builders import world

URLS = ["/office/dashboard/", "/office/dashboard/funnel.csv", "/office/audit/", "/office/reports/2026-11.pdf"]


@pytest.mark.parametrize("url", URLS)
def test_only_staff_open_the_office(client, make_user, login, url):
    assert client.get(url).status_code == 302  # to the login page
    for role in ("learner", "teacher", "guide", "partner"):
        login(make_user(role))
        assert client.get(url).status_code == 403
        client.post("/logout")


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff", name="Agnès Lebrun")
    login(user)
    return user


def test_empty_dashboard_is_an_empty_state_not_an_error(client, staff):
    page = client.get("/office/dashboard/", headers={"Accept-Language": "fr"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "aucun taux à montrer" in html and "Aucune séance de visite sur la période." in html
    assert "Aucun compte créé sur la période" in html  # staff accounts are not in the funnel
    assert "Ont ouvert une leçon" in html


@pytest.mark.parametrize(("query", "message"), [
    ("period=week:2026-11", "Type de période inconnu"),
    ("period=month:2026-13", "Période illisible"),
    ("period=month:２０２６-１１", "Période illisible"),  # full-width digits: no kept rate would match
    ("period=month:1850-01", "hors de la plage possible"),
    ("period=school_year:2027-2026", "Une année scolaire va d'une année à la suivante"),
    ("age=senior", "Tranche d'âge inconnue"),
    ("region=3", "Filtre inconnu : « region »"),
    ("school=999", "Valeur inconnue pour le filtre « school » : « 999 »"),
    ("period=month:2026-11&period=month:2026-10", "donné plusieurs fois"),
    ("period=" + "9" * 5000, "Type de période inconnu"),
])
def test_bad_filters_get_a_message_and_400(client, staff, query, message):
    page = client.get(f"/office/dashboard/?{query}", headers={"Accept-Language": "fr"})
    assert page.status_code == 400
    html = page.get_data(as_text=True).replace("&#39;", "'")
    assert message in html and 'role="alert"' in html
    assert "<svg" not in html  # nothing computed
    assert client.get(f"/office/dashboard/funnel.csv?{query}").status_code == 400


def test_bad_filters_in_english(client, staff):
    page = client.get("/office/dashboard/?age=senior", headers={"Accept-Language": "en"})
    assert page.status_code == 400 and "Unknown age group: “senior”." in page.get_data(as_text=True)


def test_unknown_table_is_404(client, staff):
    assert client.get("/office/dashboard/users.csv").status_code == 404


def _chart_urls(page_html: str) -> list[str]:
    return [html.unescape(url) for url in re.findall(r'<img class="chart-svg" src="([^"]+)"', page_html)]


def test_charts_are_drawn_once_then_read_back(app, db, client, staff):
    world(people=20)
    page = client.get("/office/dashboard/?period=year:2026").get_data(as_text=True)
    assert "<svg" not in page  # the page waits for no drawing: its charts are images
    urls = _chart_urls(page)
    assert len(urls) == 4  # rates by age and by tier, funnel, visits
    first = [client.get(url) for url in urls]
    assert all(r.status_code == 200 and r.mimetype == "image/svg+xml" for r in first)
    stored = db.session.scalar(select(func.count()).select_from(ChartCache))
    second = [client.get(url) for url in _chart_urls(client.get("/office/dashboard/?period=year:2026")
                                                     .get_data(as_text=True))]
    assert db.session.scalar(select(func.count()).select_from(ChartCache)) == stored  # read back, not redrawn
    assert [r.get_data() for r in first] == [r.get_data() for r in second]
    teen = _chart_urls(client.get("/office/dashboard/?period=year:2026&age=teen").get_data(as_text=True))
    assert all(client.get(url).status_code == 200 for url in teen)  # another filter: other drawings
    assert db.session.scalar(select(func.count()).select_from(ChartCache)) > stored


def test_every_chart_has_a_text_alternative_and_a_table(client, staff):
    world(people=20)
    page = client.get("/office/dashboard/?period=year:2026", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    images = re.findall(r'<img class="chart-svg" src="[^"]+" alt="([^"]*)"', page)
    assert len(images) == 4 and all(alt.strip() for alt in images)
    assert page.count("<figcaption") == 4
    assert page.count('class="numbers"') == 5  # one per chart + visits per visit
    assert page.count('.csv?') == 5
    for url in _chart_urls(page):
        drawing = client.get(url, headers={"Accept-Language": "fr"}).get_data(as_text=True)
        assert drawing.count('role="img"') == 1 and "<title" in drawing and "<desc id=" in drawing


@pytest.mark.parametrize("query", ["", "?period=all&age=senior"])
def test_unknown_chart_or_bad_filter_is_refused(client, staff, query):
    status = 404 if not query else 400
    name = "users" if not query else "funnel"
    assert client.get(f"/office/dashboard/charts/{name}.svg{query}").status_code == status


def _audit(db, actor, action, when, subject="certificate:ABC", detail=""):
    db.session.add(AuditEntry(actor_id=actor.id if actor else None, action=action, subject=subject, detail=detail,
                              created_at=when))


def test_audit_log_filters_and_pages(db, client, staff, make_user):
    other = make_user("admin", name="Bérénice Admin")
    start = datetime(2026, 11, 1, 9, tzinfo=UTC)
    for n in range(120):
        _audit(db, staff if n % 2 else other, "certificate.revoke" if n % 3 else "role.grant",
               start + timedelta(hours=n), detail=f"n={n} « motif »")
    db.session.commit()
    page = client.get("/office/audit/?action=role.grant", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    roles_granted = 40 + 2  # ours, and the two grants make_user wrote
    assert f"{roles_granted} entrées" in html
    assert "Page 1 sur 1" not in html  # 42 entries fit on one page: no pager at all
    everything = client.get("/office/audit/").get_data(as_text=True)
    assert "Page 1 sur 3" in everything and "n=119 « motif »" in everything  # newest first
    by_actor = client.get("/office/audit/?actor=bérénice").get_data(as_text=True)
    assert "n=118" in by_actor and "n=119" not in by_actor
    # A day range, inclusive, in Paris time: 1 Nov 09:00 UTC + n hours.
    day = client.get("/office/audit/?from=2026-11-02&to=2026-11-02").get_data(as_text=True)
    assert "24 entrées" in day
    # A page past the end shows the last page, not an empty one or an error.
    last = client.get("/office/audit/?page=99999999999")
    assert last.status_code == 200 and "Page 3 sur 3" in last.get_data(as_text=True)


@pytest.mark.parametrize(("query", "message"), [
    ("from=2026-12-01&to=2026-11-01", "La date de début est après la date de fin."),
    ("from=01/11/2026", "Date illisible"),
    ("to=0001-01-01", "hors de la plage possible"),
    ("action=nothing.like.this", "Action inconnue"),
])
def test_audit_log_bad_filters(client, staff, query, message):
    page = client.get(f"/office/audit/?{query}", headers={"Accept-Language": "fr"})
    assert page.status_code == 400 and message in page.get_data(as_text=True).replace("&#39;", "'")


def test_monthly_report_download(client, staff):
    world(people=20)
    response = client.get("/office/reports/2026-11.pdf", headers={"Accept-Language": "fr"})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert 'filename="rapport-office-2026-11.pdf"' in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert "Rapport mensuel de l'office — novembre 2026" in text
    assert "Taux de certification par tranche d'âge" in text and "Définitions" in text
    assert sum(len(page.images) for page in reader.pages) == 4  # the charts, as PNG
    html = client.get("/office/reports/2026-11.html").get_data(as_text=True)
    assert html.count('role="img"') == 4 and "<link" not in html and "<script" not in html
    assert client.get("/office/reports/2026-13.pdf").status_code == 400
    assert client.get("/office/reports/2026-11.docx").status_code == 404


def test_report_command(runner, tmp_path):
    world(people=20)
    target = tmp_path / "novembre.pdf"
    result = runner.invoke(args=["office", "report", "--month", "2026-11", "--output", str(target)])
    assert result.exit_code == 0, result.output
    assert "Rapport écrit" in result.output
    assert "novembre 2026" in PdfReader(str(target)).pages[0].extract_text()
    html = tmp_path / "r.html"
    assert runner.invoke(args=["office", "report", "--month", "2026-11", "--format", "html",
                               "--output", str(html)]).exit_code == 0
    assert "novembre 2026" in html.read_text()
    bad = runner.invoke(args=["office", "report", "--month", "2026/11"])
    assert bad.exit_code == 2 and "Période illisible" in bad.output


def test_other_domains_plug_a_population_filter_and_a_funnel_step(app, client, staff):
    built = world(people=30)
    chosen = {u.id for u in built["users"][::2]}
    seams.add_population_filter(app, "cohort", "Groupe", choices=lambda: [("even", "Les pairs")],
                                condition=lambda value, user_id: user_id.in_(chosen))
    seams.add_funnel_step(app, "certified", "Ont un certificat",
                          reached=lambda user_id: exists().where(Certificate.user_id == user_id))
    page = client.get("/office/dashboard/?period=year:2026&cohort=even", headers={"Accept-Language": "fr"})
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert '<select id="filter-cohort" name="cohort">' in html and "Ont un certificat" in html
    assert "Le filtre par école" not in html
    assert client.get("/office/dashboard/?cohort=odd").status_code == 400
    whole = client.get("/office/dashboard/funnel.csv?period=year:2026&age=all", headers={"Accept-Language": "en"})
    part = client.get("/office/dashboard/funnel.csv?period=year:2026&age=all&cohort=even",
                      headers={"Accept-Language": "en"})
    registered = lambda r: int(r.get_data().decode("utf-8-sig").splitlines()[1].split(",")[1])  # noqa: E731
    assert 0 < registered(part) < registered(whole)
    assert part.get_data().decode("utf-8-sig").splitlines()[-1].startswith("Ont un certificat,0")
