/*
 * Analysis: reads an observation (model.h) and gives every target one
 * verdict with its evidence, remedy, blockers, suspects and flags
 * (analysis.h). Pure C over the model: no OS call, no I/O, no clock. The
 * output never depends on pointer values or hash order (addresses only key
 * caches, whose hits give what a miss would compute), so a live probe and a
 * saved report re-analysed anywhere give byte-identical results.
 *
 * Windows facts encoded here carry the fact sheet's source keys: the opt-in
 * model and its bits [S5, S14, S18], the global switch [S5, S15], the
 * registry locations [S17], the codes [S8, S12, S13] and altitudes [S20].
 * docs/analysis.md gives the decision table and what is unconfirmed.
 *
 * Cost: one pass over volumes x instances. Filter names are looked up in a
 * case-folding hash table built once per analysis (odx_obs_find_filter is
 * linear), trials are bucketed by volume before the volume loop, and lines
 * that repeat on every volume (the same blocker, the same trial code) are
 * formatted once.
 */
#include "odx/analysis.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "odx/alloc.h"
#include "odx/knowledge.h"

#define READ_BIT  ODX_FEATURE_OFFLOAD_READ
#define WRITE_BIT ODX_FEATURE_OFFLOAD_WRITE
#define BOTH_BITS (READ_BIT | WRITE_BIT)

/* FLT_FILESYSTEM_TYPE numbers [S1, S3]. */
#define FLT_FSTYPE_FAT      3u
#define FLT_FSTYPE_MUP      13u
#define FLT_FSTYPE_INCD_FAT 21u
#define FLT_FSTYPE_EXFAT    22u

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

struct odx_analysis_private {
    struct odx_arena *arena;
};

/* ---- names ------------------------------------------------------------- */

static const char *const verdict_names[] = {
    "works",         "blocked_by_policy", "blocked_by_filter", "vetoed_in_code",
    "file_refused",  "unsupported",       "token_problem",     "remote",
    "copy_mismatch", "not_tested",        "unknown",
};
static const char *const target_names[] = {"volume", "pair", "path"};
static const char *const flag_names[] = {
    "declared_runtime_mismatch",
    "declared_locations_differ",
    "legacy_filter",
    "bits_block_but_trial_worked",
    "bits_allow_but_trial_refused",
    "not_elevated",
    "enumeration_failed",
    "storage_no_descriptor",
    "cleanup_failed",
    "interrupted",
    "zero_token",
    "byte_copy",
    "policy_unreadable",
};
static const char *const outcome_names[] = {"ok", "blockers", "incomplete"};
static const char *const bits_source_names[] = {"none", "runtime", "registry", "not_declared"};

_Static_assert(COUNT(verdict_names) == ODX_VERDICT_COUNT, "a verdict has no name");
_Static_assert(COUNT(flag_names) == ODX_FLAG_COUNT, "a flag has no name");

const char *odx_verdict_name(enum odx_verdict v)
{
    return (unsigned)v < COUNT(verdict_names) ? verdict_names[v] : "invalid";
}

bool odx_verdict_from_name(const char *name, enum odx_verdict *out)
{
    size_t i;
    if (!name)
        return false;
    for (i = 0; i < COUNT(verdict_names); i++) {
        if (strcmp(verdict_names[i], name) == 0) {
            *out = (enum odx_verdict)i;
            return true;
        }
    }
    return false;
}

const char *odx_target_kind_name(enum odx_target_kind k)
{
    return (unsigned)k < COUNT(target_names) ? target_names[k] : "invalid";
}

const char *odx_flag_name(enum odx_flag_kind k)
{
    return (unsigned)k < COUNT(flag_names) ? flag_names[k] : "invalid";
}

const char *odx_outcome_name(enum odx_outcome o)
{
    return (unsigned)o < COUNT(outcome_names) ? outcome_names[o] : "invalid";
}

int odx_outcome_exit_code(enum odx_outcome o)
{
    switch (o) {
    case ODX_OUTCOME_OK:
        return 0;
    case ODX_OUTCOME_BLOCKERS:
        return 1;
    case ODX_OUTCOME_INCOMPLETE:
    default:
        return 2;
    }
}

const char *odx_bits_source_name(enum odx_bits_source s)
{
    return (unsigned)s < COUNT(bits_source_names) ? bits_source_names[s] : "invalid";
}

bool odx_verdict_is_blocker(enum odx_verdict v)
{
    switch (v) {
    case ODX_VERDICT_BLOCKED_BY_POLICY:
    case ODX_VERDICT_BLOCKED_BY_FILTER:
    case ODX_VERDICT_VETOED_IN_CODE:
    case ODX_VERDICT_FILE_REFUSED:
    case ODX_VERDICT_UNSUPPORTED:
    case ODX_VERDICT_TOKEN_PROBLEM:
    case ODX_VERDICT_REMOTE:
    case ODX_VERDICT_COPY_MISMATCH:
        return true;
    default:
        return false;
    }
}

/* ---- case-folding name table ------------------------------------------- */

/*
 * The evidence lines naming an instance that lacks bits, kept for the next
 * volume with the same instance: 100k volumes with the same blocker then
 * format them once. The key compares pointers, which only decides whether
 * the lines are rebuilt, never what they say.
 */
struct lack_memo {
    bool valid;
    const char *instance, *altitude;
    enum odx_filter_kind kind;
    enum odx_bits_source from;
    uint32_t features;
    bool read, write;
    const char *lines[4];
    size_t n_lines;
    const char *reason;
};

/*
 * Filter names compare without ASCII case, as Windows compares them. One
 * entry per distinct name, holding what the analysis keeps asking: the
 * struct odx_filter of that name, whether Microsoft ships it, and which
 * machine-wide flags were already raised for it. Lookups only: nothing is
 * ever iterated in table order, so hash order cannot reach the output.
 */
struct entry {
    const char *name;
    uint32_t hash;
    const struct odx_filter *filter;
    const struct odx_known_filter *known;
    bool known_done;
    bool flagged_mismatch;
    bool flagged_legacy;
    size_t error; /* error-target table: first error with this target */
    struct lack_memo memo;
};

struct table {
    struct entry *slots;
    size_t n_slots; /* a power of two, or 0 */
    size_t n_used;
};

