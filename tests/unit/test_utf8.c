/* The one UTF-8 rule: lengths, code points, and every ill-formed kind RFC 3629 names. */
#include "check.h"
#include "odx/utf8.h"

static void good(const char *bytes, size_t avail, size_t want_len, uint32_t want_cp)
{
    uint32_t cp = 0xDEADBEEFu;
    size_t n = odx_utf8_decode((const unsigned char *)bytes, avail, &cp);
    CHECK_U64(n, want_len);
    CHECK_U64(cp, want_cp);
}

static void bad(const char *bytes, size_t avail)
{
    uint32_t cp = 0;
    CHECK_U64(odx_utf8_decode((const unsigned char *)bytes, avail, &cp), 0);
}

int main(void)
{
    good("A", 1, 1, 0x41);
    good("\xC3\xA9", 2, 2, 0xE9);             /* é */
    good("\xE6\x97\xA5", 3, 3, 0x65E5);       /* 日 */
    good("\xF0\x9F\x98\x80", 4, 4, 0x1F600);  /* U+1F600 */
    good("\xF4\x8F\xBF\xBF", 4, 4, 0x10FFFF); /* the last code point */
    good("\xED\x9F\xBF", 3, 3, 0xD7FF);       /* just below the surrogates */
    good("\xC3\xA9xyz", 5, 2, 0xE9);          /* stops after the sequence */
    CHECK_U64(odx_utf8_decode((const unsigned char *)"\xC3\xA9", 2, NULL), 2);

    bad("\x80", 1);             /* stray continuation */
    bad("\xC0\xAF", 2);         /* overlong '/' */
    bad("\xC1\xBF", 2);         /* overlong */
    bad("\xE0\x9F\xBF", 3);     /* overlong below U+0800 */
    bad("\xF0\x8F\xBF\xBF", 4); /* overlong below U+10000 */
    bad("\xED\xA0\x80", 3);     /* U+D800, a surrogate */
    bad("\xED\xBF\xBF", 3);     /* U+DFFF */
    bad("\xF4\x90\x80\x80", 4); /* U+110000 */
    bad("\xF5\x80\x80\x80", 4); /* no such lead byte */
    bad("\xFF", 1);
    bad("\xC3", 1); /* cut short by the buffer */
    bad("\xE6\x97", 2);
    bad("\xF0\x9F\x98", 3);
    bad("\xE6\x41\xA5", 3);     /* second byte not a continuation */
    bad("\xF0\x9F\x41\x80", 4); /* third byte not a continuation */
    bad("\xF0\x9F\x98\x41", 4); /* fourth byte not a continuation */
    CHECK_DONE();
}
