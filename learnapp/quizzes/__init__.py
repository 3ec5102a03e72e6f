"""Quizzes: tiered, server-graded knowledge checks per course and age group."""


def init_app(app):
    from learnapp.core import content_packs
    from learnapp.core.extension_points import add_panel, add_staff_section
    from learnapp.core.i18n import _l

    # models: tables known to Alembic; stats_cli: adds `quizzes rebuild-stats` to the group.
    from learnapp.quizzes import loader, models, next_step, routes, staff, stats_cli  # noqa: F401
    from learnapp.quizzes.gift_cli import quizzes as quizzes_commands

    # After the courses (order 10): a question may name a lesson loaded in the same run.
    content_packs.register(app, "quizzes", order=20, load=loader.load_quizzes)

    app.register_blueprint(routes.bp)
    app.register_blueprint(staff.bp)
    # An answer post is refused past a small size before any other hook reads its form (CSRF does).
    app.before_request_funcs.setdefault(None, []).insert(0, routes.limit_answer_payload)
    app.cli.add_command(quizzes_commands)  # `learnapp quizzes import-gift`

    # In the staff area and on other domains' pages (core/extension_points.py).
    add_panel(app, "course_page", "quizzes/_course_panel.html", order=10)
    add_panel(app, "next_step", next_step.next_step, order=20)
    add_staff_section(app, "quiz_staff.index", _l("Quiz (équipe)"), order=20,
                      description=_l("Banques de questions, import GIFT et statistiques par cours."))
