/*
 * Test helpers for the Linux parsers: read a captured fixture, parse
 * mountinfo text, find a mount by mount point. Test scaffolding allocates
 * with malloc, so failure injection in the library does not hit it.
 */
#ifndef ODX_TEST_LINUX_FIXTURE_H
#define ODX_TEST_LINUX_FIXTURE_H

#include "check.h"
#include "linux_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* tests/fixtures/linux/<rel>, NUL-terminated, malloc'd; exits on failure (a missing fixture is a
 * broken test, not a check). */
static inline char *fx_read(const char *rel, size_t *len)
{
    char path[1024];
    FILE *f;
    char *buf;
    long n;
    snprintf(path, sizeof(path), "%s/%s", ODX_FIXTURE_DIR, rel);
    f = fopen(path, "rb");
    if (!f || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fprintf(stderr, "cannot read fixture %s\n", path);
        exit(2);
    }
    buf = malloc((size_t)n + 1u);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fprintf(stderr, "cannot read fixture %s\n", path);
        exit(2);
    }
    fclose(f);
    buf[n] = '\0';
    if (len)
        *len = (size_t)n;
    return buf;
}

/* Parse a string; reports a failed parse as a check failure. */
static inline enum odx_status fx_parse(struct odx_linux_mounts *m, const char *text)
{
    enum odx_status st = odx_linux_mounts_parse(m, text, strlen(text));
    return st;
}

/* Parse a fixture file into *m, expecting ODX_OK and no problems. */
static inline void fx_parse_file(struct odx_linux_mounts *m, const char *rel)
{
    size_t len;
    char *text = fx_read(rel, &len);
    CHECK_INT(odx_linux_mounts_parse(m, text, len), ODX_OK);
    CHECK_INT(m->problem_total, 0);
    free(text);
}

static inline const struct odx_linux_mount *fx_by_point(const struct odx_linux_mounts *m,
                                                        const char *mount_point)
{
    size_t i;
    for (i = 0; i < m->count; i++) {
        if (strcmp(m->items[i].mount_point, mount_point) == 0)
            return &m->items[i];
    }
    return NULL;
}

/* Value of key in opts, "" for a key without value, NULL when absent. */
static inline const char *fx_opt(const struct odx_linux_opts *opts, const char *key)
{
    const struct odx_linux_opt *o = odx_linux_opts_find(opts, key);
    return o ? (o->value ? o->value : "") : NULL;
}

#endif