static int fold(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static uint32_t fold_hash(const char *s)
{
    uint32_t h = 2166136261u;
    for (; *s; s++) {
        h ^= (uint32_t)fold((unsigned char)*s);
        h *= 16777619u;
    }
    return h;
}

static bool fold_equal(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (fold((unsigned char)*a) != fold((unsigned char)*b))
            return false;
    return *a == *b;
}

static bool starts_with_fold(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (!*s || fold((unsigned char)*s) != fold((unsigned char)*prefix))
            return false;
    return true;
}

static struct entry *table_find(const struct table *t, const char *name)
{
    uint32_t h;
    size_t j;
    if (!name || !t->n_slots)
        return NULL;
    h = fold_hash(name);
    for (j = h & (t->n_slots - 1); t->slots[j].name; j = (j + 1) & (t->n_slots - 1))
        if (t->slots[j].hash == h && fold_equal(t->slots[j].name, name))
            return &t->slots[j];
    return NULL;
}

static enum odx_status table_grow(struct table *t)
{
    size_t n = t->n_slots ? t->n_slots * 2 : 64, i, bytes;
    struct entry *slots;
    if (!odx_mul_size(n, sizeof(*slots), &bytes))
        return ODX_E_NOMEM;
    slots = odx_calloc(n, sizeof(*slots));
    if (!slots)
        return ODX_E_NOMEM;
    for (i = 0; i < t->n_slots; i++) {
        size_t j;
        if (!t->slots[i].name)
            continue;
        for (j = t->slots[i].hash & (n - 1); slots[j].name; j = (j + 1) & (n - 1))
            ;
        slots[j] = t->slots[i];
    }
    odx_free(t->slots);
    t->slots = slots;
    t->n_slots = n;
    return ODX_OK;
}

/* The entry for name, added when new (*added tells). Entries move when the table grows. */
static enum odx_status table_add(struct table *t, const char *name, struct entry **out, bool *added)
{
    struct entry *e = table_find(t, name);
    enum odx_status st;
    uint32_t h;
    size_t j;
    *added = false;
    *out = e;
    if (e || !name)
        return ODX_OK;
    if (2 * (t->n_used + 1) > t->n_slots && (st = table_grow(t)) != ODX_OK)
        return st;
    h = fold_hash(name);
    for (j = h & (t->n_slots - 1); t->slots[j].name; j = (j + 1) & (t->n_slots - 1))
        ;
    memset(&t->slots[j], 0, sizeof(t->slots[j]));
    t->slots[j].name = name;
    t->slots[j].hash = h;
    t->slots[j].error = ODX_NONE;
    t->n_used++;
    *out = &t->slots[j];
    *added = true;
    return ODX_OK;
}

static const struct odx_known_filter *entry_known(struct entry *e)
{
    if (!e)
        return NULL;
    if (!e->known_done) {
        e->known = odx_known_filter_lookup(e->name);
        e->known_done = true;
    }
    return e->known;
}

/* ---- builder ----------------------------------------------------------- */

/* One attached instance as the analysis sees it. */
struct inst {
    const struct odx_instance *in;
    size_t volume;
    size_t order; /* position in the stack (tie-break for equal altitudes) */
    struct entry *fe;
    enum odx_bits_source from;
    uint32_t features;
    bool known; /* features can be judged (runtime, registry or "not declared") */
    bool lacks_read, lacks_write;
    bool microsoft;
    /* Set per target. */
    bool need_read, need_write; /* which bits this target needs from this volume */
    bool blocks;                /* lacks a needed bit whose gate the trial did not pass */
    bool contradicted;          /* lacks a needed bit, yet the trial passed that gate */
    bool contra_read, contra_write;
};

/* The last trial-failure and trial-success lines (see ev_failure, ev_success). */
struct fail_memo {
    const char *line;
    enum odx_stage_id stage;
    struct odx_code code;
    const char *api;
};

/* Constant texts (by address) and their interned copies. */
#define CCACHE_SIZE 64u

struct ccache {
    const char *text;
    const char *interned;
};

struct ok_memo {
    const char *line;
    uint64_t bytes, size;
    uint32_t calls;
};

/* A direct-mapped cache from a name's address to its entry (a hit only saves a lookup). */
#define PCACHE_SIZE 256u

struct pcache {
    const char *name;
    struct entry *entry;
};

struct builder {
    const struct odx_obs *obs;
    struct odx_analysis *a;
    struct odx_arena *arena;
    size_t cap_results, cap_flags;
    struct table filters;
    struct table targets; /* error targets */
    struct pcache pcache[PCACHE_SIZE];
    struct fail_memo fail_memo;
    struct ok_memo ok_memo;
    struct ccache ccache[CCACHE_SIZE];
    size_t *vol_start; /* trials of volume v: vol_trials[vol_start[v] .. vol_start[v + 1]) */
    size_t *vol_trials;
    struct inst *insts;
    size_t cap_insts;
    const struct inst **picks;
    size_t cap_picks;
    bool policy_blocks;
    bool access_denied;
    const struct odx_error *access_error;
    char cbuf[128];
    char fbuf[96];
    char lbuf[32];
};

static size_t pcache_slot(const char *name)
{
    return (size_t)(((uintptr_t)name >> 4) & (PCACHE_SIZE - 1));
}

/* The entry for a filter name, once the table is complete (it no longer moves). */
static struct entry *find_filter(struct builder *b, const char *name)
{
    struct pcache *pc;
    if (!name)
        return NULL;
    pc = &b->pcache[pcache_slot(name)];
    if (pc->name != name) {
        pc->name = name;
        pc->entry = table_find(&b->filters, name);
    }
    return pc->entry;
}

/* The result being built: it stays at a fixed place until the next result is added. */
struct rb {
    struct odx_result *r;
    size_t cap_ev, cap_bl, cap_su, cap_fl;
};

/*
 * Room for element n of an array with *cap elements. Most results name one
 * blocker and raise a flag or two, and a 100k-volume analysis holds 100k of
 * each array, so arrays start small: first elements.
 */
static enum odx_status grow_from(void **array, size_t *cap, size_t n, size_t elem, size_t first)
{
    size_t want, bytes;
    void *p;
    if (n < *cap)
        return ODX_OK;
    want = *cap ? *cap * 2 : first;
    if (want <= n || !odx_mul_size(want, elem, &bytes))
        return ODX_E_NOMEM;
    p = odx_realloc(*array, bytes);
    if (!p)
        return ODX_E_NOMEM;
    *array = p;
    *cap = want;
    return ODX_OK;
}

static enum odx_status grow(void **array, size_t *cap, size_t n, size_t elem)
{
    return grow_from(array, cap, n, elem, 1);
}

#if defined(__MINGW_PRINTF_FORMAT)
/* mingw-w64: check against the printf the build selects (C99, so %zu is fine). */
#define PRINTF_LIKE(f, a) __attribute__((format(__MINGW_PRINTF_FORMAT, f, a)))
#elif defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

static enum odx_status intern(struct builder *b, const char **out, const char *s)
{
    return odx_arena_strn(b->arena, s, strlen(s), ODX_MAX_STRING_BYTES, out);
}

static enum odx_status vstr(struct builder *b, const char **out, const char *fmt, va_list ap)
    PRINTF_LIKE(3, 0);

static enum odx_status vstr(struct builder *b, const char **out, const char *fmt, va_list ap)
{
    /* Most remedies and many lines are constant: intern them once per analysis. */
    if (!strchr(fmt, '%')) {
        struct ccache *cc = &b->ccache[pcache_slot(fmt) & (CCACHE_SIZE - 1)];
        enum odx_status st;
        if (cc->text == fmt) {
            *out = cc->interned;
            return ODX_OK;
        }
        if ((st = intern(b, out, fmt)) != ODX_OK)
            return st;
        cc->text = fmt;
        cc->interned = *out;
        return ODX_OK;
    }
    return odx_arena_vprintf(b->arena, out, fmt, ap);
}

static enum odx_status str(struct builder *b, const char **out, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static enum odx_status str(struct builder *b, const char **out, const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    va_start(ap, fmt);
    st = vstr(b, out, fmt, ap);
    va_end(ap);
    return st;
}

static enum odx_status ev(struct builder *b, struct rb *rb, const char *fmt, ...) PRINTF_LIKE(3, 4);
static enum odx_status push_ev(struct builder *b, struct rb *rb, const char *line);

static enum odx_status ev(struct builder *b, struct rb *rb, const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    const char *s;
    va_start(ap, fmt);
    st = vstr(b, &s, fmt, ap);
    va_end(ap);
    if (st != ODX_OK)
        return st;
    return push_ev(b, rb, s);
}

static enum odx_status set_text(struct builder *b, const char **field, const char *fmt, ...)
    PRINTF_LIKE(3, 4);
static enum odx_status set_text(struct builder *b, const char **field, const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    va_start(ap, fmt);
    st = vstr(b, field, fmt, ap);
    va_end(ap);
    return st;
}

static enum odx_status push_flag(struct builder *b, struct odx_flag **flags, size_t *n, size_t *cap,
                                 enum odx_flag_kind kind, const char *filter, const char *fmt,
                                 va_list ap) PRINTF_LIKE(7, 0);

/* Appends a flag unless the same kind with the same text is there (texts are interned). */
static enum odx_status push_flag(struct builder *b, struct odx_flag **flags, size_t *n, size_t *cap,
                                 enum odx_flag_kind kind, const char *filter, const char *fmt,
                                 va_list ap)
{
    const char *text;
    enum odx_status st = vstr(b, &text, fmt, ap);
    size_t i;
    if (st != ODX_OK)
        return st;
    for (i = 0; i < *n; i++)
        if ((*flags)[i].kind == kind && (*flags)[i].text == text)
            return ODX_OK;
    if ((st = grow((void **)flags, cap, *n, sizeof(**flags))) != ODX_OK)
        return st;
    (*flags)[*n].kind = kind;
    (*flags)[*n].filter = filter;
    (*flags)[*n].text = text;
    (*n)++;
    return ODX_OK;
}

static enum odx_status flag(struct builder *b, struct rb *rb, enum odx_flag_kind kind,
                            const char *filter, const char *fmt, ...) PRINTF_LIKE(5, 6);
static enum odx_status flag(struct builder *b, struct rb *rb, enum odx_flag_kind kind,
                            const char *filter, const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    va_start(ap, fmt);
    st = push_flag(b, &rb->r->flags, &rb->r->n_flags, &rb->cap_fl, kind, filter, fmt, ap);
    va_end(ap);
    return st;
}

static enum odx_status mflag(struct builder *b, enum odx_flag_kind kind, const char *filter,
                             const char *fmt, ...) PRINTF_LIKE(4, 5);
static enum odx_status mflag(struct builder *b, enum odx_flag_kind kind, const char *filter,
                             const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    va_start(ap, fmt);
    st = push_flag(b, &b->a->flags, &b->a->n_flags, &b->cap_flags, kind, filter, fmt, ap);
    va_end(ap);
    return st;
}

static const char *describe(struct builder *b, struct odx_code code)
{
    return odx_code_describe(code, b->cbuf, sizeof(b->cbuf));
}

static const char *features(struct builder *b, uint32_t value)
{
    return odx_features_describe(value, b->fbuf, sizeof(b->fbuf));
}

static const char *nz(const char *s, const char *fallback)
{
    return s && s[0] ? s : fallback;
}

static const char *lacks_text(bool read, bool write)
{
    if (read && write)
        return "offload_read (0x1) and offload_write (0x2)";
    return read ? "offload_read (0x1)" : "offload_write (0x2)";
}

/* ---- per-volume facts -------------------------------------------------- */

static const struct odx_volume *vol(const struct builder *b, size_t v)
{
    return v < b->obs->n_volumes ? &b->obs->volumes[v] : NULL;
}

static bool instances_listed(const struct odx_volume *v)
{
    if (!v)
        return false;
    if (v->instances_listed == ODX_TRI_UNKNOWN)
        return v->n_instances > 0;
    return v->instances_listed == ODX_TRI_YES;
}

static bool is_mup(const struct odx_volume *v)
{
    return v && ((v->flt_fs_type.present && v->flt_fs_type.value == FLT_FSTYPE_MUP) ||
                 (v->nt_name && fold_equal(v->nt_name, "\\Device\\Mup")));
}

static bool is_fat(const struct odx_volume *v)
{
    if (!v)
        return false;
    if (v->flt_fs_type.present)
        return v->flt_fs_type.value == FLT_FSTYPE_FAT ||
               v->flt_fs_type.value == FLT_FSTYPE_INCD_FAT ||
               v->flt_fs_type.value == FLT_FSTYPE_EXFAT;
    return v->file_system &&
           (starts_with_fold(v->file_system, "FAT") || fold_equal(v->file_system, "exFAT"));
}

static const char *setting_text(struct builder *b, const struct odx_setting *s, char *buf,
                                size_t size)
{
    switch (s->state) {
    case ODX_SETTING_PRESENT:
        snprintf(buf, size, "= 0x%" PRIX32, s->value);
        break;
    case ODX_SETTING_ABSENT:
        snprintf(buf, size, "absent");
        break;
    case ODX_SETTING_ERROR:
        snprintf(buf, size, "unreadable: %s", describe(b, s->error));
        break;
    case ODX_SETTING_NOT_READ:
    default:
        snprintf(buf, size, "not read");
        break;
    }
    return buf;
}

/*
 * The SupportedFeatures an instance is judged by. The runtime value is what
 * Filter Manager aggregates [S1, S14]. Without one (a record from before
 * Windows 8) the declared registry value stands in [S5, S17]; when both
 * registry locations hold one and they disagree, a bit counts only if both
 * have it, since which location wins is unconfirmed. With no value at all
 * the filter has not opted in: Microsoft implies this, never states it [S5].
 */
static void judge(struct inst *ii)
{
    const struct odx_filter *f = ii->fe ? ii->fe->filter : NULL;
    ii->known = false;
    ii->from = ODX_BITS_NONE;
    ii->features = 0;
    if (ii->in->supported_features.present) {
        ii->from = ODX_BITS_RUNTIME;
        ii->features = ii->in->supported_features.value;
        ii->known = true;
    } else if (f) {
        const struct odx_setting *d = &f->declared, *p = &f->declared_parameters;
        bool dp = d->state == ODX_SETTING_PRESENT, pp = p->state == ODX_SETTING_PRESENT;
        if (dp || pp) {
            ii->from = ODX_BITS_REGISTRY;
            ii->features = dp && pp ? d->value & p->value : dp ? d->value : p->value;
            ii->known = true;
        } else if ((d->state == ODX_SETTING_ABSENT || p->state == ODX_SETTING_ABSENT) &&
                   d->state != ODX_SETTING_ERROR && p->state != ODX_SETTING_ERROR) {
            ii->from = ODX_BITS_NOT_DECLARED;
            ii->known = true;
        }
    }
    ii->lacks_read = ii->known && !(ii->features & READ_BIT);
    ii->lacks_write = ii->known && !(ii->features & WRITE_BIT);
    ii->microsoft = entry_known(ii->fe) != NULL;
}

/* Appends the instances of volume v to b->insts (from index *n on). */
static enum odx_status gather(struct builder *b, size_t v, size_t *n)
{
    const struct odx_volume *vv = vol(b, v);
    size_t i;
    enum odx_status st;
    if (!vv)
        return ODX_OK;
    for (i = 0; i < vv->n_instances; i++) {
        struct inst *ii;
        if ((st = grow((void **)&b->insts, &b->cap_insts, *n, sizeof(*b->insts))) != ODX_OK)
            return st;
        ii = &b->insts[(*n)++];
        memset(ii, 0, sizeof(*ii));
        ii->in = &vv->instances[i];
        ii->volume = v;
        ii->order = *n;
        ii->fe = find_filter(b, ii->in->filter);
        judge(ii);
    }
    return ODX_OK;
}

/* ---- trials ------------------------------------------------------------ */

enum tv_state {
    TV_NONE = 0,   /* nothing attempted */
    TV_INCOMPLETE, /* stopped without a failure and without a verify */
    TV_FAILED,     /* a stage failed */
    TV_MISMATCH,   /* verify found different bytes */
    TV_OK,         /* copied and verified */
};

struct tv {
    const struct odx_trial *t;
    size_t index;
    enum tv_state state;
    enum odx_stage_id stage; /* failing stage */
    struct odx_code code;
    enum odx_code_class cls;
    bool prep;    /* failed before the copy call */
    bool at_copy; /* failed at the copy call */
    bool cleanup_failed;
    bool read_gate_passed, write_gate_passed;
};

static bool is_copy_stage(enum odx_stage_id s)
{
    return s == ODX_STAGE_OFFLOAD_READ || s == ODX_STAGE_OFFLOAD_WRITE || s == ODX_STAGE_CLONE ||
           s == ODX_STAGE_CLONE_RANGE || s == ODX_STAGE_COPY_RANGE;
}

static bool stage_failed(const struct odx_stage *s)
{
    return s->attempted && s->code.kind != ODX_CODE_NONE && !odx_code_ok(s->code);
}

static void view(const struct odx_obs *obs, size_t index, struct tv *tv)
{
    const struct odx_trial *t = &obs->trials[index];
    const struct odx_stage *rd = &t->stages[ODX_STAGE_OFFLOAD_READ];
    const struct odx_stage *wr = &t->stages[ODX_STAGE_OFFLOAD_WRITE];
    int s;
    bool any = false;
    memset(tv, 0, sizeof(*tv));
    tv->t = t;
    tv->index = index;
    tv->stage = ODX_STAGE_COUNT;
    tv->cleanup_failed = stage_failed(&t->stages[ODX_STAGE_CLEANUP]);
    for (s = 0; s < ODX_STAGE_CLEANUP; s++) {
        const struct odx_stage *st = &t->stages[s];
        if (!st->attempted)
            continue;
        any = true;
        /* FIEMAP failing (tmpfs, FUSE) only means sharing is unknown. */
        if (s == ODX_STAGE_EXTENTS || !stage_failed(st))
            continue;
        tv->stage = (enum odx_stage_id)s;
        tv->code = st->code;
        tv->cls = odx_code_class_of(st->code);
        if (s == ODX_STAGE_VERIFY && st->code.kind == ODX_CODE_ODX &&
            st->code.value == (uint32_t)ODX_E_MISMATCH) {
            tv->state = TV_MISMATCH;
        } else {
            tv->state = TV_FAILED;
            tv->at_copy = is_copy_stage(tv->stage);
            tv->prep = tv->stage < ODX_STAGE_OFFLOAD_READ;
        }
        break;
    }
    if (tv->state == TV_NONE) {
        const struct odx_stage *vf = &t->stages[ODX_STAGE_VERIFY];
        if (vf->attempted && odx_code_ok(vf->code))
            tv->state = TV_OK;
        else
            tv->state = any ? TV_INCOMPLETE : TV_NONE;
    }
    /* Filter Manager checks the opt-in before any driver sees the FSCTL [S5, S8]:
     * any other answer from a call means the call got past that check. */
    tv->read_gate_passed = (rd->attempted && rd->code.kind != ODX_CODE_NONE &&
                            odx_code_class_of(rd->code) != ODX_CC_FILTER_READ) ||
                           wr->attempted;
    tv->write_gate_passed = wr->attempted && wr->code.kind != ODX_CODE_NONE &&
                            odx_code_class_of(wr->code) != ODX_CC_FILTER_WRITE;
}

static const char *stage_call(enum odx_stage_id s)
{
    switch (s) {
    case ODX_STAGE_OFFLOAD_READ:
        return "FSCTL_OFFLOAD_READ";
    case ODX_STAGE_OFFLOAD_WRITE:
        return "FSCTL_OFFLOAD_WRITE";
    case ODX_STAGE_CLONE:
        return "FICLONE";
    case ODX_STAGE_CLONE_RANGE:
        return "FICLONERANGE";
    case ODX_STAGE_COPY_RANGE:
        return "copy_file_range";
    default:
        return NULL;
    }
}

static const char *method_call(enum odx_method m)
{
    switch (m) {
    case ODX_METHOD_CLONE:
        return "FICLONE";
    case ODX_METHOD_CLONE_RANGE:
        return "FICLONERANGE";
    case ODX_METHOD_COPY_FILE_RANGE:
        return "copy_file_range";
    case ODX_METHOD_OFFLOAD:
    default:
        return "FSCTL_OFFLOAD_READ/WRITE";
    }
}

/* "trial: FSCTL_OFFLOAD_WRITE failed with ..." or "trial: stage create (CreateFileW) failed ..." */
static enum odx_status ev_failure(struct builder *b, struct rb *rb, const struct tv *tv)
{
    const struct odx_stage *st = &tv->t->stages[tv->stage];
    const char *call = stage_call(tv->stage);
    struct fail_memo *m = &b->fail_memo;
    enum odx_status s;
    /* Thousands of volumes failing alike give one line, formatted once. */
    if (!m->line || m->stage != tv->stage || m->code.kind != tv->code.kind ||
        m->code.value != tv->code.value || m->api != st->api) {
        m->line = NULL;
        if (call)
            s = str(b, &m->line, "trial: %s failed with %s", call, describe(b, tv->code));
        else if (st->api)
            s = str(b, &m->line, "trial: stage %s (%s) failed with %s", odx_stage_name(tv->stage),
                    st->api, describe(b, tv->code));
        else
            s = str(b, &m->line, "trial: stage %s failed with %s", odx_stage_name(tv->stage),
                    describe(b, tv->code));
        if (s != ODX_OK) {
            m->line = NULL;
            return s;
        }
        m->stage = tv->stage;
        m->code = tv->code;
        m->api = st->api;
    }
    return push_ev(b, rb, m->line);
}

static void decide_code(struct rb *rb, const struct tv *tv)
{
    rb->r->trial = tv->index;
    if (tv->state == TV_FAILED || tv->state == TV_MISMATCH) {
        rb->r->code = tv->code;
        rb->r->stage = tv->stage;
    }
}

/* ---- culprits ---------------------------------------------------------- */

static int cmp_inst(const void *pa, const void *pb)
{
    const struct inst *a = *(const struct inst *const *)pa, *b = *(const struct inst *const *)pb;
    int c;
    /* Source volume before destination, then top of the stack first. */
    if (a->volume != b->volume)
        return a->order < b->order ? -1 : 1;
    c = odx_altitude_cmp(b->in->altitude, a->in->altitude);
    if (c)
        return c;
    return a->order < b->order ? -1 : a->order > b->order;
}

static enum odx_status add_culprit(struct builder *b, struct rb *rb, bool suspect,
                                   const struct inst *ii, const char *reason)
{
    struct odx_culprit **arr = suspect ? &rb->r->suspects : &rb->r->blockers;
    size_t *n = suspect ? &rb->r->n_suspects : &rb->r->n_blockers;
    size_t *cap = suspect ? &rb->cap_su : &rb->cap_bl;
    struct odx_culprit *c;
    const struct odx_filter *f = ii->fe ? ii->fe->filter : NULL;
    enum odx_status st = grow((void **)arr, cap, *n, sizeof(**arr));
    (void)b;
    if (st != ODX_OK)
        return st;
    c = &(*arr)[(*n)++];
    memset(c, 0, sizeof(*c));
    c->filter = ii->in->filter;
    c->instance = ii->in->name;
    c->altitude = ii->in->altitude;
    c->kind = ii->in->kind;
    c->volume = ii->volume;
    c->runtime = ii->in->supported_features;
    if (f) {
        c->declared = f->declared;
        c->declared_parameters = f->declared_parameters;
    }
    c->bits_from = ii->from;
    c->features = ii->features;
    if (!suspect) {
        c->lacks_read = ii->lacks_read && ii->need_read;
        c->lacks_write = ii->lacks_write && ii->need_write;
    }
    c->microsoft = ii->microsoft;
    c->reason = reason;
    return ODX_OK;
}

/* Sorts the picks (n of them) by volume and altitude. */
static void sort_picks(struct builder *b, size_t n)
{
    if (n > 1)
        qsort((void *)b->picks, n, sizeof(*b->picks), cmp_inst);
}

static enum odx_status pick(struct builder *b, size_t *n, const struct inst *ii)
{
    enum odx_status st = grow((void **)&b->picks, &b->cap_picks, *n, sizeof(*b->picks));
    if (st != ODX_OK)
        return st;
    b->picks[(*n)++] = ii;
    return ODX_OK;
}

static const char *who(const struct inst *ii)
{
    return ii->in->kind == ODX_FILTER_LEGACY ? "legacy filter" : "instance";
}

static enum odx_status push_ev(struct builder *b, struct rb *rb, const char *line)
{
    enum odx_status st = grow_from((void **)&rb->r->evidence, &rb->cap_ev, rb->r->n_evidence,
                                   sizeof(*rb->r->evidence), 4);
    (void)b;
    if (st != ODX_OK)
        return st;
    rb->r->evidence[rb->r->n_evidence++] = line;
    return ODX_OK;
}

/* Formats the lines naming an instance that lacks bits, and its registry values, into m. */
static enum odx_status lacking_lines(struct builder *b, const struct inst *ii, bool read,
                                     bool write, struct lack_memo *m)
{
    const struct odx_instance *in = ii->in;
    const char *fname = nz(in->filter, "(unnamed)");
    const char *iname = nz(in->name, fname);
    const char *alt = nz(in->altitude, "unknown");
    const struct odx_filter *f = ii->fe ? ii->fe->filter : NULL;
    char d[160], p[160];
    enum odx_status st;
    m->valid = false;
    m->n_lines = 0;
    switch (ii->from) {
    case ODX_BITS_RUNTIME:
        st = str(b, &m->lines[m->n_lines++],
                 "%s '%s' of %s at altitude %s has SupportedFeatures 0x%" PRIX32 " (%s): lacks %s",
                 who(ii), iname, fname, alt, ii->features, features(b, ii->features),
                 lacks_text(read, write));
        break;
    case ODX_BITS_REGISTRY:
        st = str(b, &m->lines[m->n_lines++],
                 "%s '%s' of %s at altitude %s has no runtime SupportedFeatures (a record from "
                 "before Windows 8); falling back to its declared registry value 0x%" PRIX32
                 " (%s): lacks %s",
                 who(ii), iname, fname, alt, ii->features, features(b, ii->features),
                 lacks_text(read, write));
        break;
    default:
        st = str(b, &m->lines[m->n_lines++],
                 "%s '%s' of %s at altitude %s has no runtime SupportedFeatures and its registry "
                 "declares none (not declared): treated as 0 and lacking %s; an inference, as "
                 "Microsoft implies but does not state that a missing value means not opted in",
                 who(ii), iname, fname, alt, lacks_text(read, write));
        break;
    }
    if (st != ODX_OK)
        return st;
    if (f) {
        if ((st = str(b, &m->lines[m->n_lines++], "registry: Services\\%s\\SupportedFeatures %s",
                      fname, setting_text(b, &f->declared, d, sizeof(d)))) != ODX_OK ||
            (st = str(b, &m->lines[m->n_lines++],
                      "registry: Services\\%s\\Parameters\\SupportedFeatures %s", fname,
                      setting_text(b, &f->declared_parameters, p, sizeof(p)))) != ODX_OK)
            return st;
    }
    if (in->kind == ODX_FILTER_LEGACY &&
        (st = str(b, &m->lines[m->n_lines++],
                  "%s is a legacy filter: whether Filter Manager's opt-in check counts legacy "
                  "filters is unconfirmed, but it sits in the I/O path and can fail the call "
                  "itself",
                  fname)) != ODX_OK)
        return st;
    if (ii->from == ODX_BITS_RUNTIME)
        st = str(b, &m->reason, "SupportedFeatures 0x%" PRIX32 " lacks %s", ii->features,
                 lacks_text(read, write));
    else if (ii->from == ODX_BITS_REGISTRY)
        st = str(b, &m->reason,
                 "declared SupportedFeatures 0x%" PRIX32 " lacks %s (no runtime value)",
                 ii->features, lacks_text(read, write));
    else
        st = str(b, &m->reason, "SupportedFeatures not declared: treated as 0 (inferred), lacks %s",
                 lacks_text(read, write));
    if (st != ODX_OK)
        return st;
    m->instance = in->name;
    m->altitude = in->altitude;
    m->kind = in->kind;
    m->from = ii->from;
    m->features = ii->features;
    m->read = read;
    m->write = write;
    m->valid = true;
    return ODX_OK;
}

/* The evidence lines for one instance lacking bits, and its registry values. */
static enum odx_status ev_lacking(struct builder *b, struct rb *rb, const struct inst *ii,
                                  bool read, bool write, const char **reason)
{
    struct lack_memo local, *m = ii->fe ? &ii->fe->memo : &local;
    enum odx_status st;
    size_t i;
    memset(&local, 0, sizeof(local));
    if (!m->valid || m->instance != ii->in->name || m->altitude != ii->in->altitude ||
        m->kind != ii->in->kind || m->from != ii->from || m->features != ii->features ||
        m->read != read || m->write != write) {
        if ((st = lacking_lines(b, ii, read, write, m)) != ODX_OK)
            return st;
    }
    for (i = 0; i < m->n_lines; i++)
        if ((st = push_ev(b, rb, m->lines[i])) != ODX_OK)
            return st;
    *reason = m->reason;
    return ODX_OK;
}

/* Names every blocking instance (b->insts[0..n)) as a blocker, in altitude order. */
static enum odx_status name_blockers(struct builder *b, struct rb *rb, size_t n)
{
    size_t np = 0, i;
    enum odx_status st;
    for (i = 0; i < n; i++)
        if (b->insts[i].blocks && (st = pick(b, &np, &b->insts[i])) != ODX_OK)
            return st;
    sort_picks(b, np);
    for (i = 0; i < np; i++) {
        const struct inst *ii = b->picks[i];
        const char *reason;
        bool rd = ii->lacks_read && ii->need_read, wr = ii->lacks_write && ii->need_write;
        if ((st = ev_lacking(b, rb, ii, rd, wr, &reason)) != ODX_OK ||
            (st = add_culprit(b, rb, false, ii, reason)) != ODX_OK)
            return st;
    }
    return ODX_OK;
}

/*
 * Lists the instances of the volumes in [lo, hi) of b->insts as suspects:
 * those not shipped by Microsoft first, then Microsoft's, each top first.
 * only_unknown keeps the instances whose SupportedFeatures is not known.
 */
static enum odx_status name_suspects(struct builder *b, struct rb *rb, size_t n, size_t vol_a,
                                     size_t vol_b, bool only_unknown, const char *why)
{
    size_t np, i, pass;
    enum odx_status st;
    for (pass = 0; pass < 2; pass++) {
        np = 0;
        for (i = 0; i < n; i++) {
            const struct inst *ii = &b->insts[i];
            if (ii->volume != vol_a && ii->volume != vol_b)
                continue;
            if (only_unknown ? ii->known : ii->microsoft != (pass == 1))
                continue;
            if (only_unknown && pass == 1)
                continue;
            if ((st = pick(b, &np, ii)) != ODX_OK)
                return st;
        }
        sort_picks(b, np);
        for (i = 0; i < np; i++) {
            const char *reason;
            const struct inst *ii = b->picks[i];
            if ((st = str(b, &reason, "%s%s", why, ii->microsoft ? " (a Microsoft filter)" : "")) !=
                ODX_OK)
                return st;
            if ((st = add_culprit(b, rb, true, ii, reason)) != ODX_OK)
                return st;
            if ((st = ev(b, rb, "suspect: %s '%s' of %s at altitude %s%s", who(ii),
                         nz(ii->in->name, nz(ii->in->filter, "(unnamed)")),
                         nz(ii->in->filter, "(unnamed)"), nz(ii->in->altitude, "unknown"),
                         ii->microsoft ? " (Microsoft)" : "")) != ODX_OK)
                return st;
        }
    }
    return ODX_OK;
}

/* ---- flags over a target's instances ----------------------------------- */

#define LEGACY_FMT                                                                                 \
    "legacy filter %s at altitude %s is attached: it sits in the I/O path and may block or fail "  \
    "the offload call itself; whether Filter Manager's opt-in aggregate counts it is unconfirmed"
#define MISMATCH_FMT                                                                               \
    "%s: runtime SupportedFeatures 0x%" PRIX32 " but registry Services\\%s%s\\SupportedFeatures "  \
    "= 0x%" PRIX32 " (offload bits differ); which one Filter Manager uses is unconfirmed"

static bool offload_bits_differ(uint32_t a, uint32_t b)
{
    return (a & BOTH_BITS) != (b & BOTH_BITS);
}

/*
 * Raises declared_locations_differ for f on rb, or machine-wide when rb is
 * NULL, when both registry locations hold a value with different offload bits.
 */
static enum odx_status locations_flag(struct builder *b, struct rb *rb, const struct odx_filter *f)
{
    if (f->declared.state != ODX_SETTING_PRESENT ||
        f->declared_parameters.state != ODX_SETTING_PRESENT ||
        !offload_bits_differ(f->declared.value, f->declared_parameters.value))
        return ODX_OK;
#define LOCATIONS_FMT                                                                              \
    "registry: Services\\%s\\SupportedFeatures = 0x%" PRIX32                                       \
    " but Services\\%s\\Parameters\\SupportedFeatures = 0x%" PRIX32                                \
    "; which location wins is unconfirmed"
    if (rb)
        return flag(b, rb, ODX_FLAG_DECLARED_LOCATIONS_DIFFER, f->name, LOCATIONS_FMT,
                    nz(f->name, "(unnamed)"), f->declared.value, nz(f->name, "(unnamed)"),
                    f->declared_parameters.value);
    return mflag(b, ODX_FLAG_DECLARED_LOCATIONS_DIFFER, f->name, LOCATIONS_FMT,
                 nz(f->name, "(unnamed)"), f->declared.value, nz(f->name, "(unnamed)"),
                 f->declared_parameters.value);
#undef LOCATIONS_FMT
}

/*
 * Declared-vs-runtime mismatch, the two registry locations disagreeing, and
 * legacy filters, for each instance of the target; the first occurrence of
 * each per filter is also raised machine-wide. Only the offload bits are
 * compared. Which registry location Filter Manager reads on 24H2 and later,
 * and whether a change applies without re-attaching, is unconfirmed [S17].
 */
static enum odx_status instance_flags(struct builder *b, struct rb *rb, size_t n)
{
    size_t i;
    enum odx_status st;
    for (i = 0; i < n; i++) {
        const struct inst *ii = &b->insts[i];
        const struct odx_filter *f = ii->fe ? ii->fe->filter : NULL;
        const char *fname = nz(ii->in->filter, "(unnamed)");
        if (ii->in->kind == ODX_FILTER_LEGACY) {
            if ((st = flag(b, rb, ODX_FLAG_LEGACY_FILTER, ii->in->filter, LEGACY_FMT, fname,
                           nz(ii->in->altitude, "unknown"))) != ODX_OK)
                return st;
            if (ii->fe && !ii->fe->flagged_legacy) {
                ii->fe->flagged_legacy = true;
                if ((st = mflag(b, ODX_FLAG_LEGACY_FILTER, ii->in->filter, LEGACY_FMT, fname,
                                nz(ii->in->altitude, "unknown"))) != ODX_OK)
                    return st;
            }
        }
        if (!f || !ii->in->supported_features.present)
            continue;
        {
            const struct odx_setting *loc[2] = {&f->declared, &f->declared_parameters};
            const char *where[2] = {"", "\\Parameters"};
            uint32_t rt = ii->in->supported_features.value;
            int k;
            for (k = 0; k < 2; k++) {
                if (loc[k]->state != ODX_SETTING_PRESENT || !offload_bits_differ(rt, loc[k]->value))
                    continue;
                if ((st = flag(b, rb, ODX_FLAG_DECLARED_RUNTIME_MISMATCH, ii->in->filter,
                               MISMATCH_FMT, fname, rt, fname, where[k], loc[k]->value)) != ODX_OK)
                    return st;
                if (!ii->fe->flagged_mismatch &&
                    (st = mflag(b, ODX_FLAG_DECLARED_RUNTIME_MISMATCH, ii->in->filter, MISMATCH_FMT,
                                fname, rt, fname, where[k], loc[k]->value)) != ODX_OK)
                    return st;
            }
            for (k = 0; k < 2; k++)
                if (loc[k]->state == ODX_SETTING_PRESENT && offload_bits_differ(rt, loc[k]->value))
                    ii->fe->flagged_mismatch = true;
        }
    }
    /* Registry locations disagreeing: a property of the filter, raised once per target. */
    for (i = 0; i < n; i++) {
        const struct odx_filter *f = b->insts[i].fe ? b->insts[i].fe->filter : NULL;
        if (f && (st = locations_flag(b, rb, f)) != ODX_OK)
            return st;
    }
    return ODX_OK;
}

/* Flags for a volume whose instances could not be listed. */
static enum odx_status unlisted_flags(struct builder *b, struct rb *rb, size_t v)
{
    const struct odx_volume *vv = vol(b, v);
    const struct entry *e = NULL;
    const struct odx_error *err = NULL;
    char buf[32];
    const char *label = odx_volume_label(b->obs, v, buf, sizeof(buf));
    enum odx_status st;
    if (!vv)
        return ODX_OK;
    if (vv->nt_name)
        e = table_find(&b->targets, vv->nt_name);
    if (!e && vv->guid_path)
        e = table_find(&b->targets, vv->guid_path);
    if (!e && vv->n_dos_names)
        e = table_find(&b->targets, vv->dos_names[0]);
    if (!e && vv->n_mount_points)
        e = table_find(&b->targets, vv->mount_points[0]);
    if (e)
        err = &b->obs->errors[e->error];
    else if (b->access_error)
        err = b->access_error;
    if (err && (st = ev(b, rb, "instances: %s%s%s failed with %s", nz(err->api, "listing"),
                        err->target ? " on " : "", err->target ? err->target : "",
                        describe(b, err->code))) != ODX_OK)
        return st;
    if (b->access_denied)
        return flag(b, rb, ODX_FLAG_NOT_ELEVATED, NULL,
                    "the filter instances on %s could not be listed without elevation", label);
    return flag(b, rb, ODX_FLAG_ENUMERATION_FAILED, NULL,
                "the filter instances on %s could not be listed", label);
}

static enum odx_status trial_flags(struct builder *b, struct rb *rb, const struct tv *tv)
{
    enum odx_status st;
    if (tv->cleanup_failed) {
        const struct odx_stage *c = &tv->t->stages[ODX_STAGE_CLEANUP];
        if ((st = flag(b, rb, ODX_FLAG_CLEANUP_FAILED, NULL,
                       "cleanup: could not remove %s: %s%s%s%s; delete it by hand",
                       nz(tv->t->directory, "the trial's directory"), describe(b, c->code),
                       c->api ? " (" : "", c->api ? c->api : "", c->api ? ")" : "")) != ODX_OK)
            return st;
    }
    if (tv->t->zero_token &&
        (st = flag(b, rb, ODX_FLAG_ZERO_TOKEN, NULL,
                   "FSCTL_OFFLOAD_READ returned the well-known zero token although the source "
                   "holds a non-zero pattern: the storage or a filter misreports the data")) !=
            ODX_OK)
        return st;
    return ODX_OK;
}

/* ---- results ----------------------------------------------------------- */

struct target {
    enum odx_target_kind kind;
    size_t src, dst; /* volumes; dst is ODX_NONE unless a pair */
    const size_t *trials;
    size_t n_trials;
    const char *label;
    bool remote;
};

static enum odx_status new_result(struct builder *b, struct rb *rb, const struct target *tg)
{
    struct odx_analysis *a = b->a;
    struct odx_result *r;
    enum odx_status st =
        grow((void **)&a->results, &b->cap_results, a->n_results, sizeof(*a->results));
    if (st != ODX_OK)
        return st;
    r = &a->results[a->n_results++];
    memset(r, 0, sizeof(*r));
    memset(rb, 0, sizeof(*rb));
    rb->r = r;
    r->target = tg->kind;
    r->volume = tg->src;
    r->dest_volume = tg->dst;
    r->trial = ODX_NONE;
    r->label = tg->label;
    r->verdict = ODX_VERDICT_UNKNOWN;
    r->stage = ODX_STAGE_COUNT;
    return ODX_OK;
}

static enum odx_status ev_success(struct builder *b, struct rb *rb, const struct tv *tv)
{
    const struct odx_trial *t = tv->t;
    const struct odx_stage *wr = &t->stages[ODX_STAGE_OFFLOAD_WRITE];
    struct ok_memo *m = &b->ok_memo;
    if (!m->line || m->bytes != wr->bytes_transferred || m->size != t->size ||
        m->calls != wr->calls) {
        enum odx_status s =
            str(b, &m->line,
                "trial: FSCTL_OFFLOAD_READ and FSCTL_OFFLOAD_WRITE copied %" PRIu64 " of %" PRIu64
                " bytes in %" PRIu32 " write call(s); the copy reads back identical",
                wr->bytes_transferred, t->size, wr->calls);
        if (s != ODX_OK) {
            m->line = NULL;
            return s;
        }
        m->bytes = wr->bytes_transferred;
        m->size = t->size;
        m->calls = wr->calls;
    }
    return push_ev(b, rb, m->line);
}

/* Sets the verdict, the remedy (may be NULL) and the headline of the result. */
static enum odx_status conclude(struct builder *b, struct rb *rb, enum odx_verdict verdict,
                                const char *remedy, const char *fmt, ...) PRINTF_LIKE(5, 6);
static enum odx_status conclude(struct builder *b, struct rb *rb, enum odx_verdict verdict,
                                const char *remedy, const char *fmt, ...)
{
    va_list ap;
    enum odx_status st;
    rb->r->verdict = verdict;
    if (remedy && (st = intern(b, &rb->r->remedy, remedy)) != ODX_OK)
        return st;
    va_start(ap, fmt);
    st = vstr(b, &rb->r->headline, fmt, ap);
    va_end(ap);
    return st;
}

/* The code table's cause as evidence, and its remedy, for a code of no offload class. */
static enum odx_status code_advice(struct builder *b, struct rb *rb, struct odx_code code,
                                   const char **remedy)
{
    const struct odx_code_info *info = odx_code_lookup(code);
    *remedy =
        info && info->remedy ? info->remedy : "Fix the cause named in the evidence and run again.";
    return info && info->cause ? ev(b, rb, "%s", info->cause) : ODX_OK;
}

#define FILTER_REMEDY                                                                              \
    "Get a version of each named filter that declares offload support (SupportedFeatures with "    \
    "bits 0x1 and 0x2) from its vendor, or remove it from the volume. Do not set "                 \
    "SupportedFeatures by hand for a driver that does not support offload."

/* One Windows target while it is being decided. */
struct win {
    struct builder *b;
    struct rb *rb;
    const struct target *tg;
    const struct odx_volume *sv, *dv; /* source and (pairs) destination volume, or NULL */
    struct tv tvs;
    const struct tv *tv; /* the FSCTL_OFFLOAD trial, or NULL */
    size_t n;            /* instances in b->insts */
    size_t n_blocking, n_contra, n_unknown;
    bool src_listed, dst_listed;
    size_t read_vol, write_vol; /* the volumes that must allow read (0x1) and write (0x2) */
    bool storage_error, storage_desc;
};

static bool failed(const struct win *w)
{
    return w->tv && w->tv->state == TV_FAILED;
}

/* Names the blocking instances and sets a blocked_by_filter verdict. */
static enum odx_status win_blocked(struct win *w)
{
    struct builder *b = w->b;
    struct rb *rb = w->rb;
    const struct odx_culprit *top;
    enum odx_status st = name_blockers(b, rb, w->n);
    if (st != ODX_OK)
        return st;
    top = &rb->r->blockers[0];
    if (rb->r->n_blockers == 1)
        return conclude(b, rb, ODX_VERDICT_BLOCKED_BY_FILTER, FILTER_REMEDY,
                        "blocked by filter %s (altitude %s): %s", nz(top->filter, "(unnamed)"),
                        nz(top->altitude, "unknown"), top->reason);
    return conclude(b, rb, ODX_VERDICT_BLOCKED_BY_FILTER, FILTER_REMEDY,
                    "blocked by %zu filters that have not opted in to offload, top: %s "
                    "(altitude %s)",
                    rb->r->n_blockers, nz(top->filter, "(unnamed)"), nz(top->altitude, "unknown"));
}

/* Instances, trial and the flags every outcome carries. */
static enum odx_status win_prepare(struct win *w)
{
    struct builder *b = w->b;
    struct rb *rb = w->rb;
    const struct target *tg = w->tg;
    const struct tv *tv;
    bool pair = tg->kind == ODX_TARGET_PAIR && w->dv;
    size_t i;
    enum odx_status st;

    for (i = 0; i < tg->n_trials; i++) {
        if (b->obs->trials[tg->trials[i]].method == ODX_METHOD_OFFLOAD) {
            view(b->obs, tg->trials[i], &w->tvs);
            w->tv = &w->tvs;
            break;
        }
    }
    tv = w->tv;
    w->src_listed = instances_listed(w->sv);
    w->dst_listed = w->dv ? instances_listed(w->dv) : true;
    w->read_vol = tg->src;
    w->write_vol = pair ? tg->dst : tg->src;
    w->storage_error = (w->sv && w->sv->storage.state == ODX_STORAGE_ERROR) ||
                       (w->dv && w->dv->storage.state == ODX_STORAGE_ERROR);
    w->storage_desc = w->sv && w->sv->storage.state == ODX_STORAGE_DESCRIPTOR &&
                      (!w->dv || w->dv->storage.state == ODX_STORAGE_DESCRIPTOR);
    if ((st = gather(b, tg->src, &w->n)) != ODX_OK)
        return st;
    if (pair && tg->dst != tg->src && (st = gather(b, tg->dst, &w->n)) != ODX_OK)
        return st;

    /*
     * Which bits each instance must have, and whether the trial contradicts
     * it: Filter Manager checks the opt-in before any driver sees the
     * FSCTL [S5, S8], so a call that got past that check for a bit proves
     * the bit was not missing from the aggregate.
     */
    for (i = 0; i < w->n; i++) {
        struct inst *ii = &b->insts[i];
        bool rd_blocks, wr_blocks;
        ii->need_read = ii->volume == w->read_vol;
        ii->need_write = ii->volume == w->write_vol;
        rd_blocks = ii->need_read && ii->lacks_read;
        wr_blocks = ii->need_write && ii->lacks_write;
        if (!ii->known && (ii->need_read || ii->need_write))
            w->n_unknown++;
        if (!rd_blocks && !wr_blocks)
            continue;
        ii->contra_read = rd_blocks && tv && tv->read_gate_passed;
        ii->contra_write = wr_blocks && tv && tv->write_gate_passed;
        ii->blocks = (rd_blocks && !ii->contra_read) || (wr_blocks && !ii->contra_write);
        ii->contradicted = ii->contra_read || ii->contra_write;
        w->n_blocking += ii->blocks;
        w->n_contra += ii->contradicted && !ii->blocks;
    }

    if (failed(w) && (st = ev_failure(b, rb, tv)) != ODX_OK)
        return st;
    if ((st = instance_flags(b, rb, w->n)) != ODX_OK)
        return st;
    if (!w->src_listed && (st = unlisted_flags(b, rb, tg->src)) != ODX_OK)
        return st;
    if (!w->dst_listed && (st = unlisted_flags(b, rb, tg->dst)) != ODX_OK)
        return st;
    if (w->storage_error) {
        const struct odx_volume *v =
            w->sv && w->sv->storage.state == ODX_STORAGE_ERROR ? w->sv : w->dv;
        if ((st = flag(
                 b, rb, ODX_FLAG_STORAGE_NO_DESCRIPTOR, NULL,
                 "storage: no copy-offload descriptor from %s: %s%s",
                 nz(v->storage.queried_on, "the volume's device"), describe(b, v->storage.error),
                 tv && tv->state == TV_OK ? " (informational: the trial worked)" : "")) != ODX_OK)
            return st;
    }
    if (tv && (st = trial_flags(b, rb, tv)) != ODX_OK)
        return st;
    if (b->obs->run.interrupted && (!tv || tv->state == TV_NONE || tv->state == TV_INCOMPLETE) &&
        (st = flag(b, rb, ODX_FLAG_INTERRUPTED, NULL,
                   "the probe was interrupted before this trial finished")) != ODX_OK)
        return st;
    if (!tv || tv->state == TV_OK)
        return ODX_OK;
    for (i = 0; i < w->n; i++) {
        const struct inst *ii = &b->insts[i];
        if (ii->contradicted &&
            (st = flag(b, rb, ODX_FLAG_BITS_BLOCK_BUT_TRIAL_WORKED, ii->in->filter,
                       "%s '%s' of %s lacks %s, yet the trial got past Filter Manager's opt-in "
                       "check for it",
                       who(ii), nz(ii->in->name, nz(ii->in->filter, "")),
                       nz(ii->in->filter, "(unnamed)"),
                       lacks_text(ii->contra_read, ii->contra_write))) != ODX_OK)
            return st;
    }
    return ODX_OK;
}

/* 1. What the trial proved outweighs what the bits say. */
static enum odx_status win_proven(struct win *w, bool *done)
{
    struct builder *b = w->b;
    struct rb *rb = w->rb;
    const struct tv *tv = w->tv;
    size_t i;
    enum odx_status st;
    if (!tv || (tv->state != TV_OK && tv->state != TV_MISMATCH))
        return ODX_OK;
    *done = true;
    decide_code(rb, tv);
    if (tv->state == TV_MISMATCH) {
        if ((st = ev(b, rb,
                     "trial: offload reported %" PRIu64 " bytes written, but reading back found "
                     "bytes that differ from the source",
                     tv->t->stages[ODX_STAGE_OFFLOAD_WRITE].bytes_transferred)) != ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_COPY_MISMATCH,
                        "Do not rely on offloaded copies here: report the storage firmware (or "
                        "the filter, if one is attached) to its vendor, and disable ODX "
                        "(FilterSupportedFeaturesMode = 1) until it is fixed.",
                        "offload reported success but the copy differs from the source");
    }
    if ((st = ev_success(b, rb, tv)) != ODX_OK ||
        (st = conclude(b, rb, ODX_VERDICT_WORKS, NULL, "offload works: copied and verified")) !=
            ODX_OK)
        return st;
    for (i = 0; i < w->n; i++) {
        const struct inst *ii = &b->insts[i];
        bool rd = ii->need_read && ii->lacks_read, wr = ii->need_write && ii->lacks_write;
        const char *reason;
        if (!rd && !wr)
            continue;
        if ((st = ev_lacking(b, rb, ii, rd, wr, &reason)) != ODX_OK ||
            (st = flag(b, rb, ODX_FLAG_BITS_BLOCK_BUT_TRIAL_WORKED, ii->in->filter,
                       "%s '%s' of %s lacks %s, yet the offload trial worked", who(ii),
                       nz(ii->in->name, nz(ii->in->filter, "")), nz(ii->in->filter, "(unnamed)"),
                       lacks_text(rd, wr))) != ODX_OK)
            return st;
    }
    if (b->policy_blocks)
        return flag(b, rb, ODX_FLAG_BITS_BLOCK_BUT_TRIAL_WORKED, NULL,
                    "FilterSupportedFeaturesMode = 1 should disable offload, yet the trial "
                    "worked (a change since boot may not have taken effect)");
    return ODX_OK;
}

/* File systems Windows can offload on, locally or through SMB [S5, S1 FLT_FSTYPE_*]. */
static bool could_offload(const struct odx_volume *v)
{
    if (v->flt_fs_type.present)
        return v->flt_fs_type.value == 2 /* NTFS */ || v->flt_fs_type.value == 13 /* MUP */ ||
               v->flt_fs_type.value == 27 /* CSVFS */ || v->flt_fs_type.value == 28 /* ReFS */;
    return v->file_system &&
           (strcmp(v->file_system, "NTFS") == 0 || strcmp(v->file_system, "ReFS") == 0 ||
            strcmp(v->file_system, "CSVFS") == 0);
}

/* 2. A volume the back end would not trial. */
static enum odx_status win_skipped(struct win *w, bool *done)
{
    const struct odx_volume *sv = w->sv;
    const char *why;
    enum odx_status st;
    if (w->tg->kind != ODX_TARGET_VOLUME || !sv || sv->eligible ||
        (w->tv && w->tv->state != TV_NONE))
        return ODX_OK;
    *done = true;
    why = nz(sv->skip_reason, "not eligible for a trial");
    if ((st = ev(w->b, w->rb, "volume: %s%s%s; skipped: %s", nz(sv->file_system, "unknown fs"),
                 sv->nt_name ? " on " : "", sv->nt_name ? sv->nt_name : "", why)) != ODX_OK)
        return st;
    /*
     * Untested, but a filter lacking the bits still decides it where offload
     * could otherwise work: a filter on \Device\Mup blocks offload to every
     * SMB share. The later steps name it.
     */
    if (w->n_blocking && could_offload(sv)) {
        *done = false;
        return ODX_OK;
    }
    if (w->b->policy_blocks &&
        (st = ev(w->b, w->rb,
                 "policy: FilterSupportedFeaturesMode = 1 would disable offload here as well")) !=
            ODX_OK)
        return st;
    return conclude(w->b, w->rb, ODX_VERDICT_NOT_TESTED, NULL, "not tested: %s", why);
}

/* 3. The machine-wide switch [S5, S15]. */
static enum odx_status win_policy(struct win *w, bool *done)
{
    enum odx_status st;
    if (!w->b->policy_blocks)
        return ODX_OK;
    *done = true;
    if (w->tv)
        decide_code(w->rb, w->tv);
    if ((st = ev(w->b, w->rb,
                 "policy: HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem\\"
                 "FilterSupportedFeaturesMode = 1: Filter Manager treats every filter as not "
                 "opted in, which disables offload on every volume")) != ODX_OK)
        return st;
    return conclude(w->b, w->rb, ODX_VERDICT_BLOCKED_BY_POLICY,
                    "Set HKLM\\SYSTEM\\CurrentControlSet\\Control\\FileSystem\\"
                    "FilterSupportedFeaturesMode to 0 (the default) if offload is wanted; "
                    "someone set 1 on purpose, so ask first.",
                    "offload disabled machine-wide: FilterSupportedFeaturesMode = 1");
}

/* 4. Filter Manager's opt-in check refused: 4440 / 4441 [S5, S8]. */
static enum odx_status win_gate(struct win *w, bool *done)
{
    struct builder *b = w->b;
    struct rb *rb = w->rb;
    const struct tv *tv = w->tv;
    bool rd;
    size_t side, side_blocking = 0, side_unknown = 0, i;
    const char *side_label, *bit;
    char buf[32];
    enum odx_status st;
    if (!failed(w) || (tv->cls != ODX_CC_FILTER_READ && tv->cls != ODX_CC_FILTER_WRITE))
        return ODX_OK;
    *done = true;
    decide_code(rb, tv);
    rd = tv->cls == ODX_CC_FILTER_READ;
    side = rd ? w->read_vol : w->write_vol;
    side_label = odx_volume_label(b->obs, side, buf, sizeof(buf));
    bit = rd ? "read (0x1)" : "write (0x2)";
    for (i = 0; i < w->n; i++) {
        const struct inst *ii = &b->insts[i];
        if (ii->volume != side)
            continue;
        side_blocking += ii->blocks && (rd ? ii->lacks_read : ii->lacks_write);
        side_unknown += !ii->known;
    }
    if (side_blocking)
        return win_blocked(w);
    if (side == ODX_NONE ? !w->tg->remote : !(side == w->tg->src ? w->src_listed : w->dst_listed)) {
        if ((st = ev(b, rb,
                     "the code says a filter on %s has not opted in, but its instances could "
                     "not be listed, so it cannot be named",
                     side_label)) != ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_BLOCKED_BY_FILTER,
                        b->access_denied
                            ? "Run odxprobe elevated (Run as administrator) to name the filter."
                            : "Run odxprobe elevated to name the filter; if it already was, list "
                              "them with 'fltmc instances -v <volume>'.",
                        "blocked by a filter that could not be named (instances not listed%s)",
                        b->access_denied ? ": not elevated" : "");
    }
    if (side_unknown) {
        if ((st = ev(b, rb,
                     "the code says a filter on %s has not opted in; every instance whose "
                     "SupportedFeatures is known has the bits, so it is among the %zu whose "
                     "value could not be learned",
                     side_label, side_unknown)) != ODX_OK ||
            (st = name_suspects(b, rb, w->n, side, side, true,
                                "SupportedFeatures unknown (no runtime value, registry not "
                                "read)")) != ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_BLOCKED_BY_FILTER,
                        "Check the suspects' SupportedFeatures with 'fltmc instances -v "
                        "<volume>' (column SprtFtrs) from an elevated prompt; the one lacking "
                        "0x1/0x2 needs an update from its vendor.",
                        "blocked by a filter; %zu instance(s) with unknown SupportedFeatures "
                        "are the suspects",
                        side_unknown);
    }
    if (w->tg->remote || is_mup(vol(b, side))) {
        if ((st = ev(b, rb,
                     "every local instance on %s declares offload support: the filter that "
                     "refused is probably on the server, where no local tool can list it",
                     side_label)) != ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_REMOTE,
                        "Run odxprobe on the file server against the shared volume to name the "
                        "filter there.",
                        "refused on the remote side (%s): the blocking filter may sit on the "
                        "server",
                        nz(odx_code_name(tv->code), "a filter"));
    }
    if ((st = flag(b, rb, ODX_FLAG_BITS_ALLOW_BUT_TRIAL_REFUSED, NULL,
                   "every instance on %s declares offload %s, yet the trial was refused with %s",
                   side_label, bit, describe(b, tv->code))) != ODX_OK ||
        (st = ev(b, rb,
                 "every instance on %s declares offload %s: a filter that declares the bit "
                 "returned this code from its own handler, or Filter Manager counted something "
                 "the listing does not show (unconfirmed)",
                 side_label, bit)) != ODX_OK ||
        (st = name_suspects(b, rb, w->n, side, side, false,
                            "attached and declares offload support, so it may veto in its own "
                            "handler")) != ODX_OK)
        return st;
    return conclude(b, rb, ODX_VERDICT_VETOED_IN_CODE,
                    "Ask the vendors of the suspects, top first, whether their filter vetoes "
                    "offload; detaching one at a time on a test machine (fltmc detach) finds it.",
                    "refused by a filter although every filter declares offload support: "
                    "vetoed in code");
}

/* 5. Remote targets: past the local filters, the rest is the server's. */
static enum odx_status win_remote(struct win *w, bool *done)
{
    const struct tv *tv = w->tv;
    enum odx_status st;
    if (!w->tg->remote || !failed(w) || !tv->at_copy || tv->cls == ODX_CC_FILE ||
        tv->cls == ODX_CC_TOKEN || w->n_blocking)
        return ODX_OK;
    *done = true;
    decide_code(w->rb, tv);
    if ((st = ev(w->b, w->rb,
                 "the target is on another machine; no local filter lacks the offload bits")) !=
        ODX_OK)
        return st;
    return conclude(w->b, w->rb, ODX_VERDICT_REMOTE,
                    "Offload over SMB needs an NTFS volume on Windows Server 2012 or later with "
                    "ODX storage; run odxprobe on the server to see its filters and storage.",
                    "refused on the remote side: the blocker may sit on the server (its file "
                    "system, storage or filters)");
}

/* 6. The file system or the storage cannot [S5, S8, S15]. */
static enum odx_status win_unsupported(struct win *w, bool *done)
{
    struct builder *b = w->b;
    struct rb *rb = w->rb;
    const struct tv *tv = w->tv;
    const struct odx_volume *fat = is_fat(w->sv) ? w->sv : is_fat(w->dv) ? w->dv : NULL;
    const char *what = NULL, *remedy = NULL;
    enum odx_status st;
    if (failed(w) && tv->at_copy) {
        if (tv->cls == ODX_CC_FS_UNSUPPORTED) {
            what = "the file system does not implement offload";
            remedy = "Offload needs NTFS on both ends; FAT, exFAT and ReFS volumes copy normally.";
        } else if (tv->cls == ODX_CC_STORAGE) {
            what = "the storage does not support offloaded data transfer";
            remedy = "Use storage whose firmware supports ODX (token copy), or accept normal "
                     "copies.";
        } else if (tv->cls == ODX_CC_UNREACHABLE) {
            what = "the source's copy manager cannot reach the destination";
            remedy = "Offload only works where one copy manager (one array, or arrays of one "
                     "vendor that support it) serves both ends.";
        } else if ((tv->cls == ODX_CC_NOT_SUPPORTED || tv->cls == ODX_CC_OTHER) &&
                   w->storage_error) {
            what = "the storage gave no copy-offload descriptor and the offload failed";
            remedy = "Use storage whose firmware supports ODX, or accept normal copies.";
        }
    }
    if (!what && fat) {
        what = "FAT and exFAT have no offload";
        remedy = "Offload needs NTFS on both ends.";
    }
    if (!what)
        return ODX_OK;
    *done = true;
    if (tv)
        decide_code(rb, tv);
    if (fat && (st = ev(b, rb, "volume: file system %s", nz(fat->file_system, "FAT"))) != ODX_OK)
        return st;
    if (w->n_blocking &&
        ((st = ev(b, rb, "filters that would block as well once this is fixed:")) != ODX_OK ||
         (st = name_blockers(b, rb, w->n)) != ODX_OK))
        return st;
    return conclude(b, rb, ODX_VERDICT_UNSUPPORTED, remedy, "unsupported: %s%s%s", what,
                    failed(w) ? ": " : "", failed(w) ? describe(b, tv->code) : "");
}

/* 7. Static evidence: an instance lacks a bit whose check the trial did not get past. */
static enum odx_status win_static_blockers(struct win *w, bool *done)
{
    enum odx_status st;
    if (!w->n_blocking)
        return ODX_OK;
    *done = true;
    if (w->tv)
        decide_code(w->rb, w->tv);
    if (failed(w))
        st = ev(w->b, w->rb,
                "the trial failed before Filter Manager's opt-in check for the bits these "
                "filters lack; that check would refuse it");
    else if (w->b->obs->run.static_only)
        st = ev(w->b, w->rb,
                "static: no trial was made (--static); the verdict rests on SupportedFeatures "
                "alone");
    else
        st = ev(w->b, w->rb, "no completed trial; the verdict rests on SupportedFeatures alone");
    if (st != ODX_OK)
        return st;
    return win_blocked(w);
}

/* 8. The trial's own code. */
static enum odx_status win_code(struct win *w, bool *done)
{
    struct builder *b = w->b;
    struct rb *rb = w->rb;
    const struct tv *tv = w->tv;
    const char *when, *remedy;
    size_t i;
    enum odx_status st;
    if (!failed(w))
        return ODX_OK;
    *done = true;
    decide_code(rb, tv);
    if (tv->at_copy && tv->cls == ODX_CC_FILE) {
        if ((st = ev(b, rb,
                     "the file system refused this file: likely compressed, sparse, "
                     "EFS-encrypted or deduplicated, too small (MFT-resident), in a snapshot, "
                     "or the range was not sector aligned; BitLocker volumes refuse too")) !=
            ODX_OK)
            return st;
        for (i = 0; i < w->n; i++) {
            if (b->insts[i].in->filter && fold_equal(b->insts[i].in->filter, "Dedup")) {
                if ((st = ev(b, rb,
                             "the Data Deduplication filter (Dedup) is attached: deduplicated "
                             "files cannot be offloaded")) != ODX_OK)
                    return st;
                break;
            }
        }
        return conclude(b, rb, ODX_VERDICT_FILE_REFUSED,
                        "Not a filter problem: check the trial folder's compression, Data "
                        "Deduplication and BitLocker on the volume, then retry with --path on "
                        "an uncompressed folder.",
                        "the trial file was refused: %s", describe(b, tv->code));
    }
    if (tv->at_copy && tv->cls == ODX_CC_TOKEN) {
        if ((st = ev(b, rb,
                     "the token from FSCTL_OFFLOAD_READ was rejected by the write: expired, "
                     "invalidated by a change to the source, or unknown to the destination's "
                     "copy manager")) != ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_TOKEN_PROBLEM,
                        "Retry; if it persists, check the array's token lifetime (copy-offload "
                        "descriptor) and whatever modifies files during copies.",
                        "the offload token was invalid or expired: %s", describe(b, tv->code));
    }
    if (tv->at_copy && tv->cls == ODX_CC_NOT_SUPPORTED) {
        /* 50 is also how an opted-in filter vetoes [S5]: name them when nothing else can. */
        bool all_opted = w->src_listed && w->dst_listed && !w->n_unknown && !w->n_contra;
        if ((st = ev(b, rb,
                     "ERROR_NOT_SUPPORTED comes from the volume or its storage, or from a "
                     "filter that opted in and vetoes in its own code")) != ODX_OK)
            return st;
        if (all_opted && w->storage_desc &&
            (st = name_suspects(b, rb, w->n, w->tg->src, w->write_vol, false,
                                "declares offload support, but a filter may veto with "
                                "ERROR_NOT_SUPPORTED")) != ODX_OK)
            return st;
        return conclude(
            b, rb, ODX_VERDICT_UNSUPPORTED,
            w->storage_desc ? "The storage reports copy offload, so suspect the filters listed, "
                              "top first (ask their vendors)."
                            : "Check that the storage supports ODX (copy-offload descriptor) "
                              "and that the volume is NTFS.",
            "unsupported: the volume, its storage or a filter said no: %s", describe(b, tv->code));
    }
    if (tv->at_copy && tv->cls == ODX_CC_PARAMETER &&
        (tv->code.kind == ODX_CODE_WIN32 || tv->code.kind == ODX_CODE_NTSTATUS)) {
        if ((st = ev(b, rb,
                     "offsets and lengths odxprobe sends are meant to be sector aligned and "
                     "the file pre-sized: an invalid parameter here is odxprobe's own bug")) !=
            ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_UNKNOWN,
                        "Report this to odxprobe's developers with the JSON report; a "
                        "different --size may work around it.",
                        "undecided: %s rejected odxprobe's parameters: %s", stage_call(tv->stage),
                        describe(b, tv->code));
    }
    when = tv->prep                        ? "in preparation"
           : tv->stage == ODX_STAGE_VERIFY ? "while reading back the copy"
                                           : "at the offload call";
    if (tv->stage == ODX_STAGE_VERIFY &&
        (st = ev(b, rb,
                 "an I/O error while reading back is not a mismatch: the copy's content is "
                 "unknown")) != ODX_OK)
        return st;
    if ((st = code_advice(b, rb, tv->code, &remedy)) != ODX_OK)
        return st;
    return conclude(b, rb, ODX_VERDICT_UNKNOWN, remedy, "undecided: the trial failed %s: %s", when,
                    describe(b, tv->code));
}

/* 9. No trial decided. */
static enum odx_status win_untested(struct win *w)
{
    const struct odx_obs *obs = w->b->obs;
    bool listed = w->src_listed && w->dst_listed;
    enum odx_status st;
    if (w->tv)
        w->rb->r->trial = w->tv->index;
    if (w->tv && w->tv->state == TV_INCOMPLETE && !obs->run.interrupted && !obs->run.static_only)
        return conclude(w->b, w->rb, ODX_VERDICT_UNKNOWN, NULL,
                        "undecided: the trial stopped without an error and without a verify");
    if (!obs->run.static_only)
        return conclude(w->b, w->rb, ODX_VERDICT_NOT_TESTED, NULL, "%s",
                        obs->run.interrupted ? "not tested: interrupted before its trial"
                                             : "not tested: no trial was recorded");
    if ((st = ev(w->b, w->rb, "static: no trial was made (--static)")) != ODX_OK)
        return st;
    if (listed && (st = ev(w->b, w->rb,
                           "no attached instance lacks offload_read (0x1) or offload_write "
                           "(0x2)%s",
                           w->n_unknown ? "; some values could not be learned" : "")) != ODX_OK)
        return st;
    return conclude(w->b, w->rb, ODX_VERDICT_NOT_TESTED, NULL, "not tested (--static): %s",
                    listed ? "no filter lacks the offload bits; the storage and file system are "
                             "untested"
                           : "filter instances could not be listed");
}

/*
 * Windows: one FSCTL_OFFLOAD_READ/WRITE trial (or none) per target, the
 * instances of its volumes, the policy and the storage. The steps run in
 * order and the first that applies decides (docs/analysis.md).
 */
static enum odx_status analyse_windows(struct builder *b, struct rb *rb, const struct target *tg)
{
    static enum odx_status (*const steps[])(struct win *, bool *) = {
        win_proven, win_skipped,     win_policy,          win_gate,
        win_remote, win_unsupported, win_static_blockers, win_code,
    };
    struct win w;
    size_t i;
    bool done = false;
    enum odx_status st;
    memset(&w, 0, sizeof(w));
    w.b = b;
    w.rb = rb;
    w.tg = tg;
    w.sv = vol(b, tg->src);
    w.dv = tg->kind == ODX_TARGET_PAIR ? vol(b, tg->dst) : NULL;
    if ((st = win_prepare(&w)) != ODX_OK)
        return st;
    for (i = 0; i < COUNT(steps) && !done; i++)
        if ((st = steps[i](&w, &done)) != ODX_OK)
            return st;
    return done ? ODX_OK : win_untested(&w);
}

/* ---- Linux ------------------------------------------------------------- */

enum walk_kind {
    WALK_NONE = 0, /* no layer explains it */
    WALK_FILTER,   /* a stacking layer (FUSE, ecryptfs) stops it */
    WALK_UNSUPPORTED,
};

struct walk {
    enum walk_kind kind;
    const struct odx_instance *layer; /* the culprit layer, or NULL for the volume's own fs */
    size_t volume;
    const char *fs;
    const char *why;
    const char *remedy;
};

/* FUSE, from the kernel's FUSE documentation and ioctl_ficlone(2); seen on bindfs. */
#define FUSE_WHY                                                                                   \
    "FICLONE never reaches a FUSE daemon; copy_file_range does only if the daemon implements it"
#define FUSE_REMEDY                                                                                \
    "Copy on the FUSE file system's backing store directly (on XFS with reflink=1 or btrfs), or "  \
    "use a daemon that passes copy_file_range through to such a file system."

static bool role_is(const struct odx_instance *in, const char *role)
{
    return in->role && strcmp(in->role, role) == 0;
}

static const char *fs_why(const struct odx_fs_info *info)
{
    return info && info->note ? info->note : "no reflink support is known for this file system";
}

/* What a file system layer can do; definite: only answers that need no trial. */
static void judge_fs(const char *fs, bool definite, struct walk *w)
{
    const struct odx_fs_info *info = odx_fs_lookup(fs);
    w->fs = fs;
    if (info && info->stacking && strncmp(fs, "fuse", 4) == 0) {
        w->kind = WALK_FILTER;
        w->why = FUSE_WHY;
        w->remedy = FUSE_REMEDY;
        return;
    }
    if (info && info->reflink_cap == ODX_FS_CAP_NO) {
        w->kind = WALK_UNSUPPORTED;
        w->why = fs_why(info);
        w->remedy = "Use a file system that shares extents: XFS formatted with reflink=1 "
                    "(mkfs.xfs -m reflink=1) or btrfs.";
        return;
    }
    if (definite || (info && info->reflink_cap == ODX_FS_CAP_YES))
        return;
    w->kind = WALK_UNSUPPORTED;
    if (strcmp(fs, "xfs") == 0) {
        w->why = "this XFS was formatted without reflink=1";
        w->remedy = "Reflink is chosen when XFS is made: re-create it with mkfs.xfs -m "
                    "reflink=1 (the default since xfsprogs 5.1) and restore the data, or use "
                    "btrfs.";
    } else if (info && info->network) {
        w->why = "the server or the protocol version does not offer clone or server-side copy";
        w->remedy = "Use NFS 4.2 or SMB3 against a server whose file system shares extents.";
    } else {
        w->why = fs_why(info);
        w->remedy = "Use a file system that shares extents: XFS with reflink=1 or btrfs.";
    }
}

/* Walks volume v's layers top-down for the first one that stops reflink. */
static void walk_layers(const struct builder *b, size_t v, bool definite, struct walk *w)
{
    const struct odx_volume *vv = vol(b, v);
    size_t i, j;
    memset(w, 0, sizeof(*w));
    w->volume = v;
    if (!vv)
        return;
    for (i = 0; i < vv->n_instances; i++) {
        const struct odx_instance *in = &vv->instances[i];
        if (role_is(in, "fuse")) {
            w->kind = WALK_FILTER;
            w->layer = in;
            w->fs = in->filter;
            w->why = FUSE_WHY;
            w->remedy = FUSE_REMEDY;
            return;
        }
        if (role_is(in, "stacked")) {
            w->kind = WALK_FILTER;
            w->layer = in;
            w->fs = in->filter;
            w->why = "a stacked file system (such as ecryptfs) rewrites each file's data, so "
                     "extents cannot be shared";
            w->remedy = "Copy below the stacked file system only where its transformation "
                        "(encryption) is not needed, or accept byte copies.";
            return;
        }
        if (role_is(in, "overlay")) {
            const struct odx_instance *upper = NULL;
            for (j = i + 1; j < vv->n_instances && !upper; j++)
                if (role_is(&vv->instances[j], "upper"))
                    upper = &vv->instances[j];
            if (!upper) {
                w->kind = WALK_UNSUPPORTED;
                w->layer = in;
                w->fs = "overlay";
                w->why = "the overlay has no upper layer (read-only): nothing can be written";
                w->remedy = "Copy to a writable mount.";
                return;
            }
            judge_fs(nz(upper->fs_type, "unknown"), definite, w);
            if (w->kind != WALK_NONE) {
                w->layer = upper;
                if (w->kind == WALK_UNSUPPORTED)
                    w->remedy = "Put the overlay's upper directory on a file system that "
                                "shares extents: XFS with reflink=1 or btrfs.";
            }
            return;
        }
        if (role_is(in, "filesystem")) {
            judge_fs(nz(in->fs_type, nz(in->filter, nz(vv->file_system, "unknown"))), definite, w);
            if (w->kind != WALK_NONE)
                w->layer = in;
            return;
        }
        /* "block", "backing-file", "upper", "lower": extents are a file-system matter. */
    }
    if (vv->file_system)
        judge_fs(vv->file_system, definite, w);
}

static bool trial_works_linux(const struct builder *b, const struct tv *tv)
{
    const struct odx_volume *v = vol(b, tv->t->volume);
    const struct odx_fs_info *info;
    if (tv->state != TV_OK)
        return false;
    if (tv->t->method == ODX_METHOD_CLONE || tv->t->method == ODX_METHOD_CLONE_RANGE)
        return true;
    if (tv->t->method != ODX_METHOD_COPY_FILE_RANGE)
        return false;
    if (tv->t->extents_shared == ODX_TRI_YES)
        return true;
    /* On NFS 4.2 and SMB3 copy_file_range becomes a copy on the server. */
    info = v ? odx_fs_lookup(v->file_system) : NULL;
    return info && info->network;
}

static enum odx_status ev_linux_trial(struct builder *b, struct rb *rb, const struct tv *tv)
{
    const struct odx_trial *t = tv->t;
    const char *call = method_call(t->method);
    switch (tv->state) {
    case TV_OK:
        if (t->method == ODX_METHOD_COPY_FILE_RANGE)
            return ev(b, rb,
                      "trial: %s copied %" PRIu64 " bytes, read back identical; extents "
                      "shared: %s%s",
                      call, t->stages[ODX_STAGE_COPY_RANGE].bytes_transferred,
                      odx_tri_name(t->extents_shared),
                      t->extents_shared == ODX_TRI_NO        ? " (a byte copy)"
                      : t->extents_shared == ODX_TRI_UNKNOWN ? " (FIEMAP could not tell)"
                                                             : "");
        return ev(b, rb, "trial: %s shared the extents; the copy reads back identical", call);
    case TV_FAILED:
        return ev_failure(b, rb, tv);
    case TV_MISMATCH:
        return ev(b, rb, "trial: %s reported success, but reading back found different bytes",
                  call);
    case TV_INCOMPLETE:
        return ev(b, rb, "trial: %s did not finish", call);
    case TV_NONE:
    default:
        return ev(b, rb, "trial: %s was not attempted", call);
    }
}

static enum odx_status add_layer_culprit(struct builder *b, struct rb *rb, const struct walk *w)
{
    struct odx_culprit *c;
    enum odx_status st =
        grow((void **)&rb->r->blockers, &rb->cap_bl, rb->r->n_blockers, sizeof(*rb->r->blockers));
    if (st != ODX_OK)
        return st;
    c = &rb->r->blockers[rb->r->n_blockers++];
    memset(c, 0, sizeof(*c));
    c->kind = ODX_FILTER_LAYER;
    c->volume = w->volume;
    if (w->layer) {
        c->filter = w->layer->filter ? w->layer->filter : w->fs;
        c->instance = w->layer->name ? w->layer->name : w->layer->path;
        c->altitude = w->layer->altitude;
        c->kind = w->layer->kind != ODX_FILTER_UNKNOWN ? w->layer->kind : ODX_FILTER_LAYER;
    } else {
        const struct odx_volume *v = vol(b, w->volume);
        c->filter = v ? v->file_system : NULL;
    }
    return str(b, &c->reason, "%s", w->why);
}

static enum odx_status ev_walk(struct builder *b, struct rb *rb, const struct walk *w)
{
    const struct odx_instance *l = w->layer;
    if (l && role_is(l, "upper"))
        return ev(b, rb, "layer: overlay upper %s is on %s: %s", nz(l->path, nz(l->name, "")),
                  nz(w->fs, "unknown"), w->why);
    if (l)
        return ev(b, rb, "layer: %s %s%s%s: %s", nz(l->role, "layer"), nz(l->filter, ""),
                  l->path ? " at " : "", l->path ? l->path : "", w->why);
    return ev(b, rb, "file system: %s: %s", nz(w->fs, "unknown"), w->why);
}

static enum odx_status walk_headline(struct builder *b, struct rb *rb, const struct walk *w,
                                     bool definite)
{
    const struct odx_instance *l = w->layer;
    const char *suffix = definite ? " (from the stack; not tried)" : "";
    if (w->kind == WALK_FILTER && l && role_is(l, "fuse")) {
        /* Plain "fuse" (libfuse2 daemons such as bindfs) says nothing: name its source. */
        if (l->filter && strcmp(l->filter, "fuse") != 0)
            return set_text(b, &rb->r->headline, "reflink blocked by the FUSE layer %s%s",
                            l->filter, suffix);
        return set_text(b, &rb->r->headline, "reflink blocked by the FUSE layer over %s%s",
                        nz(l->name, "(unnamed)"), suffix);
    }
    if (w->kind == WALK_FILTER)
        return set_text(b, &rb->r->headline, "reflink blocked by the %s layer %s%s",
                        nz(l ? l->role : NULL, "stacking"), nz(w->fs, "(unnamed)"), suffix);
    if (l && role_is(l, "upper"))
        return set_text(b, &rb->r->headline,
                        "unsupported: the overlay upper is on %s, which cannot share extents%s",
                        nz(w->fs, "unknown"), suffix);
    if (w->fs && strcmp(w->fs, "xfs") == 0)
        return set_text(b, &rb->r->headline, "unsupported: XFS formatted without reflink=1%s",
                        suffix);
    return set_text(b, &rb->r->headline, "unsupported: %s cannot share extents%s",
                    nz(w->fs, "the file system"), suffix);
}

static enum odx_status apply_walk(struct builder *b, struct rb *rb, const struct walk *w,
                                  bool definite)
{
    enum odx_status st;
    rb->r->verdict =
        w->kind == WALK_FILTER ? ODX_VERDICT_BLOCKED_BY_FILTER : ODX_VERDICT_UNSUPPORTED;
    if ((st = ev_walk(b, rb, w)) != ODX_OK || (st = add_layer_culprit(b, rb, w)) != ODX_OK ||
        (st = walk_headline(b, rb, w, definite)) != ODX_OK)
        return st;
    return intern(b, &rb->r->remedy, w->remedy);
}

static enum odx_status analyse_linux(struct builder *b, struct rb *rb, const struct target *tg)
{
    const struct odx_obs *obs = b->obs;
    struct odx_result *r = rb->r;
    const struct odx_volume *sv = vol(b, tg->src);
    struct tv tvs[8];
    size_t n = 0, i;
    const struct tv *works = NULL, *mismatch = NULL, *fail_copy = NULL, *fail_other = NULL,
                    *xdev = NULL, *byte_copy = NULL, *any = NULL;
    struct walk w;
    enum odx_status st;

    /* A probe records one trial per method; a report with more is read up to eight. */
    for (i = 0; i < tg->n_trials && n < COUNT(tvs); i++)
        view(obs, tg->trials[i], &tvs[n++]);
    for (i = 0; i < n; i++) {
        const struct tv *tv = &tvs[i];
        if ((st = ev_linux_trial(b, rb, tv)) != ODX_OK || (st = trial_flags(b, rb, tv)) != ODX_OK)
            return st;
        if (tv->state != TV_NONE && !any)
            any = tv;
        if (tv->state == TV_MISMATCH && !mismatch)
            mismatch = tv;
        if (trial_works_linux(b, tv) && !works)
            works = tv;
        if (tv->state == TV_OK && tv->t->method == ODX_METHOD_COPY_FILE_RANGE &&
            !trial_works_linux(b, tv) && !byte_copy)
            byte_copy = tv;
        if (tv->state == TV_FAILED && tv->at_copy) {
            if (tv->cls == ODX_CC_CROSS_DEVICE && !xdev)
                xdev = tv;
            if (!fail_copy)
                fail_copy = tv;
        } else if (tv->state == TV_FAILED && !fail_other) {
            fail_other = tv;
        }
    }
    if (byte_copy && byte_copy->t->extents_shared == ODX_TRI_NO &&
        (st = flag(b, rb, ODX_FLAG_BYTE_COPY, NULL,
                   "copy_file_range copied the bytes: the destination shares no extents with "
                   "the source")) != ODX_OK)
        return st;
    if (obs->run.interrupted && !works && !fail_copy && !fail_other && !mismatch &&
        (st = flag(b, rb, ODX_FLAG_INTERRUPTED, NULL,
                   "the probe was interrupted before this trial finished")) != ODX_OK)
        return st;

    if (mismatch) {
        decide_code(rb, mismatch);
        return conclude(b, rb, ODX_VERDICT_COPY_MISMATCH,
                        "Do not rely on this copy path: report it to the file system's or the "
                        "daemon's maintainers with the JSON report.",
                        "%s reported success but the copy differs from the source",
                        method_call(mismatch->t->method));
    }
    if (works) {
        decide_code(rb, works);
        return conclude(b, rb, ODX_VERDICT_WORKS, NULL, "%s",
                        works->t->method == ODX_METHOD_COPY_FILE_RANGE &&
                                works->t->extents_shared != ODX_TRI_YES
                            ? "copy offload works: copy_file_range copied on the server"
                            : "reflink works: the copy shares extents and reads back identical");
    }
    if (tg->kind == ODX_TARGET_VOLUME && sv && !sv->eligible && !any)
        return conclude(b, rb, ODX_VERDICT_NOT_TESTED, NULL, "not tested: %s",
                        nz(sv->skip_reason, "not eligible for a trial"));
    if (xdev && tg->kind == ODX_TARGET_PAIR) {
        decide_code(rb, xdev);
        if ((st = ev(b, rb,
                     "source and destination are on different file systems (different "
                     "superblocks): extents cannot be shared between them")) != ODX_OK)
            return st;
        return conclude(b, rb, ODX_VERDICT_UNSUPPORTED,
                        "Keep source and destination on one file system; bind mounts and btrfs "
                        "subvolumes of one file system are fine.",
                        "unsupported: source and destination are on different file systems: %s",
                        describe(b, xdev->code));
    }
    /* Refused as unsupported, or copied without sharing: find the layer that stops it. */
    if ((fail_copy &&
         (fail_copy->cls == ODX_CC_FS_UNSUPPORTED || fail_copy->cls == ODX_CC_PARAMETER ||
          fail_copy->cls == ODX_CC_CROSS_DEVICE || fail_copy->cls == ODX_CC_NOT_SUPPORTED)) ||
        byte_copy) {
        decide_code(rb, fail_copy ? fail_copy : byte_copy);
        walk_layers(b, tg->src, false, &w);
        if (w.kind == WALK_NONE && tg->dst != ODX_NONE && tg->dst != tg->src)
            walk_layers(b, tg->dst, false, &w);
        if (w.kind != WALK_NONE)
            return apply_walk(b, rb, &w, false);
        if (tg->remote)
            return conclude(b, rb, ODX_VERDICT_REMOTE,
                            "Check the server: NFS 4.2 or SMB3 with a file system that shares "
                            "extents.",
                            "refused on the remote side: the server's file system or protocol "
                            "does not share extents");
    }
    if (fail_copy || fail_other) {
        const struct tv *dec = fail_copy ? fail_copy : fail_other;
        const char *remedy;
        decide_code(rb, dec);
        if ((st = code_advice(b, rb, dec->code, &remedy)) != ODX_OK)
            return st;
        if (dec->prep || !dec->at_copy)
            return conclude(b, rb, ODX_VERDICT_UNKNOWN, remedy,
                            "undecided: the %s trial failed %s: %s", method_call(dec->t->method),
                            dec->prep ? "in preparation" : "while reading back the copy",
                            describe(b, dec->code));
        return conclude(b, rb, ODX_VERDICT_UNKNOWN, remedy,
                        "undecided: %s failed and no layer explains it: %s",
                        method_call(dec->t->method), describe(b, dec->code));
    }
    if (byte_copy)
        return conclude(b, rb, ODX_VERDICT_UNKNOWN, NULL,
                        "undecided: copy_file_range copied, but no sharing was seen and no layer "
                        "explains it");
    if (any && !obs->run.interrupted && !obs->run.static_only) {
        r->trial = any->index;
        return conclude(b, rb, ODX_VERDICT_UNKNOWN, NULL,
                        "undecided: the trial stopped without an error and without a verify");
    }
    /* No trial: the stack alone may still answer. */
    walk_layers(b, tg->src, true, &w);
    if (w.kind != WALK_NONE && (obs->run.static_only || !any)) {
        if ((st = ev(b, rb, "%s",
                     obs->run.static_only ? "static: no trial was made (--static); the verdict "
                                            "rests on the stack alone"
                                          : "no trial; the verdict rests on the stack alone")) !=
            ODX_OK)
            return st;
        return apply_walk(b, rb, &w, true);
    }
    return conclude(b, rb, ODX_VERDICT_NOT_TESTED, NULL, "%s",
                    obs->run.static_only
                        ? "not tested (--static): nothing in the stack rules reflink out"
                    : obs->run.interrupted ? "not tested: interrupted before its trial"
                                           : "not tested: no trial was recorded");
}

/* ---- driver ------------------------------------------------------------ */

static bool target_is_linux(const struct builder *b, const struct target *tg)
{
    size_t i;
    for (i = 0; i < tg->n_trials; i++)
        if (b->obs->trials[tg->trials[i]].method != ODX_METHOD_OFFLOAD)
            return true;
    return b->obs->platform == ODX_PLATFORM_LINUX;
}

static enum odx_status analyse_target(struct builder *b, const struct target *tg)
{
    struct rb rb;
    enum odx_status st = new_result(b, &rb, tg);
    if (st != ODX_OK)
        return st;
    if (target_is_linux(b, tg))
        st = analyse_linux(b, &rb, tg);
    else
        st = analyse_windows(b, &rb, tg);
    if (st != ODX_OK)
        return st;
    b->a->counts[rb.r->verdict]++;
    return ODX_OK;
}

static enum odx_status validate(const struct odx_obs *obs)
{
    size_t i;
    for (i = 0; i < obs->n_trials; i++) {
        const struct odx_trial *t = &obs->trials[i];
        if ((unsigned)t->method > ODX_METHOD_COPY_FILE_RANGE)
            return ODX_E_INVAL;
        switch (t->scope) {
        case ODX_SCOPE_VOLUME:
            if (t->volume >= obs->n_volumes)
                return ODX_E_INVAL;
            break;
        case ODX_SCOPE_PAIR:
            if (t->volume >= obs->n_volumes || t->dest_volume >= obs->n_volumes)
                return ODX_E_INVAL;
            break;
        case ODX_SCOPE_PATH:
            if (t->volume != ODX_NONE && t->volume >= obs->n_volumes)
                return ODX_E_INVAL;
            break;
        default:
            return ODX_E_INVAL;
        }
    }
    return ODX_OK;
}

/* Name table, error-target table, trials by volume, machine-wide facts. */
static enum odx_status prepare(struct builder *b)
{
    const struct odx_obs *obs = b->obs;
    size_t i, j, bytes;
    struct entry *e;
    bool added;
    enum odx_status st;

    for (i = 0; i < obs->n_filters; i++) {
        if ((st = table_add(&b->filters, obs->filters[i].name, &e, &added)) != ODX_OK)
            return st;
        if (added)
            e->filter = &obs->filters[i];
    }
    /* Names seen at an address already looked up are skipped (the cache holds no entries
     * yet: they move while the table grows). */
    for (i = 0; i < obs->n_volumes; i++) {
        for (j = 0; j < obs->volumes[i].n_instances; j++) {
            const char *name = obs->volumes[i].instances[j].filter;
            struct pcache *pc = &b->pcache[pcache_slot(name)];
            if (!name || pc->name == name)
                continue;
            if ((st = table_add(&b->filters, name, &e, &added)) != ODX_OK)
                return st;
            pc->name = name;
        }
    }
    memset(b->pcache, 0, sizeof(b->pcache));

    for (i = 0; i < obs->n_errors; i++) {
        const struct odx_error *err = &obs->errors[i];
        bool denied = odx_code_class_of(err->code) == ODX_CC_ACCESS && err->api &&
                      starts_with_fold(err->api, "Filter");
        if (denied) {
            b->access_denied = true;
            if (!b->access_error)
                b->access_error = err;
        }
        if (err->target && err->api && starts_with_fold(err->api, "Filter")) {
            if ((st = table_add(&b->targets, err->target, &e, &added)) != ODX_OK)
                return st;
            if (added)
                e->error = i;
        }
    }
    if (obs->platform == ODX_PLATFORM_WINDOWS && obs->host.elevated == ODX_TRI_NO)
        b->access_denied = true;

    /* Counting sort of volume-scope trials by volume. */
    if (!odx_add_size(obs->n_volumes, 1, &bytes) || !odx_mul_size(bytes, sizeof(size_t), &bytes))
        return ODX_E_NOMEM;
    b->vol_start = odx_calloc(obs->n_volumes + 1, sizeof(size_t));
    if (!b->vol_start)
        return ODX_E_NOMEM;
    for (i = 0; i < obs->n_trials; i++)
        if (obs->trials[i].scope == ODX_SCOPE_VOLUME)
            b->vol_start[obs->trials[i].volume + 1]++;
    for (i = 0; i < obs->n_volumes; i++)
        b->vol_start[i + 1] += b->vol_start[i];
    if (b->vol_start[obs->n_volumes]) {
        size_t *fill = odx_calloc(obs->n_volumes, sizeof(size_t));
        if (!fill)
            return ODX_E_NOMEM;
        b->vol_trials = odx_calloc(b->vol_start[obs->n_volumes], sizeof(size_t));
        if (!b->vol_trials) {
            odx_free(fill);
            return ODX_E_NOMEM;
        }
        for (i = 0; i < obs->n_trials; i++) {
            size_t v = obs->trials[i].volume;
            if (obs->trials[i].scope == ODX_SCOPE_VOLUME)
                b->vol_trials[b->vol_start[v] + fill[v]++] = i;
        }
        odx_free(fill);
    }
    b->policy_blocks =
        obs->features_mode.state == ODX_SETTING_PRESENT && obs->features_mode.value == 1;
    return ODX_OK;
}

static enum odx_status machine_flags(struct builder *b)
{
    const struct odx_obs *obs = b->obs;
    size_t i;
    bool unlisted = obs->filters_listed == ODX_TRI_NO;
    enum odx_status st;
    if (obs->features_mode.state == ODX_SETTING_ERROR &&
        (st = mflag(b, ODX_FLAG_POLICY_UNREADABLE, NULL,
                    "policy: FilterSupportedFeaturesMode could not be read: %s; treated as 0 "
                    "(the default)",
                    describe(b, obs->features_mode.error))) != ODX_OK)
        return st;
    if (obs->features_mode.state == ODX_SETTING_PRESENT && obs->features_mode.value > 1 &&
        (st = mflag(b, ODX_FLAG_POLICY_UNREADABLE, NULL,
                    "policy: FilterSupportedFeaturesMode = %" PRIu32
                    " is not a documented value (0 or 1); treated as 0",
                    obs->features_mode.value)) != ODX_OK)
        return st;
    for (i = 0; i < obs->n_volumes && !unlisted; i++)
        if (obs->volumes[i].selected && obs->platform == ODX_PLATFORM_WINDOWS &&
            !instances_listed(&obs->volumes[i]))
            unlisted = true;
    if (unlisted && obs->platform == ODX_PLATFORM_WINDOWS) {
        if (b->access_denied)
            st = mflag(b, ODX_FLAG_NOT_ELEVATED, NULL,
                       "filters or their instances could not be listed without elevation%s%s",
                       b->access_error ? ": " : "",
                       b->access_error ? describe(b, b->access_error->code) : "");
        else
            st = mflag(b, ODX_FLAG_ENUMERATION_FAILED, NULL,
                       "filters or their instances could not be listed");
        if (st != ODX_OK)
            return st;
    }
    for (i = 0; i < obs->n_filters; i++) {
        const struct odx_filter *f = &obs->filters[i];
        struct entry *e = table_find(&b->filters, f->name);
        if (f->kind == ODX_FILTER_LEGACY && e && !e->flagged_legacy) {
            e->flagged_legacy = true;
            if ((st = mflag(b, ODX_FLAG_LEGACY_FILTER, f->name,
                            "legacy filter %s at altitude %s is loaded: it may block or fail "
                            "the offload call itself; whether Filter Manager's opt-in aggregate "
                            "counts it is unconfirmed",
                            nz(f->name, "(unnamed)"), nz(f->altitude, "unknown"))) != ODX_OK)
                return st;
        }
        if ((st = locations_flag(b, NULL, f)) != ODX_OK)
            return st;
    }
    if (obs->run.interrupted &&
        (st = mflag(b, ODX_FLAG_INTERRUPTED, NULL,
                    "the probe was interrupted: some targets were not tried")) != ODX_OK)
        return st;
    return ODX_OK;
}

/* A trial of one scope with the fields that say which target it belongs to. */
struct key {
    size_t trial;
    size_t volume, dest;
    const char *path;
};

/* One target: keys[start .. end) after sorting; first = its earliest trial. */
struct group {
    size_t first, start, end;
};

static int cmp_key(const void *pa, const void *pb)
{
    const struct key *a = pa, *b = pb;
    int c;
    if (a->volume != b->volume)
        return a->volume < b->volume ? -1 : 1;
    if (a->dest != b->dest)
        return a->dest < b->dest ? -1 : 1;
    if ((a->path == NULL) != (b->path == NULL))
        return a->path == NULL ? -1 : 1;
    if (a->path && (c = strcmp(a->path, b->path)) != 0)
        return c < 0 ? -1 : 1;
    return a->trial < b->trial ? -1 : a->trial > b->trial;
}

static bool same_key(const struct key *a, const struct key *b)
{
    return a->volume == b->volume && a->dest == b->dest && (a->path == NULL) == (b->path == NULL) &&
           (!a->path || strcmp(a->path, b->path) == 0);
}

static int cmp_group(const void *pa, const void *pb)
{
    const struct group *a = pa, *b = pb;
    return a->first < b->first ? -1 : a->first > b->first;
}

/*
 * One result per pair (source, destination) or per path, however many
 * methods were tried on it, ordered by the target's first trial.
 */
static enum odx_status scope_results(struct builder *b, enum odx_trial_scope scope)
{
    const struct odx_obs *obs = b->obs;
    struct key *keys = NULL;
    size_t *idx = NULL, n = 0, i, ng = 0, g;
    struct group *groups = NULL;
    enum odx_status st = ODX_OK;
    for (i = 0; i < obs->n_trials; i++)
        n += obs->trials[i].scope == scope;
    if (!n)
        return ODX_OK;
    keys = odx_calloc(n, sizeof(*keys));
    idx = odx_calloc(n, sizeof(*idx));
    groups = odx_calloc(n, sizeof(*groups));
    if (!keys || !idx || !groups) {
        st = ODX_E_NOMEM;
        goto out;
    }
    n = 0;
    for (i = 0; i < obs->n_trials; i++) {
        const struct odx_trial *t = &obs->trials[i];
        if (t->scope != scope)
            continue;
        keys[n].trial = i;
        keys[n].volume = t->volume;
        keys[n].dest = scope == ODX_SCOPE_PAIR ? t->dest_volume : ODX_NONE;
        keys[n].path = scope == ODX_SCOPE_PATH ? t->path : NULL;
        n++;
    }
    qsort(keys, n, sizeof(*keys), cmp_key);
    for (i = 0; i < n; i++) {
        idx[i] = keys[i].trial;
        if (i == 0 || !same_key(&keys[i - 1], &keys[i])) {
            groups[ng].first = keys[i].trial;
            groups[ng].start = i;
            ng++;
        }
        groups[ng - 1].end = i + 1;
    }
    qsort(groups, ng, sizeof(*groups), cmp_group);
    for (g = 0; g < ng; g++) {
        const struct odx_trial *t = &obs->trials[groups[g].first];
        struct target tg;
        char b1[32], b2[32];
        memset(&tg, 0, sizeof(tg));
        tg.trials = idx + groups[g].start;
        tg.n_trials = groups[g].end - groups[g].start;
        tg.src = t->volume;
        tg.dst = ODX_NONE;
        for (i = 0; i < tg.n_trials; i++)
            if (obs->trials[tg.trials[i]].remote == ODX_TRI_YES)
                tg.remote = true;
        if (tg.src != ODX_NONE &&
            (obs->volumes[tg.src].remote == ODX_TRI_YES || is_mup(&obs->volumes[tg.src])))
            tg.remote = true;
        if (scope == ODX_SCOPE_PAIR) {
            tg.kind = ODX_TARGET_PAIR;
            tg.dst = t->dest_volume;
            if (obs->volumes[tg.dst].remote == ODX_TRI_YES || is_mup(&obs->volumes[tg.dst]))
                tg.remote = true;
            st = str(b, &tg.label, "%s -> %s", odx_volume_label(obs, tg.src, b1, sizeof(b1)),
                     odx_volume_label(obs, tg.dst, b2, sizeof(b2)));
        } else {
            tg.kind = ODX_TARGET_PATH;
            if (t->path)
                st = str(b, &tg.label, "%s", t->path);
            else
                st = str(b, &tg.label, "path of trial %zu", groups[g].first);
        }
        if (st != ODX_OK || (st = analyse_target(b, &tg)) != ODX_OK)
            goto out;
    }
out:
    odx_free(keys);
    odx_free(idx);
    odx_free(groups);
    return st;
}

static enum odx_status run(struct builder *b)
{
    const struct odx_obs *obs = b->obs;
    struct odx_analysis *a = b->a;
    size_t v, i;
    bool unknown = false, blockers = false;
    enum odx_status st;
    if ((st = prepare(b)) != ODX_OK || (st = machine_flags(b)) != ODX_OK)
        return st;
    /* At least one result per selected volume: one allocation instead of a series of copies. */
    for (v = 0, i = 0; v < obs->n_volumes; v++)
        i += obs->volumes[v].selected;
    if (i && (st = grow_from((void **)&a->results, &b->cap_results, 0, sizeof(*a->results), i)) !=
                 ODX_OK)
        return st;
    for (v = 0; v < obs->n_volumes; v++) {
        struct target tg;
        const char *label;
        if (!obs->volumes[v].selected)
            continue;
        /* A label in the observation is used as it is; only "volume N" needs a copy. */
        label = odx_volume_label(obs, v, b->lbuf, sizeof(b->lbuf));
        if (label == b->lbuf && (st = intern(b, &label, b->lbuf)) != ODX_OK)
            return st;
        memset(&tg, 0, sizeof(tg));
        tg.kind = ODX_TARGET_VOLUME;
        tg.src = v;
        tg.dst = ODX_NONE;
        tg.label = label;
        tg.trials = b->vol_trials ? b->vol_trials + b->vol_start[v] : NULL;
        tg.n_trials = b->vol_start[v + 1] - b->vol_start[v];
        tg.remote = obs->volumes[v].remote == ODX_TRI_YES || is_mup(&obs->volumes[v]);
        for (i = 0; i < tg.n_trials; i++)
            if (obs->trials[tg.trials[i]].remote == ODX_TRI_YES)
                tg.remote = true;
        if ((st = analyse_target(b, &tg)) != ODX_OK)
            return st;
    }
    if ((st = scope_results(b, ODX_SCOPE_PAIR)) != ODX_OK ||
        (st = scope_results(b, ODX_SCOPE_PATH)) != ODX_OK)
        return st;
    for (i = 0; i < a->n_results; i++) {
        blockers = blockers || odx_verdict_is_blocker(a->results[i].verdict);
        unknown = unknown || a->results[i].verdict == ODX_VERDICT_UNKNOWN;
    }
    a->outcome = blockers                          ? ODX_OUTCOME_BLOCKERS
                 : unknown || obs->run.interrupted ? ODX_OUTCOME_INCOMPLETE
                                                   : ODX_OUTCOME_OK;
    return ODX_OK;
}

enum odx_status odx_analyze(const struct odx_obs *obs, struct odx_analysis **out)
{
    struct builder b;
    struct odx_analysis *a = NULL;
    enum odx_status st;
    if (!out)
        return ODX_E_INVAL;
    *out = NULL;
    if (!obs)
        return ODX_E_INVAL;
    if ((st = validate(obs)) != ODX_OK)
        return st;
    memset(&b, 0, sizeof(b));
    a = odx_calloc(1, sizeof(*a));
    if (!a)
        return ODX_E_NOMEM;
    a->priv = odx_calloc(1, sizeof(*a->priv));
    if (!a->priv || !(a->priv->arena = odx_arena_new())) {
        st = ODX_E_NOMEM;
        goto out;
    }
    b.obs = obs;
    b.a = a;
    b.arena = a->priv->arena;
    st = run(&b);
out:
    odx_free(b.filters.slots);
    odx_free(b.targets.slots);
    odx_free(b.vol_start);
    odx_free(b.vol_trials);
    odx_free(b.insts);
    odx_free((void *)b.picks);
    if (st != ODX_OK) {
        odx_analysis_free(a);
        return st;
    }
    *out = a;
    return ODX_OK;
}

void odx_analysis_free(struct odx_analysis *a)
{
    size_t i;
    if (!a)
        return;
    for (i = 0; i < a->n_results; i++) {
        odx_free((void *)a->results[i].evidence);
        odx_free(a->results[i].blockers);
        odx_free(a->results[i].suspects);
        odx_free(a->results[i].flags);
    }
    odx_free(a->results);
    odx_free(a->flags);
    if (a->priv) {
        odx_arena_free(a->priv->arena);
        odx_free(a->priv);
    }
    odx_free(a);
}
