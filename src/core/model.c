/*
 * The observation model's storage: strings in an interning arena (a report
 * with the same filter names on 100k volumes keeps one copy of each) and
 * growable arrays. Nothing here knows an OS or a file format.
 */
#include "odx/model.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "arena.h"
#include "odx/alloc.h"

struct odx_obs_private {
    struct odx_arena *arena;
};

bool odx_code_ok(struct odx_code code)
{
    /* HRESULT success is any value with the severity bit clear (S_OK, S_FALSE). */
    if (code.kind == ODX_CODE_HRESULT)
        return (code.value & 0x80000000u) == 0;
    /* NTSTATUS success and informational codes are below 0x80000000. */
    if (code.kind == ODX_CODE_NTSTATUS)
        return code.value < 0x80000000u;
    return code.kind != ODX_CODE_NONE && code.value == 0;
}

enum odx_status odx_obs_new(struct odx_obs **out)
{
    struct odx_obs *obs;
    *out = NULL;
    obs = odx_calloc(1, sizeof(*obs));
    if (!obs)
        return ODX_E_NOMEM;
    obs->priv = odx_calloc(1, sizeof(*obs->priv));
    if (!obs->priv || !(obs->priv->arena = odx_arena_new())) {
        odx_free(obs->priv);
        odx_free(obs);
        return ODX_E_NOMEM;
    }
    *out = obs;
    return ODX_OK;
}

void odx_obs_free(struct odx_obs *obs)
{
    size_t i;
    if (!obs)
        return;
    for (i = 0; i < obs->n_volumes; i++) {
        odx_free(obs->volumes[i].instances);
        odx_free((void *)obs->volumes[i].dos_names);
        odx_free((void *)obs->volumes[i].mount_points);
    }
    odx_free(obs->filters);
    odx_free(obs->volumes);
    odx_free(obs->trials);
    odx_free(obs->errors);
    odx_free(obs->excluded);
    odx_free((void *)obs->run.volumes);
    odx_free((void *)obs->run.paths);
    if (obs->priv) {
        odx_arena_free(obs->priv->arena);
        odx_free(obs->priv);
    }
    odx_free(obs);
}

enum odx_status odx_obs_strn(struct odx_obs *obs, const char *s, size_t len, const char **out)
{
    return odx_arena_strn(obs->priv->arena, s, len, ODX_MAX_STRING_BYTES, out);
}

enum odx_status odx_obs_strn_unique(struct odx_obs *obs, const char *s, size_t len,
                                    const char **out)
{
    return odx_arena_copy(obs->priv->arena, s, len, ODX_MAX_STRING_BYTES, out);
}

enum odx_status odx_obs_str_unique(struct odx_obs *obs, const char *s, const char **out)
{
    return odx_obs_strn_unique(obs, s, s ? strlen(s) : 0, out);
}

enum odx_status odx_obs_str(struct odx_obs *obs, const char *s, const char **out)
{
    return odx_obs_strn(obs, s, s ? strlen(s) : 0, out);
}

enum odx_status odx_obs_printf(struct odx_obs *obs, const char **out, const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    va_start(ap, fmt);
    st = odx_arena_vprintf(obs->priv->arena, out, fmt, ap);
    va_end(ap);
    return st;
}

/*
 * Make room for element n of an array of elements of size elem. Capacity is
 * implicit: arrays grow to the next power of two when n reaches one, so no
 * capacity field has to be stored beside each array.
 */
static enum odx_status reserve(void **array, size_t n, size_t elem, size_t max)
{
    size_t cap, bytes;
    void *grown;
    if (n >= max)
        return ODX_E_TOO_BIG;
    if (n != 0 && (n < 4 || (n & (n - 1)) != 0))
        return ODX_OK;
    cap = n == 0 ? 4 : n * 2;
    if (!odx_mul_size(cap, elem, &bytes))
        return ODX_E_NOMEM;
    grown = odx_realloc(*array, bytes);
    if (!grown)
        return ODX_E_NOMEM;
    *array = grown;
    return ODX_OK;
}

enum odx_status odx_obs_add_filter(struct odx_obs *obs, struct odx_filter **out, size_t *index)
{
    enum odx_status st;
    *out = NULL;
    st = reserve((void **)&obs->filters, obs->n_filters, sizeof(*obs->filters), ODX_MAX_FILTERS);
    if (st != ODX_OK)
        return st;
    *out = &obs->filters[obs->n_filters];
    memset(*out, 0, sizeof(**out));
    if (index)
        *index = obs->n_filters;
    obs->n_filters++;
    return ODX_OK;
}

enum odx_status odx_obs_add_volume(struct odx_obs *obs, struct odx_volume **out, size_t *index)
{
    enum odx_status st;
    *out = NULL;
    st = reserve((void **)&obs->volumes, obs->n_volumes, sizeof(*obs->volumes), ODX_MAX_VOLUMES);
    if (st != ODX_OK)
        return st;
    *out = &obs->volumes[obs->n_volumes];
    memset(*out, 0, sizeof(**out));
    (*out)->selected = true;
    if (index)
        *index = obs->n_volumes;
    obs->n_volumes++;
    return ODX_OK;
}

