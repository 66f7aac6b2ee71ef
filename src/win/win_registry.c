/*
 * Registry reads of the back end: one DWORD or one string under
 * HKEY_LOCAL_MACHINE, telling "absent" (the key or value does not exist)
 * from "present" and from "could not read" (recorded with the API and its
 * code). Values are decoded from bytes, never cast.
 */
#include "win_internal.h"

#include <string.h>

#include "odx/alloc.h"

/* Largest string value read (bytes): ImagePath and the CurrentVersion strings are short. */
#define MAX_STRING_BYTES (64u * 1024u)

static enum odx_status target_of(const WCHAR *subkey, const WCHAR *value, char **out)
{
    WCHAR *full = NULL;
    enum odx_status st = odx_win_concat(&full, L"HKLM\\", subkey, value ? L"\\" : NULL, value);
    *out = NULL;
    if (st != ODX_OK)
        return st;
    st = odx_win_utf8(full, SIZE_MAX, out);
    odx_free(full);
    return st;
}

/* Records a failed registry call on HKLM\subkey[\value]. */
static enum odx_status record(struct odx_obs *obs, const char *api, const WCHAR *subkey,
                              const WCHAR *value, struct odx_code code, const char *detail)
{
    char *target = NULL;
    enum odx_status st = target_of(subkey, value, &target);
    if (st == ODX_E_NOMEM)
        return st;
    st = odx_obs_add_error(obs, api, target, code, detail);
    odx_free(target);
    return st;
}

/* Opens HKLM\subkey for reading: ODX_OK with *key, or *absent, or *code (recorded). */
static enum odx_status open_key(struct odx_obs *obs, const WCHAR *subkey, HKEY *key, bool *absent,
                                struct odx_code *code)
{
    const struct odx_winapi *w = odx_winapi_get();
    LSTATUS e;
    *key = NULL;
    *absent = false;
    code->kind = ODX_CODE_NONE;
    code->value = 0;
    e = w->RegOpenKeyExW(HKEY_LOCAL_MACHINE, subkey, 0, KEY_QUERY_VALUE, key);
    if (e == ERROR_SUCCESS)
        return ODX_OK;
    *key = NULL;
    if (e == ERROR_FILE_NOT_FOUND) {
        *absent = true;
        return ODX_OK;
    }
    *code = odx_win32_code((DWORD)e);
    return record(obs, "RegOpenKeyExW", subkey, NULL, *code, NULL);
}

static enum odx_status close_key(struct odx_obs *obs, const WCHAR *subkey, HKEY key)
{
    const struct odx_winapi *w = odx_winapi_get();
    LSTATUS e;
    if (!key)
        return ODX_OK;
    e = w->RegCloseKey(key);
    if (e == ERROR_SUCCESS)
        return ODX_OK;
    return record(obs, "RegCloseKey", subkey, NULL, odx_win32_code((DWORD)e), NULL);
}

enum odx_status odx_win_reg_dword(struct odx_obs *obs, const WCHAR *subkey, const WCHAR *value,
                                  struct odx_setting *out)
{
    const struct odx_winapi *w = odx_winapi_get();
    HKEY key = NULL;
    bool absent;
    struct odx_code code;
    uint8_t data[8];
    DWORD type = 0, size = sizeof(data);
    LSTATUS e;
    enum odx_status st;

    memset(out, 0, sizeof(*out));
    st = open_key(obs, subkey, &key, &absent, &code);
    if (st != ODX_OK)
        return st;
    if (absent) {
        out->state = ODX_SETTING_ABSENT;
        return ODX_OK;
    }
    if (!key) {
        out->state = ODX_SETTING_ERROR;
        out->error = code;
        return ODX_OK;
    }
    e = w->RegQueryValueExW(key, value, NULL, &type, data, &size);
    if (e == ERROR_FILE_NOT_FOUND) {
        out->state = ODX_SETTING_ABSENT;
    } else if (e == ERROR_SUCCESS && type == REG_DWORD && size == 4) {
        out->state = ODX_SETTING_PRESENT;
        out->value = odx_win_le32(data);
    } else if (e == ERROR_SUCCESS || e == ERROR_MORE_DATA) {
        /* Another type, or longer than a DWORD: not a value Windows would read as one. */
        out->state = ODX_SETTING_ERROR;
        out->error = odx_odx_code(ODX_E_MALFORMED);
        st = record(obs, "RegQueryValueExW", subkey, value, out->error, "not a REG_DWORD");
    } else {
        out->state = ODX_SETTING_ERROR;
        out->error = odx_win32_code((DWORD)e);
        st = record(obs, "RegQueryValueExW", subkey, value, out->error, NULL);
    }
    if (st == ODX_OK)
        st = close_key(obs, subkey, key);
    else
        close_key(obs, subkey, key);
    return st;
}

enum odx_status odx_win_reg_string(struct odx_obs *obs, const WCHAR *subkey, const WCHAR *value,
                                   WCHAR **out)
{
    const struct odx_winapi *w = odx_winapi_get();
    HKEY key = NULL;
    bool absent;
    struct odx_code code;
    DWORD type = 0, size = 256, got;
    uint8_t *data = NULL;
    LSTATUS e;
    enum odx_status st;
    int tries;

    *out = NULL;
    st = open_key(obs, subkey, &key, &absent, &code);
    if (st != ODX_OK || !key)
        return st;
    for (tries = 0; tries < 4; tries++) {
        odx_free(data);
        /* Two spare WCHARs: the stored string need not be NUL-terminated. */
        if (!(data = odx_malloc((size_t)size + 2 * sizeof(WCHAR)))) {
            st = ODX_E_NOMEM;
            goto out;
        }
        got = size;
        e = w->RegQueryValueExW(key, value, NULL, &type, data, &got);
        if (e == ERROR_MORE_DATA && got > size && got <= MAX_STRING_BYTES) {
            size = got;
            continue;
        }
        if (e == ERROR_FILE_NOT_FOUND)
            goto out;
        if (e != ERROR_SUCCESS) {
            st = record(obs, "RegQueryValueExW", subkey, value, odx_win32_code((DWORD)e), NULL);
            goto out;
        }
        if ((type != REG_SZ && type != REG_EXPAND_SZ) || got > size || got % 2 != 0) {
            st = record(obs, "RegQueryValueExW", subkey, value, odx_odx_code(ODX_E_MALFORMED),
                        "not a string value");
            goto out;
        }
        memset(data + got, 0, 2 * sizeof(WCHAR));
        *out = (WCHAR *)(void *)data; /* odx_malloc memory is suitably aligned for WCHAR */
        data = NULL;
        goto out;
    }
    st = record(obs, "RegQueryValueExW", subkey, value, odx_odx_code(ODX_E_TOO_BIG),
                "the value keeps growing or is too long");
out:
    odx_free(data);
    if (st == ODX_OK)
        st = close_key(obs, subkey, key);
    else
        close_key(obs, subkey, key);
    return st;
}
