"""School rules in plain Python: class codes, passphrases, usernames, the roster file, consent,
the progress grid's cells. No Flask, no database: values in, values out.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from random import Random

from learnapp.core import age_groups
from learnapp.schools.words import WORDS

# Class codes ----------------------------------------------------------------------------------

# No 0/O, 1/I/L: a code is read aloud and copied from a board.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8  # 31^8 ≈ 2^39.6


def new_class_code(rng: Random) -> str:
    return "".join(rng.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str) -> str:
    """« k7qm-3pxt » → « K7QM3PXT »; characters outside the alphabet are dropped."""
    return "".join(c for c in (typed or "").upper() if c.isalnum())[:2 * CODE_LENGTH]


def code_is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(c in CODE_ALPHABET for c in code)


def display_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == CODE_LENGTH else code


# Passphrases ----------------------------------------------------------------------------------

PASSPHRASE_WORDS = 3
PASSPHRASE_DIGITS = 2
# log2(461³ × 100) ≈ 33.2 bits; see docs/decisions-schools.md for what throttling makes of it.
PASSPHRASE_BITS = PASSPHRASE_WORDS * math.log2(len(WORDS)) + PASSPHRASE_DIGITS * math.log2(10)


def new_passphrase(rng: Random) -> str:
    """« lapin tulipe volcan 42 »: three words and a two-digit number, spaces between."""
    words = [rng.choice(WORDS) for _ in range(PASSPHRASE_WORDS)]
    number = "".join(rng.choice("0123456789") for _ in range(PASSPHRASE_DIGITS))
    return " ".join([*words, number])


def normalise_passphrase(typed: str) -> str:
    """What is hashed and compared: lower case, accents, spaces and punctuation dropped, so
    « Lapin-Tulipe  volcan42 » signs in like « lapin tulipe volcan 42 »."""
    return "".join(c for c in _plain(typed).lower() if c.isalnum())


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c))


# Names and usernames --------------------------------------------------------------------------

FIRST_NAME_MAX = 40
USERNAME_MAX = 40


def clean_initial(text: str) -> str:
    """« Martin », « m. », « M » → « M »; « » → « »."""
    letters = [c for c in (text or "").strip() if c.isalpha()]
    return letters[0].upper() if letters else ""


def pupil_name(first_name: str, initial: str) -> str:
    return f"{first_name} {initial}." if initial else first_name


def username_base(first_name: str, initial: str) -> str:
    """« Léa-Rose », « M » → « learose.m »: ASCII letters, easy to type."""
    first = re.sub(r"[^a-z0-9]", "", _plain(first_name).lower())[:30] or "eleve"
    last = re.sub(r"[^a-z0-9]", "", _plain(initial).lower())[:1]
    return f"{first}.{last}" if last else first


def unique_username(base: str, taken: set[str]) -> str:
    """The base, or base2, base3 … — the first not in ``taken`` (which it joins)."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def normalise_username(typed: str) -> str:
    return _plain(typed or "").strip().lower()[:USERNAME_MAX]


# Ages -----------------------------------------------------------------------------------------

# A pupil reaches between 5 and 19 in the school year's calendar year (nursery to lycée).
PUPIL_MIN_AGE = 5
PUPIL_MAX_AGE = 19


def birth_year_problem(birth_year: int, today: date) -> str | None:
    age = age_groups.age_in_year(birth_year, today)
    if age < PUPIL_MIN_AGE or age > PUPIL_MAX_AGE:
        return "birth_year_range"
    return None


def needs_consent(birth_year: int, today: date) -> bool:
    """Under 15 (the child age group), the parents' consent form must be collected."""
    return age_groups.group_on(birth_year, today) == age_groups.CHILD


def consent_given(*, birth_year: int, consent_at, today: date) -> bool:
    return consent_at is not None or not needs_consent(birth_year, today)


# The roster file ------------------------------------------------------------------------------

MAX_ROWS = 2000
MAX_BYTES = 512 * 1024

# Header names accepted per column (compared without accents, case or spaces).
HEADERS = {
    "first_name": ("prenom", "firstname", "first name", "prenoms"),
    "initial": ("initiale", "initiale du nom", "nom", "initial", "lastname", "last name",
                "last name initial", "nom de famille"),
    "birth_year": ("annee de naissance", "annee", "naissance", "birthyear", "birth year",
                   "year of birth", "ne en", "nee en"),
}


@dataclass(frozen=True)
class RosterRow:
    line: int
    first_name: str
    initial: str
    birth_year: int


@dataclass(frozen=True)
class Problem:
    line: int  # 0: the file as a whole
    code: str
    detail: str = ""


