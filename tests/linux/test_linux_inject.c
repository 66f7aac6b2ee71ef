/*
 * Failure injection through the Linux back end's seam (src/linux/sysapi.h):
 * a full probe of a real temporary directory (--path), with every OS call
 * passed through to the real one except call N, which fails with a chosen
 * errno (EACCES, ENOSPC, EIO, EINTR, EOPNOTSUPP) or, for reads, writes and
 * copy_file_range, comes back short. Then the same for allocation N.
 *
 * For every N it checks: no crash (ASan runs it too), no descriptor leaked
 * (/proc/self/fd before and after), no file left in the directory, a probe
 * status of ODX_OK, the failed call named in the observation (an error or a
 * trial stage) with its errno, unless the back end absorbs that failure by
 * design (EINTR is retried, short I/O is continued, O_TMPFILE's EOPNOTSUPP
 * falls back to O_EXCL, a failed close of a file only read loses nothing,
 * the clock only feeds timings), an analysis that succeeds with the right
 * outcome, and a report that renders and reads back. One report per failed
 * call and errno is written to the directory given as argv[2] for the
 * schema validator.
 *
 * Usage: test_linux_inject [DIR [REPORT_DIR]]  (DIR: where the trial runs;
 * "-" or none: /dev/shm when writable, else $TMPDIR or /tmp)
 */
#include "sysapi.h"

#include "check.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "odx/alloc.h"
#include "odx/analysis.h"
#include "odx/probe.h"
#include "odx/report.h"

#define TRIAL_SIZE (256u * 1024u)

enum mode {
    MODE_ERRNO = 0,
    MODE_SHORT,
};

static long call_count;
static long fail_at = -1;
static enum mode fail_mode;
static int fail_errno;
static const char *failed_api; /* the seam slot that failed, once it has */

/* True when this call is the one to fail; counts every call. */
static bool hit(const char *api)
{
    if (call_count++ != fail_at)
        return false;
    failed_api = api;
    return true;
}

static bool fail_now(const char *api)
{
    if (!hit(api))
        return false;
    if (fail_mode == MODE_SHORT) {
        failed_api = NULL; /* only reads, writes and copies can come back short */
        return false;
    }
    errno = fail_errno;
    return true;
}

/* Reads, writes and copies: in short mode, half the bytes (at least one). */
static size_t shorten(const char *api, size_t n)
{
    if (!hit(api))
        return n;
    if (fail_mode == MODE_SHORT)
        return n > 1 ? n / 2 : n;
    return (size_t)-1;
}

#define REAL (&odx_linux_sys_real)

static int f_open(const char *path, int flags, mode_t mode)
{
    return fail_now("open") ? -1 : REAL->open(path, flags, mode);
}

static int f_close(int fd)
{
    /* close(2) on Linux frees the descriptor even when it reports an error. */
    int r = REAL->close(fd);
    if (fail_now("close"))
        return -1;
    return r;
}

static ssize_t f_read(int fd, void *buf, size_t n)
{
    size_t k = shorten("read", n);
    if (k == (size_t)-1) {
        errno = fail_errno;
        return -1;
    }
    return REAL->read(fd, buf, k);
}

static ssize_t f_pread(int fd, void *buf, size_t n, off_t off)
{
    size_t k = shorten("pread", n);
    if (k == (size_t)-1) {
        errno = fail_errno;
        return -1;
    }
    return REAL->pread(fd, buf, k, off);
}

static ssize_t f_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    size_t k = shorten("pwrite", n);
    if (k == (size_t)-1) {
        errno = fail_errno;
        return -1;
    }
    return REAL->pwrite(fd, buf, k, off);
}

static int f_fsync(int fd)
{
    return fail_now("fsync") ? -1 : REAL->fsync(fd);
}

static int f_ioctl(int fd, unsigned long request, void *arg)
{
    return fail_now("ioctl") ? -1 : REAL->ioctl(fd, request, arg);
}

static ssize_t f_copy_file_range(int in, off_t *off_in, int out, off_t *off_out, size_t len,
                                 unsigned int flags)
{
    size_t k = shorten("copy_file_range", len);
    if (k == (size_t)-1) {
        errno = fail_errno;
        return -1;
    }
    return REAL->copy_file_range(in, off_in, out, off_out, k, flags);
}

static int f_statx(int dirfd, const char *path, int flags, unsigned int mask, struct statx *out)
{
    return fail_now("statx") ? -1 : REAL->statx(dirfd, path, flags, mask, out);
}

static int f_unlink(const char *path)
{
    return fail_now("unlink") ? -1 : REAL->unlink(path);
}

