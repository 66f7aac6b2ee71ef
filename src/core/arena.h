/*
 * Core-private string arena with interning. The model and the analysis keep
 * their strings here, so freeing one object frees all its strings at once
 * and equal strings are stored once.
 */
#ifndef ODX_ARENA_H
#define ODX_ARENA_H

#include <stdarg.h>
#include <stddef.h>

#include "odx/status.h"

struct odx_arena;

/* A new arena, or NULL on no memory. Free with odx_arena_free (accepts NULL). */
struct odx_arena *odx_arena_new(void);
void odx_arena_free(struct odx_arena *a);

/* Interned copy of len bytes of s (NULL stays NULL); ODX_E_TOO_BIG past max_len. */
enum odx_status odx_arena_strn(struct odx_arena *a, const char *s, size_t len, size_t max_len,
                               const char **out);

/* A plain copy, not interned: for strings unique to one volume or trial. */
enum odx_status odx_arena_copy(struct odx_arena *a, const char *s, size_t len, size_t max_len,
                               const char **out);

/* Interned printf result; output longer than 4 KiB is cut. */
enum odx_status odx_arena_vprintf(struct odx_arena *a, const char **out, const char *fmt,
                                  va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 0)))
#endif
    ;

#endif
