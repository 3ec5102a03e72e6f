"""Certificates: issued when a tier is passed, Open Badges 3.0 signed with Ed25519, verifiable."""


def init_app(app):
    from learnapp.certificates import loader, models, routes  # noqa: F401 (models: tables known to Alembic)
    from learnapp.certificates.cli import certificates_group, keys_group
    from learnapp.certificates.receivers import connect
    from learnapp.core import content_packs

    # After courses (10) and quizzes (20): an achievement names a course tier.
    content_packs.register(app, "certificates", order=30, load=loader.load_certificates)

    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.public_bp)
    app.cli.add_command(certificates_group)
    app.cli.add_command(keys_group)
    connect(app)
    _templates(app)
    _extension_points(app)


def _extension_points(app):
    from learnapp.certificates import next_step
    from learnapp.core.extension_points import add_panel, add_staff_section
    from learnapp.core.i18n import _l

    add_staff_section(app, "certificates.staff", _l("Certificats"), order=40,
                      description=_l("Rechercher, révoquer, émettre à nouveau après une correction."))
    add_panel(app, "account_page", "certificates/_my_certificates_panel.html", order=30)
    add_panel(app, "learner_home", "certificates/_my_certificates_panel.html", order=30)
    add_panel(app, "quiz_result", "certificates/_result_notice.html", order=10)
    add_panel(app, "next_step", next_step.next_step, order=40)


def _templates(app):
    from learnapp.certificates import rules, services

    app.add_template_filter(rules.display_code, "certificate_code")

    # Read by its panels: the quiz result page's notice, "Mes certificats". Globals, not a context
    # processor: they never change, and a processor runs on every page rendered.
    app.jinja_env.globals.update(certificate_for_attempt=services.for_attempt, certificates_of=services.for_user)
