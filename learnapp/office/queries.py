"""The dashboard's numbers, each one SQL aggregate (GROUP BY over indexed columns).

Nothing here loads attempts, bookings or accounts into Python: every function returns a few
aggregated rows whatever the size of the tables (tests/office/test_numbers.py recomputes each
number from the raw rows; benchmarks time the page). The indexes they rely on are declared in
office/models.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, case, exists, false, func, literal, or_, select, text

from learnapp.auth.models import AuditEntry, User, UserRole
from learnapp.courses.models import Course, Lesson, LessonProgress, LessonVersion
from learnapp.extensions import db
from learnapp.office import milestones, period_rates, rules, session_marks
from learnapp.office.rules import Filters, Period
from learnapp.quizzes.models import QuizAttempt, QuizTier, QuizTierStat
from learnapp.visits.models import Attendance, Booking, Visit, VisitSession
from learnapp.visits.rules import WAITLISTED

OPENED = "opened"  # the funnel's first step: funnel_counts starts from lesson_progress's people


def _between(column, period: Period):
    conditions = []
    if period.start_utc is not None:
        conditions.append(column >= period.start_utc)
    if period.end_utc is not None:
        conditions.append(column < period.end_utc)
    return and_(*conditions) if conditions else literal(True)


def _without_jit() -> None:
    """PostgreSQL: no JIT compilation for the rest of this transaction (the request's).

    These aggregates' estimated costs pass ``jit_above_cost``, and PostgreSQL 15 then spends
    ~190–240 ms compiling each statement (EXPLAIN ANALYZE at 500,000 attempts: 240 ms of a month's
    522 ms funnel) to save a few milliseconds of execution. ``SET LOCAL`` ends with the
    transaction: later statements of the same request are planned without JIT too (their
    planning time only), other requests and connections never; SQLite has no JIT."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET LOCAL jit = off"))


def _population(user_id, extra_conditions) -> list:
    """The population filters (school, class… registered by other domains) on a user id column."""
    return [condition(value, user_id) for condition, value in extra_conditions]


# -- 1. certification rates ------------------------------------------------------------------

@dataclass(frozen=True)
class TierCount:
    tier_id: int
    age_group: str
    tried: int
    certified: int


def certification_counts(period: Period, age_group: str, extra_conditions=()) -> list[TierCount]:
    """Per (tier, age group at the attempt): people who submitted an attempt in ``period``
    ("tried") and those of them with a passing attempt in ``period`` ("certified").

    Without a population filter, read from what grading keeps: "everything" from the quizzes'
    own counts (``_kept_certification_counts``), a month, season, school year or year from the
    office's (office/period_rates.py) — a few dozen rows whatever the number of attempts. With one
    (a school, a class), counted from the attempts (``asked_certification_counts``)."""
    if not extra_conditions:
        if period.kind == "all":
            return _kept_certification_counts(age_group)
        if period_rates.key(period) is not None:
            return _period_certification_counts(period_rates.key(period), age_group)
    return asked_certification_counts(period, age_group, extra_conditions)


def asked_certification_counts(period: Period, age_group: str, extra_conditions=()) -> list[TierCount]:
    """``certification_counts`` counted from the attempts: one pass over the period's attempts
    through ``ix_quiz_attempt_office_period`` (submitted_at, tier, age group, user, passed): one
    row per person and tier, then counted per tier and group."""
    _without_jit()
    passed = func.max(case((QuizAttempt.passed.is_(True), 1), else_=0))
    conditions = [QuizAttempt.submitted_at.is_not(None), _between(QuizAttempt.submitted_at, period),
                  *_population(QuizAttempt.user_id, extra_conditions)]
    if age_group != rules.AGE_ALL:
        conditions.append(QuizAttempt.audience == age_group)
    people = (select(QuizAttempt.tier_id, QuizAttempt.audience, QuizAttempt.user_id, passed.label("passed"))
              .where(*conditions)
              .group_by(QuizAttempt.tier_id, QuizAttempt.audience, QuizAttempt.user_id)).subquery()
    rows = db.session.execute(
        select(people.c.tier_id, people.c.audience, func.count(), func.sum(people.c.passed))
        .group_by(people.c.tier_id, people.c.audience))
    return [TierCount(tier_id, audience, tried, int(certified or 0)) for tier_id, audience, tried, certified in rows]


