/*
 * The Linux back end: what the machine is, which mounts it has and what each
 * stands on (file system, overlay layers, FUSE, stacked file systems, block
 * devices down to a loop device's image), and which mount holds a path.
 * The trial copies live in trial.c.
 *
 * It records; it never concludes (src/core/analysis.c does) and never
 * prints. Reading is all it does here: nothing in this file writes, so
 * --static, which skips the trial slot, writes nothing anywhere.
 */
#include "probe_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "linux_internal.h"
#include "odx/alloc.h"
#include "odx/knowledge.h"

#define MOUNTINFO_PATH "/proc/self/mountinfo"
#define SYS_ROOT       "/sys"
/* os-release(5): /etc first, then the vendor's copy. */
#define OS_RELEASE_MAX ((size_t)64 << 10)

volatile sig_atomic_t odx_linux_interrupted;

void odx_linux_interrupt(void)
{
    odx_linux_interrupted = 1;
}

uint64_t odx_linux_now_us(void)
{
    struct timespec ts;
    if (odx_linux_sys_clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
        return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

enum odx_status odx_linux_add_errno(struct odx_obs *obs, const char *api, const char *target,
                                    int err, const char *detail)
{
    return odx_obs_add_error(obs, api, target, (struct odx_code){ODX_CODE_ERRNO, (uint32_t)err},
                             detail);
}

enum odx_status odx_linux_read_file(const char *path, size_t max, char **out, size_t *len,
                                    const char **api, int *err)
{
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int fd;
    enum odx_status st = ODX_OK;

    *out = NULL;
    *len = 0;
    do
        fd = odx_linux_sys_open(path, O_RDONLY | O_CLOEXEC, 0);
    while (fd < 0 && odx_linux_again(errno));
    if (fd < 0) {
        *api = "open";
        *err = errno;
        return odx_linux_interrupted ? ODX_E_CANCELLED : ODX_E_OS;
    }
    for (;;) {
        ssize_t r;
        if (n == cap) {
            size_t grown_cap = cap ? cap * 2u : 4096u;
            char *grown;
            if (cap > max) {
                st = ODX_E_TOO_BIG;
                break;
            }
            grown = odx_realloc(buf, grown_cap + 1u);
            if (!grown) {
                st = ODX_E_NOMEM;
                break;
            }
            buf = grown;
            cap = grown_cap;
        }
        /* proc files come a page or a record at a time: short reads are normal. */
        r = odx_linux_sys_read(fd, buf + n, cap - n);
        if (r < 0) {
            if (odx_linux_again(errno))
                continue;
            *api = "read";
            *err = errno;
            st = odx_linux_interrupted ? ODX_E_CANCELLED : ODX_E_OS;
            break;
        }
        if (r == 0)
            break;
        n += (size_t)r;
    }
    odx_linux_sys_close(fd); /* opened read-only: a failed close loses nothing */
    if (st == ODX_OK && n > max)
        st = ODX_E_TOO_BIG;
    if (st != ODX_OK) {
        odx_free(buf);
        return st;
    }
    if (!buf && !(buf = odx_malloc(1)))
        return ODX_E_NOMEM;
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return ODX_OK;
}

/* ---- host ----------------------------------------------------------------- */

/* The value of KEY= in os-release text, unquoted, into buf; false when absent. */
static bool os_release_value(const char *text, const char *key, char *buf, size_t size)
{
    size_t klen = strlen(key);
    const char *p = text;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        size_t n = eol ? (size_t)(eol - p) : strlen(p), o = 0, i;
        if (n > klen && strncmp(p, key, klen) == 0 && p[klen] == '=') {
            const char *v = p + klen + 1;
            size_t vn = n - klen - 1;
            char q = vn && (v[0] == '"' || v[0] == '\'') ? v[0] : '\0';
            if (q) {
                v++;
                vn--;
                if (vn && v[vn - 1] == q)
                    vn--;
            }
            /* Shell-style: a backslash in double quotes escapes " \ $ and `. */
            for (i = 0; i < vn && o + 1 < size; i++) {
                if (q == '"' && v[i] == '\\' && i + 1 < vn && strchr("\"\\$`", v[i + 1]))
                    i++;
                buf[o++] = v[i];
            }
            buf[o] = '\0';
            return true;
        }
        p = eol ? eol + 1 : NULL;
    }
    return false;
}

static enum odx_status host_os_name(struct odx_obs *obs)
{
    static const char *const files[] = {"/etc/os-release", "/usr/lib/os-release"};
    char value[512];
    size_t i;
    enum odx_status st = ODX_OK;
    for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        char *text = NULL;
        size_t len;
        const char *api = NULL;
        int err = 0;
        st = odx_linux_read_file(files[i], OS_RELEASE_MAX, &text, &len, &api, &err);
        if (st == ODX_E_OS && err == ENOENT && i + 1 < sizeof(files) / sizeof(files[0]))
            continue;
        if (st == ODX_E_OS)
            return odx_linux_add_errno(obs, api, files[i], err, "cannot read the OS name");
        if (st == ODX_E_TOO_BIG)
            return odx_obs_add_error(obs, "read", files[i], (struct odx_code){ODX_CODE_ODX, st},
                                     "os-release is too large");
        if (st != ODX_OK)
            return st;
        if (os_release_value(text, "PRETTY_NAME", value, sizeof(value)) ||
            os_release_value(text, "NAME", value, sizeof(value)))
            st = odx_obs_str(obs, value, &obs->host.os_name);
        odx_free(text);
        return st;
    }
    return st;
}

