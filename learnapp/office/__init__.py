"""The office's dashboard: certification rates, the funnel, visits, the audit log, the monthly
report. Office reads every domain and is read by none; others add to it through office/seams.py."""

from learnapp.core.i18n import _l


def init_app(app):
    from learnapp.core.extension_points import add_staff_section
    from learnapp.office import cli, milestones, models, period_rates, receivers, routes, seams, session_marks  # noqa: F401 (the models: what Alembic knows)

    seams.registry(app)
    receivers.connect(app)
    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.office)
    add_staff_section(app, "office.dashboard", _l("Tableau de bord"), order=5,
                      description=_l("Taux de certification, parcours des inscrits, visites ; rapport mensuel."))
    add_staff_section(app, "office.audit", _l("Journal d'audit"), order=95,
                      description=_l("Qui a fait quoi et quand : révocations, rôles, corrections."))
