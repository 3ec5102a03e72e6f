"""Ambassador fixtures: the repository's definitions loaded, certificates issued through the
certificates' service (the real ``certificate_issued``), visits attended through the roster (the
real ``visit_attended``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learnapp import PROJECT_ROOT
from learnapp.ambassadors import definitions
from learnapp.ambassadors import loader as ambassador_loader
from learnapp.certificates import services as certificates
from learnapp.db import utcnow
from learnapp.extensions import db as _db
from learnapp.visits import attendance, booking
from tests.certificates.helpers import load_definitions
from tests.visits.conftest import make_session, make_visit  # noqa: F401,F811 (fixtures)

COURSE = "granville-terre-et-mer"


@pytest.fixture
def loaded(db, now):
    """Achievements, levels and the manifesto of the repository, as `learnapp content load` does."""
    load_definitions(now)
    found = ambassador_loader.read_definitions(PROJECT_ROOT / "certificates")
    assert not found.problems, [p.display() for p in found.problems]
    definitions.import_definitions(found, now)
    db.session.commit()


@pytest.fixture
def settings(app):
    return certificates.Settings(base_url="http://localhost", instance_path=app.instance_path)


@pytest.fixture
def give(db, settings):
    """give(user, tier, now) → the certificate of the Granville course's tier, issued for real."""

    def issue(user, tier, now):
        certificate = certificates.issue(user, certificates.achievement_for(COURSE, tier), now, settings)
        db.session.commit()
        return certificate

    return issue


@pytest.fixture
def attend(db, make_user, make_session, make_visit):  # noqa: F811 (the fixtures imported above)
    """attend(user) → the attendance record of a visit that began 10 minutes ago, marked by its guide."""
    guide = make_user("guide")

    def mark(user):
        now = utcnow()
        session = make_session(visit=make_visit(guide=guide, now=now - timedelta(days=2)),
                               now=now - timedelta(days=1), starts_in=timedelta(days=1, minutes=-10))
        held = booking.book(user, session, now=now - timedelta(days=1)).booking
        _db.session.commit()
        record = attendance.mark(session, held, 0, True, actor=guide, now=now)
        _db.session.commit()
        return record

    return mark


@pytest.fixture
def ambassador(db, loaded, make_user, now):
    """ambassador(age_group="adult", **sign) → a user who signed the current manifesto."""
    from learnapp.ambassadors import manifesto

    def make(age_group="adult", **extra):
        user = make_user(age_group=age_group)
        if age_group != "adult":
            extra.setdefault("parent_name", "Claire Martin")
            extra.setdefault("parent_declaration", "J'autorise mon enfant.")
        manifesto.sign(user, manifesto.current().id, now=now, **extra)
        db.session.commit()
        return user

    return make
