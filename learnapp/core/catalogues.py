"""Keeping the translation catalogues complete: extract, update, check.

Each message goes to the catalogue of the package where it first appears
(``learnapp/translations/en/<package>.po``), so domains never edit the same file.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import click
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from learnapp.core.i18n import catalogue_dir

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
METHOD_MAP = [
    ("**/translations/**", "ignore"),
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2"),
    ("**/templates/**.txt", "jinja2"),
]
OPTIONS = {"**/templates/**": {"extensions": "jinja2.ext.i18n", "trim_blocks": "true",
                               "lstrip_blocks": "true"}}
KEYWORDS = {"_": None, "_l": None, "N_": None, "gettext": None, "lazy_gettext": None,
            "ngettext": (1, 2), "lazy_ngettext": (1, 2)}


def owner_of(filename: str) -> str:
    """``auth/routes.py`` → ``auth``; files at the package top belong to ``core``."""
    first = Path(filename).parts[0]
    return first if (PACKAGE_ROOT / first).is_dir() and first not in {"templates", "static"} \
        else "core"


def extract() -> dict[str, Catalog]:
    """Every message in the code and templates, grouped by owning package."""
    catalogs: dict[str, Catalog] = defaultdict(lambda: Catalog(locale=None))
    seen: set[str] = set()
    for filename, lineno, message, comments, context in extract_from_dir(
        PACKAGE_ROOT, METHOD_MAP, OPTIONS, KEYWORDS, strip_comment_tags=True
    ):
        key = message if isinstance(message, str) else message[0]
        owner = owner_of(filename)
        if key in seen:
            for catalog in catalogs.values():
                if key in catalog:
                    catalog[key].locations.append((filename, lineno))
            continue
        seen.add(key)
        catalogs[owner].add(message, None, [(filename, lineno)], auto_comments=comments,
                            context=context)
    return dict(catalogs)


def read_catalogue(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def missing_translations(locale: str = "en") -> list[str]:
    """Message ids that have no translation in ``locale`` (empty list = complete)."""
    translated: dict[str, object] = {}
    for path in (catalogue_dir() / locale).glob("*.po"):
        for message in read_catalogue(path, locale):
            if message.id and message.string and not message.fuzzy:
                translated[message.id if isinstance(message.id, str) else message.id[0]] = True
    missing = []
    for catalog in extract().values():
        for message in catalog:
            key = message.id if isinstance(message.id, str) else message.id[0]
            if key and key not in translated:
                missing.append(key)
    return sorted(missing)


@click.group(help="Translation catalogues.")
def i18n():
    pass


@i18n.command("update", help="Extract messages and merge them into each domain's catalogue.")
@click.option("--locale", default="en", show_default=True)
def update(locale):
    folder = catalogue_dir() / locale
    folder.mkdir(parents=True, exist_ok=True)
    existing: dict[str, object] = {}
    for path in folder.glob("*.po"):
        for message in read_catalogue(path, locale):
            if message.id and message.string:
                existing[message.id if isinstance(message.id, str) else message.id[0]] = \
                    message.string
    for owner, template in extract().items():
        catalog = Catalog(locale=locale, project="learnapp", fuzzy=False)
        for message in template:
            key = message.id if isinstance(message.id, str) else message.id[0]
            catalog.add(message.id, existing.get(key), message.locations,
                        auto_comments=message.auto_comments)
        with (folder / f"{owner}.po").open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True, omit_header=False)
        click.echo(f"{owner}.po: {len(catalog)} messages")


@i18n.command("check", help="Fail when a message has no translation.")
@click.option("--locale", default="en", show_default=True)
def check(locale):
    missing = missing_translations(locale)
    for key in missing:
        click.echo(f"untranslated: {key!r}")
    if missing:
        raise SystemExit(1)
    click.echo("complete")


@i18n.command("set", help="Write translations from a JSON file {French text: translation}.")
@click.argument("translations", type=click.File("r", encoding="utf-8"))
@click.option("--locale", default="en", show_default=True)
def set_translations(translations, locale):
    import json

    wanted = json.load(translations)
    folder = catalogue_dir() / locale
    written = 0
    for path in sorted(folder.glob("*.po")):
        catalog = read_catalogue(path, locale)
        changed = False
        for message in catalog:
            key = message.id if isinstance(message.id, str) else (message.id or [None])[0]
            if key in wanted:
                message.string = wanted[key]
                message.flags.discard("fuzzy")
                changed = True
                written += 1
        if changed:
            with path.open("wb") as handle:
                write_po(handle, catalog, width=100, sort_output=True)
    click.echo(f"{written} translations written")
