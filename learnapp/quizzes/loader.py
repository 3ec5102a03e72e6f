"""Reading quiz banks (docs/content-format.md, « Quizzes ») into checked plain data.

``quizzes/<course-slug>/tiers.yml`` holds the tiers, ``questions/*.yml`` lists of questions,
``images/`` their pictures. Everything is checked before anything is written; every problem is
reported with its file and line. :func:`load_quizzes` plugs into ``learnapp content load``
(registered in ``learnapp.quizzes.init_app``): it reads in the first phase and writes only in ``apply``.

:func:`build_question` checks one question written as a mapping (the YAML shape); the files
loader and :func:`learnapp.quizzes.bank_import.import_questions` (GIFT, editor) share it.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from learnapp.core import age_groups, content_files, content_packs, markdown
from learnapp.core.content_files import LineDict, LineList, line_of, read_yaml  # YAML with line numbers
from learnapp.core.messages import translate
from learnapp.core.problems import N_, Messages, Problem
from learnapp.quizzes import types

TIERS_FILE = "tiers.yml"
QUESTIONS_FOLDER = "questions"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
KEY = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
KEY_MAX = 120
IMAGE_PATH = re.compile(r"(?:[A-Za-z0-9][A-Za-z0-9._-]*/)*[A-Za-z0-9][A-Za-z0-9._-]*\.(?:png|jpe?g|gif|webp)",
                        re.IGNORECASE)
PROMPT_MAX = 5000
TAG_MAX = 60
TIER_NAME_MAX = 80
TIER_FIELDS = ("number", "name", "questions_per_attempt", "pass_mark", "time_limit_minutes", "max_attempts",
               "cooldown_minutes", "show_answers", "requires")
REQUIREMENTS = ("course_done", "previous_tier")
EXTENSIONS = content_files.EXTENSIONS

MESSAGES = Messages({
    "path_not_found": N_("Dossier introuvable."),
    "bad_folder": N_("Nom de dossier invalide « %(name)s » : le dossier d'un quiz porte le nom du cours "
                     "(lettres minuscules, chiffres et tirets)."),
    "unknown_course": N_("Aucun cours « %(slug)s » : le dossier d'un quiz porte le nom d'un cours chargé "
                         "(courses/%(slug)s/)."),
    "missing_tiers_file": N_("Fichier tiers.yml manquant : chaque quiz décrit ses niveaux."),
    "tiers_not_list": N_("tiers.yml commence par « tiers: » suivi de la liste des niveaux."),
    "no_tier": N_("Aucun niveau : ajoutez au moins un niveau dans « tiers: »."),
    "tier_not_mapping": N_("Chaque niveau s'écrit « - number: 1 », puis ses champs."),
    "duplicate_tier": N_("Niveau %(number)s en double."),
    "tier_has_attempts": N_("Le niveau %(number)s a disparu de tiers.yml, mais des tentatives y ont déjà été "
                            "faites : gardez-le."),
    "questions_not_list": N_("Un fichier de questions est une liste : chaque question commence par « - id: »."),
    "question_not_mapping": N_("Une question s'écrit « - id: … », puis ses champs, un par ligne."),
    "duplicate_field": N_("Champ « %(field)s » écrit deux fois."),
    "unknown_field": N_("Champ inconnu « %(field)s » (champs possibles : %(allowed)s)."),
    "missing_field": N_("Champ obligatoire « %(field)s » manquant."),
    "not_text": N_("« %(field)s » doit être un texte (entre guillemets s'il commence par un nombre ou vaut "
                   "oui/non)."),
    "empty_text": N_("« %(field)s » est vide."),
    "too_long": N_("« %(field)s » est trop long : %(max)s caractères au plus."),
    "not_whole_number": N_("« %(field)s » doit être un nombre entier."),
    "out_of_range": N_("« %(field)s » doit être compris entre %(min)s et %(max)s."),
    "not_yes_no": N_("« %(field)s » doit valoir true ou false."),
    "bad_requires": N_("« requires » est une liste parmi course_done et previous_tier."),
    "bad_key": N_("Identifiant « %(key)s » invalide : lettres minuscules, chiffres et tirets, %(max)s caractères "
                  "au plus (par exemple maree-coefficient)."),
    "duplicate_key": N_("Identifiant « %(key)s » déjà utilisé (%(other)s) : chaque question a le sien."),
    "unknown_type": N_("Type inconnu « %(type)s » (types possibles : %(allowed)s)."),
    "bad_tiers": N_("« tiers » est une liste de numéros de niveau, par exemple [1] ou [2, 3]."),
    "unknown_tier": N_("Niveau %(number)s inconnu : ce cours n'a pas ce niveau (voir son tiers.yml)."),
    "bad_audiences": N_("« audiences » est une liste parmi child, teen, adult, sans doublon."),
    "bad_lesson": N_("« lesson » est le nom d'une leçon du cours (son dossier sans « NN- »)."),
    "unknown_lesson": N_("Leçon « %(lesson)s » inconnue dans ce cours (leçons : %(allowed)s)."),
    "bad_tags": N_("« tags » est une liste de mots courts."),
}, content_files.MESSAGES, types.MESSAGES, markdown.MESSAGES)


def bank_problem(path: Path | None, line: int | None, code: str, params: Mapping[str, Any] | None = None, *,
                 index: int | None = None, key: str | None = None) -> Problem:
    """A problem in a bank: ``path:line: message``. ``index``: position of the question in the
    list given to ``import_questions``; ``key``: the question's id, when known."""
    return MESSAGES.problem(code, params, file=path, line=line, index=index, key=key)


