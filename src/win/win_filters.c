/*
 * The filters slot: every file-system filter Filter Manager knows
 * (FilterFindFirst/Next with FilterAggregateStandardInformation: minifilters
 * and legacy filters [S2]), then for each one what its service key declares
 * (SupportedFeatures at Services\<f> and at Services\<f>\Parameters [S5,
 * S17]), its ImagePath, and vendor, product and version from the driver
 * image's version resource.
 *
 * Without elevation FilterFindFirst is refused (E_ACCESSDENIED is what is
 * expected; fact sheet 1.2 leaves it unconfirmed). The registry is still
 * readable, so minifilter services (service keys with an Instances subkey,
 * as a minifilter's INF writes them [S17]) are listed from there, marked
 * loaded_unknown, and their declared bits are still reported.
 */
#include "win_internal.h"

#include <string.h>

#include "odx/alloc.h"
#include "odx/winparse.h"

/* Most service keys looked at for the registry fallback (a server has a few hundred). */
#define MAX_SERVICES      65536u
/* Largest version resource read; real ones are a few KiB. */
#define MAX_VERSION_BYTES (1024u * 1024u)

static enum odx_status add_decoded(struct odx_obs *obs, const struct odx_winparse_filter *d)
{
    struct odx_filter *f;
    size_t index;
    enum odx_status st;
    if (odx_obs_find_filter(obs, d->name))
        return ODX_OK; /* listed twice: keep the first */
    if ((st = odx_obs_add_filter(obs, &f, &index)) != ODX_OK)
        return st;
    f->kind = d->kind == ODX_WINPARSE_KIND_LEGACY ? ODX_FILTER_LEGACY : ODX_FILTER_MINI;
    if (d->kind == ODX_WINPARSE_KIND_MINIFILTER) {
        f->frame.present = true;
        f->frame.value = d->frame_id;
        f->instance_count.present = true;
        f->instance_count.value = d->instance_count;
    }
    if ((st = odx_obs_str(obs, d->name, &obs->filters[index].name)) != ODX_OK)
        return st;
    if (d->altitude && d->altitude[0])
        st = odx_obs_str(obs, d->altitude, &obs->filters[index].altitude);
    return st;
}

/* Decodes one buffer of FILTER_AGGREGATE_STANDARD_INFORMATION entries. *complete turns false
 * when a record could not be decoded (recorded as an ODX error). */
static enum odx_status decode_filters(struct odx_obs *obs, const uint8_t *buf, size_t len,
                                      const char *api, bool *complete)
{
    struct odx_winparse_walk walk;
    struct odx_winparse_entry e;
    enum odx_status st;
    odx_winparse_walk_init(&walk, buf, len, ODX_WINPARSE_FILTER_SIZE);
    while ((st = odx_winparse_walk_next(&walk, &e)) == ODX_OK) {
        struct odx_winparse_filter d;
        st = odx_winparse_filter_decode(buf + e.offset, e.length, &d);
        if (st != ODX_OK) {
            *complete = false;
            if ((st = odx_win_decode_error(obs, api, NULL, st,
                                           "malformed FILTER_AGGREGATE_STANDARD_INFORMATION "
                                           "record")) != ODX_OK)
                return st;
            continue;
        }
        st = add_decoded(obs, &d);
        odx_winparse_filter_cleanup(&d);
        if (st != ODX_OK)
            return st;
    }
    if (st == ODX_E_NOT_FOUND)
        return ODX_OK;
    *complete = false;
    return odx_win_decode_error(obs, api, NULL, st, "malformed record chain");
}

/* ---- Registry fallback --------------------------------------------------- */

/* The altitude a minifilter service declares: Instances\DefaultInstance names an instance
 * subkey whose Altitude is a string [S17]. */
static enum odx_status registry_altitude(struct odx_obs *obs, const WCHAR *service, size_t index)
{
    WCHAR *instances = NULL, *def = NULL, *inst_key = NULL, *alt = NULL;
    enum odx_status st;
    if ((st = odx_win_concat(&instances, ODX_WIN_SERVICES_KEY L"\\", service, L"\\Instances",
                             NULL)) != ODX_OK)
        goto out;
    if ((st = odx_win_reg_string(obs, instances, L"DefaultInstance", &def)) != ODX_OK || !def)
        goto out;
    if ((st = odx_win_concat(&inst_key, instances, L"\\", def, NULL)) != ODX_OK)
        goto out;
    if ((st = odx_win_reg_string(obs, inst_key, L"Altitude", &alt)) != ODX_OK || !alt)
        goto out;
    st = odx_win_obs_utf8(obs, alt, SIZE_MAX, &obs->filters[index].altitude);
    if (st != ODX_OK && st != ODX_E_NOMEM)
        st = odx_win_decode_error(obs, "RegQueryValueExW", NULL, st, "altitude is not UTF-16");
out:
    if (st == ODX_E_TOO_BIG || st == ODX_E_BAD_UTF8)
        st = ODX_OK; /* a name we cannot build a key from: no altitude */
    odx_free(instances);
    odx_free(def);
    odx_free(inst_key);
    odx_free(alt);
    return st;
}

