"""Portraits: an adult ambassador's photo, short text and favourite places, public once approved.

Never a minor's: submitting is refused, and the public list checks the age again (by birth year,
in SQL). Any change sends the portrait back to review. The photo goes through
``core.images.clean_photo`` (decoded, cropped to a portrait, re-encoded without metadata).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from learnapp.ambassadors.errors import AmbassadorError
from learnapp.ambassadors.models import APPROVED, JOINED, PENDING, REJECTED, Level, Membership, Portrait
from learnapp.ambassadors.palmares import birth_years_of
from learnapp.auth.models import AuditEntry, User
from learnapp.core import age_groups
from learnapp.core.images import PhotoError, clean_photo
from learnapp.core.pagination import Page, paginate
from learnapp.extensions import db

TEXT_MAX = 600
PLACES_MAX = 300
NOTE_MAX = 300
ASPECT = (3, 4)


def of(user: User) -> Portrait | None:
    return db.session.scalars(select(Portrait).where(Portrait.user_id == user.id)).first()


def submit(user: User, *, text: str, places: str, photo: bytes | None, now: datetime) -> Portrait:
    """Create or change ``user``'s portrait; it waits for staff's approval again."""
    if user.age_group(now) != age_groups.ADULT:
        raise AmbassadorError("portrait_minor")
    membership = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).first()
    if membership is None or membership.status != JOINED:
        raise AmbassadorError("not_member")
    text = (text or "").strip()
    places = "\n".join(line.strip() for line in (places or "").splitlines() if line.strip())
    if not text:
        raise AmbassadorError("portrait_text")
    if len(text) > TEXT_MAX or len(places) > PLACES_MAX:
        raise AmbassadorError("portrait_too_long", text=TEXT_MAX, places=PLACES_MAX)
    portrait = of(user)
    cleaned = None
    if photo:
        try:
            cleaned = clean_photo(photo, aspect=ASPECT, max_side=800)
        except PhotoError as error:
            raise AmbassadorError("photo", photo=error.code) from None
    elif portrait is None or portrait.photo_sha256 is None:
        raise AmbassadorError("photo", photo="missing")
    if portrait is None:
        portrait = Portrait(user_id=user.id, submitted_at=now)
        db.session.add(portrait)
    portrait.text, portrait.places = text, places
    if cleaned is not None:
        portrait.photo, portrait.photo_mime, portrait.photo_sha256 = cleaned.data, cleaned.mime_type, cleaned.sha256
    portrait.status, portrait.submitted_at, portrait.reviewed_at, portrait.reviewer_id = PENDING, now, None, None
    db.session.flush()
    return portrait


def review(actor: User, portrait: Portrait, *, approve: bool, note: str, now: datetime) -> Portrait:
    note = " ".join((note or "").split())
    if len(note) > NOTE_MAX:
        raise AmbassadorError("note_too_long", max=NOTE_MAX)
    if not approve and not note:
        raise AmbassadorError("note_missing")
    owner = db.session.get(User, portrait.user_id)
    if approve and (owner is None or owner.age_group(now) != age_groups.ADULT):
        raise AmbassadorError("portrait_minor")
    portrait.status = APPROVED if approve else REJECTED
    portrait.reviewed_at, portrait.reviewer_id, portrait.review_note = now, actor.id, note
    db.session.add(AuditEntry(actor_id=actor.id, action="ambassador.portrait." + portrait.status,
                              subject=f"user:{portrait.user_id}", detail=note[:1000], created_at=now))
    db.session.flush()
    return portrait


def _public_clause(now: datetime):
    oldest, youngest = birth_years_of(age_groups.ADULT, age_groups.office_date(now).year)
    return (Portrait.status == APPROVED, Membership.status == JOINED, User.is_active_account.is_(True),
            User.birth_year <= youngest)


def public(now: datetime, *, limit: int | None = None, raw_page: str | None = None):
    """Approved portraits of adults who are ``joined``: rows (portrait, user, level)."""
    query = (select(Portrait, User, Level).join(User, User.id == Portrait.user_id)
             .join(Membership, Membership.user_id == User.id).outerjoin(Level, Level.id == Membership.level_id)
             .where(*_public_clause(now)).order_by(Portrait.reviewed_at.desc(), Portrait.id.desc()))
    if limit is not None:
        return list(db.session.execute(query.limit(limit)).all())
    total = db.session.scalar(select(func.count()).select_from(Portrait).join(User, User.id == Portrait.user_id)
                              .join(Membership, Membership.user_id == User.id).where(*_public_clause(now)))
    from learnapp.core.pagination import page_number

    number = page_number(raw_page)
    rows = list(db.session.execute(query.limit(12).offset((number - 1) * 12)).all())
    return Page(items=rows, number=number, per_page=12, total=total or 0)


def is_public(portrait: Portrait, now: datetime) -> bool:
    return db.session.scalar(select(Portrait.id).join(User, User.id == Portrait.user_id)
                             .join(Membership, Membership.user_id == User.id)
                             .where(Portrait.id == portrait.id, *_public_clause(now))) is not None


def waiting(raw_page: str | None) -> Page:
    query = select(Portrait).where(Portrait.status == PENDING).order_by(Portrait.submitted_at)
    total = db.session.scalar(select(func.count()).select_from(Portrait).where(Portrait.status == PENDING))
    return paginate(query, total or 0, raw_page)


def owners(portraits: list[Portrait]) -> dict[int, User]:
    """The accounts of ``portraits`` (a page to review), by id: one query, for that page only."""
    ids = {portrait.user_id for portrait in portraits}
    if not ids:
        return {}
    return {user.id: user for user in db.session.scalars(select(User).where(User.id.in_(ids)))}
