/*
 * libFuzzer target for the Windows buffer decoders (odx/winparse.h).
 *
 * The first input byte selects a decoder (modulo the number of targets), the
 * rest is the buffer it gets. Besides "no crash, no out-of-bounds read, no
 * leak", the target checks properties that must hold for any input: a
 * walker entry lies inside the buffer, and every record that decodes is
 * rebuilt by the encoders and decodes again to the same values.
 *
 * Fuzz (clang; from the source tree):
 *
 *   clang -std=c11 -g -O1 -fsanitize=fuzzer,address,undefined \
 *       -fno-sanitize-recover=all -Iinclude \
 *       src/core/winparse.c src/core/alloc.c src/core/status.c \
 *       tests/fuzz/fuzz_winparse.c -o fuzz_winparse
 *   mkdir -p fuzz-out
 *   ./fuzz_winparse -dict=tests/fuzz/winparse.dict -max_total_time=300 \
 *       fuzz-out tests/fuzz/corpus/winparse
 *
 * New inputs go to fuzz-out. Copy crashers (crash-*) into
 * tests/fuzz/corpus/winparse as crash-<target>-<what>, and inputs that add
 * coverage (./fuzz_winparse -merge=1 -use_counters=0 DIR fuzz-out) as
 * found-<target>-<hash>; seed-* files come from make_winparse_corpus.py.
 * CTest replays that corpus with a plain main (fuzz_main.c), any compiler.
 */
#include "odx/alloc.h"
#include "odx/winparse.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

enum target {
    T_FILTERS,
    T_VOLUMES,
    T_INSTANCES,
    T_UTF16,
    T_DESCRIPTOR,
    T_READ_OUTPUT,
    T_WRITE_OUTPUT,
    T_TOKEN,
    T_READ_INPUT,
    T_WRITE_INPUT,
    T_COUNT
};

/* Room for any rebuilt record: a fixed part and four names of at most 65534 bytes. */
static uint8_t rebuilt[64 + 4 * 65536];

static void require(int cond)
{
    if (!cond)
        abort();
}

static int same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

/* Length of the one entry a builder wrote into `rebuilt`, or 0 when the builder legitimately
 * could not encode it (names pushed past offset 65535). */
static size_t rebuilt_len(enum odx_status st, const struct odx_winparse_builder *b)
{
    if (st == ODX_E_RANGE)
        return 0;
    require(st == ODX_OK);
    require(b->count == 1);
    return b->used;
}

static void check_filter(const uint8_t *p, size_t len)
{
    struct odx_winparse_filter f, g;
    struct odx_winparse_builder b;
    size_t n;

    if (odx_winparse_filter_decode(p, len, &f) != ODX_OK)
        return;
    require(f.name && f.altitude);
    odx_winparse_builder_init(&b, rebuilt, sizeof rebuilt);
    n = rebuilt_len(odx_winparse_build_filter(&b, &f), &b);
    if (n) {
        require(odx_winparse_filter_decode(rebuilt, n, &g) == ODX_OK);
        require(g.kind == f.kind && g.flags == f.flags && g.arm_flags == f.arm_flags);
        require(g.frame_id == f.frame_id && g.instance_count == f.instance_count);
        require(same_str(g.name, f.name) && same_str(g.altitude, f.altitude));
        odx_winparse_filter_cleanup(&g);
    }
    odx_winparse_filter_cleanup(&f);
}

static void check_volume(const uint8_t *p, size_t len)
{
    struct odx_winparse_volume v, w;
    struct odx_winparse_builder b;
    size_t n;

    if (odx_winparse_volume_decode(p, len, &v) != ODX_OK)
        return;
    require(v.name != NULL);
    odx_winparse_builder_init(&b, rebuilt, sizeof rebuilt);
    n = rebuilt_len(odx_winparse_build_volume(&b, &v), &b);
    if (n) {
        require(odx_winparse_volume_decode(rebuilt, n, &w) == ODX_OK);
        require(w.flags == v.flags && w.detached == v.detached && w.frame_id == v.frame_id);
        require(w.fs_type == v.fs_type && same_str(w.name, v.name));
        odx_winparse_volume_cleanup(&w);
    }
    odx_winparse_volume_cleanup(&v);
}

