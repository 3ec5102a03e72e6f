"""Fixtures shared by every test: a real database (SQLite file, or PostgreSQL when
LEARNAPP_TEST_DATABASE_URL is set), an app per test, a client, users and logins.

The schema is built once per run by the Alembic migrations themselves, so every test also
exercises them; each test then starts from empty tables.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from learnapp import create_app
from learnapp.extensions import db as _db

# Hypothesis checks properties, not speed: its per-example deadline and "too slow" health check
# are wall-clock assertions that fail on a loaded machine (speed is measured in benchmarks/).
settings.register_profile("learnapp", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("learnapp")

TEST_PASSWORD = "correct horse battery"

# Reference data written by others (Moodle's GIFT examples, 1EdTech's OB 3.0 schema and fixtures)
# stays outside the repository: in ../shared/ beside the clone, or where LEARNAPP_SHARED_DIR says.
SHARED_DIR_VARIABLE = "LEARNAPP_SHARED_DIR"
# CI always has that data: with LEARNAPP_REQUIRE_SHARED=1 a missing file fails the test instead of
# skipping it, so a run cannot go green by quietly leaving those tests out.
REQUIRE_SHARED_VARIABLE = "LEARNAPP_REQUIRE_SHARED"


def shared_dir() -> Path:
    configured = os.environ.get(SHARED_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return Path(__file__).resolve().parent.parent.parent / "shared"


@pytest.fixture(scope="session")
def shared_file():
    """shared_file("interop/moodle-gift-examples.txt") → the Path of that outside reference file;
    the test is skipped, with the reason in the summary, when it is not there."""

    def find(relative: str) -> Path:
        path = shared_dir() / relative
        if not path.is_file():
            reason = (f"outside reference data {relative} not found in {path.parent} "
                      f"(put it in ../shared/ beside the repository or set {SHARED_DIR_VARIABLE})")
            if os.environ.get(REQUIRE_SHARED_VARIABLE) == "1":
                pytest.fail(reason)
            pytest.skip(reason)
        return path

    return find


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    server = os.environ.get("LEARNAPP_TEST_DATABASE_URL")
    if not server:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / f"test-{_worker()}.db")
    # One PostgreSQL database per xdist worker, created fresh for this run.
    url = make_url(server)
    name = f"{url.database}_{_worker()}"
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def instance_dir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("instance")


def make_config(database_url: str, instance_dir: Path, **extra) -> dict:
    config = {
        "TESTING": True,
        "ENV": "testing",
        "SECRET_KEY": "test-secret-key-not-for-production",
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance_dir),
        "WTF_CSRF_ENABLED": False,
        "BASE_URL": "http://localhost",
        "RATELIMIT_STORAGE_URI": "memory://",
    }
    config.update(extra)
    return config


@pytest.fixture(scope="session")
def migrated(database_url, instance_dir):
    """Apply the real migrations once per run."""
    from flask_migrate import upgrade

    app = create_app(make_config(database_url, instance_dir))
    with app.app_context():
        upgrade()
        _db.engine.dispose()
    return database_url


def _empty_tables():
    engine = _db.engine
    tables = [t for t in _db.metadata.sorted_tables]
    with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            names = ", ".join(f'"{t.name}"' for t in tables)
            connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


@pytest.fixture
def app_config(migrated, instance_dir) -> dict:
    """Override in a module (or update in a test before using ``app``) to change settings."""
    return make_config(migrated, instance_dir)


class FreshContextClient(FlaskClient):
    """Each request gets its own app context, as in production: its own ``g`` (locale, user)
    and its own database session, even though the test holds an app context open."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def app(app_config):
    app = create_app(app_config)
    app.test_client_class = FreshContextClient
    with app.app_context():
        yield app
        _db.session.remove()
        _empty_tables()
        _db.engine.dispose()


@pytest.fixture
def db(app):
    return _db


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def now() -> datetime:
    return datetime(2026, 11, 22, 10, 0, tzinfo=UTC)


@pytest.fixture
def make_user(db, now):
    """make_user(role="teacher", age_group="child", email=..., name=...) → a committed User."""
    from learnapp.auth import services

    counter = iter(range(1, 10_000))
    birth_years = {"adult": now.year - 40, "teen": now.year - 16, "child": now.year - 10}

    def make(role: str = "learner", *, age_group: str = "adult", email: str | None = None,
             name: str | None = None, password: str = TEST_PASSWORD, roles=None):
        n = next(counter)
        if email is None and age_group != "child":
            email = f"{role}{n}@example.org"
        user = services.create_user(
            display_name=name or f"{role.title()} {n}", email=email, password=password,
            birth_year=birth_years[age_group], roles=tuple(roles or (role,)), now=now)
        db.session.commit()
        return user

    return make


@pytest.fixture
def login(client):
    """login(user) signs the test client in as ``user`` (through the real login form)."""

    def do(user, password: str = TEST_PASSWORD, remember: bool = False):
        response = client.post("/login", data={"email": user.email, "password": password,
                                                "remember": "y" if remember else ""})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    return do
