"""Charts (core/charts.py): accessible inline SVG, colour not the only cue, a cache in the
database shared by every app host, and the numbers as a table and a CSV with accents intact."""

from __future__ import annotations

import csv
import io
import re

import pytest
from flask import render_template_string
from sqlalchemy import func, select

from learnapp import create_app
from learnapp.core import chart_cache, charts, tables
from learnapp.core.charts import Series
from learnapp.core.tables import Column, Table


def _rates(**extra):
    return charts.bar_chart(
        "rates", "Taux de réussite <par âge>", categories=["Enfants", "Adolescents", "Adultes"],
        series=[Series("Novembre", [0.5, 0.25, None]), Series("Octobre", [0.4, 0.3, 0.1])],
        description="Les enfants réussissent le mieux & les adultes n'ont pas de données.", percent=True,
        **extra)


def test_bar_chart_is_an_accessible_inline_svg(app):
    chart = _rates()
    svg = str(chart.svg)
    assert svg.startswith("<svg")
    root = svg[:svg.index(">")]
    assert 'role="img"' in root
    title_id = re.search(r'aria-labelledby="([^"]+)"', root).group(1)
    desc_id = re.search(r'aria-describedby="([^"]+)"', root).group(1)
    assert f'<title id="{title_id}">Taux de réussite &lt;par âge&gt;</title>' in svg
    assert (f'<desc id="{desc_id}">Les enfants réussissent le mieux &amp; '
            "les adultes n&#39;ont pas de données.</desc>") in svg
    # The page's CSP has no 'unsafe-inline' for styles: nothing inline may need it.
    assert "style=" not in svg and "<style" not in svg
    assert "<?xml" not in svg and "<metadata" not in svg


def test_series_differ_by_pattern_not_colour_alone(app):
    svg = str(_rates().svg)
    # The second series' bars are hatched (an SVG pattern), the first plain in the office's blue.
    assert "<pattern" in svg
    assert 'fill="#0b5c7a"' in svg
    line = str(charts.line_chart(
        "months", "Par mois", categories=["sept.", "oct.", "nov."],
        series=[Series("A", [1, 2, 3]), Series("B", [3, 2, 1])], description="Deux courbes.").svg)
    assert 'stroke-dasharray' in line  # the second line is dashed
    assert line.count("<path id=") >= 2  # one marker shape per series (circle, square)


def test_ids_are_unique_across_charts_on_one_page(app):
    first = str(_rates().svg)
    second = str(charts.bar_chart("other", "Autre", categories=["a"], series=[Series("n", [3])],
                                  description="Une barre.").svg)
    ids_first = set(re.findall(r'\bid="([^"]+)"', first))
    ids_second = set(re.findall(r'\bid="([^"]+)"', second))
    assert ids_first and ids_second and not ids_first & ids_second
    # every reference inside a chart points at one of its own ids
    for svg, ids in ((first, ids_first), (second, ids_second)):
        for ref in re.findall(r'(?:href="#|url\(#)([^")]+)', svg):
            assert ref in ids


def test_scatter_chart_and_its_table(app):
    chart = charts.scatter_chart(
        "facility", "Facilité et discrimination",
        series=[Series("Tier 1", [(0.8, 0.3), (0.5, None)]), Series("Tier 2", [(0.4, 0.1)])],
        description="Trois questions.", x_label="Facilité", y_label="Discrimination")
    assert "<svg" in str(chart.svg)
    assert [c.label for c in chart.table.columns] == ["", "Facilité", "Discrimination"]
    assert chart.table.rows == [["Tier 1", 0.8, 0.3], ["Tier 1", 0.5, None], ["Tier 2", 0.4, 0.1]]


def test_a_chart_needs_a_text_alternative_and_matching_lengths(app):
    with pytest.raises(ValueError, match="text alternative"):
        charts.bar_chart("x", "X", categories=["a"], series=[Series("s", [1])], description=" ")
    with pytest.raises(ValueError, match="1 values for 2 categories"):
        charts.bar_chart("x", "X", categories=["a", "b"], series=[Series("s", [1])], description="d")


