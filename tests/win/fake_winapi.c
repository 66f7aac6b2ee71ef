/*
 * The in-memory Windows machine of fake_winapi.h. It never allocates
 * through odx_malloc (allocation failure injection counts the back end's
 * allocations only) and answers like the documented API where the back end
 * depends on it: sizes in WCHARs or bytes as each call defines them,
 * ERROR_MORE_DATA / ERROR_INSUFFICIENT_BUFFER with the size needed, one
 * Filter Manager record per call [S2], CREATE_NEW and DELETE_ON_CLOSE.
 */
#include "fake_winapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odx/winparse.h"
#include "win_internal.h"

#define MAX_NODES   256
#define MAX_HANDLES 512
#define PATH_CHARS  1024
#define GEN_FAILURE 31u /* ERROR_GEN_FAILURE */
#define HR_FAILURE  ((HRESULT)0x8007001F)
#define NT_FAILURE  ((LONG)0xC0000001)

static struct fake_config cfg;

/* ---- Counting and failing -------------------------------------------------- */

static long calls, fail_at;
static const char *failed_api;
static struct odx_code failed_code;
static DWORD last_error;

static bool inject(const char *api, enum odx_code_kind kind, uint32_t value)
{
    calls++;
    if (cfg.interrupt_at && strcmp(cfg.interrupt_at, api) == 0)
        odx_win_interrupt();
    if (fail_at <= 0 || calls != fail_at)
        return false;
    failed_api = api;
    failed_code.kind = kind;
    failed_code.value = value;
    last_error = GEN_FAILURE;
    return true;
}

#define FAIL_BOOL(api) inject(api, ODX_CODE_WIN32, GEN_FAILURE)

/* ---- Strings ---------------------------------------------------------------- */

static void w2u(const WCHAR *w, char *out, size_t cap)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, out, (int)cap, NULL, NULL);
    if (n <= 0)
        out[0] = 0;
}

static size_t u2w(const char *s, WCHAR *out, size_t cap)
{
    int n = MultiByteToWideChar(CP_UTF8, 0, s, -1, out, (int)cap);
    if (n <= 0) {
        out[0] = 0;
        return 0;
    }
    return (size_t)n - 1;
}

/* Without trailing backslashes ("C:\" -> "C:"). */
static void norm(const char *in, char *out)
{
    size_t n = strlen(in);
    if (n >= PATH_CHARS)
        n = PATH_CHARS - 1;
    memcpy(out, in, n);
    out[n] = 0;
    while (n > 0 && (out[n - 1] == '\\' || out[n - 1] == '/'))
        out[--n] = 0;
    for (size_t i = 0; i < n; i++)
        if (out[i] == '/')
            out[i] = '\\';
}

static bool same(const char *a, const char *b)
{
    char x[PATH_CHARS], y[PATH_CHARS];
    norm(a, x);
    norm(b, y);
    return _stricmp(x, y) == 0;
}

static bool wsame(const WCHAR *a, const char *b)
{
    char x[PATH_CHARS];
    w2u(a, x, sizeof(x));
    return b && same(x, b);
}

/* ---- Files ----------------------------------------------------------------- */

struct node {
    bool used;
    char path[PATH_CHARS]; /* normalised */
    bool dir;
    bool ours; /* made by the machine, not the probe */
    uint8_t *data;
    uint64_t size;
    bool delete_on_close;
    int open;
};
static struct node nodes[MAX_NODES];

static int find_node(const char *path)
{
    char p[PATH_CHARS];
    norm(path, p);
    for (int i = 0; i < MAX_NODES; i++)
        if (nodes[i].used && _stricmp(nodes[i].path, p) == 0)
            return i;
    return -1;
}

static int add_node(const char *path, bool dir, bool ours)
{
    for (int i = 0; i < MAX_NODES; i++) {
        if (!nodes[i].used) {
            memset(&nodes[i], 0, sizeof(nodes[i]));
            nodes[i].used = true;
            norm(path, nodes[i].path);
            nodes[i].dir = dir;
            nodes[i].ours = ours;
            return i;
        }
    }
    fprintf(stderr, "fake: out of nodes\n");
    exit(125);
}

static void drop_node(int i)
{
    free(nodes[i].data);
    memset(&nodes[i], 0, sizeof(nodes[i]));
}

static bool parent_exists(const char *path)
{
    char p[PATH_CHARS];
    char *slash;
    norm(path, p);
    slash = strrchr(p, '\\');
    if (!slash)
        return false;
    *slash = 0;
    return find_node(p) >= 0 && nodes[find_node(p)].dir;
}

static bool has_children(const char *path)
{
    char p[PATH_CHARS];
    size_t n;
    norm(path, p);
    n = strlen(p);
    for (int i = 0; i < MAX_NODES; i++)
        if (nodes[i].used && strlen(nodes[i].path) > n + 1 && _strnicmp(nodes[i].path, p, n) == 0 &&
            nodes[i].path[n] == '\\')
            return true;
    return false;
}

/* The volume whose mount point or GUID path is the longest prefix of path, or -1. */
static int volume_of_path(const char *path)
{
    char p[PATH_CHARS];
    int best = -1;
    size_t best_len = 0;
    norm(path, p);
    for (size_t v = 0; v < cfg.n_volumes; v++) {
        const char *roots[2] = {cfg.volumes[v].mount, cfg.volumes[v].guid};
        for (int k = 0; k < 2; k++) {
            char r[PATH_CHARS];
            size_t n;
            if (!roots[k])
                continue;
            norm(roots[k], r);
            n = strlen(r);
            if (_strnicmp(p, r, n) == 0 && (p[n] == 0 || p[n] == '\\') && n > best_len) {
                best = (int)v;
                best_len = n;
            }
        }
    }
    return best;
}

/* ---- Handles --------------------------------------------------------------- */

enum hkind {
    H_FREE = 0,
    H_FLT_FILTER,
    H_FLT_VOLUME,
    H_FLT_INST,
    H_VOLFIND,
    H_KEY,
    H_FILE,
    H_DEVICE,
    H_TOKEN,
};

struct handle {
    enum hkind kind;
    size_t items[FAKE_MAX];
    size_t n_items;
    size_t cursor;
    int node;
    uint64_t pos;
    char key[PATH_CHARS];
    int volume; /* H_DEVICE: the volume, or -1 for a disk */
};
static struct handle handles[MAX_HANDLES];

static HANDLE new_handle(enum hkind kind, int *index)
{
    for (int i = 1; i < MAX_HANDLES; i++) {
        if (handles[i].kind == H_FREE) {
            memset(&handles[i], 0, sizeof(handles[i]));
            handles[i].kind = kind;
            handles[i].node = -1;
            *index = i;
            return (HANDLE)(uintptr_t)(0x10000 + i * 4);
        }
    }
    fprintf(stderr, "fake: out of handles\n");
    exit(125);
}

static struct handle *get_handle(HANDLE h, enum hkind kind)
{
    uintptr_t v = (uintptr_t)h;
    size_t i;
    if (v < 0x10000 || (v - 0x10000) % 4)
        return NULL;
    i = (v - 0x10000) / 4;
    if (i >= MAX_HANDLES || handles[i].kind == H_FREE ||
        (kind != H_FREE && handles[i].kind != kind))
        return NULL;
    return &handles[i];
}

static void close_file_handle(struct handle *h)
{
    if (h->node >= 0 && nodes[h->node].used) {
        nodes[h->node].open--;
        if (nodes[h->node].open == 0 && nodes[h->node].delete_on_close)
            drop_node(h->node);
    }
}

static void free_handle(struct handle *h)
{
    if (h->kind == H_FILE)
        close_file_handle(h);
    h->kind = H_FREE;
}

/* ---- GetLastError ----------------------------------------------------------- */

static DWORD WINAPI f_GetLastError(void)
{
    return last_error;
}

static BOOL fail_with(DWORD e)
{
    last_error = e;
    return FALSE;
}

