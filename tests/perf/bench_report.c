/*
 * Benchmark of the report reader against cJSON alone, for the rule that
 * reading a report costs at most twice the time and peak memory of
 * cJSON_ParseWithLength on the same file. Run each mode in its own process
 * under /usr/bin/time -v (tests/perf/bench-report.sh does):
 *   bench_report generate VOLUMES INSTANCES FILE   a Windows-like report
 *   bench_report cjson FILE                        read + cJSON_ParseWithLength
 *   bench_report parse FILE                        read + odx_report_parse
 * Both reading modes free the text as early as they can and print the processor
 * time spent after reading the file.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "odx/alloc.h"
#include "odx/report.h"

/* Processor time: the work is single-threaded and does no waiting. */
static double now_s(void)
{
    return (double)clock() / CLOCKS_PER_SEC;
}

#define TRY(call)                                                                                  \
    do {                                                                                           \
        if ((st = (call)) != ODX_OK)                                                               \
            goto out;                                                                              \
    } while (0)

static const char *const filters[] = {
    "WdFilter",  "storqosflt", "wcifs",    "CldFlt",  "FileCrypt", "luafv",
    "npsvctrig", "Wof",        "FileInfo", "bindflt", "AcmeGuard", "AcmeDlp",
};

static int generate(size_t n_volumes, size_t n_instances, const char *path)
{
    struct odx_obs *obs = NULL;
    struct odx_volume *v;
    struct odx_instance *in;
    struct odx_trial *t;
    enum odx_status st;
    char *text = NULL;
    size_t len = 0, i, j, vi;
    FILE *f;
    char buf[64];

    TRY(odx_obs_new(&obs));
    obs->platform = ODX_PLATFORM_WINDOWS;
    TRY(odx_obs_str(obs, "windows", &obs->backend));
    obs->filters_listed = ODX_TRI_YES;
    obs->features_mode.state = ODX_SETTING_PRESENT;
    for (i = 0; i < n_volumes; i++) {
        TRY(odx_obs_add_volume(obs, &v, &vi));
        TRY(odx_obs_printf(obs, &v->nt_name, "\\Device\\HarddiskVolume%" PRIu64, (uint64_t)i));
        TRY(odx_obs_printf(obs, &v->guid_path,
                           "\\\\?\\Volume{%08" PRIx64 "-0000-0000-0000-000000000000}\\",
                           (uint64_t)i));
        TRY(odx_obs_str(obs, "NTFS", &v->file_system));
        v->flt_fs_type.present = true;
        v->flt_fs_type.value = 2;
        v->sector_size.present = true;
        v->sector_size.value = 512;
        v->remote = v->removable = v->read_only = ODX_TRI_NO;
        v->instances_listed = ODX_TRI_YES;
        v->eligible = true;
        v->storage.state = ODX_STORAGE_DESCRIPTOR;
        v->storage.desc.max_transfer_size = (uint64_t)1 << 40;
        snprintf(buf, sizeof(buf), "C:\\mnt\\v%" PRIu64 "\\", (uint64_t)i);
        TRY(odx_obs_add_mount_point(obs, vi, buf));
        for (j = 0; j < n_instances; j++) {
            TRY(odx_obs_add_instance(obs, vi, &in));
            TRY(odx_obs_str(obs, filters[j % 12], &in->filter));
            TRY(odx_obs_printf(obs, &in->name, "%s Instance", filters[j % 12]));
            TRY(odx_obs_printf(obs, &in->altitude, "%" PRIu64, (uint64_t)(320000 + j * 1000)));
            in->kind = ODX_FILTER_MINI;
            in->frame.present = true;
            in->supported_features.present = true;
            in->supported_features.value = j % 5 ? 3u : 15u;
        }
        TRY(odx_obs_add_trial(obs, &t, NULL));
        t->volume = vi;
        t->size = 1048576;
        t->stages[ODX_STAGE_OFFLOAD_WRITE].attempted = true;
        t->stages[ODX_STAGE_OFFLOAD_WRITE].code.kind = ODX_CODE_WIN32;
        t->stages[ODX_STAGE_OFFLOAD_WRITE].code.value = 4441;
    }
    TRY(odx_report_render(obs, NULL, &text, &len));
    f = fopen(path, "wb");
    if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        st = ODX_E_IO;
    }
out:
    if (st != ODX_OK)
        fprintf(stderr, "generate: %s\n", odx_status_message(st));
    odx_free(text);
    odx_obs_free(obs);
    return st == ODX_OK ? 0 : 1;
}

int main(int argc, char **argv)
{
    char err[512];
    char *text = NULL;
    size_t len = 0;
    double t0;
    enum odx_status st;

    if (argc == 5 && strcmp(argv[1], "generate") == 0)
        return generate(strtoul(argv[2], NULL, 10), strtoul(argv[3], NULL, 10), argv[4]);
    if (argc != 3) {
        fprintf(stderr, "usage: bench_report generate VOLUMES INSTANCES FILE | cjson FILE | "
                        "parse FILE\n");
        return 2;
    }
    st = odx_report_read_file(argv[2], ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err));
    if (st != ODX_OK) {
        fprintf(stderr, "bench_report: %s\n", err);
        return 1;
    }
    t0 = now_s();
    if (strcmp(argv[1], "cjson") == 0) {
        cJSON *root = cJSON_ParseWithLength(text, len);
        odx_free(text);
        if (!root) {
            fprintf(stderr, "bench_report: cJSON failed\n");
            return 1;
        }
        cJSON_Delete(root);
    } else {
        struct odx_obs *obs = NULL;
        st = odx_report_parse(text, len, &obs, err, sizeof(err));
        odx_free(text);
        if (st != ODX_OK) {
            fprintf(stderr, "bench_report: %s\n", err);
            return 1;
        }
        printf("volumes: %" PRIu64 "\n", (uint64_t)obs->n_volumes);
        odx_obs_free(obs);
    }
    printf("%s: %.3f s after reading %" PRIu64 " bytes\n", argv[1], now_s() - t0, (uint64_t)len);
    return 0;
}
