/*
 * The volumes slot. Two views of the same volumes are joined:
 *
 *   - Filter Manager's (FilterVolumeFindFirst/Next with FilterVolumeStandard-
 *     Information: NT name, file-system type, detached [S1, S2]), with the
 *     DOS name from FilterGetDosName and the filter instances on each
 *     (FilterVolumeInstanceFindFirst/Next with InstanceAggregateStandard-
 *     Information, whose SupportedFeatures is the runtime opt-in [S1]);
 *   - the Win32 volume APIs (FindFirstVolumeW/FindNextVolumeW for the GUID
 *     path, QueryDosDeviceW for its NT name, GetVolumePathNamesForVolume-
 *     NameW for its mount points), which work without elevation.
 *
 * A Win32 volume joins the Filter Manager volume with the same NT name, or
 * failing that the same drive letter. Then each volume gets its file
 * system, drive type, sector size, the storage's copy-offload descriptor,
 * and whether a trial may run there by default.
 */
#include "win_internal.h"

#include <string.h>

#include "odx/alloc.h"
#include "odx/knowledge.h"
#include "odx/winparse.h"

/* FLT_FILESYSTEM_TYPE numbers used below [S1, S3, fact sheet 1.3]. */
#define FST_NTFS   2u
#define FST_LANMAN 6u
#define FST_WEBDAV 7u
#define FST_RDPDR  8u
#define FST_NFS    9u
#define FST_MUP    13u
#define FST_NPFS   25u /* named pipes */
#define FST_MSFS   26u /* mailslots */
#define FST_REFS   28u

/* FILE_READ_ONLY_VOLUME in GetVolumeInformationW's flags (winnt.h [S3]). */
#ifndef FILE_READ_ONLY_VOLUME
#define FILE_READ_ONLY_VOLUME 0x00080000
#endif

/* Bytes asked of IOCTL_STORAGE_QUERY_PROPERTY: the 48-byte descriptor and room to grow. */
#define STORAGE_OUT_BYTES   512u
/* STORAGE_DEVICE_NUMBER: DeviceType, DeviceNumber, PartitionNumber, 32 bits each (winioctl.h
 * [S3]). */
#define DEVICE_NUMBER_BYTES 12u

/* Per-volume facts the back end needs but the model does not keep. */
struct vol_extra {
    bool fm; /* listed by Filter Manager */
};

struct scan {
    struct odx_obs *obs;
    struct vol_extra *extra; /* parallel to obs->volumes, grown with it */
    size_t cap;
    bool fm_listed; /* FilterVolumeFindFirst/Next listed every volume */
};

static enum odx_status extra_for(struct scan *sc, size_t index)
{
    if (index >= sc->cap) {
        size_t cap = sc->cap ? sc->cap * 2 : 16, bytes;
        struct vol_extra *grown;
        while (cap <= index)
            cap *= 2;
        if (!odx_mul_size(cap, sizeof(*grown), &bytes) || !(grown = odx_realloc(sc->extra, bytes)))
            return ODX_E_NOMEM;
        memset(grown + sc->cap, 0, (cap - sc->cap) * sizeof(*grown));
        sc->extra = grown;
        sc->cap = cap;
    }
    return ODX_OK;
}

static enum odx_status new_volume(struct scan *sc, size_t *index)
{
    struct odx_volume *v;
    enum odx_status st = odx_obs_add_volume(sc->obs, &v, index);
    if (st != ODX_OK)
        return st;
    v->remote = ODX_TRI_UNKNOWN;
    v->instances_listed = ODX_TRI_UNKNOWN;
    return extra_for(sc, *index);
}

static size_t find_by_nt(const struct odx_obs *obs, const char *nt)
{
    size_t i;
    for (i = 0; nt && i < obs->n_volumes; i++)
        if (odx_win_utf8_equal(obs->volumes[i].nt_name, nt))
            return i;
    return ODX_NONE;
}

static bool fs_type_is(const struct odx_volume *v, uint32_t type)
{
    return v->flt_fs_type.present && v->flt_fs_type.value == type;
}

static bool holds_no_files(const struct odx_volume *v)
{
    return fs_type_is(v, FST_NPFS) || fs_type_is(v, FST_MSFS) ||
           odx_win_utf8_equal(v->nt_name, "\\Device\\NamedPipe") ||
           odx_win_utf8_equal(v->nt_name, "\\Device\\Mailslot");
}

static bool network_fs(const struct odx_volume *v)
{
    return fs_type_is(v, FST_MUP) || fs_type_is(v, FST_LANMAN) || fs_type_is(v, FST_WEBDAV) ||
           fs_type_is(v, FST_RDPDR) || fs_type_is(v, FST_NFS) ||
           odx_win_utf8_equal(v->nt_name, "\\Device\\Mup");
}

