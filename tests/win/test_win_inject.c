/*
 * Failure injection over a full probe of the in-memory machine
 * (fake_winapi.c): every counted Windows call N of a probe with trials on
 * two volumes, both --cross pairs and a --path on a share is failed in
 * turn, then every allocation N. For each run:
 *
 *   - no crash, and the probe returns ODX_OK (ODX_E_NOMEM when an
 *     allocation failed; ODX_E_NOT_FOUND for --volume C: when, without
 *     elevation, the one list of drive letters could not be read);
 *   - every handle is closed: searches, registry keys, files, devices,
 *     tokens, volume searches;
 *   - nothing the trial created is left, unless the failed call was the
 *     one that removes it (then the cleanup stage says so);
 *   - the report renders, parses back, and names the failed API with its
 *     code (an error record or a trial stage);
 *   - the exit code of its analysis is 1 or 2: this machine has a blocker.
 *
 * Usage: test_win_inject [DIR]: with DIR, one report per failed API is
 * saved there for the schema check (tests/schema/validate.py).
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_winapi.h"
#include "odx/alloc.h"
#include "odx/analysis.h"
#include "odx/probe.h"
#include "odx/report.h"

static struct fake_config machine;
static const char *volumes[] = {"C:", "D:"};
static const char *paths[] = {"\\\\srv\\share\\odx"};

static enum odx_status probe(struct odx_obs **obs)
{
    struct odx_probe_options o;
    char err[256];
    memset(&o, 0, sizeof(o));
    o.trial_size = ODX_TRIAL_SIZE_MIN;
    o.cross = true;
    o.volumes = volumes;
    o.n_volumes = 2;
    o.paths = paths;
    o.n_paths = 1;
    o.tool_version = "test";
    o.probe_time = "2026-01-01T00:00:00Z";
    *obs = NULL;
    return odx_probe_run(odx_backend_native(), &o, obs, err, sizeof(err));
}

static bool starts_with(const char *s, const char *prefix)
{
    return s && strncmp(s, prefix, strlen(prefix)) == 0 &&
           (s[strlen(prefix)] == 0 || s[strlen(prefix)] == '(');
}

static bool code_equal(struct odx_code a, struct odx_code b)
{
    return a.kind == b.kind && a.value == b.value;
}

/* Whether the observation names api with code (any code when any_code). */
static bool names(const struct odx_obs *obs, const char *api, struct odx_code code)
{
    for (size_t i = 0; i < obs->n_errors; i++)
        if (starts_with(obs->errors[i].api, api) && code_equal(obs->errors[i].code, code))
            return true;
    for (size_t t = 0; t < obs->n_trials; t++)
        for (int s = 0; s < ODX_STAGE_COUNT; s++)
            if (starts_with(obs->trials[t].stages[s].api, api) &&
                code_equal(obs->trials[t].stages[s].code, code))
                return true;
    return false;
}

/* Calls whose failure is an ordinary answer, not an error to report: VerQueryValueW says
 * "this version string is not there" that way. */
static bool silent(const char *api)
{
    return strcmp(api, "VerQueryValueW") == 0;
}

static void save(const char *dir, const char *api, const char *json, size_t len)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s\\%s.json", dir, api);
    f = fopen(path, "wb");
    if (!f || fwrite(json, 1, len, f) != len || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        check_failures++;
    }
}

/* Saved once per API. */
static char saved[128][64];
static size_t n_saved;

static bool first_time(const char *api)
{
    for (size_t i = 0; i < n_saved; i++)
        if (strcmp(saved[i], api) == 0)
            return false;
    if (n_saved < 128)
        snprintf(saved[n_saved++], sizeof(saved[0]), "%s", api);
    return true;
}

static void check_report(long n, const struct odx_obs *obs, const char *failed,
                         struct odx_code code, const char *dir)
{
    struct odx_analysis *an = NULL;
    struct odx_obs *back = NULL;
    char *json = NULL, err[256];
    size_t len = 0;
    int exit_code;

    if (odx_analyze(obs, &an) != ODX_OK || !an) {
        fprintf(stderr, "call %ld (%s): analysis failed\n", n, failed);
        check_failures++;
        return;
    }
    exit_code = odx_outcome_exit_code(an->outcome);
    if (exit_code != 1 && exit_code != 2) {
        fprintf(stderr, "call %ld (%s): exit code %d, expected 1 or 2\n", n, failed, exit_code);
        check_failures++;
    }
    if (odx_report_render(obs, an, &json, &len) != ODX_OK) {
        fprintf(stderr, "call %ld (%s): render failed\n", n, failed);
        check_failures++;
    } else if (odx_report_parse(json, len, &back, err, sizeof(err)) != ODX_OK) {
        fprintf(stderr, "call %ld (%s): parse failed: %s\n", n, failed, err);
        check_failures++;
    } else if (!silent(failed) && !names(back, failed, code)) {
        fprintf(stderr, "call %ld: the report does not name %s with code %u/0x%x\n", n, failed,
                (unsigned)code.kind, (unsigned)code.value);
        check_failures++;
    }
    if (json && dir && first_time(failed))
        save(dir, failed, json, len);
    odx_obs_free(back);
    odx_free(json);
    odx_analysis_free(an);
}