/* Services\<name> is a minifilter service when it has an Instances subkey. */
static enum odx_status registry_service(struct odx_obs *obs, HKEY services, const WCHAR *name)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR *sub = NULL;
    HKEY key = NULL;
    LSTATUS e;
    struct odx_filter *f;
    size_t index;
    const char *utf8 = NULL;
    enum odx_status st;

    if ((st = odx_win_concat(&sub, name, L"\\Instances", NULL, NULL)) != ODX_OK)
        return st == ODX_E_NOMEM ? st : ODX_OK;
    e = w->RegOpenKeyExW(services, sub, 0, KEY_QUERY_VALUE, &key);
    if (e != ERROR_SUCCESS) {
        if (e != ERROR_FILE_NOT_FOUND)
            st = odx_win_error_w(obs, "RegOpenKeyExW", sub, odx_win32_code((DWORD)e), NULL);
        goto out;
    }
    e = w->RegCloseKey(key);
    if (e != ERROR_SUCCESS &&
        (st = odx_win_error_w(obs, "RegCloseKey", sub, odx_win32_code((DWORD)e), NULL)) != ODX_OK)
        goto out;
    st = odx_win_obs_utf8(obs, name, SIZE_MAX, &utf8);
    if (st != ODX_OK) {
        st = odx_win_decode_error(obs, "RegEnumKeyExW", NULL, st, "service name is not UTF-16");
        goto out;
    }
    if (odx_obs_find_filter(obs, utf8))
        goto out;
    if ((st = odx_obs_add_filter(obs, &f, &index)) != ODX_OK)
        goto out;
    f->name = utf8;
    f->kind = ODX_FILTER_MINI;
    f->loaded_unknown = true;
    st = registry_altitude(obs, name, index);
out:
    odx_free(sub);
    return st;
}

static enum odx_status registry_fallback(struct odx_obs *obs)
{
    const struct odx_winapi *w = odx_winapi_get();
    HKEY services = NULL;
    WCHAR name[256]; /* registry key names are at most 255 characters */
    DWORD i, chars;
    LSTATUS e;
    enum odx_status st = ODX_OK;

    e = w->RegOpenKeyExW(HKEY_LOCAL_MACHINE, ODX_WIN_SERVICES_KEY, 0,
                         KEY_ENUMERATE_SUB_KEYS | KEY_QUERY_VALUE, &services);
    if (e != ERROR_SUCCESS)
        return odx_win_error(obs, "RegOpenKeyExW", "HKLM\\SYSTEM\\CurrentControlSet\\Services",
                             odx_win32_code((DWORD)e), "cannot list filter services");
    for (i = 0; i < MAX_SERVICES; i++) {
        chars = (DWORD)(sizeof(name) / sizeof(name[0]));
        e = w->RegEnumKeyExW(services, i, name, &chars, NULL, NULL, NULL, NULL);
        if (e == ERROR_NO_MORE_ITEMS)
            break;
        if (e != ERROR_SUCCESS) {
            st = odx_win_error(obs, "RegEnumKeyExW", "HKLM\\SYSTEM\\CurrentControlSet\\Services",
                               odx_win32_code((DWORD)e), NULL);
            break;
        }
        name[chars < 256 ? chars : 255] = 0;
        if ((st = registry_service(obs, services, name)) != ODX_OK)
            break;
    }
    e = w->RegCloseKey(services);
    if (e != ERROR_SUCCESS && st == ODX_OK)
        st = odx_win_error(obs, "RegCloseKey", "HKLM\\SYSTEM\\CurrentControlSet\\Services",
                           odx_win32_code((DWORD)e), NULL);
    return st;
}

/* ---- Driver images ------------------------------------------------------- */

/*
 * The file an ImagePath names, in a form CreateFile-family calls accept. The
 * forms service keys hold: "\SystemRoot\System32\drivers\x.sys" (the NT
 * link to the Windows directory), "System32\drivers\x.sys" (relative to the
 * Windows directory), "\??\C:\dir\x.sys" (an NT path to a DOS drive), and
 * "%SystemRoot%\..." (REG_EXPAND_SZ). Anything else is used as it is.
 */
