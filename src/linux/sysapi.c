/*
 * The real operating-system calls behind the Linux back end's seam
 * (sysapi.h). Thin adapters only: no retries, no policy, no errno
 * translation; the callers decide what a failure means.
 */
#include "sysapi.h"

#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <unistd.h>

static int real_open(const char *path, int flags, mode_t mode)
{
    return open(path, flags, mode);
}

static int real_ioctl(int fd, unsigned long request, void *arg)
{
    return ioctl(fd, request, arg);
}

static int real_closedir(DIR *dir)
{
    return closedir(dir);
}

const struct odx_linux_sysapi odx_linux_sys_real = {
    .open = real_open,
    .close = close,
    .read = read,
    .pread = pread,
    .pwrite = pwrite,
    .fsync = fsync,
    .ioctl = real_ioctl,
    .copy_file_range = copy_file_range,
    .statx = statx,
    .unlink = unlink,
    .access = access,
    .realpath = realpath,
    .opendir = opendir,
    .readdir = readdir,
    .closedir = real_closedir,
    .uname = uname,
    .gethostname = gethostname,
    .geteuid = geteuid,
    .getrandom = getrandom,
    .clock_gettime = clock_gettime,
};

const struct odx_linux_sysapi *odx_linux_sys = &odx_linux_sys_real;

struct odx_linux_sys_failure odx_linux_sys_last;
