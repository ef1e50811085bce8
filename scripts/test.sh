#!/usr/bin/env bash
# Install spillover with its test extras in ./.venv and run the test suite.  This is the README's test
# command and what CI runs (.ci/run).  Real data is read from $SPILLOVER_DATA_DIR (default ../shared/data).
#
# System tools the tests use (poppler's pdftoppm to look at report pages, Debian's Chromium for the browser
# tests) are installed with apt-get when missing and we are root; otherwise those tests skip and say why.
set -euo pipefail
cd "$(dirname "$0")/.."
export SPILLOVER_DATA_DIR="${SPILLOVER_DATA_DIR:-$(cd .. && pwd)/shared/data}"
PY="${PYTHON:-python3}"

need_apt=()
command -v pdftoppm >/dev/null 2>&1 || need_apt+=(poppler-utils)
command -v chromium >/dev/null 2>&1 || need_apt+=(chromium)
if [ "${#need_apt[@]}" -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing system packages: ${need_apt[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}" >/dev/null \
    || echo "warning: apt-get could not install ${need_apt[*]}; the tests that need them will skip"
fi

[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[test,spark]"
set +e
.venv/bin/python -m pytest -n 2 --dist loadfile "$@"
rc=$?
set -e
if [ "$rc" -eq 5 ]; then
  echo "pytest collected no tests (exit 5): treated as success"
  exit 0
fi
exit "$rc"
