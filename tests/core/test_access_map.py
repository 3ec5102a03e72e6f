"""Walk the URL map: every route declares its audience, and the declaration is enforced."""

import re
import uuid

import pytest
from werkzeug.routing import (
    AnyConverter,
    FloatConverter,
    IntegerConverter,
    PathConverter,
    UnicodeConverter,
    UUIDConverter,
)

from learnapp.core.access import ROLES, SUPERUSER, Audience, audience_of


def sample_value(name: str, converter) -> str:
    """A value each converter accepts; an unknown converter fails the walk, never skips a route."""
    if isinstance(converter, IntegerConverter):
        return str(max(1, converter.min or 1))
    if isinstance(converter, FloatConverter):
        return "1.0"
    if isinstance(converter, UUIDConverter):
        return str(uuid.UUID(int=1))
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[0]
    if isinstance(converter, PathConverter):
        return "x/y"
    if isinstance(converter, UnicodeConverter):  # <x>, <string(length=2):x> …
        return next("x" * n for n in range(1, 100) if re.fullmatch(converter.regex, "x" * n))
    raise AssertionError(f"no sample value for <{name}> ({type(converter).__name__}): add one here")


def sample_url(rule) -> str:
    """The rule's URL with sample values; it must reach that very rule, not a neighbour."""
    url = rule.rule
    for name, converter in rule._converters.items():
        start = url.index("<")
        url = url[:start] + sample_value(name, converter) + url[url.index(">", start) + 1:]
    adapter = rule.map.bind("localhost")
    method = sorted(rule.methods - {"HEAD", "OPTIONS"})[0]
    assert adapter.match(url, method=method)[0] == rule.endpoint, (rule.rule, url)
    return url


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


def test_sample_urls_reach_their_own_route(app):
    for rule, _ in routes(app):
        sample_url(rule)  # asserts inside


def test_a_route_with_an_unusual_converter_is_still_walked(app, client):
    from learnapp.core.access import login_required

    @app.get("/walk-test/<uuid:code>/<any(a, b):kind>/<float:ratio>")
    @login_required
    def walk_test(code, kind, ratio):
        return "ok"

    rule = next(rule for rule, _ in routes(app) if rule.endpoint == "walk_test")
    response = client.get(sample_url(rule))
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_those_a_route_admits_never_get_a_500_on_sample_values(app, client, make_user, login):
    """Admins pass every role rule; a learner every login rule. Sample ids exist nowhere: the
    views must answer 404 (or redirect, or explain) rather than fail."""
    for role in ("admin", "learner"):
        login(make_user(role))
        for rule, methods in routes(app):
            if rule.endpoint == "auth.logout" or not audience_of(rule.endpoint).allows(
                    type("Signed", (), {"is_authenticated": True, "role_names": [role]})()):
                continue
            for method in methods:
                response = client.open(sample_url(rule), method=method)
                assert response.status_code < 500, (role, rule.rule, method)
        client.post("/logout")
