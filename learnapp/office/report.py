"""The monthly report: one month's certification rates, funnel and visits, with their charts.

PDF (fpdf2, DejaVu Sans embedded as in certificates/pdf.py so accents print; charts as PNG) or
a self-contained HTML page (inline SVG charts, no external file). Written by
``learnapp office report --month YYYY-MM`` and downloaded by staff from the dashboard; both
draw the same sections as the dashboard (office/dashboard.py), for all ages.
"""

from __future__ import annotations

import io
from datetime import date

from flask import render_template
from fpdf import FPDF
from fpdf.fonts import FontFace

from learnapp.certificates.pdf import _font
from learnapp.core import charts
from learnapp.core.i18n import _
from learnapp.core.tables import Table, format_cell
from learnapp.db import utcnow
from learnapp.office import dashboard, rules
from learnapp.office.rules import Filters, Period

SEA = (11, 92, 122)


def recent_months(today: date, count: int = 12) -> list[Period]:
    """The months staff may download, newest first: the current one and the ones before."""
    month = rules.parse_period("month", None, today)
    months = []
    for _index in range(count):
        months.append(month)
        month = rules.previous(month)
    return months


def sections(period: Period, today: date):
    filters = Filters(period, rules.AGE_ALL)
    return (dashboard.rates_section(filters), dashboard.funnel_section(filters, today),
            dashboard.visits_section(filters, today))


def render(period: Period, today: date, *, fmt: str = "pdf", dashboard_url: str = "") -> bytes:
    rates, funnel, visits = sections(period, today)
    title = _("Rapport mensuel de l'office — %(period)s", period=dashboard.period_label(period))
    blocks = [
        (_("Taux de certification"), [rates.charts.get("rates_age"), rates.charts.get("rates_tier")],
         [rates.tables["rates_age"], rates.tables["rates_tier"]]),
        (_("Parcours des inscrits du mois"), [funnel.charts.get("funnel")], [funnel.tables["funnel"]]),
        (_("Visites"), [visits.charts.get("visits_month")],
         [visits.tables["visits_month"], visits.tables["visits_visit"]]),
    ]
    blocks = [(heading, [c for c in chart_list if c is not None], tables) for heading, chart_list, tables in blocks]
    if fmt == "html":
        return render_template("office/report.html", title=title, blocks=blocks, generated=utcnow(),
                               dashboard_url=dashboard_url).encode()
    return _pdf(title, blocks, dashboard_url)


def _pdf(title: str, blocks, dashboard_url: str) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_author(_("Office de tourisme"))
    pdf.set_lang("fr")
    pdf.add_font("DejaVu", "", str(_font()))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", size=18)
    pdf.set_text_color(*SEA)
    _line(pdf, 9, title)
    pdf.set_text_color(27, 36, 48)
    pdf.set_font("DejaVu", size=9)
    _line(pdf, 5, _("Définitions : « ont essayé » = personnes ayant envoyé au moins une tentative d'un niveau "
                           "pendant la période (une fois par niveau) ; « certifiés » = parmi elles, celles qui ont "
                           "réussi ce niveau pendant la période (la réussite délivre le certificat)."))
    if dashboard_url:
        _line(pdf, 5, _("Tableau de bord : %(url)s", url=dashboard_url))
    for heading, chart_list, tables in blocks:
        pdf.ln(4)
        pdf.set_font("DejaVu", size=14)
        pdf.set_text_color(*SEA)
        _line(pdf, 8, heading)
        pdf.set_text_color(27, 36, 48)
        for chart in chart_list:
            png = charts.chart_png(chart)
            if pdf.get_y() > 190:
                pdf.add_page()
            pdf.image(io.BytesIO(png), w=170, alt_text=chart.description)
            pdf.set_font("DejaVu", size=8)
            _line(pdf, 4, chart.description)
        for table in tables:
            _pdf_table(pdf, table)
    return bytes(pdf.output())


def _line(pdf: FPDF, height: float, text: str) -> None:
    """A paragraph across the page; the next one starts at the left margin below it."""
    pdf.multi_cell(0, height, text, new_x="LMARGIN", new_y="NEXT")


def _pdf_table(pdf: FPDF, table: Table) -> None:
    pdf.ln(2)
    pdf.set_font("DejaVu", size=10)
    _line(pdf, 6, table.caption)
    pdf.set_font("DejaVu", size=7)
    if not table.rows:
        _line(pdf, 5, _("Aucune donnée pour ces critères."))
        return
    aligns = ["LEFT" if c.kind == "text" else "RIGHT" for c in table.columns]
    widths = [3] + [1.2] * (len(table.columns) - 1)
    with pdf.table(col_widths=widths, text_align=aligns, headings_style=FontFace(color=SEA),
                   line_height=4) as pdf_table:
        header = pdf_table.row()
        for column in table.columns:
            header.cell(column.label)
        for row in table.rows:
            cells = pdf_table.row()
            for value, column in zip(row, table.columns, strict=False):
                cells.cell(format_cell(value, column.kind))
