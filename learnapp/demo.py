"""What `learnapp demo` loads: accounts now, each domain's demo content as it arrives.

Everything here is idempotent: a second run finds what exists and adds nothing twice.
"""

from __future__ import annotations

import secrets

from learnapp.ambassadors.demo import load_demo_ambassadors
from learnapp.auth import services as accounts
from learnapp.cards.demo import load_demo_card
from learnapp.certificates.demo import load_demo_certificates
from learnapp.courses.cli import load_demo_content
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.office import milestones, period_rates, session_marks
from learnapp.partners.demo import load_demo_partners, load_demo_uses
from learnapp.quizzes.demo import load_demo_attempts
from learnapp.schools.demo import load_demo_school
from learnapp.visits.demo import load_demo_visits

DEMO_ACCOUNTS = (
    # (e-mail, display name, birth year, roles)
    ("admin@demo.learnapp.local", "Anne Admin", 1975, ("admin",)),
    ("staff@demo.learnapp.local", "Sophie de l'office", 1988, ("staff",)),
    ("guide@demo.learnapp.local", "Gaël le guide", 1970, ("guide",)),
    ("teacher@demo.learnapp.local", "Mme Lefèvre", 1982, ("teacher",)),
    ("partner@demo.learnapp.local", "Musée d'art moderne Richard Anacréon", 1990, ("partner",)),
    ("learner@demo.learnapp.local", "Léa", 1996, ("learner",)),
    ("teen@demo.learnapp.local", "Hugo", 2010, ("learner",)),
)


def create_demo_accounts(echo) -> None:
    now = utcnow()
    created = []
    for email, name, birth_year, roles in DEMO_ACCOUNTS:
        if accounts.find_by_email(email) is not None:
            continue
        password = secrets.token_urlsafe(9)
        accounts.create_user(display_name=name, email=email, password=password,
                             birth_year=birth_year, roles=roles, now=now)
        created.append((email, password, ", ".join(roles)))
    db.session.commit()
    if created:
        echo("Demo accounts (passwords are shown only this once):")
        for email, password, roles in created:
            echo(f"  {roles:<10} {email:<32} {password}")
    else:
        echo("Demo accounts already exist (their passwords were shown at the first run; "
             "`learnapp users set-password EMAIL` chooses a new one).")


def load_demo(echo=print) -> None:
    create_demo_accounts(echo)
    load_demo_content(echo)  # the repository's content packs (courses/, then quizzes/ …)
    load_demo_attempts(echo)  # finished quiz attempts, for the staff statistics page
    load_demo_visits(echo)  # Granville visits: full sessions with a waitlist, one past with attendance
    load_demo_certificates(echo)  # the certificates those attempts earned; one revoked
    load_demo_school(echo)  # a class of 25 pupils with login cards; one child's passphrase printed
    load_demo_ambassadors(echo)  # Léa and Hugo signed; portraits; a palmarès with a dozen people
    load_demo_partners(echo)  # a museum (the demo partner account) with offers, one once a day; a shop
    load_demo_card(echo)  # the demo adult ambassador's card, with a drawn portrait
    load_demo_uses(echo)  # the museum grants that card the offers its holder's level allows
    # Some demo rows were written directly (the class's progress, the attempts): the office's kept
    # funnel, certification rates per period and present/absent per session from them.
    milestones.rebuild()
    period_rates.rebuild()
    session_marks.rebuild()
    db.session.commit()
