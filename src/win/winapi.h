/*
 * The seam between the Windows back end and Windows: every call the back end
 * makes goes through one table of function pointers, struct odx_winapi.
 * Production uses the real functions; tests install a table of fakes that
 * script each call's result (libuv src/win/winapi.c keeps NT calls in
 * pointers the same way; WinFsp ext/tlib/injection.c fails call N).
 *
 * Members keep the Windows names and signatures, so a call reads as it does
 * in the documentation: `w->CreateFileW(...)`. The last-error value is part
 * of the seam too (GetLastError), so that a fake can set it without touching
 * the thread's real one.
 *
 * Only the back end (src/win) includes this header. sys_win.c, the CLI's
 * side of the OS, calls Windows directly: it is not part of the probe.
 */
#ifndef ODX_WINAPI_H
#define ODX_WINAPI_H

#include "odx_windefs.h"

/* RtlGetVersion's structure, as ntdll and winnt.h define it (RTL_OSVERSIONINFOW). */
typedef LONG(WINAPI *odx_rtl_get_version_fn)(RTL_OSVERSIONINFOW *info);

struct odx_winapi {
    /* The calling thread's last error, read right after a failed call. */
    DWORD(WINAPI *GetLastError)(void);

    /* Filter Manager user-mode library, fltlib.dll [S2]. */
    HRESULT(WINAPI *FilterFindFirst)
    (FILTER_INFORMATION_CLASS cls, LPVOID buf, DWORD size, LPDWORD returned, LPHANDLE find);
    HRESULT(WINAPI *FilterFindNext)
    (HANDLE find, FILTER_INFORMATION_CLASS cls, LPVOID buf, DWORD size, LPDWORD returned);
    HRESULT(WINAPI *FilterFindClose)(HANDLE find);
    HRESULT(WINAPI *FilterVolumeFindFirst)
    (FILTER_VOLUME_INFORMATION_CLASS cls, LPVOID buf, DWORD size, LPDWORD returned, PHANDLE find);
    HRESULT(WINAPI *FilterVolumeFindNext)
    (HANDLE find, FILTER_VOLUME_INFORMATION_CLASS cls, LPVOID buf, DWORD size, LPDWORD returned);
    HRESULT(WINAPI *FilterVolumeFindClose)(HANDLE find);
    HRESULT(WINAPI *FilterVolumeInstanceFindFirst)
    (LPCWSTR volume, INSTANCE_INFORMATION_CLASS cls, LPVOID buf, DWORD size, LPDWORD returned,
     LPHANDLE find);
    HRESULT(WINAPI *FilterVolumeInstanceFindNext)
    (HANDLE find, INSTANCE_INFORMATION_CLASS cls, LPVOID buf, DWORD size, LPDWORD returned);
    HRESULT(WINAPI *FilterVolumeInstanceFindClose)(HANDLE find);
    HRESULT(WINAPI *FilterGetDosName)(LPCWSTR volume, LPWSTR dos_name, DWORD chars);

    /* Volume names and properties (kernel32). */
    HANDLE(WINAPI *FindFirstVolumeW)(LPWSTR name, DWORD chars);
    BOOL(WINAPI *FindNextVolumeW)(HANDLE find, LPWSTR name, DWORD chars);
    BOOL(WINAPI *FindVolumeClose)(HANDLE find);
    BOOL(WINAPI *GetVolumePathNamesForVolumeNameW)
    (LPCWSTR volume, LPWCH names, DWORD chars, PDWORD needed);
    DWORD(WINAPI *QueryDosDeviceW)(LPCWSTR device, LPWSTR target, DWORD chars);
    BOOL(WINAPI *GetVolumeInformationW)
    (LPCWSTR root, LPWSTR label, DWORD label_chars, LPDWORD serial, LPDWORD max_component,
     LPDWORD fs_flags, LPWSTR fs_name, DWORD fs_name_chars);
    UINT(WINAPI *GetDriveTypeW)(LPCWSTR root);
    BOOL(WINAPI *GetDiskFreeSpaceW)
    (LPCWSTR root, LPDWORD sectors_per_cluster, LPDWORD bytes_per_sector, LPDWORD free_clusters,
     LPDWORD total_clusters);
    BOOL(WINAPI *GetVolumePathNameW)(LPCWSTR path, LPWSTR volume_path, DWORD chars);
    BOOL(WINAPI *GetVolumeNameForVolumeMountPointW)
    (LPCWSTR mount_point, LPWSTR volume, DWORD chars);
    DWORD(WINAPI *GetFileAttributesW)(LPCWSTR path);

