/*
 * The block devices under a file system, read from a sysfs tree: the device
 * the file system sits on, then down through dm/md slaves, partitions' disks
 * and loop backing files, to the bottom.
 *
 * The one reader of files among the parsers. It reads only below the root it
 * is given, through the kernel's layout (Documentation/ABI/stable/sysfs-block,
 * Documentation/ABI/testing/sysfs-block-dm, Documentation/admin-guide/md.rst):
 *   <root>/dev/block/M:m -> ../../devices/.../block/<name>
 *   <name>/dev "M:m", <name>/ro, <name>/partition (partitions only),
 *   <name>/slaves/<lower> -> ../../<lower>, <name>/loop/backing_file,
 *   <name>/dm/name, <name>/dm/uuid, <name>/md/level.
 * The kind of a dm device comes from the uuid prefix its creator sets,
 * since the target type is not in sysfs: "CRYPT-<TYPE>-" from cryptsetup
 * (lib/libdevmapper.c; TYPE VERITY and INTEGRITY are not encryption),
 * "LVM-" from LVM2 (lib/activate/dev_manager.c) with a "-<layer>" suffix,
 * "tpool" for a thin pool (lib/metadata/lv.c lv_layer()); the pool's hidden
 * volumes are named <pool>_tdata and <pool>_tmeta. "mpath-" from
 * multipath-tools, "part<N>-" from kpartx.
 *
 * Every file-system call goes through the seam (sysapi.h). Absence (ENOENT,
 * ENOTDIR) is an answer; any other failure is an error that names its call.
 */
#include "sysapi.h"

#include "linux_internal.h"

#include "odx/alloc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* sysfs attributes are at most a page; a backing-file path is at most PATH_MAX plus
 * " (deleted)". */
#define ATTR_MAX 8192u

struct walker {
    char root[PATH_MAX]; /* realpath of the sysfs root */
    size_t root_len;
    const struct odx_linux_mounts *mounts;
    struct odx_linux_blk_chain chain;
    size_t cap;
};

void odx_linux_blk_chain_init(struct odx_linux_blk_chain *c)
{
    memset(c, 0, sizeof(*c));
}

static void free_layer(struct odx_linux_blk_layer *l)
{
    odx_free(l->name);
    odx_free(l->sys_path);
    odx_free(l->backing_file);
    odx_free(l->dm_name);
    odx_free(l->dm_uuid);
    odx_free(l->md_level);
}

void odx_linux_blk_chain_cleanup(struct odx_linux_blk_chain *c)
{
    size_t i;
    if (!c)
        return;
    for (i = 0; i < c->count; i++)
        free_layer(&c->layers[i]);
    odx_free(c->layers);
    odx_linux_blk_chain_init(c);
}

const char *odx_linux_blk_kind_name(enum odx_linux_blk_kind kind)
{
    switch (kind) {
    case ODX_LINUX_BLK_UNKNOWN:
        return "unknown";
    case ODX_LINUX_BLK_DISK:
        return "disk";
    case ODX_LINUX_BLK_PARTITION:
        return "partition";
    case ODX_LINUX_BLK_LOOP:
        return "loop";
    case ODX_LINUX_BLK_ZRAM:
        return "zram";
    case ODX_LINUX_BLK_MD:
        return "md";
    case ODX_LINUX_BLK_DM_CRYPT:
        return "dm-crypt";
    case ODX_LINUX_BLK_DM_VERITY:
        return "dm-verity";
    case ODX_LINUX_BLK_DM_INTEGRITY:
        return "dm-integrity";
    case ODX_LINUX_BLK_DM_LVM:
        return "lvm";
    case ODX_LINUX_BLK_DM_LVM_THIN:
        return "lvm-thin";
    case ODX_LINUX_BLK_DM_LVM_THIN_POOL:
        return "lvm-thin-pool";
    case ODX_LINUX_BLK_DM_MULTIPATH:
        return "dm-multipath";
    case ODX_LINUX_BLK_DM_PARTITION:
        return "dm-partition";
    case ODX_LINUX_BLK_DM_OTHER:
        return "dm";
    }
    return "unknown";
}

