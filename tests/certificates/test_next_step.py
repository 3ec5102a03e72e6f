"""The certificates' next step on the home page: a certificate earned this week, to download
and share; gone once revoked or older than a week."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learnapp.certificates import next_step, services
from learnapp.db import utcnow
from tests.certificates.helpers import load_definitions
from tests.site.steps import counting_queries, link_of, next_steps


@pytest.fixture
def settings(app):
    return services.Settings(base_url="http://localhost", instance_path=app.instance_path)


def earn(db, user, settings, when):
    certificate = services.issue(user, services.achievement_for("granville-terre-et-mer", 1), when, settings)
    db.session.commit()
    return certificate


def test_a_certificate_just_earned(client, db, make_user, login, settings):
    load_definitions(utcnow())
    user = make_user()
    earn(db, user, settings, utcnow() - timedelta(hours=2))
    login(user)
    steps = next_steps(client.get("/").get_data(as_text=True))
    assert "Nouveau certificat : « Ambassadeur Granville Terre et Mer — Découverte »" in steps["certificates"]
    assert link_of(steps["certificates"]) == "/certificates/"
    steps = next_steps(client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True))
    assert "New certificate:" in steps["certificates"]


def test_older_than_a_week_or_revoked_is_no_news(client, db, make_user, login, settings):
    load_definitions(utcnow())
    old_holder, revoked_holder, staff = make_user(), make_user(), make_user("staff")
    earn(db, old_holder, settings, utcnow() - timedelta(days=8))
    certificate = earn(db, revoked_holder, settings, utcnow() - timedelta(hours=1))
    services.revoke(staff, certificate, "Erreur de saisie", utcnow())
    db.session.commit()
    for user in (old_holder, revoked_holder):
        login(user)
        assert "certificates" not in next_steps(client.get("/").get_data(as_text=True))
        client.post("/logout")


def test_one_query(app, db, make_user, settings):
    load_definitions(utcnow())
    user = make_user()
    earn(db, user, settings, utcnow())
    db.session.refresh(user)
    with counting_queries() as queries:
        assert next_step.recent_certificate(user, utcnow())["fr"].startswith("Ambassadeur")
    assert len(queries) == 1
