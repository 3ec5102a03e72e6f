"""Ambassadors: joining by signing the manifesto, levels earned by rule, palmarès, portraits,
the partners' directory. ``standing.standing_of`` is what the card and the partners ask."""

from learnapp.core.i18n import _l


def init_app(app):
    from learnapp.ambassadors import cli, loader, models, routes, staff  # noqa: F401 (models: tables for Alembic)
    from learnapp.ambassadors.receivers import connect
    from learnapp.core import content_packs
    from learnapp.core.extension_points import add_panel, add_staff_section

    # After certificates (30): a level may name an achievement.
    content_packs.register(app, "ambassadors", order=40, load=loader.load_ambassadors)
    app.register_blueprint(routes.bp)
    app.register_blueprint(staff.bp)
    app.cli.add_command(cli.ambassadors)
    connect(app)

    from learnapp.ambassadors.standing import LocalizedText

    app.add_template_filter(lambda names: str(LocalizedText(names or {})), "level_name")

    from learnapp.ambassadors import panels

    add_panel(app, "next_step", panels.next_step, order=40)
    add_panel(app, "learner_home", panels.learner_home, order=40)
    add_panel(app, "account_page", panels.account_page, order=40)
    add_panel(app, "public_home", panels.public_home, order=50, max_age=60)
    add_staff_section(app, "ambassador_staff.index", _l("Ambassadeurs"), order=50,
                      description=_l("Niveaux et leurs raisons, charte et ses versions, portraits à relire."))
    add_staff_section(app, "ambassador_staff.directory_page", _l("Annuaire des ambassadeurs"), order=55,
                      description=_l("Les ambassadeurs qui acceptent les invitations des partenaires."))

    from learnapp.ambassadors import office_hooks

    office_hooks.register(app)  # level ranks in the office's funnel, active ambassadors per level