/* dir/rel into buf; ODX_E_TOO_BIG if it does not fit. */
static enum odx_status join(char *buf, size_t cap, const char *dir, const char *rel)
{
    int n = snprintf(buf, cap, "%s/%s", dir, rel);
    if (n < 0 || (size_t)n >= cap)
        return ODX_E_TOO_BIG;
    return ODX_OK;
}

/*
 * Read attribute dir/rel into a new string without its trailing newline.
 * ODX_E_NOT_FOUND when absent (not every device has every attribute),
 * ODX_E_OS with *err for other failures, ODX_E_TOO_BIG over ATTR_MAX.
 */
static enum odx_status read_attr(const char *dir, const char *rel, char **out, int *err)
{
    char path[PATH_MAX];
    char *buf = NULL;
    size_t len = 0;
    int fd = -1;
    enum odx_status st;

    *out = NULL;
    st = join(path, sizeof(path), dir, rel);
    if (st != ODX_OK)
        return st;
    fd = odx_linux_sys_open(path, O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) {
        *err = errno;
        return errno == ENOENT || errno == ENOTDIR ? ODX_E_NOT_FOUND : ODX_E_OS;
    }
    buf = odx_malloc(ATTR_MAX + 1u);
    if (!buf) {
        st = ODX_E_NOMEM;
        goto out;
    }
    /* Read one byte past the cap to tell "full" from "too long". */
    while (len <= ATTR_MAX) {
        ssize_t r = odx_linux_sys_read(fd, buf + len, ATTR_MAX + 1u - len);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            *err = errno;
            st = ODX_E_OS;
            goto out;
        }
        if (r == 0)
            break;
        len += (size_t)r;
    }
    if (len > ATTR_MAX) {
        st = ODX_E_TOO_BIG;
        goto out;
    }
    if (len && buf[len - 1] == '\n')
        len--;
    if (memchr(buf, '\0', len)) {
        st = ODX_E_MALFORMED;
        goto out;
    }
    buf[len] = '\0';
    *out = buf;
    buf = NULL;
    st = ODX_OK;
out:
    odx_free(buf);
    odx_linux_sys_close(fd); /* read-only: a failed close loses nothing */
    return st;
}

/* Like read_attr, but absence is not an error: *out stays NULL. */
static enum odx_status read_opt_attr(const char *dir, const char *rel, char **out, int *err)
{
    enum odx_status st = read_attr(dir, rel, out, err);
    return st == ODX_E_NOT_FOUND ? ODX_OK : st;
}

/* *yes whether dir/rel exists; ODX_E_OS with *err when access() fails otherwise than ENOENT. */
static enum odx_status exists(const char *dir, const char *rel, bool *yes, int *err)
{
    char path[PATH_MAX];
    enum odx_status st = join(path, sizeof(path), dir, rel);
    *yes = false;
    if (st != ODX_OK)
        return st;
    if (odx_linux_sys_access(path, F_OK) == 0) {
        *yes = true;
        return ODX_OK;
    }
    if (errno == ENOENT || errno == ENOTDIR)
        return ODX_OK;
    *err = errno;
    return ODX_E_OS;
}

static bool has_prefix(const char *s, const char *p)
{
    return s && strncmp(s, p, strlen(p)) == 0;
}

static bool has_suffix(const char *s, const char *x)
{
    size_t n, m;
    if (!s)
        return false;
    n = strlen(s);
    m = strlen(x);
    return n >= m && strcmp(s + n - m, x) == 0;
}