@dataclass
class Roster:
    rows: list[RosterRow] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = ""
    delimiter: str = ""


def _header_key(text: str) -> str:
    return re.sub(r"[^a-z ]", "", _plain(text).lower().replace("_", " ")).strip()


def _decode(raw: bytes) -> tuple[str, str] | None:
    """UTF-8 (with or without BOM), else Windows-1252 as French spreadsheets save it."""
    try:
        return raw.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return text, "windows-1252"


def _delimiter(first_line: str) -> str | None:
    counts = {d: first_line.count(d) for d in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else None


def read_roster(raw: bytes, today: date, *, max_rows: int = MAX_ROWS) -> Roster:
    """The pupils a roster file lists, or every problem with its line (1 = the header)."""
    roster = Roster()
    if len(raw) > MAX_BYTES:
        roster.problems.append(Problem(0, "too_big"))
        return roster
    if b"\x00" in raw:
        roster.problems.append(Problem(0, "encoding"))
        return roster
    decoded = _decode(raw)
    if decoded is None:
        roster.problems.append(Problem(0, "encoding"))
        return roster
    text, roster.encoding = decoded
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        roster.problems.append(Problem(0, "empty"))
        return roster
    delimiter = _delimiter(lines[0])
    if delimiter is None:
        roster.problems.append(Problem(1, "delimiter"))
        return roster
    roster.delimiter = delimiter
    records = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    header = [_header_key(cell) for cell in records[0]]
    columns: dict[str, int] = {}
    for key, names in HEADERS.items():
        for index, cell in enumerate(header):
            if cell in names and index not in columns.values():
                columns[key] = index
                break
    missing = [key for key in HEADERS if key not in columns]
    if missing:
        roster.problems.append(Problem(1, "columns", ", ".join(missing)))
        return roster
    body = [(number, record) for number, record in enumerate(records[1:], start=2)
            if any(cell.strip() for cell in record)]
    if not body:
        roster.problems.append(Problem(0, "empty"))
        return roster
    if len(body) > max_rows:
        roster.problems.append(Problem(0, "too_many", str(max_rows)))
        return roster
    for number, record in body:
        row = _row(number, record, columns, today, roster.problems)
        if row is not None:
            roster.rows.append(row)
    return roster


def _row(number: int, record: list[str], columns: dict[str, int], today: date,
         problems: list[Problem]) -> RosterRow | None:
    def cell(key: str) -> str:
        index = columns[key]
        return record[index].strip() if index < len(record) else ""

    first_name, initial, year_text = cell("first_name"), clean_initial(cell("initial")), cell("birth_year")
    found = len(problems)
    if not first_name:
        problems.append(Problem(number, "first_name_missing"))
    elif len(first_name) > FIRST_NAME_MAX or not any(c.isalpha() for c in first_name) \
            or any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cn") for c in first_name):
        problems.append(Problem(number, "first_name_invalid", first_name[:60]))
    if not initial:
        problems.append(Problem(number, "initial_missing"))
    try:
        birth_year = int(year_text)
    except ValueError:
        problems.append(Problem(number, "birth_year_invalid", year_text[:20]))
        birth_year = 0
    else:
        if birth_year_problem(birth_year, today):
            problems.append(Problem(number, "birth_year_range", year_text))
    if len(problems) > found:
        return None
    return RosterRow(number, first_name, initial, birth_year)


# The progress grid ----------------------------------------------------------------------------

NOT_STARTED = "none"
STARTED = "started"
DONE = "done"
PASSED = "passed"
FAILED = "failed"


def lesson_status(*, seen: bool, completed: bool) -> str:
    if completed:
        return DONE
    return STARTED if seen else NOT_STARTED


def tier_status(*, attempts: int, passed: bool) -> str:
    if passed:
        return PASSED
    return FAILED if attempts else NOT_STARTED


def completion(statuses: Iterable[str]) -> int:
    """Percent of cells done or passed: what the grid sorts « progress » by."""
    values = list(statuses)
    if not values:
        return 0
    return round(100 * sum(s in (DONE, PASSED) for s in values) / len(values))


# School years ---------------------------------------------------------------------------------

def school_year_of(today: date) -> str:
    """The school year a date falls in: from 1 August, « 2026-2027 »."""
    start = today.year if today.month >= 8 else today.year - 1
    return f"{start}-{start + 1}"


def school_year_is_valid(text: str) -> bool:
    match = re.fullmatch(r"(\d{4})-(\d{4})", text or "", re.ASCII)
    return bool(match) and int(match[2]) == int(match[1]) + 1 and 2000 <= int(match[1]) <= 2100