static int f_access(const char *path, int mode)
{
    return fail_now("access") ? -1 : REAL->access(path, mode);
}

static char *f_realpath(const char *path, char *resolved)
{
    return fail_now("realpath") ? NULL : REAL->realpath(path, resolved);
}

static DIR *f_opendir(const char *path)
{
    return fail_now("opendir") ? NULL : REAL->opendir(path);
}

static struct dirent *f_readdir(DIR *dir)
{
    return fail_now("readdir") ? NULL : REAL->readdir(dir);
}

static int f_closedir(DIR *dir)
{
    int r = REAL->closedir(dir);
    if (fail_now("closedir"))
        return -1;
    return r;
}

static int f_uname(struct utsname *out)
{
    return fail_now("uname") ? -1 : REAL->uname(out);
}

static int f_gethostname(char *name, size_t len)
{
    return fail_now("gethostname") ? -1 : REAL->gethostname(name, len);
}

static ssize_t f_getrandom(void *buf, size_t n, unsigned int flags)
{
    return fail_now("getrandom") ? -1 : REAL->getrandom(buf, n, flags);
}

static int f_clock_gettime(clockid_t clock, struct timespec *out)
{
    return fail_now("clock_gettime") ? -1 : REAL->clock_gettime(clock, out);
}

static const struct odx_linux_sysapi inject = {
    .open = f_open,
    .close = f_close,
    .read = f_read,
    .pread = f_pread,
    .pwrite = f_pwrite,
    .fsync = f_fsync,
    .ioctl = f_ioctl,
    .copy_file_range = f_copy_file_range,
    .statx = f_statx,
    .unlink = f_unlink,
    .access = f_access,
    .realpath = f_realpath,
    .opendir = f_opendir,
    .readdir = f_readdir,
    .closedir = f_closedir,
    .uname = f_uname,
    .gethostname = f_gethostname,
    .geteuid = geteuid,
    .getrandom = f_getrandom,
    .clock_gettime = f_clock_gettime,
};

