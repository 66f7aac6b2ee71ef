#!/bin/sh
# Fuzzes the report reader with libFuzzer (clang), seeded from the report
# corpus, the golden reports and the schema's invalid reports.
# Usage: tests/fuzz/fuzz-report.sh [SECONDS [libFuzzer options...]]
# New inputs go to a scratch corpus; copy the interesting ones (a crash
# once fixed) to tests/fuzz/corpus/report/.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-300}
[ $# -gt 0 ] && shift
out=${ODX_FUZZ_DIR:-$top/build-fuzz}
mkdir -p "$out/report-corpus"
clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
    -DODX_VERSION='"fuzz"' -I"$top/include" -I"$top/src/core" \
    "$top"/src/core/*.c "$top/tests/fuzz/fuzz_report.c" -lcjson -o "$out/fuzz_report"
"$out/fuzz_report" -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -dict="$top/tests/fuzz/report.dict" "$@" \
    "$out/report-corpus" "$top/tests/fuzz/corpus/report" "$top/tests/fixtures/reports" \
    "$top/tests/schema/invalid"
