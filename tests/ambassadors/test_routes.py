"""The pages: signing (adult, minor), the level page, pause/leave, portraits with hostile photos,
the palmarès, the directory and its CSV, staff pages, the home page's panels."""

from __future__ import annotations

import html
import io

from PIL import Image
from sqlalchemy import func, select

from learnapp.ambassadors import manifesto, membership
from learnapp.ambassadors.models import Membership, Portrait, Signature
from learnapp.db import utcnow


def png(size=(300, 400), color=(200, 30, 30), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color if mode == "RGB" else 0).save(out, format=save.pop("format", "PNG"), **save)
    return out.getvalue()


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_adult_reads_and_signs_the_manifesto(client, db, loaded, make_user, login):
    user = make_user()
    page = client.get("/ambassadors/manifesto")
    assert page.status_code == 200 and "libre, bénévole et gratuit" in page.get_data(as_text=True)
    login(user)
    version = manifesto.current()
    response = client.post("/ambassadors/manifesto", data={"version_id": version.id, "agree": "y",
                                                           "in_palmares": "y"})
    assert response.status_code == 302
    member = db.session.scalars(select(Membership)).one()
    assert member.user_id == user.id and member.in_palmares
    me = client.get("/ambassadors/").get_data(as_text=True)
    assert "Pour devenir « Ambassadeur » : encore le palier 1." in me.replace("\u202f", " ").replace("&nbsp;", " ")
    again = client.post("/ambassadors/manifesto", data={"version_id": version.id, "agree": "y"})
    assert again.status_code == 409 and count(db, Signature) == 1


def test_forged_or_outdated_versions_and_missing_consent_record_nothing(client, db, loaded, make_user, login):
    teen = make_user(age_group="teen")
    login(teen)
    version = manifesto.current()
    for data, status in (({"version_id": version.id, "agree": "y"}, 400),
                         ({"version_id": "999999", "agree": "y", "parent_name": "Claire Martin",
                           "parent_declaration": "J'autorise."}, 409),
                         ({"version_id": "abc", "agree": "y", "parent_name": "Claire",
                           "parent_declaration": "Oui"}, 409),
                         ({"version_id": version.id, "parent_name": "Claire", "parent_declaration": "Oui"}, 400)):
        response = client.post("/ambassadors/manifesto", data=data)
        assert response.status_code == status, data
    assert count(db, Signature) == 0 and count(db, Membership) == 0
    page = client.get("/ambassadors/manifesto").get_data(as_text=True)
    assert "Nom et prénom du parent" in page
    ok = client.post("/ambassadors/manifesto", data={"version_id": version.id, "agree": "y",
                                                     "parent_name": "Claire Martin",
                                                     "parent_declaration": "J'autorise mon fils."})
    assert ok.status_code == 302
    signature = db.session.scalars(select(Signature)).one()
    assert (signature.consent_by, signature.parent_name) == ("parent", "Claire Martin")


def test_pause_resume_and_leave_from_the_page(client, db, ambassador, login):
    user = ambassador()
    login(user)
    assert client.post("/ambassadors/status", data={"action": "pause"}).status_code == 302
    assert membership.of(user).status == "paused"
    assert "en pause" in client.get("/ambassadors/").get_data(as_text=True)
    client.post("/ambassadors/status", data={"action": "resume"})
    db.session.expire_all()
    assert membership.of(user).status == "joined"
    bad = client.post("/ambassadors/status", data={"action": "<script>"}, follow_redirects=True)
    assert bad.status_code == 200 and "Action inconnue." in bad.get_data(as_text=True)
    client.post("/ambassadors/status", data={"action": "leave"})
    db.session.expire_all()
    assert membership.of(user).status == "left"


