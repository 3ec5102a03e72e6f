"""Accounts at their edges: timing, remember me, odd input, limits on account changes."""

import re
import time

import pytest
from sqlalchemy import func, select

from learnapp.auth.models import User
from learnapp.mail.models import OutboxMessage
from tests.conftest import TEST_PASSWORD


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def fastest_login(client, email: str, tries: int = 3) -> float:
    durations = []
    for _ in range(tries):
        start = time.perf_counter()
        response = client.post("/login", data={"email": email, "password": "not the password"})
        durations.append(time.perf_counter() - start)
        assert response.status_code == 401
    return min(durations)


def test_login_takes_as_long_for_an_unknown_address_as_for_a_wrong_password(app, client,
                                                                             make_user):
    app.config["LOGIN_ADDRESS_CEILING"] = 100
    user = make_user()
    known = fastest_login(client, user.email)
    unknown = fastest_login(client, "nobody-here@example.org")
    # Checking a password hash is what takes time (~0.1 s); without a decoy check an unknown
    # address answers some 40 times faster, which tells an attacker who has an account.
    assert unknown > known / 3, (known, unknown)


def test_an_inactive_account_cannot_log_in(client, db, make_user):
    user = make_user()
    user.is_active_account = False
    db.session.commit()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 401


# --- remember me ----------------------------------------------------------------------------

def session_cookies_only(client):
    """What is left when the browser is closed: the session cookie goes, remember_token stays."""
    client.delete_cookie("session")


def test_remember_me_keeps_the_account_signed_in_after_the_browser_closes(client, make_user):
    user = make_user()
    client.post("/login", data={"email": user.email, "password": TEST_PASSWORD, "remember": "y"})
    session_cookies_only(client)
    assert client.get("/account").status_code == 200


