#!/bin/sh
# Remakes tests/fixtures/reports/{windows,linux}.json from the samples in
# tests/unit/report_sample.h, after an intended change of the writer or of
# the samples. Usage: tests/schema/update-fixtures.sh BUILD_DIR
set -eu
build=${1:?usage: update-fixtures.sh BUILD_DIR}
top=$(cd "$(dirname "$0")/../.." && pwd)
cmake --build "$build" --target render_fixture
"$build/tests/schema/render_fixture" write "$top/tests/fixtures/reports"
/usr/bin/python3 "$top/tests/schema/validate.py" \
    "$top/tests/fixtures/reports/windows.json" "$top/tests/fixtures/reports/linux.json"
