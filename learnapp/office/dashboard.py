"""The dashboard's sections: SQL aggregates (office/queries.py) turned into rows, tables and charts.

Each section is a function of the filters, so a page, a CSV download and the monthly report ask
for exactly what they show. Tables are the charts' numbers and the CSV exports' rows.

``with_charts``: ``True`` draws the charts (the monthly report, the chart URLs), ``False`` draws
none (CSV downloads), ``LINKED`` gives each chart as an image whose URL draws it
(``office.dashboard_chart``). The page uses links: drawing a chart costs about a quarter of a
second of CPU whatever the data, so five of them would keep the page's numbers waiting past the
half-second goal; with links the page comes with its numbers and tables, and the browser fetches
the drawings (cached in ``chart_cache`` by the numbers they show) beside it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

from flask import current_app, url_for
from flask_babel import format_date
from markupsafe import Markup

from learnapp.core import age_groups, charts
from learnapp.core.charts import Series
from learnapp.core.i18n import _
from learnapp.core.tables import Column, Table
from learnapp.office import milestones, queries, rules, seams
from learnapp.office.freshness import remembered
from learnapp.office.rules import Filters, Period

LINKED = "linked"


@dataclass
class ChartLink:
    """A chart the page shows as an image whose URL draws it: what ``charts/_chart.html`` needs
    (name, title, description, table, svg) without drawing. The image's text alternative is the
    chart's title; its description is the figure's caption, and its numbers the table below."""

    name: str
    title: str
    description: str
    table: object
    url: str

    @property
    def svg(self) -> Markup:
        width, height = (round(inches * 96) for inches in (charts.WIDTH_INCHES, charts.HEIGHT_INCHES))
        return Markup('<img class="chart-svg" src="{}" alt="{}" width="{}" height="{}">').format(
            self.url, self.title, width, height)


def _chart(draw, name: str, title, filters: Filters, mode, *, description, table, **options):
    """``draw(name, title, …)`` (a core.charts function), or a link to the chart (``mode == LINKED``)."""
    if mode == LINKED:
        from learnapp.office.filters import query_args

        return ChartLink(name, str(title), str(description), table,
                         url_for("office.dashboard_chart", name=name, **query_args(filters)))
    return draw(name, title, description=description, table=table, filter_key=filters.key(), **options)


def period_label(period: Period | None) -> str:
    if period is None:
        return _("aucune")
    if period.kind == "all":
        return _("depuis le début")
    if period.kind == "month":
        return format_date(period.start, "LLLL yyyy")
    if period.kind == "season":
        season = period.at.split("-")[1]
        winter_years = "%d-%d" % (period.start.year, period.start.year + 1)  # noqa: UP031 (kept out of _())
        names = {"winter": _("hiver %(years)s", years=winter_years),
                 "spring": _("printemps %(year)s", year=period.start.year),
                 "summer": _("été %(year)s", year=period.start.year),
                 "autumn": _("automne %(year)s", year=period.start.year)}
        return names[season]
    if period.kind == "school_year":
        return _("année scolaire %(years)s", years=period.at)
    return _("année %(year)s", year=period.at)


def population_conditions(filters: Filters) -> list[tuple]:
    """(condition, value) for the registered population filters the request set."""
    by_key = {f.key: f for f in seams.registry(current_app).filters}
    return [(by_key[key].condition, value) for key, value in sorted(filters.extra.items())]


# -- 1. certification rates ------------------------------------------------------------------

@dataclass
class RateRow:
    label: str
    tried: int = 0
    certified: int = 0
    before_tried: int = 0
    before_certified: int = 0

    @property
    def rate(self) -> float | None:
        return rules.rate(self.certified, self.tried)

    @property
    def before_rate(self) -> float | None:
        return rules.rate(self.before_certified, self.before_tried)

    @property
    def change(self) -> float | None:
        return rules.change(self.rate, self.before_rate)

    def cells(self, with_before: bool = True) -> list:
        cells = [self.label, self.tried, self.certified, self.rate]
        if with_before:
            cells += [self.before_tried, self.before_certified, self.before_rate, self.change]
        return cells


@dataclass
class RatesSection:
    period: Period
    before: Period | None
    by_age: list[RateRow]
    by_tier: list[RateRow]
    total: RateRow
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, charts.Chart] = field(default_factory=dict)


def _counts(period: Period, filters: Filters, extra) -> list[queries.TierCount]:
    key = f"{filters.key()}|{period.kind}:{period.at}"
    rows = remembered("numbers:rates", key, lambda: [
        [c.tier_id, c.age_group, c.tried, c.certified]
        for c in queries.certification_counts(period, filters.age_group, extra)])
    return [queries.TierCount(*row) for row in rows]


def _rate_columns(first: str, period: Period, before: Period | None) -> list[Column]:
    """The period's columns, then the previous period's and the change (none before "everything")."""
    now_label, before_label = period_label(period), period_label(before)
    columns = [Column(first), Column(_("Ont essayé (%(period)s)", period=now_label), "number"),
               Column(_("Certifiés (%(period)s)", period=now_label), "number"),
               Column(_("Taux (%(period)s)", period=now_label), "percent")]
    if before is None:
        return columns
    return columns + [Column(_("Ont essayé (%(period)s)", period=before_label), "number"),
                      Column(_("Certifiés (%(period)s)", period=before_label), "number"),
                      Column(_("Taux (%(period)s)", period=before_label), "percent"),
                      Column(_("Évolution (points)"), "points")]


def rates_section(filters: Filters, *, with_charts: bool = True) -> RatesSection:
    period, before = filters.period, rules.previous(filters.period)
    extra = population_conditions(filters)
    current = _counts(period, filters, extra)
    earlier = _counts(before, filters, extra) if before else []
    names = queries.tier_names()
    short = age_groups.short_labels()
    groups = [filters.age_group] if filters.age_group != rules.AGE_ALL else list(age_groups.ALL)
    by_age = {code: RateRow(str(short[code])) for code in groups}
    by_tier: dict[int, RateRow] = {}
    total = RateRow(_("Ensemble"))

    def tier_row(tier_id: int) -> RateRow:
        if tier_id not in by_tier:
            name = names.get(tier_id)
            label = (_("%(course)s — niveau %(number)s (%(name)s)", course=name.course_title, number=name.number,
                       name=name.name) if name else str(tier_id))
            by_tier[tier_id] = RateRow(label)
        return by_tier[tier_id]

    for counts, earlier_side in ((current, False), (earlier, True)):
        for count in counts:
            rows = [by_age.setdefault(count.age_group, RateRow(count.age_group)), tier_row(count.tier_id), total]
            for row in rows:
                if earlier_side:
                    row.before_tried += count.tried
                    row.before_certified += count.certified
                else:
                    row.tried += count.tried
                    row.certified += count.certified
    order = {tier_id: (n.position, n.course_title, n.number) for tier_id, n in names.items()}
    tier_rows = [by_tier[t] for t in sorted(by_tier, key=lambda t: order.get(t, (0, "", t)))]
    section = RatesSection(period, before, list(by_age.values()), tier_rows, total)
    section.tables["rates_age"] = Table(_rate_columns(_("Tranche d'âge"), period, before),
                                        [r.cells(before is not None) for r in [*section.by_age, total]],
                                        _("Taux de certification par tranche d'âge"))
    section.tables["rates_tier"] = Table(_rate_columns(_("Niveau de quiz"), period, before),
                                         [r.cells(before is not None) for r in [*tier_rows, total]],
                                         _("Taux de certification par niveau de quiz"))
    if with_charts:
        section.charts["rates_age"] = _rates_chart("rates_age", _("Taux de certification par tranche d'âge"),
                                                   section.by_age, section, filters, with_charts)
        if tier_rows:
            section.charts["rates_tier"] = _rates_chart("rates_tier", _("Taux de certification par niveau"),
                                                        tier_rows, section, filters, with_charts, horizontal=True)
    return section


def _rates_chart(name, title, rows: list[RateRow], section: RatesSection, filters: Filters, mode,
                 horizontal=False):
    now_label, before_label = period_label(section.period), period_label(section.before)
    series = [Series(now_label, [r.rate for r in rows])]
    if section.before:
        series.append(Series(before_label, [r.before_rate for r in rows]))
    best = max((r for r in rows if r.rate is not None), key=lambda r: r.rate, default=None)
    if best is None:
        description = _("Personne n'a passé de quiz sur la période %(period)s : aucun taux à montrer.",
                        period=now_label)
    elif section.before:
        description = _("Sur la période %(period)s, le taux le plus élevé est celui de « %(label)s » "
                        "(%(certified)s certifiés sur %(tried)s). Les barres hachurées montrent la période "
                        "précédente. Les chiffres exacts sont dans le tableau qui suit.",
                        period=now_label, label=best.label, certified=best.certified, tried=best.tried)
    else:
        description = _("Sur la période %(period)s, le taux le plus élevé est celui de « %(label)s » "
                        "(%(certified)s certifiés sur %(tried)s). Les chiffres exacts sont dans le tableau qui "
                        "suit.", period=now_label, label=best.label, certified=best.certified, tried=best.tried)
    return _chart(charts.bar_chart, name, title, filters, mode, categories=[r.label for r in rows], series=series,
                  description=description, percent=True, horizontal=horizontal,
                  y_label="" if horizontal else _("Taux de certification"),
                  x_label=_("Taux de certification") if horizontal else "", table=section.tables[name])


# -- 2. funnel -------------------------------------------------------------------------------

@dataclass
class FunnelSection:
    steps: list[rules.FunnelStep]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, charts.Chart] = field(default_factory=dict)


def funnel_labels() -> dict[str, str]:
    return {"registered": _("Inscrits"), "opened": _("Ont ouvert une leçon"),
            "finished": _("Ont terminé un cours"), "attempted": _("Ont tenté un niveau de quiz"),
            "passed": _("Ont réussi un niveau"), "visited": _("Ont participé à une visite")}


def funnel_section(filters: Filters, today: date, *, with_charts: bool = True) -> FunnelSection:
    steps = milestones.funnel_steps()
    labels = funnel_labels()
    # Steps other domains add (ambassador levels …) come after the visit, with their own labels.
    labels.update({step.key: str(step.label) for step in seams.registry(current_app).funnel_steps})
    keyed = [(key, labels[key]) for key, _condition in steps]
    key = f"{filters.key()}|{today}|" + ",".join(step_key for step_key, _label in keyed)
    counts = remembered("numbers:funnel", key,
                        lambda: queries.funnel_counts(filters, today, steps, population_conditions(filters)))
    rows = rules.funnel([("registered", labels["registered"], counts[0])]
                        + [(key, label, people) for (key, label), people in zip(keyed, counts[1:], strict=True)])
    section = FunnelSection(rows)
    section.tables["funnel"] = Table(
        [Column(_("Étape")), Column(_("Personnes"), "number"), Column(_("Part de l'étape précédente"), "percent"),
         Column(_("Perdues depuis l'étape précédente"), "number")],
        [[s.label, s.people, s.of_previous, s.drop_off if s.of_previous is not None else None] for s in rows],
        _("Parcours des inscrits de la période"))
    if with_charts:
        worst = max(rows[1:], key=lambda s: s.drop_off, default=None)
        if not rows[0].people:
            description = _("Aucun compte créé sur la période : le parcours est vide.")
        else:
            description = _("%(registered)s personnes inscrites sur la période ; %(last)s ont atteint la dernière "
                            "étape. La plus forte perte est avant l'étape « %(step)s » (%(lost)s personnes).",
                            registered=rows[0].people, last=rows[-1].people, step=worst.label, lost=worst.drop_off)
        section.charts["funnel"] = _chart(
            charts.bar_chart, "funnel", _("Parcours des inscrits"), filters, with_charts,
            categories=[s.label for s in rows], series=[Series(_("Personnes"), [s.people for s in rows])],
            description=description, horizontal=True, x_label=_("Personnes"), table=section.tables["funnel"])
    return section


# -- 3. visits -------------------------------------------------------------------------------

@dataclass
class VisitsSection:
    by_month: list[queries.VisitTally]
    by_visit: list[queries.VisitTally]
    tables: dict[str, Table] = field(default_factory=dict)
    charts: dict[str, charts.Chart] = field(default_factory=dict)


def _visit_cells(t: queries.VisitTally, label: str) -> list:
    marked = t.attended + t.no_show
    return [label, t.sessions, t.capacity, t.taken, rules.rate(t.taken, t.capacity), t.waitlisted, t.attended,
            t.no_show, rules.rate(t.no_show, marked)]


def _visit_columns(first: str) -> list[Column]:
    return [Column(first), Column(_("Séances"), "number"), Column(_("Places"), "number"),
            Column(_("Places prises"), "number"), Column(_("Taux de remplissage"), "percent"),
            Column(_("Places en liste d'attente"), "number"), Column(_("Présents"), "number"),
            Column(_("Absents"), "number"), Column(_("Taux d'absence"), "percent")]


def month_label(at: str) -> str:
    year, month = at.split("-")
    return format_date(date(int(year), int(month), 1), "MMM yyyy")


def _tallies(period: Period, months: list[Period]) -> tuple[list[queries.VisitTally], list[queries.VisitTally]]:
    """(per month, per visit), both from one statement and one cached entry."""
    key = f"{period.kind}:{period.at}|{months[0].at if months else ''}|{len(months)}"

    def rows(tallies):
        return [[t.key, t.label, t.sessions, t.capacity, t.taken, t.waitlisted, t.attended, t.no_show]
                for t in tallies]

    by_month, by_visit = remembered("numbers:visit-tallies", key,
                                    lambda: [rows(tallies) for tallies in queries.visit_tallies(period, months)])
    return ([queries.VisitTally(*row) for row in by_month], [queries.VisitTally(*row) for row in by_visit])


def visits_section(filters: Filters, today: date, *, with_charts: bool = True) -> VisitsSection:
    months = rules.months_in(filters.period, today)
    by_month, by_visit = _tallies(filters.period, months)
    everything = filters.period.start is None
    if everything:  # the last 24 months, from the first one with a session: no screen of empty rows
        by_month = list(itertools.dropwhile(lambda t: not t.sessions, by_month))
    section = VisitsSection(by_month, by_visit)
    section.tables["visits_month"] = Table(_visit_columns(_("Mois")),
                                           [_visit_cells(t, month_label(t.key)) for t in by_month],
                                           _("Visites par mois (24 derniers mois au plus)") if everything
                                           else _("Visites par mois"))
    section.tables["visits_visit"] = Table(_visit_columns(_("Visite")), [_visit_cells(t, t.label) for t in by_visit],
                                           _("Visites par visite"))
    if with_charts:
        labels = [month_label(t.key) for t in by_month]
        fill = [rules.rate(t.taken, t.capacity) for t in by_month]
        absence = [rules.rate(t.no_show, t.attended + t.no_show) for t in by_month]
        # The whole period's totals (per visit): for "since the start", the months shown may not hold them all.
        offered = sum(t.capacity for t in by_visit)
        if not offered:
            description = _("Aucune séance de visite sur la période.")
        else:
            description = _("Sur la période, %(taken)s places prises sur %(capacity)s offertes (%(rate)s %%), "
                            "%(waitlisted)s en liste d'attente ; %(no_show)s absents pour %(attended)s présents.",
                            taken=sum(t.taken for t in by_visit), capacity=offered,
                            rate=round(100 * sum(t.taken for t in by_visit) / offered),
                            waitlisted=sum(t.waitlisted for t in by_visit),
                            no_show=sum(t.no_show for t in by_visit), attended=sum(t.attended for t in by_visit))
        section.charts["visits_month"] = _chart(
            charts.line_chart, "visits_month", _("Remplissage et absences des visites par mois"), filters,
            with_charts, categories=labels,
            series=[Series(_("Taux de remplissage"), fill), Series(_("Taux d'absence"), absence)],
            description=description, percent=True, table=section.tables["visits_month"])
    return section


TABLES = {"rates_age": "rates", "rates_tier": "rates", "funnel": "funnel", "visits_month": "visits",
          "visits_visit": "visits"}


CHARTS = {"rates_age": "rates", "rates_tier": "rates", "funnel": "funnel", "visits_month": "visits"}


def chart(name: str, filters: Filters, today: date) -> charts.Chart | None:
    """One chart, drawn (or taken from the cache of drawings), for its image URL; its numbers come
    through the same five-minute cache as the page's, so they are the ones the page shows."""
    kind = CHARTS[name]
    if kind == "rates":
        section = rates_section(filters)
    elif kind == "funnel":
        section = funnel_section(filters, today)
    else:
        section = visits_section(filters, today)
    return section.charts.get(name)


def table(name: str, filters: Filters, today: date) -> Table:
    """One table for its CSV download, computed without drawing any chart."""
    kind = TABLES[name]
    if kind == "rates":
        return rates_section(filters, with_charts=False).tables[name]
    if kind == "funnel":
        return funnel_section(filters, today, with_charts=False).tables[name]
    return visits_section(filters, today, with_charts=False).tables[name]
