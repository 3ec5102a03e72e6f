"""Writing the checked definitions of ``levels.yml`` and ``manifesto.md`` (flush only)."""

from __future__ import annotations

from datetime import datetime

from flask import current_app
from sqlalchemy import select

from learnapp.ambassadors.models import Level, LevelScheme, ManifestoVersion
from learnapp.core import content_files
from learnapp.core.content_files import source_hash
from learnapp.core.messages import N_, translate
from learnapp.extensions import db

DEFAULT_GRACE_DAYS = 30


def grace_days() -> int:
    """Days a previous signature still counts after a new version (``AMBASSADOR_RESIGN_GRACE_DAYS``)."""
    return int(current_app.config.get("AMBASSADOR_RESIGN_GRACE_DAYS", DEFAULT_GRACE_DAYS))


def weights() -> dict:
    scheme = db.session.scalars(select(LevelScheme).order_by(LevelScheme.id).limit(1)).first()
    return dict(scheme.points) if scheme else {"certificate": 10, "visit": 5}


def import_definitions(found, now: datetime) -> list[str]:
    lines: list[str] = []
    if found.levels:
        lines += _import_levels(found, now)
    if found.manifesto:
        lines += _import_manifesto(found.manifesto, now)
    return lines


def _import_levels(found, now: datetime) -> list[str]:
    lines = []
    scheme = db.session.scalars(select(LevelScheme).order_by(LevelScheme.id).limit(1)).first()
    digest = source_hash(found.points)
    if scheme is None:
        db.session.add(LevelScheme(points=found.points, version=1, source_hash=digest, updated_at=now))
    elif scheme.source_hash != digest:
        scheme.points, scheme.source_hash, scheme.version, scheme.updated_at = \
            found.points, digest, scheme.version + 1, now
        lines.append(translate(N_("Ambassadeurs : points du palmarès modifiés (version %(version)s)."),
                               {"version": scheme.version}))
    existing = {level.code: level for level in db.session.scalars(select(Level))}
    # A level gone from the file is retired: kept for the history pointing at it.
    added, changed = content_files.version_entries(
        found.levels, existing, key_field="code",
        create=lambda spec, digest: db.session.add(Level(**spec, source_hash=digest, version=1, created_at=now)))
    db.session.flush()
    if added or changed:
        lines.append(translate(N_("Niveaux d'ambassadeur : %(added)s ajouté(s), %(changed)s modifié(s)."),
                               {"added": added, "changed": changed}))
    return lines


def _import_manifesto(text: str, now: datetime) -> list[str]:
    from learnapp.ambassadors import manifesto

    digest = source_hash(text)
    known = db.session.scalar(select(ManifestoVersion.id).where(ManifestoVersion.source_hash == digest).limit(1))
    if known is not None:
        return []
    version = manifesto.publish(text, author=None, now=now, source="files")
    return [translate(N_("Charte des ambassadeurs : version %(number)s publiée."), {"number": version.number})]
