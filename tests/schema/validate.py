#!/usr/bin/python3
"""Validate odxprobe reports against docs/report.schema.json.

Usage:
  validate.py FILE...                 every FILE must be a valid report
  validate.py --expect-invalid FILE... every FILE must be rejected
  validate.py --scan DIR...           every *.json under DIR whose top level
                                      says "schema": "odxprobe-report" must be
                                      valid; directories named "invalid" (broken
                                      on purpose) and "corpus" (fuzz inputs) are
                                      skipped
Options: --schema FILE (default: docs/report.schema.json beside this tree).

Exit status: 0 all as expected, 1 a file is not as expected, 2 usage or
unreadable file, 77 python3-jsonschema is missing (CTest: skipped).
Uses Debian's python3-jsonschema (4.10 knows draft 2020-12).
"""
import json
import os
import sys

SKIP = 77


def load_json(path):
    def no_constant(name):
        raise ValueError("%s is not JSON" % name)

    with open(path, "rb") as f:
        data = f.read()
    # Strict: UTF-8 only, and no NaN/Infinity (Python's json accepts them).
    return json.loads(data.decode("utf-8"), parse_constant=no_constant)


def is_report(path):
    try:
        doc = load_json(path)
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("schema") == "odxprobe-report"


def scan(dirs):
    found = []
    for top in dirs:
        for root, subdirs, files in os.walk(top):
            subdirs[:] = sorted(d for d in subdirs if d not in ("invalid", "corpus") and not d.startswith("."))
            for name in sorted(files):
                path = os.path.join(root, name)
                if name.endswith(".json") and is_report(path):
                    found.append(path)
    return found


def main(argv):
    try:
        import jsonschema
    except ImportError:
        print("validate.py: python3-jsonschema is not installed; skipping", file=sys.stderr)
        return SKIP

    here = os.path.dirname(os.path.abspath(__file__))
    schema_path = os.path.join(here, "..", "..", "docs", "report.schema.json")
    expect_invalid = False
    do_scan = False
    files = []
    args = list(argv)
    while args:
        a = args.pop(0)
        if a == "--schema" and args:
            schema_path = args.pop(0)
        elif a == "--expect-invalid":
            expect_invalid = True
        elif a == "--scan":
            do_scan = True
        elif a.startswith("--"):
            print(__doc__, file=sys.stderr)
            return 2
        else:
            files.append(a)
    if not files:
        print(__doc__, file=sys.stderr)
        return 2

    try:
        schema = load_json(schema_path)
        jsonschema.Draft202012Validator.check_schema(schema)
    except (OSError, ValueError, jsonschema.exceptions.SchemaError) as e:
        print("validate.py: %s: %s" % (schema_path, e), file=sys.stderr)
        return 2
    validator = jsonschema.Draft202012Validator(schema)

    if do_scan:
        files = scan(files)
        if not files:
            print("validate.py: no report found", file=sys.stderr)
            return 1

    status = 0
    for path in files:
        try:
            doc = load_json(path)
        except (OSError, ValueError) as e:
            if expect_invalid:
                print("ok (rejected): %s: %s" % (path, e))
                continue
            print("%s: %s" % (path, e), file=sys.stderr)
            return 2
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
        if expect_invalid:
            if errors:
                print("ok (rejected): %s: %s" % (path, errors[0].message[:120]))
            else:
                print("%s: expected the schema to reject it, but it is valid" % path,
                      file=sys.stderr)
                status = 1
            continue
        if errors:
            status = 1
            for e in errors[:20]:
                where = "".join("[%d]" % p if isinstance(p, int) else ".%s" % p
                                for p in e.absolute_path).lstrip(".")
                print("%s: %s: %s" % (path, where or "(top)", e.message[:300]), file=sys.stderr)
        else:
            print("ok: %s" % path)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
