"""Shared by the next-step tests: read the home page's list of next steps, count queries."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

from learnapp.extensions import db


def next_steps(page: str) -> dict[str, str]:
    """kind (courses, quizzes, visits, certificates) → the step's HTML, from the home page."""
    listing = re.search(r'<ul class="next-steps">(.*?)</ul>', page, re.S)
    if listing is None:
        return {}
    return dict(re.findall(r'<li class="next-step next-step-(\w+)">(.*?)</li>', listing.group(1), re.S))


def link_of(step_html: str) -> str:
    return re.search(r'href="([^"]+)"', step_html).group(1)


@contextmanager
def counting_queries():
    """``with counting_queries() as queries:`` … ``len(queries)`` statements ran on the engine."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
