"""What ambassadors add to other domains' pages (core.extension_points): the level and its next
step on the signed-in home, an ambassador panel on the account page, the palmarès and approved
portraits on everyone's home page."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from learnapp.ambassadors import palmares, portraits, progress
from learnapp.core import age_groups
from learnapp.db import utcnow


def _render(template: str, **context) -> Markup:
    # A template renders with autoescape on: its output is safe HTML.
    return Markup(render_template(template, **context))  # noqa: S704


def _progress(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return None, None
    now = utcnow()
    return progress.of(user, now), now


def next_step(user=None, **_):
    state, now = _progress(user)
    if now is None:
        return None
    return _render("ambassadors/_next_step.html", state=state, now=now)


def learner_home(user=None, **_):
    state, now = _progress(user)
    if state is None:
        return None  # not an ambassador: the next step already invites them
    return _render("ambassadors/_level_panel.html", state=state, now=now)


def account_page(user=None, **_):
    state, now = _progress(user)
    if now is None:
        return None
    return _render("ambassadors/_account_panel.html", state=state, now=now)


def public_home(**_):
    now = utcnow()
    lines = palmares.ranking(age_groups.ADULT, age_groups.office_date(now).year, now=now, limit=5)
    shown = portraits.public(now, limit=3)
    return _render("ambassadors/_home_panel.html", lines=lines, portraits=shown)
