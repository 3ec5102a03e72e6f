"""Pages that may show a person's data are never stored by a browser or a proxy
(``Cache-Control: no-store``); public pages seen by a visitor, and shared files, keep their caching.
The URL map is walked, so a new page cannot forget it."""

from __future__ import annotations

import hashlib

from learnapp.core.access import audience_of
from learnapp.media.models import MediaAsset
from tests.core.test_access_map import routes, sample_url
from tests.courses.reader_data import make_course

SHARED = ("static", "media.image")


def get_routes(app):
    for rule, methods in routes(app):
        if "GET" in methods and rule.endpoint not in SHARED:
            yield rule


def expected_for_signed_in(app, rule, status: int) -> str:
    """no-store, except the few personal pages kept by their owner's browser (core.security
    .cache_privately: the ambassador's card, offline at a partner's desk), and only when shown."""
    max_age = getattr(app.view_functions[rule.endpoint], "private_max_age", None)
    return f"private, max-age={max_age}" if max_age and status == 200 else "no-store"


def test_every_page_answered_to_a_signed_in_person_is_not_stored(app, client, make_user, login):
    walked = 0
    for role in ("admin", "learner"):
        login(make_user(role))
        for rule in get_routes(app):
            response = client.get(sample_url(rule))
            expected = expected_for_signed_in(app, rule, response.status_code)
            assert response.headers.get("Cache-Control") == expected, (role, rule.rule, response.status_code)
            walked += 1
        client.post("/logout")
    assert walked > 20


def test_pages_reserved_to_signed_in_people_are_not_stored_even_when_refused(app, client):
    reserved = [rule for rule in get_routes(app) if audience_of(rule.endpoint).kind != "public"]
    assert reserved
    for rule in reserved:
        response = client.get(sample_url(rule))
        assert response.headers.get("Cache-Control") == "no-store", rule.rule


def test_personal_pages_with_real_data(client, db, make_user, login, now):
    make_course(now)
    learner = make_user(email="camille@example.org")
    login(learner)
    for url in ("/account", "/courses/", "/courses/granville", "/courses/granville/les-marees"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
    assert "camille@example.org" in client.get("/account").get_data(as_text=True)


def test_public_pages_keep_their_caching_for_visitors(app, client, db, now):
    make_course(now)
    for url in ("/", "/courses/", "/courses/granville", "/courses/granville/les-marees", "/login"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" not in response.headers.get("Cache-Control", ""), url
    public = [rule for rule in get_routes(app) if audience_of(rule.endpoint).kind == "public"]
    for rule in public:
        assert "no-store" not in client.get(sample_url(rule)).headers.get("Cache-Control", ""), rule.rule


def test_shared_files_keep_their_caching_for_signed_in_people(client, db, make_user, login, now):
    data = b"\x89PNG\r\n\x1a\n" + b"0" * 32
    sha = hashlib.sha256(data).hexdigest()
    db.session.add(MediaAsset(sha256=sha, filename="a.png", mime_type="image/png", width=1,
                              height=1, data=data, created_at=now))
    db.session.commit()
    login(make_user())
    image = client.get(f"/media/{sha}.png")
    assert image.status_code == 200
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    with client.get("/static/css/app.css") as style:
        assert style.status_code == 200
        assert "no-store" not in style.headers.get("Cache-Control", "")