/* ---- Filter Manager --------------------------------------------------------- */

/* The record builders take decoded-style records with char * names; they only read them. */
static char *names(const char *s)
{
    union {
        const char *c;
        char *m;
    } u;
    u.c = s;
    return u.m;
}

static HRESULT fm_entry(enum hkind kind, struct handle *h, uint8_t *buf, DWORD size, DWORD *ret)
{
    uint8_t scratch[16384];
    struct odx_winparse_builder b;
    size_t item;
    enum odx_status st;

    *ret = 0;
    if (h->cursor >= h->n_items)
        return ODX_HR_NO_MORE_ITEMS;
    item = h->items[h->cursor];
    odx_winparse_builder_init(&b, scratch, sizeof(scratch));
    if (kind == H_FLT_FILTER) {
        const struct fake_filter *f = &cfg.filters[item];
        struct odx_winparse_filter r;
        memset(&r, 0, sizeof(r));
        r.kind = f->legacy ? ODX_WINPARSE_KIND_LEGACY : ODX_WINPARSE_KIND_MINIFILTER;
        r.frame_id = f->frame;
        r.instance_count = f->instances;
        r.name = names(f->name);
        r.altitude = names(f->altitude);
        st = odx_winparse_build_filter(&b, &r);
    } else if (kind == H_FLT_VOLUME) {
        const struct fake_volume *v = &cfg.volumes[item];
        struct odx_winparse_volume r;
        memset(&r, 0, sizeof(r));
        r.fs_type = v->fs_type;
        r.name = names(v->nt);
        st = odx_winparse_build_volume(&b, &r);
    } else {
        const struct fake_instance *in = &cfg.instances[item];
        struct odx_winparse_instance r;
        unsigned fs = 0;
        memset(&r, 0, sizeof(r));
        for (size_t v = 0; v < cfg.n_volumes; v++)
            if (cfg.volumes[v].nt && same(cfg.volumes[v].nt, in->volume))
                fs = cfg.volumes[v].fs_type;
        r.kind = in->legacy ? ODX_WINPARSE_KIND_LEGACY : ODX_WINPARSE_KIND_MINIFILTER;
        r.frame_id = in->frame;
        r.fs_type = fs;
        r.has_supported_features = true;
        r.supported_features = in->features;
        r.instance_name = in->legacy ? NULL : names(in->name);
        r.altitude = names(in->altitude);
        r.volume_name = names(in->volume);
        r.filter_name = names(in->filter);
        st = odx_winparse_build_instance(&b, &r);
        if (st == ODX_OK && cfg.malformed_volume && same(cfg.malformed_volume, in->volume))
            scratch[4] = 3; /* both minifilter and legacy flags: ODX_E_MALFORMED */
    }
    if (st != ODX_OK) {
        fprintf(stderr, "fake: cannot build a record (%d)\n", (int)st);
        exit(125);
    }
    *ret = (DWORD)b.used;
    if (size < b.used)
        return ODX_HR_INSUFFICIENT;
    memcpy(buf, scratch, b.used);
    h->cursor++;
    return S_OK;
}

static HRESULT fm_first(const char *api, enum hkind kind, const WCHAR *volume, LPVOID buf,
                        DWORD size, LPDWORD ret, LPHANDLE out)
{
    struct handle *h;
    int index;
    HANDLE hv;
    HRESULT hr;
    *out = INVALID_HANDLE_VALUE;
    if (inject(api, ODX_CODE_HRESULT, (uint32_t)HR_FAILURE))
        return HR_FAILURE;
    if (cfg.fm_denied)
        return ODX_HR_ACCESS_DENIED;
    hv = new_handle(kind, &index);
    h = &handles[index];
    if (kind == H_FLT_FILTER) {
        for (size_t i = 0; i < cfg.n_filters; i++)
            h->items[h->n_items++] = i;
    } else if (kind == H_FLT_VOLUME) {
        for (size_t i = 0; i < cfg.n_volumes; i++)
            if (cfg.volumes[i].fm)
                h->items[h->n_items++] = i;
    } else {
        bool known = false;
        for (size_t v = 0; v < cfg.n_volumes; v++)
            known = known || (cfg.volumes[v].fm && wsame(volume, cfg.volumes[v].nt));
        if (!known) {
            h->kind = H_FREE;
            return (HRESULT)0x801F0014; /* ERROR_FLT_VOLUME_NOT_FOUND [S3] */
        }
        for (size_t i = 0; i < cfg.n_instances; i++)
            if (wsame(volume, cfg.instances[i].volume))
                h->items[h->n_items++] = i;
    }
    hr = fm_entry(kind, h, buf, size, ret);
    if (hr != S_OK) {
        h->kind = H_FREE; /* no handle unless an entry was returned [S2] */
        return hr;
    }
    *out = hv;
    return S_OK;
}

static HRESULT fm_next(const char *api, enum hkind kind, HANDLE hv, LPVOID buf, DWORD size,
                       LPDWORD ret)
{
    struct handle *h = get_handle(hv, kind);
    if (inject(api, ODX_CODE_HRESULT, (uint32_t)HR_FAILURE))
        return HR_FAILURE;
    if (!h)
        return HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
    return fm_entry(kind, h, buf, size, ret);
}

static HRESULT fm_close(const char *api, enum hkind kind, HANDLE hv)
{
    struct handle *h = get_handle(hv, kind);
    bool failed = inject(api, ODX_CODE_HRESULT, (uint32_t)HR_FAILURE);
    if (h)
        free_handle(h); /* an injected failure still closes it */
    if (failed)
        return HR_FAILURE;
    return h ? S_OK : HRESULT_FROM_WIN32(ERROR_INVALID_HANDLE);
}

static HRESULT WINAPI f_FilterFindFirst(FILTER_INFORMATION_CLASS cls, LPVOID buf, DWORD size,
                                        LPDWORD ret, LPHANDLE out)
{
    (void)cls;
    return fm_first("FilterFindFirst", H_FLT_FILTER, NULL, buf, size, ret, out);
}
static HRESULT WINAPI f_FilterFindNext(HANDLE h, FILTER_INFORMATION_CLASS cls, LPVOID buf,
                                       DWORD size, LPDWORD ret)
{
    (void)cls;
    return fm_next("FilterFindNext", H_FLT_FILTER, h, buf, size, ret);
}
static HRESULT WINAPI f_FilterFindClose(HANDLE h)
{
    return fm_close("FilterFindClose", H_FLT_FILTER, h);
}
static HRESULT WINAPI f_FilterVolumeFindFirst(FILTER_VOLUME_INFORMATION_CLASS cls, LPVOID buf,
                                              DWORD size, LPDWORD ret, PHANDLE out)
{
    (void)cls;
    return fm_first("FilterVolumeFindFirst", H_FLT_VOLUME, NULL, buf, size, ret, out);
}
static HRESULT WINAPI f_FilterVolumeFindNext(HANDLE h, FILTER_VOLUME_INFORMATION_CLASS cls,
                                             LPVOID buf, DWORD size, LPDWORD ret)
{
    (void)cls;
    return fm_next("FilterVolumeFindNext", H_FLT_VOLUME, h, buf, size, ret);
}
static HRESULT WINAPI f_FilterVolumeFindClose(HANDLE h)
{
    return fm_close("FilterVolumeFindClose", H_FLT_VOLUME, h);
}
static HRESULT WINAPI f_FilterVolumeInstanceFindFirst(LPCWSTR volume,
                                                      INSTANCE_INFORMATION_CLASS cls, LPVOID buf,
                                                      DWORD size, LPDWORD ret, LPHANDLE out)
{
    (void)cls;
    return fm_first("FilterVolumeInstanceFindFirst", H_FLT_INST, volume, buf, size, ret, out);
}
static HRESULT WINAPI f_FilterVolumeInstanceFindNext(HANDLE h, INSTANCE_INFORMATION_CLASS cls,
                                                     LPVOID buf, DWORD size, LPDWORD ret)
{
    (void)cls;
    return fm_next("FilterVolumeInstanceFindNext", H_FLT_INST, h, buf, size, ret);
}
static HRESULT WINAPI f_FilterVolumeInstanceFindClose(HANDLE h)
{
    return fm_close("FilterVolumeInstanceFindClose", H_FLT_INST, h);
}

