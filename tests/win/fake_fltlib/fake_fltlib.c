/*
 * A scripted fltlib.dll for tests: a Filter Manager that shows exactly the
 * filters, volumes and instances a scenario file describes.
 *
 * Built as fltlib.dll beside the test programs, it is loaded instead of the
 * system's (Wine's own fltlib aborts on most calls). At the first call it
 * reads the scenario named by ODX_FAKE_FLTLIB (format: tests/win/README.md);
 * with no scenario the machine is empty. Records are byte-exact Windows
 * layouts, one entry per call as Filter Manager returns them, and the
 * documented contract holds [S2 in the fact sheet]: ERROR_INSUFFICIENT_BUFFER
 * with the size needed, ERROR_NO_MORE_ITEMS at the end, E_INVALIDARG for an
 * unknown information class. Where the documentation says nothing, the
 * fake's choice is written next to the code and in the README.
 *
 * The records are laid out here with mingw-w64's own structure definitions,
 * not with the encoders of odx/winparse.h: the back end decodes with
 * winparse, and an encoder sharing its reading of the layout would let a
 * mistake in that reading pass every test.
 *
 * It tracks open search handles; at process exit it writes how many were
 * never closed to the file named by ODX_FAKE_FLTLIB_LEAKS. A bad scenario
 * ends the process with exit code 125 and a message on stderr, so that a
 * typo in a test cannot pass for a result.
 */
#include <windows.h>

#include <fltuser.h>
#include <fltwinerror.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#define SCENARIO_ENV       L"ODX_FAKE_FLTLIB"
#define LEAKS_ENV          L"ODX_FAKE_FLTLIB_LEAKS"
#define BAD_SCENARIO_EXIT  125
#define MAX_SCENARIO_BYTES (1024 * 1024)
/* Longer than Filter Manager allows (255 / 1024 characters [S1]), so tests can probe decoders,
 * and short enough that four names and a fixed part fit the USHORT offsets of one record. */
#define MAX_NAME_CHARS     4096
#define SCRATCH_BYTES      65536
#define MAX_TOKENS         10
#define MAX_PATH_CHARS     4096

#ifdef __GNUC__
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

/* A UTF-16 string, NUL-terminated; bytes excludes the NUL. buf NULL means "none". */
struct wstr {
    WCHAR *buf;
    size_t bytes;
};

struct filter {
    struct wstr name;
    struct wstr altitude;
    BOOL legacy;
    ULONG frame;
    ULONG instances;
};

struct volume {
    struct wstr nt_name;
    struct wstr dos_name; /* buf NULL: no drive letter or mount point */
    ULONG fs_type;
    BOOL detached;
};

struct instance {
    struct wstr volume;
    struct wstr filter;
    struct wstr name; /* empty for a legacy filter, which has no instance name */
    struct wstr altitude;
    BOOL legacy;
    ULONG frame;
    ULONG features;
    BOOL detached;
    ULONG fs_type; /* from the volume line, FLT_FSTYPE_UNKNOWN without one */
};

enum fn {
    FN_FILTER_FIND_FIRST,
    FN_FILTER_FIND_NEXT,
    FN_FILTER_FIND_CLOSE,
    FN_VOLUME_FIND_FIRST,
    FN_VOLUME_FIND_NEXT,
    FN_VOLUME_FIND_CLOSE,
    FN_VOLUME_INSTANCE_FIND_FIRST,
    FN_VOLUME_INSTANCE_FIND_NEXT,
    FN_VOLUME_INSTANCE_FIND_CLOSE,
    FN_INSTANCE_FIND_FIRST,
    FN_INSTANCE_FIND_NEXT,
    FN_INSTANCE_FIND_CLOSE,
    FN_GET_DOS_NAME,
    FN_COUNT
};

static const char *const fn_names[FN_COUNT] = {
    "FilterFindFirst",
    "FilterFindNext",
    "FilterFindClose",
    "FilterVolumeFindFirst",
    "FilterVolumeFindNext",
    "FilterVolumeFindClose",
    "FilterVolumeInstanceFindFirst",
    "FilterVolumeInstanceFindNext",
    "FilterVolumeInstanceFindClose",
    "FilterInstanceFindFirst",
    "FilterInstanceFindNext",
    "FilterInstanceFindClose",
    "FilterGetDosName",
};

/* "fail" lines: calls after the first `after` successful ones return hr. */
struct fail {
    BOOL armed;
    HRESULT hr;
    ULONG after;
    ULONG successes;
};

enum find_kind {
    KIND_FILTER,
    KIND_VOLUME,
    KIND_INSTANCE, /* both FilterVolumeInstanceFind* and FilterInstanceFind* */
};

/* A search handle: the entries it walks, chosen at FindFirst, and a cursor. */
struct find {
    struct find *next;
    enum find_kind kind;
    enum fn first_fn; /* which FindFirst made it: Next and Close must match */
    size_t *items;
    size_t count;
    size_t cursor;
};

