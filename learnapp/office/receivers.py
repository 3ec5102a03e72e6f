"""The news the office listens to: what a person has done changed (core/signals.py).

The receiver runs inside the sender's transaction (the lesson finished, the attempt graded, the
guide's mark): the person's kept funnel depth changes with the news or not at all."""

from __future__ import annotations

from learnapp.core.signals import activity_changed
from learnapp.office import milestones


def _on_activity_changed(user_id, **_):
    if user_id is not None:
        milestones.refresh(user_id)


def connect(app) -> None:
    # Once per process (blinker keeps one entry per receiver).
    activity_changed.connect(_on_activity_changed)
