"""Ambassadors: joining by signing the manifesto, levels earned by rule, palmarès, portraits,
the partners' directory. ``standing.standing_of`` is what the card and the partners ask."""


def init_app(app):
    from learnapp.ambassadors import models  # noqa: F401 (tables known to Alembic)
