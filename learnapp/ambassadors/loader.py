"""`learnapp content load`: ambassador levels (``certificates/levels.yml``) and the manifesto
(``certificates/manifesto.md``).

Checked first (``FILE:LINE`` for each problem, nothing written), then imported with the other
packs in one transaction. Loading unchanged files changes nothing; an edited level gets a new
``version`` (a level gone from the file is retired, kept for the history that points at it). The
manifesto file becomes a new version only when its text is not already one of the versions: a
version staff wrote in the browser is never undone by loading the files again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from learnapp.ambassadors import rules
from learnapp.core import age_groups, content_files
from learnapp.core.content_files import line_of
from learnapp.core.problems import N_, Messages, Problem

LEVELS_FILE = "levels.yml"
MANIFESTO_FILE = "manifesto.md"
LANGUAGES = ("fr", "en")
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,78}$")
COUNT_KEYS = ("certificates", "tier", "visits", "contributions")

MESSAGES = Messages({
    "not_mapping": N_("Le fichier doit être une liste de champs « nom: valeur »."),
    "no_levels": N_("« levels » est la liste des niveaux d'ambassadeur."),
    "bad_code": N_("« code » : lettres minuscules, chiffres et tirets, par exemple ambassadeur-confirme."),
    "duplicate_code": N_("Niveau « %(code)s » en double."),
    "bad_age_group": N_("« age_group » vaut child, teen ou adult."),
    "bad_rank": N_("« rank » est un numéro (1, 2, 3 …)."),
    "duplicate_rank": N_("Deux niveaux de rang %(rank)s pour « %(group)s »."),
    "not_translated": N_("« %(field)s » s'écrit en français et en anglais : « fr: … » et « en: … »."),
    "bad_requires": N_("« requires » est une liste de conditions : manifesto, certificates, tier, achievements, "
                       "visits, contributions."),
    "unknown_requirement": N_("Condition « %(key)s » inconnue (connues : %(known)s)."),
    "bad_count": N_("« %(key)s » est un nombre entier, 0 ou plus."),
    "bad_manifesto_flag": N_("« manifesto » vaut true ou false."),
    "bad_achievements": N_("« achievements » est une liste de clés de certificats (achievements.yml)."),
    "unknown_achievement": N_("Certificat « %(key)s » inconnu dans achievements.yml."),
    "bad_points": N_("« points » donne les points du palmarès : certificate et visit, des nombres entiers."),
    "empty_manifesto": N_("La charte est vide."),
})


@dataclass
class Definitions:
    files: int = 0
    problems: list = field(default_factory=list)
    levels: list[dict] = field(default_factory=list)
    points: dict = field(default_factory=lambda: {"certificate": 10, "visit": 5})
    manifesto: str | None = None


def folder_for(path: Path | None, root: Path) -> Path | None:
    return content_files.definitions_folder(path, root, (LEVELS_FILE, MANIFESTO_FILE))


def _is_count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _requires(raw, file, line, problems, achievement_keys) -> dict | None:
    if raw is None:
        return rules.Requirement().as_dict()
    if not isinstance(raw, dict):
        problems.append(MESSAGES.problem("bad_requires", file=file, line=line))
        return None
    found = []
    for key, value in raw.items():
        where = line_of(raw, (key,)) or line
        if key not in rules.REQUIREMENT_KEYS:
            known = ", ".join(rules.REQUIREMENT_KEYS)
            found.append(MESSAGES.problem("unknown_requirement", {"key": key, "known": known}, file=file, line=where))
        elif key in COUNT_KEYS and not _is_count(value):
            found.append(MESSAGES.problem("bad_count", {"key": key}, file=file, line=where))
        elif key == "manifesto" and not isinstance(value, bool):
            found.append(MESSAGES.problem("bad_manifesto_flag", file=file, line=where))
        elif key == "achievements":
            if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
                found.append(MESSAGES.problem("bad_achievements", file=file, line=where))
            else:
                found += [MESSAGES.problem("unknown_achievement", {"key": item}, file=file, line=where)
                          for item in value if achievement_keys is not None and item not in achievement_keys]
    problems += found
    return None if found else rules.Requirement.from_dict(raw).as_dict()


def _read_levels(file: Path, found: Definitions, achievement_keys) -> None:
    data = content_files.read_mapping(file, found.problems, MESSAGES)
    if data is None:
        return
    points = data.get("points", found.points)
    if not isinstance(points, dict) or set(points) - {"certificate", "visit"} or not all(
            _is_count(points.get(key, 0)) for key in ("certificate", "visit")):
        found.problems.append(MESSAGES.problem("bad_points", file=file, line=line_of(data, ("points",)) or 1))
    else:
        found.points = {"certificate": points.get("certificate", 0), "visit": points.get("visit", 0)}
    items = data.get("levels")
    if not isinstance(items, list) or not items:
        found.problems.append(MESSAGES.problem("no_levels", file=file, line=line_of(data, ("levels",)) or 1))
        return
    ranks: set[tuple[str, int]] = set()

    def code_of(raw, line, problems) -> str | None:
        code = raw.get("code")
        if not isinstance(code, str) or not CODE_PATTERN.match(code):
            problems.append(MESSAGES.problem("bad_code", file=file, line=line_of(raw, ("code",)) or line))
            return None
        return code

    def level(raw, line, problems) -> dict | None:
        group = raw.get("age_group")
        if not age_groups.is_group(group):
            problems.append(MESSAGES.problem("bad_age_group", file=file, line=line_of(raw, ("age_group",)) or line))
        rank = raw.get("rank")
        if not _is_count(rank) or rank < 1:
            problems.append(MESSAGES.problem("bad_rank", file=file, line=line_of(raw, ("rank",)) or line))
        elif age_groups.is_group(group) and (group, rank) in ranks:
            problems.append(MESSAGES.problem("duplicate_rank", {"rank": rank, "group": group}, file=file,
                                             line=line_of(raw, ("rank",))))
        names = raw.get("name")
        if not isinstance(names, dict) or any(not isinstance(names.get(lang), str) or not names[lang].strip()
                                              for lang in LANGUAGES):
            problems.append(MESSAGES.problem("not_translated", {"field": "name"}, file=file,
                                             line=line_of(raw, ("name",)) or line))
        requires = _requires(raw.get("requires"), file, line_of(raw, ("requires",)) or line, problems,
                             achievement_keys)
        if problems:
            return None
        ranks.add((group, rank))
        return {"code": raw["code"], "age_group": group, "rank": rank,
                "names": {lang: names[lang].strip() for lang in LANGUAGES}, "requires": requires}

    found.levels += content_files.read_entries(data, "levels", file, found.problems, MESSAGES, key_field="code",
                                               key=code_of, read=level)


def _read_manifesto(file: Path, found: Definitions) -> None:
    text = content_files.read_text(file)
    if isinstance(text, Problem):
        found.problems.append(text)
        return
    if not text.strip():
        found.problems.append(MESSAGES.problem("empty_manifesto", file=file, line=1))
        return
    from learnapp.core import markdown

    found.problems += [replace(problem, file=file) for problem in markdown.render(text).problems]
    found.manifesto = text.strip() + "\n"


def _achievement_keys(folder: Path) -> set[str] | None:
    from learnapp.certificates.loader import ACHIEVEMENTS_FILE, read_definitions

    if not (folder / ACHIEVEMENTS_FILE).is_file():
        return None
    return {item["key"] for item in read_definitions(folder).achievements}


def read_definitions(folder: Path) -> Definitions:
    found = Definitions()
    if (folder / LEVELS_FILE).is_file():
        found.files += 1
        _read_levels(folder / LEVELS_FILE, found, _achievement_keys(folder))
    if (folder / MANIFESTO_FILE).is_file():
        found.files += 1
        _read_manifesto(folder / MANIFESTO_FILE, found)
    return found


def load_ambassadors(context):
    """The content pack loader (registered in ``init_app``, after certificates)."""
    from learnapp.ambassadors import definitions
    from learnapp.core.content_packs import Prepared

    folder = folder_for(context.path, context.root / "certificates")
    if folder is None:
        return None
    found = read_definitions(folder)
    if not found.files:
        return None
    return Prepared(name="ambassadors", files=found.files, problems=found.problems,
                    apply=lambda: definitions.import_definitions(found, context.now))
