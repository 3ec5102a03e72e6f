"""The home page, the language switch and the health check."""


def init_app(app):
    from learnapp.site import home, routes

    app.register_blueprint(routes.bp)
    app.jinja_env.globals["optional_url"] = home.optional_url
