"""Staff and guides build the programme: visits, their sessions (one, weekly, chosen dates)
and a season's programme imported from CSV. Flush, never commit."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from learnapp.auth.models import User
from learnapp.auth.services import audit
from learnapp.core import markdown
from learnapp.core.problems import N_, Messages, Problem
from learnapp.extensions import db
from learnapp.visits import booking as booking_service
from learnapp.visits import notify, rules
from learnapp.visits.access import AGE_GROUPS
from learnapp.visits.errors import VisitError
from learnapp.visits.models import Booking, Visit, VisitSession

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
LANGUAGES = ("fr", "en")
GUIDE_ROLES = {"guide", "staff", "admin"}


def find_visit(slug: str) -> Visit | None:
    return db.session.scalar(select(Visit).where(Visit.slug == slug))


def guides() -> list[User]:
    from learnapp.auth.models import UserRole

    return list(db.session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.name == "guide").order_by(User.display_name).distinct()))


@dataclass
class VisitFields:
    slug: str
    title: str
    description: str = ""
    meeting_point: str = ""
    map_url: str = ""
    duration_minutes: int = 90
    accessibility: str = ""
    audiences: Sequence[str] = ("teen", "adult")
    school_groups: bool = False
    language: str = "fr"
    guide_id: int | None = None
    cover_asset_id: int | None = None
    cover_alt: str = ""


def _checked_description(fields: VisitFields) -> str:
    """The rules a visit's fields follow, on creation and on every edit; the description's HTML."""
    if not fields.audiences or set(fields.audiences) - set(AGE_GROUPS):
        raise VisitError("audiences")
    if fields.duration_minutes <= 0:
        raise VisitError("duration")
    if fields.map_url and not fields.map_url.startswith(("https://", "http://")):
        raise VisitError("map_url")
    rendered = markdown.render(fields.description or "")
    if not rendered.ok:
        raise VisitError("markdown", message=rendered.problems[0].localized())
    return rendered.html


def create_visit(fields: VisitFields, *, now: datetime) -> Visit:
    if not SLUG.fullmatch(fields.slug or ""):
        raise VisitError("slug_invalid")
    if find_visit(fields.slug) is not None:
        raise VisitError("slug_taken")
    description_html = _checked_description(fields)
    visit = Visit(slug=fields.slug, title=fields.title.strip(), description_markdown=fields.description or "",
                  description_html=description_html, meeting_point=fields.meeting_point.strip(),
                  map_url=fields.map_url.strip(), duration_minutes=fields.duration_minutes,
                  accessibility=fields.accessibility.strip(), audiences=list(fields.audiences),
                  school_groups=fields.school_groups, language=fields.language,
                  guide_id=fields.guide_id, cover_asset_id=fields.cover_asset_id,
                  cover_alt=fields.cover_alt.strip(), created_at=now)
    db.session.add(visit)
    db.session.flush()
    return visit


# What a booked person's calendar and e-mails show of a visit: changing one of them tells them.
VISIT_FIELDS_TOLD = ("title", "meeting_point")


def update_visit(visit: Visit, fields: VisitFields, *, actor, now: datetime) -> int:
    """Staff (or its guide) edit a visit; its short identifier stays (addresses and CSV files
    name it). A new title or meeting point is a change to every upcoming session: SEQUENCE + 1
    and each booked person told. Returns how many were told."""
    description_html = _checked_description(fields)
    new = {"title": fields.title.strip(), "description_markdown": fields.description or "",
           "description_html": description_html, "meeting_point": fields.meeting_point.strip(),
           "map_url": fields.map_url.strip(), "duration_minutes": fields.duration_minutes,
           "accessibility": fields.accessibility.strip(), "audiences": list(fields.audiences),
           "school_groups": fields.school_groups, "language": fields.language, "guide_id": fields.guide_id,
           "cover_alt": fields.cover_alt.strip()}
    if fields.cover_asset_id is not None:  # no new upload keeps the cover
        new["cover_asset_id"] = fields.cover_asset_id
    changed = sorted(name for name, value in new.items() if getattr(visit, name) != value)
    if not changed:
        return 0
    for name in changed:
        setattr(visit, name, new[name])
    told = 0
    if set(changed) & set(VISIT_FIELDS_TOLD):
        for session in db.session.scalars(select(VisitSession).where(
                VisitSession.visit_id == visit.id, VisitSession.status == rules.SCHEDULED,
                VisitSession.starts_at > now)):
            told += _tell_changed(session, now=now)
    db.session.flush()
    audit(actor, "visit.edit", f"visit:{visit.id}", ", ".join(changed), now)
    return told


def _tell_changed(session: VisitSession, *, now: datetime) -> int:
    """A session booked people rely on changed: its calendar entries get a higher SEQUENCE and
    each live booking (confirmed or waiting) an e-mail « changed by the office »."""
    session.sequence += 1
    db.session.flush()
    held = list(db.session.scalars(select(Booking).where(
        Booking.session_id == session.id, Booking.status.in_(rules.LIVE)).order_by(Booking.id)))
    for booking in held:
        notify.session_changed(booking, now=now)
    return len(held)


@dataclass(frozen=True)
class SessionPlan:
    """One session to write; times are aware UTC."""

    starts_at: datetime
    ends_at: datetime
    capacity: int
    guide_id: int | None = None
    booking_opens_at: datetime | None = None
    booking_closes_at: datetime | None = None
    cancel_until: datetime | None = None


def plans_from_local(starts: Sequence[datetime], *, duration_minutes: int, capacity: int,
                     guide_id: int | None, close_hours_before: int | None = None,
                     cancel_hours_before: int | None = None) -> list[SessionPlan]:
    """Naive Granville wall-clock starts → plans. Deadlines are hours before each start."""
    plans = []
    for start in starts:
        begins = rules.local_to_utc(start)
        plans.append(SessionPlan(
            starts_at=begins, ends_at=rules.local_to_utc(start + timedelta(minutes=duration_minutes)),
            capacity=capacity, guide_id=guide_id,
            booking_closes_at=begins - timedelta(hours=close_hours_before) if close_hours_before else None,
            cancel_until=begins - timedelta(hours=cancel_hours_before) if cancel_hours_before is not None
            else None))
    return plans


def existing_guide_sessions(guide_ids: set[int], *, exclude: set[tuple[int, datetime]] = frozenset()):
    """(label, guide, start, end) of scheduled sessions already led by these guides."""
    if not guide_ids:
        return []
    rows = db.session.execute(
        select(VisitSession, Visit).join(Visit, VisitSession.visit_id == Visit.id)
        .where(VisitSession.status == rules.SCHEDULED)).all()
    found = []
    for session, visit in rows:
        guide = session.guide_id if session.guide_id is not None else visit.guide_id
        if guide in guide_ids and (visit.id, session.starts_at) not in exclude:
            label = f"{visit.slug} {rules.local(session.starts_at):%Y-%m-%d %H:%M}"
            found.append((label, guide, session.starts_at, session.ends_at))
    return found


def add_sessions(visit: Visit, plans: Sequence[SessionPlan], *, now: datetime) -> list[VisitSession]:
    """All or nothing: every plan is checked before any session is written."""
    if not plans:
        raise VisitError("no_dates")
    if len(plans) > rules.MAX_SESSIONS_PER_FORM:
        raise VisitError("too_many", max=rules.MAX_SESSIONS_PER_FORM)
    taken = {s.starts_at for s in visit.sessions}
    seen = set()
    for plan in plans:
        if plan.capacity <= 0:
            raise VisitError("capacity")
        if plan.ends_at <= plan.starts_at:
            raise VisitError("end_before_start")
        if plan.starts_at <= now:
            raise VisitError("start_past")
        if plan.starts_at in taken or plan.starts_at in seen:
            raise VisitError("duplicate_start", when=f"{rules.local(plan.starts_at):%d/%m/%Y %H:%M}")
        seen.add(plan.starts_at)
    mine = [(f"{rules.local(p.starts_at):%d/%m/%Y %H:%M}", p.guide_id or visit.guide_id, p.starts_at, p.ends_at)
            for p in plans]
    guide_ids = {g for _label, g, _s, _e in mine if g is not None}
    clashes = rules.guide_clashes(mine + existing_guide_sessions(guide_ids))
    if clashes:
        raise VisitError("guide_clash", when=" / ".join(clashes[0]))
    created = []
    for plan in plans:
        session = VisitSession(visit_id=visit.id, starts_at=plan.starts_at, ends_at=plan.ends_at,
                               capacity=plan.capacity, taken=0, guide_id=plan.guide_id,
                               booking_opens_at=plan.booking_opens_at,
                               booking_closes_at=plan.booking_closes_at, cancel_until=plan.cancel_until,
                               status=rules.SCHEDULED, created_at=now)
        db.session.add(session)
        created.append(session)
    db.session.flush()
    db.session.refresh(visit)
    return created


SESSION_FIELDS = ("starts_at", "ends_at", "guide_id", "booking_opens_at", "booking_closes_at", "cancel_until")


def apply_plan(session: VisitSession, plan: SessionPlan, *, now: datetime) -> list[str]:
    """Write a checked plan over an existing session (the staff form, a CSV re-import): more
    seats promote the waitlist; new times bump SEQUENCE and tell booked people. Returns the names
    of what changed."""
    changed = []
    if session.capacity != plan.capacity:
        booking_service.change_capacity(session, plan.capacity, now=now)  # guarded: never below taken
        changed.append("capacity")
    for name in SESSION_FIELDS:
        if getattr(session, name) != getattr(plan, name):
            setattr(session, name, getattr(plan, name))
            changed.append(name)
    if {"starts_at", "ends_at"} & set(changed):
        _tell_changed(session, now=now)
    return changed


def update_session(session: VisitSession, plan: SessionPlan, *, actor, now: datetime) -> list[str]:
    """Staff (or the session's guide) edit one session. Everything is checked before anything is
    written: a refusal is a VisitError and the session is left as it was."""
    if session.status != rules.SCHEDULED:
        raise VisitError("session_cancelled")
    if plan.capacity <= 0:
        raise VisitError("capacity")
    if plan.ends_at <= plan.starts_at:
        raise VisitError("end_before_start")
    if plan.starts_at != session.starts_at and plan.starts_at <= now:
        raise VisitError("start_past")
    if plan.capacity < session.taken:
        raise VisitError("capacity_below_taken")
    visit = session.visit
    if plan.starts_at != session.starts_at and db.session.scalar(select(VisitSession.id).where(
            VisitSession.visit_id == visit.id, VisitSession.starts_at == plan.starts_at)) is not None:
        raise VisitError("duplicate_start", when=f"{rules.local(plan.starts_at):%d/%m/%Y %H:%M}")
    guide = plan.guide_id or visit.guide_id
    if guide is not None:
        mine = (f"{rules.local(plan.starts_at):%d/%m/%Y %H:%M}", guide, plan.starts_at, plan.ends_at)
        others = existing_guide_sessions({guide}, exclude={(visit.id, session.starts_at)})
        clashes = rules.guide_clashes([mine, *others])
        if clashes:
            raise VisitError("guide_clash", when=" / ".join(clashes[0]))
    changed = apply_plan(session, plan, now=now)
    if changed:
        db.session.flush()
        audit(actor, "visit.session.edit", f"visit_session:{session.id}", ", ".join(changed), now)
    return changed


# CSV import ---------------------------------------------------------------------------------

REQUIRED = ("visit", "start", "end", "seats", "guide_email")
OPTIONAL = ("booking_opens", "booking_closes", "cancel_until")
TIME_FORMAT = "%Y-%m-%d %H:%M"


MESSAGES = Messages({
    "unreadable": N_("lecture impossible : %(error)s"),
    "not_utf8": N_("le fichier n'est pas en UTF-8 (octet %(byte)s) ; enregistrez-le en « CSV UTF-8 »"),
    "header": N_("en-tête attendu : %(expected)s (et en option %(optional)s)%(detail)s"),
    "header_missing": N_(" ; il manque %(names)s"),
    "header_unknown": N_(" ; colonnes inconnues : %(names)s"),
    "too_many_values": N_("trop de valeurs sur cette ligne"),
    "unknown_visit": N_("visite inconnue « %(slug)s »"),
    "empty": N_("colonne « %(column)s » vide"),
    "bad_time": N_("« %(value)s » n'est pas une date « AAAA-MM-JJ HH:MM » (colonne « %(column)s »)"),
    "end_before_start": N_("la fin (end) doit venir après le début (start)"),
    "start_past": N_("cette séance commence dans le passé"),
    "seats": N_("« %(value)s » : le nombre de places doit être un entier positif"),
    "guide_unknown": N_("« %(email)s » n'est le compte d'aucun guide"),
    "closes_after_start": N_("booking_closes doit précéder le début"),
    "opens_after_closes": N_("booking_opens doit précéder booking_closes"),
    "duplicate": N_("même séance que la ligne %(other)s"),
    "guide_clash": N_("le guide a déjà une séance au même moment (%(other)s)"),
    "no_rows": N_("aucune séance dans le fichier"),
    "capacity_below_taken": N_("%(taken)s places déjà réservées : impossible de passer à %(capacity)s"),
    "cancelled_kept": N_("séance annulée, laissée telle quelle"),
    "line": N_("ligne %(line)s"),
})


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    notes: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    line: int
    visit: Visit
    plan: SessionPlan


def _parse_time(raw: str, column: str, problem, *, required: bool) -> datetime | None:
    raw = (raw or "").strip()
    if not raw:
        if required:
            problem("empty", column=column)
        return None
    try:
        return rules.local_to_utc(datetime.strptime(raw, TIME_FORMAT))
    except ValueError:
        problem("bad_time", value=raw, column=column)
        return None


def read_programme(raw: bytes, *, now: datetime, file: Path | None = None) -> list[_Row]:
    """Check every line; raise ImportFailed with all the problems found, or return the rows."""
    problems: list[Problem] = []

    def at(line: int | None):
        return lambda code, **params: problems.append(MESSAGES.problem(code, params, file=file, line=line))

    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed([MESSAGES.problem("not_utf8", {"byte": error.start + 1}, file=file)]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED if name not in header]
    unknown = [name for name in header if name not in REQUIRED + OPTIONAL]
    if missing or unknown:
        detail = ""
        if missing:
            detail += MESSAGES.problem("header_missing", {"names": ", ".join(missing)}).text()
        if unknown:
            detail += MESSAGES.problem("header_unknown", {"names": ", ".join(unknown)}).text()
        raise ImportFailed([MESSAGES.problem("header", {
            "expected": ",".join(REQUIRED), "optional": ",".join(OPTIONAL), "detail": detail}, file=file, line=1)])
    reader.fieldnames = header
    visits: dict[str, Visit | None] = {}
    guides_by_email: dict[str, User | None] = {}
    rows: list[_Row] = []
    keys: dict[tuple[int, datetime], int] = {}
    for record in reader:
        line = reader.line_num
        problem = at(line)
        if None in record:
            problem("too_many_values")
            continue
        before = len(problems)
        slug = (record["visit"] or "").strip()
        if slug not in visits:
            visits[slug] = find_visit(slug)
        visit = visits[slug]
        if visit is None:
            problem("unknown_visit", slug=slug)
        start = _parse_time(record["start"], "start", problem, required=True)
        end = _parse_time(record["end"], "end", problem, required=True)
        if start and end and end <= start:
            problem("end_before_start")
        if start and start <= now:
            problem("start_past")
        seats_raw = (record["seats"] or "").strip()
        seats = int(seats_raw) if seats_raw.isdigit() else 0
        if seats <= 0:
            problem("seats", value=seats_raw)
        email = (record["guide_email"] or "").strip().lower()
        guide = None
        if email:
            if email not in guides_by_email:
                guides_by_email[email] = db.session.scalar(select(User).where(User.email == email))
            guide = guides_by_email[email]
            if guide is None or not GUIDE_ROLES & set(guide.role_names):
                problem("guide_unknown", email=email)
        opens = _parse_time(record.get("booking_opens"), "booking_opens", problem, required=False)
        closes = _parse_time(record.get("booking_closes"), "booking_closes", problem, required=False)
        cancel = _parse_time(record.get("cancel_until"), "cancel_until", problem, required=False)
        if start and closes and closes > start:
            problem("closes_after_start")
        if opens and closes and opens >= closes:
            problem("opens_after_closes")
        if len(problems) > before or visit is None:
            continue
        key = (visit.id, start)
        if key in keys:
            problem("duplicate", other=keys[key])
            continue
        keys[key] = line
        rows.append(_Row(line, visit, SessionPlan(
            starts_at=start, ends_at=end, capacity=seats, guide_id=guide.id if guide else None,
            booking_opens_at=opens, booking_closes_at=closes, cancel_until=cancel)))
    # One guide cannot be in two places: overlaps in the file and with sessions already planned.
    label_of = {row.line: MESSAGES.problem("line", {"line": row.line}).text() for row in rows}
    labelled = [(label_of[row.line], row.plan.guide_id or row.visit.guide_id, row.plan.starts_at,
                 row.plan.ends_at) for row in rows]
    guide_ids = {guide for _label, guide, _s, _e in labelled if guide is not None}
    line_of = {label: line for line, label in label_of.items()}
    for first, second in rules.guide_clashes(labelled + existing_guide_sessions(guide_ids, exclude=set(keys))):
        line = max(line_of.get(first, 0), line_of.get(second, 0))
        at(line)("guide_clash", other=first if line_of.get(first) != line else second)
    if not problems and not rows:
        at(None)("no_rows")
    if problems:
        problems.sort(key=lambda p: p.line or 0)
        raise ImportFailed(problems)
    return rows


def import_programme(path: Path, *, now: datetime) -> ImportReport:
    """All or nothing; a second run of the same file changes nothing (sessions are keyed by
    visit and start time)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImportFailed([MESSAGES.problem("unreadable", {"error": error.strerror}, file=path)]) from None
    rows = read_programme(raw, now=now, file=path)
    report = ImportReport()
    problems: list[Problem] = []
    for row in rows:
        existing = db.session.scalar(select(VisitSession).where(
            VisitSession.visit_id == row.visit.id, VisitSession.starts_at == row.plan.starts_at))
        if existing is None:
            add_sessions(row.visit, [row.plan], now=now)
            report.created += 1
            continue
        plan = row.plan
        if existing.status == rules.CANCELLED:
            report.notes.append(MESSAGES.problem("cancelled_kept", file=path, line=row.line))
            report.unchanged += 1
            continue
        if plan.capacity < existing.taken:
            problems.append(MESSAGES.problem("capacity_below_taken", {
                "taken": existing.taken, "capacity": plan.capacity}, file=path, line=row.line))
            continue
        if apply_plan(existing, plan, now=now):
            report.updated += 1
        else:
            report.unchanged += 1
    if problems:
        raise ImportFailed(problems)
    db.session.flush()
    return report
