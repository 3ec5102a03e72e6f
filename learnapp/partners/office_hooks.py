"""The office dashboard's section "Avantages accordés" (office/seams.py): uses per partner, offer
and month in the dashboard's period, from the staff's monthly query (services.monthly_counts)."""

from __future__ import annotations

from learnapp.core.i18n import _, _l
from learnapp.core.tables import Column, Table
from learnapp.office.seams import add_dashboard_section
from learnapp.partners import services


def _month(day) -> str | None:
    # Office periods start on the first of a month (month, season, school year, year): a use's
    # month string ("2026-11", office time) compares as text.
    return f"{day.year}-{day.month:02d}" if day is not None else None


def uses_table(filters) -> Table:
    counts = services.monthly_counts(between=(_month(filters.period.start), _month(filters.period.end)))
    return Table([Column(_("Mois")), Column(_("Partenaire")), Column(_("Offre")),
                  Column(_("Avantages accordés"), "number"), Column(_("Ambassadeurs"), "number")],
                 [[c.month, c.partner, c.offer, c.uses, c.ambassadors] for c in counts],
                 _("Avantages accordés par partenaire, offre et mois"))


def register(app) -> None:
    add_dashboard_section(app, "partners", "partners/_office_section.html", order=40,
                          title=_l("Avantages accordés"),
                          tables={"partner_uses": lambda filters, today: uses_table(filters)})
    app.add_template_global(uses_table, "office_partner_uses")
