/* UTF-8 well-formedness and decoding (see odx/utf8.h). */
#include "odx/utf8.h"

static int is_cont(unsigned char c)
{
    return (c & 0xC0u) == 0x80u;
}

size_t odx_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp)
{
    unsigned char c = s[0];
    unsigned char lo = 0x80u, hi = 0xBFu; /* allowed range of the second byte */
    size_t need, k;
    uint32_t v;
    if (c < 0x80u) {
        if (cp)
            *cp = c;
        return 1;
    }
    if (c < 0xC2u) /* continuation byte, or C0/C1: an overlong two-byte form */
        return 0;
    if (c < 0xE0u) {
        need = 2;
        v = c & 0x1Fu;
    } else if (c < 0xF0u) {
        need = 3;
        v = c & 0x0Fu;
        if (c == 0xE0u)
            lo = 0xA0u; /* overlong below U+0800 */
        else if (c == 0xEDu)
            hi = 0x9Fu; /* U+D800..U+DFFF are surrogates */
    } else if (c < 0xF5u) {
        need = 4;
        v = c & 0x07u;
        if (c == 0xF0u)
            lo = 0x90u; /* overlong below U+10000 */
        else if (c == 0xF4u)
            hi = 0x8Fu; /* above U+10FFFF */
    } else {
        return 0;
    }
    if (avail < need || s[1] < lo || s[1] > hi)
        return 0;
    for (k = 2; k < need; k++)
        if (!is_cont(s[k]))
            return 0;
    for (k = 1; k < need; k++)
        v = v << 6 | (s[k] & 0x3Fu);
    if (cp)
        *cp = v;
    return need;
}
