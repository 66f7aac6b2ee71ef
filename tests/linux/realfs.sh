#!/usr/bin/env bash
# The Linux probe on real file systems: loop-mounted XFS (reflink=1), a
# second XFS, btrfs and ext4, tmpfs, overlay with an XFS upper and with an
# ext4 upper, and bindfs (FUSE) on XFS, all inside a private mount namespace
# so that nothing is visible outside and everything vanishes with it.
#
# For each mount it checks the raw trial records (probe_dump) and, when the
# odxprobe command is built, the verdict of `odxprobe --json --path MOUNT`,
# read with Debian's /usr/bin/python3. The cross-mount case copies between
# XFS and btrfs with --cross: EXDEV there is a finding, not a failure.
#
# Usage: realfs.sh PROBE_DUMP [ODXPROBE]
# Needs root, unshare, mkfs.xfs, mkfs.btrfs, mkfs.ext4 (bindfs optional);
# without them it exits 77, which CTest reports as skipped.
set -u

dump=${1:?usage: realfs.sh PROBE_DUMP [ODXPROBE]}
odxprobe=${2:-}

skip() {
    echo "realfs: SKIP: $*"
    exit 77
}

if [ -z "${ODX_REALFS_INNER:-}" ]; then
    [ "$(id -u)" = 0 ] || skip "needs root (loop mounts in a private mount namespace)"
    for tool in unshare mount umount losetup mkfs.xfs mkfs.btrfs mkfs.ext4 truncate; do
        command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed"
    done
    unshare -m --propagation private true 2>/dev/null ||
        skip "unshare -m does not work here (no CAP_SYS_ADMIN in this namespace?)"
    export ODX_REALFS_INNER=1
    exec unshare -m --propagation private "$0" "$@"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/odxprobe-realfs.XXXXXX") || exit 2
mounts=()
failures=0

