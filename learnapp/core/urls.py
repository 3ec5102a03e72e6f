"""URLs: where a ``next`` may lead, and which numbers a route accepts."""

from __future__ import annotations

from urllib.parse import urlsplit

from werkzeug.routing import IntegerConverter

# The largest id the database stores: PostgreSQL's INTEGER (SQLite's is 2**63 - 1). A bigger
# number in a URL matches no route (404) instead of failing in the database (500).
MAX_ID = 2**31 - 1


def safe_next_url(target: str | None, fallback: str) -> str:
    """Only follow a ``next`` that stays on this site (no open redirect)."""
    if not target:
        return fallback
    # Control characters: browsers drop tabs and newlines (so "/\t/evil" becomes "//evil"),
    # and a newline in a Location header is refused by the server (a 500).
    if any(ord(character) < 0x20 or ord(character) == 0x7F for character in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return fallback
    if "\\" in target:
        return fallback
    return target


class DatabaseIdConverter(IntegerConverter):
    """``<int:…>`` in every route: a whole number the database can hold."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def init_app(app):
    # Before any blueprint adds its rules: they are compiled with the converters known then.
    app.url_map.converters["int"] = DatabaseIdConverter
