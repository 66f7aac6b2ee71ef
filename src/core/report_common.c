/*
 * Shared by the report writer and reader (report_internal.h): the cJSON
 * allocator hook-up and the UTF-8 well-formedness rule (RFC 3629, table in
 * section 4), which cJSON itself does not check.
 */
#include <cjson/cJSON.h>

#include "odx/alloc.h"
#include "report_internal.h"

/* Single-threaded, like the rest of odxprobe. */
static bool alloc_failed;

static void *json_malloc(size_t size)
{
    void *p = odx_malloc(size);
    if (!p)
        alloc_failed = true;
    return p;
}

void odx_report_json_hooks(void)
{
    /* Every cJSON allocation goes through odx_malloc, so failure injection reaches it. */
    cJSON_Hooks hooks = {json_malloc, odx_free};
    cJSON_InitHooks(&hooks);
}

bool odx_report_json_alloc_failed(bool reset)
{
    bool failed = alloc_failed;
    if (reset)
        alloc_failed = false;
    return failed;
}

static int is_cont(unsigned char c)
{
    return (c & 0xC0u) == 0x80u;
}

size_t odx_utf8_seq(const unsigned char *s, size_t avail)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80u, hi = 0xBFu; /* allowed range of the second byte */
    size_t need;
    if (c < 0x80u)
        return 1;
    if (c < 0xC2u) /* continuation byte, or C0/C1: an overlong two-byte form */
        return 0;
    if (c < 0xE0u) {
        need = 2;
    } else if (c < 0xF0u) {
        need = 3;
        if (c == 0xE0u)
            lo = 0xA0u; /* overlong below U+0800 */
        else if (c == 0xEDu)
            hi = 0x9Fu; /* U+D800..U+DFFF are surrogates */
    } else if (c < 0xF5u) {
        need = 4;
        if (c == 0xF0u)
            lo = 0x90u; /* overlong below U+10000 */
        else if (c == 0xF4u)
            hi = 0x8Fu; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < need || s[1] < lo || s[1] > hi)
        return 0;
    if (need >= 3 && !is_cont(s[2]))
        return 0;
    if (need == 4 && !is_cont(s[3]))
        return 0;
    return need;
}
