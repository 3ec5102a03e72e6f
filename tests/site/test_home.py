"""The home page: the brand line, the path with a link wherever its page exists, the next
guided visits for everyone, the signed-in person's next steps first; cached and revalidated."""

from __future__ import annotations

import re

import pytest


def headings(page: str) -> list[tuple[int, str]]:
    return [(int(level), re.sub(r"<[^>]+>", "", text).strip())
            for level, text in re.findall(r"<h([1-6])[^>]*>(.*?)</h\1>", page, re.S)]


@pytest.mark.parametrize("language, brand, path_title", [
    ("fr", "Prenez le rythme des marées", "Le chemin de l'ambassadeur"),
    ("en", "Prenez le rythme des marées", "The ambassador's path"),
])
def test_the_anonymous_home_tells_the_path(client, language, brand, path_title):
    response = client.get("/", headers={"Accept-Language": language})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert brand in page  # the territory's brand line stays in French, marked lang="fr"
    assert 'lang="fr">« Prenez le rythme des marées »' in page
    levels = headings(page)
    assert [level for level, _ in levels].count(1) == 1
    assert levels[0][0] == 1
    assert (2, path_title.replace("'", "&#39;")) in levels or (2, path_title) in levels
    assert [level for level, _ in levels if level == 3][:6] == [3] * 6
    # Each step leads somewhere that exists here; the level and card steps link once their
    # pages exist (another domain's), never to a missing page.
    assert 'href="/courses/"' in page
    assert 'href="/visits/"' in page
    assert 'href="/verify/"' in page
    assert 'src="/static/img/home/granville.svg"' in page
    assert re.search(r'<img src="/static/img/home/learn.svg" alt=""', page)


def test_the_path_links_a_step_only_when_its_page_exists(app, client):
    from learnapp.site.home import optional_url

    with app.test_request_context("/"):
        assert optional_url("courses.catalogue") == "/courses/"
        assert optional_url("no_such.endpoint") is None


def test_the_anonymous_home_is_revalidated_by_etag(client):
    first = client.get("/")
    etag = first.headers["ETag"]
    assert client.get("/", headers={"If-None-Match": etag}).status_code == 304
    assert "csrf_token" not in first.get_data(as_text=True)


def test_no_visit_open_says_so(client):
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "No session is open for booking" in page
    assert 'href="/visits/"' in page


def test_a_signed_in_home_shows_next_steps_first(client, make_user, login):
    login(make_user(name="Claire"))
    page = client.get("/").get_data(as_text=True)
    levels = headings(page)
    assert levels[0] == (1, "Bonjour Claire !")
    assert levels[1] == (2, "Votre prochaine étape")
    assert page.index("next-steps") < page.index("Le chemin de l")
    # Nothing started: the courses' step says where to begin.
    assert re.search(r'<li class="next-step next-step-courses">.*href="/courses/"', page)
    assert "Commencez par un cours" in page
