"""When to try a failed message again, and what staff may read of a message. Plain Python."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

MAX_ATTEMPTS = 8


def next_attempt(after_failure_at: datetime, attempts: int) -> datetime | None:
    """Exponential back-off: 1, 2, 4 … minutes; ``None`` once we give up."""
    if attempts >= MAX_ATTEMPTS:
        return None
    return after_failure_at + timedelta(minutes=2 ** (attempts - 1))


# Any absolute link (http, https or another scheme): e-mailed links are the single-use ones
# (password reset, address confirmation…), and whoever reads one can use it.
_LINK = re.compile(r"\b[a-zA-Z][a-zA-Z0-9+.-]*://\S+")


def mask_links(body: str, mask: str) -> str:
    """The message as staff may read it: every link replaced by ``mask``, so that nobody but its
    recipient can follow a link meant for them (and, say, choose another person's password)."""
    return _LINK.sub(mask, body)
