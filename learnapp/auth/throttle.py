"""Sign-in throttling that slows guessing down without letting anyone lock a person or a school out.

Failures are counted in the rate-limit store (``RATELIMIT_STORAGE_URI``: memory on one host,
Redis shared by several), under three keys:

* the account and the network address together: after a few free failures each new one makes
  the next try wait longer (1, 2, 4 … s, capped) — someone elsewhere cannot slow the owner;
* the account from anywhere: the same, with more free failures and a higher cap, to slow a guess
  spread over many addresses; a device that already signed in to this account (a signed cookie)
  is not slowed by it, so a correct password from the owner's phone still gets through;
* the address alone: a ceiling high enough for a class of 30 mistyping passphrases.

A delay is kept as a key that expires when the wait is over, so every worker sees the same wait
and ``Retry-After`` is its remaining lifetime. See docs/decisions.md, "Throttles".
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app, request
from flask_babel import format_datetime, format_timedelta
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.exceptions import TooManyRequests

from learnapp.auth import rules
from learnapp.core.errors import render_error
from learnapp.core.i18n import _
from learnapp.db import utcnow
from learnapp.extensions import limiter

DEVICE_SALT = "learnapp.known-device"
KNOWN_ACCOUNTS_PER_DEVICE = 8


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Keys:
    pair: str
    account: str
    address: str

    @classmethod
    def of(cls, email: str, address: str) -> Keys:
        account = _digest(email)  # no address in clear in Redis
        return cls(pair=f"signin:pair:{account}:{address}", account=f"signin:account:{account}",
                   address=f"signin:address:{address}")


def _storage():
    return limiter.storage


def _wait_left(key: str) -> int:
    """Seconds until the wait stored under ``key`` is over (0: no wait)."""
    storage = _storage()
    if storage.get(key + ":wait") <= 0:
        return 0
    return max(1, math.ceil(storage.get_expiry(key + ":wait") - time.time()))


def wait_before_trying(email: str, address: str, *, known_device: bool, address_ceiling: bool = True) -> int:
    """Seconds this sign-in must wait before its password is even checked (0: go ahead).

    ``email`` is the account's sign-in name (a pupil's: their class and username).
    ``address_ceiling=False`` for pupils: thirty children share one school address, so only the
    account and the account+address counts slow them down, never the address alone."""
    config = current_app.config
    keys = Keys.of(email, address)
    storage = _storage()
    waits = [_wait_left(keys.pair)]
    if not known_device:
        waits.append(_wait_left(keys.account))
    if address_ceiling and storage.get(keys.address) >= config["LOGIN_ADDRESS_CEILING"]:
        waits.append(max(1, math.ceil(storage.get_expiry(keys.address) - time.time())))
    return max(waits)


def record_failure(email: str, address: str, *, address_ceiling: bool = True) -> None:
    config = current_app.config
    keys = Keys.of(email, address)
    storage = _storage()
    window = config["LOGIN_FAILURE_WINDOW"]
    for key, free, cap in ((keys.pair, config["LOGIN_PAIR_FREE_FAILURES"], config["LOGIN_PAIR_MAX_DELAY"]),
                           (keys.account, config["LOGIN_ACCOUNT_FREE_FAILURES"],
                            config["LOGIN_ACCOUNT_MAX_DELAY"])):
        failures = storage.incr(key, window)
        delay = rules.failure_delay(failures, free=free, cap_seconds=cap)
        if delay:
            storage.clear(key + ":wait")
            storage.incr(key + ":wait", delay)
    if address_ceiling:
        storage.incr(keys.address, config["LOGIN_ADDRESS_WINDOW"])


def failures(email: str, address: str) -> dict[str, int]:
    keys = Keys.of(email, address)
    storage = _storage()
    return {"pair": storage.get(keys.pair), "account": storage.get(keys.account),
            "address": storage.get(keys.address)}


def record_success(email: str, address: str) -> None:
    """The owner knows the password: their counts start again (the address ceiling stays)."""
    keys = Keys.of(email, address)
    storage = _storage()
    for key in (keys.pair, keys.pair + ":wait", keys.account, keys.account + ":wait"):
        storage.clear(key)


# Known devices: a signed cookie listing (digests of) the accounts that signed in from it.

def _device_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=DEVICE_SALT)


def _known_accounts() -> list[str]:
    raw = request.cookies.get(current_app.config["KNOWN_DEVICE_COOKIE"])
    if not raw:
        return []
    try:
        accounts = _device_serializer().loads(raw)
    except BadSignature:
        return []
    return [a for a in accounts if isinstance(a, str)] if isinstance(accounts, list) else []


def is_known_device(email: str) -> bool:
    return _digest(email) in _known_accounts()


def remember_device(response, email: str) -> None:
    config = current_app.config
    accounts = [a for a in _known_accounts() if a != _digest(email)] + [_digest(email)]
    response.set_cookie(config["KNOWN_DEVICE_COOKIE"],
                        _device_serializer().dumps(accounts[-KNOWN_ACCOUNTS_PER_DEVICE:]),
                        max_age=config["KNOWN_DEVICE_DAYS"] * 24 * 3600, httponly=True,
                        secure=config["SESSION_COOKIE_SECURE"], samesite="Lax")


# 429 answers: Retry-After, and the wait in words, in the reader's language.

def try_again_message(seconds: int) -> str:
    # "dans 2 minutes" / "in 2 minutes", then the clock time in the reader's time zone.
    return _("Trop de tentatives. Réessayez %(wait)s (à %(time)s).",
             wait=format_timedelta(timedelta(seconds=seconds), threshold=1.0, add_direction=True),
             time=format_datetime(utcnow() + timedelta(seconds=seconds), "HH:mm:ss"))


def too_many(seconds: int) -> TooManyRequests:
    error = TooManyRequests(retry_after=seconds)
    error.learnapp_message = try_again_message(seconds)
    return error


def on_rate_limit_exceeded(error):
    """Every other throttle (Flask-Limiter's) answers the same way: Retry-After and when."""
    limit = limiter.current_limit
    seconds = max(1, math.ceil(limit.reset_at - time.time())) if limit else 60
    return render_error(429, try_again_message(seconds), {"Retry-After": str(seconds)})
