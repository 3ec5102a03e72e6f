"""School fixtures: a school, its teacher, a class with pupils holding printed cards."""

from __future__ import annotations

import pytest

from learnapp.db import utcnow
from learnapp.schools import directory, roster


@pytest.fixture
def school(db):
    found = directory.create_school("École Jules Ferry", "Granville", now=utcnow())
    db.session.commit()
    return found


@pytest.fixture
def make_teacher(db, make_user, school):
    def make(**kwargs):
        user = make_user("teacher", **kwargs)
        directory.add_teacher(school, user, actor=None, now=utcnow())
        db.session.commit()
        return user

    return make


@pytest.fixture
def teacher(make_teacher):
    return make_teacher(email="mme.lefevre@example.org")


@pytest.fixture
def make_class(db, school):
    def make(owner, name="CM2 A"):
        found = directory.create_class(school, name=name, school_year="2026-2027", level="CM2",
                                       teacher=owner, now=utcnow())
        db.session.commit()
        return found

    return make


@pytest.fixture
def school_class(make_class, teacher):
    return make_class(teacher)


@pytest.fixture
def make_pupils(db):
    """make_pupils(school_class, [("Léa", "M", 2016), …]) → [(pupil, passphrase), …], cards printed."""

    def make(school_class, people):
        now = utcnow()
        pupils = [roster.add_pupil(school_class, first_name=first, initial=initial, birth_year=year, now=now)
                  for first, initial, year in people]
        cards = roster.print_cards(school_class, pupils, now=now)
        db.session.commit()
        return [(pupil, card.passphrase) for pupil, card in zip(pupils, cards, strict=True)]

    return make


@pytest.fixture
def pupil_login(client):
    def do(school_class, pupil, passphrase, *, follow=False):
        return client.post("/class/", data={"code": school_class.code, "username": pupil.username,
                                            "passphrase": passphrase}, follow_redirects=follow)

    return do


def text_of(response) -> str:
    """The page as a reader sees it: entities decoded, French typography's thin and no-break
    spaces read as plain spaces, tags kept (tests look for words)."""
    import html

    return html.unescape(response.get_data(as_text=True)).replace("\u202f", " ").replace("\xa0", " ")


# The visits domain's own fixtures (a visit with a session), for the group bookings.
from tests.visits.conftest import make_session, make_visit  # noqa: E402,F401