/* ---- Filter Manager's view ---------------------------------------------- */

/*
 * FilterGetDosName: a drive letter, else a mount-point path; S_OK and an
 * empty (the documentation says "NULL") buffer when the volume has neither.
 * The size is in WCHARs [S2]. What it returns for a too-small buffer is not
 * documented: both ERROR_INSUFFICIENT_BUFFER and ERROR_MORE_DATA grow the
 * buffer once to the NT path limit; the buffer is NUL-terminated here
 * whatever the call leaves in it.
 */
static enum odx_status fm_dos_name(struct scan *sc, size_t index, const WCHAR *nt)
{
    const struct odx_winapi *w = odx_winapi_get();
    DWORD chars = MAX_PATH + 1;
    WCHAR *buf = NULL;
    HRESULT hr = S_OK;
    char *utf8 = NULL;
    size_t len;
    enum odx_status st = ODX_OK;
    int tries;

    for (tries = 0; tries < 2; tries++) {
        odx_free(buf);
        if (!(buf = odx_calloc(chars, sizeof(WCHAR))))
            return ODX_E_NOMEM;
        hr = w->FilterGetDosName(nt, buf, chars);
        if ((hr == ODX_HR_INSUFFICIENT || hr == ODX_HR_MORE_DATA) && tries == 0) {
            chars = ODX_WIN_MAX_CHARS;
            continue;
        }
        break;
    }
    if (hr != S_OK) {
        st = odx_win_error_w(sc->obs, "FilterGetDosName", nt, odx_hr_code(hr), NULL);
        goto out;
    }
    buf[chars - 1] = 0;
    len = odx_win_wcsnlen(buf, chars);
    if (len == 0)
        goto out; /* no drive letter and no mount point */
    st = odx_win_utf8(buf, len, &utf8);
    if (st != ODX_OK) {
        st = odx_win_decode_error(sc->obs, "FilterGetDosName", sc->obs->volumes[index].nt_name, st,
                                  "DOS name is not UTF-16");
        goto out;
    }
    if (len == 2 && utf8[1] == ':') {
        st = odx_obs_add_dos_name(sc->obs, index, utf8);
    } else {
        st = odx_obs_add_mount_point(sc->obs, index, utf8);
    }
out:
    odx_free(buf);
    odx_free(utf8);
    return st;
}

static enum odx_status fm_add_volume(struct scan *sc, const struct odx_winparse_volume *d)
{
    struct odx_volume *v;
    size_t index;
    WCHAR *nt = NULL;
    const char *display;
    enum odx_status st;

    /* The same name may come twice [S2, "duplicate volume names"]: keep the first. */
    if (find_by_nt(sc->obs, d->name) != ODX_NONE)
        return ODX_OK;
    if ((st = new_volume(sc, &index)) != ODX_OK)
        return st;
    sc->extra[index].fm = true;
    v = &sc->obs->volumes[index];
    v->flt_fs_type.present = true;
    v->flt_fs_type.value = d->fs_type;
    v->detached = d->detached;
    if ((st = odx_obs_str(sc->obs, d->name, &v->nt_name)) != ODX_OK)
        return st;
    display = odx_winparse_fstype_display(d->fs_type);
    if (display && (st = odx_obs_str(sc->obs, display, &v->file_system)) != ODX_OK)
        return st;
    if (network_fs(v))
        v->remote = ODX_TRI_YES;
    if (holds_no_files(v) || network_fs(v))
        return ODX_OK; /* no DOS name to ask for */
    if ((st = odx_win_wide(d->name, &nt)) != ODX_OK)
        return st == ODX_E_NOMEM ? st : ODX_OK;
    st = fm_dos_name(sc, index, nt);
    odx_free(nt);
    return st;
}

static enum odx_status fm_decode(struct scan *sc, const uint8_t *buf, size_t len, const char *api,
                                 bool *complete)
{
    struct odx_winparse_walk walk;
    struct odx_winparse_entry e;
    enum odx_status st;
    odx_winparse_walk_init(&walk, buf, len, ODX_WINPARSE_VOLUME_SIZE);
    while ((st = odx_winparse_walk_next(&walk, &e)) == ODX_OK) {
        struct odx_winparse_volume d;
        st = odx_winparse_volume_decode(buf + e.offset, e.length, &d);
        if (st != ODX_OK) {
            *complete = false;
            if ((st = odx_win_decode_error(sc->obs, api, NULL, st,
                                           "malformed FILTER_VOLUME_STANDARD_INFORMATION "
                                           "record")) != ODX_OK)
                return st;
            continue;
        }
        st = fm_add_volume(sc, &d);
        odx_winparse_volume_cleanup(&d);
        if (st != ODX_OK)
            return st;
    }
    if (st == ODX_E_NOT_FOUND)
        return ODX_OK;
    *complete = false;
    return odx_win_decode_error(sc->obs, api, NULL, st, "malformed record chain");
}

