"""Charts drawn on the server with matplotlib, in the office's colours, readable without colour.

Only the object-oriented API: ``matplotlib.figure.Figure`` on the Agg backend, never ``pyplot``
(pyplot keeps global figures and leaks in a server; see matplotlib's "Embedding in a web
application server"). Three kinds cover the office's needs::

    chart = bar_chart("rates", _("Taux de certification"), categories=["Enfants", "Ados"],
                      series=[Series(_("Ce mois"), [0.42, 0.31]), Series(_("Mois précédent"), [0.40, 0.35])],
                      description=_("…"), percent=True, filter_key="age=all&period=2026-11")
    chart.svg      # Markup: an accessible inline <svg role="img" aria-labelledby=…> with <title>, <desc>
    chart.table    # its numbers (core.tables.Table): shown under the chart, exported as CSV
    chart_png(...) # the same drawing as PNG bytes (the PDF report)

Accessibility: every SVG carries a ``<title>`` and a ``<desc>`` (the text alternative, which the
caller writes: what the chart shows and its main finding), ``role="img"``, ``aria-labelledby``
pointing at the title (its accessible name) and ``aria-describedby`` at the description; the
page macro ``charts/_chart.html`` puts the numbers in a table right under it. Colour is never
the only cue: series alternate hatches (bars), markers and dash patterns (lines, points), and
the palette is Okabe & Ito's colour-blind-safe set led by the office's sea blue (``--sea`` in
static/css/app.css).

The pages' Content-Security-Policy forbids inline styles (``style-src 'self'``), so the SVG's
``style="…"`` attributes become SVG presentation attributes, and its ids get a per-chart prefix
so several charts on one page never share an id.

Cache: drawing costs ~50 ms, so charts are kept in the ``chart_cache`` table (see
:mod:`learnapp.core.chart_cache`), keyed by (chart name, filter, data version, format). The data
version is, unless the caller passes one, the digest of everything drawn (numbers, labels,
language): a chart is redrawn exactly when what it shows changes, with no invalidation to forget,
and every app host shares the same rows.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from learnapp.core import chart_cache
from learnapp.core.tables import Column, Table

# matplotlib is imported when the first chart is drawn, not when the app starts: importing it
# costs over a second, and most requests (and every worker's start) never draw a chart.

# The office's colours (static/css/app.css) for ink and axes.
INK = "#1b2430"     # --ink
MUTED = "#4a5566"   # --muted
SEA = "#0b5c7a"     # --sea: the office's blue leads every chart
PAPER = "#ffffff"   # --paper
GRID = "#d5dae1"
# Okabe & Ito (2008), the colour-blind-safe qualitative palette, after the office's sea blue;
# yellow (#F0E442) is left out: too pale on white for thin lines.
PALETTE = (SEA, "#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#000000")
# Second cue besides colour, one per series, in the same order.
HATCHES = ("", "//", "..", "xx", "\\\\", "++", "--")
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
DASHES = ("-", "--", ":", "-.", (0, (5, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))

CHART_KINDS = ("bar", "line", "scatter")
FORMATS = ("svg", "png")
WIDTH_INCHES, HEIGHT_INCHES = 7.2, 3.6
PNG_DPI = 150


@dataclass(frozen=True)
class Series:
    """One named row of values: ``values[i]`` belongs to ``categories[i]`` (bar, line); for a
    scatter chart, ``values`` are ``(x, y)`` pairs. ``None`` is a gap (no data), not zero."""

    label: str
    values: Sequence


@dataclass(frozen=True)
class ChartSpec:
    """Everything a chart draws; its digest is the default data version."""

    kind: str
    name: str
    title: str
    description: str
    categories: tuple = ()
    series: tuple = ()
    x_label: str = ""
    y_label: str = ""
    percent: bool = False
    horizontal: bool = False

    def digest(self) -> str:
        payload = json.dumps(
            [self.kind, self.name, str(self.title), str(self.description), [str(c) for c in self.categories],
             [[str(s.label), [_plain(v) for v in s.values]] for s in self.series],
             str(self.x_label), str(self.y_label), self.percent, self.horizontal],
            ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(payload.encode()).hexdigest()


@dataclass
class Chart:
    """A drawn chart, ready for the ``charts/_chart.html`` macro."""

    spec: ChartSpec
    svg: Markup
    table: Table = field(default_factory=Table)

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def description(self) -> str:
        return self.spec.description

    @property
    def name(self) -> str:
        return self.spec.name


def _plain(value):
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (int, str)):
        return value
    return float(value)


# -- the three kinds -------------------------------------------------------------------------

def bar_chart(name: str, title: str, *, categories: Sequence, series: Sequence[Series], description: str,
              x_label: str = "", y_label: str = "", percent: bool = False, horizontal: bool = False,
              filter_key: str = "", version: str | None = None, table: Table | None = None) -> Chart:
    """Grouped bars: one group per category, one bar per series."""
    spec = _spec("bar", name, title, description, categories, series, x_label, y_label, percent, horizontal)
    return _chart(spec, filter_key, version, table)


def line_chart(name: str, title: str, *, categories: Sequence, series: Sequence[Series], description: str,
               x_label: str = "", y_label: str = "", percent: bool = False,
               filter_key: str = "", version: str | None = None, table: Table | None = None) -> Chart:
    """One line per series over ordered categories (months, seasons…), each with its marker."""
    spec = _spec("line", name, title, description, categories, series, x_label, y_label, percent, False)
    return _chart(spec, filter_key, version, table)


def scatter_chart(name: str, title: str, *, series: Sequence[Series], description: str,
                  x_label: str = "", y_label: str = "", percent: bool = False,
                  filter_key: str = "", version: str | None = None, table: Table | None = None) -> Chart:
    """Points ``(x, y)``, one marker shape per series (e.g. facility against discrimination)."""
    spec = _spec("scatter", name, title, description, (), series, x_label, y_label, percent, False)
    return _chart(spec, filter_key, version, table)


def chart_png(chart_or_spec: Chart | ChartSpec, *, filter_key: str = "", version: str | None = None) -> bytes:
    """The same drawing as a PNG (for the PDF report), cached like the SVG."""
    spec = chart_or_spec.spec if isinstance(chart_or_spec, Chart) else chart_or_spec
    return chart_cache.get_or_render(spec.name, filter_key, version or spec.digest(), "png",
                                     lambda: _draw(spec, "png"))


def _spec(kind, name, title, description, categories, series, x_label, y_label, percent, horizontal) -> ChartSpec:
    if kind not in CHART_KINDS:
        raise ValueError(f"unknown chart kind {kind!r}")
    if not str(description).strip():
        raise ValueError("a chart needs a text alternative (description)")
    series = tuple(Series(str(s.label), tuple(s.values)) for s in series)
    categories = tuple(str(c) for c in categories)
    if kind != "scatter":
        for s in series:
            if len(s.values) != len(categories):
                raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(categories)} categories")
    return ChartSpec(kind, name, str(title), str(description), categories, series, str(x_label), str(y_label),
                     percent, horizontal)


def _chart(spec: ChartSpec, filter_key: str, version: str | None, table: Table | None) -> Chart:
    body = chart_cache.get_or_render(spec.name, filter_key, version or spec.digest(), "svg",
                                     lambda: _draw(spec, "svg"))
    return Chart(spec=spec, svg=Markup(body.decode()), table=table if table is not None else default_table(spec))  # noqa: S704 (our own drawing, escaped)


def default_table(spec: ChartSpec) -> Table:
    """The chart's numbers as a table: one row per category (or point), one column per series."""
    kind = "percent" if spec.percent else "number"
    if spec.kind == "scatter":
        columns = [Column(spec.x_label or "x", "percent" if spec.percent else "number"),
                   Column(spec.y_label or "y", kind), Column("", "text")]
        rows = [[x, y, s.label] for s in spec.series for (x, y) in s.values]
        return Table(columns=[columns[2], columns[0], columns[1]], rows=[[r[2], r[0], r[1]] for r in rows])
    columns = [Column(spec.x_label or "", "text")] + [Column(s.label, kind) for s in spec.series]
    rows = [[category, *(s.values[i] for s in spec.series)] for i, category in enumerate(spec.categories)]
    return Table(columns=columns, rows=rows)


