/*
 * A bump allocator for strings plus an intern table: open addressing over
 * FNV-1a hashes, never more than half full.
 */
#include "arena.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"

#define CHUNK_MIN 65536u

struct chunk {
    struct chunk *next;
    size_t used;
    size_t size;
    /* data follows */
};

struct slot {
    const char *s;
    size_t len;
    uint32_t hash;
};

struct odx_arena {
    struct chunk *chunks;
    struct slot *slots;
    size_t n_slots;
    size_t n_used;
};

struct odx_arena *odx_arena_new(void)
{
    return odx_calloc(1, sizeof(struct odx_arena));
}

void odx_arena_free(struct odx_arena *a)
{
    struct chunk *c, *next;
    if (!a)
        return;
    for (c = a->chunks; c; c = next) {
        next = c->next;
        odx_free(c);
    }
    odx_free(a->slots);
    odx_free(a);
}

/* Strings only, so no alignment is needed. */
static char *bump(struct odx_arena *a, size_t size)
{
    struct chunk *c = a->chunks;
    char *mem;
    if (!c || c->size - c->used < size) {
        size_t want = size > CHUNK_MIN ? size : CHUNK_MIN;
        size_t total;
        if (!odx_add_size(sizeof(struct chunk), want, &total))
            return NULL;
        c = odx_malloc(total);
        if (!c)
            return NULL;
        c->used = 0;
        c->size = want;
        /* A big one-off string gets a chunk of its own behind the current
         * one, so the current chunk's free space is not wasted. */
        if (a->chunks && want > CHUNK_MIN) {
            c->next = a->chunks->next;
            a->chunks->next = c;
        } else {
            c->next = a->chunks;
            a->chunks = c;
        }
    }
    mem = (char *)(c + 1) + c->used;
    c->used += size;
    return mem;
}

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u;
    size_t i;
    for (i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h;
}

static enum odx_status grow_slots(struct odx_arena *a)
{
    size_t n = a->n_slots ? a->n_slots * 2 : 256;
    size_t i;
    struct slot *slots = odx_calloc(n, sizeof(*slots));
    if (!slots)
        return ODX_E_NOMEM;
    for (i = 0; i < a->n_slots; i++) {
        size_t j;
        if (!a->slots[i].s)
            continue;
        for (j = a->slots[i].hash & (n - 1); slots[j].s; j = (j + 1) & (n - 1))
            ;
        slots[j] = a->slots[i];
    }
    odx_free(a->slots);
    a->slots = slots;
    a->n_slots = n;
    return ODX_OK;
}

enum odx_status odx_arena_strn(struct odx_arena *a, const char *s, size_t len, size_t max_len,
                               const char **out)
{
    uint32_t h;
    size_t j;
    char *copy;
    *out = NULL;
    if (!s)
        return ODX_OK;
    if (len > max_len)
        return ODX_E_TOO_BIG;
    if (2 * (a->n_used + 1) > a->n_slots && grow_slots(a) != ODX_OK)
        return ODX_E_NOMEM;
    h = hash_bytes(s, len);
    for (j = h & (a->n_slots - 1); a->slots[j].s; j = (j + 1) & (a->n_slots - 1)) {
        const struct slot *sl = &a->slots[j];
        if (sl->hash == h && sl->len == len && memcmp(sl->s, s, len) == 0) {
            *out = sl->s;
            return ODX_OK;
        }
    }
    copy = bump(a, len + 1);
    if (!copy)
        return ODX_E_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    a->slots[j].s = copy;
    a->slots[j].len = len;
    a->slots[j].hash = h;
    a->n_used++;
    *out = copy;
    return ODX_OK;
}

enum odx_status odx_arena_copy(struct odx_arena *a, const char *s, size_t len, size_t max_len,
                               const char **out)
{
    char *copy;
    *out = NULL;
    if (!s)
        return ODX_OK;
    if (len > max_len)
        return ODX_E_TOO_BIG;
    copy = bump(a, len + 1);
    if (!copy)
        return ODX_E_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    *out = copy;
    return ODX_OK;
}

enum odx_status odx_arena_vprintf(struct odx_arena *a, const char **out, const char *fmt,
                                  va_list ap)
{
    char buf[4096];
    int n = vsnprintf(buf, sizeof(buf), fmt, ap);
    *out = NULL;
    if (n < 0)
        return ODX_E_INVAL;
    return odx_arena_strn(a, buf, (size_t)n < sizeof(buf) ? (size_t)n : sizeof(buf) - 1,
                          sizeof(buf), out);
}
