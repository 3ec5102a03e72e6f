"""Jinja helpers shared by every page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import request
from flask_babel import format_datetime

from learnapp.core.typography import french

PARIS = ZoneInfo("Europe/Paris")


def local_datetime(value, format="medium"):
    """Dates are stored in UTC and shown in Europe/Paris."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(PARIS), format, rebase=False)


def init_app(app):
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["french"] = french  # French typography for plain staff-written text
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _request_path():
        return {"current_path": request.full_path.rstrip("?") if request else "/"}
