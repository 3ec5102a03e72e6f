"""CSRF stays on here: a forged POST (no token, or a wrong one) changes nothing."""

import re

import pytest

from learnapp.auth.models import User


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_from(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def registration(**extra):
    return {"first_name": "Camille", "email": "camille@example.org", "birth_year": "1990",
            "password": "une phrase assez longue", "password_confirm": "une phrase assez longue",
            **extra}


@pytest.mark.parametrize("token", [None, "forged-token", ""])
def test_forged_post_is_refused_and_writes_nothing(client, db, token):
    data = registration() if token is None else registration(csrf_token=token)
    response = client.post("/register", data=data, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Le formulaire a expiré" in page or "formulaire" in page
    assert db.session.query(User).count() == 0


def test_post_with_the_real_token_works(client, db):
    token = token_from(client.get("/register").get_data(as_text=True))
    response = client.post("/register", data=registration(csrf_token=token))
    assert response.status_code == 200
    assert db.session.query(User).count() == 1


def test_language_switch_needs_a_token(client):
    assert client.post("/language", data={"language": "en"}).status_code == 400


def test_a_forged_role_grant_writes_nothing(client, db, make_user):
    admin, someone = make_user("admin"), make_user()
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": admin.email, "password": "correct horse battery",
                                "csrf_token": token})
    response = client.post(f"/admin/users/{someone.id}", data={"role": "admin", "action": "grant"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "form has expired" in response.get_data(as_text=True)
    db.session.refresh(someone)
    assert someone.role_names == ["learner"]


def test_a_forged_logout_does_not_sign_out(client, make_user):
    user = make_user()
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                "csrf_token": token})
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200


def test_a_token_from_another_session_is_refused(app, client, db):
    other = app.test_client()
    stolen = token_from(other.get("/register").get_data(as_text=True))
    client.get("/register")
    response = client.post("/register", data=registration(csrf_token=stolen))
    assert response.status_code == 400
    assert db.session.query(User).count() == 0


def test_an_anonymous_language_switch_from_our_pages_works(client):
    """Anonymous pages carry no token (they are revalidated by ETag): the browser's Origin header
    proves the switch was posted from one of our pages."""
    page = client.get("/").get_data(as_text=True)
    assert 'name="csrf_token"' not in page
    response = client.post("/language", data={"language": "en"},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 302
    assert "lang=en" in response.headers["Set-Cookie"]


@pytest.mark.parametrize("headers", [{"Origin": "https://evil.example"},
                                     {"Referer": "https://evil.example/page"}, {}])
def test_an_anonymous_language_switch_from_elsewhere_is_refused(client, headers):
    response = client.post("/language", data={"language": "en"}, headers=headers)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers


def test_a_signed_in_language_switch_needs_the_token(client, db, make_user):
    user = make_user()
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                "csrf_token": token})
    same_site = {"Origin": "http://localhost"}
    assert client.post("/language", data={"language": "en"}, headers=same_site).status_code == 400
    db.session.refresh(user)
    assert user.locale != "en"
    page = client.get("/account").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/language", data={"language": "en", "csrf_token": token}, headers=same_site)
    assert response.status_code == 302
    db.session.refresh(user)
    assert user.locale == "en"


def sign_in_with_token(client, user):
    token = token_from(client.get("/login").get_data(as_text=True))
    client.post("/login", data={"email": user.email, "password": "correct horse battery",
                                "csrf_token": token})


def test_forged_posts_cannot_end_sessions(app, client, db, make_user):
    from sqlalchemy import select

    from learnapp.auth.models import UserSession

    user = make_user()
    phone = app.test_client()
    sign_in_with_token(phone, user)
    sign_in_with_token(client, user)
    phone_session = db.session.scalars(select(UserSession).order_by(UserSession.id)).first()
    for path in (f"/account/sessions/{phone_session.id}/end", "/account/sessions/end-all",
                 "/account/confirm/resend"):
        assert client.post(path).status_code == 400, path
    assert phone.get("/account").status_code == 200
    assert client.get("/account").status_code == 200
    db.session.refresh(phone_session)
    assert phone_session.ended_at is None


def test_a_forged_confirmation_post_confirms_nothing(client, db):
    from learnapp.auth import services

    token = token_from(client.get("/register").get_data(as_text=True))
    client.post("/register", data=registration(csrf_token=token))
    user = db.session.query(User).one()
    link = services.address_confirmation_token(user, "test-secret-key-not-for-production")
    assert client.post(f"/account/confirm/{link}").status_code == 400
    db.session.refresh(user)
    assert user.email_confirmed_at is None
