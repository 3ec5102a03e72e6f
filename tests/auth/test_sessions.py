"""Server-side sessions (issue 8.1): a copied cookie dies with the session it belongs to."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from learnapp.auth import services
from learnapp.auth.models import UserSession
from learnapp.db import utcnow
from tests.conftest import TEST_PASSWORD, make_config

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
PHONE = ("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/126.0 Mobile Safari/537.36")


def copy_cookies(source, target):
    """What a thief with the cookie jar has: every cookie the browser held."""
    for name in ("session", "remember_token"):
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def sign_in(client, user, *, remember=False, agent=FIREFOX, address="192.0.2.10"):
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "remember": "y" if remember else ""},
                           headers={"User-Agent": agent}, environ_base={"REMOTE_ADDR": address})
    assert response.status_code == 302
    return response


def records(db, user):
    db.session.expire_all()
    return db.session.scalars(select(UserSession).where(UserSession.user_id == user.id)
                              .order_by(UserSession.id)).all()


def test_a_session_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    user = make_user()
    sign_in(client, user)
    thief = app.test_client()
    copy_cookies(client, thief)
    assert thief.get("/account").status_code == 200
    client.post("/logout")
    assert thief.get("/account").status_code == 302


def test_a_remember_me_cookie_copied_before_logout_no_longer_works(app, client, make_user):
    user = make_user()
    sign_in(client, user, remember=True)
    thief = app.test_client()
    thief.set_cookie("remember_token", client.get_cookie("remember_token").value)
    assert thief.get("/account").status_code == 200  # the remember cookie alone signs in
    copied = thief.get_cookie("remember_token").value
    client.post("/logout")
    fresh = app.test_client()
    fresh.set_cookie("remember_token", copied)
    assert fresh.get("/account").status_code == 302
    assert thief.get("/account").status_code == 302


def test_each_sign_in_is_a_record_with_a_device_label_and_address(client, db, make_user):
    user = make_user()
    sign_in(client, user, agent=PHONE, address="198.51.100.7")
    [record] = records(db, user)
    assert (record.label, record.address, record.ended_at) == ("Chrome, Android", "198.51.100.7", None)
    client.post("/logout")
    assert records(db, user)[0].ended_at is not None


def test_the_account_page_lists_sessions_and_ends_one(app, client, db, make_user):
    user = make_user()
    phone = app.test_client()
    sign_in(phone, user, agent=PHONE)
    sign_in(client, user)
    page = client.get("/account/sessions", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Chrome, Android" in page and "Firefox, Linux" in page and "this device" in page
    phone_record = records(db, user)[0]
    response = client.post(f"/account/sessions/{phone_record.id}/end")
    assert response.status_code == 302
    assert phone.get("/account").status_code == 302
    assert client.get("/account").status_code == 200  # this one stays


def test_nobody_ends_another_persons_session(app, client, db, make_user):
    owner, other = make_user(), make_user()
    owners_client = app.test_client()
    sign_in(owners_client, owner)
    sign_in(client, other)
    [owners_record] = records(db, owner)
    response = client.post(f"/account/sessions/{owners_record.id}/end")
    assert response.status_code == 404
    assert owners_client.get("/account").status_code == 200


def test_sign_out_everywhere_ends_every_session(app, client, db, make_user):
    user = make_user()
    others = [app.test_client() for _ in range(2)]
    for other in others:
        sign_in(other, user, remember=True)
    sign_in(client, user)
    client.post("/account/sessions/end-all")
    assert [o.get("/account").status_code for o in others] == [302, 302]
    assert client.get("/account").status_code == 302
    assert all(r.ended_at is not None for r in records(db, user))


def test_two_app_workers_agree_through_the_database(app, app_config, client, make_user):
    """A second app (another worker or host on the same database) honours a logout at once."""
    from learnapp import create_app
    from learnapp.extensions import db

    user = make_user()
    sign_in(client, user, remember=True)
    other_worker = create_app(make_config(app_config["DATABASE_URL"], app_config["INSTANCE_PATH"]))
    try:
        elsewhere = other_worker.test_client()
        copy_cookies(client, elsewhere)
        assert elsewhere.get("/account").status_code == 200
        client.post("/logout")
        assert elsewhere.get("/account").status_code == 302
    finally:
        # The second app has its own engine and pool: close them here, not in the garbage
        # collector (psycopg reports a connection deleted while open, in whichever test runs then).
        with other_worker.app_context():
            db.engine.dispose()


@pytest.mark.parametrize("roles, idle_minutes, still_in", [
    (("learner",), 31, True), (("staff",), 31, False), (("admin",), 31, False),
    (("learner",), 121, False),
])
def test_idle_time_out_is_shorter_for_staff_and_admins(client, db, make_user, roles, idle_minutes,
                                                       still_in):
    user = make_user(roles=roles)
    sign_in(client, user)
    db.session.execute(update(UserSession).values(
        last_seen_at=utcnow() - timedelta(minutes=idle_minutes)))
    db.session.commit()
    assert (client.get("/account").status_code == 200) is still_in


def test_a_remembered_learner_session_lasts_past_two_idle_hours_but_not_past_thirty_days(
        client, db, make_user):
    user = make_user()
    sign_in(client, user, remember=True)
    db.session.execute(update(UserSession).values(last_seen_at=utcnow() - timedelta(hours=5)))
    db.session.commit()
    assert client.get("/account").status_code == 200
    db.session.execute(update(UserSession).values(created_at=utcnow() - timedelta(days=31)))
    db.session.commit()
    assert client.get("/account").status_code == 302
    assert records(db, user)[0].ended_at is not None


def test_staff_sessions_end_after_twelve_hours_however_active(client, db, make_user):
    user = make_user("staff")
    sign_in(client, user, remember=True)
    db.session.execute(update(UserSession).values(created_at=utcnow() - timedelta(hours=13)))
    db.session.commit()
    assert client.get("/account").status_code == 302


def test_last_seen_is_written_at_most_once_a_minute(client, db, make_user):
    user = make_user()
    sign_in(client, user)
    seen = records(db, user)[0].last_seen_at
    client.get("/account")
    assert records(db, user)[0].last_seen_at == seen
    earlier = utcnow() - timedelta(minutes=2)
    db.session.execute(update(UserSession).values(last_seen_at=earlier))
    db.session.commit()
    client.get("/account")
    assert records(db, user)[0].last_seen_at > earlier


def test_removing_a_role_ends_the_accounts_sessions_at_once(app, client, db, make_user, login):
    admin, guide = make_user("admin"), make_user("guide")
    guides_client = app.test_client()
    sign_in(guides_client, guide)
    login(admin)
    client.post(f"/admin/users/{guide.id}", data={"role": "guide", "action": "remove"})
    assert guides_client.get("/account").status_code == 302


def test_deactivating_an_account_ends_its_sessions(app, client, db, make_user):
    user = make_user()
    sign_in(client, user, remember=True)
    services.deactivate(db.session.merge(user), actor=None, now=utcnow())
    db.session.commit()
    assert client.get("/account").status_code == 302
    assert all(r.ended_at is not None for r in records(db, user))


def test_a_signed_in_request_finds_its_session_account_and_roles_in_one_statement(client, db, make_user,
                                                                                    login):
    # Every signed-in page pays for this lookup: the record, the account and its roles together.
    from sqlalchemy import event

    from learnapp.auth.session import load_user

    staff = make_user("staff", roles=("staff", "teacher"))
    login(staff)
    with client.session_transaction() as cookie_session:
        session_id = cookie_session["_user_id"]
    record = records(db, staff)[0]
    db.session.expire_all()
    statements = []

    def count(*args):
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        with client.application.test_request_context("/"):
            assert load_user(session_id.rsplit(":", 1)[0] + ":not-the-key") is None
            statements.clear()
            user = load_user(session_id)
            assert len(statements) == 1, statements
            assert user is not None and user.id == staff.id
            assert user.role_names == ["staff", "teacher"]
            assert user.current_session.id == record.id
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(statements) == 1, statements
