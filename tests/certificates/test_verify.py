"""Verification for anyone: by code, by uploaded file (web form and JSON) and offline (CLI).
Every tamper is refused with its reason by all three."""

from __future__ import annotations

import base64
import io
import json
from datetime import timedelta

import pytest
from joserfc.jwk import OKPKey

from learnapp.certificates import keys, rules, services, verification
from learnapp.extensions import db as _db
from tests.certificates.helpers import load_definitions

ISSUER = "http://localhost/certificates/issuer"


def _b64(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _parts(token: str) -> tuple[dict, dict, str]:
    header, payload, signature = token.split(".")
    return verification._b64json(header), verification._b64json(payload), signature


def _resigned(token: str, key: OKPKey, **changes) -> str:
    _, claims, _ = _parts(token)
    claims.update(changes)
    return verification.sign(claims, key)


def tampers(app, token: str, now) -> dict[str, tuple[str, str]]:
    """name → (forged token, the failure code expected)."""
    header, claims, signature = _parts(token)
    ring = keys.load(app.instance_path, now)
    stranger = OKPKey.generate_key("Ed25519", parameters={"kid": "stranger"})
    impostor = OKPKey.import_key(stranger.as_dict(private=True) | {"kid": ring.active.kid})
    later = int((now + timedelta(days=30)).timestamp())
    return {
        "payload": (f"{header and token.split('.')[0]}.{_b64(claims | {'name': 'Expert absolu'})}.{signature}",
                    "signature"),
        "signature": (token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB"), "signature"),
        "header": (f"{_b64(header | {'typ': 'JOSE'})}.{token.split('.', 1)[1]}", "signature"),
        "alg_none": (f"{_b64(header | {'alg': 'none'})}.{token.split('.')[1]}.", "algorithm"),
        "no_kid": (f"{_b64({'alg': 'EdDSA'})}.{token.split('.', 1)[1]}", "no_kid"),
        "unknown_kid": (f"{_b64(header | {'kid': 'nobody'})}.{token.split('.', 1)[1]}", "unknown_key"),
        "unknown_key": (_resigned(token, stranger), "unknown_key"),
        "impostor_key": (_resigned(token, impostor), "signature"),
        "issuer": (_resigned(token, ring.active, iss="https://evil.example/issuer",
                             issuer=claims["issuer"] | {"id": "https://evil.example/issuer"}), "issuer"),
        "dates": (_resigned(token, ring.active, nbf=claims["nbf"] - 86400), "dates"),
        "not_yet_valid": (_resigned(token, ring.active, nbf=later, validFrom=rules.iso(now + timedelta(days=30))),
                          "not_yet_valid"),
        "expired": (_resigned(token, ring.active, exp=int((now - timedelta(days=1)).timestamp()),
                              validUntil=rules.iso(now - timedelta(days=1))), "expired"),
        "garbage": ("abc.def.ghi", "header"),
    }


# --- By code ------------------------------------------------------------------------------------

def test_the_verify_page_says_valid_with_what_when_and_who(client, issued):
    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Certificat valide" in page and "Léa Dupré-Étienne" in page
    assert "Ambassadeur Granville Terre et Mer — Découverte" in page


def test_a_code_is_found_as_typed_lowercase_with_spaces_and_look_alikes(client, issued):
    typed = rules.display_code(issued.code).lower().replace("0", "o").replace("1", "i")
    response = client.post("/verify/", data={"code": f"  {typed} "})
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/verify/{issued.code}")


def test_the_json_answer_by_suffix_and_by_accept_header(client, issued, now):
    by_suffix = client.get(f"/verify/{issued.code}.json").get_json()
    by_header = client.get(f"/verify/{issued.code}", headers={"Accept": "application/json"}).get_json()
    assert by_suffix == by_header
    assert by_suffix["status"] == "valid" and by_suffix["holder"] == "Léa Dupré-Étienne"
    assert by_suffix["issued_at"] == rules.iso(now)


def test_unknown_and_malformed_codes_are_answered_404_with_the_reason(client, issued):
    body = rules.new_code()
    unknown = client.get(f"/verify/{body}.json")
    assert unknown.status_code == 404 and unknown.get_json()["reason"] == "Aucun certificat ne porte ce code."
    malformed = client.get("/verify/ZZZ", headers={"Accept-Language": "en", "Accept": "application/json"})
    assert malformed.status_code == 404 and "10 characters" in malformed.get_json()["reason"]
    assert client.get("/verify/" + "x" * 500).status_code == 404


def test_a_teen_is_shown_by_first_name_and_initial(client, db, now, make_user, settings):
    load_definitions(now)
    teen = make_user(age_group="teen", name="Hugo Lefèvre")
    certificate = services.issue(teen, services.achievement_for("granville-terre-et-mer", 1), now, settings)
    db.session.commit()
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert "Hugo L." in page and "Lefèvre" not in page
    assert client.get(f"/verify/{certificate.code}.json").get_json()["holder"] == "Hugo L."


def test_a_revocation_shows_on_the_next_request(client, db, issued, make_user, now):
    staff = make_user("staff")
    services.revoke(staff, issued, "Fraude constatée à l'examen", now)
    db.session.commit()
    answer = client.get(f"/verify/{issued.code}.json").get_json()
    assert answer["status"] == "revoked" and answer["revoked"]["reason"] == "Fraude constatée à l'examen"
    page = client.get(f"/verify/{issued.code}").get_data(as_text=True)
    assert "Certificat révoqué" in page and "Fraude constatée" in page


def test_a_reissued_certificate_points_to_its_replacement(client, db, issued, make_user, now, settings):
    staff = make_user("staff")
    new = services.reissue(staff, issued, "Léa Dupré-Étiennette", now, settings)
    db.session.commit()
    old = client.get(f"/verify/{issued.code}.json").get_json()
    assert old["status"] == "superseded" and old["superseded_by"] == rules.display_code(new.code)
    assert client.get(f"/verify/{new.code}.json").get_json()["holder"] == "Léa Dupré-Étiennette"


# --- By file ------------------------------------------------------------------------------------

def _upload(client, content: bytes, *, json_answer: bool = False, name: str = "c.jwt"):
    headers = {"Accept": "application/json"} if json_answer else {}
    return client.post("/verify/", data={"credential": (io.BytesIO(content), name)},
                       content_type="multipart/form-data", headers=headers)


def test_the_issued_token_and_its_json_verify(client, issued):
    response = _upload(client, issued.credential_jwt.encode(), json_answer=True)
    assert response.status_code == 200 and response.get_json()["valid"] is True
    assert response.get_json()["holder"] == "Léa Dupré-Étienne"
    document = json.dumps(services.credential_json(issued)).encode()
    assert _upload(client, document, json_answer=True, name="c.json").get_json()["valid"] is True
    page = _upload(client, issued.credential_jwt.encode()).get_data(as_text=True)
    assert "Certificat authentique et valide" in page


def test_an_edited_json_is_refused(client, issued):
    document = services.credential_json(issued)
    document["credentialSubject"]["identifier"][0]["identityHash"] = "Quelqu'un d'autre"
    answer = _upload(client, json.dumps(document).encode(), json_answer=True, name="c.json").get_json()
    assert answer == {"valid": False, "reason_code": "not_issued",
                      "reason": "Ce certificat n'a pas été émis par l'office ou a été modifié."}


@pytest.mark.parametrize("kind", ["payload", "signature", "header", "alg_none", "no_kid", "unknown_kid",
                                  "unknown_key", "impostor_key", "issuer", "dates", "not_yet_valid", "expired",
                                  "garbage"])
def test_every_tamper_is_refused_with_its_reason_by_form_json_and_cli(app, client, runner, issued, now, tmp_path,
                                                                      kind):
    forged, code = tampers(app, issued.credential_jwt, now)[kind]
    reason = verification.MESSAGES[code].split("%")[0][:30]
    answer = _upload(client, forged.encode(), json_answer=True)
    assert answer.status_code == 422 and answer.get_json()["reason_code"] == code
    page = _upload(client, forged.encode())
    assert page.status_code == 422 and reason in page.get_data(as_text=True).replace("&#39;", "'")
    file = tmp_path / "forged.jwt"
    file.write_text(forged)
    result = runner.invoke(args=["certificates", "verify", str(file)])
    assert result.exit_code == 1 and reason in result.output


@pytest.mark.parametrize("content, code", [(b"", "empty"), (b"   \n", "empty"), (b"x" * 70_000, "too_large"),
                                           (b"\xff\xfe\x00garbage", "not_text"), (b"{not json", "not_credential"),
                                           (b"hello world", "not_credential"), (b"[1, 2]", "not_credential"),
                                           (b'{"a": 1}', "schema")])
def test_bad_uploads_are_answered_with_their_reason_never_a_500(client, issued, content, code):
    answer = _upload(client, content, json_answer=True)
    assert answer.status_code == 422 and answer.get_json()["reason_code"] == code


def test_a_post_without_code_or_file_asks_for_one(client, issued):
    response = client.post("/verify/", data={"code": ""})
    assert response.status_code == 422 and "Saisissez un code ou choisissez un fichier." in response.get_data(
        as_text=True)


def test_a_revoked_certificate_file_is_refused_with_the_date_and_reason(client, db, issued, make_user, now):
    services.revoke(make_user("staff"), issued, "Erreur de saisie", now)
    db.session.commit()
    answer = _upload(client, issued.credential_jwt.encode(), json_answer=True).get_json()
    assert answer["reason_code"] == "revoked" and "Erreur de saisie" in answer["reason"]
    assert now.date().isoformat() in answer["reason"]


# --- Keys ---------------------------------------------------------------------------------------

def test_a_rotated_key_still_verifies_old_certificates_and_signs_new_ones(app, client, runner, db, issued, now,
                                                                          make_user, settings, tmp_path):
    old_kid = issued.kid
    result = runner.invoke(args=["keys", "rotate"])
    assert result.exit_code == 0
    jwks = client.get("/.well-known/jwks.json").get_json()
    assert [k["kid"] for k in jwks["keys"]][1] == old_kid and all("d" not in k for k in jwks["keys"])
    assert _upload(client, issued.credential_jwt.encode(), json_answer=True).get_json()["valid"] is True
    other = services.issue(make_user(name="Paul Marin"), issued.achievement, now, settings)
    _db.session.commit()
    assert other.kid == jwks["keys"][0]["kid"] != old_kid
    (tmp_path / "jwks.json").write_text(json.dumps(jwks))
    (tmp_path / "old.jwt").write_text(issued.credential_jwt)
    offline = runner.invoke(args=["certificates", "verify", str(tmp_path / "old.jwt"),
                                  "--jwks", str(tmp_path / "jwks.json")])
    assert offline.exit_code == 0 and "Léa Dupré-Étienne" in offline.output


def test_the_issuer_profile_is_published(client, issued):
    profile = client.get("/certificates/issuer").get_json()
    assert profile["id"] == ISSUER and profile["name"] == "Office de tourisme Granville Terre et Mer"
    achievement = client.get("/certificates/achievements/granville-terre-et-mer-1").get_json()
    assert achievement["translations"]["en"]["name"] == "Granville Terre et Mer Ambassador — Discovery"


def test_the_cli_refuses_an_unsigned_json_and_a_bad_jwks(runner, issued, tmp_path):
    (tmp_path / "c.json").write_text(json.dumps(services.credential_json(issued)))
    result = runner.invoke(args=["certificates", "verify", str(tmp_path / "c.json")])
    assert result.exit_code == 1 and "n'est pas signé" in result.output
    (tmp_path / "c.jwt").write_text(issued.credential_jwt)
    (tmp_path / "bad.json").write_text("[]")
    result = runner.invoke(args=["certificates", "verify", str(tmp_path / "c.jwt"),
                                 "--jwks", str(tmp_path / "bad.json")])
    assert result.exit_code == 1 and "JWKS" in result.output
