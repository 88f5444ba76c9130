#!/usr/bin/env python3
"""The Pulumi SDK versions the package supports, read from pyproject.toml (``pulumi>=X,<4``).

scripts/pulumi-sdk-range.py oldest               # 3.235.0
scripts/pulumi-sdk-range.py newest-requirement   # pulumi>=3.235.0,<4 (pip picks the newest)
"""

import re
import sys
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def requirement() -> str:
    dependencies = tomllib.loads(PYPROJECT.read_text("utf-8"))["project"]["dependencies"]
    found = [d for d in dependencies if re.match(r"pulumi\s*[><=]", d)]
    if len(found) != 1:
        raise SystemExit(f"pyproject.toml: expected one 'pulumi>=X,<4' dependency, found {found}")
    return str(found[0])


def main() -> int:
    wanted = sys.argv[1] if len(sys.argv) > 1 else ""
    if wanted == "newest-requirement":
        print(requirement())
    elif wanted == "oldest":
        match = re.search(r">=\s*([0-9][0-9.]*)", requirement())
        if not match:
            raise SystemExit(f"pyproject.toml: {requirement()!r} names no oldest version (>=X)")
        print(match.group(1))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
