"""Use cases of certificates: import the definitions, issue, look up, verify, revoke, re-issue.

Services flush and never commit; the person and the time are arguments. ``Settings`` carries
what the app knows (its public address, its instance folder) so nothing here reads Flask.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from joserfc import jws
from sqlalchemy import and_, func, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from learnapp.auth import rules as auth_rules
from learnapp.auth.models import AuditEntry, User
from learnapp.certificates import keys, rules, verification
from learnapp.certificates.models import Achievement, Certificate, Issuer
from learnapp.core import content_files
from learnapp.core.content_files import source_hash
from learnapp.core.messages import N_, translate
from learnapp.core.signals import certificate_issued, certificate_revoked
from learnapp.extensions import db

SUBJECT_NAMESPACE = uuid.UUID("6f1c2d8e-6a53-4d7b-9d0e-2f3a4b5c6d7e")  # holder ids: uuid5 of this


@dataclass(frozen=True)
class Settings:
    base_url: str  # e.g. https://ambassadeurs.example.org (no trailing slash)
    instance_path: str

    @property
    def issuer_id(self) -> str:
        return f"{self.base_url}/certificates/issuer"

    def achievement_id(self, key: str) -> str:
        return f"{self.base_url}/certificates/achievements/{key}"

    def verify_url(self, code: str) -> str:
        return f"{self.base_url}/verify/{code}"

    def image_url(self, image: dict) -> str:
        """A definition's image ({"sha256", "ext"}), served by the media blueprint: its address
        names its content, so a credential keeps the image it was signed with."""
        return f"{self.base_url}/media/{image['sha256']}.{image['ext']}"


class CertificateError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


# --- Definitions ---------------------------------------------------------------------------------

def import_definitions(found, now: datetime) -> list[str]:
    """Write the checked definitions (flush only); summary lines in French."""
    lines = []
    from learnapp.media.services import store_image

    for image in found.images.values():  # content-addressed: the same file twice is one asset
        store_image(image.raw, f"certificates/{image.filename}", now)

    issuer = db.session.scalars(select(Issuer).order_by(Issuer.id)).first()
    digest = found.issuer and source_hash(found.issuer)
    if found.issuer and issuer is None:
        db.session.add(Issuer(**found.issuer, source_hash=digest, version=1, created_at=now))
        lines.append(translate(N_("Certificats : émetteur enregistré.")))
    elif found.issuer and issuer.source_hash != digest:
        for name, value in found.issuer.items():
            setattr(issuer, name, value)
        issuer.source_hash, issuer.version = digest, issuer.version + 1
        lines.append(translate(N_("Certificats : émetteur modifié (version %(version)s)."),
                               {"version": issuer.version}))

    existing = {a.key: a for a in db.session.scalars(select(Achievement))}

    def retire(achievement: Achievement) -> None:  # gone from the files: kept for issued certificates
        achievement.course_slug = f"retired:{achievement.id}:{achievement.course_slug}"[:80]

    added, changed = content_files.version_entries(
        found.achievements, existing, key_field="key", retire=retire,
        create=lambda spec, digest: db.session.add(Achievement(**spec, source_hash=digest, version=1,
                                                                created_at=now)))
    db.session.flush()
    if added or changed:
        lines.append(translate(N_("Certificats : %(added)s ajouté(s), %(changed)s modifié(s)."),
                               {"added": added, "changed": changed}))
    return lines


def issuer_profile(settings: Settings) -> dict | None:
    issuer = db.session.scalars(select(Issuer).order_by(Issuer.id)).first()
    if issuer is None:
        return None
    profile = {"@context": [rules.VC_CONTEXT, rules.OB_CONTEXT], "id": settings.issuer_id, "type": ["Profile"],
               "name": issuer.name, "url": issuer.url, "email": issuer.email, "description": issuer.description}
    if issuer.image:
        profile["image"] = rules.image(settings.image_url(issuer.image), issuer.name)
    return profile


def achievement_for(course_slug: str, tier_number: int) -> Achievement | None:
    return db.session.scalars(select(Achievement).where(
        Achievement.course_slug == course_slug, Achievement.tier_number == tier_number,
        Achievement.retired.is_(False))).first()


# --- Issue ----------------------------------------------------------------------------------------

def recipient_full_name(user: User) -> str:
    """The name printed on a certificate (the accounts' full name once it exists)."""
    return (getattr(user, "full_name", None) or user.display_name).strip()


def can_be_certified(user: User) -> bool:
    """A certificate names a person the office can reach: an account with an e-mail address is
    certified once the address is confirmed; a pupil's account (no address) always is."""
    return auth_rules.may_take_part(email=user.email, email_confirmed_at=user.email_confirmed_at)


def _signed(user: User, achievement: Achievement, issuer: Issuer, *, code: str, uid: str, name: str,
            now: datetime, settings: Settings) -> tuple[str, str, datetime | None]:
    expires = rules.add_months(now, achievement.valid_months) if achievement.valid_months else None
    facts = rules.CredentialFacts(
        credential_id=f"urn:uuid:{uid}",
        subject_id=f"urn:uuid:{uuid.uuid5(SUBJECT_NAMESPACE, f'{settings.issuer_id}/{user.id}')}",
        recipient_name=name,
        issuer={"id": settings.issuer_id, "name": issuer.name, "url": issuer.url, "email": issuer.email,
                "image": issuer.image and settings.image_url(issuer.image)},
        achievement={"id": settings.achievement_id(achievement.key), "key": achievement.key,
                     "names": achievement.names, "descriptions": achievement.descriptions,
                     "criteria": achievement.criteria,
                     "image": achievement.image and settings.image_url(achievement.image)},
        issued_at=now.replace(microsecond=0), expires_at=expires and expires.replace(microsecond=0),
        verify_url=settings.verify_url(code))
    ring = keys.load(settings.instance_path, now)
    token = verification.sign(rules.jwt_claims(rules.credential(facts)), ring.active)
    return token, ring.active.kid, facts.expires_at


def issue(user: User, achievement: Achievement, now: datetime, settings: Settings, *,
          attempt_id: int | None = None, generation: int = 0, name: str | None = None) -> Certificate | None:
    """Issue ``achievement`` to ``user``; ``None`` when they already hold it (this generation).

    ``INSERT … ON CONFLICT DO NOTHING`` on the unique (user, achievement, generation): of two
    concurrent issues, exactly one inserts and sends ``certificate_issued``."""
    issuer = db.session.scalars(select(Issuer).order_by(Issuer.id)).first()
    if issuer is None:
        raise CertificateError("no_issuer")
    name = name or recipient_full_name(user)
    minor = user.age_group(now) != "adult"
    for _ in range(3):  # a new code if the random one is taken (45 bits: practically never)
        code, uid = rules.new_code(), str(uuid.uuid4())
        token, kid, expires = _signed(user, achievement, issuer, code=code, uid=uid, name=name, now=now,
                                      settings=settings)
        values = dict(code=code, uid=uid, user_id=user.id, achievement_id=achievement.id, generation=generation,
                      achievement_version=achievement.version, recipient_name=name,
                      public_name=_public_name(user, name, minor=minor, now=now), issued_at=now, expires_at=expires,
                      kid=kid, credential_jwt=token, attempt_id=attempt_id)
        insert = pg_insert if db.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        inserted = db.session.execute(insert(Certificate).values(**values).on_conflict_do_nothing()
                                      .returning(Certificate.id)).scalar()
        if inserted is not None:
            certificate = db.session.get(Certificate, inserted)
            certificate_issued.send(certificate, recipient=user)
            return certificate
        if held(user.id, achievement.id, generation) is not None:
            return None
    raise CertificateError("no_code")


def _public_name(user: User, name: str, *, minor: bool, now: datetime) -> str:
    """The verify page's name: the account's own public name (first name + initial for a minor
    or by choice) when the certificate carries the account's name, else derived from ``name``."""
    if name == recipient_full_name(user) and getattr(user, "first_name", None):
        return user.public_name_at(now)
    return rules.public_name(name, minor=minor)


def held(user_id: int, achievement_id: int, generation: int = 0) -> Certificate | None:
    return db.session.scalars(select(Certificate).where(
        Certificate.user_id == user_id, Certificate.achievement_id == achievement_id,
        Certificate.generation == generation)).first()


def on_tier_passed(user: User, *, course, tier, attempt, settings: Settings) -> Certificate | None:
    """``tier_passed``: issue the tier's certificate (once) and tell the learner by e-mail."""
    achievement = achievement_for(course.slug, tier.number)
    if achievement is None or not can_be_certified(user):
        return None
    now = attempt.submitted_at if attempt is not None and attempt.submitted_at else None
    if now is None:
        from learnapp.db import utcnow

        now = utcnow()
    certificate = issue(user, achievement, now, settings, attempt_id=getattr(attempt, "id", None))
    if certificate is not None and user.email:
        tell_by_email(user, certificate, now, settings)
    return certificate


def tell_by_email(user: User, certificate: Certificate, now: datetime, settings: Settings) -> None:
    from learnapp.mail import services as mail

    locale = user.locale or "fr"
    achievement = certificate.achievement
    subject = translate(N_("Votre certificat « %(name)s »"), {"name": achievement.text("names", locale)}, locale)
    body = translate(N_("Bonjour %(person)s,\n\nFélicitations : vous avez obtenu le certificat « %(name)s ».\n\n"
                        "Retrouvez-le (PDF, fichier signé, lien à partager) dans « Mes certificats » :\n%(mine)s\n\n"
                        "Toute personne peut vérifier son authenticité avec le code %(code)s :\n%(verify)s\n"),
                     {"person": certificate.recipient_name, "name": achievement.text("names", locale),
                      "mine": f"{settings.base_url}/certificates/", "code": rules.display_code(certificate.code),
                      "verify": settings.verify_url(certificate.code)}, locale)
    mail.queue(user.email, subject, body, now)


# --- Look-up and status -----------------------------------------------------------------------------

def by_code(typed: str) -> Certificate | None:
    code = rules.normalise_code(typed)
    if code is None:
        return None
    return db.session.scalars(select(Certificate).where(Certificate.code == code)).first()


def status_of(certificate: Certificate, now: datetime) -> str:
    return rules.status(revoked_at=certificate.revoked_at, superseded=certificate.superseded_by_id is not None,
                        expires_at=certificate.expires_at, now=now)


def for_user(user: User) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.user_id == user.id)
                                   .order_by(Certificate.issued_at.desc(), Certificate.id.desc())))


