import os
import stat

import pytest
from sqlalchemy import inspect

from learnapp import create_app
from learnapp.config import write_secret_key


def test_factory_has_no_side_effects(tmp_path):
    database = tmp_path / "untouched.db"
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{database}",
                      "INSTANCE_PATH": str(tmp_path / "instance")})
    assert app.name == "learnapp"
    assert not database.exists(), "the factory must not create the database"
    assert not (tmp_path / "instance").exists(), "the factory must not create instance/"
    with app.app_context():
        from learnapp.extensions import db

        assert inspect(db.engine).get_table_names() == []
        db.engine.dispose()


def test_refuses_to_start_without_a_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNAPP_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="secret key"):
        create_app({"INSTANCE_PATH": str(tmp_path), "ENV": "production"})


def test_secret_key_file_is_private_and_kept(tmp_path):
    path = write_secret_key(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    first = path.read_text()
    write_secret_key(tmp_path)
    assert path.read_text() == first
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SECRET_KEY"] == first


def test_environment_overrides_instance_config(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("BASE_URL = 'https://from-file.example'\nSMTP_PORT = 2525\n")
    monkeypatch.setenv("LEARNAPP_SECRET_KEY", "from-env")
    monkeypatch.setenv("LEARNAPP_SMTP_PORT", "2626")
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["BASE_URL"] == "https://from-file.example"
    assert app.config["SMTP_PORT"] == 2626
    assert app.config["SECRET_KEY"] == "from-env"
    assert app.config["SESSION_COOKIE_SECURE"] is True  # production by default


def test_sqlite_runs_with_wal_busy_timeout_and_foreign_keys(tmp_path):
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        from learnapp.extensions import db

        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        db.engine.dispose()


@pytest.mark.parametrize("raw, secure", [("false", False), ("0", False), ("true", True), ("1", True)])
def test_a_boolean_from_the_environment_means_what_it_says(tmp_path, monkeypatch, raw, secure):
    # SESSION_COOKIE_SECURE defaults to None ("Secure in production"): "false" must not become
    # the truthy string "false".
    monkeypatch.setenv("LEARNAPP_SECRET_KEY", "k")
    monkeypatch.setenv("LEARNAPP_SESSION_COOKIE_SECURE", raw)
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_COOKIE_SECURE"] is secure


@pytest.mark.parametrize("name, raw", [("LEARNAPP_SMTP_PORT", "twenty-five"),
                                       ("LEARNAPP_SMTP_STARTTLS", "maybe"),
                                       ("LEARNAPP_TRUSTED_PROXIES", "one")])
def test_a_malformed_setting_stops_the_start_with_its_name(tmp_path, monkeypatch, name, raw):
    monkeypatch.setenv("LEARNAPP_SECRET_KEY", "k")
    monkeypatch.setenv(name, raw)
    with pytest.raises(RuntimeError, match=name):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_explicit_settings_beat_the_environment_which_beats_the_file(tmp_path, monkeypatch):
    (tmp_path / "config.py").write_text("SECRET_KEY = 'from-file'\nSMTP_HOST = 'file.example'\n"
                                        "MAIL_FROM = 'file@example.org'\n")
    monkeypatch.setenv("LEARNAPP_SMTP_HOST", "env.example")
    monkeypatch.setenv("LEARNAPP_MAIL_FROM", "env@example.org")
    app = create_app({"INSTANCE_PATH": str(tmp_path), "MAIL_FROM": "explicit@example.org"})
    assert app.config["SECRET_KEY"] == "from-file"
    assert app.config["SMTP_HOST"] == "env.example"
    assert app.config["MAIL_FROM"] == "explicit@example.org"
    assert app.config["SMTP_PORT"] == 25  # the default


def test_no_secret_key_in_any_mode(tmp_path, monkeypatch):
    monkeypatch.delenv("LEARNAPP_SECRET_KEY", raising=False)
    for env in ("production", "development"):
        with pytest.raises(RuntimeError, match="secret key"):
            create_app({"INSTANCE_PATH": str(tmp_path), "ENV": env})


def test_the_sqlite_busy_timeout_is_a_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("LEARNAPP_SQLITE_BUSY_TIMEOUT_MS", "12000")
    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        from learnapp.extensions import db

        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 12000
        db.engine.dispose()