static enum odx_status fm_volumes(struct scan *sc)
{
    struct odx_fm_search s;
    HRESULT hr;
    const char *api;
    bool complete = true;
    enum odx_status st;

    odx_fm_init(&s, ODX_FM_VOLUMES, NULL);
    for (;;) {
        enum odx_fm_got got;
        st = odx_fm_step(&s, sc->obs, NULL, "listing volumes needs an elevated prompt", &got, &hr,
                         &api);
        if (st != ODX_OK || got != ODX_FM_RECORDS) {
            complete = complete && got != ODX_FM_FAILED;
            break;
        }
        if ((st = fm_decode(sc, s.buf, s.used, api, &complete)) != ODX_OK)
            break;
    }
    if (st == ODX_E_NOMEM) {
        odx_fm_close(&s, NULL, NULL);
        return st;
    }
    sc->fm_listed = complete;
    return odx_fm_close(&s, sc->obs, NULL);
}

/* ---- Win32 view ----------------------------------------------------------- */

/* The NT device name of a GUID path ("\\?\Volume{...}\" -> "\Device\HarddiskVolume3"). */
static enum odx_status win32_nt_name(struct scan *sc, const WCHAR *guid, char **out)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR device[64], *target = NULL;
    size_t len = odx_win_wcsnlen(guid, ODX_WIN_MAX_CHARS), n;
    DWORD chars = MAX_PATH + 1, got;
    enum odx_status st = ODX_OK;
    int tries;

    *out = NULL;
    /* QueryDosDeviceW wants "Volume{...}": no "\\?\" prefix, no trailing backslash. */
    if (len < 6 || len - 4 >= sizeof(device) / sizeof(device[0]))
        return ODX_OK;
    n = len - 4 - (guid[len - 1] == L'\\' ? 1 : 0);
    memcpy(device, guid + 4, n * sizeof(WCHAR));
    device[n] = 0;
    for (tries = 0; tries < 2; tries++) {
        odx_free(target);
        if (!(target = odx_calloc(chars, sizeof(WCHAR))))
            return ODX_E_NOMEM;
        got = w->QueryDosDeviceW(device, target, chars);
        if (got == 0) {
            DWORD e = w->GetLastError();
            if (e == ERROR_INSUFFICIENT_BUFFER && tries == 0) {
                chars = ODX_WIN_MAX_CHARS;
                continue;
            }
            st = odx_win_error_w(sc->obs, "QueryDosDeviceW", guid, odx_win32_code(e), NULL);
            goto out;
        }
        break;
    }
    target[chars - 1] = 0;
    /* The first string of the multi-string is the current target. */
    st = odx_win_utf8(target, odx_win_wcsnlen(target, chars), out);
    if (st != ODX_OK)
        st = odx_win_decode_error(sc->obs, "QueryDosDeviceW", NULL, st, "not UTF-16");
out:
    odx_free(target);
    return st;
}

/* Mount points of a GUID path, as a multi-string (odx_free), or NULL (recorded). */
static enum odx_status win32_mount_points(struct scan *sc, const WCHAR *guid, WCHAR **out,
                                          DWORD *out_chars)
{
    const struct odx_winapi *w = odx_winapi_get();
    DWORD chars = MAX_PATH + 1, needed = 0;
    WCHAR *buf = NULL;
    int tries;
    *out = NULL;
    *out_chars = 0;
    for (tries = 0; tries < 4; tries++) {
        odx_free(buf);
        if (!(buf = odx_calloc((size_t)chars + 2, sizeof(WCHAR))))
            return ODX_E_NOMEM;
        needed = 0;
        if (w->GetVolumePathNamesForVolumeNameW(guid, buf, chars, &needed)) {
            *out = buf;
            *out_chars = chars;
            return ODX_OK;
        }
        {
            DWORD e = w->GetLastError();
            if (e == ERROR_MORE_DATA && needed > chars && needed <= ODX_WIN_MAX_CHARS) {
                chars = needed;
                continue;
            }
            odx_free(buf);
            return odx_win_error_w(sc->obs, "GetVolumePathNamesForVolumeNameW", guid,
                                   odx_win32_code(e), NULL);
        }
    }
    odx_free(buf);
    return odx_win_error_w(sc->obs, "GetVolumePathNamesForVolumeNameW", guid,
                           odx_odx_code(ODX_E_TOO_BIG), NULL);
}

