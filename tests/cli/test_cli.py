#!/usr/bin/env python3
"""The odxprobe command as users meet it: exit codes, error lines, -o and --json.

Usage: test_cli.py ODXPROBE TESTS_DIR

Every documented exit code is produced here by a real invocation; every bad
input gives one line on stderr starting "odxprobe: error:" and exit 3, and
never a crash; -o never replaces a file and never leaves a partial one.
"""
import json
import os
import subprocess
import sys
import tempfile

EXIT_OK, EXIT_BLOCKERS, EXIT_INCOMPLETE, EXIT_USAGE = 0, 1, 2, 3
failures = []


def run(exe, *args, stdin=None, stdout=subprocess.PIPE):
    return subprocess.run([exe, *args], stdout=stdout, stderr=subprocess.PIPE, input=stdin)


def expect(name, res, code, stdout_has=None, stderr_has=None, one_error_line=False):
    problems = []
    if res.returncode != code:
        problems.append(f"exit {res.returncode}, expected {code}")
    if res.returncode < 0:
        problems.append(f"killed by signal {-res.returncode}")
    out = (res.stdout or b"").decode("utf-8", "replace")
    err = res.stderr.decode("utf-8", "replace")
    if stdout_has and stdout_has not in out:
        problems.append(f"stdout lacks {stdout_has!r}")
    if stderr_has and stderr_has not in err:
        problems.append(f"stderr lacks {stderr_has!r}: {err.strip()!r}")
    if one_error_line:
        lines = [l for l in err.splitlines() if l.strip()]
        if len(lines) != 1 or not lines[0].startswith("odxprobe: error: "):
            problems.append(f"stderr is not one 'odxprobe: error:' line: {err!r}")
    for p in problems:
        failures.append(f"{name}: {p}")


