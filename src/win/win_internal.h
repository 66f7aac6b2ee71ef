/*
 * Private interfaces of the Windows back end (src/win). The back end only
 * observes: every Windows call goes through the seam (winapi.h), every
 * failure is recorded next to the call with the API's name and its raw
 * code, and nothing here decides what an observation means (analysis.c
 * does). Windows buffers are decoded with winparse.h, never cast.
 *
 * Memory: wide strings the back end builds are allocated with odx_malloc
 * and freed with odx_free by the function that made them; UTF-8 strings
 * that go into the observation are interned in it (odx_obs_str).
 */
#ifndef ODX_WIN_INTERNAL_H
#define ODX_WIN_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/backend.h"
#include "odx/model.h"
#include "odx/status.h"
#include "winapi.h"

/* Longest wide string the back end builds or accepts from Windows, in WCHARs (the NT path
 * limit; names longer than this come from a broken or hostile source). */
#define ODX_WIN_MAX_CHARS 32768u

/* Registry paths under HKEY_LOCAL_MACHINE [S5, S15]. */
#define ODX_WIN_SERVICES_KEY L"SYSTEM\\CurrentControlSet\\Services"

/* ---- Strings (win_util.c) ------------------------------------------------ */

/* UTF-8 -> new wide string (odx_free). ODX_E_BAD_UTF8, ODX_E_TOO_BIG, ODX_E_NOMEM. */
enum odx_status odx_win_wide(const char *utf8, WCHAR **out);

/* chars WCHARs of s (or up to its NUL when chars is SIZE_MAX) -> new UTF-8 string (odx_free).
 * Statuses of odx_winparse_utf16_to_utf8. */
enum odx_status odx_win_utf8(const WCHAR *s, size_t chars, char **out);

/* The same, interned in obs. */
enum odx_status odx_win_obs_utf8(struct odx_obs *obs, const WCHAR *s, size_t chars,
                                 const char **out);

/* Concatenates up to four wide strings (NULL ends the list early) into a new string. */
enum odx_status odx_win_concat(WCHAR **out, const WCHAR *a, const WCHAR *b, const WCHAR *c,
                               const WCHAR *d);

/* Length of s up to its NUL, at most max. */
size_t odx_win_wcsnlen(const WCHAR *s, size_t max);

/* ASCII case-insensitive comparisons, as Windows compares object names for our purposes. */
bool odx_win_wide_equal(const WCHAR *a, size_t alen, const WCHAR *b, size_t blen);
bool odx_win_wide_prefix(const WCHAR *s, const WCHAR *prefix);
bool odx_win_utf8_equal(const char *a, const char *b);

/* Little-endian reads from bytes (no alignment assumed). */
uint32_t odx_win_le32(const uint8_t *p);

/* ---- Recording ----------------------------------------------------------- */

/* Records an error; target (UTF-8 or wide) and detail may be NULL. Returns ODX_E_NOMEM or
 * ODX_OK. */
enum odx_status odx_win_error(struct odx_obs *obs, const char *api, const char *target,
                              struct odx_code code, const char *detail);
enum odx_status odx_win_error_w(struct odx_obs *obs, const char *api, const WCHAR *target,
                                struct odx_code code, const char *detail);

static inline struct odx_code odx_win32_code(DWORD e)
{
    struct odx_code c = {ODX_CODE_WIN32, (uint32_t)e};
    return c;
}
static inline struct odx_code odx_hr_code(HRESULT hr)
{
    struct odx_code c = {ODX_CODE_HRESULT, (uint32_t)hr};
    return c;
}
static inline struct odx_code odx_nt_code(LONG st)
{
    struct odx_code c = {ODX_CODE_NTSTATUS, (uint32_t)st};
    return c;
}
static inline struct odx_code odx_odx_code(enum odx_status st)
{
    struct odx_code c = {ODX_CODE_ODX, (uint32_t)st};
    return c;
}

/* A decoder's failure: ODX_E_NOMEM passes through, anything else becomes an error record
 * (code kind ODX) and ODX_OK. */
enum odx_status odx_win_decode_error(struct odx_obs *obs, const char *api, const char *target,
                                     enum odx_status st, const char *what);

/* ---- Registry (win_registry.c) ------------------------------------------- */

/*
 * Reads a REG_DWORD value of HKLM\subkey into *out: PRESENT with the value,
 * ABSENT when the key or the value does not exist, ERROR with the code
 * otherwise (a value of another type or size: {ODX_CODE_ODX, ODX_E_MALFORMED}).
 * Errors are also recorded with the API's name. Returns ODX_E_NOMEM or ODX_OK.
 */
enum odx_status odx_win_reg_dword(struct odx_obs *obs, const WCHAR *subkey, const WCHAR *value,
                                  struct odx_setting *out);

/*
 * Reads a REG_SZ or REG_EXPAND_SZ value into a new wide string (odx_free);
 * *out is NULL when the key or value is absent or could not be read (then
 * recorded). Returns ODX_E_NOMEM or ODX_OK.
 */
enum odx_status odx_win_reg_string(struct odx_obs *obs, const WCHAR *subkey, const WCHAR *value,
                                   WCHAR **out);

/* ---- Driver images (win_filters.c) ---------------------------------------- */

