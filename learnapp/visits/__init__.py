"""Guided visits: sessions with seats, bookings and a waitlist, attendance, calendars."""

from learnapp.core.i18n import _l


def init_app(app):
    from learnapp.core.extension_points import add_panel, add_staff_section
    from learnapp.visits import cli, home, models, routes, staff  # noqa: F401 (models: tables known to Alembic)

    app.register_blueprint(routes.bp)
    app.register_blueprint(staff.bp)
    app.cli.add_command(cli.visits)

    # On other domains' pages and in the staff area (core/extension_points.py).
    add_panel(app, "next_step", home.next_step, order=30)
    add_panel(app, "public_home", home.public_panel, order=30)
    add_panel(app, "account_page", "visits/_account_panel.html", order=30)
    add_staff_section(app, "visit_staff.index", _l("Visites (équipe)"), order=30,
                      description=_l("Programme, séances, listes d'appel, exports et taux de présence."))
