/*
 * fltlib_smoke: lists what Filter Manager reports, through fltlib, as UTF-8
 * lines in the fake fltlib's scenario format (tests/win/README.md):
 *
 *   filter <name> <altitude> <frame|legacy> <instances|->
 *   volume <ntname> <fstype> <dosname|-> [detached]
 *   instance <volume> <filter> <instance|-> <altitude> <frame|legacy> <features> [detached]
 *
 * It proves the Wine harness end to end: a mingw program, the fake
 * fltlib.dll loaded in place of the system's, UTF-16 names coming out as
 * UTF-8 on a Unix pipe. Its buffers start tiny and grow on
 * ERROR_INSUFFICIENT_BUFFER, so that path runs on every record.
 *
 * Exit codes: 0 listed everything, 1 a Filter* call failed (named on
 * stderr), 2 a record was malformed or memory ran out.
 */
#include <windows.h>

#include <fltuser.h>

#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FIRST_BUFFER_BYTES 16 /* smaller than any record */
#define MAX_BUFFER_BYTES   (64 * 1024)
#define HR_MORE_DATA       HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)
#define HR_NO_MORE_ITEMS   HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS)

enum what {
    FILTERS,
    VOLUMES,
    INSTANCES,
};

struct buffer {
    BYTE *bytes;
    DWORD size; /* allocated */
    DWORD used; /* filled by the last call */
};

static const char *const call_names[3][2] = {
    {"FilterFindFirst", "FilterFindNext"},
    {"FilterVolumeFindFirst", "FilterVolumeFindNext"},
    {"FilterVolumeInstanceFindFirst", "FilterVolumeInstanceFindNext"},
};

static HRESULT call_find(enum what w, BOOL first, const WCHAR *volume, HANDLE *h, struct buffer *b)
{
    DWORD *ret = &b->used;
    switch (w) {
    case FILTERS:
        return first
                   ? FilterFindFirst(FilterAggregateStandardInformation, b->bytes, b->size, ret, h)
                   : FilterFindNext(*h, FilterAggregateStandardInformation, b->bytes, b->size, ret);
    case VOLUMES:
        return first ? FilterVolumeFindFirst(FilterVolumeStandardInformation, b->bytes, b->size,
                                             ret, h)
                     : FilterVolumeFindNext(*h, FilterVolumeStandardInformation, b->bytes, b->size,
                                            ret);
    case INSTANCES:
        return first ? FilterVolumeInstanceFindFirst(volume, InstanceAggregateStandardInformation,
                                                     b->bytes, b->size, ret, h)
                     : FilterVolumeInstanceFindNext(*h, InstanceAggregateStandardInformation,
                                                    b->bytes, b->size, ret);
    }
    return E_INVALIDARG;
}

/* One entry into b, growing it to the size the call asks for, up to a cap. */
static HRESULT fetch(enum what w, BOOL first, const WCHAR *volume, HANDLE *h, struct buffer *b)
{
    for (;;) {
        HRESULT hr = call_find(w, first, volume, h, b);
        if (hr != HR_MORE_DATA)
            return hr;
        if (b->used <= b->size || b->used > MAX_BUFFER_BYTES)
            return hr; /* no progress possible: report it */
        BYTE *p = realloc(b->bytes, b->used);
        if (!p)
            return E_OUTOFMEMORY;
        b->bytes = p;
        b->size = b->used;
    }
}

/* Prints a UTF-16 string as one scenario-format token: quoted when it holds a blank or a quote,
 * or is empty. */
static BOOL put_name(const WCHAR *s, size_t chars)
{
    if (chars > INT_MAX / 4)
        return FALSE;
    int n = chars ? WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, (int)chars, NULL, 0, NULL,
                                        NULL)
                  : 0;
    if (chars && n <= 0)
        return FALSE;
    char *u = malloc((size_t)n + 1);
    if (!u)
        return FALSE;
    if (n)
        WideCharToMultiByte(CP_UTF8, WC_ERR_INVALID_CHARS, s, (int)chars, u, n, NULL, NULL);
    u[n] = '\0';
    BOOL quote = n == 0 || strpbrk(u, " \t\"") != NULL;
    if (quote) {
        putchar('"');
        for (char *p = u; *p; p++) {
            if (*p == '"' || *p == '\\')
                putchar('\\');
            putchar(*p);
        }
        putchar('"');
    } else {
        fputs(u, stdout);
    }
    free(u);
    return TRUE;
}