cleanup() {
    local i img dev
    for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
        umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null
    done
    # mount -o loop sets autoclear; detach by hand anything left attached to our images.
    for img in "$work"/*.img; do
        [ -e "$img" ] || continue
        for dev in $(losetup -j "$img" -O NAME -n 2>/dev/null); do
            losetup -d "$dev" 2>/dev/null
        done
    done
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

fail() {
    echo "realfs: FAIL: $*"
    failures=$((failures + 1))
}

# mkfs_mount NAME SIZE MKFS... : a sparse image, formatted and loop-mounted on $work/NAME.
mkfs_mount() {
    local name=$1 size=$2
    shift 2
    truncate -s "$size" "$work/$name.img" || return 1
    "$@" "$work/$name.img" >"$work/$name.mkfs.log" 2>&1 || {
        cat "$work/$name.mkfs.log"
        return 1
    }
    mkdir -p "$work/$name"
    mount -o loop "$work/$name.img" "$work/$name" || return 1
    mounts+=("$work/$name")
}

setup() {
    mkfs_mount xfs 320M mkfs.xfs -q -m reflink=1 || return 1
    mkfs_mount xfs2 320M mkfs.xfs -q -m reflink=1 || return 1
    mkfs_mount btrfs 128M mkfs.btrfs -q || return 1
    mkfs_mount ext4 64M mkfs.ext4 -q -F || return 1
    mkdir -p "$work/tmpfs" && mount -t tmpfs -o size=64m tmpfs "$work/tmpfs" || return 1
    mounts+=("$work/tmpfs")
    mkdir -p "$work/xfs/lower" "$work/xfs/upper" "$work/xfs/ovwork" "$work/ovxfs" \
        "$work/ext4/upper" "$work/ext4/ovwork" "$work/ovext4" || return 1
    mount -t overlay overlay -o "lowerdir=$work/xfs/lower,upperdir=$work/xfs/upper,workdir=$work/xfs/ovwork" \
        "$work/ovxfs" || return 1
    mounts+=("$work/ovxfs")
    mount -t overlay overlay -o "lowerdir=$work/xfs/lower,upperdir=$work/ext4/upper,workdir=$work/ext4/ovwork" \
        "$work/ovext4" || return 1
    mounts+=("$work/ovext4")
    if command -v bindfs >/dev/null 2>&1 && [ -e /dev/fuse ]; then
        mkdir -p "$work/xfs/bsrc" "$work/bindfs"
        if bindfs "$work/xfs/bsrc" "$work/bindfs" 2>"$work/bindfs.log"; then
            mounts+=("$work/bindfs")
        else
            echo "realfs: note: bindfs could not mount: $(cat "$work/bindfs.log")"
        fi
    else
        echo "realfs: note: bindfs or /dev/fuse missing: the FUSE case is not run"
    fi
}

# expect_trial OUTPUT METHOD PATTERN: the trial line of METHOD matches the extended regex.
expect_trial() {
    local out=$1 method=$2 pattern=$3 line
    line=$(grep -E "^trial [a-z]+ $method " <<<"$out" | head -n 1)
    if [ -z "$line" ]; then
        fail "$case: no $method trial"
    elif ! grep -Eq -- "$pattern" <<<"$line"; then
        fail "$case: $method: expected /$pattern/ in: $line"
    fi
}

# expect_verdict ARGS... -- KIND VERDICT: odxprobe --json ARGS gives a KIND result with VERDICT.
expect_verdict() {
    local args=() kind verdict json rc
    while [ "$1" != "--" ]; do
        args+=("$1")
        shift
    done
    kind=$2
    verdict=$3
    [ -n "$odxprobe" ] && [ -x "$odxprobe" ] || return 0
    json=$("$odxprobe" --json "${args[@]}")
    rc=$?
    if [ $rc -gt 2 ]; then
        fail "$case: odxprobe exited $rc"
        return
    fi
    printf '%s' "$json" >"$work/$case.json"
    /usr/bin/python3 - "$work/$case.json" "$kind" "$verdict" "$case" <<'EOF' || failures=$((failures + 1))
import json, sys
path, kind, want, case = sys.argv[1:5]
doc = json.load(open(path))
results = [r for r in doc["analysis"]["results"] if r["target"]["kind"] == kind]
got = [r["verdict"] for r in results]
if want not in got:
    print("realfs: FAIL: %s: expected a %s result %s, got %s" % (case, kind, want, got))
    for r in results:
        print("  %s: %s" % (r["target"].get("label"), r.get("headline")))
    sys.exit(1)
print("realfs: %s: %s %s (%s)" % (case, kind, want,
      [r.get("headline") for r in results if r["verdict"] == want][0]))
EOF
}

run_case() {
    case=$1
    out=$("$dump" --path "$work/$case")
    rc=$?
    if [ $rc -ne 0 ]; then
        fail "$case: probe_dump exited $rc"
        return 1
    fi
    printf '%s\n' "$out" >"$work/$case.dump"
    echo "realfs: $case:"
    grep '^trial ' <<<"$out" | sed 's/^/  /'
}

setup || {
    echo "realfs: could not build the file systems"
    exit 1
}

case=xfs
run_case xfs
expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):0 .*verify=pread:0 .*shared=yes'
expect_trial "$out" ficlonerange 'clone_range=ioctl\(FICLONERANGE\):0 .*shared=yes'
expect_trial "$out" copy_file_range 'copy_range=copy_file_range:0/calls=[0-9]+/bytes=1048576 .*extents=ioctl\(FS_IOC_FIEMAP\):0 verify=pread:0 .*shared=yes'
grep -q "^layer $work/xfs block loop " <<<"$out" || fail "xfs: no loop layer"
grep -q "^layer $work/xfs backing-file loop fs=ext4 path=$work/xfs.img" <<<"$out" ||
    fail "xfs: no backing-file layer on the image"
expect_verdict --path "$work/xfs" -- path works

case=btrfs
run_case btrfs
expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):0 .*shared=yes'
expect_trial "$out" copy_file_range 'copy_range=copy_file_range:0/.* shared=yes'
expect_verdict --path "$work/btrfs" -- path works

case=ext4
run_case ext4
expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):95 '
expect_trial "$out" ficlonerange 'clone_range=ioctl\(FICLONERANGE\):95 '
expect_trial "$out" copy_file_range 'copy_range=copy_file_range:0/.*verify=pread:0 .*shared=no'
expect_verdict --path "$work/ext4" -- path unsupported

case=tmpfs
run_case tmpfs
expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):95 '
expect_trial "$out" copy_file_range 'extents=ioctl\(FS_IOC_FIEMAP\):95 verify=pread:0 .*shared=unknown'
expect_verdict --path "$work/tmpfs" -- path unsupported

case=ovxfs
run_case ovxfs
expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):0 .*verify=pread:0'
expect_trial "$out" copy_file_range 'copy_range=copy_file_range:0/'
grep -q "^layer $work/ovxfs upper xfs fs=xfs path=$work/xfs/upper" <<<"$out" ||
    fail "ovxfs: no upper layer on xfs"
expect_verdict --path "$work/ovxfs" -- path works

case=ovext4
run_case ovext4
expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):95 '
expect_trial "$out" copy_file_range 'copy_range=copy_file_range:0/.*shared=no'
grep -q "^layer $work/ovext4 upper ext4 fs=ext4 path=$work/ext4/upper" <<<"$out" ||
    fail "ovext4: no upper layer on ext4"
expect_verdict --path "$work/ovext4" -- path unsupported

if mountpoint -q "$work/bindfs"; then
    case=bindfs
    run_case bindfs
    expect_trial "$out" ficlone 'clone=ioctl\(FICLONE\):95 '
    # The kernel byte-copies behind a successful copy_file_range; FIEMAP cannot see through FUSE.
    expect_trial "$out" copy_file_range 'copy_range=copy_file_range:0/.*extents=ioctl\(FS_IOC_FIEMAP\):95 verify=pread:0 .*shared=unknown'
    grep -q "^layer $work/bindfs fuse fuse fs=fuse " <<<"$out" || fail "bindfs: no fuse layer"
    expect_verdict --path "$work/bindfs" -- path blocked_by_filter
fi

case=cross
out=$("$dump" --cross --volume "$work/xfs" --volume "$work/btrfs") || fail "cross: probe_dump failed"
printf '%s\n' "$out" >"$work/cross.dump"
echo "realfs: cross:"
grep '^trial pair' <<<"$out" | sed 's/^/  /'
for method in ficlone ficlonerange copy_file_range; do
    line=$(grep -E "^trial pair $method $work/xfs->$work/btrfs " <<<"$out")
    grep -Eq '(clone|clone_range|copy_range)=[^ ]*:18' <<<"$line" ||
        fail "cross: $method xfs->btrfs did not give EXDEV: $line"
done
expect_verdict --cross --volume "$work/xfs" --volume "$work/btrfs" -- pair unsupported

# The trials leave nothing behind.
left=$(find "$work/xfs" "$work/btrfs" "$work/ext4" "$work/tmpfs" "$work/ovxfs" "$work/ovext4" \
    -name '.odxprobe-*' 2>/dev/null)
[ -z "$left" ] || fail "files left behind: $left"

if [ "$failures" -ne 0 ]; then
    echo "realfs: $failures failure(s)"
    exit 1
fi
echo "realfs: all cases passed"
exit 0