static CRITICAL_SECTION lock;
static BOOL loaded;
static char scenario_path[MAX_PATH_CHARS * 3];
static struct filter *filters;
static size_t n_filters, cap_filters;
static struct volume *volumes;
static size_t n_volumes, cap_volumes;
static struct instance *instances;
static size_t n_instances, cap_instances;
static struct fail fails[FN_COUNT];
static struct find *open_finds;
static volatile LONG open_count;

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved);

/* ---- Scenario ---------------------------------------------------------- */

static void bad_scenario(unsigned long line, const char *fmt, ...) PRINTF_LIKE(2, 3);

static void bad_scenario(unsigned long line, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "fake fltlib: %s:%lu: ", scenario_path, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fflush(stderr);
    ExitProcess(BAD_SCENARIO_EXIT);
}

/* Wine maps the Unix root to drive Z:, so a path from a test script that starts with '/' is
 * rewritten to Z:\... in place; any other path is used as it is. */
static BOOL env_path(const WCHAR *name, WCHAR *out, size_t cap)
{
    DWORD n = GetEnvironmentVariableW(name, out + 2, (DWORD)(cap - 2));
    if (n == 0 || n >= cap - 2)
        return FALSE;
    if (out[2] == L'/') {
        out[0] = L'Z';
        out[1] = L':';
        for (WCHAR *p = out + 2; *p; p++)
            if (*p == L'/')
                *p = L'\\';
    } else {
        memmove(out, out + 2, (n + 1) * sizeof(WCHAR));
    }
    return TRUE;
}

static void *grow(void *array, size_t *cap, size_t n, size_t elem)
{
    if (n < *cap)
        return array;
    size_t new_cap = *cap ? *cap * 2 : 8;
    void *p = realloc(array, new_cap * elem);
    if (!p)
        bad_scenario(0, "out of memory");
    *cap = new_cap;
    return p;
}

static struct wstr utf8_to_wstr(unsigned long line, const char *s)
{
    struct wstr w = {NULL, 0};
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    if (n <= 0)
        bad_scenario(line, "'%s' is not valid UTF-8", s);
    if (n - 1 > MAX_NAME_CHARS)
        bad_scenario(line, "a name is longer than %d UTF-16 units", MAX_NAME_CHARS);
    w.buf = calloc((size_t)n, sizeof(WCHAR));
    if (!w.buf)
        bad_scenario(line, "out of memory");
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w.buf, n);
    w.bytes = (size_t)(n - 1) * sizeof(WCHAR);
    return w;
}

static ULONG parse_ulong(unsigned long line, const char *s, int base, const char *what)
{
    char *end;
    errno = 0;
    if (*s == '-' || *s == '+' || *s == ' ' || *s == '\0')
        bad_scenario(line, "%s '%s' is not a number", what, s);
    unsigned long v = strtoul(s, &end, base);
    if (errno || *end != '\0')
        bad_scenario(line, "%s '%s' is not a number", what, s);
    return (ULONG)v;
}

/* Frame number of a minifilter, or "legacy". */
static void parse_frame(unsigned long line, const char *s, BOOL *legacy, ULONG *frame)
{
    *legacy = strcmp(s, "legacy") == 0;
    *frame = *legacy ? 0 : parse_ulong(line, s, 10, "frame");
}

/* Splits a line in place into whitespace-separated tokens; "double quotes" keep spaces, and
 * inside them \" and \\ stand for " and \. Returns the number of tokens. */
static int tokenize(unsigned long line, char *s, char **tok)
{
    int n = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t')
            s++;
        if (*s == '\0')
            return n;
        if (n == MAX_TOKENS)
            bad_scenario(line, "too many fields");
        if (*s == '"') {
            char *w = ++s;
            tok[n++] = w;
            while (*s != '"') {
                if (*s == '\0')
                    bad_scenario(line, "unterminated quote");
                if (*s == '\\' && (s[1] == '"' || s[1] == '\\'))
                    s++;
                *w++ = *s++;
            }
            s++;
            if (*s != '\0' && *s != ' ' && *s != '\t')
                bad_scenario(line, "text right after a closing quote");
            *w = '\0';
            if (*s)
                s++;
        } else {
            tok[n++] = s;
            while (*s && *s != ' ' && *s != '\t')
                s++;
            if (*s)
                *s++ = '\0';
        }
    }
}

/* Names compare case-insensitively, as Windows object names do. */
static BOOL wstr_equal_n(const WCHAR *a, size_t alen, const WCHAR *b, size_t blen)
{
    return CompareStringOrdinal(a, (int)alen, b, (int)blen, TRUE) == CSTR_EQUAL;
}

static BOOL wstr_equal(const WCHAR *a, const WCHAR *b)
{
    return wstr_equal_n(a, wcslen(a), b, wcslen(b));
}

/* Length of s without trailing backslashes (a lone "\" stays). */
static size_t trimmed_len(const WCHAR *s)
{
    size_t n = wcslen(s);
    while (n > 1 && s[n - 1] == L'\\')
        n--;
    return n;
}

static BOOL volume_names_equal(const WCHAR *a, const WCHAR *b)
{
    return wstr_equal_n(a, trimmed_len(a), b, trimmed_len(b));
}