static enum odx_linux_blk_kind dm_kind(const char *name, const char *uuid)
{
    if (has_prefix(uuid, "CRYPT-VERITY-"))
        return ODX_LINUX_BLK_DM_VERITY;
    if (has_prefix(uuid, "CRYPT-INTEGRITY-"))
        return ODX_LINUX_BLK_DM_INTEGRITY;
    if (has_prefix(uuid, "CRYPT-"))
        return ODX_LINUX_BLK_DM_CRYPT;
    if (has_prefix(uuid, "LVM-")) {
        if (has_suffix(uuid, "-tpool") || has_suffix(name, "-tpool") ||
            has_suffix(name, "_tdata") || has_suffix(name, "_tmeta"))
            return ODX_LINUX_BLK_DM_LVM_THIN_POOL;
        return ODX_LINUX_BLK_DM_LVM;
    }
    if (has_prefix(uuid, "mpath-"))
        return ODX_LINUX_BLK_DM_MULTIPATH;
    if (uuid && uuid[0] == 'p' && uuid[1] == 'a' && uuid[2] == 'r' && uuid[3] == 't' &&
        uuid[4] >= '0' && uuid[4] <= '9' && strchr(uuid, '-'))
        return ODX_LINUX_BLK_DM_PARTITION;
    return ODX_LINUX_BLK_DM_OTHER;
}

static bool parse_dev(const char *s, uint32_t *major, uint32_t *minor)
{
    unsigned long a, b;
    char *end;
    if (!s || *s < '0' || *s > '9')
        return false;
    a = strtoul(s, &end, 10);
    if (*end != ':' || end[1] < '0' || end[1] > '9')
        return false;
    b = strtoul(end + 1, &end, 10);
    if (*end || a > 0xfffu || b > 0xfffffu)
        return false;
    *major = (uint32_t)a;
    *minor = (uint32_t)b;
    return true;
}

static enum odx_status new_layer(struct walker *w, struct odx_linux_blk_layer **out)
{
    struct odx_linux_blk_chain *c = &w->chain;
    if (c->count >= ODX_LINUX_BLK_MAX_LAYERS)
        return ODX_E_TOO_BIG; /* visit() stops first; this guards the array */
    if (c->count == w->cap) {
        size_t cap = w->cap ? w->cap * 2u : 8u;
        struct odx_linux_blk_layer *grown;
        if (cap > ODX_LINUX_BLK_MAX_LAYERS)
            cap = ODX_LINUX_BLK_MAX_LAYERS;
        grown = odx_realloc(c->layers, cap * sizeof(*grown));
        if (!grown)
            return ODX_E_NOMEM;
        c->layers = grown;
        w->cap = cap;
    }
    *out = &c->layers[c->count++];
    memset(*out, 0, sizeof(**out));
    (*out)->parent = SIZE_MAX;
    (*out)->same_as = SIZE_MAX;
    return ODX_OK;
}

