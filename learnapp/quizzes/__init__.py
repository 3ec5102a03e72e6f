"""Quizzes: tiered, server-graded knowledge checks per course and age group."""


def init_app(app):
    from learnapp.quizzes import models, routes, staff  # noqa: F401 (models: tables known to Alembic)

    app.register_blueprint(routes.bp)
    app.register_blueprint(staff.bp)
    from learnapp.quizzes.gift_cli import quizzes as quizzes_commands  # H6: `learnapp quizzes import-gift`
    app.cli.add_command(quizzes_commands)
