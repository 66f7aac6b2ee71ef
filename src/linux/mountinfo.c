/*
 * /proc/self/mountinfo parser and mount lookups (by statx mount id, by path).
 *
 * Pure: works on bytes the caller read. The line format is proc(5) and
 * fs/proc_namespace.c show_mountinfo():
 *   ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAG[:VAL] ...] - FSTYPE SOURCE SUPEROPTS
 * Root, mount point, type and source are "mangled": space, tab, newline and
 * backslash become \ooo. Superblock options are escaped one by one by
 * seq_show_option() (',' too), so they are split on ',' before decoding.
 */
#include "linux_internal.h"

#include "odx/alloc.h"

#include <stdlib.h>
#include <string.h>

/* Linux's PATH_MAX; <limits.h> in strict C11 need not define it. */
#define LINUX_PATH_MAX 4096u

/* Field counts: 6 fixed, optional tags, "-", type, source, superblock options. */
#define FIXED_FIELDS 6u
#define TAIL_FIELDS  3u
#define MAX_FIELDS   (FIXED_FIELDS + ODX_LINUX_MOUNT_MAX_TAGS + 1u + TAIL_FIELDS)

/* include/linux/kdev_t.h: MINORBITS 20, leaving 12 bits of major. */
#define DEV_MAJOR_MAX 0xfffu
#define DEV_MINOR_MAX 0xfffffu

struct builder {
    struct odx_linux_mounts *m;
    size_t mount_cap;
    size_t opt_count;
    size_t opt_cap;
};

static void add_problem(struct odx_linux_mounts *m, size_t line, enum odx_status st,
                        const char *what)
{
    if (m->problem_count < ODX_LINUX_MOUNTINFO_MAX_PROBLEMS) {
        struct odx_linux_mountinfo_problem *p = &m->problems[m->problem_count++];
        p->line = line;
        p->status = st;
        p->what = what;
    }
    m->problem_total++;
}

void odx_linux_mounts_init(struct odx_linux_mounts *m)
{
    memset(m, 0, sizeof(*m));
}

void odx_linux_mounts_cleanup(struct odx_linux_mounts *m)
{
    if (!m)
        return;
    odx_free(m->items);
    odx_free(m->text_);
    odx_free(m->opt_store_);
    odx_free(m->by_id_);
    odx_linux_mounts_init(m);
}

/* Decimal digits only, no sign, no overflow past max. */
static bool parse_u32(const char *s, uint32_t max, uint32_t *out)
{
    uint64_t v = 0;
    if (!*s)
        return false;
    for (; *s; s++) {
        if (*s < '0' || *s > '9')
            return false;
        v = v * 10u + (uint64_t)(*s - '0');
        if (v > max)
            return false;
    }
    *out = (uint32_t)v;
    return true;
}

static bool is_octal(char c)
{
    return c >= '0' && c <= '7';
}

/*
 * Decode \ooo in place. The kernel writes exactly three octal digits, value
 * 1..255. strict: any other backslash is an error (mangled fields always
 * escape '\' as \134). Not strict: a stray backslash is kept, as util-linux
 * does, because some show_options() print raw text. A decoded NUL is always
 * an error: it would cut the string.
 */
static bool unescape(char *s, bool strict)
{
    char *d = s;
    while (*s) {
        if (*s == '\\') {
            if (s[1] >= '0' && s[1] <= '3' && is_octal(s[2]) && is_octal(s[3])) {
                unsigned v = (unsigned)(s[1] - '0') * 64u + (unsigned)(s[2] - '0') * 8u +
                             (unsigned)(s[3] - '0');
                if (v == 0)
                    return false;
                *d++ = (char)(unsigned char)v;
                s += 4;
                continue;
            }
            if (strict)
                return false;
        }
        *d++ = *s++;
    }
    *d = '\0';
    return true;
}

static enum odx_status push_opt(struct builder *b, const char *key, const char *value)
{
    if (b->opt_count == b->opt_cap) {
        size_t cap = b->opt_cap ? b->opt_cap * 2u : 256u, bytes;
        struct odx_linux_opt *grown;
        if (cap > ODX_LINUX_MOUNTINFO_MAX_OPTS)
            cap = ODX_LINUX_MOUNTINFO_MAX_OPTS;
        if (b->opt_count >= cap)
            return ODX_E_TOO_BIG;
        if (!odx_mul_size(cap, sizeof(*grown), &bytes))
            return ODX_E_NOMEM;
        grown = odx_realloc(b->m->opt_store_, bytes);
        if (!grown)
            return ODX_E_NOMEM;
        b->m->opt_store_ = grown;
        b->opt_cap = cap;
    }
    b->m->opt_store_[b->opt_count].key = key;
    b->m->opt_store_[b->opt_count].value = value;
    b->opt_count++;
    return ODX_OK;
}

