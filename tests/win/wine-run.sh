#!/bin/sh
# wine-run.sh: run one Windows test program under Wine for one scenario.
#
#   wine-run.sh [options] [--] PROGRAM [ARGS...]
#
#   --scenario FILE     fake fltlib scenario (sets ODX_FAKE_FLTLIB)
#   --reg FILE          seed the registry first: each line is a shell-quoted
#                       `reg add ...` (or `reg delete ...`) command; # comments.
#                       With ODX_REGSEED naming regseed.exe, one Wine process
#                       applies them all; without it, one `wine reg` per line
#   --leaks             fail unless the fake fltlib reports 0 open handles at
#                       exit (sets ODX_FAKE_FLTLIB_LEAKS); also proves that the
#                       fake, not the system's fltlib, was loaded
#   --expect FILE       fail unless stdout equals FILE byte for byte
#   --expect-exit N     fail unless the exit code is N (default: pass it on)
#   --grep-stdout ERE   fail unless a line of stdout matches ERE
#   --grep-stderr ERE   fail unless a line of stderr matches ERE
#
# Without --expect-exit the program's exit code is this script's exit code
# (Wine passes 0-255 through); a failed check exits 1, misuse 2.
#
# Environment: WINEPREFIX (CTest sets it to the build's prefix), ODX_WINE
# (the wine program, default wine). WINEDEBUG defaults to -all. fltlib=n is
# added to WINEDLLOVERRIDES: a missing fake fltlib.dll then fails to load
# instead of falling back to Wine's own, which aborts on most calls.
#
# Registry values seeded with --reg stay in the prefix, which all tests of a
# build share: a test that seeds values must set every value it relies on.
set -u

me='wine-run.sh'
wine=${ODX_WINE:-wine}
scenario='' reg='' leaks=0 expect='' expect_exit='' grep_out='' grep_err=''

usage() {
    printf 'usage: %s [--scenario FILE] [--reg FILE] [--leaks] [--expect FILE]\n' "$me" >&2
    printf '       [--expect-exit N] [--grep-stdout ERE] [--grep-stderr ERE] [--] PROGRAM [ARGS...]\n' >&2
    exit 2
}
fail() {
    printf '%s: FAIL: %s\n' "$me" "$*" >&2
    exit 1
}
abs() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}

while [ $# -gt 0 ]; do
    case $1 in
    --scenario) [ $# -ge 2 ] || usage; scenario=$(abs "$2"); shift 2 ;;
    --reg) [ $# -ge 2 ] || usage; reg=$2; shift 2 ;;
    --leaks) leaks=1; shift ;;
    --expect) [ $# -ge 2 ] || usage; expect=$2; shift 2 ;;
    --expect-exit) [ $# -ge 2 ] || usage; expect_exit=$2; shift 2 ;;
    --grep-stdout) [ $# -ge 2 ] || usage; grep_out=$2; shift 2 ;;
    --grep-stderr) [ $# -ge 2 ] || usage; grep_err=$2; shift 2 ;;
    --) shift; break ;;
    -*) usage ;;
    *) break ;;
    esac
done
[ $# -ge 1 ] || usage
[ -z "$scenario" ] || [ -f "$scenario" ] || fail "no scenario file $scenario"
[ -z "$expect" ] || [ -f "$expect" ] || fail "no expected-output file $expect"

export WINEDEBUG="${WINEDEBUG:--all}"
case ${WINEDLLOVERRIDES:-} in
*fltlib*) ;;
'') export WINEDLLOVERRIDES="fltlib=n" ;;
*) export WINEDLLOVERRIDES="$WINEDLLOVERRIDES;fltlib=n" ;;
esac

tmp=$(mktemp -d "${TMPDIR:-/tmp}/wine-run.XXXXXX") || fail "cannot create a temporary directory"
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' HUP INT TERM

if [ -n "$reg" ] && [ -n "${ODX_REGSEED:-}" ] && [ -f "$ODX_REGSEED" ]; then
    # One Wine process for the whole file; Wine maps the Unix root to Z:.
    [ -f "$reg" ] || fail "no registry file $reg"
    winreg="Z:$(abs "$reg" | sed 's|/|\\|g')"
    "$wine" "$ODX_REGSEED" "$winreg" >"$tmp/reg.out" 2>&1 ||
        { cat "$tmp/reg.out" >&2; fail "seeding $reg"; }
elif [ -n "$reg" ]; then
    [ -f "$reg" ] || fail "no registry file $reg"
    lineno=0
    while IFS= read -r line || [ -n "$line" ]; do
        lineno=$((lineno + 1))
        trimmed=$(printf '%s' "$line" | sed 's/^[[:space:]]*//')
        case $trimmed in
        '' | '#'*) continue ;;
        'reg '*) ;;
        *) fail "$reg:$lineno: not a reg command" ;;
        esac
        # A subshell, so that the eval cannot touch this script's arguments.
        (eval "exec \"\$wine\" $trimmed") >"$tmp/reg.out" 2>&1 ||
            { cat "$tmp/reg.out" >&2; fail "$reg:$lineno: $trimmed"; }
    done <"$reg"
fi

if [ -n "$scenario" ]; then
    export ODX_FAKE_FLTLIB="$scenario"
else
    unset ODX_FAKE_FLTLIB
fi
if [ "$leaks" = 1 ]; then
    export ODX_FAKE_FLTLIB_LEAKS="$tmp/leaks"
else
    unset ODX_FAKE_FLTLIB_LEAKS
fi

"$wine" "$@" >"$tmp/out" 2>"$tmp/err"
rc=$?
cat "$tmp/out"
cat "$tmp/err" >&2

if [ -n "$expect_exit" ]; then
    [ "$rc" = "$expect_exit" ] || fail "exit code $rc, expected $expect_exit"
    rc=0
elif [ "$rc" != 0 ]; then
    printf '%s: %s exited with %s\n' "$me" "$1" "$rc" >&2
    if [ "$rc" = 53 ]; then
        # STATUS_DLL_NOT_FOUND: with WINEDEBUG=-all Wine says nothing else.
        printf '%s: 53: Wine could not load a DLL the program imports; is fltlib.dll beside it?\n' "$me" >&2
        printf '%s: WINEDEBUG=err+module names the missing DLL\n' "$me" >&2
    fi
    exit "$rc"
fi
if [ -n "$expect" ] && ! cmp -s "$expect" "$tmp/out"; then
    diff -u "$expect" "$tmp/out" >&2
    fail "stdout differs from $expect"
fi
if [ -n "$grep_out" ] && ! grep -Eq -- "$grep_out" "$tmp/out"; then
    fail "no line of stdout matches: $grep_out"
fi
if [ -n "$grep_err" ] && ! grep -Eq -- "$grep_err" "$tmp/err"; then
    fail "no line of stderr matches: $grep_err"
fi
if [ "$leaks" = 1 ]; then
    [ -f "$tmp/leaks" ] || fail "no leak report: the fake fltlib.dll was not loaded"
    n=$(cat "$tmp/leaks")
    [ "$n" = 0 ] || fail "$n fltlib search handle(s) never closed"
fi
exit "$rc"
