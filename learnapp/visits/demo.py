"""Demo visits for `learnapp demo`: real Granville outings in the coming weeks, some full with a
waitlist, one past with attendance taken, and the demo learner holding a booking.

Idempotent: a visit that exists is left alone (and its sessions with it)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from learnapp.auth import services as accounts
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import attendance, booking, programme, rules
from learnapp.visits.models import Booking, VisitSession

GUIDE = "guide@demo.learnapp.local"
LEARNER = "learner@demo.learnapp.local"

VISITS = (
    programme.VisitFields(
        slug="haute-ville-corsaire", title="La Haute-Ville, cité corsaire",
        description=(
            "Deux heures sur le rocher : la Grand'Porte et son pont-levis, les remparts face à "
            "Chausey, l'église Notre-Dame du Cap Lihou et les maisons d'armateurs de la rue "
            "Saint-Jean.\n\nVous apprendrez à raconter Granville, port de corsaires et de "
            "terre-neuvas, comme un ambassadeur."),
        meeting_point="Devant la Grand'Porte, place Cambernon, 50400 Granville",
        map_url="https://www.openstreetmap.org/?mlat=48.8378&mlon=-1.6045#map=17/48.8378/-1.6045",
        duration_minutes=120, accessibility="Rues pavées et escaliers ; pas de fauteuil roulant.",
        audiences=("teen", "adult"), school_groups=True, language="fr"),
    programme.VisitFields(
        slug="traversee-chausey", title="Traversée vers l'archipel de Chausey",
        description=(
            "Une journée sur la Grande-Île : la vedette part du port de Granville à l'heure que "
            "permet la marée (l'horaire de chaque séance en tient compte), puis tour de l'île "
            "avec le guide, le phare, le fort et les 365 îles à marée basse.\n\n"
            "Billet de bateau à votre charge ; pique-nique à prévoir."),
        meeting_point="Gare maritime, quai d'Orléans, 50400 Granville",
        duration_minutes=8 * 60, accessibility="Embarquement par passerelle ; chemins de terre sur l'île.",
        audiences=("teen", "adult"), language="fr"),
    programme.VisitFields(
        slug="atelier-cuivre-villedieu", title="Villedieu-les-Poêles : l'atelier du cuivre",
        description=(
            "Visite d'un atelier de dinanderie à Villedieu-les-Poêles, la cité du cuivre : "
            "martelage, étamage, et l'histoire des poêliers. Départ en covoiturage depuis Granville."),
        meeting_point="Parking de la gare SNCF, avenue Maréchal Leclerc, 50400 Granville",
        duration_minutes=180, accessibility="Atelier de plain-pied.",
        audiences=("teen", "adult"), language="fr"),
    programme.VisitFields(
        slug="peche-a-pied-enfants", title="Les petits pêcheurs à pied",
        description=(
            "Pour les enfants, avec un adulte : ce que la mer laisse à marée basse sur la plage du "
            "Plat Gousset — crabes, bigorneaux, algues — et les règles pour le remettre en place."),
        meeting_point="Plage du Plat Gousset, devant le Casino, 50400 Granville",
        duration_minutes=90, accessibility="Sur le sable et les rochers ; bottes conseillées.",
        audiences=("child", "adult"), language="fr"),
)

# (slug, days from today, local hour, minutes, seats)
SESSIONS = (
    ("haute-ville-corsaire", 3, 14, 0, 15), ("haute-ville-corsaire", 10, 14, 0, 4),
    ("haute-ville-corsaire", 17, 10, 0, 15),
    ("traversee-chausey", 12, 8, 30, 3), ("traversee-chausey", 26, 9, 15, 20),
    ("atelier-cuivre-villedieu", 8, 9, 30, 8),
    ("peche-a-pied-enfants", 5, 15, 0, 12), ("peche-a-pied-enfants", 19, 10, 30, 12),
)


def _visitors(count: int, now: datetime):
    """Extra demo learners, so some sessions fill up (no password shown: they never sign in)."""
    people = []
    for n in range(1, count + 1):
        email = f"visiteur{n}@demo.learnapp.local"
        user = accounts.find_by_email(email) or accounts.create_user(
            display_name=f"Visiteur {n}", email=email, password=secrets.token_urlsafe(16),
            birth_year=1960 + 3 * n, now=now)
        people.append(user)
    return people


def load_demo_visits(echo=print) -> None:
    now = utcnow()
    guide = accounts.find_by_email(GUIDE)
    learner = accounts.find_by_email(LEARNER)
    if programme.find_visit(VISITS[0].slug) is not None:
        echo("Demo visits already exist.")
        return
    for fields in VISITS:
        fields.guide_id = guide.id if guide else None
        programme.create_visit(fields, now=now)
    today = rules.local(now).date()
    created = {}
    for slug, days, hour, minute, seats in SESSIONS:
        visit = programme.find_visit(slug)
        start = datetime.combine(today + timedelta(days=days), datetime.min.time()).replace(hour=hour, minute=minute)
        [session] = programme.add_sessions(visit, programme.plans_from_local(
            [start], duration_minutes=visit.duration_minutes, capacity=seats, guide_id=None), now=now)
        created[(slug, days)] = session
    visitors = _visitors(6, now)
    # Two full sessions with a waitlist: the small Haute-Ville one and the Chausey crossing.
    for key in (("haute-ville-corsaire", 10), ("traversee-chausey", 12)):
        for person in visitors:
            booking.book(person, created[key], now=now)
    if learner is not None:
        booking.book(learner, created[("haute-ville-corsaire", 3)], now=now)
    _past_session_with_attendance(guide, visitors, learner, now)
    db.session.commit()
    echo(f"Demo visits: {len(VISITS)} visits, {len(SESSIONS) + 1} sessions (one past, with attendance).")


def _past_session_with_attendance(guide, visitors, learner, now: datetime) -> None:
    """A session last week; written directly, since the booking rules refuse the past."""
    visit = programme.find_visit("haute-ville-corsaire")
    start = now.replace(second=0, microsecond=0) - timedelta(days=7)
    session = VisitSession(visit_id=visit.id, starts_at=start, ends_at=start + timedelta(hours=2), capacity=10,
                           taken=0, status=rules.SCHEDULED, created_at=start - timedelta(days=14))
    db.session.add(session)
    db.session.flush()
    people = [p for p in [learner, *visitors[:4]] if p is not None]
    for person in people:
        held = Booking(session_id=session.id, active_session_id=session.id, user_id=person.id, seats=1,
                       children=[], status=rules.CONFIRMED, confirmed_at=start - timedelta(days=10),
                       created_at=start - timedelta(days=10))
        db.session.add(held)
        session.taken += 1
    db.session.flush()
    actor = guide or people[0]
    for index, held in enumerate(db.session.query(Booking).filter_by(session_id=session.id).order_by(Booking.id)):
        attendance.mark(session, held, 0, index != len(people) - 1, actor=actor, now=start + timedelta(minutes=5))
    session.roster_closed_at = start + timedelta(hours=2)
