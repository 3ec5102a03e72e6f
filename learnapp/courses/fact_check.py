"""Checks that keep a course's facts right before it is published.

A course folder may hold ``FACTS.md``: the facts its lessons teach, grouped by lesson slug
(``## les-marees``), one fact per ``- `` line, each ending with the sources it rests on
(``[S1]`` or ``[S1, S4]``), and a ``## Sources`` section listing them (``- [S1] title, publisher,
date or URL``). Three checks read the files (lesson texts with their shared safety rules in place):

- :func:`source_problems`: a fact without a source, a source cited but never listed;
- :func:`unsourced_numbers`: numbers and dates a lesson text states that its lesson's section of
  ``FACTS.md`` does not contain (« 1804 » in a text when the facts say 1802);
- :func:`contradictions`: two age versions of one lesson giving different numbers for the same
  statement (« depuis 1804 » for teens, « depuis 1802 » for adults).

Numbers written in words (« trois ans ») and one-digit numbers are not checked: they are too
common to tell a fact from a list number. Pure functions over files: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from learnapp.core import age_groups
from learnapp.core.content_files import split_front_matter
from learnapp.courses import safety
from learnapp.courses.loader import COURSE_FILE, LESSON_FOLDER

FACTS_FILE = "FACTS.md"
SOURCES_HEADING = "sources"
AGE_ORDER = age_groups.ALL

_SOURCE_REF = re.compile(r"\[(S\d+(?:\s*,\s*S\d+)*)\]\s*$")
_SOURCE_DEF = re.compile(r"-\s*\[(S\d+)\]\s*(.+)")
_ANY_REF = re.compile(r"\[S\d+(?:\s*,\s*S\d+)*\]")
_SPACES = "[ \u00a0\u202f]"
_NUMBER = re.compile(r"(?<![\w/.,])(\d{1,3}(?:" + _SPACES + r"\d{3})+|\d+(?:,\d+)?)(?![\d])")
_CENTURY = re.compile(r"\b([XVI]+)e\b")
_IGNORED = re.compile(r"media:[0-9a-f]{64}\.\w+|https?://\S+|\{\{[^}]*\}\}|\([^)\s]+\.(?:png|jpe?g|gif|webp)")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+|\n+")
_YEAR = re.compile(r"^(1[0-9]{3}|20[0-9]{2})$")
_WORD = re.compile(r"[^\W\d_]{5,}")
# Words that appear in many unrelated sentences: they do not make two statements "the same".
_COMMON = frozenset({
    "alors", "après", "autour", "aussi", "avant", "avoir", "chaque", "comme", "depuis", "encore", "entre",
    "environ", "être", "faire", "leurs", "mêmes", "moins", "notre", "parce", "pendant", "petit", "petite",
    "plus", "pour", "quand", "quelques", "sans", "selon", "seulement", "toujours", "toute", "toutes", "très",
    "cette", "celle", "celui", "elles", "était", "aujourd'hui", "granville",
})
_UNITS = {
    "mètre": "m", "mètres": "m", "m": "m", "kilomètre": "km", "kilomètres": "km", "km": "km",
    "hectare": "ha", "hectares": "ha", "ha": "ha", "tonne": "t", "tonnes": "t", "heure": "h",
    "heures": "h", "h": "h", "minute": "min", "minutes": "min", "min": "min", "an": "ans",
    "ans": "ans", "îles": "îles", "habitants": "personnes", "personnes": "personnes",
    "spectateurs": "personnes", "ambassadeurs": "personnes", "chars": "chars", "cloches": "cloches",
    "°c": "°C", "siècle": "siècle", "siècles": "siècle",
}


@dataclass(frozen=True)
class Finding:
    """Something an author should look at: ``path:line: message``."""

    path: Path
    line: int | None
    message: str

    def display(self, base: Path | None = None) -> str:
        path = self.path
        if base is not None and self.path.is_relative_to(base):
            path = self.path.relative_to(base)
        return f"{path}:{self.line}: {self.message}" if self.line else f"{path}: {self.message}"


@dataclass
class FactSheet:
    path: Path
    facts: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # slug → (line, fact)
    sources: dict[str, str] = field(default_factory=dict)  # S1 → description
    cited: list[tuple[int, list[str]]] = field(default_factory=list)  # line → refs

    def numbers(self, slug: str) -> set[str]:
        return numbers_in(" ".join(_ANY_REF.sub("", fact) for _, fact in self.facts.get(slug, [])))


@dataclass(frozen=True)
class LessonTexts:
    slug: str
    # audience → (path, file line of each line of the checked text, the text)
    texts: dict[str, tuple[Path, list[int], str]]


# --- reading ------------------------------------------------------------------------------------


def read_facts(course_folder: Path) -> FactSheet | None:
    path = Path(course_folder) / FACTS_FILE
    if not path.is_file():
        return None
    sheet = FactSheet(path=path)
    section: str | None = None
    for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
        if line.startswith("## "):
            section = line[3:].strip()
            continue
        if section is None or not line.startswith("- "):
            continue
        if section.lower() == SOURCES_HEADING:
            definition = _SOURCE_DEF.match(line)
            if definition:
                sheet.sources[definition.group(1)] = definition.group(2).strip()
            continue
        sheet.facts.setdefault(section, []).append((number, line[2:].strip()))
        refs = _SOURCE_REF.search(line)
        sheet.cited.append((number, [ref.strip() for ref in refs.group(1).split(",")] if refs else []))
    return sheet


def read_lessons(course_folder: Path) -> list[LessonTexts]:
    """Each lesson's texts as the learner reads them: front matter sentences and body, with the
    shared safety rules in place; lines are the file's."""
    course_folder = Path(course_folder)
    rules = safety.read_rules(course_folder)
    lessons = []
    for folder in sorted(path for path in course_folder.iterdir() if path.is_dir()):
        match = LESSON_FOLDER.fullmatch(folder.name)
        if not match:
            continue
        texts = {}
        for audience in AGE_ORDER:
            path = folder / f"{audience}.md"
            if not path.is_file():
                continue
            raw = path.read_text(encoding="utf-8").replace("\r\n", "\n")
            parts = split_front_matter(raw)
            if isinstance(parts, str):
                continue
            front, body, body_line = parts
            expanded = safety.expand(body, rules)
            lines = front.split("\n") + expanded.text.split("\n")
            origins = [2 + index for index in range(len(front.split("\n")))]
            origins += [expanded.original_line(index + 1) + body_line - 1
                        for index in range(len(expanded.text.split("\n")))]
            texts[audience] = (path, origins, "\n".join(lines))
        lessons.append(LessonTexts(slug=match.group(2), texts=texts))
    return lessons


