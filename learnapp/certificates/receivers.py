"""The news certificates listen to: ``tier_passed`` (sent by quizzes when an attempt passes)."""

from __future__ import annotations

from flask import current_app

from learnapp.certificates import services
from learnapp.core.signals import tier_passed


def settings() -> services.Settings:
    return services.Settings(base_url=current_app.config["BASE_URL"].rstrip("/"),
                             instance_path=current_app.instance_path)


def _on_tier_passed(user, *, course, tier, attempt=None, **_):
    services.on_tier_passed(user, course=course, tier=tier, attempt=attempt, settings=settings())


def connect(app) -> None:
    # Connected once for the process (blinker keeps one entry per receiver); the receiver reads
    # the app it runs in, so every app made by the factory is served.
    tier_passed.connect(_on_tier_passed)
