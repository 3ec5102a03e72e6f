"""Bulk seeding for the scale benchmarks: learners, quiz attempts with their answers, certificates,
visit sessions, bookings and attendance, in proportion, on SQLite or PostgreSQL.

Written with the driver's fastest path — ``executemany`` on SQLite, ``COPY`` on PostgreSQL — in
chunks of a few thousand learners, never the ORM row by row: 500,000 attempts (4.3 million
answers) would take hours through the services. The rows look like the real ones: answers built
and graded by each question type (``demo_values`` → ``parse`` → ``grade``) for the course's real
bank, learners of every age group drawn the bank's questions for their group (having first
completed every lesson of the course, as a tier requires), passing tiers in order, a certificate
for each passed tier that has an achievement, and about one booking for every five attempts.
The kept statistics are then rebuilt from these rows by ``tallies.rebuild`` (the same backfill
as ``learnapp quizzes rebuild-stats``).

    from scale_seed import seed
    with app.app_context():
        report = seed(attempts=50_000)   # adds what is missing to reach 50,000 seeded attempts

Not a test, not part of the app: used by ``office_scale.py``.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select, text

from learnapp.core import age_groups
from learnapp.extensions import db
from learnapp.quizzes import rules, types

ATTEMPTS_PER_LEARNER = 2.5  # the demo cohort's ratio, about
BOOKING_RATE = 0.5  # bookings per learner (so about one per five attempts)
SEATS = 20
CHUNK_LEARNERS = 8000
BIRTH_AGE = {"child": 11, "teen": 16, "adult": 38}
GROUP_WEIGHTS = (("child", 0.3), ("teen", 0.15), ("adult", 0.55))
SPAN_DAYS = 730  # attempts spread over the last two years (the dashboard's periods)
MARK = "scale"  # seeded learners' e-mail domain: scale.bench


@dataclass
class Variant:
    answer: str | None  # JSON text, or None for a blank
    credit: float


@dataclass
class Bank:
    """What seeding needs of the course's quiz bank, prepared once."""

    course_slug: str
    tiers: list  # (id, number, questions_per_attempt, pass_mark, achievement id, achievement version)
    candidates: dict  # (tier id, group) → [version id]
    presentation: dict  # version id → JSON text
    right: dict  # version id → [Variant]
    wrong: dict  # version id → [Variant]
    difficulty: dict  # version id → float
    lessons: list = field(default_factory=list)  # (lesson id, {audience: lesson version id}) in order
    course_id: int = 0


@dataclass
class SeedReport:
    learners: int = 0
    attempts: int = 0
    answers: int = 0
    certificates: int = 0
    sessions: int = 0
    bookings: int = 0
    seconds: float = 0.0
    tables: dict = field(default_factory=dict)


# Writing rows fast ----------------------------------------------------------------------------------

def _sqlite_value(value):
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    return value


def bulk_insert(connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Rows (values as the database takes them; JSON already as text) into ``table``, through
    COPY on PostgreSQL and executemany on SQLite, in the connection's transaction."""
    if not rows:
        return
    driver = connection.connection.driver_connection
    names = ", ".join(columns)
    if connection.dialect.name == "postgresql":
        with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join("?" * len(columns))
        driver.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})",  # noqa: S608 (our table names)
                           [tuple(_sqlite_value(v) for v in row) for row in rows])


def _fast_writes(connection) -> None:
    """SQLite, scratch database: no fsync per chunk and a page cache big enough (256 MB) to hold the
    indexes being filled (4 million answers), instead of the default 2 MB that re-reads them from
    disk. On PostgreSQL, COPY is already the fast path."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA synchronous = OFF")
        connection.exec_driver_sql("PRAGMA foreign_keys = OFF")  # ids are made consistent by construction
        connection.exec_driver_sql("PRAGMA cache_size = -262144")


def _normal_writes(connection) -> None:
    """Back to the app's settings before the pages are measured (a big cache would flatter them)."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA synchronous = NORMAL")  # as learnapp/db.py sets them
        connection.exec_driver_sql("PRAGMA foreign_keys = ON")
        connection.exec_driver_sql("PRAGMA cache_size = -2000")


def _next_id(connection, table: str) -> int:
    return (connection.execute(text(f"SELECT max(id) FROM {table}")).scalar() or 0) + 1  # noqa: S608


