"""Guided visits: sessions with seats, bookings and a waitlist, attendance, calendars."""


def init_app(app):
    from learnapp.visits import cli, models, routes, staff  # noqa: F401 (models: tables known to Alembic)

    app.register_blueprint(routes.bp)
    app.register_blueprint(staff.bp)
    app.cli.add_command(cli.visits)
