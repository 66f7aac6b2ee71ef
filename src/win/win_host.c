/*
 * The Windows back end's constant struct odx_backend, and its host and
 * policy slots: machine name, the true OS version, the architecture,
 * whether the token is elevated, and FilterSupportedFeaturesMode.
 */
#include "win_internal.h"

#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"

#define CURRENT_VERSION_KEY L"SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion"

/* HKLM\SYSTEM\CurrentControlSet\Control\FileSystem\FilterSupportedFeaturesMode: 0 normal
 * opt-in processing, 1 never opt in (ODX disabled) [S5, S15]. */
#define FILESYSTEM_KEY L"SYSTEM\\CurrentControlSet\\Control\\FileSystem"

static enum odx_status host_name(struct odx_obs *obs)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR *buf = NULL;
    DWORD chars = 256, got;
    enum odx_status st = ODX_OK;
    int tries;
    for (tries = 0; tries < 3; tries++) {
        odx_free(buf);
        if (!(buf = odx_malloc((size_t)chars * sizeof(WCHAR))))
            return ODX_E_NOMEM;
        got = chars;
        if (w->GetComputerNameExW(ComputerNameDnsHostname, buf, &got)) {
            st = odx_win_obs_utf8(obs, buf, odx_win_wcsnlen(buf, chars), &obs->host.name);
            if (st != ODX_OK && st != ODX_E_NOMEM)
                st = odx_win_decode_error(obs, "GetComputerNameExW", NULL, st, "host name");
            goto out;
        }
        {
            DWORD e = w->GetLastError();
            /* On ERROR_MORE_DATA the count holds the size needed, NUL included. */
            if (e == ERROR_MORE_DATA && got > chars && got <= ODX_WIN_MAX_CHARS) {
                chars = got;
                continue;
            }
            st = odx_win_error(obs, "GetComputerNameExW", NULL, odx_win32_code(e), NULL);
            goto out;
        }
    }
    st = odx_win_error(obs, "GetComputerNameExW", NULL, odx_odx_code(ODX_E_TOO_BIG), NULL);
out:
    odx_free(buf);
    return st;
}

/* Stores a registry string (or NULL) as UTF-8 in *out; conversion errors are recorded. */
static enum odx_status string_value(struct odx_obs *obs, const WCHAR *value, char **out)
{
    WCHAR *w = NULL;
    enum odx_status st = odx_win_reg_string(obs, CURRENT_VERSION_KEY, value, &w);
    *out = NULL;
    if (st != ODX_OK || !w)
        return st;
    st = odx_win_utf8(w, SIZE_MAX, out);
    odx_free(w);
    if (st != ODX_OK && st != ODX_E_NOMEM)
        st = odx_win_decode_error(obs, "RegQueryValueExW", "CurrentVersion", st, "not UTF-16");
    return st;
}

/*
 * The OS: RtlGetVersion gives the true major.minor.build (GetVersionEx lies
 * to programs without a compatibility manifest); the CurrentVersion key
 * gives the product name, the feature-update name (DisplayVersion) and the
 * update build revision (UBR).
 */
static enum odx_status host_os(struct odx_obs *obs)
{
    const struct odx_winapi *w = odx_winapi_get();
    RTL_OSVERSIONINFOW info;
    char *product = NULL, *display = NULL, *build = NULL;
    struct odx_setting ubr;
    unsigned long build_number = 0;
    bool have_version = false;
    LONG nt;
    enum odx_status st;

    memset(&info, 0, sizeof(info));
    info.dwOSVersionInfoSize = sizeof(info);
    nt = w->RtlGetVersion(&info);
    if (nt == 0) {
        have_version = true;
        build_number = info.dwBuildNumber;
        st = odx_obs_printf(obs, &obs->host.os_version, "%lu.%lu", info.dwMajorVersion,
                            info.dwMinorVersion);
    } else {
        st = odx_win_error(obs, "RtlGetVersion", NULL, odx_nt_code(nt), NULL);
    }
    if (st != ODX_OK)
        return st;

    if ((st = string_value(obs, L"ProductName", &product)) != ODX_OK ||
        (st = string_value(obs, L"DisplayVersion", &display)) != ODX_OK ||
        (st = string_value(obs, L"CurrentBuildNumber", &build)) != ODX_OK ||
        (st = odx_win_reg_dword(obs, CURRENT_VERSION_KEY, L"UBR", &ubr)) != ODX_OK)
        goto out;

    if (product && display)
        st = odx_obs_printf(obs, &obs->host.os_name, "%s %s", product, display);
    else if (product)
        st = odx_obs_str(obs, product, &obs->host.os_name);
    if (st != ODX_OK)
        goto out;

