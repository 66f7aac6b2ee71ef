/*
 * Decoders of raw Windows buffers: byte-exact fixtures from tests/fixtures/win/
 * (spelled field by field as Windows lays them out), every malformation with
 * its exact status, allocation failure at every step, byte-exact encoder and
 * builder output, and a sweep of truncations and byte flips that must never
 * make a decoder read outside its buffer (run under ASan+UBSan too).
 */
#include "check.h"
#include "odx/alloc.h"
#include "odx/status.h"
#include "odx/winparse.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECK_ST(expr, want)                                                                       \
    do {                                                                                           \
        enum odx_status check_st_ = (expr);                                                        \
        if (check_st_ != (want)) {                                                                 \
            fprintf(stderr, "%s:%d: %s returned %s, want %s\n", __FILE__, __LINE__, #expr,         \
                    odx_status_name(check_st_), odx_status_name(want));                            \
            check_failures++;                                                                      \
        }                                                                                          \
    } while (0)

#define CHECK_BYTES(a, b, n) CHECK(memcmp((a), (b), (n)) == 0)

/* ---- Fixture loading ------------------------------------------------------------ */

struct fixture {
    uint8_t *data;
    size_t len;
};

static int hex_value(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Reads tests/fixtures/win/<name> (format in its README); exits on a broken file. */
static struct fixture load(const char *name)
{
    char path[1024];
    struct fixture fx = {NULL, 0};
    size_t cap = 4096;
    FILE *f;
    int c;

    snprintf(path, sizeof path, "%s/win/%s", ODX_FIXTURE_DIR, name);
    f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open fixture %s\n", path);
        exit(2);
    }
    fx.data = malloc(cap);
    if (!fx.data)
        exit(2);
    while ((c = fgetc(f)) != EOF) {
        int hi, lo;
        unsigned long count = 1;
        if (c == '#') {
            while ((c = fgetc(f)) != EOF && c != '\n')
                ;
            continue;
        }
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r')
            continue;
        hi = hex_value(c);
        lo = hex_value(fgetc(f));
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "bad hex in fixture %s\n", path);
            exit(2);
        }
        c = fgetc(f);
        if (c == '*') {
            if (fscanf(f, "%lu", &count) != 1 || count == 0 || count > 65536) {
                fprintf(stderr, "bad repeat count in fixture %s\n", path);
                exit(2);
            }
        } else if (c != EOF) {
            ungetc(c, f);
        }
        while (count--) {
            if (fx.len == cap) {
                cap *= 2;
                fx.data = realloc(fx.data, cap);
                if (!fx.data)
                    exit(2);
            }
            fx.data[fx.len++] = (uint8_t)(hi * 16 + lo);
        }
    }
    fclose(f);
    return fx;
}

static void unload(struct fixture *fx)
{
    free(fx->data);
    fx->data = NULL;
    fx->len = 0;
}

static void put16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)((v >> (8 * i)) & 0xFFu);
}

/* A private copy of a fixture, for patching. */
static uint8_t *dup_bytes(const struct fixture *fx)
{
    uint8_t *p = malloc(fx->len);
    if (!p)
        exit(2);
    memcpy(p, fx->data, fx->len);
    return p;
}

/* UTF-8 of the non-ASCII fixture names. */
#define SECURITE                                                                                   \
    "S\xC3\xA9"                                                                                    \
    "curit\xC3\xA9"
#define CJK_INSTANCE                                                                               \
    "\xE9\x98\xB2\xE6\x8A\xA4\xE5\xAE\x9E\xE4\xBE\x8B" /* U+9632 U+62A4 U+5B9E U+4F8B */
#define CJK_FILTER     "\xE9\x98\xB2\xE6\x8A\xA4"
#define EMOJI_INSTANCE "Emoji\xF0\x9F\x98\x80" /* U+1F600 */
#define VOLUME3        "\\Device\\HarddiskVolume3"

/* ---- Helpers over chains -------------------------------------------------------- */

enum rec {
    REC_FILTER,
    REC_VOLUME,
    REC_INSTANCE,
};

static size_t rec_fixed(enum rec r)
{
    switch (r) {
    case REC_FILTER:
        return ODX_WINPARSE_FILTER_SIZE;
    case REC_VOLUME:
        return ODX_WINPARSE_VOLUME_SIZE;
    case REC_INSTANCE:
        break;
    }
    return ODX_WINPARSE_INSTANCE_SIZE_PREWIN8;
}

static enum odx_status rec_decode(enum rec r, const uint8_t *p, size_t len)
{
    enum odx_status st;
    if (r == REC_FILTER) {
        struct odx_winparse_filter f;
        st = odx_winparse_filter_decode(p, len, &f);
        odx_winparse_filter_cleanup(&f);
    } else if (r == REC_VOLUME) {
        struct odx_winparse_volume v;
        st = odx_winparse_volume_decode(p, len, &v);
        odx_winparse_volume_cleanup(&v);
    } else {
        struct odx_winparse_instance in;
        st = odx_winparse_instance_decode(p, len, &in);
        odx_winparse_instance_cleanup(&in);
    }
    return st;
}

/* Walks and decodes every entry; returns the first failure (ODX_OK for a sound chain). */
static enum odx_status decode_chain(enum rec r, const uint8_t *buf, size_t len, size_t *count)
{
    struct odx_winparse_walk w;
    struct odx_winparse_entry e;
    enum odx_status st;

    *count = 0;
    odx_winparse_walk_init(&w, buf, len, rec_fixed(r));
    while ((st = odx_winparse_walk_next(&w, &e)) == ODX_OK) {
        /* The walker's promise: the entry lies inside the buffer. */
        if (e.offset > len || e.length > len - e.offset || e.length < rec_fixed(r))
            return ODX_E_RANGE;
        st = rec_decode(r, buf + e.offset, e.length);
        if (st != ODX_OK)
            return st;
        (*count)++;
    }
    return st == ODX_E_NOT_FOUND ? ODX_OK : st;
}

/* ---- UTF-16 ----------------------------------------------------------------------- */

static enum odx_status conv(const uint8_t *b, size_t n, char **out)
{
    return odx_winparse_utf16_to_utf8(b, n, 0, n, out, NULL);
}

