/*
 * The trial: one offload copy, verified, on a volume, between two volumes
 * (--cross) or in a directory the user names (--path), and the locate slot
 * that maps such a directory to a volume.
 *
 * What a trial writes, and the guarantees around it (docs/windows.md says
 * the same to the user):
 *   - a private directory "odxprobe-<16 random hex digits>" made with
 *     CreateDirectoryW, which fails if the name exists: never an existing
 *     directory, never reused;
 *   - in it "source.bin" and "copy.bin", created CREATE_NEW with
 *     FILE_FLAG_DELETE_ON_CLOSE, so Windows deletes them when their handles
 *     close, even if the process is killed;
 *   - the source filled with a non-zero pattern and flushed; the copy
 *     pre-sized with SetEndOfFile, as offload writes require [S5]; then
 *     FSCTL_OFFLOAD_READ and FSCTL_OFFLOAD_WRITE until every byte is
 *     transferred [S6, S7]; then the copy read back and compared;
 *   - on every path, Ctrl+C included, the handles closed, the files
 *     deleted if still there, and the directory removed; the cleanup stage
 *     records how that went.
 *
 * Every stage is timed and keeps the raw Win32 code of its last call
 * (GetLastError right after it). A flag set by the interrupt slot is
 * checked between steps; the trial then cleans up and returns
 * ODX_E_CANCELLED.
 */
#include "win_internal.h"

#include <string.h>

#include "odx/alloc.h"
#include "odx/winparse.h"

/* Bytes written, read back and compared per call. */
#define CHUNK_BYTES       (1024u * 1024u)
/* An offload loop makes at most this many calls per MiB before giving up (a device that
 * keeps transferring a sector at a time is broken; the report shows the calls). */
#define MAX_CALLS_PER_MIB 4096u

/* BCRYPT_USE_SYSTEM_PREFERRED_RNG: no algorithm handle needed (bcrypt.h [S3]). */
#define ODX_BCRYPT_SYSTEM_RNG 0x00000002u

static volatile LONG interrupted;
static volatile LONG busy;

void odx_win_interrupt(void)
{
    InterlockedExchange(&interrupted, 1);
}

void odx_win_interrupt_reset(void)
{
    InterlockedExchange(&interrupted, 0);
}

bool odx_win_trial_busy(void)
{
    return InterlockedCompareExchange(&busy, 0, 0) != 0;
}

static bool stopping(void)
{
    return InterlockedCompareExchange(&interrupted, 0, 0) != 0;
}

/* ---- Paths --------------------------------------------------------------- */

static bool is_sep(WCHAR c)
{
    return c == L'\\' || c == L'/';
}

/* A UNC path (\\server\share, //server/share, \\?\UNC\...) is on another machine. The
 * device namespaces \\?\ and \\.\ are not, unless they name UNC. */
static bool is_unc(const WCHAR *p)
{
    if (!is_sep(p[0]) || !is_sep(p[1]))
        return false;
    if ((p[2] == L'?' || p[2] == L'.') && is_sep(p[3]))
        return odx_win_wide_prefix(p + 4, L"UNC\\");
    return p[2] != 0;
}

/* The root GetVolumePathNameW gives for path, as a new string (odx_free); NULL recorded. */
static enum odx_status volume_root(struct odx_obs *obs, const WCHAR *path, WCHAR **out)
{
    const struct odx_winapi *w = odx_winapi_get();
    size_t len = odx_win_wcsnlen(path, ODX_WIN_MAX_CHARS), chars = len + MAX_PATH + 2;
    WCHAR *root;
    *out = NULL;
    if (!(root = odx_calloc(chars, sizeof(WCHAR))))
        return ODX_E_NOMEM;
    if (!w->GetVolumePathNameW(path, root, (DWORD)chars)) {
        DWORD e = w->GetLastError();
        odx_free(root);
        return odx_win_error_w(obs, "GetVolumePathNameW", path, odx_win32_code(e), NULL);
    }
    root[chars - 1] = 0;
    *out = root;
    return ODX_OK;
}

