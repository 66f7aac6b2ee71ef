/*
 * FIEMAP interpretation: every extent map in the captured trial copies must
 * get the verdict the capture recorded, plus synthetic maps for the flags the
 * captures never show (holes, EOF, DELALLOC, UNKNOWN, INLINE, cut-short maps).
 */
#include "check.h"
#include "fixture.h"
#include "linux_internal.h"

#include <linux/fiemap.h>
#include <stdlib.h>
#include <string.h>

/* cotest copies a 1 MiB file (fixture README). */
#define COTEST_SIZE 1048576u

#define MAX_EXT 16

/* "fiemap <what>: extents=N [log=A phys=B len=C flags=0xF ...] ... shared=S/N [ALL_SHARED]" */
static size_t replay(const char *fixture)
{
    char *text = fx_read(fixture, NULL);
    char *line, *next;
    size_t checked = 0;
    for (line = text; line && *line; line = next) {
        struct odx_linux_fiemap_extent ext[MAX_EXT];
        struct odx_linux_share_result r;
        unsigned shared = 0, total = 0;
        size_t n = 0;
        const char *p;
        enum odx_linux_share want;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (!strstr(line, "fiemap ") || !strstr(line, "extents="))
            continue;
        for (p = strstr(line, "[log="); p && n < MAX_EXT; p = strstr(p + 1, "[log=")) {
            unsigned long long lg, ph, ln;
            unsigned fl;
            CHECK_INT(sscanf(p, "[log=%llu phys=%llu len=%llu flags=0x%x", &lg, &ph, &ln, &fl), 4);
            ext[n].logical = lg;
            ext[n].physical = ph;
            ext[n].length = ln;
            ext[n].flags = fl;
            n++;
        }
        p = strstr(line, " shared=");
        CHECK(p != NULL);
        if (!p)
            continue;
        CHECK_INT(sscanf(p, " shared=%u/%u", &shared, &total), 2);
        CHECK_INT(total, n);
        if (strstr(line, "ALL_SHARED"))
            want = ODX_LINUX_SHARE_ALL;
        else if (shared == 0)
            want = ODX_LINUX_SHARE_NONE;
        else
            want = ODX_LINUX_SHARE_SOME;
        CHECK_INT(odx_linux_fiemap_assess(ext, n, COTEST_SIZE, &r), ODX_OK);
        if (r.verdict != want)
            fprintf(stderr, "%s: %s\n", fixture, line);
        CHECK_INT(r.verdict, want);
        CHECK(r.saw_last && r.complete);
        CHECK_U64(r.shared_bytes + r.unshared_bytes, COTEST_SIZE);
        checked++;
    }
    free(text);
    return checked;
}

static void test_captures(void)
{
    static const char *const files[] = {
        "xfs-loop/cotest.txt",       "btrfs-loop/cotest.txt",    "ext4-loop/cotest.txt",
        "overlay-on-xfs/cotest.txt", "zram-xfs/cotest.txt",      "bindfs-on-xfs/cotest.txt",
        "fuse-overlayfs/cotest.txt", "squashfs-loop/cotest.txt", "tmpfs/cotest.txt",
    };
    size_t i, total = 0, ext4 = 0, bindfs = 0;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        size_t n = replay(files[i]);
        total += n;
        if (i == 2)
            ext4 = n;
        if (i == 5)
            bindfs = n;
    }
    /* ext4 (real copy) and bindfs's backing XFS (kernel splice copy) give NONE; the others
     * mostly ALL. */
    CHECK_INT(ext4, 3);
    CHECK_INT(bindfs, 2);
    CHECK_INT(total, 62);
}

static enum odx_linux_share verdict(const struct odx_linux_fiemap_extent *e, size_t n,
                                    uint64_t size, struct odx_linux_share_result *r)
{
    CHECK_INT(odx_linux_fiemap_assess(e, n, size, r), ODX_OK);
    return r->verdict;
}