static long fail_each_call(const char *dir)
{
    struct odx_obs *obs = NULL;
    enum odx_status st;
    long total, n;

    fake_install(&machine);
    st = probe(&obs);
    total = fake_calls();
    fake_uninstall();
    CHECK_INT(st, ODX_OK);
    CHECK_INT(fake_open_handles(), 0);
    CHECK_INT(fake_leftovers(), 0);
    CHECK(obs && obs->n_trials == 5);
    odx_obs_free(obs);

    for (n = 1; n <= total; n++) {
        struct odx_code code;
        const char *failed;
        fake_install(&machine);
        fake_fail_at(n);
        st = probe(&obs);
        fake_uninstall();
        failed = fake_failed(&code);
        if (!failed) {
            fprintf(stderr, "call %ld was never made\n", n);
            check_failures++;
            odx_obs_free(obs);
            continue;
        }
        if (st == ODX_E_NOT_FOUND && machine.fm_denied &&
            (strcmp(failed, "FindFirstVolumeW") == 0 || strcmp(failed, "FindNextVolumeW") == 0 ||
             strcmp(failed, "GetVolumePathNamesForVolumeNameW") == 0)) {
            /* Without Filter Manager the Win32 volume list is the only source of drive
             * letters: --volume C: then names no volume, a usage error the user sees. */
        } else if (st != ODX_OK || !obs) {
            fprintf(stderr, "call %ld (%s): probe returned %s\n", n, failed, odx_status_name(st));
            check_failures++;
        }
        if (fake_open_handles() != 0) {
            fprintf(stderr, "call %ld (%s): %ld handle(s) left open\n", n, failed,
                    fake_open_handles());
            check_failures++;
        }
        if (fake_leftovers() != 0 && strcmp(failed, "RemoveDirectoryW") != 0) {
            fprintf(stderr, "call %ld (%s): %ld file(s) left behind\n", n, failed,
                    fake_leftovers());
            check_failures++;
        }
        if (obs)
            check_report(n, obs, failed, code, dir);
        odx_obs_free(obs);
    }
    return total;
}

static long fail_each_allocation(void)
{
    struct odx_obs *obs = NULL;
    enum odx_status st;
    long total, n;

    fake_install(&machine);
    odx_alloc_fail_after(-1);
    (void)odx_alloc_count();
    odx_alloc_fail_after(1000000000L);
    st = probe(&obs);
    total = odx_alloc_count();
    odx_alloc_fail_after(-1);
    fake_uninstall();
    CHECK_INT(st, ODX_OK);
    odx_obs_free(obs);

    for (n = 0; n < total; n++) {
        fake_install(&machine);
        odx_alloc_fail_after(n);
        st = probe(&obs);
        odx_alloc_fail_after(-1);
        fake_uninstall();
        if (st != ODX_E_NOMEM && st != ODX_OK) {
            fprintf(stderr, "allocation %ld: probe returned %s\n", n, odx_status_name(st));
            check_failures++;
        }
        if (st != ODX_OK && obs) {
            fprintf(stderr, "allocation %ld: an observation with a failure status\n", n);
            check_failures++;
        }
        if (fake_open_handles() != 0 || fake_leftovers() != 0) {
            fprintf(stderr, "allocation %ld: %ld handle(s) open, %ld file(s) left\n", n,
                    fake_open_handles(), fake_leftovers());
            check_failures++;
        }
        odx_obs_free(obs);
        obs = NULL;
    }
    return total;
}

int main(int argc, char **argv)
{
    const char *dir = argc > 1 ? argv[1] : NULL;
    long calls, allocations;
    if (dir)
        CreateDirectoryA(dir, NULL); /* may exist from an earlier run */
    /* An elevated server, then the same without elevation: Filter Manager refuses, the
     * registry fallback runs, and an ImagePath needs %SystemRoot% expanded. */
    fake_config_server(&machine);
    calls = fail_each_call(dir);
    allocations = fail_each_allocation();
    machine.elevated = false;
    machine.fm_denied = true;
    for (size_t i = 0; i < machine.n_reg; i++)
        if (machine.reg[i].value && strcmp(machine.reg[i].value, "ImagePath") == 0 &&
            strstr(machine.reg[i].key, "WdFilter"))
            machine.reg[i].str = "%SystemRoot%\\System32\\drivers\\wd\\WdFilter.sys";
    calls += fail_each_call(dir);
    allocations += fail_each_allocation();
    printf("failed each of %ld calls and each of %ld allocations\n", calls, allocations);
    CHECK_DONE();
}