static void parse_line(unsigned long line, char *text)
{
    char *t[MAX_TOKENS];
    const char *p = text;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p == '#')
        return;
    int n = tokenize(line, text, t);
    if (n == 0)
        return;
    if (strcmp(t[0], "filter") == 0) {
        if (n != 5)
            bad_scenario(line, "usage: filter <name> <altitude> <frame|legacy> <instances>");
        filters = grow(filters, &cap_filters, n_filters, sizeof *filters);
        struct filter *f = &filters[n_filters++];
        f->name = utf8_to_wstr(line, t[1]);
        f->altitude = utf8_to_wstr(line, t[2]);
        parse_frame(line, t[3], &f->legacy, &f->frame);
        f->instances =
            f->legacy && strcmp(t[4], "-") == 0 ? 0 : parse_ulong(line, t[4], 10, "count");
    } else if (strcmp(t[0], "volume") == 0) {
        if (n != 4 && !(n == 5 && strcmp(t[4], "detached") == 0))
            bad_scenario(line, "usage: volume <ntname> <fstype-number> <dosname|-> [detached]");
        volumes = grow(volumes, &cap_volumes, n_volumes, sizeof *volumes);
        struct volume *v = &volumes[n_volumes++];
        v->nt_name = utf8_to_wstr(line, t[1]);
        v->fs_type = parse_ulong(line, t[2], 10, "file-system type");
        v->dos_name = strcmp(t[3], "-") == 0 ? (struct wstr){NULL, 0} : utf8_to_wstr(line, t[3]);
        v->detached = n == 5;
    } else if (strcmp(t[0], "instance") == 0) {
        if (n != 7 && !(n == 8 && strcmp(t[7], "detached") == 0))
            bad_scenario(line,
                         "usage: instance <volume-ntname> <filter> <instance-name> <altitude> "
                         "<frame|legacy> <supported-features-hex> [detached]");
        instances = grow(instances, &cap_instances, n_instances, sizeof *instances);
        struct instance *i = &instances[n_instances++];
        i->volume = utf8_to_wstr(line, t[1]);
        i->filter = utf8_to_wstr(line, t[2]);
        i->name = utf8_to_wstr(line, strcmp(t[3], "-") == 0 ? "" : t[3]);
        i->altitude = utf8_to_wstr(line, t[4]);
        parse_frame(line, t[5], &i->legacy, &i->frame);
        i->features = parse_ulong(line, t[6], 16, "supported features");
        i->detached = n == 8;
    } else if (strcmp(t[0], "fail") == 0) {
        if (n != 3 && n != 4)
            bad_scenario(line,
                         "usage: fail <FunctionName> <hresult-hex> [after-n-successful-calls]");
        size_t k = 0;
        while (k < FN_COUNT && strcmp(fn_names[k], t[1]) != 0)
            k++;
        if (k == FN_COUNT)
            bad_scenario(line, "unknown function '%s'", t[1]);
        if (fails[k].armed)
            bad_scenario(line, "a second fail line for %s", t[1]);
        fails[k].armed = TRUE;
        fails[k].hr = (HRESULT)parse_ulong(line, t[2], 16, "HRESULT");
        fails[k].after = n == 4 ? parse_ulong(line, t[3], 10, "call count") : 0;
    } else {
        bad_scenario(line, "unknown line type '%s'", t[0]);
    }
}

