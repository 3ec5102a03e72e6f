"""Shared by the benchmarks: a scratch instance served by gunicorn, and a tiny HTTP client.

Not a test: run the benchmarks by hand (see README.md). Standard library only, plus the
project's own virtual environment (gunicorn is a dependency of learnapp).
"""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
LEARNAPP = str(Path(PYTHON).with_name("learnapp"))


def free_port(preferred: int) -> int:
    for port in range(preferred, preferred + 50):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100)."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), int(-(-p * len(ordered) // 100))))
    return ordered[rank - 1]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


class Scratch:
    """A temporary instance (database, secret key, demo content) served by gunicorn."""

    def __init__(self, *, port: int = 8000, workers: int | None = None, threads: int = 4, keep: bool = False,
                 log=print, root: Path = ROOT, source: Path | None = None):
        # ``root``: the source tree to serve (another commit's, for a before/after comparison);
        # its ``learnapp`` package is put first on the path, ahead of the installed one.
        self.root = root
        self.source = source
        self.dir = Path(tempfile.mkdtemp(prefix="learnapp-bench-"))
        self.port = free_port(port)
        self.workers = workers or (os.cpu_count() or 1) * 2
        self.threads = threads
        self.keep = keep
        self.log = log
        self.env = {**os.environ, "LEARNAPP_INSTANCE_PATH": str(self.dir)}
        self.env.pop("LEARNAPP_DATABASE_URL", None)
        if root != ROOT:
            self.env["PYTHONPATH"] = str(root)
        self.server: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def setup(self) -> None:
        self.log(f"scratch instance: {self.dir}")
        if self.source is not None:  # a copy of an instance already holding the demo: no 10-30 s load
            for item in self.source.iterdir():
                if item.is_file():
                    shutil.copy2(item, self.dir / item.name)
            self.log(f"copied {self.source}")
            return
        started = time.perf_counter()
        result = subprocess.run([LEARNAPP, "demo", "--no-serve"], env=self.env, cwd=self.root, capture_output=True,
                                text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"`learnapp demo --no-serve` failed:\n{result.stdout}\n{result.stderr}")
        self.log(f"demo loaded in {time.perf_counter() - started:.1f} s")

    def python(self, code: str, *args: str) -> str:
        """Run Python code against the scratch instance (app context given as ``app``)."""
        prelude = "from learnapp import create_app\napp = create_app()\n"
        result = subprocess.run([PYTHON, "-c", prelude + code, *args], env=self.env, cwd=self.root, capture_output=True,
                                text=True, check=False)
        if result.returncode != 0:
            raise SystemExit(f"setup script failed:\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        log_file = (self.dir / "gunicorn.log").open("w")
        self.server = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "learnapp.wsgi:app", "--bind", f"127.0.0.1:{self.port}",
             "--workers", str(self.workers), "--worker-class", "gthread", "--threads", str(self.threads),
             "--backlog", "2048", "--timeout", "60", "--log-level", "warning"],
            env=self.env, cwd=self.root, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.server.poll() is not None:
                raise SystemExit(f"gunicorn stopped:\n{(self.dir / 'gunicorn.log').read_text()}")
            with contextlib.suppress(OSError):
                status, _, _ = request("GET", self.base + "/healthz")
                if status == 200:
                    self.log(f"gunicorn on {self.base}: {self.workers} gthread workers x {self.threads} threads")
                    return
            time.sleep(0.2)
        raise SystemExit("gunicorn did not answer /healthz within 30 s")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            os.killpg(self.server.pid, signal.SIGTERM)  # the process group we started: master and workers
            try:
                self.server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.server.pid, signal.SIGKILL)
                self.server.wait()
        if self.keep:
            self.log(f"kept {self.dir}")
        else:
            shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Scratch:
        try:
            self.setup()
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


# A tiny HTTP client: one connection per request, cookies kept by hand ------------------------------

def request(method: str, url: str, *, data: dict | list | None = None, cookies: dict | None = None,
            timeout: float = 60.0) -> tuple[int, dict, str]:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    headers = {"Accept": "text/html", "Accept-Language": "fr"}
    body = None
    if cookies:
        headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
    if data is not None:
        body = urlencode(data, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), body=body,
                           headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        if cookies is not None:
            # The app marks its cookies Secure outside development; this client keeps them anyway.
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, dict(response.getheaders()), text
    finally:
        connection.close()


def sign_in(base: str, email: str, password: str) -> dict[str, str]:
    """Sign in through the real login form and follow its redirect, as a browser does; the
    session's cookies, for request() or wrk.

    Following the redirect matters: the sign-in cookie carries the « Vous êtes connecté » message,
    which the next page shows and removes (a new cookie). wrk replays one cookie for ever, so with
    the sign-in cookie itself every measured request would show that message and sign a new
    session cookie, which no browser does after its first page."""
    cookies: dict[str, str] = {}
    _, _, page = request("GET", base + "/login", cookies=cookies)
    status, headers, _ = request("POST", base + "/login", cookies=cookies,
                                 data={"email": email, "password": password, "csrf_token": csrf_token(page)})
    if status != 302:
        raise SystemExit(f"sign-in of {email} failed: HTTP {status}")
    request("GET", urljoin(base + "/login", headers.get("Location", "/")), cookies=cookies)
    return cookies


def csrf_token(page: str) -> str:
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    if not match:
        raise RuntimeError("no CSRF token on the page")
    return match.group(1)


class FormReader(HTMLParser):
    """The fields of the first form whose action matches: what a browser would send."""

    def __init__(self, action_contains: str):
        super().__init__(convert_charrefs=True)
        self.action_contains = action_contains
        self.inside = False
        self.done = False
        self.inputs: list[dict] = []
        self.selects: dict[str, list[str]] = {}
        self.current_select: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form" and not self.done and self.action_contains in (attributes.get("action") or ""):
            self.inside = True
        elif self.inside and tag == "input":
            self.inputs.append(attributes)
        elif self.inside and tag == "select":
            self.current_select = attributes.get("name")
            self.selects[self.current_select] = []
        elif self.inside and tag == "option" and self.current_select:
            self.selects[self.current_select].append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self.current_select = None
        elif tag == "form" and self.inside:
            self.inside, self.done = False, True


def answer_form(page: str, action_contains: str) -> list[tuple[str, str]]:
    """Some answer to every question of a quiz page (the first choice, a number, a place)."""
    reader = FormReader(action_contains)
    reader.feed(page)
    fields: list[tuple[str, str]] = []
    picked: set[str] = set()
    for attributes in reader.inputs:
        name, kind, value = attributes.get("name"), attributes.get("type", "text"), attributes.get("value", "")
        if not name:
            continue
        if kind == "hidden":
            fields.append((name, value))
        elif kind in ("radio", "checkbox"):
            if name not in picked:
                fields.append((name, value))
                picked.add(name)
        elif kind in ("text", "number"):
            fields.append((name, "1"))
    groups: dict[str, list[str]] = {}
    for name in reader.selects:
        groups.setdefault(name.rsplit("-", 1)[0], []).append(name)
    for names in groups.values():
        for place, name in enumerate(names, start=1):
            options = [o for o in reader.selects[name] if o]
            if not options:
                continue
            # An ordering question's selects offer places 1..n: give each a different one.
            wanted = str(place)
            fields.append((name, wanted if wanted in options else options[0]))
    return fields