static void test_utf16(void)
{
    char *s = (char *)"sentinel";
    size_t n = 99;
    static const uint8_t ascii[] = {'A', 0, 'b', 0};
    static const uint8_t pair[] = {0x3D, 0xD8, 0x00, 0xDE}; /* U+1F600 */
    static const uint8_t bmp[] = {0xE9, 0x00, 0xFF, 0x07,
                                  0x00, 0x08, 0xFF, 0xFF}; /* é U+07FF U+0800 U+FFFF */
    static const uint8_t lone_high_end[] = {'a', 0, 0x3D, 0xD8};
    static const uint8_t high_then_bmp[] = {0x3D, 0xD8, 'a', 0};
    static const uint8_t high_high[] = {0x3D, 0xD8, 0x3D, 0xD8, 0x00, 0xDE};
    static const uint8_t lone_low[] = {0x00, 0xDE, 'a', 0};
    static const uint8_t reversed[] = {0x00, 0xDE, 0x3D, 0xD8};
    static const uint8_t inner_nul[] = {'a', 0, 0, 0, 'b', 0};
    static const uint8_t trailing_nul[] = {'a', 0, 'b', 0, 0, 0, 0, 0};
    static const uint8_t only_nul[] = {0, 0, 0, 0};
    static const uint8_t high_then_nul[] = {0x3D, 0xD8, 0, 0};

    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 0, 4, &s, &n), ODX_OK);
    CHECK_STR(s, "Ab");
    CHECK_U64(n, 2);
    odx_free(s);
    CHECK_ST(conv(pair, sizeof pair, &s), ODX_OK);
    CHECK_STR(s, "\xF0\x9F\x98\x80");
    odx_free(s);
    CHECK_ST(conv(bmp, sizeof bmp, &s), ODX_OK);
    CHECK_STR(s, "\xC3\xA9\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF");
    odx_free(s);

    /* Zero length: empty string, offset ignored (even past the buffer, even NULL buffer). */
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 1000, 0, &s, &n), ODX_OK);
    CHECK_STR(s, "");
    CHECK_U64(n, 0);
    odx_free(s);
    CHECK_ST(odx_winparse_utf16_to_utf8(NULL, 0, 0, 0, &s, NULL), ODX_OK);
    CHECK_STR(s, "");
    odx_free(s);

    /* Lengths and offsets. Out-parameters are reset on failure. */
    n = 99;
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 0, 3, &s, &n), ODX_E_BAD_LENGTH);
    CHECK(s == NULL);
    CHECK_U64(n, 0);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 0, 1, &s, NULL), ODX_E_BAD_LENGTH);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 0, 0xFFFF, &s, NULL),
             ODX_E_BAD_LENGTH);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 0, 0xFFFE, &s, NULL),
             ODX_E_BAD_LENGTH);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 2, 4, &s, NULL), ODX_E_BAD_LENGTH);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 5, 2, &s, NULL), ODX_E_BAD_OFFSET);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, SIZE_MAX, 2, &s, NULL),
             ODX_E_BAD_OFFSET);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 4, 2, &s, NULL), ODX_E_BAD_LENGTH);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 2, SIZE_MAX - 1, &s, NULL),
             ODX_E_TOO_BIG);
    CHECK_ST(odx_winparse_utf16_to_utf8(NULL, 4, 0, 2, &s, NULL), ODX_E_INVAL);
    CHECK_ST(odx_winparse_utf16_to_utf8(ascii, sizeof ascii, 0, 2, NULL, NULL), ODX_E_INVAL);

    /* Surrogates. */
    CHECK_ST(conv(lone_high_end, sizeof lone_high_end, &s), ODX_E_BAD_UTF16);
    CHECK_ST(conv(high_then_bmp, sizeof high_then_bmp, &s), ODX_E_BAD_UTF16);
    CHECK_ST(conv(high_high, sizeof high_high, &s), ODX_E_BAD_UTF16);
    CHECK_ST(conv(lone_low, sizeof lone_low, &s), ODX_E_BAD_UTF16);
    CHECK_ST(conv(reversed, sizeof reversed, &s), ODX_E_BAD_UTF16);
    CHECK_ST(conv(pair, 2, &s), ODX_E_BAD_UTF16); /* the pair cut in half by the length */
    CHECK_ST(odx_winparse_utf16_to_utf8(pair, sizeof pair, 2, 2, &s, NULL), ODX_E_BAD_UTF16);
    CHECK_ST(conv(high_then_nul, sizeof high_then_nul, &s), ODX_E_BAD_UTF16);

    /* NUL policy: trailing NULs dropped, interior NUL rejected. */
    CHECK_ST(conv(inner_nul, sizeof inner_nul, &s), ODX_E_EMBEDDED_NUL);
    CHECK(s == NULL);
    CHECK_ST(conv(trailing_nul, sizeof trailing_nul, &s), ODX_OK);
    CHECK_STR(s, "ab");
    odx_free(s);
    CHECK_ST(conv(only_nul, sizeof only_nul, &s), ODX_OK);
    CHECK_STR(s, "");
    odx_free(s);

    /* Out of memory, for the empty and the non-empty case. */
    odx_alloc_fail_after(0);
    CHECK_ST(conv(ascii, sizeof ascii, &s), ODX_E_NOMEM);
    CHECK(s == NULL);
    CHECK_ST(conv(ascii, 0, &s), ODX_E_NOMEM);
    odx_alloc_fail_after(-1);
}

/* ---- Walker ------------------------------------------------------------------------ */

static void test_walk(void)
{
    struct fixture fx = load("filters.hex");
    struct odx_winparse_walk w;
    struct odx_winparse_entry e;
    uint8_t *b = dup_bytes(&fx);
    size_t count;

    CHECK_U64(fx.len, 120);
    odx_winparse_walk_init(&w, fx.data, fx.len, ODX_WINPARSE_FILTER_SIZE);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_OK);
    CHECK_U64(e.offset, 0);
    CHECK_U64(e.length, 64);
    CHECK(e.aligned);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_OK);
    CHECK_U64(e.offset, 64);
    CHECK_U64(e.length, 56);
    CHECK(e.aligned);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_NOT_FOUND);
    CHECK_U64(e.length, 0);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_NOT_FOUND); /* stays ended */

    /* Empty buffer, one byte, a truncated fixed part. */
    CHECK_ST(decode_chain(REC_FILTER, fx.data, 0, &count), ODX_E_EMPTY);
    CHECK_ST(decode_chain(REC_FILTER, NULL, 0, &count), ODX_E_EMPTY);
    CHECK_ST(decode_chain(REC_FILTER, fx.data, 1, &count), ODX_E_TRUNCATED);
    CHECK_ST(decode_chain(REC_FILTER, fx.data, 27, &count), ODX_E_TRUNCATED);
    CHECK_ST(decode_chain(REC_VOLUME, fx.data, 17, &count), ODX_E_TRUNCATED);
    CHECK_ST(decode_chain(REC_INSTANCE, fx.data, 35, &count), ODX_E_TRUNCATED);
    /* Second entry's fixed part cut: the first is still yielded. */
    odx_winparse_walk_init(&w, fx.data, 64 + 27, ODX_WINPARSE_FILTER_SIZE);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_OK);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_TRUNCATED); /* sticky */

    /* NextEntryOffset smaller than the fixed part: overlaps it. */
    put32(b, 1);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_LOOP);
    put32(b, 8);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_LOOP);
    put32(b, 27);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_LOOP);
    put32(b, 64);

    /* Second entry loops back to the first (-64), or points backwards into it (-8), or to
     * the buffer start from far away (wraps to 0). */
    put32(b + 64, 0xFFFFFFC0u);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_LOOP);
    CHECK_U64(count, 1);
    put32(b + 64, 0xFFFFFFF8u);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_LOOP);
    put32(b + 64, 0xFFFFFFFFu);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_LOOP);
    /* First entry: the largest offset wraps to 0xFFFFFFFF, past the end, not back. */
    put32(b + 64, 0);
    put32(b, 0xFFFFFFFFu);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_BAD_OFFSET);

    /* Past the end, exactly at the end, and a next fixed part that does not fit. */
    put32(b, 0x1000);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_BAD_OFFSET);
    put32(b, 120);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_BAD_OFFSET);
    put32(b, 119);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_TRUNCATED);
    put32(b, 120 - 27);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_TRUNCATED);
    put32(b, 64);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_OK);
    CHECK_U64(count, 2);

    /* Misaligned entries are tolerated and flagged: entry 1 moved to offset 62. */
    {
        uint8_t m[118];
        memcpy(m, fx.data, 62);
        memcpy(m + 62, fx.data + 64, 56);
        put32(m, 62);
        odx_winparse_walk_init(&w, m, sizeof m, ODX_WINPARSE_FILTER_SIZE);
        CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_OK);
        CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_OK);
        CHECK_U64(e.offset, 62);
        CHECK(!e.aligned);
        CHECK_ST(decode_chain(REC_FILTER, m, sizeof m, &count), ODX_OK);
        CHECK_U64(count, 2);
    }

    /* Arguments. */
    odx_winparse_walk_init(&w, fx.data, fx.len, 3);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_INVAL);
    odx_winparse_walk_init(&w, NULL, 8, 4);
    CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_INVAL);
    CHECK_ST(odx_winparse_walk_next(NULL, &e), ODX_E_INVAL);
    CHECK_ST(odx_winparse_walk_next(&w, NULL), ODX_E_INVAL);

    /* Bounds: buffer size and entry count. */
    {
        size_t big = (size_t)ODX_WINPARSE_MAX_BUFFER + 1;
        uint8_t *z = calloc(big, 1);
        size_t n = (size_t)ODX_WINPARSE_MAX_ENTRIES + 1, yielded = 0;
        if (!z)
            exit(2);
        odx_winparse_walk_init(&w, z, big, 8);
        CHECK_ST(odx_winparse_walk_next(&w, &e), ODX_E_TOO_BIG);
        for (size_t i = 0; i + 1 < n; i++)
            put32(z + 8 * i, 8);
        odx_winparse_walk_init(&w, z, 8 * n, 8);
        while (odx_winparse_walk_next(&w, &e) == ODX_OK)
            yielded++;
        CHECK_U64(yielded, ODX_WINPARSE_MAX_ENTRIES);
        CHECK_ST(w.end, ODX_E_TOO_BIG);
        /* One entry fewer ends normally. */
        put32(z + 8 * (n - 2), 0);
        odx_winparse_walk_init(&w, z, 8 * (n - 1), 8);
        yielded = 0;
        while (odx_winparse_walk_next(&w, &e) == ODX_OK)
            yielded++;
        CHECK_U64(yielded, ODX_WINPARSE_MAX_ENTRIES);
        CHECK_ST(w.end, ODX_E_NOT_FOUND);
        free(z);
    }
    free(b);
    unload(&fx);
}

