"""What the ambassadors add to the office dashboard (office/seams.py): one funnel step per level
rank after "attended a visit", and the section "Ambassadeurs actifs par niveau"."""

from __future__ import annotations

from sqlalchemy import exists, func, or_, select

from learnapp.ambassadors.models import JOINED, LevelChange, Membership
from learnapp.core.i18n import _, _l
from learnapp.core.tables import Column, Table
from learnapp.extensions import db
from learnapp.office.seams import add_dashboard_section, add_funnel_step

# Steps are registered when the app starts, before any level is loaded: the content's deepest rank
# today is 3 (certificates/levels.yml); a deeper level needs this setting raised.
DEFAULT_FUNNEL_RANKS = 3


def reached_rank(rank: int):
    """(user id column) → SQL: the person's level rank is at least ``rank`` now, or their level
    history says they reached it (a level lost later still counts as reached)."""
    def condition(user_id):
        return or_(exists().where(Membership.user_id == user_id, Membership.level_rank >= rank),
                   exists().where(LevelChange.user_id == user_id, LevelChange.to_rank >= rank))
    return condition


def active_by_rank() -> list[tuple[int, int]]:
    """[(level rank, active ambassadors)], rank 0 = no level yet; active = joined (not paused, not left)."""
    rows = db.session.execute(select(Membership.level_rank, func.count(Membership.id))
                              .where(Membership.status == JOINED)
                              .group_by(Membership.level_rank).order_by(Membership.level_rank))
    return [(rank, count) for rank, count in rows]


def rank_label(rank: int) -> str:
    return _("Pas encore de niveau") if rank == 0 else _("Niveau %(rank)s", rank=rank)


CHART = "ambassadors_by_level"


def active_table(counts=None) -> Table:
    counts = active_by_rank() if counts is None else counts
    return Table([Column(_("Niveau")), Column(_("Ambassadeurs actifs"), "number")],
                 [[rank_label(rank), count] for rank, count in counts], _("Ambassadeurs actifs par niveau"))


def active_section(linked: bool = False):
    """The chart and its table for the dashboard (charts are cached per data version and filter).
    ``linked``: the chart as an image whose URL draws it (the page draws nothing itself)."""
    from learnapp.core import charts
    from learnapp.core.charts import Series

    counts = active_by_rank()
    table = active_table(counts)
    total = sum(count for _rank, count in counts)
    if not total:
        return None, table
    description = _("%(total)s ambassadeurs actifs aujourd'hui ; %(levelled)s ont atteint au moins le premier niveau.",
                    total=total, levelled=sum(count for rank, count in counts if rank > 0))
    if linked:
        from flask import url_for

        from learnapp.office.dashboard import ChartLink

        return ChartLink(CHART, _("Ambassadeurs actifs par niveau"), description, table,
                         url_for("office.dashboard_chart", name=CHART)), table
    chart = charts.bar_chart(CHART, _("Ambassadeurs actifs par niveau"),
                             categories=[rank_label(rank) for rank, _count in counts],
                             series=[Series(_("Ambassadeurs actifs"), [count for _rank, count in counts])],
                             description=description, filter_key="today", table=table)
    return chart, table


def register(app) -> None:
    for rank in range(1, app.config.setdefault("AMBASSADOR_FUNNEL_RANKS", DEFAULT_FUNNEL_RANKS) + 1):
        add_funnel_step(app, f"level-{rank}", _l("Ont atteint le niveau d'ambassadeur %(rank)s", rank=rank),
                        order=10 + rank, reached=reached_rank(rank))
    add_dashboard_section(app, "ambassadors", "ambassadors/_office_section.html", order=50,
                          title=_l("Ambassadeurs actifs par niveau"),
                          tables={CHART: lambda filters, today: active_table()},
                          charts={CHART: lambda filters, today: active_section()[0]})
    app.add_template_global(active_section, "office_ambassadors_section")
