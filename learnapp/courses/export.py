"""A course back to the file format (docs/content-format.md): a zip for staff, a folder from the CLI.

The export holds each lesson's *current* text per age group (history stays in the database),
with stored images written beside the texts that use them and ``media:<sha256>.<ext>``
references turned back into those file names, so ``learnapp content load`` reads it back into
the same course, lessons, texts and images.
"""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import click
import yaml
from sqlalchemy import select

from learnapp.core import markdown
from learnapp.courses import lesson_versions, loader
from learnapp.courses.models import Course, Lesson
from learnapp.extensions import db
from learnapp.media.models import MediaAsset

# A fixed date inside the zip: the same course gives the same archive.
ZIP_DATE = (2020, 1, 1, 0, 0, 0)


@dataclass
class Export:
    """The files of one course, by path relative to the content root (``<slug>/…``)."""

    slug: str
    files: dict[str, bytes] = field(default_factory=dict)
    # media references whose image is not stored (left as they are; the loader will say so)
    missing_images: list[str] = field(default_factory=list)


class _Names:
    """File names for images in one folder: the name given at upload, made safe and unique."""

    def __init__(self, reserved: set[str] | None = None):
        self.used: set[str] = set(reserved or ())
        self.by_asset: dict[int, str] = {}

    def name(self, asset: MediaAsset, fallback: str) -> str:
        if asset.id in self.by_asset:
            return self.by_asset[asset.id]
        stem = Path(asset.filename or "").stem
        stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-._")[:60] or fallback
        extension = asset.extension if asset.extension in ("png", "jpg", "gif", "webp") else "png"
        candidate, counter = f"{stem}.{extension}", 2
        while candidate.lower() in self.used or not loader.IMAGE_NAME.fullmatch(candidate):
            if not loader.IMAGE_NAME.fullmatch(candidate):
                stem = fallback
            candidate = f"{stem}-{counter}.{extension}"
            counter += 1
        self.used.add(candidate.lower())
        self.by_asset[asset.id] = candidate
        return candidate


class _Dumper(yaml.SafeDumper):
    """YAML as people write it in docs/content-format.md: lists indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)

    def choose_scalar_style(self):
        # "l'archipel" rather than 'l''archipel' when a sentence must be quoted.
        style = super().choose_scalar_style()
        return '"' if style == "'" else style


def _yaml(data: dict) -> str:
    # No line folding: one sentence stays on one line, so exports diff cleanly against the files.
    return yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=10_000,
                     default_flow_style=False)


def _assets(shas: set[str]) -> dict[str, MediaAsset]:
    if not shas:
        return {}
    return {asset.sha256: asset for asset in db.session.scalars(select(MediaAsset).where(MediaAsset.sha256.in_(shas)))}


def export_course(course: Course) -> Export:
    """Every file of ``course`` in the content format."""
    result = Export(slug=course.slug)
    root = course.slug

    metadata: dict = {"title": course.title}
    if course.summary:
        metadata["summary"] = course.summary
    cover = db.session.get(MediaAsset, course.cover_asset_id) if course.cover_asset_id else None
    if cover is not None:
        cover_name = _Names({loader.COURSE_FILE}).name(cover, "cover")
        metadata["cover"] = {"image": cover_name, "alt": course.cover_alt or course.title}
        result.files[f"{root}/{cover_name}"] = cover.data
    metadata["order"] = course.position
    metadata["audiences"] = list(course.audiences or [])
    metadata["published"] = bool(course.published)
    if course.credits:
        metadata["credits"] = list(course.credits)
    result.files[f"{root}/{loader.COURSE_FILE}"] = _yaml(metadata).encode("utf-8")

    lessons = list(db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position, Lesson.id)))
    texts = lesson_versions.current_versions_by_lesson([lesson.id for lesson in lessons])
    for number, lesson in zip(_folder_numbers(lessons), lessons, strict=True):
        versions = texts.get(lesson.id, {})
        if not versions:
            continue  # a lesson without any text yet is not a valid lesson folder
        folder = f"{root}/{number:02d}-{lesson.slug}"
        sources = {audience: markdown.image_sources(version.body_markdown) for audience, version in versions.items()}
        refs = {source.src for found in sources.values() for source in found if markdown.parse_media_ref(source.src)}
        assets = _assets({markdown.parse_media_ref(ref)[0] for ref in refs})
        names = _Names({f"{audience}.md" for audience in versions})
        replacements: dict[str, str] = {}
        for ref in sorted(refs):
            asset = assets.get(markdown.parse_media_ref(ref)[0])
            if asset is None:
                result.missing_images.append(f"{folder}: {ref}")
                continue
            replacements[ref] = names.name(asset, "image")
            result.files[f"{folder}/{replacements[ref]}"] = asset.data
        for audience, version in versions.items():
            front: dict = {"title": version.title, "minutes": version.minutes}
            if version.objectives:
                front["objectives"] = list(version.objectives)
            if version.key_facts:
                front["key_facts"] = list(version.key_facts)
            body = markdown.replace_image_sources(version.body_markdown, replacements)
            text = f"---\n{_yaml(front)}---\n{body.strip(chr(10))}\n"
            result.files[f"{folder}/{audience}.md"] = text.encode("utf-8")
    return result


def _folder_numbers(lessons: list[Lesson]) -> list[int]:
    """Lesson folders are NN-slug with a unique NN: keep the positions when they fit, else renumber."""
    positions = [lesson.position for lesson in lessons]
    if len(set(positions)) == len(positions) and all(1 <= position <= 99 for position in positions):
        return positions
    return list(range(1, len(lessons) + 1))


def course_zip(course: Course) -> io.BytesIO:
    """The export as a zip archive (folder ``<slug>/`` inside), ready to send."""
    export = export_course(course)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(export.files):
            info = zipfile.ZipInfo(path, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED if path.endswith((".png", ".jpg")) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, export.files[path])
    buffer.seek(0)
    return buffer


def write_export(export: Export, destination: Path) -> Path:
    """Write the files under ``destination`` (the content root); returns the course folder."""
    for relative, data in sorted(export.files.items()):
        path = destination / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return destination / export.slug


class ExportRefused(click.ClickException):
    pass


def prepare_folder(folder: Path, *, overwrite: bool) -> None:
    """Refuse to mix an export with other files; replace an earlier export only when asked."""
    if not folder.exists():
        return
    if not folder.is_dir():
        raise ExportRefused(f"{folder} existe et n'est pas un dossier.")
    if not any(folder.iterdir()):
        return
    if not overwrite:
        raise ExportRefused(f"{folder} existe déjà : choisissez un autre dossier, ou ajoutez --overwrite "
                            "pour le remplacer.")
    if not (folder / loader.COURSE_FILE).is_file():
        raise ExportRefused(f"{folder} ne contient pas de {loader.COURSE_FILE} : ce n'est pas un dossier de cours, "
                            "il n'est pas remplacé.")
    shutil.rmtree(folder)
