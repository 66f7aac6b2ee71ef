/*
 * Runs the live Linux probe and prints what it recorded, one fact per line,
 * for the real-file-system tests (tests/linux/realfs.sh) to assert on
 * without the analysis or the JSON report:
 *
 *   volume <mount point> fs=<type> eligible=<0|1> mount_id=<n> skip=<reason>
 *   layer <mount point> <role> <filter> fs=<type> path=<path>
 *   trial <scope> <method> <mount point or path> <stage>=<api>:<errno>... shared=<tri>
 *   error <api> <target> <errno>
 *
 * Usage: probe_dump [--static] [--cross] [--size N] [--path DIR]... [--volume V]...
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odx/probe.h"

static const char *nz(const char *s)
{
    return s ? s : "-";
}

static const char *label(const struct odx_obs *obs, size_t v)
{
    if (v == ODX_NONE || v >= obs->n_volumes || obs->volumes[v].n_mount_points == 0)
        return "-";
    return obs->volumes[v].mount_points[0];
}

int main(int argc, char **argv)
{
    const char *paths[64], *vols[64];
    struct odx_probe_options o;
    struct odx_obs *obs = NULL;
    char err[512];
    size_t i, j;
    int a, s;
    enum odx_status st;

    memset(&o, 0, sizeof(o));
    o.trial_size = ODX_TRIAL_SIZE_DEFAULT;
    o.tool_version = "test";
    o.probe_time = "2026-01-01T00:00:00Z";
    for (a = 1; a < argc; a++) {
        if (strcmp(argv[a], "--static") == 0)
            o.static_only = true;
        else if (strcmp(argv[a], "--cross") == 0)
            o.cross = true;
        else if (strcmp(argv[a], "--size") == 0 && a + 1 < argc)
            o.trial_size = strtoull(argv[++a], NULL, 10);
        else if (strcmp(argv[a], "--path") == 0 && a + 1 < argc && o.n_paths < 64)
            paths[o.n_paths++] = argv[++a];
        else if (strcmp(argv[a], "--volume") == 0 && a + 1 < argc && o.n_volumes < 64)
            vols[o.n_volumes++] = argv[++a];
        else {
            fprintf(stderr, "probe_dump: bad argument '%s'\n", argv[a]);
            return 3;
        }
    }
    o.paths = paths;
    o.volumes = vols;
    st = odx_probe_run(odx_backend_native(), &o, &obs, err, sizeof(err));
    if (st != ODX_OK) {
        fprintf(stderr, "probe_dump: %s: %s\n", odx_status_name(st), err);
        return 2;
    }
    printf("host %s | %s | %s | %s | elevated=%s\n", nz(obs->host.name), nz(obs->host.os_name),
           nz(obs->host.os_version), nz(obs->host.arch), odx_tri_name(obs->host.elevated));
    for (i = 0; i < obs->n_volumes; i++) {
        const struct odx_volume *v = &obs->volumes[i];
        printf("volume %s fs=%s eligible=%d mount_id=%" PRIu32 " source=%s skip=%s\n",
               label(obs, i), nz(v->file_system), v->eligible ? 1 : 0, v->mount_id.value,
               nz(v->nt_name), nz(v->skip_reason));
        for (j = 0; j < v->n_instances; j++) {
            const struct odx_instance *in = &v->instances[j];
            printf("layer %s %s %s fs=%s path=%s name=%s\n", label(obs, i), nz(in->role),
                   nz(in->filter), nz(in->fs_type), nz(in->path), nz(in->name));
        }
    }
    for (i = 0; i < obs->n_excluded; i++)
        printf("excluded %s fs=%s\n", nz(obs->excluded[i].mount_point),
               nz(obs->excluded[i].fs_type));
    for (i = 0; i < obs->n_trials; i++) {
        const struct odx_trial *t = &obs->trials[i];
        printf("trial %s %s %s", odx_scope_name(t->scope), odx_method_name(t->method),
               t->scope == ODX_SCOPE_PATH ? nz(t->path) : label(obs, t->volume));
        if (t->scope == ODX_SCOPE_PAIR)
            printf("->%s", label(obs, t->dest_volume));
        for (s = 0; s < ODX_STAGE_COUNT; s++) {
            const struct odx_stage *sg = &t->stages[s];
            if (!sg->attempted)
                continue;
            printf(" %s=%s:%s%" PRIu32, odx_stage_name((enum odx_stage_id)s), nz(sg->api),
                   sg->code.kind == ODX_CODE_ODX ? "odx" : "", sg->code.value);
            if (s == ODX_STAGE_COPY_RANGE)
                printf("/calls=%" PRIu32 "/bytes=%" PRIu64, sg->calls, sg->bytes_transferred);
        }
        printf(" shared=%s\n", odx_tri_name(t->extents_shared));
    }
    for (i = 0; i < obs->n_errors; i++)
        printf("error %s %s %" PRIu32 " %s\n", nz(obs->errors[i].api), nz(obs->errors[i].target),
               obs->errors[i].code.value, nz(obs->errors[i].detail));
    if (obs->run.interrupted)
        printf("interrupted\n");
    odx_obs_free(obs);
    return 0;
}