static HRESULT WINAPI f_FilterGetDosName(LPCWSTR volume, LPWSTR dos, DWORD chars)
{
    if (inject("FilterGetDosName", ODX_CODE_HRESULT, (uint32_t)HR_FAILURE))
        return HR_FAILURE;
    for (size_t v = 0; v < cfg.n_volumes; v++) {
        if (!wsame(volume, cfg.volumes[v].nt))
            continue;
        if (!cfg.volumes[v].dos) {
            /* "receives NULL" [S2]: leave an empty string. */
            if (chars)
                dos[0] = 0;
            return S_OK;
        }
        if (strlen(cfg.volumes[v].dos) + 1 > chars)
            return ODX_HR_INSUFFICIENT;
        u2w(cfg.volumes[v].dos, dos, chars);
        return S_OK;
    }
    return (HRESULT)0x801F0014;
}

/* ---- Volumes ---------------------------------------------------------------- */

static size_t win32_volume(size_t n)
{
    size_t seen = 0;
    for (size_t v = 0; v < cfg.n_volumes; v++)
        if (cfg.volumes[v].guid && seen++ == n)
            return v;
    return SIZE_MAX;
}

static BOOL copy_out(const char *s, LPWSTR buf, DWORD chars)
{
    WCHAR tmp[PATH_CHARS];
    size_t n = u2w(s, tmp, PATH_CHARS);
    if (n + 1 > chars)
        return fail_with(ERROR_FILENAME_EXCED_RANGE);
    memcpy(buf, tmp, (n + 1) * sizeof(WCHAR));
    return TRUE;
}

static HANDLE WINAPI f_FindFirstVolumeW(LPWSTR name, DWORD chars)
{
    struct handle *h;
    int index;
    HANDLE hv;
    size_t v;
    if (FAIL_BOOL("FindFirstVolumeW"))
        return INVALID_HANDLE_VALUE;
    v = win32_volume(0);
    if (v == SIZE_MAX) {
        last_error = ERROR_NO_MORE_FILES;
        return INVALID_HANDLE_VALUE;
    }
    hv = new_handle(H_VOLFIND, &index);
    h = &handles[index];
    h->cursor = 1;
    copy_out(cfg.volumes[v].guid, name, chars);
    return hv;
}

static BOOL WINAPI f_FindNextVolumeW(HANDLE hv, LPWSTR name, DWORD chars)
{
    struct handle *h = get_handle(hv, H_VOLFIND);
    size_t v;
    if (FAIL_BOOL("FindNextVolumeW"))
        return FALSE;
    if (!h)
        return fail_with(ERROR_INVALID_HANDLE);
    v = win32_volume(h->cursor++);
    if (v == SIZE_MAX)
        return fail_with(ERROR_NO_MORE_FILES);
    return copy_out(cfg.volumes[v].guid, name, chars);
}

static BOOL WINAPI f_FindVolumeClose(HANDLE hv)
{
    struct handle *h = get_handle(hv, H_VOLFIND);
    bool failed = FAIL_BOOL("FindVolumeClose");
    if (h)
        free_handle(h);
    if (failed)
        return FALSE;
    return h ? TRUE : fail_with(ERROR_INVALID_HANDLE);
}

static int volume_by_guid(const WCHAR *guid)
{
    for (size_t v = 0; v < cfg.n_volumes; v++)
        if (cfg.volumes[v].guid && wsame(guid, cfg.volumes[v].guid))
            return (int)v;
    return -1;
}

static BOOL WINAPI f_GetVolumePathNamesForVolumeNameW(LPCWSTR volume, LPWCH names, DWORD chars,
                                                      PDWORD needed)
{
    int v;
    WCHAR tmp[PATH_CHARS];
    size_t n = 0;
    if (FAIL_BOOL("GetVolumePathNamesForVolumeNameW"))
        return FALSE;
    v = volume_by_guid(volume);
    if (v < 0)
        return fail_with(ERROR_INVALID_NAME);
    if (cfg.volumes[v].mount)
        n = u2w(cfg.volumes[v].mount, tmp, PATH_CHARS);
    *needed = (DWORD)(n ? n + 2 : 1);
    if (chars < *needed)
        return fail_with(ERROR_MORE_DATA);
    if (n) {
        memcpy(names, tmp, n * sizeof(WCHAR));
        names[n] = 0;
        names[n + 1] = 0;
    } else {
        names[0] = 0;
    }
    return TRUE;
}

static DWORD WINAPI f_QueryDosDeviceW(LPCWSTR device, LPWSTR target, DWORD chars)
{
    char d[PATH_CHARS];
    if (FAIL_BOOL("QueryDosDeviceW"))
        return 0;
    w2u(device, d, sizeof(d));
    for (size_t v = 0; v < cfg.n_volumes; v++) {
        char g[PATH_CHARS];
        if (!cfg.volumes[v].guid)
            continue;
        norm(cfg.volumes[v].guid + 4, g); /* "Volume{...}" */
        if (_stricmp(g, d) == 0) {
            size_t n = strlen(cfg.volumes[v].nt);
            if (n + 2 > chars) {
                last_error = ERROR_INSUFFICIENT_BUFFER;
                return 0;
            }
            u2w(cfg.volumes[v].nt, target, chars);
            target[n + 1] = 0;
            return (DWORD)(n + 2);
        }
    }
    last_error = ERROR_FILE_NOT_FOUND;
    return 0;
}

static int volume_by_root(const WCHAR *root)
{
    for (size_t v = 0; v < cfg.n_volumes; v++)
        if ((cfg.volumes[v].mount && wsame(root, cfg.volumes[v].mount)) ||
            (cfg.volumes[v].guid && wsame(root, cfg.volumes[v].guid)))
            return (int)v;
    return -1;
}

static BOOL WINAPI f_GetVolumeInformationW(LPCWSTR root, LPWSTR label, DWORD label_chars,
                                           LPDWORD serial, LPDWORD max_component, LPDWORD flags,
                                           LPWSTR fs, DWORD fs_chars)
{
    int v;
    (void)label;
    (void)label_chars;
    (void)serial;
    (void)max_component;
    if (FAIL_BOOL("GetVolumeInformationW"))
        return FALSE;
    v = volume_by_root(root);
    if (v < 0)
        return fail_with(ERROR_PATH_NOT_FOUND);
    if (flags)
        *flags = cfg.volumes[v].read_only ? 0x00080000u : 0;
    if (fs)
        copy_out(cfg.volumes[v].fs_name ? cfg.volumes[v].fs_name : "", fs, fs_chars);
    return TRUE;
}

static UINT WINAPI f_GetDriveTypeW(LPCWSTR root)
{
    int v;
    if (inject("GetDriveTypeW", ODX_CODE_ODX, ODX_E_NOT_FOUND))
        return DRIVE_NO_ROOT_DIR;
    if (root[0] == L'\\' && root[1] == L'\\' && root[2] != L'?')
        return DRIVE_REMOTE;
    v = volume_by_root(root);
    return v < 0 ? DRIVE_NO_ROOT_DIR : cfg.volumes[v].drive_type;
}

static BOOL WINAPI f_GetDiskFreeSpaceW(LPCWSTR root, LPDWORD spc, LPDWORD bps, LPDWORD fc,
                                       LPDWORD tc)
{
    int v;
    if (FAIL_BOOL("GetDiskFreeSpaceW"))
        return FALSE;
    v = volume_by_root(root);
    if (v < 0)
        return fail_with(ERROR_PATH_NOT_FOUND);
    *spc = 8;
    *bps = cfg.volumes[v].sector;
    *fc = 1000;
    *tc = 2000;
    return TRUE;
}

