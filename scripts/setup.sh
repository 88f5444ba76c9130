#!/usr/bin/env bash
# Sets up a development environment: .venv with the package (editable) and its dev tools,
# plus the pinned Pulumi CLI (scripts/install-pulumi.sh). Safe to run again.
# Prints nothing but progress; source scripts/env.sh afterwards to use `pulumi` by hand.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON="${PYTHON:-python3}"
"$PYTHON" - <<'PY' || { echo "setup: Python 3.11 or newer is required (set PYTHON=...)" >&2; exit 1; }
import sys
sys.exit(0 if sys.version_info >= (3, 11) else 1)
PY

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv" >&2
  "$PYTHON" -m venv .venv
fi
echo "setup: installing pulumi-scpvs and its development tools" >&2
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
# The newest Pulumi SDK the package allows (pyproject: pulumi>=OLDEST,<4), even in an
# existing environment: the main test run is the newest SDK's, scripts/test.sh adds the oldest.
.venv/bin/python -m pip install --quiet --upgrade "$(scripts/pulumi-sdk-range.py newest-requirement)"
# Every `pulumi` command imports the package in two Python processes (the program's and the
# provider's). An editable install leaves its modules uncompiled, and where
# PYTHONDONTWRITEBYTECODE is set (as on many CI runners) each process compiles them again:
# about a tenth of a second each. Compile them once here.
.venv/bin/python -m compileall -q pulumi_scpvs

echo "setup: installing the Pulumi CLI (cached after the first build)" >&2
started=$(date +%s)
PULUMI_BIN="$(scripts/install-pulumi.sh)"
echo "setup: Pulumi CLI ready in $PULUMI_BIN ($(( $(date +%s) - started )) s)" >&2
mkdir -p .scpvs
echo "$PULUMI_BIN" > .scpvs/pulumi-bin
