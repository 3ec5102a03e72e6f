"""Register → confirm the address → log in → switch to English → sessions → log out, in a real
browser, checked by axe-core."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def confirmation_path(db, email):
    from sqlalchemy import select

    from learnapp.mail.models import OutboxMessage

    db.session.expire_all()
    body = db.session.scalars(select(OutboxMessage.body).where(OutboxMessage.recipient == email)).one()
    return re.search(r"https?://[^/\s]+(/account/confirm/\S+)", body).group(1)


def test_register_login_english_logout(page, db, assert_accessible):
    page.goto("/")
    assert_accessible(page)
    page.get_by_role("link", name="Créer un compte").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Devenir ambassadeur du territoire")
    assert_accessible(page)

    # A mistake first: the form says what is wrong, tied to the field.
    page.get_by_label("Prénom", exact=True).fill("Maëlle")
    page.get_by_label("Adresse e-mail").fill("maelle@example.org")
    page.get_by_label("Année de naissance").fill("1992")
    page.get_by_label("Mot de passe", exact=True).fill("court")
    page.get_by_label("Confirmez le mot de passe").fill("court")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.get_by_label("Mot de passe", exact=True)).to_have_attribute("aria-invalid", "true")
    assert_accessible(page)

    page.get_by_label("Mot de passe", exact=True).fill("la marée monte vite")
    page.get_by_label("Confirmez le mot de passe").fill("la marée monte vite")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Vérifiez votre messagerie")
    assert_accessible(page)

    # The link from the mail shows a button; pressing it confirms the address.
    page.goto(confirmation_path(db, "maelle@example.org"))
    assert_accessible(page)
    page.get_by_role("button", name="Confirmer mon adresse").click()
    expect(page.get_by_text("Votre adresse est confirmée")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Adresse e-mail").fill("maelle@example.org")
    page.get_by_label("Mot de passe").fill("la marée monte vite")
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_text("Vous êtes connecté.")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("link", name="My account")).to_be_visible()
    page.get_by_role("link", name="My account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My account")
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("My sessions")).click()
    expect(page.get_by_text("(this device)")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out")).to_be_visible()
    # The choice of English outlives the session (cookie).
    expect(page.locator("html")).to_have_attribute("lang", "en")


def test_keyboard_user_reaches_the_content_with_the_skip_link(page):
    page.goto("/login")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Aller au contenu")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused


def test_a_child_is_sent_to_their_class_kindly(page, assert_accessible):
    page.goto("/register")
    page.get_by_label("Prénom", exact=True).fill("Tom")
    page.get_by_label("Adresse e-mail").fill("tom@example.org")
    page.get_by_label("Année de naissance").fill("2017")
    page.get_by_label("Mot de passe", exact=True).fill("mon chat est roux")
    page.get_by_label("Confirmez le mot de passe").fill("mon chat est roux")
    page.get_by_role("button", name="Créer mon compte").click()
    expect(page.get_by_text("on s'inscrit avec sa classe")).to_be_visible()
    assert_accessible(page)


FOUNDATION_PAGES = [
    # (path, who is signed in)
    ("/password/forgot", None),
    ("/password/reset/not-a-real-token", None),
    ("/no-such-page", None),
    ("/account", "admin"),
    ("/account/password", "admin"),
    ("/account/email", "admin"),
    ("/account/sessions", "admin"),
    ("/admin/users", "admin"),
    ("/admin/users/{user_id}", "admin"),
    ("/office/mail/", "admin"),
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_foundation_page_is_accessible(page, live_server, make_user, now, db, language,
                                             assert_accessible):
    from learnapp.mail import services as mail
    from tests.conftest import TEST_PASSWORD

    admin = make_user("admin", email="admin@example.org")
    for _ in range(30):  # enough accounts for the list to page
        make_user()
    mail.queue("someone@example.org", "Sujet", "Corps du message", now)
    db.session.commit()
    page.context.add_cookies([{"name": "lang", "value": language, "url": live_server}])
    signed_in = False
    for path, who in FOUNDATION_PAGES:
        if who and not signed_in:
            page.goto("/login")
            page.locator("#email").fill(admin.email)
            page.locator("#password").fill(TEST_PASSWORD)
            page.locator("form.stack button[type=submit]").click()
            page.wait_for_url(live_server + "/")
            signed_in = True
        page.goto(path.format(user_id=admin.id))
        expect(page.locator("html")).to_have_attribute("lang", language)
        assert_accessible(page)
        # Forms with mistakes: the error summary and the fields marked invalid pass too.
        submit = page.locator("main form.stack button[type=submit]")
        if submit.count() == 1 and path != "/admin/users/{user_id}":
            for field in page.locator("main form.stack input:not([type=hidden]):not([type=checkbox])").all():
                field.fill("")
            submit.click()
            expect(page.locator(".error-summary")).to_be_visible()
            assert_accessible(page)
