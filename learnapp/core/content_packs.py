"""Content packs: the folders of files the office writes (courses/, quizzes/, …) and the loaders
that read them into the database.

Each domain registers its loader from its own ``init_app``::

    content_packs.register(app, "quizzes", order=20, load=loader.load_quizzes)

``learnapp content load`` (and ``learnapp demo``) then run every registered loader in ``order``,
in two phases:

1. each loader reads and checks its files (nothing is written) and returns a :class:`Prepared`;
2. only if no loader found any problem, every loader's ``apply`` runs, in order, and the whole
   load is committed once: all packs or nothing.

A later loader may check references against an earlier one's files (quizzes naming a lesson of
a course loaded in the same run) through ``LoadContext.prepared``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

EXTENSION_KEY = "learnapp.content_packs"

# progress(label, total) → a context manager giving advance(path), called once per file read.
Progress = Callable[[str, int], AbstractContextManager[Callable[[Path], None]]]


@contextmanager
def no_progress(label: str, total: int) -> Iterator[Callable[[Path], None]]:
    yield lambda _path: None


@dataclass
class LoadContext:
    # PATH from the command line, or None: each loader then reads its own folder in ``root``.
    path: Path | None
    now: datetime
    # Where the packs live when no PATH is given (the repository, or ``CONTENT_ROOT``).
    root: Path
    progress: Progress = no_progress
    # What earlier loaders prepared, by folder name.
    prepared: dict[str, Prepared] = field(default_factory=dict)

    def folder(self, name: str) -> Path:
        """The folder a loader reads: PATH when given, else ``root / name``."""
        return self.path if self.path is not None else self.root / name


@dataclass
class Prepared:
    """One loader's files, read and checked, ready to import."""

    name: str
    files: int
    problems: list  # learnapp.core.problems.Problem: .display(base) → "path:line: message"
    apply: Callable[[], list[str]]  # writes (flush only); returns summary lines, already translated


# A loader: (context) → Prepared, or None when its folder holds nothing of its kind. It writes
# nothing before ``apply`` is called, and ``apply`` flushes, never commits.
Loader = Callable[[LoadContext], "Prepared | None"]


@dataclass(frozen=True)
class PackLoader:
    folder: str  # "courses": also its name in LoadContext.prepared
    order: int  # smaller first: a pack that others refer to loads before them
    load: Loader


def register(app, folder: str, *, order: int, load: Loader) -> None:
    """Called by a domain's ``init_app``: ``learnapp content load`` will run ``load``."""
    registered: dict[str, PackLoader] = app.extensions.setdefault(EXTENSION_KEY, {})
    if folder in registered:
        raise ValueError(f"a content pack loader is already registered for {folder!r}")
    registered[folder] = PackLoader(folder, order, load)


def loaders(app) -> list[PackLoader]:
    """The registered loaders, in the order they run."""
    return sorted(app.extensions.get(EXTENSION_KEY, {}).values(), key=lambda item: (item.order, item.folder))


def content_root(app) -> Path:
    """``CONTENT_ROOT`` from the configuration, else the folder holding the package (the repository)."""
    configured = app.config.get("CONTENT_ROOT")
    return Path(configured) if configured else Path(app.root_path).parent


@dataclass
class Outcome:
    problems: list = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    files: int = 0
    loaded: bool = False  # True when something was read and imported
    found: bool = False  # False when no loader found anything to load


def run(app, path: Path | None, *, now: datetime, session, progress: Progress = no_progress,
        check_only: bool = False) -> Outcome:
    """Check every pack, then import them all in one transaction (or nothing at all)."""
    context = LoadContext(path=path, now=now, root=content_root(app), progress=progress)
    outcome = Outcome()
    for item in loaders(app):
        prepared = item.load(context)
        if prepared is None:
            continue
        context.prepared[item.folder] = prepared
        outcome.found = True
        outcome.files += prepared.files
        outcome.problems += prepared.problems
    if outcome.problems or check_only or not outcome.found:
        return outcome
    try:
        for prepared in context.prepared.values():
            outcome.summary += prepared.apply()
        session.commit()
    except Exception:
        session.rollback()
        raise
    outcome.loaded = True
    return outcome
