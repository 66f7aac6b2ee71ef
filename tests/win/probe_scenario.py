#!/usr/bin/python3
"""Run the real odxprobe.exe under Wine for one scenario and check its report.

Usage:
  probe_scenario.py [checks] -- WINE-RUN-OPTIONS... ODXPROBE.EXE ODXPROBE-ARGS...

Everything after "--" goes to wine-run.sh (beside this file), which seeds
the registry (--reg), points the fake fltlib.dll at its scenario
(--scenario) and checks that every search handle was closed (--leaks).
odxprobe gets --json added; its report is read from stdout.

Checks (each may repeat):
  --exit N                  odxprobe's exit code
  --verdict LABEL=VERDICT   the result for LABEL ("C:") has this verdict
  --code LABEL=N            and its deciding code is Win32 N
  --blocker LABEL=FILTER    FILTER is among LABEL's blockers
  --flag KIND               a machine-wide or per-result flag of this kind exists
  --error API=HEX           an error record of API with this code value
  --filter NAME             a filter of this name is in the report
  --declared NAME=N         that filter declares SupportedFeatures N
  --filters-listed yes|no
  --min-volumes N / --min-filters N

After the run, no "odxprobe-*" directory may be left in the prefix's
drive_c (the trial's private directory), and `odxprobe.exe analyze` of the
report the probe wrote must give exactly the probe's own analysis. Exit 0
when every check holds, 1 otherwise, 2 on misuse.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def fail(msg):
    print("probe_scenario: FAIL: " + msg, file=sys.stderr)
    return 1


def pairs(values):
    out = []
    for v in values:
        if "=" not in v:
            raise SystemExit("probe_scenario: expected NAME=VALUE, got " + v)
        out.append(tuple(v.split("=", 1)))
    return out


def main(argv):
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index("--")
    opts, run = argv[:cut], argv[cut + 1:]
    checks = {}
    i = 0
    while i < len(opts):
        if i + 1 >= len(opts):
            print("probe_scenario: %s needs a value" % opts[i], file=sys.stderr)
            return 2
        checks.setdefault(opts[i], []).append(opts[i + 1])
        i += 2

    cmd = ["sh", os.path.join(HERE, "wine-run.sh")] + run + ["--json"]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    errors = 0
    err_text = proc.stderr.decode("utf-8", "replace")
    # wine-run.sh passes odxprobe's exit code on; its own failures (leaks) exit 1 with FAIL.
    if "wine-run.sh: FAIL" in err_text:
        sys.stderr.write(err_text)
        errors += fail("wine-run.sh reported a failure")
    for want in checks.get("--exit", []):
        if proc.returncode != int(want):
            sys.stderr.write(err_text)
            errors += fail("exit code %d, expected %s" % (proc.returncode, want))
    try:
        report = json.loads(proc.stdout.decode("utf-8"))
    except ValueError as e:
        sys.stderr.write(err_text)
        return fail("stdout is not a JSON report: %s" % e)

    obs = report["observations"]
    an = report["analysis"]
    results = {r["target"]["label"]: r for r in an["results"]}
    flags = [f["kind"] for f in an["flags"]]
    for r in an["results"]:
        flags += [f["kind"] for f in r["flags"]]
    filters = {f["name"]: f for f in obs["filters"]}

    for label, verdict in pairs(checks.get("--verdict", [])):
        got = results.get(label, {}).get("verdict")
        if got != verdict:
            errors += fail("%s: verdict %s, expected %s" % (label, got, verdict))
    for label, code in pairs(checks.get("--code", [])):
        c = (results.get(label) or {}).get("code") or {}
        if c.get("kind") != "win32" or c.get("value") != int(code):
            errors += fail("%s: code %s, expected Win32 %s" % (label, c, code))
    for label, name in pairs(checks.get("--blocker", [])):
        names = [b["filter"] for b in (results.get(label) or {}).get("blockers", [])]
        if name not in names:
            errors += fail("%s: blockers %s lack %s" % (label, names, name))
    for kind in checks.get("--flag", []):
        if kind not in flags:
            errors += fail("no flag %s among %s" % (kind, sorted(set(flags))))
    for api, code in pairs(checks.get("--error", [])):
        if not any(e["api"] == api and e["code"]["value"] == int(code, 16) for e in obs["errors"]):
            errors += fail("no error record %s %s" % (api, code))
    for name in checks.get("--filter", []):
        if name not in filters:
            errors += fail("filter %s not in the report (%s)" % (name, sorted(filters)))
    for name, value in pairs(checks.get("--declared", [])):
        d = filters.get(name, {}).get("declared", {})
        if d.get("state") != "present" or d.get("value") != int(value):
            errors += fail("%s declares %s, expected %s" % (name, d, value))
    for want in checks.get("--filters-listed", []):
        if obs["filters_listed"] != want:
            errors += fail("filters_listed %s, expected %s" % (obs["filters_listed"], want))
    for n in checks.get("--min-volumes", []):
        if len(obs["volumes"]) < int(n):
            errors += fail("%d volumes, expected at least %s" % (len(obs["volumes"]), n))
    for n in checks.get("--min-filters", []):
        if len(obs["filters"]) < int(n):
            errors += fail("%d filters, expected at least %s" % (len(obs["filters"]), n))

    # Re-analysing the probe's own report gives the same analysis (Wine maps
    # the Unix file system to drive Z:).
    exe = next((a for a in run if a.lower().endswith(".exe")), None)
    if exe:
        with tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False) as tmp:
            tmp.write(proc.stdout)
        try:
            again = subprocess.run(["sh", os.path.join(HERE, "wine-run.sh"), "--", exe, "analyze",
                                    "--json", "Z:" + tmp.name.replace("/", "\\")],
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        finally:
            os.unlink(tmp.name)
        try:
            if json.loads(again.stdout.decode("utf-8"))["analysis"] != an:
                errors += fail("analyze of the probe's report gives another analysis")
        except ValueError:
            sys.stderr.write(again.stderr.decode("utf-8", "replace"))
            errors += fail("analyze of the probe's report failed (exit %d)" % again.returncode)

    prefix = os.environ.get("WINEPREFIX", "")
    left = glob.glob(os.path.join(prefix, "drive_c", "odxprobe-*")) if prefix else []
    if left:
        errors += fail("the trial left %s behind" % left)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
