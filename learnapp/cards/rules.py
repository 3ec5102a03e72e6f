"""Pure rules of the ambassador's card: its number, its validity, the signed token in its QR.

No Flask, no database: values in, values out.

- The number is a certificate-style code (Crockford base 32, nine random characters and a
  check character, shown ``ABCDE-FGHJK``): a partner types it without confusing O and 0, and a
  mistyped character is caught before any lookup.
- The QR holds ``<number>.<signature>`` (itsdangerous, HMAC-SHA256 keyed by the app's secret):
  a QR printed by someone else for a number they made up is refused before the database is
  read. A reissued card has a new number, so its old QR finds a replaced card and is refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from itsdangerous import BadSignature, Signer

from learnapp.certificates.rules import display_code, new_code, normalise_code

__all__ = ["display_number", "new_number", "normalise_number", "sign", "unsign", "card_refusal",
           "CardFacts", "VALIDITY", "REASONS"]

new_number = new_code
normalise_number = normalise_code
display_number = display_code

# A card is valid a year from its issue; renewing is a reissue (a new number, a new QR).
VALIDITY = timedelta(days=365)
# Why a card was (re)issued: the first one, a lost card, a new photo, a new level, a renewal.
REASONS = ("first", "lost", "photo", "level", "renewal")
SALT = "learnapp.ambassador-card.qr"


@lru_cache(maxsize=4)
def _signer(secret_key: str) -> Signer:
    """The app's signer, its HMAC key derived once per process: a plain ``Signer`` derives it
    again (a hash of salt and secret) on every sign and every check. Same key, same tokens."""
    derived = Signer(secret_key, salt=SALT, digest_method=hashlib.sha256).derive_key()
    return Signer(derived, salt=SALT, key_derivation="none", digest_method=hashlib.sha256)


def sign(number: str, secret_key: str) -> str:
    return _signer(secret_key).sign(number).decode("ascii")


def unsign(token: str, secret_key: str) -> str | None:
    """The card number a token was signed for, or None (forged, truncated, not a token)."""
    if not isinstance(token, str) or len(token) > 200:
        return None
    try:
        number = _signer(secret_key).unsign(token).decode("ascii")
    except (BadSignature, UnicodeError):
        return None
    return normalise_number(number)


@dataclass(frozen=True)
class CardFacts:
    current: bool  # the holder's one active card (False: replaced by a newer one)
    valid_until: datetime


@dataclass(frozen=True)
class StandingFacts:
    active: bool
    reason: str | None  # paused | left | manifesto_overdue | consent_missing


def card_refusal(card: CardFacts | None, standing: StandingFacts | None, now: datetime) -> str | None:
    """Why a card may not be honoured now (a code), or None when it is valid."""
    if card is None:
        return "unknown"
    if not card.current:
        return "replaced"
    if now >= card.valid_until:
        return "expired"
    if standing is None:
        return "not_ambassador"
    if not standing.active:
        return standing.reason if standing.reason in ("paused", "left", "manifesto_overdue",
                                                      "consent_missing") else "inactive"
    return None
