/*
 * Small helpers of the Windows back end: UTF-8 <-> UTF-16 at the edge
 * (portable code, no Windows call, so conversion cannot fail differently
 * from one Windows version to the next), wide-string building, error
 * records and the clock.
 */
#include "win_internal.h"

#include <string.h>

#include "odx/alloc.h"
#include "odx/utf8.h"
#include "odx/winparse.h"

size_t odx_win_wcsnlen(const WCHAR *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

uint32_t odx_win_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

enum odx_status odx_win_wide(const char *utf8, WCHAR **out)
{
    const unsigned char *s = (const unsigned char *)utf8;
    size_t len, i, n = 0, bytes;
    WCHAR *w;
    *out = NULL;
    if (!utf8)
        return ODX_E_INVAL;
    len = strlen(utf8);
    /* First pass: validate and count UTF-16 units. */
    for (i = 0; i < len;) {
        uint32_t c;
        size_t k = odx_utf8_decode(s + i, len - i, &c);
        if (k == 0)
            return ODX_E_BAD_UTF8;
        i += k;
        n += c >= 0x10000 ? 2 : 1;
        if (n >= ODX_WIN_MAX_CHARS)
            return ODX_E_TOO_BIG;
    }
    if (!odx_mul_size(n + 1, sizeof(WCHAR), &bytes) || !(w = odx_malloc(bytes)))
        return ODX_E_NOMEM;
    for (i = 0, n = 0; i < len;) {
        uint32_t c = 0;
        i += odx_utf8_decode(s + i, len - i, &c); /* validated above */
        if (c >= 0x10000) {
            c -= 0x10000;
            w[n++] = (WCHAR)(0xD800 + (c >> 10));
            w[n++] = (WCHAR)(0xDC00 + (c & 0x3FF));
        } else {
            w[n++] = (WCHAR)c;
        }
    }
    w[n] = 0;
    *out = w;
    return ODX_OK;
}

enum odx_status odx_win_utf8(const WCHAR *s, size_t chars, char **out)
{
    *out = NULL;
    if (!s)
        return ODX_E_INVAL;
    if (chars == SIZE_MAX)
        chars = odx_win_wcsnlen(s, ODX_WIN_MAX_CHARS);
    if (chars > ODX_WIN_MAX_CHARS)
        return ODX_E_TOO_BIG;
    /* A WCHAR array in memory is UTF-16LE bytes on every Windows target. */
    return odx_winparse_utf16_to_utf8((const uint8_t *)s, chars * sizeof(WCHAR), 0,
                                      chars * sizeof(WCHAR), out, NULL);
}

enum odx_status odx_win_obs_utf8(struct odx_obs *obs, const WCHAR *s, size_t chars,
                                 const char **out)
{
    char *tmp = NULL;
    enum odx_status st = odx_win_utf8(s, chars, &tmp);
    *out = NULL;
    if (st != ODX_OK)
        return st;
    st = odx_obs_str(obs, tmp, out);
    odx_free(tmp);
    return st;
}

enum odx_status odx_win_concat(WCHAR **out, const WCHAR *a, const WCHAR *b, const WCHAR *c,
                               const WCHAR *d)
{
    const WCHAR *parts[4] = {a, b, c, d};
    size_t lens[4] = {0, 0, 0, 0}, total = 0, bytes, i, at = 0;
    WCHAR *w;
    *out = NULL;
    for (i = 0; i < 4 && parts[i]; i++) {
        lens[i] = odx_win_wcsnlen(parts[i], ODX_WIN_MAX_CHARS);
        total += lens[i];
    }
    if (total >= ODX_WIN_MAX_CHARS)
        return ODX_E_TOO_BIG;
    if (!odx_mul_size(total + 1, sizeof(WCHAR), &bytes) || !(w = odx_malloc(bytes)))
        return ODX_E_NOMEM;
    for (i = 0; i < 4 && parts[i]; i++) {
        memcpy(w + at, parts[i], lens[i] * sizeof(WCHAR));
        at += lens[i];
    }
    w[at] = 0;
    *out = w;
    return ODX_OK;
}

static WCHAR lower(WCHAR c)
{
    return c >= L'A' && c <= L'Z' ? (WCHAR)(c + (L'a' - L'A')) : c;
}

bool odx_win_wide_equal(const WCHAR *a, size_t alen, const WCHAR *b, size_t blen)
{
    size_t i;
    if (alen != blen)
        return false;
    for (i = 0; i < alen; i++)
        if (lower(a[i]) != lower(b[i]))
            return false;
    return true;
}

bool odx_win_wide_prefix(const WCHAR *s, const WCHAR *prefix)
{
    size_t i;
    for (i = 0; prefix[i]; i++)
        if (!s[i] || lower(s[i]) != lower(prefix[i]))
            return false;
    return true;
}

bool odx_win_utf8_equal(const char *a, const char *b)
{
    if (!a || !b)
        return false;
    for (; *a && *b; a++, b++) {
        char ca = *a >= 'A' && *a <= 'Z' ? (char)(*a + 32) : *a;
        char cb = *b >= 'A' && *b <= 'Z' ? (char)(*b + 32) : *b;
        if (ca != cb)
            return false;
    }
    return *a == *b;
}

enum odx_status odx_win_error(struct odx_obs *obs, const char *api, const char *target,
                              struct odx_code code, const char *detail)
{
    return odx_obs_add_error(obs, api, target, code, detail);
}

enum odx_status odx_win_error_w(struct odx_obs *obs, const char *api, const WCHAR *target,
                                struct odx_code code, const char *detail)
{
    char *t = NULL;
    enum odx_status st;
    if (target) {
        st = odx_win_utf8(target, SIZE_MAX, &t);
        if (st == ODX_E_NOMEM)
            return st;
        /* A target that is not valid UTF-16 is left out rather than losing the error. */
    }
    st = odx_obs_add_error(obs, api, t, code, detail);
    odx_free(t);
    return st;
}

enum odx_status odx_win_decode_error(struct odx_obs *obs, const char *api, const char *target,
                                     enum odx_status st, const char *what)
{
    if (st == ODX_E_NOMEM)
        return st;
    return odx_obs_add_error(obs, api, target, odx_odx_code(st), what);
}

uint64_t odx_win_now_us(void)
{
    const struct odx_winapi *w = odx_winapi_get();
    LARGE_INTEGER count, freq;
    uint64_t c, f;
    if (!w->QueryPerformanceFrequency(&freq) || !w->QueryPerformanceCounter(&count) ||
        freq.QuadPart <= 0 || count.QuadPart < 0)
        return 0;
    c = (uint64_t)count.QuadPart;
    f = (uint64_t)freq.QuadPart;
    /* Split to keep c * 1e6 from overflowing on long uptimes. */
    return c / f * 1000000u + c % f * 1000000u / f;
}
