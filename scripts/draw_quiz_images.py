"""Draw the pictures of the Granville quiz bank (quizzes/granville-terre-et-mer/images/).

Simple, clear, flat pictures a child recognises at a glance, drawn with Pillow so the demo
content needs no downloaded artwork. Run from the project root:

    .venv/bin/python scripts/draw_quiz_images.py

Each picture is drawn at twice its size and scaled down (smooth edges), then saved as an
optimised PNG (a few kilobytes each, always under 150 KB). No text inside the pictures: the
alt text in the question files says what each one shows.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "quizzes" / "granville-terre-et-mer" / "images"

W, H = 400, 300  # final size
S = 2  # drawing scale (supersampling)
MAX_BYTES = 150 * 1024

# Palette
SKY = (186, 225, 247)
NIGHT = (24, 36, 84)
SEA = (38, 120, 186)
SEA_DARK = (22, 84, 140)
SAND = (238, 214, 160)
WET_SAND = (205, 180, 130)
GRANITE = (150, 146, 140)
GRANITE_DARK = (105, 100, 96)
GRASS = (96, 168, 84)
WHITE = (255, 255, 255)
BLACK = (30, 30, 30)
RED = (206, 40, 48)
YELLOW = (250, 208, 40)
COPPER = (196, 106, 52)
COPPER_LIGHT = (232, 150, 92)
COPPER_DARK = (140, 70, 34)
BRONZE = (176, 132, 60)
BRONZE_DARK = (120, 86, 36)
PINK = (240, 170, 180)
GREY_BLUE = (120, 130, 150)


def p(*xy: float) -> list[float]:
    """Scale coordinates given in final-size units to the drawing canvas."""
    return [v * S for v in xy]


class Canvas:
    def __init__(self, background=SKY):
        self.img = Image.new("RGB", (W * S, H * S), background)
        self.d = ImageDraw.Draw(self.img)

    def rect(self, x0, y0, x1, y1, fill, outline=None, width=0, radius=0):
        if radius:
            self.d.rounded_rectangle(p(x0, y0, x1, y1), radius=radius * S, fill=fill, outline=outline,
                                     width=width * S)
        else:
            self.d.rectangle(p(x0, y0, x1, y1), fill=fill, outline=outline, width=width * S)

    def ellipse(self, x0, y0, x1, y1, fill, outline=None, width=0):
        self.d.ellipse(p(x0, y0, x1, y1), fill=fill, outline=outline, width=width * S)

    def circle(self, cx, cy, r, fill, outline=None, width=0):
        self.ellipse(cx - r, cy - r, cx + r, cy + r, fill, outline, width)

    def poly(self, points, fill, outline=None, width=0):
        flat = [v * S for xy in points for v in xy]
        self.d.polygon(flat, fill=fill, outline=outline, width=width * S if outline else 1)

    def line(self, points, fill, width=2):
        flat = [v * S for xy in points for v in xy]
        self.d.line(flat, fill=fill, width=width * S, joint="curve")

    def arc(self, x0, y0, x1, y1, start, end, fill, width=2):
        self.d.arc(p(x0, y0, x1, y1), start, end, fill=fill, width=width * S)

    def pieslice(self, x0, y0, x1, y1, start, end, fill):
        self.d.pieslice(p(x0, y0, x1, y1), start, end, fill=fill)

    def save(self, name: str) -> Path:
        img = self.img.resize((W, H), Image.LANCZOS)
        img = img.quantize(colors=96, method=Image.MEDIANCUT, dither=Image.Dither.NONE)
        path = OUT / name
        img.save(path, optimize=True)
        size = path.stat().st_size
        if size >= MAX_BYTES:
            raise SystemExit(f"{name} is {size} bytes, over the {MAX_BYTES} limit")
        return path


def waves(c: Canvas, y: float, color=SEA, amplitude=4, step=24):
    """A band of sea from y down to the bottom, with a wavy top."""
    pts = [(0, H)]
    x = 0.0
    while x <= W:
        pts.append((x, y + amplitude * math.sin(x / step * math.pi)))
        x += 4
    pts.append((W, H))
    c.poly(pts, color)


def sun(c: Canvas, cx, cy, r):
    for i in range(12):
        a = i * math.pi / 6
        c.line([(cx + (r + 8) * math.cos(a), cy + (r + 8) * math.sin(a)),
                (cx + (r + 26) * math.cos(a), cy + (r + 26) * math.sin(a))], YELLOW, 6)
    c.circle(cx, cy, r, YELLOW)


# --- the pictures ---------------------------------------------------------------------------

def draw_lune():
    c = Canvas(NIGHT)
    rnd = random.Random(4)
    for _ in range(40):
        x, y = rnd.uniform(10, 390), rnd.uniform(10, 290)
        c.circle(x, y, rnd.choice((1.5, 2, 2.5)), WHITE)
    c.circle(200, 150, 90, (246, 238, 190))
    c.circle(240, 125, 85, NIGHT)  # bite: a crescent
    return c.save("lune.png")


def draw_plage(name: str, high: bool):
    c = Canvas(SKY)
    sun(c, 340, 55, 26)
    # beach sloping down to the sea
    c.poly([(0, 150), (400, 190), (400, 300), (0, 300)], SAND)
    c.poly([(0, 215), (400, 225), (400, 300), (0, 300)], WET_SAND)
    # rocks on the foreshore
    c.ellipse(250, 232, 300, 262, GRANITE)
    c.ellipse(285, 245, 320, 268, GRANITE_DARK)
    # a beach hut and a boat lying on the sand
    c.rect(40, 120, 80, 165, RED)
    c.poly([(34, 122), (60, 98), (86, 122)], WHITE)
    c.rect(52, 140, 68, 165, WHITE)
    if high:
        waves(c, 190, SEA, 5)
        waves(c, 230, SEA_DARK, 4)
        # the boat floats
        c.poly([(150, 182), (230, 182), (215, 200), (165, 200)], WHITE)
        c.line([(190, 182), (190, 130)], BLACK, 3)
        c.poly([(193, 135), (193, 178), (225, 178)], RED)
    else:
        waves(c, 282, SEA, 3)
        # the boat rests on the sand, tilted
        c.poly([(150, 232), (228, 222), (217, 240), (168, 246)], WHITE)
        c.line([(190, 228), (180, 178)], BLACK, 3)
        # a shore fisher's bucket
        c.poly([(110, 250), (132, 250), (128, 275), (114, 275)], YELLOW)
    return c.save(name)


def draw_cloche():
    c = Canvas((236, 228, 214))
    c.rect(140, 30, 260, 44, BRONZE_DARK, radius=4)  # beam
    c.rect(192, 44, 208, 62, BRONZE_DARK)  # crown
    body = [(150, 232), (160, 205), (166, 140), (172, 95), (200, 62), (228, 95), (234, 140), (240, 205),
            (250, 232)]
    c.poly(body, BRONZE)
    c.ellipse(130, 222, 270, 248, BRONZE_DARK)
    c.ellipse(138, 220, 262, 240, BRONZE)
    c.line([(178, 100), (172, 200)], (214, 176, 100), 6)  # shine
    c.line([(200, 200), (200, 250)], BRONZE_DARK, 5)  # clapper
    c.circle(200, 258, 12, BRONZE_DARK)
    # sound waves
    for r in (40, 60):
        c.arc(270 - r, 140 - r, 270 + r, 140 + r, -40, 40, BRONZE_DARK, 4)
        c.arc(130 - r, 140 - r, 130 + r, 140 + r, 140, 220, BRONZE_DARK, 4)
    return c.save("cloche.png")


def draw_casseroles():
    c = Canvas((246, 236, 220))
    c.rect(20, 40, 380, 50, (120, 86, 60), radius=4)  # rack
    for cx, r in ((90, 52), (215, 62), (330, 44)):
        top = 60
        c.line([(cx, 50), (cx, top + 4)], BLACK, 3)  # hook
        c.rect(cx - 7, top, cx + 7, top + 70, COPPER_DARK, radius=5)  # handle
        cy = top + 70 + r
        c.circle(cx, cy, r, COPPER)
        c.circle(cx, cy, r - 10, COPPER_DARK)
        c.circle(cx, cy, r - 14, COPPER)
        c.arc(cx - r + 18, cy - r + 18, cx + r - 18, cy + r - 18, 200, 260, COPPER_LIGHT, 6)
    return c.save("casseroles-cuivre.png")


def draw_marteau():
    c = Canvas((246, 236, 220))
    c.line([(120, 250), (250, 110)], (150, 100, 60), 16)  # handle
    c.poly([(205, 70), (300, 155), (325, 130), (230, 45)], (110, 110, 118))
    c.poly([(300, 155), (325, 130), (335, 140), (310, 165)], (80, 80, 88))
    # a copper sheet under it
    c.ellipse(60, 240, 340, 290, COPPER)
    c.ellipse(90, 250, 310, 280, COPPER_LIGHT)
    return c.save("marteau.png")


def draw_voilier():
    c = Canvas(SKY)
    c.circle(70, 60, 22, WHITE)
    c.circle(95, 55, 28, WHITE)
    c.circle(120, 62, 20, WHITE)
    waves(c, 225, SEA, 5)
    # hull
    c.poly([(70, 205), (340, 205), (315, 245), (95, 245)], (60, 44, 36))
    c.rect(82, 212, 328, 218, WHITE)
    # three masts, square sails
    for mx, h in ((130, 120), (205, 140), (280, 110)):
        c.line([(mx, 205), (mx, 205 - h - 20)], (90, 60, 40), 4)
        for k in range(3):
            y0 = 205 - h + k * (h / 3) - 10
            w = 34 - k * -4
            c.poly([(mx - w, y0), (mx + w, y0), (mx + w - 4, y0 + h / 3 - 8), (mx - w + 4, y0 + h / 3 - 8)],
                   (250, 246, 232), outline=(200, 190, 170), width=1)
    c.poly([(330, 205), (385, 150), (340, 150)], (250, 246, 232))  # jib
    c.line([(205, 45), (205, 30)], RED, 3)
    c.poly([(207, 30), (230, 35), (207, 40)], RED)
    return c.save("voilier.png")


def draw_phare():
    c = Canvas(NIGHT)
    # beams
    c.poly([(200, 70), (0, 20), (0, 120)], (250, 240, 160))
    c.poly([(200, 70), (400, 20), (400, 120)], (250, 240, 160))
    waves(c, 250, SEA_DARK, 4)
    c.poly([(110, 300), (140, 230), (270, 225), (300, 300)], GRANITE)
    # tower
    c.poly([(170, 235), (182, 90), (218, 90), (230, 235)], WHITE)
    for y in (120, 170):
        c.poly([(180 - (y - 90) * 0.08, y), (220 + (y - 90) * 0.08, y),
                (222 + (y + 25 - 90) * 0.08, y + 25), (178 - (y + 25 - 90) * 0.08, y + 25)], RED)
    c.rect(176, 84, 224, 92, BLACK)
    c.rect(184, 56, 216, 84, (250, 230, 120))
    c.poly([(180, 58), (200, 36), (220, 58)], RED)
    return c.save("phare.png")


def draw_remparts():
    c = Canvas(SKY)
    waves(c, 245, SEA, 4)
    # the rock
    c.poly([(20, 260), (60, 170), (360, 160), (395, 260)], GRANITE)
    c.poly([(60, 170), (80, 200), (120, 190), (160, 205), (360, 160)], GRANITE_DARK)
    # rampart wall with crenels
    c.rect(60, 120, 350, 172, (214, 200, 170))
    for x in range(60, 350, 20):
        c.rect(x, 108, x + 11, 122, (214, 200, 170))
    for x in range(80, 340, 36):
        c.rect(x, 140, x + 5, 152, (120, 108, 90))
    # gate
    c.rect(180, 130, 230, 172, (190, 176, 146))
    c.pieslice(188, 134, 222, 168, 180, 360, (80, 60, 40))
    c.rect(188, 151, 222, 172, (80, 60, 40))
    # houses and a church tower behind
    for x, col in ((80, (236, 226, 206)), (120, (226, 214, 190)), (250, (236, 226, 206)), (290, (226, 214, 190))):
        c.rect(x, 80, x + 36, 110, col)
        c.poly([(x - 3, 82), (x + 18, 62), (x + 39, 82)], (90, 96, 110))
    c.rect(165, 45, 195, 110, (200, 190, 170))
    c.poly([(160, 48), (180, 15), (200, 48)], (90, 96, 110))
    return c.save("remparts.png")


def draw_eglise():
    c = Canvas(SKY)
    c.rect(0, 240, 400, 300, GRASS)
    c.rect(90, 140, 300, 245, GRANITE)  # nave
    c.poly([(80, 145), (195, 85), (310, 145)], GRANITE_DARK)
    c.rect(230, 60, 290, 245, (165, 160, 152))  # tower
    c.poly([(224, 64), (260, 20), (296, 64)], GRANITE_DARK)
    c.pieslice(245, 85, 275, 115, 180, 360, BLACK)
    c.rect(245, 100, 275, 125, BLACK)
    c.pieslice(140, 185, 180, 225, 180, 360, (90, 60, 40))
    c.rect(140, 205, 180, 245, (90, 60, 40))
    c.circle(160, 160, 12, (120, 170, 220))
    return c.save("eglise.png")


def draw_confettis():
    c = Canvas((40, 40, 70))
    rnd = random.Random(7)
    colours = (RED, YELLOW, (60, 180, 90), (70, 140, 230), (240, 120, 200), (255, 150, 40), WHITE)
    for _ in range(170):
        x, y = rnd.uniform(0, 400), rnd.uniform(0, 300)
        c.circle(x, y, rnd.uniform(3, 6), rnd.choice(colours))
    for _ in range(10):  # streamers
        x, y = rnd.uniform(0, 380), rnd.uniform(0, 260)
        col = rnd.choice(colours)
        c.line([(x + k * 6, y + 10 * math.sin(k)) for k in range(8)], col, 3)
    return c.save("confettis.png")


def draw_masque():
    c = Canvas((255, 236, 200))
    # mask shape
    pts = []
    for t in range(0, 181, 5):
        a = math.radians(t)
        pts.append((200 - 150 * math.cos(a), 150 - 60 * math.sin(a)))
    for t in range(0, 181, 5):
        a = math.radians(t)
        pts.append((200 + 150 * math.cos(a), 150 + 45 * math.sin(a) - (35 if 70 < t < 110 else 0)))
    c.poly(pts, (150, 60, 190))
    c.ellipse(105, 115, 175, 160, (255, 236, 200))
    c.ellipse(225, 115, 295, 160, (255, 236, 200))
    c.ellipse(105, 115, 175, 160, None, YELLOW, 5)
    c.ellipse(225, 115, 295, 160, None, YELLOW, 5)
    # feathers
    for k, col in enumerate(((230, 60, 80), (60, 170, 90), (70, 140, 230))):
        x = 280 + k * 22
        c.ellipse(x - 12, 20, x + 12, 100, col)
        c.line([(x, 100), (x - 14, 40)], (255, 236, 200), 2)
    c.line([(60, 165), (30, 280)], (120, 80, 40), 6)  # stick
    return c.save("masque.png")


def draw_char():
    c = Canvas(SKY)
    c.rect(0, 240, 400, 300, (160, 160, 160))
    rnd = random.Random(3)
    for _ in range(50):
        c.circle(rnd.uniform(0, 400), rnd.uniform(0, 230), 3,
                 rnd.choice((RED, YELLOW, (60, 180, 90), (240, 120, 200))))
    c.rect(60, 190, 340, 235, (70, 140, 230), radius=8)  # platform
    for x in range(70, 340, 30):
        c.poly([(x, 235), (x + 15, 250), (x + 30, 235)], YELLOW)
    for wx in (100, 300):
        c.circle(wx, 245, 22, BLACK)
        c.circle(wx, 245, 9, (200, 200, 200))
    # a big smiling head (the carnival giant)
    c.circle(200, 115, 75, (255, 214, 170))
    c.poly([(130, 80), (200, 0), (270, 80)], RED)
    c.circle(200, 0, 10, YELLOW)
    c.circle(172, 105, 10, BLACK)
    c.circle(228, 105, 10, BLACK)
    c.circle(200, 128, 10, RED)
    c.arc(160, 110, 240, 170, 20, 160, BLACK, 5)
    return c.save("char-carnaval.png")


def draw_robe():
    c = Canvas((250, 240, 236))
    c.line([(200, 20), (200, 50)], (150, 120, 90), 3)  # hanger hook
    c.line([(140, 62), (200, 45), (260, 62)], (150, 120, 90), 5)
    # bodice
    c.poly([(165, 62), (235, 62), (222, 140), (178, 140)], NIGHT)
    c.rect(176, 134, 224, 146, BLACK)  # narrow waist (belt)
    # full skirt (the "corolle")
    pts = [(178, 145), (222, 145)]
    for t in range(0, 181, 10):
        a = math.radians(t)
        pts.append((200 + 120 * math.cos(a), 275 + 12 * math.sin(a)))
    c.poly(pts, NIGHT)
    for x in (150, 200, 250):
        c.line([(200 + (x - 200) * 0.15, 150), (x, 275)], (50, 64, 120), 2)
    c.circle(200, 100, 8, PINK)  # a rose on the bodice
    return c.save("robe.png")


def draw_rose():
    c = Canvas((236, 246, 236))
    c.line([(200, 150), (200, 290)], (60, 130, 60), 8)
    c.ellipse(200, 200, 260, 225, (80, 160, 80))
    c.ellipse(140, 230, 200, 255, (80, 160, 80))
    for r, col in ((80, (226, 90, 120)), (60, (236, 120, 146)), (42, (226, 90, 120)), (24, (200, 60, 96))):
        c.circle(200, 120, r, col)
    for a in range(0, 360, 72):
        rad = math.radians(a)
        c.arc(200 + 30 * math.cos(rad) - 30, 120 + 30 * math.sin(rad) - 30,
              200 + 30 * math.cos(rad) + 30, 120 + 30 * math.sin(rad) + 30, a + 90, a + 200, (190, 50, 90), 3)
    return c.save("rose.png")


def draw_villa(name="villa-rose.png", walls=PINK, roof=GREY_BLUE):
    c = Canvas(SKY)
    waves(c, 250, SEA, 4)
    c.poly([(0, 200), (300, 190), (340, 300), (0, 300)], GRASS)  # garden on the cliff
    c.poly([(300, 190), (330, 195), (345, 300), (320, 300)], GRANITE)
    c.rect(80, 100, 250, 200, walls)  # the villa (Les Rhumbs: pink walls, grey trim)
    c.poly([(70, 104), (165, 50), (260, 104)], roof)
    c.rect(190, 62, 206, 90, roof)  # chimney
    for x in (100, 150, 210):
        c.rect(x, 120, x + 24, 150, (230, 240, 250), outline=roof, width=3)
    c.rect(150, 165, 176, 200, roof)
    # flowers in the garden
    rnd = random.Random(11)
    for _ in range(25):
        c.circle(rnd.uniform(10, 290), rnd.uniform(210, 285), 5, rnd.choice(((230, 80, 120), WHITE, YELLOW)))
    return c.save(name)


def draw_ciseaux():
    c = Canvas((250, 240, 236))
    c.line([(120, 230), (300, 60)], (150, 150, 160), 12)
    c.line([(120, 70), (300, 240)], (150, 150, 160), 12)
    c.circle(105, 245, 28, None, RED, 10)
    c.circle(105, 55, 28, None, RED, 10)
    c.circle(210, 150, 7, BLACK)
    c.line([(30, 150), (370, 150)], (230, 90, 120), 2)  # a thread
    return c.save("ciseaux.png")


def draw_mouette():
    c = Canvas(SKY)
    waves(c, 250, SEA, 4)
    # body
    c.ellipse(130, 120, 290, 190, WHITE)
    c.circle(285, 125, 30, WHITE)
    c.circle(295, 118, 4, BLACK)
    c.poly([(312, 122), (345, 130), (312, 136)], YELLOW)
    c.circle(332, 132, 2.5, RED)
    # wings up
    c.poly([(170, 140), (120, 40), (235, 135)], (200, 205, 215))
    c.poly([(122, 44), (110, 30), (140, 70)], BLACK)
    c.poly([(140, 160), (90, 150), (150, 180)], (200, 205, 215))  # tail
    c.line([(200, 188), (195, 225)], (240, 170, 70), 4)
    c.line([(225, 188), (228, 225)], (240, 170, 70), 4)
    return c.save("mouette.png")


def draw_bulot():
    c = Canvas((230, 240, 246))
    shell, ridge, inner = (226, 204, 164), (140, 108, 70), (246, 210, 190)
    # a whelk: whorls stacked into a pointed spire, a big last whorl, the mouth on the right
    # and the siphon canal at the bottom
    c.poly([(200, 250), (190, 298), (214, 298), (240, 250)], shell, outline=ridge, width=2)  # siphon
    whorls = ((200, 200, 78, 62), (195, 130, 56, 36), (191, 88, 40, 25), (188, 58, 28, 17),
              (186, 38, 18, 11), (185, 24, 10, 7))
    for cx, cy, rx, ry in whorls:
        c.ellipse(cx - rx, cy - ry, cx + rx, cy + ry, shell, outline=ridge, width=3)
    for cx, cy, rx, ry in whorls[:3]:  # growth lines
        for dx in (-0.5, 0, 0.5):
            c.line([(cx + dx * rx, cy - ry * 0.8), (cx + dx * rx + 8, cy + ry * 0.8)], (196, 168, 124), 2)
    c.ellipse(222, 160, 282, 262, inner, outline=ridge, width=3)  # the mouth
    c.ellipse(236, 178, 270, 248, (236, 188, 168))
    return c.save("bulot.png")


def draw_morue():
    c = Canvas((190, 220, 240))
    c.ellipse(70, 100, 300, 200, (160, 140, 90))  # body
    c.poly([(290, 150), (370, 95), (355, 150), (370, 205)], (140, 120, 76))  # tail
    for x in (150, 200, 245):
        c.poly([(x - 20, 104), (x, 70), (x + 20, 104)], (140, 120, 76))  # three dorsal fins
    c.ellipse(70, 150, 280, 200, (220, 210, 170))  # pale belly
    c.circle(110, 135, 9, WHITE)
    c.circle(112, 135, 5, BLACK)
    c.line([(80, 172), (84, 190)], (120, 100, 60), 3)  # chin barbel
    rnd = random.Random(5)
    for _ in range(30):
        c.circle(rnd.uniform(130, 280), rnd.uniform(115, 150), 3, (120, 100, 60))
    return c.save("morue.png")


def draw_ile():
    c = Canvas(SKY)
    waves(c, 180, SEA, 4)
    # granite islets
    for x0, x1, top in ((20, 90, 200), (300, 380, 195), (120, 300, 120)):
        c.poly([(x0, 215), ((x0 + x1) / 2 - 20, top), ((x0 + x1) / 2 + 20, top + 8), (x1, 215)], GRANITE)
    c.poly([(150, 140), (270, 135), (295, 180), (130, 185)], GRASS)
    # a small granite house and the lighthouse
    c.rect(170, 118, 205, 145, (200, 196, 186))
    c.poly([(166, 120), (188, 102), (209, 120)], GREY_BLUE)
    c.rect(240, 85, 256, 140, WHITE)
    c.rect(238, 78, 258, 88, RED)
    c.circle(330, 240, 6, WHITE)  # a sail
    c.poly([(320, 250), (345, 250), (340, 258), (325, 258)], WHITE)
    return c.save("ile.png")


def draw_phoque():
    c = Canvas(SKY)
    waves(c, 220, SEA, 4)
    c.poly([(60, 240), (110, 175), (320, 170), (360, 240)], GRANITE)
    c.ellipse(120, 130, 300, 190, (120, 116, 112))  # body
    c.circle(285, 130, 34, (120, 116, 112))  # head
    c.circle(296, 122, 5, BLACK)
    c.circle(312, 138, 4, BLACK)
    for dy in (-4, 2, 8):
        c.line([(316, 140), (340, 136 + dy)], BLACK, 1)
    c.poly([(125, 160), (85, 140), (95, 170), (85, 190)], (110, 106, 102))  # tail flippers
    c.ellipse(210, 170, 250, 190, (100, 96, 92))  # front flipper
    return c.save("phoque.png")


def draw_granit():
    c = Canvas((236, 232, 226))
    c.poly([(70, 120), (270, 100), (330, 160), (130, 185)], (180, 176, 170))  # top face
    c.poly([(130, 185), (330, 160), (330, 250), (130, 275)], GRANITE)  # front
    c.poly([(70, 120), (130, 185), (130, 275), (70, 210)], GRANITE_DARK)  # side
    rnd = random.Random(9)
    for _ in range(260):
        x, y = rnd.uniform(75, 325), rnd.uniform(105, 270)
        col = rnd.choice(((70, 66, 64), (230, 226, 220), (200, 170, 160)))
        inside = (130 <= x <= 330 and 185 - (x - 130) * 0.125 <= y <= 275 - (x - 130) * 0.125)
        if inside:
            c.circle(x, y, 2.2, col)
    return c.save("granit.png")


def draw_montagne():
    c = Canvas(SKY)
    c.poly([(0, 270), (140, 70), (280, 270)], (120, 110, 130))
    c.poly([(140, 270), (270, 40), (400, 270)], (100, 92, 112))
    c.poly([(230, 110), (270, 40), (310, 110), (285, 95), (270, 115), (255, 95)], WHITE)
    c.poly([(110, 113), (140, 70), (170, 113), (150, 105), (130, 112)], WHITE)
    c.rect(0, 265, 400, 300, GRASS)
    return c.save("montagne.png")


def draw_sapin():
    c = Canvas((226, 240, 250))
    c.rect(0, 260, 400, 300, WHITE)
    c.rect(188, 230, 212, 270, (110, 70, 40))
    for half, top in ((110, 150), (85, 95), (60, 40)):
        c.poly([(200 - half, top + 90), (200, top), (200 + half, top + 90)], (40, 120, 60))
    return c.save("sapin.png")


def draw_voiture():
    c = Canvas(SKY)
    c.rect(0, 240, 400, 300, (120, 120, 120))
    c.rect(60, 160, 340, 225, RED, radius=14)
    c.poly([(120, 162), (150, 105), (260, 105), (295, 162)], RED)
    c.poly([(135, 160), (158, 116), (200, 116), (200, 160)], (200, 230, 250))
    c.poly([(210, 160), (210, 116), (252, 116), (278, 160)], (200, 230, 250))
    for wx in (120, 285):
        c.circle(wx, 228, 30, BLACK)
        c.circle(wx, 228, 12, (200, 200, 200))
    return c.save("voiture.png")


def draw_glace():
    c = Canvas((250, 236, 240))
    c.poly([(160, 150), (240, 150), (200, 290)], (214, 164, 100))
    for k in range(5):
        c.line([(165 + k * 16, 150), (200 + k * 4, 270)], (180, 130, 70), 2)
    c.circle(175, 135, 38, (250, 200, 210))
    c.circle(225, 135, 38, (250, 240, 200))
    c.circle(200, 95, 38, (140, 90, 60))
    return c.save("glace.png")


def draw_rose_des_vents():
    c = Canvas((244, 236, 214))
    cx, cy = 200, 150
    c.circle(cx, cy, 130, None, (140, 110, 70), 3)
    for k in range(32):  # the 32 rhumbs
        a = math.radians(k * 360 / 32)
        c.line([(cx + 118 * math.cos(a), cy + 118 * math.sin(a)), (cx + 130 * math.cos(a), cy + 130 * math.sin(a))],
               (140, 110, 70), 2)
    for k in range(8):
        a = math.radians(k * 45 - 90)
        length = 115 if k % 2 == 0 else 75
        left = (cx + 14 * math.cos(a - math.pi / 2), cy + 14 * math.sin(a - math.pi / 2))
        right = (cx + 14 * math.cos(a + math.pi / 2), cy + 14 * math.sin(a + math.pi / 2))
        tip = (cx + length * math.cos(a), cy + length * math.sin(a))
        c.poly([left, tip, (cx, cy)], (40, 60, 110) if k % 2 == 0 else (140, 110, 70))
        c.poly([right, tip, (cx, cy)], (110, 140, 200) if k % 2 == 0 else (200, 170, 120))
    c.poly([(190, 22), (200, 5), (210, 22)], RED)
    return c.save("rose-des-vents.png")


def draw_table_marees():
    c = Canvas((226, 238, 246))
    c.rect(90, 30, 310, 280, WHITE, outline=(120, 140, 170), width=3, radius=8)
    c.rect(90, 30, 310, 70, SEA, radius=8)
    waves_y = 50
    c.line([(100 + k * 4, waves_y + 6 * math.sin(k / 3)) for k in range(52)], WHITE, 3)
    # rows of a table: a small wave symbol (up or down) and bars standing for hours
    for r in range(6):
        y = 90 + r * 30
        c.line([(100, y + 22), (300, y + 22)], (200, 210, 225), 1)
        up = r % 2 == 0
        c.poly([(108, y + 16), (118, y + 4), (128, y + 16)] if up else [(108, y + 4), (118, y + 16), (128, y + 4)],
               SEA if up else SEA_DARK)
        c.rect(142, y + 6, 190, y + 14, (90, 100, 120))
        c.rect(206, y + 6, 240, y + 14, (90, 100, 120))
        c.rect(256, y + 6, 290, y + 14, (170, 180, 196))
    return c.save("table-marees.png")


def draw_sable_chateau():
    c = Canvas(SKY)
    c.rect(0, 200, 400, 300, SAND)
    c.rect(140, 150, 260, 230, (222, 190, 130))
    for x in (130, 240):
        c.rect(x, 110, x + 30, 230, (222, 190, 130))
        for k in range(3):
            c.rect(x + k * 11, 100, x + k * 11 + 8, 112, (222, 190, 130))
    c.pieslice(180, 180, 220, 220, 180, 360, (150, 120, 80))
    c.rect(180, 200, 220, 230, (150, 120, 80))
    c.line([(255, 110), (255, 60)], BLACK, 2)
    c.poly([(257, 60), (285, 68), (257, 76)], RED)
    return c.save("chateau-de-sable.png")


def draw_bateau():
    """A passenger boat (a "vedette") like those that sail to Chausey."""
    c = Canvas(SKY)
    waves(c, 215, SEA, 5)
    c.poly([(50, 180), (350, 180), (320, 230), (80, 230)], WHITE)  # hull
    c.rect(60, 196, 340, 204, SEA_DARK)
    c.rect(120, 130, 290, 180, WHITE, outline=(150, 160, 170), width=2)  # cabin
    for x in range(130, 280, 30):
        c.rect(x, 142, x + 20, 162, (120, 180, 230))
    c.rect(200, 95, 270, 130, WHITE, outline=(150, 160, 170), width=2)  # bridge
    c.rect(210, 103, 260, 118, (120, 180, 230))
    c.line([(235, 95), (235, 65)], BLACK, 3)
    c.poly([(237, 65), (262, 72), (237, 79)], RED)
    return c.save("bateau.png")


def draw_velo():
    c = Canvas(SKY)
    c.rect(0, 250, 400, 300, (120, 120, 120))
    for wx in (110, 290):
        c.circle(wx, 200, 55, None, BLACK, 6)
        c.circle(wx, 200, 5, BLACK)
    frame = (40, 120, 200)
    c.line([(110, 200), (180, 200), (255, 125), (160, 125), (110, 200)], frame, 7)
    c.line([(180, 200), (150, 110)], frame, 7)
    c.line([(255, 125), (290, 200)], frame, 7)
    c.rect(130, 100, 170, 110, BLACK, radius=4)  # saddle
    c.line([(250, 125), (245, 95), (275, 90)], BLACK, 6)  # handlebar
    return c.save("velo.png")


def draw_elephant():
    c = Canvas((250, 236, 200))
    c.rect(0, 250, 400, 300, (214, 190, 130))
    grey, dark = (150, 150, 160), (120, 120, 132)
    for x in (125, 165, 235, 275):  # legs
        c.rect(x - 17, 180, x + 17, 262, grey)
    c.ellipse(90, 90, 310, 220, grey)  # body
    c.circle(300, 120, 55, grey)  # head
    c.ellipse(250, 80, 305, 170, dark)  # ear
    c.line([(340, 140), (358, 200), (345, 240), (362, 255)], grey, 22)  # trunk
    c.circle(318, 108, 6, BLACK)
    c.line([(325, 160), (350, 170)], WHITE, 7)  # tusk
    c.line([(92, 140), (65, 190)], dark, 5)  # tail
    return c.save("elephant.png")


def draw_lion():
    c = Canvas((250, 236, 200))
    c.circle(200, 150, 115, (196, 110, 40))  # mane
    for k in range(16):
        a = math.radians(k * 360 / 16)
        c.circle(200 + 112 * math.cos(a), 150 + 112 * math.sin(a), 22, (196, 110, 40))
    c.circle(200, 155, 78, (236, 180, 90))  # face
    c.circle(148, 95, 18, (236, 180, 90))
    c.circle(252, 95, 18, (236, 180, 90))
    c.circle(172, 135, 9, BLACK)
    c.circle(228, 135, 9, BLACK)
    c.poly([(188, 165), (212, 165), (200, 180)], (110, 60, 40))
    c.arc(172, 160, 200, 200, 20, 160, (110, 60, 40), 4)
    c.arc(200, 160, 228, 200, 20, 160, (110, 60, 40), 4)
    return c.save("lion.png")


def draw_muguet():
    c = Canvas((236, 246, 236))
    leaf = (60, 150, 80)
    c.poly([(150, 290), (110, 160), (160, 60), (185, 170), (175, 290)], leaf)  # big leaves
    c.poly([(250, 290), (290, 170), (255, 70), (222, 170), (225, 290)], (70, 165, 90))
    c.line([(200, 290), (200, 110), (215, 70), (245, 50)], (80, 140, 70), 5)  # the stem
    for k, (x, y) in enumerate(((203, 95), (208, 130), (204, 165), (201, 200), (232, 60), (218, 75))):
        side = 1 if k % 2 == 0 else -1
        bx, by = x + side * 24, y + 14
        c.line([(x, y), (bx, by - 10)], (80, 140, 70), 3)
        c.pieslice(bx - 15, by - 14, bx + 15, by + 16, 180, 360, WHITE)  # a little white bell
        c.rect(bx - 15, by, bx + 15, by + 6, WHITE)
        for dx in (-10, 0, 10):
            c.circle(bx + dx, by + 7, 4, WHITE)
    return c.save("muguet.png")


def draw_etoile_de_mer():
    c = Canvas(SAND)
    cx, cy = 200, 155
    pts = []
    for k in range(10):
        a = math.radians(-90 + k * 36)
        r = 125 if k % 2 == 0 else 48
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    c.poly(pts, (236, 120, 60))
    rnd = random.Random(2)
    for _ in range(40):
        a, r = rnd.uniform(0, 2 * math.pi), rnd.uniform(0, 60)
        c.circle(cx + r * math.cos(a), cy + r * math.sin(a), 3, (250, 190, 120))
    return c.save("etoile-de-mer.png")


DRAWINGS = (
    draw_lune,
    lambda: draw_plage("maree-haute.png", high=True),
    lambda: draw_plage("maree-basse.png", high=False),
    draw_cloche, draw_casseroles, draw_marteau, draw_voilier, draw_phare, draw_remparts, draw_eglise,
    draw_confettis, draw_masque, draw_char, draw_robe, draw_rose, draw_villa, draw_ciseaux,
    draw_mouette, draw_bulot, draw_morue, draw_ile, draw_phoque, draw_granit,
    draw_montagne, draw_sapin, draw_voiture, draw_glace,
    draw_rose_des_vents, draw_table_marees, draw_sable_chateau,
    lambda: draw_villa("villa-bleue.png", (140, 180, 230), (230, 200, 60)),
    lambda: draw_villa("villa-verte.png", (150, 210, 140), (230, 130, 50)),
    draw_bateau, draw_velo, draw_elephant, draw_lion, draw_muguet, draw_etoile_de_mer,
)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for draw in DRAWINGS:
        path = draw()
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024 + 1} KB")


if __name__ == "__main__":
    main()