static void load_scenario(void)
{
    WCHAR path[MAX_PATH_CHARS];
    if (!env_path(SCENARIO_ENV, path, MAX_PATH_CHARS) || path[0] == 0)
        return; /* no scenario: a machine without filters or volumes */
    WideCharToMultiByte(CP_UTF8, 0, path, -1, scenario_path, (int)sizeof scenario_path, NULL, NULL);

    HANDLE h = CreateFileW(path, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (h == INVALID_HANDLE_VALUE)
        bad_scenario(0, "cannot open (error %lu)", GetLastError());
    LARGE_INTEGER size;
    if (!GetFileSizeEx(h, &size) || size.QuadPart > MAX_SCENARIO_BYTES)
        bad_scenario(0, "larger than %d bytes or of unknown size", MAX_SCENARIO_BYTES);
    char *text = malloc((size_t)size.QuadPart + 1);
    DWORD got = 0;
    if (!text)
        bad_scenario(0, "out of memory");
    if (!ReadFile(h, text, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart)
        bad_scenario(0, "cannot read (error %lu)", GetLastError());
    CloseHandle(h);
    text[got] = '\0';
    if (strlen(text) != got)
        bad_scenario(0, "holds a NUL byte");

    char *s = text;
    if ((unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB && (unsigned char)s[2] == 0xBF)
        s += 3;
    for (unsigned long line = 1; *s; line++) {
        char *eol = strchr(s, '\n');
        char *next = eol ? eol + 1 : s + strlen(s);
        if (eol) {
            *eol = '\0';
            if (eol > s && eol[-1] == '\r')
                eol[-1] = '\0';
        }
        parse_line(line, s);
        s = next;
    }
    free(text);

    for (size_t i = 0; i < n_instances; i++)
        for (size_t v = 0; v < n_volumes; v++)
            if (volume_names_equal(instances[i].volume.buf, volumes[v].nt_name.buf)) {
                instances[i].fs_type = volumes[v].fs_type;
                break;
            }
}

/* Called with the lock held, by every export. */
static void ensure_loaded(void)
{
    if (!loaded) {
        loaded = TRUE;
        load_scenario();
    }
}

static HRESULT injected(enum fn fn)
{
    struct fail *f = &fails[fn];
    return f->armed && f->successes >= f->after ? f->hr : S_OK;
}

static HRESULT count_success(enum fn fn, HRESULT hr)
{
    if (hr == S_OK)
        fails[fn].successes++;
    return hr;
}

/* ---- Records ----------------------------------------------------------- */

static size_t align8(size_t n)
{
    return (n + 7u) & ~(size_t)7u;
}

/* Places s after the record's fixed part at the next 8-byte boundary and returns its offset,
 * relative to the start of the entry as Filter Manager's *BufferOffset fields are [S1]. */
static USHORT put_str(uint8_t *entry, size_t *end, const struct wstr *s)
{
    size_t off = align8(*end);
    memcpy(entry + off, s->buf, s->bytes);
    *end = off + s->bytes;
    return (USHORT)off;
}

/* A record whose name follows inline at name_off (no offset field); never shorter than the
 * declared structure. */
static size_t put_inline(uint8_t *entry, size_t name_off, size_t struct_size, const struct wstr *s)
{
    memcpy(entry + name_off, s->buf, s->bytes);
    size_t end = name_off + s->bytes;
    return end > struct_size ? end : struct_size;
}

static BOOL filter_class_valid(int cls)
{
    return cls == FilterFullInformation || cls == FilterAggregateBasicInformation ||
           cls == FilterAggregateStandardInformation;
}

static BOOL volume_class_valid(int cls)
{
    return cls == FilterVolumeBasicInformation || cls == FilterVolumeStandardInformation;
}

static BOOL instance_class_valid(int cls)
{
    return cls == InstanceBasicInformation || cls == InstancePartialInformation ||
           cls == InstanceFullInformation || cls == InstanceAggregateStandardInformation;
}

/* FilterFullInformation leaves legacy filters out [S2]; so do the instance classes older than
 * the aggregate one, which describe minifilter instances only. */
static BOOL representable(enum find_kind kind, size_t item, int cls)
{
    if (kind == KIND_FILTER)
        return !(cls == FilterFullInformation && filters[item].legacy);
    if (kind == KIND_INSTANCE)
        return cls == InstanceAggregateStandardInformation || !instances[item].legacy;
    return TRUE;
}

static size_t build_filter(uint8_t *e, const struct filter *f, int cls)
{
    size_t end;
    if (cls == FilterFullInformation) {
        FILTER_FULL_INFORMATION r;
        memset(&r, 0, sizeof r);
        r.FrameID = f->frame;
        r.NumberOfInstances = f->instances;
        r.FilterNameLength = (USHORT)f->name.bytes;
        memcpy(e, &r, offsetof(FILTER_FULL_INFORMATION, FilterNameBuffer));
        return put_inline(e, offsetof(FILTER_FULL_INFORMATION, FilterNameBuffer), sizeof r,
                          &f->name);
    }
    if (cls == FilterAggregateBasicInformation) {
        FILTER_AGGREGATE_BASIC_INFORMATION r;
        memset(&r, 0, sizeof r);
        end = sizeof r;
        if (f->legacy) {
            r.Flags = FLTFL_AGGREGATE_INFO_IS_LEGACYFILTER;
            r.Type.LegacyFilter.FilterNameLength = (USHORT)f->name.bytes;
            r.Type.LegacyFilter.FilterNameBufferOffset = put_str(e, &end, &f->name);
        } else {
            r.Flags = FLTFL_AGGREGATE_INFO_IS_MINIFILTER;
            r.Type.MiniFilter.FrameID = f->frame;
            r.Type.MiniFilter.NumberOfInstances = f->instances;
            r.Type.MiniFilter.FilterNameLength = (USHORT)f->name.bytes;
            r.Type.MiniFilter.FilterNameBufferOffset = put_str(e, &end, &f->name);
            r.Type.MiniFilter.FilterAltitudeLength = (USHORT)f->altitude.bytes;
            r.Type.MiniFilter.FilterAltitudeBufferOffset = put_str(e, &end, &f->altitude);
        }
        memcpy(e, &r, sizeof r);
        return end;
    }
    FILTER_AGGREGATE_STANDARD_INFORMATION r;
    memset(&r, 0, sizeof r);
    end = sizeof r;
    if (f->legacy) {
        r.Flags = FLTFL_ASI_IS_LEGACYFILTER;
        r.Type.LegacyFilter.FilterNameLength = (USHORT)f->name.bytes;
        r.Type.LegacyFilter.FilterNameBufferOffset = put_str(e, &end, &f->name);
        r.Type.LegacyFilter.FilterAltitudeLength = (USHORT)f->altitude.bytes;
        r.Type.LegacyFilter.FilterAltitudeBufferOffset = put_str(e, &end, &f->altitude);
    } else {
        r.Flags = FLTFL_ASI_IS_MINIFILTER;
        r.Type.MiniFilter.FrameID = f->frame;
        r.Type.MiniFilter.NumberOfInstances = f->instances;
        r.Type.MiniFilter.FilterNameLength = (USHORT)f->name.bytes;
        r.Type.MiniFilter.FilterNameBufferOffset = put_str(e, &end, &f->name);
        r.Type.MiniFilter.FilterAltitudeLength = (USHORT)f->altitude.bytes;
        r.Type.MiniFilter.FilterAltitudeBufferOffset = put_str(e, &end, &f->altitude);
    }
    memcpy(e, &r, sizeof r);
    return end;
}

static size_t build_volume(uint8_t *e, const struct volume *v, int cls)
{
    if (cls == FilterVolumeBasicInformation) {
        FILTER_VOLUME_BASIC_INFORMATION r;
        memset(&r, 0, sizeof r);
        r.FilterVolumeNameLength = (USHORT)v->nt_name.bytes;
        memcpy(e, &r, offsetof(FILTER_VOLUME_BASIC_INFORMATION, FilterVolumeName));
        return put_inline(e, offsetof(FILTER_VOLUME_BASIC_INFORMATION, FilterVolumeName), sizeof r,
                          &v->nt_name);
    }
    FILTER_VOLUME_STANDARD_INFORMATION r;
    memset(&r, 0, sizeof r);
    r.Flags = v->detached ? FLTFL_VSI_DETACHED_VOLUME : 0;
    r.FrameID = 0;
    r.FileSystemType = (FLT_FILESYSTEM_TYPE)v->fs_type;
    r.FilterVolumeNameLength = (USHORT)v->nt_name.bytes;
    memcpy(e, &r, offsetof(FILTER_VOLUME_STANDARD_INFORMATION, FilterVolumeName));
    return put_inline(e, offsetof(FILTER_VOLUME_STANDARD_INFORMATION, FilterVolumeName), sizeof r,
                      &v->nt_name);
}

static size_t build_instance(uint8_t *e, const struct instance *i, int cls)
{
    size_t end;
    if (cls == InstanceBasicInformation || cls == InstancePartialInformation ||
        cls == InstanceFullInformation) {
        /* Basic and Partial are prefixes of Full [S1]. */
        INSTANCE_FULL_INFORMATION r;
        size_t size = cls == InstanceBasicInformation     ? sizeof(INSTANCE_BASIC_INFORMATION)
                      : cls == InstancePartialInformation ? sizeof(INSTANCE_PARTIAL_INFORMATION)
                                                          : sizeof(INSTANCE_FULL_INFORMATION);
        memset(&r, 0, sizeof r);
        end = size;
        r.InstanceNameLength = (USHORT)i->name.bytes;
        r.InstanceNameBufferOffset = put_str(e, &end, &i->name);
        if (cls != InstanceBasicInformation) {
            r.AltitudeLength = (USHORT)i->altitude.bytes;
            r.AltitudeBufferOffset = put_str(e, &end, &i->altitude);
        }
        if (cls == InstanceFullInformation) {
            r.VolumeNameLength = (USHORT)i->volume.bytes;
            r.VolumeNameBufferOffset = put_str(e, &end, &i->volume);
            r.FilterNameLength = (USHORT)i->filter.bytes;
            r.FilterNameBufferOffset = put_str(e, &end, &i->filter);
        }
        memcpy(e, &r, size);
        return end;
    }
    INSTANCE_AGGREGATE_STANDARD_INFORMATION r;
    memset(&r, 0, sizeof r);
    end = sizeof r;
    if (i->legacy) {
        r.Flags = FLTFL_IASI_IS_LEGACYFILTER;
        r.Type.LegacyFilter.Flags = i->detached ? FLTFL_IASIL_DETACHED_VOLUME : 0;
        r.Type.LegacyFilter.AltitudeLength = (USHORT)i->altitude.bytes;
        r.Type.LegacyFilter.AltitudeBufferOffset = put_str(e, &end, &i->altitude);
        r.Type.LegacyFilter.VolumeNameLength = (USHORT)i->volume.bytes;
        r.Type.LegacyFilter.VolumeNameBufferOffset = put_str(e, &end, &i->volume);
        r.Type.LegacyFilter.FilterNameLength = (USHORT)i->filter.bytes;
        r.Type.LegacyFilter.FilterNameBufferOffset = put_str(e, &end, &i->filter);
        r.Type.LegacyFilter.SupportedFeatures = i->features;
    } else {
        r.Flags = FLTFL_IASI_IS_MINIFILTER;
        r.Type.MiniFilter.Flags = i->detached ? FLTFL_IASIM_DETACHED_VOLUME : 0;
        r.Type.MiniFilter.FrameID = i->frame;
        r.Type.MiniFilter.VolumeFileSystemType = (FLT_FILESYSTEM_TYPE)i->fs_type;
        r.Type.MiniFilter.InstanceNameLength = (USHORT)i->name.bytes;
        r.Type.MiniFilter.InstanceNameBufferOffset = put_str(e, &end, &i->name);
        r.Type.MiniFilter.AltitudeLength = (USHORT)i->altitude.bytes;
        r.Type.MiniFilter.AltitudeBufferOffset = put_str(e, &end, &i->altitude);
        r.Type.MiniFilter.VolumeNameLength = (USHORT)i->volume.bytes;
        r.Type.MiniFilter.VolumeNameBufferOffset = put_str(e, &end, &i->volume);
        r.Type.MiniFilter.FilterNameLength = (USHORT)i->filter.bytes;
        r.Type.MiniFilter.FilterNameBufferOffset = put_str(e, &end, &i->filter);
        r.Type.MiniFilter.SupportedFeatures = i->features;
    }
    memcpy(e, &r, sizeof r);
    return end;
}

/* Copies the entry under the cursor into buf. A too-small buffer leaves the cursor where it
 * is, so a caller that grows its buffer and retries gets the same entry (what Windows does
 * here is not documented [S2]). */
static HRESULT next_entry(struct find *f, int cls, LPVOID buf, DWORD cb, LPDWORD ret)
{
    while (f->cursor < f->count && !representable(f->kind, f->items[f->cursor], cls))
        f->cursor++;
    if (f->cursor == f->count)
        return HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS);

    uint8_t *e = calloc(1, SCRATCH_BYTES);
    if (!e)
        return E_OUTOFMEMORY;
    size_t item = f->items[f->cursor], size;
    if (f->kind == KIND_FILTER)
        size = build_filter(e, &filters[item], cls);
    else if (f->kind == KIND_VOLUME)
        size = build_volume(e, &volumes[item], cls);
    else
        size = build_instance(e, &instances[item], cls);

    HRESULT hr = HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
    *ret = (DWORD)size;
    if (cb >= size) {
        memcpy(buf, e, size);
        f->cursor++;
        hr = S_OK;
    }
    free(e);
    return hr;
}

/* ---- Search handles ---------------------------------------------------- */

static struct find *lookup(HANDLE h, enum fn first_fn)
{
    for (struct find *f = open_finds; f; f = f->next)
        if ((HANDLE)f == h && f->first_fn == first_fn)
            return f;
    return NULL;
}

static void unlink_find(struct find *gone)
{
    for (struct find **p = &open_finds; *p; p = &(*p)->next)
        if (*p == gone) {
            *p = gone->next;
            InterlockedDecrement(&open_count);
            break;
        }
    free(gone->items);
    free(gone);
}

/* The entries a search walks: every filter or volume, or the instances on one volume or of one
 * filter (name names it). */
static HRESULT select_items(struct find *f, const WCHAR *name)
{
    size_t total = f->kind == KIND_FILTER   ? n_filters
                   : f->kind == KIND_VOLUME ? n_volumes
                                            : n_instances;
    f->items = calloc(total ? total : 1, sizeof *f->items);
    if (!f->items)
        return E_OUTOFMEMORY;
    if (f->kind != KIND_INSTANCE) {
        for (size_t i = 0; i < total; i++)
            f->items[f->count++] = i;
        return S_OK;
    }

    if (f->first_fn == FN_INSTANCE_FIND_FIRST) {
        BOOL known = FALSE;
        for (size_t i = 0; i < n_filters; i++)
            known = known || wstr_equal(filters[i].name.buf, name);
        for (size_t i = 0; i < n_instances; i++)
            if (wstr_equal(instances[i].filter.buf, name))
                f->items[f->count++] = i;
        /* Which HRESULT Windows gives for an unknown filter is not documented [S2]. */
        return known || f->count ? S_OK : ERROR_FLT_FILTER_NOT_FOUND;
    }

    /* Volume names: the NT name, or a DOS name (C:, C:\, \\?\C:\); case-insensitive, trailing
     * backslash optional [S2]. */
    const WCHAR *target = name;
    const struct volume *v = NULL;
    const WCHAR *dos = name;
    if (wcsncmp(dos, L"\\\\?\\", 4) == 0 || wcsncmp(dos, L"\\??\\", 4) == 0)
        dos += 4;
    for (size_t i = 0; i < n_volumes && !v; i++)
        if (volume_names_equal(volumes[i].nt_name.buf, name) ||
            (volumes[i].dos_name.buf && volume_names_equal(volumes[i].dos_name.buf, dos)))
            v = &volumes[i];
    if (v)
        target = v->nt_name.buf;
    for (size_t i = 0; i < n_instances; i++)
        if (volume_names_equal(instances[i].volume.buf, target))
            f->items[f->count++] = i;
    /* Not documented either [S2]; the fltwinerror.h code that says what happened. */
    return v || f->count ? S_OK : ERROR_FLT_VOLUME_NOT_FOUND;
}

static HRESULT find_first(enum fn fn, enum find_kind kind, const WCHAR *name, int cls, LPVOID buf,
                          DWORD cb, LPDWORD ret, LPHANDLE handle)
{
    if (handle)
        *handle = INVALID_HANDLE_VALUE;
    if (ret)
        *ret = 0;
    if (!ret || !handle || (!buf && cb) || (kind == KIND_INSTANCE && !name))
        return E_INVALIDARG;

    EnterCriticalSection(&lock);
    ensure_loaded();
    struct find *f = NULL;
    HRESULT hr = injected(fn);
    if (hr != S_OK)
        goto out;
    BOOL valid = kind == KIND_FILTER   ? filter_class_valid(cls)
                 : kind == KIND_VOLUME ? volume_class_valid(cls)
                                       : instance_class_valid(cls);
    if (!valid) {
        hr = E_INVALIDARG;
        goto out;
    }
    f = calloc(1, sizeof *f);
    if (!f) {
        hr = E_OUTOFMEMORY;
        goto out;
    }
    f->kind = kind;
    f->first_fn = fn;
    hr = select_items(f, name);
    if (hr == S_OK)
        hr = next_entry(f, cls, buf, cb, ret);
    if (hr == S_OK) {
        f->next = open_finds;
        open_finds = f;
        InterlockedIncrement(&open_count);
        *handle = (HANDLE)f;
        f = NULL;
    } else if (hr != HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER)) {
        *ret = 0;
    }
out:
    if (f) {
        free(f->items);
        free(f);
    }
    count_success(fn, hr);
    LeaveCriticalSection(&lock);
    return hr;
}

static HRESULT find_next(enum fn fn, enum fn first_fn, HANDLE h, int cls, LPVOID buf, DWORD cb,
                         LPDWORD ret)
{
    if (ret)
        *ret = 0;
    if (!ret || (!buf && cb))
        return E_INVALIDARG;

    EnterCriticalSection(&lock);
    ensure_loaded();
    HRESULT hr = injected(fn);
    struct find *f = lookup(h, first_fn);
    if (hr != S_OK)
        goto out;
    if (!f) {
        hr = HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
        goto out;
    }
    BOOL valid = f->kind == KIND_FILTER   ? filter_class_valid(cls)
                 : f->kind == KIND_VOLUME ? volume_class_valid(cls)
                                          : instance_class_valid(cls);
    if (!valid) {
        hr = E_INVALIDARG;
        goto out;
    }
    hr = next_entry(f, cls, buf, cb, ret);
    if (hr != S_OK && hr != HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER))
        *ret = 0;
out:
    count_success(fn, hr);
    LeaveCriticalSection(&lock);
    return hr;
}

