/*
 * The allocator every module goes through (see odx/alloc.h). It adds one
 * thing to malloc: a counter that lets tests fail the Nth allocation.
 * Single-threaded, like the rest of odxprobe.
 */
#include "odx/alloc.h"

#include <stdlib.h>
#include <string.h>

static long fail_after = -1;
static long alloc_count;

static bool should_fail(void)
{
    long n = alloc_count++;
    return fail_after >= 0 && n >= fail_after;
}

void odx_alloc_fail_after(long n)
{
    fail_after = n;
    alloc_count = 0;
}

long odx_alloc_count(void)
{
    return alloc_count;
}

void *odx_malloc(size_t size)
{
    if (should_fail())
        return NULL;
    /* malloc(0) may return NULL; ask for one byte so NULL always means failure. */
    return malloc(size ? size : 1);
}

void *odx_calloc(size_t count, size_t size)
{
    size_t total;
    if (!odx_mul_size(count, size, &total))
        return NULL;
    if (should_fail())
        return NULL;
    return calloc(total ? count : 1, total ? size : 1);
}

void *odx_realloc(void *ptr, size_t size)
{
    if (should_fail())
        return NULL;
    return realloc(ptr, size ? size : 1);
}

void odx_free(void *ptr)
{
    free(ptr);
}

char *odx_strndup(const char *s, size_t len)
{
    char *copy;
    if (!s || len == SIZE_MAX)
        return NULL;
    copy = odx_malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, len);
    copy[len] = '\0';
    return copy;
}

char *odx_strdup(const char *s)
{
    return s ? odx_strndup(s, strlen(s)) : NULL;
}

bool odx_mul_size(size_t a, size_t b, size_t *out)
{
    if (a != 0 && b > SIZE_MAX / a)
        return false;
    *out = a * b;
    return true;
}

bool odx_add_size(size_t a, size_t b, size_t *out)
{
    if (b > SIZE_MAX - a)
        return false;
    *out = a + b;
    return true;
}
