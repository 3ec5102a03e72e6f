"""Draw the illustrations of the demo course « Granville Terre et Mer » with Pillow.

Every picture is made by this program (no download, no photo): simple, colourful drawings and
diagrams, 1200 × 800 pixels, saved as small palette PNGs beside the lessons that use them.
Licence: CC0 (see courses/granville-terre-et-mer/course.yml, field ``credits``).

Any word written inside a picture is also given in the picture's alt text or caption.

Run from the repository root:

    .venv/bin/python scripts/draw_course_images.py

Running it again redraws the same pictures (the random confetti use a fixed seed).
"""

from __future__ import annotations

import math
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "courses" / "granville-terre-et-mer"

WIDTH, HEIGHT = 1200, 800
SCALE = 2  # drawn at twice the size, then reduced: smooth edges
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")

# Palette (dark text on light backgrounds, light text only on dark shapes: contrast ≥ 4.5:1)
INK = (25, 35, 55)
SKY = (200, 228, 245)
SKY_EVENING = (255, 214, 170)
SEA = (40, 110, 170)
SEA_LIGHT = (120, 180, 220)
SEA_DEEP = (25, 75, 130)
SAND = (236, 214, 160)
SAND_WET = (205, 180, 125)
GRANITE = (150, 150, 160)
GRANITE_DARK = (105, 105, 118)
GRASS = (95, 160, 80)
GRASS_DARK = (60, 120, 60)
WHITE = (255, 255, 255)
PINK = (236, 170, 180)
GREY_ROOF = (110, 115, 125)
RED = (205, 50, 55)
YELLOW = (250, 205, 60)
ORANGE = (240, 140, 40)
COPPER = (196, 110, 60)
COPPER_LIGHT = (230, 160, 105)
COPPER_DARK = (140, 70, 35)
BRONZE = (170, 130, 60)
BRONZE_DARK = (120, 88, 35)


