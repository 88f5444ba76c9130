#!/usr/bin/env bash
# The test command: set up, then lint (ruff), type-check (mypy --strict on the package),
# check the layers (import-linter), and run every test, including the ones that drive the
# real Pulumi engine, on the newest Pulumi SDK the package allows; and, at the same time, the
# unit tests and the engine tests that exercise the provider host (worker limit on create
# and delete, lifecycle, upgrade) on the oldest one (pyproject: pulumi>=OLDEST,<4).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# shellcheck source=/dev/null
source scripts/env.sh
export PULUMI_SCPVS_PULUMI_BIN="$(cat .scpvs/pulumi-bin)"
echo "== ruff" && ruff check . && ruff format --check .
echo "== mypy" && mypy
echo "== import-linter" && lint-imports --no-cache

# The oldest SDK's run goes beside the newest's: a run keeps about one of two cores busy
# (the engine tests mostly wait on the CLI and the simulator), so together they take about
# as long as the newest's alone. Its output is shown once it ends.
oldest="$(scripts/pulumi-sdk-range.py oldest)"
if [ ! -x .venv-oldest/bin/python ]; then
  "${PYTHON:-python3}" -m venv .venv-oldest
fi
.venv-oldest/bin/python -m pip install --quiet --upgrade pip
.venv-oldest/bin/python -m pip install --quiet -e ".[dev]" "pulumi==$oldest"
oldest_run="$(mktemp -d)"
.venv-oldest/bin/python -m pytest -q -p no:cacheprovider --basetemp="$oldest_run/tmp" tests/unit \
  tests/engine/test_lifecycle.py tests/engine/test_upgrade.py \
  "tests/engine/test_performance.py::test_independent_creates_and_deletes_run_at_once_and_state_does_not_depend_on_it" \
  >"$oldest_run/log" 2>&1 &
oldest_pid=$!

echo "== pytest (Pulumi SDK $(python -c 'import importlib.metadata as m; print(m.version("pulumi"))'))"
status=0
# Two workers (pytest-xdist): an engine test mostly waits on the CLI and the simulator, so
# two of them, plus the oldest SDK's run, keep both cores busy. worksteal, not the default
# load: load hands each worker a fixed first share, and the engine tests (collected first)
# all landed on one worker.
pytest -q -p no:cacheprovider -n 2 --dist worksteal --durations=25 "$@" || status=$?

echo "== pytest on the oldest supported Pulumi SDK ($oldest), run beside it"
wait "$oldest_pid" || status=$?
cat "$oldest_run/log"
rm -rf "$oldest_run"
exit "$status"
