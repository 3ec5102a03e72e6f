"""The home page's cost, anonymous and signed in, as ratios to /healthz in the same run.

    .venv/bin/python benchmarks/home.py [--passes 3] [--duration 6] [--connections 16]

A scratch instance (`learnapp demo --no-serve`: the Granville course, quizzes and visits) is
served by gunicorn (gthread workers). A scratch learner who has read one lesson and booked a
visit signs in over HTTP, so their home runs every domain's next step with something to say
(courses: lessons left; quizzes: the open-tier query; visits: their booking; certificates: the
recent-certificate query) plus the learner panels. Then wrk loads, in each pass:
- `/healthz`;
- `/` anonymous (what most visitors get: the path and the visits panel come from the fragment
  cache, the page carries an ETag);
- `/` signed in (the session cookie sent by wrk);
- `/courses/` signed in, for reference: what any signed-in page costs here.
Printed: req/s, p50/p95 and the ratio to /healthz (median of the passes). Goals (DESIGN.md, a
page at least 1/3 of /healthz): anonymous ≥ 1/3, signed in ≥ 1/4 (a page with a signed-in user
and a query measured 0.25-0.4 × a hello route on this kind of machine). Exits 1 below a goal or
on any error (wrk waits up to 10 s per request: a loaded machine is slow, not failing).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from harness import Scratch, median, request
from harness import sign_in as harness_sign_in
from run import LUA, wrk

PASSWORD = "bench horse battery staple"  # noqa: S105 (a scratch account, deleted with the instance)
EMAIL = "bench-home@bench.example.org"
GOALS = {"/ anonymous": 1 / 3, "/ signed in": 1 / 4}

MAKE = """
import sys
from datetime import timedelta
from sqlalchemy import select
from werkzeug.security import generate_password_hash
from learnapp.auth.models import User, UserRole
from learnapp.courses import progress
from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.db import utcnow
from learnapp.extensions import db
from learnapp.visits import booking, listing
email, password = sys.argv[1], sys.argv[2]
with app.app_context():
    if db.session.scalar(select(User).where(User.email == email)) is not None:
        sys.exit(0)  # an instance kept from an earlier run (--instance): already set up
    now = utcnow()
    user = User(display_name="Bench", email=email, birth_year=1990, created_at=now, email_confirmed_at=now,
                password_hash=generate_password_hash(password, method="pbkdf2:sha256:1000"))
    user.roles.append(UserRole(name="learner", granted_at=now))
    db.session.add(user)
    db.session.flush()
    course = db.session.scalar(select(Course).where(Course.published.is_(True)).order_by(Course.position))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id).order_by(Lesson.position))
    version = db.session.scalar(select(LessonVersion).where(LessonVersion.lesson_id == lesson.id))
    progress.mark_done(user, lesson, version, now)
    [first] = listing.next_open(now, limit=1)
    from learnapp.visits.models import VisitSession
    booking.book(user, db.session.get(VisitSession, first.id), now=now)
    db.session.commit()
"""


def sign_in(scratch: Scratch) -> dict[str, str]:
    cookies = harness_sign_in(scratch.base, EMAIL, PASSWORD)
    status, _, home = request("GET", scratch.base + "/", cookies=cookies)
    if status != 200 or "Bonjour Bench" not in home or 'class="next-steps"' not in home:
        raise SystemExit(f"the signed-in home is not what the benchmark means to measure:\n{home[:2000]}")
    return cookies


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--duration", type=int, default=6)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--instance", type=Path, default=None, help="copy this instance (demo loaded) instead")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)
    with Scratch(port=args.port, workers=args.workers, keep=args.keep, source=args.instance) as scratch:
        scratch.python(MAKE, EMAIL, PASSWORD)
        cookies = sign_in(scratch)
        cookie = "Cookie: " + "; ".join(f"{name}={value}" for name, value in cookies.items())
        runs = {"/healthz": ("/healthz", ()), "/ anonymous": ("/", ()), "/ signed in": ("/", (cookie,)),
                "/courses/ signed in": ("/courses/", (cookie,))}
        measures = {name: [] for name in runs}
        ratios = {name: [] for name in runs if name != "/healthz"}
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "report.lua"
            script.write_text(LUA)
            for path, headers in runs.values():  # warm-up
                wrk(scratch.base, path, duration=1, connections=args.connections, threads=2, script=script,
                    headers=headers, timeout_s=10)
            for number in range(1, args.passes + 1):
                results = {name: wrk(scratch.base, path, duration=args.duration, connections=args.connections,
                                     threads=2, script=script, headers=headers, timeout_s=10)
                           for name, (path, headers) in runs.items()}
                for name, measure in results.items():
                    measures[name].append(measure)
                for name in ratios:
                    ratios[name].append(results[name].rps / results["/healthz"].rps)
                print(f"  pass {number}/{args.passes}: "
                      + ", ".join(f"{name} {m.rps:.0f} rps" for name, m in results.items()))
    print(f"\n{'page':<20} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'× healthz':>10} {'goal':>6}")
    ok = True
    for name, values in measures.items():
        ratio = 1.0 if name == "/healthz" else median(ratios[name])
        goal = GOALS.get(name)
        failed = any(m.failed for m in values)
        ok = ok and not failed and (goal is None or ratio >= goal)
        print(f"{name:<20} {median([m.rps for m in values]):>8.0f} {median([m.p50_ms for m in values]):>8.1f} "
              f"{median([m.p95_ms for m in values]):>8.1f} {ratio:>10.2f} {f'{goal:.2f}' if goal else '':>6}"
              f"{'  FAILED' if failed else ''}")
    home, catalogue = median(ratios["/ signed in"]), median(ratios["/courses/ signed in"])
    print(f"signed-in home / signed-in catalogue: {home / catalogue:.2f} (what the next steps and panels add "
          "to any signed-in page)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
