#!/usr/bin/env bash
# The test command: set up, then lint (ruff), type-check (mypy --strict on the package),
# check the layers (import-linter), and run every test, including the ones that drive the
# real Pulumi engine, on the newest Pulumi SDK the package allows; then run the unit tests
# and the engine tests that exercise the provider host (worker limit on create and delete,
# lifecycle, upgrade) on the oldest one (pyproject: pulumi>=OLDEST,<4).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck source=/dev/null
source scripts/env.sh
export PULUMI_SCPVS_PULUMI_BIN="$(cat .scpvs/pulumi-bin)"
echo "== ruff" && ruff check . && ruff format --check .
echo "== mypy" && mypy
echo "== import-linter" && lint-imports --no-cache
echo "== pytest (Pulumi SDK $(python -c 'import importlib.metadata as m; print(m.version("pulumi"))'))"
pytest -q -p no:cacheprovider --durations=25 "$@"

oldest="$(scripts/pulumi-sdk-range.py oldest)"
echo "== pytest on the oldest supported Pulumi SDK ($oldest)"
if [ ! -x .venv-oldest/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv-oldest
fi
.venv-oldest/bin/python -m pip install --quiet --upgrade pip
.venv-oldest/bin/python -m pip install --quiet -e ".[dev]" "pulumi==$oldest"
.venv-oldest/bin/python -m pytest -q -p no:cacheprovider tests/unit \
  tests/engine/test_lifecycle.py tests/engine/test_upgrade.py \
  "tests/engine/test_performance.py::test_independent_creates_and_deletes_run_at_once_and_state_does_not_depend_on_it"
