/*
 * POSIX side of sys.h. A report file is published with link(2), which fails
 * when the name exists: the only way to "create a new file with this
 * content, atomically, and never clobber" with plain POSIX calls.
 */
#define _POSIX_C_SOURCE 200809L

#include "sys.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void (*on_interrupt)(void);

static void handle_signal(int sig)
{
    int saved = errno;
    if (on_interrupt)
        on_interrupt();
    /* The next Ctrl+C ends the process at once, as the user expects. */
    signal(sig, SIG_DFL);
    errno = saved;
}

enum odx_status odx_sys_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    return ODX_OK;
}

void odx_sys_on_interrupt(void (*fn)(void))
{
    struct sigaction sa;
    on_interrupt = fn;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = handle_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

bool odx_sys_isatty(FILE *f)
{
    return isatty(fileno(f)) == 1;
}

static enum odx_status fail(char *err, size_t errsize, const char *what, const char *path, int e)
{
    snprintf(err, errsize, "%s '%s': %s", what, path, strerror(e));
    return e == EEXIST ? ODX_E_EXISTS : ODX_E_IO;
}

static enum odx_status write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t n = write(fd, data + done, len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return ODX_E_IO;
        }
        done += (size_t)n;
    }
    return ODX_OK;
}

static enum odx_status write_exclusive(const char *path, const char *data, size_t len, char *err,
                                       size_t errsize)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    int e;
    if (fd < 0)
        return fail(err, errsize, errno == EEXIST ? "will not replace" : "cannot write", path,
                    errno);
    if (write_all(fd, data, len) != ODX_OK || fsync(fd) != 0) {
        e = errno;
        close(fd);
        unlink(path); /* ours: created exclusively above */
        return fail(err, errsize, "cannot write", path, e);
    }
    if (close(fd) != 0) {
        e = errno;
        unlink(path);
        return fail(err, errsize, "cannot write", path, e);
    }
    return ODX_OK;
}

enum odx_status odx_sys_write_new_file(const char *path, const char *data, size_t len, char *err,
                                       size_t errsize)
{
    static const char suffix[] = ".odxprobe-XXXXXX";
    size_t plen = strlen(path);
    char *tmp;
    int fd, e;
    struct stat st;
    enum odx_status status;

    /* Say so before writing anything when the name is taken. */
    if (lstat(path, &st) == 0)
        return fail(err, errsize, "will not replace", path, EEXIST);
    tmp = malloc(plen + sizeof(suffix));
    if (!tmp)
        return fail(err, errsize, "cannot write", path, ENOMEM);
    memcpy(tmp, path, plen);
    memcpy(tmp + plen, suffix, sizeof(suffix));
    fd = mkstemp(tmp); /* O_EXCL: a file of our own */
    if (fd < 0) {
        status = fail(err, errsize, "cannot create a file beside", path, errno);
        free(tmp);
        return status;
    }
    if (write_all(fd, data, len) != ODX_OK || fsync(fd) != 0) {
        e = errno;
        goto failed;
    }
    if (close(fd) != 0) {
        e = errno;
        fd = -1;
        goto failed;
    }
    fd = -1;
    if (link(tmp, path) != 0) {
        e = errno;
        /* File systems without hard links (FAT, some FUSE): write the final
         * name directly, created exclusively, and remove it on failure. */
        if (e == EPERM || e == EOPNOTSUPP || e == ENOSYS || e == EMLINK) {
            unlink(tmp);
            free(tmp);
            return write_exclusive(path, data, len, err, errsize);
        }
        goto failed;
    }
    unlink(tmp);
    free(tmp);
    return ODX_OK;
failed:
    if (fd >= 0)
        close(fd);
    unlink(tmp);
    free(tmp);
    return fail(err, errsize, e == EEXIST ? "will not replace" : "cannot write", path, e);
}