def test_a_portrait_goes_through_review_and_its_photo_is_cleaned(client, db, ambassador, make_user, login):
    user = ambassador()
    login(user)
    exif = Image.Exif()
    exif[0x8825] = {2: (48.0, 50.0, 0.0)}  # GPS latitude
    exif[0x010F] = "SpyCam"
    photo = png((600, 600), format="JPEG", exif=exif.tobytes())
    response = client.post("/ambassadors/portrait", data={
        "text": "J'aime les marées.", "places": "Chausey\nLa Haute-Ville",
        "photo": (io.BytesIO(photo), "moi.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    portrait = db.session.scalars(select(Portrait)).one()
    assert portrait.status == "pending"
    stored = Image.open(io.BytesIO(portrait.photo))
    assert stored.format == "JPEG" and stored.size == (450, 600)  # cropped to 3:4
    assert not stored.getexif() and b"SpyCam" not in portrait.photo
    client.post("/logout")
    assert client.get(f"/ambassadors/portraits/{portrait.id}/photo").status_code == 404  # not approved yet
    staff = make_user("staff")
    login(staff)
    assert client.post(f"/office/ambassadors/portraits/{portrait.id}", data={"decision": "approve"}).status_code == 302
    client.post("/logout")
    public = html.unescape(client.get("/ambassadors/portraits").get_data(as_text=True))
    assert "J'aime les marées." in public and "Chausey" in public
    photo_response = client.get(f"/ambassadors/portraits/{portrait.id}/photo")
    assert photo_response.status_code == 200 and photo_response.mimetype == "image/jpeg"


def test_hostile_photos_get_a_message_and_record_nothing(client, db, ambassador, login):
    user = ambassador()
    login(user)
    bomb = png((8000, 7500), mode="1")  # 60 megapixels, a few kilobytes
    cases = [
        (b"#!/bin/sh\nrm -rf /\n", "script.jpg", "n'est pas une image lisible"),
        (bomb, "bomb.png", "40 millions de pixels"),
        (png(format="GIF"), "anim.gif", "JPEG, PNG ou WebP"),
        (png((20, 20)), "tiny.png", "trop petite"),
        (b"", "", "Choisissez une photo."),
    ]
    for raw, name, words in cases:
        response = client.post("/ambassadors/portrait", data={"text": "Bonjour", "photo": (io.BytesIO(raw), name)},
                               content_type="multipart/form-data")
        assert response.status_code == 400, name
        assert words in response.get_data(as_text=True).replace("&#39;", "'"), name
    # A 50 MB upload, built by hand (werkzeug's builder would spool it to a file it never closes).
    body = (b'--X\r\nContent-Disposition: form-data; name="photo"; filename="big.jpg"\r\n'
            b"Content-Type: image/jpeg\r\n\r\n" + b"\xff" * (50 * 1024 * 1024) + b"\r\n--X--\r\n")
    huge = client.post("/ambassadors/portrait", data=body, content_type="multipart/form-data; boundary=X")
    assert huge.status_code == 413
    assert count(db, Portrait) == 0


def test_minors_never_publish_a_portrait_and_are_shown_by_initial(client, db, ambassador, give, login, now):
    teen = ambassador("teen")
    teen.first_name, teen.last_name = "Hugo", "Bernard"
    db.session.commit()
    membership.set_preferences(teen, in_palmares=True, in_directory=False, preferred_contact="", now=now)
    db.session.commit()
    give(teen, 1, now)
    login(teen)
    assert client.get("/ambassadors/portrait").status_code == 403
    assert client.post("/ambassadors/portrait", data={"text": "x"}).status_code == 403
    page = client.get(f"/ambassadors/palmares?group=teen&season={now.year}").get_data(as_text=True)
    assert "Hugo B." in page and "Bernard" not in page


def test_the_palmares_lists_only_those_who_opted_in_and_are_active(client, db, ambassador, give, attend, now):
    shown = ambassador(in_palmares=True)
    hidden = ambassador()
    paused = ambassador(in_palmares=True)
    for user in (shown, hidden, paused):
        give(user, 1, now)
    attend(shown)
    membership.move(paused, "pause", now=now)
    db.session.commit()
    page = client.get(f"/ambassadors/palmares?season={now.year}").get_data(as_text=True)
    assert shown.display_name.split()[0] in page
    assert ">15<" in page  # 10 for the certificate + 5 for the visit
    assert hidden.display_name not in page and paused.display_name not in page
    for query in ("?season=abc", "?season=1066", "?group=martians", "?season=99999999999999999999"):
        assert client.get("/ambassadors/palmares" + query).status_code == 200


def test_the_directory_shows_opted_in_adults_to_partners_and_exports_for_staff(client, db, ambassador, make_user,
                                                                               login, now):
    listed = ambassador()
    membership.set_preferences(listed, in_palmares=False, in_directory=True, preferred_contact="=06 12 34 56 78",
                               now=now)
    ambassador()  # not opted in
    db.session.commit()
    partner = make_user("partner")
    login(partner)
    office = client.get("/office/").get_data(as_text=True)
    assert 'href="/office/ambassadors/directory"' in office and 'href="/office/ambassadors/"' not in office
    page = client.get("/office/ambassadors/directory")
    assert page.status_code == 200 and listed.display_name in page.get_data(as_text=True)
    for url in ("/office/ambassadors/", "/office/ambassadors/manifesto", "/office/ambassadors/portraits",
                "/office/ambassadors/directory.csv", f"/office/ambassadors/{listed.id}"):
        assert client.get(url).status_code == 403, url
    client.post("/logout")
    login(make_user("staff"))
    export = client.get("/office/ambassadors/directory.csv")
    assert export.status_code == 200 and export.data.startswith("\ufeff".encode())
    lines = export.data.decode("utf-8-sig").splitlines()
    assert lines[0] == "Nom,Niveau,Contact préféré"
    assert len(lines) == 2 and "'=06 12 34 56 78" in lines[1]  # no formula in a spreadsheet


def test_learners_are_refused_every_staff_page(client, db, ambassador, login):
    user = ambassador()
    login(user)
    for url in ("/office/ambassadors/", "/office/ambassadors/manifesto", "/office/ambassadors/portraits",
                "/office/ambassadors/directory", "/office/ambassadors/directory.csv", f"/office/ambassadors/{user.id}"):
        assert client.get(url).status_code == 403, url
    assert client.post("/office/ambassadors/manifesto", data={"body": "x", "grace_days": 1}).status_code == 403
    assert client.post("/office/ambassadors/portraits/1", data={"decision": "approve"}).status_code == 403


def test_staff_see_why_someone_is_at_their_level_and_publish_a_version(client, db, ambassador, give, make_user,
                                                                       login, now):
    user = ambassador()
    give(user, 1, now)
    login(make_user("staff"))
    page = client.get(f"/office/ambassadors/{user.id}").get_data(as_text=True)
    assert "granville-terre-et-mer-1" in page and "règle remplie" in page and "encore le palier 2" in page
    assert client.get("/office/ambassadors/999999").status_code == 404
    empty = client.post("/office/ambassadors/manifesto", data={"body": "  ", "grace_days": 10})
    assert empty.status_code == 400
    same = client.post("/office/ambassadors/manifesto", data={"body": manifesto.current().body, "grace_days": 10})
    assert same.status_code == 409
    bad_days = client.post("/office/ambassadors/manifesto", data={"body": "# Nouvelle", "grace_days": "-3"})
    assert bad_days.status_code == 400
    ok = client.post("/office/ambassadors/manifesto", data={"body": "# Charte\n\nNouvelle version.", "grace_days": 10})
    assert ok.status_code == 302
    assert [v.number for v in manifesto.versions()] == [2, 1] and manifesto.current().grace_days == 10


def test_the_home_page_shows_the_palmares_and_the_next_step(client, db, ambassador, give, login, now):
    user = ambassador(in_palmares=True)
    give(user, 1, utcnow())
    home = client.get("/").get_data(as_text=True)
    assert "Nos ambassadeurs" in home and user.display_name.split()[0] in home
    login(user)
    signed_in = client.get("/").get_data(as_text=True).replace("\u202f", " ").replace("&nbsp;", " ")
    assert "Pour devenir « Ambassadeur confirmé » : encore le palier 2 et 1 visite guidée." in signed_in
    account = client.get("/account").get_data(as_text=True)
    assert "Mon niveau, la pause, le palmarès, mon portrait" in account


def test_the_review_page_names_each_waiting_portraits_owner_and_loads_no_other_account(client, db, make_user,
                                                                                       login, now):
    from learnapp.ambassadors import portraits
    from learnapp.core.pagination import paginate

    waiting = [make_user(name=f"Attente {n}") for n in (1, 2)]
    published = make_user(name="Déjà Publiée")
    for user, status in ((waiting[0], "pending"), (waiting[1], "pending"), (published, "approved")):
        db.session.add(Portrait(user_id=user.id, text=f"Portrait de {user.display_name}", status=status,
                                submitted_at=now))
    db.session.commit()
    login(make_user("staff"))
    page = html.unescape(client.get("/office/ambassadors/portraits").get_data(as_text=True))
    assert "Attente 1" in page and "Attente 2" in page and "Déjà Publiée" not in page
    first = paginate(select(Portrait).where(Portrait.status == "pending").order_by(Portrait.id), 2, "1", per_page=1)
    assert set(portraits.owners(first.items)) == {waiting[0].id}  # the page's owners, not every portrait's
    assert portraits.owners([]) == {}


def test_lists_of_portraits_leave_the_photo_bytes_in_the_database(client, db, ambassador, make_user, login, now):
    """The public list and the home panel link each photo; only the photo's own URL reads it."""
    from sqlalchemy import inspect

    from learnapp.ambassadors import portraits

    user = ambassador()
    portrait = portraits.submit(user, text="Les marées.", places="", photo=png((600, 800), format="JPEG"), now=now)
    portraits.review(make_user("staff"), portrait, approve=True, note="", now=now)
    db.session.commit()
    user_id = user.id
    db.session.expunge_all()
    (listed, owner, _level), = portraits.public(now, limit=4)
    assert owner.id == user_id and "photo" in inspect(listed).unloaded
    response = client.get(f"/ambassadors/portraits/{listed.id}/photo")
    assert response.status_code == 200 and response.data[:2] == b"\xff\xd8"