/* Entries in a directory besides . and .. (with libc, not the seam). */
static int count_entries(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

/* Whether obs names api (as a prefix of the recorded api) with errno err. */
static bool names(const struct odx_obs *obs, const char *api, int err)
{
    size_t i, n = strlen(api);
    int s;
    for (i = 0; i < obs->n_errors; i++) {
        const struct odx_error *e = &obs->errors[i];
        if (e->api && strncmp(e->api, api, n) == 0 && e->code.kind == ODX_CODE_ERRNO &&
            e->code.value == (uint32_t)err)
            return true;
    }
    for (i = 0; i < obs->n_trials; i++)
        for (s = 0; s < ODX_STAGE_COUNT; s++) {
            const struct odx_stage *st = &obs->trials[i].stages[s];
            if (st->attempted && st->api && strncmp(st->api, api, n) == 0 &&
                st->code.kind == ODX_CODE_ERRNO && st->code.value == (uint32_t)err)
                return true;
        }
    return false;
}

/* Whether some trial created a file by the O_EXCL fall-back. */
static bool fell_back(const struct odx_obs *obs)
{
    size_t i;
    for (i = 0; i < obs->n_trials; i++) {
        const char *api = obs->trials[i].stages[ODX_STAGE_CREATE].api;
        if (api && strcmp(api, "open(O_CREAT|O_EXCL)") == 0)
            return true;
    }
    return false;
}

/* Whether the shared source stages (create, write, flush) failed in every trial. */
static bool source_failed(const struct odx_obs *obs)
{
    size_t i;
    if (obs->n_trials == 0)
        return false;
    for (i = 0; i < obs->n_trials; i++) {
        const struct odx_trial *t = &obs->trials[i];
        const struct odx_stage *c = &t->stages[ODX_STAGE_CREATE];
        const struct odx_stage *w = &t->stages[ODX_STAGE_WRITE];
        const struct odx_stage *f = &t->stages[ODX_STAGE_FLUSH];
        if (!(c->attempted && !odx_code_ok(c->code)) && !(w->attempted && !odx_code_ok(w->code)) &&
            !(f->attempted && !odx_code_ok(f->code)))
            return false;
    }
    return true;
}

static const char *path_arg[1];
static const char *report_dir;
static int reports_written;

static enum odx_status probe(struct odx_obs **obs)
{
    struct odx_probe_options o;
    char err[256];
    memset(&o, 0, sizeof(o));
    o.trial_size = TRIAL_SIZE;
    o.paths = path_arg;
    o.n_paths = 1;
    o.tool_version = "test";
    o.probe_time = "2026-01-01T00:00:00Z";
    return odx_probe_run(odx_backend_native(), &o, obs, err, sizeof(err));
}

/* The verdict of the --path result. */
static enum odx_verdict path_verdict(const struct odx_analysis *an)
{
    size_t i;
    for (i = 0; i < an->n_results; i++)
        if (an->results[i].target == ODX_TARGET_PATH)
            return an->results[i].verdict;
    return ODX_VERDICT_COUNT;
}

/* Renders, reads back, and optionally saves the report. */
static void check_report(const struct odx_obs *obs, const struct odx_analysis *an,
                         const char *save_as)
{
    char *json = NULL, err[256];
    size_t len = 0;
    struct odx_obs *back = NULL;
    CHECK_INT(odx_report_render(obs, an, &json, &len), ODX_OK);
    if (!json)
        return;
    CHECK_INT(odx_report_parse(json, len, &back, err, sizeof(err)), ODX_OK);
    if (back) {
        CHECK_INT(back->n_trials, obs->n_trials);
        CHECK_INT(back->n_errors, obs->n_errors);
        CHECK_INT(back->n_volumes, obs->n_volumes);
    }
    odx_obs_free(back);
    if (save_as && report_dir) {
        char path[1024];
        FILE *f;
        snprintf(path, sizeof(path), "%s/%s.json", report_dir, save_as);
        f = fopen(path, "wb");
        if (f) {
            fwrite(json, 1, len, f);
            fclose(f);
            reports_written++;
        }
    }
    odx_free(json);
}

static const char *errno_name(int e)
{
    switch (e) {
    case EACCES:
        return "EACCES";
    case ENOSPC:
        return "ENOSPC";
    case EIO:
        return "EIO";
    case EINTR:
        return "EINTR";
    case EOPNOTSUPP:
        return "EOPNOTSUPP";
    default:
        return "errno";
    }
}

struct baseline {
    long calls;
    long allocs;
    enum odx_verdict verdict;
    size_t trials;
};

/* Tags of the reports saved so far: one per failed call and errno. */
static char saved_tags[256][64];
static size_t n_saved;

static bool first_time(const char *tag)
{
    size_t i;
    for (i = 0; i < n_saved; i++)
        if (strcmp(saved_tags[i], tag) == 0)
            return false;
    if (n_saved < sizeof(saved_tags) / sizeof(saved_tags[0]))
        snprintf(saved_tags[n_saved++], sizeof(saved_tags[0]), "%s", tag);
    return true;
}

static void run_one(const struct baseline *b, const char *dir, long n, enum mode mode, int e)
{
    struct odx_obs *obs = NULL;
    struct odx_analysis *an = NULL;
    int fds_before = count_entries("/proc/self/fd"), fds_after;
    const char *api;
    enum odx_status st;
    char tag[128];

    call_count = 0;
    fail_at = n;
    fail_mode = mode;
    fail_errno = e;
    failed_api = NULL;
    st = probe(&obs);
    fail_at = -1;
    api = failed_api;
    fds_after = count_entries("/proc/self/fd");

    if (st != ODX_OK || fds_after != fds_before || count_entries(dir) != 0)
        fprintf(stderr, "call %ld (%s) failing %s: status %s, fds %d -> %d, %d files left\n", n,
                api ? api : "-", mode == MODE_SHORT ? "short" : strerror(e), odx_status_name(st),
                fds_before, fds_after, count_entries(dir));
    CHECK_INT(st, ODX_OK);
    CHECK_INT(fds_after, fds_before);
    CHECK_INT(count_entries(dir), 0);
    if (!obs)
        return;

    if (api && mode == MODE_ERRNO && e != EINTR) {
        bool absorbed = strcmp(api, "clock_gettime") == 0 || strcmp(api, "close") == 0 ||
                        strcmp(api, "closedir") == 0 ||
                        (strcmp(api, "open") == 0 && e == EOPNOTSUPP && fell_back(obs));
        if (!absorbed && !names(obs, api, e)) {
            fprintf(stderr, "call %ld (%s) failed with %s, and the report does not say so\n", n,
                    api, strerror(e));
            CHECK(names(obs, api, e));
        }
    }

    CHECK_INT(odx_analyze(obs, &an), ODX_OK);
    if (an) {
        enum odx_verdict v = path_verdict(an);
        if (!api || e == EINTR || mode == MODE_SHORT) {
            /* Absorbed: the same answer as without a failure. */
            if (v != b->verdict)
                fprintf(stderr, "call %ld (%s) %s: verdict %s, want %s\n", n, api ? api : "-",
                        mode == MODE_SHORT ? "short" : strerror(e), odx_verdict_name(v),
                        odx_verdict_name(b->verdict));
            CHECK_INT(v, b->verdict);
            CHECK_INT(obs->n_trials, b->trials);
        } else if (source_failed(obs)) {
            /* Nothing could be tried: undecided, never a verdict on offload. */
            if (v != ODX_VERDICT_UNKNOWN)
                fprintf(stderr, "call %ld (%s) %s: source failed, verdict %s\n", n, api,
                        strerror(e), odx_verdict_name(v));
            CHECK_INT(v, ODX_VERDICT_UNKNOWN);
            CHECK(an->outcome != ODX_OUTCOME_OK);
        }
        snprintf(tag, sizeof(tag), "inject-%s-%s", api ? api : "none",
                 mode == MODE_SHORT ? "short" : errno_name(e));
        check_report(obs, an, first_time(tag) ? tag : NULL);
    }
    odx_analysis_free(an);
    odx_obs_free(obs);
}

static const char *pick_dir(const char *arg, char *buf, size_t size)
{
    const char *base = arg && strcmp(arg, "-") != 0 ? arg : NULL;
    if (!base) {
        struct stat st;
        base = stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : NULL;
        if (!base)
            base = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    }
    snprintf(buf, size, "%s/odxprobe-inject.XXXXXX", base);
    return mkdtemp(buf);
}

int main(int argc, char **argv)
{
    static const int errnos[] = {EACCES, ENOSPC, EIO, EINTR, EOPNOTSUPP};
    char dirbuf[1024];
    const char *dir = pick_dir(argc > 1 ? argv[1] : NULL, dirbuf, sizeof(dirbuf));
    struct baseline b;
    struct odx_obs *obs = NULL;
    struct odx_analysis *an = NULL;
    long n, allocs_ok = 0, allocs_nomem = 0;
    size_t k;

    if (!dir) {
        perror("mkdtemp");
        return 2;
    }
    report_dir = argc > 2 ? argv[2] : NULL;
    path_arg[0] = dir;
    odx_linux_sys = &inject;

    /* Baseline: count the calls and allocations of a probe without failures. */
    call_count = 0;
    fail_at = -1;
    odx_alloc_fail_after(-1);
    CHECK_INT(probe(&obs), ODX_OK);
    if (!obs)
        return 1;
    b.calls = call_count;
    b.allocs = odx_alloc_count();
    b.trials = obs->n_trials;
    CHECK_INT(odx_analyze(obs, &an), ODX_OK);
    b.verdict = an ? path_verdict(an) : ODX_VERDICT_COUNT;
    check_report(obs, an, "baseline");
    odx_analysis_free(an);
    odx_obs_free(obs);
    printf("baseline: %ld seam calls, %ld allocations, %zu trials, verdict %s, in %s\n", b.calls,
           b.allocs, b.trials, odx_verdict_name(b.verdict), dir);
    CHECK(b.trials == 3);

    for (k = 0; k < sizeof(errnos) / sizeof(errnos[0]); k++)
        for (n = 0; n < b.calls; n++)
            run_one(&b, dir, n, MODE_ERRNO, errnos[k]);
    for (n = 0; n < b.calls; n++)
        run_one(&b, dir, n, MODE_SHORT, 0);

    /* Allocation N, for every N: ODX_OK or ODX_E_NOMEM, never a leak of any kind. */
    for (n = 0; n <= b.allocs; n++) {
        int fds_before = count_entries("/proc/self/fd");
        enum odx_status st;
        obs = NULL;
        odx_alloc_fail_after(n);
        st = probe(&obs);
        odx_alloc_fail_after(-1);
        if (st == ODX_OK)
            allocs_ok++;
        else
            allocs_nomem++;
        if (st != ODX_OK && st != ODX_E_NOMEM)
            fprintf(stderr, "allocation %ld: status %s\n", n, odx_status_name(st));
        CHECK(st == ODX_OK || st == ODX_E_NOMEM);
        CHECK_INT(count_entries("/proc/self/fd"), fds_before);
        CHECK_INT(count_entries(dir), 0);
        if (obs) {
            CHECK_INT(odx_analyze(obs, &an), ODX_OK);
            if (an)
                check_report(obs, an, NULL);
            odx_analysis_free(an);
            an = NULL;
        }
        odx_obs_free(obs);
    }
    printf("allocation failures: %ld runs, %ld still complete, %ld ODX_E_NOMEM\n", b.allocs + 1,
           allocs_ok, allocs_nomem);
    printf("seam failures: %ld calls x %zu errnos + short I/O; %d reports written\n", b.calls,
           sizeof(errnos) / sizeof(errnos[0]), reports_written);
    rmdir(dir);
    CHECK_DONE();
}