def _fix_sequences(connection, tables) -> None:
    """PostgreSQL: ids were given explicitly; the sequences move past them."""
    if connection.dialect.name != "postgresql":
        return
    for table in tables:
        last = f"coalesce((SELECT max(id) FROM {table}), 1)"  # noqa: S608 (our table names)
        connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), {last})"))


# The bank ---------------------------------------------------------------------------------------------

def prepare_bank(course_slug: str, rng: random.Random) -> Bank:
    """Latest versions of the course's questions, each with a fixed presentation and a few right
    and wrong answers, graded by its type."""
    from learnapp.certificates.models import Achievement
    from learnapp.courses.models import Course, Lesson, LessonVersion
    from learnapp.quizzes.models import Question, QuestionVersion, QuizTier

    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise SystemExit(f"no course {course_slug!r}: load the demo first")
    achievements = {a.tier_number: (a.id, a.version) for a in db.session.scalars(
        select(Achievement).where(Achievement.course_slug == course_slug, Achievement.retired.is_(False)))}
    tiers = [(t.id, t.number, t.questions_per_attempt, t.pass_mark, *achievements.get(t.number, (None, None)))
             for t in db.session.scalars(select(QuizTier).where(QuizTier.course_id == course.id)
                                         .order_by(QuizTier.number))]
    newest = (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("number"))
              .join(Question).where(Question.course_id == course.id, Question.retired.is_(False))
              .group_by(QuestionVersion.question_id).subquery())
    versions = list(db.session.scalars(
        select(QuestionVersion).join(newest, (newest.c.question_id == QuestionVersion.question_id)
                                     & (newest.c.number == QuestionVersion.number))
        .order_by(QuestionVersion.id)))
    bank = Bank(course_slug, tiers, defaultdict(list), {}, {}, {}, {})
    for version in versions:
        kind = types.REGISTRY.get(version.type)
        if kind is None:
            continue
        presentation = kind.present(version.definition, rules.item_random(1, version.id))
        bank.presentation[version.id] = json.dumps(presentation)
        for right in (True, False):
            found = []
            for _ in range(3):
                values = kind.demo_values(version.definition, right, rng)
                try:
                    answer = kind.parse(version.definition, presentation, values)
                except types.AnswerError:
                    continue
                credit = rules.clamp_credit(kind.grade(version.definition, answer))
                found.append(Variant(json.dumps(answer), credit))
            (bank.right if right else bank.wrong)[version.id] = found or [Variant(None, 0.0)]
        bank.difficulty[version.id] = rng.gauss(0, 0.8)
    for tier_id, number, *_ in tiers:
        by_group = {group: [v.id for v in versions if number in (v.tiers or []) and group in (v.audiences or [])
                            and v.id in bank.presentation] for group in age_groups.ALL}
        for group in age_groups.ALL:
            drawn = rules.audience_to_draw(group, [g for g, found in by_group.items() if found])
            bank.candidates[(tier_id, group)] = by_group[drawn] if drawn else []
    texts = defaultdict(dict)
    for lesson_id, version_id, audience in db.session.execute(
            select(LessonVersion.lesson_id, LessonVersion.id, LessonVersion.audience)
            .join(Lesson, Lesson.id == LessonVersion.lesson_id).where(Lesson.course_id == course.id)
            .order_by(LessonVersion.id)):
        texts[lesson_id][audience] = version_id  # the newest text per audience
    bank.lessons = [(lesson_id, texts[lesson_id]) for lesson_id in db.session.scalars(
        select(Lesson.id).where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id))
        if texts[lesson_id]]
    bank.course_id = course.id
    return bank


# The learners' paths ----------------------------------------------------------------------------------

def _group(rng: random.Random) -> str:
    pick, total = rng.random(), 0.0
    for group, weight in GROUP_WEIGHTS:
        total += weight
        if pick < total:
            return group
    return "adult"


