/*
 * The report reader: a saved report's observations back into a model, so a
 * support engineer can analyse a customer's report anywhere.
 *
 * The text is hostile. Its size is capped before parsing; the JSON must be
 * one value with nothing but whitespace after it; every string in the whole
 * document (keys and ignored parts included) must be well-formed UTF-8 with
 * no \u0000 and no raw control character; every item's type is checked;
 * integers must be integral and below 2^53; arrays and strings are held to
 * the model's ODX_MAX_* limits; enum words must be known; volume indexes
 * must point into the volumes array. Unknown keys are ignored (a newer
 * writer of the same schema_version may add optional keys); a known key
 * given twice is an error (JSON parsers disagree on which one wins).
 *
 * Every failure gives one line naming the JSON path of the problem. Data is
 * never interpreted, only copied: strings such as ANSI escape sequences are
 * accepted as data, and whoever prints them (the console summary) sanitises.
 *
 * Cost: one pass over the text, one walk of the cJSON tree, each key found
 * in O(1) when keys come in the writer's order; strings go through the
 * model's interning builders. The tree is deleted before returning.
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "odx/alloc.h"
#include "odx/report.h"
#include "odx/utf8.h"
#include "report_internal.h"

/* One step of a JSON path, kept on the C stack and formatted only on error. */
struct jpath {
    const struct jpath *up;
    const char *key; /* NULL: an array element */
    size_t index;
};

/*
 * A big array of observations (volumes, trials) located in the text but left
 * out of the parse tree: its elements are parsed and read one at a time
 * (see lazy_find), so the whole report is never a tree at once.
 */
struct lazy_array {
    bool found;
    size_t n;
    size_t *start; /* element i is text[start[i], end[i]) */
    size_t *end;
    size_t open, close; /* offsets of its '[' and ']' */
};

struct lazy {
    struct lazy_array volumes, trials;
};

struct reader {
    struct odx_obs *obs;
    enum odx_status st;
    char *err;
    size_t errsize;
    const char *text; /* the whole report */
    size_t len;
    bool text_checked;       /* scan_text has passed */
    const struct lazy *lazy; /* NULL: the tree holds everything */
};

/* The most keys any object of the schema has. */
#define MAX_KEYS 24

/* An object of the document with its known keys bound to their items. */
struct obj {
    struct jpath path;
    const char *const *keys;
    size_t n_keys;
    const cJSON *v[MAX_KEYS];
};

/* ---- messages ---------------------------------------------------------- */

/* Hostile text shown in a message: printable ASCII only, at most 40 bytes. */
static void quote(char *buf, size_t size, const char *s)
{
    size_t o = 0, i;
    if (size < 8) {
        if (size)
            buf[0] = '\0';
        return;
    }
    buf[o++] = '"';
    for (i = 0; s[i] && o + 8 < size; i++) {
        unsigned char c = (unsigned char)s[i];
        if (i == 40) {
            memcpy(buf + o, "...", 3);
            o += 3;
            break;
        }
        if (c == '"' || c == '\\') {
            buf[o++] = '\\';
            buf[o++] = (char)c;
        } else if (c >= 0x20 && c < 0x7F) {
            buf[o++] = (char)c;
        } else {
            o += (size_t)snprintf(buf + o, size - o, "\\x%02X", c);
        }
    }
    buf[o++] = '"';
    buf[o] = '\0';
}

static bool plain_key(const char *k)
{
    if (!*k)
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || (*k >= '0' && *k <= '9') ||
              *k == '_'))
            return false;
    return true;
}

static size_t path_format(const struct jpath *p, char *buf, size_t size)
{
    size_t n;
    int k;
    if (!p)
        return 0;
    n = path_format(p->up, buf, size);
    if (n >= size)
        return n;
    if (!p->key) {
        k = snprintf(buf + n, size - n, "[%" PRIu64 "]", (uint64_t)p->index);
    } else if (plain_key(p->key)) {
        k = snprintf(buf + n, size - n, "%s%s", n ? "." : "", p->key);
    } else {
        char q[64];
        quote(q, sizeof(q), p->key);
        k = snprintf(buf + n, size - n, "[%s]", q);
    }
    if (k < 0)
        return n;
    n += (size_t)k;
    return n < size ? n : size - 1;
}

static bool fail(struct reader *r, enum odx_status st, const struct jpath *p, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 5)))
#endif
    ;

static bool fail(struct reader *r, enum odx_status st, const struct jpath *p, const char *fmt, ...)
{
    va_list ap;
    size_t n = 0;
    r->st = st;
    if (!r->err || r->errsize == 0)
        return false;
    r->err[0] = '\0';
    if (p) {
        n = path_format(p, r->err, r->errsize);
        if (n + 2 < r->errsize) {
            memcpy(r->err + n, ": ", 3);
            n += 2;
        }
    }
    if (n + 1 < r->errsize) {
        va_start(ap, fmt);
        vsnprintf(r->err + n, r->errsize - n, fmt, ap);
        va_end(ap);
    }
    return false;
}

static bool fail_status(struct reader *r, enum odx_status st, const struct jpath *p)
{
    return fail(r, st, p, "%s", odx_status_message(st));
}

static const char *type_name(const cJSON *item)
{
    if (cJSON_IsString(item))
        return "a string";
    if (cJSON_IsNumber(item))
        return "a number";
    if (cJSON_IsBool(item))
        return "a boolean";
    if (cJSON_IsNull(item))
        return "null";
    if (cJSON_IsArray(item))
        return "an array";
    if (cJSON_IsObject(item))
        return "an object";
    return "something else";
}

static bool expected(struct reader *r, const struct jpath *p, const char *what, const cJSON *item)
{
    return fail(r, ODX_E_SCHEMA, p, "expected %s (found %s)", what, type_name(item));
}