/* ---- FILTER_AGGREGATE_STANDARD_INFORMATION ------------------------------------------- */

static void test_filters(void)
{
    struct fixture fx = load("filters.hex");
    struct odx_winparse_filter f;
    uint8_t *b = dup_bytes(&fx);
    uint8_t *e1 = b + 64; /* the minifilter entry, 56 bytes, last */
    size_t count;

    CHECK_ST(odx_winparse_filter_decode(fx.data, 64, &f), ODX_OK);
    CHECK_INT(f.kind, ODX_WINPARSE_KIND_LEGACY);
    CHECK_U64(f.flags, 2);
    CHECK_STR(f.name, "AVLegacy");
    CHECK_STR(f.altitude, "389998.99");
    CHECK_U64(f.frame_id, 0);
    CHECK_U64(f.instance_count, 0);
    odx_winparse_filter_cleanup(&f);
    CHECK(f.name == NULL);
    odx_winparse_filter_cleanup(&f); /* twice is fine */
    odx_winparse_filter_cleanup(NULL);

    CHECK_ST(odx_winparse_filter_decode(fx.data + 64, 56, &f), ODX_OK);
    CHECK_INT(f.kind, ODX_WINPARSE_KIND_MINIFILTER);
    CHECK_STR(f.name, "WdFilter");
    CHECK_STR(f.altitude, "328010");
    CHECK_U64(f.frame_id, 0);
    CHECK_U64(f.instance_count, 5);
    odx_winparse_filter_cleanup(&f);
    CHECK_ST(decode_chain(REC_FILTER, fx.data, fx.len, &count), ODX_OK);
    CHECK_U64(count, 2);

    /* Kind bits: both, neither; other bits are tolerated. */
    put32(e1 + 4, 3);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_MALFORMED);
    CHECK(f.name == NULL);
    put32(e1 + 4, 0);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_MALFORMED);
    put32(e1 + 4, 4);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_MALFORMED);
    put32(e1 + 4, 0x80000001u);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_OK);
    CHECK_U64(f.flags, 0x80000001u);
    odx_winparse_filter_cleanup(&f);
    put32(e1 + 4, 1);

    /* Name offset out of range, inside the fixed part, at 0. */
    put16(e1 + 22, 0x1000);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_OFFSET);
    put16(e1 + 22, 57);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_OFFSET);
    put16(e1 + 22, 0xFFFF);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_OFFSET);
    put16(e1 + 22, 0);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_OFFSET);
    put16(e1 + 22, 20);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_OFFSET);
    put16(e1 + 22, 27);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_OFFSET);
    put16(e1 + 22, 28);

    /* Lengths: odd, 0xFFFF, 0xFFFE, past the end of the buffer by one unit. */
    put16(e1 + 20, 15);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_LENGTH);
    put16(e1 + 20, 0xFFFF);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_LENGTH);
    put16(e1 + 20, 0xFFFE);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_LENGTH);
    put16(e1 + 20, 16);
    put16(e1 + 24, 14); /* altitude 44 + 14 = 58 > 56: past the buffer */
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_LENGTH);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_BAD_LENGTH);
    put16(e1 + 26, 0xFFFF);
    put16(e1 + 24, 0xFFFF);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_LENGTH);
    put16(e1 + 24, 12);
    put16(e1 + 26, 44);

    /* Zero lengths: empty names whatever the offset. */
    put16(e1 + 20, 0);
    put16(e1 + 22, 0xFFFF);
    put16(e1 + 24, 0);
    put16(e1 + 26, 3);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_OK);
    CHECK_STR(f.name, "");
    CHECK_STR(f.altitude, "");
    odx_winparse_filter_cleanup(&f);
    memcpy(b, fx.data, fx.len);

    /* A name that runs past its entry into the next one (inside the buffer). */
    put16(b + 16, 22); /* legacy altitude @44, 44 + 22 = 66 > 64 */
    CHECK_ST(odx_winparse_filter_decode(b, 64, &f), ODX_E_BAD_LENGTH);
    CHECK_ST(decode_chain(REC_FILTER, b, fx.len, &count), ODX_E_BAD_LENGTH);
    CHECK_U64(count, 0);
    put16(b + 16, 18);

    /* Bad UTF-16 inside a name: unpaired high, unpaired low, embedded NUL. */
    put16(e1 + 28 + 6, 0xD800); /* 4th unit of "WdFilter" */
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_UTF16);
    put16(e1 + 28 + 6, 0xDC00);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_BAD_UTF16);
    put16(e1 + 28 + 6, 0);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, &f), ODX_E_EMBEDDED_NUL);
    memcpy(b, fx.data, fx.len);

    /* Truncated fixed part, empty, one byte, NULL. */
    CHECK_ST(odx_winparse_filter_decode(e1, 27, &f), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_filter_decode(e1, 0, &f), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_filter_decode(e1, 1, &f), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_filter_decode(NULL, 56, &f), ODX_E_INVAL);
    CHECK_ST(odx_winparse_filter_decode(e1, 56, NULL), ODX_E_INVAL);
    /* The fixed part alone is a valid record once the names are empty. */
    put16(e1 + 20, 0);
    put16(e1 + 24, 0);
    CHECK_ST(odx_winparse_filter_decode(e1, 28, &f), ODX_OK);
    odx_winparse_filter_cleanup(&f);

    free(b);
    unload(&fx);
}

