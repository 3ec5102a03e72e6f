from learnapp.core.catalogues import missing_translations


def test_every_message_has_an_english_translation():
    assert missing_translations("en") == []


def test_french_is_the_default(client):
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="fr">' in page
    assert "Se connecter" in page


def test_accept_language_english(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Log in" in page


def test_cookie_beats_accept_language(client):
    client.post("/language", data={"language": "en", "next": "/login"})
    page = client.get("/login", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_saved_choice_beats_cookie(client, make_user, login, db):
    user = make_user()
    login(user)
    client.post("/language", data={"language": "en"})
    db.session.refresh(user)
    assert user.locale == "en"
    client.set_cookie("lang", "fr")
    page = client.get("/account").get_data(as_text=True)
    assert '<html lang="en">' in page


def test_language_switch_refuses_unknown_language_and_foreign_next(client):
    response = client.post("/language", data={"language": "xx"})
    assert response.status_code == 400
    response = client.post("/language", data={"language": "en", "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
