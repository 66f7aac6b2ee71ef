#!/usr/bin/env python3
"""--help and docs/cli.md must list the same options and the same exit codes.

Usage: check-help-docs.py ODXPROBE DOCS_CLI_MD
"""
import re
import subprocess
import sys


def options(text):
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z-]+|-[a-z])(?![\w-])", text))


def exit_codes_help(text):
    block = text.split("Exit codes:", 1)[1]
    return {int(m) for m in re.findall(r"^\s+(\d)\s+\S", block, re.M)}


def exit_codes_docs(text):
    block = text.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    return {int(m) for m in re.findall(r"^\| `(\d)` \|", block, re.M)}


def main():
    exe, docs_path = sys.argv[1], sys.argv[2]
    help_text = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True).stdout
    with open(docs_path, encoding="utf-8") as f:
        docs = f.read()
    failures = []
    h_opts, d_opts = options(help_text), options(docs)
    if h_opts - d_opts:
        failures.append(f"in --help but not in docs: {sorted(h_opts - d_opts)}")
    if d_opts - h_opts:
        failures.append(f"in docs but not in --help: {sorted(d_opts - h_opts)}")
    h_codes, d_codes = exit_codes_help(help_text), exit_codes_docs(docs)
    if h_codes != d_codes or not h_codes:
        failures.append(f"exit codes differ: --help {sorted(h_codes)}, docs {sorted(d_codes)}")
    for f in failures:
        print(f"check-help-docs: {f}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
