/*
 * The one allocator of odxprobe. Every module allocates through these, and
 * cJSON is pointed at them too, so that a test can fail allocation N for
 * every N and see each path return ODX_E_NOMEM instead of crashing.
 *
 * Nothing here aborts. odx_free(NULL) does nothing.
 */
#ifndef ODX_ALLOC_H
#define ODX_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

void *odx_malloc(size_t size);
void *odx_calloc(size_t count, size_t size);
void *odx_realloc(void *ptr, size_t size);
void odx_free(void *ptr);

/* A copy of s (NUL-terminated) owned by the caller, freed with odx_free. NULL on no memory or s
 * NULL. */
char *odx_strdup(const char *s);

/* A NUL-terminated copy of the first len bytes of s; freed with odx_free. */
char *odx_strndup(const char *s, size_t len);

/* *out = a * b; false, and *out untouched, when the product overflows size_t. */
bool odx_mul_size(size_t a, size_t b, size_t *out);

/* *out = a + b; false, and *out untouched, when the sum overflows size_t. */
bool odx_add_size(size_t a, size_t b, size_t *out);

/*
 * Failure injection, for tests. After odx_alloc_fail_after(n), allocations
 * 0..n-1 succeed and every later one fails until odx_alloc_fail_after(-1)
 * (the default) turns injection off. odx_alloc_count() says how many
 * allocations were made since the last call to odx_alloc_fail_after().
 */
void odx_alloc_fail_after(long n);
long odx_alloc_count(void);

#endif