/* A name at (offset, length) bytes in an entry of `used` bytes, checked to lie inside it. */
static BOOL put_field(const struct buffer *b, size_t offset, size_t length)
{
    if (length % 2 || offset % 2 || offset > b->used || length > b->used - offset)
        return FALSE;
    WCHAR *copy = malloc(length + sizeof(WCHAR));
    if (!copy)
        return FALSE;
    memcpy(copy, b->bytes + offset, length);
    BOOL ok = put_name(copy, length / sizeof(WCHAR));
    free(copy);
    return ok;
}

static BOOL print_filter(const struct buffer *b)
{
    const FILTER_AGGREGATE_STANDARD_INFORMATION *r = (const void *)b->bytes;
    if (b->used < sizeof *r)
        return FALSE;
    BOOL ok;
    fputs("filter ", stdout);
    if (r->Flags & FLTFL_ASI_IS_MINIFILTER) {
        ok = put_field(b, r->Type.MiniFilter.FilterNameBufferOffset,
                       r->Type.MiniFilter.FilterNameLength);
        putchar(' ');
        ok = ok && put_field(b, r->Type.MiniFilter.FilterAltitudeBufferOffset,
                             r->Type.MiniFilter.FilterAltitudeLength);
        printf(" %lu %lu\n", r->Type.MiniFilter.FrameID, r->Type.MiniFilter.NumberOfInstances);
    } else {
        ok = put_field(b, r->Type.LegacyFilter.FilterNameBufferOffset,
                       r->Type.LegacyFilter.FilterNameLength);
        putchar(' ');
        ok = ok && put_field(b, r->Type.LegacyFilter.FilterAltitudeBufferOffset,
                             r->Type.LegacyFilter.FilterAltitudeLength);
        fputs(" legacy -\n", stdout);
    }
    return ok;
}

static BOOL print_instance(const struct buffer *b)
{
    const INSTANCE_AGGREGATE_STANDARD_INFORMATION *r = (const void *)b->bytes;
    if (b->used < sizeof *r)
        return FALSE;
    BOOL ok;
    fputs("instance ", stdout);
    if (r->Flags & FLTFL_IASI_IS_MINIFILTER) {
        ok = put_field(b, r->Type.MiniFilter.VolumeNameBufferOffset,
                       r->Type.MiniFilter.VolumeNameLength);
        putchar(' ');
        ok = ok && put_field(b, r->Type.MiniFilter.FilterNameBufferOffset,
                             r->Type.MiniFilter.FilterNameLength);
        putchar(' ');
        ok = ok && put_field(b, r->Type.MiniFilter.InstanceNameBufferOffset,
                             r->Type.MiniFilter.InstanceNameLength);
        putchar(' ');
        ok = ok && put_field(b, r->Type.MiniFilter.AltitudeBufferOffset,
                             r->Type.MiniFilter.AltitudeLength);
        printf(" %lu %08lx%s\n", r->Type.MiniFilter.FrameID, r->Type.MiniFilter.SupportedFeatures,
               r->Type.MiniFilter.Flags & FLTFL_IASIM_DETACHED_VOLUME ? " detached" : "");
    } else {
        ok = put_field(b, r->Type.LegacyFilter.VolumeNameBufferOffset,
                       r->Type.LegacyFilter.VolumeNameLength);
        putchar(' ');
        ok = ok && put_field(b, r->Type.LegacyFilter.FilterNameBufferOffset,
                             r->Type.LegacyFilter.FilterNameLength);
        fputs(" - ", stdout);
        ok = ok && put_field(b, r->Type.LegacyFilter.AltitudeBufferOffset,
                             r->Type.LegacyFilter.AltitudeLength);
        printf(" legacy %08lx%s\n", r->Type.LegacyFilter.SupportedFeatures,
               r->Type.LegacyFilter.Flags & FLTFL_IASIL_DETACHED_VOLUME ? " detached" : "");
    }
    return ok;
}

static void report(const char *call, HRESULT hr)
{
    fflush(stdout);
    fprintf(stderr, "fltlib_smoke: %s failed: 0x%08lx\n", call, (unsigned long)hr);
}

