"""Where a person is and what comes next, in words: « encore 1 visite guidée et le palier 2 »."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from learnapp.ambassadors import levels, rules
from learnapp.ambassadors.models import LevelChange
from learnapp.ambassadors.standing import LocalizedText, Standing, standing_of
from learnapp.auth.models import User
from learnapp.certificates.models import Achievement
from learnapp.core.i18n import _, ngettext
from learnapp.extensions import db

# An upgrade is announced on the ambassador's page for this long.
ANNOUNCE_FOR = timedelta(days=30)


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s et %(last)s", first=", ".join(parts[:-1]), last=parts[-1])


def missing_words(missing: list[rules.Missing]) -> str:
    """« encore 1 visite guidée et le palier 2 », in the current language."""
    names = {}
    keys = [item.key for item in missing if item.kind == "achievement"]
    if keys:
        names = {a.key: a for a in db.session.scalars(select(Achievement).where(Achievement.key.in_(keys)))}
    parts = []
    for item in missing:
        if item.kind == "manifesto":
            parts.append(_("la charte signée"))
        elif item.kind == "tier":
            parts.append(_("le palier %(tier)s", tier=item.count))
        elif item.kind == "achievement":
            found = names.get(item.key)
            parts.append(_("le certificat « %(name)s »", name=found.text("names", _locale()) if found else item.key))
        elif item.kind == "certificates":
            parts.append(ngettext("%(num)s certificat de plus", "%(num)s certificats de plus", item.count))
        elif item.kind == "visits":
            parts.append(ngettext("%(num)s visite guidée", "%(num)s visites guidées", item.count))
        elif item.kind == "contributions":
            parts.append(ngettext("%(num)s contribution", "%(num)s contributions", item.count))
    return _("encore %(things)s", things=_join(parts)) if parts else ""


def _locale() -> str:
    from flask_babel import get_locale

    found = get_locale()
    return found.language if found else "fr"


@dataclass(frozen=True)
class Progress:
    standing: Standing
    facts: rules.Facts
    next_code: str | None
    next_label: LocalizedText | None
    needs: str  # in words; "" at the top level
    top: bool
    recent: LevelChange | None  # an upgrade to announce


def of(user: User, now: datetime) -> Progress | None:
    standing = standing_of(db.session, user, now)
    if standing is None:
        return None
    rows = levels.level_rows(standing.age_group)
    facts = levels.facts_of(user, now)
    held = standing.level_rank if any(row.code == standing.level_code for row in rows) else 0
    upcoming = rules.next_level(levels.level_rules(rows), held)
    needs = ""
    label = None
    if upcoming is not None:
        needs = missing_words(rules.missing(upcoming.requires, facts))
        label = LocalizedText(next(row.names for row in rows if row.code == upcoming.code))
    recent = db.session.scalars(
        select(LevelChange).where(LevelChange.user_id == user.id, LevelChange.to_rank > LevelChange.from_rank,
                                  LevelChange.changed_at >= now - ANNOUNCE_FOR)
        .order_by(LevelChange.changed_at.desc(), LevelChange.id.desc()).limit(1)).first()
    return Progress(standing, facts, upcoming.code if upcoming else None, label, needs, upcoming is None, recent)


def cause_words(cause: str) -> str:
    """A level change's cause for staff and the person: « certificat GTM-… », « visite du … »."""
    kind, _sep, rest = cause.partition(":")
    return {
        "certificate": lambda: _("certificat %(code)s obtenu", code=rest),
        "visit": lambda: _("visite guidée suivie (séance %(id)s)", id=rest),
        "manifesto": lambda: _("charte signée (version %(number)s)", number=rest),
        "revoked": lambda: _("certificat %(code)s révoqué", code=rest),
        "expired": lambda: _("certificat %(code)s expiré", code=rest),
        "rules": lambda: _("règles des niveaux modifiées"),
    }.get(kind, lambda: cause)()
