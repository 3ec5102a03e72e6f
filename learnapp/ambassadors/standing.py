"""Where an ambassador stands: the one question the card and the partners ask.

    from learnapp.ambassadors.standing import standing_of, levels_for

    standing = standing_of(db.session, user, now)
    if standing is None:          # never signed the manifesto: not an ambassador
        ...
    elif not standing.active:     # paused, left, re-signature overdue, or a minor without consent
        ...                       # standing.reason says which (see INACTIVE_REASONS)
    else:
        standing.level_rank       # 0 = no level yet, 1 = the first level of their age group …
        str(standing.level_label) # the level's name in the current language ("" with no level)

``levels_for(age_group)`` gives that group's levels in order (code, rank, label), e.g. for a
partner's offer « à partir du niveau … ». A level's rank is comparable only within one age group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from learnapp.ambassadors import consent
from learnapp.ambassadors.models import JOINED, LEFT, PAUSED, Level, ManifestoVersion, Membership, Signature

# Why a membership does not count right now.
INACTIVE_REASONS = (PAUSED, LEFT, "manifesto_overdue", "consent_missing")


class LocalizedText:
    """A text kept in French and English (a level's name), shown in the language of the moment:
    the request's, or the one an e-mail forces. Compares and hashes by its French text."""

    __slots__ = ("texts",)

    def __init__(self, texts: dict[str, str]):
        self.texts = dict(texts or {})

    def __str__(self) -> str:
        locale = "fr"
        try:
            from flask_babel import get_locale

            found = get_locale()
            locale = found.language if found is not None else "fr"
        except (RuntimeError, KeyError, AttributeError):  # outside an app: French
            pass
        return self.texts.get(locale) or self.texts.get("fr", "")

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))

    def __eq__(self, other) -> bool:
        if isinstance(other, LocalizedText):
            return self.texts == other.texts
        return str(self) == other

    def __hash__(self) -> int:
        return hash(self.texts.get("fr", ""))

    def __bool__(self) -> bool:
        return bool(self.texts)

    def __repr__(self) -> str:
        return f"LocalizedText({self.texts!r})"


@dataclass(frozen=True)
class Manifesto:
    """A person's signature against the current version."""

    signed_version: int | None  # the last version they signed
    current_version: int | None
    resign_by: datetime | None  # set when a newer version waits for their signature
    overdue: bool

    @property
    def up_to_date(self) -> bool:
        return self.signed_version is not None and self.signed_version == self.current_version


@dataclass(frozen=True)
class Standing:
    """An ambassador's standing at ``now``.

    - ``user_id``
    - ``status``: ``joined`` | ``paused`` | ``left``
    - ``active``: True only when joined, the manifesto's signature counts (the current version,
      or the previous one within its grace period) and, for a minor, a parent's (or teacher's)
      consent is recorded. The card and the partners' checks stop when it is False.
    - ``reason``: why not active (one of ``INACTIVE_REASONS``), ``None`` when active
    - ``level_code``, ``level_rank`` (0 = no level yet), ``level_label`` (a :class:`LocalizedText`,
      ``str()`` gives it in the current language; empty with no level)
    - ``age_group``: ``child`` | ``teen`` | ``adult`` at ``now``
    - ``manifesto``: the signature's state (``resign_by`` when a new version waits)
    - ``joined_at``, ``level_since``
    """

    user_id: int
    status: str
    active: bool
    reason: str | None
    level_code: str | None
    level_rank: int
    level_label: LocalizedText
    age_group: str
    manifesto: Manifesto
    joined_at: datetime
    level_since: datetime | None


def current_manifesto(session) -> ManifestoVersion | None:
    return session.scalars(select(ManifestoVersion).order_by(ManifestoVersion.number.desc()).limit(1)).first()


def last_signature(session, user_id: int) -> Signature | None:
    return session.scalars(select(Signature).join(ManifestoVersion, Signature.version_id == ManifestoVersion.id)
                           .where(Signature.user_id == user_id)
                           .order_by(ManifestoVersion.number.desc()).limit(1)).first()


def manifesto_state(current: ManifestoVersion | None, signature: Signature | None, now: datetime) -> Manifesto:
    return manifesto_of(signature.version.number if signature is not None else None,
                        current.number if current is not None else None,
                        current.published_at if current is not None else None,
                        current.grace_days if current is not None else None, now)


