#!/usr/bin/env python3
"""Golden scenario tests: observations in, expected analysis and summary out.

Each case is a directory holding:
  report.json              the input: a report (its analysis section, if any, is ignored)
  expected-summary.txt     what `odxprobe analyze report.json` prints on stdout
  expected-analysis.json   the "analysis" section of `odxprobe analyze --json report.json`
  expected-exit            the exit code, as a number

Usage:
  run-golden.py ODXPROBE VALIDATE CASE_DIR...   compare (VALIDATE: the schema check script)
  run-golden.py --regen ODXPROBE CASE_DIR...    rewrite the expected files from the output

The JSON is compared as parsed values, so the way cJSON prints numbers does
not matter. Regenerate only with --regen, and read the diff before committing.
"""
import json
import os
import subprocess
import sys
import tempfile


def run(exe, args):
    return subprocess.run([exe] + args, capture_output=True)


def check_case(exe, validate, case):
    report = os.path.join(case, "report.json")
    failures = []
    summary = run(exe, ["analyze", report])
    as_json = run(exe, ["analyze", "--json", report])
    with open(os.path.join(case, "expected-exit")) as f:
        want_exit = int(f.read().strip())
    for name, res in (("summary", summary), ("--json", as_json)):
        if res.returncode != want_exit:
            failures.append(f"{name}: exit {res.returncode}, expected {want_exit}; "
                            f"stderr: {res.stderr.decode(errors='replace').strip()}")
    with open(os.path.join(case, "expected-summary.txt"), "rb") as f:
        want_summary = f.read()
    if summary.stdout != want_summary:
        failures.append("summary differs:\n--- expected\n" + want_summary.decode(errors="replace")
                        + "--- got\n" + summary.stdout.decode(errors="replace"))
    try:
        doc = json.loads(as_json.stdout)
    except ValueError as e:
        failures.append(f"--json output is not JSON: {e}")
        return failures
    with open(os.path.join(case, "expected-analysis.json")) as f:
        want_analysis = json.load(f)
    if doc.get("analysis") != want_analysis:
        failures.append("analysis differs:\n--- expected\n" + json.dumps(want_analysis, indent=1)
                        + "\n--- got\n" + json.dumps(doc.get("analysis"), indent=1))
    # The report analyze writes must itself be valid against the schema.
    with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as tmp:
        tmp.write(as_json.stdout)
    try:
        res = subprocess.run([validate, tmp.name], capture_output=True)
        if res.returncode != 0:
            failures.append("analyze --json output fails the schema: "
                            + res.stdout.decode(errors="replace") + res.stderr.decode(errors="replace"))
    finally:
        os.unlink(tmp.name)
    return failures


def regen(exe, case):
    report = os.path.join(case, "report.json")
    summary = run(exe, ["analyze", report])
    as_json = run(exe, ["analyze", "--json", report])
    if summary.returncode != as_json.returncode:
        raise SystemExit(f"{case}: exit codes differ between summary and --json")
    with open(os.path.join(case, "expected-summary.txt"), "wb") as f:
        f.write(summary.stdout)
    with open(os.path.join(case, "expected-analysis.json"), "w", encoding="utf-8") as f:
        json.dump(json.loads(as_json.stdout)["analysis"], f, indent=2, ensure_ascii=False)
        f.write("\n")
    with open(os.path.join(case, "expected-exit"), "w") as f:
        f.write(f"{summary.returncode}\n")


def main(argv):
    if argv and argv[0] == "--regen":
        exe, cases = argv[1], argv[2:]
        for case in cases:
            regen(exe, case)
        return 0
    exe, validate, cases = argv[0], argv[1], argv[2:]
    bad = 0
    for case in cases:
        for failure in check_case(exe, validate, case):
            print(f"{os.path.basename(case)}: {failure}", file=sys.stderr)
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
