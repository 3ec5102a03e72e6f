"""Cleaning a photo someone uploads (a portrait, a card's photo): Pillow, bytes in, bytes out.

``clean_photo(raw)`` accepts JPEG, PNG and WebP up to 5 MB and 40 megapixels, decodes it
(the size is read from the header before any pixel is decoded: a 60-megapixel "bomb" is
refused without being expanded), turns it upright from its EXIF orientation, optionally crops
it to an aspect ratio (a portrait: ``aspect=(3, 4)``), scales it down, and re-encodes it as JPEG:
only pixels we decoded ourselves are ever served back, with no metadata (EXIF, GPS, comments).

Anything else raises :class:`PhotoError` whose ``code`` the caller turns into a message:
``missing``, ``too_large``, ``not_image``, ``wrong_format``, ``too_many_pixels``, ``too_small``.
:data:`MESSAGES` holds French message ids for them (translate with ``_``/``gettext``).
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from learnapp.core.messages import N_

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 40_000_000
MIN_SIDE = 64
FORMATS = {"JPEG", "PNG", "WEBP"}
MIME_TYPE = "image/jpeg"

MESSAGES = {
    "missing": N_("Choisissez une photo."),
    "too_large": N_("La photo dépasse 5 Mo : choisissez-en une plus légère."),
    "not_image": N_("Ce fichier n'est pas une image lisible : envoyez une photo JPEG, PNG ou WebP."),
    "wrong_format": N_("Seules les photos JPEG, PNG ou WebP sont acceptées."),
    "too_many_pixels": N_("La photo est trop grande (plus de 40 millions de pixels) : réduisez-la."),
    "too_small": N_("La photo est trop petite (64 pixels de côté au moins)."),
}


class PhotoError(ValueError):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code

    @property
    def message_id(self) -> str:
        return MESSAGES[self.code]


@dataclass(frozen=True)
class CleanPhoto:
    data: bytes
    mime_type: str
    width: int
    height: int
    sha256: str


def _crop_to(image: Image.Image, aspect: tuple[int, int]) -> Image.Image:
    """The centred crop of ``image`` with ``aspect`` (width, height)."""
    want_w, want_h = aspect
    width, height = image.size
    if width * want_h > height * want_w:  # too wide: cut the sides
        new_w = max(1, height * want_w // want_h)
        left = (width - new_w) // 2
        return image.crop((left, 0, left + new_w, height))
    new_h = max(1, width * want_h // want_w)
    top = (height - new_h) // 4  # keep more of the top: faces are there
    return image.crop((0, top, width, top + new_h))


def clean_photo(raw: bytes | None, *, aspect: tuple[int, int] | None = None, max_side: int = 1200,
                quality: int = 85) -> CleanPhoto:
    """Check, decode, straighten, crop to ``aspect`` (if given), scale down, re-encode as JPEG."""
    if not raw:
        raise PhotoError("missing")
    if len(raw) > MAX_BYTES:
        raise PhotoError("too_large")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(raw))
            if probe.format not in FORMATS:
                raise PhotoError("wrong_format")
            if probe.width * probe.height > MAX_PIXELS:
                raise PhotoError("too_many_pixels")
            probe.verify()
            image = Image.open(io.BytesIO(raw))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError("too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        if isinstance(error, PhotoError):
            raise
        raise PhotoError("not_image") from error
    if min(image.size) < MIN_SIDE:
        raise PhotoError("too_small")
    image = ImageOps.exif_transpose(image)
    if image.mode not in ("RGB", "L"):
        # Transparent parts become white (a card and a page are white), not black.
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    image = image.convert("RGB")
    if aspect:
        image = _crop_to(image, aspect)
    image.thumbnail((max_side, max_side))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=quality, optimize=True)  # no exif= argument: none written
    data = out.getvalue()
    return CleanPhoto(data, MIME_TYPE, image.width, image.height, hashlib.sha256(data).hexdigest())