/* ---- FILTER_VOLUME_STANDARD_INFORMATION --------------------------------------------- */

static void test_volumes(void)
{
    struct fixture fx = load("volumes.hex");
    struct odx_winparse_walk w;
    struct odx_winparse_entry e;
    struct odx_winparse_volume v;
    static const char *const names[] = {VOLUME3, "\\Device\\Mup", "\\Device\\HarddiskVolume5",
                                        "\\Device\\NamedPipe"};
    static const uint32_t types[] = {2, 13, 28, 25};
    uint8_t *b = dup_bytes(&fx);
    size_t i = 0, count;

    CHECK_U64(fx.len, 220);
    odx_winparse_walk_init(&w, fx.data, fx.len, ODX_WINPARSE_VOLUME_SIZE);
    while (odx_winparse_walk_next(&w, &e) == ODX_OK) {
        CHECK(i < 4);
        if (i >= 4)
            break;
        CHECK(e.aligned);
        CHECK_ST(odx_winparse_volume_decode(fx.data + e.offset, e.length, &v), ODX_OK);
        CHECK_STR(v.name, names[i]);
        CHECK_U64(v.fs_type, types[i]);
        CHECK_U64(v.frame_id, 0);
        CHECK(v.detached == (i == 2));
        CHECK_U64(v.flags, i == 2 ? 1 : 0);
        odx_winparse_volume_cleanup(&v);
        i++;
    }
    CHECK_U64(i, 4);
    CHECK_ST(w.end, ODX_E_NOT_FOUND);

    /* The FLT_FILESYSTEM_TYPE table. */
    CHECK_STR(odx_winparse_fstype_name(0), "FLT_FSTYPE_UNKNOWN");
    CHECK_STR(odx_winparse_fstype_name(2), "FLT_FSTYPE_NTFS");
    CHECK_STR(odx_winparse_fstype_display(2), "NTFS");
    CHECK_STR(odx_winparse_fstype_display(3), "FAT");
    CHECK_STR(odx_winparse_fstype_name(13), "FLT_FSTYPE_MUP");
    CHECK_STR(odx_winparse_fstype_display(13), "MUP (remote)");
    CHECK_STR(odx_winparse_fstype_display(22), "exFAT");
    CHECK_STR(odx_winparse_fstype_name(25), "FLT_FSTYPE_NPFS");
    CHECK_STR(odx_winparse_fstype_display(25), "NamedPipe");
    CHECK_STR(odx_winparse_fstype_display(26), "Mailslot");
    CHECK_STR(odx_winparse_fstype_display(27), "CSVFS");
    CHECK_STR(odx_winparse_fstype_name(28), "FLT_FSTYPE_REFS");
    CHECK_STR(odx_winparse_fstype_display(28), "ReFS");
    CHECK_STR(odx_winparse_fstype_name(30), "FLT_FSTYPE_CIMFS");
    CHECK(odx_winparse_fstype_name(31) == NULL);
    CHECK(odx_winparse_fstype_display(31) == NULL);
    CHECK(odx_winparse_fstype_name(UINT32_MAX) == NULL);
    for (uint32_t t = 0; t <= 30; t++) {
        CHECK(odx_winparse_fstype_name(t) != NULL);
        CHECK(odx_winparse_fstype_display(t) != NULL);
    }

    /* Entry 1 (\Device\Mup) is 40 bytes at 64: name 22 bytes @18. */
    {
        uint8_t *mup = b + 64;
        put32(mup + 12, 99); /* unknown file system: kept */
        CHECK_ST(odx_winparse_volume_decode(mup, 40, &v), ODX_OK);
        CHECK_U64(v.fs_type, 99);
        odx_winparse_volume_cleanup(&v);
        put16(mup + 16, 0xFFFF);
        CHECK_ST(odx_winparse_volume_decode(mup, 40, &v), ODX_E_BAD_LENGTH);
        CHECK(v.name == NULL);
        put16(mup + 16, 0xFFFE);
        CHECK_ST(odx_winparse_volume_decode(mup, 40, &v), ODX_E_BAD_LENGTH);
        put16(mup + 16, 23);
        CHECK_ST(odx_winparse_volume_decode(mup, 40, &v), ODX_E_BAD_LENGTH);
        put16(mup + 16, 24); /* 18 + 24 = 42 > 40: runs into the next entry */
        CHECK_ST(odx_winparse_volume_decode(mup, 40, &v), ODX_E_BAD_LENGTH);
        CHECK_ST(decode_chain(REC_VOLUME, b, fx.len, &count), ODX_E_BAD_LENGTH);
        CHECK_U64(count, 1);
        put16(mup + 16, 0);
        CHECK_ST(odx_winparse_volume_decode(mup, 18, &v), ODX_OK);
        CHECK_STR(v.name, "");
        odx_winparse_volume_cleanup(&v);
        CHECK_ST(odx_winparse_volume_decode(mup, 17, &v), ODX_E_TRUNCATED);
        CHECK_ST(odx_winparse_volume_decode(mup, 1, &v), ODX_E_TRUNCATED);
        CHECK_ST(odx_winparse_volume_decode(mup, 0, &v), ODX_E_TRUNCATED);
        put16(mup + 16, 22);
        put16(mup + 18 + 20, 0xD83D); /* last unit 'p' -> unpaired high surrogate */
        CHECK_ST(odx_winparse_volume_decode(mup, 40, &v), ODX_E_BAD_UTF16);
    }
    /* Last entry's name past the end of the buffer. */
    memcpy(b, fx.data, fx.len);
    CHECK_ST(decode_chain(REC_VOLUME, b, fx.len - 1, &count), ODX_E_BAD_LENGTH);
    CHECK_U64(count, 3);
    CHECK_ST(decode_chain(REC_VOLUME, b, fx.len - 2, &count), ODX_E_BAD_LENGTH);

    free(b);
    unload(&fx);
}

/* ---- INSTANCE_AGGREGATE_STANDARD_INFORMATION ----------------------------------------- */

struct want_instance {
    enum odx_winparse_kind kind;
    char *instance_name, *altitude, *volume_name, *filter_name; /* literals; char * for builders */
    uint32_t frame_id, fs_type, supported_features;
    bool detached, has_supported_features;
};

static void check_instance(const struct odx_winparse_instance *in, const struct want_instance *w)
{
    CHECK_INT(in->kind, w->kind);
    if (w->instance_name)
        CHECK_STR(in->instance_name, w->instance_name);
    else
        CHECK(in->instance_name == NULL);
    CHECK_STR(in->altitude, w->altitude);
    CHECK_STR(in->volume_name, w->volume_name);
    CHECK_STR(in->filter_name, w->filter_name);
    CHECK_U64(in->frame_id, w->frame_id);
    CHECK_U64(in->fs_type, w->fs_type);
    CHECK(in->detached == w->detached);
    CHECK(in->has_supported_features == w->has_supported_features);
    CHECK_U64(in->supported_features, w->supported_features);
}

static const struct want_instance want_instances[] = {
    {ODX_WINPARSE_KIND_MINIFILTER, SECURITE " Instance", "328010", VOLUME3, SECURITE, 0, 2, 0xF,
     false, true},
    {ODX_WINPARSE_KIND_MINIFILTER, CJK_INSTANCE, "321410.5", VOLUME3, CJK_FILTER, 0, 2, 0x3, false,
     true},
    {ODX_WINPARSE_KIND_MINIFILTER, EMOJI_INSTANCE, "180451", VOLUME3, "emojiflt", 1, 2, 0, true,
     true},
    {ODX_WINPARSE_KIND_LEGACY, NULL, "389998.99", VOLUME3, "AVLegacy", 0, 0, 0, false, true},
};

