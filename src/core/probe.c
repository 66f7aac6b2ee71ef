/*
 * The probe driver: calls a back end's slots in a fixed order, applies the
 * user's selection (--volume, --path, as df does with and without
 * arguments) and the back end's eligibility, and asks for the trials. It
 * records; it never concludes (that is analysis.c) and never prints.
 */
#include "odx/probe.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"

static volatile sig_atomic_t interrupted;
/* Read by the signal handler: a pointer store is atomic on every platform we build for. */
static const struct odx_backend *volatile running;

void odx_probe_interrupt(void)
{
    const struct odx_backend *be = running;
    interrupted = 1;
    if (be && be->interrupt)
        be->interrupt();
}

/* err = prefix + quoted name + suffix; fixed shapes keep format strings literal. */
static enum odx_status set_err(char *err, size_t errsize, enum odx_status st, const char *prefix,
                               const char *name, const char *suffix)
{
    if (err && errsize)
        snprintf(err, errsize, "%s%s%s", prefix, name ? name : "", suffix);
    return st;
}

/* Fatal statuses end the probe; anything else a slot returns is recorded and the probe goes on. */
static bool fatal(enum odx_status st)
{
    return st == ODX_E_NOMEM || st == ODX_E_CANCELLED;
}

static enum odx_status call_slot(struct odx_obs *obs, const char *slot,
                                 enum odx_status (*fn)(struct odx_obs *))
{
    enum odx_status st;
    if (!fn)
        return ODX_OK;
    st = fn(obs);
    if (st == ODX_OK || fatal(st))
        return st;
    /* A back end that gives up on a slot still leaves a report saying so. */
    return odx_obs_add_error(obs, slot, NULL, (struct odx_code){ODX_CODE_ODX, (uint32_t)st},
                             "the back end could not complete this step");
}

static enum odx_status record_run(struct odx_obs *obs, const struct odx_probe_options *opts)
{
    enum odx_status st;
    size_t i;
    obs->run.static_only = opts->static_only;
    obs->run.cross = opts->cross;
    obs->run.trial_size = opts->trial_size;
    for (i = 0; i < opts->n_volumes; i++)
        if ((st = odx_obs_add_run_volume(obs, opts->volumes[i])) != ODX_OK)
            return st;
    for (i = 0; i < opts->n_paths; i++)
        if ((st = odx_obs_add_run_path(obs, opts->paths[i])) != ODX_OK)
            return st;
    if ((st = odx_obs_str(obs, opts->tool_version, &obs->host.tool_version)) != ODX_OK)
        return st;
    return odx_obs_str(obs, opts->probe_time, &obs->host.probe_time);
}

/* Marks the volumes the user named; ODX_E_NOT_FOUND names the first --volume that matched none. */
static enum odx_status select_volumes(struct odx_obs *obs, const struct odx_probe_options *opts,
                                      char *err, size_t errsize)
{
    size_t i, v;
    if (opts->n_volumes == 0 && opts->n_paths == 0)
        return ODX_OK; /* no target named: every volume, as the back end left them */
    for (v = 0; v < obs->n_volumes; v++)
        obs->volumes[v].selected = false;
    for (i = 0; i < opts->n_volumes; i++) {
        bool found = false;
        for (v = 0; v < obs->n_volumes; v++) {
            if (odx_volume_matches(obs, v, opts->volumes[i])) {
                obs->volumes[v].selected = true;
                found = true;
            }
        }
        if (!found)
            return set_err(err, errsize, ODX_E_NOT_FOUND, "no volume matches '", opts->volumes[i],
                           "'");
    }
    return ODX_OK;
}

/* A volume is trialled when it is selected and eligible, or when the user named it. */
static bool trial_volume(const struct odx_obs *obs, const struct odx_probe_options *opts, size_t v)
{
    const struct odx_volume *vol = &obs->volumes[v];
    size_t i;
    if (!vol->selected)
        return false;
    if (vol->eligible)
        return true;
    for (i = 0; i < opts->n_volumes; i++)
        if (odx_volume_matches(obs, v, opts->volumes[i]))
            return true;
    return false;
}

static enum odx_status run_target(const struct odx_backend *be, struct odx_obs *obs,
                                  const struct odx_target *t, uint64_t size)
{
    enum odx_status st;
    if (interrupted)
        return ODX_E_CANCELLED;
    st = be->trial(obs, t, size);
    if (st == ODX_OK || fatal(st))
        return st;
    return odx_obs_add_error(obs, "trial", t->path, (struct odx_code){ODX_CODE_ODX, (uint32_t)st},
                             "the back end could not complete this trial");
}

