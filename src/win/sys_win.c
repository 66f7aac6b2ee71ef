/*
 * Windows side of sys.h (src/cli/sys.h), linked into the odxprobe command:
 * UTF-8 arguments, a UTF-8 console, Ctrl+C that lets a running trial clean
 * up, terminal detection, and publishing a report without ever replacing a
 * file. This is the command's OS layer, not the probe: it calls Windows
 * directly rather than through the back end's seam.
 */
#include "sys.h"

#include <windows.h>

#include <shellapi.h>

#include <io.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "win_internal.h"

/* How long a console control handler waits for a running trial to clean up. Windows ends a
 * process this long after a close, logoff or shutdown event anyway (about 5 s), so there the
 * wait is shorter. */
#define CTRL_C_WAIT_MS 60000u
#define CLOSE_WAIT_MS  4500u

static void (*on_interrupt)(void);
static volatile LONG ctrl_count;

/* UTF-16 -> UTF-8 with malloc (the arguments live until the process ends). */
static char *to_utf8(const WCHAR *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s;
    if (n <= 0)
        return NULL;
    if (!(s = malloc((size_t)n)))
        return NULL;
    if (WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
        free(s);
        return NULL;
    }
    return s;
}

static WCHAR *to_wide(const char *s)
{
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, NULL, 0);
    WCHAR *w;
    if (n <= 0)
        return NULL;
    if (!(w = malloc((size_t)n * sizeof(WCHAR))))
        return NULL;
    if (MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, s, -1, w, n) != n) {
        free(w);
        return NULL;
    }
    return w;
}

enum odx_status odx_sys_init(int *argc, char ***argv)
{
    int n = 0, i;
    LPWSTR *wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    char **args;
    if (!wargv || n < 1)
        return ODX_E_NOMEM;
    if (!(args = calloc((size_t)n + 1, sizeof(*args)))) {
        LocalFree(wargv);
        return ODX_E_NOMEM;
    }
    for (i = 0; i < n; i++) {
        if (!(args[i] = to_utf8(wargv[i]))) {
            while (i-- > 0)
                free(args[i]);
            free(args);
            LocalFree(wargv);
            return ODX_E_NOMEM;
        }
    }
    LocalFree(wargv);
    *argc = n;
    *argv = args;
    /* Everything the command prints is UTF-8. */
    SetConsoleOutputCP(CP_UTF8);
    return ODX_OK;
}

static BOOL WINAPI ctrl_handler(DWORD type)
{
    DWORD limit, waited = 0;
    bool closing =
        type == CTRL_CLOSE_EVENT || type == CTRL_LOGOFF_EVENT || type == CTRL_SHUTDOWN_EVENT;
    /* A second Ctrl+C acts as usual: the default handler ends the process. The trial's files
     * still go, since they were opened with FILE_FLAG_DELETE_ON_CLOSE. */
    if (InterlockedIncrement(&ctrl_count) > 1 && !closing)
        return FALSE;
    if (on_interrupt)
        on_interrupt();
    /* This handler runs on its own thread while the main thread goes on. Returning ends the
     * process for close, logoff and shutdown events, so wait until a running trial has
     * removed its files and directory. */
    limit = closing ? CLOSE_WAIT_MS : CTRL_C_WAIT_MS;
    while (odx_win_trial_busy() && waited < limit) {
        Sleep(10);
        waited += 10;
    }
    return TRUE;
}

void odx_sys_on_interrupt(void (*fn)(void))
{
    on_interrupt = fn;
    InterlockedExchange(&ctrl_count, 0);
    SetConsoleCtrlHandler(ctrl_handler, TRUE);
}

bool odx_sys_isatty(FILE *f)
{
    HANDLE h = (HANDLE)_get_osfhandle(_fileno(f));
    DWORD mode;
    /* A console, not just any character device (NUL is one too). */
    return h != INVALID_HANDLE_VALUE && GetFileType(h) == FILE_TYPE_CHAR &&
           GetConsoleMode(h, &mode);
}

