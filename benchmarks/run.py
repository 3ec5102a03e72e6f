"""Requests per second and latency of pages, as ratios to /healthz measured in the same run.

    .venv/bin/python benchmarks/run.py                     # home, catalogue, a lesson page
    .venv/bin/python benchmarks/run.py / /courses/ /verify  # pages of your choice
    .venv/bin/python benchmarks/run.py --quiz-submit        # then 30 learners submitting at once

A scratch instance (temporary folder, `learnapp demo --no-serve`) is served by gunicorn (gthread
workers), loaded with wrk, then removed. wrk exits 0 even when every response failed: its
"Non-2xx or 3xx responses" and socket errors are read and reported, and a page with errors is
marked. Absolute numbers on shared machines swing by a third from minute to minute; the ratio
to /healthz of the same pass holds better, and the median of several passes better still.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import Scratch, median, request

WRK = shutil.which("wrk") or "/usr/bin/wrk"
LUA = """
done = function(summary, latency, requests)
  io.write(string.format(
    "LEARNAPP requests=%d duration_us=%d p50_us=%d p95_us=%d p99_us=%d status=%d connect=%d read=%d "
    .. "write=%d timeout=%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    summary.errors.status, summary.errors.connect, summary.errors.read, summary.errors.write,
    summary.errors.timeout))
end
"""
TARGETS = {"ratio_lesson": 1 / 3}


@dataclass
class Measure:
    path: str
    rps: float
    p50_ms: float
    p95_ms: float
    requests: int
    non_2xx_3xx: int
    socket_errors: int

    @property
    def failed(self) -> bool:
        return self.non_2xx_3xx > 0 or self.socket_errors > 0 or self.requests == 0


def wrk(base: str, path: str, *, duration: int, connections: int, threads: int, script: Path) -> Measure:
    result = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", "-s",
                             str(script), base + path], capture_output=True, text=True, check=False)
    output = result.stdout + result.stderr
    found = re.search(r"LEARNAPP (.+)", output)
    if result.returncode != 0 or not found:
        raise SystemExit(f"wrk failed on {path}:\n{output}")
    values = dict(pair.split("=") for pair in found.group(1).split())
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    non_ok = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    socket_errors = sum(int(values[k]) for k in ("connect", "read", "write", "timeout"))
    return Measure(path=path, rps=float(rps.group(1)) if rps else 0.0, p50_ms=int(values["p50_us"]) / 1000,
                   p95_ms=int(values["p95_us"]) / 1000, requests=int(values["requests"]),
                   non_2xx_3xx=int(non_ok.group(1)) if non_ok else int(values["status"]),
                   socket_errors=socket_errors)


def default_pages(base: str) -> list[str]:
    """The home page, the catalogue and the first lesson of the first course."""
    pages = ["/", "/courses/"]
    _, _, catalogue = request("GET", base + "/courses/")
    course = re.search(r'href="(/courses/[a-z0-9-]+)"', catalogue)
    if course:
        _, _, course_page = request("GET", base + course.group(1))
        lesson = re.search(rf'href="({re.escape(course.group(1))}/[a-z0-9-]+)"', course_page)
        if lesson:
            pages.append(lesson.group(1))
    return pages


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", help="paths to load (default: /, /courses/, a lesson page)")
    parser.add_argument("--duration", type=int, default=8, help="seconds per measurement (default 8)")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (default 16)")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (default 2)")
    parser.add_argument("--passes", type=int, default=3, help="passes; medians are reported (default 3)")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: 2 per core)")
    parser.add_argument("--server-threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch instance folder")
    parser.add_argument("--quiz-submit", action="store_true", help="also run quiz_submit.py against the same server")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder, \
            Scratch(port=args.port, workers=args.workers, threads=args.server_threads, keep=args.keep) as scratch:
        script = Path(folder) / "report.lua"
        script.write_text(LUA)
        pages = args.pages or default_pages(scratch.base)
        paths = ["/healthz", *pages]
        for path in paths:  # warm up (and check each page answers)
            status, _, _ = request("GET", scratch.base + path)
            print(f"  warm-up {path}: HTTP {status}")
            wrk(scratch.base, path, duration=1, connections=args.connections, threads=args.threads, script=script)
        runs: dict[str, list[Measure]] = {path: [] for path in paths}
        ratios: dict[str, list[float]] = {path: [] for path in pages}
        for number in range(1, args.passes + 1):
            pass_results = {}
            for path in paths:
                pass_results[path] = wrk(scratch.base, path, duration=args.duration, connections=args.connections,
                                         threads=args.threads, script=script)
                runs[path].append(pass_results[path])
            for path in pages:
                ratios[path].append(pass_results[path].rps / pass_results["/healthz"].rps)
            print(f"  pass {number}/{args.passes}: "
                  + ", ".join(f"{p} {m.rps:.0f} rps" for p, m in pass_results.items()))

        print()
        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.passes} passes (medians); "
              f"gunicorn {scratch.workers} gthread workers x {scratch.threads} threads")
        print(f"{'page':<42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'× healthz':>10}  errors")
        failed = False
        for path in paths:
            measures = runs[path]
            errors = sum(m.non_2xx_3xx for m in measures), sum(m.socket_errors for m in measures)
            ratio = "1.00" if path == "/healthz" else f"{median(ratios[path]):.2f}"
            mark = "" if not any(m.failed for m in measures) else \
                f"  {errors[0]} non-2xx/3xx, {errors[1]} socket errors  <-- FAILED"
            failed = failed or bool(mark)
            print(f"{path:<42} {median([m.rps for m in measures]):>8.0f} {median([m.p50_ms for m in measures]):>8.1f} "
                  f"{median([m.p95_ms for m in measures]):>8.1f} {ratio:>10}{mark or '  none'}")
        print("target (docs: ../shared/DESIGN.md): a lesson page serves at least 1/3 of /healthz's requests per second")

        if args.quiz_submit:
            import quiz_submit

            failed = quiz_submit.run(scratch, learners=30, rounds=3) != 0 or failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
