"""Reading the files of a content pack, shared by every loader (courses, quizzes, …): text files
(UTF-8, any line ends), YAML (its errors worded for a writer, with their line, and the line of
every value kept), front matter (``---`` … ``---`` before a text), image files (checked once, one
problem code per fault), and definition files (a list of keyed entries, versioned on import).

No Flask app and no database: values in, values or :class:`~learnapp.core.problems.Problem` out.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from learnapp.core import markdown
from learnapp.core.problems import N_, Messages, Problem
from learnapp.media.images import ImageError, load_image_file

MESSAGES = Messages({
    "unreadable": N_("Fichier illisible (%(error)s)."),
    "not_utf8": N_("Le fichier n'est pas en UTF-8 : enregistrez-le en UTF-8."),
    "yaml_error": N_("YAML illisible : vérifiez la syntaxe à cette ligne."),
    "yaml_colon": N_("YAML illisible : un « : » suivi d'un espace n'est pas permis ici ; mettez le "
                     "texte entre guillemets."),
    "yaml_tab": N_("YAML illisible : tabulation ; indentez avec des espaces."),
    "yaml_tag": N_("YAML illisible : les étiquettes « !… » ne sont pas permises."),
    "yaml_unclosed": N_("YAML illisible : guillemet ou crochet jamais fermé."),
    "yaml_indent": N_("YAML illisible : indentation incorrecte (alignez les champs et les « - »)."),
    "missing_front_matter": N_("En-tête manquant : le texte commence par une ligne « --- », puis les champs "
                               "(title, minutes…), puis une ligne « --- »."),
    "front_matter_not_closed": N_("En-tête jamais fermé : ajoutez une ligne « --- » après les champs."),
    "image_not_image": N_("« %(src)s » n'est pas une image lisible (PNG, JPEG, GIF ou WebP)."),
    "image_too_large": N_("Image « %(src)s » trop lourde : 5 Mo au plus."),
    "image_too_many_pixels": N_("Image « %(src)s » trop grande : 16 millions de pixels au plus."),
})

EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg"}


def read_text(path: Path) -> str | Problem:
    """The file's text (BOM dropped, line ends made ``\\n``), or the problem reading it."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return MESSAGES.problem("unreadable", {"error": error.strerror or str(error)}, file=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return MESSAGES.problem("not_utf8", file=path, line=raw[:error.start].count(b"\n") + 1)
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def split_front_matter(text: str) -> tuple[str, str, int] | str:
    """``(front matter, body, file line of the body's first line)``, or a problem code."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return "missing_front_matter"
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            return "\n".join(lines[1:index]), "\n".join(lines[index + 1:]), index + 2
    return "front_matter_not_closed"


_YAML_PROBLEMS = (  # PyYAML's English reason → our code
    ("mapping values are not allowed", "yaml_colon"),
    ("character '\\t'", "yaml_tab"),
    ("constructor for the tag", "yaml_tag"),
    ("end of stream", "yaml_unclosed"),
    ("<stream end>", "yaml_unclosed"),
    ("expected <block end>", "yaml_indent"),
    ("expected key", "yaml_indent"),
    ("expected ':'", "yaml_indent"),
)


def yaml_problem(error: yaml.YAMLError, path: Path, first_line: int = 1) -> Problem:
    """PyYAML's error as a problem in the writer's words, at its line (``first_line``: the file
    line of the YAML text's first line)."""
    reason = f"{getattr(error, 'problem', '')} {getattr(error, 'context', '')}"
    code = next((code for text, code in _YAML_PROBLEMS if text in reason), "yaml_error")
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    return MESSAGES.problem(code, file=path, line=first_line + mark.line if mark is not None else first_line)


# --- YAML with line numbers ------------------------------------------------------------------


class LineDict(dict):
    """A mapping read from YAML, remembering the line (from 1) of itself and of each key."""

    line: int = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines: dict[Any, int] = {}
        self.value_lines: dict[Any, int] = {}  # line where a value's text starts
        self.duplicates: list[tuple[Any, int]] = []


class LineList(list):
    line: int = 0

    def __init__(self, *args):
        super().__init__(*args)
        self.lines: list[int] = []


class _LineLoader(yaml.SafeLoader):
    pass


def _construct_map(loader: _LineLoader, node: yaml.MappingNode):
    data = LineDict()
    data.line = node.start_mark.line + 1
    yield data
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, str | int | float | bool):
            key = str(key)
        line = key_node.start_mark.line + 1
        if key in data:
            data.duplicates.append((key, line))
        data[key] = loader.construct_object(value_node, deep=True)
        data.lines[key] = line
        block = isinstance(value_node, yaml.ScalarNode) and value_node.style in ("|", ">")
        data.value_lines[key] = value_node.start_mark.line + 1 + (1 if block else 0)