/*
 * Split list on sep into options, splitting each at the first kv ('=' or ':'),
 * decoding escapes leniently. *count gets the number added. Returns ODX_OK,
 * ODX_E_MALFORMED (*what set), or a builder error.
 */
static enum odx_status split_opts(struct builder *b, char *list, char kv, size_t *count,
                                  size_t *line_opts, const char **what)
{
    char *p = list;
    *count = 0;
    for (;;) {
        char *end = strchr(p, ',');
        char *eq;
        enum odx_status st;
        if (end)
            *end = '\0';
        if (!*p) {
            *what = "empty option";
            return ODX_E_MALFORMED;
        }
        if (++*line_opts > ODX_LINUX_MOUNT_MAX_OPTS) {
            *what = "too many options";
            return ODX_E_MALFORMED;
        }
        eq = strchr(p, kv);
        if (eq)
            *eq = '\0';
        if (!*p) {
            *what = "option without a name";
            return ODX_E_MALFORMED;
        }
        if (!unescape(p, false) || (eq && !unescape(eq + 1, false))) {
            *what = "escape decodes to NUL";
            return ODX_E_MALFORMED;
        }
        st = push_opt(b, p, eq ? eq + 1 : NULL);
        if (st != ODX_OK)
            return st;
        ++*count;
        if (!end)
            return ODX_OK;
        p = end + 1;
    }
}

/* Tags (optional fields) are space-separated, one option each. */
static enum odx_status add_tag(struct builder *b, struct odx_linux_mount *mt, char *tag,
                               size_t *line_opts, const char **what)
{
    char *colon = strchr(tag, ':');
    enum odx_status st;
    if (++*line_opts > ODX_LINUX_MOUNT_MAX_OPTS) {
        *what = "too many options";
        return ODX_E_MALFORMED;
    }
    if (colon)
        *colon = '\0';
    if (!*tag) {
        *what = "empty optional field";
        return ODX_E_MALFORMED;
    }
    /* fs/proc_namespace.c prints these with %i: a group id is a positive int. */
    if (strcmp(tag, "shared") == 0 || strcmp(tag, "master") == 0 ||
        strcmp(tag, "propagate_from") == 0) {
        uint32_t v;
        if (!colon || !parse_u32(colon + 1, INT32_MAX, &v) || v == 0) {
            *what = "bad peer group number";
            return ODX_E_MALFORMED;
        }
        if (tag[0] == 's')
            mt->shared_group = v;
        else if (tag[0] == 'm')
            mt->master_group = v;
    }
    st = push_opt(b, tag, colon ? colon + 1 : NULL);
    if (st == ODX_OK)
        mt->tags.count++;
    return st;
}

static bool parse_dev(char *s, uint32_t *major, uint32_t *minor)
{
    char *colon = strchr(s, ':');
    if (!colon)
        return false;
    *colon = '\0';
    return parse_u32(s, DEV_MAJOR_MAX, major) && parse_u32(colon + 1, DEV_MINOR_MAX, minor);
}

/*
 * Parse one line (NUL-terminated, in the owned copy, modified in place) into
 * *mt. On ODX_E_MALFORMED *what names the fault; options pushed so far are
 * dropped by the caller.
 */