static void check_instance(const uint8_t *p, size_t len)
{
    struct odx_winparse_instance a, c;
    struct odx_winparse_builder b;
    size_t n;

    if (odx_winparse_instance_decode(p, len, &a) != ODX_OK)
        return;
    require(a.altitude && a.volume_name && a.filter_name);
    require((a.instance_name != NULL) == (a.kind == ODX_WINPARSE_KIND_MINIFILTER));
    odx_winparse_builder_init(&b, rebuilt, sizeof rebuilt);
    n = rebuilt_len(odx_winparse_build_instance(&b, &a), &b);
    if (n) {
        require(odx_winparse_instance_decode(rebuilt, n, &c) == ODX_OK);
        require(c.kind == a.kind && c.flags == a.flags && c.arm_flags == a.arm_flags);
        require(c.detached == a.detached && c.frame_id == a.frame_id && c.fs_type == a.fs_type);
        require(c.has_supported_features == a.has_supported_features);
        require(c.supported_features == a.supported_features);
        require(same_str(c.instance_name, a.instance_name) && same_str(c.altitude, a.altitude));
        require(same_str(c.volume_name, a.volume_name) && same_str(c.filter_name, a.filter_name));
        odx_winparse_instance_cleanup(&c);
    }
    odx_winparse_instance_cleanup(&a);
}

static void chain(const uint8_t *p, size_t len, size_t fixed,
                  void (*check)(const uint8_t *, size_t))
{
    struct odx_winparse_walk w;
    struct odx_winparse_entry e;
    enum odx_status st;

    odx_winparse_walk_init(&w, p, len, fixed);
    while ((st = odx_winparse_walk_next(&w, &e)) == ODX_OK) {
        require(e.offset < len && e.length <= len - e.offset && e.length >= fixed);
        check(p + e.offset, e.length);
    }
    require(st != ODX_E_INVAL);
    require(odx_winparse_walk_next(&w, &e) == st); /* the end is sticky */
    /* The whole input as one record, too. */
    check(p, len);
}

static void utf16(const uint8_t *p, size_t len)
{
    char *s = NULL;
    size_t n = 0;

    if (odx_winparse_utf16_to_utf8(p, len, 0, len & ~(size_t)1, &s, &n) == ODX_OK) {
        require(s && strlen(s) == n);
        odx_free(s);
    }
    if (len >= 4) {
        size_t off = (size_t)p[0] | ((size_t)p[1] << 8);
        size_t blen = (size_t)p[2] | ((size_t)p[3] << 8);
        if (odx_winparse_utf16_to_utf8(p, len, off, blen, &s, &n) == ODX_OK) {
            require(s && strlen(s) == n && n <= blen * 3 / 2);
            odx_free(s);
        } else {
            require(s == NULL);
        }
    }
}