/* The volume a drive letter belongs to, among those Filter Manager listed. */
static size_t find_by_dos(const struct odx_obs *obs, const char *dos)
{
    size_t i, j;
    for (i = 0; i < obs->n_volumes; i++)
        for (j = 0; j < obs->volumes[i].n_dos_names; j++)
            if (odx_win_utf8_equal(obs->volumes[i].dos_names[j], dos))
                return i;
    return ODX_NONE;
}

static enum odx_status win32_volume(struct scan *sc, const WCHAR *guid)
{
    char *nt = NULL, *guid8 = NULL, *mp = NULL;
    WCHAR *mps = NULL;
    DWORD mp_chars = 0;
    size_t index = ODX_NONE, at, len;
    enum odx_status st;

    st = odx_win_utf8(guid, SIZE_MAX, &guid8);
    if (st != ODX_OK)
        return odx_win_decode_error(sc->obs, "FindNextVolumeW", NULL, st, "not UTF-16");
    if ((st = win32_nt_name(sc, guid, &nt)) != ODX_OK ||
        (st = win32_mount_points(sc, guid, &mps, &mp_chars)) != ODX_OK)
        goto out;
    index = find_by_nt(sc->obs, nt);
    /* Else join by drive letter: NT names may differ in form between the two views. */
    for (at = 0; index == ODX_NONE && mps && at < mp_chars && mps[at]; at += len + 1) {
        len = odx_win_wcsnlen(mps + at, mp_chars - at);
        if (len == 3 && mps[at + 1] == L':' && mps[at + 2] == L'\\') {
            char dos[3] = {(char)mps[at], ':', 0};
            if (mps[at] < 0x80)
                index = find_by_dos(sc->obs, dos);
        }
    }
    if (index == ODX_NONE) {
        if ((st = new_volume(sc, &index)) != ODX_OK)
            goto out;
        if (nt && (st = odx_obs_str(sc->obs, nt, &sc->obs->volumes[index].nt_name)) != ODX_OK)
            goto out;
    }
    if ((st = odx_obs_str(sc->obs, guid8, &sc->obs->volumes[index].guid_path)) != ODX_OK)
        goto out;
    for (at = 0; mps && at < mp_chars && mps[at]; at += len + 1) {
        len = odx_win_wcsnlen(mps + at, mp_chars - at);
        odx_free(mp);
        st = odx_win_utf8(mps + at, len, &mp);
        if (st != ODX_OK) {
            if ((st = odx_win_decode_error(sc->obs, "GetVolumePathNamesForVolumeNameW", guid8, st,
                                           "mount point is not UTF-16")) != ODX_OK)
                goto out;
            continue;
        }
        if ((st = odx_obs_add_mount_point(sc->obs, index, mp)) != ODX_OK)
            goto out;
        if (len == 3 && mp[1] == ':' && mp[2] == '\\') {
            mp[2] = 0;
            if ((st = odx_obs_add_dos_name(sc->obs, index, mp)) != ODX_OK)
                goto out;
        }
    }
out:
    odx_free(nt);
    odx_free(guid8);
    odx_free(mp);
    odx_free(mps);
    return st;
}

static enum odx_status win32_volumes(struct scan *sc)
{
    const struct odx_winapi *w = odx_winapi_get();
    WCHAR guid[MAX_PATH + 1];
    HANDLE find;
    enum odx_status st = ODX_OK;
    size_t count;

    find = w->FindFirstVolumeW(guid, MAX_PATH + 1);
    if (find == INVALID_HANDLE_VALUE)
        return odx_win_error(sc->obs, "FindFirstVolumeW", NULL, odx_win32_code(w->GetLastError()),
                             NULL);
    for (count = 0; count < ODX_MAX_VOLUMES; count++) {
        guid[MAX_PATH] = 0;
        if ((st = win32_volume(sc, guid)) != ODX_OK)
            break;
        if (!w->FindNextVolumeW(find, guid, MAX_PATH + 1)) {
            DWORD e = w->GetLastError();
            if (e != ERROR_NO_MORE_FILES)
                st = odx_win_error(sc->obs, "FindNextVolumeW", NULL, odx_win32_code(e), NULL);
            break;
        }
    }
    if (!w->FindVolumeClose(find)) {
        DWORD e = w->GetLastError();
        if (st == ODX_OK)
            st = odx_win_error(sc->obs, "FindVolumeClose", NULL, odx_win32_code(e), NULL);
    }
    return st;
}

