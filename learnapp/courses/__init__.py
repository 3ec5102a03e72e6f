"""Courses: lessons about the territory written for children, teens and adults."""


def init_app(app):
    from learnapp.core import content_packs
    from learnapp.core.extension_points import add_panel, add_staff_section
    from learnapp.core.i18n import _l
    from learnapp.courses import authoring, cli, models, next_step, routes  # noqa: F401 (models: tables known to Alembic)

    content_packs.register(app, "courses", order=10, load=cli.load_courses)

    app.register_blueprint(routes.bp)
    app.register_blueprint(authoring.bp)
    app.cli.add_command(cli.content)

    # In the staff area and on other domains' pages (core/extension_points.py).
    add_panel(app, "next_step", next_step.next_step, order=10)
    add_staff_section(app, "authoring.courses", _l("Rédaction des cours"), order=10,
                      description=_l("Écrire, relire et publier les cours et leurs leçons."))