def numbers_in(text: str) -> set[str]:
    """Numbers (« 5 000 » → « 5000 ») of two digits or more, and centuries (« XVe »)."""
    text = _IGNORED.sub(" ", text)
    found = set()
    for match in _NUMBER.finditer(text):
        value = re.sub(_SPACES, "", match.group(1))
        if len(value.split(",")[0]) >= 2:
            found.add(value)
    found.update(match.group(0) for match in _CENTURY.finditer(text))
    return found


# --- the checks ---------------------------------------------------------------------------------


def source_problems(sheet: FactSheet) -> list[Finding]:
    findings = []
    for line, refs in sheet.cited:
        if not refs:
            findings.append(Finding(sheet.path, line, "fait sans source : terminez la ligne par [S1] "
                                                      "(voir la section « Sources »)"))
        for ref in refs:
            if ref not in sheet.sources:
                findings.append(Finding(sheet.path, line, f"source {ref} absente de la section « Sources »"))
    return findings


def unsourced_numbers(sheet: FactSheet, lessons: Iterable[LessonTexts]) -> list[Finding]:
    findings = []
    for lesson in lessons:
        known = sheet.numbers(lesson.slug)
        for path, origins, text in lesson.texts.values():
            reported: set[str] = set()
            for index, line in enumerate(text.split("\n")):
                for number in sorted(numbers_in(line) - known - reported):
                    reported.add(number)
                    findings.append(Finding(path, origins[index], f"« {number} » n'est pas dans "
                                            f"{FACTS_FILE} (section {lesson.slug}) : ajoutez le fait et sa "
                                            "source, ou retirez le nombre"))
    return findings


