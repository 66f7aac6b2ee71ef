#!/bin/sh
# Compares reading a generated report with odx_report_parse against
# cJSON_ParseWithLength alone: processor time and peak RSS of each.
# Usage: tests/perf/bench-report.sh BUILD_DIR [VOLUMES [INSTANCES]]
# The rule (docs/report-format.md): parse <= 2x cJSON in time and memory.
set -eu
build=${1:?usage: bench-report.sh BUILD_DIR [VOLUMES [INSTANCES]]}
volumes=${2:-10000}
instances=${3:-24}
bench="$build/tests/perf/bench_report"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$bench" generate "$volumes" "$instances" "$dir/report.json"
printf 'report: %s volumes x %s instances, %s bytes\n' "$volumes" "$instances" \
    "$(wc -c <"$dir/report.json")"
for mode in cjson parse; do
    /usr/bin/time -f "$mode: peak RSS %M KiB, %U s user, %e s elapsed" \
        "$bench" "$mode" "$dir/report.json" 2>&1 | grep -v '^volumes'
done