static enum odx_status host(struct odx_obs *obs)
{
    struct utsname u;
    char name[HOST_NAME_MAX + 1];
    enum odx_status st;

    odx_linux_interrupted = 0;
    memset(name, 0, sizeof(name));
    if (odx_linux_sys_gethostname(name, sizeof(name) - 1u) == 0)
        st = odx_obs_str(obs, name, &obs->host.name);
    else
        st = odx_linux_add_errno(obs, "gethostname", NULL, errno, NULL);
    if (st != ODX_OK)
        return st;
    if (odx_linux_sys_uname(&u) == 0) {
        if ((st = odx_obs_str(obs, u.release, &obs->host.os_version)) != ODX_OK ||
            (st = odx_obs_str(obs, u.version, &obs->host.os_build)) != ODX_OK ||
            (st = odx_obs_str(obs, u.machine, &obs->host.arch)) != ODX_OK)
            return st;
    } else if ((st = odx_linux_add_errno(obs, "uname", NULL, errno, NULL)) != ODX_OK) {
        return st;
    }
    obs->host.elevated = odx_linux_sys->geteuid() == 0 ? ODX_TRI_YES : ODX_TRI_NO;
    return host_os_name(obs);
}

/* ---- volumes -------------------------------------------------------------- */

/* "fuse.sshfs" from fstype "fuse" and subtype "sshfs", as mountinfo shows it. */
static enum odx_status full_type(struct odx_obs *obs, const struct odx_linux_mount *m,
                                 const char **out)
{
    if (!m->subtype)
        return odx_obs_str(obs, m->fstype, out);
    return odx_obs_printf(obs, out, "%s.%s", m->fstype, m->subtype);
}

static bool opt_in(const struct odx_linux_opts *o, size_t upto, const struct odx_linux_opt *x)
{
    size_t i;
    for (i = 0; i < upto; i++)
        if (strcmp(o->items[i].key, x->key) == 0 &&
            ((!o->items[i].value && !x->value) ||
             (o->items[i].value && x->value && strcmp(o->items[i].value, x->value) == 0)))
            return true;
    return false;
}