def _construct_seq(loader: _LineLoader, node: yaml.SequenceNode):
    data = LineList()
    data.line = node.start_mark.line + 1
    yield data
    for item in node.value:
        data.append(loader.construct_object(item, deep=True))
        data.lines.append(item.start_mark.line + 1)


_LineLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


def read_yaml(path: Path, problems: list[Problem]) -> Any:
    """The file's data (LineDict / LineList inside), or ``None`` after reporting a problem."""
    text = read_text(path)
    if isinstance(text, Problem):
        problems.append(text)
        return None
    try:
        return yaml.load(text, Loader=_LineLoader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as error:
        problems.append(yaml_problem(error, path))
        return None


def line_of(data: Any, path: tuple) -> int | None:
    """The line of the deepest part of ``data`` that ``path`` (keys and indexes) reaches."""
    line = getattr(data, "line", None) or None
    node = data
    for step in path:
        if isinstance(node, LineDict) and step in node:
            line = node.lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.lines[step]
            node = node[step]
        else:
            break
        inner = getattr(node, "line", None)
        if inner and not isinstance(node, LineList):
            line = inner
    return line


# --- images ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageFile:
    """An image file checked by :func:`check_image`; ``raw`` is stored, cleaned again, at import."""

    filename: str
    raw: bytes
    sha256: str  # of the cleaned image: its MediaAsset's key
    extension: str
    width: int
    height: int
    path: Path | None = None  # None: not from a file (an image inside an uploaded bank)

    @property
    def media_ref(self) -> str:
        """How a stored text names it: ``media:<sha256>.<ext>``."""
        return markdown.media_ref(self.sha256, self.extension)

    @property
    def ref(self) -> dict:
        """How a stored question definition names it."""
        return {"sha256": self.sha256, "ext": self.extension, "width": self.width, "height": self.height}


# What is wrong with an image file → the one code every loader reports.
IMAGE_FAULTS = {"missing": "image_missing", "too_large": "image_too_large",
                "too_many_pixels": "image_too_many_pixels"}


def check_image(path: Path) -> ImageFile | str:
    """The checked image, or the code of what is wrong with it (``image_missing``,
    ``image_too_large``, ``image_too_many_pixels``, ``image_not_image``)."""
    try:
        raw, clean = load_image_file(path)
    except ImageError as error:
        return IMAGE_FAULTS.get(error.code, "image_not_image")
    return ImageFile(path=path, filename=path.name, raw=raw, sha256=clean.sha256,
                     extension=EXTENSIONS[clean.mime_type], width=clean.width, height=clean.height)


class ImageCache:
    """Each image file is checked once per reading, however many texts use it."""

    def __init__(self):
        self._found: dict[Path, ImageFile | str] = {}

    def __call__(self, path: Path) -> ImageFile | str:
        if path not in self._found:
            self._found[path] = check_image(path)
        return self._found[path]


# --- Definition files: entries with a key, versioned on import ----------------------------------
#
# The office's definition files (``certificates/achievements.yml``, ``certificates/levels.yml``)
# are YAML lists of entries, each named by a unique key. Their loaders read them alike: every
# entry checked with its FILE:LINE, an entry with a problem kept out (and the whole load refused
# by ``learnapp content load``), then each entry imported as a new version only when it changed.


def source_hash(value: Any) -> str:
    """What a definition's version is compared by: a text's SHA-256, or that of its JSON."""
    text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def definitions_folder(path: Path | None, root: Path, names: Iterable[str]) -> Path | None:
    """The folder holding one of the files ``names``: PATH itself or ``PATH/certificates`` when
    a PATH is given, else ``root`` (the pack's own folder)."""
    candidates = (root,) if path is None else (path, path / "certificates")
    return next((folder for folder in candidates if any((folder / name).is_file() for name in names)), None)


def read_mapping(file: Path, problems: list[Problem], messages: Messages) -> LineDict | None:
    """The YAML file's top-level mapping, or ``None`` after reporting why not (``messages`` has
    the loader's ``not_mapping`` wording)."""
    data = read_yaml(file, problems)
    if data is not None and not isinstance(data, dict):
        problems.append(messages.problem("not_mapping", file=file, line=1))
        return None
    return data


# key(entry, its line, its problems) → the entry's key once checked, or None (after adding a problem).
EntryKey = Callable[[LineDict, int, list[Problem]], "str | None"]
# read(entry, its line, its problems) → the entry as plain data (ignored when it has a problem).
EntryReader = Callable[[LineDict, int, list[Problem]], "dict | None"]


def read_entries(data: LineList, list_key: str, file: Path, problems: list[Problem], messages: Messages, *,
                 key_field: str, key: EntryKey, read: EntryReader) -> list[dict]:
    """The entries of ``data[list_key]`` that have no problem, in order; every problem in
    ``problems`` with its line.

    Each entry must be a mapping (``not_mapping``) whose ``key_field``, checked by ``key``, no
    earlier entry took (``duplicate_<key_field>``, with the key as ``%(<key_field>)s``); then
    ``read`` checks the rest. ``messages`` is the loader's table, holding those two codes.
    """
    taken: set[str] = set()
    entries = []
    for index, raw in enumerate(data[list_key]):
        line = line_of(data, (list_key, index))
        if not isinstance(raw, dict):
            problems.append(messages.problem("not_mapping", file=file, line=line))
            continue
        found: list[Problem] = []
        name = key(raw, line, found)
        if name is not None and name in taken:
            found.append(messages.problem(f"duplicate_{key_field}", {key_field: name}, file=file,
                                          line=line_of(raw, (key_field,))))
        entry = read(raw, line, found)
        problems += found
        if found or entry is None:
            continue
        taken.add(name)
        entries.append(entry)
    return entries


def version_entries(specs: Iterable[dict], existing: dict[str, Any], *, key_field: str,
                    create: Callable[[dict, str], None],
                    retire: Callable[[Any], None] | None = None) -> tuple[int, int]:
    """Bring the stored rows in line with the entries read: ``(added, changed)``.

    ``existing``: the stored rows (with ``source_hash``, ``version``, ``retired``) by key. A new
    entry is passed to ``create(spec, source_hash)`` (which adds its row, version 1); a changed
    or returning one is updated in place with ``version + 1``; a row gone from the file is
    retired, not deleted (history points at it), and passed to ``retire`` if given. Writes
    nothing itself beyond those rows' attributes: the caller owns the session.
    """
    existing = dict(existing)
    added = changed = 0
    for spec in specs:
        digest = source_hash(spec)
        row = existing.pop(spec[key_field], None)
        if row is None:
            create(spec, digest)
            added += 1
        elif row.source_hash != digest or row.retired:
            for name, value in spec.items():
                setattr(row, name, value)
            row.source_hash, row.version, row.retired = digest, row.version + 1, False
            changed += 1
    for row in existing.values():
        if not row.retired:
            row.retired = True
            if retire is not None:
                retire(row)
            changed += 1
    return added, changed
