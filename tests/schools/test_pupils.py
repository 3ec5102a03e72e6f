"""Pupils: a roster imported all or nothing, cards that print passphrases, and a pupil's sign-in
(class code + username, or the name picked from the class list) under throttling that never locks
a class out."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from learnapp.auth.models import User
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.schools import directory, roster, rules
from learnapp.schools.models import Pupil
from tests.schools.conftest import text_of
from tests.schools.pdf_text import cards as pdf_cards

ROSTER = "Prénom;Nom;Année de naissance\r\n" + "".join(
    f"{name};{initial};{year}\r\n" for name, initial, year in [
        ("Léa", "Martin", 2016), ("Léa", "M.", 2016), ("Noé", "B", 2015), ("Zoé", "K", 2016)])


def _pupil_count(school_class) -> int:
    return db.session.scalar(select(func.count()).select_from(Pupil).where(Pupil.class_id == school_class.id))


def _import(client, school_class, raw: bytes, name="classe.csv"):
    return client.post(f"/schools/classes/{school_class.id}/import",
                       data={"roster": (io.BytesIO(raw), name)}, content_type="multipart/form-data")


def test_a_teacher_imports_a_windows_1252_roster_and_two_lea_m_get_distinct_usernames(client, login, teacher,
                                                                                        school_class):
    login(teacher)
    response = _import(client, school_class, ROSTER.encode("cp1252"))
    assert response.status_code == 302
    pupils = roster.pupils(school_class)
    assert sorted(p.username for p in pupils) == ["lea.m", "lea.m2", "noe.b", "zoe.k"]
    assert {p.user.display_name for p in pupils} == {"Léa M.", "Noé B.", "Zoé K."}
    assert all(p.user.email is None and p.card_printed_at is None for p in pupils)
    page = text_of(client.get(f"/schools/classes/{school_class.id}"))
    assert "Noé B." in page and "pas encore imprimée" in page


def test_a_roster_with_problems_imports_nothing_and_names_each_line(client, login, teacher, school_class):
    login(teacher)
    bad = "prénom;initiale;année\nLéa;M;2016\nTom;;2016\nIna;K;1890\n;B;2016\n"
    response = _import(client, school_class, bad.encode())
    page = text_of(response)
    assert response.status_code == 400
    assert "Rien n'a été importé" in page
    for expected in ("Ligne 3 : initiale du nom manquante.",
                     "Ligne 4 : année de naissance impossible pour un élève : 1890.", "Ligne 5 : prénom manquant."):
        assert expected in page
    assert _pupil_count(school_class) == 0


def test_wrong_encoding_delimiter_and_columns_are_explained(client, login, teacher, school_class):
    login(teacher)
    cases = [(b"\x00\x00binary\xff", "n'est pas un texte CSV lisible"),
             ("prénom|initiale|année\nLéa|M|2016\n".encode(), "séparées par « ; » ou « , »"),
             ("prénom;année\nLéa;2016\n".encode(), "Colonnes manquantes dans l'en-tête : initial")]
    for raw, message in cases:
        response = _import(client, school_class, raw)
        assert response.status_code == 400 and message in text_of(response)
    assert _pupil_count(school_class) == 0


def test_a_2000_row_roster_imports_in_one_go(teacher, school_class):
    now = utcnow()
    raw = ("prenom;initiale;annee\n" + "".join(f"Élève{n};M;2016\n" for n in range(2000))).encode()
    result = roster.import_roster(school_class, raw, now=now)
    db.session.commit()
    assert result.problems == [] and _pupil_count(school_class) == 2000
    assert db.session.scalar(select(func.count()).select_from(User).where(User.email.is_(None))) == 2000


def test_printed_cards_are_a_pdf_and_the_passphrase_signs_in(client, login, teacher, school_class, make_pupils,
                                                               pupil_login):
    [(lea, _old)] = make_pupils(school_class, [("Léa", "M", 2016)])
    login(teacher)
    response = client.post(f"/schools/classes/{school_class.id}/cards", data={"pupil": [str(lea.id)]})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    [card] = pdf_cards(response.data)
    assert (card["name"], card["username"]) == ("Léa M.", "lea.m") and card["passphrase"] != _old
    client.post("/logout")
    # The old card no longer works (a new passphrase was drawn); the new one does.
    assert pupil_login(school_class, lea, _old).status_code == 401
    assert pupil_login(school_class, lea, card["passphrase"]).status_code == 302
    stored = db.session.get(User, lea.user_id).password_hash
    assert stored.startswith(("scrypt:", "pbkdf2:"))


def test_login_cards_hold_ten_a_page(app, school_class, make_pupils):
    from learnapp.schools import cards

    cards_data = [roster.Card(n, f"Élève {n}", f"eleve.{n}", "lapin tulipe volcan 42") for n in range(23)]
    with app.test_request_context():
        body = cards.render(cards_data, site="https://ambassadeurs.example.org", class_label="École · CM2",
                            code="ABCD-EFGH", sign_in_url="https://ambassadeurs.example.org/class/ABCDEFGH",
                            labels={"title": "Cartes", "code": "Code", "username": "Identifiant",
                                    "passphrase": "Phrase secrète", "scan": "Scanne"})
    assert body.startswith(b"%PDF")
    assert body.count(b"/Type /Page") - body.count(b"/Type /Pages") == 3  # 23 cards, 10 a page
    printed = pdf_cards(body)
    assert len(printed) == 23 and printed[22] == {"name": "Élève 22", "username": "eleve.22",
                                                  "passphrase": "lapin tulipe volcan 42"}


def test_a_pupil_signs_in_with_code_username_and_passphrase_typed_loosely(client, school_class, make_pupils):
    [(lea, phrase)] = make_pupils(school_class, [("Léa", "M", 2016)])
    response = client.post("/class/", data={"code": rules.display_code(school_class.code).lower(),
                                            "username": " LEA.M ", "passphrase": phrase.upper().replace(" ", "-")})
    assert response.status_code == 302
    home = text_of(client.get("/"))
    assert "Mes devoirs (classe CM2 A)" in home


def test_a_pupil_picks_their_name_from_the_class_list(client, school_class, make_pupils):
    [(lea, phrase), (noe, _)] = make_pupils(school_class, [("Léa", "M", 2016), ("Noé", "B", 2015)])
    page = client.get(f"/class/{school_class.code}")
    assert page.status_code == 200 and "Noé B." in text_of(page)
    assert client.post(f"/class/{school_class.code}", data={"pupil": lea.id, "passphrase": "faux"}).status_code == 401
    unpicked = client.post(f"/class/{school_class.code}", data={"pupil": "0", "passphrase": phrase})
    assert unpicked.status_code == 400 and "Choisis ton prénom dans la liste." in text_of(unpicked)
    assert client.post(f"/class/{school_class.code}", data={"pupil": "abc", "passphrase": phrase}).status_code == 400
    assert client.post(f"/class/{school_class.code}", data={"pupil": lea.id, "passphrase": phrase}).status_code == 302


def test_a_guessed_or_archived_class_code_gets_a_clear_answer(client, db, school_class, make_pupils):
    assert client.get("/class/ZZZZZZZZ").status_code == 404
    assert "Ce code de classe n'existe pas" in text_of(client.get("/class/ZZZZ-ZZZZ"))
    assert client.get("/class/%00%00").status_code in (400, 404)
    school_class.archived_at = utcnow()
    db.session.commit()
    response = client.get(f"/class/{school_class.code}")
    assert response.status_code == 410 and "archivée" in text_of(response)


def test_guessing_class_codes_from_one_address_is_slowed(app, client):
    app.config["SCHOOL_CODE_FAILURES_PER_ADDRESS"] = 5
    for _ in range(5):
        assert client.get("/class/ZZZZZZZZ").status_code == 404
    response = client.get("/class/ZZZZZZZZ")
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0


def test_thirty_pupils_behind_one_router_mistyping_never_lock_the_class_out(app, client, school_class, make_pupils):
    # The address ceiling lowered to 10 so that 12 pupils × 3 typos (a class's morning, scaled
    # down: every check hashes) pass it well over; adults at that address would now wait.
    app.config["LOGIN_ADDRESS_CEILING"] = 10
    people = [(f"Élève{n}", "M", 2016) for n in range(12)]
    pupils = make_pupils(school_class, people)
    for pupil, _ in pupils:
        for _ in range(3):
            assert client.post("/class/", data={"code": school_class.code, "username": pupil.username,
                                                "passphrase": "pas la bonne"}).status_code == 401
    for pupil, phrase in pupils:
        response = client.post("/class/", data={"code": school_class.code, "username": pupil.username,
                                                "passphrase": phrase})
        assert response.status_code == 302, pupil.username
        client.post("/logout")


def test_one_pupils_account_is_slowed_after_a_few_failures(client, school_class, make_pupils):
    [(lea, phrase), (noe, noe_phrase)] = make_pupils(school_class, [("Léa", "M", 2016), ("Noé", "B", 2015)])
    for _ in range(6):
        client.post("/class/", data={"code": school_class.code, "username": lea.username, "passphrase": "non"})
    response = client.post("/class/", data={"code": school_class.code, "username": lea.username, "passphrase": phrase})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    # The classmate at the same address is not slowed.
    assert client.post("/class/", data={"code": school_class.code, "username": noe.username,
                                        "passphrase": noe_phrase}).status_code == 302


def test_a_pupil_without_a_printed_card_cannot_sign_in(client, school_class):
    pupil = roster.add_pupil(school_class, first_name="Léa", initial="M", birth_year=2016, now=utcnow())
    db.session.commit()
    response = client.post("/class/", data={"code": school_class.code, "username": pupil.username,
                                            "passphrase": roster.NO_PASSWORD})
    assert response.status_code == 401


def test_a_pupil_may_take_part_without_an_email(school_class, make_pupils):
    from learnapp.auth import rules as account_rules

    [(lea, _)] = make_pupils(school_class, [("Léa", "M", 2016)])
    assert account_rules.may_take_part(email=lea.user.email, email_confirmed_at=lea.user.email_confirmed_at)
    assert lea.user.age_group(utcnow()) == "child"


def test_adding_one_pupil_refuses_impossible_birth_years(client, login, teacher, school_class):
    login(teacher)
    response = client.post(f"/schools/classes/{school_class.id}/pupils",
                           data={"first_name": "Léa", "initial": "M", "birth_year": "1850"})
    assert response.status_code == 400 and "pas possible pour un élève" in text_of(response)
    response = client.post(f"/schools/classes/{school_class.id}/pupils",
                           data={"first_name": "Léa", "initial": "M", "birth_year": "deux mille"})
    assert response.status_code == 400
    assert _pupil_count(school_class) == 0
    assert client.post(f"/schools/classes/{school_class.id}/pupils",
                       data={"first_name": "Léa", "initial": "M", "birth_year": "2016"}).status_code == 302
    assert directory.pupil_counts([school_class.id]) == {school_class.id: 1}
