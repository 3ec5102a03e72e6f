"""CI runs the README's own set-up commands (.ci/readme_block.py reads them): they must be there,
one command line each, and a README without them must make CI fail rather than run nothing."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent.parent
READ_BLOCK = ROOT / ".ci" / "readme_block.py"


def read_block(name: str, readme: Path = ROOT / "README.md") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(READ_BLOCK), name, str(readme)],
                          capture_output=True, text=True, timeout=30)


@pytest.mark.parametrize("name, runs", [
    ("demo", ".venv/bin/learnapp demo"),
    ("tests", ".venv/bin/python -m pytest"),
    ("postgres", "bash tests/with-postgres.sh .venv/bin/python -m pytest"),
])
def test_the_readme_holds_each_command_ci_runs(name, runs):
    result = read_block(name)
    assert result.returncode == 0, result.stderr
    command = result.stdout.strip()
    assert runs in command and "\n" not in command


def test_a_readme_without_the_block_fails_ci(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text("# learnapp\n\n```sh\n.venv/bin/python -m pytest\n```\n", encoding="utf-8")
    result = read_block("tests", readme)
    assert result.returncode != 0 and result.stdout == ""
    assert "no fenced block right after <!-- ci:tests -->" in result.stderr


def test_a_block_of_several_lines_is_refused(tmp_path):
    # Run by `bash -c`, a failing first line would be passed over: CI wants one `&&` chain.
    readme = tmp_path / "README.md"
    readme.write_text("<!-- ci:tests -->\n```sh\nfalse\n.venv/bin/python -m pytest\n```\n", encoding="utf-8")
    result = read_block("tests", readme)
    assert result.returncode != 0 and "one command line" in result.stderr


def test_ci_runs_every_step_on_its_own_line():
    # Under `set -e` a failure inside `a && b` does not stop the script: CI has no such chain.
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "set -euo pipefail" in script
    steps = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert not [line for line in steps if "&&" in line or "||" in line]
    for name in ("demo", "tests", "postgres"):
        assert f"readme_block.py {name})" in script
