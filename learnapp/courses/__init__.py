"""Courses: lessons about the territory written for children, teens and adults."""


def init_app(app):
    from learnapp.core import content_packs
    from learnapp.courses import authoring, cli, models, routes  # noqa: F401 (models: tables known to Alembic)

    content_packs.register(app, "courses", order=10, load=cli.load_courses)

    app.register_blueprint(routes.bp)
    app.register_blueprint(authoring.bp)
    app.cli.add_command(cli.content)