/* An injected failure on a FindClose still closes the handle, so a test can check how the
 * caller reports the error without counting a leak. */
static HRESULT find_close(enum fn fn, enum fn first_fn, HANDLE h)
{
    EnterCriticalSection(&lock);
    ensure_loaded();
    HRESULT hr = injected(fn);
    struct find *f = lookup(h, first_fn);
    if (f)
        unlink_find(f);
    else if (hr == S_OK)
        hr = HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
    count_success(fn, hr);
    LeaveCriticalSection(&lock);
    return hr;
}

/* ---- Exports (signatures: fltuser.h) ------------------------------------ */

HRESULT WINAPI FilterFindFirst(FILTER_INFORMATION_CLASS cls, LPVOID buf, DWORD cb, LPDWORD ret,
                               LPHANDLE handle)
{
    return find_first(FN_FILTER_FIND_FIRST, KIND_FILTER, NULL, (int)cls, buf, cb, ret, handle);
}

HRESULT WINAPI FilterFindNext(HANDLE h, FILTER_INFORMATION_CLASS cls, LPVOID buf, DWORD cb,
                              LPDWORD ret)
{
    return find_next(FN_FILTER_FIND_NEXT, FN_FILTER_FIND_FIRST, h, (int)cls, buf, cb, ret);
}

