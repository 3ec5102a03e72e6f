"""The schools' panels on the home page: a pupil's assignments come first; a teacher gets a link
to their classes. Anonymous visitors cost nothing (the home page is served most)."""

from __future__ import annotations

from flask import render_template
from markupsafe import Markup

from learnapp.schools import roster, teaching


def next_step(user, **_) -> Markup | None:
    if not user.is_authenticated:
        return None
    if user.has_role("teacher"):
        return Markup(render_template(  # noqa: S704 (a template's output is escaped HTML)
       "schools/_teacher_next_step.html"))
    pupil = roster.pupil_of(user)
    if pupil is None:
        return None
    return Markup(render_template(  # noqa: S704 (a template's output is escaped HTML)
       "schools/_pupil_next_step.html", pupil=pupil,
                                  given=teaching.for_pupil(pupil)[:1]))


def learner_home(user, **_) -> Markup | None:
    if not user.is_authenticated or user.email is not None:
        return None
    pupil = roster.pupil_of(user)
    if pupil is None:
        return None
    return Markup(render_template(  # noqa: S704 (a template's output is escaped HTML)
       "schools/_pupil_assignments.html", pupil=pupil,
                                  given=teaching.for_pupil(pupil)))