def _period_certification_counts(name: str, age_group: str) -> list[TierCount]:
    rate = period_rates.PeriodRate
    query = select(rate.tier_id, rate.audience, rate.tried, rate.certified).where(rate.period == name, rate.tried > 0)
    if age_group != rules.AGE_ALL:
        query = query.where(rate.audience == age_group)
    return [TierCount(tier_id, audience, tried, certified)
            for tier_id, audience, tried, certified in db.session.execute(query)]


def _kept_certification_counts(age_group: str) -> list[TierCount]:
    """"Everything", no population filter: the distinct learners and passed learners per tier and
    age group that grading keeps (quizzes/tallies.py, ``quiz_tier_stat``): a few dozen rows read,
    whatever the number of attempts. Same definitions: a learner counted once per tier and age
    group, passed = at least one passing attempt."""
    query = select(QuizTierStat.tier_id, QuizTierStat.audience, QuizTierStat.learners,
                   QuizTierStat.passed_learners).where(QuizTierStat.learners > 0)
    if age_group != rules.AGE_ALL:
        query = query.where(QuizTierStat.audience == age_group)
    return [TierCount(tier_id, audience, learners, passed)
            for tier_id, audience, learners, passed in db.session.execute(query)]


@dataclass(frozen=True)
class TierName:
    tier_id: int
    course_title: str
    number: int
    name: str
    position: int


def tier_names() -> dict[int, TierName]:
    rows = db.session.execute(
        select(QuizTier.id, Course.title, QuizTier.number, QuizTier.name, Course.position)
        .join(Course, Course.id == QuizTier.course_id))
    return {row[0]: TierName(*row) for row in rows}


# -- 2. the funnel ---------------------------------------------------------------------------

def _flag(condition):
    return case((condition, 1), else_=0)


def lessons_per_course(conn=None) -> list[tuple[int, int]]:
    """(course id, lessons that have a text) for every course with one: what "finished a course"
    is measured against (a few rows)."""
    has_text = select(LessonVersion.id).where(LessonVersion.lesson_id == Lesson.id).exists()
    return [tuple(row) for row in (conn or db.session).execute(
        select(Lesson.course_id, func.count(Lesson.id)).where(has_text).group_by(Lesson.course_id)
        .order_by(Lesson.course_id)).all()]


def _finished_a_course(user_id, per_course: list[tuple[int, int]]):
    """The person completed every lesson that has a text in at least one course.

    The lessons with a text per course are counted once (``lessons_per_course``: a handful of
    rows), so the condition on a person is one indexed count per course
    (ix_lesson_progress_user_course_done), instead of a grouped subquery joined for every person
    of the cohort."""
    if not per_course:
        return false()
    return or_(*(select(func.count(LessonProgress.id))
                 .where(LessonProgress.user_id == user_id, LessonProgress.course_id == course_id,
                        LessonProgress.completed_version_id.is_not(None)).scalar_subquery() >= lessons
                 for course_id, lessons in per_course))


def standard_steps(conn=None, per_course: list[tuple[int, int]] | None = None) -> list[tuple[str, object]]:
    """(key, SQL condition on a user id) for the funnel's own steps, in order (office/milestones.py
    adds the contributed ones and keeps each learner's depth in them all)."""
    user_id = User.id
    per_course = lessons_per_course(conn) if per_course is None else per_course
    return [
        # Keep this condition "has any lesson_progress row": funnel_counts' shortcut for large
        # cohorts reads exactly those people (lesson_progress's user ids) and takes it as reached.
        (OPENED, exists().where(LessonProgress.user_id == user_id)),
        ("finished", _finished_a_course(user_id, per_course)),
        ("attempted", exists().where(QuizAttempt.user_id == user_id, QuizAttempt.submitted_at.is_not(None))),
        ("passed", exists().where(QuizAttempt.user_id == user_id, QuizAttempt.passed.is_(True))),
        ("visited", exists().where(Booking.user_id == user_id, Attendance.booking_id == Booking.id,
                                   Attendance.person == 0, Attendance.attended.is_(True))),
    ]


def birth_year_range(filters: Filters, today: date) -> tuple[int | None, int | None]:
    """The birth years of the filters' age group at the end of their period (None: unbounded)."""
    if filters.age_group == rules.AGE_ALL:
        return None, None
    period = filters.period
    return rules.birth_years(filters.age_group, (period.end - timedelta(days=1)).year if period.end else today.year)


def cohort_conditions(filters: Filters, today: date, extra_conditions=()) -> list:
    """Accounts created in the period, in the age group they were in at its end (``_cohort`` adds
    the learner role)."""
    conditions = [_between(User.created_at, filters.period), *_population(User.id, extra_conditions)]
    lowest, highest = birth_year_range(filters, today)
    if lowest is not None:
        conditions.append(User.birth_year >= lowest)
    if highest is not None:
        conditions.append(User.birth_year <= highest)
    return conditions


