import sys

import click

from learnapp.auth import rules, services
from learnapp.core.access import ROLES
from learnapp.db import utcnow
from learnapp.extensions import db


@click.group(help="Accounts.")
def users():
    pass


def read_password() -> str:
    """One line from standard input; typed at a terminal, it is asked twice and not shown."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\r\n")


def looks_like_an_email(email: str) -> bool:
    local, at, domain = email.partition("@")
    return bool(at and local and domain and "@" not in domain and not any(c.isspace() for c in email)
                and len(email) <= 254)


@users.command("create", help="Create an account; the password is read from standard input.")
@click.option("--email", required=True)
@click.option("--role", "roles", multiple=True, type=click.Choice(ROLES), default=("learner",),
              show_default=True, help="May be given several times.")
@click.option("--name", default=None, help="Display name (default: the part before @).")
@click.option("--birth-year", type=int, default=1980, show_default=True)
def create(email, roles, name, birth_year):
    if not looks_like_an_email(email.strip()):
        raise click.BadParameter(f"{email!r} is not an e-mail address", param_hint="--email")
    if not rules.birth_year_is_plausible(birth_year, utcnow().date()):
        raise click.BadParameter(f"{birth_year} is not a possible birth year", param_hint="--birth-year")
    if name is not None and not 1 <= len(name.strip()) <= 80:
        raise click.BadParameter("a display name has 1 to 80 characters", param_hint="--name")
    password = read_password()
    problems = rules.password_problems(password, email=email, name=name or "")
    if problems:
        raise click.ClickException(f"password refused: {', '.join(problems)}")
    try:
        user = services.create_user(display_name=name or email.split("@")[0][:80], email=email,
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
    password = read_password()
    problems = rules.password_problems(password, email=user.email or "", name=user.display_name)
    if problems:
        raise click.ClickException(f"password refused: {', '.join(problems)}")
    user.set_password(password)
    db.session.commit()
    click.echo(f"password changed for {user.email}")
