"""Outgoing e-mail: an outbox table, delivered by `learnapp mail send`."""


def init_app(app):
    from learnapp.mail import cli, models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.mail)

    # In the staff area and on other domains' pages (core/extension_points.py).
    from learnapp.core.extension_points import add_staff_section
    from learnapp.core.i18n import _l

    add_staff_section(app, "mail.outbox", _l("Courriels envoyés"), order=80,
                      description=_l("Les messages partis et ceux en attente d'envoi."))
