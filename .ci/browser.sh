#!/usr/bin/env bash
# CI: the web workbench's end-to-end tests in a real browser (Debian's chromium driven by Playwright
# for Python). Installs what is missing, builds the binary if needed, runs Tests/browser.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v chromium >/dev/null 2>&1; then
  echo "installing: chromium"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
fi
if ! python3 -c "import playwright" >/dev/null 2>&1; then
  echo "installing: playwright (PyPI; it drives the system chromium, it downloads no browser)"
  python3 -m pip install -q playwright || python3 -m pip install -q --break-system-packages playwright
fi

bin=.build/debug/focuscode
[ -x "$bin" ] || swift build --product focuscode
start=$(date +%s)
python3 Tests/browser/workbench_test.py "$bin"
echo "browser tests took $(( $(date +%s) - start )) s"
