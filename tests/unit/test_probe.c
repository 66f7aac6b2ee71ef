/*
 * The probe driver (probe.c) with a back end written here: which targets it
 * trials for each selection (none, --volume, --path, --cross, --static),
 * eligibility, errors from slots, and interruption.
 */
#include "check.h"
#include "odx/probe.h"

#include <string.h>

/* What the scripted back end saw. */
static struct {
    int trials;
    struct odx_target seen[16];
    enum odx_status volumes_status; /* what the volumes slot returns */
    bool interrupt_in_trial;        /* the first trial presses Ctrl+C */
    int interrupts;                 /* calls of the interrupt slot */
} bk;

static enum odx_status fake_host(struct odx_obs *obs)
{
    return odx_obs_str(obs, "testhost", &obs->host.name);
}

/* C: and E: eligible NTFS, F: a removable FAT volume the probe skips. */
static enum odx_status fake_volumes(struct odx_obs *obs)
{
    static const char *const dos[] = {"C:", "E:", "F:"};
    size_t i, idx;
    struct odx_volume *v;
    enum odx_status st;
    for (i = 0; i < 3; i++) {
        if ((st = odx_obs_add_volume(obs, &v, &idx)) != ODX_OK)
            return st;
        v->eligible = i < 2;
        if (!v->eligible && (st = odx_obs_str(obs, "removable", &v->skip_reason)) != ODX_OK)
            return st;
        if ((st = odx_obs_add_dos_name(obs, idx, dos[i])) != ODX_OK)
            return st;
    }
    return bk.volumes_status;
}

static enum odx_status fake_locate(struct odx_obs *obs, const char *path, size_t *volume,
                                   enum odx_tri *remote)
{
    (void)obs;
    if (strcmp(path, "\\\\srv\\share") == 0) {
        *volume = ODX_NONE;
        *remote = ODX_TRI_YES;
        return ODX_OK;
    }
    if (strncmp(path, "E:\\", 3) == 0) {
        *volume = 1;
        *remote = ODX_TRI_NO;
        return ODX_OK;
    }
    return ODX_E_NOT_FOUND;
}

static enum odx_status fake_trial(struct odx_obs *obs, const struct odx_target *t, uint64_t size)
{
    struct odx_trial *tr;
    size_t idx;
    enum odx_status st;
    if (bk.trials < 16)
        bk.seen[bk.trials] = *t;
    bk.trials++;
    if ((st = odx_obs_add_trial(obs, &tr, &idx)) != ODX_OK)
        return st;
    tr->scope = t->scope;
    tr->volume = t->volume;
    tr->dest_volume = t->dest_volume;
    tr->size = size;
    if (bk.interrupt_in_trial) {
        odx_probe_interrupt();
        return ODX_E_CANCELLED;
    }
    return ODX_OK;
}

static void fake_interrupt(void)
{
    bk.interrupts++;
}

static const struct odx_backend fake = {
    .name = "test",
    .platform = ODX_PLATFORM_WINDOWS,
    .host = fake_host,
    .policy = NULL,
    .filters = NULL,
    .volumes = fake_volumes,
    .locate = fake_locate,
    .trial = fake_trial,
    .interrupt = fake_interrupt,
};

static struct odx_probe_options options(void)
{
    struct odx_probe_options o;
    memset(&o, 0, sizeof(o));
    o.trial_size = ODX_TRIAL_SIZE_DEFAULT;
    o.tool_version = "0.0.test";
    o.probe_time = "2026-11-24T00:00:00Z";
    return o;
}

static struct odx_obs *probe(const struct odx_probe_options *o, enum odx_status want,
                             const char *err_has)
{
    struct odx_obs *obs = NULL;
    char err[256];
    enum odx_status st;
    bk.trials = 0;
    bk.interrupts = 0;
    st = odx_probe_run(&fake, o, &obs, err, sizeof(err));
    CHECK_INT(st, want);
    if (err_has && !strstr(err, err_has)) {
        fprintf(stderr, "error \"%s\" lacks \"%s\"\n", err, err_has);
        check_failures++;
    }
    if (st != ODX_OK)
        CHECK(obs == NULL);
    return obs;
}