static void fixed_structs(enum target t, const uint8_t *p, size_t len)
{
    static uint8_t out[ODX_WINPARSE_WRITE_INPUT_SIZE];
    size_t written;

    switch (t) {
    case T_DESCRIPTOR: {
        struct odx_winparse_copy_offload_desc d, e;
        if (odx_winparse_copy_offload_desc_decode(p, len, &d) != ODX_OK)
            break;
        require(odx_winparse_copy_offload_desc_encode(out, sizeof out, &d, &written) == ODX_OK);
        require(odx_winparse_copy_offload_desc_decode(out, written, &e) == ODX_OK);
        require(memcmp(&d, &e, sizeof d) == 0);
        break;
    }
    case T_READ_OUTPUT: {
        struct odx_winparse_read_output r, s;
        struct odx_winparse_token tk;
        if (odx_winparse_read_output_decode(p, len, &r) != ODX_OK)
            break;
        require(odx_winparse_token_inspect(r.token, sizeof r.token, &tk) == ODX_OK);
        require(odx_winparse_read_output_encode(out, sizeof out, &r, &written) == ODX_OK);
        require(odx_winparse_read_output_decode(out, written, &s) == ODX_OK);
        require(s.flags == r.flags && s.transfer_length == r.transfer_length);
        require(s.all_zero_beyond == r.all_zero_beyond);
        require(memcmp(s.token, r.token, sizeof r.token) == 0);
        break;
    }
    case T_WRITE_OUTPUT: {
        struct odx_winparse_write_output r, s;
        if (odx_winparse_write_output_decode(p, len, &r) != ODX_OK)
            break;
        require(odx_winparse_write_output_encode(out, sizeof out, &r, &written) == ODX_OK);
        require(odx_winparse_write_output_decode(out, written, &s) == ODX_OK);
        require(s.flags == r.flags && s.length_written == r.length_written);
        break;
    }
    case T_TOKEN: {
        struct odx_winparse_token tk;
        if (odx_winparse_token_inspect(p, len, &tk) != ODX_OK)
            break;
        require(tk.is_zero_data == (tk.token_type == ODX_WINPARSE_TOKEN_TYPE_ZERO_DATA &&
                                    tk.token_id_length == ODX_WINPARSE_TOKEN_ID_LENGTH));
        break;
    }
    case T_READ_INPUT: {
        struct odx_winparse_read_input r, s;
        enum odx_status st;
        if (odx_winparse_read_input_decode(p, len, &r) != ODX_OK)
            break;
        st = odx_winparse_read_input_encode(out, sizeof out, &r, &written);
        require(st == ODX_OK || st == ODX_E_RANGE);
        if (st != ODX_OK)
            break;
        require(odx_winparse_read_input_decode(out, written, &s) == ODX_OK);
        require(s.flags == r.flags && s.token_ttl_ms == r.token_ttl_ms);
        require(s.file_offset == r.file_offset && s.copy_length == r.copy_length);
        break;
    }
    case T_WRITE_INPUT: {
        struct odx_winparse_write_input r, s;
        enum odx_status st;
        if (odx_winparse_write_input_decode(p, len, &r) != ODX_OK)
            break;
        st = odx_winparse_write_input_encode(out, sizeof out, &r, &written);
        require(st == ODX_OK || st == ODX_E_RANGE);
        if (st != ODX_OK)
            break;
        require(odx_winparse_write_input_decode(out, written, &s) == ODX_OK);
        require(s.file_offset == r.file_offset && s.copy_length == r.copy_length);
        require(s.transfer_offset == r.transfer_offset);
        require(memcmp(s.token, r.token, sizeof r.token) == 0);
        break;
    }
    default:
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum target t;
    uint8_t *p;
    size_t len;

    if (size == 0)
        return 0;
    t = (enum target)(data[0] % T_COUNT);
    len = size - 1;
    /* A private copy of exactly len bytes, so that ASan flags a read of even one byte past the
     * end, whichever driver supplied the data. */
    p = malloc(len ? len : 1);
    if (!p)
        return 0;
    if (len)
        memcpy(p, data + 1, len);
    switch (t) {
    case T_FILTERS:
        chain(p, len, ODX_WINPARSE_FILTER_SIZE, check_filter);
        break;
    case T_VOLUMES:
        chain(p, len, ODX_WINPARSE_VOLUME_SIZE, check_volume);
        break;
    case T_INSTANCES:
        chain(p, len, ODX_WINPARSE_INSTANCE_SIZE_PREWIN8, check_instance);
        break;
    case T_UTF16:
        utf16(p, len);
        break;
    default:
        fixed_structs(t, p, len);
        break;
    }
    free(p);
    return 0;
}
