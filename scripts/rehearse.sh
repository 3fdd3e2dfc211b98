#!/usr/bin/env bash
# The main job (README): bootstrap the machine, then run a rehearsal with the given arguments,
# e.g. `bash scripts/rehearse.sh --scenario scenarios/flash_sale.yaml`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/python run.py rehearse "$@"
