"""Pupils: added one by one or from a roster file; passphrases printed on login cards.

A pupil's account has no e-mail; it is created with no usable password (``NO_PASSWORD``): it can
sign in once its card is printed, which draws a passphrase and stores only its hash.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from random import SystemRandom

from sqlalchemy import insert, select

from learnapp.auth import rules as account_rules
from learnapp.auth.models import User, UserRole
from learnapp.extensions import db
from learnapp.schools import rules
from learnapp.schools.errors import SchoolError
from learnapp.schools.models import Pupil, SchoolClass

_rng = SystemRandom()

# Not a hash werkzeug can match: check_password_hash answers False for every passphrase.
NO_PASSWORD = "!no-card-printed-yet"  # noqa: S105 (not a password: a hash nothing matches)


@dataclass(frozen=True)
class Card:
    """What one login card shows (the passphrase in clear exists only while printing)."""

    pupil_id: int
    name: str
    username: str
    passphrase: str


def pupils(school_class: SchoolClass) -> list[Pupil]:
    return list(db.session.scalars(
        select(Pupil).join(User, User.id == Pupil.user_id)
        .where(Pupil.class_id == school_class.id, Pupil.removed_at.is_(None))
        .order_by(User.first_name, User.last_name, Pupil.username)))


def pupil_of(user) -> Pupil | None:
    """The pupil record of a signed-in account (None for everyone else)."""
    if user is None or not getattr(user, "is_authenticated", False) or user.email is not None:
        return None
    return db.session.scalar(select(Pupil).where(Pupil.user_id == user.id, Pupil.removed_at.is_(None)))


def pupil_for_teacher(school_class: SchoolClass, pupil_id: int) -> Pupil:
    found = db.session.get(Pupil, pupil_id)
    if found is None or found.class_id != school_class.id or found.removed_at is not None:
        raise SchoolError("no_pupil")
    return found


def _taken_usernames(school_class: SchoolClass) -> set[str]:
    return set(db.session.scalars(select(Pupil.username).where(Pupil.class_id == school_class.id)))


def add_pupil(school_class: SchoolClass, *, first_name: str, initial: str, birth_year: int,
              now: datetime) -> Pupil:
    first_name, initial = first_name.strip(), rules.clean_initial(initial)
    if not first_name or len(first_name) > rules.FIRST_NAME_MAX or account_rules.name_problems(first_name):
        raise SchoolError("first_name")
    if not initial:
        raise SchoolError("initial")
    if rules.birth_year_problem(birth_year, now.date()):
        raise SchoolError("birth_year")
    username = rules.unique_username(rules.username_base(first_name, initial), _taken_usernames(school_class))
    # The last name is only its initial, with its dot: a certificate's full name reads « Léa M. ».
    user = User(email=None, first_name=first_name, last_name=f"{initial}.", name_shown=account_rules.NAME_INITIAL,
                display_name=rules.pupil_name(first_name, initial), password_hash=NO_PASSWORD,
                birth_year=birth_year, locale="fr", created_at=now)
    user.roles.append(UserRole(name="learner", granted_at=now))
    db.session.add(user)
    db.session.flush()
    pupil = Pupil(user_id=user.id, class_id=school_class.id, username=username, created_at=now)
    db.session.add(pupil)
    db.session.flush()
    return pupil


def import_roster(school_class: SchoolClass, raw: bytes, *, now: datetime) -> rules.Roster:
    """Every pupil of the file, or none: the roster's problems come back and nothing is written.

    Bulk inserts (three statements whatever the number of rows): a 2,000-row file takes well
    under a second (benchmarks/schools.py)."""
    roster = rules.read_roster(raw, now.date())
    if roster.problems:
        return roster
    taken = _taken_usernames(school_class)
    rows = [(row, rules.unique_username(rules.username_base(row.first_name, row.initial), taken))
            for row in roster.rows]
    users = [{"email": None, "first_name": row.first_name, "last_name": f"{row.initial}.",
              "name_shown": account_rules.NAME_INITIAL, "display_name": rules.pupil_name(row.first_name, row.initial),
              "password_hash": NO_PASSWORD, "birth_year": row.birth_year, "locale": "fr",
              "is_active_account": True, "created_at": now} for row, _ in rows]
    ids = list(db.session.scalars(insert(User).returning(User.id, sort_by_parameter_order=True), users))
    db.session.execute(insert(UserRole), [{"user_id": user_id, "name": "learner", "granted_at": now}
                                          for user_id in ids])
    db.session.execute(insert(Pupil), [{"user_id": user_id, "class_id": school_class.id, "username": username,
                                        "created_at": now} for user_id, (_, username) in zip(ids, rows, strict=True)])
    db.session.flush()
    return roster


def print_cards(school_class: SchoolClass, chosen: list[Pupil], *, now: datetime) -> list[Card]:
    """New passphrases for ``chosen`` (their old cards stop working): hashed and stored, and
    returned in clear once, for the PDF."""
    cards = []
    for pupil in chosen:
        if pupil.class_id != school_class.id:
            raise SchoolError("no_pupil")
        passphrase = rules.new_passphrase(_rng)
        pupil.user.set_password(rules.normalise_passphrase(passphrase))
        pupil.card_printed_at = now
        cards.append(Card(pupil.id, pupil.user.display_name, pupil.username, passphrase))
    db.session.flush()
    return cards


def find_for_sign_in(school_class: SchoolClass, username: str) -> Pupil | None:
    return db.session.scalar(select(Pupil).where(
        Pupil.class_id == school_class.id, Pupil.username == rules.normalise_username(username),
        Pupil.removed_at.is_(None)))


def find_by_id_for_sign_in(school_class: SchoolClass, pupil_id: int) -> Pupil | None:
    found = db.session.get(Pupil, pupil_id)
    if found is None or found.class_id != school_class.id or found.removed_at is not None:
        return None
    return found
