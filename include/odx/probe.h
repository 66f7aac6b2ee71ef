/*
 * The probe driver: runs a back end's slots in order, decides which targets
 * to trial (the user's selection and the back end's eligibility rules), and
 * returns the observation. Nothing here touches the OS itself.
 */
#ifndef ODX_PROBE_H
#define ODX_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/backend.h"
#include "odx/model.h"

#define ODX_TRIAL_SIZE_DEFAULT (1024u * 1024u)
/* The copy engine skips files below 256 KiB for offload [S9, S15]. */
#define ODX_TRIAL_SIZE_MIN     (256u * 1024u)
#define ODX_TRIAL_SIZE_MAX     (1024u * 1024u * 1024u)
/* Trial sizes are multiples of this: every logical sector size in use divides it. */
#define ODX_TRIAL_SIZE_ALIGN   4096u
/* --cross tries at most this many ordered volume pairs. */
#define ODX_MAX_PAIRS          64u

struct odx_probe_options {
    bool static_only; /* --static: no trial, nothing written */
    bool cross;       /* --cross */
    uint64_t trial_size;
    const char *const *volumes; /* --volume, repeatable */
    size_t n_volumes;
    const char *const *paths; /* --path, repeatable */
    size_t n_paths;
    const char *tool_version;
    const char *probe_time; /* UTC ISO 8601; the CLI reads the clock */
};

/*
 * Probes with backend be. On ODX_OK, *out owns the observation (free with
 * odx_obs_free). A --volume that names no volume, or a --path the back end
 * cannot find, gives ODX_E_NOT_FOUND and its name in err. ODX_E_INVAL for
 * a trial size out of range or not aligned. ODX_E_NOMEM. On interruption
 * the observation so far is returned with run.interrupted set.
 */
enum odx_status odx_probe_run(const struct odx_backend *be, const struct odx_probe_options *opts,
                              struct odx_obs **out, char *err, size_t errsize);

/* Async-signal-safe: stop the running probe (Ctrl+C). */
void odx_probe_interrupt(void);

#endif
