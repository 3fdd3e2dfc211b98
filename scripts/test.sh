#!/usr/bin/env bash
# The test command (README, .ci/run): bootstrap, then ruff, mypy, unit and integration tests.
# Every step runs even after a failure; any failure makes the exit code non-zero.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || { echo "test.sh: bootstrap failed" >&2; exit 1; }
BIN=.venv/bin
failed=()
step() {
    echo "==> $*" >&2
    "$@" || failed+=("$*")  # pytest's exit 5 (nothing collected) is a failure too
}
step "$BIN/ruff" format --check .
step "$BIN/ruff" check .
step "$BIN/mypy"
step "$BIN/pytest" -q tests/unit
step "$BIN/pytest" -q tests/integration
if [ ${#failed[@]} -gt 0 ]; then
    printf 'test.sh: FAILED: %s\n' "${failed[@]}" >&2
    exit 1
fi
echo "test.sh: all passed" >&2