def test_png_for_the_report(app):
    png = charts.chart_png(_rates())
    assert png.startswith(b"\x89PNG\r\n\x1a\n")


def _stored(db) -> int:
    return db.session.scalar(select(func.count()).select_from(chart_cache.ChartCache))


def test_charts_are_drawn_once_per_data_version_and_filter(app, db):
    first = _rates(filter_key="age=teen")
    assert _stored(db) == 1
    again = _rates(filter_key="age=teen")
    assert str(again.svg) == str(first.svg) and _stored(db) == 1
    _rates(filter_key="age=adult")  # another filter: another drawing
    assert _stored(db) == 2
    charts.bar_chart("rates", "Taux de réussite <par âge>", categories=["Enfants", "Adolescents", "Adultes"],
                     series=[Series("Novembre", [0.6, 0.25, None]), Series("Octobre", [0.4, 0.3, 0.1])],
                     description="Les enfants réussissent le mieux & les adultes n'ont pas de données.",
                     percent=True, filter_key="age=teen")  # new numbers: a new data version
    assert _stored(db) == 3


def test_a_stored_chart_is_served_without_drawing(app):
    body = chart_cache.get_or_render("n", "f", "v1", "svg", lambda: b"<svg>drawn</svg>")

    def must_not_draw():
        raise AssertionError("drawn again")

    assert chart_cache.get_or_render("n", "f", "v1", "svg", must_not_draw) == body
    # Storing the same key twice (two hosts drawing at once) is not an error.
    chart_cache._write(lambda c: chart_cache._store(c, chart_cache.cache_key("n", "f", "v1", "svg"), "n", "svg",
                                                     b"<svg>other</svg>", chart_cache.utcnow()))
    assert chart_cache.get_or_render("n", "f", "v1", "svg", must_not_draw) == body


def test_the_cache_is_shared_by_another_app_host(app, app_config):
    chart_cache.get_or_render("shared", "", "v1", "svg", lambda: b"<svg>host one</svg>")
    other_host = create_app(app_config)  # another process/host: same database, no shared memory
    with other_host.app_context():
        from learnapp.extensions import db

        assert chart_cache.get_or_render("shared", "", "v1", "svg", lambda: b"<svg>host two</svg>") \
            == b"<svg>host one</svg>"
        db.session.remove()
        db.engine.dispose()


def _table():
    return Table(columns=[Column("Tranche d’âge"), Column("Inscrits", "number"), Column("Réussite", "percent")],
                 rows=[["Adolescents", 1200, 0.425], ["Élèves de CM2", 3, None]])


@pytest.mark.parametrize(("language", "separator", "decimal"), [("fr", ";", "42,5"), ("en", ",", "42.5")])
def test_csv_keeps_accents_and_suits_the_readers_spreadsheet(app, language, separator, decimal):
    with app.test_request_context(headers={"Accept-Language": language}):
        response = tables.csv_response(_table(), "taux.csv")
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: a spreadsheet opens it as UTF-8
    assert response.headers["Content-Disposition"] == 'attachment; filename="taux.csv"'
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=separator))
    assert rows == [["Tranche d’âge", "Inscrits", "Réussite (%)"], ["Adolescents", "1200", decimal],
                    ["Élèves de CM2", "3", ""]]


def test_macro_shows_the_chart_then_its_numbers_and_a_csv_link(app):
    chart = _rates()
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        html = render_template_string(
            '{% from "charts/_chart.html" import chart_with_table %}{{ chart_with_table(chart, csv_url="/x.csv") }}',
            chart=chart)
    assert html.index("<svg") < html.index("<table") < html.index('href="/x.csv"')
    assert "<caption" in html and "Taux de réussite &lt;par âge&gt;" in html
    assert "50,0" in html and "—" in html  # 0.5 as a French percentage; None as no data
    assert "<figcaption" in html and "Les enfants réussissent le mieux" in html
