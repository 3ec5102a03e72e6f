"""Every list that can grow pages: a small page object for SQLAlchemy selects."""

from __future__ import annotations

from dataclasses import dataclass
from math import ceil

from learnapp.extensions import db

PER_PAGE = 25


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def page_number(raw: str | None) -> int:
    """A page number from the query string; anything odd means page 1."""
    try:
        number = int(raw or 1)
    except ValueError:
        return 1
    return max(1, min(number, 100_000))


def paginate(query, total: int, raw_page: str | None, per_page: int = PER_PAGE) -> Page:
    number = page_number(raw_page)
    items = list(db.session.scalars(query.limit(per_page).offset((number - 1) * per_page)))
    return Page(items=items, number=number, per_page=per_page, total=total)
