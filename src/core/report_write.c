/*
 * The report writer: an observation, and optionally its analysis, as one
 * pretty-printed JSON document (docs/report-format.md). Keys come out in a
 * fixed order and every key is always written (null when unknown), so equal
 * models give byte-identical reports.
 *
 * It decides nothing (analysis does) and touches no file (the CLI writes).
 * Raw numbers travel next to derived names ("hex", "name", "meaning",
 * "supported_features_names"); the reader ignores the derived ones.
 *
 * Strings of the model are put into the tree by reference, not copied: the
 * tree lives only for the length of one call and the model outlives it.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"
#include "odx/knowledge.h"
#include "odx/report.h"
#include "odx/utf8.h"
#include "report_internal.h"

#ifndef ODX_VERSION
#define ODX_VERSION "unknown"
#endif

/* Construction state: any failed allocation sets nomem and the render gives up at the end. */
struct writer {
    bool nomem;
};

/*
 * Adds item under key (a string constant or a model string that outlives the
 * tree) and returns it. A NULL item or parent means an allocation failed
 * earlier; the item is freed and the failure remembered, so callers can build
 * a whole subtree and check once.
 */
static cJSON *put(struct writer *w, cJSON *obj, const char *key, cJSON *item)
{
    if (!item) {
        w->nomem = true;
        return NULL;
    }
    if (!obj || !cJSON_AddItemToObjectCS(obj, key, item)) {
        cJSON_Delete(item);
        w->nomem = true;
        return NULL;
    }
    return item;
}

static cJSON *push(struct writer *w, cJSON *arr, cJSON *item)
{
    if (!item) {
        w->nomem = true;
        return NULL;
    }
    if (!arr || !cJSON_AddItemToArray(arr, item)) {
        cJSON_Delete(item);
        w->nomem = true;
        return NULL;
    }
    return item;
}

/* Copy of s with every ill-formed UTF-8 sequence replaced by U+FFFD, or NULL on no memory. */
static char *utf8_repair(const char *s, size_t len)
{
    size_t i = 0, o = 0, cap;
    char *out;
    if (!odx_mul_size(len, 3, &cap) || !odx_add_size(cap, 1, &cap))
        return NULL;
    out = odx_malloc(cap);
    if (!out)
        return NULL;
    while (i < len) {
        size_t n = odx_utf8_decode((const unsigned char *)s + i, len - i, NULL);
        if (n == 0) {
            memcpy(out + o, "\xEF\xBF\xBD", 3);
            o += 3;
            i++;
        } else {
            memcpy(out + o, s + i, n);
            o += n;
            i += n;
        }
    }
    out[o] = '\0';
    return out;
}

/*
 * A model string, by reference. The model promises UTF-8; a back end that
 * breaks the promise (a Linux path in another encoding) must not make the
 * whole report unreadable, so ill-formed bytes become U+FFFD in a copy.
 */
static cJSON *str(const char *s)
{
    size_t i, len;
    char *fixed;
    cJSON *item;
    if (!s)
        return cJSON_CreateNull();
    len = strlen(s);
    for (i = 0; i < len;) {
        size_t n = odx_utf8_decode((const unsigned char *)s + i, len - i, NULL);
        if (n == 0)
            break;
        i += n;
    }
    if (i == len)
        return cJSON_CreateStringReference(s);
    fixed = utf8_repair(s, len);
    if (!fixed)
        return NULL;
    item = cJSON_CreateString(fixed);
    odx_free(fixed);
    return item;
}

/* A derived string that the tree must own (it lives in a local buffer). */
static cJSON *str_copy(const char *s)
{
    return s ? cJSON_CreateString(s) : cJSON_CreateNull();
}

/*
 * An unsigned integer. cJSON 1.7.15 prints doubles of 1e15 and more with
 * %1.15g, which rounds 2^53-1 to 9.00719925474099e+15; numbers above
 * INT_MAX are therefore written as raw decimal text. Values of 2^53 and more
 * do not survive a double at all and become decimal strings.
 */
static cJSON *u64(uint64_t v)
{
    char buf[24];
    if (v <= (uint64_t)INT_MAX)
        return cJSON_CreateNumber((double)v);
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    if (v < ODX_JSON_INT_LIMIT)
        return cJSON_CreateRaw(buf);
    return cJSON_CreateString(buf);
}

/* Always a decimal string: for 64-bit fields that routinely exceed 2^53. */
static cJSON *u64_string(uint64_t v)
{
    char buf[24];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return cJSON_CreateString(buf);
}

