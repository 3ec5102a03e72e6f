"""Helpers of the home page (``site/templates/site/home.html``).

The page shows the learner's path (learn → prove → visit → certificate → level → card) with a
link for each step whose page exists in this app: the level and card pages come with the
ambassadors and cards domains, so a step links only once its endpoint is registered.
"""

from __future__ import annotations

from flask import current_app, url_for


def optional_url(endpoint: str, **values) -> str | None:
    """The URL of ``endpoint``, or None when no domain registered it (yet)."""
    if endpoint not in current_app.view_functions:
        return None
    return url_for(endpoint, **values)
