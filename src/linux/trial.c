/*
 * The Linux trial: does reflink or copy offload work here, tried for real.
 *
 * One private source file holding a non-zero pattern of the trial size,
 * fsync'd, then FICLONE, FICLONERANGE and copy_file_range, each into a fresh
 * destination of its own, each recorded as its own struct odx_trial with
 * the raw errno of every stage. A copy that succeeded is read back and
 * compared byte for byte, and its extents are read with FIEMAP to tell a
 * shared-extent copy from an in-kernel byte copy (copy_file_range falls back
 * to copying bytes without saying so).
 *
 * The files never have a name: O_TMPFILE creates them unlinked. Where a
 * file system refuses O_TMPFILE, the file is created O_EXCL under a random
 * name and unlinked right after open. A probe killed at any point therefore
 * leaves nothing behind; the kernel frees the files with the last close.
 * The trial writes nothing else.
 */
#include "probe_internal.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/fiemap.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>

#include "linux_internal.h"
#include "odx/alloc.h"
#include "odx/knowledge.h"

/* I/O chunk: the pattern is made and checked a chunk at a time, so 1 GiB trials need 2 MiB. */
#define CHUNK        ((size_t)1 << 20)
/* Extents asked for per FIEMAP call, and in all (a 1 GiB trial of 4 KiB extents fits). */
#define FIEMAP_BATCH 64u
#define FIEMAP_MAX   ((size_t)1 << 18)
/* Attempts at a fresh random name before giving up (EEXIST each time). */
#define NAME_TRIES   8

enum {
    N_METHODS = 3
};

static const enum odx_method methods[N_METHODS] = {
    ODX_METHOD_CLONE,
    ODX_METHOD_CLONE_RANGE,
    ODX_METHOD_COPY_FILE_RANGE,
};

/* A trial file: its descriptor, and its name while it still has one (the fallback). */
struct tfile {
    int fd;
    char name[PATH_MAX];
    bool named;
};

struct run {
    struct odx_obs *obs;
    uint64_t size;
    uint64_t seed;
    bool network;
    bool nomem;          /* an observation could not be recorded: the probe must stop */
    unsigned char *want; /* CHUNK bytes of pattern */
    unsigned char *got;  /* CHUNK bytes read back */
    struct odx_trial t[N_METHODS];
    struct tfile src;
    struct tfile dst[N_METHODS];
};

/* splitmix64 (Steele, Lea, Flood 2014): a cheap, well-mixed, non-zero-looking stream. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* The pattern bytes at file offset off (8-aligned), n a multiple of 8. */
static void pattern(const struct run *r, unsigned char *buf, uint64_t off, size_t n)
{
    size_t i;
    for (i = 0; i < n; i += 8) {
        uint64_t w = mix(r->seed ^ ((off + i) >> 3));
        memcpy(buf + i, &w, 8);
    }
}

static void stage_begin(struct odx_stage *s, uint64_t *t0)
{
    s->attempted = true;
    *t0 = odx_linux_now_us();
}

static void stage_end(struct odx_stage *s, uint64_t t0, const char *api, int err)
{
    uint64_t t1 = odx_linux_now_us();
    s->api = api;
    s->code = (struct odx_code){ODX_CODE_ERRNO, (uint32_t)err};
    s->elapsed_us += t1 >= t0 ? t1 - t0 : 0;
}

/* Copies a shared stage (the source's) into the three trials. */
static void share_stage(struct run *r, enum odx_stage_id id, const struct odx_stage *s)
{
    size_t m;
    for (m = 0; m < N_METHODS; m++)
        r->t[m].stages[id] = *s;
}

/*
 * Opens a new private file in dir into *f. Returns 0, or an errno with
 * *api naming the failed call. Calls made are added to *calls.
 */
