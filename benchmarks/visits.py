"""Guided visits under load, as ratios to /healthz in the same run.

    .venv/bin/python benchmarks/visits.py [--bookers 100] [--seats 20] [--passes 3]

A scratch instance (`learnapp demo --no-serve`, so the demo's Granville visits) is served by
gunicorn (gthread workers). Then:
1. pages: `/visits/` and a session page under wrk, alternating with /healthz, `--passes` times;
   the session page twice: anonymous (what most visitors get; goal from the issue: at least
   1/3 of /healthz) and signed in as a learner without a booking, so with the booking form
   (goal 1/4: DESIGN.md measured a signed-in page with one query at about 0.25 × under gthread);
   printed: req/s, p50/p95 and the ratio to /healthz;
2. booking under contention: `--bookers` signed-in accounts send "book" for a new session with
   `--seats` seats at the same moment (threads released together, one HTTP request each); the
   latency of each is recorded, then as many simultaneous /healthz requests; printed: p50/p95 of
   both, their ratio, and what the database holds: exactly `--seats` confirmed, the rest on the
   waitlist with places 1…n, no error.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from harness import Scratch, csrf_token, median, percentile, request, sign_in
from run import LUA, wrk

PASSWORD = "bench horse battery staple"  # noqa: S105 (scratch accounts, deleted with the instance)

MAKE = """
import sys
from datetime import timedelta
from werkzeug.security import generate_password_hash
from learnapp.auth.models import User, UserRole
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import programme
count, seats, password = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with app.app_context():
    now = utcnow()
    hashed = generate_password_hash(password, method="pbkdf2:sha256:1000")
    for n in range(count):
        user = User(display_name=f"Bench {n}", email=f"bench-{n:03d}@bench.example.org", birth_year=1990,
                    password_hash=hashed, created_at=now, email_confirmed_at=now)
        user.roles.append(UserRole(name="learner", granted_at=now))
        db.session.add(user)
    visit = programme.find_visit("haute-ville-corsaire")
    start = (now + timedelta(days=40)).replace(second=0, microsecond=0)
    [session] = programme.add_sessions(visit, [programme.SessionPlan(
        starts_at=start, ends_at=start + timedelta(hours=2), capacity=seats)], now=now)
    db.session.commit()
    print(session.id)
"""

READER = """
import sys
from learnapp.auth import services as accounts
from learnapp.db import utcnow
from learnapp.extensions import db
with app.app_context():
    accounts.create_user(display_name="Bench reader", email=sys.argv[1], password=sys.argv[2], birth_year=1990,
                         roles=("learner",), now=utcnow())
    db.session.commit()
"""
READER_EMAIL = "bench-reader@bench.example.org"
GOALS = {"/visits/": 1 / 3, "session": 1 / 3, "session signed in": 1 / 4}

CHECK = """
import sys
from sqlalchemy import select
from learnapp.extensions import db
from learnapp.visits import booking
from learnapp.visits.models import Booking, VisitSession
with app.app_context():
    session = db.session.get(VisitSession, int(sys.argv[1]))
    rows = db.session.scalars(select(Booking).where(Booking.session_id == session.id).order_by(Booking.id)).all()
    waiting = [b for b in rows if b.status == "waitlisted"]
    places = [booking.waitlist_place(b) for b in waiting]
    print(sum(b.status == "confirmed" for b in rows), len(waiting), session.taken, session.capacity,
          places == list(range(1, len(waiting) + 1)))
