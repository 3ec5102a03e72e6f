"""Print the command of one fenced block of README.md, the one right after `<!-- ci:NAME -->`.

CI runs the README's own commands (not a hand copy), so the two cannot drift. A block must be
one command line (chain steps with `&&`): run with `bash -c`, its status is then the status of
the whole chain, so no failing step can be passed over. Exits non-zero, saying why, when the
marker, its block or that single line is missing.

    python3 .ci/readme_block.py tests [README.md]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def readme_block(text: str, name: str) -> str:
    pattern = re.compile(rf"<!-- ci:{re.escape(name)} -->\s*\n```(?:sh|bash)?\n(.*?)\n```", re.DOTALL)
    match = pattern.search(text)
    if not match:
        raise ValueError(f"README.md has no fenced block right after <!-- ci:{name} -->")
    lines = [line for line in match.group(1).splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if len(lines) != 1:
        raise ValueError(f"the README block ci:{name} must be one command line, not {len(lines)}")
    return lines[0].strip()


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    path = Path(argv[2]) if len(argv) == 3 else README
    try:
        print(readme_block(path.read_text(encoding="utf-8"), argv[1]))
    except (OSError, ValueError) as error:
        print(f"readme_block: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