static int create_file(struct run *r, const char *dir, struct tfile *f, const char **api,
                       uint32_t *calls)
{
    int fd, e, tries;

    f->fd = -1;
    f->named = false;
    do {
        ++*calls;
        fd = odx_linux_sys_open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
    } while (fd < 0 && odx_linux_again(errno));
    *api = "open(O_TMPFILE)";
    if (fd >= 0) {
        f->fd = fd;
        return 0;
    }
    e = errno;
    /* open(2): EOPNOTSUPP (no tmpfile support), EISDIR (kernel without O_TMPFILE), EINVAL. */
    if (e != EOPNOTSUPP && e != EISDIR && e != EINVAL)
        return e;
    for (tries = 0; tries < NAME_TRIES; tries++) {
        uint64_t rnd = 0;
        ssize_t got;
        int n;
        ++*calls;
        do
            got = odx_linux_sys_getrandom(&rnd, sizeof(rnd));
        while (got < 0 && odx_linux_again(errno));
        if (got != (ssize_t)sizeof(rnd)) {
            *api = "getrandom";
            return got < 0 ? errno : EIO;
        }
        n = snprintf(f->name, sizeof(f->name), "%s/.odxprobe-%016llx", dir,
                     (unsigned long long)rnd);
        if (n < 0 || (size_t)n >= sizeof(f->name)) {
            *api = "open(O_CREAT|O_EXCL)";
            return ENAMETOOLONG;
        }
        *api = "open(O_CREAT|O_EXCL)";
        do {
            ++*calls;
            fd = odx_linux_sys_open(f->name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                                    0600);
        } while (fd < 0 && odx_linux_again(errno));
        if (fd >= 0)
            break;
        if (errno != EEXIST)
            return errno;
    }
    if (fd < 0)
        return EEXIST;
    f->fd = fd;
    f->named = true;
    /* Unlinked at once: from here on a kill leaves nothing, as with O_TMPFILE. */
    ++*calls;
    if (odx_linux_sys_unlink(f->name) == 0) {
        f->named = false;
    } else {
        /* Kept for the cleanup stage to try again; the report says why it was late. */
        enum odx_status st = odx_linux_add_errno(r->obs, "unlink", f->name, errno,
                                                 "a trial file could not be unlinked at once");
        if (st != ODX_OK)
            r->nomem = true;
    }
    return 0;
}

/* Writes the pattern into the source. Returns 0 or errno; *api names the call. */
static int write_source(struct run *r, struct odx_stage *s)
{
    uint64_t off = 0;
    s->bytes_requested = r->size;
    while (off < r->size) {
        size_t n = r->size - off < CHUNK ? (size_t)(r->size - off) : CHUNK, done = 0;
        if (odx_linux_interrupted)
            return EINTR;
        pattern(r, r->want, off, n);
        while (done < n) {
            ssize_t w;
            s->calls++;
            w = odx_linux_sys_pwrite(r->src.fd, r->want + done, n - done, (off_t)(off + done));
            if (w < 0) {
                if (odx_linux_again(errno))
                    continue;
                return errno;
            }
            if (w == 0)
                return EIO; /* a regular file that takes nothing and says no error */
            done += (size_t)w;
            s->bytes_transferred += (uint64_t)w;
        }
        off += n;
    }
    return 0;
}

/* The copy itself. Returns 0 or errno; fills bytes and calls of s. */
static int copy(struct run *r, enum odx_method method, int dst, struct odx_stage *s,
                const char **api)
{
    int rc;
    s->bytes_requested = r->size;
    if (method == ODX_METHOD_CLONE) {
        *api = "ioctl(FICLONE)";
        do {
            s->calls++;
            rc = odx_linux_sys_ioctl(dst, FICLONE, (void *)(intptr_t)r->src.fd, *api);
        } while (rc < 0 && odx_linux_again(errno));
        if (rc < 0)
            return errno;
        s->bytes_transferred = r->size;
        return 0;
    }
    if (method == ODX_METHOD_CLONE_RANGE) {
        struct file_clone_range range;
        memset(&range, 0, sizeof(range));
        range.src_fd = r->src.fd;
        range.src_offset = 0;
        range.src_length = r->size;
        range.dest_offset = 0;
        *api = "ioctl(FICLONERANGE)";
        do {
            s->calls++;
            rc = odx_linux_sys_ioctl(dst, FICLONERANGE, &range, *api);
        } while (rc < 0 && odx_linux_again(errno));
        if (rc < 0)
            return errno;
        s->bytes_transferred = r->size;
        return 0;
    }
    *api = "copy_file_range";
    {
        off_t in = 0, out = 0;
        /* copy_file_range(2) may copy less than asked: loop until done, EOF or error. */
        while (s->bytes_transferred < r->size) {
            uint64_t left = r->size - s->bytes_transferred;
            ssize_t n;
            if (odx_linux_interrupted)
                return EINTR;
            s->calls++;
            n = odx_linux_sys_copy_file_range(r->src.fd, &in, dst, &out,
                                              left > SSIZE_MAX ? (size_t)SSIZE_MAX : (size_t)left);
            if (n < 0) {
                if (odx_linux_again(errno))
                    continue;
                return errno;
            }
            if (n == 0)
                break; /* end of the source: the verify will see a short copy */
            s->bytes_transferred += (uint64_t)n;
        }
    }
    return 0;
}

