"""The office's pages at scale: 50,000 then 500,000 quiz attempts, on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/office_scale.py                        # SQLite, 50k then 500k
    .venv/bin/python benchmarks/office_scale.py --sizes 5000,50000     # smaller sizes
    bash tests/with-postgres.sh .venv/bin/python benchmarks/office_scale.py --postgres

A scratch instance (temporary folder; on PostgreSQL a database ``learnapp_scale`` on the server
``LEARNAPP_TEST_DATABASE_URL`` names, as tests/with-postgres.sh starts it) is migrated and given
the demo's accounts, content (the repository's courses, quizzes, achievements) and visits. Then, for
each size, ``scale_seed.seed`` adds learners with their attempts, answers, certificates and
bookings (bulk: executemany / COPY) until the seeded attempts reach the size, the kept quiz
statistics are rebuilt from the raw rows (``tallies.rebuild``, timed: that is the backfill), and
each page is requested in-process (Flask's test client, signed in as staff), as the issue
measured them:

- the quiz statistics page: « new numbers+chart » (its per-process cache and the stored charts
  emptied before each request: the first load after a graded attempt that moves a shown number,
  so the chart is drawn again), « new numbers » (only the per-process cache emptied: after an
  attempt that moves no shown number) and « cached »;
- ``/office/quizzes/`` (the courses with their counts);
- ``/office/dashboard/`` (this month), for this calendar year and for everything, when the app
  being measured has that route;
- ``/healthz``, for scale.

Printed per page and size: the median of ``--repeat`` requests (milliseconds), then the ratio
from the first size to the last. Goals (issue 13, point 7): under 500 ms at 500,000 attempts and
less than 3× from 50,000 to 500,000.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

PASSWORD = "bench horse battery staple"  # noqa: S105 (scratch account, deleted with the instance)
STAFF_EMAIL = "scale-staff@scale.bench"


def _database(args, instance: Path) -> str:
    if not args.postgres:
        return "sqlite:///" + str(instance / "scale.db")
    from sqlalchemy import create_engine, make_url, text

    server = os.environ.get("LEARNAPP_TEST_DATABASE_URL")
    if not server:
        raise SystemExit("--postgres: run under tests/with-postgres.sh (LEARNAPP_TEST_DATABASE_URL)")
    url = make_url(server)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = 'learnapp_scale'")).scalar()
        if not (args.instance and exists):  # --instance: keep (and go on seeding) the seeded database
            connection.execute(text('DROP DATABASE IF EXISTS "learnapp_scale" WITH (FORCE)'))
            connection.execute(text('CREATE DATABASE "learnapp_scale"'))
    admin.dispose()
    return url.set(database="learnapp_scale").render_as_string(hide_password=False)


def quiet(message) -> None:
    pass


def _median_ms(call, repeat: int, before=None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        started = time.perf_counter()
        status = call()
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"status {status}")
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="50000,500000", help="seeded attempts, comma-separated, growing")
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL (under tests/with-postgres.sh)")
    parser.add_argument("--repeat", type=int, default=5, help="requests per page and size (median)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--instance", help="use (and keep) this folder, and on PostgreSQL the database "
                        "learnapp_scale: what is already seeded there is reused, only the missing attempts are added")
    parser.add_argument("--seed-only", action="store_true", help="seed (with --instance), measure nothing")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    from flask_migrate import upgrade
    from scale_seed import seed

    try:
        from learnapp.core import chart_cache
        from learnapp.core.chart_cache import ChartCache
    except ImportError:  # a tree from before the charts
        chart_cache = ChartCache = None
    try:
        from learnapp.office import milestones
    except ImportError:  # a tree from before the kept funnel depths
        milestones = None
    try:
        from learnapp.office import period_rates
    except ImportError:  # a tree from before the kept rates per period
        period_rates = None
    try:
        from learnapp.office import session_marks
    except ImportError:  # a tree from before the kept marks per session
        session_marks = None

    from learnapp import create_app
    from learnapp.auth import services as accounts
    from learnapp.auth.models import User
    from learnapp.courses.models import Course
    from learnapp.db import utcnow
    from learnapp.demo import create_demo_accounts, load_demo_content, load_demo_visits
    from learnapp.extensions import db
    from learnapp.quizzes import tallies

    if args.instance:
        instance = Path(args.instance)
        instance.mkdir(parents=True, exist_ok=True)
        args.keep = True
    else:
        instance = Path(tempfile.mkdtemp(prefix="learnapp-scale-"))
    database = _database(args, instance)
    kind = "PostgreSQL" if args.postgres else "SQLite"
    print(f"{kind}, scratch instance {instance}")
    app = create_app({"SECRET_KEY": "scale-benchmark-only", "INSTANCE_PATH": str(instance),
                      "DATABASE_URL": database, "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://",
                      "BASE_URL": "http://localhost"})
    results: dict[str, dict[int, float]] = {}
    facts: dict[int, dict] = {}
    try:
        with app.app_context():
            upgrade()
            started = time.perf_counter()
            reused = db.session.scalar(db.select(User.id).where(User.email == STAFF_EMAIL)) is not None
            # The demo's accounts, content packs (courses, quizzes, achievements) and visits; not its
            # few dozen attempts through the services (minutes on a loaded machine): seeding adds them.
            if not reused:
                create_demo_accounts(quiet)
                load_demo_content(quiet)
                load_demo_visits(quiet)
                accounts.create_user(display_name="Scale Staff", email=STAFF_EMAIL, password=PASSWORD,
                                     birth_year=1980, roles=("staff",), now=utcnow())
                db.session.commit()
            course_id = db.session.scalar(db.select(Course.id).where(Course.slug == "granville-terre-et-mer"))
            print("reusing the seeded instance" if reused else f"demo loaded in {time.perf_counter() - started:.0f} s")
        has_dashboard = any(rule.rule.rstrip("/") == "/office/dashboard" for rule in app.url_map.iter_rules())
        client = app.test_client()

        def log_in():
            # Before each size: seeding 500,000 attempts outlasts a staff session's 30 idle minutes.
            response = client.post("/login", data={"email": STAFF_EMAIL, "password": PASSWORD})
            if response.status_code != 302:
                raise SystemExit(f"staff login failed: {response.status_code}")

        statistics_url = f"/office/quizzes/{course_id}/statistics"

        def get(url):
            def call():
                with app.app_context():
                    return client.get(url).status_code
            return call

        def forget_numbers():
            """As after a new graded attempt that moves no shown number: numbers read again."""
            app.extensions.get("quiz_statistics_cache", {}).clear()

        def forget_drawings():
            """As after a change the page's numbers already show (their five minutes): charts drawn."""
            with app.app_context():
                db.session.execute(db.delete(ChartCache).where(~ChartCache.name.startswith("numbers:")))
                db.session.commit()

        def charts_of(url):
            """The page's chart images (the page links to them), fetched one after the other."""
            def call():
                with app.app_context():
                    html = client.get(url).get_data(as_text=True)
                    urls = [unescape(u) for u in re.findall(r'<img class="chart-svg" src="([^"]+)"', html)]
                    statuses = {client.get(u).status_code for u in urls}
                return 200 if statuses <= {200} else max(statuses)
            return call

        def forget_cached_pages():
            """As after a new graded attempt that moves a shown number: numbers read, charts drawn."""
            forget_numbers()
            if chart_cache is not None:
                with app.app_context():
                    chart_cache.clear()

        for size in sizes:
            with app.app_context():
                print(f"\nseeding up to {size:,} attempts …")
                report = seed(attempts=size)
                started = time.perf_counter()
                if report.attempts or not reused:
                    rebuilt = tallies.rebuild()
                    if milestones is not None:  # the funnel's kept depths, from the rows seeded
                        milestones.rebuild()
                    if period_rates is not None:  # the certification rates per period
                        period_rates.rebuild()
                    if session_marks is not None:  # present / absent per visit session
                        session_marks.rebuild()
                    db.session.commit()
                    if args.postgres:  # the rebuilt tables' statistics, as autovacuum would gather them
                        db.session.execute(db.text("ANALYZE"))
                        db.session.commit()
                else:  # a reused instance, nothing added: its kept statistics were rebuilt when seeded
                    rebuilt = tallies.RebuildReport()
                rebuild_seconds = time.perf_counter() - started
                counts = {name: db.session.execute(db.text(f"SELECT count(*) FROM {name}")).scalar()  # noqa: S608
                          for name in ("user_account", "quiz_attempt", "attempt_item", "certificate",
                                       "visit_booking")}
            facts[size] = {"seed_s": report.seconds, "rebuild_s": rebuild_seconds, **counts}
            print(f"seeded {report.attempts:,} attempts in {report.seconds:.0f} s; kept statistics rebuilt "
                  f"({rebuilt.attempts:,} attempts) in {rebuild_seconds:.1f} s; rows: "
                  + ", ".join(f"{name} {n:,}" for name, n in counts.items()))
            if args.seed_only:
                continue
            log_in()
            pages = [("quiz statistics, new numbers+chart", get(statistics_url), forget_cached_pages),
                     ("quiz statistics, new numbers", get(statistics_url), forget_numbers),
                     ("quiz statistics, cached", get(statistics_url), None),
                     ("/office/quizzes/", get("/office/quizzes/"), None)]
            if has_dashboard:
                for label, url in (("/office/dashboard/", "/office/dashboard/"),
                                   ("dashboard, a year", "/office/dashboard/?period=year"),
                                   ("dashboard, everything", "/office/dashboard/?period=all")):
                    pages.append((f"{label}, first load", get(url), forget_cached_pages))
                    pages.append((f"{label}, cached", get(url), None))
                pages.append(("dashboard's charts, first drawing", charts_of("/office/dashboard/"), forget_drawings))
                pages.append(("dashboard's charts, cached", charts_of("/office/dashboard/"), None))
            pages.append(("/healthz", get("/healthz"), None))
            for name, call, before in pages:
                call()  # warm-up (imports, templates)
                results.setdefault(name, {})[size] = _median_ms(call, args.repeat, before)
                print(f"  {name:<34} {results[name][size]:8.1f} ms")
    finally:
        with app.app_context():
            db.engine.dispose()
        if args.keep:
            print(f"kept: {instance}")
        else:
            shutil.rmtree(instance, ignore_errors=True)

    first, last = sizes[0], sizes[-1]
    print(f"\n{kind}: median of {args.repeat} in-process requests (ms)")
    print(f"{'page':<34} " + " ".join(f"{size:>10,}" for size in sizes) + f" {'ratio':>7}")
    failed = False
    for name, by_size in results.items():
        ratio = by_size[last] / by_size[first] if by_size[first] else float("nan")
        print(f"{name:<34} " + " ".join(f"{by_size[size]:10.1f}" for size in sizes) + f" {ratio:6.2f}×")
        if name != "/healthz" and (by_size[last] > 500 or ratio >= 3):
            failed = True
    if not has_dashboard:
        print("(/office/dashboard/ is not a route of this tree: not measured)")
    for size, fact in facts.items():
        print(f"{size:,} attempts: seeded in {fact['seed_s']:.0f} s, kept statistics rebuilt in "
              f"{fact['rebuild_s']:.1f} s")
    print("goals (under 500 ms at the last size, < 3× from the first):", "MISSED" if failed else "met")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
