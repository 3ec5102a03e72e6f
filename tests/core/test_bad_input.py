"""Odd requests get a clear page with the right status, change nothing, and never a 500."""

import io
import logging

import pytest
from sqlalchemy import func, select

from learnapp.auth.models import User
from learnapp.core.access import public
from learnapp.core.urls import MAX_ID, safe_next_url
from learnapp.extensions import db as _db
from tests.conftest import TEST_PASSWORD

REGISTRATION = {"first_name": "Camille", "email": "camille@example.org", "birth_year": "1990",
                "password": "une phrase assez longue", "password_confirm": "une phrase assez longue"}


def users(db) -> int:
    return db.session.scalar(select(func.count()).select_from(User))


# --- where a "next" may lead ----------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "/\r\nSet-Cookie: stolen=1", "/%0d%0a".replace("%0d%0a", "\r\n"), "/\t/evil.example",
    "/\n/evil.example", "/ok\x00", "/ok\x7f", "//evil.example", "/\\evil.example",
    "https://evil.example/", "https:evil.example", " //evil.example", "", None,
])
def test_safe_next_url_refuses_what_could_leave_the_site_or_break_the_header(target):
    assert safe_next_url(target, "/fallback") == "/fallback"


@pytest.mark.parametrize("target", ["/", "/account?tab=1#top", "/cours/é", "/a//b"])
def test_safe_next_url_keeps_a_path_on_this_site(target):
    assert safe_next_url(target, "/fallback") == target


