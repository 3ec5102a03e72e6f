"""The ambassador's card: one per ambassador, a photo, a level, a signed QR, a printable PDF."""


def init_app(app):
    from flask_babel import format_date

    from learnapp.cards import models, routes, rules  # noqa: F401 (models: tables known to Alembic)
    from learnapp.cards.messages import card_refusal
    from learnapp.core.extension_points import add_panel
    from learnapp.core.templating import PARIS

    app.register_blueprint(routes.bp)
    app.add_template_filter(rules.display_number, "card_number")
    app.add_template_filter(card_refusal, "card_refusal")
    app.add_template_filter(lambda moment: format_date(moment.astimezone(PARIS), "short"), "card_date")
    add_panel(app, "account_page", "cards/_account_panel.html", order=25)
