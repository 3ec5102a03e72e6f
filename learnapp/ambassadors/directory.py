"""The partners' directory: adult ambassadors who opted in to invitations — name, level,
preferred contact, nothing more. Staff can export it as CSV (UTF-8 with a BOM, so a
spreadsheet opens the accents right).

Adults only: a minor's contact is never handed to partners (their parents are the contact).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select

from learnapp.ambassadors.models import JOINED, Level, Membership
from learnapp.ambassadors.palmares import birth_years_of
from learnapp.ambassadors.standing import LocalizedText
from learnapp.auth.models import User
from learnapp.core import age_groups
from learnapp.core.pagination import Page, page_number
from learnapp.extensions import db

PER_PAGE = 50


@dataclass(frozen=True)
class Entry:
    name: str
    level: LocalizedText
    contact: str


def _query(now: datetime, search: str = ""):
    _oldest, youngest = birth_years_of(age_groups.ADULT, age_groups.office_date(now).year)
    query = (select(User, Membership, Level).join(Membership, Membership.user_id == User.id)
             .outerjoin(Level, Level.id == Membership.level_id)
             .where(Membership.status == JOINED, Membership.in_directory.is_(True),
                    User.is_active_account.is_(True), User.birth_year <= youngest))
    wanted = " ".join(search.split())[:80]
    if wanted:
        like = f"%{wanted.lower()}%"
        query = query.where(or_(func.lower(User.display_name).like(like), func.lower(User.first_name).like(like),
                                func.lower(User.last_name).like(like)))
    return query


def _entry(user: User, membership: Membership, level: Level | None) -> Entry:
    return Entry(name=user.full_name, level=LocalizedText(level.names if level else {}),
                 contact=membership.preferred_contact or user.email or "")


def page(now: datetime, *, search: str = "", raw_page: str | None = None) -> Page:
    query = _query(now, search)
    total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    number = page_number(raw_page)
    rows = db.session.execute(query.order_by(func.lower(User.last_name), func.lower(User.first_name), User.id)
                              .limit(PER_PAGE).offset((number - 1) * PER_PAGE)).all()
    return Page(items=[_entry(*row) for row in rows], number=number, per_page=PER_PAGE, total=total)


def csv_text(now: datetime, headers: tuple[str, str, str]) -> str:
    """The whole directory as CSV text, starting with a BOM."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(headers)
    for row in db.session.execute(_query(now).order_by(func.lower(User.last_name), func.lower(User.first_name),
                                                        User.id)).yield_per(500):
        entry = _entry(*row)
        writer.writerow([_safe(entry.name), _safe(str(entry.level)), _safe(entry.contact)])
    return out.getvalue()


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