/* Fill the attributes of the device whose directory is dir; *err gets errno on ODX_E_OS. */
static enum odx_status read_device(struct walker *w, const char *dir, struct odx_linux_blk_layer *l,
                                   int *err)
{
    char *s = NULL;
    bool is_part, is_dm, is_md, is_loop, is_zram;
    enum odx_status st;

    st = read_opt_attr(dir, "dev", &s, err);
    if (st != ODX_OK)
        return st;
    if (s && !parse_dev(s, &l->major, &l->minor))
        st = ODX_E_MALFORMED;
    odx_free(s);
    if (st != ODX_OK)
        return st;
    st = read_opt_attr(dir, "ro", &s, err);
    if (st != ODX_OK)
        return st;
    l->read_only = s && strcmp(s, "1") == 0;
    odx_free(s);

    if ((st = exists(dir, "partition", &is_part, err)) != ODX_OK ||
        (st = exists(dir, "dm", &is_dm, err)) != ODX_OK ||
        (st = exists(dir, "md", &is_md, err)) != ODX_OK ||
        (st = exists(dir, "loop", &is_loop, err)) != ODX_OK)
        return st;
    if (is_part) {
        l->kind = ODX_LINUX_BLK_PARTITION;
    } else if (is_dm) {
        if ((st = read_opt_attr(dir, "dm/name", &l->dm_name, err)) != ODX_OK ||
            (st = read_opt_attr(dir, "dm/uuid", &l->dm_uuid, err)) != ODX_OK)
            return st;
        l->kind = dm_kind(l->dm_name, l->dm_uuid);
    } else if (is_md) {
        if ((st = read_opt_attr(dir, "md/level", &l->md_level, err)) != ODX_OK)
            return st;
        l->kind = ODX_LINUX_BLK_MD;
    } else if (is_loop || has_prefix(l->name, "loop")) {
        /* loop/ appears only while a file is attached. */
        l->kind = ODX_LINUX_BLK_LOOP;
        if ((st = read_opt_attr(dir, "loop/backing_file", &l->backing_file, err)) != ODX_OK)
            return st;
        if (l->backing_file && has_suffix(l->backing_file, " (deleted)")) {
            /* d_path() marks an unlinked file this way (fs/d_path.c). */
            l->backing_file[strlen(l->backing_file) - strlen(" (deleted)")] = '\0';
            l->backing_deleted = true;
        }
        if (l->backing_file && w->mounts)
            l->backing_mount = odx_linux_mounts_find_path(w->mounts, l->backing_file);
    } else if (has_prefix(l->name, "zram")) {
        l->kind = ODX_LINUX_BLK_ZRAM;
    } else {
        if ((st = exists(dir, "comp_algorithm", &is_zram, err)) != ODX_OK)
            return st;
        l->kind = is_zram ? ODX_LINUX_BLK_ZRAM : ODX_LINUX_BLK_DISK;
    }
    return ODX_OK;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names in dir/slaves, sorted; *names NULL when there are none. */
static enum odx_status list_slaves(struct walker *w, const char *dir, char ***names, size_t *n,
                                   int *err)
{
    char path[PATH_MAX];
    DIR *d;
    struct dirent *e;
    enum odx_status st;
    char **v = NULL;
    size_t cnt = 0, cap = 0, i;

    *names = NULL;
    *n = 0;
    st = join(path, sizeof(path), dir, "slaves");
    if (st != ODX_OK)
        return st;
    d = odx_linux_sys_opendir(path);
    if (!d) {
        if (errno == ENOENT || errno == ENOTDIR)
            return ODX_OK; /* no slaves/ directory: a bottom device */
        *err = errno;
        return ODX_E_OS;
    }
    while ((e = odx_linux_sys_readdir(d, err)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (cnt == ODX_LINUX_BLK_MAX_SLAVES) {
            w->chain.truncated = true;
            break;
        }
        if (cnt == cap) {
            char **grown;
            cap = cap ? cap * 2u : 8u;
            grown = odx_realloc(v, cap * sizeof(*v));
            if (!grown) {
                st = ODX_E_NOMEM;
                break;
            }
            v = grown;
        }
        v[cnt] = odx_strdup(e->d_name);
        if (!v[cnt]) {
            st = ODX_E_NOMEM;
            break;
        }
        cnt++;
    }
    if (st == ODX_OK && *err)
        st = ODX_E_OS;
    odx_linux_sys_closedir(d); /* a directory read to the end: nothing to lose */
    if (st != ODX_OK) {
        for (i = 0; i < cnt; i++)
            odx_free(v[i]);
        odx_free(v);
        return st;
    }
    /* readdir order is arbitrary; sorted output is comparable between runs, and the layer cap
     * then keeps the first names, not a random subset. */
    if (cnt > 1u)
        qsort(v, cnt, sizeof(*v), cmp_names);
    *names = v;
    *n = cnt;
    return ODX_OK;
}

static void free_names(char **v, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        odx_free(v[i]);
    odx_free(v);
}

/* rp relative to the sysfs root, or rp itself if it escaped the root. */
static const char *relative(const struct walker *w, const char *rp)
{
    if (w->root_len > 1 && strncmp(rp, w->root, w->root_len) == 0 && rp[w->root_len] == '/')
        return rp + w->root_len;
    return rp;
}

/*
 * List the device at path (a symlink into the device tree) at the given
 * depth under parent, then its lower devices. hint names it if it cannot be
 * resolved. Top-level failures are returned; lower ones become UNKNOWN layers.
 */
static enum odx_status visit(struct walker *w, const char *path, const char *hint, size_t depth,
                             size_t parent, int *os_errno)
{
    char rp[PATH_MAX];
    struct odx_linux_blk_layer *l;
    const char *rel, *base;
    size_t idx, i, n = 0;
    char **names = NULL;
    int err = 0;
    enum odx_status st;

    if (w->chain.count >= ODX_LINUX_BLK_MAX_LAYERS) {
        w->chain.truncated = true;
        return ODX_OK;
    }
    if (!odx_linux_sys_realpath(path, rp)) {
        int e = errno;
        if (parent == SIZE_MAX) {
            if (os_errno)
                *os_errno = e;
            return e == ENOENT || e == ENOTDIR ? ODX_E_NOT_FOUND : ODX_E_OS;
        }
        st = new_layer(w, &l);
        if (st != ODX_OK)
            return st;
        l->depth = depth;
        l->parent = parent;
        l->read_errno = e;
        l->read_api = "realpath";
        l->name = odx_strdup(hint);
        return l->name ? ODX_OK : ODX_E_NOMEM;
    }
    rel = relative(w, rp);
    base = strrchr(rp, '/');
    base = base ? base + 1 : rp;

    st = new_layer(w, &l);
    if (st != ODX_OK)
        return st;
    idx = w->chain.count - 1u;
    l->depth = depth;
    l->parent = parent;
    l->name = odx_strdup(base);
    l->sys_path = odx_strdup(rel);
    if (!l->name || !l->sys_path)
        return ODX_E_NOMEM;
    /* A device seen before (two LVs on one PV, or a forged cycle) is named, not followed. */
    for (i = 0; i < idx; i++) {
        const struct odx_linux_blk_layer *p = &w->chain.layers[i];
        if (p->same_as == SIZE_MAX && p->sys_path && strcmp(p->sys_path, l->sys_path) == 0) {
            l->same_as = i;
            l->kind = p->kind;
            l->major = p->major;
            l->minor = p->minor;
            return ODX_OK;
        }
    }
    st = read_device(w, rp, l, &err);
    if (st == ODX_E_OS || st == ODX_E_MALFORMED) {
        /* Below the top, an unreadable device is evidence to show, not a reason to stop. */
        if (parent == SIZE_MAX) {
            if (os_errno && st == ODX_E_OS)
                *os_errno = err;
            return st;
        }
        l->kind = ODX_LINUX_BLK_UNKNOWN;
        l->read_errno = st == ODX_E_OS ? err : 0;
        l->read_api = st == ODX_E_OS ? odx_linux_sys_last.api : NULL;
        return ODX_OK;
    }
    if (st != ODX_OK)
        return st;

    if (depth + 1u >= ODX_LINUX_BLK_MAX_DEPTH) {
        bool slaves = false;
        if (l->kind == ODX_LINUX_BLK_PARTITION ||
            (exists(rp, "slaves", &slaves, &err) == ODX_OK && slaves))
            w->chain.truncated = true;
        return ODX_OK;
    }
    if (l->kind == ODX_LINUX_BLK_PARTITION) {
        char up[PATH_MAX];
        /* A partition's directory sits inside its disk's directory. */
        st = join(up, sizeof(up), rp, "..");
        if (st != ODX_OK)
            return st;
        return visit(w, up, "(disk)", depth + 1u, idx, os_errno);
    }
    st = list_slaves(w, rp, &names, &n, &err);
    if (st == ODX_E_OS) {
        /* The device itself was read and keeps its kind; what lies below it is unknown. */
        l = &w->chain.layers[idx];
        l->read_errno = err;
        l->read_api = odx_linux_sys_last.api;
        return ODX_OK;
    }
    if (st != ODX_OK)
        return st;
    for (i = 0; i < n && st == ODX_OK; i++) {
        char sp[PATH_MAX];
        int k = snprintf(sp, sizeof(sp), "%s/slaves/%s", rp, names[i]);
        st = k < 0 || (size_t)k >= sizeof(sp) ? ODX_E_TOO_BIG : ODX_OK;
        if (st == ODX_OK)
            st = visit(w, sp, names[i], depth + 1u, idx, os_errno);
    }
    free_names(names, n);
    return st;
}

/* A thin volume is the LVM device right above a thin pool; dm/ does not say "thin". */
static void mark_thin(struct odx_linux_blk_chain *c)
{
    size_t i;
    for (i = 0; i < c->count; i++) {
        const struct odx_linux_blk_layer *l = &c->layers[i];
        if (l->kind == ODX_LINUX_BLK_DM_LVM_THIN_POOL && l->parent != SIZE_MAX &&
            c->layers[l->parent].kind == ODX_LINUX_BLK_DM_LVM)
            c->layers[l->parent].kind = ODX_LINUX_BLK_DM_LVM_THIN;
    }
}

static enum odx_status walk(struct odx_linux_blk_chain *out, const char *sys_root,
                            const char *start_rel, const struct odx_linux_mounts *mounts,
                            int *os_errno)
{
    struct walker *w;
    char start[PATH_MAX];
    enum odx_status st;

    w = odx_calloc(1, sizeof(*w));
    if (!w)
        return ODX_E_NOMEM;
    w->mounts = mounts;
    if (!odx_linux_sys_realpath(sys_root, w->root)) {
        if (os_errno)
            *os_errno = errno;
        st = errno == ENOENT ? ODX_E_NOT_FOUND : ODX_E_OS;
        goto out;
    }
    w->root_len = strlen(w->root);
    st = join(start, sizeof(start), w->root, start_rel);
    if (st != ODX_OK)
        goto out;
    st = visit(w, start, start_rel, 0, SIZE_MAX, os_errno);
    if (st != ODX_OK)
        goto out;
    mark_thin(&w->chain);
    *out = w->chain;
    odx_linux_blk_chain_init(&w->chain);
out:
    odx_linux_blk_chain_cleanup(&w->chain);
    odx_free(w);
    return st;
}

enum odx_status odx_linux_blk_chain_walk(struct odx_linux_blk_chain *out, const char *sys_root,
                                         uint32_t major, uint32_t minor,
                                         const struct odx_linux_mounts *mounts, int *os_errno)
{
    char rel[64];
    if (os_errno)
        *os_errno = 0;
    if (!out)
        return ODX_E_INVAL;
    odx_linux_blk_chain_init(out);
    if (!sys_root)
        return ODX_E_INVAL;
    /* Anonymous devices (major 0) never appear under /sys/dev/block. */
    if (major == 0)
        return ODX_E_NOT_FOUND;
    snprintf(rel, sizeof(rel), "dev/block/%u:%u", (unsigned)major, (unsigned)minor);
    return walk(out, sys_root, rel, mounts, os_errno);
}

enum odx_status odx_linux_blk_chain_walk_name(struct odx_linux_blk_chain *out, const char *sys_root,
                                              const char *kname,
                                              const struct odx_linux_mounts *mounts, int *os_errno)
{
    char rel[PATH_MAX];
    if (os_errno)
        *os_errno = 0;
    if (!out)
        return ODX_E_INVAL;
    odx_linux_blk_chain_init(out);
    if (!sys_root || !kname)
        return ODX_E_INVAL;
    /* A kernel name is one path component; anything else could leave class/block. */
    if (!*kname || strchr(kname, '/') || strcmp(kname, ".") == 0 || strcmp(kname, "..") == 0)
        return ODX_E_INVAL;
    if (join(rel, sizeof(rel), "class/block", kname) != ODX_OK)
        return ODX_E_TOO_BIG;
    return walk(out, sys_root, rel, mounts, os_errno);
}
