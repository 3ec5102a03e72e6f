"""CSRF stays on here: "Marquer comme terminé" works with the page's token, never without."""

import re

import pytest
from sqlalchemy import func, select

from learnapp.courses.models import LessonProgress
from tests.conftest import TEST_PASSWORD
from tests.courses.reader_data import make_course


@pytest.fixture
def app_config(app_config):
    return {**app_config, "WTF_CSRF_ENABLED": True}


def token_in(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def completed(db) -> int:
    return db.session.scalar(select(func.count()).select_from(LessonProgress)
                             .where(LessonProgress.completed_version_id.is_not(None)))


def test_mark_as_done_needs_the_pages_token(client, db, now, make_user):
    make_course(now)
    learner = make_user()
    token = token_in(client.get("/login").get_data(as_text=True))
    assert client.post("/login", data={"email": learner.email, "password": TEST_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    page = client.get("/courses/granville/les-marees").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)

    for forged in ({}, {"csrf_token": "forged"}):
        response = client.post("/courses/granville/les-marees/done", data={"version": version, **forged})
        assert response.status_code == 400
        assert completed(db) == 0

    response = client.post("/courses/granville/les-marees/done",
                           data={"version": version, "csrf_token": token_in(page)})
    assert response.status_code == 302
    assert completed(db) == 1