static BOOL WINAPI f_GetVolumePathNameW(LPCWSTR path, LPWSTR out, DWORD chars)
{
    char p[PATH_CHARS];
    int v;
    if (FAIL_BOOL("GetVolumePathNameW"))
        return FALSE;
    w2u(path, p, sizeof(p));
    v = volume_of_path(p);
    if (v < 0)
        return fail_with(ERROR_PATH_NOT_FOUND);
    return copy_out(cfg.volumes[v].mount ? cfg.volumes[v].mount : cfg.volumes[v].guid, out, chars);
}

static BOOL WINAPI f_GetVolumeNameForVolumeMountPointW(LPCWSTR mount, LPWSTR out, DWORD chars)
{
    int v;
    if (FAIL_BOOL("GetVolumeNameForVolumeMountPointW"))
        return FALSE;
    v = volume_by_root(mount);
    if (v < 0 || !cfg.volumes[v].guid)
        return fail_with(ERROR_INVALID_PARAMETER);
    return copy_out(cfg.volumes[v].guid, out, chars);
}

static DWORD WINAPI f_GetFileAttributesW(LPCWSTR path)
{
    char p[PATH_CHARS];
    int n;
    if (FAIL_BOOL("GetFileAttributesW"))
        return INVALID_FILE_ATTRIBUTES;
    w2u(path, p, sizeof(p));
    n = find_node(p);
    if (n < 0) {
        last_error = parent_exists(p) ? ERROR_FILE_NOT_FOUND : ERROR_PATH_NOT_FOUND;
        return INVALID_FILE_ATTRIBUTES;
    }
    return nodes[n].dir ? FILE_ATTRIBUTE_DIRECTORY : FILE_ATTRIBUTE_NORMAL;
}

/* ---- Files and devices ------------------------------------------------------- */

static HANDLE WINAPI f_CreateFileW(LPCWSTR path, DWORD access, DWORD share,
                                   LPSECURITY_ATTRIBUTES sa, DWORD disposition, DWORD flags,
                                   HANDLE tmpl)
{
    char p[PATH_CHARS];
    int index, n;
    HANDLE hv;
    (void)access;
    (void)share;
    (void)sa;
    (void)tmpl;
    if (FAIL_BOOL("CreateFileW"))
        return INVALID_HANDLE_VALUE;
    w2u(path, p, sizeof(p));
    if (_strnicmp(p, "\\\\.\\PhysicalDrive", 17) == 0) {
        hv = new_handle(H_DEVICE, &index);
        handles[index].volume = -1 - atoi(p + 17);
        return hv;
    }
    if (_strnicmp(p, "\\\\?\\Volume{", 11) == 0 && p[strlen(p) - 1] != '\\') {
        for (size_t v = 0; v < cfg.n_volumes; v++) {
            if (cfg.volumes[v].guid && same(cfg.volumes[v].guid, p)) {
                hv = new_handle(H_DEVICE, &index);
                handles[index].volume = (int)v;
                return hv;
            }
        }
        last_error = ERROR_FILE_NOT_FOUND;
        return INVALID_HANDLE_VALUE;
    }
    if (disposition != CREATE_NEW) {
        last_error = ERROR_INVALID_PARAMETER;
        return INVALID_HANDLE_VALUE;
    }
    if (find_node(p) >= 0) {
        last_error = ERROR_FILE_EXISTS;
        return INVALID_HANDLE_VALUE;
    }
    if (!parent_exists(p)) {
        last_error = ERROR_PATH_NOT_FOUND;
        return INVALID_HANDLE_VALUE;
    }
    n = add_node(p, false, false);
    nodes[n].delete_on_close = (flags & FILE_FLAG_DELETE_ON_CLOSE) != 0;
    nodes[n].open = 1;
    hv = new_handle(H_FILE, &index);
    handles[index].node = n;
    return hv;
}

static BOOL WINAPI f_CloseHandle(HANDLE hv)
{
    struct handle *h = get_handle(hv, H_FREE);
    bool failed = FAIL_BOOL("CloseHandle");
    if (h && (h->kind == H_FILE || h->kind == H_DEVICE || h->kind == H_TOKEN))
        free_handle(h); /* closed even when the call reports a failure */
    else
        h = NULL;
    if (failed)
        return FALSE;
    return h ? TRUE : fail_with(ERROR_INVALID_HANDLE);
}

static const struct fake_offload *behaviour(int node)
{
    static const struct fake_offload none;
    int v = volume_of_path(nodes[node].path);
    return v < 0 ? &none : &cfg.volumes[v].offload;
}

static bool grow_to(struct node *n, uint64_t size)
{
    if (size > n->size) {
        uint8_t *d = realloc(n->data, (size_t)size);
        if (!d)
            return false;
        memset(d + n->size, 0, (size_t)(size - n->size));
        n->data = d;
        n->size = size;
    }
    return true;
}

static BOOL WINAPI f_WriteFile(HANDLE hv, LPCVOID buf, DWORD size, LPDWORD written, LPOVERLAPPED ov)
{
    struct handle *h = get_handle(hv, H_FILE);
    struct node *n;
    (void)ov;
    *written = 0;
    if (FAIL_BOOL("WriteFile"))
        return FALSE;
    if (!h)
        return fail_with(ERROR_INVALID_HANDLE);
    n = &nodes[h->node];
    if (behaviour(h->node)->writefile_error)
        return fail_with(behaviour(h->node)->writefile_error);
    if (!grow_to(n, h->pos + size))
        return fail_with(ERROR_DISK_FULL);
    memcpy(n->data + h->pos, buf, size);
    h->pos += size;
    *written = size;
    return TRUE;
}

static BOOL WINAPI f_ReadFile(HANDLE hv, LPVOID buf, DWORD size, LPDWORD got, LPOVERLAPPED ov)
{
    struct handle *h = get_handle(hv, H_FILE);
    struct node *n;
    uint64_t avail;
    (void)ov;
    *got = 0;
    if (FAIL_BOOL("ReadFile"))
        return FALSE;
    if (!h)
        return fail_with(ERROR_INVALID_HANDLE);
    n = &nodes[h->node];
    avail = h->pos < n->size ? n->size - h->pos : 0;
    if (avail > size)
        avail = size;
    memcpy(buf, n->data + h->pos, (size_t)avail);
    h->pos += avail;
    *got = (DWORD)avail;
    return TRUE;
}

static BOOL WINAPI f_FlushFileBuffers(HANDLE hv)
{
    if (FAIL_BOOL("FlushFileBuffers"))
        return FALSE;
    return get_handle(hv, H_FILE) ? TRUE : fail_with(ERROR_INVALID_HANDLE);
}

static BOOL WINAPI f_SetFilePointerEx(HANDLE hv, LARGE_INTEGER to, PLARGE_INTEGER out, DWORD method)
{
    struct handle *h = get_handle(hv, H_FILE);
    if (FAIL_BOOL("SetFilePointerEx"))
        return FALSE;
    if (!h || method != FILE_BEGIN || to.QuadPart < 0)
        return fail_with(ERROR_INVALID_PARAMETER);
    h->pos = (uint64_t)to.QuadPart;
    if (out)
        out->QuadPart = to.QuadPart;
    return TRUE;
}

static BOOL WINAPI f_SetEndOfFile(HANDLE hv)
{
    struct handle *h = get_handle(hv, H_FILE);
    struct node *n;
    if (FAIL_BOOL("SetEndOfFile"))
        return FALSE;
    if (!h)
        return fail_with(ERROR_INVALID_HANDLE);
    if (behaviour(h->node)->set_eof_error)
        return fail_with(behaviour(h->node)->set_eof_error);
    n = &nodes[h->node];
    if (!grow_to(n, h->pos))
        return fail_with(ERROR_DISK_FULL);
    n->size = h->pos;
    return TRUE;
}

