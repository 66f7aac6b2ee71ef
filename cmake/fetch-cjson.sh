#!/bin/sh
# fetch-cjson.sh DESTDIR: put Debian's cJSON source (with Debian's security
# patches applied) in DESTDIR, so that DESTDIR/cJSON.c and DESTDIR/cJSON.h
# exist for the Windows cross build (ODX_CJSON_SOURCE_DIR).
#
# No mingw package of cJSON exists, and the repository holds no copy of it.
# `apt-get source cjson` needs deb-src entries; rather than touch the system's
# apt configuration, this script writes a private sources list whose deb-src
# lines mirror the system's own Debian `deb` entries, and gives apt private
# state and cache directories. Nothing under /etc/apt or /var changes.
#
# Idempotent: does nothing when DESTDIR already holds cJSON.c and cJSON.h.
# Needs apt-get and dpkg-source (package dpkg-dev). Exit 0 on success, 1 on
# failure, 2 on misuse; the last line of output says where cJSON.c is.
set -eu

me='fetch-cjson.sh'
die() {
    printf '%s: error: %s\n' "$me" "$*" >&2
    exit 1
}

if [ $# -ne 1 ] || [ -z "$1" ]; then
    printf 'usage: %s DESTDIR\n' "$me" >&2
    exit 2
fi
dest=${1%/}
[ -n "$dest" ] || dest=/

if [ -f "$dest/cJSON.c" ] && [ -f "$dest/cJSON.h" ]; then
    printf '%s: cJSON already present: %s/cJSON.c\n' "$me" "$dest"
    exit 0
fi
if [ -e "$dest" ]; then
    [ -d "$dest" ] || die "$dest exists and is not a directory"
    [ -z "$(ls -A "$dest")" ] ||
        die "$dest exists, is not empty and holds no cJSON.c; remove it or pick another DESTDIR"
fi

command -v apt-get >/dev/null 2>&1 ||
    die "apt-get not found: this script needs a Debian-based system"
command -v dpkg-source >/dev/null 2>&1 ||
    die "dpkg-source not found: install it with 'apt-get install dpkg-dev'"

# Debian's archive keyring signs every Debian suite, including security.
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -r "$keyring" ] ||
    die "$keyring not found: install it with 'apt-get install debian-archive-keyring'"

# Private apt state next to DESTDIR, removed on exit whatever happens.
parent=$(dirname "$dest")
mkdir -p "$parent"
parent=$(cd "$parent" && pwd) # apt resolves relative Dir:: paths against /etc/apt
work=$(mktemp -d "$parent/.fetch-cjson.XXXXXX") || die "cannot create a work directory in $parent"
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM
mkdir -p "$work/lists/partial" "$work/cache/archives/partial" "$work/src"