/* Line and column (from 1) of byte offset off, for messages. */
static void line_col(const char *text, size_t off, size_t *line, size_t *col)
{
    size_t i;
    *line = 1;
    *col = 1;
    for (i = 0; i < off; i++) {
        if (text[i] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static bool fail_at(struct reader *r, enum odx_status st, const char *text, size_t off,
                    const char *what)
{
    size_t line, col;
    line_col(text, off, &line, &col);
    return fail(r, st, NULL, "%s at byte %" PRIu64 " (line %" PRIu64 ", column %" PRIu64 ")", what,
                (uint64_t)off, (uint64_t)line, (uint64_t)col);
}

/* ---- binding keys ------------------------------------------------------ */

static bool bind(struct reader *r, struct obj *o, const struct jpath *up, const char *key,
                 size_t index, const cJSON *item, const char *const *keys, size_t n)
{
    const cJSON *c;
    size_t next = 0, k;
    o->path.up = up;
    o->path.key = key;
    o->path.index = index;
    o->keys = keys;
    o->n_keys = n;
    memset(o->v, 0, sizeof(o->v));
    if (!cJSON_IsObject(item))
        return expected(r, &o->path, "an object", item);
    for (c = item->child; c; c = c->next) {
        if (!c->string)
            continue;
        /* Keys in the writer's order match on the first compare. */
        if (next < n && strcmp(c->string, keys[next]) == 0) {
            k = next;
        } else {
            for (k = 0; k < n; k++)
                if (strcmp(c->string, keys[k]) == 0)
                    break;
            if (k == n)
                continue; /* unknown key: tolerated, ignored */
        }
        if (o->v[k]) {
            struct jpath kp = {&o->path, keys[k], 0};
            return fail(r, ODX_E_SCHEMA, &kp, "key given twice");
        }
        o->v[k] = c;
        next = k + 1;
    }
    return true;
}

#define BIND(r, o, up, key, index, item, keys)                                                     \
    bind(r, o, up, key, index, item, keys, sizeof(keys) / sizeof((keys)[0]))

/* The item bound to key k, or a "missing" failure. */
static const cJSON *need(struct reader *r, struct obj *o, size_t k, struct jpath *kp)
{
    kp->up = &o->path;
    kp->key = o->keys[k];
    kp->index = 0;
    if (!o->v[k])
        fail(r, ODX_E_SCHEMA, kp, "missing");
    return o->v[k];
}

/* ---- scalars ----------------------------------------------------------- */

static bool str_item_as(struct reader *r, const cJSON *it, const struct jpath *p, bool nullable,
                        bool unique, const char **out)
{
    size_t len;
    enum odx_status st;
    *out = NULL;
    if (nullable && cJSON_IsNull(it))
        return true;
    if (!cJSON_IsString(it) || !it->valuestring)
        return expected(r, p, nullable ? "a string or null" : "a string", it);
    len = strlen(it->valuestring);
    if (len > ODX_MAX_STRING_BYTES)
        return fail(r, ODX_E_TOO_BIG, p, "string of %" PRIu64 " bytes, more than the %u allowed",
                    (uint64_t)len, ODX_MAX_STRING_BYTES);
    st = unique ? odx_obs_strn_unique(r->obs, it->valuestring, len, out)
                : odx_obs_strn(r->obs, it->valuestring, len, out);
    if (st != ODX_OK)
        return fail_status(r, st, p);
    return true;
}

static bool str_item(struct reader *r, const cJSON *it, const struct jpath *p, bool nullable,
                     const char **out)
{
    return str_item_as(r, it, p, nullable, false, out);
}

static bool get_str(struct reader *r, struct obj *o, size_t k, const char **out)
{
    struct jpath kp;
    const cJSON *it = need(r, o, k, &kp);
    *out = NULL;
    return it && str_item(r, it, &kp, true, out);
}

/* A string that names one volume or trial only: copied, not interned (model.h says why). */
static bool get_unique_str(struct reader *r, struct obj *o, size_t k, const char **out)
{
    struct jpath kp;
    const cJSON *it = need(r, o, k, &kp);
    *out = NULL;
    return it && str_item_as(r, it, &kp, true, true, out);
}

/*
 * Whether d is a finite integer, without libm: every double of magnitude
 * 2^53 and more is an integer. d - d is 0 for finite d and NaN for
 * infinities (isfinite() of some C libraries converts to float).
 */
static bool integral(double d)
{
    if (!(d - d == 0.0))
        return false;
    if (d > -9007199254740992.0 && d < 9007199254740992.0)
        return (double)(int64_t)d == d;
    return true;
}

/* An integral JSON number in [0, max]; max is below 2^53. */
static bool int_item(struct reader *r, const cJSON *it, const struct jpath *p, uint64_t max,
                     uint64_t *out)
{
    double d;
    if (!cJSON_IsNumber(it))
        return fail(r, ODX_E_SCHEMA, p, "expected an integer (found %s)", type_name(it));
    d = it->valuedouble;
    /* cJSON 1.7.15 keeps numbers as double only: check before converting. */
    if (!integral(d))
        return fail(r, ODX_E_SCHEMA, p, "expected an integer (found %.17g)", d);
    if (d < 0 || d > (double)max)
        return fail(r, ODX_E_SCHEMA, p, "integer %.17g out of range 0..%" PRIu64, d, max);
    *out = (uint64_t)d;
    return true;
}

static bool get_u32(struct reader *r, struct obj *o, size_t k, uint32_t *out)
{
    struct jpath kp;
    uint64_t v = 0;
    const cJSON *it = need(r, o, k, &kp);
    if (!it || !int_item(r, it, &kp, UINT32_MAX, &v))
        return false;
    *out = (uint32_t)v;
    return true;
}

static bool get_opt_u32(struct reader *r, struct obj *o, size_t k, struct odx_opt_u32 *out)
{
    struct jpath kp;
    uint64_t v = 0;
    const cJSON *it = need(r, o, k, &kp);
    out->present = false;
    out->value = 0;
    if (!it)
        return false;
    if (cJSON_IsNull(it))
        return true;
    if (!cJSON_IsNumber(it))
        return expected(r, &kp, "an integer or null", it);
    if (!int_item(r, it, &kp, UINT32_MAX, &v))
        return false;
    out->present = true;
    out->value = (uint32_t)v;
    return true;
}

/* A canonical unsigned decimal string ("0", "18446744073709551615"). */
static bool decimal_u64(const char *s, uint64_t *out)
{
    uint64_t v = 0;
    size_t i;
    if (!s[0] || (s[0] == '0' && s[1]))
        return false;
    for (i = 0; s[i]; i++) {
        unsigned d;
        if (s[i] < '0' || s[i] > '9')
            return false;
        d = (unsigned)(s[i] - '0');
        if (v > (UINT64_MAX - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/*
 * A 64-bit count: an integer below 2^53, or (only when it does not fit
 * there) a decimal string. string_only: the field is always a string.
 */
static bool get_u64(struct reader *r, struct obj *o, size_t k, bool string_only, uint64_t *out)
{
    struct jpath kp;
    const cJSON *it = need(r, o, k, &kp);
    *out = 0;
    if (!it)
        return false;
    if (cJSON_IsString(it) && it->valuestring) {
        if (!decimal_u64(it->valuestring, out))
            return fail(r, ODX_E_SCHEMA, &kp,
                        "expected a decimal string of an unsigned 64-bit integer");
        return true;
    }
    if (string_only)
        return expected(r, &kp, "a decimal string", it);
    return int_item(r, it, &kp, ODX_JSON_INT_LIMIT - 1, out);
}

static bool get_bool(struct reader *r, struct obj *o, size_t k, bool *out)
{
    struct jpath kp;
    const cJSON *it = need(r, o, k, &kp);
    *out = false;
    if (!it)
        return false;
    if (!cJSON_IsBool(it))
        return expected(r, &kp, "true or false", it);
    *out = cJSON_IsTrue(it);
    return true;
}

/* Enum words come from the model's name tables, walked through these adapters. */
typedef const char *(*name_fn)(unsigned v);
static const char *n_platform(unsigned v)
{
    return odx_platform_name((enum odx_platform)v);
}
static const char *n_filter_kind(unsigned v)
{
    return odx_filter_kind_name((enum odx_filter_kind)v);
}
static const char *n_stage(unsigned v)
{
    return odx_stage_name((enum odx_stage_id)v);
}
static const char *n_scope(unsigned v)
{
    return odx_scope_name((enum odx_trial_scope)v);
}
static const char *n_method(unsigned v)
{
    return odx_method_name((enum odx_method)v);
}
static const char *n_code_kind(unsigned v)
{
    return odx_code_kind_name((enum odx_code_kind)v);
}
static const char *n_tri(unsigned v)
{
    return odx_tri_name((enum odx_tri)v);
}
static const char *n_setting_state(unsigned v)
{
    return odx_setting_state_name((enum odx_setting_state)v);
}
static const char *n_storage_state(unsigned v)
{
    return odx_storage_state_name((enum odx_storage_state)v);
}

static bool word_item(struct reader *r, const cJSON *it, const struct jpath *p, name_fn names,
                      unsigned *out)
{
    char list[256], q[64];
    size_t used = 0;
    unsigned v;
    const char *w;
    *out = 0;
    if (!cJSON_IsString(it) || !it->valuestring)
        return expected(r, p, "a string", it);
    for (v = 0; strcmp(w = names(v), "invalid") != 0; v++) {
        if (strcmp(w, it->valuestring) == 0) {
            *out = v;
            return true;
        }
    }
    list[0] = '\0';
    for (v = 0; strcmp(w = names(v), "invalid") != 0; v++) {
        int n = snprintf(list + used, sizeof(list) - used, "%s%s", v ? ", " : "", w);
        if (n < 0 || (size_t)n >= sizeof(list) - used)
            break;
        used += (size_t)n;
    }
    quote(q, sizeof(q), it->valuestring);
    return fail(r, ODX_E_SCHEMA, p, "unknown word %s (expected one of: %s)", q, list);
}

static bool get_word(struct reader *r, struct obj *o, size_t k, name_fn names, unsigned *out)
{
    struct jpath kp;
    const cJSON *it = need(r, o, k, &kp);
    *out = 0;
    return it && word_item(r, it, &kp, names, out);
}

static bool get_tri(struct reader *r, struct obj *o, size_t k, enum odx_tri *out)
{
    unsigned v;
    if (!get_word(r, o, k, n_tri, &v))
        return false;
    *out = (enum odx_tri)v;
    return true;
}

/* A volume index: null (ODX_NONE) or an index into observations.volumes. */
static bool get_volume_index(struct reader *r, struct obj *o, size_t k, size_t *out)
{
    struct jpath kp;
    uint64_t v = 0;
    const cJSON *it = need(r, o, k, &kp);
    *out = ODX_NONE;
    if (!it)
        return false;
    if (cJSON_IsNull(it))
        return true;
    if (!cJSON_IsNumber(it))
        return expected(r, &kp, "a volume index or null", it);
    if (!int_item(r, it, &kp, ODX_JSON_INT_LIMIT - 1, &v))
        return false;
    if (v >= r->obs->n_volumes)
        return fail(r, ODX_E_SCHEMA, &kp,
                    "volume %" PRIu64 " does not exist (there are %" PRIu64 ")", v,
                    (uint64_t)r->obs->n_volumes);
    *out = (size_t)v;
    return true;
}

/* An array of at most max items: its first item and count. */
static bool get_array(struct reader *r, struct obj *o, size_t k, size_t max, struct jpath *kp,
                      const cJSON **first, size_t *count)
{
    const cJSON *it = need(r, o, k, kp);
    const cJSON *c;
    size_t n = 0;
    *first = NULL;
    *count = 0;
    if (!it)
        return false;
    if (!cJSON_IsArray(it))
        return expected(r, kp, "an array", it);
    for (c = it->child; c; c = c->next)
        if (++n > max)
            return fail(r, ODX_E_TOO_BIG, kp, "more than %" PRIu64 " items", (uint64_t)max);
    *first = it->child;
    *count = n;
    return true;
}

/* ---- compound values --------------------------------------------------- */

static const char *const code_keys[] = {"kind", "value", "hex", "name"};
enum {
    CODE_KIND,
    CODE_VALUE
};

static bool code_item(struct reader *r, const cJSON *it, const struct jpath *up, const char *key,
                      struct odx_code *out)
{
    struct obj o;
    unsigned kind;
    uint32_t value;
    out->kind = ODX_CODE_NONE;
    out->value = 0;
    /* "hex" and "name" are derived from kind and value and not read back. */
    if (!BIND(r, &o, up, key, 0, it, code_keys) ||
        !get_word(r, &o, CODE_KIND, n_code_kind, &kind) || !get_u32(r, &o, CODE_VALUE, &value))
        return false;
    out->kind = (enum odx_code_kind)kind;
    out->value = value;
    return true;
}

static bool get_code(struct reader *r, struct obj *o, size_t k, struct odx_code *out)
{
    struct jpath kp;
    const cJSON *it = need(r, o, k, &kp);
    return it && code_item(r, it, &o->path, o->keys[k], out);
}

static const char *const setting_keys[] = {"state", "value", "error"};
enum {
    SET_STATE,
    SET_VALUE,
    SET_ERROR
};

static bool get_setting(struct reader *r, struct obj *parent, size_t k, struct odx_setting *out)
{
    struct jpath kp;
    struct obj o;
    unsigned state;
    const cJSON *it = need(r, parent, k, &kp);
    memset(out, 0, sizeof(*out));
    if (!it || !BIND(r, &o, &parent->path, parent->keys[k], 0, it, setting_keys) ||
        !get_word(r, &o, SET_STATE, n_setting_state, &state))
        return false;
    out->state = (enum odx_setting_state)state;
    if (!need(r, &o, SET_VALUE, &kp) || !need(r, &o, SET_ERROR, &kp))
        return false;
    if (out->state == ODX_SETTING_PRESENT) {
        if (!get_u32(r, &o, SET_VALUE, &out->value))
            return false;
    } else if (!cJSON_IsNull(o.v[SET_VALUE])) {
        need(r, &o, SET_VALUE, &kp);
        return fail(r, ODX_E_SCHEMA, &kp, "must be null when state is \"%s\"",
                    odx_setting_state_name(out->state));
    }
    if (out->state == ODX_SETTING_ERROR) {
        if (!get_code(r, &o, SET_ERROR, &out->error))
            return false;
    } else if (!cJSON_IsNull(o.v[SET_ERROR])) {
        need(r, &o, SET_ERROR, &kp);
        return fail(r, ODX_E_SCHEMA, &kp, "must be null when state is \"%s\"",
                    odx_setting_state_name(out->state));
    }
    return true;
}

/* An array of strings added one by one through add (which de-duplicates). */
static bool get_names(struct reader *r, struct obj *o, size_t k,
                      enum odx_status (*add)(struct odx_obs *, size_t, const char *), size_t volume,
                      const size_t *n)
{
    struct jpath kp, ep;
    const cJSON *c;
    size_t count, i;
    if (!get_array(r, o, k, ODX_MAX_NAMES, &kp, &c, &count))
        return false;
    for (i = 0; c; c = c->next, i++) {
        const char *s;
        size_t before = *n;
        enum odx_status st;
        ep.up = &kp;
        ep.key = NULL;
        ep.index = i;
        if (!str_item(r, c, &ep, false, &s))
            return false;
        st = add(r->obs, volume, s);
        if (st != ODX_OK)
            return fail_status(r, st, &ep);
        if (*n == before)
            return fail(r, ODX_E_SCHEMA, &ep, "duplicate of an earlier item");
    }
    return true;
}

static enum odx_status add_run_volume(struct odx_obs *obs, size_t unused, const char *s)
{
    (void)unused;
    return odx_obs_add_run_volume(obs, s);
}

static enum odx_status add_run_path(struct odx_obs *obs, size_t unused, const char *s)
{
    (void)unused;
    return odx_obs_add_run_path(obs, s);
}

/* ---- observations ------------------------------------------------------ */

static const char *const host_keys[] = {"name", "os_name",  "os_version", "os_build",
                                        "arch", "elevated", "probe_time", "tool_version"};
enum {
    H_NAME,
    H_OS_NAME,
    H_OS_VERSION,
    H_OS_BUILD,
    H_ARCH,
    H_ELEVATED,
    H_TIME,
    H_TOOL
};

static bool read_host(struct reader *r, struct obj *parent, size_t k, struct odx_host *h)
{
    struct jpath kp;
    struct obj o;
    const cJSON *it = need(r, parent, k, &kp);
    return it && BIND(r, &o, &parent->path, parent->keys[k], 0, it, host_keys) &&
           get_str(r, &o, H_NAME, &h->name) && get_str(r, &o, H_OS_NAME, &h->os_name) &&
           get_str(r, &o, H_OS_VERSION, &h->os_version) &&
           get_str(r, &o, H_OS_BUILD, &h->os_build) && get_str(r, &o, H_ARCH, &h->arch) &&
           get_tri(r, &o, H_ELEVATED, &h->elevated) && get_str(r, &o, H_TIME, &h->probe_time) &&
           get_str(r, &o, H_TOOL, &h->tool_version);
}

static const char *const run_keys[] = {"static",     "cross",   "interrupted",
                                       "trial_size", "volumes", "paths"};
enum {
    R_STATIC,
    R_CROSS,
    R_INTERRUPTED,
    R_TRIAL_SIZE,
    R_VOLUMES,
    R_PATHS
};

static bool read_run(struct reader *r, struct obj *parent, size_t k)
{
    struct jpath kp;
    struct obj o;
    struct odx_run *run = &r->obs->run;
    const cJSON *it = need(r, parent, k, &kp);
    return it && BIND(r, &o, &parent->path, parent->keys[k], 0, it, run_keys) &&
           get_bool(r, &o, R_STATIC, &run->static_only) && get_bool(r, &o, R_CROSS, &run->cross) &&
           get_bool(r, &o, R_INTERRUPTED, &run->interrupted) &&
           get_u64(r, &o, R_TRIAL_SIZE, false, &run->trial_size) &&
           get_names(r, &o, R_VOLUMES, add_run_volume, 0, &run->n_volumes) &&
           get_names(r, &o, R_PATHS, add_run_path, 0, &run->n_paths);
}

static const char *const filter_keys[] = {
    "name",
    "altitude",
    "kind",
    "frame",
    "instance_count",
    "declared",
    "declared_parameters",
    "image_path",
    "vendor",
    "product",
    "version",
    "loaded_unknown",
};
enum {
    F_NAME,
    F_ALTITUDE,
    F_KIND,
    F_FRAME,
    F_INSTANCE_COUNT,
    F_DECLARED,
    F_DECLARED_PARAMETERS,
    F_IMAGE_PATH,
    F_VENDOR,
    F_PRODUCT,
    F_VERSION,
    F_LOADED_UNKNOWN,
};

static bool read_filter(struct reader *r, const cJSON *it, const struct jpath *arr, size_t i)
{
    struct obj o;
    struct odx_filter *f;
    unsigned kind;
    enum odx_status st;
    struct jpath ep = {arr, NULL, i};
    if (!BIND(r, &o, arr, NULL, i, it, filter_keys))
        return false;
    st = odx_obs_add_filter(r->obs, &f, NULL);
    if (st != ODX_OK)
        return fail_status(r, st, &ep);
    if (!get_str(r, &o, F_NAME, &f->name) || !get_str(r, &o, F_ALTITUDE, &f->altitude) ||
        !get_word(r, &o, F_KIND, n_filter_kind, &kind))
        return false;
    f->kind = (enum odx_filter_kind)kind;
    return get_opt_u32(r, &o, F_FRAME, &f->frame) &&
           get_opt_u32(r, &o, F_INSTANCE_COUNT, &f->instance_count) &&
           get_setting(r, &o, F_DECLARED, &f->declared) &&
           get_setting(r, &o, F_DECLARED_PARAMETERS, &f->declared_parameters) &&
           get_str(r, &o, F_IMAGE_PATH, &f->image_path) && get_str(r, &o, F_VENDOR, &f->vendor) &&
           get_str(r, &o, F_PRODUCT, &f->product) && get_str(r, &o, F_VERSION, &f->version) &&
           get_bool(r, &o, F_LOADED_UNKNOWN, &f->loaded_unknown);
}

static const char *const desc_keys[] = {
    "version",
    "size",
    "max_token_lifetime_s",
    "default_token_lifetime_s",
    "max_transfer_size",
    "optimal_transfer_count",
    "max_data_descriptors",
    "max_transfer_length_per_descriptor",
    "optimal_transfer_length_per_descriptor",
    "optimal_transfer_length_granularity",
};
enum {
    D_VERSION,
    D_SIZE,
    D_MAX_LIFETIME,
    D_DEFAULT_LIFETIME,
    D_MAX_TRANSFER,
    D_OPTIMAL_COUNT,
    D_MAX_DESCRIPTORS,
    D_MAX_LENGTH,
    D_OPTIMAL_LENGTH,
    D_GRANULARITY,
};

static bool read_descriptor(struct reader *r, const cJSON *it, const struct jpath *up,
                            const char *key, struct odx_copy_offload_desc *d)
{
    struct obj o;
    return BIND(r, &o, up, key, 0, it, desc_keys) && get_u32(r, &o, D_VERSION, &d->version) &&
           get_u32(r, &o, D_SIZE, &d->size) &&
           get_u32(r, &o, D_MAX_LIFETIME, &d->max_token_lifetime_s) &&
           get_u32(r, &o, D_DEFAULT_LIFETIME, &d->default_token_lifetime_s) &&
           get_u64(r, &o, D_MAX_TRANSFER, true, &d->max_transfer_size) &&
           get_u64(r, &o, D_OPTIMAL_COUNT, true, &d->optimal_transfer_count) &&
           get_u32(r, &o, D_MAX_DESCRIPTORS, &d->max_data_descriptors) &&
           get_u32(r, &o, D_MAX_LENGTH, &d->max_transfer_length_per_descriptor) &&
           get_u32(r, &o, D_OPTIMAL_LENGTH, &d->optimal_transfer_length_per_descriptor) &&
           get_u32(r, &o, D_GRANULARITY, &d->optimal_transfer_length_granularity);
}

static const char *const storage_keys[] = {"state", "queried_on", "descriptor", "error"};
enum {
    S_STATE,
    S_QUERIED_ON,
    S_DESCRIPTOR,
    S_ERROR
};

static bool read_storage(struct reader *r, struct obj *parent, size_t k, struct odx_storage *s)
{
    struct jpath kp;
    struct obj o;
    unsigned state;
    const cJSON *it = need(r, parent, k, &kp), *d, *e;
    if (!it || !BIND(r, &o, &parent->path, parent->keys[k], 0, it, storage_keys) ||
        !get_word(r, &o, S_STATE, n_storage_state, &state) ||
        !get_str(r, &o, S_QUERIED_ON, &s->queried_on))
        return false;
    s->state = (enum odx_storage_state)state;
    if (!(d = need(r, &o, S_DESCRIPTOR, &kp)))
        return false;
    if (s->state == ODX_STORAGE_DESCRIPTOR) {
        if (!read_descriptor(r, d, &o.path, storage_keys[S_DESCRIPTOR], &s->desc))
            return false;
    } else if (!cJSON_IsNull(d)) {
        return fail(r, ODX_E_SCHEMA, &kp, "must be null when state is \"%s\"",
                    odx_storage_state_name(s->state));
    }
    if (!(e = need(r, &o, S_ERROR, &kp)))
        return false;
    if (s->state == ODX_STORAGE_ERROR)
        return code_item(r, e, &o.path, storage_keys[S_ERROR], &s->error);
    if (!cJSON_IsNull(e))
        return fail(r, ODX_E_SCHEMA, &kp, "must be null when state is \"%s\"",
                    odx_storage_state_name(s->state));
    return true;
}

static const char *const instance_keys[] = {
    "filter",
    "name",
    "altitude",
    "kind",
    "frame",
    "supported_features",
    "supported_features_names",
    "detached",
    "role",
    "fs_type",
    "path",
};
enum {
    I_FILTER,
    I_NAME,
    I_ALTITUDE,
    I_KIND,
    I_FRAME,
    I_FEATURES,
    I_FEATURES_NAMES, /* derived, not read */
    I_DETACHED,
    I_ROLE,
    I_FS_TYPE,
    I_PATH,
};

static bool read_instance(struct reader *r, size_t volume, const cJSON *it, const struct jpath *arr,
                          size_t i)
{
    struct obj o;
    struct odx_instance *in;
    unsigned kind;
    enum odx_status st;
    struct jpath ep = {arr, NULL, i};
    if (!BIND(r, &o, arr, NULL, i, it, instance_keys))
        return false;
    st = odx_obs_add_instance(r->obs, volume, &in);
    if (st != ODX_OK)
        return fail_status(r, st, &ep);
    if (!get_str(r, &o, I_FILTER, &in->filter) || !get_str(r, &o, I_NAME, &in->name) ||
        !get_str(r, &o, I_ALTITUDE, &in->altitude) ||
        !get_word(r, &o, I_KIND, n_filter_kind, &kind))
        return false;
    in->kind = (enum odx_filter_kind)kind;
    return get_opt_u32(r, &o, I_FRAME, &in->frame) &&
           get_opt_u32(r, &o, I_FEATURES, &in->supported_features) &&
           get_bool(r, &o, I_DETACHED, &in->detached) && get_str(r, &o, I_ROLE, &in->role) &&
           get_str(r, &o, I_FS_TYPE, &in->fs_type) && get_str(r, &o, I_PATH, &in->path);
}

static const char *const volume_keys[] = {
    "index",       "nt_name",          "guid_path", "dos_names", "mount_points", "file_system",
    "flt_fs_type", "sector_size",      "detached",  "remote",    "removable",    "read_only",
    "storage",     "instances_listed", "instances", "eligible",  "skip_reason",  "selected",
    "mount_id",    "parent_id",        "root",      "options",
};
enum {
    V_INDEX,
    V_NT_NAME,
    V_GUID_PATH,
    V_DOS_NAMES,
    V_MOUNT_POINTS,
    V_FILE_SYSTEM,
    V_FLT_FS_TYPE,
    V_SECTOR_SIZE,
    V_DETACHED,
    V_REMOTE,
    V_REMOVABLE,
    V_READ_ONLY,
    V_STORAGE,
    V_INSTANCES_LISTED,
    V_INSTANCES,
    V_ELIGIBLE,
    V_SKIP_REASON,
    V_SELECTED,
    V_MOUNT_ID,
    V_PARENT_ID,
    V_ROOT,
    V_OPTIONS,
};

static bool read_volume(struct reader *r, const cJSON *it, const struct jpath *arr, size_t i)
{
    struct obj o;
    struct odx_volume *v;
    struct jpath ep = {arr, NULL, i}, kp;
    const cJSON *c;
    size_t idx, count, j;
    uint64_t index;
    enum odx_status st;

    if (!BIND(r, &o, arr, NULL, i, it, volume_keys) || !need(r, &o, V_INDEX, &kp) ||
        !int_item(r, o.v[V_INDEX], &kp, ODX_JSON_INT_LIMIT - 1, &index))
        return false;
    if (index != i)
        return fail(r, ODX_E_SCHEMA, &kp, "is %" PRIu64 ", expected %" PRIu64 " (its position)",
                    index, (uint64_t)i);
    st = odx_obs_add_volume(r->obs, &v, &idx);
    if (st != ODX_OK)
        return fail_status(r, st, &ep);
    /* v stays valid: no volume is added until this one is done. */
    if (!get_unique_str(r, &o, V_NT_NAME, &v->nt_name) ||
        !get_unique_str(r, &o, V_GUID_PATH, &v->guid_path) ||
        !get_names(r, &o, V_DOS_NAMES, odx_obs_add_dos_name, idx, &v->n_dos_names) ||
        !get_names(r, &o, V_MOUNT_POINTS, odx_obs_add_mount_point, idx, &v->n_mount_points) ||
        !get_str(r, &o, V_FILE_SYSTEM, &v->file_system) ||
        !get_opt_u32(r, &o, V_FLT_FS_TYPE, &v->flt_fs_type) ||
        !get_opt_u32(r, &o, V_SECTOR_SIZE, &v->sector_size) ||
        !get_bool(r, &o, V_DETACHED, &v->detached) || !get_tri(r, &o, V_REMOTE, &v->remote) ||
        !get_tri(r, &o, V_REMOVABLE, &v->removable) ||
        !get_tri(r, &o, V_READ_ONLY, &v->read_only) ||
        !read_storage(r, &o, V_STORAGE, &v->storage) ||
        !get_tri(r, &o, V_INSTANCES_LISTED, &v->instances_listed) ||
        !get_array(r, &o, V_INSTANCES, ODX_MAX_INSTANCES, &kp, &c, &count))
        return false;
    for (j = 0; c; c = c->next, j++)
        if (!read_instance(r, idx, c, &kp, j))
            return false;
    return get_bool(r, &o, V_ELIGIBLE, &v->eligible) &&
           get_str(r, &o, V_SKIP_REASON, &v->skip_reason) &&
           get_bool(r, &o, V_SELECTED, &v->selected) &&
           get_opt_u32(r, &o, V_MOUNT_ID, &v->mount_id) &&
           get_opt_u32(r, &o, V_PARENT_ID, &v->parent_id) && get_str(r, &o, V_ROOT, &v->root) &&
           get_str(r, &o, V_OPTIONS, &v->options);
}

static const char *const stage_keys[] = {
    "stage", "attempted", "code",       "api", "bytes_requested", "bytes_transferred",
    "flags", "calls",     "elapsed_us",
};
enum {
    ST_STAGE,
    ST_ATTEMPTED,
    ST_CODE,
    ST_API,
    ST_REQUESTED,
    ST_TRANSFERRED,
    ST_FLAGS,
    ST_CALLS,
    ST_ELAPSED,
};

static bool read_stage(struct reader *r, struct odx_trial *t, bool *seen, const cJSON *it,
                       const struct jpath *arr, size_t i)
{
    struct obj o;
    struct jpath kp;
    struct odx_stage *s;
    unsigned id;
    if (!BIND(r, &o, arr, NULL, i, it, stage_keys) || !get_word(r, &o, ST_STAGE, n_stage, &id))
        return false;
    if (seen[id]) {
        need(r, &o, ST_STAGE, &kp);
        return fail(r, ODX_E_SCHEMA, &kp, "stage \"%s\" given twice",
                    odx_stage_name((enum odx_stage_id)id));
    }
    seen[id] = true;
    s = &t->stages[id];
    return get_bool(r, &o, ST_ATTEMPTED, &s->attempted) && get_code(r, &o, ST_CODE, &s->code) &&
           get_str(r, &o, ST_API, &s->api) &&
           get_u64(r, &o, ST_REQUESTED, false, &s->bytes_requested) &&
           get_u64(r, &o, ST_TRANSFERRED, false, &s->bytes_transferred) &&
           get_opt_u32(r, &o, ST_FLAGS, &s->flags) && get_u32(r, &o, ST_CALLS, &s->calls) &&
           get_u64(r, &o, ST_ELAPSED, false, &s->elapsed_us);
}

static const char *const trial_keys[] = {
    "index",     "scope",  "method", "volume", "dest_volume", "path",
    "directory", "remote", "size",   "stages", "zero_token",  "extents_shared",
};
enum {
    T_INDEX,
    T_SCOPE,
    T_METHOD,
    T_VOLUME,
    T_DEST_VOLUME,
    T_PATH,
    T_DIRECTORY,
    T_REMOTE,
    T_SIZE,
    T_STAGES,
    T_ZERO_TOKEN,
    T_EXTENTS_SHARED,
};

static bool read_trial(struct reader *r, const cJSON *it, const struct jpath *arr, size_t i)
{
    struct obj o;
    struct odx_trial *t;
    struct jpath ep = {arr, NULL, i}, kp;
    bool seen[ODX_STAGE_COUNT] = {false};
    const cJSON *c;
    size_t count, j;
    uint64_t index;
    unsigned scope, method;
    enum odx_status st;

    if (!BIND(r, &o, arr, NULL, i, it, trial_keys) || !need(r, &o, T_INDEX, &kp) ||
        !int_item(r, o.v[T_INDEX], &kp, ODX_JSON_INT_LIMIT - 1, &index))
        return false;
    if (index != i)
        return fail(r, ODX_E_SCHEMA, &kp, "is %" PRIu64 ", expected %" PRIu64 " (its position)",
                    index, (uint64_t)i);
    st = odx_obs_add_trial(r->obs, &t, NULL);
    if (st != ODX_OK)
        return fail_status(r, st, &ep);
    if (!get_word(r, &o, T_SCOPE, n_scope, &scope) || !get_word(r, &o, T_METHOD, n_method, &method))
        return false;
    t->scope = (enum odx_trial_scope)scope;
    t->method = (enum odx_method)method;
    if (!get_volume_index(r, &o, T_VOLUME, &t->volume) ||
        !get_volume_index(r, &o, T_DEST_VOLUME, &t->dest_volume) ||
        !get_str(r, &o, T_PATH, &t->path) || !get_unique_str(r, &o, T_DIRECTORY, &t->directory) ||
        !get_tri(r, &o, T_REMOTE, &t->remote) || !get_u64(r, &o, T_SIZE, false, &t->size) ||
        !get_array(r, &o, T_STAGES, ODX_STAGE_COUNT, &kp, &c, &count))
        return false;
    for (j = 0; c; c = c->next, j++)
        if (!read_stage(r, t, seen, c, &kp, j))
            return false;
    return get_bool(r, &o, T_ZERO_TOKEN, &t->zero_token) &&
           get_tri(r, &o, T_EXTENTS_SHARED, &t->extents_shared);
}

static const char *const error_keys[] = {"api", "target", "code", "meaning", "detail"};
enum {
    E_API,
    E_TARGET,
    E_CODE,
    E_MEANING,
    E_DETAIL
};

static bool read_error(struct reader *r, const cJSON *it, const struct jpath *arr, size_t i)
{
    struct obj o;
    struct jpath ep = {arr, NULL, i};
    const char *api, *target, *detail;
    struct odx_code code;
    enum odx_status st;
    /* "meaning" is derived from the code and not read back. */
    if (!BIND(r, &o, arr, NULL, i, it, error_keys) || !get_str(r, &o, E_API, &api) ||
        !get_str(r, &o, E_TARGET, &target) || !get_code(r, &o, E_CODE, &code) ||
        !get_str(r, &o, E_DETAIL, &detail))
        return false;
    st = odx_obs_add_error(r->obs, api, target, code, detail);
    return st == ODX_OK || fail_status(r, st, &ep);
}

static const char *const excluded_keys[] = {"mount_point", "fs_type", "reason"};
enum {
    X_MOUNT_POINT,
    X_FS_TYPE,
    X_REASON
};

static bool read_excluded(struct reader *r, const cJSON *it, const struct jpath *arr, size_t i)
{
    struct obj o;
    struct jpath ep = {arr, NULL, i};
    struct odx_excluded *x;
    enum odx_status st;
    if (!BIND(r, &o, arr, NULL, i, it, excluded_keys))
        return false;
    st = odx_obs_add_excluded(r->obs, &x);
    if (st != ODX_OK)
        return fail_status(r, st, &ep);
    return get_str(r, &o, X_MOUNT_POINT, &x->mount_point) &&
           get_str(r, &o, X_FS_TYPE, &x->fs_type) && get_str(r, &o, X_REASON, &x->reason);
}

static const char *const obs_keys[] = {
    "platform",       "backend", "host",    "run",    "filter_supported_features_mode",
    "filters_listed", "filters", "volumes", "trials", "errors",
    "excluded",
};
enum {
    O_PLATFORM,
    O_BACKEND,
    O_HOST,
    O_RUN,
    O_FEATURES_MODE,
    O_FILTERS_LISTED,
    O_FILTERS,
    O_VOLUMES,
    O_TRIALS,
    O_ERRORS,
    O_EXCLUDED,
};

typedef bool (*element_fn)(struct reader *r, const cJSON *it, const struct jpath *arr, size_t i);

static bool read_elements(struct reader *r, struct obj *o, size_t k, size_t max, element_fn fn)
{
    struct jpath kp;
    const cJSON *c;
    size_t count, i;
    if (!get_array(r, o, k, max, &kp, &c, &count))
        return false;
    for (i = 0; c; c = c->next, i++)
        if (!fn(r, c, &kp, i))
            return false;
    return true;
}

/*
 * The elements of a lazy array, each parsed on its own and freed before the
 * next. The array in the tree is the empty one the skeleton left in its
 * place: it still gives the key's presence, type and path.
 */
static bool read_lazy(struct reader *r, struct obj *o, size_t k, size_t max,
                      const struct lazy_array *la, element_fn fn)
{
    struct jpath kp;
    const cJSON *c;
    size_t count, i;
    if (!get_array(r, o, k, max, &kp, &c, &count))
        return false;
    if (la->n > max)
        return fail(r, ODX_E_TOO_BIG, &kp, "more than %" PRIu64 " items", (uint64_t)max);
    for (i = 0; i < la->n; i++) {
        const char *endp = NULL;
        cJSON *el;
        bool ok;
        odx_report_json_alloc_failed(true);
        el = cJSON_ParseWithLengthOpts(r->text + la->start[i], la->end[i] - la->start[i], &endp,
                                       false);
        if (!el) {
            if (odx_report_json_alloc_failed(true))
                return fail_status(r, ODX_E_NOMEM, &kp);
            return fail_at(r, ODX_E_PARSE, r->text,
                           endp && endp >= r->text ? (size_t)(endp - r->text) : la->start[i],
                           "not valid JSON");
        }
        if (endp != r->text + la->end[i]) {
            cJSON_Delete(el);
            return fail_at(r, ODX_E_PARSE, r->text, (size_t)(endp - r->text), "not valid JSON");
        }
        ok = fn(r, el, &kp, i);
        cJSON_Delete(el);
        if (!ok)
            return false;
    }
    return true;
}

static bool read_observations(struct reader *r, const cJSON *it)
{
    struct obj o;
    struct odx_obs *obs = r->obs;
    unsigned platform;
    if (!BIND(r, &o, NULL, "observations", 0, it, obs_keys) ||
        !get_word(r, &o, O_PLATFORM, n_platform, &platform))
        return false;
    obs->platform = (enum odx_platform)platform;
    /* Volumes before trials: trials point into them. */
    return get_str(r, &o, O_BACKEND, &obs->backend) && read_host(r, &o, O_HOST, &obs->host) &&
           read_run(r, &o, O_RUN) && get_setting(r, &o, O_FEATURES_MODE, &obs->features_mode) &&
           get_tri(r, &o, O_FILTERS_LISTED, &obs->filters_listed) &&
           read_elements(r, &o, O_FILTERS, ODX_MAX_FILTERS, read_filter) &&
           (r->lazy && r->lazy->volumes.found
                ? read_lazy(r, &o, O_VOLUMES, ODX_MAX_VOLUMES, &r->lazy->volumes, read_volume)
                : read_elements(r, &o, O_VOLUMES, ODX_MAX_VOLUMES, read_volume)) &&
           (r->lazy && r->lazy->trials.found
                ? read_lazy(r, &o, O_TRIALS, ODX_MAX_TRIALS, &r->lazy->trials, read_trial)
                : read_elements(r, &o, O_TRIALS, ODX_MAX_TRIALS, read_trial)) &&
           read_elements(r, &o, O_ERRORS, ODX_MAX_ERRORS, read_error) &&
           read_elements(r, &o, O_EXCLUDED, ODX_MAX_VOLUMES, read_excluded);
}

/* ---- the text ---------------------------------------------------------- */

static bool json_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * What cJSON lets through and odxprobe does not: raw control characters
 * (cJSON skips any byte <= 0x20 as whitespace and copies control bytes into
 * strings), ill-formed UTF-8 (cJSON copies bytes as they are), and \u0000
 * (which would cut a C string short). One pass; strings are told apart from
 * the rest by their quotes, which is enough for text cJSON has accepted.
 */
static bool scan_text(const char *text, size_t len, size_t *bad, enum odx_status *st,
                      const char **what)
{
    size_t i = 0;
    bool in_string = false;
    while (i < len) {
        unsigned char c = (unsigned char)text[i];
        if (!in_string) {
            if (c == '"')
                in_string = true;
            else if (c < 0x20 && !json_space((char)c))
                goto control;
            i++;
            continue;
        }
        if (c == '"') {
            in_string = false;
            i++;
        } else if (c == '\\') {
            if (i + 5 < len && text[i + 1] == 'u' && memcmp(text + i + 2, "0000", 4) == 0) {
                *bad = i;
                *st = ODX_E_SCHEMA;
                *what = "\\u0000 (NUL) in a string, which odxprobe does not accept";
                return false;
            }
            i += 2;
        } else if (c < 0x20) {
            goto control;
        } else if (c < 0x80) {
            i++;
        } else {
            size_t n = odx_utf8_decode((const unsigned char *)text + i, len - i, NULL);
            if (n == 0) {
                *bad = i;
                *st = ODX_E_BAD_UTF8;
                *what = "invalid UTF-8";
                return false;
            }
            i += n;
        }
    }
    return true;
control:
    *bad = i;
    *st = ODX_E_PARSE;
    *what = "raw control character (not valid JSON)";
    return false;
}

static bool utf8_ok(const char *s)
{
    size_t len = strlen(s), i = 0;
    while (i < len) {
        size_t n = odx_utf8_decode((const unsigned char *)s + i, len - i, NULL);
        if (n == 0)
            return false;
        i += n;
    }
    return true;
}

/* The first key or string, in document order, with ill-formed UTF-8: its path into *found. */
static bool find_bad_utf8(const cJSON *item, const struct jpath *p, struct reader *r,
                          const char *text, size_t off)
{
    const cJSON *c;
    size_t i = 0;
    if (cJSON_IsString(item) && item->valuestring && !utf8_ok(item->valuestring)) {
        size_t line, col;
        line_col(text, off, &line, &col);
        fail(r, ODX_E_BAD_UTF8, p,
             "invalid UTF-8 at byte %" PRIu64 " (line %" PRIu64 ", column %" PRIu64 ")",
             (uint64_t)off, (uint64_t)line, col);
        return true;
    }
    for (c = item->child; c; c = c->next, i++) {
        struct jpath cp = {p, NULL, i};
        if (cJSON_IsObject(item)) {
            cp.key = c->string ? c->string : "";
            if (!utf8_ok(cp.key)) {
                size_t line, col;
                line_col(text, off, &line, &col);
                fail(r, ODX_E_BAD_UTF8, &cp,
                     "key with invalid UTF-8 at byte %" PRIu64 " (line %" PRIu64 ", column %" PRIu64
                     ")",
                     (uint64_t)off, (uint64_t)line, (uint64_t)col);
                return true;
            }
        }
        if (find_bad_utf8(c, &cp, r, text, off))
            return true;
    }
    return false;
}

static const char *const root_keys[] = {"schema", "schema_version", "generator", "observations",
                                        "analysis"};
enum {
    ROOT_SCHEMA,
    ROOT_VERSION,
    ROOT_GENERATOR,
    ROOT_OBSERVATIONS,
    ROOT_ANALYSIS
};

static bool read_root(struct reader *r, const cJSON *root, const char *text, size_t len)
{
    struct obj o;
    struct jpath kp;
    const cJSON *it;
    size_t bad;
    const char *what;
    enum odx_status st;
    double d;

    if (!cJSON_IsObject(root))
        return fail(r, ODX_E_SCHEMA, NULL, "not an odxprobe report (the document is %s)",
                    type_name(root));
    it = cJSON_GetObjectItemCaseSensitive(root, "schema");
    if (!cJSON_IsString(it) || !it->valuestring ||
        strcmp(it->valuestring, ODX_REPORT_SCHEMA_NAME) != 0)
        return fail(r, ODX_E_SCHEMA, NULL,
                    "not an odxprobe report (no \"schema\": \"" ODX_REPORT_SCHEMA_NAME "\")");
    if (!BIND(r, &o, NULL, NULL, 0, root, root_keys) || !(it = need(r, &o, ROOT_VERSION, &kp)))
        return false;
    if (!cJSON_IsNumber(it) || !integral(it->valuedouble))
        return expected(r, &kp, "an integer", it);
    d = it->valuedouble;
    if (d != ODX_REPORT_SCHEMA_VERSION)
        return fail(r, ODX_E_VERSION, NULL,
                    "schema_version %.17g is not supported (this odxprobe reads %d)", d,
                    ODX_REPORT_SCHEMA_VERSION);

    if (!r->text_checked && !scan_text(text, len, &bad, &st, &what)) {
        if (st == ODX_E_BAD_UTF8 && find_bad_utf8(root, NULL, r, text, bad))
            return false;
        return fail_at(r, st, text, bad, what);
    }

    /* generator and analysis are not read back: the caller analyses again. */
    it = o.v[ROOT_GENERATOR];
    if (it && !cJSON_IsObject(it)) {
        need(r, &o, ROOT_GENERATOR, &kp);
        return expected(r, &kp, "an object", it);
    }
    it = o.v[ROOT_ANALYSIS];
    if (it && !cJSON_IsObject(it) && !cJSON_IsNull(it)) {
        need(r, &o, ROOT_ANALYSIS, &kp);
        return expected(r, &kp, "an object or null", it);
    }
    if (!(it = need(r, &o, ROOT_OBSERVATIONS, &kp)))
        return false;
    return read_observations(r, it);
}

/* ---- reading big arrays one element at a time --------------------------- */

/*
 * A report of 100k volumes is a cJSON tree of tens of millions of nodes,
 * several times the size of the text: the kernel's cost of faulting in that
 * memory grows faster than the report. So when the text is clean (scan_text
 * passed), a light structural scan finds observations.volumes and
 * observations.trials, the tree is built from a copy of the text with those
 * two arrays emptied (the skeleton), and their elements are parsed one at a
 * time (read_lazy). Anything the scan does not expect (a key given twice, a
 * broken value, odd nesting) makes it give up, and the whole text is parsed
 * as one tree, which then reports the problem with its usual message.
 */

static void lazy_free(struct lazy *lz)
{
    odx_free(lz->volumes.start);
    odx_free(lz->volumes.end);
    odx_free(lz->trials.start);
    odx_free(lz->trials.end);
    memset(lz, 0, sizeof(*lz));
}

static void skip_space(const char *t, size_t len, size_t *i)
{
    while (*i < len && json_space(t[*i]))
        (*i)++;
}

/* Past the string that starts at *i (a '"'); false if it does not end. */
static bool skip_string(const char *t, size_t len, size_t *i)
{
    size_t j = *i + 1;
    while (j < len) {
        if (t[j] == '\\')
            j += 2;
        else if (t[j] == '"') {
            *i = j + 1;
            return true;
        } else
            j++;
    }
    return false;
}

/* Past the JSON value at *i, checking only that brackets and strings close. */
static bool skip_value(const char *t, size_t len, size_t *i)
{
    size_t depth = 0, j = *i;
    if (j >= len)
        return false;
    if (t[j] == '"')
        return skip_string(t, len, i);
    if (t[j] != '{' && t[j] != '[') {
        /* A number or a literal: up to the next delimiter; cJSON checks it later. */
        while (j < len && t[j] != ',' && t[j] != ']' && t[j] != '}' && !json_space(t[j]))
            j++;
        if (j == *i)
            return false;
        *i = j;
        return true;
    }
    while (j < len) {
        char c = t[j];
        if (c == '"') {
            if (!skip_string(t, len, &j))
                return false;
            continue;
        }
        if (c == '{' || c == '[') {
            if (++depth > 1000) /* cJSON's nesting limit */
                return false;
        } else if (c == '}' || c == ']') {
            if (--depth == 0) {
                *i = j + 1;
                return true;
            }
        }
        j++;
    }
    return false;
}

/* The raw key at *i equals want (no escapes compared: an escaped key is simply not found). */
static bool key_is(const char *t, size_t start, size_t end, const char *want)
{
    size_t n = strlen(want);
    return end - start == n + 2 && memcmp(t + start + 1, want, n) == 0;
}

/* Records the elements of the array at *i into la. */
static enum odx_status lazy_elements(const char *t, size_t len, size_t *i, struct lazy_array *la)
{
    size_t cap = 0;
    la->found = true;
    la->open = *i;
    (*i)++;
    skip_space(t, len, i);
    if (*i < len && t[*i] == ']') {
        la->close = (*i)++;
        return ODX_OK;
    }
    for (;;) {
        size_t start;
        skip_space(t, len, i);
        start = *i;
        if (!skip_value(t, len, i))
            return ODX_E_PARSE;
        if (la->n == cap) {
            size_t bytes, *s, *e;
            cap = cap ? cap * 2 : 1024;
            if (cap > (size_t)ODX_MAX_VOLUMES * 2 || !odx_mul_size(cap, sizeof(size_t), &bytes))
                return ODX_E_TOO_BIG;
            s = odx_realloc(la->start, bytes);
            if (!s)
                return ODX_E_NOMEM;
            la->start = s;
            e = odx_realloc(la->end, bytes);
            if (!e)
                return ODX_E_NOMEM;
            la->end = e;
        }
        la->start[la->n] = start;
        la->end[la->n] = *i;
        la->n++;
        skip_space(t, len, i);
        if (*i < len && t[*i] == ',') {
            (*i)++;
            continue;
        }
        if (*i < len && t[*i] == ']') {
            la->close = (*i)++;
            return ODX_OK;
        }
        return ODX_E_PARSE;
    }
}

/*
 * Walks the members of the object at *i; inside "observations" (root level)
 * records "volumes" and "trials". ODX_E_PARSE for anything unexpected.
 */
static enum odx_status lazy_object(const char *t, size_t len, size_t *i, bool root, struct lazy *lz,
                                   bool *seen_obs)
{
    enum odx_status st;
    (*i)++; /* '{' */
    skip_space(t, len, i);
    if (*i < len && t[*i] == '}') {
        (*i)++;
        return ODX_OK;
    }
    for (;;) {
        size_t kstart, kend;
        skip_space(t, len, i);
        if (*i >= len || t[*i] != '"')
            return ODX_E_PARSE;
        kstart = *i;
        if (!skip_string(t, len, i))
            return ODX_E_PARSE;
        kend = *i;
        skip_space(t, len, i);
        if (*i >= len || t[*i] != ':')
            return ODX_E_PARSE;
        (*i)++;
        skip_space(t, len, i);
        if (*i >= len)
            return ODX_E_PARSE;
        if (root && key_is(t, kstart, kend, "observations") && t[*i] == '{') {
            if (*seen_obs)
                return ODX_E_PARSE; /* twice: the tree reader says so */
            *seen_obs = true;
            if ((st = lazy_object(t, len, i, false, lz, seen_obs)) != ODX_OK)
                return st;
        } else if (!root && t[*i] == '[' &&
                   (key_is(t, kstart, kend, "volumes") || key_is(t, kstart, kend, "trials"))) {
            struct lazy_array *la = key_is(t, kstart, kend, "volumes") ? &lz->volumes : &lz->trials;
            if (la->found)
                return ODX_E_PARSE;
            if ((st = lazy_elements(t, len, i, la)) != ODX_OK)
                return st;
        } else if (!skip_value(t, len, i)) {
            return ODX_E_PARSE;
        }
        skip_space(t, len, i);
        if (*i < len && t[*i] == ',') {
            (*i)++;
            continue;
        }
        if (*i < len && t[*i] == '}') {
            (*i)++;
            return ODX_OK;
        }
        return ODX_E_PARSE;
    }
}

/*
 * Finds the lazy arrays and builds the skeleton: the text with their
 * contents cut out, NUL-terminated, owned by the caller (odx_free).
 * ODX_E_PARSE: use the whole-tree reader instead. ODX_E_NOMEM.
 */
static enum odx_status lazy_find(const char *t, size_t len, struct lazy *lz, char **skeleton,
                                 size_t *skeleton_len)
{
    size_t i = 0, n = 0, cut_from[2], cut_to[2], k, out = 0, from = 0, cut = 0;
    bool seen_obs = false;
    enum odx_status st;
    char *sk;
    *skeleton = NULL;
    skip_space(t, len, &i);
    if (i >= len || t[i] != '{')
        return ODX_E_PARSE;
    if ((st = lazy_object(t, len, &i, true, lz, &seen_obs)) != ODX_OK)
        return st;
    if (!lz->volumes.found && !lz->trials.found)
        return ODX_E_PARSE; /* nothing to gain */
    /* Cut [open+1, close) of each array, in text order. */
    if (lz->volumes.found) {
        cut_from[n] = lz->volumes.open + 1;
        cut_to[n++] = lz->volumes.close;
    }
    if (lz->trials.found) {
        cut_from[n] = lz->trials.open + 1;
        cut_to[n++] = lz->trials.close;
    }
    if (n == 2 && cut_from[1] < cut_from[0]) {
        size_t a = cut_from[0], b = cut_to[0];
        cut_from[0] = cut_from[1];
        cut_to[0] = cut_to[1];
        cut_from[1] = a;
        cut_to[1] = b;
    }
    for (k = 0; k < n; k++)
        cut += cut_to[k] - cut_from[k];
    sk = odx_malloc(len - cut + 1);
    if (!sk)
        return ODX_E_NOMEM;
    for (k = 0; k < n; k++) {
        memcpy(sk + out, t + from, cut_from[k] - from);
        out += cut_from[k] - from;
        from = cut_to[k];
    }
    memcpy(sk + out, t + from, len - from);
    out += len - from;
    sk[out] = '\0';
    *skeleton = sk;
    *skeleton_len = out;
    return ODX_OK;
}

/* try_lazy: read the big arrays element by element when the text allows it. */
static enum odx_status parse(const char *text, size_t len, struct odx_obs **out, char *err,
                             size_t errsize, bool try_lazy)
{
    struct reader r;
    struct lazy lz;
    cJSON *root = NULL;
    const char *end = NULL, *parsed, *what;
    char *skeleton = NULL;
    size_t i, parsed_len, bad;
    bool arena = false;
    enum odx_status st;

    *out = NULL;
    memset(&r, 0, sizeof(r));
    memset(&lz, 0, sizeof(lz));
    r.st = ODX_OK;
    r.err = err;
    r.errsize = errsize;
    r.text = text;
    r.len = len;
    if (err && errsize)
        err[0] = '\0';
    if (!text && len) {
        fail(&r, ODX_E_INVAL, NULL, "no text");
        return r.st;
    }
    if (len > ODX_REPORT_MAX_BYTES) {
        fail(&r, ODX_E_TOO_BIG, NULL, "report is %" PRIu64 " bytes, more than the %u-byte limit",
             (uint64_t)len, ODX_REPORT_MAX_BYTES);
        return r.st;
    }
    for (i = 0; i < len && json_space(text[i]); i++)
        ;
    if (i == len) {
        fail(&r, ODX_E_EMPTY, NULL, "report is empty");
        return r.st;
    }

    /* Clean text: try the skeleton and element-by-element reading first. */
    parsed = text;
    parsed_len = len;
    if (try_lazy && scan_text(text, len, &bad, &st, &what)) {
        r.text_checked = true;
        st = lazy_find(text, len, &lz, &skeleton, &parsed_len);
        if (st == ODX_E_NOMEM) {
            fail_status(&r, st, NULL);
            goto out;
        }
        if (st == ODX_OK) {
            parsed = skeleton;
            r.lazy = &lz;
        } else {
            lazy_free(&lz);
            parsed_len = len;
        }
    }

    /* The one big tree lives in an arena; a skeleton's small one does not need it. */
    arena = r.lazy == NULL;
    if (arena)
        odx_report_json_arena_begin();
    else
        odx_report_json_hooks();
    odx_report_json_alloc_failed(true);
    root = cJSON_ParseWithLengthOpts(parsed, parsed_len, &end, false);
    if (!root) {
        size_t off;
        if (odx_report_json_alloc_failed(true)) {
            fail_status(&r, ODX_E_NOMEM, NULL);
            goto out;
        }
        if (r.lazy) {
            /* The skeleton's offsets are not the report's: let the full reader say where. */
            odx_free(skeleton);
            lazy_free(&lz);
            return parse(text, len, out, err, errsize, false);
        }
        off = end && end >= text && end <= text + len ? (size_t)(end - text) : 0;
        fail_at(&r, ODX_E_PARSE, text, off, "not valid JSON");
        goto out;
    }
    for (i = (size_t)(end - parsed); i < parsed_len; i++) {
        if (!json_space(parsed[i])) {
            if (r.lazy) {
                cJSON_Delete(root);
                odx_free(skeleton);
                lazy_free(&lz);
                return parse(text, len, out, err, errsize, false);
            }
            fail_at(&r, ODX_E_PARSE, text, i, "unexpected text after the JSON value");
            goto out;
        }
    }

    r.st = odx_obs_new(&r.obs);
    if (r.st != ODX_OK) {
        fail_status(&r, r.st, NULL);
        goto out;
    }
    if (read_root(&r, root, text, len))
        r.st = ODX_OK;
out:
    if (arena) {
        /* The tree lives in the arena: dropped whole, not node by node. */
        odx_report_json_arena_end();
    } else {
        cJSON_Delete(root);
    }
    odx_free(skeleton);
    lazy_free(&lz);
    if (r.st == ODX_OK) {
        *out = r.obs;
    } else {
        odx_obs_free(r.obs);
    }
    return r.st;
}

enum odx_status odx_report_parse(const char *text, size_t len, struct odx_obs **out, char *err,
                                 size_t errsize)
{
    return parse(text, len, out, err, errsize, true);
}