def test_language_switch_with_a_newline_in_next_is_not_a_500(client):
    response = client.post("/language", data={"language": "en", "next": "/\r\nSet-Cookie: x=1"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_login_with_a_newline_in_next_is_not_a_500(client, make_user):
    user = make_user()
    response = client.post("/login?next=/account%0d%0aX-Evil:%201",
                           data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X-Evil" not in response.headers


# --- numbers in URLs ------------------------------------------------------------------------

@pytest.mark.parametrize("user_id", [str(MAX_ID + 1), "99999999999999999999999", "-1"])
def test_an_id_the_database_cannot_hold_is_a_404(client, make_user, login, user_id):
    login(make_user("admin"))
    response = client.get(f"/admin/users/{user_id}", headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert "Page not found" in response.get_data(as_text=True)


# --- what a form may carry ------------------------------------------------------------------

@pytest.mark.parametrize("body", [
    b'{"email": 1, "password": 2}', b'{"email": ["a@b.org"], "password": {"x": 1}}', b'[1, 2]',
    b'"text"', b'{not json',
])
def test_a_json_body_is_refused_with_415_not_read_into_the_form(client, db, body):
    for path in ("/register", "/password/forgot", "/login"):
        response = client.post(path, data=body, content_type="application/json",
                               headers={"Accept-Language": "en"})
        assert response.status_code == 415, path
        assert "Envoi" not in response.get_data(as_text=True)
        assert "not accepted" in response.get_data(as_text=True).lower()
    assert users(db) == 0


def test_a_plain_text_body_is_refused_in_french_too(client, make_user, login):
    login(make_user())
    response = client.post("/account", data=b"display_name=x", content_type="text/plain")
    assert response.status_code == 415
    assert "Envoyez ce formulaire depuis sa page" in response.get_data(as_text=True)


def test_a_json_body_with_the_csrf_header_is_refused_too(app, db):
    app.config["WTF_CSRF_ENABLED"] = True
    client = app.test_client()
    page = client.get("/register").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="', 1)[1].split('"', 1)[0]
    response = client.post("/password/forgot", data=b'{"email": 1}', content_type="application/json",
                           headers={"X-CSRFToken": token})
    assert response.status_code == 415


@pytest.mark.parametrize("field", ["first_name", "email", "password"])
def test_a_nul_character_in_a_form_is_refused_and_nothing_is_written(client, db, field):
    response = client.post("/register", data={**REGISTRATION, field: "ab\x00cdefghijkl"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "invalid character" in response.get_data(as_text=True)
    assert users(db) == 0


def test_a_nul_character_at_login_is_a_400_not_a_database_error(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email + "\x00", "password": TEST_PASSWORD})
    assert response.status_code == 400


@pytest.mark.parametrize("url, status", [
    ("/admin/users?q=a%00b", 400), ("/admin/users?a%00=1", 400), ("/admin/users/1%00", 404),
    ("/media/" + "a" * 63 + "%00.png", 400),
])
def test_a_nul_character_in_the_url_is_refused(client, make_user, login, url, status):
    login(make_user("admin"))
    assert client.get(url).status_code == status


def test_a_nul_character_in_an_uploaded_file_name_is_refused(client, make_user, login):
    login(make_user())
    response = client.post("/account", content_type="multipart/form-data",
                           data={"first_name": "Camille", "locale": "fr",
                                 "file": (io.BytesIO(b"x"), "photo\x00.png")})
    assert response.status_code == 400


def test_an_unknown_url_posted_as_json_is_still_a_404(client):
    response = client.post("/no-such-page", data=b"{}", content_type="application/json")
    assert response.status_code == 404


# --- error pages ----------------------------------------------------------------------------

def test_405_says_which_methods_are_allowed(client):
    response = client.get("/logout", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert "POST" in response.headers["Allow"]
    assert "Method not allowed" in response.get_data(as_text=True)


@pytest.mark.parametrize("language, text", [("fr", "Envoi trop volumineux"), ("en", "Upload too large")])
def test_413_in_both_languages(app, client, language, text):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/register", data={"first_name": "x" * 5000},
                           headers={"Accept-Language": language})
    assert response.status_code == 413
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize("language, text", [("fr", "Requête incorrecte"), ("en", "Bad request")])
def test_400_in_both_languages(client, language, text):
    response = client.get("/password/reset/not-a-token", headers={"Accept-Language": language})
    assert response.status_code == 400
    assert text in response.get_data(as_text=True)


def test_an_unexpected_error_is_logged_for_the_operator(app, client, caplog):
    from learnapp.core import errors

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_error_handler(Exception, errors.handle_unexpected)

    @app.get("/boom-for-test")
    @public
    def boom():
        raise RuntimeError("the detail an operator needs")

    with caplog.at_level(logging.ERROR):
        response = client.get("/boom-for-test")
    assert response.status_code == 500
    assert "the detail an operator needs" in caplog.text
    assert "the detail an operator needs" not in response.get_data(as_text=True)


def test_a_unique_value_taken_by_a_race_is_a_409_and_nothing_is_written(app, client, db, make_user):
    taken = make_user(email="taken@example.org")

    @app.post("/race-for-test")
    @public
    def race():
        # What a second request does when it checked just before the first one wrote.
        _db.session.add(User(display_name="Twin", email=taken.email, password_hash="x",
                             birth_year=1990))
        _db.session.commit()
        return "written"

    response = client.post("/race-for-test", headers={"Accept-Language": "en"})
    assert response.status_code == 409
    assert "Conflict" in response.get_data(as_text=True)
    assert users(db) == 1


# --- headers --------------------------------------------------------------------------------

def test_csp_allows_images_from_this_site_only(client):
    csp = dict(part.split(" ", 1) for part in client.get("/").headers["Content-Security-Policy"].split("; "))
    assert csp["img-src"] == "'self'"
    assert csp["object-src"] == "'none'" and csp["frame-ancestors"] == "'none'"
    assert all("unsafe" not in value and "data:" not in value for value in csp.values())


def test_hsts_only_when_served_over_https_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    app.config.update(SESSION_COOKIE_SECURE=True, BASE_URL="https://ambassadeurs.example")
    assert client.get("/").headers["Strict-Transport-Security"].startswith("max-age=")


def test_without_a_trusted_proxy_a_forged_forwarded_address_does_not_escape_the_limit(
        app, client, make_user):
    app.config["LOGIN_ADDRESS_CEILING"] = 3
    people = [make_user() for _ in range(4)]
    for number, user in enumerate(people[:3]):
        client.post("/login", data={"email": user.email, "password": "wrong one!"},
                    headers={"X-Forwarded-For": f"10.0.0.{number}"})
    response = client.post("/login", data={"email": people[3].email, "password": TEST_PASSWORD},
                           headers={"X-Forwarded-For": "10.9.9.9"})
    assert response.status_code == 429


@pytest.mark.parametrize("language, text", [("fr", "Accès refusé"), ("en", "Access denied")])
def test_403_in_both_languages(client, make_user, login, language, text):
    login(make_user())
    response = client.get("/admin/users", headers={"Accept-Language": language})
    assert response.status_code == 403
    assert text in response.get_data(as_text=True)


@pytest.mark.parametrize("language, text", [("fr", "Erreur du serveur"), ("en", "Server error")])
def test_500_in_both_languages_and_nothing_half_written(app, client, db, language, text):
    from learnapp.core import errors

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.register_error_handler(Exception, errors.handle_unexpected)

    @app.post("/half-written-for-test")
    @public
    def half_written():
        _db.session.add(User(display_name="Half", email="half@example.org", password_hash="x",
                             birth_year=1990))
        _db.session.flush()
        raise RuntimeError("after the first write")

    response = client.post("/half-written-for-test", headers={"Accept-Language": language})
    assert response.status_code == 500
    assert text in response.get_data(as_text=True)
    assert users(db) == 0
