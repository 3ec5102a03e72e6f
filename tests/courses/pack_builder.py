"""Small content packs written into a temporary folder, for the loader and import tests."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

AUDIENCES = ("child", "teen", "adult")


def png(color=(11, 92, 122), size=(48, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


def lesson_text(*, title: str = "La mer qui monte", minutes: int | str = 5, objectives=("Expliquer la marée.",),
                key_facts=("La mer monte deux fois par jour.",), body: str | None = None,
                image: str | None = "maree.png") -> str:
    lines = ["---", f"title: {title}", f"minutes: {minutes}"]
    if objectives:
        lines += ["objectives:", *[f"  - {item}" for item in objectives]]
    if key_facts:
        lines += ["key_facts:", *[f"  - {item}" for item in key_facts]]
    lines.append("---")
    if body is None:
        body = "La mer monte et descend. C'est la **marée**.\n"
        if image:
            body += f'\n![Dessin de la plage à marée basse]({image} "La plage à marée basse")\n'
        body += "\n::: savais-tu\nLa Lune tire sur la mer.\n:::\n"
    return "\n".join(lines) + "\n" + body


def course_yml(*, title: str = "Granville Terre et Mer", order: int = 1, audiences=AUDIENCES,
               cover: str | None = "cover.png", extra: str = "") -> str:
    text = f"title: {title}\nsummary: Les marées et les îles.\norder: {order}\naudiences: [{', '.join(audiences)}]\n"
    if cover:
        text += f"cover:\n  image: {cover}\n  alt: La Haute-Ville sur son rocher.\n"
    return text + extra


def make_course(parent: Path, slug: str = "granville", *, lessons=("les-marees", "chausey"),
                audiences=AUDIENCES, order: int = 1) -> Path:
    """A valid course: course.yml, a cover, and each lesson with one text per audience."""
    folder = parent / slug
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(course_yml(order=order, audiences=audiences), encoding="utf-8")
    (folder / "cover.png").write_bytes(png((200, 180, 120)))
    for number, lesson in enumerate(lessons, start=1):
        lesson_folder = folder / f"{number:02d}-{lesson}"
        lesson_folder.mkdir()
        (lesson_folder / "maree.png").write_bytes(png((20, 40 * number % 255, 90)))
        for audience in audiences:
            (lesson_folder / f"{audience}.md").write_text(
                lesson_text(title=f"{lesson} pour {audience}"), encoding="utf-8")
    return folder