static BOOL WINAPI f_CreateDirectoryW(LPCWSTR path, LPSECURITY_ATTRIBUTES sa)
{
    char p[PATH_CHARS];
    (void)sa;
    if (FAIL_BOOL("CreateDirectoryW"))
        return FALSE;
    w2u(path, p, sizeof(p));
    if (find_node(p) >= 0)
        return fail_with(ERROR_ALREADY_EXISTS);
    if (!parent_exists(p))
        return fail_with(ERROR_PATH_NOT_FOUND);
    add_node(p, true, false);
    return TRUE;
}

static BOOL WINAPI f_RemoveDirectoryW(LPCWSTR path)
{
    char p[PATH_CHARS];
    int n;
    if (FAIL_BOOL("RemoveDirectoryW"))
        return FALSE;
    w2u(path, p, sizeof(p));
    n = find_node(p);
    if (n < 0 || !nodes[n].dir)
        return fail_with(ERROR_PATH_NOT_FOUND);
    if (has_children(p))
        return fail_with(ERROR_DIR_NOT_EMPTY);
    drop_node(n);
    return TRUE;
}

static BOOL WINAPI f_DeleteFileW(LPCWSTR path)
{
    char p[PATH_CHARS];
    int n;
    if (FAIL_BOOL("DeleteFileW"))
        return FALSE;
    w2u(path, p, sizeof(p));
    n = find_node(p);
    if (n < 0 || nodes[n].dir)
        return fail_with(ERROR_FILE_NOT_FOUND);
    if (nodes[n].open)
        nodes[n].delete_on_close = true;
    else
        drop_node(n);
    return TRUE;
}

/* The vendor token this machine hands out: "ODXF", source node, offset, length. */
static void make_token(uint8_t *t, int node, uint64_t off, uint64_t len)
{
    memset(t, 0, ODX_WINPARSE_TOKEN_SIZE);
    memcpy(t, "ODXF", 4);
    memcpy(t + 8, &node, sizeof(node));
    memcpy(t + 16, &off, sizeof(off));
    memcpy(t + 24, &len, sizeof(len));
}

static BOOL offload_read(struct handle *h, LPVOID in, DWORD in_size, LPVOID out, DWORD out_size,
                         LPDWORD ret)
{
    const struct fake_offload *b = behaviour(h->node);
    struct odx_winparse_read_input ri;
    struct odx_winparse_read_output ro;
    size_t len = 0;
    if (b->read_error)
        return fail_with(b->read_error);
    if (odx_winparse_read_input_decode(in, in_size, &ri) != ODX_OK ||
        ri.file_offset + ri.copy_length > nodes[h->node].size)
        return fail_with(ERROR_INVALID_PARAMETER);
    memset(&ro, 0, sizeof(ro));
    ro.transfer_length = ri.copy_length;
    if (b->read_cap && ro.transfer_length > b->read_cap)
        ro.transfer_length = b->read_cap;
    ro.flags = b->read_flag_all_zero ? ODX_WINPARSE_READ_FLAG_ALL_ZERO_BEYOND : 0;
    if (b->zero_token)
        odx_winparse_token_make_zero(ro.token, sizeof(ro.token));
    else
        make_token(ro.token, h->node, ri.file_offset, ro.transfer_length);
    if (odx_winparse_read_output_encode(out, out_size, &ro, &len) != ODX_OK)
        return fail_with(ERROR_INSUFFICIENT_BUFFER);
    *ret = (DWORD)len;
    return TRUE;
}

static BOOL offload_write(struct handle *h, LPVOID in, DWORD in_size, LPVOID out, DWORD out_size,
                          LPDWORD ret)
{
    const struct fake_offload *b = behaviour(h->node);
    struct odx_winparse_write_input wi;
    struct odx_winparse_write_output wo;
    struct odx_winparse_token tok;
    struct node *dst = &nodes[h->node];
    uint64_t n;
    size_t len = 0;
    if (b->write_error)
        return fail_with(b->write_error);
    if (odx_winparse_write_input_decode(in, in_size, &wi) != ODX_OK ||
        wi.file_offset + wi.copy_length > dst->size)
        return fail_with(ERROR_INVALID_PARAMETER);
    n = wi.copy_length;
    if (b->write_cap && n > b->write_cap)
        n = b->write_cap;
    odx_winparse_token_inspect(wi.token, sizeof(wi.token), &tok);
    if (tok.is_zero_data) {
        memset(dst->data + wi.file_offset, 0, (size_t)n);
    } else {
        int src;
        uint64_t off, tlen;
        memcpy(&src, wi.token + 8, sizeof(src));
        memcpy(&off, wi.token + 16, sizeof(off));
        memcpy(&tlen, wi.token + 24, sizeof(tlen));
        if (memcmp(wi.token, "ODXF", 4) != 0 || src < 0 || src >= MAX_NODES || !nodes[src].used ||
            wi.transfer_offset + n > tlen)
            return fail_with(ERROR_INVALID_TOKEN);
        memcpy(dst->data + wi.file_offset, nodes[src].data + off + wi.transfer_offset, (size_t)n);
    }
    if (b->corrupt && n > 0)
        dst->data[wi.file_offset + n / 2] ^= 0x40;
    memset(&wo, 0, sizeof(wo));
    wo.length_written = n;
    if (odx_winparse_write_output_encode(out, out_size, &wo, &len) != ODX_OK)
        return fail_with(ERROR_INSUFFICIENT_BUFFER);
    *ret = (DWORD)len;
    return TRUE;
}

static BOOL WINAPI f_DeviceIoControl(HANDLE hv, DWORD code, LPVOID in, DWORD in_size, LPVOID out,
                                     DWORD out_size, LPDWORD ret, LPOVERLAPPED ov)
{
    struct handle *h = get_handle(hv, H_FREE);
    (void)ov;
    *ret = 0;
    if (FAIL_BOOL("DeviceIoControl"))
        return FALSE;
    if (!h)
        return fail_with(ERROR_INVALID_HANDLE);
    if (h->kind == H_FILE && code == FSCTL_OFFLOAD_READ)
        return offload_read(h, in, in_size, out, out_size, ret);
    if (h->kind == H_FILE && code == FSCTL_OFFLOAD_WRITE)
        return offload_write(h, in, in_size, out, out_size, ret);
    if (h->kind == H_DEVICE && code == IOCTL_STORAGE_QUERY_PROPERTY) {
        struct odx_winparse_copy_offload_desc d;
        size_t len = 0;
        bool answers = h->volume >= 0 ? cfg.volumes[h->volume].storage_error == 0 : true;
        if (h->volume < 0) {
            /* a disk: the one under the volume whose number it is */
            int v = -1 - h->volume;
            answers = v < (int)cfg.n_volumes && cfg.volumes[v].disk_answers;
        }
        if (!answers)
            return fail_with(h->volume >= 0 ? cfg.volumes[h->volume].storage_error
                                            : ERROR_NOT_SUPPORTED);
        memset(&d, 0, sizeof(d));
        d.max_token_lifetime_s = 60;
        d.default_token_lifetime_s = 30;
        d.max_transfer_size = 256u * 1024u * 1024u;
        d.optimal_transfer_count = 64u * 1024u * 1024u;
        d.max_data_descriptors = 32;
        if (odx_winparse_copy_offload_desc_encode(out, out_size, &d, &len) != ODX_OK)
            return fail_with(ERROR_INSUFFICIENT_BUFFER);
        *ret = (DWORD)len;
        return TRUE;
    }
    if (h->kind == H_DEVICE && code == IOCTL_STORAGE_GET_DEVICE_NUMBER && h->volume >= 0) {
        uint8_t *o = out;
        DWORD disk = (DWORD)h->volume; /* disk N sits under volume N */
        if (out_size < 12)
            return fail_with(ERROR_INSUFFICIENT_BUFFER);
        memset(o, 0, 12);
        o[0] = 7; /* FILE_DEVICE_DISK */
        memcpy(o + 4, &disk, 4);
        o[8] = 1;
        *ret = 12;
        return TRUE;
    }
    return fail_with(ERROR_INVALID_FUNCTION);
}

