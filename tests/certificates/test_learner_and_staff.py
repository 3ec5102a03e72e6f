"""The learner's "Mes certificats" and its files; the staff's search, revocation and re-issue."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

from pypdf import PdfReader
from sqlalchemy import select

from learnapp.auth.models import AuditEntry
from learnapp.certificates import rules
from tests.certificates.helpers import load_definitions, pass_tier, quiz


def test_the_result_page_tells_the_learner_of_the_certificate(client, db, now, make_user, login):
    load_definitions(now)
    course, tier = quiz(now)
    learner = make_user()
    attempt = pass_tier(learner, course, tier, now)
    login(learner)
    page = client.get(f"/quizzes/attempts/{attempt.id}/review").get_data(as_text=True)
    assert "Vous avez obtenu le certificat « Ambassadeur Granville Terre et Mer — Découverte »." in page
    assert 'href="/certificates/"' in page


def test_the_notice_is_a_panel_of_the_quiz_result_slot(app):
    from learnapp.core.extension_points import registry

    sources = [panel.source for panel in registry(app).panels["quiz_result"]]
    assert sources == ["certificates/_result_notice.html"]  # the quiz templates name no other domain


def test_my_certificates_lists_each_with_its_files_and_links(client, holder, login):
    learner, certificate = holder
    login(learner)
    page = client.get("/certificates/").get_data(as_text=True)
    for link in (f"/certificates/{certificate.code}.pdf", f"/certificates/{certificate.code}.jwt",
                 f"/certificates/{certificate.code}.credential.json", f"/verify/{certificate.code}"):
        assert f'href="{link}"' in page
    assert rules.display_code(certificate.code) in page
    linkedin = next(part.split('"')[0] for part in page.split('href="') if part.startswith("https://www.linkedin"))
    query = parse_qs(urlsplit(linkedin.replace("&amp;", "&")).query)
    assert query["startTask"] == ["CERTIFICATION_NAME"] and query["certId"] == [rules.display_code(certificate.code)]
    assert query["certUrl"] == [f"http://localhost/verify/{certificate.code}"]


def test_the_pdf_is_a4_landscape_with_the_accented_name_and_the_code(client, holder, login):
    learner, certificate = holder
    login(learner)
    response = client.get(f"/certificates/{certificate.code}.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    text = page.extract_text()
    assert "Léa Dupré-Étienne" in text and rules.display_code(certificate.code) in text
    fonts = page["/Resources"]["/Font"]
    assert any("/FontFile2" in fonts[name].get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
               for name in fonts)  # the TrueType font is embedded


def test_the_signed_files_download_for_their_owner_only(client, holder, make_user, login):
    learner, certificate = holder
    login(learner)
    assert client.get(f"/certificates/{certificate.code}.jwt").data.decode() == certificate.credential_jwt
    document = client.get(f"/certificates/{certificate.code}.credential.json").get_json()
    assert document["type"][1] == "OpenBadgeCredential"
    client.post("/logout")
    login(make_user(name="Autre Personne"))
    for suffix in (".pdf", ".jwt", ".credential.json"):
        assert client.get(f"/certificates/{certificate.code}{suffix}").status_code == 404
    assert client.get("/certificates/").get_data(as_text=True).count("certificate-card") == 0


def test_anonymous_visitors_are_sent_to_log_in_for_learner_pages(client, holder):
    _, certificate = holder
    assert client.get("/certificates/").status_code == 302
    assert client.get(f"/certificates/{certificate.code}.jwt").status_code == 302


def test_staff_search_by_name_code_achievement_and_date(client, holder, make_user, login, now):
    _, certificate = holder
    login(make_user("staff"))
    assert "Léa Dupré-Étienne" in client.get("/certificates/staff?q=dupré").get_data(as_text=True)
    by_code = client.get("/certificates/staff", query_string={"q": rules.display_code(certificate.code).lower()})
    assert "Léa Dupré-Étienne" in by_code.get_data(as_text=True)
    day = now.date().isoformat()
    assert "Léa" in client.get(f"/certificates/staff?since={day}&until={day}&achievement="
                               f"{certificate.achievement_id}").get_data(as_text=True)
    assert "Léa" not in client.get("/certificates/staff?since=2030-01-01").get_data(as_text=True)
    assert "Léa" not in client.get("/certificates/staff?q=personne").get_data(as_text=True)


def test_learners_cannot_reach_the_staff_pages(client, holder, login):
    learner, certificate = holder
    login(learner)
    assert client.get("/certificates/staff").status_code == 403
    assert client.post(f"/certificates/staff/{certificate.code}",
                       data={"action": "revoke", "revoke-reason": "x"}).status_code == 403


def test_staff_revoke_with_a_reason_kept_in_the_audit(client, db, holder, make_user, login):
    _, certificate = holder
    staff = make_user("staff")
    login(staff)
    refused = client.post(f"/certificates/staff/{certificate.code}", data={"action": "revoke", "revoke-reason": ""})
    assert refused.status_code == 422
    assert client.get(f"/verify/{certificate.code}.json").get_json()["status"] == "valid"
    done = client.post(f"/certificates/staff/{certificate.code}",
                       data={"action": "revoke", "revoke-reason": "Attribué par erreur"})
    assert done.status_code == 303
    assert client.get(f"/verify/{certificate.code}.json").get_json()["revoked"]["reason"] == "Attribué par erreur"
    (entry,) = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "certificate.revoke"))
    assert entry.actor_id == staff.id and entry.detail == "Attribué par erreur"


def test_staff_reissue_after_a_name_correction(client, db, holder, make_user, login):
    learner, certificate = holder
    login(make_user("staff"))
    response = client.post(f"/certificates/staff/{certificate.code}",
                           data={"action": "reissue", "reissue-name": "Léa Dupré-Étiennette"})
    assert response.status_code == 303
    new_code = response.headers["Location"].rsplit("/", 1)[1]
    old = client.get(f"/verify/{certificate.code}.json").get_json()
    assert old["status"] == "superseded" and rules.normalise_code(old["superseded_by"]) == new_code
    assert client.get(f"/verify/{new_code}.json").get_json()["holder"] == "Léa Dupré-Étiennette"
    again = client.post(f"/certificates/staff/{certificate.code}",
                        data={"action": "reissue", "reissue-name": "Encore"})
    assert again.status_code == 422  # the superseded one cannot be re-issued twice


def test_the_qr_code_opens_the_verify_page(client, holder):
    _, certificate = holder
    response = client.get(f"/verify/{certificate.code}/qr.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "<svg" in response.get_data(as_text=True)
    assert client.get(f"/verify/{rules.new_code()}/qr.svg").status_code == 404


def test_keys_init_creates_the_signing_key_readable_by_its_owner_only(app, runner):
    from learnapp.certificates import keys

    keys.path_in(app.instance_path).unlink(missing_ok=True)
    result = runner.invoke(args=["keys", "init"])
    assert result.exit_code == 0, result.output
    assert keys.path_in(app.instance_path).stat().st_mode & 0o777 == 0o600
    assert len(keys.published(app.instance_path)["keys"]) == 1


def test_the_account_page_and_staff_area_lead_to_certificates(client, holder, make_user, login):
    learner, _ = holder
    login(learner)
    account = client.get("/account").get_data(as_text=True)
    assert "Vous détenez 1 certificat." in account and 'href="/certificates/"' in account
    client.post("/logout")
    login(make_user("staff"))
    assert 'href="/certificates/staff"' in client.get("/office/").get_data(as_text=True)
