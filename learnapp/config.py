"""Configuration: defaults < instance/config.py < LEARNAPP_* environment < explicit mapping.

The secret key is never written here: `learnapp init` generates it into
``instance/secret_key`` (mode 0600) and :func:`load_config` reads it from there.
"""

from __future__ import annotations

import os
import secrets
import typing
from pathlib import Path

ENV_PREFIX = "LEARNAPP_"
SECRET_KEY_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)


class Defaults:
    # "production" refuses to start without a secret key and sends Secure cookies.
    ENV = "production"
    SECRET_KEY: str | None = None
    DATABASE_URL: str | None = None  # default: SQLite file in the instance folder
    BASE_URL = "http://127.0.0.1:5000"

    SMTP_HOST = "127.0.0.1"
    SMTP_PORT = 25
    SMTP_USER = ""
    SMTP_PASSWORD = ""
    SMTP_STARTTLS = False
    SMTP_TIMEOUT = 10.0  # seconds
    MAIL_FROM = "Ambassadeurs du territoire <no-reply@localhost>"

    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SQLITE_BUSY_TIMEOUT_MS = 5000

    BABEL_DEFAULT_LOCALE = "fr"
    BABEL_DEFAULT_TIMEZONE = "Europe/Paris"
    LANGUAGES = ("fr", "en")

    WTF_CSRF_TIME_LIMIT = None  # tied to the session, not to a clock
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = 30 * 24 * 3600
    SESSION_COOKIE_SECURE: bool | None = None  # None: Secure in production
    REMEMBER_COOKIE_SECURE: bool | None = None

    # How many reverse proxies (nginx, a load balancer) stand in front of the app and set
    # X-Forwarded-For / X-Forwarded-Proto; 0 when the app is reached directly.
    TRUSTED_PROXIES = 0

    # Where throttle counters live: memory:// on one host, redis://host:6379 with several
    # (install the `redis` extra). Sign-in failures are counted there too.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = False
    # Sign-in: failures slow down, they never lock out (docs/decisions.md, "Throttles").
    # Per account and address together: 5 free failures, then 1, 2, 4 … s, at most 5 minutes.
    LOGIN_PAIR_FREE_FAILURES = 5
    LOGIN_PAIR_MAX_DELAY = 300
    # Per account from anywhere: 20 free, then 1, 2, 4 … s, at most 15 minutes; a device that
    # signed in to this account before (its signed cookie) is not slowed by this count.
    LOGIN_ACCOUNT_FREE_FAILURES = 20
    LOGIN_ACCOUNT_MAX_DELAY = 900
    # Per address: a ceiling (then 429 until the window ends); a class of 30 typing
    # passphrases wrong ten times each in a quarter of an hour stays under it.
    LOGIN_ADDRESS_CEILING = 300  # failures per address …
    LOGIN_ADDRESS_WINDOW = 15 * 60  # … in a 15-minute window
    LOGIN_FAILURE_WINDOW = 24 * 3600  # seconds a failure count lasts from its first failure
    KNOWN_DEVICE_COOKIE = "learnapp_device"
    KNOWN_DEVICE_DAYS = 365
    # Sign-up: per e-mail address (nobody fills a stranger's mailbox) and per network address.
    REGISTER_LIMIT_PER_EMAIL = "3 per hour"
    REGISTER_LIMIT_PER_ADDRESS = "60 per hour"
    EMAIL_CONFIRM_MAX_AGE = 7 * 24 * 3600
    # Changing one's password or e-mail address (each asks for the current password).
    ACCOUNT_CHANGE_LIMIT = "10 per hour"

    PASSWORD_RESET_MAX_AGE = 3600  # seconds a reset link stays valid
    # "Forgot password" answers this long after the request began, account or not (the work
    # itself takes 15-60 ms on a busy host); see docs/decisions.md for the measurement.
    FORGOT_PASSWORD_ANSWER_SECONDS = 0.25

    # Sessions (seconds). Ordinary accounts: ended after 2 hours without a request (14 days
    # with "remember me"), 30 days after sign-in at most (the remember-me cookie's life).
    # Staff and admins: 30 minutes idle, 12 hours at most (a working day), remembered or not.
    SESSION_IDLE_TIMEOUT = 2 * 3600  # not remembered: a shared school computer
    SESSION_REMEMBERED_IDLE_TIMEOUT = 14 * 24 * 3600
    SESSION_ABSOLUTE_TIMEOUT = 30 * 24 * 3600
    STAFF_SESSION_ROLES = ("staff", "admin")
    STAFF_SESSION_IDLE_TIMEOUT = 30 * 60
    STAFF_SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
    SESSION_TOUCH_INTERVAL = 60  # last-seen is written at most once a minute per session

    # Display names that would pose as the office: refused as whole words, accents and case aside.
    RESERVED_NAMES = ("admin", "administrateur", "administratrice", "administrator",
                      "office de tourisme", "office du tourisme", "tourist office", "staff",
                      "moderateur", "moderatrice", "moderator", "support", "webmaster")
    EMAIL_CHANGE_MAX_AGE = 24 * 3600


TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"0", "false", "no", "off", ""})


def _declared_type(name: str) -> object:
    """The annotation of a setting whose default is None (``bool | None`` …), if any."""
    return typing.get_type_hints(Defaults).get(name)


def _coerce(name: str, raw: str, current: object) -> object:
    """Turn an environment string into the type of the default it replaces."""
    wants = _declared_type(name) if current is None else type(current)
    if wants is bool or (wants is not None and bool in typing.get_args(wants)):
        word = raw.strip().lower()
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise RuntimeError(f"{ENV_PREFIX}{name} must be true or false, not {raw!r}.")
        return word in TRUE_WORDS
    if wants is int:
        try:
            return int(raw)
        except ValueError:
            raise RuntimeError(f"{ENV_PREFIX}{name} must be a whole number, not {raw!r}.") from None
    if wants is float:
        try:
            return float(raw)
        except ValueError:
            raise RuntimeError(f"{ENV_PREFIX}{name} must be a number, not {raw!r}.") from None
    return raw


def read_secret_key(instance_path: str | os.PathLike) -> str | None:
    path = Path(instance_path) / SECRET_KEY_FILE
    if path.is_file():
        return path.read_text(encoding="utf-8").strip() or None
    return None


def write_secret_key(instance_path: str | os.PathLike) -> Path:
    """Create the instance secret key once (0600); an existing key is kept."""
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / SECRET_KEY_FILE
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path


def load_config(app, overrides: dict | None = None) -> None:
    app.config.from_object(Defaults)
    app.config.from_pyfile("config.py", silent=True)
    for name, raw in os.environ.items():
        if name.startswith(ENV_PREFIX) and name != ENV_PREFIX + "INSTANCE_PATH":
            key = name[len(ENV_PREFIX):]
            app.config[key] = _coerce(key, raw, app.config.get(key))
    if overrides:
        app.config.update(overrides)

    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = read_secret_key(app.instance_path)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "No secret key: run `learnapp init` (or `learnapp demo`) to create "
            f"{Path(app.instance_path) / SECRET_KEY_FILE}, or set LEARNAPP_SECRET_KEY."
        )

    if not app.config.get("DATABASE_URL"):
        app.config["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "learnapp.db")
    app.config["SQLALCHEMY_DATABASE_URI"] = app.config["DATABASE_URL"]
    if app.config["DATABASE_URL"].startswith("sqlite"):
        # How long a writer waits for another to finish before "database is locked".
        options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        connect_args = dict(options.get("connect_args") or {})
        connect_args.setdefault("timeout", app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000)
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {**options, "connect_args": connect_args}

    production = app.config["ENV"] == "production" and not app.config.get("TESTING")
    for name in ("SESSION_COOKIE_SECURE", "REMEMBER_COOKIE_SECURE"):
        if app.config.get(name) is None:
            app.config[name] = production