# -- drawing ---------------------------------------------------------------------------------

def _ticker():
    from matplotlib import ticker

    return ticker


def _figure():
    import matplotlib

    matplotlib.use("Agg")  # no display, no GUI toolkit: the raster backend servers use
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), facecolor=PAPER, layout="constrained")
    return figure


def _style_axes(axes, spec: ChartSpec) -> None:
    axes.set_facecolor(PAPER)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        axes.spines[side].set_color(MUTED)
    axes.tick_params(colors=INK, labelsize=9)
    axes.set_title(spec.title, color=INK, fontsize=11, loc="left")
    axes.set_xlabel(spec.x_label, color=INK, fontsize=9)
    axes.set_ylabel(spec.y_label, color=INK, fontsize=9)
    axes.grid(True, color=GRID, linewidth=0.6)
    axes.set_axisbelow(True)


def _percent(value, _position=None) -> str:
    return f"{value * 100:.0f} %"


def _draw(spec: ChartSpec, fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"unknown chart format {fmt!r}")
    figure = _figure()
    axes = figure.add_subplot()
    _style_axes(axes, spec)
    value_axis = axes.xaxis if spec.horizontal else axes.yaxis
    if spec.percent:
        value_axis.set_major_formatter(_ticker().FuncFormatter(_percent))
    elif spec.kind != "scatter":
        value_axis.set_major_locator(_ticker().MaxNLocator(integer=True))
    {"bar": _draw_bars, "line": _draw_lines, "scatter": _draw_points}[spec.kind](axes, spec)
    if spec.percent and spec.kind == "line":
        axes.set_ylim(bottom=0)  # a rate read against zero, not against its own minimum
    if len(spec.series) > 1:
        legend = axes.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
        for text in legend.get_texts():
            text.set_color(INK)
    out = io.BytesIO()
    # No date or tool in the file: the same data gives the same bytes.
    metadata = {"Date": None} if fmt == "svg" else {"Software": None}
    figure.savefig(out, format=fmt, dpi=PNG_DPI, metadata=metadata, facecolor=PAPER)
    if fmt == "png":
        return out.getvalue()
    return accessible_svg(out.getvalue().decode(), spec).encode()


