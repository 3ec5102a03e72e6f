"""Pure rules of certificates: codes, names shown, status, the credential's shape and its checks.

No Flask, no database: values in, values out.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

# --- Codes -------------------------------------------------------------------------------------
# Crockford's base 32: no I, L, O or U, so nothing reads as another character. Nine random
# characters (45 bits) and a Luhn mod 32 check character, which catches every single wrong
# character and every swap of two neighbours but one: 0 beside Z (values 0 and N-1), Luhn mod
# N's known blind pair. Changing the method would change the check of codes already issued.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
BODY_LENGTH = 9
CODE_LENGTH = BODY_LENGTH + 1
# What people type for what they saw.
_CONFUSIONS = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})


def check_character(body: str) -> str:
    """Luhn mod N over ``ALPHABET`` (N = 32)."""
    n = len(ALPHABET)
    total = 0
    factor = 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def new_code(randbelow=secrets.randbelow) -> str:
    body = "".join(ALPHABET[randbelow(len(ALPHABET))] for _ in range(BODY_LENGTH))
    return body + check_character(body)


def normalise_code(typed: str) -> str | None:
    """The code as stored, from what someone typed (any case, spaces, dashes, O for 0, I for 1);
    ``None`` when it cannot be a code (wrong length, foreign character, wrong check character)."""
    if not isinstance(typed, str) or len(typed) > 40:
        return None
    code = "".join(typed.split()).replace("-", "").upper().translate(_CONFUSIONS)
    if len(code) != CODE_LENGTH or any(char not in ALPHABET for char in code):
        return None
    if check_character(code[:-1]) != code[-1]:
        return None
    return code


def display_code(code: str) -> str:
    """``ABCDE-FGHJK``: two groups of five, easier to read aloud and type."""
    return f"{code[:5]}-{code[5:]}"


# --- Names -------------------------------------------------------------------------------------

def public_name(full_name: str, *, minor: bool) -> str:
    """What anyone may see: the whole name for an adult, first name and initial for a minor."""
    parts = full_name.split()
    if not minor or len(parts) < 2:
        return " ".join(parts)
    return f"{parts[0]} {parts[-1][0].upper()}."


# --- Dates -------------------------------------------------------------------------------------

def add_months(moment: datetime, months: int) -> datetime:
    """Same day ``months`` later (the last day of the month when that day does not exist)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# --- Status ------------------------------------------------------------------------------------
VALID, REVOKED, EXPIRED, SUPERSEDED, UNKNOWN = "valid", "revoked", "expired", "superseded", "unknown"


def status(*, revoked_at: datetime | None, superseded: bool, expires_at: datetime | None,
           now: datetime) -> str:
    """Revocation wins over everything, then a replacement, then the end of validity."""
    if revoked_at is not None:
        return REVOKED
    if superseded:
        return SUPERSEDED
    if expires_at is not None and expires_at <= now:
        return EXPIRED
    return VALID


# --- The credential ----------------------------------------------------------------------------
VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"


@dataclass(frozen=True)
class CredentialFacts:
    """Everything a credential says, as plain values."""

    credential_id: str  # urn:uuid:…
    subject_id: str  # urn:uuid:… (a stable id for the holder that reveals nothing)
    recipient_name: str
    issuer: Mapping  # id, name, url, email, description
    achievement: Mapping  # id, names, descriptions, criteria
    issued_at: datetime
    expires_at: datetime | None
    verify_url: str


def image(url: str, caption: str) -> dict:
    """An OB 3.0 ``Image`` object."""
    return {"id": url, "type": "Image", "caption": caption}


def credential(facts: CredentialFacts) -> dict:
    """An Open Badges 3.0 ``OpenBadgeCredential`` (VC data model 2.0), unsigned."""
    achievement = facts.achievement
    issuer = facts.issuer
    document = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": facts.credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": achievement["names"]["fr"],
        "issuer": {
            "id": issuer["id"],
            "type": ["Profile"],
            "name": issuer["name"],
            "url": issuer["url"],
            "email": issuer["email"],
        },
        "validFrom": iso(facts.issued_at),
        "credentialSubject": {
            "id": facts.subject_id,
            "type": ["AchievementSubject"],
            "identifier": [{
                "type": "IdentityObject",
                "identityHash": facts.recipient_name,
                "identityType": "name",
                "hashed": False,
            }],
            "achievement": {
                "id": achievement["id"],
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": achievement["names"]["fr"],
                "description": achievement["descriptions"]["fr"],
                "criteria": {"narrative": achievement["criteria"]["fr"]},
                "inLanguage": "fr",
                "humanCode": achievement.get("key", ""),
            },
        },
        "evidence": [{"id": facts.verify_url, "type": ["Evidence"], "name": "Vérification"}],
    }
    if issuer.get("image"):
        document["issuer"]["image"] = image(issuer["image"], issuer["name"])
    if achievement.get("image"):
        document["credentialSubject"]["achievement"]["image"] = image(achievement["image"],
                                                                      achievement["names"]["fr"])
    if facts.expires_at is not None:
        document["validUntil"] = iso(facts.expires_at)
    return document


def jwt_claims(document: Mapping) -> dict:
    """The VC-JWT payload: the credential with the registered claims OB 3.0 maps onto it."""
    claims = dict(document)
    claims["iss"] = document["issuer"]["id"]
    claims["sub"] = document["credentialSubject"]["id"]
    claims["jti"] = document["id"]
    claims["nbf"] = _epoch(document["validFrom"])
    if "validUntil" in document:
        claims["exp"] = _epoch(document["validUntil"])
    return claims


def _epoch(value: str) -> int:
    return int(parse_iso(value).timestamp())


def parse_iso(value: str) -> datetime:
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(value)
    return moment


def credential_of(claims: Mapping) -> dict:
    """The credential inside a VC-JWT payload (the registered claims removed)."""
    return {key: value for key, value in claims.items() if key not in ("iss", "sub", "jti", "nbf", "exp", "iat")}


def claims_problem(claims: Mapping, *, issuer_id: str, now: datetime) -> str | None:
    """Why the payload of a correctly signed token is not an acceptable credential (a failure
    code of :mod:`learnapp.certificates.verification`), or ``None``."""
    try:
        document_issuer = claims["issuer"]["id"] if isinstance(claims.get("issuer"), Mapping) else claims.get("issuer")
        if claims.get("iss") != issuer_id or document_issuer != issuer_id:
            return "issuer"
        subject = claims.get("credentialSubject") or {}
        if claims.get("jti") != claims.get("id") or claims.get("sub") != subject.get("id"):
            return "claims"
        valid_from = parse_iso(claims["validFrom"])
        if claims.get("nbf") != int(valid_from.timestamp()):
            return "dates"
        valid_until = parse_iso(claims["validUntil"]) if "validUntil" in claims else None
        if (valid_until is None) != ("exp" not in claims) or (
                valid_until is not None and claims["exp"] != int(valid_until.timestamp())):
            return "dates"
    except (KeyError, TypeError, ValueError, AttributeError):
        return "claims"
    if valid_from > now:
        return "not_yet_valid"
    if valid_until is not None and valid_until <= now:
        return "expired"
    return None
