/*
 * Shared by the report writer and reader (report_internal.h): the cJSON
 * allocator hook-up, and the arena for the single-tree parse.
 */
#include <cjson/cJSON.h>

#include <stdint.h>

#include "odx/alloc.h"
#include "report_internal.h"

/* Single-threaded, like the rest of odxprobe. */
static bool alloc_failed;

static void *json_malloc(size_t size)
{
    void *p = odx_malloc(size);
    if (!p)
        alloc_failed = true;
    return p;
}

void odx_report_json_hooks(void)
{
    /* Every cJSON allocation goes through odx_malloc, so failure injection reaches it. */
    cJSON_Hooks hooks = {json_malloc, odx_free};
    cJSON_InitHooks(&hooks);
}

/*
 * While a report is read, cJSON's tree lives in a bump arena: parsing a
 * large report makes tens of millions of small nodes, and one malloc header
 * and one free() per node cost more time and memory than the parse itself.
 * The tree is dropped chunk by chunk at the end, never node by node.
 */
struct json_chunk {
    struct json_chunk *next;
    size_t used;
    size_t size;
};

#define JSON_CHUNK_MIN   ((size_t)64 * 1024)
#define JSON_CHUNK_MAX   ((size_t)4 * 1024 * 1024)
#define JSON_CHUNK_ALIGN ((size_t)16)

static struct json_chunk *json_chunks;
static size_t json_next_chunk = JSON_CHUNK_MIN;

static size_t chunk_header(void)
{
    return (sizeof(struct json_chunk) + JSON_CHUNK_ALIGN - 1) & ~(JSON_CHUNK_ALIGN - 1);
}

static void *arena_malloc(size_t size)
{
    struct json_chunk *c = json_chunks;
    size_t need, want, total;
    char *p;
    if (size > SIZE_MAX - JSON_CHUNK_ALIGN) {
        alloc_failed = true;
        return NULL;
    }
    need = (size + JSON_CHUNK_ALIGN - 1) & ~(JSON_CHUNK_ALIGN - 1);
    if (!c || c->size - c->used < need) {
        want = need > json_next_chunk ? need : json_next_chunk;
        if (!odx_add_size(chunk_header(), want, &total) || !(c = odx_malloc(total))) {
            alloc_failed = true;
            return NULL;
        }
        c->used = 0;
        c->size = want;
        c->next = json_chunks;
        json_chunks = c;
        if (json_next_chunk < JSON_CHUNK_MAX)
            json_next_chunk *= 2;
    }
    p = (char *)c + chunk_header() + c->used;
    c->used += need;
    return p;
}

static void arena_free(void *p)
{
    (void)p; /* the whole arena goes at once in odx_report_json_arena_end() */
}

void odx_report_json_arena_begin(void)
{
    cJSON_Hooks hooks = {arena_malloc, arena_free};
    json_chunks = NULL;
    json_next_chunk = JSON_CHUNK_MIN;
    cJSON_InitHooks(&hooks);
}

void odx_report_json_arena_end(void)
{
    struct json_chunk *c, *next;
    for (c = json_chunks; c; c = next) {
        next = c->next;
        odx_free(c);
    }
    json_chunks = NULL;
    odx_report_json_hooks();
}

bool odx_report_json_alloc_failed(bool reset)
{
    bool failed = alloc_failed;
    if (reset)
        alloc_failed = false;
    return failed;
}
