"""30 learners submitting a quiz at once, against /healthz under the same concurrency.

    .venv/bin/python benchmarks/quiz_submit.py [--learners 30] [--rounds 3]

A scratch instance (demo content) is served by gunicorn. The learners are created and have
finished the course; each signs in over HTTP, opens an attempt at tier 1, answers every question
and saves (so 30 attempts are open with answers saved). Then all of them send "submit" at the
same moment (threads released together, one real HTTP request each), and the latency of each
submission is recorded. The same number of threads then hit /healthz at once, several times.
Printed: p50/p95/max of both and the ratio of the p95s (target from ../shared/DESIGN.md: < 10).
Each round after the first opens new attempts (tier 1 has no cooldown; random answers fail it).
"""

from __future__ import annotations

import argparse
import re
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from harness import Scratch, answer_form, csrf_token, median, percentile, request

COURSE = "granville-terre-et-mer"
PASSWORD = "bench horse battery staple"  # noqa: S105 (scratch accounts, deleted with the instance)
TARGET_RATIO = 10

MAKE_LEARNERS = """
import sys
from sqlalchemy import select
from learnapp.auth import services as accounts
from learnapp.courses import progress, lesson_versions
from learnapp.courses.models import Course
from learnapp.db import utcnow
from learnapp.extensions import db
count, password, slug = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with app.app_context():
    now = utcnow()
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    for n in range(count):
        email = f"bench-{n:03d}@bench.example.org"
        user = accounts.create_user(display_name=f"Bench {n}", email=email, password=password,
                                    birth_year=now.year - 30, now=now)
        for lesson in course.lessons:
            texts = lesson_versions.current_versions(lesson)
            if "adult" in texts:
                progress.mark_done(user, lesson, texts["adult"], now)
        print(email)
    db.session.commit()
"""

CHECK_ATTEMPTS = """
from sqlalchemy import func, select
from learnapp.auth.models import User
from learnapp.extensions import db
from learnapp.quizzes.models import AttemptItem, QuizAttempt
with app.app_context():
    mine = select(User.id).where(User.email.like("bench-%@bench.example.org"))
    def count(*where):
        return db.session.scalar(select(func.count()).select_from(QuizAttempt).where(QuizAttempt.user_id.in_(mine),
                                                                                        *where))
    items = select(func.count(AttemptItem.id), func.count(AttemptItem.answer)).join(QuizAttempt).where(
        QuizAttempt.user_id.in_(mine))
    answered = db.session.execute(items).one()
    print(count(QuizAttempt.status == "submitted"), count(QuizAttempt.status == "open"), answered[1], answered[0])
"""


@dataclass
class Learner:
    email: str
    cookies: dict = field(default_factory=dict)
    attempt_path: str = ""
    fields: list = field(default_factory=list)


def sign_in(base: str, learner: Learner) -> None:
    _, _, page = request("GET", base + "/login", cookies=learner.cookies)
    status, _, body = request("POST", base + "/login", cookies=learner.cookies,
                              data={"csrf_token": csrf_token(page), "email": learner.email, "password": PASSWORD})
    if status != 302:
        raise SystemExit(f"{learner.email}: sign-in failed (HTTP {status})\n{body[:500]}")


def open_attempt(base: str, learner: Learner) -> bool:
    """Open an attempt at tier 1, answer every question and save. False: the tier is passed."""
    tier = f"/quizzes/courses/{COURSE}/tiers/1"
    _, _, page = request("GET", base + tier, cookies=learner.cookies)
    status, headers, body = request("POST", base + tier + "/start", cookies=learner.cookies,
                                    data={"csrf_token": csrf_token(page), "mode": "all"})
    location = headers.get("Location", "")
    if status != 303 or "/attempts/" not in location:
        if status in (403, 409):
            return False
        raise SystemExit(f"{learner.email}: cannot start (HTTP {status}) {body[:300]}")
    learner.attempt_path = re.sub(r"^https?://[^/]+", "", location).split("?")[0]
    _, _, page = request("GET", base + learner.attempt_path, cookies=learner.cookies)
    learner.fields = answer_form(page, learner.attempt_path)
    status, _, body = request("POST", base + learner.attempt_path, cookies=learner.cookies,
                              data=[*learner.fields, ("action", "save")])
    if status != 303:
        raise SystemExit(f"{learner.email}: saving answers failed (HTTP {status})\n{body[:500]}")
    return True


