"""Sign and check credentials: the VC-JWT (compact JWS, EdDSA) and the OB 3.0 schema.

Used by the web form, the JSON answer and the offline command alike, so each gives the same
reason for the same failure. No Flask and no database here: the caller passes the published
keys, the issuer's id and the time.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet, OKPKey
from jsonschema import Draft201909Validator

from learnapp.certificates import rules
from learnapp.core.problems import N_, Messages, Problem

SCHEMA_PATH = Path(__file__).resolve().parent / "schema" / "ob_v3p0_achievementcredential_schema.json"
MAX_UPLOAD_BYTES = 64 * 1024  # a credential is ~2 KB; anything far bigger is not one
ALGORITHM = "EdDSA"

MESSAGES = Messages({
    "empty": N_("Le fichier est vide."),
    "too_large": N_("Le fichier est trop gros pour être un certificat (64 Ko au plus)."),
    "not_text": N_("Le fichier n'est pas du texte : envoyez le fichier .jwt ou .json du certificat."),
    "not_credential": N_("Ce n'est ni un certificat signé (JWT) ni un certificat JSON."),
    "malformed_token": N_("Le jeton est mal formé : il doit avoir trois parties séparées par des points."),
    "header": N_("L'en-tête du jeton est illisible ou modifié."),
    "algorithm": N_("Algorithme de signature refusé (%(alg)s) : seul EdDSA est accepté."),
    "no_kid": N_("L'en-tête du jeton ne dit pas quelle clé l'a signé (kid manquant)."),
    "unknown_key": N_("Clé inconnue (%(kid)s) : ce certificat n'a pas été signé par une clé de l'office."),
    "signature": N_("La signature ne correspond pas : le certificat a été modifié après sa signature."),
    "payload": N_("Le contenu du jeton n'est pas un certificat lisible."),
    "schema": N_("Le certificat ne suit pas le format Open Badges 3.0 : %(detail)s"),
    "issuer": N_("Ce certificat n'a pas été émis par l'office (émetteur différent)."),
    "claims": N_("Les identifiants du jeton (jti, sub) ne correspondent pas au certificat."),
    "dates": N_("Les dates du jeton (nbf, exp) ne correspondent pas à celles du certificat."),
    "not_yet_valid": N_("Ce certificat n'est pas encore valable."),
    "expired": N_("Ce certificat a expiré le %(date)s."),
    "unsigned_json": N_("Ce certificat JSON n'est pas signé : envoyez le fichier .jwt pour vérifier sa signature."),
    "not_issued": N_("Ce certificat n'a pas été émis par l'office ou a été modifié."),
    "revoked": N_("Ce certificat a été révoqué le %(date)s : %(reason)s"),
    "superseded": N_("Ce certificat a été remplacé par un autre (code %(code)s)."),
    "unknown_code": N_("Aucun certificat ne porte ce code."),
    "malformed_code": N_("Ce code n'a pas la bonne forme : 10 caractères, par exemple ABCDE-FGHJK."),
})


@dataclass
class Verdict:
    """What a check found: ``ok``, or the first ``problem``; the credential when it was read."""

    problem: Problem | None = None
    credential: dict | None = None
    kid: str | None = None
    signed: bool = False  # True when a signature was checked against an office key
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


def fail(code: str, **params) -> Verdict:
    return Verdict(problem=MESSAGES.problem(code, params))


class _Registry(jws.JWSRegistry):
    """RFC 9864 deprecates the name "EdDSA" in favour of "Ed25519", and joserfc warns on each
    use; Open Badges 3.0 verifiers expect "EdDSA", so we keep it and silence only that warning."""

    def get_alg(self, name: str):
        if name == ALGORITHM and self.allowed and ALGORITHM in self.allowed:
            return self.algorithms[name]
        return super().get_alg(name)


REGISTRY = _Registry(algorithms=[ALGORITHM])


def sign(claims: Mapping, key: OKPKey) -> str:
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": key.kid}
    payload = json.dumps(claims, ensure_ascii=False, separators=(",", ":")).encode()
    return jws.serialize_compact(header, payload, key, registry=REGISTRY)


@cache
def _validator() -> Draft201909Validator:
    return Draft201909Validator(json.loads(SCHEMA_PATH.read_text()))


def schema_problem(document: object) -> Problem | None:
    """The OB 3.0 schema step: ``None`` when ``document`` is a valid AchievementCredential."""
    error = next(iter(sorted(_validator().iter_errors(document), key=lambda e: list(e.path))), None)
    if error is None:
        return None
    where = "/".join(str(step) for step in error.path) or "(racine)"
    return MESSAGES.problem("schema", {"detail": f"{where} — {error.message[:200]}"})


def _b64json(part: str) -> dict:
    padded = part + "=" * (-len(part) % 4)
    value = json.loads(base64.urlsafe_b64decode(padded.encode("ascii")))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


def verify_token(token: str, jwks: Mapping, *, issuer_id: str, now: datetime) -> Verdict:
    """Check a compact JWS: header, key, signature, schema, issuer, identifiers and dates."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not all(parts[:2]):
        return fail("malformed_token")
    try:
        header = _b64json(parts[0])
    except (ValueError, UnicodeError):
        return fail("header")
    if header.get("alg") != ALGORITHM:
        return fail("algorithm", alg=str(header.get("alg"))[:20])
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        return fail("no_kid")
    keys = [jwk for jwk in jwks.get("keys", []) if isinstance(jwk, Mapping) and jwk.get("kid") == kid]
    if not keys:
        return fail("unknown_key", kid=kid[:60])
    try:
        signed = jws.deserialize_compact(token.strip(), KeySet([OKPKey.import_key(dict(keys[0]))]),
                                         registry=REGISTRY)
    except (JoseError, ValueError, TypeError):
        return fail("signature")
    try:
        claims = json.loads(signed.payload)
        if not isinstance(claims, dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeError):
        return fail("payload")
    verdict = verify_document(rules.credential_of(claims))
    if not verdict.ok:
        return verdict
    problem = rules.claims_problem(claims, issuer_id=issuer_id, now=now)
    if problem is not None:
        params = {"date": claims.get("validUntil", "")[:10]} if problem == "expired" else {}
        return Verdict(problem=MESSAGES.problem(problem, params), credential=verdict.credential, kid=kid)
    return Verdict(credential=verdict.credential, kid=kid, signed=True)


def verify_document(document: object) -> Verdict:
    """The schema step alone (a credential as JSON)."""
    problem = schema_problem(document)
    if problem is not None:
        return Verdict(problem=problem)
    return Verdict(credential=dict(document))


@dataclass
class Upload:
    """An uploaded file, read: a token, or a JSON credential, or the problem with it."""

    token: str | None = None
    document: dict | None = None
    problem: Problem | None = None


def read_upload(raw: bytes) -> Upload:
    """Decide what a file is, without trusting anything in it."""
    if not raw or not raw.strip():
        return Upload(problem=MESSAGES.problem("empty"))
    if len(raw) > MAX_UPLOAD_BYTES:
        return Upload(problem=MESSAGES.problem("too_large"))
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff").strip()
    except UnicodeDecodeError:
        return Upload(problem=MESSAGES.problem("not_text"))
    if text.startswith("{"):
        try:
            document = json.loads(text)
        except ValueError:
            return Upload(problem=MESSAGES.problem("not_credential"))
        return Upload(document=document)
    if text.count(".") == 2 and " " not in text:
        return Upload(token=text)
    return Upload(problem=MESSAGES.problem("not_credential"))