/* Whether path is remote: UNC, or a drive letter mapped to a share (DRIVE_REMOTE). */
static enum odx_status path_remote(struct odx_obs *obs, const WCHAR *path, const WCHAR *root,
                                   enum odx_tri *remote)
{
    const struct odx_winapi *w = odx_winapi_get();
    UINT type;
    if (is_unc(path) || (root && is_unc(root))) {
        *remote = ODX_TRI_YES;
        return ODX_OK;
    }
    *remote = ODX_TRI_UNKNOWN;
    if (!root)
        return ODX_OK;
    type = w->GetDriveTypeW(root);
    if (type == DRIVE_REMOTE)
        *remote = ODX_TRI_YES;
    else if (type != DRIVE_UNKNOWN && type != DRIVE_NO_ROOT_DIR)
        *remote = ODX_TRI_NO;
    else
        return odx_win_error_w(
            obs, "GetDriveTypeW", root,
            odx_odx_code(type == DRIVE_NO_ROOT_DIR ? ODX_E_NOT_FOUND : ODX_E_UNSUPPORTED),
            type == DRIVE_NO_ROOT_DIR ? "DRIVE_NO_ROOT_DIR" : "DRIVE_UNKNOWN");
    return ODX_OK;
}

/* The volume whose mount point or GUID path is root, or ODX_NONE. */
static enum odx_status volume_of_root(struct odx_obs *obs, const WCHAR *root, size_t *volume)
{
    const struct odx_winapi *w = odx_winapi_get();
    char *root8 = NULL, *guid8 = NULL;
    WCHAR guid[MAX_PATH + 1];
    size_t i;
    enum odx_status st;

    *volume = ODX_NONE;
    st = odx_win_utf8(root, SIZE_MAX, &root8);
    if (st != ODX_OK)
        return st == ODX_E_NOMEM ? st : ODX_OK;
    for (i = 0; i < obs->n_volumes && *volume == ODX_NONE; i++)
        if (odx_volume_matches(obs, i, root8))
            *volume = i;
    if (*volume == ODX_NONE && !is_unc(root)) {
        guid[0] = 0;
        if (w->GetVolumeNameForVolumeMountPointW(root, guid, MAX_PATH + 1)) {
            guid[MAX_PATH] = 0;
            st = odx_win_utf8(guid, SIZE_MAX, &guid8);
            if (st == ODX_OK) {
                for (i = 0; i < obs->n_volumes && *volume == ODX_NONE; i++)
                    if (odx_win_utf8_equal(obs->volumes[i].guid_path, guid8))
                        *volume = i;
            } else if (st != ODX_E_NOMEM) {
                st = ODX_OK;
            }
        } else {
            st = odx_win_error_w(obs, "GetVolumeNameForVolumeMountPointW", root,
                                 odx_win32_code(w->GetLastError()), NULL);
        }
    }
    odx_free(root8);
    odx_free(guid8);
    return st;
}

enum odx_status odx_win_locate(struct odx_obs *obs, const char *path, size_t *volume,
                               enum odx_tri *remote)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR *wpath = NULL, *root = NULL;
    DWORD attrs;
    enum odx_status st;

    *volume = ODX_NONE;
    *remote = ODX_TRI_UNKNOWN;
    st = odx_win_wide(path, &wpath);
    if (st != ODX_OK)
        return st == ODX_E_NOMEM ? st : ODX_E_NOT_FOUND;
    attrs = w->GetFileAttributesW(wpath);
    if (attrs == INVALID_FILE_ATTRIBUTES) {
        DWORD e = w->GetLastError();
        if (e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND || e == ERROR_INVALID_NAME ||
            e == ERROR_BAD_NETPATH || e == ERROR_BAD_NET_NAME || e == ERROR_INVALID_DRIVE) {
            st = ODX_E_NOT_FOUND;
            goto out;
        }
        /* Exists or not, we cannot tell (access denied...): the trial will say more. */
        st = odx_win_error_w(obs, "GetFileAttributesW", wpath, odx_win32_code(e), NULL);
    } else if (!(attrs & FILE_ATTRIBUTE_DIRECTORY)) {
        st = ODX_E_NOT_FOUND; /* a file, not a directory */
        goto out;
    }
    if (st != ODX_OK || (st = volume_root(obs, wpath, &root)) != ODX_OK ||
        (st = path_remote(obs, wpath, root, remote)) != ODX_OK)
        goto out;
    if (root)
        st = volume_of_root(obs, root, volume);
out:
    odx_free(wpath);
    odx_free(root);
    return st;
}

/* ---- The trial ----------------------------------------------------------- */

struct side {
    WCHAR *dir;  /* the private directory (owned) */
    WCHAR *file; /* the file in it (owned) */
    HANDLE h;
    bool dir_made;
};

