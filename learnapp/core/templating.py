"""Jinja helpers shared by every page."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from flask import request
from flask_babel import format_datetime
from markupsafe import Markup

from learnapp.core import markdown
from learnapp.core.typography import french

PARIS = ZoneInfo("Europe/Paris")


def local_datetime(value, format="medium"):
    """Dates are stored in UTC and shown in Europe/Paris."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(PARIS), format, rebase=False)


def content_html(stored_html) -> Markup:
    """Stored, sanitised HTML (a lesson, a question) as shown to this reader: see
    :func:`learnapp.core.markdown.for_display`. Use it instead of ``|safe`` on stored HTML."""
    return Markup(markdown.for_display(str(stored_html or "")))  # noqa: S704 (sanitised when stored)


def init_app(app):
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["french"] = french  # French typography for plain staff-written text
    app.jinja_env.filters["content_html"] = content_html
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _request_path():
        return {"current_path": request.full_path.rstrip("?") if request else "/"}
