"""Walk the URL map: every route declares its audience, and the declaration is enforced."""

import re

import pytest

from learnapp.core.access import ROLES, SUPERUSER, Audience, audience_of

SAMPLE_VALUES = {"int": "1", "string": "x", "path": "x/y", "default": "x"}


def sample_url(rule) -> str:
    def value(match):
        converter = match.group(1) or "default"
        return SAMPLE_VALUES.get(converter, "x")

    return re.sub(r"<(?:(\w+)(?:\([^)]*\))?:)?\w+>", value, rule.rule)


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static" or rule.endpoint.endswith(".static"):
            continue
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        yield rule, methods


def test_every_route_declares_an_audience(app):
    undeclared = [rule.rule for rule, _ in routes(app) if audience_of(rule.endpoint) is None]
    assert undeclared == []


def test_an_undeclared_route_is_refused_and_caught(app, client):
    @app.get("/undeclared-for-test")
    def undeclared():
        return "should never be served"

    assert audience_of("undeclared") is None
    assert client.get("/undeclared-for-test").status_code == 403
    # the walk above would list it:
    assert any(rule.endpoint == "undeclared" for rule, _ in routes(app))


def test_non_public_routes_refuse_anonymous_users(app, client):
    checked = 0
    for rule, methods in routes(app):
        audience = audience_of(rule.endpoint)
        if audience.kind == "public":
            continue
        for method in methods:
            response = client.open(sample_url(rule), method=method)
            assert response.status_code in (302, 401), (rule.rule, method, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"]
            checked += 1
    assert checked > 5


def test_role_routes_refuse_every_role_they_do_not_name(app, client, make_user, login):
    role_routes = [(rule, methods, audience_of(rule.endpoint)) for rule, methods in routes(app)
                   if audience_of(rule.endpoint).kind == "roles"]
    assert role_routes, "expected at least one role-restricted route"
    for role in ROLES:
        user = make_user(role)
        login(user)
        for rule, methods, audience in role_routes:
            if role in audience.roles:
                continue
            for method in methods:
                response = client.open(sample_url(rule), method=method)
                assert response.status_code == 403, (role, rule.rule, method)
        client.post("/logout")


@pytest.mark.parametrize("role", [r for r in ROLES if r != SUPERUSER])
def test_admin_passes_every_role_rule(role):
    audience = Audience("roles", frozenset({role, SUPERUSER}))

    class FakeAdmin:
        is_authenticated = True
        role_names = [SUPERUSER]

    assert audience.allows(FakeAdmin())