/*
 * FIEMAP with FIEMAP_FLAG_SYNC on the destination: are its extents shared
 * with the source? Sets *shared; returns 0 or errno (EOPNOTSUPP on tmpfs and
 * FUSE), or -1 when out of memory.
 */
static int extents(struct run *r, int fd, struct odx_stage *s, enum odx_tri *shared)
{
    /* struct fiemap ends in a flexible array: the union gives it room for a batch. */
    union {
        struct fiemap fm;
        unsigned char room[sizeof(struct fiemap) + FIEMAP_BATCH * sizeof(struct fiemap_extent)];
    } req;
    struct odx_linux_fiemap_extent *all = NULL;
    struct odx_linux_share_result res;
    size_t n = 0, cap = 0, i;
    uint64_t next = 0;
    bool last = false;
    int rc = 0;

    *shared = ODX_TRI_UNKNOWN;
    while (!last && next < r->size && n < FIEMAP_MAX) {
        memset(&req, 0, sizeof(req));
        req.fm.fm_start = next;
        req.fm.fm_length = r->size - next;
        req.fm.fm_flags = FIEMAP_FLAG_SYNC;
        req.fm.fm_extent_count = FIEMAP_BATCH;
        s->calls++;
        if (odx_linux_sys_ioctl(fd, FS_IOC_FIEMAP, &req, "ioctl(FS_IOC_FIEMAP)") < 0) {
            if (odx_linux_again(errno))
                continue;
            rc = errno;
            goto out;
        }
        if (req.fm.fm_mapped_extents == 0)
            break;
        for (i = 0; i < req.fm.fm_mapped_extents && i < FIEMAP_BATCH; i++) {
            const struct fiemap_extent *e = &req.fm.fm_extents[i];
            if (n == cap) {
                size_t c = cap ? cap * 2u : 16u;
                struct odx_linux_fiemap_extent *g = odx_realloc(all, c * sizeof(*g));
                if (!g) {
                    rc = -1;
                    goto out;
                }
                all = g;
                cap = c;
            }
            all[n].logical = e->fe_logical;
            all[n].physical = e->fe_physical;
            all[n].length = e->fe_length;
            all[n].flags = e->fe_flags;
            n++;
            if (e->fe_flags & FIEMAP_EXTENT_LAST)
                last = true;
            if (e->fe_logical + e->fe_length > next)
                next = e->fe_logical + e->fe_length;
        }
    }
    if (odx_linux_fiemap_assess(all, n, r->size, &res) == ODX_OK) {
        s->bytes_requested = r->size;
        s->bytes_transferred = res.shared_bytes; /* bytes in shared extents */
        if (res.verdict == ODX_LINUX_SHARE_ALL)
            *shared = ODX_TRI_YES;
        else if (res.verdict == ODX_LINUX_SHARE_NONE)
            *shared = ODX_TRI_NO;
    }
out:
    odx_free(all);
    return rc;
}

/* Reads the copy back and compares. Returns 0, errno, or -1 for a mismatch. */
static int verify(struct run *r, int fd, struct odx_stage *s)
{
    uint64_t off = 0;
    unsigned char extra;
    ssize_t n;
    s->bytes_requested = r->size;
    while (off < r->size) {
        size_t want = r->size - off < CHUNK ? (size_t)(r->size - off) : CHUNK, done = 0;
        if (odx_linux_interrupted)
            return EINTR;
        while (done < want) {
            s->calls++;
            n = odx_linux_sys_pread(fd, r->got + done, want - done, (off_t)(off + done));
            if (n < 0) {
                if (odx_linux_again(errno))
                    continue;
                return errno;
            }
            if (n == 0)
                return -1; /* shorter than the source */
            done += (size_t)n;
            s->bytes_transferred += (uint64_t)n;
        }
        pattern(r, r->want, off, want);
        if (memcmp(r->want, r->got, want) != 0)
            return -1;
        off += want;
    }
    /* Longer than the source is wrong too. */
    do {
        s->calls++;
        n = odx_linux_sys_pread(fd, &extra, 1, (off_t)r->size);
    } while (n < 0 && odx_linux_again(errno));
    if (n < 0)
        return errno;
    return n > 0 ? -1 : 0;
}