HRESULT WINAPI FilterFindClose(HANDLE h)
{
    return find_close(FN_FILTER_FIND_CLOSE, FN_FILTER_FIND_FIRST, h);
}

HRESULT WINAPI FilterVolumeFindFirst(FILTER_VOLUME_INFORMATION_CLASS cls, LPVOID buf, DWORD cb,
                                     LPDWORD ret, PHANDLE handle)
{
    return find_first(FN_VOLUME_FIND_FIRST, KIND_VOLUME, NULL, (int)cls, buf, cb, ret, handle);
}

HRESULT WINAPI FilterVolumeFindNext(HANDLE h, FILTER_VOLUME_INFORMATION_CLASS cls, LPVOID buf,
                                    DWORD cb, LPDWORD ret)
{
    return find_next(FN_VOLUME_FIND_NEXT, FN_VOLUME_FIND_FIRST, h, (int)cls, buf, cb, ret);
}

HRESULT WINAPI FilterVolumeFindClose(HANDLE h)
{
    return find_close(FN_VOLUME_FIND_CLOSE, FN_VOLUME_FIND_FIRST, h);
}

HRESULT WINAPI FilterVolumeInstanceFindFirst(LPCWSTR volume, INSTANCE_INFORMATION_CLASS cls,
                                             LPVOID buf, DWORD cb, LPDWORD ret, LPHANDLE handle)
{
    return find_first(FN_VOLUME_INSTANCE_FIND_FIRST, KIND_INSTANCE, volume, (int)cls, buf, cb, ret,
                      handle);
}