def for_attempt(attempt_id: int) -> Certificate | None:
    return db.session.scalars(select(Certificate).where(Certificate.attempt_id == attempt_id)).first()


def credential_json(certificate: Certificate) -> dict:
    """The credential inside the signed token (as issued; nothing re-read from today's data)."""
    payload = jws.extract_compact(certificate.credential_jwt.encode()).payload
    return rules.credential_of(json.loads(payload))


MEDIA_PATH = re.compile(r"/media/([0-9a-f]{64})\.(png|jpg)$")


def signed_images(certificate: Certificate) -> dict[str, str | None]:
    """The images the credential was signed with, as paths this app serves (``/media/…``), by
    "achievement" and "issuer": a later definition's image never changes an issued certificate."""
    document = credential_json(certificate)
    urls = {"achievement": document["credentialSubject"]["achievement"].get("image", {}).get("id", ""),
            "issuer": document["issuer"].get("image", {}).get("id", "")}
    found = {name: MEDIA_PATH.search(url or "") for name, url in urls.items()}
    return {name: match.group(0) if match else None for name, match in found.items()}


def image_bytes(path: str | None) -> bytes | None:
    """The stored image a :func:`signed_images` path names."""
    match = MEDIA_PATH.search(path or "")
    if match is None:
        return None
    from learnapp.media.models import MediaAsset

    return db.session.scalar(select(MediaAsset.data).where(MediaAsset.sha256 == match.group(1)))


