"""`learnapp visits import | list | remind` through the real command line."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from learnapp.db import utcnow
from learnapp.mail.models import OutboxMessage
from learnapp.visits import booking, rules
from learnapp.visits.models import VisitSession

HEADER = "visit,start,end,seats,guide_email"


@pytest.fixture(autouse=True)
def french(monkeypatch):
    monkeypatch.setenv("LEARNAPP_LANG", "fr")


def local(days: int, hour: int = 14) -> str:
    day = rules.local(utcnow()).date() + timedelta(days=days)
    return f"{day:%Y-%m-%d} {hour:02d}:00"


def sessions(db):
    return db.session.scalar(select(func.count()).select_from(VisitSession))


def write(tmp_path, text: str, encoding="utf-8"):
    path = tmp_path / "programme.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_import_is_all_or_nothing_and_idempotent(runner, db, tmp_path, make_user, make_visit):
    guide = make_user("guide", email="gael@example.org")
    make_visit(slug="haute-ville", guide=guide)
    make_visit(slug="chausey")
    path = write(tmp_path, "\n".join([
        HEADER + ",cancel_until",
        f"haute-ville,{local(10)},{local(10, 16)},15,gael@example.org,",
        f"chausey,{local(11, 9)},{local(11, 18)},30,,{local(9)}",
        f"haute-ville,{local(17)},{local(17, 16)},15,gael@example.org,",
    ]) + "\n")
    result = runner.invoke(args=["visits", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert "3 séance(s) créée(s), 0 modifiée(s), 0 inchangée(s)" in result.output
    again = runner.invoke(args=["visits", "import", str(path)])
    assert "0 séance(s) créée(s), 0 modifiée(s), 3 inchangée(s)" in again.output
    assert sessions(db) == 3
    listing = runner.invoke(args=["visits", "list"])
    lines = listing.output.splitlines()
    assert lines[0] == "chausey" and "0/30" in lines[1] and "attente 0" in lines[1]
    assert lines[2] == "haute-ville" and len(lines) == 5


def test_every_problem_is_reported_with_its_line_and_nothing_is_written(runner, db, tmp_path, make_user,
                                                                         make_visit):
    guide = make_user("guide", email="gael@example.org")
    make_visit(slug="haute-ville", guide=guide)
    make_visit(slug="chausey", guide=guide)
    path = write(tmp_path, "\n".join([
        HEADER,
        f"haute-ville,{local(10)},{local(10, 16)},15,gael@example.org",   # fine alone
        f"inconnue,{local(10)},{local(10, 16)},15,",                      # 3: unknown visit
        f"haute-ville,{local(12, 16)},{local(12, 14)},15,",               # 4: end before start
        f"chausey,{local(10, 15)},{local(10, 17)},20,gael@example.org",   # 5: guide in two places
        f"haute-ville,{local(13)},{local(13, 16)},zéro,",                 # 6: seats
        f"haute-ville,13/12/2026,{local(13, 16)},4,",                     # 7: date format
        f"haute-ville,{local(14)},{local(14, 16)},4,personne@example.org",  # 8: no such guide
    ]) + "\n")
    result = runner.invoke(args=["visits", "import", str(path)])
    assert result.exit_code == 1
    out = result.output
    assert f"{path}:3: visite inconnue « inconnue »" in out
    assert f"{path}:4: la fin (end) doit venir après le début (start)" in out
    assert f"{path}:5: le guide a déjà une séance au même moment (ligne 2)" in out
    assert f"{path}:6: « zéro » : le nombre de places doit être un entier positif" in out
    assert f"{path}:7: « 13/12/2026 » n'est pas une date" in out
    assert f"{path}:8: « personne@example.org » n'est le compte d'aucun guide" in out
    assert "Rien n'a été importé (6 problème(s))." in out
    assert sessions(db) == 0


def test_a_wrong_encoding_or_header_is_refused(runner, db, tmp_path, make_visit):
    make_visit(slug="haute-ville")
    latin = write(tmp_path, HEADER + f"\nhaute-ville,{local(10)},{local(10, 16)},15,Gaël\n", encoding="latin-1")
    result = runner.invoke(args=["visits", "import", str(latin)])
    assert result.exit_code == 1 and "n'est pas en UTF-8" in result.output
    header = write(tmp_path, "visite,debut\n")
    result = runner.invoke(args=["visits", "import", str(header)])
    assert result.exit_code == 1 and f"{header}:1: en-tête attendu" in result.output
    assert "il manque visit, start, end, seats, guide_email" in result.output
    missing = runner.invoke(args=["visits", "import", str(tmp_path / "absent.csv")])
    assert missing.exit_code == 1 and "lecture impossible" in missing.output
    assert sessions(db) == 0


def test_a_reimport_with_more_seats_promotes_the_waitlist(runner, db, tmp_path, make_user, make_visit):
    make_visit(slug="haute-ville")
    path = write(tmp_path, HEADER + f"\nhaute-ville,{local(10)},{local(10, 16)},1,\n")
    runner.invoke(args=["visits", "import", str(path)])
    session = db.session.scalar(select(VisitSession))
    booking.book(make_user(), session, now=utcnow())
    waiting = booking.book(make_user(), session, now=utcnow()).booking
    db.session.commit()
    path = write(tmp_path, HEADER + f"\nhaute-ville,{local(10)},{local(10, 16)},2,\n")
    result = runner.invoke(args=["visits", "import", str(path)])
    assert "1 modifiée(s)" in result.output
    db.session.refresh(waiting)
    assert waiting.status == "confirmed"
    smaller = write(tmp_path, HEADER + f"\nhaute-ville,{local(10)},{local(10, 16)},1,\n")
    result = runner.invoke(args=["visits", "import", str(smaller)])
    assert result.exit_code == 1 and "2 places déjà réservées" in result.output


def test_remind_twice_sends_once(runner, db, make_user, make_session):
    session = make_session(starts_in=timedelta(hours=18))
    booking.book(make_user(), session, now=utcnow())
    db.session.commit()
    first = runner.invoke(args=["visits", "remind"])
    second = runner.invoke(args=["visits", "remind"])
    assert "1 rappel(s)" in first.output and "0 rappel(s)" in second.output
    subjects = db.session.scalars(select(OutboxMessage.subject)).all()
    assert sum(s.startswith("Rappel") for s in subjects) == 1