HRESULT WINAPI FilterVolumeInstanceFindNext(HANDLE h, INSTANCE_INFORMATION_CLASS cls, LPVOID buf,
                                            DWORD cb, LPDWORD ret)
{
    return find_next(FN_VOLUME_INSTANCE_FIND_NEXT, FN_VOLUME_INSTANCE_FIND_FIRST, h, (int)cls, buf,
                     cb, ret);
}

HRESULT WINAPI FilterVolumeInstanceFindClose(HANDLE h)
{
    return find_close(FN_VOLUME_INSTANCE_FIND_CLOSE, FN_VOLUME_INSTANCE_FIND_FIRST, h);
}

HRESULT WINAPI FilterInstanceFindFirst(LPCWSTR filter, INSTANCE_INFORMATION_CLASS cls, LPVOID buf,
                                       DWORD cb, LPDWORD ret, LPHANDLE handle)
{
    return find_first(FN_INSTANCE_FIND_FIRST, KIND_INSTANCE, filter, (int)cls, buf, cb, ret,
                      handle);
}

HRESULT WINAPI FilterInstanceFindNext(HANDLE h, INSTANCE_INFORMATION_CLASS cls, LPVOID buf,
                                      DWORD cb, LPDWORD ret)
{
    return find_next(FN_INSTANCE_FIND_NEXT, FN_INSTANCE_FIND_FIRST, h, (int)cls, buf, cb, ret);
}