/*
 * The file a service's ImagePath names, as a new wide string (odx_free):
 * "\SystemRoot\..." and relative paths under the Windows directory,
 * "\??\C:\..." without its NT prefix, %VARIABLES% expanded. *out is NULL
 * when a call it needs fails (recorded in obs). Returns ODX_E_NOMEM or ODX_OK.
 */
enum odx_status odx_win_image_file(struct odx_obs *obs, const WCHAR *image, WCHAR **out);

/* ---- Slots --------------------------------------------------------------- */

enum odx_status odx_win_host(struct odx_obs *obs);    /* win_host.c */
enum odx_status odx_win_policy(struct odx_obs *obs);  /* win_host.c */
enum odx_status odx_win_filters(struct odx_obs *obs); /* win_filters.c */
enum odx_status odx_win_volumes(struct odx_obs *obs); /* win_volumes.c */
enum odx_status odx_win_locate(struct odx_obs *obs, const char *path, size_t *volume,
                               enum odx_tri *remote); /* win_trial.c */
enum odx_status odx_win_trial(struct odx_obs *obs, const struct odx_target *target,
                              uint64_t size); /* win_trial.c */
void odx_win_interrupt(void);                 /* win_trial.c */

/* Clears the interrupt flag; the host slot calls it at the start of a probe. */
void odx_win_interrupt_reset(void);

/*
 * Whether a trial is running right now (it may have files on disk). The
 * console control handler waits for this to become false before it lets
 * Windows end the process. Async-safe: reads one interlocked counter.
 */
bool odx_win_trial_busy(void);

/* ---- Filter Manager searches (win_fltmgr.c) ------------------------------ */

enum odx_fm_family {
    ODX_FM_FILTERS = 0, /* FilterFindFirst/Next/Close */
    ODX_FM_VOLUMES,     /* FilterVolumeFindFirst/Next/Close */
    ODX_FM_INSTANCES,   /* FilterVolumeInstanceFindFirst/Next/Close */
};

/* First size of an enumeration buffer, and the cap it may grow to on
 * ERROR_INSUFFICIENT_BUFFER. One record with four 255-character names, or a
 * 1024-character volume name, needs a few KiB [S1 *_NAME_MAX_CHARS]. */
#define ODX_FM_FIRST_BYTES 512u
#define ODX_FM_MAX_BYTES   (64u * 1024u)

/* One search: caller storage, initialised with odx_fm_init, ended with odx_fm_close. */
struct odx_fm_search {
    enum odx_fm_family family;
    const WCHAR *volume; /* ODX_FM_INSTANCES: the volume name (borrowed) */
    HANDLE handle;       /* INVALID_HANDLE_VALUE until FindFirst succeeds */
    bool started;
    uint8_t *buf;
    DWORD size; /* bytes allocated */
    DWORD used; /* bytes the last successful call returned */
};

void odx_fm_init(struct odx_fm_search *s, enum odx_fm_family family, const WCHAR *volume);

/*
 * The next batch of entries into s->buf[0..s->used): FindFirst the first
 * time, FindNext after, growing the buffer and retrying on
 * ERROR_INSUFFICIENT_BUFFER up to ODX_FM_MAX_BYTES. *hr is the call's
 * HRESULT (S_OK, HRESULT_FROM_WIN32(ERROR_NO_MORE_ITEMS) at the end, or a
 * failure), *api the name of the call that gave it. Returns ODX_E_NOMEM, or
 * ODX_E_TOO_BIG when a record needs more than the cap (then *hr is the
 * call's ERROR_INSUFFICIENT_BUFFER), else ODX_OK.
 */
enum odx_status odx_fm_next(struct odx_fm_search *s, HRESULT *hr, const char **api);

/* What odx_fm_step got. */
enum odx_fm_got {
    ODX_FM_RECORDS, /* s->buf holds entries */
    ODX_FM_END,     /* the enumeration is complete */
    ODX_FM_FAILED,  /* a call failed; the error is recorded, the listing is incomplete */
};

/*
 * odx_fm_next with its failures recorded in obs: a record over the cap, or
 * a failing call (with denied_hint as the detail when it was
 * E_ACCESSDENIED). *hr and *api as odx_fm_next sets them. Returns
 * ODX_E_NOMEM or ODX_OK.
 */
enum odx_status odx_fm_step(struct odx_fm_search *s, struct odx_obs *obs, const char *target,
                            const char *denied_hint, enum odx_fm_got *got, HRESULT *hr,
                            const char **api);

/* Closes the search if open (recording a failed close) and frees the buffer. Returns
 * ODX_E_NOMEM or ODX_OK. */
enum odx_status odx_fm_close(struct odx_fm_search *s, struct odx_obs *obs, const char *target);

#define ODX_HR_NO_MORE_ITEMS ((HRESULT)0x80070103) /* HRESULT_FROM_WIN32(259) [S2, S3] */
#define ODX_HR_INSUFFICIENT  ((HRESULT)0x8007007A) /* HRESULT_FROM_WIN32(122) [S2, S3] */
#define ODX_HR_MORE_DATA     ((HRESULT)0x800700EA) /* HRESULT_FROM_WIN32(234) [S3] */
#define ODX_HR_ACCESS_DENIED ((HRESULT)0x80070005) /* E_ACCESSDENIED [S3] */

/* ---- Clock ---------------------------------------------------------------- */

/* Microseconds on the performance counter (0 when it fails, which it does not on any
 * supported Windows). */
uint64_t odx_win_now_us(void);

#endif