/* ---- Properties ------------------------------------------------------------ */

/* The path Win32 calls take for a volume's root: its first mount point, else its GUID path. */
static const char *root_of(const struct odx_volume *v)
{
    if (v->n_mount_points && v->mount_points[0][0])
        return v->mount_points[0];
    return v->guid_path;
}

static enum odx_status volume_props(struct scan *sc, size_t index)
{
    const struct odx_winapi *w = odx_winapi_get();
    struct odx_volume *v = &sc->obs->volumes[index];
    const char *root8 = root_of(v);
    WCHAR *root = NULL, fs[MAX_PATH + 1];
    DWORD flags = 0, spc = 0, bps = 0, fc = 0, tc = 0;
    UINT type;
    enum odx_status st;

    if (!root8)
        return ODX_OK;
    if ((st = odx_win_wide(root8, &root)) != ODX_OK)
        return st == ODX_E_NOMEM ? st : ODX_OK;

    type = w->GetDriveTypeW(root);
    v = &sc->obs->volumes[index];
    switch (type) {
    case DRIVE_REMOVABLE:
    case DRIVE_CDROM:
        v->removable = ODX_TRI_YES;
        v->remote = ODX_TRI_NO;
        break;
    case DRIVE_REMOTE:
        v->remote = ODX_TRI_YES;
        break;
    case DRIVE_FIXED:
    case DRIVE_RAMDISK:
        v->removable = ODX_TRI_NO;
        v->remote = ODX_TRI_NO;
        break;
    default: /* DRIVE_NO_ROOT_DIR (1), DRIVE_UNKNOWN (0): GetDriveTypeW sets no error code */
        st = odx_win_error_w(
            sc->obs, "GetDriveTypeW", root,
            odx_odx_code(type == DRIVE_NO_ROOT_DIR ? ODX_E_NOT_FOUND : ODX_E_UNSUPPORTED),
            type == DRIVE_NO_ROOT_DIR ? "DRIVE_NO_ROOT_DIR" : "DRIVE_UNKNOWN");
        if (st != ODX_OK)
            goto out;
        break;
    }

    fs[0] = 0;
    if (w->GetVolumeInformationW(root, NULL, 0, NULL, NULL, &flags, fs, MAX_PATH + 1)) {
        const char *name = NULL;
        fs[MAX_PATH] = 0;
        st = odx_win_obs_utf8(sc->obs, fs, SIZE_MAX, &name);
        if (st == ODX_E_NOMEM)
            goto out;
        v = &sc->obs->volumes[index];
        if (st == ODX_OK && name && name[0])
            v->file_system = name; /* "NTFS", "ReFS", "FAT32": more precise than FLT_FSTYPE */
        v->read_only = flags & FILE_READ_ONLY_VOLUME ? ODX_TRI_YES : ODX_TRI_NO;
        st = ODX_OK;
    } else if ((st = odx_win_error_w(sc->obs, "GetVolumeInformationW", root,
                                     odx_win32_code(w->GetLastError()), NULL)) != ODX_OK) {
        goto out;
    }

    /* The logical sector size: offload offsets and lengths must be multiples of it [S6]. */
    if (w->GetDiskFreeSpaceW(root, &spc, &bps, &fc, &tc)) {
        v = &sc->obs->volumes[index];
        v->sector_size.present = bps != 0;
        v->sector_size.value = bps;
    } else {
        st = odx_win_error_w(sc->obs, "GetDiskFreeSpaceW", root, odx_win32_code(w->GetLastError()),
                             NULL);
    }
out:
    odx_free(root);
    return st;
}

/* ---- Instances --------------------------------------------------------------- */

static enum odx_status add_instance(struct odx_obs *obs, size_t index,
                                    const struct odx_winparse_instance *d)
{
    struct odx_instance *in;
    enum odx_status st = odx_obs_add_instance(obs, index, &in);
    if (st != ODX_OK)
        return st;
    in->kind = d->kind == ODX_WINPARSE_KIND_LEGACY ? ODX_FILTER_LEGACY : ODX_FILTER_MINI;
    in->detached = d->detached;
    if (d->kind == ODX_WINPARSE_KIND_MINIFILTER) {
        in->frame.present = true;
        in->frame.value = d->frame_id;
    }
    in->supported_features.present = d->has_supported_features;
    in->supported_features.value = d->supported_features;
    if ((st = odx_obs_str(obs, d->filter_name, &in->filter)) != ODX_OK ||
        (st = odx_obs_str(obs, d->instance_name, &in->name)) != ODX_OK)
        return st;
    if (d->altitude && d->altitude[0])
        st = odx_obs_str(obs, d->altitude, &in->altitude);
    return st;
}