@dataclass(frozen=True)
class SignatureFacts:
    """The columns of a person's last signature that their standing reads (consent.has_consent
    reads the same attributes on a ``Signature``)."""

    version_number: int
    consent_by: str | None
    parent_name: str | None
    parent_declaration: str | None
    consent_by_user_id: int | None


@cache
def _standing_query():
    """Everything a standing reads, in ONE statement built once per process (the card check
    asks it on every scan): the membership and its level, the last signature with the number
    of the version it signed, and the current manifesto version. The person is a bound
    parameter ``user_id``."""
    signed, current = aliased(ManifestoVersion), aliased(ManifestoVersion)
    last_signature_id = (select(Signature.id).join(ManifestoVersion, Signature.version_id == ManifestoVersion.id)
                         .where(Signature.user_id == Membership.user_id)
                         .order_by(ManifestoVersion.number.desc()).limit(1)
                         .correlate(Membership).scalar_subquery())
    current_number = select(func.max(ManifestoVersion.number)).correlate(None).scalar_subquery()
    return (select(Membership.status, Membership.joined_at, Membership.level_rank, Membership.level_since,
                   Level.code, Level.names,
                   signed.number, Signature.consent_by, Signature.parent_name, Signature.parent_declaration,
                   Signature.consent_by_user_id,
                   current.number, current.published_at, current.grace_days)
            .select_from(Membership)
            .outerjoin(Level, Level.id == Membership.level_id)
            .outerjoin(Signature, Signature.id == last_signature_id)
            .outerjoin(signed, signed.id == Signature.version_id)
            .outerjoin(current, current.number == current_number)
            .where(Membership.user_id == bindparam("user_id")))


def manifesto_of(signed_number: int | None, current_number: int | None, published_at: datetime | None,
                 grace_days: int | None, now: datetime) -> Manifesto:
    """The signature's state from plain values (see :func:`manifesto_state`)."""
    if signed_number is None:
        return Manifesto(None, current_number, None, True)
    if current_number is None or signed_number >= current_number:
        return Manifesto(signed_number, current_number, None, False)
    deadline = published_at + timedelta(days=grace_days)
    return Manifesto(signed_number, current_number, deadline, now >= deadline)


def standing_of(session, user, now: datetime) -> Standing | None:
    """``user``'s standing at ``now``, or ``None`` when they never joined (see the module's doc).
    One query (two for a child pupil: the class's consent forms)."""
    row = session.execute(_standing_query(), {"user_id": user.id}).first()
    if row is None:
        return None
    (status, joined_at, level_rank, level_since, level_code, level_names, signed_number, consent_by,
     parent_name, parent_declaration, consent_by_user_id, current_number, published_at, grace_days) = row
    age_group = user.age_group(now)
    signature = None if signed_number is None else SignatureFacts(
        signed_number, consent_by, parent_name, parent_declaration, consent_by_user_id)
    manifesto = manifesto_of(signed_number, current_number, published_at, grace_days, now)
    if status != JOINED:
        reason = status
    elif manifesto.overdue:
        reason = "manifesto_overdue"
    elif not consent.has_consent(session, user, signature, age_group):
        reason = "consent_missing"
    else:
        reason = None
    has_level = level_code is not None
    return Standing(
        user_id=user.id, status=status, active=reason is None, reason=reason,
        level_code=level_code, level_rank=level_rank if has_level else 0,
        level_label=LocalizedText(level_names if has_level else {}), age_group=age_group, manifesto=manifesto,
        joined_at=joined_at, level_since=level_since)


@dataclass(frozen=True)
class LevelInfo:
    code: str
    rank: int
    label: LocalizedText
    age_group: str


def levels_for(age_group: str, session=None) -> list[LevelInfo]:
    """The levels of ``age_group`` in climbing order (retired ones left out)."""
    if session is None:
        from learnapp.extensions import db

        session = db.session
    rows = session.scalars(select(Level).where(Level.age_group == age_group, Level.retired.is_(False))
                           .order_by(Level.rank))
    return [LevelInfo(level.code, level.rank, LocalizedText(level.names), level.age_group) for level in rows]
