"""The printable certificate: A4 landscape, DejaVu Sans embedded (accents), the badge, QR and code."""

from __future__ import annotations

import io
from pathlib import Path

import segno
from fpdf import FPDF

FONT_CANDIDATES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
)


def _font() -> Path:
    for path in FONT_CANDIDATES:
        if path.is_file():
            return path
    import matplotlib  # ships DejaVu Sans with its own data

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def render(*, issuer: str, recipient: str, title: str, description: str, issued_on: str, code: str,
           verify_url: str, labels: dict[str, str], badge: bytes | None = None) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(title)
    pdf.set_author(issuer)
    pdf.add_page()
    pdf.add_font("DejaVu", "", str(_font()))
    pdf.set_draw_color(30, 80, 120)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_font("DejaVu", size=14)
    pdf.set_xy(20, 22)
    pdf.cell(257, 8, issuer, align="C")
    pdf.set_font("DejaVu", size=30)
    pdf.set_xy(20, 45)
    pdf.cell(257, 14, labels["certificate"], align="C")
    pdf.set_font("DejaVu", size=13)
    pdf.set_xy(20, 66)
    pdf.cell(257, 8, labels["awarded_to"], align="C")
    pdf.set_font("DejaVu", size=26)
    pdf.set_xy(20, 78)
    pdf.cell(257, 14, recipient, align="C")
    pdf.set_font("DejaVu", size=17)
    pdf.set_xy(30, 100)
    pdf.multi_cell(237, 9, title, align="C")
    pdf.set_font("DejaVu", size=11)
    pdf.set_x(40)
    pdf.multi_cell(217, 6, description, align="C")
    pdf.set_xy(20, 150)
    pdf.cell(180, 7, issued_on)
    pdf.set_xy(20, 160)
    pdf.cell(180, 7, f"{labels['code']} {code}")
    pdf.set_font("DejaVu", size=9)
    pdf.set_xy(20, 170)
    pdf.cell(180, 6, f"{labels['verify']} {verify_url}")
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    qr.seek(0)
    pdf.image(qr, x=232, y=145, w=45, h=45)
    if badge:  # the achievement's image, as signed in the credential
        pdf.image(io.BytesIO(badge), x=20, y=18, w=28, h=28)
    return bytes(pdf.output())
