"""The home page, the language switch and the health check."""


def init_app(app):
    from learnapp.site import routes

    app.register_blueprint(routes.bp)
