"""Server-side sign-in sessions: one UserSession record per sign-in.

Flask-Login keeps "<user id>:<session key>" in the session cookie and in the remember-me cookie;
each request looks the key up here. Ending the record (logout, "sign out everywhere", a password
change, a removed role, a deactivated account, a time-out) ends both cookies on every worker and
host at once. Services flush, never commit.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from learnapp.auth import rules
from learnapp.auth.models import User, UserSession
from learnapp.extensions import db


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(user: User, *, now: datetime, remember: bool, user_agent: str, address: str) -> UserSession:
    key = secrets.token_urlsafe(32)
    record = UserSession(user_id=user.id, key_hash=_hash(key), created_at=now, last_seen_at=now,
                         remember=remember, label=device_label(user_agent)[:120],
                         address=(address or "")[:45])
    db.session.add(record)
    db.session.flush()
    user.session_key, user.current_session = key, record
    return record


@functools.cache
def _open_record_with_account():
    # Every signed-in request runs this: one statement for the record, its account and the
    # account's roles, built once per process (building it costs as much as running it).
    return (select(UserSession, User)
            .join(User, User.id == UserSession.user_id)
            .options(joinedload(User.roles))
            .where(UserSession.key_hash == bindparam("key_hash"),
                   UserSession.user_id == bindparam("user_id"),
                   UserSession.ended_at.is_(None)))


def find(user_id: int, key: str) -> UserSession | None:
    """The open record for this key, or None (unknown, ended, or another person's). The record's
    account comes with it, roles included, in the same statement."""
    if not key:
        return None
    row = db.session.execute(_open_record_with_account(),
                             {"key_hash": _hash(key), "user_id": user_id}).unique().first()
    if row is None:
        return None
    record, user = row
    set_committed_value(record, "user", user)
    return record


def touch(record: UserSession, now: datetime, interval: timedelta) -> bool:
    """Note the request, at most once per ``interval`` (a guarded UPDATE: cheap, and two workers
    serving the same person at once write it once)."""
    if rules.needs_touch(record.last_seen_at, now, interval):
        db.session.execute(update(UserSession)
                           .where(UserSession.id == record.id,
                                  UserSession.last_seen_at <= now - interval)
                           .values(last_seen_at=now))
        set_committed_value(record, "last_seen_at", now)
        return True
    return False


def end(record: UserSession, now: datetime) -> None:
    if record.ended_at is None:
        record.ended_at = now


def end_all(user: User, now: datetime, *, except_id: int | None = None) -> int:
    """End every open session of ``user`` (but ``except_id``); how many ended."""
    query = (update(UserSession)
             .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
             .values(ended_at=now))
    if except_id is not None:
        query = query.where(UserSession.id != except_id)
    return db.session.execute(query, execution_options={"synchronize_session": "fetch"}).rowcount


def active(user: User) -> list[UserSession]:
    return list(db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())))


def own_session(user: User, session_id: int) -> UserSession | None:
    record = db.session.get(UserSession, session_id)
    if record is None or record.user_id != user.id or record.ended_at is not None:
        return None
    return record


# A label people recognise ("Firefox, Android"), not the whole User-Agent string. The order
# matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Chromium/", "Chromium"), ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_label(user_agent: str) -> str:
    agent = user_agent or ""
    browser = next((name for mark, name in _BROWSERS if mark in agent), "")
    system = next((name for mark, name in _SYSTEMS if mark in agent), "")
    if browser or system:
        return ", ".join(part for part in (browser, system) if part)
    # Scripts and unknown clients: their first word ("curl/8.5.0" → "curl").
    first = re.split(r"[\s/;(]", agent.strip(), maxsplit=1)[0] if agent.strip() else ""
    return first[:40]
