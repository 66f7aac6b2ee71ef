/*
 * Helper of bench/analyze.py, which compares `odxprobe analyze` with parsing
 * the same report with cJSON alone. Each mode runs in its own process so
 * that its peak memory can be measured on its own:
 *   bench_report generate VOLUMES INSTANCES FILE   a Windows-like report
 *   bench_report cjson FILE        read + cJSON_ParseWithLength, then exit
 *   bench_report cjson-free FILE   the same, plus cJSON_Delete
 *   bench_report parse FILE        read + odx_report_parse (the reader alone)
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
        TRY(odx_obs_printf(obs, &t->directory, "C:\\mnt\\v%" PRIu64 "\\odxprobe-%04" PRIx64 "\\",
                           (uint64_t)i, (uint64_t)(i * 7919u) & 0xFFFFu));
        for (j = 0; j < ODX_STAGE_COUNT; j++) {
            static const char *const apis[ODX_STAGE_COUNT] = {
                "CreateFileW",
                "WriteFile",
                "FlushFileBuffers",
                "SetEndOfFile",
                "DeviceIoControl(FSCTL_OFFLOAD_READ)",
                "DeviceIoControl(FSCTL_OFFLOAD_WRITE)",
                NULL,
                NULL,
                NULL,
                NULL,
                "ReadFile",
                "DeleteFileW",
            };
            struct odx_stage *sg = &t->stages[j];
            if (!apis[j])
                continue;
            sg->attempted = true;
            sg->code.kind = ODX_CODE_WIN32;
            TRY(odx_obs_str(obs, apis[j], &sg->api));
            sg->calls = 1;
            sg->elapsed_us = 100u + (uint64_t)((i * 31u + j * 17u) % 900u);
            sg->bytes_requested = j == ODX_STAGE_CREATE || j == ODX_STAGE_CLEANUP ? 0 : 1048576;
            sg->bytes_transferred = sg->bytes_requested;
        }
        /* One volume in ten has a filter that refuses offload writes. */
        if (i % 10 == 3) {
            t->stages[ODX_STAGE_OFFLOAD_WRITE].code.value = 4441;
            t->stages[ODX_STAGE_OFFLOAD_WRITE].bytes_transferred = 0;
            t->stages[ODX_STAGE_VERIFY].attempted = false;
        }
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
                        "cjson-free FILE | parse FILE\n");
        return 2;
    }
    st = odx_report_read_file(argv[2], ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err));
    if (st != ODX_OK) {
        fprintf(stderr, "bench_report: %s\n", err);
        return 1;
    }
    t0 = now_s();
    if (strncmp(argv[1], "cjson", 5) == 0) {
        cJSON *root = cJSON_ParseWithLength(text, len);
        odx_free(text);
        if (!root) {
            fprintf(stderr, "bench_report: cJSON failed\n");
            return 1;
        }
        if (strcmp(argv[1], "cjson-free") == 0)
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