def seed(*, attempts: int, course_slug: str = "granville-terre-et-mer", rng_seed: int = 20261201,
         log=print) -> SeedReport:
    """Add seeded learners (with their attempts, answers, certificates and bookings) until the
    seeded attempts reach ``attempts``. Commits chunk by chunk."""
    from learnapp.auth.models import User
    from learnapp.quizzes.models import QuizAttempt
    from learnapp.visits.models import Visit

    started = time.perf_counter()
    report = SeedReport()
    domain = f"@{MARK}.bench"
    existing = db.session.scalar(select(func.count(QuizAttempt.id)).join(User, User.id == QuizAttempt.user_id)
                                 .where(User.display_name.like("Scale %"))) or 0
    missing = attempts - existing
    if missing <= 0:
        return report
    learners_seeded = db.session.scalar(select(func.count(User.id)).where(User.display_name.like("Scale %"))) or 0
    rng = random.Random(rng_seed + learners_seeded)
    bank = prepare_bank(course_slug, rng)
    visit_ids = list(db.session.scalars(select(Visit.id).order_by(Visit.id)))
    now = datetime.now(UTC).replace(microsecond=0)
    db.session.commit()

    engine = db.engine
    serial = learners_seeded
    while missing > 0:
        chunk_learners = min(CHUNK_LEARNERS, max(1, math.ceil(missing / ATTEMPTS_PER_LEARNER)))
        with engine.begin() as connection:
            _fast_writes(connection)
            ids = {table: _next_id(connection, table) for table in (
                "user_account", "user_role", "lesson_progress", "quiz_attempt", "attempt_item", "certificate",
                "visit_session", "visit_booking", "visit_attendance")}
            rows = defaultdict(list)
            chunk_learner_ids = []
            for _ in range(chunk_learners):
                if missing <= 0:
                    break
                serial += 1
                user_id = ids["user_account"]
                ids["user_account"] += 1
                group = _group(rng)
                joined = now - timedelta(days=rng.uniform(30, SPAN_DAYS + 30))
                rows["user_account"].append((
                    user_id, f"Scale {serial}", "Scale", str(serial), "initial",
                    None if group == "child" else f"learner{serial}{domain}", "!", now.year - BIRTH_AGE[group],
                    True, joined, joined))
                rows["user_role"].append((ids["user_role"], user_id, "learner", joined))
                ids["user_role"] += 1
                chunk_learner_ids.append(user_id)
                written = _take_quizzes(rows, ids, bank, user_id, serial, group, joined, now, rng, missing)
                if written:
                    _finish_course(rows, ids, bank, user_id, group, joined)
                missing -= written
            _bookings(rows, ids, chunk_learner_ids, visit_ids, now, rng)
            for table, columns in COLUMNS.items():
                bulk_insert(connection, table, columns, rows[table])
            _fix_sequences(connection, COLUMNS)
        report.learners += len(chunk_learner_ids)
        report.attempts += len(rows["quiz_attempt"])
        report.answers += len(rows["attempt_item"])
        report.certificates += len(rows["certificate"])
        report.sessions += len(rows["visit_session"])
        report.bookings += len(rows["visit_booking"])
        log(f"  … {existing + report.attempts:,} attempts seeded ({time.perf_counter() - started:.0f} s)")
    with engine.begin() as connection:
        _normal_writes(connection)
        connection.execute(text("ANALYZE"))  # fresh statistics for the planner, as autovacuum would
    report.seconds = time.perf_counter() - started
    return report


COLUMNS = {
    "user_account": ("id", "display_name", "first_name", "last_name", "name_shown", "email", "password_hash",
                     "birth_year", "is_active_account", "created_at", "email_confirmed_at"),
    "user_role": ("id", "user_id", "name", "granted_at"),
    "lesson_progress": ("id", "user_id", "lesson_id", "course_id", "last_version_id", "completed_version_id",
                        "first_seen_at", "last_seen_at", "completed_at"),
    "quiz_attempt": ("id", "user_id", "tier_id", "number", "audience", "seed", "status", "started_at",
                     "submitted_at", "score", "passed"),
    "attempt_item": ("id", "attempt_id", "position", "question_version_id", "presentation", "answer",
                     "answered_at", "credit"),
    "certificate": ("id", "code", "uid", "user_id", "achievement_id", "generation", "achievement_version",
                    "recipient_name", "public_name", "issued_at", "kid", "credential_jwt", "attempt_id"),
    "visit_session": ("id", "visit_id", "starts_at", "ends_at", "capacity", "taken", "status", "sequence",
                      "created_at"),
    "visit_booking": ("id", "session_id", "active_session_id", "user_id", "kind", "seats", "children", "status",
                      "confirmed_at", "sequence", "created_at"),
    "visit_attendance": ("id", "booking_id", "person", "attended", "marked_at"),
}


