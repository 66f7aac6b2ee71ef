/*
 * Plain driver for libFuzzer targets (after cJSON's fuzzing/fuzz_main.c):
 * runs LLVMFuzzerTestOneInput once on each file named on the command line,
 * so CTest can replay a seed corpus with any compiler and no libFuzzer.
 * Exit status 0 when every file was read and run; a target signals failure
 * by crashing.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Reads a whole file; NULL on error. Inputs are seeds: small, capped at 1 MiB. */
static uint8_t *read_file(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 1u << 20, n;

    if (!f)
        return NULL;
    buf = malloc(cap + 1);
    if (buf) {
        n = fread(buf, 1, cap + 1, f);
        if (ferror(f) || n > cap) {
            free(buf);
            buf = NULL;
        } else {
            *size = n;
        }
    }
    fclose(f);
    return buf;
}

int main(int argc, char **argv)
{
    int failed = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        size_t size = 0;
        uint8_t *data = read_file(argv[i], &size);
        if (!data) {
            fprintf(stderr, "%s: cannot read\n", argv[i]);
            failed = 1;
            continue;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
    }
    return failed;
}
