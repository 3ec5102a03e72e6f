"""Where a domain adds itself to pages it does not own: page panels and the staff menu.

A domain calls these from its own ``init_app`` (after registering its blueprint), so a new
domain appears on the course page, the learner's home, the account page and the staff area
without editing another domain's templates (indico's ``template_hook`` idea)::

    add_panel(app, "course_page", "quizzes/_course_panel.html", order=10)
    add_staff_section(app, "quiz_staff.index", _l("Quiz"), order=20,
                      description=_l("Banques de questions, import GIFT, statistiques."))

Pages render what is registered with ``{{ panels("course_page", course=course) }}``; the
header shows one "staff area" link, and ``/office/`` lists the sections the user may open.
Who may see a section is the access its endpoint already declares (``core/access.py``): there
is no second list of roles to keep in step.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app
from flask_babel import get_locale
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup, escape

from learnapp.core.access import audience_of

# The pages that render panels; a typo in a domain's init_app fails at start-up, not silently.
# On the home page: "next_step" (signed-in: each domain's one-line next step, shown first),
# "learner_home" (signed-in: the person's own panels) and "public_home" (everyone: what the
# territory offers — visits, advantages, portraits, palmarès). "quiz_result": the result page of
# a submitted quiz attempt (arguments ``attempt``, ``tier``, ``course``), e.g. a certificate won.
SLOTS = ("course_page", "learner_home", "account_page", "next_step", "public_home", "quiz_result")
EXTENSION_KEY = "learnapp.extension_points"


@dataclass(frozen=True)
class Panel:
    slot: str
    # A template name (rendered with the page's context plus the slot's arguments), or a
    # callable taking the slot's arguments as keywords and returning HTML (Markup) or None.
    source: str | Callable[..., str | None]
    order: int
    # Seconds a rendering is reused, per language, by a panel that reads nothing of the visitor
    # (the home page's palmarès, portraits, partners' advantages: the busiest page, and a
    # minute's delay changes nothing for its readers). None: rendered on every request.
    max_age: int | None = None


@dataclass(frozen=True)
class StaffSection:
    endpoint: str
    label: str  # lazy-translated
    order: int
    description: str | None = None  # lazy-translated, shown on the office home page

    def visible_to(self, user) -> bool:
        audience = audience_of(self.endpoint)
        return audience is not None and audience.allows(user)


@dataclass
class Registry:
    panels: dict[str, list[Panel]] = field(default_factory=lambda: {slot: [] for slot in SLOTS})
    # (panel, language) → (until, html), for panels with a max_age.
    kept: dict[tuple[int, str], tuple[float, Markup]] = field(default_factory=dict)
    staff_sections: list[StaffSection] = field(default_factory=list)
    # Who sees which sections depends on the roles alone, and every signed-in page asks (the
    # menu's "staff area" link): the answer is worked out once per set of roles.
    sections_by_roles: dict[frozenset[str], list[StaffSection]] = field(default_factory=dict)


def registry(app) -> Registry:
    return app.extensions.setdefault(EXTENSION_KEY, Registry())


def add_panel(app, slot: str, source, *, order: int = 100, max_age: int | None = None) -> None:
    """Show ``source`` on the page ``slot``, panels sorted by ``order`` (then registration).
    ``max_age``: reuse a rendering that many seconds per language (only for a panel that shows
    the same to everyone)."""
    if slot not in SLOTS:
        raise ValueError(f"unknown panel slot {slot!r}; known: {', '.join(SLOTS)}")
    panels = registry(app).panels[slot]
    panels.append(Panel(slot, source, order, max_age))
    panels.sort(key=lambda panel: panel.order)  # stable: equal orders keep registration order


def add_staff_section(app, endpoint: str, label, *, order: int = 100, description=None) -> None:
    """An entry of the staff area (``/office/``), shown to whoever may open ``endpoint``."""
    sections = registry(app).staff_sections
    if any(section.endpoint == endpoint for section in sections):
        raise ValueError(f"staff section {endpoint!r} is registered twice")
    sections.append(StaffSection(endpoint, label, order, description))
    sections.sort(key=lambda section: section.order)
    registry(app).sections_by_roles.clear()


def staff_sections(user=None) -> list[StaffSection]:
    """The sections ``user`` (default: the current user) may open, in menu order."""
    user = current_user if user is None else user
    if not user.is_authenticated:
        return []
    known = registry(current_app)
    roles = frozenset(user.role_names)
    visible = known.sections_by_roles.get(roles)
    if visible is None:
        visible = [section for section in known.staff_sections if section.visible_to(user)]
        known.sections_by_roles[roles] = visible
    return list(visible)


@pass_context
def render_panels(context, slot: str, **arguments) -> Markup:
    """``{{ panels("course_page", course=course) }}``: every panel registered for the slot."""
    known = registry(current_app)
    panels = known.panels[slot]
    if not panels:
        return Markup("")
    parts = []
    for panel in panels:
        if panel.max_age and not current_app.jinja_env.auto_reload:  # debug: always fresh
            key, now = (id(panel), str(get_locale())), time.monotonic()
            until, html = known.kept.get(key, (0.0, None))
            if html is None or now >= until:
                html = _render(panel, context, arguments)
                known.kept[key] = (now + panel.max_age, html)
        else:
            html = _render(panel, context, arguments)
        if html.strip():
            parts.append(html)
    return Markup("\n").join(parts)


def _render(panel: Panel, context, arguments: dict) -> Markup:
    if callable(panel.source):
        return escape(panel.source(**arguments) or "")  # Markup passes through unchanged
    template = current_app.jinja_env.get_template(panel.source)
    # A template renders with autoescape on: its output is safe HTML.
    return Markup(template.render({**context.get_all(), **arguments}))  # noqa: S704


def init_app(app):
    registry(app)
    app.jinja_env.globals["panels"] = render_panels
    app.jinja_env.globals["staff_sections"] = staff_sections
