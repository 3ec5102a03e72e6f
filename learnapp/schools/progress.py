"""The class's progress grid: pupils × (lessons and tiers of the assigned courses).

The pupils' data come in two queries whatever the class size (lesson progress, then the quiz
attempts aggregated by pupil and tier, both filtered by a subquery on the class); the columns
come in three more that do not depend on the number of pupils either. tests/schools asserts the
count; benchmarks/schools.py measures the page.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import Integer, String, bindparam, case, cast, exists, func, select
from sqlalchemy.orm import joinedload, lazyload

from learnapp.auth.models import User
from learnapp.core import age_groups
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.quizzes.models import QuizAttempt, QuizTier
from learnapp.schools import rules, teaching
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import Assignment, ClassTeacher, Pupil, SchoolClass


@dataclass(frozen=True)
class Column:
    key: str  # "l12" (a lesson) or "t3" (a tier): the sort parameter
    kind: str  # "lesson" | "tier"
    id: int
    course: Course
    title: str


@dataclass(frozen=True)
class Cell:
    status: str
    score: float | None = None  # best score, percent (tiers)
    attempts: int = 0


@dataclass
class Row:
    pupil: Pupil
    cells: dict[str, Cell] = field(default_factory=dict)
    completion: int = 0


@dataclass
class Grid:
    columns: list[Column]
    rows: list[Row]


_GROUP_ORDER = {code: n for n, code in enumerate(age_groups.get(age_groups.CHILD).fallbacks)}


def _columns(school_class: SchoolClass) -> list[Column]:
    given = teaching.assignments(school_class)
    if not given:
        return []
    courses = {g.course.id: g.course for g in given}
    upto = {g.course.id: g.assignment.tiers for g in given}
    titles: dict[int, tuple[int, int, str]] = {}
    lessons: dict[int, tuple[int, int]] = {}
    for lesson_id, course_id, position, audience, number, title in db.session.execute(
            select(Lesson.id, Lesson.course_id, Lesson.position, LessonVersion.audience, LessonVersion.number,
                   LessonVersion.title)
            .join(LessonVersion, LessonVersion.lesson_id == Lesson.id)
            .where(Lesson.course_id.in_(courses))):
        lessons[lesson_id] = (course_id, position)
        # The children's title when there is one (pupils read it), the latest version of it.
        rank = (_GROUP_ORDER.get(audience, 9), -number)
        if lesson_id not in titles or rank < titles[lesson_id][:2]:
            titles[lesson_id] = (*rank, title)
    tiers = db.session.execute(
        select(QuizTier.id, QuizTier.course_id, QuizTier.number, QuizTier.name)
        .where(QuizTier.course_id.in_(courses)).order_by(QuizTier.number)).all()
    columns = []
    for g in given:
        course_lessons = sorted((position, lesson_id) for lesson_id, (course_id, position) in lessons.items()
                                if course_id == g.course.id)
        columns += [Column(f"l{lesson_id}", "lesson", lesson_id, g.course, titles[lesson_id][2])
                    for _, lesson_id in course_lessons]
        columns += [Column(f"t{tier_id}", "tier", tier_id, g.course, name)
                    for tier_id, course_id, number, name in tiers
                    if course_id == g.course.id and number <= upto[g.course.id]]
    return columns


def grid(school_class: SchoolClass, *, sort: str = "name", descending: bool = False) -> Grid:
    columns = _columns(school_class)
    pupils = list(db.session.scalars(
        select(Pupil).join(User, User.id == Pupil.user_id)
        # The account comes in the same query; its roles are not needed here.
        .options(joinedload(Pupil.user).lazyload(User.roles), lazyload(Pupil.school_class))
        .where(Pupil.class_id == school_class.id, Pupil.removed_at.is_(None))
        .order_by(User.first_name, User.last_name, Pupil.username)))
    rows = {p.user_id: Row(p) for p in pupils}
    in_class = select(Pupil.user_id).where(Pupil.class_id == school_class.id, Pupil.removed_at.is_(None))
    lesson_ids = [c.id for c in columns if c.kind == "lesson"]
    tier_ids = [c.id for c in columns if c.kind == "tier"]
    if lesson_ids and rows:
        for user_id, lesson_id, completed in db.session.execute(
                select(LessonProgress.user_id, LessonProgress.lesson_id, LessonProgress.completed_at.is_not(None))
                .where(LessonProgress.user_id.in_(in_class), LessonProgress.lesson_id.in_(lesson_ids))):
            rows[user_id].cells[f"l{lesson_id}"] = Cell(rules.lesson_status(seen=True, completed=bool(completed)))
    if tier_ids and rows:
        passed = func.max(case((QuizAttempt.passed.is_(True), 1), else_=0))
        for user_id, tier_id, count, best, any_passed in db.session.execute(
                select(QuizAttempt.user_id, QuizAttempt.tier_id, func.count(), func.max(QuizAttempt.score), passed)
                .where(QuizAttempt.user_id.in_(in_class), QuizAttempt.tier_id.in_(tier_ids),
                       QuizAttempt.status == "submitted")
                .group_by(QuizAttempt.user_id, QuizAttempt.tier_id)):
            rows[user_id].cells[f"t{tier_id}"] = Cell(
                rules.tier_status(attempts=count, passed=bool(any_passed)), best, count)
    empty = Cell(rules.NOT_STARTED)
    for row in rows.values():
        for column in columns:
            row.cells.setdefault(column.key, empty)
        row.completion = rules.completion(cell.status for cell in row.cells.values())
    return Grid(columns, _sorted(list(rows.values()), columns, sort, descending))


def _fingerprint(*values):
    """Several aggregates of one table as one text value (one scan instead of one per value)."""
    text = None
    for value in values:
        part = func.coalesce(cast(value, String), "")
        text = part if text is None else text + ":" + part
    return text


def _version_columns(class_id):
    """What the grid shows, summed up per table (four scalar subqueries, one scan each): any
    pupil added, imported, moved in or out or removed, any lesson opened or completed, any attempt
    graded, any course given, taken back, re-tiered, re-dated or edited changes at least one.

    - pupils: their ids, listed (rows are never deleted, only marked removed or moved);
    - lesson progress: rows (a lesson opened) and completed rows (a lesson done) only grow;
    - attempts: graded attempts only grow, and one is scored in the transaction that submits it;
    - assignments: course, tiers and due date of each (the due dates order the columns), and the
      courses' last edit (titles, lessons added).
    """
    of_pupils = (Pupil.class_id == class_id, Pupil.removed_at.is_(None))
    in_class = select(Pupil.user_id).where(*of_pupils)
    given = (cast(Assignment.course_id, String) + "." + cast(Assignment.tiers, String) + "."
             + func.coalesce(cast(Assignment.due_on, String), ""))
    return [
        select(_fingerprint(func.count(), func.aggregate_strings(cast(Pupil.id, String), ",")))
        .where(*of_pupils).scalar_subquery(),
        select(_fingerprint(func.count(), func.count(LessonProgress.completed_at)))
        .where(LessonProgress.user_id.in_(in_class)).scalar_subquery(),
        select(func.count()).where(QuizAttempt.user_id.in_(in_class), QuizAttempt.status == "submitted")
        .scalar_subquery(),
        select(_fingerprint(func.aggregate_strings(given, ","), func.max(Course.updated_at)))
        .select_from(Assignment).join(Course, Course.id == Assignment.course_id)
        .where(Assignment.class_id == class_id)
        .scalar_subquery(),
    ]


@cache
def _class_with_version(any_class: bool):
    """The grid page's one query: the class, the teacher's right to it and the grid's version.
    Built once per process (building it cost more than running it); the class and the teacher
    are bound parameters."""
    class_id = bindparam("class_id", type_=Integer)
    query = (select(SchoolClass, *_version_columns(class_id)).where(SchoolClass.id == class_id)
             .options(lazyload(SchoolClass.school)))  # the page does not show the school
    if not any_class:
        query = query.where(exists().where(ClassTeacher.class_id == SchoolClass.id,
                                           ClassTeacher.user_id == bindparam("user_id", type_=Integer)))
    return query


def class_with_version(user: User, class_id: int) -> tuple[SchoolClass, tuple]:
    """The class if ``user`` teaches it (an administrator reaches any; else SchoolError
    "no_class", as directory.class_for_teacher) and the grid's data version, in one query.

    The page keeps its rendered table per process under this version
    (core.templating.cached_fragment), so a teacher reloading an unchanged grid costs this one
    query, not the grid's six and the table's rendering."""
    row = db.session.execute(_class_with_version(user.has_role("admin")),
                             {"class_id": class_id, "user_id": user.id}).first()
    if row is None:
        raise SchoolError("no_class")
    school_class, *version = row
    return school_class, tuple(version)


def version(school_class: SchoolClass) -> tuple:
    """The grid's data version alone (see class_with_version)."""
    return tuple(db.session.execute(select(*_version_columns(school_class.id))).one())


