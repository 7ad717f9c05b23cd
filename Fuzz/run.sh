#!/usr/bin/env bash
# Builds the libFuzzer targets (address sanitizer on) and runs each for a while.
#   Fuzz/run.sh [seconds-per-target] [Target ...]     e.g. Fuzz/run.sh 600, Fuzz/run.sh 30 Docx REFIqdpx
# Seeds: Fuzz/Corpus/<Target>/ (committed, read only). Inputs libFuzzer finds are kept in
# Fuzz/.build-fuzz/corpus/<Target>/, crashes and hangs in Fuzz/.build-fuzz/findings/<Target>/.
# Exits 1 when any target found a crash, a hang, a leak or an uncategorised error; 130 when interrupted (Ctrl-C).
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
all=(PlainText Markdown Docx WebVTT SRT TranscriptCSV ParticipantsCSV CodebookYAML CodebookJSON CodebookCSV
     CodebookMarkdown CodingsCSV AgreementCSV REFIqde REFIqdpx REFIqdc)
if [ $# -gt 0 ]; then targets=("$@"); else targets=("${all[@]}"); fi

flags=(-c debug -Xswiftc -sanitize=fuzzer,address --build-path .build-fuzz)
swift build "${flags[@]}" || { echo "fuzz build failed"; exit 2; }
bin=$(swift build "${flags[@]}" --show-bin-path)

failed=0
summary=()
for t in "${targets[@]}"; do
  work=.build-fuzz/corpus/$t
  findings=.build-fuzz/findings/$t
  mkdir -p "$work" "$findings"
  log=.build-fuzz/$t.log
  # Leak detection is off: one project per process stays open on purpose, and Foundation keeps caches.
  ASAN_OPTIONS=detect_leaks=0 "$bin/Fuzz$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=16384 \
    -print_final_stats=1 -artifact_prefix="$findings/" "$work" "Corpus/$t" >"$log" 2>&1
  status=$?
  runs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}' | tail -n 1)
  if [ $status -eq 0 ]; then
    summary+=("$t: ${runs:-?} runs in ${seconds}s, nothing found")
  elif [ $status -eq 72 ] && [ -z "$(ls -A "$findings")" ]; then
    # 72 is libFuzzer's exit code when it is interrupted (Ctrl-C, SIGINT): stopped early, not a finding.
    summary+=("$t: interrupted after ${runs:-?} runs, nothing found")
    printf '%s\n' "${summary[@]}"
    exit 130
  else
    failed=1
    summary+=("$t: FOUND a problem after ${runs:-?} runs (exit $status): see $log and $findings/")
    grep -E 'ERROR|Fatal error|SUMMARY|deadly signal|timeout' "$log" | head -n 5
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