    /* Files, directories and devices. */
    HANDLE(WINAPI *CreateFileW)
    (LPCWSTR path, DWORD access, DWORD share, LPSECURITY_ATTRIBUTES security, DWORD disposition,
     DWORD flags, HANDLE template_file);
    BOOL(WINAPI *CloseHandle)(HANDLE handle);
    BOOL(WINAPI *DeviceIoControl)
    (HANDLE device, DWORD code, LPVOID in, DWORD in_size, LPVOID out, DWORD out_size,
     LPDWORD returned, LPOVERLAPPED overlapped);
    BOOL(WINAPI *ReadFile)
    (HANDLE file, LPVOID buf, DWORD size, LPDWORD read, LPOVERLAPPED overlapped);
    BOOL(WINAPI *WriteFile)
    (HANDLE file, LPCVOID buf, DWORD size, LPDWORD written, LPOVERLAPPED overlapped);
    BOOL(WINAPI *FlushFileBuffers)(HANDLE file);
    BOOL(WINAPI *SetFilePointerEx)
    (HANDLE file, LARGE_INTEGER distance, PLARGE_INTEGER new_pos, DWORD method);
    BOOL(WINAPI *SetEndOfFile)(HANDLE file);
    BOOL(WINAPI *CreateDirectoryW)(LPCWSTR path, LPSECURITY_ATTRIBUTES security);
    BOOL(WINAPI *RemoveDirectoryW)(LPCWSTR path);
    BOOL(WINAPI *DeleteFileW)(LPCWSTR path);

    /* Registry (advapi32). */
    LSTATUS(WINAPI *RegOpenKeyExW)
    (HKEY key, LPCWSTR subkey, DWORD options, REGSAM access, PHKEY result);
    LSTATUS(WINAPI *RegQueryValueExW)
    (HKEY key, LPCWSTR name, LPDWORD reserved, LPDWORD type, LPBYTE data, LPDWORD size);
    LSTATUS(WINAPI *RegEnumKeyExW)
    (HKEY key, DWORD index, LPWSTR name, LPDWORD name_chars, LPDWORD reserved, LPWSTR class_name,
     LPDWORD class_chars, PFILETIME last_write);
    LSTATUS(WINAPI *RegCloseKey)(HKEY key);

    /* Driver images and their version resources (kernel32, version.dll). */
    DWORD(WINAPI *ExpandEnvironmentStringsW)(LPCWSTR src, LPWSTR dst, DWORD chars);
    UINT(WINAPI *GetSystemWindowsDirectoryW)(LPWSTR buf, UINT chars);
    DWORD(WINAPI *GetFileVersionInfoSizeW)(LPCWSTR path, LPDWORD handle);
    BOOL(WINAPI *GetFileVersionInfoW)(LPCWSTR path, DWORD handle, DWORD size, LPVOID data);
    BOOL(WINAPI *VerQueryValueW)(LPCVOID block, LPCWSTR sub_block, LPVOID *value, PUINT length);

    /* The host. RtlGetVersion returns an NTSTATUS; the real table finds it in ntdll at run
     * time because no import library of mingw-w64 or the SDK exports it for user mode. */
    odx_rtl_get_version_fn RtlGetVersion;
    BOOL(WINAPI *GetComputerNameExW)(COMPUTER_NAME_FORMAT format, LPWSTR buf, LPDWORD chars);
    void(WINAPI *GetNativeSystemInfo)(LPSYSTEM_INFO info);
    HANDLE(WINAPI *GetCurrentProcess)(void);
    BOOL(WINAPI *OpenProcessToken)(HANDLE process, DWORD access, PHANDLE token);
    BOOL(WINAPI *GetTokenInformation)
    (HANDLE token, TOKEN_INFORMATION_CLASS cls, LPVOID buf, DWORD size, PDWORD returned);

    /* Clock and randomness. BCryptGenRandom returns an NTSTATUS. */
    BOOL(WINAPI *QueryPerformanceCounter)(LARGE_INTEGER *count);
    BOOL(WINAPI *QueryPerformanceFrequency)(LARGE_INTEGER *frequency);
    LONG(WINAPI *BCryptGenRandom)(void *algorithm, PUCHAR buf, ULONG size, ULONG flags);
};

/* The table in use: the real one unless a test installed another. Never NULL. */
const struct odx_winapi *odx_winapi_get(void);

/* Installs table (borrowed; must outlive its use) for every later call; NULL restores the
 * real functions. For tests; not thread-safe. */
void odx_winapi_set(const struct odx_winapi *table);

/* The real functions (filled on first use). */
const struct odx_winapi *odx_winapi_real(void);

#endif