def burst(count: int, send) -> list[tuple[float, int]]:
    """``count`` threads released together, each sending one request: (seconds, status) each."""
    barrier = threading.Barrier(count)
    results: list[tuple[float, int]] = [(0.0, 0)] * count

    def one(index: int) -> None:
        barrier.wait()
        started = time.perf_counter()
        try:
            status = send(index)
        except OSError:
            status = 0
        results[index] = (time.perf_counter() - started, status)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def submitter(base: str, ready: list[Learner]):
    def send(index: int) -> int:
        person = ready[index]
        return request("POST", base + person.attempt_path, cookies=person.cookies,
                       data=[*person.fields, ("action", "submit")])[0]

    return send


def report(name: str, samples: list[tuple[float, int]], ok: set[int]) -> float:
    times = [seconds * 1000 for seconds, _ in samples]
    errors = sum(1 for _, status in samples if status not in ok)
    p95 = percentile(times, 95)
    print(f"{name:<34} {len(samples):>5} {median(times):>8.1f} {p95:>8.1f} {max(times):>8.1f}   "
          f"{errors} error(s)" + ("  <-- FAILED" if errors else ""))
    return p95


def run(scratch: Scratch, *, learners: int = 30, rounds: int = 3, healthz_rounds: int = 10) -> int:
    print(f"\n30 learners submitting at once: creating {learners} learners who finished the course …")
    emails = scratch.python(MAKE_LEARNERS, str(learners), PASSWORD, COURSE).split()
    people = [Learner(email) for email in emails]
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda person: sign_in(scratch.base, person), people))
    submissions: list[tuple[float, int]] = []
    healthz: list[tuple[float, int]] = []
    base = scratch.base
    for number in range(1, rounds + 1):
        with ThreadPoolExecutor(max_workers=4) as pool:
            ready = [p for p, opened in zip(people, pool.map(lambda p: open_attempt(base, p), people), strict=True)
                     if opened]
        for _ in range(healthz_rounds // 2):
            healthz += burst(len(ready), lambda i: request("GET", base + "/healthz")[0])
        submissions += burst(len(ready), submitter(base, ready))
        for _ in range(healthz_rounds - healthz_rounds // 2):
            healthz += burst(len(ready), lambda i: request("GET", base + "/healthz")[0])
        print(f"  round {number}/{rounds}: {len(ready)} open attempts with answers saved, submitted at once")
    counts = scratch.python(CHECK_ATTEMPTS).split()
    print(f"  in the database: {counts[0]} attempts submitted by the benchmark's learners, {counts[1]} still open, "
          f"{counts[2]} of their {counts[3]} answers saved")
    print(f"\n{'requests (all sent at once)':<34} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
    p95_submit = report(f"submit a quiz ({learners} at once)", submissions, {302, 303})
    p95_health = report(f"/healthz ({learners} at once)", healthz, {200})
    ratio = p95_submit / p95_health if p95_health else float("inf")
    verdict = "OK" if ratio < TARGET_RATIO else "ABOVE TARGET"
    print(f"p95 ratio submit / healthz: {ratio:.1f}  (target < {TARGET_RATIO}: {verdict})")
    failed = any(status not in (302, 303) for _, status in submissions) or \
        any(status != 200 for _, status in healthz)
    return 1 if failed or ratio >= TARGET_RATIO else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3, help="submission bursts (default 3)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2 per core)")
    parser.add_argument("--server-threads", type=int, default=4)
    parser.add_argument("--keep", action="store_true", help="keep the scratch instance folder")
    args = parser.parse_args(argv)
    with Scratch(port=args.port, workers=args.workers, threads=args.server_threads, keep=args.keep) as scratch:
        return run(scratch, learners=args.learners, rounds=args.rounds)


if __name__ == "__main__":
    sys.exit(main())
