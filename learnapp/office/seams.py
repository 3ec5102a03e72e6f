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

      add_dashboard_section(app, "partners", "partners/_office_section.html", order=40,
                            title=_l("Avantages accordés"),
                            tables={"partner_uses": lambda filters, today: uses_table(filters)})

  The template is rendered with ``filters`` (office.rules.Filters), ``today`` and ``csv_args``
  (the filters as URL arguments); its outer element has ``id=key``, which the page's table of
  contents links to under ``title``. Each of ``tables`` (name → (filters, today) → Table) is a CSV
  download at ``url_for("office.dashboard_csv", name=…, **csv_args)``, like every table of the
  page; each of ``charts`` (name → (filters, today) → Chart or None) an image at
  ``url_for("office.dashboard_chart", name=…, **csv_args)``, so the page need not draw it
  (office.dashboard.ChartLink). Aggregate in SQL like the rest of the page.
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
    title: object = None  # the table of contents' entry (lazy-translated), linking to #key
    tables: dict = field(default_factory=dict)  # CSV name → (filters, today) → core.tables.Table
    charts: dict = field(default_factory=dict)  # chart name → (filters, today) → core.charts.Chart | None


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


# The dashboard's own tables and charts (office/dashboard.py): a section cannot take these names.
OWN_NAMES = frozenset({"rates_age", "rates_tier", "funnel", "visits_month", "visits_visit"})


def add_dashboard_section(app, key: str, template: str, *, order: int = 100, title=None, tables=None,
                          charts=None) -> None:
    sections = registry(app).sections
    taken = set(OWN_NAMES).union(*(set(s.tables) | set(s.charts) for s in sections))
    names = set(tables or {}) | set(charts or {})
    if names & taken:
        raise ValueError(f"dashboard table or chart name taken: {sorted(names & taken)}")
    sections.append(DashboardSection(key, template, order, title, dict(tables or {}), dict(charts or {})))
    sections.sort(key=lambda section: section.order)


def section_table(app, name: str):
    """(filters, today) → Table for a section's CSV ``name``, or None."""
    return next((s.tables[name] for s in registry(app).sections if name in s.tables), None)


def section_chart(app, name: str):
    """(filters, today) → Chart | None for a section's chart ``name``, or None."""
    return next((s.charts[name] for s in registry(app).sections if name in s.charts), None)
