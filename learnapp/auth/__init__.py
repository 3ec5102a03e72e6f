"""Accounts: registration, login, password and e-mail changes, roles."""


def init_app(app):
    from learnapp.auth import cli, routes
    from learnapp.auth.session import init_login

    init_login(app)
    app.register_blueprint(routes.bp)
    app.register_blueprint(routes.admin_bp)
    app.cli.add_command(cli.users)