/* Closes f, and removes its name if it still has one. Returns 0 or errno; *api names the call. */
static int close_file(struct tfile *f, const char **api, uint32_t *calls)
{
    int e = 0;
    if (f->fd >= 0) {
        ++*calls;
        /* Linux frees the descriptor even when close fails (close(2)): never retry. */
        if (odx_linux_sys_close(f->fd) != 0) {
            e = errno;
            *api = "close";
        }
        f->fd = -1;
    }
    if (f->named) {
        ++*calls;
        if (odx_linux_sys_unlink(f->name) != 0 && errno != ENOENT && !e) {
            e = errno;
            *api = "unlink";
        } else {
            f->named = false;
        }
    }
    return e;
}

/* The directory a trial's files go in, by scope. NULL when the target names none. */
static const char *volume_dir(const struct odx_obs *obs, size_t v)
{
    if (v >= obs->n_volumes || obs->volumes[v].n_mount_points == 0)
        return NULL;
    return obs->volumes[v].mount_points[0];
}

/* Interns a trial's strings and appends it to obs. */
static enum odx_status publish(struct odx_obs *obs, struct odx_trial *t)
{
    struct odx_trial *out;
    int s;
    enum odx_status st;
    for (s = 0; s < ODX_STAGE_COUNT; s++)
        if ((st = odx_obs_str(obs, t->stages[s].api, &t->stages[s].api)) != ODX_OK)
            return st;
    if ((st = odx_obs_add_trial(obs, &out, NULL)) != ODX_OK)
        return st;
    *out = *t;
    return ODX_OK;
}

static void run_methods(struct run *r, const char *dst_dir)
{
    size_t m;
    for (m = 0; m < N_METHODS && !odx_linux_interrupted; m++) {
        struct odx_trial *t = &r->t[m];
        struct odx_stage *cs = &t->stages[ODX_STAGE_CREATE];
        enum odx_stage_id copy_stage = m == 0   ? ODX_STAGE_CLONE
                                       : m == 1 ? ODX_STAGE_CLONE_RANGE
                                                : ODX_STAGE_COPY_RANGE;
        struct odx_stage *ms = &t->stages[copy_stage];
        const char *api = NULL;
        uint64_t t0;
        int e;

        /* The destination's creation joins the source's in this trial's create stage. */
        stage_begin(cs, &t0);
        e = create_file(r, dst_dir, &r->dst[m], &api, &cs->calls);
        /* A source made by the O_EXCL fall-back stays visible in the stage's call. */
        if (!e && cs->api && strcmp(cs->api, "open(O_CREAT|O_EXCL)") == 0)
            api = cs->api;
        stage_end(cs, t0, api, e);
        if (e)
            continue;

        stage_begin(ms, &t0);
        e = copy(r, methods[m], r->dst[m].fd, ms, &api);
        stage_end(ms, t0, api, e);
        if (e)
            continue;

        /* A server-side copy cannot be seen from the client: leave sharing unknown. */
        if (!r->network && !odx_linux_interrupted) {
            struct odx_stage *xs = &t->stages[ODX_STAGE_EXTENTS];
            stage_begin(xs, &t0);
            e = extents(r, r->dst[m].fd, xs, &t->extents_shared);
            stage_end(xs, t0, "ioctl(FS_IOC_FIEMAP)", e < 0 ? ENOMEM : e);
        }
        if (!odx_linux_interrupted) {
            struct odx_stage *vs = &t->stages[ODX_STAGE_VERIFY];
            stage_begin(vs, &t0);
            e = verify(r, r->dst[m].fd, vs);
            stage_end(vs, t0, "pread", e < 0 ? 0 : e);
            if (e < 0)
                vs->code = (struct odx_code){ODX_CODE_ODX, (uint32_t)ODX_E_MISMATCH};
            else if (e == EINTR && odx_linux_interrupted)
                *vs = (struct odx_stage){0};
        }
    }
}

enum odx_status odx_linux_trial(struct odx_obs *obs, const struct odx_target *target, uint64_t size)
{
    struct run *r;
    const char *src_dir, *dst_dir, *api = NULL;
    struct odx_stage s;
    size_t m, v = target->volume;
    uint32_t src_close_calls = 0;
    int e, src_close = 0;
    const char *src_close_api = NULL;
    uint64_t t0, src_close_us;
    enum odx_status st = ODX_OK;

    if (target->scope == ODX_SCOPE_PATH) {
        src_dir = dst_dir = target->path;
    } else {
        src_dir = volume_dir(obs, v);
        dst_dir = target->scope == ODX_SCOPE_PAIR ? volume_dir(obs, target->dest_volume) : src_dir;
    }
    if (!src_dir || !dst_dir)
        return ODX_E_INVAL;