static cJSON *opt_u32(struct odx_opt_u32 o)
{
    return o.present ? u64(o.value) : cJSON_CreateNull();
}

static cJSON *index_or_null(size_t i)
{
    return i == ODX_NONE ? cJSON_CreateNull() : u64((uint64_t)i);
}

static cJSON *boolean(bool b)
{
    return cJSON_CreateBool(b);
}

static cJSON *tri(enum odx_tri t)
{
    return cJSON_CreateStringReference(odx_tri_name(t));
}

static cJSON *strings(struct writer *w, const char *const *v, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    for (i = 0; i < n; i++)
        push(w, arr, str(v[i]));
    return arr;
}

/* {"kind","value","hex","name"}: raw number plus derived spellings. */
static cJSON *code(struct writer *w, struct odx_code c)
{
    cJSON *o = cJSON_CreateObject();
    char hex[16];
    if (c.kind == ODX_CODE_NTSTATUS || c.kind == ODX_CODE_HRESULT)
        snprintf(hex, sizeof(hex), "0x%08" PRIX32, c.value);
    else
        snprintf(hex, sizeof(hex), "0x%" PRIX32, c.value);
    put(w, o, "kind", cJSON_CreateStringReference(odx_code_kind_name(c.kind)));
    put(w, o, "value", u64(c.value));
    put(w, o, "hex", cJSON_CreateString(hex));
    put(w, o, "name", str(c.kind == ODX_CODE_NONE ? NULL : odx_code_name(c)));
    return o;
}

static cJSON *code_or_null(struct writer *w, struct odx_code c)
{
    return c.kind == ODX_CODE_NONE ? cJSON_CreateNull() : code(w, c);
}

/* A setting: "value" only when present, "error" only when reading failed. */
static cJSON *setting(struct writer *w, const struct odx_setting *s)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "state", cJSON_CreateStringReference(odx_setting_state_name(s->state)));
    put(w, o, "value", s->state == ODX_SETTING_PRESENT ? u64(s->value) : cJSON_CreateNull());
    put(w, o, "error", s->state == ODX_SETTING_ERROR ? code(w, s->error) : cJSON_CreateNull());
    return o;
}

static cJSON *features_names(struct odx_opt_u32 f)
{
    char buf[96];
    if (!f.present)
        return cJSON_CreateNull();
    return str_copy(odx_features_describe(f.value, buf, sizeof(buf)));
}

static cJSON *host(struct writer *w, const struct odx_host *h)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "name", str(h->name));
    put(w, o, "os_name", str(h->os_name));
    put(w, o, "os_version", str(h->os_version));
    put(w, o, "os_build", str(h->os_build));
    put(w, o, "arch", str(h->arch));
    put(w, o, "elevated", tri(h->elevated));
    put(w, o, "probe_time", str(h->probe_time));
    put(w, o, "tool_version", str(h->tool_version));
    return o;
}

static cJSON *run(struct writer *w, const struct odx_run *r)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "static", boolean(r->static_only));
    put(w, o, "cross", boolean(r->cross));
    put(w, o, "interrupted", boolean(r->interrupted));
    put(w, o, "trial_size", u64(r->trial_size));
    put(w, o, "volumes", strings(w, r->volumes, r->n_volumes));
    put(w, o, "paths", strings(w, r->paths, r->n_paths));
    return o;
}

static cJSON *filter(struct writer *w, const struct odx_filter *f)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "name", str(f->name));
    put(w, o, "altitude", str(f->altitude));
    put(w, o, "kind", cJSON_CreateStringReference(odx_filter_kind_name(f->kind)));
    put(w, o, "frame", opt_u32(f->frame));
    put(w, o, "instance_count", opt_u32(f->instance_count));
    put(w, o, "declared", setting(w, &f->declared));
    put(w, o, "declared_parameters", setting(w, &f->declared_parameters));
    put(w, o, "image_path", str(f->image_path));
    put(w, o, "vendor", str(f->vendor));
    put(w, o, "product", str(f->product));
    put(w, o, "version", str(f->version));
    put(w, o, "loaded_unknown", boolean(f->loaded_unknown));
    return o;
}

