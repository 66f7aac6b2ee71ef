/*
 * Benchmark driver for the Linux probe (not a test): probes the directories
 * named on the command line (--path each) in this process and prints wall
 * time and what the process wrote, from /proc/self/io before and after:
 * wchar (bytes passed to write-like calls, copy_file_range included) and
 * write_bytes (bytes this process caused to be sent to block storage).
 *
 * Usage: linux_probe_bench [--size BYTES] DIR...
 * Prints one line: mounts=N trials=T wall_us=W wchar=C write_bytes=B
 */
#define _GNU_SOURCE 1

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "odx/probe.h"

struct io {
    uint64_t wchar, write_bytes;
};

static int read_io(struct io *out)
{
    char line[256];
    FILE *f = fopen("/proc/self/io", "r");
    memset(out, 0, sizeof(*out));
    if (!f)
        return -1;
    while (fgets(line, sizeof(line), f)) {
        unsigned long long v;
        if (sscanf(line, "wchar: %llu", &v) == 1)
            out->wchar = v;
        else if (sscanf(line, "write_bytes: %llu", &v) == 1)
            out->write_bytes = v;
    }
    fclose(f);
    return 0;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

int main(int argc, char **argv)
{
    struct odx_probe_options o;
    struct odx_obs *obs = NULL;
    struct io before, after;
    const char **paths = calloc((size_t)argc, sizeof(*paths));
    char err[256];
    uint64_t t0, t1;
    int a;
    enum odx_status st;

    if (!paths)
        return 2;
    memset(&o, 0, sizeof(o));
    o.trial_size = ODX_TRIAL_SIZE_DEFAULT;
    o.tool_version = "bench";
    o.probe_time = "1970-01-01T00:00:00Z";
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--size") == 0 && a + 1 < argc)
            o.trial_size = strtoull(argv[++a], NULL, 10);
        else
            paths[o.n_paths++] = argv[a];
    }
    o.paths = paths;
    if (read_io(&before) != 0)
        return 2;
    t0 = now_us();
    st = odx_probe_run(odx_backend_native(), &o, &obs, err, sizeof(err));
    t1 = now_us();
    read_io(&after);
    if (st != ODX_OK) {
        fprintf(stderr, "linux_probe_bench: %s: %s\n", odx_status_name(st), err);
        return 2;
    }
    printf("mounts=%zu trials=%zu wall_us=%" PRIu64 " wchar=%" PRIu64 " write_bytes=%" PRIu64 "\n",
           o.n_paths, obs->n_trials, t1 - t0, after.wchar - before.wchar,
           after.write_bytes - before.write_bytes);
    odx_obs_free(obs);
    free(paths);
    return 0;
}
