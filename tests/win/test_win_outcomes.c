/*
 * Each offload outcome a trial can meet, scripted on the in-memory machine
 * (fake_winapi.c), and the verdict the analysis gives for it: the codes
 * Filter Manager, the file system and the storage return [fact sheet 3],
 * a full disk on WriteFile and on SetEndOfFile, and a copy that differs.
 * The whole chain runs: back end, observation, odx_analyze.
 */
#include <string.h>

#include "check.h"
#include "fake_winapi.h"
#include "odx/analysis.h"
#include "odx/probe.h"

enum where {
    READ,
    WRITE,
    WRITEFILE,
    SETEOF,
    CORRUPT,
};

struct outcome {
    const char *what;
    enum where where;
    DWORD code;
    uint32_t extra_bits; /* SupportedFeatures of an extra filter on C:, or 0xf: all opt in */
    enum odx_verdict verdict;
    enum odx_stage_id stage;
};

static const struct outcome outcomes[] = {
    {"4440, a filter lacks offload read", READ, 4440, 0x2, ODX_VERDICT_BLOCKED_BY_FILTER,
     ODX_STAGE_OFFLOAD_READ},
    {"4440, every filter opts in", READ, 4440, 0xf, ODX_VERDICT_VETOED_IN_CODE,
     ODX_STAGE_OFFLOAD_READ},
    {"4441, a filter lacks offload write", WRITE, 4441, 0x1, ODX_VERDICT_BLOCKED_BY_FILTER,
     ODX_STAGE_OFFLOAD_WRITE},
    {"4441, every filter opts in", WRITE, 4441, 0xf, ODX_VERDICT_VETOED_IN_CODE,
     ODX_STAGE_OFFLOAD_WRITE},
    {"4442, the file cannot be read by offload", READ, 4442, 0xf, ODX_VERDICT_FILE_REFUSED,
     ODX_STAGE_OFFLOAD_READ},
    {"4443, the file cannot be written by offload", WRITE, 4443, 0xf, ODX_VERDICT_FILE_REFUSED,
     ODX_STAGE_OFFLOAD_WRITE},
    {"1, the file system has no offload", READ, 1, 0xf, ODX_VERDICT_UNSUPPORTED,
     ODX_STAGE_OFFLOAD_READ},
    {"50, not supported", READ, 50, 0xf, ODX_VERDICT_UNSUPPORTED, ODX_STAGE_OFFLOAD_READ},
    {"316, the storage has no offload", READ, 316, 0xf, ODX_VERDICT_UNSUPPORTED,
     ODX_STAGE_OFFLOAD_READ},
    {"321, no common copy manager", WRITE, 321, 0xf, ODX_VERDICT_UNSUPPORTED,
     ODX_STAGE_OFFLOAD_WRITE},
    {"315, the token is invalid", WRITE, 315, 0xf, ODX_VERDICT_TOKEN_PROBLEM,
     ODX_STAGE_OFFLOAD_WRITE},
    {"112 on WriteFile, disk full", WRITEFILE, 112, 0xf, ODX_VERDICT_UNKNOWN, ODX_STAGE_WRITE},
    {"112 on SetEndOfFile, disk full", SETEOF, 112, 0xf, ODX_VERDICT_UNKNOWN, ODX_STAGE_SET_SIZE},
    {"the copy differs from the source", CORRUPT, 0, 0xf, ODX_VERDICT_COPY_MISMATCH,
     ODX_STAGE_VERIFY},
};

static void run(const struct outcome *o)
{
    struct fake_config c;
    struct odx_probe_options opts;
    const char *volumes[] = {"C:"};
    struct odx_obs *obs = NULL;
    struct odx_analysis *an = NULL;
    const struct odx_result *r = NULL;
    struct fake_offload *b;
    char err[256];
    enum odx_status st;

    fake_config_server(&c);
    b = &c.volumes[0].offload; /* C: */
    switch (o->where) {
    case READ:
        b->read_error = o->code;
        break;
    case WRITE:
        b->write_error = o->code;
        break;
    case WRITEFILE:
        b->writefile_error = o->code;
        break;
    case SETEOF:
        b->set_eof_error = o->code;
        break;
    case CORRUPT:
        b->corrupt = true;
        break;
    }
    /* A third-party filter on C: with these bits (0xf: it opts in to everything). */
    c.instances[c.n_instances++] = (struct fake_instance){"\\Device\\HarddiskVolume3",
                                                          "VendorFlt",
                                                          "VendorFlt Instance",
                                                          "320500",
                                                          false,
                                                          0,
                                                          o->extra_bits};

    memset(&opts, 0, sizeof(opts));
    opts.trial_size = ODX_TRIAL_SIZE_DEFAULT;
    opts.volumes = volumes;
    opts.n_volumes = 1;
    opts.tool_version = "test";
    opts.probe_time = "2026-01-01T00:00:00Z";
    fake_install(&c);
    st = odx_probe_run(odx_backend_native(), &opts, &obs, err, sizeof(err));
    fake_uninstall();
    CHECK_INT(st, ODX_OK);
    CHECK_INT(fake_open_handles(), 0);
    CHECK_INT(fake_leftovers(), 0);
    if (st != ODX_OK || odx_analyze(obs, &an) != ODX_OK) {
        check_failures++;
        odx_obs_free(obs);
        return;
    }
    for (size_t i = 0; i < an->n_results; i++)
        if (an->results[i].target == ODX_TARGET_VOLUME &&
            odx_volume_matches(obs, an->results[i].volume, "C:"))
            r = &an->results[i];
    if (!r) {
        fprintf(stderr, "%s: no result for C:\n", o->what);
        check_failures++;
    } else {
        if (r->verdict != o->verdict) {
            fprintf(stderr, "%s: verdict %s, expected %s (%s)\n", o->what,
                    odx_verdict_name(r->verdict), odx_verdict_name(o->verdict),
                    r->headline ? r->headline : "");
            check_failures++;
        }
        if (o->where != CORRUPT) {
            CHECK_INT(r->code.kind, ODX_CODE_WIN32);
            CHECK_INT(r->code.value, o->code);
        } else {
            CHECK_INT(r->code.kind, ODX_CODE_ODX);
            CHECK_INT(r->code.value, ODX_E_MISMATCH);
        }
        CHECK_INT(r->stage, o->stage);
        if (o->verdict == ODX_VERDICT_BLOCKED_BY_FILTER)
            CHECK(r->n_blockers == 1 && strcmp(r->blockers[0].filter, "VendorFlt") == 0);
    }
    odx_analysis_free(an);
    odx_obs_free(obs);
}

int main(void)
{
    for (size_t i = 0; i < sizeof(outcomes) / sizeof(outcomes[0]); i++)
        run(&outcomes[i]);
    CHECK_DONE();
}