/* Per-mount options, then the superblock's that differ, comma-separated. */
static enum odx_status join_options(struct odx_obs *obs, const struct odx_linux_mount *m,
                                    const char **out)
{
    const struct odx_linux_opts *lists[2] = {&m->mount_opts, &m->super_opts};
    size_t total = 1, i, k, n = 0;
    char *buf;
    enum odx_status st;

    for (k = 0; k < 2; k++)
        for (i = 0; i < lists[k]->count; i++) {
            const struct odx_linux_opt *o = &lists[k]->items[i];
            total += strlen(o->key) + (o->value ? strlen(o->value) + 1u : 0u) + 1u;
        }
    if (total > ODX_MAX_STRING_BYTES)
        return odx_obs_str(obs, NULL, out);
    buf = odx_malloc(total);
    if (!buf)
        return ODX_E_NOMEM;
    for (k = 0; k < 2; k++)
        for (i = 0; i < lists[k]->count; i++) {
            const struct odx_linux_opt *o = &lists[k]->items[i];
            if (k == 1 && opt_in(&m->mount_opts, m->mount_opts.count, o))
                continue;
            n += (size_t)snprintf(buf + n, total - n, "%s%s%s%s", n ? "," : "", o->key,
                                  o->value ? "=" : "", o->value ? o->value : "");
        }
    buf[n] = '\0';
    st = odx_obs_str(obs, buf, out);
    odx_free(buf);
    return st;
}

/* The layer names the analysis expects for block devices (analysis.h). */
static const char *block_filter(enum odx_linux_blk_kind kind)
{
    switch (kind) {
    case ODX_LINUX_BLK_LOOP:
        return "loop";
    case ODX_LINUX_BLK_ZRAM:
        return "zram";
    case ODX_LINUX_BLK_MD:
        return "md";
    case ODX_LINUX_BLK_DM_CRYPT:
        return "dm-crypt";
    case ODX_LINUX_BLK_DM_LVM:
    case ODX_LINUX_BLK_DM_LVM_THIN:
    case ODX_LINUX_BLK_DM_LVM_THIN_POOL:
        return "lvm";
    case ODX_LINUX_BLK_DM_VERITY:
    case ODX_LINUX_BLK_DM_INTEGRITY:
    case ODX_LINUX_BLK_DM_MULTIPATH:
    case ODX_LINUX_BLK_DM_PARTITION:
    case ODX_LINUX_BLK_DM_OTHER:
        return "dm";
    case ODX_LINUX_BLK_DISK:
    case ODX_LINUX_BLK_PARTITION:
        return "disk";
    case ODX_LINUX_BLK_UNKNOWN:
    default:
        return "block";
    }
}

/* Adds one layer to volume v; strings are copied. */
static enum odx_status add_layer(struct odx_obs *obs, size_t v, const char *filter,
                                 const char *name, const char *role, const char *fs_type,
                                 const char *path)
{
    struct odx_instance *in;
    const char *f = NULL, *n = NULL, *r = NULL, *t = NULL, *p = NULL;
    enum odx_status st;
    if ((st = odx_obs_str(obs, filter, &f)) != ODX_OK ||
        (st = odx_obs_str(obs, name, &n)) != ODX_OK ||
        (st = odx_obs_str(obs, role, &r)) != ODX_OK ||
        (st = odx_obs_str(obs, fs_type, &t)) != ODX_OK ||
        (st = odx_obs_str(obs, path, &p)) != ODX_OK ||
        (st = odx_obs_add_instance(obs, v, &in)) != ODX_OK)
        return st;
    in->filter = f;
    in->name = n;
    in->role = r;
    in->fs_type = t;
    in->path = p;
    in->kind = ODX_FILTER_LAYER;
    return ODX_OK;
}

/* The full fs type of the mount holding a layer, or NULL when unknown. */
static enum odx_status holder_type(struct odx_obs *obs, const struct odx_linux_mount *holder,
                                   const char **out)
{
    *out = NULL;
    return holder ? full_type(obs, holder, out) : ODX_OK;
}

