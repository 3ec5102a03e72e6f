"""The printable card: ISO/IEC 7810 ID-1 (a bank card, 85.60 × 53.98 mm), front and back,
DejaVu Sans embedded (accents), the photo and the QR. Plain Python: values in, bytes out."""

from __future__ import annotations

import io

import segno
from fpdf import FPDF

from learnapp.certificates.pdf import _font

WIDTH, HEIGHT = 85.6, 53.98


def render(*, office: str, title: str, name: str, level: str, number: str, valid_until: str, photo: bytes,
           scan_url: str, back_text: str) -> bytes:
    pdf = FPDF(orientation="landscape", unit="mm", format=(HEIGHT, WIDTH))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_title(f"{title} — {name}")
    pdf.set_author(office)
    pdf.add_font("DejaVu", "", str(_font()))

    # Front: the band, the photo (3:4), the holder, the level, the number and validity.
    pdf.add_page()
    pdf.set_fill_color(30, 80, 120)
    pdf.rect(0, 0, WIDTH, 9, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_font("DejaVu", size=7.5)
    pdf.set_xy(4, 1.5)
    pdf.cell(WIDTH - 8, 3, office)
    pdf.set_font("DejaVu", size=9)
    pdf.set_xy(4, 4.6)
    pdf.cell(WIDTH - 8, 4, title)
    pdf.image(io.BytesIO(photo), x=4, y=12, w=24, h=32)
    pdf.set_text_color(20, 20, 20)
    pdf.set_font("DejaVu", size=10)
    pdf.set_xy(31, 13)
    pdf.multi_cell(WIDTH - 35, 4.6, name)
    pdf.set_font("DejaVu", size=8)
    pdf.set_x(31)
    pdf.multi_cell(WIDTH - 35, 3.8, level)
    pdf.set_font("DejaVu", size=7)
    pdf.set_xy(31, 37)
    pdf.cell(WIDTH - 35, 3.5, f"N° {number}")
    pdf.set_xy(31, 41)
    pdf.cell(WIDTH - 35, 3.5, valid_until)

    # Back: the QR a partner scans, and how to check the card without a camera.
    pdf.add_page()
    qr = io.BytesIO()
    segno.make(scan_url, error="m").save(qr, kind="png", scale=6, border=2)
    qr.seek(0)
    pdf.image(qr, x=4, y=6, w=40, h=40)
    pdf.set_text_color(20, 20, 20)
    pdf.set_font("DejaVu", size=7.5)
    pdf.set_xy(47, 8)
    pdf.multi_cell(WIDTH - 51, 3.6, back_text)
    pdf.set_font("DejaVu", size=8)
    pdf.set_xy(47, 38)
    pdf.cell(WIDTH - 51, 4, f"N° {number}")
    return bytes(pdf.output())
