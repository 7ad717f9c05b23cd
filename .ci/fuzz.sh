#!/usr/bin/env bash
# CI: build the libFuzzer targets and run each briefly, so a reader that traps again fails the build.
# FUZZ_SECONDS (default 30) per target; 16 targets. Fails when any target finds something.
set -euo pipefail
cd "$(dirname "$0")/.."
Fuzz/run.sh "${FUZZ_SECONDS:-30}"
