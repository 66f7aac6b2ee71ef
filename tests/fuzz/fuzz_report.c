/*
 * Fuzz target for the report reader (odx_report_parse). Besides "no crash,
 * no leak, no undefined behaviour", it checks the round trip: whatever the
 * reader accepts, the writer renders, and that text must read back and
 * render to the same bytes. Built with clang -fsanitize=fuzzer by
 * tests/fuzz/fuzz-report.sh; replayed over the corpus under CTest by
 * report_replay.c.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odx/alloc.h"
#include "odx/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct odx_obs *obs = NULL, *back = NULL;
    char err[512], *t1 = NULL, *t2 = NULL;
    size_t l1 = 0, l2 = 0;
    enum odx_status st = odx_report_parse((const char *)data, size, &obs, err, sizeof(err));
    if (st != ODX_OK) {
        /* A failure always explains itself in one line. */
        if (obs != NULL || err[0] == '\0' || strchr(err, '\n') != NULL)
            abort();
        return 0;
    }
    if (odx_report_render(obs, NULL, &t1, &l1) != ODX_OK)
        abort();
    st = odx_report_parse(t1, l1, &back, err, sizeof(err));
    if (st != ODX_OK) {
        fprintf(stderr, "accepted input renders to a report that does not read back: %s\n", err);
        abort();
    }
    if (odx_report_render(back, NULL, &t2, &l2) != ODX_OK || l1 != l2 || memcmp(t1, t2, l1) != 0)
        abort();
    odx_free(t1);
    odx_free(t2);
    odx_obs_free(obs);
    odx_obs_free(back);
    return 0;
}