static enum odx_status parse_line(struct builder *b, char *line, struct odx_linux_mount *mt,
                                  const char **what)
{
    char *f[MAX_FIELDS];
    size_t nf = 0, sep = 0, i, line_opts = 0, n;
    char *p = line;
    enum odx_status st;

    /* The kernel separates fields by exactly one space. */
    for (;;) {
        char *sp = strchr(p, ' ');
        if (nf == MAX_FIELDS) {
            *what = "too many fields";
            return ODX_E_MALFORMED;
        }
        f[nf++] = p;
        if (!sp)
            break;
        *sp = '\0';
        p = sp + 1;
    }
    for (i = FIXED_FIELDS; i < nf; i++) {
        if (strcmp(f[i], "-") == 0) {
            sep = i;
            break;
        }
    }
    if (!sep) {
        *what = nf < FIXED_FIELDS ? "too few fields" : "missing \" - \" separator";
        return ODX_E_MALFORMED;
    }
    if (sep - FIXED_FIELDS > ODX_LINUX_MOUNT_MAX_TAGS) {
        *what = "too many optional fields";
        return ODX_E_MALFORMED;
    }
    if (nf - sep - 1 != TAIL_FIELDS) {
        *what = nf - sep - 1 < TAIL_FIELDS ? "too few fields after separator"
                                           : "too many fields after separator";
        return ODX_E_MALFORMED;
    }

    /* mnt_id comes from an IDA bounded by INT_MAX (fs/namespace.c mnt_alloc_id). */
    if (!parse_u32(f[0], INT32_MAX, &mt->mount_id)) {
        *what = "bad mount id";
        return ODX_E_MALFORMED;
    }
    if (!parse_u32(f[1], INT32_MAX, &mt->parent_id)) {
        *what = "bad parent id";
        return ODX_E_MALFORMED;
    }
    if (!parse_dev(f[2], &mt->dev_major, &mt->dev_minor)) {
        *what = "bad major:minor";
        return ODX_E_MALFORMED;
    }
    if (!*f[3] || !unescape(f[3], true)) {
        *what = "bad root field";
        return ODX_E_MALFORMED;
    }
    if (f[4][0] != '/' || !unescape(f[4], true)) {
        *what = "bad mount point";
        return ODX_E_MALFORMED;
    }
    mt->root = f[3];
    mt->mount_point = f[4];

    st = split_opts(b, f[5], '=', &n, &line_opts, what);
    if (st != ODX_OK)
        return st;
    mt->mount_opts.count = n;

    for (i = FIXED_FIELDS; i < sep; i++) {
        st = add_tag(b, mt, f[i], &line_opts, what);
        if (st != ODX_OK)
            return st;
    }

    p = f[sep + 1];
    if (!*p || !unescape(p, true)) {
        *what = "bad file-system type";
        return ODX_E_MALFORMED;
    }
    mt->fstype = p;
    /* show_type() appends ".<subtype>" only for s_subtype, which FUSE sets. */
    p = strchr(p, '.');
    if (p) {
        *p = '\0';
        mt->subtype = p[1] ? p + 1 : NULL;
        if (!*mt->fstype) {
            *what = "bad file-system type";
            return ODX_E_MALFORMED;
        }
    }
    if (!unescape(f[sep + 2], true)) {
        *what = "bad source";
        return ODX_E_MALFORMED;
    }
    mt->source = f[sep + 2];

    st = split_opts(b, f[sep + 3], '=', &n, &line_opts, what);
    if (st != ODX_OK)
        return st;
    mt->super_opts.count = n;
    return ODX_OK;
}

static enum odx_status push_mount(struct builder *b, const struct odx_linux_mount *mt)
{
    struct odx_linux_mounts *m = b->m;
    if (m->count == b->mount_cap) {
        size_t cap = b->mount_cap ? b->mount_cap * 2u : 64u, bytes;
        struct odx_linux_mount *grown;
        if (cap > ODX_LINUX_MOUNTINFO_MAX_LINES)
            cap = ODX_LINUX_MOUNTINFO_MAX_LINES;
        if (!odx_mul_size(cap, sizeof(*grown), &bytes))
            return ODX_E_NOMEM;
        grown = odx_realloc(m->items, bytes);
        if (!grown)
            return ODX_E_NOMEM;
        m->items = grown;
        b->mount_cap = cap;
    }
    m->items[m->count++] = *mt;
    return ODX_OK;
}

static bool list_has(const struct odx_linux_opts *o, const char *key)
{
    return odx_linux_opts_find(o, key) != NULL;
}

/* By id, then file order, so that the first of duplicated ids comes first. */
static int cmp_by_id(const void *a, const void *b)
{
    const struct odx_linux_id_index *x = a, *y = b;
    if (x->mount_id != y->mount_id)
        return x->mount_id < y->mount_id ? -1 : 1;
    return x->index < y->index ? -1 : (x->index > y->index);
}

/* Point option lists into the final store, set read_only, index by id. */
static enum odx_status finish(struct odx_linux_mounts *m)
{
    size_t i, next = 0, bytes;