# Print the system's `deb` entries as "URI SUITE COMPONENT..." lines, from
# one-line .list files and deb822 .sources files alike. Disabled stanzas
# (Enabled: no), comments and options other than the ones we set are dropped.
system_deb_entries() {
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -f "$f" ] || continue
        awk '
            { sub(/#.*/, "") }
            $1 != "deb" { next }
            {
                i = 2
                if ($i ~ /^\[/) {           # [opt=val ...] may span fields
                    while (i <= NF && $i !~ /\]$/) i++
                    i++
                }
                line = ""
                for (; i <= NF; i++) line = line (line == "" ? "" : " ") $i
                if (line != "") print line
            }' "$f"
    done
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        awk '
            function flush(   u, s, nu, ns, uu, ss, i, j) {
                if (types ~ /(^| )deb( |$)/ && tolower(enabled) != "no") {
                    nu = split(uris, uu, " "); ns = split(suites, ss, " ")
                    for (i = 1; i <= nu; i++)
                        for (j = 1; j <= ns; j++)
                            print uu[i] " " ss[j] (comps == "" ? "" : " " comps)
                }
                types = uris = suites = comps = enabled = ""; field = ""
            }
            /^[ \t]*#/ { next }
            /^[ \t]*$/ { flush(); next }
            /^[ \t]/ {                       # continuation of the last field
                v = $0; gsub(/^[ \t]+|[ \t]+$/, "", v)
                if (field == "types") types = types " " v
                else if (field == "uris") uris = uris " " v
                else if (field == "suites") suites = suites " " v
                else if (field == "components") comps = comps " " v
                next
            }
            {
                k = tolower(substr($0, 1, index($0, ":") - 1))
                v = substr($0, index($0, ":") + 1); gsub(/^[ \t]+|[ \t]+$/, "", v)
                gsub(/[ \t]+/, " ", v)
                field = k
                if (k == "types") types = v
                else if (k == "uris") uris = v
                else if (k == "suites") suites = v
                else if (k == "components") comps = v
                else if (k == "enabled") enabled = v
            }
            END { flush() }' "$f"
    done
}

# Keep Debian archive URIs only (deb.debian.org, security.debian.org,
# snapshot.debian.org and mirrors laid out as .../debian or .../debian-security)
# with a suite and components: a flat repository ("suite/") has no deb-src
# layout we could rely on, and third-party repositories have no cjson source.
system_deb_entries | awk '
    NF < 3 { next }
    $2 ~ /\/$/ { next }
    {
        uri = $1
        if (uri !~ /^https?:\/\//) next
        host = uri; sub(/^https?:\/\//, "", host); sub(/\/.*/, "", host); sub(/:.*/, "", host)
        path = uri; sub(/^https?:\/\/[^\/]*/, "", path); sub(/\/+$/, "", path)
        if (host !~ /(^|\.)debian\.org$/ && path !~ /\/debian(-security)?$/) next
        line = "deb-src [signed-by='"$keyring"'] " $0
        if (!(line in seen)) { seen[line] = 1; print line }
    }' >"$work/sources.list"

if [ ! -s "$work/sources.list" ]; then
    die "no Debian archive 'deb' entry found in /etc/apt/sources.list or /etc/apt/sources.list.d/"
fi

# apt's download helpers drop root privileges to _apt; let them write the
# private directories as they would write apt's own.
chmod 755 "$work"
if [ "$(id -u)" -eq 0 ] && id _apt >/dev/null 2>&1; then
    chown _apt "$work/lists/partial" "$work/cache/archives/partial" "$work/src"
fi

set -- \
    -o "Dir::Etc::SourceList=$work/sources.list" \
    -o "Dir::Etc::SourceParts=/nonexistent" \
    -o "Dir::State::Lists=$work/lists" \
    -o "Dir::Cache=$work/cache"

printf '%s: using these source entries:\n' "$me"
sed 's/^/    /' "$work/sources.list"

apt-get "$@" -q update >"$work/update.log" 2>&1 || {
    cat "$work/update.log" >&2
    die "apt-get update with the private source list failed"
}
# apt-get update exits 0 even when a repository failed to download.
if grep -Eq '^(W|E): (Failed to fetch|Some index files failed)' "$work/update.log" ||
    ! ls "$work/lists/"*_Sources* >/dev/null 2>&1; then
    cat "$work/update.log" >&2
    die "some source indexes could not be downloaded"
fi

(cd "$work/src" && apt-get "$@" -q source cjson) >"$work/source.log" 2>&1 || {
    cat "$work/source.log" >&2
    die "apt-get source cjson failed"
}

tree=
for d in "$work/src"/cjson-*/; do
    [ -f "$d/cJSON.c" ] && [ -f "$d/cJSON.h" ] && tree=${d%/}
done
[ -n "$tree" ] || {
    cat "$work/source.log" >&2
    die "the unpacked cjson source has no cJSON.c and cJSON.h"
}
version=$(sed -n '1s/^[^(]*(\([^)]*\)).*/\1/p' "$tree/debian/changelog" 2>/dev/null || true)

# The unpacked tree becomes DESTDIR itself, so DESTDIR/cJSON.c is the file.
[ -d "$dest" ] && rmdir "$dest"
mv "$tree" "$dest" || die "cannot move the unpacked source to $dest"
if [ "$(id -u)" -eq 0 ]; then
    chown -R 0:0 "$dest"
fi

printf '%s: cJSON %s unpacked\n' "$me" "${version:-(unknown version)}"
printf '%s: cJSON.c is at %s/cJSON.c\n' "$me" "$dest"
