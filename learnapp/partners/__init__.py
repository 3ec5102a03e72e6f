"""Partners: sites, museums and shops that grant advantages on the ambassador's card."""

from learnapp.core.i18n import _l


def init_app(app):
    from learnapp.core.extension_points import add_panel, add_staff_section
    from learnapp.partners import messages, models, routes, services, staff  # noqa: F401 (models: tables)

    app.register_blueprint(routes.bp)
    app.register_blueprint(staff.bp)

    add_staff_section(app, "partners_staff.index", _l("Partenaires"), order=60,
                      description=_l("Partenaires, leurs comptes et leurs offres ; avantages accordés par mois."))
    add_staff_section(app, "partners.desk", _l("Espace partenaire"), order=65,
                      description=_l("Vérifier une carte d'ambassadeur et enregistrer un avantage."))
    add_panel(app, "public_home", "partners/_home_panel.html", order=40, max_age=60)

    from learnapp.partners import office_hooks

    office_hooks.register(app)  # the dashboard's section "Avantages accordés"

    from learnapp.db import utcnow

    # Template globals, not a context processor (which would run on every page rendered).
    app.jinja_env.globals.update(partner_advantages=lambda: services.advantages_by_level(utcnow()),
                                 partner_rank_label=messages.rank_label,
                                 partner_frequency_labels=messages.FREQUENCY_LABELS)
