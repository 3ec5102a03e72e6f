"""Certificate fixtures shared by the modules: the signing settings and one issued certificate."""

from __future__ import annotations

import pytest

from learnapp.certificates import services
from tests.certificates.helpers import load_definitions


@pytest.fixture
def settings(app):
    return services.Settings(base_url="http://localhost", instance_path=app.instance_path)


@pytest.fixture
def holder(db, now, make_user, settings):
    """(learner, certificate): Léa, with an accented name, holds the tier-1 certificate."""
    load_definitions(now)
    learner = make_user(name="Léa Dupré-Étienne")
    certificate = services.issue(learner, services.achievement_for("granville-terre-et-mer", 1), now, settings)
    db.session.commit()
    return learner, certificate


@pytest.fixture
def issued(holder):
    return holder[1]
