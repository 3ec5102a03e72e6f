"""The markup of one "next step" on a signed-in person's home page (the ``next_step`` slot).

Each domain computes its own step (one cheap query) in its ``next_step.py`` and returns
``step(...)``; the home page lists them first, in the order the domains registered them
(``core/extension_points.add_panel(app, "next_step", callable, order=…)``). Built with
``Markup.format`` rather than a template: a signed-in home asks every domain, on every visit.
"""

from __future__ import annotations

from markupsafe import Markup

_STEP = Markup('<li class="next-step next-step-{}"><span class="next-step-kind">{}</span> '
               '<a href="{}">{}</a></li>')


def step(kind: str, label, text, url: str) -> Markup:
    """``kind``: a CSS-friendly name (courses, quizzes…); ``label``: the translated domain name
    shown before the link; ``text``: the step itself, the link's text (read alone by a screen
    reader's list of links, so it says everything)."""
    return _STEP.format(kind, label, url, text)
