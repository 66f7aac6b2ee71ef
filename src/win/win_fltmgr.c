/*
 * Filter Manager searches: the FindFirst / FindNext / FindClose loop of the
 * three fltlib families the back end uses, with a buffer that grows on
 * ERROR_INSUFFICIENT_BUFFER up to a cap (fltlib reports the size it needs in
 * *lpBytesReturned [S2]). Decoding the records is the caller's job, with
 * winparse.h.
 *
 * Whether a too-small FindNext moves the search's cursor is not documented
 * [S2, fact sheet 1.1]. The loop retries the same call with the size asked
 * for, which returns the same entry if the cursor stayed; had it moved, one
 * entry would be lost, never read twice.
 */
#include "win_internal.h"

#include "odx/alloc.h"

static const char *const names[3][3] = {
    {"FilterFindFirst", "FilterFindNext", "FilterFindClose"},
    {"FilterVolumeFindFirst", "FilterVolumeFindNext", "FilterVolumeFindClose"},
    {"FilterVolumeInstanceFindFirst", "FilterVolumeInstanceFindNext",
     "FilterVolumeInstanceFindClose"},
};

void odx_fm_init(struct odx_fm_search *s, enum odx_fm_family family, const WCHAR *volume)
{
    s->family = family;
    s->volume = volume;
    s->handle = INVALID_HANDLE_VALUE;
    s->started = false;
    s->buf = NULL;
    s->size = 0;
    s->used = 0;
}

static HRESULT call(struct odx_fm_search *s, DWORD *returned)
{
    const struct odx_winapi *w = odx_winapi_get();
    HANDLE h = INVALID_HANDLE_VALUE;
    HRESULT hr;
    *returned = 0;
    if (!s->started) {
        /* Information classes: FilterAggregateStandardInformation (2), FilterVolumeStandard-
         * Information (1), InstanceAggregateStandardInformation (3) [S1, S3]. */
        switch (s->family) {
        case ODX_FM_FILTERS:
            hr = w->FilterFindFirst(FilterAggregateStandardInformation, s->buf, s->size, returned,
                                    &h);
            break;
        case ODX_FM_VOLUMES:
            hr = w->FilterVolumeFindFirst(FilterVolumeStandardInformation, s->buf, s->size,
                                          returned, &h);
            break;
        default:
            hr = w->FilterVolumeInstanceFindFirst(s->volume, InstanceAggregateStandardInformation,
                                                  s->buf, s->size, returned, &h);
            break;
        }
        if (hr == S_OK) {
            s->handle = h;
            s->started = true;
        }
        return hr;
    }
    switch (s->family) {
    case ODX_FM_FILTERS:
        return w->FilterFindNext(s->handle, FilterAggregateStandardInformation, s->buf, s->size,
                                 returned);
    case ODX_FM_VOLUMES:
        return w->FilterVolumeFindNext(s->handle, FilterVolumeStandardInformation, s->buf, s->size,
                                       returned);
    default:
        return w->FilterVolumeInstanceFindNext(s->handle, InstanceAggregateStandardInformation,
                                               s->buf, s->size, returned);
    }
}

enum odx_status odx_fm_next(struct odx_fm_search *s, HRESULT *hr, const char **api)
{
    DWORD returned = 0;
    int tries;
    *api = names[s->family][s->started ? 1 : 0];
    s->used = 0;
    if (!s->buf) {
        if (!(s->buf = odx_malloc(ODX_FM_FIRST_BYTES)))
            return ODX_E_NOMEM;
        s->size = ODX_FM_FIRST_BYTES;
    }
    /* Each round at least doubles the buffer, so a few rounds reach the cap. */
    for (tries = 0; tries < 16; tries++) {
        DWORD want;
        uint8_t *grown;
        *hr = call(s, &returned);
        if (*hr != ODX_HR_INSUFFICIENT) {
            if (*hr == S_OK)
                s->used = returned <= s->size ? returned : s->size;
            return ODX_OK;
        }
        want = returned > s->size ? returned : s->size * 2;
        if (want > ODX_FM_MAX_BYTES) {
            if (s->size >= ODX_FM_MAX_BYTES)
                return ODX_E_TOO_BIG;
            want = ODX_FM_MAX_BYTES;
        }
        if (!(grown = odx_realloc(s->buf, want)))
            return ODX_E_NOMEM;
        s->buf = grown;
        s->size = want;
    }
    return ODX_E_TOO_BIG;
}

enum odx_status odx_fm_step(struct odx_fm_search *s, struct odx_obs *obs, const char *target,
                            const char *denied_hint, enum odx_fm_got *got, HRESULT *hr,
                            const char **api)
{
    enum odx_status st = odx_fm_next(s, hr, api);
    *got = ODX_FM_FAILED;
    if (st == ODX_E_TOO_BIG)
        return odx_win_error(obs, *api, target, odx_hr_code(*hr),
                             "a record exceeds the buffer cap");
    if (st != ODX_OK)
        return st;
    if (*hr == ODX_HR_NO_MORE_ITEMS) {
        *got = ODX_FM_END;
        return ODX_OK;
    }
    if (*hr != S_OK)
        return odx_win_error(obs, *api, target, odx_hr_code(*hr),
                             *hr == ODX_HR_ACCESS_DENIED ? denied_hint : NULL);
    *got = ODX_FM_RECORDS;
    return ODX_OK;
}

enum odx_status odx_fm_close(struct odx_fm_search *s, struct odx_obs *obs, const char *target)
{
    const struct odx_winapi *w = odx_winapi_get();
    enum odx_status st = ODX_OK;
    HRESULT hr;
    if (s->handle != INVALID_HANDLE_VALUE) {
        switch (s->family) {
        case ODX_FM_FILTERS:
            hr = w->FilterFindClose(s->handle);
            break;
        case ODX_FM_VOLUMES:
            hr = w->FilterVolumeFindClose(s->handle);
            break;
        default:
            hr = w->FilterVolumeInstanceFindClose(s->handle);
            break;
        }
        s->handle = INVALID_HANDLE_VALUE;
        if (hr != S_OK && obs)
            st = odx_win_error(obs, names[s->family][2], target, odx_hr_code(hr), NULL);
    }
    odx_free(s->buf);
    s->buf = NULL;
    s->size = s->used = 0;
    return st;
}
