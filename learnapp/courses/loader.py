"""Reading a courses content pack (docs/content-format.md) into plain dataclasses.

Everything is checked here, before anything is written: the course files, every lesson text,
every image. :func:`read_pack` never raises on bad content; it returns every problem found, each
with its file and line. No database and no Flask app are needed: importing what was read is
:func:`learnapp.courses.pack_import.import_pack`'s job.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from learnapp.core import age_groups, content_files, markdown
from learnapp.core.content_files import ImageFile
from learnapp.core.problems import N_, Messages, Problem
from learnapp.courses import safety

COURSE_FILE = "course.yml"
SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
SLUG_MAX = 80
LESSON_FOLDER = re.compile(r"(\d{2})-([a-z0-9]+(?:-[a-z0-9]+)*)")
IMAGE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:png|jpe?g|gif|webp)", re.IGNORECASE)
TITLE_MAX = 200
SUMMARY_MAX = 2000
ALT_MAX = 300
SENTENCE_MAX = 300
CREDIT_MAX = 1000
# A lesson text's Markdown body, in characters: three times the longest lesson of the pack
# (about 6,000), and small enough that the costliest text to render (a body of « [ » or « ![ »)
# takes about a second: the editor previews as staff type. Checked before anything parses it.
BODY_MAX = 20_000
MINUTES_RANGE = (1, 120)
ORDER_RANGE = (0, 9999)
COURSE_FIELDS = ("title", "summary", "cover", "order", "audiences", "published", "credits")
LESSON_FIELDS = ("title", "minutes", "objectives", "key_facts")

MESSAGES = Messages({
    "path_not_found": N_("Dossier introuvable."),
    "not_a_folder": N_("Ce n'est pas un dossier : donnez le dossier des cours ou celui d'un cours."),
    "missing_course_file": N_("Fichier course.yml manquant : chaque dossier de cours en a un."),
    "bad_course_folder": N_("Nom de dossier de cours invalide « %(name)s » : lettres minuscules, chiffres et "
                            "tirets (par exemple granville-terre-et-mer)."),
    "bad_lesson_folder": N_("Nom de dossier de leçon invalide « %(name)s » : écrivez NN-nom, par exemple "
                            "01-les-marees."),
    "duplicate_lesson_slug": N_("Leçon « %(slug)s » en double (aussi dans %(other)s) : chaque leçon a un nom "
                                "unique dans le cours."),
    "duplicate_lesson_number": N_("Numéro %(number)s en double (aussi dans %(other)s) : chaque leçon a son "
                                  "propre numéro."),
    "course_without_lessons": N_("Cours sans leçon : ajoutez un dossier 01-nom contenant un texte."),
    "lesson_without_text": N_("Leçon sans texte : ajoutez child.md, teen.md ou adult.md."),
    "unknown_age_group": N_("Groupe d'âge inconnu « %(name)s » : les textes s'appellent child.md, teen.md "
                            "ou adult.md."),
    "audience_not_in_course": N_("Texte pour « %(audience)s », mais le cours n'est pas écrit pour ce groupe "
                                 "(voir audiences dans course.yml)."),
    "not_a_mapping": N_("Les champs s'écrivent « nom: valeur », un par ligne."),
    "duplicate_field": N_("Champ « %(field)s » écrit deux fois."),
    "unknown_field": N_("Champ inconnu « %(field)s » (champs possibles : %(allowed)s)."),
    "missing_field": N_("Champ obligatoire « %(field)s » manquant."),
    "not_text": N_("« %(field)s » doit être un texte (mettez-le entre guillemets s'il ressemble à un nombre, "
                   "une date ou à true, false, yes, no)."),
    "empty_text": N_("« %(field)s » est vide."),
    "too_long": N_("« %(field)s » est trop long : %(max)s caractères au plus."),
    "not_whole_number": N_("« %(field)s » doit être un nombre entier."),
    "out_of_range": N_("« %(field)s » doit être compris entre %(min)s et %(max)s."),
    "not_list_of_text": N_("« %(field)s » doit être une liste de phrases courtes, une par ligne commençant "
                           "par « - »."),
    "sentence_with_colon": N_("Une phrase de « %(field)s » contient « : » suivi d'un espace : mettez-la entre "
                              "guillemets, par exemple - \"Urgence : 112\"."),
    "not_yes_no": N_("« %(field)s » doit valoir true ou false."),
    "bad_audiences": N_("« audiences » doit être une liste parmi child, teen, adult, sans doublon."),
    "bad_cover": N_("« cover » doit contenir « image » (un fichier à côté de course.yml) et « alt » (sa "
                    "description)."),
    "empty_body": N_("Le texte de la leçon est vide."),
    "image_bad_name": N_("Image « %(src)s » : donnez le nom d'un fichier placé à côté du texte (lettres, "
                         "chiffres, tirets ; .png, .jpg, .gif ou .webp)."),
    "image_missing": N_("Image « %(src)s » introuvable dans %(folder)s."),
    "safety_rule_unknown": N_("Consigne « %(name)s » introuvable dans _consignes/ (consignes du cours : "
                              "%(known)s)."),
    "safety_rule_by_hand": N_("Une consigne de sécurité ne s'écrit pas dans le texte : mettez-la dans "
                              "_consignes/nom.md et incluez-la par une ligne {{consigne nom}}."),
    "safety_rules_differ": N_("Les textes de cette leçon n'incluent pas les mêmes consignes de sécurité "
                              "(%(details)s) : chaque âge inclut chaque consigne."),
}, content_files.MESSAGES, markdown.MESSAGES)


def load_problem(path: Path, line: int | None, code: str, params: Mapping[str, Any] | None = None) -> Problem:
    """A problem in a file: ``path:line: message`` (line None: the whole file or folder)."""
    return MESSAGES.problem(code, params, file=path, line=line)


def field_problem(name: str, code: str, params: Mapping[str, Any] | None = None) -> Problem:
    """A problem with one field's value; the browser editor shows it next to the field."""
    return MESSAGES.problem(code, {"field": name, **(params or {})}, field=name)