static cJSON *descriptor(struct writer *w, const struct odx_copy_offload_desc *d)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "version", u64(d->version));
    put(w, o, "size", u64(d->size));
    put(w, o, "max_token_lifetime_s", u64(d->max_token_lifetime_s));
    put(w, o, "default_token_lifetime_s", u64(d->default_token_lifetime_s));
    put(w, o, "max_transfer_size", u64_string(d->max_transfer_size));
    put(w, o, "optimal_transfer_count", u64_string(d->optimal_transfer_count));
    put(w, o, "max_data_descriptors", u64(d->max_data_descriptors));
    put(w, o, "max_transfer_length_per_descriptor", u64(d->max_transfer_length_per_descriptor));
    put(w, o, "optimal_transfer_length_per_descriptor",
        u64(d->optimal_transfer_length_per_descriptor));
    put(w, o, "optimal_transfer_length_granularity", u64(d->optimal_transfer_length_granularity));
    return o;
}

static cJSON *storage(struct writer *w, const struct odx_storage *s)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "state", cJSON_CreateStringReference(odx_storage_state_name(s->state)));
    put(w, o, "queried_on", str(s->queried_on));
    put(w, o, "descriptor",
        s->state == ODX_STORAGE_DESCRIPTOR ? descriptor(w, &s->desc) : cJSON_CreateNull());
    put(w, o, "error", s->state == ODX_STORAGE_ERROR ? code(w, s->error) : cJSON_CreateNull());
    return o;
}

static cJSON *instance(struct writer *w, const struct odx_instance *in)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "filter", str(in->filter));
    put(w, o, "name", str(in->name));
    put(w, o, "altitude", str(in->altitude));
    put(w, o, "kind", cJSON_CreateStringReference(odx_filter_kind_name(in->kind)));
    put(w, o, "frame", opt_u32(in->frame));
    put(w, o, "supported_features", opt_u32(in->supported_features));
    put(w, o, "supported_features_names", features_names(in->supported_features));
    put(w, o, "detached", boolean(in->detached));
    put(w, o, "role", str(in->role));
    put(w, o, "fs_type", str(in->fs_type));
    put(w, o, "path", str(in->path));
    return o;
}

static cJSON *volume(struct writer *w, const struct odx_volume *v, size_t index)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr;
    size_t i;
    put(w, o, "index", u64(index));
    put(w, o, "nt_name", str(v->nt_name));
    put(w, o, "guid_path", str(v->guid_path));
    put(w, o, "dos_names", strings(w, v->dos_names, v->n_dos_names));
    put(w, o, "mount_points", strings(w, v->mount_points, v->n_mount_points));
    put(w, o, "file_system", str(v->file_system));
    put(w, o, "flt_fs_type", opt_u32(v->flt_fs_type));
    put(w, o, "sector_size", opt_u32(v->sector_size));
    put(w, o, "detached", boolean(v->detached));
    put(w, o, "remote", tri(v->remote));
    put(w, o, "removable", tri(v->removable));
    put(w, o, "read_only", tri(v->read_only));
    put(w, o, "storage", storage(w, &v->storage));
    put(w, o, "instances_listed", tri(v->instances_listed));
    arr = put(w, o, "instances", cJSON_CreateArray());
    for (i = 0; i < v->n_instances; i++)
        push(w, arr, instance(w, &v->instances[i]));
    put(w, o, "eligible", boolean(v->eligible));
    put(w, o, "skip_reason", str(v->skip_reason));
    put(w, o, "selected", boolean(v->selected));
    put(w, o, "mount_id", opt_u32(v->mount_id));
    put(w, o, "parent_id", opt_u32(v->parent_id));
    put(w, o, "root", str(v->root));
    put(w, o, "options", str(v->options));
    return o;
}

static cJSON *stage(struct writer *w, const struct odx_stage *s, enum odx_stage_id id)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "stage", cJSON_CreateStringReference(odx_stage_name(id)));
    put(w, o, "attempted", boolean(s->attempted));
    put(w, o, "code", code(w, s->code));
    put(w, o, "api", str(s->api));
    put(w, o, "bytes_requested", u64(s->bytes_requested));
    put(w, o, "bytes_transferred", u64(s->bytes_transferred));
    put(w, o, "flags", opt_u32(s->flags));
    put(w, o, "calls", u64(s->calls));
    put(w, o, "elapsed_us", u64(s->elapsed_us));
    return o;
}