/* Top of the stack first: highest altitude first; a stable insertion sort. */
static void sort_instances(struct odx_volume *v)
{
    size_t i, j;
    for (i = 1; i < v->n_instances; i++) {
        struct odx_instance tmp = v->instances[i];
        for (j = i; j > 0 && odx_altitude_cmp(v->instances[j - 1].altitude, tmp.altitude) < 0; j--)
            v->instances[j] = v->instances[j - 1];
        v->instances[j] = tmp;
    }
}

static enum odx_status volume_instances(struct scan *sc, size_t index)
{
    struct odx_fm_search s;
    WCHAR *name = NULL;
    HRESULT hr;
    const char *api, *target = sc->obs->volumes[index].nt_name;
    bool complete = true;
    enum odx_status st;

    if (!sc->extra[index].fm || !target) {
        /* Filter Manager did not list this volume: nothing to ask it about. */
        sc->obs->volumes[index].instances_listed = ODX_TRI_NO;
        return ODX_OK;
    }
    if ((st = odx_win_wide(target, &name)) != ODX_OK)
        return st == ODX_E_NOMEM ? st : ODX_OK;
    odx_fm_init(&s, ODX_FM_INSTANCES, name);
    for (;;) {
        struct odx_winparse_walk walk;
        struct odx_winparse_entry e;
        enum odx_fm_got got;
        st = odx_fm_step(&s, sc->obs, target, "listing filter instances needs an elevated prompt",
                         &got, &hr, &api);
        if (st != ODX_OK || got != ODX_FM_RECORDS) {
            complete = complete && got != ODX_FM_FAILED;
            break;
        }
        odx_winparse_walk_init(&walk, s.buf, s.used, ODX_WINPARSE_INSTANCE_SIZE_PREWIN8);
        while ((st = odx_winparse_walk_next(&walk, &e)) == ODX_OK) {
            struct odx_winparse_instance d;
            st = odx_winparse_instance_decode(s.buf + e.offset, e.length, &d);
            if (st != ODX_OK) {
                complete = false;
                if ((st = odx_win_decode_error(sc->obs, api, target, st,
                                               "malformed INSTANCE_AGGREGATE_STANDARD_"
                                               "INFORMATION record")) != ODX_OK)
                    break;
                continue;
            }
            st = add_instance(sc->obs, index, &d);
            odx_winparse_instance_cleanup(&d);
            if (st != ODX_OK)
                break;
        }
        if (st == ODX_E_NOT_FOUND) {
            st = ODX_OK;
        } else if (st != ODX_OK && st != ODX_E_NOMEM) {
            complete = false;
            st = odx_win_decode_error(sc->obs, api, target, st, "malformed record chain");
        }
        if (st != ODX_OK)
            break;
    }
    if (st == ODX_E_NOMEM) {
        odx_fm_close(&s, NULL, NULL);
        odx_free(name);
        return st;
    }
    st = odx_fm_close(&s, sc->obs, target);
    odx_free(name);
    sc->obs->volumes[index].instances_listed = complete ? ODX_TRI_YES : ODX_TRI_NO;
    sort_instances(&sc->obs->volumes[index]);
    return st;
}

/* ---- Storage ----------------------------------------------------------------- */

/*
 * Asks an open device for its copy-offload descriptor (IOCTL_STORAGE_QUERY_
 * PROPERTY, StorageDeviceCopyOffloadProperty [S11, fact sheet 2.6]). *ok is
 * true with *desc on success; otherwise *code holds the failure, recorded
 * with the API's name.
 */
static enum odx_status query_copy_offload(struct odx_obs *obs, HANDLE h, const char *device,
                                          struct odx_copy_offload_desc *desc, bool *ok,
                                          struct odx_code *code)
{
    const struct odx_winapi *w = odx_winapi_get();
    uint8_t query[ODX_WINPARSE_PROPERTY_QUERY_SIZE], out[STORAGE_OUT_BYTES];
    struct odx_winparse_copy_offload_desc d;
    size_t qlen = 0;
    DWORD got = 0;
    enum odx_status st;
    static const char api[] = "DeviceIoControl(IOCTL_STORAGE_QUERY_PROPERTY)";