@dataclass(frozen=True)
class _Statement:
    line: int
    text: str
    words: frozenset[str]
    quantities: dict[str, frozenset[str]]  # kind (year, unit) → numbers


def _plain(word: str) -> str:
    return unicodedata.normalize("NFC", word.lower())


def _statements(text: str, origins: list[int]) -> list[_Statement]:
    statements = []
    for index, line in enumerate(text.split("\n")):
        for sentence in _SENTENCE_END.split(_IGNORED.sub(" ", line)):
            quantities: dict[str, set[str]] = {}
            for match in _NUMBER.finditer(sentence):
                value = re.sub(_SPACES, "", match.group(1))
                after = sentence[match.end():].strip().split(" ", 1)[0].strip(".,;:!?)»").lower()
                if _YEAR.match(value) and after not in _UNITS:
                    kind = "année"
                elif after in _UNITS:
                    kind = _UNITS[after]
                else:
                    continue
                quantities.setdefault(kind, set()).add(value)
            if quantities:
                words = frozenset(_plain(word) for word in _WORD.findall(sentence)) - _COMMON
                statements.append(_Statement(origins[index], sentence.strip(), words,
                                             {kind: frozenset(values) for kind, values in quantities.items()}))
    return statements


def contradictions(lessons: Iterable[LessonTexts], *, shared_words: int = 2) -> list[Finding]:
    """Two versions disagree when a sentence of each, sharing at least ``shared_words`` words,
    gives numbers of the same kind (years, metres, hectares…) that the other version never states."""
    findings = []
    for lesson in lessons:
        versions = [(audience, *lesson.texts[audience]) for audience in AGE_ORDER if audience in lesson.texts]
        parsed = {audience: (path, _statements(text, origins), numbers_in(text))
                  for audience, path, origins, text in versions}
        audiences = list(parsed)
        for first_index, first in enumerate(audiences):
            for second in audiences[first_index + 1:]:
                path, statements, first_numbers = parsed[first]
                other_path, other_statements, second_numbers = parsed[second]
                for statement in statements:
                    for other in other_statements:
                        if len(statement.words & other.words) < shared_words:
                            continue
                        for kind in statement.quantities.keys() & other.quantities.keys():
                            mine, theirs = statement.quantities[kind], other.quantities[kind]
                            if mine & second_numbers or theirs & first_numbers:
                                continue
                            findings.append(Finding(path, statement.line, (
                                f"{first} dit {', '.join(sorted(mine))} mais {second} "
                                f"({other_path.name}:{other.line}) dit {', '.join(sorted(theirs))} : "
                                f"« {statement.text[:80]} » / « {other.text[:80]} »")))
    return findings


def check_course(course_folder: Path) -> list[Finding]:
    """All three checks over one course folder (nothing to check without FACTS.md but contradictions)."""
    course_folder = Path(course_folder)
    lessons = read_lessons(course_folder)
    findings = contradictions(lessons)
    sheet = read_facts(course_folder)
    if sheet is not None:
        findings = source_problems(sheet) + unsourced_numbers(sheet, lessons) + findings
    return findings


def course_folders(path: Path) -> list[Path]:
    """``path`` itself when it is a course, else the courses inside it (or inside its courses/)."""
    path = Path(path)
    if (path / COURSE_FILE).is_file():
        return [path]
    if (path / "courses").is_dir():
        path = path / "courses"
    return sorted(folder for folder in path.iterdir() if (folder / COURSE_FILE).is_file()) if path.is_dir() else []
