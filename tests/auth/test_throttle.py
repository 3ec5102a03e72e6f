"""Sign-in throttles (issue 8.4): slow guessing down, never lock the owner or a school out."""

import time

import pytest

from learnapp.auth import rules
from tests.conftest import TEST_PASSWORD


def attempt(client, email, password="wrong one!", address="192.0.2.1", language="fr"):  # noqa: S107
    return client.post("/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers={"Accept-Language": language})


def test_the_delay_grows_and_is_capped():
    delays = [rules.failure_delay(n, free=5, cap_seconds=300) for n in range(1, 16)]
    assert delays == [0, 0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 300]


def test_failures_from_elsewhere_do_not_lock_the_owner_out(app, client, make_user):
    """Today: five wrong passwords from anywhere lock the owner out for 15 minutes."""
    user = make_user()
    owners_phone = app.test_client()
    attempt(owners_phone, user.email, TEST_PASSWORD, address="198.51.100.20")  # a known device
    owners_phone.post("/logout")
    for n in range(30):  # an attacker spread over thirty addresses
        attempt(client, user.email, address=f"203.0.113.{n}")
    response = attempt(owners_phone, user.email, TEST_PASSWORD, address="198.51.100.20")
    assert response.status_code == 302


def test_after_the_free_failures_each_try_waits_longer_with_retry_after(app, client, make_user):
    user = make_user()
    for _ in range(app.config["LOGIN_PAIR_FREE_FAILURES"]):
        assert attempt(client, user.email).status_code == 401
    assert attempt(client, user.email).status_code == 401  # the sixth counts: 1 s to wait now
    response = attempt(client, user.email, TEST_PASSWORD, language="en")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "1"
    page = response.get_data(as_text=True)
    assert "Too many attempts. Try again in 1 second (at " in page
    time.sleep(1.1)
    assert attempt(client, user.email).status_code == 401  # the seventh: 2 s now
    assert attempt(client, user.email, TEST_PASSWORD).headers["Retry-After"] == "2"
    time.sleep(2.1)
    assert attempt(client, user.email, TEST_PASSWORD).status_code == 302  # slowed, never blocked


def test_the_wait_is_said_in_french_too(app, client, make_user):
    app.config["LOGIN_PAIR_FREE_FAILURES"] = 0
    user = make_user()
    attempt(client, user.email)
    page = attempt(client, user.email, TEST_PASSWORD).get_data(as_text=True)
    assert "Trop de tentatives. Réessayez dans 1 seconde (à " in page


def test_a_guess_spread_over_many_addresses_is_slowed_for_unknown_devices(app, client, make_user):
    user = make_user()
    for n in range(app.config["LOGIN_ACCOUNT_FREE_FAILURES"] + 1):
        attempt(client, user.email, address=f"203.0.113.{n}")
    response = attempt(app.test_client(), user.email, TEST_PASSWORD, address="203.0.113.200")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1


def test_a_class_of_thirty_behind_one_router_all_get_in(client, make_user):
    """Today: twenty failures from one address block the whole school."""
    pupils = [make_user() for _ in range(30)]
    for pupil in pupils:
        for _ in range(2):  # sixty failures in a few minutes, three times the old ceiling
            assert attempt(client, pupil.email, address="10.20.30.40").status_code == 401
    for pupil in pupils:
        assert attempt(client, pupil.email, TEST_PASSWORD, address="10.20.30.40").status_code == 302
        client.post("/logout")


def test_the_address_ceiling_still_stops_a_spray_with_retry_after(app, client, make_user):
    app.config["LOGIN_ADDRESS_CEILING"] = 5
    user = make_user()
    for n in range(5):
        attempt(client, f"someone{n}@example.org")
    response = attempt(client, user.email, TEST_PASSWORD)
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= app.config["LOGIN_ADDRESS_WINDOW"]


@pytest.mark.parametrize("path, data", [
    ("/password/forgot", {"email": "x@example.org"}),
])
def test_every_429_carries_retry_after_and_says_when(client, path, data):
    for _ in range(10):
        client.post(path, data=data)
    response = client.post(path, data=data, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0
    assert "Try again in" in response.get_data(as_text=True)
