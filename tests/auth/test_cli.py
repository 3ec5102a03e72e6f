from sqlalchemy import select

from learnapp.auth.models import User


def test_users_create_reads_the_password_from_stdin(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "guide@example.org",
                                 "--role", "guide", "--name", "Gaël"],
                           input="a long enough phrase\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.role_names == ["guide"] and user.check_password("a long enough phrase")


def test_users_create_refuses_a_weak_password_and_duplicates(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org"], input="short\n")
    assert result.exit_code != 0 and "password refused" in result.output
    runner.invoke(args=["users", "create", "--email", "x@example.org"], input="long phrase ok\n")
    again = runner.invoke(args=["users", "create", "--email", "x@example.org"],
                          input="long phrase ok\n")
    assert again.exit_code != 0 and "email_taken" in again.output


def test_users_create_refuses_what_is_not_an_address_before_reading_the_password(runner, db):
    for email in ("not-an-address", "two@@example.org", "with space@example.org", "@example.org"):
        result = runner.invoke(args=["users", "create", "--email", email],
                               input="a long enough phrase\n")
        assert result.exit_code != 0 and "not an e-mail address" in result.output
    assert db.session.scalar(select(User)) is None


def test_users_create_accepts_a_local_address_and_refuses_an_impossible_birth_year(runner, db):
    bad = runner.invoke(args=["users", "create", "--email", "office@intranet.local",
                              "--birth-year", "1492"], input="a long enough phrase\n")
    assert bad.exit_code != 0 and "birth year" in bad.output
    good = runner.invoke(args=["users", "create", "--email", "Office@Intranet.local",
                               "--role", "staff", "--role", "guide"], input="a long enough phrase\n")
    assert good.exit_code == 0, good.output
    user = db.session.scalar(select(User))
    assert user.email == "office@intranet.local" and user.role_names == ["guide", "staff"]


def test_users_create_with_nothing_on_stdin_creates_nothing(runner, db):
    result = runner.invoke(args=["users", "create", "--email", "x@example.org"], input="")
    assert result.exit_code != 0 and "password refused" in result.output
    assert db.session.scalar(select(User)) is None


def test_set_password_reads_stdin_and_ends_other_sessions(runner, db, client, make_user, login):
    user = make_user()
    login(user)
    result = runner.invoke(args=["users", "set-password", user.email], input="another long phrase\n")
    assert result.exit_code == 0, result.output
    db.session.refresh(user)
    assert user.check_password("another long phrase")
    assert client.get("/account").status_code == 302
