"""Reading the files of a content pack, shared by every loader (courses, quizzes, …): text files
(UTF-8, any line ends), YAML (its errors worded for a writer, with their line), front matter
(``---`` … ``---`` before a text) and image files (checked once, one problem code per fault).

No Flask app and no database: values in, values or :class:`~learnapp.core.problems.Problem` out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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