static enum odx_status run_trials(const struct odx_backend *be, struct odx_obs *obs,
                                  const struct odx_probe_options *opts, const size_t *path_volume)
{
    struct odx_target t;
    size_t v, w, pairs = 0, i;
    enum odx_status st;
    for (v = 0; v < obs->n_volumes; v++) {
        if (!trial_volume(obs, opts, v))
            continue;
        memset(&t, 0, sizeof(t));
        t.scope = ODX_SCOPE_VOLUME;
        t.volume = v;
        t.dest_volume = ODX_NONE;
        if ((st = run_target(be, obs, &t, opts->trial_size)) != ODX_OK)
            return st;
    }
    if (opts->cross) {
        for (v = 0; v < obs->n_volumes; v++) {
            for (w = 0; w < obs->n_volumes; w++) {
                if (v == w || !trial_volume(obs, opts, v) || !trial_volume(obs, opts, w))
                    continue;
                if (pairs == ODX_MAX_PAIRS) {
                    st = odx_obs_add_error(obs, "--cross", NULL,
                                           (struct odx_code){ODX_CODE_ODX, ODX_E_TOO_BIG},
                                           "more volume pairs than odxprobe tries; name "
                                           "volumes with --volume to choose the pairs");
                    goto paths;
                }
                memset(&t, 0, sizeof(t));
                t.scope = ODX_SCOPE_PAIR;
                t.volume = v;
                t.dest_volume = w;
                if ((st = run_target(be, obs, &t, opts->trial_size)) != ODX_OK)
                    return st;
                pairs++;
            }
        }
    }
paths:
    for (i = 0; i < opts->n_paths; i++) {
        memset(&t, 0, sizeof(t));
        t.scope = ODX_SCOPE_PATH;
        t.volume = path_volume[i];
        t.dest_volume = ODX_NONE;
        t.path = opts->paths[i];
        if ((st = run_target(be, obs, &t, opts->trial_size)) != ODX_OK)
            return st;
    }
    return ODX_OK;
}

enum odx_status odx_probe_run(const struct odx_backend *be, const struct odx_probe_options *opts,
                              struct odx_obs **out, char *err, size_t errsize)
{
    struct odx_obs *obs = NULL;
    size_t *path_volume = NULL;
    size_t i;
    enum odx_status st;

    *out = NULL;
    if (err && errsize)
        err[0] = '\0';
    if (opts->trial_size < ODX_TRIAL_SIZE_MIN || opts->trial_size > ODX_TRIAL_SIZE_MAX ||
        opts->trial_size % ODX_TRIAL_SIZE_ALIGN != 0)
        return set_err(err, errsize, ODX_E_INVAL,
                       "the trial size must be a multiple of 4 KiB between 256 KiB and 1 GiB", NULL,
                       "");
    if ((st = odx_obs_new(&obs)) != ODX_OK)
        return st;
    obs->platform = be->platform;
    interrupted = 0;
    running = be;
    if ((st = odx_obs_str(obs, be->name, &obs->backend)) != ODX_OK ||
        (st = record_run(obs, opts)) != ODX_OK)
        goto out;

    if ((st = call_slot(obs, "host", be->host)) != ODX_OK ||
        (st = call_slot(obs, "policy", be->policy)) != ODX_OK ||
        (st = call_slot(obs, "filters", be->filters)) != ODX_OK ||
        (st = call_slot(obs, "volumes", be->volumes)) != ODX_OK)
        goto out;
    if ((st = select_volumes(obs, opts, err, errsize)) != ODX_OK)
        goto out;

    if (opts->n_paths) {
        path_volume = odx_calloc(opts->n_paths, sizeof(*path_volume));
        if (!path_volume) {
            st = ODX_E_NOMEM;
            goto out;
        }
    }
    for (i = 0; i < opts->n_paths; i++) {
        enum odx_tri remote = ODX_TRI_UNKNOWN;
        path_volume[i] = ODX_NONE;
        if (!be->locate) {
            st = set_err(err, errsize, ODX_E_UNSUPPORTED, "--path is not supported by the ",
                         be->name, " back end");
            goto out;
        }
        st = be->locate(obs, opts->paths[i], &path_volume[i], &remote);
        if (st == ODX_E_NOT_FOUND) {
            set_err(err, errsize, st, "no such directory: '", opts->paths[i], "'");
            goto out;
        }
        if (st != ODX_OK)
            goto out;
    }

    if (!opts->static_only && be->trial && (st = run_trials(be, obs, opts, path_volume)) != ODX_OK)
        goto out;
    obs->run.interrupted = interrupted != 0;
out:
    running = NULL;
    odx_free(path_volume);
    if (st == ODX_E_CANCELLED) {
        /* Interrupted: what was observed so far is still a valid report. */
        obs->run.interrupted = true;
        st = ODX_OK;
    }
    if (st != ODX_OK) {
        odx_obs_free(obs);
        return st;
    }
    *out = obs;
    return ODX_OK;
}
