"""Demo ambassadors for `learnapp demo`: Léa (the demo adult) is an « Ambassadeur » whom her next
certificate (tier 2) raises to « Ambassadeur confirmé »; Hugo (the teen) signed with his mother's
consent; two approved portraits; a palmarès with a dozen people.

Runs after the certificates' demo (it reads the certificates they earned). Idempotent: people who
already signed are left alone."""

from __future__ import annotations

import io
import secrets
import unicodedata
from datetime import datetime, timedelta

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from learnapp.ambassadors import manifesto, membership, portraits
from learnapp.ambassadors.models import APPROVED, Portrait
from learnapp.auth import services as accounts
from learnapp.auth.models import User
from learnapp.certificates import services as certificates
from learnapp.certificates.receivers import settings as certificate_settings
from learnapp.db import utcnow
from learnapp.extensions import db

LEARNER = "learner@demo.learnapp.local"
TEEN = "teen@demo.learnapp.local"
STAFF = "staff@demo.learnapp.local"
COURSE = "granville-terre-et-mer"

# (first name, last name, birth year, tiers held, palmarès, portrait text, favourite places)
PEOPLE = (
    ("Marie", "Lebrun", 1961, 3, True, "Née sur le port, je raconte la Haute-Ville comme ma grand-mère me la "
     "racontait : les corsaires, les terre-neuvas et le carnaval.", "La Grand'Porte\nLa plage du Plat Gousset"),
    ("Yves", "Hamel", 1979, 2, True, "Pêcheur à pied depuis trente ans, j'emmène les visiteurs lire les marées "
     "et respecter l'estran.", "Chausey à marée basse\nLa pointe du Roc"),
    ("Nathalie", "Guérin", 1985, 2, True, "", ""),
    ("Thomas", "Lemoine", 1992, 1, True, "", ""),
    ("Sophie", "Marie", 1970, 1, True, "", ""),
    ("Pierre", "Leclerc", 1958, 3, True, "", ""),
    ("Camille", "Hébert", 1999, 1, False, "", ""),
    ("Julien", "Hue", 1988, 2, True, "", ""),
    ("Inès", "Renouf", 2010, 1, True, "", ""),
    ("Noé", "Lecoq", 2009, 2, True, "", ""),
)


def _sign(user: User, now: datetime, *, in_palmares: bool, minor: bool) -> None:
    version = manifesto.current()
    if version is None or manifesto.signature_of(user, version) is not None:
        return
    extra = {"parent_name": "Claire " + (user.last_name or "Martin"),
             "parent_declaration": "Je suis sa mère et j'autorise mon enfant à devenir ambassadeur."} if minor else {}
    manifesto.sign(user, version.id, now=now, in_palmares=in_palmares, **extra)


def _portrait_photo(seed: int) -> bytes:
    """A drawn portrait (sea, sand, a silhouette): the demo ships no one's real photo."""
    image = Image.new("RGB", (600, 800), (31, 94, 122))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 520, 600, 800), fill=(226, 205, 160))
    draw.ellipse((200, 160 + seed * 10, 400, 360 + seed * 10), fill=(240, 200, 170))
    draw.rectangle((160, 380, 440, 800), fill=(200 - seed * 60, 60 + seed * 50, 50))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _person(first: str, last: str, year: int, now: datetime) -> User:
    plain = unicodedata.normalize("NFKD", f"{first}.{last}".lower()).encode("ascii", "ignore").decode()
    email = f"{plain}@demo.learnapp.local"
    return accounts.find_by_email(email) or accounts.create_user(
        email=email, password=secrets.token_urlsafe(16), birth_year=year, now=now, first_name=first,
        last_name=last, display_name=f"{first} {last[0]}.")


def load_demo_ambassadors(echo=print, *, now: datetime | None = None) -> None:
    now = now or utcnow()
    if manifesto.current() is None:
        echo("Ambassadors: no manifesto loaded (learnapp content load).")
        return
    settings = certificate_settings()
    learner, teen, staff = (accounts.find_by_email(email) for email in (LEARNER, TEEN, STAFF))
    if learner is not None:
        _sign(learner, now, in_palmares=True, minor=False)
        membership.set_preferences(learner, in_palmares=True, in_directory=True, preferred_contact="",
                                   now=now)
    if teen is not None:
        _sign(teen, now, in_palmares=True, minor=True)
    for index, (first, last, year, tiers, ranked, text, places) in enumerate(PEOPLE):
        person = _person(first, last, year, now)
        minor = person.age_group(now) != "adult"
        _sign(person, now - timedelta(hours=60 - index), in_palmares=ranked, minor=minor)
        for tier in range(1, tiers + 1):
            achievement = certificates.achievement_for(COURSE, tier)
            if achievement is not None:
                certificates.issue(person, achievement, now - timedelta(hours=40 - 3 * index - tier), settings)
        if not minor and index % 2 == 0:
            membership.set_preferences(person, in_palmares=ranked, in_directory=True,
                                       preferred_contact="02 33 91 30 03", now=now)
        if text and staff is not None and portraits.of(person) is None:
            portrait = portraits.submit(person, text=text, places=places, photo=_portrait_photo(index), now=now)
            portraits.review(staff, portrait, approve=True, note="", now=now)
    db.session.commit()
    count = db.session.scalar(select(func.count()).select_from(Portrait).where(Portrait.status == APPROVED))
    echo(f"Ambassadors: Léa and Hugo signed the manifesto; {len(PEOPLE)} more ambassadors; {count} portraits.")
