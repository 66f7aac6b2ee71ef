/*
 * Linux back end, the live probe's private interface: the slots of struct
 * odx_backend (backend.c: host, volumes, locate; trial.c: trial) and the
 * helpers they share. Every OS call goes through sysapi.h.
 */
#ifndef ODX_LINUX_PROBE_INTERNAL_H
#define ODX_LINUX_PROBE_INTERNAL_H

#include "sysapi.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/backend.h"
#include "odx/model.h"
#include "odx/status.h"

/* Set from a signal handler by odx_linux_interrupt; cleared when a probe starts. */
extern volatile sig_atomic_t odx_linux_interrupted;

/* The interrupt slot: async-signal-safe. */
void odx_linux_interrupt(void);

/* The trial slot (trial.c). */
enum odx_status odx_linux_trial(struct odx_obs *obs, const struct odx_target *target,
                                uint64_t size);

/*
 * Whether a call that failed with err should be made again: EINTR while the
 * probe was not interrupted. A signal without SA_RESTART (ours) interrupts
 * slow calls; the probe's own Ctrl+C must stop it instead.
 */
static inline bool odx_linux_again(int err)
{
    return err == EINTR && !odx_linux_interrupted;
}

/*
 * Reads the whole file at path (at most max bytes, ODX_E_TOO_BIG beyond)
 * into a new NUL-terminated buffer owned by the caller (odx_free). On
 * ODX_E_OS, *api names the failed call and *err holds its errno; ODX_E_NOMEM;
 * ODX_E_CANCELLED when interrupted.
 */
enum odx_status odx_linux_read_file(const char *path, size_t max, char **out, size_t *len,
                                    const char **api, int *err);

/* Records an OS failure as an observation error: {ODX_CODE_ERRNO, err}. */
enum odx_status odx_linux_add_errno(struct odx_obs *obs, const char *api, const char *target,
                                    int err, const char *detail);

/* Microseconds on CLOCK_MONOTONIC (0 when the clock cannot be read). */
uint64_t odx_linux_now_us(void);

#endif
