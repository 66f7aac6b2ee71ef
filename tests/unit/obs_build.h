/*
 * Helpers that build observations for the analysis tests: Windows volumes
 * with filter instances and FSCTL_OFFLOAD trials, Linux mounts with layers
 * and reflink trials. A builder failure is a broken test, so they abort.
 */
#ifndef ODX_TEST_OBS_BUILD_H
#define ODX_TEST_OBS_BUILD_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odx/model.h"

#define MUST(x)                                                                                    \
    do {                                                                                           \
        enum odx_status must_st_ = (x);                                                            \
        if (must_st_ != ODX_OK) {                                                                  \
            fprintf(stderr, "%s:%d: %s gave %s\n", __FILE__, __LINE__, #x,                         \
                    odx_status_name(must_st_));                                                    \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#define W32(n)   ((struct odx_code){ODX_CODE_WIN32, (n)})
#define HR(n)    ((struct odx_code){ODX_CODE_HRESULT, (n)})
#define ERRNO(n) ((struct odx_code){ODX_CODE_ERRNO, (n)})
#define NO_CODE  ((struct odx_code){ODX_CODE_NONE, 0})

/* A runtime SupportedFeatures that is not there (a record from before Windows 8). */
#define ABSENT (-1L)

static inline const char *ob_str(struct odx_obs *obs, const char *s)
{
    const char *out;
    MUST(odx_obs_str(obs, s, &out));
    return out;
}

static inline struct odx_obs *ob_new(enum odx_platform platform)
{
    struct odx_obs *obs;
    MUST(odx_obs_new(&obs));
    obs->platform = platform;
    obs->backend = ob_str(obs, "test");
    obs->host.elevated = ODX_TRI_YES;
    obs->filters_listed = ODX_TRI_YES;
    obs->features_mode.state = ODX_SETTING_ABSENT;
    obs->run.trial_size = 1048576;
    return obs;
}

/* An NTFS volume, eligible, instances listed, storage with a descriptor. */
static inline size_t ob_volume(struct odx_obs *obs, const char *dos, const char *nt)
{
    struct odx_volume *v;
    size_t i;
    MUST(odx_obs_add_volume(obs, &v, &i));
    v->nt_name = ob_str(obs, nt);
    v->file_system = ob_str(obs, "NTFS");
    v->flt_fs_type.present = true;
    v->flt_fs_type.value = 2;
    v->eligible = true;
    v->instances_listed = ODX_TRI_YES;
    v->remote = ODX_TRI_NO;
    v->storage.state = ODX_STORAGE_DESCRIPTOR;
    v->storage.desc.version = 48;
    if (dos) {
        MUST(odx_obs_add_dos_name(obs, i, dos));
        {
            char mp[64];
            snprintf(mp, sizeof(mp), "%s\\", dos);
            MUST(odx_obs_add_mount_point(obs, i, mp));
        }
    }
    return i;
}

static inline void ob_setting(struct odx_setting *s, long value)
{
    if (value == ABSENT) {
        s->state = ODX_SETTING_ABSENT;
    } else {
        s->state = ODX_SETTING_PRESENT;
        s->value = (uint32_t)value;
    }
}

/* A filter with its registry values (ABSENT for none). */
static inline size_t ob_filter(struct odx_obs *obs, const char *name, const char *altitude,
                               enum odx_filter_kind kind, long declared, long parameters)
{
    struct odx_filter *f;
    size_t i;
    MUST(odx_obs_add_filter(obs, &f, &i));
    f->name = ob_str(obs, name);
    f->altitude = ob_str(obs, altitude);
    f->kind = kind;
    ob_setting(&f->declared, declared);
    ob_setting(&f->declared_parameters, parameters);
    return i;
}

/* An instance of a filter on a volume; runtime ABSENT for none. */
static inline void ob_instance(struct odx_obs *obs, size_t v, const char *filter,
                               const char *instance, const char *altitude,
                               enum odx_filter_kind kind, long runtime)
{
    struct odx_instance *in;
    MUST(odx_obs_add_instance(obs, v, &in));
    in->filter = ob_str(obs, filter);
    in->name = ob_str(obs, instance);
    in->altitude = ob_str(obs, altitude);
    in->kind = kind;
    if (runtime != ABSENT) {
        in->supported_features.present = true;
        in->supported_features.value = (uint32_t)runtime;
    }
}

/* A filter declared 0xF in the registry with one instance of the same runtime value. */
static inline void ob_filter_on(struct odx_obs *obs, size_t v, const char *name,
                                const char *altitude, long features)
{
    char inst[128];
    if (!odx_obs_find_filter(obs, name))
        ob_filter(obs, name, altitude, ODX_FILTER_MINI, features, ABSENT);
    snprintf(inst, sizeof(inst), "%s Instance", name);
    ob_instance(obs, v, name, inst, altitude, ODX_FILTER_MINI, features);
}

/* Microsoft's usual three, all 0xF. */
static inline void ob_inbox(struct odx_obs *obs, size_t v)
{
    ob_filter_on(obs, v, "WdFilter", "328010", 0xF);
    ob_filter_on(obs, v, "Wof", "40700", 0xF);
    ob_filter_on(obs, v, "FileInfo", "40500", 0xF);
}

static inline void ob_stage(struct odx_trial *t, enum odx_stage_id s, struct odx_code code)
{
    t->stages[s].attempted = true;
    t->stages[s].code = code;
}

/*
 * An FSCTL_OFFLOAD trial that fails at stage fail with code, or with fail ==
 * ODX_STAGE_COUNT copies and verifies. Cleanup succeeds.
 */
static inline size_t ob_offload_trial(struct odx_obs *obs, enum odx_trial_scope scope, size_t v,
                                      size_t dv, enum odx_stage_id fail, struct odx_code code)
{
    static const enum odx_stage_id order[] = {
        ODX_STAGE_CREATE,       ODX_STAGE_WRITE,         ODX_STAGE_FLUSH,  ODX_STAGE_SET_SIZE,
        ODX_STAGE_OFFLOAD_READ, ODX_STAGE_OFFLOAD_WRITE, ODX_STAGE_VERIFY,
    };
    struct odx_trial *t;
    size_t i, k;
    MUST(odx_obs_add_trial(obs, &t, &i));
    t->scope = scope;
    t->method = ODX_METHOD_OFFLOAD;
    t->volume = v;
    t->dest_volume = scope == ODX_SCOPE_PAIR ? dv : ODX_NONE;
    t->size = 1048576;
    t->remote = ODX_TRI_NO;
    t->extents_shared = ODX_TRI_UNKNOWN;
    t->directory = ob_str(obs, "C:\\odxprobe-trial-1");
    for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
        if (order[k] == fail) {
            ob_stage(t, order[k], code);
            break;
        }
        ob_stage(t, order[k], W32(0));
        if (order[k] == ODX_STAGE_OFFLOAD_WRITE) {
            t->stages[order[k]].bytes_transferred = 1048576;
            t->stages[order[k]].calls = 1;
        }
    }
    ob_stage(t, ODX_STAGE_CLEANUP, W32(0));
    return i;
}

/* A Linux mount of fs at mount_point, whose only layer is the file system itself. */
static inline size_t ob_mount(struct odx_obs *obs, const char *mount_point, const char *source,
                              const char *fs, bool fs_layer)
{
    struct odx_volume *v;
    struct odx_instance *in;
    size_t i;
    MUST(odx_obs_add_volume(obs, &v, &i));
    v->nt_name = ob_str(obs, source);
    v->file_system = ob_str(obs, fs);
    v->eligible = true;
    v->instances_listed = ODX_TRI_YES;
    v->remote = ODX_TRI_NO;
    MUST(odx_obs_add_mount_point(obs, i, mount_point));
    if (fs_layer) {
        MUST(odx_obs_add_instance(obs, i, &in));
        in->filter = ob_str(obs, fs);
        in->name = ob_str(obs, source);
        in->kind = ODX_FILTER_LAYER;
        in->role = ob_str(obs, "filesystem");
        in->fs_type = ob_str(obs, fs);
    }
    return i;
}

static inline void ob_layer(struct odx_obs *obs, size_t v, const char *filter, const char *role,
                            const char *fs_type, const char *path)
{
    struct odx_instance *in;
    MUST(odx_obs_add_instance(obs, v, &in));
    in->filter = ob_str(obs, filter);
    in->name = ob_str(obs, path);
    in->kind = ODX_FILTER_LAYER;
    in->role = ob_str(obs, role);
    in->fs_type = ob_str(obs, fs_type);
    in->path = ob_str(obs, path);
}

/*
 * A Linux trial by method: the copy call answers code (errno 0 = success);
 * on success extents_shared is shared and the copy verifies.
 */
static inline size_t ob_linux_trial(struct odx_obs *obs, enum odx_trial_scope scope, size_t v,
                                    size_t dv, enum odx_method method, struct odx_code code,
                                    enum odx_tri shared)
{
    struct odx_trial *t;
    size_t i;
    enum odx_stage_id copy = method == ODX_METHOD_CLONE         ? ODX_STAGE_CLONE
                             : method == ODX_METHOD_CLONE_RANGE ? ODX_STAGE_CLONE_RANGE
                                                                : ODX_STAGE_COPY_RANGE;
    MUST(odx_obs_add_trial(obs, &t, &i));
    t->scope = scope;
    t->method = method;
    t->volume = v;
    t->dest_volume = scope == ODX_SCOPE_PAIR ? dv : ODX_NONE;
    t->size = 1048576;
    t->remote = ODX_TRI_NO;
    t->directory = ob_str(obs, "/mnt/odxprobe-trial-1");
    ob_stage(t, ODX_STAGE_CREATE, ERRNO(0));
    ob_stage(t, ODX_STAGE_WRITE, ERRNO(0));
    ob_stage(t, ODX_STAGE_FLUSH, ERRNO(0));
    ob_stage(t, copy, code);
    if (code.value == 0) {
        t->stages[copy].bytes_transferred = 1048576;
        ob_stage(t, ODX_STAGE_EXTENTS, shared == ODX_TRI_UNKNOWN ? ERRNO(95) : ERRNO(0));
        ob_stage(t, ODX_STAGE_VERIFY, ERRNO(0));
        t->extents_shared = shared;
    }
    ob_stage(t, ODX_STAGE_CLEANUP, ERRNO(0));
    return i;
}

/* FICLONE, FICLONERANGE and copy_file_range on one mount, the way a probe records them. */
static inline void ob_linux_trio(struct odx_obs *obs, size_t v, struct odx_code clone,
                                 enum odx_tri cfr_shared)
{
    ob_linux_trial(obs, ODX_SCOPE_VOLUME, v, ODX_NONE, ODX_METHOD_CLONE, clone, ODX_TRI_YES);
    ob_linux_trial(obs, ODX_SCOPE_VOLUME, v, ODX_NONE, ODX_METHOD_CLONE_RANGE, clone, ODX_TRI_YES);
    ob_linux_trial(obs, ODX_SCOPE_VOLUME, v, ODX_NONE, ODX_METHOD_COPY_FILE_RANGE, ERRNO(0),
                   cfr_shared);
}

#endif