def main():
    exe, tests = sys.argv[1], sys.argv[2]
    golden = os.path.join(tests, "golden")
    blocked = os.path.join(golden, "win-filter-blocks-write", "report.json")
    works = os.path.join(golden, "win-all-work", "report.json")
    undecided = os.path.join(golden, "win-disk-full", "report.json")

    # Help, version, usage errors.
    expect("--help", run(exe, "--help"), EXIT_OK, stdout_has="Exit codes:")
    expect("help analyze", run(exe, "help", "analyze"), EXIT_OK, stdout_has="usage: odxprobe analyze")
    expect("--version", run(exe, "--version"), EXIT_OK, stdout_has="odxprobe ")
    expect("unknown option", run(exe, "--bogus"), EXIT_USAGE, stderr_has="odxprobe: error: unknown")
    expect("--size too small", run(exe, "--size", "4K"), EXIT_USAGE, stderr_has="trial size")
    expect("--size not a size", run(exe, "--size", "lots"), EXIT_USAGE, stderr_has="not a size")
    expect("--size unaligned", run(exe, "--size", "300001"), EXIT_USAGE, stderr_has="4 KiB")
    expect("--static --cross", run(exe, "--static", "--cross"), EXIT_USAGE, stderr_has="--cross")
    expect("--volume missing value", run(exe, "--volume"), EXIT_USAGE, stderr_has="needs a value")
    expect("--json=x", run(exe, "--json=x"), EXIT_USAGE, stderr_has="takes no value")
    expect("analyze without file", run(exe, "analyze"), EXIT_USAGE, stderr_has="needs a report")
    expect("analyze two files", run(exe, "analyze", works, works), EXIT_USAGE,
           stderr_has="one report")

    # analyze: the exit code follows the outcome.
    expect("analyze blocked", run(exe, "analyze", blocked), EXIT_BLOCKERS,
           stdout_has="AcmeShield")
    expect("analyze works", run(exe, "analyze", works), EXIT_OK, stdout_has="no blocker found")
    expect("analyze undecided", run(exe, "analyze", undecided), EXIT_INCOMPLETE,
           stdout_has="incomplete")
    with open(blocked, "rb") as f:
        expect("analyze stdin", run(exe, "analyze", "-", stdin=f.read()), EXIT_BLOCKERS)
    res = run(exe, "analyze", "--json", blocked)
    expect("analyze --json", res, EXIT_BLOCKERS)
    doc = json.loads(res.stdout)
    verdicts = {r["target"]["label"]: r["verdict"] for r in doc["analysis"]["results"]}
    if verdicts != {"C:": "works", "E:": "blocked_by_filter"}:
        failures.append(f"analyze --json: verdicts {verdicts}")

    with tempfile.TemporaryDirectory() as tmp:
        # Bad reports: one error line, exit 3, never a crash.
        cases = {
            "empty": b"",
            "blank": b"  \n\t ",
            "not json": b"hello, support",
            "truncated": open(blocked, "rb").read()[:5000],
            "array": b"[1, 2, 3]",
            "other schema": b'{"schema":"odxprobe-report","schema_version":2,"observations":{}}',
            "wrong types": b'{"schema":"odxprobe-report","schema_version":1,"observations":[]}',
            "bad utf-8": b'{"schema":"odxprobe-report\xff","schema_version":1}',
            "deep nesting": b"[" * 100000,
        }
        for name, data in cases.items():
            path = os.path.join(tmp, name.replace(" ", "-") + ".json")
            with open(path, "wb") as f:
                f.write(data)
            expect(f"bad report: {name}", run(exe, "analyze", path), EXIT_USAGE,
                   one_error_line=True)
        expect("missing report", run(exe, "analyze", os.path.join(tmp, "nope.json")), EXIT_USAGE,
               one_error_line=True, stderr_has="nope.json")
        expect("directory as report", run(exe, "analyze", tmp), EXIT_USAGE, one_error_line=True)

        # Hostile strings in a report reach the terminal without control characters.
        doc = json.load(open(blocked))
        doc["observations"]["host"]["name"] = "evil\u001b]0;pwned\u0007\u001b[2J"
        hostile = os.path.join(tmp, "hostile.json")
        json.dump(doc, open(hostile, "w"))
        res = run(exe, "analyze", hostile)
        expect("hostile strings", res, EXIT_BLOCKERS)
        if b"\x1b" in res.stdout or b"\x07" in res.stdout:
            failures.append("hostile strings: control characters reached stdout")

        # -o: a new file with the whole report, and the summary on stdout.
        out = os.path.join(tmp, "report.json")
        res = run(exe, "analyze", "-o", out, blocked)
        expect("-o new file", res, EXIT_BLOCKERS, stdout_has="AcmeShield")
        if json.load(open(out))["analysis"]["outcome"] != "blockers":
            failures.append("-o: the written report lacks the analysis")
        # -o never replaces a file, and leaves it untouched.
        with open(out, "w") as f:
            f.write("the user's own file")
        expect("-o existing file", run(exe, "analyze", "-o", out, blocked), EXIT_INCOMPLETE,
               stderr_has="will not replace")
        if open(out).read() != "the user's own file":
            failures.append("-o: an existing file was changed")
        # -o into a directory that does not exist: an error, and nothing left behind.
        expect("-o bad directory",
               run(exe, "analyze", "-o", os.path.join(tmp, "no", "such", "r.json"), blocked),
               EXIT_INCOMPLETE, stderr_has="cannot")
        left = sorted(os.listdir(tmp))
        if any(".odxprobe-" in n for n in left):
            failures.append(f"-o: temporary files left behind: {left}")

    # A full stdout is an error, not a silent success.
    if os.path.exists("/dev/full"):
        with open("/dev/full", "wb") as full:
            expect("stdout full", run(exe, "analyze", blocked, stdout=full), EXIT_INCOMPLETE,
                   stderr_has="standard output")

    # A report written by a probe and the report analyze writes from its
    # observations carry identical analysis: live on this machine, and for
    # the bundled example.
    with tempfile.TemporaryDirectory() as tmp:
        probe = run(exe, "--json", "--path", tmp)
        if probe.returncode == EXIT_INCOMPLETE and b"no probe for this operating" in probe.stderr:
            print("test_cli: no back end here; live identity check skipped", file=sys.stderr)
        else:
            expect("live probe --json", probe, probe.returncode if probe.returncode in (0, 1) else 0)
            saved = os.path.join(tmp, "..", os.path.basename(tmp) + "-probe.json")
            with open(saved, "wb") as f:
                f.write(probe.stdout)
            try:
                again = run(exe, "analyze", "--json", saved)
            finally:
                os.unlink(saved)
            expect("analyze of a live report", again, probe.returncode)
            if json.loads(probe.stdout)["analysis"] != json.loads(again.stdout)["analysis"]:
                failures.append("live probe and analyze of its report disagree")
            if os.listdir(tmp):
                failures.append(f"live probe left files behind: {os.listdir(tmp)}")
    example = os.path.join(tests, "..", "docs", "examples", "windows-server.json")
    again = run(exe, "analyze", "--json", example)
    expect("analyze the bundled example", again, EXIT_BLOCKERS)
    if json.load(open(example))["analysis"] != json.loads(again.stdout)["analysis"]:
        failures.append("docs/examples/windows-server.json: its analysis is not what analyze gives")

    # explain: each way of writing 4441 names the same code.
    for text in ("4441", "0x1159", "0xC000A2A2", "0x80071159", "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED",
                 "STATUS_OFFLOAD_WRITE_FLT_NOT_SUPPORTED", "-1073700190"):
        res = run(exe, "explain", text)
        expect(f"explain {text}", res, EXIT_OK, stdout_has="4441 (0x1159)")
        for part in ("0xC000A2A2", "0x80071159", "does not support offload write"):
            if part.encode() not in res.stdout:
                failures.append(f"explain {text}: output lacks {part!r}")
    expect("explain 50", run(exe, "explain", "50"), EXIT_OK, stdout_has="ERROR_NOT_SUPPORTED")
    expect("explain EXDEV", run(exe, "explain", "EXDEV"), EXIT_OK, stdout_has="errno")
    expect("explain unknown name", run(exe, "explain", "NO_SUCH_CODE"), EXIT_USAGE,
           one_error_line=True)
    expect("explain garbage", run(exe, "explain", "\u001b[31m"), EXIT_USAGE, one_error_line=True)
    expect("explain nothing", run(exe, "explain"), EXIT_USAGE, stderr_has="needs a code")

    for f in failures:
        print(f"test_cli: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