    r = odx_calloc(1, sizeof(*r));
    if (!r)
        return ODX_E_NOMEM;
    r->obs = obs;
    r->size = size;
    r->seed = mix(odx_linux_now_us() ^ 0x6f64787072626531u);
    r->src.fd = -1;
    for (m = 0; m < N_METHODS; m++)
        r->dst[m].fd = -1;
    if (v != ODX_NONE && v < obs->n_volumes) {
        const struct odx_fs_info *fs = odx_fs_lookup(obs->volumes[v].file_system);
        r->network = (fs && fs->network) || obs->volumes[v].remote == ODX_TRI_YES;
    }
    for (m = 0; m < N_METHODS; m++) {
        struct odx_trial *t = &r->t[m];
        t->scope = target->scope;
        t->method = methods[m];
        t->volume = v < obs->n_volumes ? v : ODX_NONE;
        t->dest_volume = target->scope == ODX_SCOPE_PAIR ? target->dest_volume : ODX_NONE;
        t->size = size;
        t->remote = v < obs->n_volumes ? obs->volumes[v].remote : ODX_TRI_UNKNOWN;
        t->extents_shared = ODX_TRI_UNKNOWN;
        if ((st = odx_obs_str(obs, target->scope == ODX_SCOPE_PATH ? target->path : NULL,
                              &t->path)) != ODX_OK ||
            (st = odx_obs_str(obs, src_dir, &t->directory)) != ODX_OK)
            goto out;
    }
    r->want = odx_malloc(size < CHUNK ? (size_t)size : CHUNK);
    r->got = odx_malloc(size < CHUNK ? (size_t)size : CHUNK);
    if (!r->want || !r->got) {
        st = ODX_E_NOMEM;
        goto out;
    }

    /* The source, shared by the three trials: create, write, flush. */
    memset(&s, 0, sizeof(s));
    stage_begin(&s, &t0);
    e = create_file(r, src_dir, &r->src, &api, &s.calls);
    stage_end(&s, t0, api, e);
    share_stage(r, ODX_STAGE_CREATE, &s);
    if (e || odx_linux_interrupted)
        goto cleanup;

    memset(&s, 0, sizeof(s));
    stage_begin(&s, &t0);
    e = write_source(r, &s);
    stage_end(&s, t0, "pwrite", e);
    if (e == EINTR && odx_linux_interrupted)
        goto cleanup;
    share_stage(r, ODX_STAGE_WRITE, &s);
    if (e)
        goto cleanup;

    memset(&s, 0, sizeof(s));
    stage_begin(&s, &t0);
    do {
        s.calls++;
        e = odx_linux_sys_fsync(r->src.fd) == 0 ? 0 : errno;
    } while (e && odx_linux_again(e));
    stage_end(&s, t0, "fsync", e);
    share_stage(r, ODX_STAGE_FLUSH, &s);
    if (e || odx_linux_interrupted)
        goto cleanup;

    run_methods(r, dst_dir);

cleanup:
    /* The source is closed once; its result joins each trial's cleanup stage. */
    t0 = odx_linux_now_us();
    src_close = close_file(&r->src, &src_close_api, &src_close_calls);
    src_close_us = odx_linux_now_us() - t0;
    for (m = 0; m < N_METHODS; m++) {
        struct odx_stage *cs = &r->t[m].stages[ODX_STAGE_CLEANUP];
        const char *capi = "close";
        if (!r->t[m].stages[ODX_STAGE_CREATE].attempted)
            continue;
        stage_begin(cs, &t0);
        cs->calls = src_close_calls;
        e = close_file(&r->dst[m], &capi, &cs->calls);
        if (!e && src_close) {
            e = src_close;
            capi = src_close_api;
        }
        stage_end(cs, t0, capi, e);
        cs->elapsed_us += src_close_us;
    }
    if (r->nomem)
        st = ODX_E_NOMEM;
    for (m = 0; m < N_METHODS && st == ODX_OK; m++)
        if (r->t[m].stages[ODX_STAGE_CREATE].attempted || !odx_linux_interrupted)
            st = publish(obs, &r->t[m]);
    if (st == ODX_OK && odx_linux_interrupted)
        st = ODX_E_CANCELLED;
out:
    /* On an early failure no file was opened; these close nothing twice. */
    if (r->src.fd >= 0 || r->src.named)
        close_file(&r->src, &api, &src_close_calls);
    for (m = 0; m < N_METHODS; m++)
        if (r->dst[m].fd >= 0 || r->dst[m].named)
            close_file(&r->dst[m], &api, &src_close_calls);
    odx_free(r->want);
    odx_free(r->got);
    odx_free(r);
    return st;
}
