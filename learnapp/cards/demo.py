"""The demo's card: the adult demo learner (an ambassador) holds a card with a drawn portrait.

Idempotent: a learner who already has a card keeps it."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from learnapp.ambassadors.standing import standing_of
from learnapp.auth import services as accounts
from learnapp.cards import rules, services
from learnapp.db import utcnow
from learnapp.extensions import db

LEARNER = "learner@demo.learnapp.local"


def demo_portrait() -> bytes:
    """A plain drawn portrait (sea-blue background, a face): no real person's photo in the demo."""
    image = Image.new("RGB", (600, 800), (46, 104, 140))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 560, 600, 800), fill=(222, 196, 150))  # the beach
    draw.ellipse((110, 520, 490, 900), fill=(200, 60, 60))  # shoulders, a red jumper
    draw.ellipse((190, 200, 410, 460), fill=(240, 200, 170))  # the face
    draw.pieslice((180, 170, 420, 420), 180, 360, fill=(90, 60, 40))  # hair
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def load_demo_card(echo) -> None:
    learner = accounts.find_by_email(LEARNER)
    if learner is None:
        return
    now = utcnow()
    if services.current_card(learner) is not None:
        echo("Demo card: the demo learner already holds one.")
        return
    standing = standing_of(db.session, learner, now)
    if standing is None or not standing.active:
        from learnapp.ambassadors import manifesto

        version = manifesto.current()
        if version is None:
            echo("Demo card skipped: no manifesto loaded, so the demo learner is not an ambassador.")
            return
        manifesto.sign(learner, version.id, now=now)
    card = services.issue(learner, now=now, reason="first", photo=services.clean(demo_portrait()))
    db.session.commit()
    echo(f"Demo card: {LEARNER} holds card {rules.display_number(card.number)}.")