int main(void)
{
    struct odx_probe_options o = options();
    struct odx_obs *obs;
    const char *vols[] = {"f:"}, *bad[] = {"Q:"}, *paths[] = {"\\\\srv\\share", "E:\\data"};
    const char *nopath[] = {"X:\\nowhere"};

    /* No target named: every eligible volume, nothing else; the run is recorded. */
    obs = probe(&o, ODX_OK, NULL);
    CHECK_INT(bk.trials, 2);
    CHECK_U64(bk.seen[0].volume, 0);
    CHECK_U64(bk.seen[1].volume, 1);
    CHECK(obs->volumes[2].selected);
    CHECK_STR(obs->host.name, "testhost");
    CHECK_STR(obs->host.tool_version, "0.0.test");
    CHECK_STR(obs->backend, "test");
    CHECK_U64(obs->run.trial_size, ODX_TRIAL_SIZE_DEFAULT);
    CHECK(!obs->run.interrupted);
    odx_obs_free(obs);

    /* --volume names an ineligible volume: only it, and it is tried anyway. */
    o.volumes = vols;
    o.n_volumes = 1;
    obs = probe(&o, ODX_OK, NULL);
    CHECK_INT(bk.trials, 1);
    CHECK_U64(bk.seen[0].volume, 2);
    CHECK(!obs->volumes[0].selected && !obs->volumes[1].selected && obs->volumes[2].selected);
    CHECK_U64(obs->run.n_volumes, 1);
    odx_obs_free(obs);

    /* A --volume that matches nothing is the user's error, named. */
    o.volumes = bad;
    obs = probe(&o, ODX_E_NOT_FOUND, "no volume matches 'Q:'");
    o.volumes = NULL;
    o.n_volumes = 0;

    /* --static: nothing is trialled. */
    o.static_only = true;
    obs = probe(&o, ODX_OK, NULL);
    CHECK_INT(bk.trials, 0);
    CHECK(obs->run.static_only);
    odx_obs_free(obs);
    o.static_only = false;

    /* --cross: both ordered pairs of the eligible volumes, after the volumes. */
    o.cross = true;
    obs = probe(&o, ODX_OK, NULL);
    CHECK_INT(bk.trials, 4);
    CHECK_INT(bk.seen[2].scope, ODX_SCOPE_PAIR);
    CHECK_U64(bk.seen[2].volume, 0);
    CHECK_U64(bk.seen[2].dest_volume, 1);
    CHECK_U64(bk.seen[3].volume, 1);
    CHECK_U64(bk.seen[3].dest_volume, 0);
    odx_obs_free(obs);
    o.cross = false;

    /* --path only: no volume trial, one path trial each, located by the back end. */
    o.paths = paths;
    o.n_paths = 2;
    obs = probe(&o, ODX_OK, NULL);
    CHECK_INT(bk.trials, 2);
    CHECK_INT(bk.seen[0].scope, ODX_SCOPE_PATH);
    CHECK_U64(bk.seen[0].volume, ODX_NONE);
    CHECK_STR(bk.seen[1].path, "E:\\data");
    CHECK_U64(bk.seen[1].volume, 1);
    CHECK(!obs->volumes[0].selected);
    odx_obs_free(obs);
    o.paths = nopath;
    o.n_paths = 1;
    obs = probe(&o, ODX_E_NOT_FOUND, "no such directory: 'X:\\nowhere'");
    o.paths = NULL;
    o.n_paths = 0;

    /* Trial sizes out of range or unaligned. */
    o.trial_size = 100 * 1024;
    obs = probe(&o, ODX_E_INVAL, "multiple of 4 KiB");
    o.trial_size = ODX_TRIAL_SIZE_MAX + 4096;
    obs = probe(&o, ODX_E_INVAL, NULL);
    o.trial_size = ODX_TRIAL_SIZE_DEFAULT + 512;
    obs = probe(&o, ODX_E_INVAL, NULL);
    o.trial_size = ODX_TRIAL_SIZE_DEFAULT;

    /* A slot that gives up leaves an error record; the probe goes on. */
    bk.volumes_status = ODX_E_OS;
    obs = probe(&o, ODX_OK, NULL);
    CHECK_U64(obs->n_errors, 1);
    CHECK_STR(obs->errors[0].api, "volumes");
    CHECK_INT(obs->errors[0].code.kind, ODX_CODE_ODX);
    CHECK_U64(obs->errors[0].code.value, ODX_E_OS);
    CHECK_INT(bk.trials, 2);
    odx_obs_free(obs);
    bk.volumes_status = ODX_OK;

    /* Ctrl+C during the first trial: the back end is told, no further trial, and the
     * observation so far comes back marked interrupted. */
    bk.interrupt_in_trial = true;
    obs = probe(&o, ODX_OK, NULL);
    CHECK_INT(bk.trials, 1);
    CHECK_INT(bk.interrupts, 1);
    CHECK(obs->run.interrupted);
    CHECK_U64(obs->n_trials, 1);
    odx_obs_free(obs);
    bk.interrupt_in_trial = false;

    /* A later run starts afresh. */
    obs = probe(&o, ODX_OK, NULL);
    CHECK(!obs->run.interrupted);
    CHECK_INT(bk.trials, 2);
    odx_obs_free(obs);
    CHECK_DONE();
}
