"""The dashboard's numbers, kept a few minutes in the shared cache (core/chart_cache.py).

On 500,000 attempts, a year's certification rates read a few hundred thousand index entries: a
second or more, too slow to repeat on every page view and on every CSV download. Each aggregate's
result (a few dozen rows, as JSON) is stored under (query, filters, five-minute window): every
staff member and every app host gets the same numbers for five minutes, then they are counted
again. The page says so. Drawings are keyed by the numbers they show (core/charts.py), so a chart
is redrawn only when its numbers change.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from learnapp.core import chart_cache
from learnapp.db import utcnow

FRESH_MINUTES = 5


def window(now: datetime) -> int:
    return int(now.timestamp() // (FRESH_MINUTES * 60))


def remembered(name: str, key: str, compute: Callable[[], list], *, now: datetime | None = None) -> list:
    """``compute()`` (JSON-able rows), or the rows computed for ``(name, key)`` in this window."""
    now = now or utcnow()
    body = chart_cache.get_or_render(name, key, f"w{window(now)}", "json",
                                     lambda: json.dumps(compute(), separators=(",", ":")).encode(), now=now)
    return json.loads(body)
