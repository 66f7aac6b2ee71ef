/*
 * The real Windows functions behind the seam (winapi.h), and the pointer to
 * the table in use. The table is filled at run time, on first use: the
 * address of a dllimport function is not a constant a static initializer
 * may hold with every compiler.
 */
#include "winapi.h"

#include <bcrypt.h>

static struct odx_winapi real;
static int real_ready;
static const struct odx_winapi *current;

/* STATUS_PROCEDURE_NOT_FOUND (ntstatus.h; not included here because it clashes with
 * winnt.h's subset without WIN32_NO_STATUS). */
#define ODX_STATUS_PROCEDURE_NOT_FOUND ((LONG)0xC000007A)

/* RtlGetVersion lives in ntdll and, unlike GetVersionEx, is not subject to the application
 * manifest's compatibility shims: it gives the true version. */
static LONG WINAPI rtl_get_version(RTL_OSVERSIONINFOW *info)
{
    static odx_rtl_get_version_fn fn;
    if (!fn) {
        HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");
        FARPROC p = ntdll ? GetProcAddress(ntdll, "RtlGetVersion") : NULL;
        /* Through void (*)(void): the one cast between function types compilers accept
         * without a warning. */
        fn = (odx_rtl_get_version_fn)(void (*)(void))p;
    }
    return fn ? fn(info) : ODX_STATUS_PROCEDURE_NOT_FOUND;
}

static LONG WINAPI gen_random(void *algorithm, PUCHAR buf, ULONG size, ULONG flags)
{
    return BCryptGenRandom((BCRYPT_ALG_HANDLE)algorithm, buf, size, flags);
}

static void fill(struct odx_winapi *t)
{
    t->GetLastError = GetLastError;
    t->FilterFindFirst = FilterFindFirst;
    t->FilterFindNext = FilterFindNext;
    t->FilterFindClose = FilterFindClose;
    t->FilterVolumeFindFirst = FilterVolumeFindFirst;
    t->FilterVolumeFindNext = FilterVolumeFindNext;
    t->FilterVolumeFindClose = FilterVolumeFindClose;
    t->FilterVolumeInstanceFindFirst = FilterVolumeInstanceFindFirst;
    t->FilterVolumeInstanceFindNext = FilterVolumeInstanceFindNext;
    t->FilterVolumeInstanceFindClose = FilterVolumeInstanceFindClose;
    t->FilterGetDosName = FilterGetDosName;
    t->FindFirstVolumeW = FindFirstVolumeW;
    t->FindNextVolumeW = FindNextVolumeW;
    t->FindVolumeClose = FindVolumeClose;
    t->GetVolumePathNamesForVolumeNameW = GetVolumePathNamesForVolumeNameW;
    t->QueryDosDeviceW = QueryDosDeviceW;
    t->GetVolumeInformationW = GetVolumeInformationW;
    t->GetDriveTypeW = GetDriveTypeW;
    t->GetDiskFreeSpaceW = GetDiskFreeSpaceW;
    t->GetVolumePathNameW = GetVolumePathNameW;
    t->GetVolumeNameForVolumeMountPointW = GetVolumeNameForVolumeMountPointW;
    t->GetFileAttributesW = GetFileAttributesW;
    t->CreateFileW = CreateFileW;
    t->CloseHandle = CloseHandle;
    t->DeviceIoControl = DeviceIoControl;
    t->ReadFile = ReadFile;
    t->WriteFile = WriteFile;
    t->FlushFileBuffers = FlushFileBuffers;
    t->SetFilePointerEx = SetFilePointerEx;
    t->SetEndOfFile = SetEndOfFile;
    t->CreateDirectoryW = CreateDirectoryW;
    t->RemoveDirectoryW = RemoveDirectoryW;
    t->DeleteFileW = DeleteFileW;
    t->RegOpenKeyExW = RegOpenKeyExW;
    t->RegQueryValueExW = RegQueryValueExW;
    t->RegEnumKeyExW = RegEnumKeyExW;
    t->RegCloseKey = RegCloseKey;
    t->ExpandEnvironmentStringsW = ExpandEnvironmentStringsW;
    t->GetSystemWindowsDirectoryW = GetSystemWindowsDirectoryW;
    t->GetFileVersionInfoSizeW = GetFileVersionInfoSizeW;
    t->GetFileVersionInfoW = GetFileVersionInfoW;
    t->VerQueryValueW = VerQueryValueW;
    t->RtlGetVersion = rtl_get_version;
    t->GetComputerNameExW = GetComputerNameExW;
    t->GetNativeSystemInfo = GetNativeSystemInfo;
    t->GetCurrentProcess = GetCurrentProcess;
    t->OpenProcessToken = OpenProcessToken;
    t->GetTokenInformation = GetTokenInformation;
    t->QueryPerformanceCounter = QueryPerformanceCounter;
    t->QueryPerformanceFrequency = QueryPerformanceFrequency;
    t->BCryptGenRandom = gen_random;
}

const struct odx_winapi *odx_winapi_real(void)
{
    if (!real_ready) {
        fill(&real);
        real_ready = 1;
    }
    return &real;
}

const struct odx_winapi *odx_winapi_get(void)
{
    return current ? current : odx_winapi_real();
}

void odx_winapi_set(const struct odx_winapi *table)
{
    current = table;
}
