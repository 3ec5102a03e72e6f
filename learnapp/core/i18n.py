"""French first, English complete.

Message ids are the French text; ``learnapp/translations/<locale>/*.po`` hold the other
languages, one catalogue per domain so domains do not edit the same file. Catalogues are
compiled in memory when first used: a fresh clone needs no compile step and no ``.mo`` file.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import current_app, request
from flask_babel import Domain, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

__all__ = ["_", "_l", "ngettext", "select_locale", "catalogue_dir", "load_catalogue"]

LANGUAGE_COOKIE = "lang"
LANGUAGE_NAMES = {"fr": "Français", "en": "English"}


def catalogue_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "translations"


def load_catalogue(locale: str) -> Translations:
    """Merge every ``<locale>/*.po`` into one gettext catalogue (compiled in memory)."""
    import io

    merged = Translations()
    folder = catalogue_dir() / locale
    for po_path in sorted(folder.glob("*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle, locale=locale)
        buffer = io.BytesIO()
        write_mo(buffer, catalog)
        buffer.seek(0)
        merged.merge(Translations(fp=buffer))
    return merged


class PoDomain(Domain):
    """A Flask-Babel domain that reads ``.po`` files directly, cached per locale."""

    def get_translations(self):
        locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
        try:
            return self.cache[locale]
        except KeyError:
            self.cache[locale] = load_catalogue(locale)
            return self.cache[locale]


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    user_choice = getattr(current_user, "locale", None) if current_user else None
    if user_choice in languages:
        return user_choice
    cookie = request.cookies.get(LANGUAGE_COOKIE)
    if cookie in languages:
        return cookie
    return request.accept_languages.best_match(languages) or languages[0]


def init_app(app):
    domain = PoDomain()

    def _use_po_domain():
        domain.as_default()

    # First of all hooks: the CSRF check and the rate limiter answer in the user's language too.
    app.before_request_funcs.setdefault(None, []).insert(0, _use_po_domain)

    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES

    @app.context_processor
    def _languages():
        return {"current_locale": str(get_locale())}
