#!/usr/bin/env bash
# Install spillover in ./.venv, load the event datasets, and write the assessment of a group (default: AQIM)
# into reports/ (HTML, PDF and JSON).
# Data come from the local mirror named by $SPILLOVER_DATA_DIR (default ../shared/data), hash-checked; the
# store is $SPILLOVER_STORE (default out/spillover.duckdb) and the report folder $SPILLOVER_REPORTS.
# Writes ./spillover.toml (unless there is one) naming the store and the data folder, so that later commands
# run here (e.g. `.venv/bin/spillover profile AQIM`) find the quick start's store.
set -euo pipefail
cd "$(dirname "$0")/.."
export SPILLOVER_DATA_DIR="${SPILLOVER_DATA_DIR:-$(cd .. && pwd)/shared/data}"
export SPILLOVER_STORE="${SPILLOVER_STORE:-$PWD/out/spillover.duckdb}"
REPORTS="${SPILLOVER_REPORTS:-reports}"
GROUP="${1:-AQIM}"
PY="${PYTHON:-python3}"
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
if [ ! -e spillover.toml ]; then
  printf 'store = "%s"\ndata_dir = "%s"\n' "$SPILLOVER_STORE" "$SPILLOVER_DATA_DIR" > spillover.toml
  echo "wrote spillover.toml (store $SPILLOVER_STORE)"
fi
.venv/bin/spillover data fetch --all-events
.venv/bin/spillover assess "$GROUP" --out "$REPORTS"
