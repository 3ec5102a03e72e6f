from __future__ import annotations

from sqlalchemy import Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from learnapp.db import TimestampMixin
from learnapp.extensions import db


class MediaAsset(TimestampMixin, db.Model):
    """An image, checked and re-encoded on the way in; its URL is its SHA-256 (immutable)."""

    __tablename__ = "media_asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    filename: Mapped[str] = mapped_column(String(200))  # the name it was given, for export
    mime_type: Mapped[str] = mapped_column(String(50))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)

    @property
    def extension(self) -> str:
        return {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp",
                "image/svg+xml": "svg"}.get(self.mime_type, "bin")
