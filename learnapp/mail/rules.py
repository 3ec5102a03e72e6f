"""When to try a failed message again. Plain Python."""

from __future__ import annotations

from datetime import datetime, timedelta

MAX_ATTEMPTS = 8


def next_attempt(after_failure_at: datetime, attempts: int) -> datetime | None:
    """Exponential back-off: 1, 2, 4 … minutes; ``None`` once we give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return after_failure_at + timedelta(minutes=2 ** (attempts - 1))
