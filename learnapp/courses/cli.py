"""`learnapp content …`: load the content packs (courses/, quizzes/, …).

``learnapp content load [PATH]`` runs every loader registered in ``learnapp.core.content_packs``
(each domain registers its own from its ``init_app``): all packs are checked first, then all are
imported in one transaction, or nothing is written and every problem is printed as
``path:line: message``.

Messages are in the command line's language: French, or English with ``learnapp --lang en``
(``learnapp.core.messages``).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from learnapp.core import content_packs
from learnapp.core.content_packs import LoadContext, Prepared
from learnapp.core.messages import N_, translate
from learnapp.courses import export as course_export
from learnapp.courses import fact_check, loader, pack_import
from learnapp.courses.models import Course
from learnapp.db import utcnow
from learnapp.extensions import db


@contextmanager
def terminal_progress(label: str, total: int) -> Iterator[Callable[[Path], None]]:
    """A bar on stderr (a single line when stderr is not a terminal), so stdout stays clean."""
    if total <= 0:
        yield lambda _path: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda _path: bar.update(1)


def load_courses(context: LoadContext) -> Prepared | None:
    path = context.folder("courses")
    if context.path is None and not path.is_dir():
        return None
    with context.progress(translate(N_("Lecture des cours")), loader.count_files(path)) as advance:
        pack = loader.read_pack(path, on_file=advance)
    if pack.ok and not pack.courses:
        return None
    return Prepared(name="courses", files=pack.files, problems=pack.problems,
                    apply=lambda: pack_import.import_pack(pack, context.now).lines())


@click.group(help="Content packs: courses, quizzes and the packs other domains register.")
def content():
    pass


@content.command("load", help="Check then load the content packs (default: the repository's courses/, quizzes/, …). "
                              "PATH: a folder of courses, one course, or a folder holding courses/.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Only check the files; write nothing.")
@with_appcontext
def load_command(path: Path | None, check_only: bool):
    outcome = run_loaders(path, progress=terminal_progress, check_only=check_only)
    if outcome.problems:
        base = Path.cwd()
        for problem in outcome.problems:
            click.echo(problem.display(base), err=True)
        click.echo(translate(N_("%(n)s problème(s) : rien n'a été chargé."), {"n": len(outcome.problems)}), err=True)
        raise SystemExit(1)
    if not outcome.found:
        click.echo(translate(N_("Rien à charger.")))
        return
    if check_only:
        click.echo(translate(N_("Vérification terminée : aucun problème (%(n)s fichier(s))."), {"n": outcome.files}))
        return
    for line in outcome.summary:
        click.echo(line)
    click.echo(translate(N_("Contenu chargé (%(n)s fichier(s))."), {"n": outcome.files}))


def run_loaders(path: Path | None, *, now: datetime | None = None, progress=content_packs.no_progress,
                check_only: bool = False) -> content_packs.Outcome:
    """Every registered content pack: checked, then imported together (or nothing)."""
    return content_packs.run(current_app, path, now=now or utcnow(), session=db.session, progress=progress,
                             check_only=check_only)


@content.command("check", help="List what an author should look at before publishing: facts without a "
                               "source in FACTS.md, numbers and dates the lessons state that FACTS.md does not "
                               "hold, and numbers that differ between the age versions of a lesson.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@with_appcontext
def check_command(path: Path | None):
    root = path or content_packs.content_root(current_app) / "courses"
    findings = [finding for folder in fact_check.course_folders(root)
                for finding in fact_check.check_course(folder)]
    for finding in findings:
        click.echo(finding.display(Path.cwd()), err=True)
    if findings:
        click.echo(translate(N_("%(n)s point(s) à vérifier."), {"n": len(findings)}), err=True)
        raise SystemExit(1)
    click.echo(translate(N_("Faits vérifiés : aucun point à revoir.")))


def load_demo_content(echo) -> None:
    """`learnapp demo`: load the repository's content packs and summarise what changed."""
    outcome = run_loaders(None)
    if outcome.problems:
        echo(translate(N_("Contenu non chargé : %(n)s problème(s) ; `learnapp content load` les liste avec "
                          "fichier et ligne."), {"n": len(outcome.problems)}))
    elif outcome.loaded:
        echo(translate(N_("Contenu :")))
        for line in outcome.summary:
            echo("  " + line.strip())


@content.command("export", help="Write a course back to the file format: DEST/SLUG/course.yml, lessons, images.")
@click.argument("slug")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace DEST/SLUG when it holds an earlier export.")
@with_appcontext
def export_command(slug: str, dest: Path, overwrite: bool):
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(translate(N_("Aucun cours « %(slug)s »."), {"slug": slug}))
    export = course_export.export_course(course)
    course_export.prepare_folder(dest / slug, overwrite=overwrite)
    folder = course_export.write_export(export, dest)
    for missing in export.missing_images:
        click.echo(translate(N_("attention : image introuvable dans la base, référence laissée telle quelle — "
                                "%(missing)s"), {"missing": missing}), err=True)
    lessons = len({path.split("/")[1] for path in export.files if path.count("/") == 2})
    click.echo(translate(N_("Cours « %(slug)s » exporté dans %(folder)s : %(lessons)s leçon(s), %(files)s fichier(s)."),
                         {"slug": course.slug, "folder": folder, "lessons": lessons, "files": len(export.files)}))
