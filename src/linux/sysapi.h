/*
 * The Linux back end's seam: every operating-system call the back end makes
 * goes through one table of function pointers, so that a test can pass the
 * real calls through and fail call N with a chosen errno (or cut a read or
 * write short). sysapi.c holds the real table; nothing else in src/linux
 * calls the C library for I/O directly.
 *
 * Each slot behaves like the libc function of the same name: -1 (or NULL)
 * and errno on failure. Call sites use the odx_linux_sys_* wrappers below,
 * which also note the name of the last call that failed and its errno, so
 * that a layer that only returns a status (the sysfs walker) still lets the
 * caller name the failed call in the report.
 *
 * Single-threaded, like the rest of odxprobe.
 */
#ifndef ODX_LINUX_SYSAPI_H
#define ODX_LINUX_SYSAPI_H

/* statx, copy_file_range, O_TMPFILE and getrandom are GNU/Linux interfaces. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1
#endif

#include <dirent.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/utsname.h>
#include <time.h>

struct odx_linux_sysapi {
    int (*open)(const char *path, int flags, mode_t mode);
    int (*close)(int fd);
    ssize_t (*read)(int fd, void *buf, size_t n);
    ssize_t (*pread)(int fd, void *buf, size_t n, off_t off);
    ssize_t (*pwrite)(int fd, const void *buf, size_t n, off_t off);
    int (*fsync)(int fd);
    int (*ioctl)(int fd, unsigned long request, void *arg);
    ssize_t (*copy_file_range)(int fd_in, off_t *off_in, int fd_out, off_t *off_out, size_t len,
                               unsigned int flags);
    int (*statx)(int dirfd, const char *path, int flags, unsigned int mask, struct statx *out);
    int (*unlink)(const char *path);
    int (*access)(const char *path, int mode);
    char *(*realpath)(const char *path, char *resolved); /* resolved: PATH_MAX bytes */
    DIR *(*opendir)(const char *path);
    struct dirent *(*readdir)(DIR *dir); /* NULL at the end (errno unchanged) or on error */
    int (*closedir)(DIR *dir);
    int (*uname)(struct utsname *out);
    int (*gethostname)(char *name, size_t len);
    uid_t (*geteuid)(void); /* cannot fail */
    ssize_t (*getrandom)(void *buf, size_t n, unsigned int flags);
    int (*clock_gettime)(clockid_t clock, struct timespec *out);
};

/* The table in use: the real one unless a test swapped it. */
extern const struct odx_linux_sysapi *odx_linux_sys;

/* The real calls. */
extern const struct odx_linux_sysapi odx_linux_sys_real;

/* The last call made through the wrappers that failed: its name (static) and errno. */
struct odx_linux_sys_failure {
    const char *api;
    int err;
};
extern struct odx_linux_sys_failure odx_linux_sys_last;

static inline void odx_linux_sys_note(const char *api)
{
    odx_linux_sys_last.api = api;
    odx_linux_sys_last.err = errno;
}

static inline int odx_linux_sys_open(const char *path, int flags, mode_t mode)
{
    int r = odx_linux_sys->open(path, flags, mode);
    if (r < 0)
        odx_linux_sys_note("open");
    return r;
}

static inline int odx_linux_sys_close(int fd)
{
    int r = odx_linux_sys->close(fd);
    if (r < 0)
        odx_linux_sys_note("close");
    return r;
}

static inline ssize_t odx_linux_sys_read(int fd, void *buf, size_t n)
{
    ssize_t r = odx_linux_sys->read(fd, buf, n);
    if (r < 0)
        odx_linux_sys_note("read");
    return r;
}

static inline ssize_t odx_linux_sys_pread(int fd, void *buf, size_t n, off_t off)
{
    ssize_t r = odx_linux_sys->pread(fd, buf, n, off);
    if (r < 0)
        odx_linux_sys_note("pread");
    return r;
}

static inline ssize_t odx_linux_sys_pwrite(int fd, const void *buf, size_t n, off_t off)
{
    ssize_t r = odx_linux_sys->pwrite(fd, buf, n, off);
    if (r < 0)
        odx_linux_sys_note("pwrite");
    return r;
}

static inline int odx_linux_sys_fsync(int fd)
{
    int r = odx_linux_sys->fsync(fd);
    if (r < 0)
        odx_linux_sys_note("fsync");
    return r;
}

/* api names the request in the report: "ioctl(FICLONE)". */
static inline int odx_linux_sys_ioctl(int fd, unsigned long request, void *arg, const char *api)
{
    int r = odx_linux_sys->ioctl(fd, request, arg);
    if (r < 0)
        odx_linux_sys_note(api);
    return r;
}

static inline ssize_t odx_linux_sys_copy_file_range(int fd_in, off_t *off_in, int fd_out,
                                                    off_t *off_out, size_t len)
{
    ssize_t r = odx_linux_sys->copy_file_range(fd_in, off_in, fd_out, off_out, len, 0);
    if (r < 0)
        odx_linux_sys_note("copy_file_range");
    return r;
}

static inline int odx_linux_sys_statx(int dirfd, const char *path, int flags, unsigned int mask,
                                      struct statx *out)
{
    int r = odx_linux_sys->statx(dirfd, path, flags, mask, out);
    if (r < 0)
        odx_linux_sys_note("statx");
    return r;
}

static inline int odx_linux_sys_unlink(const char *path)
{
    int r = odx_linux_sys->unlink(path);
    if (r < 0)
        odx_linux_sys_note("unlink");
    return r;
}

static inline int odx_linux_sys_access(const char *path, int mode)
{
    int r = odx_linux_sys->access(path, mode);
    if (r < 0)
        odx_linux_sys_note("access");
    return r;
}

static inline char *odx_linux_sys_realpath(const char *path, char *resolved)
{
    char *r = odx_linux_sys->realpath(path, resolved);
    if (!r)
        odx_linux_sys_note("realpath");
    return r;
}

static inline DIR *odx_linux_sys_opendir(const char *path)
{
    DIR *r = odx_linux_sys->opendir(path);
    if (!r)
        odx_linux_sys_note("opendir");
    return r;
}

/* NULL at the end with *err 0, or on error with *err = errno. */
static inline struct dirent *odx_linux_sys_readdir(DIR *dir, int *err)
{
    struct dirent *e;
    errno = 0;
    e = odx_linux_sys->readdir(dir);
    *err = e ? 0 : errno;
    if (!e && *err)
        odx_linux_sys_note("readdir");
    return e;
}

static inline int odx_linux_sys_closedir(DIR *dir)
{
    int r = odx_linux_sys->closedir(dir);
    if (r < 0)
        odx_linux_sys_note("closedir");
    return r;
}

static inline int odx_linux_sys_uname(struct utsname *out)
{
    int r = odx_linux_sys->uname(out);
    if (r < 0)
        odx_linux_sys_note("uname");
    return r;
}

static inline int odx_linux_sys_gethostname(char *name, size_t len)
{
    int r = odx_linux_sys->gethostname(name, len);
    if (r < 0)
        odx_linux_sys_note("gethostname");
    return r;
}

static inline ssize_t odx_linux_sys_getrandom(void *buf, size_t n)
{
    ssize_t r = odx_linux_sys->getrandom(buf, n, 0);
    if (r < 0)
        odx_linux_sys_note("getrandom");
    return r;
}

static inline int odx_linux_sys_clock_gettime(clockid_t clock, struct timespec *out)
{
    int r = odx_linux_sys->clock_gettime(clock, out);
    if (r < 0)
        odx_linux_sys_note("clock_gettime");
    return r;
}

#endif