/* ---- Registry ------------------------------------------------------------------ */

static void key_path(HKEY base, LPCWSTR sub, char *out)
{
    char s[PATH_CHARS];
    struct handle *h = get_handle((HANDLE)base, H_KEY);
    w2u(sub, s, sizeof(s));
    if (base == HKEY_LOCAL_MACHINE || !h)
        snprintf(out, PATH_CHARS, "%s", s);
    else
        snprintf(out, PATH_CHARS, "%s\\%s", h->key, s);
}

static bool key_exists(const char *key)
{
    size_t n = strlen(key);
    for (size_t i = 0; i < cfg.n_reg; i++)
        if (_stricmp(cfg.reg[i].key, key) == 0 ||
            (_strnicmp(cfg.reg[i].key, key, n) == 0 && cfg.reg[i].key[n] == '\\'))
            return true;
    return false;
}

static LSTATUS WINAPI f_RegOpenKeyExW(HKEY base, LPCWSTR sub, DWORD options, REGSAM sam, PHKEY out)
{
    char path[PATH_CHARS];
    int index;
    HANDLE hv;
    (void)options;
    (void)sam;
    if (FAIL_BOOL("RegOpenKeyExW"))
        return (LSTATUS)GEN_FAILURE;
    key_path(base, sub, path);
    if (!key_exists(path))
        return ERROR_FILE_NOT_FOUND;
    hv = new_handle(H_KEY, &index);
    snprintf(handles[index].key, PATH_CHARS, "%s", path);
    *out = (HKEY)hv;
    return ERROR_SUCCESS;
}

static LSTATUS WINAPI f_RegQueryValueExW(HKEY key, LPCWSTR name, LPDWORD reserved, LPDWORD type,
                                         LPBYTE data, LPDWORD size)
{
    struct handle *h = get_handle((HANDLE)key, H_KEY);
    char v[PATH_CHARS];
    (void)reserved;
    if (FAIL_BOOL("RegQueryValueExW"))
        return (LSTATUS)GEN_FAILURE;
    if (!h)
        return ERROR_INVALID_HANDLE;
    w2u(name, v, sizeof(v));
    for (size_t i = 0; i < cfg.n_reg; i++) {
        const struct fake_reg *r = &cfg.reg[i];
        DWORD need;
        if (!r->value || _stricmp(r->key, h->key) != 0 || _stricmp(r->value, v) != 0)
            continue;
        if (r->is_string) {
            WCHAR tmp[PATH_CHARS];
            size_t n = u2w(r->str, tmp, PATH_CHARS);
            need = (DWORD)((n + 1) * sizeof(WCHAR));
            if (type)
                *type = REG_SZ;
            if (data && *size < need) {
                *size = need;
                return ERROR_MORE_DATA;
            }
            if (data)
                memcpy(data, tmp, need);
        } else {
            need = 4;
            if (type)
                *type = REG_DWORD;
            if (data && *size < need) {
                *size = need;
                return ERROR_MORE_DATA;
            }
            if (data)
                memcpy(data, &r->dword, 4);
        }
        *size = need;
        return ERROR_SUCCESS;
    }
    return ERROR_FILE_NOT_FOUND;
}

static LSTATUS WINAPI f_RegEnumKeyExW(HKEY key, DWORD index, LPWSTR name, LPDWORD chars,
                                      LPDWORD reserved, LPWSTR cls, LPDWORD cls_chars,
                                      PFILETIME when)
{
    struct handle *h = get_handle((HANDLE)key, H_KEY);
    char seen[FAKE_MAX * 4][128];
    size_t n_seen = 0, n;
    (void)reserved;
    (void)cls;
    (void)cls_chars;
    (void)when;
    if (FAIL_BOOL("RegEnumKeyExW"))
        return (LSTATUS)GEN_FAILURE;
    if (!h)
        return ERROR_INVALID_HANDLE;
    n = strlen(h->key);
    for (size_t i = 0; i < cfg.n_reg; i++) {
        const char *k = cfg.reg[i].key, *child, *end;
        char c[128];
        bool dup = false;
        if (_strnicmp(k, h->key, n) != 0 || k[n] != '\\')
            continue;
        child = k + n + 1;
        end = strchr(child, '\\');
        snprintf(c, sizeof(c), "%.*s", (int)(end ? (size_t)(end - child) : strlen(child)), child);
        for (size_t j = 0; j < n_seen; j++)
            dup = dup || _stricmp(seen[j], c) == 0;
        if (!dup)
            snprintf(seen[n_seen++], sizeof(seen[0]), "%s", c);
    }
    if (index >= n_seen)
        return ERROR_NO_MORE_ITEMS;
    if (strlen(seen[index]) + 1 > *chars)
        return ERROR_MORE_DATA;
    *chars = (DWORD)u2w(seen[index], name, *chars);
    return ERROR_SUCCESS;
}

static LSTATUS WINAPI f_RegCloseKey(HKEY key)
{
    struct handle *h = get_handle((HANDLE)key, H_KEY);
    bool failed = FAIL_BOOL("RegCloseKey");
    if (h)
        free_handle(h);
    if (failed)
        return (LSTATUS)GEN_FAILURE;
    return h ? ERROR_SUCCESS : ERROR_INVALID_HANDLE;
}

/* ---- Images -------------------------------------------------------------------- */

static DWORD WINAPI f_ExpandEnvironmentStringsW(LPCWSTR src, LPWSTR dst, DWORD chars)
{
    char s[PATH_CHARS], out[PATH_CHARS];
    const char *at;
    WCHAR tmp[PATH_CHARS];
    size_t n;
    if (FAIL_BOOL("ExpandEnvironmentStringsW"))
        return 0;
    w2u(src, s, sizeof(s));
    at = strstr(s, "%SystemRoot%");
    if (at)
        snprintf(out, sizeof(out), "%.*sC:\\Windows%s", (int)(at - s), s, at + 12);
    else
        snprintf(out, sizeof(out), "%s", s);
    n = u2w(out, tmp, PATH_CHARS);
    if (dst && chars >= n + 1)
        memcpy(dst, tmp, (n + 1) * sizeof(WCHAR));
    return (DWORD)(n + 1);
}

static UINT WINAPI f_GetSystemWindowsDirectoryW(LPWSTR buf, UINT chars)
{
    if (FAIL_BOOL("GetSystemWindowsDirectoryW"))
        return 0;
    if (chars < 11)
        return 11;
    u2w("C:\\Windows", buf, chars);
    return 10;
}

static bool is_driver(const WCHAR *path)
{
    char p[PATH_CHARS];
    w2u(path, p, sizeof(p));
    return _strnicmp(p, "C:\\Windows\\System32\\drivers\\", 28) == 0;
}

static DWORD WINAPI f_GetFileVersionInfoSizeW(LPCWSTR path, LPDWORD handle)
{
    if (FAIL_BOOL("GetFileVersionInfoSizeW"))
        return 0;
    *handle = 0;
    if (!is_driver(path)) {
        last_error = ERROR_FILE_NOT_FOUND;
        return 0;
    }
    return 64;
}

static BOOL WINAPI f_GetFileVersionInfoW(LPCWSTR path, DWORD handle, DWORD size, LPVOID data)
{
    (void)handle;
    if (FAIL_BOOL("GetFileVersionInfoW"))
        return FALSE;
    if (!is_driver(path) || size < 4)
        return fail_with(ERROR_FILE_NOT_FOUND);
    memcpy(data, "VERS", 4);
    return TRUE;
}