    *ok = false;
    if ((st = odx_winparse_property_query_encode(query, sizeof(query), &qlen)) != ODX_OK)
        return st;
    memset(out, 0, sizeof(out));
    if (!w->DeviceIoControl(h, IOCTL_STORAGE_QUERY_PROPERTY, query, (DWORD)qlen, out,
                            (DWORD)sizeof(out), &got, NULL)) {
        *code = odx_win32_code(w->GetLastError());
        return odx_win_error(obs, api, device, *code, "no copy-offload descriptor");
    }
    st = odx_winparse_copy_offload_desc_decode(out, got <= sizeof(out) ? got : sizeof(out), &d);
    if (st != ODX_OK) {
        *code = odx_odx_code(st);
        return odx_win_decode_error(obs, api, device, st,
                                    "malformed DEVICE_COPY_OFFLOAD_"
                                    "DESCRIPTOR");
    }
    desc->version = d.version;
    desc->size = d.size;
    desc->max_token_lifetime_s = d.max_token_lifetime_s;
    desc->default_token_lifetime_s = d.default_token_lifetime_s;
    desc->max_transfer_size = d.max_transfer_size;
    desc->optimal_transfer_count = d.optimal_transfer_count;
    desc->max_data_descriptors = d.max_data_descriptors;
    desc->max_transfer_length_per_descriptor = d.max_transfer_length_per_desc;
    desc->optimal_transfer_length_per_descriptor = d.optimal_transfer_length_per_desc;
    desc->optimal_transfer_length_granularity = d.optimal_transfer_granularity;
    *ok = true;
    return ODX_OK;
}

/* Opens a device for IOCTLs that need no data access (access 0). */
static enum odx_status open_device(struct odx_obs *obs, const WCHAR *path, HANDLE *h,
                                   struct odx_code *code)
{
    const struct odx_winapi *w = odx_winapi_get();
    *h = w->CreateFileW(path, 0, FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING, 0, NULL);
    if (*h != INVALID_HANDLE_VALUE)
        return ODX_OK;
    *code = odx_win32_code(w->GetLastError());
    return odx_win_error_w(obs, "CreateFileW", path, *code, "cannot open the device");
}

static enum odx_status close_device(struct odx_obs *obs, HANDLE h, const char *device)
{
    const struct odx_winapi *w = odx_winapi_get();
    if (h == INVALID_HANDLE_VALUE || w->CloseHandle(h) || !obs)
        return ODX_OK;
    return odx_win_error(obs, "CloseHandle", device, odx_win32_code(w->GetLastError()), NULL);
}

/* The disk under a volume: IOCTL_STORAGE_GET_DEVICE_NUMBER's DeviceNumber [S3 winioctl.h]. */
static enum odx_status disk_number(struct odx_obs *obs, HANDLE h, const char *device, bool *found,
                                   DWORD *number)
{
    const struct odx_winapi *w = odx_winapi_get();
    uint8_t out[DEVICE_NUMBER_BYTES];
    DWORD got = 0;
    *found = false;
    if (!w->DeviceIoControl(h, IOCTL_STORAGE_GET_DEVICE_NUMBER, NULL, 0, out, sizeof(out), &got,
                            NULL))
        return odx_win_error(obs, "DeviceIoControl(IOCTL_STORAGE_GET_DEVICE_NUMBER)", device,
                             odx_win32_code(w->GetLastError()), NULL);
    /* winparse has no decoder for this 12-byte record; the field is read as bytes here. */
    if (got < 8)
        return odx_win_error(obs, "DeviceIoControl(IOCTL_STORAGE_GET_DEVICE_NUMBER)", device,
                             odx_odx_code(ODX_E_TRUNCATED), "STORAGE_DEVICE_NUMBER too short");
    *number = odx_win_le32(out + 4);
    *found = true;
    return ODX_OK;
}

static enum odx_status volume_storage(struct scan *sc, size_t index)
{
    struct odx_obs *obs = sc->obs;
    const char *guid = obs->volumes[index].guid_path;
    WCHAR *path = NULL, disk_path[64];
    char *device = NULL, disk8[64] = "";
    HANDLE h = INVALID_HANDLE_VALUE, dh = INVALID_HANDLE_VALUE;
    struct odx_storage result;
    struct odx_code code = {ODX_CODE_NONE, 0};
    bool ok = false, found = false;
    DWORD number = 0;
    size_t len;
    enum odx_status st;

