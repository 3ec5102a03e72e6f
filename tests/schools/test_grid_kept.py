"""The progress grid page keeps its rendered table per data version (progress.class_with_version):
whatever a pupil, a teacher or the office changes shows on the teacher's next load, through the
real services, and a kept grid costs one query whatever the class size."""

from __future__ import annotations

import random
import re
from datetime import timedelta

from sqlalchemy import select

from learnapp.courses import editing
from learnapp.courses import progress as lesson_progress
from learnapp.courses.models import Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes.models import QuizTier
from learnapp.schools import roster, teaching, year_end
from tests.quizzes.quiz_helpers import add_questions, every_type, make_course, make_tier, take
from tests.schools.test_teaching import counted_queries

STATUS = re.compile(r'<td class="status-(\w+)">')


def cells(response) -> list[str]:
    """The grid's cells, row after row (their status classes)."""
    assert response.status_code == 200
    return STATUS.findall(response.get_data(as_text=True))


def names(response) -> list[str]:
    return re.findall(r'<th scope="row"><a [^>]*>([^<]+)</a>', response.get_data(as_text=True))


def _course(now, *, tiers=1, slug="granville"):
    course = make_course(now, slug=slug, lessons=("les-marees", "chausey"))
    for number in range(1, tiers + 1):
        make_tier(course, number, requires_course_done=False, requires_previous_tier=False)
    add_questions(course, every_type(tiers=tuple(range(1, tiers + 1))), now)
    return course


def _lesson(course, slug):
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))
    return lesson, db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))


def test_a_pupils_reading_and_attempts_show_on_the_next_load(client, login, teacher, school_class, make_pupils):
    now = utcnow()
    course = _course(now)
    teaching.assign(school_class, course, tiers=1, due_on=None, actor=teacher, now=now)
    [(lea, _)] = make_pupils(school_class, [("Léa", "M", 2016)])
    login(teacher)
    url = f"/schools/classes/{school_class.id}/progress"
    assert cells(client.get(url)) == ["none", "none", "none"]
    assert cells(client.get(url)) == ["none", "none", "none"]  # the kept table
    lesson, version = _lesson(course, "les-marees")
    lesson_progress.record_view(lea.user, lesson, version, now)  # the lesson page's own service
    db.session.commit()
    assert cells(client.get(url)) == ["started", "none", "none"]
    lesson_progress.mark_done(lea.user, lesson, version, now + timedelta(minutes=1))
    db.session.commit()
    assert cells(client.get(url)) == ["done", "none", "none"]
    tier = db.session.scalar(select(QuizTier).where(QuizTier.course_id == course.id))
    take(lea.user, tier, now, random.Random(1), p_right=0.0, p_blank=0.0)  # started, graded: failed
    db.session.commit()
    assert cells(client.get(url)) == ["done", "none", "failed"]
    take(lea.user, tier, now + timedelta(hours=1), random.Random(2), p_right=1.0, p_blank=0.0)
    db.session.commit()
    page = client.get(url)
    assert cells(page) == ["done", "none", "passed"] and "réussi (100 %)" in page.get_data(as_text=True)
    # The export reads the same grid.
    export = client.get(url + ".csv").data.decode("utf-8-sig").splitlines()
    assert export[1].split(";")[3:] == ["lu", "pas commencé", "réussi (100 %)"]


def test_the_classs_own_changes_show_on_the_next_load(client, login, teacher, make_class, school_class,
                                                       make_pupils):
    now = utcnow()
    course, other = _course(now, tiers=2), _course(now, slug="chausey-course")
    teaching.assign(school_class, course, tiers=1, due_on=None, actor=teacher, now=now)
    [(lea, _), (noe, _)] = make_pupils(school_class, [("Léa", "M", 2016), ("Noé", "B", 2015)])
    login(teacher)
    url = f"/schools/classes/{school_class.id}/progress"
    assert names(client.get(url)) == ["Léa M.", "Noé B."]
    roster.add_pupil(school_class, first_name="Zoé", initial="K", birth_year=2016, now=now)
    db.session.commit()
    assert names(client.get(url)) == ["Léa M.", "Noé B.", "Zoé K."]
    next_year = make_class(teacher, "CM2 B")
    year_end.move([noe], school_class, next_year)
    db.session.commit()
    assert names(client.get(url)) == ["Léa M.", "Zoé K."]
    year_end.remove([lea], school_class, actor=teacher, now=now)
    db.session.commit()
    assert names(client.get(url)) == ["Zoé K."]
    year_end.move([noe], next_year, school_class)  # back: the same number of pupils as before
    db.session.commit()
    assert names(client.get(url)) == ["Noé B.", "Zoé K."]
    assert len(cells(client.get(url))) == 2 * 3
    teaching.assign(school_class, course, tiers=2, due_on=None, actor=teacher, now=now)  # one more tier
    db.session.commit()
    assert len(cells(client.get(url))) == 2 * 4
    [given] = teaching.assignments(school_class)
    teaching.unassign(school_class, given.assignment.id)
    teaching.assign(school_class, other, tiers=1, due_on=None, actor=teacher, now=now)  # as many columns
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert len(STATUS.findall(page)) == 2 * 3 and other.title in page
    # The office edits a lesson's title: the column's heading follows.
    lesson, _ = _lesson(other, "les-marees")
    editing.save_text(lesson, "child", title="Les grandes marées", minutes=5, objectives=[], key_facts=[],
                      body_markdown="Texte.", user=None, now=now + timedelta(minutes=5))
    db.session.commit()
    assert "Les grandes marées" in client.get(url).get_data(as_text=True)


def test_a_kept_grid_costs_one_query_for_3_pupils_as_for_35(client, login, teacher, make_class, make_pupils):
    now = utcnow()
    course = _course(now, tiers=3)
    counts = {}
    login(teacher)
    for size in (3, 35):
        school_class = make_class(teacher, f"Classe de {size}")
        teaching.assign(school_class, course, tiers=3, due_on=None, actor=teacher, now=now)
        make_pupils(school_class, [(f"Élève{n}", "M", 2016) for n in range(size)])
        url = f"/schools/classes/{school_class.id}/progress"
        with counted_queries() as first:
            assert len(names(client.get(url))) == size
        with counted_queries() as kept:
            assert len(names(client.get(url))) == size
        # The session and account are the signed-in layer's (auth); the page's own: the statements
        # naming the schools' tables.
        counts[size] = (len(first), len(kept),
                        [s[:80] for s in kept if "school_" in s], sum("school_" in s for s in first))
    assert counts[3][:2] == counts[35][:2], counts
    assert len(counts[35][2]) == 1, counts  # the class, the teacher's right and the version
    # A new version: that one, then the grid's own (tests/schools/test_teaching.py counts those).
    assert counts[35][3] <= 1 + 6, counts