HRESULT WINAPI FilterInstanceFindClose(HANDLE h)
{
    return find_close(FN_INSTANCE_FIND_CLOSE, FN_INSTANCE_FIND_FIRST, h);
}

/* The drive letter ("C:") of a volume, "" when it has none (the documentation says the buffer
 * "receives NULL" then [S2]). The size is in WCHARs and counts the NUL; when it is too small
 * the fake answers ERROR_INSUFFICIENT_BUFFER (undocumented [S2]). */
HRESULT WINAPI FilterGetDosName(LPCWSTR volume, LPWSTR dos, DWORD cch)
{
    if (dos && cch)
        dos[0] = 0;
    if (!volume || !dos)
        return E_INVALIDARG;

    EnterCriticalSection(&lock);
    ensure_loaded();
    HRESULT hr = injected(FN_GET_DOS_NAME);
    const struct volume *v = NULL;
    if (hr != S_OK)
        goto out;
    const WCHAR *q = volume;
    if (wcsncmp(q, L"\\\\?\\", 4) == 0 || wcsncmp(q, L"\\??\\", 4) == 0)
        q += 4;
    for (size_t i = 0; i < n_volumes && !v; i++)
        if (volume_names_equal(volumes[i].nt_name.buf, volume) ||
            (volumes[i].dos_name.buf && volume_names_equal(volumes[i].dos_name.buf, q)))
            v = &volumes[i];
    if (!v) {
        hr = ERROR_FLT_VOLUME_NOT_FOUND;
        goto out;
    }
    size_t chars = v->dos_name.buf ? v->dos_name.bytes / sizeof(WCHAR) : 0;
    if (cch < chars + 1) {
        hr = HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER);
        goto out;
    }
    if (chars)
        memcpy(dos, v->dos_name.buf, chars * sizeof(WCHAR));
    dos[chars] = 0;
out:
    count_success(FN_GET_DOS_NAME, hr);
    LeaveCriticalSection(&lock);
    return hr;
}

/* ---- Process exit: the leak report -------------------------------------- */

/* Runs inside DllMain, so it uses kernel32 only. */
static void write_leaks(void)
{
    WCHAR path[MAX_PATH_CHARS];
    if (!env_path(LEAKS_ENV, path, MAX_PATH_CHARS) || path[0] == 0)
        return;
    char text[16];
    size_t n = sizeof text;
    unsigned long count = (unsigned long)open_count;
    text[--n] = '\n';
    do {
        text[--n] = (char)('0' + count % 10);
        count /= 10;
    } while (count && n > 0);
    HANDLE h =
        CreateFileW(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return;
    DWORD written;
    WriteFile(h, text + n, (DWORD)(sizeof text - n), &written, NULL);
    CloseHandle(h);
}

BOOL WINAPI DllMain(HINSTANCE dll, DWORD reason, LPVOID reserved)
{
    if (reason == DLL_PROCESS_ATTACH) {
        InitializeCriticalSection(&lock);
        DisableThreadLibraryCalls(dll);
    } else if (reason == DLL_PROCESS_DETACH) {
        write_leaks();
        if (!reserved)
            DeleteCriticalSection(&lock);
    }
    return TRUE;
}
