#!/usr/bin/env bash
# Builds odxprobe every way it ships and runs every test: the native build
# with warnings as errors (gcc, then clang), the same under AddressSanitizer
# and UBSan, the Windows cross build whose .exe runs under Wine, and (as
# root) the Linux back end on real file systems in a private mount namespace.
#
# On a fresh Debian 12 machine, run as root: it installs what it needs.
set -euo pipefail

cd "$(dirname "$0")/.."
top=$(pwd)
jobs=$(nproc 2>/dev/null || echo 2)

packages=(
    cmake make gcc clang libc6-dev pkg-config libcjson-dev     # native builds
    python3 python3-jsonschema                                   # report schema checks
    gcc-mingw-w64-x86-64 dpkg-dev                               # Windows cross build
    wine wine64                                                  # runs the .exe
    xfsprogs btrfs-progs e2fsprogs util-linux                    # Linux file-system tests
    fuse3 bindfs fuse-overlayfs squashfs-tools squashfuse
)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "run-all: missing packages (run as root to install them): ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

step() { printf '\n=== %s\n' "$*"; }

step "native build, warnings as errors"
cmake --preset linux
cmake --build --preset linux -j "$jobs"
ctest --preset linux -j "$jobs"

step "native build under AddressSanitizer and UBSan"
cmake --preset linux-asan
cmake --build --preset linux-asan -j "$jobs"
ctest --preset linux-asan -j "$jobs"

step "native build with clang, warnings as errors"
cmake --preset linux-clang
cmake --build --preset linux-clang -j "$jobs"
ctest --preset linux-clang -j "$jobs"

step "Windows cross build (mingw-w64), run under Wine"
cmake/fetch-cjson.sh "$top/build/cjson-src"
cmake --preset windows-cross
cmake --build --preset windows-cross -j "$jobs"
ctest --preset windows-cross

step "all tests passed"