    if (!guid || obs->volumes[index].remote == ODX_TRI_YES)
        return ODX_OK;
    memset(&result, 0, sizeof(result));
    /* The volume device is "\\?\Volume{GUID}" without the trailing backslash: with it, the
     * name is the root directory of the file system, not the volume. */
    len = strlen(guid);
    if (!(device = odx_strndup(guid, len && guid[len - 1] == '\\' ? len - 1 : len)))
        return ODX_E_NOMEM;
    if ((st = odx_win_wide(device, &path)) != ODX_OK) {
        st = st == ODX_E_NOMEM ? st : ODX_OK;
        goto out;
    }
    result.state = ODX_STORAGE_ERROR;
    if ((st = odx_obs_str(obs, device, &result.queried_on)) != ODX_OK ||
        (st = open_device(obs, path, &h, &code)) != ODX_OK)
        goto out;
    if (h != INVALID_HANDLE_VALUE) {
        if ((st = query_copy_offload(obs, h, device, &result.desc, &ok, &code)) != ODX_OK)
            goto out;
        /* The volume gave no answer: ask the disk under it. */
        if (!ok && (st = disk_number(obs, h, device, &found, &number)) != ODX_OK)
            goto out;
    }
    if (found) {
        int i = 0;
        DWORD n = number;
        char digits[16];
        /* "\\.\PhysicalDriveN" */
        do
            digits[i++] = (char)('0' + n % 10);
        while ((n /= 10) && i < 15);
        memcpy(disk8, "\\\\.\\PhysicalDrive", 17);
        len = 17;
        while (i > 0)
            disk8[len++] = digits[--i];
        disk8[len] = 0;
        for (len = 0; disk8[len]; len++)
            disk_path[len] = (WCHAR)disk8[len];
        disk_path[len] = 0;
        if ((st = odx_obs_str(obs, disk8, &result.queried_on)) != ODX_OK ||
            (st = open_device(obs, disk_path, &dh, &code)) != ODX_OK)
            goto out;
        if (dh != INVALID_HANDLE_VALUE &&
            (st = query_copy_offload(obs, dh, disk8, &result.desc, &ok, &code)) != ODX_OK)
            goto out;
    }
    if (ok)
        result.state = ODX_STORAGE_DESCRIPTOR;
    else
        result.error = code;
    obs->volumes[index].storage = result;
out:
    if (st == ODX_OK) {
        if ((st = close_device(obs, dh, disk8)) == ODX_OK)
            st = close_device(obs, h, device);
    } else {
        close_device(NULL, dh, NULL);
        close_device(NULL, h, NULL);
    }
    odx_free(path);
    odx_free(device);
    return st;
}

/* ---- Eligibility ------------------------------------------------------------- */

static enum odx_status eligibility(struct odx_obs *obs, size_t index)
{
    struct odx_volume *v = &obs->volumes[index];
    const char *reason = NULL;
    bool ntfs_or_refs = odx_win_utf8_equal(v->file_system, "NTFS") ||
                        odx_win_utf8_equal(v->file_system, "ReFS") ||
                        (!v->file_system && (fs_type_is(v, FST_NTFS) || fs_type_is(v, FST_REFS)));

    if (holds_no_files(v)) {
        /* Named pipes and mailslots hold no file data [fact sheet 5.3]. */
        v->selected = false;
        reason = "holds no files (named pipes or mailslots)";
    } else if (v->remote == ODX_TRI_YES || network_fs(v)) {
        reason = "remote: trial a share with --path \\\\server\\share\\dir";
    } else if (v->detached) {
        reason = "detached from its storage stack";
    } else if (v->n_mount_points == 0) {
        reason = "no drive letter or mount point";
    } else if (v->removable == ODX_TRI_YES) {
        reason = "removable media";
    } else if (v->read_only == ODX_TRI_YES) {
        reason = "read-only";
    } else if (!ntfs_or_refs) {
        /* Windows offloads on NTFS [S5]; ReFS is tried too, as newer servers offer it. */
        return odx_obs_printf(obs, &obs->volumes[index].skip_reason,
                              "%s is not NTFS or ReFS: no copy offload",
                              v->file_system ? v->file_system : "an unknown file system");
    }
    if (reason)
        return odx_obs_str(obs, reason, &obs->volumes[index].skip_reason);
    v->eligible = true;
    return ODX_OK;
}

enum odx_status odx_win_volumes(struct odx_obs *obs)
{
    struct scan sc;
    enum odx_status st;
    size_t i;

    memset(&sc, 0, sizeof(sc));
    sc.obs = obs;
    if ((st = fm_volumes(&sc)) != ODX_OK || (st = win32_volumes(&sc)) != ODX_OK)
        goto out;
    if ((st = extra_for(&sc, obs->n_volumes)) != ODX_OK)
        goto out;
    for (i = 0; i < obs->n_volumes; i++) {
        if ((st = volume_props(&sc, i)) != ODX_OK || (st = volume_instances(&sc, i)) != ODX_OK ||
            (st = volume_storage(&sc, i)) != ODX_OK || (st = eligibility(obs, i)) != ODX_OK)
            goto out;
    }
out:
    odx_free(sc.extra);
    return st;
}
