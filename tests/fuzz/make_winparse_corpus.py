#!/usr/bin/env python3
"""Writes the seed corpus of fuzz_winparse from tests/fixtures/win/*.hex.

Each seed is one selector byte (the decoder, see `enum target` in
fuzz_winparse.c) followed by a fixture's bytes. Run from anywhere; it writes
tests/fuzz/corpus/winparse/seed-*. Crashers and other seeds added by hand
(any name not starting with "seed-") are left alone.
"""
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures" / "win"
CORPUS = ROOT / "fuzz" / "corpus" / "winparse"

# enum target in fuzz_winparse.c
T_FILTERS, T_VOLUMES, T_INSTANCES, T_UTF16, T_DESCRIPTOR = 0, 1, 2, 3, 4
T_READ_OUTPUT, T_WRITE_OUTPUT, T_TOKEN, T_READ_INPUT, T_WRITE_INPUT = 5, 6, 7, 8, 9


def load(name):
    """Parses the fixture format described in tests/fixtures/win/README.md."""
    out = bytearray()
    for line in (FIXTURES / name).read_text(encoding="utf-8").splitlines():
        for tok in line.split("#", 1)[0].split():
            m = re.fullmatch(r"([0-9a-fA-F]{2})(?:\*(\d+))?", tok)
            if not m:
                raise SystemExit(f"{name}: bad token {tok!r}")
            out += bytes([int(m.group(1), 16)]) * int(m.group(2) or 1)
    return bytes(out)


def utf16_seed():
    """Offset/length header then UTF-16LE text with accents, CJK and a surrogate pair."""
    text = "Emoji\U0001F600 S\u00e9curit\u00e9 \u9632\u62a4".encode("utf-16-le")
    return bytes([4, 0, len(text) & 0xFF, len(text) >> 8]) + text


def main():
    seeds = {
        "seed-filters": (T_FILTERS, load("filters.hex")),
        "seed-volumes": (T_VOLUMES, load("volumes.hex")),
        "seed-instances": (T_INSTANCES, load("instances.hex")),
        "seed-instances-prewin8": (T_INSTANCES, load("instances_prewin8.hex")),
        "seed-utf16": (T_UTF16, utf16_seed()),
        "seed-copy-offload-desc": (T_DESCRIPTOR, load("copy_offload_desc.hex")),
        "seed-read-output-zero": (T_READ_OUTPUT, load("read_output_zero.hex")),
        "seed-read-output-vendor": (T_READ_OUTPUT, load("read_output_vendor.hex")),
        "seed-write-output": (T_WRITE_OUTPUT, load("write_output.hex")),
        "seed-token-zero": (T_TOKEN, load("read_output_zero.hex")[16:]),
        "seed-token-vendor": (T_TOKEN, load("read_output_vendor.hex")[16:]),
        "seed-read-input": (T_READ_INPUT, load("read_input.hex")),
        "seed-write-input-zero": (T_WRITE_INPUT, load("write_input_zero.hex")),
    }
    CORPUS.mkdir(parents=True, exist_ok=True)
    for old in CORPUS.glob("seed-*"):
        old.unlink()
    for name, (target, data) in seeds.items():
        (CORPUS / name).write_bytes(bytes([target]) + data)


if __name__ == "__main__":
    main()
