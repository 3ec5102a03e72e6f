import re

import pytest
from sqlalchemy import func, select

from learnapp.auth.models import AuditEntry, User
from learnapp.mail.models import OutboxMessage
from tests.conftest import TEST_PASSWORD

GOOD = {"first_name": "Camille", "last_name": "Dupont", "email": "Camille@Example.org", "birth_year": "1990",
        "password": "une phrase assez longue", "password_confirm": "une phrase assez longue"}


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_register_asks_to_confirm_and_stores_an_age_not_a_label(client, db):
    response = client.post("/register", data=GOOD)
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.get_data(as_text=True)
    user = db.session.scalar(select(User))
    assert user.email == "camille@example.org"
    assert user.birth_year == 1990 and user.role_names == ["learner"]
    assert (user.first_name, user.last_name, user.public_name) == ("Camille", "Dupont", "Camille D.")
    assert user.email_confirmed_at is None
    # The account can sign in and read at once (confirming is needed only to take part).
    assert client.post("/login", data={"email": GOOD["email"], "password": GOOD["password"]}
                       ).status_code == 302
    assert "Camille" in client.get("/").get_data(as_text=True)


def test_a_child_is_told_kindly_to_join_with_their_class(client, db):
    response = client.post("/register", data={**GOOD, "birth_year": "2016"})
    page = response.get_data(as_text=True)
    assert "avec sa classe" in page
    assert count(db, User) == 0


