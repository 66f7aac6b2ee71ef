/*
 * wine_ioctl_probe: records what the Windows the tests run on (Wine) answers
 * to the calls the ODX back end makes, so its authors can rely on it:
 *
 *   windows <major>.<minor>              what RtlGetVersion reports
 *   filesystem C:\ <name>                GetVolumeInformationW
 *   FSCTL_OFFLOAD_READ <result>          on a 64 KiB file in C:\
 *   FSCTL_OFFLOAD_WRITE <result>         zero token, on a second file there
 *   IOCTL_STORAGE_QUERY_PROPERTY <result>  copy-offload descriptor of \\.\C:
 *
 * <result> is "ok" or "error <GetLastError()>". The expected output is
 * wine_ioctl_probe.expected; a change in Wine shows up as a diff there.
 * Exit code 0 unless the probe itself could not run (2).
 */
#include "odx_windefs.h"

#include <fcntl.h>
#include <io.h>
#include <stdio.h>
#include <string.h>

#define PROBE_BYTES (64 * 1024)

static void print_result(const char *what, BOOL ok)
{
    if (ok)
        printf("%s ok\n", what);
    else
        printf("%s error %lu\n", what, GetLastError());
}

static HANDLE make_file(const WCHAR *path)
{
    HANDLE h = CreateFileW(path, GENERIC_READ | GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
                           FILE_ATTRIBUTE_TEMPORARY | FILE_FLAG_DELETE_ON_CLOSE, NULL);
    if (h == INVALID_HANDLE_VALUE)
        return h;
    static BYTE data[PROBE_BYTES];
    memset(data, 0x5A, sizeof data);
    DWORD written = 0;
    if (!WriteFile(h, data, sizeof data, &written, NULL) || written != sizeof data ||
        !FlushFileBuffers(h)) {
        CloseHandle(h);
        return INVALID_HANDLE_VALUE;
    }
    return h;
}

int main(void)
{
    _setmode(_fileno(stdout), _O_BINARY);

    OSVERSIONINFOW v;
    memset(&v, 0, sizeof v);
    v.dwOSVersionInfoSize = sizeof v;
    /* RtlGetVersion, unlike GetVersionEx, does not depend on the program's manifest. */
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
    LONG(WINAPI * rtl_get_version)(OSVERSIONINFOW *) = NULL;
    if (ntdll)
        rtl_get_version = (LONG(WINAPI *)(OSVERSIONINFOW *))(void (*)(void))GetProcAddress(
            ntdll, "RtlGetVersion");
    if (!rtl_get_version || rtl_get_version(&v) != 0)
        return 2;
    printf("windows %lu.%lu\n", v.dwMajorVersion, v.dwMinorVersion);

    WCHAR fs[MAX_PATH + 1];
    if (!GetVolumeInformationW(L"C:\\", NULL, 0, NULL, NULL, NULL, fs, MAX_PATH + 1))
        return 2;
    char fs8[4 * (MAX_PATH + 1)];
    if (!WideCharToMultiByte(CP_UTF8, 0, fs, -1, fs8, (int)sizeof fs8, NULL, NULL))
        return 2;
    printf("filesystem C:\\ %s\n", fs8);

    HANDLE src = make_file(L"C:\\odx-ioctl-probe-src.tmp");
    HANDLE dst = make_file(L"C:\\odx-ioctl-probe-dst.tmp");
    if (src == INVALID_HANDLE_VALUE || dst == INVALID_HANDLE_VALUE)
        return 2;

    struct odx_offload_read_input rin;
    struct odx_offload_read_output rout;
    memset(&rin, 0, sizeof rin);
    memset(&rout, 0, sizeof rout);
    rin.size = sizeof rin;
    rin.copy_length = PROBE_BYTES;
    DWORD got = 0;
    BOOL ok =
        DeviceIoControl(src, FSCTL_OFFLOAD_READ, &rin, sizeof rin, &rout, sizeof rout, &got, NULL);
    print_result("FSCTL_OFFLOAD_READ", ok);

    /* The well-known zero token [S3 ntddstor.h MAKE_ZERO_TOKEN]: a write that needs no read. */
    struct odx_offload_write_input win;
    struct odx_offload_write_output wout;
    memset(&win, 0, sizeof win);
    memset(&wout, 0, sizeof wout);
    win.size = sizeof win;
    win.copy_length = PROBE_BYTES;
    struct odx_offload_token token;
    memset(&token, 0, sizeof token);
    token.token_type[0] = 0xFF;
    token.token_type[1] = 0xFF;
    token.token_type[2] = 0x00;
    token.token_type[3] = 0x01;
    token.token_id_length[0] = 0x01;
    token.token_id_length[1] = 0xF8;
    memcpy(win.token, &token, sizeof token);
    ok =
        DeviceIoControl(dst, FSCTL_OFFLOAD_WRITE, &win, sizeof win, &wout, sizeof wout, &got, NULL);
    print_result("FSCTL_OFFLOAD_WRITE", ok);
    CloseHandle(src);
    CloseHandle(dst);

    HANDLE vol = CreateFileW(L"\\\\.\\C:", 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL,
                             OPEN_EXISTING, 0, NULL);
    if (vol == INVALID_HANDLE_VALUE) {
        print_result("open \\\\.\\C:", FALSE);
    } else {
        STORAGE_PROPERTY_QUERY q;
        DEVICE_COPY_OFFLOAD_DESCRIPTOR d;
        memset(&q, 0, sizeof q);
        memset(&d, 0, sizeof d);
        q.PropertyId = StorageDeviceCopyOffloadProperty;
        q.QueryType = PropertyStandardQuery;
        ok = DeviceIoControl(vol, IOCTL_STORAGE_QUERY_PROPERTY, &q, sizeof q, &d, sizeof d, &got,
                             NULL);
        print_result("IOCTL_STORAGE_QUERY_PROPERTY", ok);
        CloseHandle(vol);
    }
    return fflush(stdout) == 0 && !ferror(stdout) ? 0 : 2;
}