# --- what a pack holds ----------------------------------------------------------------------


@dataclass(frozen=True)
class LessonText:
    audience: str
    path: Path
    title: str
    minutes: int
    objectives: list[str]
    key_facts: list[str]
    # Images named by their media reference (``media:<sha256>.<ext>``), as stored.
    body_markdown: str
    images: list[ImageFile]


@dataclass
class LessonSource:
    slug: str
    position: int
    path: Path
    texts: dict[str, LessonText] = field(default_factory=dict)


@dataclass
class CourseSource:
    slug: str
    path: Path
    title: str
    summary: str
    cover: ImageFile | None
    cover_alt: str
    position: int
    audiences: list[str]
    published: bool
    # Image credits and sources: stored, shown on the course page, exported again.
    credits: list[str] = field(default_factory=list)
    lessons: list[LessonSource] = field(default_factory=list)


@dataclass
class Pack:
    """What :func:`read_pack` found; import it only when ``problems`` is empty."""

    root: Path | None
    courses: list[CourseSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


# --- field checks (shared with the browser editor) ----------------------------------------------


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def check_text(name: str, value: Any, *, maximum: int, required: bool = True) -> list[Problem]:
    if value is None and not required:
        return []
    if not isinstance(value, str):
        return [field_problem(name, "not_text")]
    if required and not value.strip():
        return [field_problem(name, "empty_text")]
    if len(value) > maximum:
        return [field_problem(name, "too_long", {"max": maximum})]
    return []


def check_whole_number(name: str, value: Any, bounds: tuple[int, int]) -> list[Problem]:
    if not _is_whole_number(value):
        return [field_problem(name, "not_whole_number")]
    if not bounds[0] <= value <= bounds[1]:
        return [field_problem(name, "out_of_range", {"min": bounds[0], "max": bounds[1]})]
    return []


def check_sentences(name: str, value: Any, *, maximum: int = SENTENCE_MAX) -> list[Problem]:
    """A list of short texts. A problem with one item carries its ``index``."""
    if value is None:
        return []
    if not isinstance(value, list):
        return [field_problem(name, "not_list_of_text")]
    for index, item in enumerate(value):
        if isinstance(item, dict):  # "- Urgence : 112" reads as a mapping in YAML
            return [field_problem(name, "sentence_with_colon", {"index": index})]
        if not isinstance(item, str) or not item.strip():
            return [field_problem(name, "not_list_of_text", {"index": index})]
        if len(item) > maximum:
            return [field_problem(name, "too_long", {"max": maximum, "index": index})]
    return []


def check_lesson_fields(*, title: Any, minutes: Any, objectives: Any = None,
                        key_facts: Any = None) -> list[Problem]:
    """The front matter rules of a lesson text (the editor's form uses them too)."""
    return [*check_text("title", title, maximum=TITLE_MAX),
            *check_whole_number("minutes", minutes, MINUTES_RANGE),
            *check_sentences("objectives", objectives),
            *check_sentences("key_facts", key_facts)]


def check_audiences(value: Any) -> list[Problem]:
    if (not isinstance(value, list) or not value or len(set(value)) != len(value)
            or not all(isinstance(item, str) and age_groups.is_group(item) for item in value)):
        return [field_problem("audiences", "bad_audiences")]
    return []


# --- reading YAML with line numbers -------------------------------------------------------------


@dataclass
class _Fields:
    values: dict[str, Any]
    lines: dict[str, int]  # field → line of its key in the file
    nodes: dict[str, yaml.Node]  # field → its value's node (lines of list items)
    first_line: int

    def line_of(self, problem: Problem, default: int) -> int:
        node = self.nodes.get(problem.field)
        index = problem.params.get("index")
        if isinstance(node, yaml.SequenceNode) and isinstance(index, int) and index < len(node.value):
            return self.first_line + node.value[index].start_mark.line
        return self.lines.get(problem.field, default)


def _read_fields(text: str, path: Path, first_line: int, allowed: tuple[str, ...],
                 problems: list[Problem]) -> _Fields | None:
    """Parse a YAML mapping; ``first_line`` is the file line of the text's first line."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        values = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problems.append(content_files.yaml_problem(error, path, first_line))
        return None
    if not isinstance(node, yaml.MappingNode) or not isinstance(values, dict):
        problems.append(load_problem(path, first_line, "not_a_mapping"))
        return None
    lines: dict[str, int] = {}
    nodes: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        nodes.setdefault(key, value_node)
        line = first_line + key_node.start_mark.line
        if key in lines:
            problems.append(load_problem(path, line, "duplicate_field", {"field": key}))
        elif key not in allowed:
            problems.append(load_problem(path, line, "unknown_field",
                                        {"field": key, "allowed": ", ".join(allowed)}))
        lines.setdefault(key, line)
    return _Fields(values={str(key): value for key, value in values.items()}, lines=lines, nodes=nodes,
                   first_line=first_line)


def _field_problems(path: Path, fields: _Fields, found: list[Problem], *, default_line: int,
                    problems: list[Problem]) -> None:
    for problem in found:
        problems.append(problem.at(file=path, line=fields.line_of(problem, default_line)))


def _read_text_file(path: Path, problems: list[Problem]) -> str | None:
    text = content_files.read_text(path)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    return text


# --- images ---------------------------------------------------------------------------------


class _Images:
    """Each image file is checked once per reading, however many texts use it."""

    def __init__(self):
        self.check = content_files.ImageCache()

    def load(self, folder: Path, src: str, where: Path, line: int | None,
             problems: list[Problem]) -> ImageFile | None:
        if not IMAGE_NAME.fullmatch(src):
            problems.append(load_problem(where, line, "image_bad_name", {"src": src[:80]}))
            return None
        found = self.check(folder / src)
        if isinstance(found, str):
            params = {"src": src, "folder": f"{folder.name}/"}
            problems.append(load_problem(where, line, found, params))
            return None
        return found


# --- the pack -------------------------------------------------------------------------------


def _visible_dirs(folder: Path) -> list[Path]:
    return sorted(entry for entry in folder.iterdir()
                  if entry.is_dir() and not entry.name.startswith((".", "_")))


def _looks_like_course(folder: Path) -> bool:
    return (folder / COURSE_FILE).is_file() or any(
        LESSON_FOLDER.fullmatch(entry.name) for entry in _visible_dirs(folder))


def course_folders(path: Path) -> tuple[Path, list[Path]]:
    """The course folders a PATH designates: a course folder (with course.yml), a folder of
    course folders, or a content folder holding ``courses/``. Returns (root, folders)."""
    if _looks_like_course(path):
        return path.parent, [path]
    if (path / "courses").is_dir() and not (path / "courses" / COURSE_FILE).exists():
        path = path / "courses"
    return path, _visible_dirs(path)


def count_files(path: Path) -> int:
    """How many files :func:`read_pack` reads (course.yml and texts), for a progress bar."""
    if not path.is_dir():
        return 0
    _root, folders = course_folders(path)
    return sum(1 + sum(1 for lesson in _visible_dirs(folder) for _ in lesson.glob("*.md"))
               for folder in folders)


def read_pack(path: Path, *, on_file: Callable[[Path], None] | None = None) -> Pack:
    """Read and check every course under ``path``; ``on_file`` is called after each file."""
    path = Path(path)
    if not path.exists():
        return Pack(root=path, problems=[load_problem(path, None, "path_not_found")])
    if not path.is_dir():
        return Pack(root=path, problems=[load_problem(path, None, "not_a_folder")])
    root, folders = course_folders(path)
    reading = Pack(root=root)
    images = _Images()
    tick = on_file or (lambda _path: None)
    for folder in folders:
        course = _read_course(folder, images, reading, tick)
        if course is not None:
            reading.courses.append(course)
    return reading


def _read_course(folder: Path, images: _Images, reading: Pack, tick) -> CourseSource | None:
    problems = reading.problems
    slug_ok = bool(SLUG.fullmatch(folder.name)) and len(folder.name) <= SLUG_MAX
    if not slug_ok:
        problems.append(load_problem(folder, None, "bad_course_folder", {"name": folder.name}))
    course_file = folder / COURSE_FILE
    course = None
    if not course_file.is_file():
        problems.append(load_problem(course_file, None, "missing_course_file"))
    else:
        reading.files += 1
        course = _read_course_file(course_file, folder, images, problems)
        tick(course_file)
    lessons = _read_lessons(folder, course.audiences if course else list(age_groups.ALL), images, reading,
                            tick)
    if course is None or not slug_ok:
        return None
    if not lessons:
        problems.append(load_problem(course_file, None, "course_without_lessons"))
    course.lessons = lessons
    return course


def _read_course_file(path: Path, folder: Path, images: _Images,
                      problems: list[Problem]) -> CourseSource | None:
    text = _read_text_file(path, problems)
    if text is None:
        return None
    fields = _read_fields(text, path, 1, COURSE_FIELDS, problems)
    if fields is None:
        return None
    values = fields.values
    found: list[Problem] = []
    if "title" not in values:
        found.append(field_problem("title", "missing_field"))
    else:
        found += check_text("title", values["title"], maximum=TITLE_MAX)
    summary = values.get("summary", "")
    found += check_text("summary", summary, maximum=SUMMARY_MAX, required=False)
    order = values.get("order", 0)
    found += check_whole_number("order", order, ORDER_RANGE)
    audiences = values.get("audiences", list(age_groups.ALL))
    found += check_audiences(audiences)
    published = values.get("published", True)
    if not isinstance(published, bool):
        found.append(field_problem("published", "not_yes_no"))
    found += check_sentences("credits", values.get("credits"), maximum=CREDIT_MAX)
    before = len(problems)
    _field_problems(path, fields, found, default_line=1, problems=problems)

    cover, cover_alt = None, ""
    if values.get("cover") is not None:
        spec = values["cover"]
        line = fields.lines.get("cover", 1)
        if (not isinstance(spec, dict) or set(spec) - {"image", "alt"} or not isinstance(spec.get("image"), str)
                or not isinstance(spec.get("alt"), str) or not spec["alt"].strip()):
            problems.append(load_problem(path, line, "bad_cover"))
        elif len(spec["alt"]) > ALT_MAX:
            problems.append(load_problem(path, line, "too_long", {"field": "cover.alt", "max": ALT_MAX}))
        else:
            cover = images.load(folder, spec["image"], path, line, problems)
            cover_alt = spec["alt"].strip()
    if len(problems) > before:
        return None
    return CourseSource(slug=folder.name, path=folder, title=values["title"].strip(),
                        summary=(summary or "").strip(), cover=cover, cover_alt=cover_alt, position=order,
                        audiences=list(audiences), published=published,
                        credits=[" ".join(item.split()) for item in values.get("credits") or []])


def _read_lessons(folder: Path, audiences: list[str], images: _Images, reading: Pack,
                  tick) -> list[LessonSource]:
    problems = reading.problems
    lessons: list[LessonSource] = []
    by_slug: dict[str, Path] = {}
    by_number: dict[int, Path] = {}
    for lesson_folder in _visible_dirs(folder):
        match = LESSON_FOLDER.fullmatch(lesson_folder.name)
        if not match or len(match.group(2)) > SLUG_MAX:
            problems.append(load_problem(lesson_folder, None, "bad_lesson_folder", {"name": lesson_folder.name}))
            continue
        number, slug = int(match.group(1)), match.group(2)
        if slug in by_slug:
            problems.append(load_problem(lesson_folder, None, "duplicate_lesson_slug",
                                        {"slug": slug, "other": by_slug[slug].name}))
        if number in by_number:
            problems.append(load_problem(lesson_folder, None, "duplicate_lesson_number",
                                        {"number": match.group(1), "other": by_number[number].name}))
        by_slug.setdefault(slug, lesson_folder)
        by_number.setdefault(number, lesson_folder)
        lesson = LessonSource(slug=slug, position=number, path=lesson_folder)
        texts = sorted(lesson_folder.glob("*.md"))
        for text_path in texts:
            reading.files += 1
            audience = text_path.stem
            if not age_groups.is_group(audience):
                problems.append(load_problem(text_path, None, "unknown_age_group", {"name": text_path.name}))
            else:
                if audience not in audiences:
                    problems.append(load_problem(text_path, None, "audience_not_in_course", {"audience": audience}))
                text = read_lesson_text(text_path, audience, images, problems)
                if text is not None:
                    lesson.texts[audience] = text
            tick(text_path)
        if not texts:
            problems.append(load_problem(lesson_folder, None, "lesson_without_text"))
        _check_same_safety_rules(lesson, problems)
        lessons.append(lesson)
    return lessons


def _check_same_safety_rules(lesson: LessonSource, problems: list[Problem]) -> None:
    """Every age version of a lesson includes the same shared safety rules."""
    included = {audience: safety.included_rules(text.body_markdown) for audience, text in lesson.texts.items()}
    if len({frozenset(rules) for rules in included.values()}) > 1:
        details = " ; ".join(f"{audience} : {', '.join(sorted(rules)) or '—'}"
                             for audience, rules in sorted(included.items()))
        problems.append(load_problem(lesson.path, None, "safety_rules_differ", {"details": details}))


def read_lesson_text(path: Path, audience: str, images: _Images | None = None,
                     problems: list[Problem] | None = None) -> LessonText | None:
    """Read and check one lesson text; its images are looked up beside it."""
    problems = problems if problems is not None else []
    images = images or _Images()
    text = _read_text_file(path, problems)
    if text is None:
        return None
    parts = content_files.split_front_matter(text)
    if isinstance(parts, str):
        problems.append(load_problem(path, 1, parts))
        return None
    front, body, body_line = parts
    before = len(problems)
    fields = _read_fields(front, path, 2, LESSON_FIELDS, problems)
    if fields is not None:
        values = fields.values
        found = [field_problem(name, "missing_field") for name in ("title", "minutes") if name not in values]
        if "title" in values:
            found += check_text("title", values["title"], maximum=TITLE_MAX)
        if "minutes" in values:
            found += check_whole_number("minutes", values["minutes"], MINUTES_RANGE)
        found += check_sentences("objectives", values.get("objectives"))
        found += check_sentences("key_facts", values.get("key_facts"))
        _field_problems(path, fields, found, default_line=1, problems=problems)

    if not body.strip():
        problems.append(load_problem(path, body_line, "empty_body"))
    if len(body) > BODY_MAX:
        problems.append(load_problem(path, body_line, "too_long", {"field": "body", "max": BODY_MAX}))
        return None
    # Shared safety rules go in place first; lines are reported as the file has them.
    offset = body_line - 1
    expanded = safety.expand(body, safety.read_rules(path.parent.parent))
    problems.extend(load_problem(path, issue.line + offset, issue.code, issue.params) for issue in expanded.issues)
    body = expanded.text
    used: list[ImageFile] = []
    refused: set[str] = set()
    replacements: dict[str, str] = {}
    for image in markdown.image_sources(body):
        if image.src in replacements or image.src in refused:
            continue
        found_image = images.load(path.parent, image.src, path, expanded.original_line(image.line) + offset,
                                  problems)
        if found_image is None:
            refused.add(image.src)
            continue
        used.append(found_image)
        replacements[image.src] = found_image.media_ref
    stored_body = markdown.replace_image_sources(body, replacements)
    file_names = {ref: name for name, ref in reversed(replacements.items())}
    for problem in markdown.render(stored_body).problems:
        if problem.code == "image_source_not_allowed" and problem.params.get("src") in refused:
            continue  # already reported: missing, badly named or not an image
        params = dict(problem.params)
        if params.get("src") in file_names:  # name the image as the file does, not by its hash
            params["src"] = file_names[params["src"]]
        line = expanded.original_line(problem.line) + offset if problem.line else None
        problems.append(problem.at(file=path, line=line, params=params))
    if len(problems) > before or fields is None:
        return None
    values = fields.values
    return LessonText(audience=audience, path=path, title=values["title"].strip(), minutes=values["minutes"],
                      objectives=[item.strip() for item in values.get("objectives") or []],
                      key_facts=[item.strip() for item in values.get("key_facts") or []],
                      body_markdown=stored_body.strip("\n") + "\n", images=used)