static const struct want_instance want_prewin8[] = {
    {ODX_WINPARSE_KIND_MINIFILTER, "FileInfo", "45000", "\\Device\\HarddiskVolume2", "FileInfo", 0,
     2, 0, false, false},
    {ODX_WINPARSE_KIND_LEGACY, NULL, "389998.99", "\\Device\\HarddiskVolume2", "AVLegacy", 0, 0, 0,
     false, false},
};

static void test_instances(void)
{
    struct fixture fx = load("instances.hex");
    struct fixture old = load("instances_prewin8.hex");
    struct odx_winparse_walk w;
    struct odx_winparse_entry e;
    struct odx_winparse_instance in;
    uint8_t *b = dup_bytes(&fx);
    size_t i = 0, count;
    static const size_t offsets[] = {0, 152, 272, 400};

    CHECK_U64(fx.len, 520);
    odx_winparse_walk_init(&w, fx.data, fx.len, ODX_WINPARSE_INSTANCE_SIZE_PREWIN8);
    while (odx_winparse_walk_next(&w, &e) == ODX_OK && i < 4) {
        CHECK_U64(e.offset, offsets[i]);
        CHECK_ST(odx_winparse_instance_decode(fx.data + e.offset, e.length, &in), ODX_OK);
        check_instance(&in, &want_instances[i]);
        odx_winparse_instance_cleanup(&in);
        i++;
    }
    CHECK_U64(i, 4);

    /* Pre-Windows 8: 36-byte fixed part, no SupportedFeatures. */
    CHECK_U64(old.len, 244);
    i = 0;
    odx_winparse_walk_init(&w, old.data, old.len, ODX_WINPARSE_INSTANCE_SIZE_PREWIN8);
    while (odx_winparse_walk_next(&w, &e) == ODX_OK && i < 2) {
        CHECK_ST(odx_winparse_instance_decode(old.data + e.offset, e.length, &in), ODX_OK);
        check_instance(&in, &want_prewin8[i]);
        odx_winparse_instance_cleanup(&in);
        i++;
    }
    CHECK_U64(i, 2);

    /* Layout detection with empty names: 36 bytes -> absent, 40 bytes -> present. */
    {
        uint8_t r[40] = {0};
        put32(r + 4, 1);
        put32(r + 36, 0xB);
        CHECK_ST(odx_winparse_instance_decode(r, 36, &in), ODX_OK);
        CHECK(!in.has_supported_features);
        CHECK_U64(in.supported_features, 0);
        CHECK_STR(in.instance_name, "");
        odx_winparse_instance_cleanup(&in);
        CHECK_ST(odx_winparse_instance_decode(r, 40, &in), ODX_OK);
        CHECK(in.has_supported_features);
        CHECK_U64(in.supported_features, 0xB);
        odx_winparse_instance_cleanup(&in);
        put32(r + 4, 2); /* legacy: SupportedFeatures @24 */
        put32(r + 24, 0x3);
        CHECK_ST(odx_winparse_instance_decode(r, 40, &in), ODX_OK);
        CHECK(in.has_supported_features);
        CHECK_U64(in.supported_features, 0x3);
        CHECK(in.instance_name == NULL);
        odx_winparse_instance_cleanup(&in);
        CHECK_ST(odx_winparse_instance_decode(r, 39, &in), ODX_OK);
        CHECK(!in.has_supported_features);
        odx_winparse_instance_cleanup(&in);
        CHECK_ST(odx_winparse_instance_decode(r, 35, &in), ODX_E_TRUNCATED);
        CHECK_ST(odx_winparse_instance_decode(r, 1, &in), ODX_E_TRUNCATED);
        CHECK_ST(odx_winparse_instance_decode(r, 0, &in), ODX_E_TRUNCATED);
    }

    /* Entry 3 (legacy, last, 120 bytes at 400) and entry 0 (minifilter, 152 bytes). */
    {
        uint8_t *lg = b + 400, *mf = b;
        put32(lg + 4, 3);
        CHECK_ST(odx_winparse_instance_decode(lg, 120, &in), ODX_E_MALFORMED);
        put32(lg + 4, 0);
        CHECK_ST(odx_winparse_instance_decode(lg, 120, &in), ODX_E_MALFORMED);
        put32(lg + 4, 2);
        put32(lg + 8, 1); /* FLTFL_IASIL_DETACHED_VOLUME */
        CHECK_ST(odx_winparse_instance_decode(lg, 120, &in), ODX_OK);
        CHECK(in.detached);
        odx_winparse_instance_cleanup(&in);
        /* Filter name (@104, 16 bytes) cut by the end of the buffer. */
        CHECK_ST(odx_winparse_instance_decode(lg, 119, &in), ODX_E_BAD_LENGTH);
        CHECK_ST(decode_chain(REC_INSTANCE, b, fx.len - 2, &count), ODX_E_BAD_LENGTH);
        CHECK_U64(count, 3);
        put16(lg + 20, 0xFFFF);
        CHECK_ST(odx_winparse_instance_decode(lg, 120, &in), ODX_E_BAD_LENGTH);
        put16(lg + 20, 16);
        put16(lg + 22, 0x7FFF);
        CHECK_ST(odx_winparse_instance_decode(lg, 120, &in), ODX_E_BAD_OFFSET);
        put16(lg + 22, 104);

        /* Instance name offset inside the fixed part, at 0, beyond the entry. */
        put16(mf + 22, 0);
        CHECK_ST(odx_winparse_instance_decode(mf, 152, &in), ODX_E_BAD_OFFSET);
        CHECK(in.altitude == NULL);
        put16(mf + 22, 30);
        CHECK_ST(odx_winparse_instance_decode(mf, 152, &in), ODX_E_BAD_OFFSET);
        put16(mf + 22, 153);
        CHECK_ST(odx_winparse_instance_decode(mf, 152, &in), ODX_E_BAD_OFFSET);
        /* A name starting at 36..39 means the 36-byte layout: the name then covers the
         * bytes that would have been SupportedFeatures. */
        put32(mf + 36, 0x00420041u); /* "AB" */
        put16(mf + 22, 36);
        CHECK_ST(odx_winparse_instance_decode(mf, 152, &in), ODX_OK);
        CHECK(!in.has_supported_features);
        CHECK_STR(in.instance_name, "AB" SECURITE " Instan");
        odx_winparse_instance_cleanup(&in);
        put16(mf + 22, 40);
        put32(mf + 36, 0xF);
        /* Volume name runs past the entry into the next one. */
        put16(mf + 28, 200);
        CHECK_ST(odx_winparse_instance_decode(mf, 152, &in), ODX_E_BAD_LENGTH);
        CHECK_ST(decode_chain(REC_INSTANCE, b, fx.len, &count), ODX_E_BAD_LENGTH);
        put16(mf + 28, 45);
        CHECK_ST(odx_winparse_instance_decode(mf, 152, &in), ODX_E_BAD_LENGTH);
        put16(mf + 28, 46);
        /* Surrogate pair of entry 2 (U+1F600 @40+10) with its low half replaced. */
        put16(b + 272 + 40 + 12, 'x');
        CHECK_ST(odx_winparse_instance_decode(b + 272, 128, &in), ODX_E_BAD_UTF16);
        put16(b + 272 + 40 + 12, 0xDE00);
        put16(b + 272 + 40 + 10, 'x'); /* now a lone low surrogate */
        CHECK_ST(odx_winparse_instance_decode(b + 272, 128, &in), ODX_E_BAD_UTF16);
    }
    memcpy(b, fx.data, fx.len);
    CHECK_ST(decode_chain(REC_INSTANCE, b, fx.len, &count), ODX_OK);
    CHECK_U64(count, 4);

    free(b);
    unload(&old);
    unload(&fx);
}