static cJSON *trial(struct writer *w, const struct odx_trial *t, size_t index)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr;
    size_t i;
    put(w, o, "index", u64(index));
    put(w, o, "scope", cJSON_CreateStringReference(odx_scope_name(t->scope)));
    put(w, o, "method", cJSON_CreateStringReference(odx_method_name(t->method)));
    put(w, o, "volume", index_or_null(t->volume));
    put(w, o, "dest_volume", index_or_null(t->dest_volume));
    put(w, o, "path", str(t->path));
    put(w, o, "directory", str(t->directory));
    put(w, o, "remote", tri(t->remote));
    put(w, o, "size", u64(t->size));
    /* Only attempted stages: the others hold nothing (the reader zeroes them). */
    arr = put(w, o, "stages", cJSON_CreateArray());
    for (i = 0; i < ODX_STAGE_COUNT; i++)
        if (t->stages[i].attempted)
            push(w, arr, stage(w, &t->stages[i], (enum odx_stage_id)i));
    put(w, o, "zero_token", boolean(t->zero_token));
    put(w, o, "extents_shared", tri(t->extents_shared));
    return o;
}

static cJSON *error(struct writer *w, const struct odx_error *e)
{
    const struct odx_code_info *info = odx_code_lookup(e->code);
    cJSON *o = cJSON_CreateObject();
    put(w, o, "api", str(e->api));
    put(w, o, "target", str(e->target));
    put(w, o, "code", code(w, e->code));
    put(w, o, "meaning", str(info ? info->meaning : NULL));
    put(w, o, "detail", str(e->detail));
    return o;
}

static cJSON *excluded(struct writer *w, const struct odx_excluded *x)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "mount_point", str(x->mount_point));
    put(w, o, "fs_type", str(x->fs_type));
    put(w, o, "reason", str(x->reason));
    return o;
}

static cJSON *observations(struct writer *w, const struct odx_obs *obs)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *arr;
    size_t i;
    put(w, o, "platform", cJSON_CreateStringReference(odx_platform_name(obs->platform)));
    put(w, o, "backend", str(obs->backend));
    put(w, o, "host", host(w, &obs->host));
    put(w, o, "run", run(w, &obs->run));
    put(w, o, "filter_supported_features_mode", setting(w, &obs->features_mode));
    put(w, o, "filters_listed", tri(obs->filters_listed));
    arr = put(w, o, "filters", cJSON_CreateArray());
    for (i = 0; i < obs->n_filters; i++)
        push(w, arr, filter(w, &obs->filters[i]));
    arr = put(w, o, "volumes", cJSON_CreateArray());
    for (i = 0; i < obs->n_volumes; i++)
        push(w, arr, volume(w, &obs->volumes[i], i));
    arr = put(w, o, "trials", cJSON_CreateArray());
    for (i = 0; i < obs->n_trials; i++)
        push(w, arr, trial(w, &obs->trials[i], i));
    arr = put(w, o, "errors", cJSON_CreateArray());
    for (i = 0; i < obs->n_errors; i++)
        push(w, arr, error(w, &obs->errors[i]));
    arr = put(w, o, "excluded", cJSON_CreateArray());
    for (i = 0; i < obs->n_excluded; i++)
        push(w, arr, excluded(w, &obs->excluded[i]));
    return o;
}

static cJSON *flag(struct writer *w, const struct odx_flag *f)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "kind", cJSON_CreateStringReference(odx_flag_name(f->kind)));
    put(w, o, "filter", str(f->filter));
    put(w, o, "text", str(f->text));
    return o;
}

static cJSON *flags(struct writer *w, const struct odx_flag *f, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    for (i = 0; i < n; i++)
        push(w, arr, flag(w, &f[i]));
    return arr;
}

static cJSON *culprit(struct writer *w, const struct odx_culprit *c)
{
    cJSON *o = cJSON_CreateObject();
    put(w, o, "filter", str(c->filter));
    put(w, o, "instance", str(c->instance));
    put(w, o, "altitude", str(c->altitude));
    put(w, o, "kind", cJSON_CreateStringReference(odx_filter_kind_name(c->kind)));
    put(w, o, "volume", index_or_null(c->volume));
    put(w, o, "runtime", opt_u32(c->runtime));
    put(w, o, "runtime_names", features_names(c->runtime));
    put(w, o, "declared", setting(w, &c->declared));
    put(w, o, "declared_parameters", setting(w, &c->declared_parameters));
    put(w, o, "bits_from", cJSON_CreateStringReference(odx_bits_source_name(c->bits_from)));
    put(w, o, "features", u64(c->features));
    put(w, o, "lacks_read", boolean(c->lacks_read));
    put(w, o, "lacks_write", boolean(c->lacks_write));
    put(w, o, "microsoft", boolean(c->microsoft));
    put(w, o, "reason", str(c->reason));
    return o;
}

