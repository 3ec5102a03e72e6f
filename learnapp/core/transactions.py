"""Commit a use case, trying again when the database was too busy to take it.

SQLite has one writer: under a burst (100 people booking at once) a request can wait longer than
the busy timeout and get "database is locked"; PostgreSQL may pick a request as a deadlock victim.
Nothing was written in either case (the transaction is rolled back), so the use case runs again
from the start, with fresh reads; after the last try the person gets a clear 503, never a 500.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import OperationalError

from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.extensions import db

T = TypeVar("T")
TRIES = 4
# PostgreSQL: serialization failure, deadlock detected, lock not available.
RETRYABLE_SQLSTATES = {"40001", "40P01", "55P03"}


def is_busy(error: OperationalError) -> bool:
    original = error.orig
    if getattr(original, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return True
    return "database is locked" in str(original) or "database is busy" in str(original)


def commit_with_retry(work: Callable[[], T]) -> T:
    """Run ``work`` (a service call), commit; on a busy database roll back and run it again."""
    for attempt in range(1, TRIES + 1):
        try:
            result = work()
            db.session.commit()
            return result
        except OperationalError as error:
            db.session.rollback()
            if not is_busy(error):
                raise
            if attempt == TRIES:
                fail(503, _("Beaucoup de demandes arrivent en même temps : réessayez dans un instant."))
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")
