"""Where other domains add to the dashboard without editing it (the office reads everything and
is read by no one, so news comes in through these registrations, made from their ``init_app``).

- **Population filters** (schools, classes: the schools domain, being built on another branch)::

      add_population_filter(app, "school", _l("École"), choices=lambda: [("12", "École Jules-Ferry")],
                            condition=lambda value, user_id: user_id.in_(select(Pupil.user_id)…))

  The dashboard shows a select per filter, reads ``?school=12``, and ANDs ``condition`` into every
  count about people (rates, funnel). An unknown value is refused with a message, like any filter.

- **Funnel steps** after "attended a visit" (ambassador levels: the ambassadors domain)::

      add_funnel_step(app, "level-1", _l("Ambassadeur niveau 1"), order=10,
                      reached=lambda user_id: exists().where(Level.user_id == user_id, …))

- **Dashboard sections** (partners' advantage uses, ambassadors per level)::

      add_dashboard_section(app, "partners", "partners/_office_section.html", order=40)

  The template is rendered with ``filters`` (office.rules.Filters) and ``today``; it may use
  ``chart_with_table`` and should aggregate in SQL like the rest of the page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

EXTENSION_KEY = "learnapp.office"


@dataclass(frozen=True)
class PopulationFilter:
    key: str
    label: object  # lazy-translated
    choices: Callable[[], list[tuple[str, str]]]
    condition: Callable  # (value, user id column) → SQL condition


@dataclass(frozen=True)
class FunnelStep:
    key: str
    label: object
    order: int
    reached: Callable  # (user id column) → SQL condition (EXISTS …)


@dataclass(frozen=True)
class DashboardSection:
    key: str
    template: str
    order: int


@dataclass
class Registry:
    filters: list[PopulationFilter] = field(default_factory=list)
    funnel_steps: list[FunnelStep] = field(default_factory=list)
    sections: list[DashboardSection] = field(default_factory=list)


def registry(app) -> Registry:
    return app.extensions.setdefault(EXTENSION_KEY, Registry())


def add_population_filter(app, key: str, label, *, choices, condition) -> None:
    reserved = {"period", "at", "age", "page", "table", "format"}
    if key in reserved or any(f.key == key for f in registry(app).filters):
        raise ValueError(f"population filter key {key!r} is taken")
    registry(app).filters.append(PopulationFilter(key, label, choices, condition))


def add_funnel_step(app, key: str, label, *, reached, order: int = 100) -> None:
    steps = registry(app).funnel_steps
    steps.append(FunnelStep(key, label, order, reached))
    steps.sort(key=lambda step: step.order)


def add_dashboard_section(app, key: str, template: str, *, order: int = 100) -> None:
    sections = registry(app).sections
    sections.append(DashboardSection(key, template, order))
    sections.sort(key=lambda section: section.order)
