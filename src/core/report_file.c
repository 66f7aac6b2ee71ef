/*
 * Reading a saved report into memory, with a hard size cap: the reader
 * (report_read.c) then parses it. Plain C stdio only, so the same code
 * serves every platform; it never writes and never prints.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"
#include "odx/report.h"

#define FIRST_CHUNK (64u * 1024u)

static enum odx_status failf(enum odx_status st, char *err, size_t errsize, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static enum odx_status failf(enum odx_status st, char *err, size_t errsize, const char *fmt, ...)
{
    va_list ap;
    if (err && errsize) {
        va_start(ap, fmt);
        vsnprintf(err, errsize, fmt, ap);
        va_end(ap);
    }
    return st;
}

/*
 * The file's size when it can be told by seeking (a regular file), or -1.
 * Only a hint: a directory or a device may answer with anything.
 */
static long size_hint(FILE *f)
{
    long size;
    if (fseek(f, 0, SEEK_END) != 0)
        return -1;
    size = ftell(f);
    rewind(f);
    return size;
}

enum odx_status odx_report_read_file(const char *path, size_t max_bytes, char **out,
                                     size_t *out_len, char *err, size_t errsize)
{
    FILE *f = NULL;
    char *buf = NULL, *grown;
    size_t len = 0, cap, n;
    long hint = -1;
    bool is_stdin;
    const char *name;
    char limit[48];
    enum odx_status st = ODX_OK;
    int saved;

    *out = NULL;
    *out_len = 0;
    if (err && errsize)
        err[0] = '\0';
    if (!path)
        return failf(ODX_E_INVAL, err, errsize, "no path given");
    if (max_bytes > SIZE_MAX - 2)
        max_bytes = SIZE_MAX - 2; /* room for the byte past the limit and the NUL */
    snprintf(limit, sizeof(limit), "%" PRIu64, (uint64_t)max_bytes);
    is_stdin = strcmp(path, "-") == 0;
    name = is_stdin ? "standard input" : path;

    if (is_stdin) {
        f = stdin;
    } else {
        errno = 0;
        f = fopen(path, "rb");
        if (!f) {
            saved = errno;
            return failf(saved == ENOENT ? ODX_E_NOT_FOUND : ODX_E_IO, err, errsize,
                         "cannot open %s: %s", path, strerror(saved));
        }
        hint = size_hint(f);
    }

    if (hint >= 0 && (unsigned long)hint > max_bytes) {
        /* Read one byte first: a directory must say so, not "too big". */
        char probe;
        errno = 0;
        if (fread(&probe, 1, 1, f) != 1 && ferror(f)) {
            saved = errno;
            st = failf(ODX_E_IO, err, errsize, "cannot read %s: %s", name, strerror(saved));
        } else {
            st = failf(ODX_E_TOO_BIG, err, errsize, "%s is larger than the %s-byte limit", name,
                       limit);
        }
        goto out;
    }

    cap = hint >= 0 ? (size_t)hint + 1 : FIRST_CHUNK; /* +1: reaching EOF needs one more read */
    if (cap > max_bytes + 1)
        cap = max_bytes + 1;
    buf = odx_malloc(cap + 1);
    if (!buf) {
        st = failf(ODX_E_NOMEM, err, errsize, "cannot read %s: %s", name, "out of memory");
        goto out;
    }
    for (;;) {
        if (len == cap) {
            size_t next;
            if (cap > max_bytes) {
                st = failf(ODX_E_TOO_BIG, err, errsize, "%s is larger than the %s-byte limit", name,
                           limit);
                goto out;
            }
            next = cap > (max_bytes + 1) / 2 ? max_bytes + 1 : cap * 2;
            grown = odx_realloc(buf, next + 1);
            if (!grown) {
                st = failf(ODX_E_NOMEM, err, errsize, "cannot read %s: %s", name, "out of memory");
                goto out;
            }
            buf = grown;
            cap = next;
        }
        errno = 0;
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (len < cap) {
            if (ferror(f)) {
                saved = errno;
                st = failf(ODX_E_IO, err, errsize, "cannot read %s: %s", name,
                           saved ? strerror(saved) : "read error");
                goto out;
            }
            if (feof(f))
                break;
        }
    }
    if (len > max_bytes) {
        st = failf(ODX_E_TOO_BIG, err, errsize, "%s is larger than the %s-byte limit", name, limit);
        goto out;
    }
    buf[len] = '\0';
    *out = buf;
    *out_len = len;
    buf = NULL;
out:
    odx_free(buf);
    if (f && !is_stdin)
        fclose(f);
    return st;
}
