"""The office's pages: the dashboard, its CSV exports, the audit log, the monthly report.

Thin views: read the filters (office/filters.py), ask office/dashboard.py, render. Bad filters
get the page with a message and status 400, never a 500 and never more work than the default page.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for

from learnapp.core.access import roles_required
from learnapp.core.errors import fail
from learnapp.core.i18n import _
from learnapp.core.messages import N_, translate
from learnapp.core.pagination import Page, page_number
from learnapp.core.tables import csv_response
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.office import dashboard as board
from learnapp.office import filters, queries, report, rules, seams
from learnapp.office.freshness import FRESH_MINUTES
from learnapp.office.rules import FilterError

bp = Blueprint("office", __name__, url_prefix="/office", template_folder="templates")
AUDIT_PER_PAGE = 50


def _message(error: FilterError) -> str:
    return translate(error.message, error.params)


def _filters_or_400(known: bool, missing: str):
    """The CSV and chart downloads: an unknown name is 404, bad filters 400 (the page itself
    shows the filter form with its message instead)."""
    if not known:
        fail(404, missing)
    today = rules.office_today(utcnow())
    try:
        return filters.read(request.args, today), today
    except FilterError as error:
        fail(400, _message(error))


@bp.get("/dashboard/")
@roles_required("staff")
def dashboard():
    today = rules.office_today(utcnow())
    try:
        chosen = filters.read(request.args, today)
    except FilterError as error:
        return render_template("office/dashboard.html", error=_message(error), form=filters.form_state(
            request.args, today), sections=None, today=today), 400
    extra_sections = seams.registry(current_app).sections
    return render_template(
        "office/dashboard.html", error=None, form=filters.form_state(request.args, today), filters=chosen,
        today=today, rates=board.rates_section(chosen, with_charts=board.LINKED),
        funnel=board.funnel_section(chosen, today, with_charts=board.LINKED),
        visits=board.visits_section(chosen, today, with_charts=board.LINKED), extra_sections=extra_sections,
        csv_args=filters.query_args(chosen), period_label=board.period_label,
        report_months=report.recent_months(today), sections=True, fresh_minutes=FRESH_MINUTES)


@bp.get("/dashboard/<name>.csv")
@roles_required("staff")
def dashboard_csv(name: str):
    contributed = seams.section_table(current_app, name)  # a table another domain's section shows
    chosen, today = _filters_or_400(name in board.TABLES or contributed is not None,
                                    _("Ce tableau n'existe pas."))
    table = board.table(name, chosen, today) if name in board.TABLES else contributed(chosen, today)
    suffix = chosen.period.at or "all"
    return csv_response(table, f"{name}-{suffix}-{chosen.age_group}.csv")


@bp.get("/dashboard/charts/<name>.svg")
@roles_required("staff")
def dashboard_chart(name: str):
    """One of the page's charts as an SVG image (the page links to it: office/dashboard.py)."""
    contributed = seams.section_chart(current_app, name)
    chosen, today = _filters_or_400(name in board.CHARTS or contributed is not None,
                                    _("Ce graphique n'existe pas."))
    drawn = board.chart(name, chosen, today) if name in board.CHARTS else contributed(chosen, today)
    if drawn is None:
        fail(404, _("Ce graphique n'existe pas."))
    response = Response(str(drawn.svg), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = f"private, max-age={FRESH_MINUTES * 60}"
    return response


@bp.get("/audit/")
@roles_required("staff")
def audit():
    today = rules.office_today(utcnow())
    args = request.args
    action, actor = (args.get("action") or "").strip()[:60], (args.get("actor") or "").strip()[:80]
    actions = queries.audit_actions()
    error, page = None, None
    try:
        start = rules.parse_date(args.get("from"), _("du"))
        end = rules.parse_date(args.get("to"), _("au"))
        rules.check_range(start, end)
        if action and action not in actions:
            raise FilterError(N_("Action inconnue : « %(value)s »."), value=action)
    except FilterError as err:
        error = _message(err)
    if error is None:
        entries, count = queries.audit_query(action=action, actor=actor, start=rules.day_start_utc(start),
                                             end=rules.day_start_utc(end, next_day=True))
        total = db.session.scalar(count)
        pages = max(1, -(-total // AUDIT_PER_PAGE))
        number = min(page_number(args.get("page")), pages)  # past the end: the last page
        rows = db.session.execute(entries.limit(AUDIT_PER_PAGE).offset((number - 1) * AUDIT_PER_PAGE)).all()
        page = Page(items=rows, number=number, per_page=AUDIT_PER_PAGE, total=total)
    start_text, end_text = args.get("from", "")[:10], args.get("to", "")[:10]
    page_args = {key: value for key, value in
                 (("action", action), ("actor", actor), ("from", start_text), ("to", end_text)) if value}
    return render_template("office/audit.html", page=page, page_args=page_args, error=error, actions=actions,
                           action=action, actor=actor, start=start_text, end=end_text,
                           today=today), 400 if error else 200


@bp.get("/reports/<month>.<fmt>")
@roles_required("staff")
def monthly_report(month: str, fmt: str):
    if fmt not in ("pdf", "html"):
        abort(404)
    today = rules.office_today(utcnow())
    try:
        period = rules.parse_period("month", month, today)
    except FilterError as error:
        fail(400, _message(error))
    body = report.render(period, today, fmt=fmt, dashboard_url=url_for("office.dashboard", _external=True))
    mimetype = "application/pdf" if fmt == "pdf" else "text/html"
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="rapport-office-{month}.{fmt}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
