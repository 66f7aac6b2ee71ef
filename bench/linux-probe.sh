#!/usr/bin/env bash
# Benchmark of the Linux probe (not a test): probes N mounts (N = 1, 10, 50)
# of tmpfs and of loop-mounted XFS (reflink=1), each set made fresh in a
# private mount namespace, and prints per mount:
#   - wall time of the whole probe divided by N;
#   - wchar and write_bytes of the probing process (/proc/self/io);
#   - for XFS, the sectors the loop devices wrote (/sys/block/loopN/stat,
#     field 7, 512-byte sectors), i.e. what reached the "disk" including
#     metadata and log;
# then compares bytes with the trial size (one source file is written per
# mount; the three copies add only what the file system really copies) and
# the per-mount time at N=50 with N=1 (1.0 means linear in N).
#
# Usage (root): bench/linux-probe.sh [BUILD_DIR]   (default build/linux)
# Needs: unshare, mkfs.xfs, losetup, bc; the linux_probe_bench target built.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$top/build/linux}
bench=$build/bench/linux_probe_bench
size=$((1024 * 1024))
counts=(1 10 50)

[ -x "$bench" ] || {
    echo "linux-probe.sh: build the linux_probe_bench target first ($bench)" >&2
    exit 2
}
[ "$(id -u)" = 0 ] || {
    echo "linux-probe.sh: needs root (mounts in a private namespace)" >&2
    exit 2
}
if [ -z "${ODX_BENCH_INNER:-}" ]; then
    export ODX_BENCH_INNER=1
    exec unshare -m --propagation private "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/odxprobe-bench.XXXXXX")
mounted=()
cleanup() {
    local i img dev
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}" 2>/dev/null || umount -l "${mounted[i]}" 2>/dev/null || true
    done
    for img in "$work"/*.img; do
        [ -e "$img" ] || continue
        for dev in $(losetup -j "$img" -O NAME -n 2>/dev/null); do
            losetup -d "$dev" 2>/dev/null || true
        done
    done
    rm -rf "$work"
}
trap cleanup EXIT

unmount_all() {
    local i
    for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
        umount "${mounted[i]}"
    done
    mounted=()
}

# Sum of sectors written by the loop devices behind our XFS mounts.
loop_sectors() {
    local total=0 dev s
    for dev in $(losetup -l -n -O NAME,BACK-FILE | awk -v w="$work" 'index($2, w) == 1 {print $1}'); do
        s=$(awk '{print $7}' "/sys/block/${dev#/dev/}/stat")
        total=$((total + s))
    done
    echo "$total"
}

# Images are made once; each run mounts the first N.
max=${counts[-1]}
echo "making $max XFS images (320 MiB sparse each) ..."
for ((i = 0; i < max; i++)); do
    truncate -s 320M "$work/x$i.img"
    mkfs.xfs -q -m reflink=1 "$work/x$i.img"
done

declare -A per_mount_us
printf '\n%-6s %4s %6s %12s %12s %14s %14s %14s\n' kind N trials "wall ms" "ms/mount" \
    "wchar/mount" "write_b/mount" "disk B/mount"
for kind in tmpfs xfs; do
    for n in "${counts[@]}"; do
        paths=()
        for ((i = 0; i < n; i++)); do
            mp="$work/$kind$i"
            mkdir -p "$mp"
            if [ "$kind" = tmpfs ]; then
                mount -t tmpfs -o size=16m tmpfs "$mp"
            else
                mount -o loop "$work/x$i.img" "$mp"
            fi
            mounted+=("$mp")
            paths+=("$mp")
        done
        sync
        before=$( [ "$kind" = xfs ] && loop_sectors || echo 0)
        line=$("$bench" --size "$size" "${paths[@]}")
        sync
        after=$( [ "$kind" = xfs ] && loop_sectors || echo 0)
        # mounts=N trials=T wall_us=W wchar=C write_bytes=B
        eval "$(tr ' ' '\n' <<<"$line" | sed 's/^/r_/')"
        disk=$(((after - before) * 512))
        per_mount_us[$kind$n]=$((r_wall_us / n))
        printf '%-6s %4d %6d %12.1f %12.2f %14d %14d %14s\n' "$kind" "$n" "$r_trials" \
            "$(bc <<<"scale=1; $r_wall_us/1000")" "$(bc <<<"scale=2; $r_wall_us/1000/$n")" \
            $((r_wchar / n)) $((r_write_bytes / n)) \
            "$([ "$kind" = xfs ] && echo $((disk / n)) || echo -)"
        unmount_all
    done
done

echo
echo "trial size: $size bytes; per mount the probe writes one source file of that size:"
echo "  wchar counts the source's pwrite and copy_file_range's bytes (the kernel counts"
echo "  those even when it shares extents); FICLONE and FICLONERANGE add none."
echo "  write_bytes and the loop sectors are what reached storage: the source, plus a"
echo "  byte copy where copy_file_range could not share (tmpfs: memory, not storage),"
echo "  plus XFS metadata and log."
for kind in tmpfs xfs; do
    r1=${per_mount_us[${kind}1]}
    r50=${per_mount_us[${kind}50]}
    printf "%s: per-mount time N=50 / N=1 = %.2f (%d us vs %d us)\n" "$kind" "$(bc <<<"scale=4; $r50/$r1")" "$r50" "$r1"
done