static BOOL WINAPI f_VerQueryValueW(LPCVOID block, LPCWSTR sub, LPVOID *value, PUINT len)
{
    static uint8_t translation[4] = {0x09, 0x04, 0xb0, 0x04};
    static WCHAR company[] = L"Fake Vendor Inc.", product[] = L"Fake Filter",
                 version[] = L"1.2.3.4";
    char s[PATH_CHARS];
    if (FAIL_BOOL("VerQueryValueW"))
        return FALSE;
    if (memcmp(block, "VERS", 4) != 0)
        return FALSE;
    w2u(sub, s, sizeof(s));
    if (strcmp(s, "\\VarFileInfo\\Translation") == 0) {
        *value = translation;
        *len = 4;
    } else if (strcmp(s, "\\StringFileInfo\\040904b0\\CompanyName") == 0) {
        *value = company;
        *len = (UINT)(sizeof(company) / sizeof(WCHAR));
    } else if (strcmp(s, "\\StringFileInfo\\040904b0\\ProductName") == 0) {
        *value = product;
        *len = (UINT)(sizeof(product) / sizeof(WCHAR));
    } else if (strcmp(s, "\\StringFileInfo\\040904b0\\FileVersion") == 0) {
        *value = version;
        *len = (UINT)(sizeof(version) / sizeof(WCHAR));
    } else {
        return FALSE;
    }
    return TRUE;
}

/* ---- Host ---------------------------------------------------------------------- */

static LONG WINAPI f_RtlGetVersion(RTL_OSVERSIONINFOW *info)
{
    if (inject("RtlGetVersion", ODX_CODE_NTSTATUS, (uint32_t)NT_FAILURE))
        return NT_FAILURE;
    info->dwMajorVersion = 10;
    info->dwMinorVersion = 0;
    info->dwBuildNumber = 20348;
    return 0;
}

static BOOL WINAPI f_GetComputerNameExW(COMPUTER_NAME_FORMAT fmt, LPWSTR buf, LPDWORD chars)
{
    static const char name[] = "FAKEHOST";
    (void)fmt;
    if (FAIL_BOOL("GetComputerNameExW"))
        return FALSE;
    if (*chars < sizeof(name)) {
        *chars = (DWORD)sizeof(name);
        return fail_with(ERROR_MORE_DATA);
    }
    *chars = (DWORD)u2w(name, buf, *chars);
    return TRUE;
}

static void WINAPI f_GetNativeSystemInfo(LPSYSTEM_INFO si)
{
    memset(si, 0, sizeof(*si));
    si->wProcessorArchitecture = PROCESSOR_ARCHITECTURE_AMD64;
}

static HANDLE WINAPI f_GetCurrentProcess(void)
{
    return (HANDLE)(intptr_t)-1;
}

static BOOL WINAPI f_OpenProcessToken(HANDLE process, DWORD access, PHANDLE out)
{
    int index;
    (void)process;
    (void)access;
    if (FAIL_BOOL("OpenProcessToken"))
        return FALSE;
    *out = new_handle(H_TOKEN, &index);
    return TRUE;
}

static BOOL WINAPI f_GetTokenInformation(HANDLE token, TOKEN_INFORMATION_CLASS cls, LPVOID buf,
                                         DWORD size, PDWORD ret)
{
    DWORD v = cfg.elevated ? 1 : 0;
    (void)cls;
    if (FAIL_BOOL("GetTokenInformation"))
        return FALSE;
    if (!get_handle(token, H_TOKEN))
        return fail_with(ERROR_INVALID_HANDLE);
    if (size < 4)
        return fail_with(ERROR_INSUFFICIENT_BUFFER);
    memcpy(buf, &v, 4);
    *ret = 4;
    return TRUE;
}

static LONGLONG clock_ticks;

static BOOL WINAPI f_QueryPerformanceCounter(LARGE_INTEGER *c)
{
    clock_ticks += 1000;
    c->QuadPart = clock_ticks;
    return TRUE;
}

static BOOL WINAPI f_QueryPerformanceFrequency(LARGE_INTEGER *f)
{
    f->QuadPart = 10000000;
    return TRUE;
}

static uint32_t random_state;

static LONG WINAPI f_BCryptGenRandom(void *alg, PUCHAR buf, ULONG size, ULONG flags)
{
    (void)alg;
    (void)flags;
    if (inject("BCryptGenRandom", ODX_CODE_NTSTATUS, (uint32_t)NT_FAILURE))
        return NT_FAILURE;
    for (ULONG i = 0; i < size; i++) {
        random_state = random_state * 1103515245u + 12345u;
        buf[i] = (UCHAR)(random_state >> 16);
    }
    return 0;
}

/* ---- Table and control ------------------------------------------------------------ */

static const struct odx_winapi table = {
    .GetLastError = f_GetLastError,
    .FilterFindFirst = f_FilterFindFirst,
    .FilterFindNext = f_FilterFindNext,
    .FilterFindClose = f_FilterFindClose,
    .FilterVolumeFindFirst = f_FilterVolumeFindFirst,
    .FilterVolumeFindNext = f_FilterVolumeFindNext,
    .FilterVolumeFindClose = f_FilterVolumeFindClose,
    .FilterVolumeInstanceFindFirst = f_FilterVolumeInstanceFindFirst,
    .FilterVolumeInstanceFindNext = f_FilterVolumeInstanceFindNext,
    .FilterVolumeInstanceFindClose = f_FilterVolumeInstanceFindClose,
    .FilterGetDosName = f_FilterGetDosName,
    .FindFirstVolumeW = f_FindFirstVolumeW,
    .FindNextVolumeW = f_FindNextVolumeW,
    .FindVolumeClose = f_FindVolumeClose,
    .GetVolumePathNamesForVolumeNameW = f_GetVolumePathNamesForVolumeNameW,
    .QueryDosDeviceW = f_QueryDosDeviceW,
    .GetVolumeInformationW = f_GetVolumeInformationW,
    .GetDriveTypeW = f_GetDriveTypeW,
    .GetDiskFreeSpaceW = f_GetDiskFreeSpaceW,
    .GetVolumePathNameW = f_GetVolumePathNameW,
    .GetVolumeNameForVolumeMountPointW = f_GetVolumeNameForVolumeMountPointW,
    .GetFileAttributesW = f_GetFileAttributesW,
    .CreateFileW = f_CreateFileW,
    .CloseHandle = f_CloseHandle,
    .DeviceIoControl = f_DeviceIoControl,
    .ReadFile = f_ReadFile,
    .WriteFile = f_WriteFile,
    .FlushFileBuffers = f_FlushFileBuffers,
    .SetFilePointerEx = f_SetFilePointerEx,
    .SetEndOfFile = f_SetEndOfFile,
    .CreateDirectoryW = f_CreateDirectoryW,
    .RemoveDirectoryW = f_RemoveDirectoryW,
    .DeleteFileW = f_DeleteFileW,
    .RegOpenKeyExW = f_RegOpenKeyExW,
    .RegQueryValueExW = f_RegQueryValueExW,
    .RegEnumKeyExW = f_RegEnumKeyExW,
    .RegCloseKey = f_RegCloseKey,
    .ExpandEnvironmentStringsW = f_ExpandEnvironmentStringsW,
    .GetSystemWindowsDirectoryW = f_GetSystemWindowsDirectoryW,
    .GetFileVersionInfoSizeW = f_GetFileVersionInfoSizeW,
    .GetFileVersionInfoW = f_GetFileVersionInfoW,
    .VerQueryValueW = f_VerQueryValueW,
    .RtlGetVersion = f_RtlGetVersion,
    .GetComputerNameExW = f_GetComputerNameExW,
    .GetNativeSystemInfo = f_GetNativeSystemInfo,
    .GetCurrentProcess = f_GetCurrentProcess,
    .OpenProcessToken = f_OpenProcessToken,
    .GetTokenInformation = f_GetTokenInformation,
    .QueryPerformanceCounter = f_QueryPerformanceCounter,
    .QueryPerformanceFrequency = f_QueryPerformanceFrequency,
    .BCryptGenRandom = f_BCryptGenRandom,
};