/* Every instance on one volume. Returns the exit code. */
static int list_instances(const WCHAR *volume, struct buffer *b)
{
    HANDLE h = INVALID_HANDLE_VALUE;
    int rc = 0;
    for (BOOL first = TRUE;; first = FALSE) {
        HRESULT hr = fetch(INSTANCES, first, volume, &h, b);
        if (hr == HR_NO_MORE_ITEMS)
            break;
        if (hr != S_OK) {
            report(call_names[INSTANCES][first ? 0 : 1], hr);
            rc = 1;
            break;
        }
        if (!print_instance(b)) {
            rc = 2;
            break;
        }
    }
    if (h != INVALID_HANDLE_VALUE && FilterVolumeInstanceFindClose(h) != S_OK && rc == 0)
        rc = 1;
    return rc;
}

/* One volume line, then its instances. */
static int print_volume(struct buffer *b, struct buffer *scratch)
{
    const FILTER_VOLUME_STANDARD_INFORMATION *r = (const void *)b->bytes;
    size_t name_at = offsetof(FILTER_VOLUME_STANDARD_INFORMATION, FilterVolumeName);
    if (b->used < name_at || r->FilterVolumeNameLength > b->used - name_at)
        return 2;
    size_t chars = r->FilterVolumeNameLength / sizeof(WCHAR);
    WCHAR *name = calloc(chars + 1, sizeof(WCHAR));
    if (!name)
        return 2;
    memcpy(name, b->bytes + name_at, chars * sizeof(WCHAR));

    int rc = 0;
    DWORD cch = 2; /* "C:" needs 3: the grow path runs */
    WCHAR *dos = NULL;
    HRESULT hr;
    do {
        WCHAR *p = realloc(dos, cch * sizeof(WCHAR));
        if (!p) {
            free(dos);
            free(name);
            return 2;
        }
        dos = p;
        hr = FilterGetDosName(name, dos, cch);
        cch *= 2;
    } while (hr == HR_MORE_DATA && cch <= 1024);

    fputs("volume ", stdout);
    if (!put_name(name, chars))
        rc = 2;
    printf(" %d ", (int)r->FileSystemType);
    if (hr != S_OK) {
        report("FilterGetDosName", hr);
        rc = 1;
    } else if (dos[0] == 0) {
        putchar('-');
    } else if (!put_name(dos, wcslen(dos))) {
        rc = 2;
    }
    fputs(r->Flags & FLTFL_VSI_DETACHED_VOLUME ? " detached\n" : "\n", stdout);
    if (rc == 0)
        rc = list_instances(name, scratch);
    free(dos);
    free(name);
    return rc;
}

int main(void)
{
    /* Bytes as they are: no CRLF translation of the UTF-8 output. */
    _setmode(_fileno(stdout), _O_BINARY);

    struct buffer b = {malloc(FIRST_BUFFER_BYTES), FIRST_BUFFER_BYTES, 0};
    struct buffer scratch = {malloc(FIRST_BUFFER_BYTES), FIRST_BUFFER_BYTES, 0};
    if (!b.bytes || !scratch.bytes)
        return 2;
    int rc = 0;

    HANDLE h = INVALID_HANDLE_VALUE;
    for (BOOL first = TRUE; rc == 0; first = FALSE) {
        HRESULT hr = fetch(FILTERS, first, NULL, &h, &b);
        if (hr == HR_NO_MORE_ITEMS)
            break;
        if (hr != S_OK) {
            report(call_names[FILTERS][first ? 0 : 1], hr);
            rc = 1;
        } else if (!print_filter(&b)) {
            rc = 2;
        }
    }
    if (h != INVALID_HANDLE_VALUE && FilterFindClose(h) != S_OK && rc == 0)
        rc = 1;

    h = INVALID_HANDLE_VALUE;
    for (BOOL first = TRUE; rc == 0; first = FALSE) {
        HRESULT hr = fetch(VOLUMES, first, NULL, &h, &b);
        if (hr == HR_NO_MORE_ITEMS)
            break;
        if (hr != S_OK) {
            report(call_names[VOLUMES][first ? 0 : 1], hr);
            rc = 1;
        } else {
            rc = print_volume(&b, &scratch);
        }
    }
    if (h != INVALID_HANDLE_VALUE && FilterVolumeFindClose(h) != S_OK && rc == 0)
        rc = 1;

    free(b.bytes);
    free(scratch.bytes);
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = 2;
    if (rc == 2)
        fputs("fltlib_smoke: malformed record or out of memory\n", stderr);
    return rc;
}
