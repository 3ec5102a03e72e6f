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
