"""A course's question bank as GIFT files (shared by ``learnapp quizzes export-gift`` and the staff
download): the questions in service, latest version each (one tier's when asked), through
``gift_export``; the pictures they show in a zip beside the text. Reads only."""

from __future__ import annotations

import io
import zipfile

from sqlalchemy import func, select

from learnapp.extensions import db
from learnapp.media.models import MediaAsset
from learnapp.quizzes import gift_export
from learnapp.quizzes.models import Question, QuestionVersion


def bank_questions(course, tier: int | None = None) -> list[gift_export.ExportQuestion]:
    """The course's questions in service, by key, each at its latest version."""
    latest = (select(QuestionVersion.question_id, func.max(QuestionVersion.number).label("number"))
              .group_by(QuestionVersion.question_id).subquery())
    rows = db.session.execute(
        select(Question.key, QuestionVersion)
        .join(latest, latest.c.question_id == Question.id)
        .join(QuestionVersion, (QuestionVersion.question_id == Question.id)
              & (QuestionVersion.number == latest.c.number))
        .where(Question.course_id == course.id, Question.retired.is_(False))
        .order_by(Question.key)).all()
    return [gift_export.ExportQuestion(key, version.type, version.prompt_markdown,
                                       version.explanation_markdown or "", version.definition or {})
            for key, version in rows if tier is None or tier in (version.tiers or [])]


def export_course(course, tier: int | None = None) -> gift_export.ExportResult:
    heading = f"{course.title} ({course.slug})" + (f", niveau {tier}" if tier is not None else "")
    return gift_export.export_gift(bank_questions(course, tier), heading=heading)


def images_zip(names: list[str]) -> bytes:
    """The pictures the GIFT text names, as ``images/<sha256>.<ext>`` in a zip."""
    wanted = {name.split(".")[0]: name for name in names}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        if wanted:
            for asset in db.session.scalars(select(MediaAsset).where(MediaAsset.sha256.in_(list(wanted)))):
                archive.writestr(f"images/{wanted[asset.sha256]}", asset.data)
    return buffer.getvalue()


def bundle(result: gift_export.ExportResult, gift_name: str) -> bytes:
    """The GIFT text and its pictures in one zip (the staff download, when there are pictures)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(gift_name, result.text)
        with zipfile.ZipFile(io.BytesIO(images_zip(result.images))) as images:
            for name in images.namelist():
                archive.writestr(name, images.read(name))
    return buffer.getvalue()