enum odx_status odx_win_image_file(struct odx_obs *obs, const WCHAR *image, WCHAR **out)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR *expanded = NULL, windir[MAX_PATH + 1];
    const WCHAR *p, *rest = NULL;
    DWORD need;
    UINT n;
    enum odx_status st = ODX_OK;
    size_t i;
    bool has_percent = false;

    *out = NULL;
    for (i = 0; image[i]; i++)
        has_percent = has_percent || image[i] == L'%';
    if (has_percent) {
        need = w->ExpandEnvironmentStringsW(image, NULL, 0);
        if (need == 0 || need > ODX_WIN_MAX_CHARS)
            return odx_win_error_w(
                obs, "ExpandEnvironmentStringsW", image,
                need ? odx_odx_code(ODX_E_TOO_BIG) : odx_win32_code(w->GetLastError()), NULL);
        if (!(expanded = odx_malloc((size_t)need * sizeof(WCHAR))))
            return ODX_E_NOMEM;
        if (w->ExpandEnvironmentStringsW(image, expanded, need) != need) {
            st = odx_win_error_w(obs, "ExpandEnvironmentStringsW", image,
                                 odx_win32_code(w->GetLastError()), NULL);
            odx_free(expanded);
            return st;
        }
        image = expanded;
    }
    p = image;
    if (odx_win_wide_prefix(p, L"\\??\\"))
        st = odx_win_concat(out, p + 4, NULL, NULL, NULL);
    else if (odx_win_wide_prefix(p, L"\\SystemRoot\\"))
        rest = p + 11; /* keeps its leading backslash */
    else if (p[0] == L'\\' || (p[0] && p[1] == L':'))
        st = odx_win_concat(out, p, NULL, NULL, NULL);
    else
        rest = p; /* relative to the Windows directory */
    if (rest) {
        n = w->GetSystemWindowsDirectoryW(windir, MAX_PATH + 1);
        if (n == 0 || n > MAX_PATH)
            st = odx_win_error(obs, "GetSystemWindowsDirectoryW", NULL,
                               n ? odx_odx_code(ODX_E_TOO_BIG) : odx_win32_code(w->GetLastError()),
                               NULL);
        else
            st = odx_win_concat(out, windir, rest[0] == L'\\' ? L"" : L"\\", rest, NULL);
    }
    if (st != ODX_OK && st != ODX_E_NOMEM)
        st = odx_win_error_w(obs, "ImagePath", image, odx_odx_code(st), "cannot resolve");
    odx_free(expanded);
    return st;
}

/* One string of the version resource, for the language/code page `lang` ("040904b0"). */
static enum odx_status version_string(struct odx_obs *obs, const void *data, const WCHAR *lang,
                                      const WCHAR *name, const char **out)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR *query = NULL;
    void *value = NULL;
    UINT len = 0;
    enum odx_status st;
    if ((st = odx_win_concat(&query, L"\\StringFileInfo\\", lang, L"\\", name)) != ODX_OK)
        return st;
    if (w->VerQueryValueW(data, query, &value, &len) && value && len > 0) {
        /* len counts characters, the NUL included or not depending on the producer. */
        size_t chars = odx_win_wcsnlen((const WCHAR *)value, len);
        if (chars > 0) {
            st = odx_win_obs_utf8(obs, (const WCHAR *)value, chars, out);
            if (st != ODX_OK && st != ODX_E_NOMEM)
                st = odx_win_decode_error(obs, "VerQueryValueW", NULL, st,
                                          "version string is not UTF-16");
        }
    }
    odx_free(query);
    return st;
}

static void hex4(WCHAR *out, unsigned v)
{
    static const WCHAR digits[] = L"0123456789abcdef";
    int i;
    for (i = 3; i >= 0; i--, v >>= 4)
        out[i] = digits[v & 0xF];
}

static enum odx_status image_version(struct odx_obs *obs, size_t index, const WCHAR *file)
{
    const struct odx_winapi *w = odx_winapi_get();
    DWORD ignored = 0, size;
    uint8_t *data = NULL;
    void *value = NULL;
    UINT len = 0;
    WCHAR langs[3][9];
    size_t n_langs = 0, i;
    enum odx_status st = ODX_OK;