/* Allocation N fails, for every N: each decode reports ODX_E_NOMEM with nothing to free
 * (LeakSanitizer checks the rest), until one succeeds. */
static void test_alloc_failures(void)
{
    struct fixture fx = load("instances.hex");
    struct fixture fl = load("filters.hex");
    struct fixture vl = load("volumes.hex");
    long n;

    for (n = 0;; n++) {
        struct odx_winparse_instance in;
        enum odx_status st;
        odx_alloc_fail_after(n);
        st = odx_winparse_instance_decode(fx.data, 152, &in);
        odx_alloc_fail_after(-1);
        if (st == ODX_OK) {
            odx_winparse_instance_cleanup(&in);
            break;
        }
        CHECK_ST(st, ODX_E_NOMEM);
        CHECK(in.instance_name == NULL && in.altitude == NULL && in.volume_name == NULL);
        if (n > 10)
            break;
    }
    CHECK_INT(n, 4);
    for (n = 0;; n++) {
        struct odx_winparse_filter f;
        enum odx_status st;
        odx_alloc_fail_after(n);
        st = odx_winparse_filter_decode(fl.data, 64, &f);
        odx_alloc_fail_after(-1);
        if (st == ODX_OK) {
            odx_winparse_filter_cleanup(&f);
            break;
        }
        CHECK_ST(st, ODX_E_NOMEM);
        CHECK(f.name == NULL);
        if (n > 10)
            break;
    }
    CHECK_INT(n, 2);
    {
        struct odx_winparse_volume v;
        odx_alloc_fail_after(0);
        CHECK_ST(odx_winparse_volume_decode(vl.data, 64, &v), ODX_E_NOMEM);
        odx_alloc_fail_after(-1);
        CHECK(v.name == NULL);
    }
    unload(&vl);
    unload(&fl);
    unload(&fx);
}

/* ---- Descriptor, tokens, FSCTL structures ------------------------------------------- */

static void test_descriptor(void)
{
    struct fixture fx = load("copy_offload_desc.hex");
    struct odx_winparse_copy_offload_desc d;
    uint8_t b[64] = {0};
    size_t written = 7;

    CHECK_U64(fx.len, 48);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(fx.data, fx.len, &d), ODX_OK);
    CHECK_U64(d.version, 48);
    CHECK_U64(d.size, 48);
    CHECK_U64(d.max_token_lifetime_s, 300);
    CHECK_U64(d.default_token_lifetime_s, 30);
    CHECK_U64(d.max_transfer_size, 256u << 20);
    CHECK_U64(d.optimal_transfer_count, 64u << 20);
    CHECK_U64(d.max_data_descriptors, 64);
    CHECK_U64(d.max_transfer_length_per_desc, 0x20000);
    CHECK_U64(d.optimal_transfer_length_per_desc, 0x8000);
    CHECK_U64(d.optimal_transfer_granularity, 8);

    CHECK_ST(odx_winparse_copy_offload_desc_encode(b, sizeof b, &d, &written), ODX_OK);
    CHECK_U64(written, 48);
    CHECK_BYTES(b, fx.data, 48);
    CHECK_ST(odx_winparse_copy_offload_desc_encode(b, 47, &d, &written), ODX_E_TOO_BIG);
    CHECK_U64(written, 0);

    /* Errors: short byte count, Version or Size below 48. */
    CHECK_ST(odx_winparse_copy_offload_desc_decode(fx.data, 47, &d), ODX_E_TRUNCATED);
    CHECK_U64(d.version, 0);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(fx.data, 8, &d), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(fx.data, 1, &d), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(fx.data, 0, &d), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(NULL, 48, &d), ODX_E_INVAL);
    memcpy(b, fx.data, 48);
    put32(b, 40);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(b, 48, &d), ODX_E_MALFORMED);
    put32(b, 0);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(b, 48, &d), ODX_E_MALFORMED);
    put32(b, 48);
    put32(b + 4, 8);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(b, 48, &d), ODX_E_MALFORMED);
    /* Tolerated: a larger Version/Size than the bytes we have, Size != Version, extra bytes,
     * non-zero Reserved. */
    put32(b, 56);
    put32(b + 4, 64);
    b[46] = 0xAA;
    CHECK_ST(odx_winparse_copy_offload_desc_decode(b, 48, &d), ODX_OK);
    CHECK_U64(d.version, 56);
    CHECK_U64(d.size, 64);
    CHECK_ST(odx_winparse_copy_offload_desc_decode(b, 64, &d), ODX_OK);
    CHECK_U64(d.max_token_lifetime_s, 300);
    unload(&fx);
}