struct trial {
    struct odx_obs *obs;
    size_t index; /* of the trial record */
    uint64_t size;
    uint64_t seed;
    struct side src, dst; /* dst.dir is NULL when both files share src.dir */
    uint8_t *buf, *check;
    enum odx_status fatal; /* ODX_E_NOMEM met on the way; cleanup still runs */
};

static struct odx_stage *stage(struct trial *t, enum odx_stage_id id)
{
    return &t->obs->trials[t->index].stages[id];
}

/* Records the stage's last call: api and code. */
static void set_stage(struct trial *t, enum odx_stage_id id, const char *api, struct odx_code code)
{
    struct odx_stage *s = stage(t, id);
    const char *copy = NULL;
    enum odx_status st = odx_obs_str(t->obs, api, &copy);
    if (st != ODX_OK && t->fatal == ODX_OK)
        t->fatal = st;
    s = stage(t, id);
    s->attempted = true;
    s->api = copy;
    s->code = code;
}

static void fail_win32(struct trial *t, enum odx_stage_id id, const char *api)
{
    set_stage(t, id, api, odx_win32_code(odx_winapi_get()->GetLastError()));
}

static void ok_stage(struct trial *t, enum odx_stage_id id, const char *api)
{
    set_stage(t, id, api, odx_win32_code(ERROR_SUCCESS));
}

static void add_time(struct trial *t, enum odx_stage_id id, uint64_t start)
{
    uint64_t now = odx_win_now_us();
    if (now >= start)
        stage(t, id)->elapsed_us += now - start;
}

/* The source's bytes at off: distinct for every 8-byte word and seed, never a zero byte,
 * so a misplaced sector, a stale block and a zeroed range all fail the comparison. */
static void pattern(uint8_t *out, size_t len, uint64_t off, uint64_t seed)
{
    size_t i;
    for (i = 0; i < len; i++) {
        uint64_t word = ((off + i) / 8u + 1u) * 0x9E3779B97F4A7C15ull ^ seed;
        out[i] = (uint8_t)((word >> ((off + i) % 8u * 8u)) | 1u);
    }
}

static const WCHAR hexdigits[] = L"0123456789abcdef";

/* Makes "<base>\odxprobe-<16 hex>" as a new directory for side s. */
static bool make_dir(struct trial *t, struct side *s, const WCHAR *base, const WCHAR *file)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR name[9 + 16 + 1];
    uint8_t rnd[8];
    LONG nt;
    size_t i, blen = odx_win_wcsnlen(base, ODX_WIN_MAX_CHARS);
    enum odx_status st;

    nt = w->BCryptGenRandom(NULL, rnd, sizeof(rnd), ODX_BCRYPT_SYSTEM_RNG);
    if (nt != 0) {
        set_stage(t, ODX_STAGE_CREATE, "BCryptGenRandom", odx_nt_code(nt));
        return false;
    }
    memcpy(name, L"odxprobe-", 9 * sizeof(WCHAR));
    for (i = 0; i < 8; i++) {
        name[9 + 2 * i] = hexdigits[rnd[i] >> 4];
        name[10 + 2 * i] = hexdigits[rnd[i] & 15];
    }
    name[25] = 0;
    st = odx_win_concat(&s->dir, base, blen && is_sep(base[blen - 1]) ? L"" : L"\\", name, NULL);
    if (st == ODX_OK)
        st = odx_win_concat(&s->file, s->dir, L"\\", file, NULL);
    if (st != ODX_OK) {
        if (st == ODX_E_NOMEM)
            t->fatal = st;
        set_stage(t, ODX_STAGE_CREATE, "CreateDirectoryW", odx_odx_code(st));
        return false;
    }
    /* Fails with ERROR_ALREADY_EXISTS if the name is taken: never reuse a directory. */
    if (!w->CreateDirectoryW(s->dir, NULL)) {
        fail_win32(t, ODX_STAGE_CREATE, "CreateDirectoryW");
        return false;
    }
    s->dir_made = true;
    if (s == &t->src) {
        /* The same random bytes seed the pattern: it differs from trial to trial. */
        for (i = 0; i < 8; i++)
            t->seed = t->seed << 8 | rnd[i];
    }
    return true;
}