/* "what 'path': message (error N)" into err; returns the status for code e. */
static enum odx_status fail(char *err, size_t errsize, const char *what, const char *path, DWORD e)
{
    WCHAR msg[256];
    char *text = NULL;
    DWORD n = FormatMessageW(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, e, 0,
                             msg, (DWORD)(sizeof(msg) / sizeof(msg[0])), NULL);
    while (n > 0 &&
           (msg[n - 1] == L'\r' || msg[n - 1] == L'\n' || msg[n - 1] == L'.' || msg[n - 1] == L' '))
        n--;
    if (n > 0) {
        msg[n] = 0;
        text = to_utf8(msg);
    }
    if (err && errsize)
        snprintf(err, errsize, "%s '%s': %s (error %lu)", what, path, text ? text : "Windows error",
                 (unsigned long)e);
    free(text);
    return e == ERROR_ALREADY_EXISTS || e == ERROR_FILE_EXISTS ? ODX_E_EXISTS : ODX_E_IO;
}

static bool write_all(HANDLE h, const char *data, size_t len)
{
    while (len > 0) {
        DWORD chunk = len > 0x40000000u ? 0x40000000u : (DWORD)len, wrote = 0;
        if (!WriteFile(h, data, chunk, &wrote, NULL))
            return false;
        if (wrote == 0) {
            SetLastError(ERROR_WRITE_FAULT);
            return false;
        }
        data += wrote;
        len -= wrote;
    }
    return true;
}

enum odx_status odx_sys_write_new_file(const char *path, const char *data, size_t len, char *err,
                                       size_t errsize)
{
    WCHAR *wpath = NULL, *tmp = NULL;
    HANDLE h = INVALID_HANDLE_VALUE;
    size_t plen;
    DWORD e = ERROR_SUCCESS;
    unsigned attempt;
    enum odx_status st = ODX_OK;

    if (!(wpath = to_wide(path)))
        return fail(err, errsize, "cannot write", path, ERROR_INVALID_NAME);
    /* Say so before writing anything when the name is taken. */
    if (GetFileAttributesW(wpath) != INVALID_FILE_ATTRIBUTES) {
        free(wpath);
        return fail(err, errsize, "will not replace", path, ERROR_FILE_EXISTS);
    }
    plen = wcslen(wpath);
    if (!(tmp = malloc((plen + 32) * sizeof(WCHAR)))) {
        free(wpath);
        return fail(err, errsize, "cannot write", path, ERROR_NOT_ENOUGH_MEMORY);
    }
    /* A temporary file beside the target, created exclusively (CREATE_NEW). */
    for (attempt = 0; attempt < 16; attempt++) {
        static const WCHAR suffix[] = L".odxprobe-00000000.tmp";
        uint32_t tag = (uint32_t)(GetCurrentProcessId() * 2654435761u) ^ (uint32_t)GetTickCount() ^
                       (uint32_t)(attempt * 40503u);
        int i;
        memcpy(tmp, wpath, plen * sizeof(WCHAR));
        memcpy(tmp + plen, suffix, sizeof(suffix));
        for (i = 7; i >= 0; i--, tag >>= 4)
            tmp[plen + 10 + (size_t)i] = L"0123456789abcdef"[tag & 15];
        h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_NEW, FILE_ATTRIBUTE_NORMAL, NULL);
        if (h != INVALID_HANDLE_VALUE)
            break;
        e = GetLastError();
        if (e != ERROR_FILE_EXISTS && e != ERROR_ALREADY_EXISTS)
            break;
    }
    if (h == INVALID_HANDLE_VALUE) {
        st = fail(err, errsize, "cannot create a file beside", path, e);
        goto out;
    }
    if (!write_all(h, data, len) || !FlushFileBuffers(h)) {
        e = GetLastError();
        CloseHandle(h);
        DeleteFileW(tmp);
        st = fail(err, errsize, "cannot write", path, e);
        goto out;
    }
    if (!CloseHandle(h)) {
        e = GetLastError();
        DeleteFileW(tmp);
        st = fail(err, errsize, "cannot write", path, e);
        goto out;
    }
    /* Without MOVEFILE_REPLACE_EXISTING: an existing file is never replaced; the move fails
     * with ERROR_ALREADY_EXISTS instead. */
    if (!MoveFileExW(tmp, wpath, MOVEFILE_WRITE_THROUGH)) {
        e = GetLastError();
        DeleteFileW(tmp);
        st = fail(err, errsize,
                  e == ERROR_ALREADY_EXISTS || e == ERROR_FILE_EXISTS ? "will not replace"
                                                                      : "cannot write",
                  path, e);
        goto out;
    }
out:
    free(wpath);
    free(tmp);
    return st;
}
