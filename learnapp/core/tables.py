"""A table of numbers, shown in a page and exported as CSV: the same rows for both.

Every chart comes with its numbers as a table (``charts/_chart.html``), and every table can be
downloaded. The CSV is UTF-8 with a byte-order mark, so a spreadsheet opening it by double-click
shows the accents (Excel reads BOM-less files in the system's legacy code page). Its separator and
decimal mark follow the reader's language: ``;`` and ``0,5`` in French (what a French spreadsheet
expects), ``,`` and ``0.5`` in English; numbers are never grouped by thousands, so they stay numbers.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import Response
from flask_babel import format_decimal, format_percent, get_locale

COLUMN_KINDS = ("text", "number", "percent", "points")
BOM = "\ufeff"


@dataclass(frozen=True)
class Column:
    label: str
    # text | number | percent (a fraction: 0.25 is shown "25 %") | points (a difference of two
    # fractions: 0.025 is shown "+2,5 pts")
    kind: str = "text"

    def __post_init__(self):
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass
class Table:
    columns: list[Column] = field(default_factory=list)
    rows: list[list] = field(default_factory=list)
    caption: str = ""


def format_cell(value, kind: str = "text") -> str:
    """A cell as a reader sees it in the page: ``—`` for no data, numbers in their language."""
    if value is None:
        return "—"
    if kind == "percent":
        return format_percent(value, "#,##0.0 %")
    if kind == "points":
        return format_decimal(value * 100, "+#,##0.0;-#,##0.0") + "\u00a0pts"
    if kind == "number":
        return format_decimal(value, "#,##0.##")
    return str(value)


def _csv_cell(value, kind: str) -> str:
    if value is None:
        return ""
    if kind in ("percent", "points"):
        return format_decimal(value * 100, "0.0")
    if kind == "number":
        return format_decimal(value, "0.##")
    return str(value)


def csv_separator() -> str:
    locale = get_locale()
    return ";" if locale is not None and locale.language == "fr" else ","


def to_csv(table: Table) -> str:
    """The table as CSV text with its BOM (header: the column labels; percent columns say "%")."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=csv_separator(), lineterminator="\r\n")
    writer.writerow([f"{c.label} (%)" if c.kind == "percent" else c.label for c in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(value, column.kind) for value, column in zip(row, table.columns, strict=False)])
    return BOM + out.getvalue()


def csv_response(table: Table, filename: str) -> Response:
    """A download of ``table`` named ``filename`` (ASCII, ends in .csv)."""
    response = Response(to_csv(table).encode("utf-8"), mimetype="text/csv")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


def init_app(app) -> None:
    app.jinja_env.filters["table_cell"] = format_cell
