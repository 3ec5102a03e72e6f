"""The set-up commands a new user types, run as real processes."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

LEARNAPP = [sys.executable, "-m", "learnapp.cli"]


@pytest.fixture
def scratch_env(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEARNAPP_")}
    env["LEARNAPP_INSTANCE_PATH"] = str(tmp_path / "instance")
    return env


def run(args, env, **kwargs):
    return subprocess.run(LEARNAPP + args, env=env, capture_output=True, text=True, timeout=300,
                          **kwargs)


def test_help_lists_every_command(scratch_env):
    result = run(["--help"], scratch_env)
    assert result.returncode == 0, result.stderr
    for command in ("demo", "serve", "users", "mail", "db", "init", "i18n", "content"):
        assert f"  {command}" in result.stdout


def count_rows(database: Path, table: str) -> int:
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        return connection.execute(f"select count(*) from {table}").fetchone()[0]  # noqa: S608
    finally:
        connection.close()


def test_demo_twice_creates_everything_once(scratch_env, tmp_path):
    database = Path(scratch_env["LEARNAPP_INSTANCE_PATH"]) / "learnapp.db"
    first = run(["demo", "--no-serve"], scratch_env)
    assert first.returncode == 0, first.stderr
    assert "admin@demo.learnapp.local" in first.stdout
    key = Path(scratch_env["LEARNAPP_INSTANCE_PATH"]) / "secret_key"
    assert key.exists() and (key.stat().st_mode & 0o777) == 0o600
    tables = ("user_account", "user_role", "course", "lesson_version", "question_version",
              "quiz_attempt", "certificate", "ambassador_membership", "ambassador_signature",
              "ambassador_level_change", "ambassador_portrait")
    before = {table: count_rows(database, table) for table in tables}
    assert before["user_account"] >= 7
    assert_demo_certificates(database, Path(scratch_env["LEARNAPP_INSTANCE_PATH"]))
    assert_demo_ambassadors(database)
    second = run(["demo", "--no-serve"], scratch_env)
    assert second.returncode == 0, second.stderr
    assert "already exist" in second.stdout
    assert {table: count_rows(database, table) for table in tables} == before


def assert_demo_certificates(database: Path, instance: Path) -> None:
    """The demo's adult and teen each hold a certificate; one demo certificate is revoked."""
    import sqlite3

    assert (instance / "signing-keys.json").stat().st_mode & 0o777 == 0o600
    connection = sqlite3.connect(database)
    try:
        held = dict(connection.execute(
            "select u.email, count(*) from certificate c join user_account u on u.id = c.user_id "
            "where c.revoked_at is null group by u.email").fetchall())
        revoked = connection.execute("select count(*) from certificate where revoked_at is not null").fetchone()[0]
    finally:
        connection.close()
    assert held.get("learner@demo.learnapp.local", 0) >= 1 and held.get("teen@demo.learnapp.local", 0) >= 1
    assert revoked == 1


def assert_demo_ambassadors(database: Path) -> None:
    """Léa is an « Ambassadeur » whom tier 2 will raise; Hugo signed with a parent's consent; two
    approved portraits; a palmarès of ten or more."""
    import sqlite3

    connection = sqlite3.connect(database)
    try:
        levels = dict(connection.execute(
            "select u.email, l.code from ambassador_membership m join user_account u on u.id = m.user_id "
            "left join ambassador_level l on l.id = m.level_id").fetchall())
        consent = connection.execute(
            "select s.parent_name from ambassador_signature s join user_account u on u.id = s.user_id "
            "where u.email = 'teen@demo.learnapp.local'").fetchone()
        approved = connection.execute(
            "select count(*) from ambassador_portrait where status = 'approved'").fetchone()[0]
        ranked = connection.execute("select count(*) from ambassador_membership where in_palmares").fetchone()[0]
    finally:
        connection.close()
    assert levels["learner@demo.learnapp.local"] == "ambassadeur"
    assert levels["teen@demo.learnapp.local"] == "jeune-ambassadeur" and consent[0]
    assert approved == 2 and ranked >= 10


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_runs_gunicorn_and_answers_healthz(scratch_env):
    assert run(["init"], scratch_env).returncode == 0
    port = free_port()
    env = {**scratch_env, "LEARNAPP_ENV": "production"}
    process = subprocess.Popen(LEARNAPP + ["serve", "--port", str(port), "--workers", "1",
                                           "--threads", "2"],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        body = None
        # A busy machine (the other test worker, a browser) can take tens of seconds to import
        # the app: wait for the answer, not for a fixed time, and stop at once if gunicorn died.
        deadline = time.monotonic() + 120
        while body is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as r:
                    body = r.read().decode()
            except OSError:
                time.sleep(0.2)
        assert body is not None, "gunicorn never answered"
        assert '"status":"ok"' in body.replace(" ", "")
    finally:
        process.terminate()
        process.wait(timeout=10)
        process.stdout.close()


def test_gunicorn_refuses_to_start_without_a_secret_key(scratch_env):
    result = subprocess.run([sys.executable, "-c", "import learnapp.wsgi"], env=scratch_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "No secret key" in result.stderr
