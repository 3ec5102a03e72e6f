"""Rendered charts kept in the database, so every app host shares them and a restart keeps them.

Why a table and not memory: the app runs on several gunicorn hosts behind a load balancer with
all state in PostgreSQL (DESIGN.md); a per-process cache would draw each chart once per worker
and per host. Why not Redis: it is optional (rate limits only) and the database is always there.

The key is a digest of (chart name, filter, data version, format); the data version changes when
the numbers drawn change, so rows are never stale, only unused: rows not read for
``CHART_CACHE_DAYS`` days are deleted when a new chart is stored.

Writes go through their own short transaction (not the request's session): a page that only
reads still keeps its chart, and two hosts drawing the same chart at once both succeed
(``INSERT … ON CONFLICT DO NOTHING``). A failed write is only a miss, never an error page.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import LargeBinary, String, delete, insert, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.db import UTCDateTime, utcnow
from learnapp.extensions import db

log = logging.getLogger(__name__)
CHART_CACHE_DAYS = 30
# Only refresh a row's last use once a day: a read stays a read.
TOUCH_AFTER = timedelta(days=1)


class ChartCache(db.Model):
    __tablename__ = "chart_cache"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    fmt: Mapped[str] = mapped_column(String(4))
    body: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    used_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)


def cache_key(name: str, filter_key: str, version: str, fmt: str) -> str:
    raw = "\x1f".join((name, filter_key, version, fmt))
    return hashlib.sha256(raw.encode()).hexdigest()


def get_or_render(name: str, filter_key: str, version: str, fmt: str, render: Callable[[], bytes],
                  *, now: datetime | None = None) -> bytes:
    """The stored drawing for this key, or ``render()`` stored and returned."""
    key = cache_key(name, filter_key, version, fmt)
    now = now or utcnow()
    row = db.session.execute(select(ChartCache.body, ChartCache.used_at).where(ChartCache.key == key)).first()
    if row is not None:
        if now - row.used_at > TOUCH_AFTER:
            _write(lambda c: c.execute(update(ChartCache).where(ChartCache.key == key).values(used_at=now)))
        return row.body
    body = render()
    _write(lambda c: _store(c, key, name, fmt, body, now))
    return body


def _store(connection, key, name, fmt, body, now) -> None:
    values = {"key": key, "name": name[:80], "fmt": fmt, "body": body, "created_at": now, "used_at": now}
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as dialect_insert
    elif connection.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as dialect_insert
    else:  # pragma: no cover - other databases: a plain insert, a conflict is only a lost write
        connection.execute(insert(ChartCache).values(**values))
        return
    connection.execute(dialect_insert(ChartCache).values(**values).on_conflict_do_nothing())
    connection.execute(delete(ChartCache).where(ChartCache.used_at < now - timedelta(days=CHART_CACHE_DAYS)))


def _write(statement: Callable) -> None:
    try:
        with db.engine.begin() as connection:
            statement(connection)
    except SQLAlchemyError:
        log.exception("chart cache write failed")


def clear() -> int:
    """Forget every stored chart (``learnapp office charts-clear``); returns how many."""
    with db.engine.begin() as connection:
        return connection.execute(delete(ChartCache)).rowcount