# The former name, kept until quizzes/services.py calls ``bank_problem``.
BankProblem = bank_problem


# --- images ------------------------------------------------------------------------------------


# Kept for quizzes/services.py (images inside an uploaded bank).
ImageFile = content_files.ImageFile


class ImageFolder:
    """Resolves ``images/x.png`` inside one quiz folder; each file is checked once."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.check = content_files.ImageCache()
        self.used: dict[str, ImageFile] = {}

    def __call__(self, src: str) -> dict:
        image = self.file(src)
        return image.ref

    def file(self, src: str) -> ImageFile:
        if not IMAGE_PATH.fullmatch(src):
            raise types.ImageUnavailable("image_bad_name")
        found = self.check(self.folder / src)
        if isinstance(found, str):
            raise types.ImageUnavailable(found)
        self.used[found.sha256] = found
        return found


# --- one question ----------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionSpec:
    """One question, checked and ready to store as a version."""

    key: str
    type: str
    tiers: list[int]
    audiences: list[str]
    lesson: str | None
    tags: list[str]
    prompt_markdown: str
    prompt_html: str
    explanation_markdown: str
    explanation_html: str
    definition: dict
    source_hash: str
    line: int | None = None
    path: Path | None = None


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _markdown(raw: Mapping, name: str, images: Callable[[str], dict] | None, found: list) -> tuple[str, str]:
    """(Markdown with images as media references, sanitised HTML); problems into ``found``
    as (path, code, params, line within the text)."""
    text = raw.get(name)
    if text is None:
        text = ""
    if not isinstance(text, str):
        found.append(((name,), "not_text", {"field": name}, None))
        return "", ""
    text = text.strip()
    if len(text) > PROMPT_MAX:
        found.append(((name,), "too_long", {"field": name, "max": PROMPT_MAX}, None))
        return "", ""
    replacements = {}
    for source in markdown.image_sources(text):
        if source.src in replacements or markdown.parse_media_ref(source.src):
            continue
        if images is None:
            found.append(((name,), "images_not_supported", {}, source.line))
            continue
        try:
            ref = images(source.src)
        except types.ImageUnavailable as error:
            found.append(((name,), error.code, {"src": source.src[:80]}, source.line))
            continue
        replacements[source.src] = markdown.media_ref(ref["sha256"], ref["ext"])
    if replacements:
        text = markdown.replace_image_sources(text, replacements)
    rendered = markdown.render(text)
    for problem in rendered.problems:
        found.append(((name,), problem.code, dict(problem.params), problem.line))
    return text, rendered.html


def source_hash(spec: Mapping[str, Any]) -> str:
    canonical = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def build_question(raw: Any, *, tier_numbers: set[int] | None, lesson_slugs: set[str] | None,
                   images: Callable[[str], dict] | None, require_lesson: bool = True,
                   path: Path | None = None) -> tuple[QuestionSpec | None, list[Problem]]:
    """Check one question written in the YAML shape; ``(spec, [])`` or ``(None, problems)``.

    ``tier_numbers`` / ``lesson_slugs``: what the course has (``None``: not checked).
    ``images``: resolves an image path to a stored-image reference (``None``: no images)."""
    line = getattr(raw, "line", None) or None
    if not isinstance(raw, Mapping):
        return None, [bank_problem(path, line, "question_not_mapping")]
    found: list[tuple] = []  # (path in the question, code, params, line within a Markdown text)
    duplicates = [bank_problem(path, key_line, "duplicate_field", {"field": str(name)})
                  for name, key_line in getattr(raw, "duplicates", [])]
    for required in ("id", "type", "tiers", "audiences", "prompt"):
        if required not in raw:
            found.append(((), "missing_field", {"field": required}, None))
    if require_lesson and "lesson" not in raw:
        found.append(((), "missing_field", {"field": "lesson"}, None))

    key = raw.get("id")
    if "id" in raw and (not isinstance(key, str) or not KEY.fullmatch(key) or len(key) > KEY_MAX):
        found.append((("id",), "bad_key", {"key": str(key)[:80], "max": KEY_MAX}, None))
        key = None
    type_name = raw.get("type")
    kind = types.REGISTRY.get(type_name) if isinstance(type_name, str) else None
    if "type" in raw and kind is None:
        found.append((("type",), "unknown_type", {"type": str(type_name)[:40], "allowed": ", ".join(types.names())},
                      None))
    allowed = types.COMMON_FIELDS | (kind.fields if kind else frozenset())
    if kind is not None:
        for name in raw:
            if name not in allowed:
                found.append(((name,), "unknown_field", {"field": name, "allowed": ", ".join(sorted(allowed))},
                              None))

    tiers = raw.get("tiers")
    if "tiers" in raw:
        if (not isinstance(tiers, list) or not tiers or len(set(map(repr, tiers))) != len(tiers)
                or not all(isinstance(t, int) and not isinstance(t, bool) and t > 0 for t in tiers)):
            found.append((("tiers",), "bad_tiers", {}, None))
        elif tier_numbers is not None:
            for number in tiers:
                if number not in tier_numbers:
                    found.append((("tiers",), "unknown_tier", {"number": number}, None))
    audiences = raw.get("audiences")
    if "audiences" in raw and (
            not isinstance(audiences, list) or not audiences or len(set(map(repr, audiences))) != len(audiences)
            or not all(isinstance(a, str) and age_groups.is_group(a) for a in audiences)):
        found.append((("audiences",), "bad_audiences", {}, None))
    lesson = raw.get("lesson")
    if lesson is not None:
        if not isinstance(lesson, str) or not SLUG.fullmatch(lesson):
            found.append((("lesson",), "bad_lesson", {}, None))
        elif lesson_slugs is not None and lesson not in lesson_slugs:
            found.append((("lesson",), "unknown_lesson",
                          {"lesson": lesson, "allowed": ", ".join(sorted(lesson_slugs)) or "—"}, None))
    tags = raw.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) and t.strip() and len(t) <= TAG_MAX for t in tags):
        found.append((("tags",), "bad_tags", {}, None))
        tags = []

    prompt_md, prompt_html = _markdown(raw, "prompt", images, found)
    if "prompt" in raw and isinstance(raw.get("prompt"), str) and not raw["prompt"].strip():
        found.append((("prompt",), "empty_text", {"field": "prompt"}, None))
    explanation_md, explanation_html = _markdown(raw, "explanation", images, found)

    definition: dict = {}
    if kind is not None:
        definition, type_problems = kind.build(raw, key or "", images)
        found += [(p.path, p.code, dict(p.params), None) for p in type_problems]

    if found or duplicates:
        problems = list(duplicates)
        for where, code, params, text_line in found:
            at = line_of(raw, where) if where else line
            if text_line is not None and where and isinstance(raw, LineDict) and where[0] in raw.value_lines:
                at = raw.value_lines[where[0]] + text_line - 1
            problems.append(bank_problem(path, at, code, params, key=key if isinstance(key, str) else None))
        return None, sorted(problems, key=lambda problem: problem.line or 0)

    tags = [" ".join(t.split()) for t in tags]
    content = {"type": type_name, "tiers": sorted(tiers), "audiences": age_groups.ordered(audiences),
               "lesson": lesson, "tags": tags, "prompt": prompt_md, "explanation": explanation_md,
               "definition": definition}
    spec = QuestionSpec(key=key, type=type_name, tiers=content["tiers"], audiences=content["audiences"],
                        lesson=lesson, tags=tags, prompt_markdown=prompt_md, prompt_html=prompt_html,
                        explanation_markdown=explanation_md, explanation_html=explanation_html,
                        definition=definition, source_hash=source_hash(content), line=line, path=path)
    return spec, []


# --- tiers -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierSpec:
    number: int
    name: str
    questions_per_attempt: int
    pass_mark: int
    time_limit_seconds: int | None
    max_attempts: int | None
    cooldown_seconds: int
    show_answers: bool
    requires_course_done: bool
    requires_previous_tier: bool

    @property
    def source_hash(self) -> str:
        return source_hash({name: getattr(self, name) for name in self.__dataclass_fields__})


def _whole(value: Any, name: str, low: int, high: int, problems: list, where) -> int | None:
    if not isinstance(value, int) or isinstance(value, bool):
        problems.append(where(name, "not_whole_number", {"field": name}))
        return None
    if not low <= value <= high:
        problems.append(where(name, "out_of_range", {"field": name, "min": low, "max": high}))
        return None
    return value


def read_tiers(path: Path, problems: list[Problem]) -> list[TierSpec] | None:
    data = read_yaml(path, problems)
    if data is None and problems:
        return None
    if not isinstance(data, LineDict) or not isinstance(data.get("tiers"), list) or set(data) != {"tiers"}:
        problems.append(bank_problem(path, getattr(data, "line", None) or 1, "tiers_not_list"))
        return None
    if not data["tiers"]:
        problems.append(bank_problem(path, data.lines.get("tiers"), "no_tier"))
        return None
    tiers: list[TierSpec] = []
    seen: set[int] = set()
    before = len(problems)
    for index, raw in enumerate(data["tiers"]):
        if not isinstance(raw, LineDict):
            problems.append(bank_problem(path, data["tiers"].lines[index], "tier_not_mapping"))
            continue

        def where(name, code, params=None, raw=raw):
            return bank_problem(path, raw.lines.get(name, raw.line), code, params or {})

        for key, line in raw.duplicates:
            problems.append(bank_problem(path, line, "duplicate_field", {"field": key}))
        for name in raw:
            if name not in TIER_FIELDS:
                problems.append(where(name, "unknown_field", {"field": name, "allowed": ", ".join(TIER_FIELDS)}))
        for name in ("number", "name", "questions_per_attempt", "pass_mark"):
            if name not in raw:
                problems.append(where(name, "missing_field", {"field": name}))
        number = _whole(raw.get("number"), "number", 1, 99, problems, where) if "number" in raw else None
        if number is not None:
            if number in seen:
                problems.append(where("number", "duplicate_tier", {"number": number}))
            seen.add(number)
        name = raw.get("name")
        if "name" in raw:
            if not isinstance(name, str):
                problems.append(where("name", "not_text", {"field": "name"}))
            elif not name.strip():
                problems.append(where("name", "empty_text", {"field": "name"}))
            elif len(name) > TIER_NAME_MAX:
                problems.append(where("name", "too_long", {"field": "name", "max": TIER_NAME_MAX}))
        count = _whole(raw.get("questions_per_attempt"), "questions_per_attempt", 1, 100, problems, where) \
            if "questions_per_attempt" in raw else None
        mark = _whole(raw.get("pass_mark"), "pass_mark", 1, 100, problems, where) if "pass_mark" in raw else None
        limit = raw.get("time_limit_minutes")
        if limit is not None:
            limit = _whole(limit, "time_limit_minutes", 1, 600, problems, where)
        max_attempts = raw.get("max_attempts")
        if max_attempts is not None:
            max_attempts = _whole(max_attempts, "max_attempts", 1, 100, problems, where)
        cooldown = _whole(raw.get("cooldown_minutes", 0), "cooldown_minutes", 0, 365 * 24 * 60, problems, where)
        show = raw.get("show_answers", True)
        if not isinstance(show, bool):
            problems.append(where("show_answers", "not_yes_no", {"field": "show_answers"}))
        requires = raw.get("requires", list(REQUIREMENTS))
        if requires is None:
            requires = []
        if not isinstance(requires, list) or not all(isinstance(r, str) and r in REQUIREMENTS for r in requires):
            problems.append(where("requires", "bad_requires"))
            requires = []
        if len(problems) == before:
            tiers.append(TierSpec(number=number, name=name.strip(), questions_per_attempt=count, pass_mark=mark,
                                  time_limit_seconds=limit * 60 if limit else None, max_attempts=max_attempts,
                                  cooldown_seconds=cooldown * 60, show_answers=show,
                                  requires_course_done="course_done" in requires,
                                  requires_previous_tier="previous_tier" in requires))
    if len(problems) > before:
        return None
    return sorted(tiers, key=lambda t: t.number)


# --- a bank ------------------------------------------------------------------------------------


@dataclass
class BankSource:
    """One course's quiz folder, read and checked."""

    slug: str
    path: Path
    tiers: list[TierSpec]
    questions: list[QuestionSpec]
    images: list[ImageFile]


