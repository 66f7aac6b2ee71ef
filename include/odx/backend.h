/*
 * The back-end interface. A back end is one constant struct odx_backend: a
 * name and function pointers, NULL for what its platform does not have. It
 * only records observations into a struct odx_obs; the core decides what to
 * probe (probe.h) and what it means (analysis.h).
 *
 * Every slot returns ODX_OK when it did its job, even if OS calls failed:
 * those failures are observations, recorded with odx_obs_add_error() or in a
 * trial stage, so the report can say what went wrong. A slot returns an
 * error status only when the probe cannot go on (ODX_E_NOMEM) or was
 * interrupted (ODX_E_CANCELLED).
 */
#ifndef ODX_BACKEND_H
#define ODX_BACKEND_H

#include <stdint.h>

#include "odx/model.h"
#include "odx/status.h"

/* One thing to trial, chosen by the core. */
struct odx_target {
    enum odx_trial_scope scope;
    size_t volume;      /* source volume; ODX_NONE for a path on no known volume */
    size_t dest_volume; /* ODX_SCOPE_PAIR only */
    const char *path;   /* ODX_SCOPE_PATH only: the directory as the user gave it */
};

struct odx_backend {
    const char *name; /* "windows", "linux" */
    enum odx_platform platform;

    /* Fills obs->host except probe_time and tool_version (the core sets those). */
    enum odx_status (*host)(struct odx_obs *obs);

    /* Machine-wide switches: obs->features_mode. NULL: none on this platform. */
    enum odx_status (*policy)(struct odx_obs *obs);

    /* Every filter with its declared SupportedFeatures; sets obs->filters_listed. NULL: none. */
    enum odx_status (*filters)(struct odx_obs *obs);

    /*
     * Every volume (mount) with names, file system, instances (layers),
     * storage descriptor, and eligibility for a trial by the platform's
     * rules (eligible, skip_reason). Leaves `selected` alone, except that it
     * may clear it for volumes that hold no files (named pipes, mailslots).
     */
    enum odx_status (*volumes)(struct odx_obs *obs);

    /*
     * Which volume holds path: *volume = its index or ODX_NONE, *remote
     * whether the path is on another machine. ODX_E_NOT_FOUND when the path
     * does not exist (the user gets an error naming it).
     */
    enum odx_status (*locate)(struct odx_obs *obs, const char *path, size_t *volume,
                              enum odx_tri *remote);

    /*
     * Trials one target with files of size bytes, appending one trial record
     * per copy method it tries. Creates only new files of its own and removes
     * them on every path, recording the cleanup stage. NULL: no trials.
     */
    enum odx_status (*trial)(struct odx_obs *obs, const struct odx_target *target, uint64_t size);

    /*
     * Called from a signal or console-control handler: must be
     * async-signal-safe. Makes a running trial stop at its next step and
     * clean up. NULL: nothing to do.
     */
    void (*interrupt)(void);
};

/* The back end built for this platform, or NULL when there is none. */
const struct odx_backend *odx_backend_native(void);

#endif