#define SH ODX_LINUX_FIEMAP_EXTENT_SHARED
#define LA ODX_LINUX_FIEMAP_EXTENT_LAST

static void test_synthetic(void)
{
    struct odx_linux_share_result r;

    /* Empty file; a file that is all hole. */
    CHECK_INT(verdict(NULL, 0, 0, &r), ODX_LINUX_SHARE_EMPTY);
    CHECK(r.complete);
    CHECK_INT(verdict(NULL, 0, 100, &r), ODX_LINUX_SHARE_EMPTY);
    {
        /* Holes are not data: a sparse reflinked file is still ALL. */
        const struct odx_linux_fiemap_extent e[] = {{0, 1000, 4096, SH},
                                                    {8192, 9000, 4096, SH | LA}};
        CHECK_INT(verdict(e, 2, 12288, &r), ODX_LINUX_SHARE_ALL);
        CHECK_U64(r.shared_bytes, 8192);
    }
    {
        const struct odx_linux_fiemap_extent e[] = {{0, 1000, 4096, SH}, {4096, 9000, 4096, LA}};
        CHECK_INT(verdict(e, 2, 8192, &r), ODX_LINUX_SHARE_SOME);
        CHECK_U64(r.shared_bytes, 4096);
        CHECK_U64(r.unshared_bytes, 4096);
    }
    {
        /* Block rounding and preallocation past EOF are not data. */
        const struct odx_linux_fiemap_extent e[] = {{0, 1000, 8192, SH}, {8192, 9000, 8192, LA}};
        CHECK_INT(verdict(e, 2, 5000, &r), ODX_LINUX_SHARE_ALL);
        CHECK_U64(r.shared_bytes, 5000);
        CHECK_U64(r.unshared_bytes, 0);
    }
    {
        /* Dirty page cache: a write happened, so not a reflink. */
        const struct odx_linux_fiemap_extent e[] = {
            {0, 0, 4096, ODX_LINUX_FIEMAP_EXTENT_UNKNOWN | ODX_LINUX_FIEMAP_EXTENT_DELALLOC | LA}};
        CHECK_INT(verdict(e, 1, 4096, &r), ODX_LINUX_SHARE_NONE);
        CHECK_U64(r.unshared_bytes, 4096);
    }
    {
        const struct odx_linux_fiemap_extent e[] = {
            {0, 0, 4096, ODX_LINUX_FIEMAP_EXTENT_UNKNOWN | LA}};
        CHECK_INT(verdict(e, 1, 4096, &r), ODX_LINUX_SHARE_INDETERMINATE);
        CHECK_U64(r.unknown_bytes, 4096);
    }
    {
        const struct odx_linux_fiemap_extent e[] = {
            {0, 1000, 4096, SH}, {4096, 0, 4096, ODX_LINUX_FIEMAP_EXTENT_UNKNOWN | LA}};
        CHECK_INT(verdict(e, 2, 8192, &r), ODX_LINUX_SHARE_SOME);
    }
    {
        /* Inline data (btrfs small files) cannot be shared: left out. */
        const struct odx_linux_fiemap_extent e[] = {
            {0, 0, 100,
             ODX_LINUX_FIEMAP_EXTENT_DATA_INLINE | ODX_LINUX_FIEMAP_EXTENT_NOT_ALIGNED | LA}};
        CHECK_INT(verdict(e, 1, 100, &r), ODX_LINUX_SHARE_INDETERMINATE);
        CHECK_U64(r.inline_bytes, 100);
        CHECK_U64(r.shared_bytes + r.unshared_bytes, 0);
    }
    {
        const struct odx_linux_fiemap_extent e[] = {
            {0, 1000, 4096, SH}, {4096, 0, 50, ODX_LINUX_FIEMAP_EXTENT_DATA_TAIL | LA}};
        CHECK_INT(verdict(e, 2, 4146, &r), ODX_LINUX_SHARE_ALL);
        CHECK_U64(r.inline_bytes, 50);
    }
    {
        /* Compressed (btrfs) and unwritten extents count like any other. */
        const struct odx_linux_fiemap_extent e[] = {
            {0, 1000, 4096, SH | ODX_LINUX_FIEMAP_EXTENT_ENCODED},
            {4096, 9000, 4096, SH | ODX_LINUX_FIEMAP_EXTENT_UNWRITTEN | LA}};
        CHECK_INT(verdict(e, 2, 8192, &r), ODX_LINUX_SHARE_ALL);
    }
    {
        /* Cut short: no LAST and the map stops before EOF. */
        const struct odx_linux_fiemap_extent e[] = {{0, 1000, 4096, SH}};
        CHECK_INT(verdict(e, 1, 8192, &r), ODX_LINUX_SHARE_SOME);
        CHECK(!r.complete && !r.saw_last);
        /* Reaching EOF without LAST is complete. */
        CHECK_INT(verdict(e, 1, 4096, &r), ODX_LINUX_SHARE_ALL);
        CHECK(r.complete && !r.saw_last);
    }
    {
        /* A trailing hole after LAST is fine. */
        const struct odx_linux_fiemap_extent e[] = {{0, 1000, 4096, SH | LA}};
        CHECK_INT(verdict(e, 1, 1u << 20, &r), ODX_LINUX_SHARE_ALL);
    }
}

