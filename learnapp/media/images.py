"""Checking and re-encoding images (Pillow). Plain Python: bytes in, bytes out."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_BYTES = 5 * 1024 * 1024
MAX_PIXELS = 4000 * 4000
MAX_SIDE = 1600  # larger images are scaled down: phones, poor networks


class ImageError(ValueError):
    """``code``: missing | not_image | too_large | too_many_pixels."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    mime_type: str
    width: int
    height: int
    sha256: str


def clean_image(raw: bytes) -> CleanImage:
    """Decode, strip metadata (EXIF, GPS), scale down and re-encode as PNG or JPEG.

    Re-encoding means only pixels we decoded ourselves are ever served back.
    """
    if len(raw) > MAX_BYTES:
        raise ImageError("too_large")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.width * probe.height > MAX_PIXELS:
                raise ImageError("too_many_pixels")
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except Image.DecompressionBombError as error:  # Pillow's own limit, far above ours: say why
        raise ImageError("too_many_pixels") from error
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise ImageError("not_image") from error
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    has_alpha = image.mode in ("RGBA", "LA", "P") and (
        image.mode != "P" or "transparency" in image.info)
    out = io.BytesIO()
    if has_alpha or image.format == "PNG" or image.mode in ("P", "L", "1"):
        image = image.convert("RGBA" if has_alpha else "RGB")
        image.save(out, format="PNG", optimize=True)
        mime = "image/png"
    else:
        image.convert("RGB").save(out, format="JPEG", quality=85, optimize=True)
        mime = "image/jpeg"
    data = out.getvalue()
    return CleanImage(data=data, mime_type=mime, width=image.width, height=image.height,
                      sha256=hashlib.sha256(data).hexdigest())


def load_image_file(path: Path) -> tuple[bytes, CleanImage]:
    """Read an image file from a content pack and check it (ImageError "missing" if unreadable)."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ImageError("missing") from error
    return raw, clean_image(raw)