static cJSON *culprits(struct writer *w, const struct odx_culprit *c, size_t n)
{
    cJSON *arr = cJSON_CreateArray();
    size_t i;
    for (i = 0; i < n; i++)
        push(w, arr, culprit(w, &c[i]));
    return arr;
}

static cJSON *result(struct writer *w, const struct odx_result *r)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *t = put(w, o, "target", cJSON_CreateObject());
    put(w, t, "kind", cJSON_CreateStringReference(odx_target_kind_name(r->target)));
    put(w, t, "volume", index_or_null(r->volume));
    put(w, t, "dest_volume", index_or_null(r->dest_volume));
    put(w, t, "trial", index_or_null(r->trial));
    put(w, t, "label", str(r->label));
    put(w, o, "verdict", cJSON_CreateStringReference(odx_verdict_name(r->verdict)));
    put(w, o, "headline", str(r->headline));
    put(w, o, "evidence", strings(w, r->evidence, r->n_evidence));
    put(w, o, "remedy", str(r->remedy));
    put(w, o, "code", code_or_null(w, r->code));
    put(w, o, "stage",
        r->code.kind == ODX_CODE_NONE ? cJSON_CreateNull()
                                      : cJSON_CreateStringReference(odx_stage_name(r->stage)));
    put(w, o, "blockers", culprits(w, r->blockers, r->n_blockers));
    put(w, o, "suspects", culprits(w, r->suspects, r->n_suspects));
    put(w, o, "flags", flags(w, r->flags, r->n_flags));
    return o;
}

static cJSON *analysis(struct writer *w, const struct odx_analysis *an)
{
    cJSON *o = cJSON_CreateObject();
    cJSON *counts, *arr;
    size_t i;
    put(w, o, "outcome", cJSON_CreateStringReference(odx_outcome_name(an->outcome)));
    counts = put(w, o, "counts", cJSON_CreateObject());
    for (i = 0; i < ODX_VERDICT_COUNT; i++)
        put(w, counts, odx_verdict_name((enum odx_verdict)i), u64(an->counts[i]));
    put(w, o, "flags", flags(w, an->flags, an->n_flags));
    arr = put(w, o, "results", cJSON_CreateArray());
    for (i = 0; i < an->n_results; i++)
        push(w, arr, result(w, &an->results[i]));
    return o;
}

/* Indexes that point outside their arrays would make a report that cannot be read back. */
static bool indexes_valid(const struct odx_obs *obs)
{
    size_t i;
    for (i = 0; i < obs->n_trials; i++) {
        const struct odx_trial *t = &obs->trials[i];
        if ((t->volume != ODX_NONE && t->volume >= obs->n_volumes) ||
            (t->dest_volume != ODX_NONE && t->dest_volume >= obs->n_volumes))
            return false;
    }
    return true;
}

enum odx_status odx_report_render(const struct odx_obs *obs, const struct odx_analysis *an,
                                  char **out, size_t *out_len)
{
    struct writer w = {false};
    cJSON *root = NULL, *gen;
    char *text = NULL, *grown;
    size_t len;
    enum odx_status st = ODX_E_NOMEM;

    *out = NULL;
    *out_len = 0;
    if (!obs)
        return ODX_E_INVAL;
    if (!indexes_valid(obs))
        return ODX_E_INVAL;
    odx_report_json_hooks();

    root = cJSON_CreateObject();
    put(&w, root, "schema", cJSON_CreateStringReference(ODX_REPORT_SCHEMA_NAME));
    put(&w, root, "schema_version", u64(ODX_REPORT_SCHEMA_VERSION));
    gen = put(&w, root, "generator", cJSON_CreateObject());
    put(&w, gen, "tool", cJSON_CreateStringReference("odxprobe"));
    put(&w, gen, "version", cJSON_CreateStringReference(ODX_VERSION));
    put(&w, root, "observations", observations(&w, obs));
    if (an)
        put(&w, root, "analysis", analysis(&w, an));
    if (w.nomem)
        goto out;

    text = cJSON_Print(root);
    if (!text)
        goto out;
    /* A text file ends with a newline; cJSON_Print does not add one. */
    len = strlen(text);
    grown = odx_realloc(text, len + 2);
    if (!grown)
        goto out;
    text = grown;
    text[len] = '\n';
    text[len + 1] = '\0';
    *out = text;
    *out_len = len + 1;
    text = NULL;
    st = ODX_OK;
out:
    odx_free(text);
    cJSON_Delete(root);
    return st;
}
