"""The statistics pages' charts, drawn by ``core.charts`` from numbers already computed.

- **Facility against discrimination**, one point per question version with answers: the easy
  questions sit on the right, those that separate who knows from who does not sit high; points
  low down or below zero deserve a look. Three marker shapes: no flag, flagged, too few answers.
- **Option frequencies** of one choice question: the share of answered items that chose each
  option, the right ones named as such in the label (never by colour alone).

Each chart comes with its text alternative (what it shows and the main finding, in words) and
its numbers as a table. ``core.charts`` keeps each drawing in ``chart_cache`` keyed by a digest of
everything drawn: it is drawn once per data version, never on every request. What is drawn is
rounded as the tables show it, so a new graded attempt redraws a chart only when it moves a
shown number (a drawing costs 0.1-0.5 s; reading it back, a few milliseconds).
"""

from __future__ import annotations

from flask_babel import format_decimal, format_percent

from learnapp.core import charts
from learnapp.core.i18n import _
from learnapp.core.tables import Column, Table
from learnapp.quizzes import stats
from learnapp.quizzes.stats_queries import CourseStatistics, QuestionRow


def _label(row: QuestionRow) -> str:
    return f"{row.key} · v{row.number}"


def facility_discrimination(course_id: int, result: CourseStatistics) -> charts.Chart | None:
    """One point per question version with a discrimination; None when there is none."""
    groups: dict[str, list[QuestionRow]] = {"plain": [], "flagged": [], "few": []}
    undefined = 0
    for row in result.rows:
        if row.stats.facility is None or row.stats.discrimination is None:
            undefined += 1
            continue
        groups["few" if row.stats.few_attempts else "flagged" if row.stats.flags else "plain"].append(row)
    plotted = [row for rows in groups.values() for row in rows]
    if not plotted:
        return None
    labels = {"plain": _("Sans signalement"), "flagged": _("Signalée"), "few": _("Trop peu de réponses")}
    # Drawn as the table shows them (two decimals): one more attempt seldom moves a point by a
    # shown amount, so the drawing (keyed by what it draws) is seldom redrawn.
    series = [charts.Series(labels[name], [(round(row.stats.facility, 2), round(row.stats.discrimination, 2))
                                           for row in rows])
              for name, rows in groups.items() if rows]
    weak = sum(1 for row in plotted if row.stats.discrimination < stats.WEAK_DISCRIMINATION)
    description = _("Chaque point est une version de question : à droite les plus faciles, en haut celles qui "
                    "séparent le mieux ceux qui savent des autres. %(plotted)s versions placées, dont %(flagged)s "
                    "signalées et %(weak)s sous le seuil de discrimination de %(threshold)s.",
                    plotted=len(plotted), flagged=len(groups["flagged"]), weak=weak,
                    threshold=format_decimal(stats.WEAK_DISCRIMINATION))
    if undefined:
        description += " " + _("%(n)s versions sans discrimination calculable (pas d'écart entre les réponses) "
                               "n'y figurent pas.", n=undefined)
    table = Table(columns=[Column(_("Question"), "text"), Column(_("Réponses"), "number"),
                           Column(_("Facilité"), "number"), Column(_("Discrimination"), "number"),
                           Column(_("Groupe"), "text")],
                  rows=[[_label(row), row.stats.n, round(row.stats.facility, 2), round(row.stats.discrimination, 2),
                         labels[name]] for name, rows in groups.items() for row in rows],
                  caption=_("Facilité et discrimination de chaque version de question placée"))
    return charts.scatter_chart(
        "quiz-facility-discrimination", _("Facilité et discrimination des questions"), series=series,
        description=description, x_label=_("Facilité (part moyenne des points)"),
        y_label=_("Discrimination (-1 à 1)"), percent=True, filter_key=f"course={course_id}", table=table)


def option_frequencies(course_id: int, row: QuestionRow) -> charts.Chart | None:
    """Horizontal bars: the share of answered items that chose each option; None without options
    or answers."""
    options = row.stats.options
    if not options or not row.stats.answered:
        return None
    right = _("bonne réponse")
    categories = [f"{option.label} ({right})" if option.correct else str(option.label) for option in options]
    shares = [round(option.share or 0.0, 3) for option in options]  # as the table shows them (0.1 %)
    top = max(range(len(options)), key=lambda i: options[i].count)
    if options[top].correct:
        finding = _("Le choix le plus pris est une bonne réponse : « %(label)s » (%(share)s).",
                    label=options[top].label, share=format_percent(shares[top]))
    else:
        finding = _("Le choix le plus pris est une mauvaise réponse : « %(label)s » (%(share)s).",
                    label=options[top].label, share=format_percent(shares[top]))
    never = [str(option.label) for option in options if option.count == 0]
    # No count in the text alternative: it would change the drawing's key with every answer (the
    # table's caption gives it).
    description = _("Part des réponses données qui ont pris chaque choix.") + " " + finding
    if never:
        description += " " + _("Jamais pris : %(labels)s.", labels=", ".join(never))
    table = Table(columns=[Column(_("Choix"), "text"), Column(_("Bonne réponse"), "text"),
                           Column(_("Pris"), "number"), Column(_("Part des réponses"), "percent")],
                  rows=[[str(option.label), _("oui") if option.correct else _("non"), option.count, option.share]
                        for option in options],
                  caption=_("Choix pris, sur %(n)s réponses données", n=row.stats.answered))
    return charts.bar_chart(
        f"quiz-options-{row.version_id}", _("Choix pris : %(key)s", key=_label(row)), categories=categories,
        series=[charts.Series(_("Part des réponses"), shares)], description=description,
        x_label=_("Part des réponses"), percent=True, horizontal=True,
        filter_key=f"course={course_id}&version={row.version_id}", table=table)
