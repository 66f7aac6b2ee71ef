/*
 * The odxprobe command, internal interfaces. Only src/cli talks to the
 * terminal: messages go to stderr as "odxprobe: error: ...", reports and
 * summaries to stdout.
 */
#ifndef ODX_CLI_H
#define ODX_CLI_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "odx/analysis.h"
#include "odx/model.h"

/* Exit codes, documented in docs/cli.md and --help (a test keeps the three in step). */
enum odx_exit {
    ODX_EXIT_OK = 0,         /* ran; no blocker found */
    ODX_EXIT_BLOCKERS = 1,   /* ran; copy offload is blocked somewhere, the report says why */
    ODX_EXIT_INCOMPLETE = 2, /* could not complete: no back end, a target undecided, I/O error */
    ODX_EXIT_USAGE = 3,      /* usage or input error: bad option, unreadable or invalid report */
};

/* Options shared by the probe and analyze: where the report and summary go. */
struct odx_output_opts {
    bool json;          /* --json: the report on stdout instead of the summary */
    const char *output; /* -o FILE: the report to a new file, the summary still on stdout */
    bool verbose;       /* -v: progress on stderr */
};

/* Prints "odxprobe: error: <msg>" on stderr. */
void odx_cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* Help texts (help.c). */
void odx_help_print(FILE *f, const char *command);
void odx_help_usage(FILE *f, const char *command);

/* The human summary of an analysis (summary.c). Sanitises every string from the report. */
void odx_summary_print(FILE *f, const struct odx_obs *obs, const struct odx_analysis *an);

/* Writes s to f with control characters shown as '?', so a hostile report cannot drive the
 * terminal. */
void odx_cli_put_safe(FILE *f, const char *s);

/* Renders the report and writes it where out asks (-o, --json); then the summary unless --json. */
int odx_cli_emit(const struct odx_output_opts *out, const struct odx_obs *obs,
                 const struct odx_analysis *an);

/* The exit code for an analysis outcome. */
int odx_cli_exit_for(enum odx_outcome outcome);

/* Subcommands. */
int odx_cmd_probe(int argc, char **argv);
int odx_cmd_analyze(int argc, char **argv);
int odx_cmd_explain(int argc, char **argv);

#endif
