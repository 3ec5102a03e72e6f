"""Staff and guides build the programme through the pages; staff cancel a session."""

from datetime import timedelta

from sqlalchemy import func, select

from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import booking, rules
from learnapp.visits.models import Visit, VisitSession

VISIT = {"slug": "haute-ville", "title": "La Haute-Ville de Granville", "description": "Les **remparts**.",
         "meeting_point": "Place de l'Isthme", "map_url": "https://www.openstreetmap.org/#map=17/48.8378/-1.6",
         "duration_minutes": "90", "accessibility": "Pavés et escaliers.", "audiences": ["teen", "adult"],
         "language": "fr", "guide": "0"}


def count(db, model):
    return db.session.scalar(select(func.count()).select_from(model))


def next_local_date(days: int):
    return rules.local(utcnow()).date() + timedelta(days=days)


def test_staff_create_a_visit_then_weekly_sessions(client, db, login, make_user):
    login(make_user("staff"))
    response = client.post("/office/visits/new", data=VISIT)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/office/visits/haute-ville/sessions/new")
    visit = db.session.scalar(select(Visit))
    assert "<strong>remparts</strong>" in visit.description_html
    response = client.post("/office/visits/haute-ville/sessions/new", data={
        "repeat": "weekly", "date": next_local_date(3).isoformat(), "time": "14:30", "weeks": "4",
        "duration_minutes": "90", "capacity": "12", "guide": "0", "cancel_hours_before": "24"})
    assert response.status_code == 302, response.get_data(as_text=True)
    starts = db.session.scalars(select(VisitSession.starts_at).order_by(VisitSession.starts_at)).all()
    assert [rules.local(s).strftime("%H:%M") for s in starts] == ["14:30"] * 4
    assert (starts[1] - starts[0]).days in (6, 7)


def test_chosen_dates_and_their_mistakes(client, db, login, make_user, make_visit):
    login(make_user("staff"))
    make_visit(slug="chausey")
    form = {"repeat": "dates", "time": "09:00", "duration_minutes": "480", "capacity": "30", "guide": "0",
            "dates": f"{next_local_date(5)}\n{next_local_date(9)}"}
    assert client.post("/office/visits/chausey/sessions/new", data=form).status_code == 302
    assert count(db, VisitSession) == 2
    again = client.post("/office/visits/chausey/sessions/new", data=form)
    assert again.status_code == 409 and "déjà une séance" in again.get_data(as_text=True)
    bad = client.post("/office/visits/chausey/sessions/new", data={**form, "dates": "31/12/2026"})
    assert bad.status_code == 400 and "AAAA-MM-JJ" in bad.get_data(as_text=True)
    past = client.post("/office/visits/chausey/sessions/new", data={
        **form, "dates": str(next_local_date(-2))})
    assert past.status_code == 400 and "dans le passé" in past.get_data(as_text=True)
    assert count(db, VisitSession) == 2


def test_bad_visit_forms_change_nothing(client, db, login, make_user, make_visit):
    login(make_user("staff"))
    make_visit(slug="taken")
    assert client.post("/office/visits/new", data={**VISIT, "slug": "Haute Ville"}).status_code == 400
    assert client.post("/office/visits/new", data={**VISIT, "slug": "taken"}).status_code == 409
    assert client.post("/office/visits/new", data={**VISIT, "audiences": []}).status_code == 400
    assert client.post("/office/visits/new", data={**VISIT, "map_url": "javascript:alert(1)"}).status_code == 400
    assert client.post("/office/visits/new", data={**VISIT, "duration_minutes": "douze"}).status_code == 400
    assert count(db, Visit) == 1


def test_a_guide_plans_their_own_visits_only(client, db, login, make_user, make_visit):
    guide, other = make_user("guide"), make_user("guide")
    mine, theirs = make_visit(guide=guide), make_visit(guide=other)
    login(guide)
    assert client.get(f"/office/visits/{mine.slug}/sessions/new").status_code == 200
    assert client.get(f"/office/visits/{theirs.slug}/sessions/new").status_code == 403
    assert client.get("/office/visits/nope/sessions/new").status_code == 404


def test_a_guide_cannot_be_in_two_places(client, db, login, make_user, make_visit, make_session):
    guide = make_user("guide")
    first, second = make_visit(guide=guide), make_visit(guide=guide)
    day = next_local_date(6)
    login(guide)
    form = {"repeat": "once", "date": day.isoformat(), "time": "10:00", "duration_minutes": "120",
            "capacity": "10", "guide": str(guide.id)}
    assert client.post(f"/office/visits/{first.slug}/sessions/new", data=form).status_code == 302
    clash = client.post(f"/office/visits/{second.slug}/sessions/new", data={**form, "time": "11:00"})
    assert clash.status_code == 409 and "au même moment" in clash.get_data(as_text=True)


def test_staff_cancel_a_session_and_change_its_seats(client, db, login, make_user, make_session):
    staff = make_user("staff")
    session = make_session(capacity=1)
    booking.book(make_user(), session, now=utcnow())
    waiting = booking.book(make_user(), session, now=utcnow()).booking
    db.session.commit()
    login(staff)
    page = client.get(f"/office/visits/session/{session.id}")
    assert page.status_code == 200
    assert client.post(f"/office/visits/session/{session.id}/capacity", data={"capacity": "0"}).status_code == 400
    assert client.post(f"/office/visits/session/{session.id}/capacity", data={"capacity": "2"}).status_code == 302
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    assert client.post(f"/office/visits/session/{session.id}/cancel").status_code == 302
    db.session.refresh(session)
    assert session.status == "cancelled"
    assert client.post(f"/office/visits/session/{session.id}/cancel").status_code == 409
    assert count(db, OutboxMessage) >= 4
    overview = client.get("/office/visits/")
    assert overview.status_code == 200 and "annulée" in overview.get_data(as_text=True)


def test_a_guide_cannot_cancel_a_session(client, login, make_user, make_session, make_visit):
    guide = make_user("guide")
    session = make_session(visit=make_visit(guide=guide))
    login(guide)
    assert client.post(f"/office/visits/session/{session.id}/cancel").status_code == 403


def test_a_cover_image_is_checked_and_shown(client, db, login, make_user):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 92, 122)).save(buffer, format="PNG")
    login(make_user("staff"))
    bad = client.post("/office/visits/new", data={**VISIT, "cover": (io.BytesIO(b"not an image"), "x.png")},
                      content_type="multipart/form-data")
    assert bad.status_code == 400 and count(db, Visit) == 0
    response = client.post("/office/visits/new", data={
        **VISIT, "cover": (io.BytesIO(buffer.getvalue()), "remparts.png"), "cover_alt": "Les remparts"},
        content_type="multipart/form-data")
    assert response.status_code == 302
    client.post("/office/visits/haute-ville/sessions/new", data={
        "repeat": "once", "date": next_local_date(3).isoformat(), "time": "14:30",
        "duration_minutes": "90", "capacity": "12", "guide": "0"})
    session = db.session.scalar(select(VisitSession))
    page = client.get(f"/visits/session/{session.id}").get_data(as_text=True)
    assert 'alt="Les remparts"' in page and 'src="/media/' in page
