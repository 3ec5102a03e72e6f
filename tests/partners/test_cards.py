"""The ambassador's card: issued with a photo, one active per person, reissued at once, refused
while its holder is away; the photo upload refuses what is not a photo; the PDF is card-sized."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from learnapp.ambassadors.models import Membership
from learnapp.cards import rules, services
from learnapp.cards.models import Card, CardPhoto
from tests.partners.conftest import photo_bytes


def multipart(filename: str, content: bytes) -> bytes:
    """A large upload's body built by hand: the test client would spool it to a temporary file
    and leave that file open."""
    return (b'--b\r\nContent-Disposition: form-data; name="photo"; filename="' + filename.encode() + b'"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n" + content + b"\r\n--b--\r\n")


def count(model) -> int:
    from learnapp.extensions import db

    return db.session.scalar(select(func.count()).select_from(model))


def test_an_ambassador_gets_a_card_by_giving_a_photo(client, login, make_ambassador, db):
    lea = make_ambassador(2, name="Léa Marin")
    login(lea)
    page = client.get("/card/")
    assert page.status_code == 200
    assert "Ajouter ma photo et recevoir ma carte" in page.get_data(as_text=True)
    response = client.post("/card/photo", data={"photo": (io.BytesIO(photo_bytes()), "moi.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    card = services.current_card(lea)
    assert card is not None and card.reason == "first" and card.level_code == "adult-2"
    html = client.get("/card/").get_data(as_text=True)
    assert "Léa Marin" in html and "Ambassadeur confirmé" in html
    assert rules.display_number(card.number) in html
    assert "<svg" in html  # the QR, inline: nothing else to fetch offline
    # The photo is a 3:4 portrait, re-encoded as JPEG.
    stored = db.session.get(CardPhoto, card.photo_id)
    assert (stored.width, stored.height) == (600, 800) and stored.mime_type == "image/jpeg"


def test_the_card_page_stays_in_its_owners_browser_cache_and_nowhere_else(client, login, make_ambassador,
                                                                          make_card):
    lea = make_ambassador(1)
    make_card(lea)
    login(lea)
    response = client.get("/card/")
    assert response.headers["Cache-Control"] == "private, max-age=604800"
    assert "csrf_token" not in response.get_data(as_text=True).split("<main", 1)[1]  # no form to go stale
    # Every other personal page keeps no-store.
    assert client.get("/card/reissue").headers["Cache-Control"] == "no-store"
    assert client.get("/account").headers["Cache-Control"] == "no-store"


def test_the_photo_is_shown_to_its_holder_partners_and_staff_only(client, login, make_ambassador, make_card,
                                                                  make_user, make_partner):
    lea = make_ambassador(1)
    card = make_card(lea)
    url = f"/card/photos/{card.photo_id}-{card.photo.sha256[:16]}.jpg"
    assert client.get(url).status_code == 302  # to the sign-in page
    login(make_user("learner"))
    assert client.get(url).status_code == 404
    client.post("/logout")
    _partner, cashier, _offers = make_partner()
    login(cashier)
    response = client.get(url)
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    assert client.get(f"/card/photos/{card.photo_id}-{'0' * 16}.jpg").status_code == 404


def test_never_two_active_cards_for_one_person(db, make_ambassador, make_card, now):
    lea = make_ambassador(1)
    card = make_card(lea)
    db.session.add(Card(number=rules.new_number(), user_id=lea.id, active_user_id=lea.id, photo_id=card.photo_id,
                        name="x", level_label="", reason="lost", issued_at=now, valid_until=now))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_reissuing_replaces_the_old_card_at_once(client, login, make_ambassador, make_card, db):
    lea = make_ambassador(1)
    old = make_card(lea)
    old_number = old.number
    login(lea)
    response = client.post("/card/reissue", data={"reason": "lost"}, content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    new = services.current_card(lea)
    assert new.number != old_number and new.photo_id == old.photo_id and new.reason == "lost"
    replaced = db.session.scalar(select(Card).where(Card.number == old_number))
    assert replaced.active_user_id is None and replaced.replaced_at is not None
    assert services.status_of(replaced, new.issued_at).refusal == "replaced"
    assert services.status_of(new, new.issued_at).valid
    # A new photo is a reissue too.
    response = client.post("/card/reissue", data={"reason": "photo", "photo": (io.BytesIO(
        photo_bytes(colour=(10, 20, 30))), "nouvelle.png")}, content_type="multipart/form-data")
    assert response.status_code == 303
    db.session.expire_all()
    assert services.current_card(lea).photo_id != new.photo_id
    assert count(Card) == 3


def _exif_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x9286] = "Pris rue Saint-Jean, Granville"  # UserComment: where a GPS tag would say it
    return exif.tobytes()


def test_the_photo_loses_its_metadata(db, make_ambassador, make_card, now):
    lea = make_ambassador(1)
    raw = photo_bytes(exif=_exif_with_gps())
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif()[0x010F] == "PhoneMaker"
    card = services.issue(lea, now=now, reason="first", photo=services.clean(raw))
    db.session.commit()
    with Image.open(io.BytesIO(card.photo.data)) as image:
        assert not image.getexif()


@pytest.mark.parametrize(("name", "body", "message"), [
    ("script.jpg", b"#!/bin/sh\nrm -rf /\n" * 20, "pas une image lisible"),
    ("vide.jpg", b"", "Choisissez une photo"),
    ("anim.gif", None, "JPEG, PNG ou WebP"),
])
def test_what_is_not_a_photo_is_refused_and_nothing_is_recorded(client, login, make_ambassador, name, body, message):
    if body is None:
        out = io.BytesIO()
        Image.new("RGB", (200, 200)).save(out, format="GIF")
        body = out.getvalue()
    login(make_ambassador(1))
    response = client.post("/card/photo", data={"photo": (io.BytesIO(body), name)},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert count(Card) == 0 and count(CardPhoto) == 0


def test_a_decompression_bomb_is_refused_without_being_expanded(client, login, make_ambassador):
    # 60 megapixels of one colour: a few hundred kilobytes as PNG.
    out = io.BytesIO()
    Image.new("L", (10_000, 6_000)).save(out, format="PNG")
    assert len(out.getvalue()) < 5 * 1024 * 1024
    login(make_ambassador(1))
    response = client.post("/card/photo", data={"photo": (io.BytesIO(out.getvalue()), "bombe.png")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "trop grande" in response.get_data(as_text=True)
    assert count(Card) == 0


def test_a_50_megabyte_file_is_refused_with_a_message(client, login, make_ambassador):
    login(make_ambassador(1))
    response = client.post("/card/photo", data=multipart("grosse.jpg", b"\xff" * (50 * 1024 * 1024)),
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 413
    assert "dépasse la taille permise" in response.get_data(as_text=True)
    assert count(Card) == 0


def test_a_six_megabyte_photo_is_refused_with_the_limit_named(client, login, make_ambassador):
    login(make_ambassador(1))
    response = client.post("/card/photo", data=multipart("lourde.jpg", b"\xff" * (6 * 1024 * 1024)),
                           content_type="multipart/form-data; boundary=b")
    assert response.status_code == 422
    assert "5 Mo" in response.get_data(as_text=True)
    assert count(Card) == 0


def test_no_card_for_someone_who_is_not_an_ambassador_or_is_away(client, login, make_user, make_ambassador, db):
    login(make_user("learner"))
    assert "signant le manifeste" in client.get("/card/").get_data(as_text=True)
    response = client.post("/card/photo", data={"photo": (io.BytesIO(photo_bytes()), "moi.jpg")},
                           content_type="multipart/form-data")
    assert response.status_code == 403 and count(Card) == 0
    client.post("/logout")
    paused = make_ambassador(1, status="paused")
    login(paused)
    assert "en pause" in client.get("/card/").get_data(as_text=True)


def test_a_paused_ambassadors_card_stops_and_comes_back(db, make_ambassador, make_card, now):
    lea = make_ambassador(1)
    card = make_card(lea)
    membership = db.session.scalar(select(Membership).where(Membership.user_id == lea.id))
    membership.status = "paused"
    db.session.commit()
    assert services.status_of(card, now).refusal == "paused"
    membership.status = "left"
    db.session.commit()
    assert services.status_of(card, now).refusal == "left"
    membership.status = "joined"
    db.session.commit()
    assert services.status_of(card, now).valid


def test_the_printable_card_is_credit_card_sized_with_its_holder_and_number(client, login, make_ambassador,
                                                                           make_card):
    lea = make_ambassador(3, name="Élodie Lecœur")
    card = make_card(lea)
    login(lea)
    response = client.get("/card/card.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 2
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4, 1) == 85.6
    assert round(float(box.height) / 72 * 25.4, 1) == 54.0
    text = reader.pages[0].extract_text()
    assert "Élodie Lecœur" in text and "Ambassadeur expert" in text and rules.display_number(card.number) in text
