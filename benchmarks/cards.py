"""The partner's card check under load, as a ratio to /healthz in the same run.

    .venv/bin/python benchmarks/cards.py [--passes 3] [--duration 6] [--connections 16]

A scratch instance (`learnapp demo --no-serve`: the demo learner holds a card, the demo museum
has offers) is served by gunicorn (gthread workers). A bench account is attached to the demo
museum and signed in; wrk then loads, alternating with /healthz, `--passes` times:
- `/partners/check?number=<the demo card>`: what a cashier's phone asks after typing the number
  (the card, its holder's standing, the museum's offers and this period's uses);
- `/partners/scan/<token>`: what the card's QR opens (the same, after checking the signature).
Printed: req/s, p50/p95 and the ratio to /healthz; goal (issue 11): at least 1/3. Beside them, as a
reference, /healthz requested with the same cookie: what the sign-in alone costs every signed-in page.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from harness import Scratch, median, request, sign_in
from run import LUA, wrk

GOAL = 1 / 3
SIGNED_IN_HEALTHZ = "/healthz?as=signed-in"  # the same route; the query only names the measure
PASSWORD = "bench horse battery staple"  # noqa: S105 (a scratch account, deleted with the instance)

MAKE = """
import sys
from sqlalchemy import select
from learnapp.auth import services as accounts
from learnapp.cards import services as cards
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.partners import services
from learnapp.partners.models import Partner
with app.app_context():
    now = utcnow()
    accounts.create_user(display_name="Caisse Bench", email="caisse@bench.example.org", password=sys.argv[1],
                         birth_year=1990, roles=("learner",), now=now)
    partner = db.session.scalar(select(Partner).where(Partner.name.like("Musée%")))
    services.attach(partner, "caisse@bench.example.org", actor=None, now=now)
    db.session.commit()
    card = cards.current_card(accounts.find_by_email("learner@demo.learnapp.local"))
    print(card.number, cards.token_of(card, app.config["SECRET_KEY"]))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, Scratch(port=args.port) as scratch:
        number, token = scratch.python(MAKE, PASSWORD).split()
        cookies = sign_in(scratch.base, "caisse@bench.example.org", PASSWORD)
        cookie = "; ".join(f"{k}={v}" for k, v in cookies.items())
        plain = Path(folder) / "report.lua"
        plain.write_text(LUA)
        signed = Path(folder) / "signed-in.lua"
        signed.write_text(f'wrk.headers["Cookie"] = "{cookie}"\nwrk.headers["Accept-Language"] = "fr"\n' + LUA)
        # SIGNED_IN_HEALTHZ: /healthz with the cashier's cookie, a reference printed beside the pages:
        # what being signed in costs before a page does anything (the session lookup).
        pages = {"/healthz": plain, SIGNED_IN_HEALTHZ: signed, f"/partners/check?number={number}": signed,
                 f"/partners/scan/{token}": signed}
        for path in pages:
            status, _, body = request("GET", scratch.base + path, cookies=dict(cookies))
            if status != 200 or (path.startswith("/partners") and "Carte valable" not in body):
                raise SystemExit(f"{path} answered HTTP {status}:\n{body[:1500]}")
            wrk(scratch.base, path, duration=1, connections=args.connections, threads=args.threads, script=pages[path])
        rps: dict[str, list[float]] = {path: [] for path in pages}
        ratios: dict[str, list[float]] = {path: [] for path in pages if path != "/healthz"}
        failed = False
        for run_number in range(1, args.passes + 1):
            found = {path: wrk(scratch.base, path, duration=args.duration, connections=args.connections,
                               threads=args.threads, script=script) for path, script in pages.items()}
            failed |= any(m.failed for m in found.values())
            for path, measure in found.items():
                rps[path].append(measure.rps)
            for path in ratios:
                ratios[path].append(found[path].rps / found["/healthz"].rps)
            print(f"  pass {run_number}: " + ", ".join(f"{p.split('?')[0][:24]} {m.rps:.0f} rps (p95 {m.p95_ms:.0f} ms)"
                                                     for p, m in found.items()))
        print(f"\n{'page':<32} {'req/s':>8} {'× healthz':>10}  goal ≥ {GOAL:.2f}")
        print(f"{'/healthz':<32} {median(rps['/healthz']):>8.0f}")
        for path, values in ratios.items():
            ratio = median(values)
            if path == SIGNED_IN_HEALTHZ:
                print(f"{'(reference) /healthz signed in':<32} {median(rps[path]):>8.0f} {ratio:>10.2f}")
                continue
            name = "/partners/check?number=…" if "check" in path else "/partners/scan/<token>"
            print(f"{name:<32} {median(rps[path]):>8.0f} {ratio:>10.2f}  {'ok' if ratio >= GOAL else 'BELOW GOAL'}")
            failed |= ratio < GOAL
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
