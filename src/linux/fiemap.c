/*
 * Reading a FIEMAP extent map after a trial copy: were the destination's
 * bytes shared with the source (a reflink, or copy_file_range that the file
 * system turned into one), or written anew (a byte copy)? A successful
 * copy_file_range alone cannot tell: the kernel falls back to copying bytes.
 *
 * Pure; the probe issues FS_IOC_FIEMAP itself. Flag meanings are those of
 * Documentation/filesystems/fiemap.rst and include/uapi/linux/fiemap.h.
 */
#include "linux_internal.h"

#include <string.h>

enum odx_status odx_linux_fiemap_assess(const struct odx_linux_fiemap_extent *extents, size_t count,
                                        uint64_t file_size, struct odx_linux_share_result *out)
{
    struct odx_linux_share_result r;
    uint64_t prev_end = 0;
    size_t i;

    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof(*out));
    if (!extents && count)
        return ODX_E_INVAL;
    if (count > ODX_LINUX_FIEMAP_MAX_EXTENTS)
        return ODX_E_TOO_BIG;
    memset(&r, 0, sizeof(r));

    for (i = 0; i < count; i++) {
        const struct odx_linux_fiemap_extent *e = &extents[i];
        uint64_t end, len;
        if (e->length > UINT64_MAX - e->logical)
            return ODX_E_RANGE;
        end = e->logical + e->length;
        /* The kernel reports extents in ascending order; overlap means a forged or mixed map. */
        if (e->logical < prev_end)
            return ODX_E_MALFORMED;
        prev_end = end;
        if (e->flags & ODX_LINUX_FIEMAP_EXTENT_LAST)
            r.saw_last = true;
        if (e->logical >= file_size)
            continue; /* preallocated past EOF: not data */
        len = (end < file_size ? end : file_size) - e->logical;
        if (e->flags & (ODX_LINUX_FIEMAP_EXTENT_DATA_INLINE | ODX_LINUX_FIEMAP_EXTENT_DATA_TAIL))
            r.inline_bytes += len; /* stored with metadata: no extent to share */
        else if (e->flags & ODX_LINUX_FIEMAP_EXTENT_DELALLOC)
            r.unshared_bytes += len; /* dirty page cache: a write, never a reflink */
        else if (e->flags & ODX_LINUX_FIEMAP_EXTENT_UNKNOWN)
            r.unknown_bytes += len;
        else if (e->flags & ODX_LINUX_FIEMAP_EXTENT_SHARED)
            r.shared_bytes += len;
        else
            r.unshared_bytes += len;
    }
    /* Without LAST the caller's buffer may have cut the map short, unless it already reaches
     * the end of the file. */
    r.complete = r.saw_last || prev_end >= file_size;

    if (r.shared_bytes + r.unshared_bytes + r.unknown_bytes + r.inline_bytes == 0)
        r.verdict = ODX_LINUX_SHARE_EMPTY;
    else if (r.shared_bytes + r.unshared_bytes == 0)
        r.verdict = ODX_LINUX_SHARE_INDETERMINATE;
    else if (r.shared_bytes == 0)
        r.verdict = ODX_LINUX_SHARE_NONE;
    else if (r.unshared_bytes == 0 && r.unknown_bytes == 0 && r.complete)
        r.verdict = ODX_LINUX_SHARE_ALL;
    else
        r.verdict = ODX_LINUX_SHARE_SOME;
    *out = r;
    return ODX_OK;
}