enum odx_status odx_obs_add_instance(struct odx_obs *obs, size_t volume, struct odx_instance **out)
{
    struct odx_volume *v;
    enum odx_status st;
    *out = NULL;
    if (volume >= obs->n_volumes)
        return ODX_E_INVAL;
    v = &obs->volumes[volume];
    st = reserve((void **)&v->instances, v->n_instances, sizeof(*v->instances), ODX_MAX_INSTANCES);
    if (st != ODX_OK)
        return st;
    *out = &v->instances[v->n_instances];
    memset(*out, 0, sizeof(**out));
    v->n_instances++;
    return ODX_OK;
}

enum odx_status odx_obs_add_trial(struct odx_obs *obs, struct odx_trial **out, size_t *index)
{
    enum odx_status st;
    *out = NULL;
    st = reserve((void **)&obs->trials, obs->n_trials, sizeof(*obs->trials), ODX_MAX_TRIALS);
    if (st != ODX_OK)
        return st;
    *out = &obs->trials[obs->n_trials];
    memset(*out, 0, sizeof(**out));
    (*out)->volume = ODX_NONE;
    (*out)->dest_volume = ODX_NONE;
    if (index)
        *index = obs->n_trials;
    obs->n_trials++;
    return ODX_OK;
}

enum odx_status odx_obs_add_excluded(struct odx_obs *obs, struct odx_excluded **out)
{
    enum odx_status st;
    *out = NULL;
    st = reserve((void **)&obs->excluded, obs->n_excluded, sizeof(*obs->excluded), ODX_MAX_VOLUMES);
    if (st != ODX_OK)
        return st;
    *out = &obs->excluded[obs->n_excluded];
    memset(*out, 0, sizeof(**out));
    obs->n_excluded++;
    return ODX_OK;
}

/* Append a copy of s to a string array unless it is already there (compared as text). */
static enum odx_status add_name(struct odx_obs *obs, const char ***array, size_t *n, const char *s,
                                size_t max, bool intern)
{
    const char *copy;
    size_t i;
    enum odx_status st;
    if (!s)
        return ODX_E_INVAL;
    for (i = 0; i < *n; i++)
        if (strcmp((*array)[i], s) == 0)
            return ODX_OK;
    st = intern ? odx_obs_str(obs, s, &copy) : odx_obs_str_unique(obs, s, &copy);
    if (st != ODX_OK)
        return st;
    st = reserve((void **)array, *n, sizeof(**array), max);
    if (st != ODX_OK)
        return st;
    (*array)[(*n)++] = copy;
    return ODX_OK;
}

enum odx_status odx_obs_add_dos_name(struct odx_obs *obs, size_t volume, const char *name)
{
    struct odx_volume *v;
    if (volume >= obs->n_volumes)
        return ODX_E_INVAL;
    v = &obs->volumes[volume];
    return add_name(obs, &v->dos_names, &v->n_dos_names, name, ODX_MAX_NAMES, true);
}

enum odx_status odx_obs_add_mount_point(struct odx_obs *obs, size_t volume, const char *path)
{
    struct odx_volume *v;
    if (volume >= obs->n_volumes)
        return ODX_E_INVAL;
    v = &obs->volumes[volume];
    return add_name(obs, &v->mount_points, &v->n_mount_points, path, ODX_MAX_NAMES, false);
}

enum odx_status odx_obs_add_run_volume(struct odx_obs *obs, const char *name)
{
    return add_name(obs, &obs->run.volumes, &obs->run.n_volumes, name, ODX_MAX_NAMES, true);
}

enum odx_status odx_obs_add_run_path(struct odx_obs *obs, const char *path)
{
    return add_name(obs, &obs->run.paths, &obs->run.n_paths, path, ODX_MAX_NAMES, true);
}

enum odx_status odx_obs_add_error(struct odx_obs *obs, const char *api, const char *target,
                                  struct odx_code code, const char *detail)
{
    struct odx_error e;
    enum odx_status st;
    memset(&e, 0, sizeof(e));
    e.code = code;
    if ((st = odx_obs_str(obs, api, &e.api)) != ODX_OK ||
        (st = odx_obs_str(obs, target, &e.target)) != ODX_OK ||
        (st = odx_obs_str(obs, detail, &e.detail)) != ODX_OK)
        return st;
    st = reserve((void **)&obs->errors, obs->n_errors, sizeof(*obs->errors), ODX_MAX_ERRORS);
    if (st != ODX_OK)
        return st;
    obs->errors[obs->n_errors++] = e;
    return ODX_OK;
}

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static bool equal_fold(const char *a, size_t alen, const char *b, size_t blen, bool fold)
{
    size_t i;
    if (alen != blen)
        return false;
    for (i = 0; i < alen; i++) {
        int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
        if (fold) {
            ca = ascii_lower(ca);
            cb = ascii_lower(cb);
        }
        if (ca != cb)
            return false;
    }
    return true;
}