    size = w->GetFileVersionInfoSizeW(file, &ignored);
    if (size == 0)
        return odx_win_error_w(obs, "GetFileVersionInfoSizeW", file,
                               odx_win32_code(w->GetLastError()), NULL);
    if (size > MAX_VERSION_BYTES)
        return odx_win_error_w(obs, "GetFileVersionInfoSizeW", file, odx_odx_code(ODX_E_TOO_BIG),
                               NULL);
    if (!(data = odx_malloc(size)))
        return ODX_E_NOMEM;
    if (!w->GetFileVersionInfoW(file, 0, size, data)) {
        st = odx_win_error_w(obs, "GetFileVersionInfoW", file, odx_win32_code(w->GetLastError()),
                             NULL);
        goto out;
    }
    /* \VarFileInfo\Translation: pairs of 16-bit language and code page, little-endian. */
    if (w->VerQueryValueW(data, L"\\VarFileInfo\\Translation", &value, &len) && value && len >= 4) {
        const uint8_t *t = value;
        hex4(langs[0], (unsigned)(t[0] | t[1] << 8));
        hex4(langs[0] + 4, (unsigned)(t[2] | t[3] << 8));
        langs[0][8] = 0;
        n_langs = 1;
    }
    /* US English in Unicode and in Windows-1252: what most drivers use when the table lacks. */
    memcpy(langs[n_langs++], L"040904b0", 9 * sizeof(WCHAR));
    memcpy(langs[n_langs++], L"040904e4", 9 * sizeof(WCHAR));
    for (i = 0; i < n_langs; i++) {
        struct odx_filter *f = &obs->filters[index];
        if (!f->vendor &&
            (st = version_string(obs, data, langs[i], L"CompanyName", &f->vendor)) != ODX_OK)
            goto out;
        if (!f->product &&
            (st = version_string(obs, data, langs[i], L"ProductName", &f->product)) != ODX_OK)
            goto out;
        if (!f->version &&
            (st = version_string(obs, data, langs[i], L"FileVersion", &f->version)) != ODX_OK)
            goto out;
    }
out:
    odx_free(data);
    return st;
}

/* ---- Per filter ---------------------------------------------------------- */

static enum odx_status filter_details(struct odx_obs *obs, size_t index)
{
    WCHAR *name = NULL, *key = NULL, *params = NULL, *image = NULL, *file = NULL;
    struct odx_setting s;
    enum odx_status st;

    st = odx_win_wide(obs->filters[index].name, &name);
    if (st != ODX_OK)
        return st == ODX_E_NOMEM
                   ? st
                   : odx_win_decode_error(obs, "RegOpenKeyExW", obs->filters[index].name, st,
                                          "filter name cannot name a key");
    if ((st = odx_win_concat(&key, ODX_WIN_SERVICES_KEY L"\\", name, NULL, NULL)) != ODX_OK ||
        (st = odx_win_concat(&params, key, L"\\Parameters", NULL, NULL)) != ODX_OK)
        goto out;

    /* Where a filter declares its opt-in: Services\<f>\SupportedFeatures, and from Windows 11
     * 24H2 on Services\<f>\Parameters\SupportedFeatures [S5, S17]. Both are read; which wins
     * is not documented (fact sheet 4.2), so the analysis sees both. */
    if ((st = odx_win_reg_dword(obs, key, L"SupportedFeatures", &s)) != ODX_OK)
        goto out;
    obs->filters[index].declared = s;
    if ((st = odx_win_reg_dword(obs, params, L"SupportedFeatures", &s)) != ODX_OK)
        goto out;
    obs->filters[index].declared_parameters = s;

    if ((st = odx_win_reg_string(obs, key, L"ImagePath", &image)) != ODX_OK || !image)
        goto out;
    st = odx_win_obs_utf8(obs, image, SIZE_MAX, &obs->filters[index].image_path);
    if (st != ODX_OK) {
        st = odx_win_decode_error(obs, "RegQueryValueExW", obs->filters[index].name, st,
                                  "ImagePath is not UTF-16");
        goto out;
    }
    if ((st = odx_win_image_file(obs, image, &file)) != ODX_OK || !file)
        goto out;
    st = image_version(obs, index, file);
out:
    odx_free(name);
    odx_free(key);
    odx_free(params);
    odx_free(image);
    odx_free(file);
    return st;
}

enum odx_status odx_win_filters(struct odx_obs *obs)
{
    struct odx_fm_search s;
    HRESULT hr;
    const char *api = "FilterFindFirst";
    bool complete = true, first = true, denied = false;
    enum odx_status st;
    size_t i;

    odx_fm_init(&s, ODX_FM_FILTERS, NULL);
    for (;;) {
        enum odx_fm_got got;
        st = odx_fm_step(&s, obs, NULL, "listing filters needs an elevated (administrator) prompt",
                         &got, &hr, &api);
        if (st != ODX_OK || got != ODX_FM_RECORDS) {
            if (got == ODX_FM_FAILED) {
                complete = false;
                denied = first && hr == ODX_HR_ACCESS_DENIED;
            }
            break;
        }
        first = false;
        if ((st = decode_filters(obs, s.buf, s.used, api, &complete)) != ODX_OK)
            break;
    }
    if (st == ODX_E_NOMEM) {
        odx_fm_close(&s, NULL, NULL);
        return st;
    }
    if ((st = odx_fm_close(&s, obs, NULL)) != ODX_OK)
        return st;
    obs->filters_listed = complete ? ODX_TRI_YES : ODX_TRI_NO;
    if (denied && (st = registry_fallback(obs)) != ODX_OK)
        return st;

    for (i = 0; i < obs->n_filters; i++)
        if ((st = filter_details(obs, i)) != ODX_OK)
            return st;
    return ODX_OK;
}
