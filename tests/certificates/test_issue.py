"""Issue on ``tier_passed``: one certificate per person and achievement, told by e-mail, in the
Open Badges 3.0 format (checked against 1EdTech's JSON Schema)."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from jsonschema import Draft201909Validator
from sqlalchemy import func, select

from learnapp.certificates import keys, rules, services, verification
from learnapp.certificates.models import Certificate
from learnapp.core.signals import certificate_issued, tier_passed
from learnapp.mail.models import OutboxMessage
from tests.certificates.helpers import certificates_of, load_definitions, pass_tier, quiz


@pytest.fixture
def issued_events():
    events = []

    def receiver(sender, **kwargs):
        events.append((sender.code, kwargs["recipient"].id))

    certificate_issued.connect(receiver)
    yield events
    certificate_issued.disconnect(receiver)


def test_passing_a_tier_issues_its_certificate_once_and_mails_the_learner(db, now, make_user, issued_events):
    load_definitions(now)
    course, tier = quiz(now)
    learner = make_user(name="Léa Dupré-Étienne")
    attempt = pass_tier(learner, course, tier, now)
    (certificate,) = certificates_of(learner)
    assert certificate.attempt_id == attempt.id
    assert certificate.achievement.key == "granville-terre-et-mer-1"
    assert certificate.recipient_name == certificate.public_name == "Léa Dupré-Étienne"
    assert issued_events == [(certificate.code, learner.id)]
    (mail,) = db.session.scalars(select(OutboxMessage))
    assert mail.recipient == learner.email
    assert rules.display_code(certificate.code) in mail.body and "/verify/" + certificate.code in mail.body
    # The signal replayed (a retried job, a second receiver run) issues nothing more.
    tier_passed.send(learner, course=course, tier=tier, score=100.0, attempt=attempt)
    db.session.commit()
    assert len(certificates_of(learner)) == 1 and len(issued_events) == 1
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 1


def test_a_failed_attempt_or_a_tier_without_achievement_issues_nothing(db, now, make_user):
    course, tier = quiz(now)  # no definitions loaded: no achievement for the tier
    learner = make_user()
    pass_tier(learner, course, tier, now)
    assert certificates_of(learner) == []


def test_a_teen_is_shown_by_first_name_and_initial(db, now, make_user):
    load_definitions(now)
    course, tier = quiz(now)
    teen = make_user(age_group="teen", name="Hugo Lefèvre")
    pass_tier(teen, course, tier, now)
    (certificate,) = certificates_of(teen)
    assert certificate.recipient_name == "Hugo Lefèvre" and certificate.public_name == "Hugo L."


def test_concurrent_issues_make_exactly_one_certificate(app, db, now, make_user, settings, issued_events):
    load_definitions(now)
    course, tier = quiz(now)
    learner_id = make_user().id
    achievement_id = services.achievement_for(course.slug, 1).id
    barrier = threading.Barrier(4)
    results, errors = [], []

    def issue():
        from learnapp.auth.models import User
        from learnapp.certificates.models import Achievement

        with app.app_context():
            try:
                user, achievement = db.session.get(User, learner_id), db.session.get(Achievement, achievement_id)
                barrier.wait()
                results.append(services.issue(user, achievement, now, settings))
                db.session.commit()
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sum(result is not None for result in results) == 1
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert len(issued_events) == 1


def test_the_signed_credential_is_an_ob3_vc_jwt(app, db, now, make_user, shared_file):
    load_definitions(now)
    course, tier = quiz(now)
    learner = make_user(name="Zoé Lécuyer")
    pass_tier(learner, course, tier, now)
    (certificate,) = certificates_of(learner)
    header = verification._b64json(certificate.credential_jwt.split(".")[0])
    ring = keys.load(app.instance_path, now)
    assert header == {"alg": "EdDSA", "typ": "JWT", "kid": ring.active.kid}
    claims = verification._b64json(certificate.credential_jwt.split(".")[1])
    assert claims["@context"] == ["https://www.w3.org/ns/credentials/v2",
                                  "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"]
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert claims["iss"] == claims["issuer"]["id"] == "http://localhost/certificates/issuer"
    assert claims["jti"] == claims["id"] == f"urn:uuid:{certificate.uid}"
    assert claims["sub"] == claims["credentialSubject"]["id"]
    assert claims["nbf"] == int(now.timestamp()) and "exp" not in claims  # tier 1 never expires
    assert claims["credentialSubject"]["identifier"][0]["identityHash"] == "Zoé Lécuyer"
    assert claims["credentialSubject"]["achievement"]["image"]["type"] == "Image"  # validated below
    assert claims["issuer"]["image"]["id"].startswith("http://localhost/media/")
    schema = json.loads(shared_file("ob3/ob_v3p0_achievementcredential_schema.json").read_text())
    Draft201909Validator(schema).validate(rules.credential_of(claims))
    Draft201909Validator(schema).validate(services.credential_json(certificate))


def test_an_expiring_achievement_sets_valid_until_and_exp(app, db, now, make_user, settings, shared_file):
    load_definitions(now)
    make_user()
    learner = make_user(name="Ana Sousa")
    achievement = services.achievement_for("granville-terre-et-mer", 2)  # valid 36 months
    certificate = services.issue(learner, achievement, now, settings)
    db.session.commit()
    claims = verification._b64json(certificate.credential_jwt.split(".")[1])
    assert claims["validUntil"] == "2029-11-22T10:00:00Z"
    assert claims["exp"] == int((now.replace(year=2029)).timestamp())
    assert certificate.expires_at == now.replace(year=2029)
    schema = json.loads(shared_file("ob3/ob_v3p0_achievementcredential_schema.json").read_text())
    Draft201909Validator(schema).validate(rules.credential_of(claims))
    assert services.status_of(certificate, now + timedelta(days=365 * 4)) == rules.EXPIRED


def test_the_keys_file_is_private(app, now):
    keys.ensure(app.instance_path, now)
    assert (keys.path_in(app.instance_path).stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("name", ["simple.json", "complete.json"])
def test_1edtech_valid_fixtures_pass_the_schema_step(shared_file, name):
    document = json.loads(shared_file(f"ob3/fixtures_1edtech/{name}").read_text())
    assert verification.verify_document(document).ok


@pytest.mark.parametrize("name", ["simple-err-issuer.json", "simple-err-type.json"])
def test_1edtech_error_fixtures_fail_the_schema_step(shared_file, name):
    document = json.loads(shared_file(f"ob3/fixtures_1edtech/{name}").read_text())
    verdict = verification.verify_document(document)
    assert verdict.problem.code == "schema"


@pytest.mark.parametrize("name", ["simple-noproof.json", "simple-eddsa-2022.json"])
def test_the_vc_1_1_fixtures_are_refused_for_lack_of_valid_from(shared_file, name):
    # These two are VC data model 1.1 documents (issuanceDate, the 2018 context): the OB 3.0
    # schema we check against is the VC 2.0 one, which requires validFrom.
    document = json.loads(shared_file(f"ob3/fixtures_1edtech/{name}").read_text())
    verdict = verification.verify_document(document)
    assert verdict.problem.code == "schema" and "validFrom" in verdict.problem.text("en")


def test_the_1edtech_jwt_is_refused_for_its_algorithm(app, now, shared_file):
    token = shared_file("ob3/fixtures_1edtech/simple.jwt").read_text().strip()
    verdict = verification.verify_token(token, keys.load(app.instance_path, now).jwks(),
                                        issuer_id="http://localhost/certificates/issuer", now=now)
    assert verdict.problem.code == "algorithm"  # RS256, from a VC 1.1 era example: refused first


def test_an_unconfirmed_address_is_not_certified_until_confirmed(db, now, make_user):
    load_definitions(now)
    course, tier = quiz(now)
    learner = make_user()
    learner.email_confirmed_at = None
    db.session.commit()
    pass_tier(learner, course, tier, now)
    assert certificates_of(learner) == []