@dataclass
class Reading:
    banks: list[BankSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0


def _looks_like_bank(folder: Path) -> bool:
    return (folder / TIERS_FILE).is_file() or (folder / QUESTIONS_FOLDER).is_dir()


def _visible_dirs(folder: Path) -> list[Path]:
    return sorted(entry for entry in folder.iterdir() if entry.is_dir() and not entry.name.startswith((".", "_")))


def bank_folders(path: Path | None, default: Path) -> list[Path]:
    """The quiz folders PATH designates: one quiz folder, a folder of them (``quizzes/``), or a
    content folder holding ``quizzes/``. ``None``: the repository's ``quizzes/``."""
    if path is None:
        path = default
    if not path.is_dir():
        return []
    if _looks_like_bank(path):
        return [path]
    if (path / "quizzes").is_dir():
        path = path / "quizzes"
    return [folder for folder in _visible_dirs(path) if _looks_like_bank(folder)]


def count_files(folders: list[Path]) -> int:
    return sum(1 + len(list((folder / QUESTIONS_FOLDER).glob("*.yml"))) for folder in folders)


def read_bank(folder: Path, *, lesson_slugs: set[str] | None, reading: Reading,
              tick: Callable[[Path], None] = lambda _path: None) -> BankSource | None:
    """Read and check one quiz folder. ``lesson_slugs``: the course's lessons (None: unknown
    course, reported by the caller)."""
    problems = reading.problems
    before = len(problems)
    tiers_path = folder / TIERS_FILE
    tiers: list[TierSpec] | None = None
    if not tiers_path.is_file():
        problems.append(bank_problem(tiers_path, None, "missing_tiers_file"))
    else:
        reading.files += 1
        tiers = read_tiers(tiers_path, problems)
        tick(tiers_path)
    numbers = {t.number for t in tiers} if tiers is not None else None
    images = ImageFolder(folder)
    questions: list[QuestionSpec] = []
    seen: dict[str, str] = {}
    for question_file in sorted((folder / QUESTIONS_FOLDER).glob("*.yml")):
        reading.files += 1
        data = read_yaml(question_file, problems)
        tick(question_file)
        if data is None:
            if not problems or problems[-1].path != question_file:
                problems.append(bank_problem(question_file, 1, "questions_not_list"))
            continue
        if not isinstance(data, LineList):
            problems.append(bank_problem(question_file, getattr(data, "line", 1) or 1, "questions_not_list"))
            continue
        for raw in data:
            spec, found = build_question(raw, tier_numbers=numbers, lesson_slugs=lesson_slugs, images=images,
                                         path=question_file)
            problems.extend(found)
            if spec is None:
                continue
            where = f"{question_file.name}:{spec.line}"
            if spec.key in seen:
                problems.append(bank_problem(question_file, spec.line, "duplicate_key",
                                            {"key": spec.key, "other": seen[spec.key]}, key=spec.key))
                continue
            seen[spec.key] = where
            questions.append(spec)
    if len(problems) > before or tiers is None:
        return None
    return BankSource(slug=folder.name, path=folder, tiers=tiers, questions=questions,
                      images=list(images.used.values()))


def read_banks(folders: list[Path], courses: Mapping[str, set[str]],
               tick: Callable[[Path], None] = lambda _path: None) -> Reading:
    """Read every quiz folder; ``courses``: known course slug → its lesson slugs."""
    reading = Reading()
    for folder in folders:
        lessons = courses.get(folder.name)
        if not SLUG.fullmatch(folder.name):
            reading.problems.append(bank_problem(folder, None, "bad_folder", {"name": folder.name}))
        elif lessons is None:
            reading.problems.append(bank_problem(folder, None, "unknown_course", {"slug": folder.name}))
        bank = read_bank(folder, lesson_slugs=lessons, reading=reading, tick=tick)
        if bank is not None and lessons is not None:
            reading.banks.append(bank)
    return reading


# --- the `learnapp content load` hook ---------------------------------------------------------


def load_quizzes(context):
    """``learnapp content load``: read and check the quiz folders (phase 1, nothing written);
    the returned ``Prepared.apply`` writes them (phase 2, flush only)."""
    from learnapp.quizzes import bank_import

    folders = bank_folders(context.path, context.root / "quizzes")
    if not folders:
        return None
    courses = bank_import.known_courses()
    if "courses" in context.prepared:  # courses read in this same run, imported just before
        courses.update(course_lessons_on_disk(context.folder("courses")))
    with context.progress(translate(N_("Lecture des quiz")), count_files(folders)) as advance:
        reading = read_banks(folders, courses, tick=advance)
    for bank in list(reading.banks):
        kept = bank_import.removed_tiers_with_attempts(bank.slug, {tier.number for tier in bank.tiers})
        for number in kept:
            reading.problems.append(bank_problem(bank.path / TIERS_FILE, None, "tier_has_attempts", {"number": number}))
        if kept:
            reading.banks.remove(bank)
    return content_packs.Prepared(name="quizzes", files=reading.files, problems=reading.problems,
                                  apply=lambda: bank_import.import_banks(reading.banks, context.now).lines())


def course_lessons_on_disk(path: Path) -> dict[str, set[str]]:
    """Course slug → lesson slugs, for the course folders (with course.yml) under ``path``."""
    from learnapp.courses.loader import COURSE_FILE, LESSON_FOLDER, course_folders

    found: dict[str, set[str]] = {}
    if not path.is_dir():
        return found
    _root, folders = course_folders(path)
    for folder in folders:
        if (folder / COURSE_FILE).is_file():
            found[folder.name] = {match.group(2) for entry in _visible_dirs(folder)
                                  if (match := LESSON_FOLDER.fullmatch(entry.name))}
    return found
