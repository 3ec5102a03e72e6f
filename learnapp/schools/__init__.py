"""Schools: classes with join codes, pupils without e-mail, login cards, parental consent,
assignments and a progress grid, group visits, class certificates, the end of the year."""

from learnapp.core.i18n import _l


def init_app(app):
    from learnapp.core.extension_points import add_panel, add_staff_section
    from learnapp.schools import models, panels, routes, signin, staff  # noqa: F401 (models: tables known to Alembic)

    app.config.setdefault("SCHOOL_INVITATION_MAX_AGE", 14 * 24 * 3600)
    # Unknown class codes tried from one address before it waits (a class's typos stay far below).
    app.config.setdefault("SCHOOL_CODE_FAILURES_PER_ADDRESS", 100)
    app.config.setdefault("SCHOOL_CODE_WINDOW", 15 * 60)

    from flask_babel import format_date

    app.add_template_filter(lambda day, fmt="long": format_date(day, fmt), "school_date")
    app.register_blueprint(routes.bp)
    app.register_blueprint(signin.bp)
    app.register_blueprint(staff.bp)

    add_staff_section(app, "schools_staff.index", _l("Établissements scolaires"), order=50,
                      description=_l("Les écoles, collèges et lycées, et les invitations de leurs enseignants."))
    # A pupil sees their assignments first; a teacher, a link to their classes.
    add_panel(app, "next_step", panels.next_step, order=5)
    add_panel(app, "learner_home", panels.learner_home, order=5)

    from learnapp.schools import office_hooks

    office_hooks.register(app)  # the dashboard's "École" and "Classe" filters