const struct odx_filter *odx_obs_find_filter(const struct odx_obs *obs, const char *name)
{
    size_t i, len;
    if (!name)
        return NULL;
    len = strlen(name);
    for (i = 0; i < obs->n_filters; i++) {
        const char *f = obs->filters[i].name;
        if (f && equal_fold(f, strlen(f), name, len, true))
            return &obs->filters[i];
    }
    return NULL;
}

const char *odx_volume_label(const struct odx_obs *obs, size_t volume, char *buf, size_t size)
{
    const struct odx_volume *v;
    if (volume < obs->n_volumes) {
        v = &obs->volumes[volume];
        if (v->n_dos_names && v->dos_names[0] && v->dos_names[0][0])
            return v->dos_names[0];
        if (v->n_mount_points && v->mount_points[0] && v->mount_points[0][0])
            return v->mount_points[0];
        if (v->nt_name && v->nt_name[0])
            return v->nt_name;
    }
    snprintf(buf, size, "volume %zu", volume);
    return buf;
}

/* Length of s without trailing path separators (but keep a lone "/" or "\"). */
static size_t trimmed_len(const char *s)
{
    size_t len = strlen(s);
    while (len > 1 && (s[len - 1] == '\\' || s[len - 1] == '/'))
        len--;
    return len;
}

static bool name_matches(const char *candidate, const char *name, bool fold)
{
    if (!candidate || !candidate[0])
        return false;
    return equal_fold(candidate, trimmed_len(candidate), name, trimmed_len(name), fold);
}

bool odx_volume_matches(const struct odx_obs *obs, size_t volume, const char *name)
{
    const struct odx_volume *v;
    bool fold = obs->platform == ODX_PLATFORM_WINDOWS;
    size_t i;
    if (volume >= obs->n_volumes || !name || !name[0])
        return false;
    v = &obs->volumes[volume];
    for (i = 0; i < v->n_dos_names; i++)
        if (name_matches(v->dos_names[i], name, fold))
            return true;
    for (i = 0; i < v->n_mount_points; i++)
        if (name_matches(v->mount_points[i], name, fold))
            return true;
    return name_matches(v->guid_path, name, fold) || name_matches(v->nt_name, name, fold);
}

/* Enum names. Each table is indexed by the enum; the report uses these words. */
static const char *const platform_names[] = {"unknown", "windows", "linux"};
static const char *const filter_kind_names[] = {"unknown", "minifilter", "legacy", "layer"};
static const char *const stage_names[] = {
    "create", "write",       "flush",      "set_size", "offload_read", "offload_write",
    "clone",  "clone_range", "copy_range", "extents",  "verify",       "cleanup",
};
static const char *const scope_names[] = {"volume", "pair", "path"};
static const char *const method_names[] = {"offload", "ficlone", "ficlonerange", "copy_file_range"};
static const char *const code_kind_names[] = {"none",    "win32", "ntstatus",
                                              "hresult", "errno", "odx"};
static const char *const tri_names[] = {"unknown", "no", "yes"};
static const char *const setting_state_names[] = {"not_read", "absent", "present", "error"};
static const char *const storage_state_names[] = {"not_queried", "descriptor", "error"};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

_Static_assert(COUNT(stage_names) == ODX_STAGE_COUNT, "a stage has no name");

static const char *name_of(const char *const *names, size_t n, unsigned value)
{
    return value < n ? names[value] : "invalid";
}

static bool value_of(const char *const *names, size_t n, const char *name, unsigned *out)
{
    unsigned i;
    if (!name)
        return false;
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return true;
        }
    }
    return false;
}

#define NAME_FUNCS(type, prefix, table)                                                            \
    const char *odx_##prefix##_name(type v)                                                        \
    {                                                                                              \
        return name_of(table, COUNT(table), (unsigned)v);                                          \
    }                                                                                              \
    bool odx_##prefix##_from_name(const char *name, type *out)                                     \
    {                                                                                              \
        unsigned v;                                                                                \
        if (!value_of(table, COUNT(table), name, &v))                                              \
            return false;                                                                          \
        *out = (type)v;                                                                            \
        return true;                                                                               \
    }

NAME_FUNCS(enum odx_platform, platform, platform_names)
NAME_FUNCS(enum odx_filter_kind, filter_kind, filter_kind_names)
NAME_FUNCS(enum odx_stage_id, stage, stage_names)
NAME_FUNCS(enum odx_trial_scope, scope, scope_names)
NAME_FUNCS(enum odx_method, method, method_names)
NAME_FUNCS(enum odx_code_kind, code_kind, code_kind_names)
NAME_FUNCS(enum odx_tri, tri, tri_names)
NAME_FUNCS(enum odx_setting_state, setting_state, setting_state_names)
NAME_FUNCS(enum odx_storage_state, storage_state, storage_state_names)
