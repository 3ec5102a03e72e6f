"""learnapp: the territory ambassadors' platform of a tourism office."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Build the app. No side effects: nothing is created, migrated or fetched here."""
    instance_path = (config or {}).get("INSTANCE_PATH") or os.environ.get("LEARNAPP_INSTANCE_PATH")
    app = Flask(__name__, instance_path=instance_path or str(PROJECT_ROOT / "instance"),
                instance_relative_config=True)

    from learnapp.config import load_config

    load_config(app, config)

    from learnapp.core.i18n import select_locale
    from learnapp.extensions import babel, csrf, db, limiter, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    limiter.init_app(app)

    from learnapp import (
        ambassadors,
        auth,
        cards,
        certificates,
        courses,
        mail,
        media,
        office,
        partners,
        quizzes,
        schools,
        site,
        visits,
    )
    from learnapp.core import access, charts, errors, extension_points, i18n, inputs, security, templating, urls

    # urls first: its converters must be known before any blueprint adds a rule.
    for module in (urls, access, inputs, i18n, security, errors, templating, extension_points, charts):
        module.init_app(app)

    # Domains, in dependency order (see STYLE.md): each registers its blueprint and commands.
    for domain in (auth, mail, media, site, courses, quizzes, visits, certificates, schools, ambassadors, cards,
                   partners, office):
        domain.init_app(app)

    return app
