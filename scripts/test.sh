#!/usr/bin/env bash
# The test command: set up, then lint (ruff), type-check (mypy --strict on the package),
# and run every test, including the ones that drive the real Pulumi engine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck source=/dev/null
source scripts/env.sh
export PULUMI_SCPVS_PULUMI_BIN="$(cat .scpvs/pulumi-bin)"
echo "== ruff" && ruff check . && ruff format --check .
echo "== mypy" && mypy
echo "== import-linter" && lint-imports --no-cache
echo "== pytest" && pytest -q -p no:cacheprovider "$@"