# --- Verification of a file -------------------------------------------------------------------------

def verify_upload(raw: bytes, settings: Settings, now: datetime) -> verification.Verdict:
    """Check an uploaded credential: signature, issuer, key, dates, then revocation here."""
    upload = verification.read_upload(raw)
    if upload.problem is not None:
        return verification.Verdict(problem=upload.problem)
    if upload.token is not None:
        verdict = verification.verify_token(upload.token, keys.published(settings.instance_path),
                                            issuer_id=settings.issuer_id, now=now)
        if not verdict.ok:
            return verdict
        certificate = _by_credential_id(verdict.credential.get("id"))
        if certificate is None:
            return verification.fail("not_issued")
    else:
        verdict = verification.verify_document(upload.document)
        if not verdict.ok:
            return verdict
        certificate = _by_credential_id(verdict.credential.get("id"))
        if certificate is None or credential_json(certificate) != verdict.credential:
            return verification.fail("not_issued")
        # The JSON is exactly what the office signed: check the signed token it came from.
        verdict = verification.verify_token(certificate.credential_jwt, keys.published(settings.instance_path),
                                            issuer_id=settings.issuer_id, now=now)
        if not verdict.ok:
            return verdict
    problem = _status_problem(certificate, now)
    if problem is not None:
        return verification.Verdict(problem=problem.problem, credential=verdict.credential, kid=verdict.kid)
    verdict.notes.append(certificate.code)
    return verdict


