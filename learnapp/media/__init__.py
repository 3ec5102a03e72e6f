"""Images stored in the database (nothing on one server's disk) and served by content hash."""


def init_app(app):
    from learnapp.media import models, routes  # noqa: F401

    app.register_blueprint(routes.bp)
