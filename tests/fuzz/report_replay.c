/*
 * Plain main for fuzz_report.c: runs LLVMFuzzerTestOneInput once per file
 * named on the command line, so the corpus is replayed under CTest by any
 * compiler (cJSON fuzzing/fuzz_main.c does the same).
 */
#include <stdint.h>
#include <stdio.h>

#include "odx/alloc.h"
#include "odx/report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++) {
        char *text = NULL, err[512];
        size_t len = 0;
        if (odx_report_read_file(argv[i], ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err)) !=
            ODX_OK) {
            fprintf(stderr, "report_replay: %s\n", err);
            return 1;
        }
        LLVMFuzzerTestOneInput((const uint8_t *)text, len);
        odx_free(text);
    }
    printf("report_replay: %d inputs\n", argc - 1);
    return 0;
}