def _cohort(query, filters: Filters, today: date, extra_conditions=(), *, drive_from_roles: bool = False):
    """``query`` (which reads ``User``) limited to the cohort: learner accounts created in the period.

    ``drive_from_roles`` (for counting every learner of "everything"): the learner role as a join,
    which SQLite runs from ``ix_user_role_office_learners`` (name, user_id: the learner ids in
    order, no table read) with one primary-key lookup per person — ~35 ms for 200,000 learners
    where a probe of the roles per account costs ~320 ms. Otherwise a correlated ``EXISTS``, so
    the plan is driven by the period's accounts (``ix_user_account_office_cohort``: created_at,
    birth_year, id), whatever the planner's statistics: SQLite without ``ANALYZE`` (the app never
    runs it) would drive even a month's join from all the learner roles."""
    learner = and_(UserRole.user_id == User.id, UserRole.name == rules.LEARNER_ROLE)
    query = query.join(UserRole, learner) if drive_from_roles else query.where(exists().where(learner))
    return query.where(*cohort_conditions(filters, today, extra_conditions))


def depth_of(steps: list[tuple[str, object]], reached: int = 0):
    """Steps reached in a row, ``reached`` of them already known: a CASE tried in order that stops
    at the first step missed."""
    if not steps:
        return literal(reached)
    return case(*((~condition, literal(reached + index)) for index, (_, condition) in enumerate(steps)),
                else_=literal(reached + len(steps)))


# The funnel's depths are read from the people who opened a lesson (every entry of lesson_progress's
# user index, in id order) unless that index is over this many entries per person of the cohort;
# then each person of the cohort is asked instead. Measured on SQLite at 500,000 attempts with
# every quiz taker having read the course's 7 lessons (1.4 million rows): a month's cohort (8,000
# people) costs 128 ms asked person by person and 180 ms read from the openers; a year's (100,000)
# 1,620 ms and 595 ms; "everything" (200,000) 3,060 ms and 790 ms. Asking a person costs ~16 µs,
# reading an entry of the index well under 1 µs: 50 entries per person leans towards asking people
# one by one where the two are close. Tuned on SQLite; on PostgreSQL both ways cost about the same.
OPENERS_SCAN_RATIO = 50


def funnel_counts(filters: Filters, today: date, steps: list[tuple[str, object]], extra_conditions=()) -> list[int]:
    """People of the cohort who reached each step *and every step before it*: [registered, …].

    When the depths are kept against today's lessons and steps (office/milestones.py), they are
    read: without a population filter, the learners per depth of the period's months and the age
    group's birth years (a few hundred rows, however many people); with one, each person's kept
    row (``_kept_by_depth``).

    Otherwise they are asked. "Registered" is one count of the cohort. Each person's depth (the
    steps reached in a row from the first) is one CASE whose conditions are tried in order and
    stop at the first step missed; then one count per depth, and a step's people are those of
    depth at least its rank. When the first step is "opened a lesson" (the standard steps) and
    the cohort is large beside ``lesson_progress`` (``OPENERS_SCAN_RATIO``), only the people who
    opened a lesson are looked at, read in id order from lesson_progress's user index, the step
    known reached: everyone else has depth 0 and costs nothing beyond the count. Otherwise (a
    month's cohort against years of progress) the cohort's people are asked one by one.

    Every way gives the same numbers (tests/office/test_numbers.py runs each)."""
    _without_jit()
    kept = _kept_steps(steps)
    if kept >= len(steps) > 0 and not extra_conditions:
        by_depth = _counted_by_depth(filters, today)
        return _per_step(sum(by_depth.values()), by_depth, len(steps))
    everything = filters.period.start_utc is None and filters.period.end_utc is None
    registered = db.session.scalar(_cohort(select(func.count()).select_from(User), filters, today,
                                           extra_conditions, drive_from_roles=everything))
    if not steps or not registered:
        return [registered] + [0] * len(steps)
    if kept:
        by_depth = _kept_by_depth(steps, kept, filters, today, extra_conditions, everything=everything)
        return _per_step(registered, by_depth, len(steps))
    if steps[0][0] == OPENED and _openers_first(registered):
        openers = select(LessonProgress.user_id).distinct().subquery()
        people = _cohort(select(depth_of(steps[1:], 1).label("depth")).select_from(openers)
                         .join(User, User.id == openers.c.user_id), filters, today, extra_conditions).subquery()
    else:
        people = _cohort(select(depth_of(steps).label("depth")).select_from(User),
                         filters, today, extra_conditions).subquery()
    by_depth = dict(db.session.execute(select(people.c.depth, func.count()).group_by(people.c.depth)).all())
    return _per_step(registered, by_depth, len(steps))


