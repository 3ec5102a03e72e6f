"""Certificates: /verify/<code> (HTML and JSON) against /healthz, and the time to issue one.

    .venv/bin/python benchmarks/certificates.py [--passes 3] [--duration 8] [--issues 50]

Same scratch instance as run.py (`learnapp demo --no-serve`, gunicorn gthread workers, wrk).
Goal (issue 10): /verify/<code> at least 1/3 of /healthz's requests per second in the same pass.
The issue time is measured in-process on the scratch database: sign (Ed25519, VC-JWT) and insert
one certificate for a new learner, committed, ``--issues`` times.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from harness import Scratch, median, request
from run import LUA, wrk

GOAL = 1 / 3

ISSUE_TIMER = """
import json, sys, time
from learnapp.auth import services as accounts
from learnapp.certificates import services
from learnapp.certificates.receivers import settings
from learnapp.db import utcnow
from learnapp.extensions import db
count = int(sys.argv[1])
with app.app_context(), app.test_request_context():
    achievement = services.achievement_for("granville-terre-et-mer", 1)
    now = utcnow()
    times = []
    for n in range(count):
        user = accounts.create_user(display_name=f"Bench {n}", email=f"bench{n}@bench.invalid", password="x" * 12,
                                    birth_year=1990, roles=("learner",), now=now)
        db.session.commit()
        started = time.perf_counter()
        services.issue(user, achievement, now, settings())
        db.session.commit()
        times.append(time.perf_counter() - started)
    code = services.for_user(user)[0].code
print(json.dumps({"times": times, "code": code}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=8)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--issues", type=int, default=50)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder, Scratch(port=args.port) as scratch:
        measured = json.loads(scratch.python(ISSUE_TIMER, str(args.issues)).strip().splitlines()[-1])
        times_ms = sorted(t * 1000 for t in measured["times"])
        code = measured["code"]
        script = Path(folder) / "report.lua"
        script.write_text(LUA)
        pages = [f"/verify/{code}", f"/verify/{code}.json"]
        for path in ["/healthz", *pages]:
            status, _, _ = request("GET", scratch.base + path)
            print(f"  warm-up {path}: HTTP {status}")
            wrk(scratch.base, path, duration=1, connections=args.connections, threads=args.threads, script=script)
        rps: dict[str, list[float]] = {path: [] for path in ["/healthz", *pages]}
        ratios: dict[str, list[float]] = {path: [] for path in pages}
        failed = False
        for number in range(1, args.passes + 1):
            found = {path: wrk(scratch.base, path, duration=args.duration, connections=args.connections,
                               threads=args.threads, script=script) for path in rps}
            failed |= any(m.failed for m in found.values())
            for path, measure in found.items():
                rps[path].append(measure.rps)
            for path in pages:
                ratios[path].append(found[path].rps / found["/healthz"].rps)
            print(f"  pass {number}: " + ", ".join(f"{p} {m.rps:.0f} rps" for p, m in found.items()))
        print()
        print(f"issue one certificate (sign + insert + commit), {len(times_ms)} times: "
              f"median {median(times_ms):.1f} ms, max {times_ms[-1]:.1f} ms")
        print(f"{'page':<36} {'req/s':>8} {'× healthz':>10}  goal ≥ {GOAL:.2f}")
        print(f"{'/healthz':<36} {median(rps['/healthz']):>8.0f}")
        for path in pages:
            ratio = median(ratios[path])
            verdict = "ok" if ratio >= GOAL else "BELOW GOAL"
            print(f"{'/verify/<code>' + ('.json' if path.endswith('.json') else ''):<36} "
                  f"{median(rps[path]):>8.0f} {ratio:>10.2f}  {verdict}")
            failed |= ratio < GOAL
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