void fake_install(const struct fake_config *c)
{
    for (int i = 0; i < MAX_NODES; i++)
        if (nodes[i].used)
            drop_node(i);
    memset(handles, 0, sizeof(handles));
    cfg = *c;
    calls = 0;
    fail_at = 0;
    failed_api = NULL;
    memset(&failed_code, 0, sizeof(failed_code));
    last_error = 0;
    random_state = 12345u;
    clock_ticks = 0;
    for (size_t v = 0; v < cfg.n_volumes; v++) {
        if (cfg.volumes[v].mount && find_node(cfg.volumes[v].mount) < 0)
            add_node(cfg.volumes[v].mount, true, true);
        if (cfg.volumes[v].guid && find_node(cfg.volumes[v].guid) < 0)
            add_node(cfg.volumes[v].guid, true, true);
    }
    for (size_t i = 0; i < cfg.n_dirs; i++)
        if (find_node(cfg.dirs[i]) < 0)
            add_node(cfg.dirs[i], true, true);
    odx_winapi_set(&table);
}

void fake_uninstall(void)
{
    odx_winapi_set(NULL);
}

void fake_fail_at(long n)
{
    fail_at = n;
}

long fake_calls(void)
{
    return calls;
}

const char *fake_failed(struct odx_code *code)
{
    if (code)
        *code = failed_code;
    return failed_api;
}

long fake_open_handles(void)
{
    long n = 0;
    for (int i = 0; i < MAX_HANDLES; i++)
        n += handles[i].kind != H_FREE;
    return n;
}

long fake_leftovers(void)
{
    long n = 0;
    for (int i = 0; i < MAX_NODES; i++)
        n += nodes[i].used && !nodes[i].ours;
    return n;
}

/* ---- A typical server -------------------------------------------------------------- */

#define SVC "SYSTEM\\CurrentControlSet\\Services\\"

static void reg_dword(struct fake_config *c, const char *key, const char *value, DWORD v)
{
    struct fake_reg *r = &c->reg[c->n_reg++];
    memset(r, 0, sizeof(*r));
    r->key = key;
    r->value = value;
    r->dword = v;
}

static void reg_str(struct fake_config *c, const char *key, const char *value, const char *s)
{
    struct fake_reg *r = &c->reg[c->n_reg++];
    memset(r, 0, sizeof(*r));
    r->key = key;
    r->value = value;
    r->is_string = true;
    r->str = s;
}

void fake_config_server(struct fake_config *c)
{
    memset(c, 0, sizeof(*c));
    c->elevated = true;
    c->filters[c->n_filters++] = (struct fake_filter){"WdFilter", "328010", false, 0, 2};
    c->filters[c->n_filters++] = (struct fake_filter){"VendorFlt", "320500", false, 0, 1};
    c->filters[c->n_filters++] = (struct fake_filter){"FileInfo", "40500", false, 0, 3};

    c->volumes[c->n_volumes++] = (struct fake_volume){
        .nt = "\\Device\\HarddiskVolume3",
        .fs_type = 2,
        .dos = "C:",
        .guid = "\\\\?\\Volume{11111111-0000-0000-0000-000000000001}\\",
        .mount = "C:\\",
        .fs_name = "NTFS",
        .drive_type = DRIVE_FIXED,
        .sector = 512,
        .fm = true,
    };
    c->volumes[c->n_volumes++] = (struct fake_volume){
        .nt = "\\Device\\HarddiskVolume4",
        .fs_type = 2,
        .dos = "D:",
        .guid = "\\\\?\\Volume{11111111-0000-0000-0000-000000000002}\\",
        .mount = "D:\\",
        .fs_name = "NTFS",
        .drive_type = DRIVE_FIXED,
        .sector = 4096,
        .fm = true,
        .storage_error = ERROR_NOT_SUPPORTED,
        .disk_answers = true,
        .offload = {.write_error = ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED},
    };
    c->volumes[c->n_volumes++] = (struct fake_volume){
        .nt = "\\Device\\HarddiskVolume9",
        .fs_type = 3,
        .dos = "E:",
        .guid = "\\\\?\\Volume{11111111-0000-0000-0000-000000000003}\\",
        .mount = "E:\\",
        .fs_name = "FAT32",
        .drive_type = DRIVE_REMOVABLE,
        .sector = 512,
        .fm = true,
        .storage_error = ERROR_INVALID_FUNCTION,
    };
    c->volumes[c->n_volumes++] = (struct fake_volume){
        .nt = "\\Device\\Mup",
        .fs_type = 13,
        .fm = true,
    };
    c->volumes[c->n_volumes++] = (struct fake_volume){
        .nt = "\\Device\\NamedPipe",
        .fs_type = 25,
        .fm = true,
    };
    /* A share, for --path: no Win32 volume, not listed by Filter Manager. */
    c->volumes[c->n_volumes++] = (struct fake_volume){
        .mount = "\\\\srv\\share\\",
        .fs_name = "NTFS",
        .drive_type = DRIVE_REMOTE,
        .sector = 512,
        .offload = {.read_error = ERROR_NOT_SUPPORTED},
    };
    c->dirs[c->n_dirs++] = "\\\\srv\\share\\odx";
    c->dirs[c->n_dirs++] = "C:\\Windows";

    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume3", "FileInfo", "FileInfo", "40500", false, 0, 0xf};
    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume3", "WdFilter", "WdFilter Instance", "328010", false, 0, 0xf};
    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume4", "WdFilter", "WdFilter Instance", "328010", false, 0, 0xf};
    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume4", "VendorFlt", "VendorFlt Instance", "320500", false, 0, 0x1};
    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume4", "FileInfo", "FileInfo", "40500", false, 0, 0xf};
    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume9", "FileInfo", "FileInfo", "40500", false, 0, 0xf};
    c->instances[c->n_instances++] = (struct fake_instance){
        "\\Device\\Mup", "WdFilter", "WdFilter Instance", "328010", false, 0, 0xb};

    reg_dword(c, "SYSTEM\\CurrentControlSet\\Control\\FileSystem", "FilterSupportedFeaturesMode",
              0);
    reg_dword(c, SVC "WdFilter", "SupportedFeatures", 0xf);
    reg_str(c, SVC "WdFilter", "ImagePath", "system32\\drivers\\wd\\WdFilter.sys");
    reg_str(c, SVC "WdFilter\\Instances", "DefaultInstance", "WdFilter Instance");
    reg_str(c, SVC "WdFilter\\Instances\\WdFilter Instance", "Altitude", "328010");
    reg_dword(c, SVC "VendorFlt", "SupportedFeatures", 0x1);
    reg_dword(c, SVC "VendorFlt\\Parameters", "SupportedFeatures", 0x3);
    reg_str(c, SVC "VendorFlt", "ImagePath", "\\??\\C:\\Windows\\System32\\drivers\\vflt.sys");
    reg_str(c, SVC "VendorFlt\\Instances", "DefaultInstance", "VendorFlt Instance");
    reg_str(c, SVC "VendorFlt\\Instances\\VendorFlt Instance", "Altitude", "320500");
    reg_dword(c, SVC "FileInfo", "SupportedFeatures", 0xf);
    reg_str(c, SVC "FileInfo", "ImagePath", "\\SystemRoot\\System32\\drivers\\fileinfo.sys");
    reg_str(c, SVC "FileInfo\\Instances", "DefaultInstance", "FileInfo");
    reg_str(c, SVC "FileInfo\\Instances\\FileInfo", "Altitude", "40500");
    reg_str(c, SVC "Tcpip", "ImagePath", "%SystemRoot%\\System32\\drivers\\tcpip.sys");
    reg_str(c, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "ProductName",
            "Windows Server 2022 Datacenter");
    reg_str(c, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "DisplayVersion", "21H2");
    reg_str(c, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "CurrentBuildNumber", "20348");
    reg_dword(c, "SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion", "UBR", 2227);
}
