"""Accounts: registration, sign-in sessions and throttles, password and e-mail changes, roles."""


def init_app(app):
    from flask_limiter.errors import RateLimitExceeded

    from learnapp.auth import cli, routes, throttle
    from learnapp.auth.session import init_login

    init_login(app)
    app.register_error_handler(RateLimitExceeded, throttle.on_rate_limit_exceeded)
    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.admin_bp)
    app.cli.add_command(cli.users)

    # In the staff area and on other domains' pages (core/extension_points.py).
    from learnapp.core.extension_points import add_staff_section
    from learnapp.core.i18n import _l

    add_staff_section(app, "admin.users", _l("Comptes"), order=90,
                      description=_l("Les comptes et leurs rôles (administrateurs)."))
