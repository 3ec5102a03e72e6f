"""The public session page: one query, its fixed parts rendered once, and never stale — a
booking, a cancellation, a waitlist move or a staff edit shows on the very next request."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from learnapp.db import utcnow
from learnapp.visits import booking as booking_service
from learnapp.visits import programme
from learnapp.visits.models import Booking
from tests.conftest import TEST_PASSWORD


@pytest.fixture
def statements(db):
    """statements() → the SQL run while the ``with`` block of the returned recorder is open."""

    class Recorder:
        def __enter__(self):
            self.seen = []
            event.listen(db.engine, "before_cursor_execute", self._record)
            return self.seen

        def __exit__(self, *exc):
            event.remove(db.engine, "before_cursor_execute", self._record)

        def _record(self, conn, cursor, statement, *args):
            self.seen.append(statement)

    return Recorder


def visit_statements(seen):
    return [s for s in seen if "visit_" in s]


def fragments(app):
    return len(app.extensions["learnapp.fragments"])


def test_the_page_reads_the_session_in_one_statement(client, db, login, make_user, make_session, statements):
    session = make_session(capacity=1)
    url = f"/visits/session/{session.id}"
    booking_service.book(make_user(), session, now=utcnow())
    db.session.commit()
    client.get(url)
    with statements() as seen:
        page = client.get(url).get_data(as_text=True)
    assert "Complet" in page
    assert len(seen) == 1, seen  # anonymous: the page's statement and nothing else

    waiting = make_user()
    booking_service.book(waiting, session, now=utcnow())
    db.session.commit()
    login(waiting)
    with statements() as seen:
        page = client.get(url).get_data(as_text=True)
    assert "à la place 1" in page
    assert len(visit_statements(seen)) == 1, [s[:150] for s in seen]  # the seats, the waitlist and my place at once


def test_the_fixed_parts_are_rendered_once_and_the_seats_on_every_request(app, client, db, make_user,
                                                                         make_session):
    session = make_session(capacity=3)
    assert "3 places libres" in client.get(f"/visits/session/{session.id}").get_data(as_text=True)
    kept = fragments(app)
    assert "3 places libres" in client.get(f"/visits/session/{session.id}").get_data(as_text=True)
    assert fragments(app) == kept  # nothing rendered anew
    booking_service.book(make_user(), session, now=utcnow())
    db.session.commit()
    page = client.get(f"/visits/session/{session.id}").get_data(as_text=True)
    assert "2 places libres" in page and "3 places libres" not in page
    assert fragments(app) == kept  # the seats changed, not the visit: the fixed parts are reused


def test_a_staff_edit_shows_at_once(client, db, make_user, make_session):
    staff = make_user("staff")
    session = make_session()
    url = f"/visits/session/{session.id}"
    assert "Office de tourisme, 4 cours Jonville" in client.get(url).get_data(as_text=True)

    visit = session.visit
    programme.update_visit(visit, programme.VisitFields(
        slug=visit.slug, title="Les remparts au couchant", description="Une visite *nouvelle*.",
        meeting_point="Porte Saint-Jean", accessibility="Pavés, marches"), actor=staff, now=utcnow())
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "<h1>Les remparts au couchant</h1>" in page and "<em>nouvelle</em>" in page
    assert "Porte Saint-Jean" in page and "Pavés, marches" in page
    assert "cours Jonville" not in page and "<strong>belle</strong>" not in page

    start = session.starts_at + timedelta(days=1, hours=2)
    programme.update_session(session, programme.SessionPlan(
        starts_at=start, ends_at=start + timedelta(hours=1), capacity=session.capacity), actor=staff, now=utcnow())
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert re.search(r'<p class="lead">[^<]*' + start.astimezone(programme.rules.PARIS).strftime("%H:%M"), page)

    booking_service.cancel_session(session, actor=staff, now=utcnow())
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Cette séance est annulée." in page and "ne peut plus être réservée" in page


def test_booking_and_cancelling_show_at_once(client, db, login, make_user, make_session):
    session = make_session(capacity=3)
    url = f"/visits/session/{session.id}"
    learner = make_user()
    login(learner)
    page = client.get(url).get_data(as_text=True)
    assert "3 places libres" in page and "Réserver ma place" in page

    page = client.post(f"{url}/book", data={"seats": "1"}, follow_redirects=True).get_data(as_text=True)
    assert "Vous avez une place réservée" in page and "2 places libres" in page
    assert "Réserver ma place" not in page

    held = db.session.scalar(select(Booking).where(Booking.user_id == learner.id))
    client.post(f"/visits/bookings/{held.id}/cancel")
    page = client.get(url).get_data(as_text=True)
    assert "Vous avez une place réservée" not in page
    assert "3 places libres" in page and "Réserver ma place" in page


def test_a_waitlist_place_moves_up_at_once(client, db, login, make_user, make_session):
    session = make_session(capacity=1)
    url = f"/visits/session/{session.id}"
    first, second, third = make_user(), make_user(), make_user()
    for person in (first, second, third):
        booking_service.book(person, session, now=utcnow())
    db.session.commit()
    assert "2 personnes en liste d'attente" in client.get(url).get_data(as_text=True)
    login(third)
    assert "à la place 2." in client.get(url).get_data(as_text=True)

    ahead = db.session.scalar(select(Booking).where(Booking.user_id == second.id))
    booking_service.cancel(ahead, actor=second, now=utcnow())
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "à la place 1." in page and "1 personne en liste d'attente" in page

    confirmed = db.session.scalar(select(Booking).where(Booking.user_id == first.id))
    booking_service.cancel(confirmed, actor=first, now=utcnow())  # the seat goes to the third
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert "Vous avez une place réservée" in page and "liste d'attente" not in page


def test_each_language_and_each_age_gets_its_own_rendering(client, login, make_user, make_session):
    session = make_session(capacity=3)
    url = f"/visits/session/{session.id}"
    assert "Rendez-vous" in client.get(url).get_data(as_text=True)
    english = client.get(url, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Meeting point" in english and "3 seats left" in english and "Rendez-vous" not in english
    assert "Rendez-vous" in client.get(url).get_data(as_text=True)

    login(make_user(age_group="teen"))
    teen = client.get(url).get_data(as_text=True)
    assert '<input type="hidden" name="seats" value="1">' in teen and 'id="children"' not in teen
    client.post("/logout")
    login(make_user())
    adult = client.get(url).get_data(as_text=True)
    assert 'id="seats"' in adult and 'id="children"' in adult


class TestWithCsrf:
    @pytest.fixture
    def app_config(self, app_config):
        return {**app_config, "WTF_CSRF_ENABLED": True}

    @staticmethod
    def sign_in(client, user):
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                               "csrf_token": token.group(1)})
        assert response.status_code == 302

    @staticmethod
    def form_token(page):
        form = re.search(r'<form method="post" action="/visits/session/\d+/book".*?</form>', page, re.S).group(0)
        return re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)

    def test_the_booking_form_carries_each_readers_own_token(self, app, client, db, make_user, make_session):
        session = make_session(capacity=5)
        url = f"/visits/session/{session.id}"
        anonymous = client.get(url).get_data(as_text=True)
        assert "csrf_token" not in anonymous  # nothing personal: the page can be revalidated by ETag

        tokens = set()
        for learner in (make_user(), make_user()):
            own = app.test_client()  # a browser of one's own
            self.sign_in(own, learner)
            page = own.get(url).get_data(as_text=True)  # the second one gets the cached blank form
            forged = own.post(f"{url}/book", data={"seats": "1", "csrf_token": "forged"})
            assert forged.status_code == 400
            tokens.add(self.form_token(page))
            response = own.post(f"{url}/book", data={"seats": "1", "csrf_token": self.form_token(page)})
            assert response.status_code == 302
        assert len(tokens) == 2
        assert len(db.session.scalars(select(Booking).where(Booking.session_id == session.id)).all()) == 2
