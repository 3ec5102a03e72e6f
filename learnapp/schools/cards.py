"""Login cards: A4 portrait, 10 cards a page (2 × 5, cut along the lines), DejaVu Sans embedded.

Each card: the site's address, the class code, the pupil's name, username and passphrase, and a
QR that opens the class's sign-in page with the code filled in — never the passphrase (a QR
photographed across the room must not sign anyone in).
"""

from __future__ import annotations

import io
from functools import cache
from pathlib import Path

import segno
from fpdf import FPDF

from learnapp.schools.roster import Card

PAGE_W, PAGE_H = 210, 297
COLUMNS, ROWS = 2, 5
MARGIN_X, MARGIN_Y = 10, 8.5
CARD_W = (PAGE_W - 2 * MARGIN_X) / COLUMNS  # 95 mm
CARD_H = (PAGE_H - 2 * MARGIN_Y) / ROWS  # 56 mm
QR_SIZE = 30
FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def _font() -> Path:
    """DejaVu Sans from the system, else the copy matplotlib ships (as certificates/pdf.py)."""
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


@cache
def _qr_png(url: str) -> bytes:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=6, border=1)
    return out.getvalue()


def render(cards: list[Card], *, site: str, class_label: str, code: str, sign_in_url: str,
           labels: dict[str, str]) -> bytes:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(labels["title"])
    pdf.add_font("DejaVu", "", str(_font()))
    qr = _qr_png(sign_in_url)
    for index, card in enumerate(cards):
        slot = index % (COLUMNS * ROWS)
        if slot == 0:
            pdf.add_page()
        x = MARGIN_X + (slot % COLUMNS) * CARD_W
        y = MARGIN_Y + (slot // COLUMNS) * CARD_H
        _card(pdf, x, y, card, site=site, class_label=class_label, code=code, qr=qr, labels=labels)
    if not cards:
        pdf.add_page()
    return bytes(pdf.output())


def _card(pdf: FPDF, x: float, y: float, card: Card, *, site: str, class_label: str, code: str,
          qr: bytes, labels: dict[str, str]) -> None:
    pdf.set_draw_color(150, 150, 150)
    pdf.set_line_width(0.2)
    pdf.set_dash_pattern(dash=2, gap=1.5)
    pdf.rect(x, y, CARD_W, CARD_H)
    pdf.set_dash_pattern()
    text_w = CARD_W - QR_SIZE - 8
    pdf.set_font("DejaVu", size=8)
    pdf.set_xy(x + 4, y + 3)
    pdf.cell(text_w, 4, site)
    pdf.set_xy(x + 4, y + 7.5)
    pdf.cell(text_w, 4, class_label)
    _fit(pdf, card.name, text_w, 15)
    pdf.set_xy(x + 4, y + 13)
    pdf.cell(text_w, 7, card.name)
    pdf.set_font("DejaVu", size=8)
    rows = ((labels["code"], code), (labels["username"], card.username), (labels["passphrase"], card.passphrase))
    top = y + 23
    for label, value in rows:
        pdf.set_xy(x + 4, top)
        pdf.cell(text_w, 3.5, label)
        # The passphrase row runs under the QR, the full width of the card.
        width = CARD_W - 8 if label == labels["passphrase"] else text_w
        _fit(pdf, value, width, 13)
        pdf.set_xy(x + 4, top + 3.5)
        pdf.cell(width, 5.5, value)
        pdf.set_font("DejaVu", size=8)
        top += 10
    pdf.image(io.BytesIO(qr), x=x + CARD_W - QR_SIZE - 4, y=y + 4, w=QR_SIZE, h=QR_SIZE)
    pdf.set_font("DejaVu", size=6.5)
    pdf.set_xy(x + CARD_W - QR_SIZE - 4, y + 4 + QR_SIZE)
    pdf.cell(QR_SIZE, 3, labels["scan"], align="C")


def _fit(pdf: FPDF, text: str, width: float, size: float) -> None:
    """The largest font size up to ``size`` at which ``text`` fits in ``width`` (a long first
    name or passphrase shrinks instead of running off the card)."""
    pdf.set_font("DejaVu", size=size)
    while size > 7 and pdf.get_string_width(text) > width:
        size -= 0.5
        pdf.set_font("DejaVu", size=size)