    /* The build: RtlGetVersion's, else the registry's; with the revision when known. */
    if (have_version && ubr.state == ODX_SETTING_PRESENT)
        st = odx_obs_printf(obs, &obs->host.os_build, "%lu.%lu", build_number,
                            (unsigned long)ubr.value);
    else if (have_version)
        st = odx_obs_printf(obs, &obs->host.os_build, "%lu", build_number);
    else if (build && ubr.state == ODX_SETTING_PRESENT)
        st = odx_obs_printf(obs, &obs->host.os_build, "%s.%lu", build, (unsigned long)ubr.value);
    else if (build)
        st = odx_obs_str(obs, build, &obs->host.os_build);
out:
    odx_free(product);
    odx_free(display);
    odx_free(build);
    return st;
}

static enum odx_status host_arch(struct odx_obs *obs)
{
    const struct odx_winapi *w = odx_winapi_get();
    SYSTEM_INFO si;
    memset(&si, 0, sizeof(si));
    /* The machine's architecture, not the process's (an x64 build under emulation on arm64
     * still says arm64). */
    w->GetNativeSystemInfo(&si);
    switch (si.wProcessorArchitecture) {
    case PROCESSOR_ARCHITECTURE_AMD64:
        return odx_obs_str(obs, "x86_64", &obs->host.arch);
    case PROCESSOR_ARCHITECTURE_INTEL:
        return odx_obs_str(obs, "x86", &obs->host.arch);
#ifdef PROCESSOR_ARCHITECTURE_ARM64
    case PROCESSOR_ARCHITECTURE_ARM64:
        return odx_obs_str(obs, "arm64", &obs->host.arch);
#endif
    case PROCESSOR_ARCHITECTURE_ARM:
        return odx_obs_str(obs, "arm", &obs->host.arch);
    default:
        return odx_obs_printf(obs, &obs->host.arch, "unknown (%u)",
                              (unsigned)si.wProcessorArchitecture);
    }
}

/* Whether the token is elevated (TokenElevation.TokenIsElevated, a DWORD). */
static enum odx_status host_elevated(struct odx_obs *obs)
{
    const struct odx_winapi *w = odx_winapi_get();
    HANDLE token = NULL;
    uint8_t buf[8];
    DWORD got = 0;
    enum odx_status st = ODX_OK;

    obs->host.elevated = ODX_TRI_UNKNOWN;
    if (!w->OpenProcessToken(w->GetCurrentProcess(), TOKEN_QUERY, &token))
        return odx_win_error(obs, "OpenProcessToken", NULL, odx_win32_code(w->GetLastError()),
                             NULL);
    if (!w->GetTokenInformation(token, TokenElevation, buf, 4, &got))
        st = odx_win_error(obs, "GetTokenInformation(TokenElevation)", NULL,
                           odx_win32_code(w->GetLastError()), NULL);
    else if (got < 4)
        st = odx_win_error(obs, "GetTokenInformation(TokenElevation)", NULL,
                           odx_odx_code(ODX_E_TRUNCATED), NULL);
    else
        obs->host.elevated = odx_win_le32(buf) ? ODX_TRI_YES : ODX_TRI_NO;
    if (!w->CloseHandle(token)) {
        enum odx_status st2 = odx_win_error(obs, "CloseHandle", "process token",
                                            odx_win32_code(w->GetLastError()), NULL);
        if (st == ODX_OK)
            st = st2;
    }
    return st;
}

enum odx_status odx_win_host(struct odx_obs *obs)
{
    enum odx_status st;
    odx_win_interrupt_reset();
    if ((st = host_name(obs)) != ODX_OK || (st = host_os(obs)) != ODX_OK ||
        (st = host_arch(obs)) != ODX_OK || (st = host_elevated(obs)) != ODX_OK)
        return st;
    return ODX_OK;
}

enum odx_status odx_win_policy(struct odx_obs *obs)
{
    return odx_win_reg_dword(obs, FILESYSTEM_KEY, L"FilterSupportedFeaturesMode",
                             &obs->features_mode);
}

static const struct odx_backend win_backend = {
    .name = "windows",
    .platform = ODX_PLATFORM_WINDOWS,
    .host = odx_win_host,
    .policy = odx_win_policy,
    .filters = odx_win_filters,
    .volumes = odx_win_volumes,
    .locate = odx_win_locate,
    .trial = odx_win_trial,
    .interrupt = odx_win_interrupt,
};

const struct odx_backend *odx_backend_native(void)
{
    return &win_backend;
}
