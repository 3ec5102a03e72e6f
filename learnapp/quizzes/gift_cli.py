"""`learnapp quizzes import-gift FILE --course SLUG --tier N [--audience …] [--dry-run]`."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learnapp.core import age_groups
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.quizzes import gift, gift_import


@click.group(help="Quizzes: question banks and imports.")
def quizzes():
    pass


def describe(problem: gift.GiftProblem) -> str:
    kind = "refusée" if problem.refused else "note"
    excerpt = f"  « {problem.excerpt} »" if problem.excerpt else ""
    return f"  ligne {problem.line} [{kind}] {problem.message}{excerpt}"


@quizzes.command("import-gift", help="Import a Moodle GIFT file into a course's question bank. Every "
                                     "question is either taken or reported with its line and why.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "course_slug", required=True, help="The course's slug.")
@click.option("--tier", type=int, required=True, help="The tier number the questions serve.")
@click.option("--audience", "audiences", multiple=True, type=click.Choice(age_groups.ALL),
              help="Age group the questions serve; may be given several times (default: adult).")
@click.option("--lesson", default=None, help="Slug of the lesson the questions check (optional).")
@click.option("--dry-run", is_flag=True, help="Read and check only: nothing is written.")
@with_appcontext
def import_gift(file: Path, course_slug: str, tier: int, audiences: tuple[str, ...], lesson: str | None,
                dry_run: bool):
    from learnapp.courses.models import Course

    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    audiences = tuple(dict.fromkeys(audiences or gift_import.DEFAULT_AUDIENCES))
    try:
        gift_import.check_setup(course, tier, audiences)
    except gift_import.ImportSetupError as error:
        known = ", ".join(map(str, gift_import.tier_numbers(course))) or "none"
        raise click.ClickException(f"course {course_slug!r} has no tier {tier} (tiers: {known})") from error
    size = file.stat().st_size
    if size > gift.MAX_BYTES:
        raise click.ClickException(gift.GiftFileError("too_large", size=size, max=gift.MAX_BYTES).message)
    try:
        result = gift_import.read(file.read_bytes(), tier=tier, audiences=audiences, lesson=lesson,
                                  filename=file.name)
    except gift.GiftFileError as error:
        raise click.ClickException(error.message) from error
    result = gift_import.check(result, course=course)

    click.echo(f"{file}: {result.blocks} questions read, {len(result.questions)} taken, "
               f"{len(result.refused)} refused, {len(result.notes)} notes")
    for problem in result.problems:
        click.echo(describe(problem))
    if dry_run:
        click.echo("dry run: nothing written")
        return
    outcome = gift_import.store(course, result, author=None, now=utcnow())
    db.session.commit()
    click.echo(f"imported into {course_slug}, tier {tier} ({', '.join(audiences)}): "
               f"{len(outcome.created)} new, {len(outcome.updated)} changed, {len(outcome.unchanged)} unchanged")


@quizzes.command("export-gift", help="Write a course's question bank as a Moodle GIFT file (pictures in a zip "
                                     "beside it). Questions GIFT cannot express are listed with the reason.")
@click.option("--course", "course_slug", required=True, help="The course's slug.")
@click.option("--tier", type=int, default=None, help="Only the questions of this tier.")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export_gift(course_slug: str, tier: int | None, file: Path):
    from learnapp.courses.models import Course
    from learnapp.quizzes import gift_export_files

    course = db.session.scalar(select(Course).where(Course.slug == course_slug))
    if course is None:
        raise click.ClickException(f"no course {course_slug!r}")
    if tier is not None and tier not in gift_import.tier_numbers(course):
        known = ", ".join(map(str, gift_import.tier_numbers(course))) or "none"
        raise click.ClickException(f"course {course_slug!r} has no tier {tier} (tiers: {known})")
    result = gift_export_files.export_course(course, tier)
    file.write_text(result.text, encoding="utf-8")
    click.echo(f"{file}: {len(result.written)} questions written, {len(result.skipped)} skipped")
    if result.images:
        images = file.with_name(f"{file.stem}-images.zip")
        images.write_bytes(gift_export_files.images_zip(result.images))
        click.echo(f"{images}: {len(result.images)} pictures")
    for problem in result.problems:
        kind = "non exportée" if problem.skipped else "note"
        click.echo(f"  {problem.key} [{kind}] {problem.message}")
