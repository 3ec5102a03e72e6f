from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from learnapp.extensions import db
from learnapp.media.images import clean_image
from learnapp.media.models import MediaAsset


def store_image(raw: bytes, filename: str, now: datetime) -> MediaAsset:
    """Clean and store an image once (same pixels → same asset). Raises ImageError."""
    clean = clean_image(raw)
    existing = db.session.scalar(select(MediaAsset).where(MediaAsset.sha256 == clean.sha256))
    if existing is not None:
        return existing
    asset = MediaAsset(sha256=clean.sha256, filename=filename[:200], mime_type=clean.mime_type,
                       width=clean.width, height=clean.height, data=clean.data, created_at=now)
    db.session.add(asset)
    db.session.flush()
    return asset


def url_path(asset: MediaAsset) -> str:
    return f"/media/{asset.sha256}.{asset.extension}"