_RANK = {rules.NOT_STARTED: 0, rules.STARTED: 1, rules.FAILED: 2, rules.DONE: 3, rules.PASSED: 3}


def _sorted(rows: list[Row], columns: list[Column], sort: str, descending: bool) -> list[Row]:
    by_name = sorted(rows, key=lambda r: (r.pupil.user.first_name.casefold(), r.pupil.user.last_name,
                                          r.pupil.username))
    if sort == "progress":
        return sorted(by_name, key=lambda r: r.completion, reverse=descending)
    if sort in {c.key for c in columns}:
        return sorted(by_name, key=lambda r: (_RANK[r.cells[sort].status], r.cells[sort].score or 0),
                      reverse=descending)
    return list(reversed(by_name)) if descending else by_name


def csv_export(school_class: SchoolClass, the_grid: Grid, labels: dict[str, str]) -> bytes:
    """UTF-8 with a byte-order mark and « ; » between fields: what a French spreadsheet opens
    with its accents intact, in columns."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([labels["pupil"], labels["username"], labels["progress"]]
                    + [f"{c.course.title} — {c.title}" for c in the_grid.columns])
    for row in the_grid.rows:
        values = []
        for column in the_grid.columns:
            cell = row.cells[column.key]
            text = labels[cell.status]
            if cell.score is not None:
                text += f" ({round(cell.score)} %)"
            values.append(text)
        writer.writerow([row.pupil.user.display_name, row.pupil.username, f"{row.completion} %", *values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def pupil_detail(pupil: Pupil) -> tuple[list[Column], Row]:
    """One pupil's line of the grid."""
    full = grid(pupil.school_class)
    row = next(r for r in full.rows if r.pupil.id == pupil.id)
    return full.columns, row