static enum odx_status overlay_layers(struct odx_obs *obs, size_t v,
                                      const struct odx_linux_mount *m,
                                      const struct odx_linux_mounts *mounts)
{
    struct odx_linux_overlay ov;
    size_t i, lower = 0;
    enum odx_status st;

    if ((st = add_layer(obs, v, "overlay", "overlay", "overlay", "overlay", m->mount_point)) !=
        ODX_OK)
        return st;
    st = odx_linux_overlay_parse(&ov, m, mounts);
    if (st == ODX_E_NOMEM)
        return st;
    if (st != ODX_OK)
        return odx_obs_add_error(obs, "mountinfo", m->mount_point,
                                 (struct odx_code){ODX_CODE_ODX, (uint32_t)st},
                                 "the overlay's layer options could not be read");
    for (i = 0; i < ov.count && st == ODX_OK; i++) {
        const struct odx_linux_ovl_layer *l = &ov.layers[i];
        const char *type = NULL, *name = NULL;
        if (l->role == ODX_LINUX_OVL_WORK)
            continue; /* overlayfs's scratch space: no file of ours lives there */
        if ((st = holder_type(obs, l->mount, &type)) != ODX_OK)
            break;
        if (l->role == ODX_LINUX_OVL_UPPER)
            st = add_layer(obs, v, type ? type : "unknown", "upperdir", "upper", type, l->path);
        else if ((st = odx_obs_printf(obs, &name, "%s %zu",
                                      l->role == ODX_LINUX_OVL_DATA ? "datadir" : "lowerdir",
                                      ++lower)) == ODX_OK)
            st = add_layer(obs, v, type ? type : "unknown", name, "lower", type, l->path);
    }
    odx_linux_overlay_cleanup(&ov);
    return st;
}

static enum odx_status block_layers(struct odx_obs *obs, size_t v, const struct odx_linux_mount *m,
                                    const struct odx_linux_mounts *mounts)
{
    struct odx_linux_blk_chain c;
    char target[64];
    size_t i;
    int err = 0;
    enum odx_status st;

    if (m->dev_major != 0) {
        snprintf(target, sizeof(target), SYS_ROOT "/dev/block/%u:%u", (unsigned)m->dev_major,
                 (unsigned)m->dev_minor);
        st = odx_linux_blk_chain_walk(&c, SYS_ROOT, m->dev_major, m->dev_minor, mounts, &err);
    } else if (strncmp(m->source, "/dev/", 5) == 0 && !strchr(m->source + 5, '/')) {
        /* btrfs shows an anonymous 0:N device; its source names the real one. */
        snprintf(target, sizeof(target), SYS_ROOT "/class/block/%.40s", m->source + 5);
        st = odx_linux_blk_chain_walk_name(&c, SYS_ROOT, m->source + 5, mounts, &err);
    } else {
        return ODX_OK; /* tmpfs and the like: no block device */
    }
    if (st == ODX_E_NOMEM)
        return st;
    if (st == ODX_E_NOT_FOUND || st == ODX_E_INVAL)
        return ODX_OK;
    if (st == ODX_E_OS)
        return odx_linux_add_errno(obs, odx_linux_sys_last.api ? odx_linux_sys_last.api : "sysfs",
                                   target, err, "the block device could not be read");
    if (st != ODX_OK)
        return odx_obs_add_error(obs, "sysfs", target,
                                 (struct odx_code){ODX_CODE_ODX, (uint32_t)st},
                                 "the block device could not be read");
    for (i = 0; i < c.count && st == ODX_OK; i++) {
        const struct odx_linux_blk_layer *l = &c.layers[i];
        const char *name = NULL, *dev = NULL, *type = NULL;
        if (l->dm_name)
            st = odx_obs_printf(obs, &name, "%s (%s, %s)", l->name ? l->name : "?", l->dm_name,
                                odx_linux_blk_kind_name(l->kind));
        else
            st = odx_obs_printf(obs, &name, "%s (%s)", l->name ? l->name : "?",
                                odx_linux_blk_kind_name(l->kind));
        if (st == ODX_OK && l->name)
            st = odx_obs_printf(obs, &dev, "/dev/%s", l->name);
        if (st == ODX_OK)
            st = add_layer(obs, v, block_filter(l->kind), name, "block", NULL, dev);
        if (st == ODX_OK && l->read_errno)
            st = odx_linux_add_errno(obs, l->read_api ? l->read_api : "sysfs",
                                     l->sys_path ? l->sys_path : l->name, l->read_errno,
                                     "a block device below this mount could not be read");
        if (st == ODX_OK && l->kind == ODX_LINUX_BLK_LOOP && l->backing_file &&
            (st = holder_type(obs, l->backing_mount, &type)) == ODX_OK)
            st = add_layer(obs, v, "loop", l->backing_deleted ? "image (deleted)" : "image",
                           "backing-file", type, l->backing_file);
    }
    if (st == ODX_OK && c.truncated)
        st = odx_obs_add_error(obs, "sysfs", target,
                               (struct odx_code){ODX_CODE_ODX, (uint32_t)ODX_E_TOO_BIG},
                               "the block-device stack is deeper or wider than odxprobe follows");
    odx_linux_blk_chain_cleanup(&c);
    return st;
}

