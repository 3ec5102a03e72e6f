"""Guided visits in a real browser: the last seat, the waitlist, a cancellation that promotes,
the promotion e-mail; the guide's roster on a 390 px phone; axe-core on every visit page."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import booking, programme
from tests.e2e.conftest import log_in, sideways_overflow

pytestmark = pytest.mark.e2e



def _session(db, guide, *, starts_in, capacity, slug):
    now = utcnow()
    visit = programme.create_visit(programme.VisitFields(
        slug=slug, title="La Haute-Ville, cité corsaire", description="Les **remparts** et la Grand'Porte.",
        meeting_point="Devant la Grand'Porte, Granville", guide_id=guide.id), now=now)
    start = (now + starts_in).replace(second=0, microsecond=0)
    [session] = programme.add_sessions(visit, [programme.SessionPlan(
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=capacity)], now=now)
    db.session.commit()
    return session


def test_last_seat_waitlist_and_promotion(app, db, browser, live_server, page, make_user, assert_accessible):
    guide = make_user("guide")
    session = _session(db, guide, starts_in=timedelta(days=5), capacity=1, slug="haute-ville")
    first, second = make_user(name="Claire"), make_user(name="Yann")

    log_in(page, first)
    page.goto("/visits/")
    assert_accessible(page)
    page.get_by_role("link", name="La Haute-Ville, cité corsaire").click()
    expect(page.get_by_text("1 place libre")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Réserver ma place").click()
    expect(page.get_by_text("C'est réservé !")).to_be_visible()

    other = browser.new_context(base_url=live_server, locale="fr-FR", viewport={"width": 390, "height": 844},
                                bypass_csp=True)
    second_page = other.new_page()
    second_page.set_default_timeout(10_000)
    log_in(second_page, second)
    second_page.goto(f"/visits/session/{session.id}")
    expect(second_page.get_by_text("Complet")).to_be_visible()
    second_page.get_by_role("button", name="M'inscrire sur la liste d'attente").click()
    expect(second_page.get_by_text("Vous êtes sur la liste d'attente, à la place 1.", exact=True)).to_be_visible()

    page.goto("/visits/mine")
    assert_accessible(page)
    page.get_by_role("button", name="Annuler cette réservation").click()
    expect(page.get_by_text("Votre réservation est annulée.")).to_be_visible()

    second_page.goto("/visits/mine")
    expect(second_page.get_by_text("Confirmée", exact=True)).to_be_visible()
    other.close()
    mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == second.email)
                              .order_by(OutboxMessage.id)).all()
    assert mail[-1].subject == "Une place s'est libérée : La Haute-Ville, cité corsaire"
    assert "maintenant confirmée" in mail[-1].body


def test_guide_marks_attendance_on_a_phone(app, db, page, make_user, assert_accessible):
    guide = make_user("guide", name="Gaël")
    session = _session(db, guide, starts_in=timedelta(minutes=30), capacity=5, slug="remparts")
    for name in ("Zoé Hébert", "Léon Marie"):
        booking.book(make_user(name=name), session, now=utcnow() - timedelta(days=1))
    db.session.commit()

    log_in(page, guide)
    page.goto(f"/office/visits/session/{session.id}/roster")
    assert sideways_overflow(page) <= 0
    assert_accessible(page)
    page.get_by_role("button", name="Présent : Zoé Hébert").click()
    row = page.locator(".roster-row", has_text="Zoé Hébert")
    expect(row.locator(".state-attended")).to_be_visible()
    expect(row.get_by_role("button", name="Présent : Zoé Hébert")).to_have_attribute("aria-pressed", "true")
    page.get_by_role("button", name="Absent : Léon Marie").click()
    expect(page.locator(".roster-row", has_text="Léon Marie").locator(".state-no_show")).to_be_visible()
    # A typed name finds the person.
    page.get_by_label("Nom ou numéro de réservation").fill("léon")
    page.get_by_role("button", name="Chercher").click()
    expect(page.locator(".roster-row")).to_have_count(1)
    assert sideways_overflow(page) <= 0
    assert_accessible(page)
