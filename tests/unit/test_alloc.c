/* The allocator: overflow checks and failure injection that other tests rely on. */
#include "check.h"
#include "odx/alloc.h"
#include "odx/status.h"

#include <stdint.h>
#include <stdlib.h>

int main(void)
{
    size_t out = 7;
    CHECK(!odx_mul_size(SIZE_MAX / 2 + 1, 2, &out));
    CHECK_U64(out, 7);
    CHECK(odx_mul_size(3, 5, &out));
    CHECK_U64(out, 15);
    CHECK(!odx_add_size(SIZE_MAX, 1, &out));
    CHECK(odx_add_size(1, 2, &out));
    CHECK_U64(out, 3);
    CHECK(odx_calloc(SIZE_MAX / 2, 4) == NULL);

    odx_alloc_fail_after(2);
    void *a = odx_malloc(8), *b = odx_malloc(8), *c = odx_malloc(8);
    CHECK(a != NULL);
    CHECK(b != NULL);
    CHECK(c == NULL);
    CHECK(odx_strdup("x") == NULL);
    CHECK_INT(odx_alloc_count(), 4);
    odx_alloc_fail_after(-1);
    char *d = odx_strndup("hello", 3);
    CHECK_STR(d, "hel");
    odx_free(a);
    odx_free(b);
    odx_free(d);
    odx_free(NULL);

    CHECK_STR(odx_status_name(ODX_E_NOMEM), "ODX_E_NOMEM");
    CHECK_STR(odx_status_name((enum odx_status)999), "ODX_E_UNKNOWN");
    CHECK_STR(odx_status_message(ODX_OK), "success");
    CHECK_DONE();
}
