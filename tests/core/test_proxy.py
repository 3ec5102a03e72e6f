"""Behind a reverse proxy (TRUSTED_PROXIES=1), each visitor keeps their own address: the
per-address login limit counts them one by one, not everyone as the proxy."""

import pytest

from tests.conftest import TEST_PASSWORD


@pytest.fixture
def app_config(app_config):
    return {**app_config, "TRUSTED_PROXIES": 1, "LOGIN_ADDRESS_CEILING": 3}


def attempt(client, user, address, password="wrong one!"):  # noqa: S107
    return client.post("/login", data={"email": user.email, "password": password},
                       headers={"X-Forwarded-For": address, "X-Forwarded-Proto": "https"})


def test_each_visitor_behind_the_proxy_has_their_own_limit(client, make_user):
    people = [make_user() for _ in range(4)]
    for user in people[:3]:
        attempt(client, user, "203.0.113.7")
    assert attempt(client, people[3], "203.0.113.7", TEST_PASSWORD).status_code == 429
    assert attempt(client, people[3], "198.51.100.4", TEST_PASSWORD).status_code == 302
