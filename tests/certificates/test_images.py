"""Achievement and issuer images: declared in certificates/*.yml, checked by the loader
(FILE:LINE), stored as media, signed into the credential's ``image`` fields, shown on the verify
page and printed on the PDF; an issued certificate keeps the image it was signed with."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from sqlalchemy import select

from learnapp.certificates import services
from learnapp.certificates.models import Achievement, Issuer
from learnapp.media.models import MediaAsset
from tests.certificates.test_definitions import _copy

PNG = re.compile(r"^http://localhost/media/[0-9a-f]{64}\.png$")


def test_each_achievement_and_the_issuer_have_a_served_image(runner, client, db, tmp_path):
    folder = _copy(tmp_path)
    result = runner.invoke(args=["content", "load", str(folder.parent)])
    assert result.exit_code == 0, result.output
    images = [a.image for a in db.session.scalars(select(Achievement).order_by(Achievement.tier_number))]
    assert all(image and image["ext"] == "png" for image in images) and len({i["sha256"] for i in images}) == 3
    issuer = db.session.scalar(select(Issuer))
    assert issuer.image and issuer.image["sha256"] not in {i["sha256"] for i in images}
    for image in [*images, issuer.image]:
        response = client.get(f"/media/{image['sha256']}.png")
        assert response.status_code == 200 and response.mimetype == "image/png"
    profile = client.get("/certificates/issuer").get_json()
    assert PNG.match(profile["image"]["id"]) and profile["image"]["type"] == "Image"
    achievement = client.get("/certificates/achievements/granville-terre-et-mer-2").get_json()
    assert achievement["image"]["id"].endswith(f"/media/{images[1]['sha256']}.png")


def test_image_problems_are_reported_with_file_and_line(runner, db, tmp_path):
    folder = _copy(tmp_path)
    text = (folder / "achievements.yml").read_text()
    text = text.replace("images/granville-terre-et-mer-2.png", "images/absent.png")
    text = text.replace("images/granville-terre-et-mer-3.png", "../../secret.png")
    (folder / "achievements.yml").write_text(text)
    (folder / "images" / "issuer.png").write_text("not an image")
    result = runner.invoke(args=["content", "load", str(folder.parent)])
    assert result.exit_code == 1
    lines = text.splitlines()
    absent = lines.index("    image: images/absent.png") + 1
    outside = lines.index("    image: ../../secret.png") + 1
    assert f"achievements.yml:{absent}: Image « images/absent.png » introuvable" in result.output
    assert f"achievements.yml:{outside}: « image » : un chemin dans le dossier des certificats" in result.output
    assert "issuer.yml:" in result.output and "n'est pas une image lisible" in result.output
    assert db.session.scalars(select(Achievement)).first() is None
    assert db.session.scalars(select(MediaAsset)).first() is None


def test_the_credential_the_verify_page_and_the_pdf_carry_the_signed_image(client, db, tmp_path, runner, now,
                                                                         make_user, login, settings):
    folder = _copy(tmp_path)
    assert runner.invoke(args=["content", "load", str(folder.parent)]).exit_code == 0
    learner = make_user(name="Léa Dupré")
    certificate = services.issue(learner, services.achievement_for("granville-terre-et-mer", 1), now, settings)
    db.session.commit()
    document = services.credential_json(certificate)
    badge = document["credentialSubject"]["achievement"]["image"]
    assert PNG.match(badge["id"]) and badge["type"] == "Image" and badge["caption"].startswith("Ambassadeur")
    assert PNG.match(document["issuer"]["image"]["id"])
    badge_path = badge["id"].removeprefix("http://localhost")
    page = client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    assert f'<img class="certificate-badge" src="{badge_path}"' in page
    # A new badge file for tier 1: the issued certificate keeps the one it was signed with.
    (folder / "images" / "granville-terre-et-mer-1.png").write_bytes(
        (folder / "images" / "granville-terre-et-mer-3.png").read_bytes())
    assert runner.invoke(args=["content", "load", str(folder.parent)]).exit_code == 0
    assert services.achievement_for("granville-terre-et-mer", 1).image["sha256"] not in badge_path
    assert badge_path in client.get(f"/verify/{certificate.code}").get_data(as_text=True)
    login(learner)
    pdf = PdfReader(io.BytesIO(client.get(f"/certificates/{certificate.code}.pdf").data))
    assert len(pdf.pages[0].images) == 2  # the QR code and the badge