static void test_read_output(void)
{
    struct fixture zero = load("read_output_zero.hex");
    struct fixture vendor = load("read_output_vendor.hex");
    struct odx_winparse_read_output ro;
    struct odx_winparse_token t;
    uint8_t b[ODX_WINPARSE_READ_OUTPUT_SIZE + 8];
    uint8_t tok[ODX_WINPARSE_TOKEN_SIZE];
    size_t written;

    CHECK_U64(zero.len, 528);
    CHECK_ST(odx_winparse_read_output_decode(zero.data, zero.len, &ro), ODX_OK);
    CHECK_U64(ro.size, 528);
    CHECK_U64(ro.flags, 1);
    CHECK(ro.all_zero_beyond);
    CHECK_U64(ro.transfer_length, 1u << 20);
    CHECK_ST(odx_winparse_token_inspect(ro.token, sizeof ro.token, &t), ODX_OK);
    CHECK_U64(t.token_type, ODX_WINPARSE_TOKEN_TYPE_ZERO_DATA);
    CHECK_U64(t.token_id_length, ODX_WINPARSE_TOKEN_ID_LENGTH);
    CHECK(t.is_zero_data);
    CHECK(t.rest_zero);
    CHECK_ST(odx_winparse_token_make_zero(tok, sizeof tok), ODX_OK);
    CHECK_BYTES(tok, zero.data + 16, 512);
    CHECK_ST(odx_winparse_token_make_zero(tok, 511), ODX_E_TOO_BIG);
    CHECK_ST(odx_winparse_token_make_zero(NULL, 512), ODX_E_INVAL);
    CHECK_ST(odx_winparse_read_output_encode(b, sizeof b, &ro, &written), ODX_OK);
    CHECK_U64(written, 528);
    CHECK_BYTES(b, zero.data, 528);

    CHECK_ST(odx_winparse_read_output_decode(vendor.data, vendor.len, &ro), ODX_OK);
    CHECK_U64(ro.flags, 0);
    CHECK(!ro.all_zero_beyond);
    CHECK_U64(ro.transfer_length, 64u << 20);
    CHECK_ST(odx_winparse_token_inspect(ro.token, sizeof ro.token, &t), ODX_OK);
    CHECK_U64(t.token_type, 0x00010000u);
    CHECK_U64(t.token_id_length, 0x1F8);
    CHECK(!t.is_zero_data);
    CHECK(!t.rest_zero);
    CHECK_ST(odx_winparse_read_output_encode(b, sizeof b, &ro, &written), ODX_OK);
    CHECK_BYTES(b, vendor.data, 528);
    CHECK_ST(odx_winparse_read_output_encode(b, 527, &ro, &written), ODX_E_TOO_BIG);

    /* Flag 2 is what one doc page wrongly calls ALL_ZERO_BEYOND_CURRENT_RANGE. */
    memcpy(b, zero.data, 528);
    put32(b + 4, 2);
    CHECK_ST(odx_winparse_read_output_decode(b, 528, &ro), ODX_OK);
    CHECK(!ro.all_zero_beyond);
    /* Size is reported, not judged; extra bytes are ignored. */
    put32(b, 16);
    CHECK_ST(odx_winparse_read_output_decode(b, sizeof b, &ro), ODX_OK);
    CHECK_U64(ro.size, 16);
    CHECK_ST(odx_winparse_read_output_decode(zero.data, 527, &ro), ODX_E_TRUNCATED);
    CHECK_U64(ro.transfer_length, 0);
    CHECK_ST(odx_winparse_read_output_decode(zero.data, 16, &ro), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_read_output_decode(zero.data, 0, &ro), ODX_E_TRUNCATED);

    /* Zero-token header with a non-zero body: IS_ZERO_TOKEN still says yes. */
    memcpy(tok, zero.data + 16, 512);
    tok[300] = 1;
    CHECK_ST(odx_winparse_token_inspect(tok, sizeof tok, &t), ODX_OK);
    CHECK(t.is_zero_data);
    CHECK(!t.rest_zero);
    tok[300] = 0;
    tok[4] = 1; /* Reserved */
    CHECK_ST(odx_winparse_token_inspect(tok, sizeof tok, &t), ODX_OK);
    CHECK(t.is_zero_data);
    CHECK(!t.rest_zero);
    tok[4] = 0;
    tok[7] = 0xF7; /* TokenIdLength 0x01F7 */
    CHECK_ST(odx_winparse_token_inspect(tok, sizeof tok, &t), ODX_OK);
    CHECK(!t.is_zero_data);
    CHECK_U64(t.token_id_length, 0x1F7);
    CHECK_ST(odx_winparse_token_inspect(tok, 511, &t), ODX_E_TRUNCATED);
    CHECK(!t.is_zero_data);
    CHECK_ST(odx_winparse_token_inspect(NULL, 512, &t), ODX_E_INVAL);

    unload(&vendor);
    unload(&zero);
}

static void test_inputs_and_write_output(void)
{
    struct fixture ri = load("read_input.hex");
    struct fixture wi = load("write_input_zero.hex");
    struct fixture wo = load("write_output.hex");
    struct fixture pq = load("property_query.hex");
    struct odx_winparse_read_input rin = {0, 0, 0, 64u << 10, 1u << 20};
    struct odx_winparse_read_input rback;
    struct odx_winparse_write_input win, wback;
    struct odx_winparse_write_output wout;
    uint8_t b[ODX_WINPARSE_WRITE_INPUT_SIZE];
    size_t written = 1;

    CHECK_ST(odx_winparse_read_input_encode(b, sizeof b, &rin, &written), ODX_OK);
    CHECK_U64(written, 32);
    CHECK_U64(ri.len, 32);
    CHECK_BYTES(b, ri.data, 32);
    CHECK_ST(odx_winparse_read_input_decode(b, 32, &rback), ODX_OK);
    CHECK_U64(rback.size, 32);
    CHECK_U64(rback.file_offset, 65536);
    CHECK_U64(rback.copy_length, 1u << 20);
    CHECK_U64(rback.token_ttl_ms, 0);
    CHECK_ST(odx_winparse_read_input_decode(b, 31, &rback), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_read_input_encode(b, 31, &rin, &written), ODX_E_TOO_BIG);
    CHECK_U64(written, 0);
    rin.file_offset = UINT64_MAX - 4095;
    rin.copy_length = 4096;
    CHECK_ST(odx_winparse_read_input_encode(b, sizeof b, &rin, &written), ODX_E_RANGE);
    rin.copy_length = 4095;
    CHECK_ST(odx_winparse_read_input_encode(b, sizeof b, &rin, NULL), ODX_OK);
    CHECK_ST(odx_winparse_read_input_encode(NULL, 32, &rin, NULL), ODX_E_INVAL);

    memset(&win, 0, sizeof win);
    win.copy_length = 1u << 20;
    CHECK_ST(odx_winparse_token_make_zero(win.token, sizeof win.token), ODX_OK);
    CHECK_ST(odx_winparse_write_input_encode(b, sizeof b, &win, &written), ODX_OK);
    CHECK_U64(written, 544);
    CHECK_U64(wi.len, 544);
    CHECK_BYTES(b, wi.data, 544);
    CHECK_ST(odx_winparse_write_input_decode(wi.data, wi.len, &wback), ODX_OK);
    CHECK_U64(wback.size, 544);
    CHECK_U64(wback.copy_length, 1u << 20);
    CHECK_BYTES(wback.token, win.token, 512);
    CHECK_ST(odx_winparse_write_input_decode(wi.data, 543, &wback), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_write_input_encode(b, 543, &win, &written), ODX_E_TOO_BIG);
    win.transfer_offset = UINT64_MAX;
    CHECK_ST(odx_winparse_write_input_encode(b, sizeof b, &win, &written), ODX_E_RANGE);
    win.transfer_offset = 0;
    win.file_offset = UINT64_MAX;
    CHECK_ST(odx_winparse_write_input_encode(b, sizeof b, &win, &written), ODX_E_RANGE);

    CHECK_U64(wo.len, 16);
    CHECK_ST(odx_winparse_write_output_decode(wo.data, wo.len, &wout), ODX_OK);
    CHECK_U64(wout.size, 16);
    CHECK_U64(wout.flags, 0);
    CHECK_U64(wout.length_written, 1u << 20);
    CHECK_ST(odx_winparse_write_output_encode(b, sizeof b, &wout, &written), ODX_OK);
    CHECK_BYTES(b, wo.data, 16);
    CHECK_ST(odx_winparse_write_output_decode(wo.data, 15, &wout), ODX_E_TRUNCATED);
    CHECK_U64(wout.length_written, 0);
    CHECK_ST(odx_winparse_write_output_decode(wo.data, 1, &wout), ODX_E_TRUNCATED);
    CHECK_ST(odx_winparse_write_output_encode(b, 15, &wout, &written), ODX_E_TOO_BIG);

    memset(b, 0xEE, sizeof b);
    CHECK_ST(odx_winparse_property_query_encode(b, sizeof b, &written), ODX_OK);
    CHECK_U64(written, 12);
    CHECK_U64(pq.len, 12);
    CHECK_BYTES(b, pq.data, 12);
    CHECK_ST(odx_winparse_property_query_encode(b, 11, &written), ODX_E_TOO_BIG);
    CHECK_ST(odx_winparse_property_query_encode(NULL, 12, &written), ODX_E_INVAL);

    unload(&pq);
    unload(&wo);
    unload(&wi);
    unload(&ri);
}

/* ---- Builders: byte-exact against the hand-written fixtures ------------------------------ */

