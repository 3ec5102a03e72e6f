"""A learner's review says which part of an answer was partly right, in French and English, and
a child reads it kindly (« presque ! »)."""

from __future__ import annotations

import pytest

from learnapp.quizzes import attempts
from tests.quizzes.quiz_helpers import add_questions, finish_course, make_course, make_tier, question
from tests.quizzes.test_routes import all_fields, attempt_of, form_for, sign_in, start

PARTIAL = [
    question("phare", "single", choices=[{"text": "à la pointe du Roc", "correct": True},
                                         {"text": "sur le port", "credit": 50}, {"text": "au marché"}]),
    question("iles", "short_text", answers=["Chausey", {"text": "Jersey", "credit": 25}],
             other_feedback="Regarde la carte."),
    question("annee", "numeric", answer=1822, tolerance=0, unit="",
             partial=[{"answer": 1822, "tolerance": 2, "credit": 50}]),
]


def partly(item) -> dict:
    """The partly right answer to each question of PARTIAL."""
    definition = item.question_version.definition
    if item.question_version.type == "single":
        return {"choice": next(c["id"] for c in definition["choices"] if c.get("credit"))}
    if item.question_version.type == "short_text":
        return {"text": "jersey"}
    return {"text": "1823"}


@pytest.fixture
def course(db, now, monkeypatch):
    monkeypatch.setattr("learnapp.quizzes.routes.utcnow", lambda: now)
    course = make_course(now)
    make_tier(course, 1, questions_per_attempt=3, requires_course_done=False)
    add_questions(course, PARTIAL, now)
    return course


@pytest.mark.parametrize("lang, words", [
    ("fr", ["Réponse en partie juste", "(50 % des points)", "Votre réponse rapporte 50 % des points.",
            "Votre réponse rapporte 25 % des points.", "en partie juste : 50 %", "En partie justes :"]),
    ("en", ["Partly right", "(50 % of the points)", "Your answer earns 50 % of the point.",
            "Your answer earns 25 % of the point.", "partly right: 50 %", "Partly right:"]),
])
def test_an_adult_review_says_which_part_was_right(app, db, now, make_user, course, lang, words):
    learner = make_user()
    finish_course(learner, course, now)
    client = app.test_client()
    client.set_cookie("lang", lang)
    sign_in(client, learner)
    start(client)
    attempt = attempt_of(db, learner)
    items = attempts.load_items(attempt)
    done = client.post(f"/quizzes/attempts/{attempt.id}",
                       data={**all_fields(items, {i.position: partly(i) for i in items}), "action": "submit"})
    assert done.status_code == 303
    db.session.refresh(attempt)
    assert attempt.score == pytest.approx(100 * (0.5 + 0.25 + 0.5) / 3, abs=0.01)
    review = client.get(done.headers["Location"]).get_data(as_text=True)
    for text in words:
        assert text in review, text


def test_a_catch_all_feedback_is_shown_for_any_other_answer(app, db, now, make_user, course):
    learner = make_user()
    client = app.test_client()
    sign_in(client, learner)
    start(client)
    attempt = attempt_of(db, learner)
    items = attempts.load_items(attempt)
    answers = {i.position: {"text": "Ouessant"} for i in items if i.question_version.type == "short_text"}
    done = client.post(f"/quizzes/attempts/{attempt.id}", data={**all_fields(items, answers), "action": "submit"})
    assert "Regarde la carte." in client.get(done.headers["Location"]).get_data(as_text=True)


def test_a_child_sees_partial_credit_kindly(app, db, now, make_user, course):
    child = make_user(age_group="child")
    client = app.test_client()
    sign_in(client, child)
    start(client, mode="one")
    attempt = attempt_of(db, child)
    first = attempts.load_items(attempt)[0]
    client.post(f"/quizzes/attempts/{attempt.id}/questions/1", data={**form_for(first, partly(first)),
                                                                      "action": "check"})
    feedback = client.get(f"/quizzes/attempts/{attempt.id}/questions/1").get_data(as_text=True)
    assert "Presque !" in feedback and "presque !" in feedback and "Ta réponse rapporte" in feedback
    assert "Votre réponse" not in feedback


def test_item_statistics_count_partial_credit(app, db, now, make_user, course):
    """Facility is the mean credit: a partly right answer counts its part; the option counts
    still show the partly right choice; the staff page draws them."""
    from learnapp.quizzes import stats_queries

    for pick in ("right", "partly", "partly", "wrong"):
        learner = make_user()
        client = app.test_client()
        sign_in(client, learner)
        start(client)
        attempt = attempt_of(db, learner)
        items = attempts.load_items(attempt)
        answers = {}
        for item in items:
            if item.question_version.type == "single":
                choices = item.question_version.definition["choices"]
                wanted = {"right": lambda c: c["correct"], "partly": lambda c: c.get("credit"),
                          "wrong": lambda c: not c["correct"] and not c.get("credit")}[pick]
                answers[item.position] = {"choice": next(c["id"] for c in choices if wanted(c))}
        client.post(f"/quizzes/attempts/{attempt.id}", data={**all_fields(items, answers), "action": "submit"})
    statistics = stats_queries.course_statistics(course.id)
    phare = next(row for row in statistics.rows if row.key == "phare")
    assert phare.stats.n == 4 and phare.stats.facility == pytest.approx((1 + 0.5 + 0.5 + 0) / 4)
    assert [(o.label, o.count) for o in phare.stats.options] == [
        ("à la pointe du Roc", 1), ("sur le port", 2), ("au marché", 1)]
    staff = make_user("staff")
    page = app.test_client()
    sign_in(page, staff)
    assert page.get(f"/office/quizzes/{course.id}/statistics").status_code == 200