"""


def all_at_once(count: int, action) -> list[tuple[int, float]]:
    barrier = threading.Barrier(count)

    def run(index):
        barrier.wait()
        started = time.perf_counter()
        status = action(index)
        return status, (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def pages(scratch: Scratch, *, passes: int, duration: int, connections: int) -> bool:
    status, _, listing = request("GET", scratch.base + "/visits/")
    found = re.search(r'href="(/visits/session/\d+)"', listing)
    if status != 200 or not found:
        raise SystemExit(f"/visits/ answered HTTP {status} without a session link:\n{listing[:2000]}")
    session_path = found.group(1)
    scratch.python(READER, READER_EMAIL, PASSWORD)
    cookies = sign_in(scratch.base, READER_EMAIL, PASSWORD)
    status, _, page = request("GET", scratch.base + session_path, cookies=cookies)
    if status != 200 or "/book" not in page:
        raise SystemExit(f"the signed-in session page shows no booking form (HTTP {status}):\n{page[:2000]}")
    cookie = ("Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items()),)
    # label → (path, extra headers)
    targets = {"/healthz": ("/healthz", ()), "/visits/": ("/visits/", ()), "session": (session_path, ()),
               "session signed in": (session_path, cookie)}
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(LUA)
        for path, headers in targets.values():
            wrk(scratch.base, path, duration=1, connections=connections, threads=2, script=script, headers=headers)
        runs = {label: [] for label in targets}
        ratios = {label: [] for label in GOALS}
        for number in range(1, passes + 1):
            results = {label: wrk(scratch.base, path, duration=duration, connections=connections, threads=2,
                                  script=script, headers=headers) for label, (path, headers) in targets.items()}
            for label in targets:
                runs[label].append(results[label])
            for label in GOALS:
                ratios[label].append(results[label].rps / results["/healthz"].rps)
            print(f"  pass {number}/{passes}: " + ", ".join(f"{label} {m.rps:.0f} rps" for label, m in results.items()))
    print(f"\nsession page: {session_path}")
    print(f"{'page':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'× healthz':>10} {'goal':>6}")
    ok = True
    for label in targets:
        measures = runs[label]
        ratio = 1.0 if label == "/healthz" else median(ratios[label])
        goal = GOALS.get(label)
        failed = any(m.failed for m in measures)
        ok = ok and not failed and (goal is None or ratio >= goal)
        print(f"{label:<28} {median([m.rps for m in measures]):>8.0f} {median([m.p50_ms for m in measures]):>8.1f} "
              f"{median([m.p95_ms for m in measures]):>8.1f} {ratio:>10.2f} {f'{goal:.2f}' if goal else '':>6}"
              f"{'  FAILED' if failed else ''}")
    print("goals (issue 9, DESIGN.md): visit pages serve at least 1/3 of /healthz's requests per second "
          "(a signed-in page 1/4)")
    return ok


def contention(scratch: Scratch, *, bookers: int, seats: int) -> bool:
    session_id = scratch.python(MAKE, str(bookers), str(seats), PASSWORD).strip()
    book_path = f"/visits/session/{session_id}/book"

    def booker(index):
        cookies = sign_in(scratch.base, f"bench-{index:03d}@bench.example.org", PASSWORD)
        _, _, page = request("GET", scratch.base + f"/visits/session/{session_id}", cookies=cookies)
        return cookies, csrf_token(page)

    with ThreadPoolExecutor(max_workers=16) as pool:
        clients = list(pool.map(booker, range(bookers)))
    booked = all_at_once(bookers, lambda i: request("POST", scratch.base + book_path, cookies=clients[i][0],
                                                    data={"csrf_token": clients[i][1], "seats": "1"})[0])
    health = all_at_once(bookers, lambda i: request("GET", scratch.base + "/healthz")[0])
    confirmed, waiting, taken, capacity, ordered = scratch.python(CHECK, session_id).split()
    errors = sum(status != 302 for status, _ in booked)
    book_ms, health_ms = [ms for _, ms in booked], [ms for _, ms in health]
    print(f"\n{bookers} bookings at once for {seats} seats "
          f"(gunicorn {scratch.workers} workers x {scratch.threads} threads)")
    print(f"{'':<10} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    for name, values in (("book", book_ms), ("/healthz", health_ms)):
        print(f"{name:<10} {median(values):>8.0f} {percentile(values, 95):>8.0f} {max(values):>8.0f}")
    print(f"p95 ratio book / healthz: {percentile(book_ms, 95) / percentile(health_ms, 95):.1f}")
    print(f"database: {confirmed} confirmed, {waiting} waitlisted (places in order: {ordered}), "
          f"seats {taken}/{capacity}, {errors} responses other than a redirect")
    return int(confirmed) == seats and int(waiting) == bookers - seats and ordered == "True" and errors == 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bookers", type=int, default=100)
    parser.add_argument("--seats", type=int, default=20)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    with Scratch(port=args.port, workers=args.workers, keep=args.keep) as scratch:
        ok = pages(scratch, passes=args.passes, duration=args.duration, connections=args.connections)
        ok = contention(scratch, bookers=args.bookers, seats=args.seats) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