/* The stack beneath mount m, from the top (analysis.h names the roles). */
static enum odx_status stack(struct odx_obs *obs, size_t v, const struct odx_linux_mount *m,
                             const struct odx_linux_mounts *mounts, const char *type)
{
    enum odx_status st;
    if (strcmp(m->fstype, "overlay") == 0)
        return overlay_layers(obs, v, m, mounts);
    if (strcmp(m->fstype, "fuse") == 0 || strcmp(m->fstype, "fuseblk") == 0)
        return add_layer(obs, v, m->subtype ? m->subtype : "fuse", m->source, "fuse", type,
                         m->source);
    if (strcmp(m->fstype, "ecryptfs") == 0) {
        const char *lower = NULL;
        const struct odx_linux_mount *h = odx_linux_mounts_find_path(mounts, m->source);
        if ((st = holder_type(obs, h, &lower)) != ODX_OK)
            return st;
        return add_layer(obs, v, "ecryptfs", m->source, "stacked", lower, m->source);
    }
    if ((st = add_layer(obs, v, type, m->source, "filesystem", type, m->mount_point)) != ODX_OK)
        return st;
    return block_layers(obs, v, m, mounts);
}

/* path is dir or lies below it. */
static bool under(const char *path, const char *dir)
{
    size_t n = strlen(dir);
    return strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* Decides whether volume v can hold a trial, by the rules of docs/linux.md. */
static enum odx_status eligibility(struct odx_obs *obs, size_t v, const struct odx_linux_mount *m,
                                   bool root)
{
    struct statx sx;
    const char *reason = NULL;
    int r;
    enum odx_status st = ODX_OK;

    if (m->read_only) {
        reason = "read-only mount";
    } else if (under(m->mount_point, "/proc") || under(m->mount_point, "/sys")) {
        /* A tmpfs at /sys/fs/cgroup only holds the cgroup mounts: not a place for files. */
        reason = "under /proc or /sys: a skeleton for kernel interfaces, not a place for files";
    } else {
        memset(&sx, 0, sizeof(sx));
        /* AT_NO_AUTOMOUNT: looking must not mount anything. */
        do
            r = odx_linux_sys_statx(AT_FDCWD, m->mount_point, AT_NO_AUTOMOUNT,
                                    STATX_TYPE | STATX_MNT_ID, &sx);
        while (r < 0 && odx_linux_again(errno));
        if (r < 0) {
            int e = errno;
            if (odx_linux_interrupted)
                return ODX_E_CANCELLED;
            st = odx_linux_add_errno(obs, "statx", m->mount_point, e,
                                     "the mount point cannot be reached");
            reason = "the mount point cannot be reached (statx failed)";
        } else if ((sx.stx_mask & STATX_TYPE) && !S_ISDIR(sx.stx_mode)) {
            reason = "the mount point is not a directory (a file bind mount)";
        } else if ((sx.stx_mask & STATX_MNT_ID) && sx.stx_mnt_id != m->mount_id) {
            reason = "hidden under another mount on the same path";
        } else if (!root && odx_linux_sys_access(m->mount_point, W_OK) != 0) {
            int e = errno;
            if (e != EACCES && e != EPERM && e != EROFS)
                st = odx_linux_add_errno(obs, "access", m->mount_point, e, NULL);
            reason = "not writable by this user; use --path DIR";
        }
    }
    if (st != ODX_OK)
        return st;
    obs->volumes[v].eligible = reason == NULL;
    return odx_obs_str(obs, reason, &obs->volumes[v].skip_reason);
}

static enum odx_status add_mount(struct odx_obs *obs, const struct odx_linux_mount *m,
                                 const struct odx_linux_mounts *mounts, bool root)
{
    struct odx_linux_mount_class c;
    struct odx_volume *vol;
    const char *type = NULL, *src = NULL, *rt = NULL, *opts = NULL;
    size_t v;
    enum odx_status st;

    odx_linux_mount_classify(m, &c);
    if ((st = full_type(obs, m, &type)) != ODX_OK)
        return st;
    if (!c.candidate) {
        struct odx_excluded *x;
        const char *mp = NULL, *why = NULL;
        if ((st = odx_obs_str(obs, m->mount_point, &mp)) != ODX_OK ||
            (st = odx_obs_printf(obs, &why, "pseudo file system (%s): not a place for files",
                                 c.fs->note)) != ODX_OK ||
            (st = odx_obs_add_excluded(obs, &x)) != ODX_OK)
            return st;
        x->mount_point = mp;
        x->fs_type = type;
        x->reason = why;
        return ODX_OK;
    }
    if ((st = odx_obs_str(obs, m->source, &src)) != ODX_OK ||
        (st = odx_obs_str(obs, m->root, &rt)) != ODX_OK ||
        (st = join_options(obs, m, &opts)) != ODX_OK ||
        (st = odx_obs_add_volume(obs, &vol, &v)) != ODX_OK)
        return st;
    vol->nt_name = src;
    vol->file_system = type;
    vol->root = rt;
    vol->options = opts;
    vol->mount_id = (struct odx_opt_u32){true, m->mount_id};
    vol->parent_id = (struct odx_opt_u32){true, m->parent_id};
    vol->read_only = m->read_only ? ODX_TRI_YES : ODX_TRI_NO;
    vol->remote = c.fs->network ? ODX_TRI_YES : ODX_TRI_NO;
    vol->removable = ODX_TRI_UNKNOWN;
    vol->instances_listed = ODX_TRI_YES;
    if ((st = odx_obs_add_mount_point(obs, v, m->mount_point)) != ODX_OK ||
        (st = stack(obs, v, m, mounts, type)) != ODX_OK)
        return st;
    return eligibility(obs, v, m, root);
}

static enum odx_status volumes(struct odx_obs *obs)
{
    struct odx_linux_mounts mounts;
    char *text = NULL;
    size_t len = 0, i;
    const char *api = NULL;
    int err = 0;
    bool root = odx_linux_sys->geteuid() == 0;
    enum odx_status st;

    odx_linux_mounts_init(&mounts);
    st =
        odx_linux_read_file(MOUNTINFO_PATH, ODX_LINUX_MOUNTINFO_MAX_BYTES, &text, &len, &api, &err);
    if (st == ODX_E_OS)
        return odx_linux_add_errno(obs, api, MOUNTINFO_PATH, err, "cannot list the mounts");
    if (st == ODX_E_TOO_BIG)
        return odx_obs_add_error(obs, "read", MOUNTINFO_PATH,
                                 (struct odx_code){ODX_CODE_ODX, (uint32_t)st},
                                 "the mount table is larger than odxprobe reads");
    if (st != ODX_OK)
        return st;
    st = odx_linux_mounts_parse(&mounts, text, len);
    odx_free(text);
    if (st == ODX_E_NOMEM)
        return st;
    if (st != ODX_OK)
        return odx_obs_add_error(obs, "mountinfo", MOUNTINFO_PATH,
                                 (struct odx_code){ODX_CODE_ODX, (uint32_t)st},
                                 "the mount table could not be read");
    for (i = 0; i < mounts.problem_count && st == ODX_OK; i++) {
        const char *where = NULL;
        st = odx_obs_printf(obs, &where, MOUNTINFO_PATH " line %zu", mounts.problems[i].line);
        if (st == ODX_OK)
            st = odx_obs_add_error(
                obs, "mountinfo", where,
                (struct odx_code){ODX_CODE_ODX, (uint32_t)mounts.problems[i].status},
                mounts.problems[i].what);
    }
    for (i = 0; i < mounts.count && st == ODX_OK; i++)
        st = add_mount(obs, &mounts.items[i], &mounts, root);
    odx_linux_mounts_cleanup(&mounts);
    return st;
}

/* ---- locate --------------------------------------------------------------- */

/* The volume with this mount id, or ODX_NONE. */
static size_t volume_by_id(const struct odx_obs *obs, uint64_t id)
{
    size_t v;
    for (v = 0; v < obs->n_volumes; v++)
        if (obs->volumes[v].mount_id.present && obs->volumes[v].mount_id.value == id)
            return v;
    return ODX_NONE;
}

/* Kernels before 5.8 have no STATX_MNT_ID: match the real path against mount points. */
static enum odx_status locate_by_path(struct odx_obs *obs, const char *path, size_t *volume)
{
    char real[PATH_MAX];
    struct odx_linux_mounts mounts;
    const struct odx_linux_mount *m;
    char *text = NULL;
    size_t len = 0;
    const char *api = NULL;
    int err = 0;
    enum odx_status st;

    if (!odx_linux_sys_realpath(path, real))
        return odx_linux_add_errno(obs, "realpath", path, errno, NULL);
    st =
        odx_linux_read_file(MOUNTINFO_PATH, ODX_LINUX_MOUNTINFO_MAX_BYTES, &text, &len, &api, &err);
    if (st == ODX_E_OS)
        return odx_linux_add_errno(obs, api, MOUNTINFO_PATH, err, NULL);
    if (st != ODX_OK)
        return st == ODX_E_NOMEM || st == ODX_E_CANCELLED ? st : ODX_OK;
    st = odx_linux_mounts_parse(&mounts, text, len);
    odx_free(text);
    if (st == ODX_OK && (m = odx_linux_mounts_find_path(&mounts, real)) != NULL)
        *volume = volume_by_id(obs, m->mount_id);
    odx_linux_mounts_cleanup(&mounts);
    return st == ODX_E_NOMEM ? st : ODX_OK;
}

static enum odx_status locate(struct odx_obs *obs, const char *path, size_t *volume,
                              enum odx_tri *remote)
{
    struct statx sx;
    int r;
    enum odx_status st = ODX_OK;

    *volume = ODX_NONE;
    *remote = ODX_TRI_UNKNOWN;
    memset(&sx, 0, sizeof(sx));
    do
        r = odx_linux_sys_statx(AT_FDCWD, path, 0, STATX_TYPE | STATX_MNT_ID, &sx);
    while (r < 0 && odx_linux_again(errno));
    if (r < 0) {
        int e = errno;
        if (e == ENOENT || e == ENOTDIR)
            return ODX_E_NOT_FOUND;
        if (odx_linux_interrupted)
            return ODX_E_CANCELLED;
        /* EACCES and the like: the trial will meet it too and say so. */
        return odx_linux_add_errno(obs, "statx", path, e, "cannot look up the path");
    }
    if ((sx.stx_mask & STATX_TYPE) && !S_ISDIR(sx.stx_mode))
        return ODX_E_NOT_FOUND;
    /* st_dev cannot be used: btrfs gives each subvolume its own (README of the fixtures). */
    if (sx.stx_mask & STATX_MNT_ID)
        *volume = volume_by_id(obs, sx.stx_mnt_id);
    else
        st = locate_by_path(obs, path, volume);
    if (st == ODX_OK && *volume != ODX_NONE)
        *remote = obs->volumes[*volume].remote;
    return st;
}

/* ---- the back end --------------------------------------------------------- */

static const struct odx_backend linux_backend = {
    .name = "linux",
    .platform = ODX_PLATFORM_LINUX,
    .host = host,
    .policy = NULL,  /* no machine-wide switch for copy offload */
    .filters = NULL, /* no filter drivers: layers are listed per mount */
    .volumes = volumes,
    .locate = locate,
    .trial = odx_linux_trial,
    .interrupt = odx_linux_interrupt,
};

const struct odx_backend *odx_backend_native(void)
{
    return &linux_backend;
}
