import sys

import click

from learnapp.auth import rules, services
from learnapp.core.access import ROLES
from learnapp.db import utcnow
from learnapp.extensions import db


@click.group(help="Accounts.")
def users():
    pass


@users.command("create", help="Create an account; the password is read from standard input.")
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("learner",),
              show_default=True, help="May be given several times.")
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--birth-year", type=int, default=1980, show_default=True)
def create(email, roles, name, birth_year):
    password = sys.stdin.readline().rstrip("\r\n")
    problems = rules.password_problems(password, email=email, name=name or "")
    if problems:
        raise click.ClickException(f"password refused: {', '.join(problems)}")
    try:
        user = services.create_user(display_name=name or email.split("@")[0], email=email,
                                    password=password, birth_year=birth_year,
                                    roles=tuple(roles), now=utcnow())
    except services.AccountError as error:
        raise click.ClickException(f"cannot create the account: {error.code}") from error
    db.session.commit()
    click.echo(f"created user {user.id} <{user.email}> roles: {', '.join(user.role_names)}")


@users.command("set-password", help="Choose a new password (read from standard input).")
@click.argument("email")
def set_password(email):
    user = services.find_by_email(email)
    if user is None:
        raise click.ClickException(f"no account for {email}")
    password = sys.stdin.readline().rstrip("\r\n")
    problems = rules.password_problems(password, email=user.email or "", name=user.display_name)
    if problems:
        raise click.ClickException(f"password refused: {', '.join(problems)}")
    user.set_password(password)
    db.session.commit()
    click.echo(f"password changed for {user.email}")