static void test_builders(void)
{
    struct fixture ff = load("filters.hex");
    struct fixture vf = load("volumes.hex");
    struct fixture inf = load("instances.hex");
    struct fixture old = load("instances_prewin8.hex");
    static uint8_t buf[1024];
    struct odx_winparse_builder b;
    struct odx_winparse_filter legacy = {
        ODX_WINPARSE_KIND_LEGACY, 0, 0, 0, 0, "AVLegacy", "389998.99"};
    struct odx_winparse_filter mini = {
        ODX_WINPARSE_KIND_MINIFILTER, 0, 0, 0, 5, "WdFilter", "328010"};
    struct odx_winparse_volume vols[] = {
        {0, false, 0, 2, VOLUME3},
        {0, false, 0, 13, "\\Device\\Mup"},
        {0, true, 0, 28, "\\Device\\HarddiskVolume5"},
        {0, false, 0, 25, "\\Device\\NamedPipe"},
    };
    size_t before;

    memset(buf, 0xCC, sizeof buf);
    odx_winparse_builder_init(&b, buf, sizeof buf);
    CHECK_ST(odx_winparse_build_filter(&b, &legacy), ODX_OK);
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_OK);
    CHECK_U64(b.used, ff.len);
    CHECK_BYTES(buf, ff.data, ff.len);

    memset(buf, 0xCC, sizeof buf);
    odx_winparse_builder_init(&b, buf, sizeof buf);
    for (size_t i = 0; i < 4; i++)
        CHECK_ST(odx_winparse_build_volume(&b, &vols[i]), ODX_OK);
    CHECK_U64(b.used, vf.len);
    CHECK_BYTES(buf, vf.data, vf.len);

    memset(buf, 0xCC, sizeof buf);
    odx_winparse_builder_init(&b, buf, sizeof buf);
    for (size_t i = 0; i < 4; i++) {
        const struct want_instance *w = &want_instances[i];
        struct odx_winparse_instance in = {
            .kind = w->kind,
            .detached = w->detached,
            .frame_id = w->frame_id,
            .fs_type = w->fs_type,
            .has_supported_features = w->has_supported_features,
            .supported_features = w->supported_features,
            .instance_name = w->instance_name,
            .altitude = w->altitude,
            .volume_name = w->volume_name,
            .filter_name = w->filter_name,
        };
        CHECK_ST(odx_winparse_build_instance(&b, &in), ODX_OK);
    }
    CHECK_U64(b.used, inf.len);
    CHECK_BYTES(buf, inf.data, inf.len);

    memset(buf, 0xCC, sizeof buf);
    odx_winparse_builder_init(&b, buf, sizeof buf);
    for (size_t i = 0; i < 2; i++) {
        const struct want_instance *w = &want_prewin8[i];
        struct odx_winparse_instance in = {
            .kind = w->kind,
            .fs_type = w->fs_type,
            .instance_name = w->instance_name,
            .altitude = w->altitude,
            .volume_name = w->volume_name,
            .filter_name = w->filter_name,
        };
        CHECK_ST(odx_winparse_build_instance(&b, &in), ODX_OK);
    }
    CHECK_U64(b.used, old.len);
    CHECK_BYTES(buf, old.data, old.len);

    /* Failures leave the builder and earlier entries alone. */
    odx_winparse_builder_init(&b, buf, 100);
    CHECK_ST(odx_winparse_build_filter(&b, &legacy), ODX_OK);
    before = b.used;
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_TOO_BIG); /* needs 64 + 56 */
    CHECK_U64(b.used, before);
    CHECK_U64(b.count, 1);
    CHECK_U64(buf[0], 0); /* NextEntryOffset still 0 */
    mini.name = "bad\xC3";
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_BAD_UTF8);
    mini.name = "\xED\xA0\x80"; /* UTF-8 of a surrogate */
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_BAD_UTF8);
    mini.name = "\xC0\xAF"; /* overlong */
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_BAD_UTF8);
    mini.name = "\xF4\x90\x80\x80"; /* above U+10FFFF */
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_BAD_UTF8);
    mini.name = NULL; /* empty */
    mini.altitude = NULL;
    mini.kind = (enum odx_winparse_kind)0;
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_INVAL);
    mini.kind = ODX_WINPARSE_KIND_MINIFILTER;
    CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_OK); /* 64 + 28 <= 100 */
    CHECK_U64(b.used, 92);
    CHECK_U64(b.count, 2);
    CHECK_U64(buf[0], 64);
    {
        struct odx_winparse_filter f;
        CHECK_ST(odx_winparse_filter_decode(buf + 64, 28, &f), ODX_OK);
        CHECK_STR(f.name, "");
        CHECK_STR(f.altitude, "");
        odx_winparse_filter_cleanup(&f);
    }
    /* A name too long for a USHORT length. */
    {
        size_t n = 32768;
        char *longname = malloc(n + 1);
        static uint8_t big[70000];
        if (!longname)
            exit(2);
        memset(longname, 'a', n);
        longname[n] = '\0';
        mini.name = longname;
        odx_winparse_builder_init(&b, big, sizeof big);
        CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_RANGE);
        longname[n - 1] = '\0'; /* 32767 units = 65534 bytes: fits */
        CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_OK);
        /* ... but then the altitude would start past offset 65535. */
        mini.altitude = "1";
        odx_winparse_builder_init(&b, big, sizeof big);
        CHECK_ST(odx_winparse_build_filter(&b, &mini), ODX_E_RANGE);
        CHECK_U64(b.count, 0);
        free(longname);
    }
    CHECK_ST(odx_winparse_build_filter(NULL, &legacy), ODX_E_INVAL);
    CHECK_ST(odx_winparse_build_volume(&b, NULL), ODX_E_INVAL);

    unload(&old);
    unload(&inf);
    unload(&vf);
    unload(&ff);
}

/* ---- Robustness sweep ------------------------------------------------------------------- */

/* Every truncation and every byte replaced by a few values: a decoder may fail, but only with a
 * decoder status, and must never touch memory outside the buffer (ASan) or crash. */
static void sweep(const char *name, enum rec r)
{
    struct fixture fx = load(name);
    static const uint8_t values[] = {0x00, 0x01, 0x7F, 0x80, 0xD8, 0xDC, 0xFF};
    size_t count;

    for (size_t len = 0; len <= fx.len; len++) {
        /* A heap copy of exactly len bytes, so ASan sees any over-read. */
        uint8_t *p = malloc(len ? len : 1);
        enum odx_status st;
        if (!p)
            exit(2);
        memcpy(p, fx.data, len);
        st = decode_chain(r, p, len, &count);
        CHECK(st != ODX_E_RANGE && st != ODX_E_NOMEM && st != ODX_E_INVAL);
        free(p);
    }
    for (size_t i = 0; i < fx.len; i++) {
        for (size_t k = 0; k < sizeof values; k++) {
            uint8_t *p = malloc(fx.len);
            enum odx_status st;
            if (!p)
                exit(2);
            memcpy(p, fx.data, fx.len);
            p[i] = values[k];
            st = decode_chain(r, p, fx.len, &count);
            CHECK(st != ODX_E_RANGE && st != ODX_E_NOMEM && st != ODX_E_INVAL);
            free(p);
        }
    }
    unload(&fx);
}

int main(void)
{
    test_utf16();
    test_walk();
    test_filters();
    test_volumes();
    test_instances();
    test_alloc_failures();
    test_descriptor();
    test_read_output();
    test_inputs_and_write_output();
    test_builders();
    sweep("filters.hex", REC_FILTER);
    sweep("volumes.hex", REC_VOLUME);
    sweep("instances.hex", REC_INSTANCE);
    sweep("instances_prewin8.hex", REC_INSTANCE);
    CHECK_DONE();
}
