"""The manifesto: versions (from the file or staff's editor) and signatures.

Signing is how one becomes an ambassador (:func:`sign` creates the membership on the first
signature). A new version asks everyone to sign again; their previous signature still counts for
the version's ``grace_days``. A minor's signature carries a parent's consent (their name and a
declaration), checked by ``consent.has_consent``.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learnapp.ambassadors import consent, definitions
from learnapp.ambassadors.errors import AmbassadorError
from learnapp.ambassadors.models import JOINED, LEFT, ManifestoVersion, Membership, Signature
from learnapp.ambassadors.standing import current_manifesto
from learnapp.auth.models import AuditEntry, User
from learnapp.core import markdown
from learnapp.core.content_files import source_hash
from learnapp.extensions import db

MAX_LENGTH = 20_000
PARENT_NAME_MAX = 200
DECLARATION_MAX = 500


def current() -> ManifestoVersion | None:
    return current_manifesto(db.session)


def versions() -> list[ManifestoVersion]:
    return list(db.session.scalars(select(ManifestoVersion).order_by(ManifestoVersion.number.desc())))


def publish(text: str, *, author: User | None, now: datetime, source: str = "editor",
            grace_days: int | None = None) -> ManifestoVersion:
    """A new version (the previous ones are kept). ``AmbassadorError`` for an empty or too long
    text, or one equal to the current version."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise AmbassadorError("manifesto_empty")
    if len(text) > MAX_LENGTH:
        raise AmbassadorError("manifesto_too_long", max=MAX_LENGTH)
    if grace_days is not None and not 0 <= grace_days <= 365:
        raise AmbassadorError("grace_days")
    rendered = markdown.render(text)
    if rendered.problems:
        raise AmbassadorError("markdown", message=rendered.problems[0].localized())
    text += "\n"
    latest = current()
    if latest is not None and latest.body == text:
        raise AmbassadorError("manifesto_unchanged")
    number = (db.session.scalar(select(func.max(ManifestoVersion.number))) or 0) + 1
    version = ManifestoVersion(number=number, body=text, source_hash=source_hash(text), source=source,
                               published_at=now, grace_days=definitions.grace_days() if grace_days is None
                               else grace_days, author_id=author.id if author else None)
    db.session.add(version)
    if author is not None:
        db.session.add(AuditEntry(actor_id=author.id, action="ambassador.manifesto.publish",
                                  subject=f"manifesto:{number}", detail=f"grace {version.grace_days} days",
                                  created_at=now))
    db.session.flush()
    return version


def html(version: ManifestoVersion) -> str:
    """The version's text as sanitised HTML (Markdown through the sanitiser, never raw)."""
    return markdown.for_display(markdown.render(version.body).html)


def signature_of(user: User, version: ManifestoVersion) -> Signature | None:
    return db.session.scalars(select(Signature).where(Signature.user_id == user.id,
                                                       Signature.version_id == version.id)).first()


def sign(user: User, version_id: int, *, now: datetime, parent_name: str = "", parent_declaration: str = "",
         in_palmares: bool = False) -> Signature:
    """``user`` signs the version ``version_id`` (it must be the current one). The first
    signature makes them an ambassador; after leaving, signing again brings them back."""
    version = current()
    if version is None or version.id != version_id:
        raise AmbassadorError("manifesto_outdated")
    group = user.age_group(now)
    parent_name = " ".join((parent_name or "").split())
    parent_declaration = (parent_declaration or "").strip()
    minor = consent.needs_consent(group)
    if minor and (not parent_name or not parent_declaration):
        raise AmbassadorError("consent_missing")
    if len(parent_name) > PARENT_NAME_MAX or len(parent_declaration) > DECLARATION_MAX:
        raise AmbassadorError("consent_too_long")
    if signature_of(user, version) is not None:
        raise AmbassadorError("already_signed")
    signature = Signature(user_id=user.id, version_id=version.id, signed_at=now,
                          consent_by=consent.PARENT if minor else None,
                          parent_name=parent_name if minor else None,
                          parent_declaration=parent_declaration if minor else None)
    membership = db.session.scalars(select(Membership).where(Membership.user_id == user.id)).first()
    try:
        with db.session.begin_nested():
            db.session.add(signature)
            if membership is None:
                db.session.add(Membership(user_id=user.id, status=JOINED, joined_at=now, status_changed_at=now,
                                          level_rank=0, in_palmares=in_palmares))
            db.session.flush()
    except IntegrityError:  # a double submit: the other request signed
        raise AmbassadorError("already_signed") from None
    if membership is not None and membership.status == LEFT:
        membership.status, membership.status_changed_at = JOINED, now
    db.session.flush()
    from learnapp.ambassadors import levels

    levels.evaluate(user, now, cause=f"manifesto:{version.number}")
    return signature
