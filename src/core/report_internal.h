/*
 * Core-private pieces shared by the report writer and reader: the schema's
 * constants, the allocator hook-up for cJSON and the UTF-8 rules. cJSON
 * itself stays inside src/core/report*.c; nothing here names its types.
 */
#ifndef ODX_REPORT_INTERNAL_H
#define ODX_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The value of the top-level "schema" key: what tells a report from other JSON. */
#define ODX_REPORT_SCHEMA_NAME "odxprobe-report"

/*
 * JSON numbers are read through a double, which holds every integer below
 * 2^53 exactly and no larger range. Integers the report writes as numbers
 * stay below this; larger 64-bit values are written as decimal strings.
 */
#define ODX_JSON_INT_LIMIT ((uint64_t)1 << 53)

/* Points cJSON's allocator at odx_malloc/odx_free (idempotent; call before any cJSON use). */
void odx_report_json_hooks(void);

/*
 * Whether an allocation made by cJSON failed since the last reset; reset
 * clears the mark. cJSON answers NULL both for bad text and for no memory,
 * and only this tells ODX_E_NOMEM from ODX_E_PARSE.
 */
bool odx_report_json_alloc_failed(bool reset);

/*
 * Between begin and end, cJSON allocates from a bump arena that end frees
 * in one go (and end restores the hooks of odx_report_json_hooks). Nodes
 * must not be freed one by one in between: cJSON_Delete becomes a no-op.
 */
void odx_report_json_arena_begin(void);
void odx_report_json_arena_end(void);

#endif
