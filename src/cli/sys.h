/*
 * What the command needs from the operating system beyond standard C:
 * UTF-8 arguments, a Ctrl+C hook, terminal detection, and publishing a new
 * file without ever replacing an existing one. sys_posix.c implements it for
 * POSIX systems, src/win/sys_win.c for Windows; CMake picks one.
 */
#ifndef ODX_CLI_SYS_H
#define ODX_CLI_SYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "odx/status.h"

/*
 * Prepares the process: on Windows, replaces *argv with UTF-8 arguments and
 * sets the console to UTF-8. Returns ODX_OK or ODX_E_NOMEM. The arguments
 * live until the process ends.
 */
enum odx_status odx_sys_init(int *argc, char ***argv);

/* Calls fn (async-signal-safe) on Ctrl+C / SIGINT / SIGTERM; a second Ctrl+C acts as usual. */
void odx_sys_on_interrupt(void (*fn)(void));

/* Whether f is a terminal. */
bool odx_sys_isatty(FILE *f);

/*
 * Writes len bytes of data to a new file at path: first to a temporary file
 * created exclusively beside it, flushed to disk, then published under path
 * only if path does not exist (never replacing a file), and the temporary
 * removed on every failure. On failure err holds one line. Statuses:
 * ODX_E_EXISTS (path exists), ODX_E_IO.
 */
enum odx_status odx_sys_write_new_file(const char *path, const char *data, size_t len, char *err,
                                       size_t errsize);

#endif
