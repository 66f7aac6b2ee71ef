#!/bin/sh
# wine-fixture.sh prefix|start|stop: the Wine fixtures of the test suite.
#
#   prefix  create $WINEPREFIX once (wineboot --init, then Windows 10 as the
#           reported version); later calls find the stamp file and return at
#           once. The stamp records the Wine version: a new Wine gets a new
#           prefix.
#   start   start a persistent wineserver for $WINEPREFIX and let Wine's
#           background services come up, so that each test's wine run costs
#           a fraction of a second instead of a server start and boot.
#   stop    stop that wineserver (and every program left in the prefix).
#
# Environment: WINEPREFIX (required, absolute), ODX_WINE (default wine),
# ODX_WINESERVER (default wineserver).
set -u

me='wine-fixture.sh'
wine=${ODX_WINE:-wine}
wineserver=${ODX_WINESERVER:-wineserver}
export WINEDEBUG="${WINEDEBUG:--all}"

fail() {
    printf '%s: error: %s\n' "$me" "$*" >&2
    exit 1
}

[ $# -eq 1 ] || {
    printf 'usage: %s prefix|start|stop\n' "$me" >&2
    exit 2
}
case ${WINEPREFIX:-} in
/*) ;;
*) fail "WINEPREFIX must be an absolute path" ;;
esac

case $1 in
prefix)
    version=$("$wine" --version 2>/dev/null) || fail "cannot run $wine"
    stamp="$WINEPREFIX/.odxprobe-prefix"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$version" ]; then
        exit 0
    fi
    "$wineserver" -k >/dev/null 2>&1
    rm -rf "$WINEPREFIX"
    log="$WINEPREFIX.log"
    # wineboot warns that a 32-bit Wine is missing: harmless, the tests are 64-bit.
    "$wine" wineboot --init </dev/null >"$log" 2>&1 || { cat "$log" >&2; fail "wineboot --init failed"; }
    # Wine reports Windows 7 unless told otherwise; the tool targets Windows 10.
    "$wine" winecfg -v win10 >>"$log" 2>&1 || { cat "$log" >&2; fail "winecfg -v win10 failed"; }
    # Stopping the server writes the registry to disk.
    "$wineserver" -k >>"$log" 2>&1
    "$wineserver" -w >>"$log" 2>&1
    grep -q '"CurrentVersion"="10.0"' "$WINEPREFIX/system.reg" ||
        fail "the new prefix does not report Windows 10 (see $log)"
    rm -f "$log"
    printf '%s\n' "$version" >"$stamp"
    ;;
start)
    [ -d "$WINEPREFIX" ] || fail "no prefix at $WINEPREFIX: run the wine.prefix fixture first"
    # The server and the services it starts outlive this script: they must not hold on to
    # its output, or CTest waits for them to close it.
    "$wineserver" -p </dev/null >/dev/null 2>&1 || fail "cannot start $wineserver -p"
    # The first program in a fresh server boots Wine's services (about 1 s); do it here.
    "$wine" cmd.exe /c exit 0 </dev/null >/dev/null 2>&1 || fail "$wine cmd.exe failed"
    ;;
stop)
    "$wineserver" -k >/dev/null 2>&1
    # -k fails when no server runs: that is the state we want.
    exit 0
    ;;
*)
    fail "unknown command '$1'"
    ;;
esac
