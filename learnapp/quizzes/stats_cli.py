"""`learnapp quizzes rebuild-stats [--course SLUG]`: recompute the kept statistics from the raw rows."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learnapp.extensions import db
from learnapp.quizzes.gift_cli import quizzes


@quizzes.command("rebuild-stats", help="Recompute the quiz statistics' kept sums and counts from every submitted "
                                        "attempt (after attempts were imported or deleted). Safe to run again; "
                                        "gradings wait while it runs.")
@click.option("--course", "course_slug", default=None, help="Only this course (its slug).")
@with_appcontext
def rebuild_stats(course_slug: str | None):
    from learnapp.courses.models import Course
    from learnapp.quizzes import tallies

    course_ids = None
    if course_slug is not None:
        course_id = db.session.scalar(select(Course.id).where(Course.slug == course_slug))
        if course_id is None:
            raise click.ClickException(f"no course {course_slug!r}")
        course_ids = [course_id]
    db.session.rollback()  # the rebuild's first statement must be its first write (SQLite's lock)
    started = time.perf_counter()
    report = tallies.rebuild(course_ids)
    db.session.commit()
    click.echo(f"Quiz statistics rebuilt: {report.courses} courses, {report.attempts} attempts, "
               f"{report.versions} question versions ({time.perf_counter() - started:.1f} s).")
