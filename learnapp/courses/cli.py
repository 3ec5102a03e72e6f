"""`learnapp content …`: load the content packs (courses/, then quizzes/).

``learnapp content load [PATH]`` runs every loader of :data:`LOADERS` in two phases:

1. each loader reads and checks its files (nothing is written) and returns a :class:`Prepared`;
2. only if no loader found any problem, every loader's ``apply`` runs, in order, and the whole
   load is committed once. Otherwise every problem is printed as ``path:line: message`` and the
   command exits with status 1, having written nothing.

Problems and summaries are in French: the command line is the office's tool and runs outside
any request, so the reader's language is not known.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from learnapp import PROJECT_ROOT
from learnapp.courses import export as course_export
from learnapp.courses import fact_check, loader, pack_import
from learnapp.courses.models import Course
from learnapp.db import utcnow
from learnapp.extensions import db

# progress(label, total) → a context manager giving advance(path), called once per file read.
Progress = Callable[[str, int], AbstractContextManager[Callable[[Path], None]]]


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[Path], None]]:
    yield lambda _path: None


@contextmanager
def terminal_progress(label: str, total: int) -> Iterator[Callable[[Path], None]]:
    """A bar on stderr (a single line when stderr is not a terminal), so stdout stays clean."""
    if total <= 0:
        yield lambda _path: None
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        yield lambda _path: bar.update(1)


@dataclass
class LoadContext:
    # PATH from the command line, or None: each loader then reads the repository's own folder.
    path: Path | None
    now: datetime
    progress: Progress = no_progress
    # What earlier loaders prepared, by name: a later loader may check references against it
    # (e.g. quizzes naming a lesson of a course loaded in the same run).
    prepared: dict[str, Prepared] = field(default_factory=dict)


@dataclass
class Prepared:
    """One loader's files, read and checked, ready to import."""

    name: str
    files: int
    problems: list  # items with .display(base) → "path:line: message"
    apply: Callable[[], list[str]]  # writes (flush only); returns summary lines in French


# A loader: (context) → Prepared, or None when the path holds nothing of its kind.
Loader = Callable[[LoadContext], "Prepared | None"]


def load_courses(context: LoadContext) -> Prepared | None:
    path = context.path if context.path is not None else PROJECT_ROOT / "courses"
    if context.path is None and not path.is_dir():
        return None
    with context.progress("Lecture des cours", loader.count_files(path)) as advance:
        pack = loader.read_pack(path, on_file=advance)
    if pack.ok and not pack.courses:
        return None
    return Prepared(name="courses", files=pack.files, problems=pack.problems,
                    apply=lambda: pack_import.import_pack(pack, context.now).lines())


# The loaders `learnapp content load` runs, in order (a later one may rely on an earlier one's
# data). To add one, append a function (context) → Prepared | None, or its "module:function" name
# when it lives in a domain above courses (dependencies point one way: courses never imports
# quizzes). It must write nothing before its `apply` is called, and `apply` flushes, never commits.
LOADERS: list[Loader | str] = [
    load_courses,
    "learnapp.quizzes.loader:load_quizzes",
]


def _resolve(load: Loader | str) -> Loader:
    if callable(load):
        return load
    module, _, name = load.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass
class Outcome:
    problems: list = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    files: int = 0
    loaded: bool = False  # True when something was read and imported
    found: bool = False  # False when no loader found anything to load


def run_loaders(path: Path | None, *, now: datetime, progress: Progress = no_progress,
                check_only: bool = False) -> Outcome:
    """Check everything, then import everything in one transaction (or nothing at all)."""
    context = LoadContext(path=path, now=now, progress=progress)
    outcome = Outcome()
    for load in LOADERS:
        prepared = _resolve(load)(context)
        if prepared is None:
            continue
        context.prepared[prepared.name] = prepared
        outcome.found = True
        outcome.files += prepared.files
        outcome.problems += prepared.problems
    if outcome.problems or check_only or not outcome.found:
        return outcome
    try:
        for prepared in context.prepared.values():
            outcome.summary += prepared.apply()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    outcome.loaded = True
    return outcome


@click.group(help="Content packs: courses and quizzes.")
def content():
    pass


@content.command("load", help="Check then load the content packs (default: the repository's courses/). "
                              "PATH: a folder of courses, one course, or a folder holding courses/.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Only check the files; write nothing.")
@with_appcontext
def load_command(path: Path | None, check_only: bool):
    outcome = run_loaders(path, now=utcnow(), progress=terminal_progress, check_only=check_only)
    if outcome.problems:
        base = Path.cwd()
        for problem in outcome.problems:
            click.echo(problem.display(base), err=True)
        click.echo(f"{len(outcome.problems)} problème(s) : rien n'a été chargé.", err=True)
        raise SystemExit(1)
    if not outcome.found:
        click.echo("Rien à charger.")
        return
    if check_only:
        click.echo(f"Vérification terminée : aucun problème ({outcome.files} fichier(s)).")
        return
    for line in outcome.summary:
        click.echo(line)
    click.echo(f"Contenu chargé ({outcome.files} fichier(s)).")


@content.command("check", help="List what an author should look at before publishing: facts without a "
                               "source in FACTS.md, numbers and dates the lessons state that FACTS.md does not "
                               "hold, and numbers that differ between the age versions of a lesson.")
@click.argument("path", required=False, type=click.Path(path_type=Path))
def check_command(path: Path | None):
    findings = [finding for folder in fact_check.course_folders(path or PROJECT_ROOT / "courses")
                for finding in fact_check.check_course(folder)]
    for finding in findings:
        click.echo(finding.display(Path.cwd()), err=True)
    if findings:
        click.echo(f"{len(findings)} point(s) à vérifier.", err=True)
        raise SystemExit(1)
    click.echo("Faits vérifiés : aucun point à revoir.")


def load_demo_content(echo) -> None:
    """`learnapp demo`: load the repository's content packs and summarise what changed."""
    outcome = run_loaders(None, now=utcnow())
    if outcome.problems:
        echo(f"Contenu non chargé : {len(outcome.problems)} problème(s) ; "
             "`learnapp content load` les liste avec fichier et ligne.")
    elif outcome.loaded:
        echo("Contenu :")
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
        raise click.ClickException(f"Aucun cours « {slug} ».")
    export = course_export.export_course(course)
    course_export.prepare_folder(dest / slug, overwrite=overwrite)
    folder = course_export.write_export(export, dest)
    for missing in export.missing_images:
        click.echo(f"attention : image introuvable dans la base, référence laissée telle quelle — {missing}", err=True)
    lessons = len({path.split("/")[1] for path in export.files if path.count("/") == 2})
    click.echo(f"Cours « {course.slug} » exporté dans {folder} : {lessons} leçon(s), {len(export.files)} fichier(s).")
