"""`learnapp content load`: the office's certificate definitions in ``certificates/``.

``issuer.yml`` describes the office as it signs; ``achievements.yml`` lists one achievement per
course tier, its name, description and criteria in French and English, and an optional validity.
Checked first (``FILE:LINE`` for each problem, nothing written), then imported with the other
packs in one transaction. Loading the same files twice changes nothing; an edited definition
gets a new ``version`` but never changes a certificate already issued (each keeps its signed
credential).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from learnapp.core import content_files
from learnapp.core.content_files import line_of, read_yaml
from learnapp.core.problems import N_, Messages, Problem

ISSUER_FILE = "issuer.yml"
ACHIEVEMENTS_FILE = "achievements.yml"
LANGUAGES = ("fr", "en")
KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,118}$")

MESSAGES = Messages({
    "missing_file": N_("Fichier %(name)s manquant."),
    "not_mapping": N_("Le fichier doit être une liste de champs « nom: valeur »."),
    "missing_field": N_("Champ « %(field)s » manquant."),
    "not_text": N_("« %(field)s » doit être un texte non vide."),
    "not_url": N_("« %(field)s » doit être une adresse web en https://."),
    "not_email": N_("« %(field)s » doit être une adresse e-mail."),
    "not_translated": N_("« %(field)s » s'écrit en français et en anglais : « fr: … » et « en: … »."),
    "no_achievements": N_("« achievements » est la liste des certificats, un par niveau de cours."),
    "bad_key": N_("« key » : lettres minuscules, chiffres et tirets, par exemple granville-terre-et-mer-1."),
    "duplicate_key": N_("Certificat « %(key)s » en double."),
    "duplicate_tier": N_("Deux certificats pour le niveau %(tier)s du cours « %(course)s »."),
    "bad_tier": N_("« tier » est un numéro de niveau (1, 2, 3 …)."),
    "image_missing": N_("Image « %(src)s » introuvable à côté de ce fichier."),
    "image_outside": N_("« image » : un chemin dans le dossier des certificats, par exemple images/badge.png."),
    "bad_validity": N_("« valid_months » est un nombre de mois (1 à 600), ou vide pour un certificat sans fin."),
})


@dataclass
class Definitions:
    files: int = 0
    problems: list = field(default_factory=list)
    issuer: dict | None = None
    achievements: list[dict] = field(default_factory=list)
    images: dict[str, content_files.ImageFile] = field(default_factory=dict)  # by sha256, stored on import

    @property
    def ok(self) -> bool:
        return not self.problems


def folder_for(path: Path | None, root: Path) -> Path | None:
    """The definitions folder: ``PATH/certificates`` or PATH itself when it holds issuer.yml."""
    if path is None:  # the repository's own folder: a missing file there is a problem to report
        return root if root.is_dir() else None
    return content_files.definitions_folder(path, root, (ISSUER_FILE, ACHIEVEMENTS_FILE))


def _text(data, key, file, problems, field_name=None) -> str | None:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        code = "missing_field" if key not in data else "not_text"
        problems.append(MESSAGES.problem(code, {"field": field_name or key}, file=file,
                                         line=line_of(data, (key,)) or getattr(data, "line", None)))
        return None
    return value.strip()


def _translated(data, key, file, problems) -> dict | None:
    value = data.get(key)
    if not isinstance(value, dict) or any(not isinstance(value.get(lang), str) or not value[lang].strip()
                                          for lang in LANGUAGES):
        problems.append(MESSAGES.problem("not_translated", {"field": key}, file=file,
                                         line=line_of(data, (key,)) or getattr(data, "line", None)))
        return None
    return {lang: value[lang].strip() for lang in LANGUAGES}


def _image(data, file: Path, problems: list, found: Definitions) -> dict | None:
    """The ``image:`` of a definition (optional): a PNG or JPEG beside the YAML file, checked by the
    one image reader every loader uses; ``{"sha256", "ext"}`` of the MediaAsset it becomes."""
    raw = data.get("image")
    if raw is None:
        return None
    line = line_of(data, ("image",)) or getattr(data, "line", None)
    folder = file.parent.resolve()
    path = (folder / str(raw)).resolve() if isinstance(raw, str) and raw.strip() else None
    if path is None or not path.is_relative_to(folder):
        problems.append(MESSAGES.problem("image_outside", file=file, line=line))
        return None
    checked = content_files.check_image(path)
    if isinstance(checked, str):
        messages = MESSAGES if checked == "image_missing" else content_files.MESSAGES
        problems.append(messages.problem(checked, {"src": raw}, file=file, line=line))
        return None
    found.images[checked.sha256] = checked
    return {"sha256": checked.sha256, "ext": checked.extension}


def _read_issuer(file: Path, found: Definitions) -> None:
    data = content_files.read_mapping(file, found.problems, MESSAGES)
    if data is None:
        return
    problems: list[Problem] = []
    name = _text(data, "name", file, problems)
    url = _text(data, "url", file, problems)
    email = _text(data, "email", file, problems)
    description = data.get("description") or ""
    image = _image(data, file, problems, found)
    if url and not url.startswith("https://"):
        problems.append(MESSAGES.problem("not_url", {"field": "url"}, file=file, line=line_of(data, ("url",))))
    if email and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        problems.append(MESSAGES.problem("not_email", {"field": "email"}, file=file, line=line_of(data, ("email",))))
    found.problems += problems
    if not problems:
        found.issuer = {"name": name, "url": url, "email": email, "description": str(description).strip(),
                        "image": image}


def _read_achievements(file: Path, found: Definitions) -> None:
    data = read_yaml(file, found.problems)
    if data is None:
        return
    items = data.get("achievements") if isinstance(data, dict) else None
    if not isinstance(items, list) or not items:
        found.problems.append(MESSAGES.problem("no_achievements", file=file, line=getattr(data, "line", 1) or 1))
        return
    tiers: set[tuple[str, int]] = set()

    def key_of(raw, line, problems) -> str | None:
        key = _text(raw, "key", file, problems)
        if key and not KEY_PATTERN.match(key):
            problems.append(MESSAGES.problem("bad_key", file=file, line=line_of(raw, ("key",))))
            return None
        return key

    def achievement(raw, line, problems) -> dict | None:
        course = _text(raw, "course", file, problems)
        tier = raw.get("tier")
        if isinstance(tier, bool) or not isinstance(tier, int) or tier < 1:
            problems.append(MESSAGES.problem("bad_tier", file=file, line=line_of(raw, ("tier",)) or line))
        elif course and (course, tier) in tiers:
            problems.append(MESSAGES.problem("duplicate_tier", {"tier": tier, "course": course}, file=file,
                                             line=line_of(raw, ("tier",))))
        names = _translated(raw, "name", file, problems)
        descriptions = _translated(raw, "description", file, problems)
        criteria = _translated(raw, "criteria", file, problems)
        months = raw.get("valid_months")
        image = _image(raw, file, problems, found)
        if months is not None and (isinstance(months, bool) or not isinstance(months, int) or not 1 <= months <= 600):
            problems.append(MESSAGES.problem("bad_validity", file=file, line=line_of(raw, ("valid_months",))))
        if problems:
            return None
        tiers.add((course, tier))
        return {"key": raw["key"].strip(), "course_slug": course, "tier_number": tier, "names": names,
                "descriptions": descriptions, "criteria": criteria, "valid_months": months, "image": image}

    found.achievements += content_files.read_entries(data, "achievements", file, found.problems, MESSAGES,
                                                     key_field="key", key=key_of, read=achievement)


def read_definitions(folder: Path) -> Definitions:
    found = Definitions()
    for name, read in ((ISSUER_FILE, _read_issuer), (ACHIEVEMENTS_FILE, _read_achievements)):
        file = folder / name
        if not file.is_file():
            found.problems.append(MESSAGES.problem("missing_file", {"name": name}, file=folder))
            continue
        found.files += 1
        read(file, found)
    return found


def load_certificates(context):
    """The content pack loader (registered in ``init_app``): phase 1 reads and checks, ``apply``
    writes (flush only)."""
    from learnapp.certificates import services
    from learnapp.core.content_packs import Prepared

    folder = folder_for(context.path, context.root / "certificates")
    if folder is None:
        return None
    found = read_definitions(folder)
    return Prepared(name="certificates", files=found.files, problems=found.problems,
                    apply=lambda: services.import_definitions(found, context.now))