def _status_problem(certificate: Certificate, now: datetime) -> verification.Verdict | None:
    state = status_of(certificate, now)
    if state == rules.REVOKED:
        return verification.fail("revoked", date=certificate.revoked_at.date().isoformat(),
                                 reason=certificate.revoked_reason or "")
    if state == rules.SUPERSEDED:
        return verification.fail("superseded", code=rules.display_code(certificate.superseded_by.code))
    if state == rules.EXPIRED:
        return verification.fail("expired", date=certificate.expires_at.date().isoformat())
    return None


def _by_credential_id(credential_id) -> Certificate | None:
    if not isinstance(credential_id, str) or not credential_id.startswith("urn:uuid:"):
        return None
    return db.session.scalars(select(Certificate).where(Certificate.uid == credential_id[9:45])).first()


# --- Staff ------------------------------------------------------------------------------------------

def search(*, text: str = "", achievement_id: int | None = None, since: datetime | None = None,
           until: datetime | None = None, limit: int = 200) -> list[Certificate]:
    query = select(Certificate).join(Achievement)
    text = text.strip()
    if text:
        code = rules.normalise_code(text)
        pattern = f"%{text.lower()}%"
        conditions = [func.lower(Certificate.recipient_name).like(pattern)]
        if code:
            conditions.append(Certificate.code == code)
        query = query.where(or_(*conditions))
    if achievement_id:
        query = query.where(Certificate.achievement_id == achievement_id)
    if since:
        query = query.where(Certificate.issued_at >= since)
    if until:
        query = query.where(Certificate.issued_at < until)
    return list(db.session.scalars(query.order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(limit)))


def revoke(actor: User, certificate: Certificate, reason: str, now: datetime) -> None:
    reason = reason.strip()
    if not reason:
        raise CertificateError("no_reason")
    if certificate.revoked_at is not None:
        raise CertificateError("already_revoked")
    certificate.revoked_at = now
    certificate.revoked_reason = reason[:500]
    db.session.add(AuditEntry(actor_id=actor.id, action="certificate.revoke", subject=f"certificate:{certificate.code}",
                              detail=reason[:1000], created_at=now))
    db.session.flush()
    certificate_revoked.send(certificate, recipient=db.session.get(User, certificate.user_id), actor=actor,
                             reason=reason, now=now)


def reissue(actor: User, certificate: Certificate, name: str, now: datetime, settings: Settings) -> Certificate:
    """A corrected certificate (e.g. a name typo): a new one, the old one superseded by it."""
    name = " ".join(name.split())
    if not name:
        raise CertificateError("no_name")
    if certificate.superseded_by_id is not None or certificate.revoked_at is not None:
        raise CertificateError("not_current")
    user = db.session.get(User, certificate.user_id)
    last = db.session.scalar(select(func.max(Certificate.generation)).where(and_(
        Certificate.user_id == certificate.user_id, Certificate.achievement_id == certificate.achievement_id)))
    new = issue(user, certificate.achievement, now, settings, generation=(last or 0) + 1, name=name)
    if new is None:
        raise CertificateError("not_current")
    certificate.superseded_by_id = new.id
    db.session.add(AuditEntry(actor_id=actor.id, action="certificate.reissue",
                              subject=f"certificate:{certificate.code}",
                              detail=f"→ {new.code}: {name}"[:1000], created_at=now))
    db.session.flush()
    return new