def font(size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    try:
        return ImageFont.truetype(str(FONT_DIR / name), size * SCALE)
    except OSError:  # pragma: no cover - other systems: Pillow's own font
        return ImageFont.load_default(size * SCALE)


class Canvas:
    """A drawing surface in 1200 × 800 coordinates, drawn at SCALE times the size."""

    def __init__(self, background: tuple[int, int, int]):
        self.image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), background)
        self.draw = ImageDraw.Draw(self.image)

    @staticmethod
    def _s(values):
        return [round(v * SCALE) for v in values]

    def rect(self, box, fill, outline=None, width=0, radius=0):
        if radius:
            self.draw.rounded_rectangle(self._s(box), radius=radius * SCALE, fill=fill, outline=outline,
                                        width=width * SCALE)
        else:
            self.draw.rectangle(self._s(box), fill=fill, outline=outline, width=width * SCALE)

    def ellipse(self, box, fill, outline=None, width=0):
        self.draw.ellipse(self._s(box), fill=fill, outline=outline, width=width * SCALE)

    def circle(self, x, y, r, fill, outline=None, width=0):
        self.ellipse((x - r, y - r, x + r, y + r), fill, outline, width)

    def polygon(self, points, fill, outline=None, width=0):
        flat = self._s([c for point in points for c in point])
        self.draw.polygon(flat, fill=fill, outline=outline, width=width * SCALE if outline else 0)

    def line(self, points, fill, width=2):
        flat = self._s([c for point in points for c in point])
        self.draw.line(flat, fill=fill, width=width * SCALE, joint="curve")

    def dashed(self, start, end, fill, width=3, dash=18, gap=12):
        (x1, y1), (x2, y2) = start, end
        length = math.hypot(x2 - x1, y2 - y1)
        ux, uy = (x2 - x1) / length, (y2 - y1) / length
        position = 0.0
        while position < length:
            stop = min(position + dash, length)
            self.line([(x1 + ux * position, y1 + uy * position), (x1 + ux * stop, y1 + uy * stop)], fill, width)
            position = stop + gap

    def arrow(self, start, end, fill, width=4, head=16):
        (x1, y1), (x2, y2) = start, end
        self.line([start, end], fill, width)
        angle = math.atan2(y2 - y1, x2 - x1)
        left = (x2 - head * math.cos(angle - 0.45), y2 - head * math.sin(angle - 0.45))
        right = (x2 - head * math.cos(angle + 0.45), y2 - head * math.sin(angle + 0.45))
        self.polygon([(x2, y2), left, right], fill)

    def text(self, xy, words, size=30, fill=INK, anchor="la", bold=True, box=None):
        """Write ``words``; ``box`` (a colour) puts a rounded label behind them for contrast."""
        f = font(size, bold)
        x, y = self._s(xy)
        if box is not None:
            left, top, right, bottom = self.draw.textbbox((x, y), words, font=f, anchor=anchor)
            pad = 10 * SCALE
            self.draw.rounded_rectangle((left - pad, top - pad, right + pad, bottom + pad), radius=10 * SCALE,
                                        fill=box)
        self.draw.text((x, y), words, font=f, fill=fill, anchor=anchor)

    def save(self, path: Path, colours: int = 96) -> None:
        small = self.image.resize((WIDTH, HEIGHT), Image.LANCZOS)
        small = small.quantize(colors=colours, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
        path.parent.mkdir(parents=True, exist_ok=True)
        small.save(path, optimize=True)
        print(f"{path.relative_to(ROOT)}  {path.stat().st_size // 1024} Ko")


# --- shared pieces ---------------------------------------------------------------------------

def waves(c: Canvas, top: float, colour, count=14, amplitude=6, bottom=HEIGHT):
    c.rect((0, top, WIDTH, bottom), colour)
    for row in range(3):
        y = top + 30 + row * 45
        for i in range(count):
            x = i * (WIDTH / count) + (row % 2) * 40
            c.line([(x, y), (x + 20, y - amplitude), (x + 40, y)], SEA_LIGHT, 3)


def sun(c: Canvas, x, y, r=50):
    for k in range(12):
        a = k * math.pi / 6
        c.line([(x + (r + 12) * math.cos(a), y + (r + 12) * math.sin(a)),
                (x + (r + 34) * math.cos(a), y + (r + 34) * math.sin(a))], ORANGE, 6)
    c.circle(x, y, r, YELLOW, ORANGE, 4)


def gull(c: Canvas, x, y, span=30):
    c.line([(x - span, y), (x - span / 2, y - span / 3), (x, y)], INK, 4)
    c.line([(x, y), (x + span / 2, y - span / 3), (x + span, y)], INK, 4)


def boat(c: Canvas, x, y, hull=(200, 60, 50), sail=WHITE, size=1.0):
    s = size
    c.polygon([(x - 60 * s, y), (x + 60 * s, y), (x + 40 * s, y + 28 * s), (x - 40 * s, y + 28 * s)], hull)
    c.line([(x, y), (x, y - 110 * s)], INK, 4)
    c.polygon([(x + 4 * s, y - 105 * s), (x + 4 * s, y - 12 * s), (x + 60 * s, y - 12 * s)], sail, INK, 2)


def house(c: Canvas, x, y, w, h, wall, roof=GREY_ROOF, windows=2):
    c.rect((x, y, x + w, y + h), wall, INK, 2)
    c.polygon([(x - 6, y), (x + w / 2, y - h * 0.55), (x + w + 6, y)], roof, INK, 2)
    for i in range(windows):
        wx = x + (i + 1) * w / (windows + 1) - 9
        c.rect((wx, y + h * 0.3, wx + 18, y + h * 0.3 + 24), (90, 140, 190), INK, 2)


def rose(c: Canvas, x, y, r=12, colour=(220, 60, 90)):
    c.circle(x, y, r, colour, (150, 30, 60), 2)
    c.circle(x, y, r * 0.45, (250, 150, 170))


# --- the pictures ----------------------------------------------------------------------------

def draw_cover(path: Path) -> None:
    """The Haute-Ville on its rock at sunset, with boats, gulls and islands on the horizon."""
    c = Canvas(SKY_EVENING)
    sun(c, 980, 170, 60)
    # islands of Chausey on the horizon
    for x, w in ((90, 70), (190, 40), (260, 90), (380, 30)):
        c.ellipse((x, 440, x + w, 470), GRANITE_DARK)
    waves(c, 455, SEA)
    # the rock and the old town
    c.polygon([(420, 800), (470, 520), (560, 470), (1000, 450), (1130, 520), (1200, 560), (1200, 800)],
              GRANITE, INK, 3)
    c.rect((520, 380, 1140, 470), (215, 200, 175), INK, 3)  # ramparts
    for x in range(520, 1140, 40):
        c.rect((x, 360, x + 22, 382), (215, 200, 175), INK, 2)
    for i, x in enumerate(range(560, 1000, 90)):
        house(c, x, 300 - (i % 2) * 20, 70, 80, (235, 225, 205) if i % 2 else (225, 210, 190))
    # church tower
    c.rect((1010, 190, 1080, 380), (190, 185, 175), INK, 3)
    c.polygon([(1000, 190), (1045, 110), (1090, 190)], GREY_ROOF, INK, 3)
    c.rect((1030, 240, 1060, 290), (70, 80, 100), INK, 2)
    boat(c, 250, 620, size=1.2)
    boat(c, 80, 560, hull=(40, 70, 140), sail=(250, 240, 200), size=0.7)
    gull(c, 330, 200)
    gull(c, 420, 150, 24)
    gull(c, 700, 120, 20)
    c.save(path)


def draw_tide_diagram(path: Path) -> None:
    """A beach seen from the side: high water, low water, the foreshore and the tidal range."""
    c = Canvas(SKY)
    sun(c, 110, 100, 40)
    # the sea at low water (solid), the level of high water (dashed line and light band)
    high, low = 250, 560
    c.rect((0, high, 1200, low), (170, 205, 230))  # the water that comes and goes
    c.polygon([(0, low), (1200, low), (1200, 800), (0, 800)], SEA)
    # the beach: a gentle slope from the dunes (right) down under the sea (left)
    beach = [(0, 700), (300, 640), (620, 560), (900, 400), (1100, 250), (1200, 220), (1200, 800), (0, 800)]
    c.polygon(beach, SAND, INK, 3)
    # the foreshore between the two levels: wet sand
    c.polygon([(620, 560), (900, 400), (1040, 290), (1096, 250), (1110, 275), (1050, 320), (910, 430),
               (660, 575)], SAND_WET)
    c.dashed((0, high), (1098, high), SEA_DEEP, 4)
    c.line([(0, low), (620, low)], WHITE, 4)
    c.text((30, high - 66), "Pleine mer", 46, SEA_DEEP, box=WHITE)
    c.text((30, low - 70), "Basse mer", 46, SEA_DEEP, box=WHITE)
    # tidal range
    c.arrow((520, low - 6), (520, high + 8), INK, 5)
    c.arrow((520, high + 8), (520, low - 6), INK, 5)
    c.text((545, 370), "Marnage : jusqu'à 14-15 m", 40, INK, box=WHITE)
    # foreshore label
    c.text((850, 600), "Estran", 48, INK, box=WHITE)
    c.arrow((860, 590), (830, 480), INK, 4)
    # a walker on the sand, and a shell
    c.circle(760, 470, 12, (240, 200, 170), INK, 2)
    c.line([(760, 482), (760, 520)], INK, 5)
    c.line([(760, 520), (748, 545)], INK, 5)
    c.line([(760, 520), (772, 545)], INK, 5)
    c.line([(760, 495), (780, 510)], INK, 5)
    gull(c, 300, 130)
    c.save(path)


def draw_moon_diagram(path: Path) -> None:
    """Spring tides (Sun, Earth and Moon in a line) and neap tides (at right angles)."""
    c = Canvas((20, 30, 60))
    rng = random.Random(42)
    for _ in range(60):
        c.circle(rng.uniform(0, WIDTH), rng.uniform(0, 40), rng.uniform(1, 3), (230, 230, 255))
        c.circle(rng.uniform(0, WIDTH), rng.uniform(600, 680), rng.uniform(1, 3), (230, 230, 255))
    c.rect((600, 40, 604, 760), (120, 130, 170))

    def panel(x0: float, title: str, moon_pos: tuple[float, float], bulge_horizontal: bool):
        c.text((x0 + 300, 60), title, 52, WHITE, anchor="ma")
        sun(c, x0 + 100, 400, 40)
        ex, ey = x0 + 320, 400
        if bulge_horizontal:
            c.ellipse((ex - 110, ey - 65, ex + 110, ey + 65), (90, 150, 220))
        else:
            c.ellipse((ex - 65, ey - 110, ex + 65, ey + 110), (90, 150, 220))
        c.circle(ex, ey, 55, (60, 150, 90), WHITE, 3)
        c.circle(moon_pos[0], moon_pos[1], 28, (225, 225, 225), WHITE, 2)
        c.text((x0 + 100, 480), "Soleil", 34, WHITE, anchor="ma")
        c.text((ex, ey + 130), "Terre", 34, WHITE, anchor="ma")
        c.text((moon_pos[0], moon_pos[1] + 40), "Lune", 34, WHITE, anchor="ma")

    panel(0, "Vives-eaux", (510, 400), True)
    panel(600, "Mortes-eaux", (920, 200), False)
    c.text((300, 700), "grandes marées", 42, YELLOW, anchor="ma")
    c.text((900, 700), "petites marées", 42, YELLOW, anchor="ma")
    c.save(path)


def draw_bay_map(path: Path) -> None:
    """A simple map of the bay (north at the top, distances roughly to scale, about 20 px per km):
    Granville on its point, the Chausey islands to the west, the Mont-Saint-Michel to the south."""
    c = Canvas(SEA_LIGHT)
    for i in range(10):
        for j in range(7):
            c.line([(i * 130 + 20, j * 120 + 40), (i * 130 + 45, j * 120 + 32), (i * 130 + 70, j * 120 + 40)],
                   (150, 200, 235), 3)
    # Normandy: the coast north of Granville, the point of Granville, the coast down to the bay
    normandy = [(690, 0), (1200, 0), (1200, 800), (1000, 800), (1000, 640), (960, 580), (800, 520), (740, 450),
                (720, 300), (700, 262), (640, 258), (640, 240), (700, 238), (695, 120)]
    c.polygon(normandy, (170, 205, 130), INK, 3)
    # Brittany: the southern shore of the bay, from the Mont towards Cancale
    brittany = [(1000, 800), (1000, 700), (820, 705), (600, 695), (470, 650), (340, 610), (300, 560), (0, 600),
                (0, 800)]
    c.polygon(brittany, (170, 205, 130), INK, 3)
    # the bay's sands at low tide
    c.polygon([(740, 450), (800, 520), (960, 580), (1000, 640), (1000, 700), (820, 705), (600, 695), (520, 660),
               (600, 590), (690, 520)], SAND)
    # Granville, its point and the harbour
    c.circle(680, 250, 11, RED, INK, 2)
    c.text((755, 215), "Granville", 44, INK, box=WHITE)
    # Chausey: many islets west of Granville
    rng = random.Random(7)
    for _ in range(34):
        x, y = rng.uniform(300, 440), rng.uniform(140, 205)
        r = rng.uniform(3, 10)
        c.ellipse((x - r * 1.4, y - r, x + r * 1.4, y + r), GRANITE_DARK, INK, 1)
    c.ellipse((345, 162, 395, 180), GRANITE_DARK, INK, 2)
    c.text((370, 60), "Îles Chausey", 44, INK, box=WHITE, anchor="ma")
    # the boat's route from the harbour to the Grande-Île
    c.dashed((665, 252), (400, 178), WHITE, 4)
    boat(c, 540, 232, size=0.4)
    # the Mont-Saint-Michel
    c.polygon([(795, 680), (808, 645), (815, 615), (822, 645), (835, 680)], GRANITE_DARK, INK, 2)
    c.text((815, 725), "Mont-Saint-Michel", 42, INK, box=WHITE, anchor="ma")
    # compass
    c.circle(1080, 110, 55, WHITE, INK, 3)
    c.polygon([(1080, 65), (1094, 110), (1080, 100), (1066, 110)], RED)
    c.polygon([(1080, 155), (1094, 110), (1080, 120), (1066, 110)], INK)
    c.text((1080, 175), "N", 30, INK, anchor="ma", box=WHITE)
    c.text((40, 420), "Manche", 46, SEA_DEEP, box=WHITE)
    c.save(path)


def draw_chausey_tides(path: Path) -> None:
    """Two views of the same islands: few at high tide; many rocks and sandbanks at low tide."""
    c = Canvas(SKY)
    rng = random.Random(3)
    islets = [(rng.uniform(70, 530), rng.uniform(240, 720), rng.uniform(12, 40)) for _ in range(22)]
    rocks = [(rng.uniform(40, 560), rng.uniform(210, 770), rng.uniform(4, 10)) for _ in range(70)]
    banks = [(rng.uniform(80, 520), rng.uniform(260, 700), rng.uniform(50, 110)) for _ in range(9)]

    # high tide: only the tops of the biggest islands stay above the sea
    c.rect((0, 170, 600, 800), SEA)
    c.text((300, 50), "Marée haute", 54, INK, anchor="ma", box=WHITE)
    for x, y, r in islets:
        if r > 24:
            r *= 0.75
            c.ellipse((x - r * 1.3, y - r * 0.7, x + r * 1.3, y + r * 0.7), GRANITE, INK, 2)
            c.ellipse((x - r * 0.8, y - r * 0.55, x + r * 0.6, y + r * 0.1), GRASS)
    boat(c, 150, 215, size=0.5)

    # low tide: sandbanks, every islet and many rocks appear
    c.rect((602, 170, 1200, 800), SEA)
    c.text((900, 50), "Marée basse", 54, INK, anchor="ma", box=WHITE)
    for x, y, r in banks:
        c.ellipse((x + 602 - r * 1.6, y - r * 0.6, x + 602 + r * 1.6, y + r * 0.6), SAND_WET)
    for x, y, r in rocks:
        c.ellipse((x + 602 - r * 1.3, y - r * 0.8, x + 602 + r * 1.3, y + r * 0.8), GRANITE_DARK, INK, 1)
    for x, y, r in islets:
        x += 602
        c.ellipse((x - r * 1.3, y - r * 0.7, x + r * 1.3, y + r * 0.7), GRANITE, INK, 2)
        if r > 24:
            c.ellipse((x - r * 0.6, y - r * 0.45, x + r * 0.45, y + r * 0.08), GRASS)
    c.rect((598, 0, 604, HEIGHT), INK)
    for x in (700, 760, 1040):
        gull(c, x, 130, 18)
    c.save(path)


def draw_haute_ville(path: Path) -> None:
    """The rock of the Haute-Ville with its ramparts, the great gate, houses and the church."""
    c = Canvas(SKY)
    sun(c, 1100, 100, 42)
    waves(c, 520, SEA)
    # the rock: steep granite sides falling into the sea
    c.polygon([(160, 800), (190, 600), (170, 470), (1030, 470), (1050, 600), (1080, 800)], GRANITE, INK, 3)
    for x in range(220, 1020, 100):
        c.line([(x, 520), (x + 40, 620)], GRANITE_DARK, 3)
        c.line([(x + 20, 660), (x + 60, 760)], GRANITE_DARK, 3)
    # ramparts with battlements
    c.rect((170, 340, 1030, 470), (220, 205, 180), INK, 3)
    for row in range(3):
        for x in range(170 + (row % 2) * 30, 970, 60):
            c.rect((x, 355 + row * 36, x + 60, 391 + row * 36), None, (180, 165, 140), 1)
    for x in range(170, 1030, 44):
        c.rect((x, 315, x + 26, 342), (220, 205, 180), INK, 2)
    # the great gate and its drawbridge
    c.rect((240, 260, 380, 470), (205, 190, 165), INK, 3)
    c.polygon([(240, 260), (310, 205), (380, 260)], GREY_ROOF, INK, 3)
    c.draw.pieslice(c._s((270, 340, 350, 420)), 180, 360, fill=(70, 60, 50))
    c.rect((270, 380, 350, 470), (70, 60, 50))
    c.polygon([(262, 470), (358, 470), (340, 520), (280, 520)], (150, 100, 60), INK, 2)
    c.line([(272, 340), (262, 470)], INK, 2)
    c.line([(348, 340), (358, 470)], INK, 2)
    c.line([(310, 205), (310, 145)], INK, 3)
    c.polygon([(310, 145), (360, 157), (310, 169)], (40, 90, 180))
    # granite houses
    for i, x in enumerate(range(420, 800, 95)):
        house(c, x, 240 - (i % 2) * 15, 80, 95, (200, 195, 190) if i % 2 else (225, 215, 200))
    # the church: a nave and a square tower
    c.rect((830, 220, 1000, 340), (185, 180, 170), INK, 3)
    c.polygon([(820, 220), (915, 170), (1010, 220)], GREY_ROOF, INK, 3)
    c.rect((940, 80, 1000, 220), (185, 180, 170), INK, 3)
    c.polygon([(930, 80), (970, 30), (1010, 80)], GREY_ROOF, INK, 3)
    c.draw.pieslice(c._s((950, 110, 990, 150)), 180, 360, fill=(70, 80, 100))
    c.rect((950, 130, 990, 155), (70, 80, 100))
    c.draw.pieslice(c._s((880, 250, 920, 290)), 180, 360, fill=(70, 80, 100))
    c.rect((880, 270, 920, 320), (70, 80, 100))
    boat(c, 80, 680, size=0.6)
    boat(c, 1140, 640, hull=(40, 70, 140), size=0.45)
    gull(c, 600, 110)
    gull(c, 680, 80, 20)
    c.save(path)


def draw_villa(path: Path) -> None:
    """A pink villa with grey details on top of a cliff, its rose garden and pergola, the sea below."""
    c = Canvas(SKY)
    waves(c, 300, SEA)
    boat(c, 170, 520, size=0.8)
    # the garden on the top of the cliff, and the cliff face above the sea
    c.polygon([(430, 300), (1200, 300), (1200, 800), (560, 800), (520, 620), (470, 450)], GRASS)
    c.polygon([(430, 300), (470, 450), (520, 620), (560, 800), (450, 800), (410, 620), (360, 450), (340, 320)],
              GRANITE_DARK, INK, 3)
    c.line([(430, 300), (470, 450), (520, 620), (560, 800)], GRASS_DARK, 8)
    # the villa
    x0, y0 = 700, 110
    c.rect((x0, y0 + 60, x0 + 420, y0 + 300), PINK, INK, 3)
    c.rect((x0, y0 + 270, x0 + 420, y0 + 300), (150, 150, 160), INK, 2)  # grey base
    c.polygon([(x0 - 20, y0 + 60), (x0 + 110, y0 - 40), (x0 + 310, y0 - 40), (x0 + 440, y0 + 60)], GREY_ROOF,
              INK, 3)
    c.rect((x0 + 160, y0 - 90, x0 + 200, y0 - 30), GREY_ROOF, INK, 3)  # chimney
    for wx in (x0 + 40, x0 + 150, x0 + 260, x0 + 350):
        for wy in (y0 + 90, y0 + 180):
            c.rect((wx, wy, wx + 45, wy + 60), (110, 150, 190), (120, 120, 130), 6)
    c.rect((x0 + 185, y0 + 210, x0 + 235, y0 + 300), (120, 120, 130), INK, 2)  # door
    # the pergola and its water mirror, near the edge of the cliff
    c.rect((520, 520, 720, 560), (160, 200, 230), INK, 2)
    for px in range(520, 730, 50):
        c.rect((px, 410, px + 10, 520), WHITE, INK, 1)
    c.rect((510, 400, 740, 414), WHITE, INK, 1)
    # roses
    for bx in range(640, 1180, 70):
        c.ellipse((bx - 34, 640, bx + 34, 700), GRASS_DARK)
        rose(c, bx - 10, 655, 10)
        rose(c, bx + 14, 668, 9, (245, 120, 150))
    for bx in range(800, 1180, 80):
        c.ellipse((bx - 30, 470, bx + 30, 520), GRASS_DARK)
        rose(c, bx, 485, 10, (250, 230, 240))
    # the path to the door
    c.polygon([(x0 + 190, y0 + 300), (x0 + 230, y0 + 300), (x0 + 300, 800), (x0 + 120, 800)], SAND)
    gull(c, 200, 120)
    gull(c, 300, 80, 20)
    c.save(path)


def draw_carnival(path: Path) -> None:
    """A carnival float: a giant king on a decorated cart, music notes and confetti everywhere."""
    c = Canvas((255, 245, 225))
    rng = random.Random(1875)
    colours = [RED, YELLOW, (60, 160, 230), (70, 190, 100), (200, 90, 200), ORANGE]
    # street and houses
    for i, x in enumerate(range(0, 1200, 200)):
        c.rect((x, 120 + (i % 2) * 30, x + 190, 560), [(250, 220, 200), (215, 230, 245), (235, 240, 210)][i % 3],
               INK, 2)
        c.polygon([(x - 5, 120 + (i % 2) * 30), (x + 95, 60 + (i % 2) * 30), (x + 195, 120 + (i % 2) * 30)],
                  GREY_ROOF, INK, 2)
    c.rect((0, 560, 1200, 800), (185, 185, 190))
    # garlands
    for x in range(0, 1200, 60):
        c.line([(x, 150), (x + 30, 175), (x + 60, 150)], colours[(x // 60) % len(colours)], 5)
    # the float
    c.rect((280, 470, 960, 610), (60, 120, 200), INK, 3, radius=20)
    for x in range(300, 950, 60):
        c.polygon([(x, 470), (x + 30, 440), (x + 60, 470)], colours[(x // 60) % len(colours)], INK, 2)
    for wx in (360, 880):
        c.circle(wx, 630, 42, INK)
        c.circle(wx, 630, 18, GRANITE)
    # the king: a big smiling figure with a crown
    kx = 620
    c.polygon([(kx - 140, 470), (kx - 100, 250), (kx + 100, 250), (kx + 140, 470)], RED, INK, 3)
    c.rect((kx - 20, 260, kx + 20, 470), YELLOW, INK, 2)
    c.circle(kx, 190, 85, (250, 215, 180), INK, 3)
    c.polygon([(kx - 80, 120), (kx - 80, 60), (kx - 40, 95), (kx, 45), (kx + 40, 95), (kx + 80, 60), (kx + 80, 120)],
              YELLOW, INK, 3)
    for gx in (-40, 0, 40):
        c.circle(kx + gx, 95 if gx else 80, 8, RED)
    c.circle(kx - 30, 180, 9, INK)
    c.circle(kx + 30, 180, 9, INK)
    c.draw.arc(c._s((kx - 40, 180, kx + 40, 240)), 20, 160, fill=INK, width=5 * SCALE)
    c.circle(kx, 205, 12, (230, 120, 110))
    c.line([(kx - 110, 300), (kx - 190, 230)], INK, 10)  # waving arm
    c.circle(kx - 195, 225, 16, (250, 215, 180), INK, 2)
    # people with masks
    for px, colour in ((110, (200, 90, 200)), (1080, (70, 190, 100)), (1150, ORANGE)):
        c.circle(px, 600, 26, (250, 215, 180), INK, 2)
        c.rect((px - 26, 590, px + 26, 604), colour)
        c.polygon([(px - 30, 630), (px + 30, 630), (px + 40, 760), (px - 40, 760)], colour, INK, 2)
    # confetti
    for _ in range(420):
        x, y = rng.uniform(0, WIDTH), rng.uniform(0, HEIGHT)
        r = rng.uniform(3, 7)
        c.circle(x, y, r, rng.choice(colours))
    c.save(path, colours=128)


def draw_bell_and_pans(path: Path) -> None:
    """A bronze bell hanging in its frame, copper pans and a hammer on the workbench."""
    c = Canvas((250, 240, 225))
    c.rect((0, 560, 1200, 800), (150, 105, 70))  # workbench
    c.rect((0, 560, 1200, 580), (120, 80, 50))
    # frame
    c.rect((120, 60, 600, 90), (110, 75, 45), INK, 3)
    c.rect((140, 90, 170, 560), (110, 75, 45), INK, 3)
    c.rect((550, 90, 580, 560), (110, 75, 45), INK, 3)
    # the bell
    bx = 360
    c.rect((bx - 25, 90, bx + 25, 140), BRONZE_DARK, INK, 3)
    outline = [(bx - 70, 150), (bx + 70, 150), (bx + 95, 220), (bx + 110, 360), (bx + 170, 450), (bx - 170, 450),
               (bx - 110, 360), (bx - 95, 220)]
    c.polygon(outline, BRONZE, INK, 4)
    c.ellipse((bx - 80, 120, bx + 80, 180), BRONZE, INK, 4)
    c.polygon([(bx - 60, 170), (bx - 30, 170), (bx - 55, 420), (bx - 100, 420)], (210, 175, 100))  # shine
    c.line([(bx - 150, 410), (bx + 150, 410)], BRONZE_DARK, 4)
    c.line([(bx - 120, 380), (bx + 120, 380)], BRONZE_DARK, 3)
    c.ellipse((bx - 170, 430, bx + 170, 470), BRONZE_DARK, INK, 3)
    c.circle(bx, 470, 24, BRONZE_DARK, INK, 3)  # clapper
    # sound waves
    for r in (40, 70, 100):
        c.draw.arc(c._s((bx + 140 - r, 260 - r, bx + 140 + r, 260 + r)), -50, 50, fill=ORANGE, width=5 * SCALE)
        c.draw.arc(c._s((bx - 140 - r, 260 - r, bx - 140 + r, 260 + r)), 130, 230, fill=ORANGE, width=5 * SCALE)
    # copper pans hanging on the wall
    for i, (px, py, r) in enumerate(((760, 170, 70), (930, 190, 55), (1080, 160, 45))):
        c.line([(px, 60), (px, py - r - 60)], INK, 3)
        c.rect((px - 10, py - r - 70, px + 10, py - r + 5), COPPER_DARK, INK, 2)  # handle
        c.circle(px, py, r, COPPER, INK, 3)
        c.circle(px, py, r * 0.72, COPPER_LIGHT)
        c.circle(px - r * 0.3, py - r * 0.3, r * 0.18, (250, 210, 170))
        if i == 0:
            c.circle(px, py, r * 0.72, None, COPPER_DARK, 2)
    # a copper pot and a pan on the bench
    c.polygon([(700, 420), (900, 420), (880, 560), (720, 560)], COPPER, INK, 3)
    c.ellipse((700, 405, 900, 440), COPPER_LIGHT, INK, 3)
    c.polygon([(730, 450), (760, 450), (750, 545), (735, 545)], (240, 185, 140))
    c.draw.arc(c._s((670, 430, 720, 490)), 90, 270, fill=COPPER_DARK, width=8 * SCALE)
    c.draw.arc(c._s((880, 430, 930, 490)), 270, 90, fill=COPPER_DARK, width=8 * SCALE)
    c.ellipse((940, 520, 1120, 575), COPPER, INK, 3)
    c.rect((1110, 538, 1190, 552), COPPER_DARK, INK, 2)
    # hammer
    c.rect((980, 620, 1160, 640), (150, 110, 70), INK, 2)
    c.rect((960, 600, 1000, 662), GRANITE_DARK, INK, 2)
    c.save(path)


def draw_welcome(path: Path) -> None:
    """A resident shows the way to a visitor, beside a signpost, by the sea."""
    c = Canvas(SKY)
    sun(c, 1090, 100, 45)
    waves(c, 420, SEA, bottom=560)
    c.rect((0, 540, 1200, 800), SAND)
    c.polygon([(0, 540), (1200, 540), (1200, 560), (0, 560)], SAND_WET)
    # the signpost
    c.rect((585, 200, 615, 720), (130, 90, 55), INK, 3)
    signs = (("Haute-Ville", 240, True, (45, 100, 180)), ("Chausey", 320, False, (25, 110, 95)),
             ("GR 223", 400, True, RED))
    for words, y, right, colour in signs:
        if right:
            c.polygon([(600, y), (860, y), (900, y + 30), (860, y + 60), (600, y + 60)], colour, INK, 3)
            c.text((740, y + 30), words, 36, WHITE, anchor="mm")
        else:
            c.polygon([(600, y), (340, y), (300, y + 30), (340, y + 60), (600, y + 60)], colour, INK, 3)
            c.text((460, y + 30), words, 36, WHITE, anchor="mm")
    # the resident (ambassador badge) pointing the way
    rx = 400
    c.circle(rx, 520, 40, (240, 200, 170), INK, 3)
    c.polygon([(rx - 35, 495), (rx + 35, 495), (rx + 20, 478), (rx - 20, 478)], (120, 70, 40))  # hair
    c.polygon([(rx - 50, 565), (rx + 50, 565), (rx + 60, 720), (rx - 60, 720)], (60, 120, 200), INK, 3)
    c.circle(rx + 22, 600, 14, YELLOW, INK, 2)  # badge
    c.line([(rx + 45, 585), (rx + 150, 545)], INK, 12)
    c.circle(rx + 155, 543, 12, (240, 200, 170), INK, 2)
    c.circle(rx - 14, 515, 5, INK)
    c.circle(rx + 14, 515, 5, INK)
    c.draw.arc(c._s((rx - 18, 520, rx + 18, 545)), 20, 160, fill=INK, width=4 * SCALE)
    # the visitor with a backpack and a map
    vx = 820
    c.rect((vx + 30, 575, vx + 80, 680), (220, 120, 50), INK, 3)  # backpack
    c.circle(vx, 520, 40, (200, 150, 110), INK, 3)
    c.polygon([(vx - 45, 485), (vx + 45, 485), (vx + 55, 505), (vx - 55, 505)], (250, 220, 80), INK, 2)  # hat
    c.polygon([(vx - 50, 565), (vx + 50, 565), (vx + 60, 720), (vx - 60, 720)], (70, 170, 100), INK, 3)
    c.rect((vx - 110, 600, vx - 30, 660), WHITE, INK, 2)  # map
    c.line([(vx - 100, 615), (vx - 40, 645)], (60, 120, 200), 3)
    c.circle(vx - 14, 515, 5, INK)
    c.circle(vx + 14, 515, 5, INK)
    c.draw.arc(c._s((vx - 18, 520, vx + 18, 545)), 20, 160, fill=INK, width=4 * SCALE)
    # a tide clock
    c.circle(160, 250, 90, WHITE, INK, 4)
    c.text((160, 190), "PM", 36, SEA_DEEP, anchor="mm")
    c.text((160, 310), "BM", 36, SEA_DEEP, anchor="mm")
    c.arrow((160, 250), (215, 200), INK, 6, 20)
    c.circle(160, 250, 8, INK)
    boat(c, 1000, 470, size=0.6)
    gull(c, 300, 120)
    c.save(path)


PICTURES = {
    "cover.png": draw_cover,
    "01-les-marees/maree.png": draw_tide_diagram,
    "01-les-marees/lune-soleil.png": draw_moon_diagram,
    "02-les-iles-chausey/carte-baie.png": draw_bay_map,
    "02-les-iles-chausey/chausey-marees.png": draw_chausey_tides,
    "03-la-haute-ville/haute-ville.png": draw_haute_ville,
    "04-christian-dior/villa-les-rhumbs.png": draw_villa,
    "05-le-carnaval/char-carnaval.png": draw_carnival,
    "06-villedieu-les-poeles/cloche-et-cuivre.png": draw_bell_and_pans,
    "07-accueillir-un-visiteur/accueil.png": draw_welcome,
}


def main() -> None:
    for name, drawer in PICTURES.items():
        drawer(COURSE / name)


if __name__ == "__main__":
    main()