def _per_step(registered: int, by_depth: dict[int, int], steps: int) -> list[int]:
    """[registered, people at each step]: a step's people are those of depth at least its rank.
    Two statements may see two moments (an account created in between): a step never shows more
    people than registered, so the page cannot show a negative drop-off."""
    return [registered] + [min(registered, sum(n for reached, n in by_depth.items() if reached >= rank))
                           for rank in range(1, steps + 1)]


def _kept_steps(steps: list[tuple[str, object]]) -> int:
    """How many of ``steps`` the kept depths (office/milestones.py) answer: all of the steps they
    were built with, when ``steps`` start with those (or are a start of them) and they were built
    against today's lessons; 0 when they cannot be read."""
    kept_keys = [key for key, _condition in milestones.funnel_steps(per_course=[])]
    keys = [key for key, _condition in steps]
    shared = min(len(keys), len(kept_keys))
    if not shared or keys[:shared] != kept_keys[:shared] or not milestones.usable(milestones.todays_key()):
        return 0
    return len(kept_keys)


def _counted_by_depth(filters: Filters, today: date) -> dict[int, int]:
    """Learners per depth, summed from the kept counts of the period's months (of account
    creation, office time) and the age group's birth years: a few hundred rows."""
    count = milestones.FunnelCount
    conditions = []
    if filters.period.start is not None:
        conditions.append(count.cohort_month >= f"{filters.period.start:%Y-%m}")
    if filters.period.end is not None:
        conditions.append(count.cohort_month < f"{filters.period.end:%Y-%m}")
    lowest, highest = birth_year_range(filters, today)
    if lowest is not None:
        conditions.append(count.birth_year >= lowest)
    if highest is not None:
        conditions.append(count.birth_year <= highest)
    rows = db.session.execute(select(count.depth, func.sum(count.people)).where(*conditions).group_by(count.depth))
    return {depth: int(people) for depth, people in rows if people}


def _kept_by_depth(steps, kept: int, filters: Filters, today: date, extra_conditions, *,
                   everything: bool) -> dict[int, int]:
    """People of the cohort per depth, from each person's kept row (0 without one: a learner being
    noted); steps past the ``kept`` ones are asked only of the people who reached all of those.
    Each person's row is found the way each database does best (measured at 500,000 attempts):
    SQLite looks it up by primary key from each person (a year's 83,000 accounts ~240 ms, over
    twice that as an outer join); PostgreSQL hash-joins the kept rows (an outer join)."""
    kept_row = milestones.FunnelDepth
    query = select().select_from(User)
    if db.session.get_bind().dialect.name == "postgresql":
        depth = func.coalesce(kept_row.depth, 0)
        query = query.outerjoin(kept_row, kept_row.user_id == User.id)
    else:
        depth = func.coalesce(select(kept_row.depth).where(kept_row.user_id == User.id).scalar_subquery(), 0)
    if len(steps) > kept:
        depth = case((depth < kept, depth), else_=depth_of(steps[kept:], kept))
    people = _cohort(query.add_columns(depth.label("depth")), filters, today, extra_conditions,
                     drive_from_roles=everything).subquery()
    return dict(db.session.execute(select(people.c.depth, func.count()).group_by(people.c.depth)).all())


def _openers_first(registered: int) -> bool:
    """Whether reading lesson_progress's openers beats asking the cohort's ``registered`` people.
    Its rows are estimated by its largest id (one index probe; a count would read them all)."""
    progress_rows = db.session.scalar(select(func.max(LessonProgress.id))) or 0
    return progress_rows <= OPENERS_SCAN_RATIO * registered


# -- 3. visits -------------------------------------------------------------------------------

@dataclass(frozen=True)
class VisitTally:
    key: object  # the visit's id, or the month ("2026-11")
    label: str
    sessions: int
    capacity: int
    taken: int
    waitlisted: int
    attended: int
    no_show: int


def period_bucket(column, periods: list[Period], name=lambda period: period.at):
    """``name(period)`` of the period ``column`` falls in, among ``periods`` (consecutive, the
    first and last taking anything before and after): a CASE that halves the list at each level
    (7 comparisons for 10 years of months), where a flat CASE would try every period in turn.
    For the rebuilds, which bucket every row of a table."""
    if len(periods) == 1:
        return literal(name(periods[0]))
    middle = len(periods) // 2
    return case((column < periods[middle].start_utc, period_bucket(column, periods[:middle], name)),
                else_=period_bucket(column, periods[middle:], name))


