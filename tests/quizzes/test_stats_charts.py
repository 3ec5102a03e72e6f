"""The statistics pages' charts: facility against discrimination for the course, option frequencies
per question — accessible SVG, their numbers as a table, drawn once per data version — and bad
input on these pages (never a 500)."""

from __future__ import annotations

import random
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.core.chart_cache import ChartCache
from learnapp.quizzes import stats_queries
from learnapp.quizzes.models import Question, QuestionVersion
from tests.quizzes.quiz_helpers import add_questions, make_course, make_tier, question, take


@pytest.fixture
def staff(make_user, login):
    user = make_user("staff")
    login(user)
    return user


@pytest.fixture
def answered(db, now, make_user):
    """A course whose questions 30 learners answered through the services (abler ones right more often)."""
    course = make_course(now, slug="graphiques")
    tier = make_tier(course, 1, questions_per_attempt=5, requires_course_done=False)
    add_questions(course, [question(f"q{n}", "single") for n in range(4)] + [question("vf", "true_false"),
                                                                             question("num", "numeric")], now)
    rng = random.Random(7)
    for n in range(30):
        take(make_user(age_group=("adult", "teen")[n % 2]), tier, now - timedelta(hours=n + 1), rng,
             p_right=n / 30, p_blank=0.05)
    db.session.commit()
    return course


def version_of(db, key: str) -> QuestionVersion:
    return db.session.scalar(select(QuestionVersion).join(Question).where(Question.key == key))


def test_the_statistics_page_draws_facility_against_discrimination(client, staff, answered, db):
    page = client.get(f"/office/quizzes/{answered.id}/statistics").get_data(as_text=True)
    svg = re.search(r'<svg[^>]*role="img"[^>]*>.*?</svg>', page, re.S)
    assert svg, "an inline SVG chart"
    assert "<title" in svg.group(0) and "<desc" in svg.group(0)
    assert "Facilité et discrimination des questions" in svg.group(0)
    assert "style=" not in svg.group(0)  # the CSP forbids inline styles
    assert "Chaque point est une version de question" in page  # the text alternative, in words
    # Its numbers, one row per question version placed, with the same values as the table of questions.
    rows = stats_queries.course_statistics(answered.id).rows
    placed = [row for row in rows if row.stats.discrimination is not None]
    assert placed
    table = re.search(r'<table class="numbers" id="table-quiz-facility-discrimination">.*?</table>', page,
                      re.S).group(0)
    assert table.count("<tr>") == len(placed) + 1
    for row in placed:
        assert f"{row.key} · v{row.number}" in table
    assert 'href="/static/css/charts.css' in page or "css/charts.css" in page


def test_a_question_page_draws_its_options_frequencies(client, staff, answered, db):
    version = version_of(db, "q1")
    row = next(r for r in stats_queries.course_statistics(answered.id).rows if r.version_id == version.id)
    response = client.get(f"/office/quizzes/{answered.id}/statistics/{version.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert re.search(r'<svg[^>]*role="img"', page) and "Choix pris : q1 · v1" in page
    table = re.search(r'<table class="numbers" id="table-quiz-options-\d+">.*?</table>', page, re.S).group(0)
    cells = re.findall(r'<t[hd][^>]*>\s*(.*?)\s*</t[hd]>', table.split("<tbody>")[1], re.S)
    found = [tuple(cells[i:i + 4]) for i in range(0, len(cells), 4)]
    # The key named in words (not only by colour), each option's count and share.
    assert [(label, right, count) for label, right, count, _share in found] == [
        (option.label, "oui" if option.correct else "non", str(option.count)) for option in row.stats.options]
    assert "Part des réponses données qui ont pris chaque choix" in page
    assert f"sur {row.stats.answered} réponses données" in table
    # The list links to it.
    listing = client.get(f"/office/quizzes/{answered.id}/statistics").get_data(as_text=True)
    assert f"/office/quizzes/{answered.id}/statistics/{version.id}" in listing


def test_charts_are_drawn_once_per_data_version(client, staff, answered, db, now, make_user):
    url = f"/office/quizzes/{answered.id}/statistics"
    client.get(url)
    drawn = db.session.scalar(select(func.count()).select_from(ChartCache))
    assert drawn >= 1
    client.get(url)
    assert db.session.scalar(select(func.count()).select_from(ChartCache)) == drawn  # read, not redrawn
    # A new graded attempt changes the numbers: drawn anew.
    from learnapp.quizzes.models import QuizTier

    tier = db.session.scalar(select(QuizTier).where(QuizTier.course_id == answered.id))
    take(make_user(), tier, now, random.Random(1), p_right=1.0, p_blank=0.0)
    db.session.commit()
    client.get(url)
    assert db.session.scalar(select(func.count()).select_from(ChartCache)) == drawn + 1


def test_the_charts_speak_english_too(client, staff, answered, db):
    client.set_cookie("lang", "en")
    page = client.get(f"/office/quizzes/{answered.id}/statistics").get_data(as_text=True)
    assert "Facility and discrimination of the questions" in page and "Chaque point" not in page
    version = version_of(db, "q2")
    page = client.get(f"/office/quizzes/{answered.id}/statistics/{version.id}").get_data(as_text=True)
    assert "Options chosen: q2 · v1" in page and "Share of the answers given that chose each option" in page
    assert ">yes<" in page and "Choix pris" not in page


def test_no_chart_without_answers_and_no_options_chart_for_other_types(client, staff, answered, db, now):
    empty = make_course(now, slug="vide")
    page = client.get(f"/office/quizzes/{empty.id}/statistics").get_data(as_text=True)
    assert "<svg" not in page and "Aucune tentative terminée" in page
    numeric = version_of(db, "num")
    page = client.get(f"/office/quizzes/{answered.id}/statistics/{numeric.id}").get_data(as_text=True)
    assert "<svg" not in page and "pas de choix à compter" in page


@pytest.mark.parametrize("suffix, status", [
    ("?page=999999999999999999999", 200), ("?page=-3", 200), ("?page=1e9", 200), ("?flagged=zzz", 200),
    ("?unknown=filter&page=2", 200), ("?flagged=%00", 400),  # a NUL byte: refused by the app's input guard
])
def test_bad_input_on_the_statistics_page_is_never_a_500(client, staff, answered, suffix, status):
    assert client.get(f"/office/quizzes/{answered.id}/statistics{suffix}").status_code == status


def test_a_question_of_another_course_or_unknown_is_not_found(client, staff, answered, db, now):
    other = make_course(now, slug="autre")
    version = version_of(db, "q1")
    assert client.get(f"/office/quizzes/{other.id}/statistics/{version.id}").status_code == 404
    assert client.get(f"/office/quizzes/{answered.id}/statistics/999999").status_code == 404
    assert client.get(f"/office/quizzes/999999/statistics/{version.id}").status_code == 404
    assert client.get(f"/office/quizzes/{answered.id}/statistics/abc").status_code == 404


def test_only_staff_see_the_charts(client, answered, db, make_user, login):
    version = version_of(db, "q1")
    url = f"/office/quizzes/{answered.id}/statistics/{version.id}"
    assert client.get(url).status_code in (302, 401)  # signed out: to the login page
    login(make_user())
    assert client.get(url).status_code == 403
