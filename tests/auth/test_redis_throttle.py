"""The production throttle store (issue 8.9): two app processes share one account's failure count
through a real Redis server (Debian's redis-server), started and stopped by this module."""

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
ROOT = Path(__file__).resolve().parent.parent.parent

pytestmark = pytest.mark.skipif(
    not Path(REDIS_SERVER).exists(),
    reason="redis-server is not installed (apt-get install redis-server; CI installs it)")

# One app process: a few failed sign-ins through the real login route, then what the shared
# store says. Its settings come from the environment, as in production.
PROCESS = """
import json, os, sys
from learnapp import create_app
from learnapp.auth import throttle
app = create_app({"TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "k",
                  "DATABASE_URL": os.environ["DB"], "INSTANCE_PATH": os.environ["INSTANCE"],
                  "RATELIMIT_STORAGE_URI": os.environ["STORE"], "LOGIN_ADDRESS_CEILING": 6})
email, tries = sys.argv[1], int(sys.argv[2])
client = app.test_client()
statuses = [client.post("/login", data={"email": email, "password": "wrong guess!"},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code for _ in range(tries)]
with app.app_context():
    print(json.dumps({"pid": os.getpid(), "statuses": statuses,
                      "failures": throttle.failures(email, "192.0.2.7")}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    pytest.importorskip("redis", reason="the redis extra is not installed (pip install -e '.[redis]')")
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    server = subprocess.Popen([REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1",
                               "--save", "", "--appendonly", "no", "--dir", str(folder)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import redis

    client = redis.Redis(host="127.0.0.1", port=port)
    for _ in range(100):
        try:
            client.ping()
            break
        except redis.ConnectionError:
            time.sleep(0.05)
    else:
        server.terminate()
        pytest.fail("redis-server did not start")
    yield f"redis://127.0.0.1:{port}"
    client.close()
    server.terminate()
    server.wait(timeout=10)


def run_app_process(redis_url, database_url, instance, email, tries):
    env = {**os.environ, "STORE": redis_url, "DB": database_url, "INSTANCE": str(instance),
           "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", PROCESS, email, str(tries)], env=env, cwd=ROOT,
                          capture_output=True, text=True, timeout=120, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_two_app_processes_share_one_accounts_failure_count(redis_url, migrated, instance_dir):
    email = "shared@example.org"
    first = run_app_process(redis_url, migrated, instance_dir, email, 3)
    second = run_app_process(redis_url, migrated, instance_dir, email, 3)
    assert first["pid"] != second["pid"]
    assert first["failures"]["account"] == 3
    assert second["failures"]["account"] == 6 and second["failures"]["pair"] == 6
    assert first["statuses"] == second["statuses"] == [401, 401, 401]
    # Six failures in all reach this address's ceiling (6 here): a third process refuses at once.
    third = run_app_process(redis_url, migrated, instance_dir, email, 1)
    assert third["statuses"] == [429]