    for (i = 0; i < m->count; i++) {
        struct odx_linux_mount *mt = &m->items[i];
        mt->mount_opts.items = m->opt_store_ + next;
        next += mt->mount_opts.count;
        mt->tags.items = m->opt_store_ + next;
        next += mt->tags.count;
        mt->super_opts.items = m->opt_store_ + next;
        next += mt->super_opts.count;
        mt->read_only = list_has(&mt->mount_opts, "ro") || list_has(&mt->super_opts, "ro");
    }
    if (m->count == 0)
        return ODX_OK;
    if (!odx_mul_size(m->count, sizeof(*m->by_id_), &bytes))
        return ODX_E_NOMEM;
    m->by_id_ = odx_malloc(bytes);
    if (!m->by_id_)
        return ODX_E_NOMEM;
    for (i = 0; i < m->count; i++) {
        m->by_id_[i].mount_id = m->items[i].mount_id;
        m->by_id_[i].index = i;
    }
    qsort(m->by_id_, m->count, sizeof(*m->by_id_), cmp_by_id);
    /* Ids are unique in one reading; a repeat means a spliced or forged text. Lookups return the
     * first in file order. */
    for (i = 1; i < m->count; i++) {
        if (m->by_id_[i - 1].mount_id == m->by_id_[i].mount_id)
            add_problem(m, m->items[m->by_id_[i].index].line, ODX_E_MALFORMED,
                        "duplicate mount id");
    }
    return ODX_OK;
}

enum odx_status odx_linux_mounts_parse(struct odx_linux_mounts *out, const char *text, size_t len)
{
    struct odx_linux_mounts m;
    struct builder b;
    size_t lines = 0, pos, lineno = 0;
    enum odx_status st = ODX_OK;

    if (!out)
        return ODX_E_INVAL;
    odx_linux_mounts_init(out);
    if (!text && len)
        return ODX_E_INVAL;
    if (len == 0)
        return ODX_E_EMPTY;
    if (len > ODX_LINUX_MOUNTINFO_MAX_BYTES)
        return ODX_E_TOO_BIG;
    for (pos = 0; pos < len; lines++) {
        const char *nl = memchr(text + pos, '\n', len - pos);
        pos = nl ? (size_t)(nl - text) + 1u : len;
    }
    if (lines > ODX_LINUX_MOUNTINFO_MAX_LINES)
        return ODX_E_TOO_BIG;

    odx_linux_mounts_init(&m);
    memset(&b, 0, sizeof(b));
    b.m = &m;
    m.text_ = odx_malloc(len + 1u);
    if (!m.text_) {
        st = ODX_E_NOMEM;
        goto out;
    }
    memcpy(m.text_, text, len);
    m.text_[len] = '\0';

    for (pos = 0; pos < len;) {
        char *line = m.text_ + pos;
        char *nl = memchr(line, '\n', len - pos);
        size_t n = nl ? (size_t)(nl - line) : len - pos;
        struct odx_linux_mount mt;
        const char *what = NULL;
        size_t opts_before = b.opt_count;

        lineno++;
        pos += n + (nl ? 1u : 0u);
        if (!nl) {
            add_problem(&m, lineno, ODX_E_TRUNCATED, "last line has no newline");
            break;
        }
        *nl = '\0';
        if (n > ODX_LINUX_MOUNTINFO_MAX_LINE) {
            add_problem(&m, lineno, ODX_E_MALFORMED, "line too long");
            continue;
        }
        if (memchr(line, '\0', n)) {
            add_problem(&m, lineno, ODX_E_MALFORMED, "NUL byte in line");
            continue;
        }
        memset(&mt, 0, sizeof(mt));
        mt.line = lineno;
        st = parse_line(&b, line, &mt, &what);
        if (st == ODX_E_MALFORMED) {
            b.opt_count = opts_before;
            add_problem(&m, lineno, ODX_E_MALFORMED, what);
            st = ODX_OK;
            continue;
        }
        if (st != ODX_OK)
            goto out;
        st = push_mount(&b, &mt);
        if (st != ODX_OK)
            goto out;
    }
    st = finish(&m);
    if (st != ODX_OK)
        goto out;
    *out = m;
    return ODX_OK;
out:
    odx_linux_mounts_cleanup(&m);
    return st;
}

const struct odx_linux_opt *odx_linux_opts_find(const struct odx_linux_opts *opts, const char *key)
{
    size_t i;
    if (!opts || !key)
        return NULL;
    for (i = opts->count; i-- > 0;) {
        if (strcmp(opts->items[i].key, key) == 0)
            return &opts->items[i];
    }
    return NULL;
}

