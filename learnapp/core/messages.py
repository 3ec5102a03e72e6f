"""Messages written in French in the code, shown in the reader's language.

- :func:`N_` marks a message for the catalogues and leaves it as it is: tables of messages that
  are read both on the web and on the command line use it (extracted like ``_l``).
- :func:`translate` gives a marked message in a language: the request's inside a request, else
  the command line's (:func:`cli_locale`: French unless ``LANG`` or ``--lang`` asks for English),
  or the one asked for.

The command line speaks French unless ``--lang en`` (or ``LEARNAPP_LANG=en``) asks for English.
``LANG`` is not read: servers and CI machines set it to ``C.UTF-8`` or ``en_US.UTF-8`` whatever
the office reads, so it says nothing about the person at the terminal.

Importing this module needs no Flask app: the catalogues are plain gettext files read on first use.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from functools import cache
from typing import Any

FRENCH = "fr"
LANGUAGES = ("fr", "en")


def N_(message: str) -> str:
    """Marks ``message`` for the translation catalogues; translated when shown."""
    return message


_chosen: list[str] = []


def choose_cli_locale(locale: str | None) -> None:
    """``learnapp --lang en``: the rest of the command speaks ``locale``."""
    _chosen[:] = [locale] if locale else []


def cli_locale(explicit: str | None = None) -> str:
    """The command line's language: ``explicit`` (``--lang``), else ``LEARNAPP_LANG``, when it
    names a language we speak (``en``, ``en_GB.UTF-8``), else French."""
    for candidate in (explicit, *_chosen, os.environ.get("LEARNAPP_LANG")):
        code = (candidate or "").split(".")[0].split("_")[0].lower()
        if code in LANGUAGES:
            return code
    return FRENCH


@cache
def _catalogue(locale: str):
    from learnapp.core.i18n import load_catalogue

    return load_catalogue(locale)


def _request_locale() -> str | None:
    try:
        from flask import has_request_context
        from flask_babel import get_locale
    except ImportError:  # pragma: no cover - Flask is always installed with learnapp
        return None
    if not has_request_context():
        return None
    locale = get_locale()
    return str(locale) if locale else None


_forced: list[str] = []


class speaking:
    """``with speaking("en"):`` — messages translated outside a request use this language
    (the command line sets it once from ``--lang``)."""

    def __init__(self, locale: str):
        self.locale = locale

    def __enter__(self):
        _forced.append(self.locale)
        return self

    def __exit__(self, *exc):
        _forced.pop()


def current_locale() -> str:
    return _request_locale() or (_forced[-1] if _forced else cli_locale())


def translate(message: str, params: Mapping[str, Any] | None = None, locale: str | None = None) -> str:
    """``message`` (a French message id) in ``locale`` (default: :func:`current_locale`), with
    ``%(name)s`` parameters filled in."""
    locale = locale or current_locale()
    text = message if locale == FRENCH else _catalogue(locale).gettext(message)
    return text % dict(params) if params else text


def lazy(message: str):
    """A lazy string: ``message`` translated each time it is shown (forms, module-level labels)."""
    from flask_babel import LazyString

    return LazyString(translate, message)
