"""Visit pages through the test client: public list and session page, booking, cancelling,
the learner's page; object-level checks; bad input answered clearly, nothing changed."""

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from learnapp.db import utcnow
from learnapp.visits import booking as booking_service
from learnapp.visits.models import Booking


def count_bookings(db):
    return db.session.scalar(select(func.count()).select_from(Booking))


def test_list_and_session_pages_are_public(client, make_session):
    session = make_session(capacity=4)
    page = client.get("/visits/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert session.visit.title in text and "4 places libres" in text
    detail = client.get(f"/visits/session/{session.id}")
    assert detail.status_code == 200
    body = detail.get_data(as_text=True)
    assert "Se connecter pour réserver" in body and "<strong>belle</strong>" in body


def test_list_filters_by_month_audience_and_free_seats(client, db, make_user, make_session, make_visit):
    kids = make_visit(title="Pêche à pied des enfants", audiences=("child",))
    full = make_session(capacity=1, visit=make_visit(title="Haute-Ville complète"))
    make_session(visit=kids, starts_in=timedelta(days=3))
    booking_service.book(make_user(), full, now=utcnow())
    db.session.commit()
    text = client.get("/visits/?audience=child").get_data(as_text=True)
    assert "Pêche à pied" in text and "Haute-Ville" not in text
    text = client.get("/visits/?free=y").get_data(as_text=True)
    assert "Haute-Ville" not in text and "Pêche à pied" in text
    text = client.get("/visits/").get_data(as_text=True)
    assert "Complet" in text
    month = (utcnow() + timedelta(days=400)).strftime("%Y-%m")
    assert client.get(f"/visits/?month={month}").status_code == 400  # beyond the months offered
    bad = client.get("/visits/?audience=martians")
    assert bad.status_code == 400 and "existe pas ; voici" in bad.get_data(as_text=True)


def test_the_list_is_rendered_once_per_state_and_shows_a_booking_at_once(app, client, db, make_user, make_session):
    session = make_session(capacity=2)
    assert "2 places libres" in client.get("/visits/").get_data(as_text=True)
    kept = len(app.extensions["learnapp.fragments"])
    assert "2 places libres" in client.get("/visits/").get_data(as_text=True)
    assert len(app.extensions["learnapp.fragments"]) == kept  # the same rows: the rendered list is reused
    booking_service.book(make_user(), session, now=utcnow())
    db.session.commit()
    text = client.get("/visits/").get_data(as_text=True)
    assert "1 place libre" in text and "2 places libres" not in text
    english = client.get("/visits/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "1 seat left" in english


def test_the_list_reads_its_rows_in_one_statement(client, db, make_session):
    make_session(capacity=2)
    make_session(capacity=3)
    client.get("/visits/")
    seen = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        text = client.get("/visits/").get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert "2 places libres" in text and "3 places libres" in text
    assert len(seen) == 1, seen  # the rows with their waitlists; the form and the count need none


def test_booking_needs_an_account(client, make_session):
    session = make_session()
    response = client.post(f"/visits/session/{session.id}/book", data={"seats": "1"})
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_book_then_cancel_through_the_pages(client, db, login, make_user, make_session):
    session = make_session(capacity=1)
    learner = make_user()
    login(learner)
    response = client.post(f"/visits/session/{session.id}/book", data={"seats": "1"}, follow_redirects=True)
    assert "est réservé !" in response.get_data(as_text=True)
    held = db.session.scalar(select(Booking))
    mine = client.get("/visits/mine").get_data(as_text=True)
    assert session.visit.title in mine and "Confirmée" in mine
    response = client.post(f"/visits/bookings/{held.id}/cancel", follow_redirects=True)
    assert "Votre réservation est annulée" in response.get_data(as_text=True)
    db.session.refresh(held)
    assert held.status == "cancelled"


def test_a_full_session_shows_the_waitlist_place(client, db, login, make_user, make_session):
    session = make_session(capacity=1)
    booking_service.book(make_user(), session, now=utcnow())
    db.session.commit()
    login(make_user())
    page = client.get(f"/visits/session/{session.id}").get_data(as_text=True)
    assert "inscrire sur la liste" in page
    response = client.post(f"/visits/session/{session.id}/book", data={"seats": "1"}, follow_redirects=True)
    assert "à la place 1" in response.get_data(as_text=True)


def test_an_adult_books_seats_for_children_by_first_name(client, db, login, make_user, make_session):
    session = make_session(capacity=5)
    login(make_user())
    client.post(f"/visits/session/{session.id}/book", data={"seats": "3", "children": "Lou\nTom"})
    held = db.session.scalar(select(Booking))
    assert (held.seats, held.children) == (3, ["Lou", "Tom"])


@pytest.mark.parametrize(("form", "status", "words"), [
    ({"seats": "0"}, 400, "au moins 1"),
    ({"seats": "-2"}, 400, "au moins 1"),
    ({"seats": "7"}, 400, "Au plus 6 places"),
    ({"seats": "abc"}, 400, "nombre entier"),
    ({"seats": ""}, 400, "nombre entier"),
    ({"seats": "2"}, 400, "Donnez un prénom"),
])
def test_bad_seat_numbers_are_refused_clearly(client, db, login, make_user, make_session, form, status, words):
    session = make_session()
    login(make_user())
    response = client.post(f"/visits/session/{session.id}/book", data=form)
    assert response.status_code == status
    assert words in response.get_data(as_text=True)
    assert count_bookings(db) == 0


def test_closed_past_cancelled_and_wrong_audience_sessions_are_refused(client, db, login, make_user,
                                                                      make_session, make_visit):
    staff = make_user("staff")
    closed = make_session(booking_closes_at=utcnow() - timedelta(hours=1))
    kids = make_session(visit=make_visit(audiences=("child",)))
    cancelled = make_session()
    booking_service.cancel_session(cancelled, actor=staff, now=utcnow())
    db.session.commit()
    login(make_user())
    for session, status, words in [(closed, 409, "sont closes"), (kids, 403, "tranche d&#39;âge"),
                                   (cancelled, 409, "annulée")]:
        response = client.post(f"/visits/session/{session.id}/book", data={"seats": "1"})
        assert response.status_code == status, words
        assert words in response.get_data(as_text=True)
    assert count_bookings(db) == 0
    english = client.post(f"/visits/session/{kids.id}/book", data={"seats": "1"},
                          headers={"Cookie": "lang=en"})
    assert english.status_code == 403


def test_someone_elses_booking_is_not_found(client, db, login, make_user, make_session):
    session = make_session()
    owner, other = make_user(), make_user()
    held = booking_service.book(owner, session, now=utcnow()).booking
    db.session.commit()
    login(other)
    assert client.post(f"/visits/bookings/{held.id}/cancel").status_code == 404
    assert client.get(f"/visits/bookings/{held.id}.ics").status_code == 404
    db.session.refresh(held)
    assert held.status == "confirmed"


def test_after_the_deadline_the_learner_cannot_cancel(client, db, login, make_user, make_session):
    session = make_session(starts_in=timedelta(hours=5))
    learner = make_user()
    held = booking_service.book(learner, session, now=utcnow()).booking
    db.session.commit()
    login(learner)
    response = client.post(f"/visits/bookings/{held.id}/cancel")
    assert response.status_code == 409 and "lai d&#39;annulation" in response.get_data(as_text=True)
    db.session.refresh(held)
    assert held.status == "confirmed"


def test_unknown_ids_are_404(client, login, make_user):
    assert client.get("/visits/session/999").status_code == 404
    login(make_user())
    assert client.post("/visits/session/999/book", data={"seats": "1"}).status_code == 404
    assert client.post("/visits/bookings/999/cancel").status_code == 404


def test_visits_appear_on_the_home_and_account_pages_and_in_the_staff_area(client, login, make_user):
    assert 'href="/visits/"' in client.get("/").get_data(as_text=True)
    login(make_user("staff"))
    account = client.get("/account").get_data(as_text=True)
    assert 'href="/visits/mine#feed-title"' in account
    assert 'href="/office/visits/"' in client.get("/office/").get_data(as_text=True)


def test_an_unconfirmed_address_cannot_book(client, db, login, make_user, make_session):
    session = make_session()
    learner = make_user()
    learner.email_confirmed_at = None
    db.session.commit()
    login(learner)
    response = client.post(f"/visits/session/{session.id}/book", data={"seats": "1"})
    assert response.status_code == 403 and "Confirmez d" in response.get_data(as_text=True)
    assert count_bookings(db) == 0


def test_my_bookings_page_costs_the_same_for_one_booking_or_four(client, db, login, make_user, make_session):
    """Each booking's session and visit come with the bookings, never one query per row."""
    learner = make_user()
    login(learner)

    def statements_of_my_page():
        seen = []

        def record(*args):
            seen.append(args[2])

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            page = client.get("/visits/mine")
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        assert page.status_code == 200
        return len(seen), page.get_data(as_text=True)

    sessions = [make_session(starts_in=timedelta(days=3 + 2 * n)) for n in range(4)]
    booking_service.book(learner, sessions[0], now=utcnow())
    db.session.commit()
    client.get("/visits/mine")  # the first request after signing in may touch the session
    one, _ = statements_of_my_page()
    for session in sessions[1:]:
        booking_service.book(learner, session, now=utcnow())
    db.session.commit()
    db.session.expire_all()
    four, text = statements_of_my_page()
    assert all(session.visit.title in text for session in sessions)
    assert four == one