static void test_bad(void)
{
    struct odx_linux_share_result r;
    const struct odx_linux_fiemap_extent overlap[] = {{0, 0, 8192, 0}, {4096, 0, 4096, LA}};
    const struct odx_linux_fiemap_extent order[] = {{8192, 0, 4096, 0}, {0, 0, 4096, LA}};
    const struct odx_linux_fiemap_extent wrap[] = {{UINT64_MAX - 10, 0, 11, LA}};
    const struct odx_linux_fiemap_extent edge[] = {{UINT64_MAX - 10, 0, 10, SH | LA}};
    CHECK_INT(odx_linux_fiemap_assess(overlap, 2, 8192, &r), ODX_E_MALFORMED);
    CHECK_INT(r.verdict, ODX_LINUX_SHARE_EMPTY);
    CHECK_INT(odx_linux_fiemap_assess(order, 2, 12288, &r), ODX_E_MALFORMED);
    CHECK_INT(odx_linux_fiemap_assess(wrap, 1, UINT64_MAX, &r), ODX_E_RANGE);
    CHECK_INT(odx_linux_fiemap_assess(edge, 1, UINT64_MAX, &r), ODX_OK);
    CHECK_INT(r.verdict, ODX_LINUX_SHARE_ALL);
    CHECK_INT(odx_linux_fiemap_assess(NULL, 1, 0, &r), ODX_E_INVAL);
    CHECK_INT(odx_linux_fiemap_assess(edge, 1, 0, NULL), ODX_E_INVAL);
    CHECK_INT(odx_linux_fiemap_assess(edge, (size_t)ODX_LINUX_FIEMAP_MAX_EXTENTS + 1u, 0, &r),
              ODX_E_TOO_BIG);
}

static void test_constants(void)
{
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_LAST, FIEMAP_EXTENT_LAST);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_UNKNOWN, FIEMAP_EXTENT_UNKNOWN);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_DELALLOC, FIEMAP_EXTENT_DELALLOC);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_ENCODED, FIEMAP_EXTENT_ENCODED);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_NOT_ALIGNED, FIEMAP_EXTENT_NOT_ALIGNED);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_DATA_INLINE, FIEMAP_EXTENT_DATA_INLINE);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_DATA_TAIL, FIEMAP_EXTENT_DATA_TAIL);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_UNWRITTEN, FIEMAP_EXTENT_UNWRITTEN);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_SHARED, FIEMAP_EXTENT_SHARED);
    CHECK_INT(ODX_LINUX_FIEMAP_EXTENT_SHARED, 0x2000);
}

int main(void)
{
    test_constants();
    test_captures();
    test_synthetic();
    test_bad();
    CHECK_DONE();
}
