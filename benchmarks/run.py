"""Requests per second and latency of pages, as ratios to /healthz measured in the same run.

    .venv/bin/python benchmarks/run.py                     # home, catalogue, a lesson page
    .venv/bin/python benchmarks/run.py / /courses/ /verify  # pages of your choice
    .venv/bin/python benchmarks/run.py --quiz-submit        # then 30 learners submitting at once
    .venv/bin/python benchmarks/run.py --baseline main      # before (main) and after (this tree)

A scratch instance (temporary folder, `learnapp demo --no-serve`) is served by gunicorn (gthread
workers), loaded with wrk, then removed. wrk exits 0 even when every response failed: its
"Non-2xx or 3xx responses" and socket errors are read and reported, and a page with errors is
marked. Absolute numbers on shared machines swing by a third from minute to minute; the ratio
to /healthz of the same pass holds better, and the median of several passes better still.
"""

from __future__ import annotations

import argparse
import contextlib
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness import ROOT, Scratch, median, request

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


def wrk(base: str, path: str, *, duration: int, connections: int, threads: int, script: Path,
        headers: tuple[str, ...] = (), timeout_s: int | None = None) -> Measure:
    """``headers``: extra request headers, e.g. ``("Cookie: session=…",)`` for a signed-in page;
    ``timeout_s``: wrk's per-request timeout (its default, 2 s, counts slow answers as errors)."""
    extra = [argument for header in headers for argument in ("-H", header)]
    if timeout_s:
        extra += ["--timeout", f"{timeout_s}s"]
    result = subprocess.run([WRK, f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", *extra, "-s",
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


def export_tree(ref: str, folder: Path) -> Path:
    """The project's files at ``ref`` (``git archive``: no worktree, nothing changes in the repository)."""
    tree = folder / "baseline"
    tree.mkdir()
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


def measure_pass(scratch: Scratch, pages: list[str], args, script: Path) -> dict[str, Measure]:
    return {path: wrk(scratch.base, path, duration=args.duration, connections=args.connections,
                      threads=args.threads, script=script) for path in ["/healthz", *pages]}


def report(title: str, passes: list[dict[str, Measure]], pages: list[str]) -> tuple[bool, dict[str, float]]:
    """Print one server's table (medians of the passes); return (failed, median ratio per page)."""
    print(title)
    print(f"{'page':<42} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'× healthz':>10}  errors")
    failed, ratios = False, {}
    for path in ["/healthz", *pages]:
        measures = [one[path] for one in passes]
        errors = sum(m.non_2xx_3xx for m in measures), sum(m.socket_errors for m in measures)
        ratios[path] = median([one[path].rps / one["/healthz"].rps for one in passes])
        mark = "" if not any(m.failed for m in measures) else \
            f"  {errors[0]} non-2xx/3xx, {errors[1]} socket errors  <-- FAILED"
        failed = failed or bool(mark)
        print(f"{path:<42} {median([m.rps for m in measures]):>8.0f} {median([m.p50_ms for m in measures]):>8.1f} "
              f"{median([m.p95_ms for m in measures]):>8.1f} {ratios[path]:>10.2f}{mark or '  none'}")
    return failed, ratios


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
    parser.add_argument("--baseline", metavar="REF",
                        help="also serve the code at git REF (e.g. main) and measure it in the same passes: "
                             "before and after, side by side")
    parser.add_argument("--instance", type=Path, metavar="DIR",
                        help="copy this instance folder (already holding the demo, e.g. kept with --keep) "
                             "instead of loading the demo")
    parser.add_argument("--quiz-submit", action="store_true", help="also run quiz_submit.py against the same server")
    args = parser.parse_args(argv)

    with contextlib.ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        server = dict(workers=args.workers, threads=args.server_threads, keep=args.keep, source=args.instance)
        scratch = stack.enter_context(Scratch(port=args.port, **server))
        servers = {"after (this tree)": scratch}
        if args.baseline:
            before = Scratch(port=scratch.port + 1, root=export_tree(args.baseline, folder), **server)
            servers = {f"before ({args.baseline})": stack.enter_context(before), **servers}
        script = folder / "report.lua"
        script.write_text(LUA)
        pages = args.pages or default_pages(scratch.base)
        for name, one in servers.items():
            for path in ["/healthz", *pages]:  # warm up (and check each page answers)
                status, _, _ = request("GET", one.base + path)
                print(f"  warm-up {name} {path}: HTTP {status}")
                wrk(one.base, path, duration=1, connections=args.connections, threads=args.threads, script=script)
        passes: dict[str, list[dict[str, Measure]]] = {name: [] for name in servers}
        for number in range(1, args.passes + 1):
            for name, one in servers.items():  # the servers alternate within a pass
                passes[name].append(measure_pass(one, pages, args, script))
                print(f"  pass {number}/{args.passes} {name}: "
                      + ", ".join(f"{p} {m.rps:.0f} rps" for p, m in passes[name][-1].items()))

        print()
        print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s, {args.passes} passes (medians); "
              f"gunicorn {scratch.workers} gthread workers x {scratch.threads} threads")
        failed, ratios = False, {}
        for name in servers:
            one_failed, ratios[name] = report(name, passes[name], pages)
            failed = failed or one_failed
            print()
        if len(servers) == 2:
            (before_name, before), (after_name, after) = ratios.items()
            print("× healthz, before → after: " + ", ".join(
                f"{path} {before[path]:.2f} → {after[path]:.2f}" for path in pages))
        print("target (docs: ../shared/DESIGN.md): a lesson page serves at least 1/3 of /healthz's requests per second")

        if args.quiz_submit:
            import quiz_submit

            failed = quiz_submit.run(scratch, learners=30, rounds=3) != 0 or failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
