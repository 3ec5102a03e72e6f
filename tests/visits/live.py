"""A real server for the concurrency tests: gunicorn (several workers × threads) on the test
database, and a tiny cookie-keeping HTTP client (standard library only)."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(database_url: str, instance: Path, *, workers: int = 3, threads: int = 8):
    """Serve the app on the test database, as in production but for plain-HTTP cookies
    (ENV testing); CSRF and the login throttle stay on (it counts failures only)."""
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "config.py").write_text("ENV = 'testing'\n", encoding="utf-8")
    port = free_port()
    env = {**os.environ, "LEARNAPP_INSTANCE_PATH": str(instance), "LEARNAPP_DATABASE_URL": database_url,
           "LEARNAPP_SECRET_KEY": "concurrency-test-key", "LEARNAPP_BASE_URL": f"http://127.0.0.1:{port}"}
    log = (instance / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [GUNICORN, "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{port}",
         "--timeout", "60", "learnapp.wsgi:app"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if Client(port).get("/healthz")[0] == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or server.poll() is not None:
                raise RuntimeError((instance / "gunicorn.log").read_text())
            time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=20)
        log.close()


CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


class Client:
    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Accept-Language": "fr"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            for name, value in response.getheaders():
                if name.lower() == "set-cookie":
                    key, _sep, rest = value.partition("=")
                    self.cookies[key] = rest.split(";", 1)[0]
            return response.status, dict(response.getheaders()), text
        finally:
            connection.close()

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, form: dict):
        return self.request("POST", path, form)

    def csrf(self, path: str) -> str:
        status, _headers, text = self.get(path)
        assert status == 200, (path, status)
        match = CSRF.search(text)
        assert match, f"no CSRF token on {path}"
        return match.group(1) or match.group(2)

    def log_in(self, email: str, password: str) -> None:
        token = self.csrf("/login")
        status, headers, text = self.post("/login", {"email": email, "password": password, "csrf_token": token})
        assert status == 302, (status, text[:300])