const struct odx_linux_mount *odx_linux_mounts_find_id(const struct odx_linux_mounts *m,
                                                       uint64_t mnt_id)
{
    size_t lo = 0, hi;
    if (!m || !m->by_id_ || mnt_id > INT32_MAX)
        return NULL;
    hi = m->count;
    /* Lower bound, so that a duplicated id finds its first line. */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2u;
        if (m->by_id_[mid].mount_id < mnt_id)
            lo = mid + 1u;
        else
            hi = mid;
    }
    if (lo < m->count && m->by_id_[lo].mount_id == mnt_id)
        return &m->items[m->by_id_[lo].index];
    return NULL;
}

/*
 * Normalise an absolute path into buf: no "//", no "." components, no
 * trailing '/'. False for relative paths, "..", or overflow.
 */
static bool normalise(const char *path, char *buf, size_t cap)
{
    size_t n = 0;
    const char *p = path;
    if (!path || path[0] != '/')
        return false;
    while (*p) {
        const char *start, *end;
        size_t len;
        while (*p == '/')
            p++;
        if (!*p)
            break;
        start = p;
        end = strchr(p, '/');
        if (!end)
            end = p + strlen(p);
        len = (size_t)(end - start);
        p = end;
        if (len == 1 && start[0] == '.')
            continue;
        if (len == 2 && start[0] == '.' && start[1] == '.')
            return false;
        if (n + 1u + len + 1u > cap)
            return false;
        buf[n++] = '/';
        memcpy(buf + n, start, len);
        n += len;
    }
    if (n == 0)
        buf[n++] = '/';
    buf[n] = '\0';
    return true;
}

/* mp holds path on a component boundary ("/" holds everything). */
static bool holds(const char *mp, const char *path)
{
    size_t n = strlen(mp);
    if (n == 1 && mp[0] == '/')
        return true;
    return strncmp(mp, path, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool holds_strictly(const char *mp, const char *path)
{
    return holds(mp, path) && strcmp(mp, path) != 0;
}

/* Another mount sits on x's own mount point with x as its parent. */
static bool covered(const struct odx_linux_mounts *m, const struct odx_linux_mount *x,
                    const struct odx_linux_mount *except)
{
    size_t i;
    for (i = 0; i < m->count; i++) {
        const struct odx_linux_mount *o = &m->items[i];
        if (o != x && o != except && o->parent_id == x->mount_id &&
            strcmp(o->mount_point, x->mount_point) == 0)
            return true;
    }
    return false;
}

/*
 * A sibling on a parent directory of x's mount point hides x: had it been
 * there first, x would have been mounted on it, not beside it.
 */
static bool shadowed(const struct odx_linux_mounts *m, const struct odx_linux_mount *x)
{
    size_t i;
    for (i = 0; i < m->count; i++) {
        const struct odx_linux_mount *o = &m->items[i];
        if (o != x && o->parent_id == x->parent_id && o->mount_id != x->mount_id &&
            holds_strictly(o->mount_point, x->mount_point))
            return true;
    }
    return false;
}

static bool visible(const struct odx_linux_mounts *m, const struct odx_linux_mount *x)
{
    const struct odx_linux_mount *child = NULL;
    size_t steps;
    /* The parent chain is as long as the table at most; a forged loop stops there. */
    for (steps = 0; x && steps <= m->count; steps++) {
        const struct odx_linux_mount *p;
        if (covered(m, x, child) || shadowed(m, x))
            return false;
        p = odx_linux_mounts_find_id(m, x->parent_id);
        if (p == x)
            break;
        child = x;
        x = p;
    }
    return true;
}

const struct odx_linux_mount *odx_linux_mounts_find_path(const struct odx_linux_mounts *m,
                                                         const char *abs_path)
{
    char path[LINUX_PATH_MAX];
    const struct odx_linux_mount *best = NULL, *fallback = NULL;
    size_t best_len = 0, fallback_len = 0, i;

    if (!m || !normalise(abs_path, path, sizeof(path)))
        return NULL;
    for (i = 0; i < m->count; i++) {
        const struct odx_linux_mount *x = &m->items[i];
        size_t n;
        if (!holds(x->mount_point, path))
            continue;
        n = strlen(x->mount_point);
        if (!fallback || n > fallback_len) {
            fallback = x;
            fallback_len = n;
        }
        if ((!best || n > best_len) && visible(m, x)) {
            best = x;
            best_len = n;
        }
    }
    /* Nothing visible only happens with an inconsistent table; the longest match is the best
     * guess left. */
    return best ? best : fallback;
}
