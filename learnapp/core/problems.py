"""One kind of problem for everything learnapp checks: content files, texts typed in the
browser, imported questions.

A :class:`Problem` says *what* is wrong (a ``code`` and its ``params``) and *where* (``file``,
``line``, ``field``). Its words come from a :class:`Messages` table kept by the module that
checks (French message ids marked with ``N_``, so the catalogues hold their English), and are
rendered when shown: in the reader's language on the web, in the command line's language in a
terminal (:mod:`learnapp.core.messages`).

Pure Python: no Flask app and no database needed to make or print a problem.
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from learnapp.core.messages import N_, translate

__all__ = ["N_", "Messages", "Problem"]


@dataclass(frozen=True)
class Problem:
    """Something wrong: ``file:line: message``, or next to ``field`` in a form.

    ``field`` names the form field or the content field (``"title"``, ``"choices.2.text"``);
    ``line`` counts from 1 in ``file`` (None: the whole file, or no file).
    """

    code: str
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    file: Path | None = None
    line: int | None = None
    field: str | None = None
    # For a problem in one entry of a list (a question among those imported): its position and id.
    index: int | None = None
    key: str | None = None
    # The French message id, from the checking module's table (not part of equality).
    template: str = dataclasses.field(default="", compare=False, repr=False)

    def text(self, locale: str | None = None) -> str:
        """The message alone, in ``locale`` (default: the request's, else the command line's)."""
        return translate(self.template or self.code, self.params, locale)

    @property
    def message(self) -> str:
        return self.text()

    def localized(self) -> str:
        """Kept for templates: the message in the reader's language."""
        return self.text()

    def display(self, base: Path | None = None, locale: str | None = None) -> str:
        """``file:line: message``, the file named relative to ``base`` when under it."""
        where = ""
        if self.file is not None:
            path = Path(self.file)
            if base is not None:
                with contextlib.suppress(ValueError):
                    path = path.relative_to(base)
            where = f"{path}:{self.line}: " if self.line else f"{path}: "
        elif self.line:
            where = translate(N_("ligne %(line)s : "), {"line": self.line}, locale)
        return where + self.text(locale)

    def at(self, **changes) -> Problem:
        """The same problem placed elsewhere (``file``, ``line``, ``field``, ``params``)."""
        return replace(self, **changes)

    def __str__(self) -> str:
        return self.display()


class Messages(Mapping[str, str]):
    """A checking module's table: code → French message id (each marked with ``N_``).

    ``Messages({...}, *others)`` also knows the codes of ``others`` (its own win), so a loader
    can report the problems of the Markdown renderer or the question types it calls.
    """

    def __init__(self, own: Mapping[str, str], *others: Mapping[str, str]):
        merged: dict[str, str] = {}
        for table in reversed(others):
            merged.update(table)
        merged.update(own)
        self._table = merged

    def __getitem__(self, code: str) -> str:
        return self._table[code]

    def __iter__(self):
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def problem(self, code: str, params: Mapping[str, Any] | None = None, **where) -> Problem:
        """A problem worded by this table, placed by ``where`` (``file``, ``line``, ``field``,
        ``index``, ``key``); ``KeyError`` for a code it does not know."""
        return Problem(code, dict(params or {}), **where, template=self._table[code])

    def reword(self, problem: Problem, **changes) -> Problem:
        """``problem`` (from another module) worded by this table, placed by ``changes``."""
        return replace(problem, template=self._table.get(problem.code, problem.template), **changes)