@pytest.mark.parametrize("field, value", [
    ("birth_year", "abc"), ("birth_year", "1700"), ("email", "not-an-email"),
    ("password", "short"), ("password_confirm", "different phrase here"), ("first_name", ""),
])
def test_bad_registration_input_is_explained_and_changes_nothing(client, db, field, value):
    response = client.post("/register", data={**GOOD, field: value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'aria-invalid="true"' in page and "error-summary" in page
    assert count(db, User) == 0


def test_duplicate_email_creates_nothing_and_mails_the_owner(client, db, make_user):
    make_user(email="camille@example.org")
    response = client.post("/register", data=GOOD)
    assert response.status_code == 200
    assert "Vérifiez votre messagerie" in response.get_data(as_text=True)
    assert count(db, User) == 1


def test_missing_fields_do_not_crash(client):
    assert client.post("/register", data={}).status_code == 400
    assert client.post("/login", data={}).status_code == 200


def test_login_wrong_password_then_right(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": "wrong one!"})
    assert response.status_code == 401
    assert "incorrect" in response.get_data(as_text=True)
    response = client.post("/login?next=/account", data={"email": user.email.upper(),
                                                          "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/account"


def test_login_refuses_an_open_redirect(client, make_user):
    user = make_user()
    response = client.post("/login?next=//evil.example/x",
                           data={"email": user.email, "password": TEST_PASSWORD})
    assert response.headers["Location"] == "/"


def test_remember_me_sets_a_long_lived_httponly_cookie(client, make_user):
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD,
                                           "remember": "y"})
    cookies = response.headers.getlist("Set-Cookie")
    remember = [c for c in cookies if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0] and "SameSite=Lax" in remember[0]


def test_login_is_throttled_per_account_with_a_clear_message(app, client, make_user):
    user = make_user()
    app.config["LOGIN_ACCOUNT_FREE_FAILURES"] = 5
    for _ in range(6):
        client.post("/login", data={"email": user.email, "password": "wrong one!"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{_}"})
    response = client.post("/login", data={"email": user.email, "password": TEST_PASSWORD},
                           environ_base={"REMOTE_ADDR": "10.0.0.99"})
    assert response.status_code == 429
    assert "Trop de tentatives" in response.get_data(as_text=True)


def test_login_is_throttled_per_address(app, client, make_user):
    app.config["LOGIN_ADDRESS_CEILING"] = 3
    users = [make_user() for _ in range(4)]
    for user in users[:3]:
        client.post("/login", data={"email": user.email, "password": "wrong one!"})
    response = client.post("/login", data={"email": users[3].email, "password": TEST_PASSWORD},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert "Too many attempts" in response.get_data(as_text=True)


def test_logout_is_a_post(client, make_user, login):
    login(make_user())
    response = client.post("/logout")
    assert response.status_code == 302
    # The card page is cached privately to open offline: signing out clears the browser's cache.
    assert response.headers["Clear-Site-Data"] == '"cache"'
    assert client.get("/account").status_code == 302


def reset_link(db) -> str:
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    return re.search(r"http://localhost(/password/reset/\S+)", message.body).group(1)


def test_password_reset_is_signed_and_single_use(client, db, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = reset_link(db)
    response = client.post(link, data={"password": "a brand new phrase",
                                       "password_confirm": "a brand new phrase"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": user.email,
                                       "password": "a brand new phrase"}).status_code == 302
    client.post("/logout")
    again = client.post(link, data={"password": "another new phrase",
                                    "password_confirm": "another new phrase"})
    assert again.status_code == 400
    assert "déjà servi" in again.get_data(as_text=True)


def test_password_reset_link_expires(app, client, db, make_user):
    user = make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = reset_link(db)
    app.config["PASSWORD_RESET_MAX_AGE"] = -1
    response = client.get(link)
    assert response.status_code == 400
    assert "expiré" in response.get_data(as_text=True)


def test_forged_reset_token_is_refused(client):
    response = client.get("/password/reset/eyJ1IjoxfQ.forged.signature")
    assert response.status_code == 400


def test_forgot_password_does_not_reveal_accounts(client, db):
    response = client.post("/password/forgot", data={"email": "nobody@example.org"})
    assert response.status_code == 302
    assert count(db, OutboxMessage) == 0


def test_profile_edit_and_password_change_signs_out_other_sessions(app, client, db, make_user,
                                                                   login):
    user = make_user()
    login(user)
    other = app.test_client()
    other.post("/login", data={"email": user.email, "password": TEST_PASSWORD})
    assert other.get("/account").status_code == 200

    client.post("/account", data={"first_name": "Nouveau", "last_name": "Nom", "locale": "en"})
    db.session.refresh(user)
    assert user.display_name == "Nouveau N." and user.locale == "en"

    wrong = client.post("/account/password", data={"current_password": "nope nope",
                                                   "password": "a brand new phrase",
                                                   "password_confirm": "a brand new phrase"})
    assert wrong.status_code == 400
    client.post("/account/password", data={"current_password": TEST_PASSWORD,
                                           "password": "a brand new phrase",
                                           "password_confirm": "a brand new phrase"})
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302  # the other session is signed out


def test_email_change_is_confirmed_by_a_link(client, db, make_user, login):
    user = make_user(email="old@example.org")
    login(user)
    client.post("/account/email", data={"email": "new@example.org",
                                        "current_password": TEST_PASSWORD})
    db.session.refresh(user)
    assert user.email == "old@example.org"
    message = db.session.scalars(select(OutboxMessage)).one()
    assert message.recipient == "new@example.org"
    link = re.search(r"http://localhost(/account/email/confirm/\S+)", message.body).group(1)
    page = client.get(link)
    assert page.status_code == 200 and "new@example.org" in page.get_data(as_text=True)
    db.session.refresh(user)
    assert user.email == "old@example.org"  # opening the link changes nothing by itself
    assert client.post(link).status_code == 302
    db.session.refresh(user)
    assert user.email == "new@example.org"
    assert client.get(link).status_code == 400  # single use
    assert client.post(link).status_code == 400


def test_admin_grants_and_removes_roles_with_an_audit_trail(client, db, make_user, login):
    admin = make_user("admin")
    someone = make_user()
    login(admin)
    client.post(f"/admin/users/{someone.id}", data={"role": "teacher", "action": "grant"})
    db.session.refresh(someone)
    assert someone.role_names == ["learner", "teacher"]
    client.post(f"/admin/users/{someone.id}", data={"role": "learner", "action": "remove"})
    db.session.refresh(someone)
    assert someone.role_names == ["teacher"]
    actions = db.session.scalars(select(AuditEntry.action).where(
        AuditEntry.actor_id == admin.id)).all()
    assert actions == ["role.grant", "role.remove"]


def test_admin_cannot_remove_their_own_admin_role(client, db, make_user, login):
    admin = make_user("admin")
    login(admin)
    client.post(f"/admin/users/{admin.id}", data={"role": "admin", "action": "remove"})
    db.session.refresh(admin)
    assert "admin" in admin.role_names


def test_admin_rejects_an_unknown_role(client, db, make_user, login):
    admin = make_user("admin")
    someone = make_user()
    login(admin)
    response = client.post(f"/admin/users/{someone.id}", data={"role": "emperor",
                                                              "action": "grant"})
    assert response.status_code == 400
    db.session.refresh(someone)
    assert someone.role_names == ["learner"]
