import pytest


def test_security_headers_on_every_page(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "script-src 'self'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_no_inline_script_or_style_in_pages(client):
    page = client.get("/register").get_data(as_text=True)
    assert "<script>" not in page and "style=" not in page and "<style" not in page


@pytest.mark.parametrize("language, text", [("fr", "Page introuvable"), ("en", "Page not found")])
def test_404_in_the_users_language(client, language, text):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)


def test_wrong_method_is_405(client):
    response = client.get("/logout")
    assert response.status_code == 405
    assert "Méthode non autorisée" in response.get_data(as_text=True)


def test_non_numeric_id_is_404_not_500(client, make_user, login):
    login(make_user("admin"))
    assert client.get("/admin/users/abc").status_code == 404
    assert client.get("/admin/users/999999").status_code == 404


def test_body_over_the_limit_is_413(app, client):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = client.post("/login", data={"email": "a@b.c", "password": "x" * 5000})
    assert response.status_code == 413
    assert "trop volumineux" in response.get_data(as_text=True)


def test_unexpected_error_is_a_500_page_in_the_users_language(app, client):
    app.config["PROPAGATE_EXCEPTIONS"] = False
    from learnapp.core import errors
    from learnapp.core.access import public

    app.register_error_handler(Exception, errors.handle_unexpected)

    @app.get("/boom-for-test")
    @public
    def boom():
        raise RuntimeError("boom")

    response = client.get("/boom-for-test", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Server error" in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_page_shows_a_pagination_for_long_lists(client, make_user, login):
    admin = make_user("admin")
    for _ in range(30):
        make_user()
    login(admin)
    page = client.get("/admin/users").get_data(as_text=True)
    assert "Page 1 sur 2" in page
    assert client.get("/admin/users?page=2").status_code == 200
    assert client.get("/admin/users?page=-5").status_code == 200
    assert client.get("/admin/users?page=abc").status_code == 200