def test_without_remember_me_closing_the_browser_signs_out(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    assert not [c for c in response.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    session = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("session=")]
    assert session and "Expires" not in session[0]  # a browser-session cookie
    session_cookies_only(client)
    assert client.get("/account").status_code == 302


def test_a_remember_cookie_dies_when_the_password_changes(app, client, db, make_user, login):
    user = make_user()
    login(user, remember=True)  # asserts the login itself succeeded
    session_cookies_only(client)
    assert client.get("/account").status_code == 200  # the remember cookie alone signs in...
    user.set_password("a completely new phrase")
    db.session.commit()
    session_cookies_only(client)
    response = client.get("/account")
    assert response.status_code == 302  # ...until the password changes
    assert response.headers["Location"].startswith("/login")


def test_production_cookies_are_secure(app, client, make_user):
    app.config.update(SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    for name in ("session=", "remember_token="):
        cookie = next(c for c in cookies if c.startswith(name))
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- forms ----------------------------------------------------------------------------------

def test_forgot_password_works_for_an_address_a_strict_check_would_refuse(client, db, make_user):
    user = make_user(email="admin@demo.learnapp.local")  # the demo's addresses
    response = client.post("/password/forgot", data={"email": " Admin@Demo.Learnapp.Local "})
    assert response.status_code == 302
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None and message.recipient == user.email


def test_forgot_password_with_nothing_typed_is_a_400(client, db):
    response = client.post("/password/forgot", data={"email": ""})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_reset_form_mistakes_are_a_400(client, db, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    body = db.session.scalar(select(OutboxMessage)).body
    link = re.search(r"http://localhost(/password/reset/\S+)", body).group(1)
    response = client.post(link, data={"password": "short", "password_confirm": "short"})
    assert response.status_code == 400
    assert client.post("/login", data={"email": user.email,
                                       "password": TEST_PASSWORD}).status_code == 302


@pytest.mark.parametrize("name", ["   ", " a ", "x" * 81])
def test_profile_refuses_a_name_too_short_once_trimmed_or_too_long(client, db, make_user, login,
                                                                   name):
    user = make_user(name="Camille")
    login(user)
    response = client.post("/account", data={"first_name": name, "locale": "fr"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.display_name == "Camille"


def test_profile_refuses_an_unknown_language(client, db, make_user, login):
    user = make_user()
    login(user)
    response = client.post("/account", data={"first_name": "Camille", "locale": "xx"})
    assert response.status_code == 400
    db.session.refresh(user)
    assert user.locale != "xx"


def test_registration_trims_the_name_before_checking_its_length(client, db):
    response = client.post("/register", data={
        "first_name": "  L  ", "email": "l@example.org", "birth_year": "1990",
        "password": "une phrase assez longue", "password_confirm": "une phrase assez longue"})
    assert response.status_code == 400
    assert count(db, User) == 0


@pytest.mark.parametrize("year", ["99999999999999999999", "-5", "1990.5", "1 990", ""])
def test_registration_refuses_odd_birth_years(client, db, year):
    response = client.post("/register", data={
        "first_name": "Camille", "email": "c@example.org", "birth_year": year,
        "password": "une phrase assez longue", "password_confirm": "une phrase assez longue"})
    assert response.status_code == 400
    assert count(db, User) == 0


# --- the administrators' list ---------------------------------------------------------------

def test_admin_search_treats_percent_and_underscore_as_text(client, make_user, login):
    login(make_user("admin", name="Anne Admin"))
    make_user(name="Jean_Marc")
    make_user(name="Jeanne Marc")
    page = client.get("/admin/users?q=n_m").get_data(as_text=True)
    assert "Jean_Marc" in page and "Jeanne Marc" not in page
    assert "0 comptes" in client.get("/admin/users?q=%25").get_data(as_text=True)


def test_admin_search_finds_by_address_and_pages_keep_the_search(client, make_user, login):
    login(make_user("admin"))
    for number in range(30):
        make_user(email=f"marin{number}@port.example")
    make_user(email="someone@else.example")
    page = client.get("/admin/users?q=PORT.example").get_data(as_text=True)
    assert "30 comptes" in page and "someone@else.example" not in page
    assert "q=PORT.example" in page and "page=2" in page


# --- limits on account changes --------------------------------------------------------------

def test_a_stolen_session_cannot_guess_the_password_without_limit(app, client, db, make_user,
                                                                  login):
    app.config["ACCOUNT_CHANGE_LIMIT"] = "3 per hour"
    user = make_user()
    login(user)
    for guess in ("guess one!", "guess two!", "guess three!"):
        client.post("/account/email", data={"email": "thief@example.org",
                                            "current_password": guess})
    response = client.post("/account/email", data={"email": "thief@example.org",
                                                   "current_password": TEST_PASSWORD})
    assert response.status_code == 429
    assert count(db, OutboxMessage) == 0


def test_changing_the_password_is_limited_too(app, client, make_user, login):
    app.config["ACCOUNT_CHANGE_LIMIT"] = "2 per hour"
    login(make_user())
    for _ in range(2):
        client.post("/account/password", data={"current_password": "a wrong guess",
                                               "password": "a brand new phrase",
                                               "password_confirm": "a brand new phrase"})
    response = client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                                      "password": "a brand new phrase",
                                                      "password_confirm": "a brand new phrase"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_the_account_limit_is_per_account(app, client, db, make_user, login):
    app.config["ACCOUNT_CHANGE_LIMIT"] = "1 per hour"
    first, second = make_user(), make_user()
    login(first)
    client.post("/account/email", data={"email": "x@example.org", "current_password": "nope nope"})
    used_up = client.post("/account/email", data={"email": "x@example.org",
                                                  "current_password": TEST_PASSWORD})
    assert used_up.status_code == 429  # the first account's one change per hour is spent
    client.post("/logout")
    login(second)
    response = client.post("/account/email", data={"email": "y@example.org",
                                                   "current_password": TEST_PASSWORD})
    assert response.status_code == 302  # the second account still has its own
    message = db.session.scalar(select(OutboxMessage))
    assert message is not None and message.recipient == "y@example.org"


def test_the_new_address_must_be_an_address(client, db, make_user, login):
    login(make_user())
    response = client.post("/account/email", data={"email": "not an address",
                                                   "current_password": TEST_PASSWORD})
    assert response.status_code == 400
    assert count(db, OutboxMessage) == 0


def test_changing_the_password_keeps_this_device_remembered(client, make_user, login):
    user = make_user()
    login(user, remember=True)
    client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                           "password": "a brand new phrase",
                                           "password_confirm": "a brand new phrase"})
    session_cookies_only(client)
    assert client.get("/account").status_code == 200


def test_each_language_in_the_profile_is_marked_with_its_own_language(client, make_user, login):
    login(make_user())
    page = client.get("/account", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert re.search(r'<option[^>]*lang="fr"[^>]*>Français</option>', page)
    assert re.search(r'<option[^>]*lang="en"[^>]*>English</option>', page)
