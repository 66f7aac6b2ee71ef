/*
 * The sample reports of tests/unit/report_sample.h, as the writer renders
 * them:
 *   render_fixture write DIR           writes DIR/windows.json, DIR/linux.json
 *   render_fixture compare NAME FILE   FILE must be exactly the sample NAME
 *                                      (windows | linux), and must read back
 *                                      to the same observations
 *   render_fixture parse FILE...       each FILE must read without error
 * The schema test validates what "write" makes; tests/fixtures/reports/
 * holds copies made by tests/schema/update-fixtures.sh, and "compare"
 * tells when they need remaking.
 */
#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"
#include "odx/report.h"
#include "report_sample.h"

static enum odx_status sample(const char *name, struct odx_obs **obs,
                              const struct odx_analysis **an)
{
    *an = NULL;
    if (strcmp(name, "windows") == 0) {
        *an = sample_windows_analysis();
        return sample_windows(obs);
    }
    if (strcmp(name, "linux") == 0)
        return sample_linux(obs);
    *obs = NULL;
    return ODX_E_INVAL;
}

static int write_sample(const char *dir, const char *name)
{
    struct odx_obs *obs = NULL;
    const struct odx_analysis *an;
    char *text = NULL, path[4096];
    size_t len = 0;
    FILE *f;
    int rc = 1;
    enum odx_status st = sample(name, &obs, &an);
    if (st == ODX_OK)
        st = odx_report_render(obs, an, &text, &len);
    if (st != ODX_OK) {
        fprintf(stderr, "render_fixture: %s: %s\n", name, odx_status_message(st));
        goto out;
    }
    snprintf(path, sizeof(path), "%s/%s.json", dir, name);
    f = fopen(path, "wb");
    if (!f) {
        perror(path);
        goto out;
    }
    if (fwrite(text, 1, len, f) != len || fclose(f) != 0) {
        perror(path);
        goto out;
    }
    rc = 0;
out:
    odx_free(text);
    odx_obs_free(obs);
    return rc;
}

static int compare(const char *name, const char *path)
{
    struct odx_obs *obs = NULL, *back = NULL;
    const struct odx_analysis *an;
    char *want = NULL, *got = NULL, *plain = NULL, *again = NULL, err[512];
    size_t want_len = 0, got_len = 0, plain_len = 0, again_len = 0;
    int rc = 1;
    enum odx_status st = sample(name, &obs, &an);
    if (st == ODX_OK)
        st = odx_report_render(obs, an, &want, &want_len);
    if (st == ODX_OK)
        st = odx_report_render(obs, NULL, &plain, &plain_len);
    if (st != ODX_OK) {
        fprintf(stderr, "render_fixture: %s: %s\n", name, odx_status_message(st));
        goto out;
    }
    if (odx_report_read_file(path, ODX_REPORT_MAX_BYTES, &got, &got_len, err, sizeof(err)) !=
        ODX_OK) {
        fprintf(stderr, "render_fixture: %s\n", err);
        goto out;
    }
    if (got_len != want_len || memcmp(got, want, want_len) != 0) {
        fprintf(stderr,
                "render_fixture: %s differs from what the writer renders now; if the change "
                "is intended, run tests/schema/update-fixtures.sh\n",
                path);
        goto out;
    }
    if (odx_report_parse(got, got_len, &back, err, sizeof(err)) != ODX_OK) {
        fprintf(stderr, "render_fixture: %s: %s\n", path, err);
        goto out;
    }
    if (odx_report_render(back, NULL, &again, &again_len) != ODX_OK || again_len != plain_len ||
        memcmp(again, plain, plain_len) != 0) {
        fprintf(stderr, "render_fixture: %s does not read back to the same observations\n", path);
        goto out;
    }
    rc = 0;
out:
    odx_free(want);
    odx_free(got);
    odx_free(plain);
    odx_free(again);
    odx_obs_free(back);
    odx_obs_free(obs);
    return rc;
}

static int parse_files(int n, char **paths)
{
    int i, rc = 0;
    for (i = 0; i < n; i++) {
        struct odx_obs *obs = NULL;
        char *text = NULL, err[512];
        size_t len = 0;
        enum odx_status st =
            odx_report_read_file(paths[i], ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err));
        if (st == ODX_OK)
            st = odx_report_parse(text, len, &obs, err, sizeof(err));
        odx_free(text);
        odx_obs_free(obs);
        if (st != ODX_OK) {
            fprintf(stderr, "render_fixture: %s: %s\n", paths[i], err);
            rc = 1;
        }
    }
    return rc;
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "write") == 0)
        return write_sample(argv[2], "windows") || write_sample(argv[2], "linux");
    if (argc == 4 && strcmp(argv[1], "compare") == 0)
        return compare(argv[2], argv[3]);
    if (argc >= 3 && strcmp(argv[1], "parse") == 0)
        return parse_files(argc - 2, argv + 2);
    fprintf(stderr,
            "usage: render_fixture write DIR | compare windows|linux FILE | parse FILE...\n");
    return 2;
}
