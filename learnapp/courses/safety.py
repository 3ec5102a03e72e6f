"""Shared safety rules (« consignes »): written once per course, included by every age version.

A course keeps its safety rules in ``_consignes/<nom>.md`` (plain Markdown, no front matter; the
folder starts with ``_`` so it is not a lesson). A lesson text includes one with a line of its own::

    {{consigne traversee-baie}}

When the files are read, that line becomes the rule's text in a « Consigne de sécurité » box
(``::: consigne traversee-baie`` … ``:::``), so a child's text may say things more simply around
it but can never change the rule. Writing ``::: consigne`` by hand is refused: the rule would then
live twice. The texts of one lesson must include the same rules (checked by the loader).

Pure functions: text in, text out, no Flask, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from learnapp.core.markdown import SAFETY_CALLOUT_NAME

FOLDER = "_consignes"
NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
DIRECTIVE = re.compile(r"\{\{\s*consigne\s+(\S+?)\s*\}\}")
_BY_HAND = re.compile(r"\s*(?:>\s*)*:{3,}\s*" + SAFETY_CALLOUT_NAME + r"\b")
_EXPANDED = re.compile(r"^:{3}\s*" + SAFETY_CALLOUT_NAME + r"\s+(\S+)\s*$", re.MULTILINE)


@dataclass(frozen=True)
class Issue:
    """A problem at ``line`` (from 1, in the text given) with a loader message code."""

    line: int
    code: str
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Expanded:
    text: str
    # origins[i] is the line of the text given that line i + 1 of ``text`` comes from.
    origins: tuple[int, ...]
    rules: tuple[str, ...]
    issues: tuple[Issue, ...] = ()

    def original_line(self, line: int) -> int:
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return line


def read_rules(course_folder: Path) -> dict[str, str]:
    """The course's shared rules by name (empty when it has none)."""
    folder = Path(course_folder) / FOLDER
    if not folder.is_dir():
        return {}
    return {path.stem: path.read_text(encoding="utf-8").replace("\r\n", "\n").strip()
            for path in sorted(folder.glob("*.md")) if NAME.fullmatch(path.stem)}


def expand(body: str, rules: Mapping[str, str]) -> Expanded:
    """Put each ``{{consigne nom}}`` line's rule in place; report unknown names and hand-written boxes."""
    out: list[str] = []
    origins: list[int] = []
    used: list[str] = []
    issues: list[Issue] = []
    for number, line in enumerate(body.split("\n"), start=1):
        directive = DIRECTIVE.fullmatch(line.strip())
        if _BY_HAND.match(line):
            issues.append(Issue(number, "safety_rule_by_hand"))
        if directive is None:
            out.append(line)
            origins.append(number)
            continue
        name = directive.group(1)
        if name not in rules:
            known = ", ".join(sorted(rules)) or "aucune"
            issues.append(Issue(number, "safety_rule_unknown", {"name": name[:60], "known": known}))
            out.append("")
            origins.append(number)
            continue
        used.append(name)
        block = [f"::: {SAFETY_CALLOUT_NAME} {name}", *rules[name].split("\n"), ":::"]
        out.extend(block)
        origins.extend([number] * len(block))
    return Expanded(text="\n".join(out), origins=tuple(origins), rules=tuple(used), issues=tuple(issues))


def included_rules(stored_markdown: str) -> set[str]:
    """The names of the rules an expanded (stored) text includes."""
    return set(_EXPANDED.findall(stored_markdown))