def _finish_course(rows, ids, bank: Bank, user_id: int, group: str, joined: datetime) -> None:
    """A learner who takes a quiz has read the course first (a tier opens once the course is done):
    every lesson completed, in their age group's text, a few minutes apart after joining. No random
    draw, so the attempts seeded stay those of earlier runs."""
    for position, (lesson_id, versions) in enumerate(bank.lessons, start=1):
        version_id = versions.get(group) or next(iter(versions.values()))
        seen = joined + timedelta(minutes=5 * position)
        rows["lesson_progress"].append((ids["lesson_progress"], user_id, lesson_id, bank.course_id, version_id,
                                        version_id, seen, seen, seen))
        ids["lesson_progress"] += 1


def _take_quizzes(rows, ids, bank: Bank, user_id: int, serial: int, group: str, joined: datetime, now: datetime,
                  rng: random.Random, budget: int) -> int:
    """The learner's attempts through the tiers in order (three tries at most per tier); returns
    how many were written."""
    ability = rng.gauss(0.3, 1.0)
    when = joined
    written = 0
    for tier_id, _number, per_attempt, pass_mark, achievement_id, achievement_version in bank.tiers:
        candidates = bank.candidates.get((tier_id, group)) or []
        if not candidates:
            return written
        for attempt_number in range(1, 4):
            when += timedelta(hours=rng.uniform(2, 400))
            if when > now - timedelta(hours=1) or written >= budget:
                return written
            attempt_id = ids["quiz_attempt"]
            ids["quiz_attempt"] += 1
            taken = timedelta(minutes=rng.uniform(3, 12))
            credits = []
            drawn = rng.sample(candidates, min(per_attempt, len(candidates)))
            for position, version_id in enumerate(drawn, start=1):
                if rng.random() < 0.04:
                    variant = Variant(None, 0.0)  # left blank
                else:
                    p_right = 1 / (1 + math.exp(-(1.2 * ability + 0.35 * (attempt_number - 1)
                                                  - bank.difficulty[version_id])))
                    variant = rng.choice(bank.right[version_id] if rng.random() < p_right else bank.wrong[version_id])
                credits.append(variant.credit)
                rows["attempt_item"].append((
                    ids["attempt_item"], attempt_id, position, version_id, bank.presentation[version_id],
                    variant.answer if variant.answer is not None else "null",
                    when + taken / 2 if variant.answer is not None else None, variant.credit))
                ids["attempt_item"] += 1
            passed = rules.is_pass(credits, pass_mark)
            rows["quiz_attempt"].append((attempt_id, user_id, tier_id, attempt_number, group,
                                         rng.randrange(1, 2**31 - 1), "submitted", when, when + taken,
                                         rules.score_percent(credits), passed))
            written += 1
            when += taken
            if passed:
                if achievement_id is not None:
                    cert_id = ids["certificate"]
                    ids["certificate"] += 1
                    rows["certificate"].append((
                        cert_id, f"S{cert_id:015d}", f"00000000-0000-4000-8000-{cert_id:012d}", user_id,
                        achievement_id, 0, achievement_version, f"Scale {serial}", f"Scale {str(serial)[0]}.",
                        when, "scale-bench", "scale.bench.unsigned", attempt_id))
                break
            if rng.random() < 0.3:
                return written
        else:
            return written  # three failures: stops there
        if rng.random() < 0.3:
            return written  # stops after this tier
    return written


def _bookings(rows, ids, learner_ids: list[int], visit_ids: list[int], now: datetime, rng: random.Random) -> None:
    """About one booking for every two learners, on sessions of the existing visits; the past
    sessions' rosters are marked (attended or not)."""
    if not visit_ids:
        return
    bookers = [user_id for user_id in learner_ids if rng.random() < BOOKING_RATE]
    for start in range(0, len(bookers), SEATS):
        group = bookers[start:start + SEATS]
        session_id = ids["visit_session"]
        ids["visit_session"] += 1
        starts = (now + timedelta(days=rng.uniform(-SPAN_DAYS, 60))).replace(minute=0, second=0)
        rows["visit_session"].append((session_id, rng.choice(visit_ids), starts, starts + timedelta(minutes=90),
                                      SEATS, len(group), "scheduled", 0, starts - timedelta(days=30)))
        for user_id in group:
            booking_id = ids["visit_booking"]
            ids["visit_booking"] += 1
            booked = starts - timedelta(days=rng.uniform(1, 25))
            rows["visit_booking"].append((booking_id, session_id, session_id, user_id, "person", 1, "[]", "confirmed",
                                          booked, 0, booked))
            if starts < now:
                rows["visit_attendance"].append((ids["visit_attendance"], booking_id, 0, rng.random() < 0.85,
                                                 starts + timedelta(minutes=100)))
                ids["visit_attendance"] += 1
