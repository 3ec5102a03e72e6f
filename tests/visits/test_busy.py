"""A database too busy to take a booking: the request tries again, then answers a clear 503;
nothing is half-written and no 500 reaches the person."""

import sqlite3

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from learnapp.visits.models import Booking


@pytest.fixture
def app_config(app_config):
    """Give up waiting for a lock after 0.2 s (SQLite's busy timeout, PostgreSQL's lock_timeout)."""
    if app_config["DATABASE_URL"].startswith("sqlite"):
        return {**app_config, "SQLITE_BUSY_TIMEOUT_MS": 200}
    return {**app_config, "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"options": "-c lock_timeout=200"}}}


class Blocker:
    """Another writer holding the lock the booking needs, until released."""

    def __init__(self, url: str):
        self.url = make_url(url)
        if self.url.get_backend_name() == "sqlite":
            self.connection = sqlite3.connect(self.url.database, isolation_level=None)
            self.connection.execute("BEGIN IMMEDIATE")
        else:
            self.engine = create_engine(self.url)
            self.connection = self.engine.connect()
            # Readers pass (as they do past a row lock); the booking's UPDATE of the seats waits.
            self.connection.execute(text("LOCK TABLE visit_session IN EXCLUSIVE MODE"))

    def release(self):
        if self.url.get_backend_name() == "sqlite":
            self.connection.execute("ROLLBACK")
            self.connection.close()
        else:
            self.connection.rollback()
            self.connection.close()
            self.engine.dispose()


def test_a_busy_database_gets_a_503_then_the_booking_goes_through(app, client, db, login, make_user,
                                                                 make_session):
    session_id = make_session(capacity=2).id
    login(make_user())
    db.session.remove()
    blocker = Blocker(app.config["DATABASE_URL"])
    try:
        response = client.post(f"/visits/session/{session_id}/book", data={"seats": "1"})
    finally:
        blocker.release()
    assert response.status_code == 503
    assert "réessayez dans un instant" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 0
    response = client.post(f"/visits/session/{session_id}/book", data={"seats": "1"})
    assert response.status_code == 302
    assert db.session.scalar(select(func.count()).select_from(Booking)) == 1
