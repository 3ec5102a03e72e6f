"""Outgoing e-mail: an outbox table, delivered by `learnapp mail send`."""


def init_app(app):
    from learnapp.mail import cli, models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
    app.cli.add_command(cli.mail)