def _draw_bars(axes, spec: ChartSpec) -> None:
    count = max(1, len(spec.series))
    width = 0.8 / count
    positions = range(len(spec.categories))
    for index, series in enumerate(spec.series):
        offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
        values = [0 if v is None else v for v in series.values]
        draw = axes.barh if spec.horizontal else axes.bar
        draw(offsets, values, width * 0.95, label=series.label, color=PALETTE[index % len(PALETTE)],
             hatch=HATCHES[index % len(HATCHES)], edgecolor=INK, linewidth=0.6)
    ticks = (axes.set_yticks if spec.horizontal else axes.set_xticks)
    ticks(list(positions), list(spec.categories))
    if spec.horizontal:
        axes.invert_yaxis()  # first category on top, as in the table
    elif len(spec.categories) > 6:
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")


def _draw_lines(axes, spec: ChartSpec) -> None:
    positions = list(range(len(spec.categories)))
    for index, series in enumerate(spec.series):
        values = [float("nan") if v is None else v for v in series.values]
        axes.plot(positions, values, label=series.label, color=PALETTE[index % len(PALETTE)],
                  marker=MARKERS[index % len(MARKERS)], linestyle=DASHES[index % len(DASHES)],
                  linewidth=1.8, markersize=5)
    axes.set_xticks(positions, list(spec.categories))
    if len(spec.categories) > 6:
        for label in axes.get_xticklabels():
            label.set_rotation(30)
            label.set_horizontalalignment("right")


def _draw_points(axes, spec: ChartSpec) -> None:
    for index, series in enumerate(spec.series):
        points = [(x, y) for x, y in series.values if x is not None and y is not None]
        axes.scatter([x for x, _ in points], [y for _, y in points], label=series.label,
                     color=PALETTE[index % len(PALETTE)], marker=MARKERS[index % len(MARKERS)],
                     edgecolors=INK, linewidths=0.5, s=28)
    if spec.percent:
        axes.xaxis.set_major_formatter(_ticker().FuncFormatter(_percent))


# -- SVG post-processing ---------------------------------------------------------------------

_STYLE_ATTRIBUTE = re.compile(r'\sstyle="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_HREF = re.compile(r'(xlink:href|href)="#([^"]+)"')
_URL = re.compile(r"url\(#([^)]+)\)")
# Properties matplotlib writes that are also SVG presentation attributes (so they survive a CSP
# without 'unsafe-inline').
_PRESENTATION = {"fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
                 "stroke-linecap", "stroke-linejoin", "stroke-dasharray", "stroke-dashoffset",
                 "stroke-miterlimit", "opacity", "clip-path", "font-family", "font-size", "font-weight",
                 "font-style", "text-anchor", "mix-blend-mode", "display", "visibility"}


def _attributes(match: re.Match) -> str:
    pairs = []
    for declaration in match.group(1).split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if name in _PRESENTATION and value:
            pairs.append(f' {name}="{value}"')
    return "".join(pairs)


def accessible_svg(svg: str, spec: ChartSpec) -> str:
    """matplotlib's SVG made fit to inline in a page: no prolog, no inline style, ids unique to
    this chart, and a title and description the root ``role="img"`` is labelled by."""
    prefix = "chart-" + re.sub(r"[^a-z0-9-]", "-", spec.name.lower())[:40] + "-" + spec.digest()[:8]
    svg = svg[svg.index("<svg"):]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<style[^>]*>.*?</style>\s*", "", svg, flags=re.S)
    svg = re.sub(r"<defs>\s*</defs>\s*", "", svg)
    svg = re.sub(r"<!--.*?-->\s*", "", svg, flags=re.S)  # matplotlib comments each label's text
    svg = _STYLE_ATTRIBUTE.sub(_attributes, svg)
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _HREF.sub(lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    svg = _URL.sub(lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    root_end = svg.index(">") + 1
    root = svg[:root_end]
    root = re.sub(r'\s(width|height)="[^"]*"', "", root, count=2)  # scales to its container (CSS)
    root = root[:-1] + (f' class="chart-svg" role="img" focusable="false"'
                        f' aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc"'
                        ' stroke-linejoin="round" stroke-linecap="butt">')
    heading = (f'<title id="{prefix}-title">{escape(spec.title)}</title>'
               f'<desc id="{prefix}-desc">{escape(spec.description)}</desc>')
    return root + heading + svg[root_end:]


def init_app(app) -> None:
    """Charts' model (chart_cache) is imported above; pages format table cells with ``table_cell``.
    The page macro: ``{% from "charts/_chart.html" import chart_with_table %}``."""
    from learnapp.core import tables

    tables.init_app(app)