static bool create_file(struct trial *t, struct side *s)
{
    const struct odx_winapi *w = odx_winapi_get();
    /* CREATE_NEW: a file of our own; DELETE_ON_CLOSE: gone when the handle closes, whatever
     * happens to this process. DELETE access is what that flag needs. */
    s->h = w->CreateFileW(s->file, GENERIC_READ | GENERIC_WRITE | DELETE, 0, NULL, CREATE_NEW,
                          FILE_ATTRIBUTE_NORMAL | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (s->h == INVALID_HANDLE_VALUE) {
        fail_win32(t, ODX_STAGE_CREATE, "CreateFileW");
        return false;
    }
    return true;
}

static bool seek(struct trial *t, HANDLE h, uint64_t off, enum odx_stage_id id)
{
    const struct odx_winapi *w = odx_winapi_get();
    LARGE_INTEGER to;
    to.QuadPart = (LONGLONG)off;
    if (!w->SetFilePointerEx(h, to, NULL, FILE_BEGIN)) {
        fail_win32(t, id, "SetFilePointerEx");
        return false;
    }
    return true;
}

static bool write_source(struct trial *t)
{
    const struct odx_winapi *w = odx_winapi_get();
    struct odx_stage *s = stage(t, ODX_STAGE_WRITE);
    uint64_t off = 0, start = odx_win_now_us();
    bool ok = true;

    s->attempted = true;
    s->bytes_requested = t->size;
    while (off < t->size && ok) {
        DWORD n = (DWORD)(t->size - off < CHUNK_BYTES ? t->size - off : CHUNK_BYTES), done = 0;
        if (stopping()) {
            ok = false;
            break;
        }
        pattern(t->buf, n, off, t->seed);
        while (done < n) {
            DWORD wrote = 0;
            stage(t, ODX_STAGE_WRITE)->calls++;
            if (!w->WriteFile(t->src.h, t->buf + done, n - done, &wrote, NULL)) {
                fail_win32(t, ODX_STAGE_WRITE, "WriteFile");
                ok = false;
                break;
            }
            if (wrote == 0) { /* no progress and no error: stop rather than spin */
                set_stage(t, ODX_STAGE_WRITE, "WriteFile", odx_odx_code(ODX_E_IO));
                ok = false;
                break;
            }
            done += wrote;
            stage(t, ODX_STAGE_WRITE)->bytes_transferred += wrote;
        }
        off += done;
    }
    if (ok)
        ok_stage(t, ODX_STAGE_WRITE, "WriteFile");
    add_time(t, ODX_STAGE_WRITE, start);
    return ok;
}

static bool flush_source(struct trial *t)
{
    const struct odx_winapi *w = odx_winapi_get();
    uint64_t start = odx_win_now_us();
    bool ok = w->FlushFileBuffers(t->src.h) != 0;
    stage(t, ODX_STAGE_FLUSH)->calls = 1;
    if (ok)
        ok_stage(t, ODX_STAGE_FLUSH, "FlushFileBuffers");
    else
        fail_win32(t, ODX_STAGE_FLUSH, "FlushFileBuffers");
    add_time(t, ODX_STAGE_FLUSH, start);
    return ok;
}

/* Offload writes need the destination's end of file set first [S5]. */
static bool size_destination(struct trial *t)
{
    const struct odx_winapi *w = odx_winapi_get();
    uint64_t start = odx_win_now_us();
    bool ok = seek(t, t->dst.h, t->size, ODX_STAGE_SET_SIZE);
    stage(t, ODX_STAGE_SET_SIZE)->bytes_requested = t->size;
    if (ok) {
        stage(t, ODX_STAGE_SET_SIZE)->calls = 1;
        if (w->SetEndOfFile(t->dst.h)) {
            ok_stage(t, ODX_STAGE_SET_SIZE, "SetEndOfFile");
            stage(t, ODX_STAGE_SET_SIZE)->bytes_transferred = t->size;
        } else {
            fail_win32(t, ODX_STAGE_SET_SIZE, "SetEndOfFile");
            ok = false;
        }
    }
    add_time(t, ODX_STAGE_SET_SIZE, start);
    return ok;
}

static const char api_read[] = "DeviceIoControl(FSCTL_OFFLOAD_READ)";
static const char api_write[] = "DeviceIoControl(FSCTL_OFFLOAD_WRITE)";

/* Offload-writes the token's range [0, length) to the destination at file offset off. */
static bool offload_write(struct trial *t, const uint8_t *token, uint64_t off, uint64_t length,
                          uint64_t max_calls)
{
    const struct odx_winapi *w = odx_winapi_get();
    struct odx_winparse_write_input in;
    struct odx_winparse_write_output out;
    uint8_t inbuf[ODX_WINPARSE_WRITE_INPUT_SIZE], outbuf[ODX_WINPARSE_WRITE_OUTPUT_SIZE + 16];
    uint64_t done = 0;
    size_t inlen = 0;
    DWORD got;
    enum odx_status st;

    while (done < length) {
        uint64_t start = odx_win_now_us();
        bool ok = true;
        if (stopping())
            return false;
        if (stage(t, ODX_STAGE_OFFLOAD_WRITE)->calls >= max_calls) {
            set_stage(t, ODX_STAGE_OFFLOAD_WRITE, api_write, odx_odx_code(ODX_E_TOO_BIG));
            return false;
        }
        memset(&in, 0, sizeof(in));
        in.file_offset = off + done;
        in.copy_length = length - done;
        /* A short write continues where it stopped, in the file and in the token's range
         * [S5 "Truncation", S7]. */
        in.transfer_offset = done;
        memcpy(in.token, token, ODX_WINPARSE_TOKEN_SIZE);
        st = odx_winparse_write_input_encode(inbuf, sizeof(inbuf), &in, &inlen);
        if (st != ODX_OK) {
            set_stage(t, ODX_STAGE_OFFLOAD_WRITE, api_write, odx_odx_code(st));
            return false;
        }
        memset(outbuf, 0, sizeof(outbuf));
        got = 0;
        stage(t, ODX_STAGE_OFFLOAD_WRITE)->calls++;
        if (!w->DeviceIoControl(t->dst.h, FSCTL_OFFLOAD_WRITE, inbuf, (DWORD)inlen, outbuf,
                                (DWORD)sizeof(outbuf), &got, NULL)) {
            fail_win32(t, ODX_STAGE_OFFLOAD_WRITE, api_write);
            ok = false;
        } else if ((st = odx_winparse_write_output_decode(
                        outbuf, got <= sizeof(outbuf) ? got : sizeof(outbuf), &out)) != ODX_OK) {
            set_stage(t, ODX_STAGE_OFFLOAD_WRITE, api_write, odx_odx_code(st));
            ok = false;
        } else if (out.length_written == 0) {
            /* Success without progress: stop rather than loop forever. */
            set_stage(t, ODX_STAGE_OFFLOAD_WRITE, api_write, odx_odx_code(ODX_E_TRUNCATED));
            ok = false;
        } else {
            uint64_t n = out.length_written <= length - done ? out.length_written : length - done;
            done += n;
            stage(t, ODX_STAGE_OFFLOAD_WRITE)->bytes_transferred += n;
            ok_stage(t, ODX_STAGE_OFFLOAD_WRITE, api_write);
        }
        add_time(t, ODX_STAGE_OFFLOAD_WRITE, start);
        if (!ok)
            return false;
    }
    return true;
}

static bool offload(struct trial *t)
{
    const struct odx_winapi *w = odx_winapi_get();
    struct odx_winparse_read_input in;
    struct odx_winparse_read_output *out = NULL;
    struct odx_winparse_token tok;
    uint8_t inbuf[ODX_WINPARSE_READ_INPUT_SIZE], outbuf[ODX_WINPARSE_READ_OUTPUT_SIZE + 16];
    uint64_t off = 0, max_calls = (t->size / (1024u * 1024u) + 1) * MAX_CALLS_PER_MIB;
    size_t inlen = 0;
    DWORD got;
    bool ok = true;
    enum odx_status st;

    if (!(out = odx_malloc(sizeof(*out)))) {
        t->fatal = ODX_E_NOMEM;
        return false;
    }
    stage(t, ODX_STAGE_OFFLOAD_READ)->bytes_requested = t->size;
    stage(t, ODX_STAGE_OFFLOAD_WRITE)->bytes_requested = t->size;
    while (off < t->size && ok) {
        uint64_t start = odx_win_now_us(), length;
        if (stopping()) {
            ok = false;
            break;
        }
        if (stage(t, ODX_STAGE_OFFLOAD_READ)->calls >= max_calls) {
            set_stage(t, ODX_STAGE_OFFLOAD_READ, api_read, odx_odx_code(ODX_E_TOO_BIG));
            ok = false;
            break;
        }
        memset(&in, 0, sizeof(in));
        in.file_offset = off;
        in.copy_length = t->size - off;
        in.token_ttl_ms = 0; /* the device's default lifetime [S7] */
        if ((st = odx_winparse_read_input_encode(inbuf, sizeof(inbuf), &in, &inlen)) != ODX_OK) {
            set_stage(t, ODX_STAGE_OFFLOAD_READ, api_read, odx_odx_code(st));
            ok = false;
            break;
        }
        memset(outbuf, 0, sizeof(outbuf));
        got = 0;
        stage(t, ODX_STAGE_OFFLOAD_READ)->calls++;
        if (!w->DeviceIoControl(t->src.h, FSCTL_OFFLOAD_READ, inbuf, (DWORD)inlen, outbuf,
                                (DWORD)sizeof(outbuf), &got, NULL)) {
            fail_win32(t, ODX_STAGE_OFFLOAD_READ, api_read);
            ok = false;
        } else if ((st = odx_winparse_read_output_decode(
                        outbuf, got <= sizeof(outbuf) ? got : sizeof(outbuf), out)) != ODX_OK) {
            set_stage(t, ODX_STAGE_OFFLOAD_READ, api_read, odx_odx_code(st));
            ok = false;
        } else {
            struct odx_stage *s = stage(t, ODX_STAGE_OFFLOAD_READ);
            s->flags.present = true;
            s->flags.value |= out->flags;
            if (odx_winparse_token_inspect(out->token, sizeof(out->token), &tok) == ODX_OK &&
                tok.is_zero_data)
                t->obs->trials[t->index].zero_token = true;
            if (out->transfer_length == 0) {
                /* A token for nothing: no progress possible. */
                set_stage(t, ODX_STAGE_OFFLOAD_READ, api_read, odx_odx_code(ODX_E_TRUNCATED));
                ok = false;
            } else {
                ok_stage(t, ODX_STAGE_OFFLOAD_READ, api_read);
            }
        }
        add_time(t, ODX_STAGE_OFFLOAD_READ, start);
        if (!ok)
            break;
        /* TransferLength may be shorter than asked (NTFS cuts at VDL, devices at their limits
         * [S5, S7]): write what the token covers, then read again from there. */
        length = out->transfer_length <= t->size - off ? out->transfer_length : t->size - off;
        stage(t, ODX_STAGE_OFFLOAD_READ)->bytes_transferred += length;
        ok = offload_write(t, out->token, off, length, max_calls);
        off += length;
    }
    odx_free(out);
    return ok;
}

static bool verify(struct trial *t)
{
    const struct odx_winapi *w = odx_winapi_get();
    uint64_t off = 0, start = odx_win_now_us();
    bool ok = seek(t, t->dst.h, 0, ODX_STAGE_VERIFY);

    stage(t, ODX_STAGE_VERIFY)->attempted = true;
    stage(t, ODX_STAGE_VERIFY)->bytes_requested = t->size;
    while (ok && off < t->size) {
        DWORD n = (DWORD)(t->size - off < CHUNK_BYTES ? t->size - off : CHUNK_BYTES), got = 0;
        if (stopping()) {
            ok = false;
            break;
        }
        stage(t, ODX_STAGE_VERIFY)->calls++;
        if (!w->ReadFile(t->dst.h, t->buf, n, &got, NULL)) {
            fail_win32(t, ODX_STAGE_VERIFY, "ReadFile");
            ok = false;
            break;
        }
        pattern(t->check, n, off, t->seed);
        if (got != n || memcmp(t->buf, t->check, n) != 0) {
            /* Short (the copy ends early) or different: the copy is not the source. */
            DWORD i = 0;
            while (i < got && t->buf[i] == t->check[i])
                i++;
            stage(t, ODX_STAGE_VERIFY)->bytes_transferred += i;
            set_stage(t, ODX_STAGE_VERIFY, "ReadFile", odx_odx_code(ODX_E_MISMATCH));
            ok = false;
            break;
        }
        off += n;
        stage(t, ODX_STAGE_VERIFY)->bytes_transferred += n;
    }
    if (ok)
        ok_stage(t, ODX_STAGE_VERIFY, "ReadFile");
    add_time(t, ODX_STAGE_VERIFY, start);
    return ok;
}

/* Closes, deletes and removes whatever the trial made; records the first failure. */
static void cleanup(struct trial *t)
{
    const struct odx_winapi *w = odx_winapi_get();
    struct side *sides[2] = {&t->src, &t->dst};
    uint64_t start = odx_win_now_us();
    const char *api = NULL;
    struct odx_code code = {ODX_CODE_WIN32, ERROR_SUCCESS};
    bool any = false;
    int i;

#define CLEANUP_FAIL(name)                                                                         \
    do {                                                                                           \
        DWORD e_ = w->GetLastError();                                                              \
        if (!api) {                                                                                \
            api = (name);                                                                          \
            code = odx_win32_code(e_);                                                             \
        }                                                                                          \
    } while (0)

    for (i = 0; i < 2; i++) {
        struct side *s = sides[i];
        if (s->h != INVALID_HANDLE_VALUE) {
            any = true;
            if (!w->CloseHandle(s->h))
                CLEANUP_FAIL("CloseHandle");
            s->h = INVALID_HANDLE_VALUE;
        }
    }
    /* DELETE_ON_CLOSE has removed the files; make sure, in case a file system ignored it. */
    for (i = 0; i < 2; i++) {
        struct side *s = sides[i];
        if (s->file && (s->dir_made || (i == 1 && t->src.dir_made))) {
            if (w->GetFileAttributesW(s->file) != INVALID_FILE_ATTRIBUTES) {
                if (!w->DeleteFileW(s->file))
                    CLEANUP_FAIL("DeleteFileW");
            } else {
                DWORD e = w->GetLastError();
                if (e != ERROR_FILE_NOT_FOUND && e != ERROR_PATH_NOT_FOUND && !api) {
                    api = "GetFileAttributesW";
                    code = odx_win32_code(e);
                }
            }
        }
    }
    for (i = 1; i >= 0; i--) {
        struct side *s = sides[i];
        if (s->dir_made) {
            any = true;
            if (!w->RemoveDirectoryW(s->dir))
                CLEANUP_FAIL("RemoveDirectoryW");
            else
                s->dir_made = false;
        }
    }
#undef CLEANUP_FAIL
    if (!any)
        return;
    set_stage(t, ODX_STAGE_CLEANUP, api ? api : "RemoveDirectoryW", code);
    stage(t, ODX_STAGE_CLEANUP)->calls = 1;
    add_time(t, ODX_STAGE_CLEANUP, start);
}

/* The directory a side's files go in: a volume's first mount point, else its GUID path. */
static enum odx_status base_of(struct odx_obs *obs, size_t volume, WCHAR **out)
{
    const struct odx_volume *v;
    const char *root;
    *out = NULL;
    if (volume >= obs->n_volumes)
        return ODX_E_NOT_FOUND;
    v = &obs->volumes[volume];
    root = v->n_mount_points ? v->mount_points[0] : v->guid_path;
    if (!root)
        return ODX_E_NOT_FOUND;
    return odx_win_wide(root, out);
}

/* The logical sector size of the volume (or path's volume) into *sector, 0 when unknown. */
static enum odx_status sector_of(struct odx_obs *obs, size_t volume, const WCHAR *root,
                                 uint32_t *sector)
{
    const struct odx_winapi *w = odx_winapi_get();
    DWORD spc = 0, bps = 0, fc = 0, tc = 0;
    *sector = 0;
    if (volume < obs->n_volumes && obs->volumes[volume].sector_size.present) {
        *sector = obs->volumes[volume].sector_size.value;
        return ODX_OK;
    }
    if (!root)
        return ODX_OK;
    if (!w->GetDiskFreeSpaceW(root, &spc, &bps, &fc, &tc))
        return odx_win_error_w(obs, "GetDiskFreeSpaceW", root, odx_win32_code(w->GetLastError()),
                               NULL);
    *sector = bps;
    return ODX_OK;
}

enum odx_status odx_win_trial(struct odx_obs *obs, const struct odx_target *target, uint64_t size)
{
    struct trial t;
    struct odx_trial *rec;
    WCHAR *src_base = NULL, *dst_base = NULL, *root = NULL;
    uint32_t sector_src, sector_dst;
    uint64_t start;
    enum odx_status st;
    bool ok;

    InterlockedIncrement(&busy);
    memset(&t, 0, sizeof(t));
    t.obs = obs;
    t.size = size;
    t.src.h = t.dst.h = INVALID_HANDLE_VALUE;
    if ((st = odx_obs_add_trial(obs, &rec, &t.index)) != ODX_OK)
        goto done;
    rec->scope = target->scope;
    rec->method = ODX_METHOD_OFFLOAD;
    rec->volume = target->volume;
    rec->dest_volume = target->scope == ODX_SCOPE_PAIR ? target->dest_volume : ODX_NONE;
    rec->size = size;
    rec->remote = ODX_TRI_UNKNOWN;
    if (target->scope == ODX_SCOPE_PATH &&
        (st = odx_obs_str(obs, target->path, &obs->trials[t.index].path)) != ODX_OK)
        goto done;

    /* Where the files go. */
    if (target->scope == ODX_SCOPE_PATH) {
        st = odx_win_wide(target->path, &src_base);
        if (st == ODX_OK && (st = volume_root(obs, src_base, &root)) == ODX_OK)
            st = path_remote(obs, src_base, root, &obs->trials[t.index].remote);
    } else {
        st = base_of(obs, target->volume, &src_base);
        if (st == ODX_OK)
            obs->trials[t.index].remote = obs->volumes[target->volume].remote;
        if (st == ODX_OK && target->scope == ODX_SCOPE_PAIR)
            st = base_of(obs, target->dest_volume, &dst_base);
    }
    if (st == ODX_E_NOMEM)
        goto done;
    if (st != ODX_OK) {
        set_stage(&t, ODX_STAGE_CREATE, "trial target", odx_odx_code(st));
        st = t.fatal;
        goto done;
    }

    /* Offsets and lengths must be multiples of the logical sector size [S6]. */
    if ((st = sector_of(obs, target->volume, root, &sector_src)) != ODX_OK)
        goto done;
    sector_dst = 0;
    if (target->scope == ODX_SCOPE_PAIR &&
        (st = sector_of(obs, target->dest_volume, NULL, &sector_dst)) != ODX_OK)
        goto done;
    if ((sector_src && size % sector_src) || (sector_dst && size % sector_dst)) {
        set_stage(&t, ODX_STAGE_CREATE, "trial size vs logical sector size",
                  odx_odx_code(ODX_E_INVAL));
        st = t.fatal;
        goto done;
    }
    if (!(t.buf = odx_malloc(CHUNK_BYTES)) || !(t.check = odx_malloc(CHUNK_BYTES))) {
        st = ODX_E_NOMEM;
        goto done;
    }
    if (stopping())
        goto done;

    /* Create: the private directories and the two files. */
    start = odx_win_now_us();
    ok = make_dir(&t, &t.src, src_base, L"source.bin");
    if (ok && dst_base) {
        ok = make_dir(&t, &t.dst, dst_base, L"copy.bin");
    } else if (ok &&
               (st = odx_win_concat(&t.dst.file, t.src.dir, L"\\copy.bin", NULL, NULL)) != ODX_OK) {
        set_stage(&t, ODX_STAGE_CREATE, "CreateFileW", odx_odx_code(st));
        if (st == ODX_E_NOMEM)
            t.fatal = st;
        ok = false;
    }
    st = ODX_OK;
    if (t.src.dir_made && (st = odx_win_obs_utf8(obs, t.src.dir, SIZE_MAX,
                                                 &obs->trials[t.index].directory)) != ODX_OK) {
        if (st == ODX_E_NOMEM)
            t.fatal = st;
        st = ODX_OK;
    }
    ok = ok && create_file(&t, &t.src) && create_file(&t, &t.dst);
    if (ok)
        ok_stage(&t, ODX_STAGE_CREATE, "CreateFileW");
    if (t.src.dir_made || t.dst.dir_made)
        add_time(&t, ODX_STAGE_CREATE, start);

    ok = ok && !stopping() && write_source(&t) && !stopping() && flush_source(&t) && !stopping() &&
         size_destination(&t) && !stopping() && offload(&t) && !stopping() && verify(&t);
    (void)ok;
done:
    cleanup(&t);
    odx_free(t.src.dir);
    odx_free(t.src.file);
    odx_free(t.dst.dir);
    odx_free(t.dst.file);
    odx_free(t.buf);
    odx_free(t.check);
    odx_free(src_base);
    odx_free(dst_base);
    odx_free(root);
    InterlockedDecrement(&busy);
    if (st == ODX_OK)
        st = t.fatal;
    if (st == ODX_OK && stopping())
        st = ODX_E_CANCELLED;
    return st;
}
