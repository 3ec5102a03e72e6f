"""Names people choose (issue 8.5) and names for people (issue 7.8)."""

import pytest
from sqlalchemy import text

from learnapp.auth import rules
from learnapp.config import Defaults

RESERVED = Defaults.RESERVED_NAMES


@pytest.mark.parametrize("name, problem", [
    ("Cam\x07ille", "invisible"),            # a control character
    ("Camille\u202e", "invisible"),          # right-to-left override
    ("Cam\u2066ille\u2069", "invisible"),    # bidi isolates
    ("Ca\u200bmille", "invisible"),          # zero-width space
    ("Cami\u200dlle", "invisible"),          # zero-width joiner
    ("\ufeffCamille", "invisible"),          # byte-order mark
    ("\u3164", "invisible"),                 # a Hangul filler that draws nothing
    (" Camille", "spaces"), ("Camille\u00a0", "spaces"),
    ("Administrateur", "reserved"), ("L'Office de Tourisme", "reserved"),
    ("STAFF", "reserved"), ("Modérateur du site", "reserved"), ("admin", "reserved"),
])
def test_a_name_that_hides_or_poses_is_refused(name, problem):
    assert problem in rules.name_problems(name, RESERVED)


@pytest.mark.parametrize("name", ["Camille", "Zoé", "Staffan", "Jean-Marc", "O'Brien", "李明",
                                  "محمد", "Anne Marie", "Adminia"])
def test_ordinary_names_pass(name):
    assert rules.name_problems(name, RESERVED) == []


def test_the_profile_refuses_a_name_posing_as_the_office(client, db, make_user, login):
    user = make_user(name="Camille Dupont")
    login(user)
    response = client.post("/account", data={"first_name": "Office de tourisme", "locale": "en"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "reserved for the tourism office" in response.get_data(as_text=True)
    db.session.refresh(user)
    assert user.first_name == "Camille"


def test_sign_up_refuses_a_zero_width_name(client, db):
    response = client.post("/register", data={
        "first_name": "Ad\u200bmin", "email": "z@example.org", "birth_year": "1990",
        "password": "une phrase assez longue", "password_confirm": "une phrase assez longue"})
    assert response.status_code == 400
    assert "caractères invisibles" in response.get_data(as_text=True)


@pytest.mark.parametrize("first, last, shown, minor, public", [
    ("Camille", "Dupont", "full", False, "Camille Dupont"),
    ("Camille", "Dupont", "initial", False, "Camille D."),
    ("Camille", "Dupont", "full", True, "Camille D."),   # a minor: always the initial
    ("Camille", "d", "initial", True, "Camille D."),
    ("Camille", "", "full", False, "Camille"),
])
def test_the_public_name(first, last, shown, minor, public):
    assert rules.public_name(first, last, shown, minor=minor) == public


def test_a_teens_public_name_and_full_name(client, db, make_user, login):
    teen = make_user(age_group="teen", name="Léa Martin")
    assert teen.public_name == "Léa M."
    assert teen.full_name == "Léa Martin"
    login(teen)
    client.post("/account", data={"first_name": "Léa", "last_name": "Martin",
                                  "show_full_name": "y", "locale": "fr"})
    db.session.refresh(teen)
    assert teen.public_name == "Léa M."  # a minor cannot choose otherwise


def test_an_adult_chooses_to_show_the_whole_name(client, db, make_user, login):
    user = make_user(name="Camille Dupont")
    login(user)
    client.post("/account", data={"first_name": "Camille", "last_name": "Dupont", "locale": "fr"})
    db.session.refresh(user)
    assert (user.public_name, user.display_name, user.full_name) == (
        "Camille D.", "Camille D.", "Camille Dupont")
    client.post("/account", data={"first_name": "Camille", "last_name": "Dupont",
                                  "show_full_name": "y", "locale": "fr"})
    db.session.refresh(user)
    assert user.public_name == "Camille Dupont"


def test_the_migration_keeps_existing_accounts_working(tmp_path):
    """An account made before revision 0005 gets names from its display name, stays confirmed,
    and keeps showing the same name."""
    from flask_migrate import upgrade

    from learnapp import create_app
    from learnapp.extensions import db

    app = create_app({"SECRET_KEY": "k", "DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
                      "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        upgrade(revision="0004")
        with db.engine.begin() as connection:
            connection.execute(text(
                "INSERT INTO user_account (display_name, email, password_hash, birth_year, "
                "is_active_account, created_at) VALUES "
                "('Marie Claire Dubois', 'm@example.org', 'x', 1970, 1, '2026-01-02 03:04:05'),"
                "('Zoé', NULL, 'x', 2015, 1, '2026-01-02 03:04:05')"))
        upgrade()
        rows = db.session.execute(text(
            "SELECT first_name, last_name, name_shown, display_name, email_confirmed_at "
            "FROM user_account ORDER BY id")).all()
        db.engine.dispose()
    assert rows[0][:4] == ("Marie", "Claire Dubois", "full", "Marie Claire Dubois")
    assert rows[0][4] is not None
    assert rows[1][:4] == ("Zoé", "", "full", "Zoé") and rows[1][4] is None
