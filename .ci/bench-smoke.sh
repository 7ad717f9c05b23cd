#!/usr/bin/env bash
# CI: run every focuscode-bench subcommand at a tiny size, so a benchmark that no longer runs on
# today's schema fails the build. Uses the debug build `swift test` made (figures here mean
# nothing; Docs/benchmarks.md comes from a quiet release run). About 20 s.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product focuscode-bench >/dev/null
swift build --product focuscode >/dev/null
bin=$(swift build --show-bin-path)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
run() {
  echo "bench smoke: focuscode-bench $*"
  "$bin/focuscode-bench" "$@" --work "$work/$1" >"$work/$1.log" 2>&1 || { cat "$work/$1.log"; echo "bench smoke FAILED: $1"; exit 1; }
}
run import --turns 200
run anonymise --turns 200
run themes --excerpts 300 --codings 900 --groups 3 --runs 1
run codings --excerpts 300 --codings 900
run agreement --units 100 --coders 3 --codes 4
run suggest --turns 500
# A subcommand the switch does not know must fail (so a new one is added here too).
if "$bin/focuscode-bench" no-such-bench >/dev/null 2>&1; then echo "bench smoke: unknown subcommand accepted"; exit 1; fi
echo "bench smoke: all 6 subcommands ran"