def _month_bucket(column, months: list[Period]):
    """'YYYY-MM' of ``column`` in the office's time zone, portable (SQLite has no time zones):
    a CASE over the months' UTC boundaries (at most a couple of dozen)."""
    if not months:
        return literal("")
    return case(*((and_(column >= m.start_utc, column < m.end_utc), literal(m.at)) for m in months), else_=literal(""))


def visit_tallies(period: Period, months: list[Period]) -> tuple[list[VisitTally], list[VisitTally]]:
    """(per month, per visit) for sessions starting in ``period`` (cancelled ones left out): seats
    offered and taken, seats on the waitlist, people marked present and absent (confirmed
    bookings, holder and children). Months are ``months`` (others are in no month's row).

    One statement grouped by (visit, month): at most visits × (months + 1) rows, whatever the
    number of bookings, folded here into the two tables. The marks are each session's kept
    counts (office/session_marks.py: one row per session, where the attendance rows of every
    booking used to be read); the waitlisted seats come from an index alone
    (``ix_visit_booking_office_waitlist``: status, session, seats — office/models.py)."""
    _without_jit()
    # Only the period's sessions' bookings are summed (through ix_visit_session_starts_at).
    in_period = select(VisitSession.id).where(_between(VisitSession.starts_at, period))
    waitlist = (select(Booking.session_id, func.sum(Booking.seats).label("seats"))
                .where(Booking.status == WAITLISTED, Booking.session_id.in_(in_period))
                .group_by(Booking.session_id).subquery())
    marks = session_marks.SessionMarks  # kept per session as the marks change

    def marked(column):
        # A lookup of the session's row by its key, whatever the planner's statistics say: joined,
        # SQLite scanned the whole table for every session once ANALYZE had seen it nearly empty
        # (297 ms for a year at 500,000 attempts; 7.5 ms this way).
        return func.coalesce(select(column).where(marks.session_id == VisitSession.id).scalar_subquery(), 0)

    bucket = _month_bucket(VisitSession.starts_at, months).label("month")
    rows = db.session.execute(
        select(Visit.id, Visit.title, bucket, func.count(VisitSession.id), func.sum(VisitSession.capacity),
               func.sum(VisitSession.taken), func.sum(func.coalesce(waitlist.c.seats, 0)),
               func.sum(marked(marks.present)), func.sum(marked(marks.absent)))
        .join(Visit, Visit.id == VisitSession.visit_id)
        .outerjoin(waitlist, waitlist.c.session_id == VisitSession.id)
        .where(VisitSession.status != "cancelled", _between(VisitSession.starts_at, period))
        .group_by(Visit.id, Visit.title, bucket)).all()
    by_month: dict[str, list[int]] = {}
    by_visit: dict[int, tuple[str, list[int]]] = {}
    for visit_id, title, month, *numbers in rows:
        numbers = [int(n or 0) for n in numbers]
        targets = [by_visit.setdefault(visit_id, (title, [0] * len(numbers)))[1]]
        if month:
            targets.append(by_month.setdefault(month, [0] * len(numbers)))
        for target in targets:
            for index, value in enumerate(numbers):
                target[index] += value
    visits = sorted((VisitTally(visit_id, title, *numbers) for visit_id, (title, numbers) in by_visit.items()),
                    key=lambda t: (-t.sessions, str(t.label)))
    return [VisitTally(m.at, m.at, *by_month.get(m.at, [0] * 6)) for m in months], visits


# -- 5. the audit log ------------------------------------------------------------------------

def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def audit_query(*, action: str = "", actor: str = "", start: datetime | None = None, end: datetime | None = None):
    """(select of (entry, actor) newest first, select of the count) for these filters."""
    conditions = []
    if action:
        conditions.append(AuditEntry.action == action)
    if actor:
        pattern = f"%{actor.lower()}%"
        conditions.append(AuditEntry.actor_id.in_(
            select(User.id).where(or_(func.lower(User.email).like(pattern),
                                      func.lower(User.display_name).like(pattern)))))
    if start is not None:
        conditions.append(AuditEntry.created_at >= start)
    if end is not None:
        conditions.append(AuditEntry.created_at < end)
    entries = (select(AuditEntry, User).outerjoin(User, User.id == AuditEntry.actor_id).where(*conditions)
               .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc()))
    count = select(func.count(AuditEntry.id)).where(*conditions)
    return entries, count
