/*
 * odxprobe's entry point and subcommands: probe (the default), analyze and
 * explain. Options are parsed here; the work is done by the core; output
 * and exit codes are decided here and nowhere else.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "odx/alloc.h"
#include "odx/analysis.h"
#include "odx/knowledge.h"
#include "odx/probe.h"
#include "odx/report.h"
#include "sys.h"

#ifndef ODX_VERSION
#define ODX_VERSION "0.0.0"
#endif

void odx_cli_error(const char *fmt, ...)
{
    va_list ap;
    fputs("odxprobe: error: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int odx_cli_exit_for(enum odx_outcome outcome)
{
    return odx_outcome_exit_code(outcome);
}

_Static_assert(ODX_EXIT_OK == 0 && ODX_EXIT_BLOCKERS == 1 && ODX_EXIT_INCOMPLETE == 2,
               "odx_outcome_exit_code returns these numbers");

/* A tiny option reader: "--name VALUE", "--name=VALUE", "-o VALUE", "-oVALUE", "--". */
struct args {
    int argc;
    char **argv;
    int i;
    bool done; /* after "--" */
};

static bool is_opt(struct args *a, const char *arg, const char *long_name, char short_name)
{
    size_t n = strlen(long_name);
    if (a->done)
        return false;
    if (strncmp(arg, long_name, n) == 0 && (arg[n] == '\0' || arg[n] == '='))
        return true;
    return short_name && arg[0] == '-' && arg[1] == short_name && arg[1] != '-';
}

/* The value of the option at a->i; NULL (after an error message) when missing. */
static const char *opt_value(struct args *a, const char *long_name, char short_name)
{
    const char *arg = a->argv[a->i];
    size_t n = strlen(long_name);
    if (strncmp(arg, long_name, n) == 0 && arg[n] == '=')
        return arg + n + 1;
    if (short_name && arg[0] == '-' && arg[1] == short_name && arg[2] != '\0')
        return arg + 2;
    if (a->i + 1 >= a->argc) {
        odx_cli_error("option %s needs a value", long_name);
        return NULL;
    }
    return a->argv[++a->i];
}

static bool flag_without_value(const char *arg, const char *name)
{
    if (strchr(arg, '=') != NULL) {
        odx_cli_error("option %s takes no value", name);
        return false;
    }
    return true;
}

/* Parses "1048576", "1M", "256K", "1G" (binary units). */
static bool parse_size(const char *s, uint64_t *out)
{
    char *end;
    unsigned long long v;
    uint64_t mult = 1;
    if (!(*s >= '0' && *s <= '9'))
        return false;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno || end == s)
        return false;
    if (*end == 'K' || *end == 'k')
        mult = 1024u;
    else if (*end == 'M' || *end == 'm')
        mult = 1024u * 1024u;
    else if (*end == 'G' || *end == 'g')
        mult = 1024u * 1024u * 1024u;
    else if (*end != '\0')
        return false;
    if (mult != 1 && end[1] != '\0' && !((end[1] == 'i' || end[1] == 'B') && end[2] == '\0') &&
        !(end[1] == 'i' && end[2] == 'B' && end[3] == '\0'))
        return false;
    if (v > UINT64_MAX / mult)
        return false;
    *out = (uint64_t)v * mult;
    return true;
}

/* Parses an output option at a->i; 1 consumed, 0 not an output option, -1 error. */
static int output_option(struct args *a, struct odx_output_opts *out)
{
    const char *arg = a->argv[a->i];
    if (is_opt(a, arg, "--json", 0)) {
        if (!flag_without_value(arg, "--json"))
            return -1;
        out->json = true;
        return 1;
    }
    if (is_opt(a, arg, "--output", 'o')) {
        if (!(out->output = opt_value(a, "--output", 'o')))
            return -1;
        if (!*out->output) {
            odx_cli_error("option --output needs a file name");
            return -1;
        }
        return 1;
    }
    if (is_opt(a, arg, "--verbose", 'v')) {
        if (!flag_without_value(arg, "--verbose"))
            return -1;
        out->verbose = true;
        return 1;
    }
    return 0;
}

static int usage_error(const char *command)
{
    odx_help_usage(stderr, command);
    fputs("Try 'odxprobe --help'.\n", stderr);
    return ODX_EXIT_USAGE;
}

static bool is_help(const char *arg)
{
    return strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0;
}

static void utc_now(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm *tm = gmtime(&now);
    if (!tm || strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", tm) == 0)
        snprintf(buf, size, "unknown");
}

int odx_cli_emit(const struct odx_output_opts *out, const struct odx_obs *obs,
                 const struct odx_analysis *an)
{
    char *json = NULL;
    size_t len = 0;
    char err[512];
    enum odx_status st;
    int rc = ODX_EXIT_OK;

    if (out->json || out->output) {
        st = odx_report_render(obs, an, &json, &len);
        if (st != ODX_OK) {
            odx_cli_error("cannot render the report: %s", odx_status_message(st));
            return ODX_EXIT_INCOMPLETE;
        }
    }
    if (out->output) {
        st = odx_sys_write_new_file(out->output, json, len, err, sizeof(err));
        if (st != ODX_OK) {
            odx_cli_error("%s", err);
            rc = ODX_EXIT_INCOMPLETE;
        } else if (out->verbose) {
            fprintf(stderr, "odxprobe: report written to %s\n", out->output);
        }
    }
    if (out->json)
        fwrite(json, 1, len, stdout);
    else
        odx_summary_print(stdout, obs, an);
    odx_free(json);
    /* A full disk or closed pipe on stdout must not pass for success. */
    if (fflush(stdout) != 0 || ferror(stdout)) {
        odx_cli_error("cannot write to standard output: %s", strerror(errno));
        rc = ODX_EXIT_INCOMPLETE;
    }
    return rc;
}

/* Shared tail of probe and analyze: analyse, emit, pick the exit code. */
static int analyse_and_emit(const struct odx_output_opts *out, const struct odx_obs *obs)
{
    struct odx_analysis *an = NULL;
    enum odx_status st = odx_analyze(obs, &an);
    int rc;
    if (st != ODX_OK) {
        odx_cli_error("cannot analyse the observations: %s", odx_status_message(st));
        return st == ODX_E_INVAL ? ODX_EXIT_USAGE : ODX_EXIT_INCOMPLETE;
    }
    rc = odx_cli_emit(out, obs, an);
    if (rc == ODX_EXIT_OK)
        rc = odx_cli_exit_for(an->outcome);
    odx_analysis_free(an);
    return rc;
}

int odx_cmd_probe(int argc, char **argv)
{
    struct args a = {argc, argv, 1, false};
    struct odx_output_opts out = {false, NULL, false};
    struct odx_probe_options opts;
    const char **volumes = NULL, **paths = NULL;
    const struct odx_backend *be;
    struct odx_obs *obs = NULL;
    char when[32], err[512];
    enum odx_status st;
    int rc = ODX_EXIT_USAGE, r;

    memset(&opts, 0, sizeof(opts));
    opts.trial_size = ODX_TRIAL_SIZE_DEFAULT;
    /* Every argument could be a --volume or --path: size the lists once. */
    volumes = odx_calloc((size_t)argc, sizeof(*volumes));
    paths = odx_calloc((size_t)argc, sizeof(*paths));
    if (!volumes || !paths) {
        odx_cli_error("out of memory");
        rc = ODX_EXIT_INCOMPLETE;
        goto out;
    }
    for (; a.i < argc; a.i++) {
        const char *arg = argv[a.i];
        const char *v;
        if (is_help(arg)) {
            odx_help_print(stdout, NULL);
            rc = ODX_EXIT_OK;
            goto out;
        }
        if ((r = output_option(&a, &out)) < 0)
            goto usage;
        if (r > 0)
            continue;
        if (is_opt(&a, arg, "--volume", 0)) {
            if (!(v = opt_value(&a, "--volume", 0)))
                goto usage;
            volumes[opts.n_volumes++] = v;
        } else if (is_opt(&a, arg, "--path", 0)) {
            if (!(v = opt_value(&a, "--path", 0)))
                goto usage;
            paths[opts.n_paths++] = v;
        } else if (is_opt(&a, arg, "--cross", 0)) {
            if (!flag_without_value(arg, "--cross"))
                goto usage;
            opts.cross = true;
        } else if (is_opt(&a, arg, "--static", 0)) {
            if (!flag_without_value(arg, "--static"))
                goto usage;
            opts.static_only = true;
        } else if (is_opt(&a, arg, "--size", 0)) {
            if (!(v = opt_value(&a, "--size", 0)))
                goto usage;
            if (!parse_size(v, &opts.trial_size)) {
                odx_cli_error("--size '%s' is not a size (examples: 1M, 262144, 4M)", v);
                goto usage;
            }
        } else {
            odx_cli_error("unknown option or argument '%s'", arg);
            goto usage;
        }
    }
    if (opts.static_only && opts.cross) {
        odx_cli_error("--cross needs trials, and --static does none");
        goto usage;
    }
    opts.volumes = volumes;
    opts.paths = paths;
    opts.tool_version = ODX_VERSION;
    utc_now(when, sizeof(when));
    opts.probe_time = when;

    be = odx_backend_native();
    if (!be) {
        odx_cli_error("odxprobe has no probe for this operating system; 'odxprobe analyze "
                      "REPORT.json' reads reports from any system");
        rc = ODX_EXIT_INCOMPLETE;
        goto out;
    }
    if (out.verbose)
        fprintf(stderr, "odxprobe: probing with the %s back end\n", be->name);
    odx_sys_on_interrupt(odx_probe_interrupt);
    st = odx_probe_run(be, &opts, &obs, err, sizeof(err));
    if (st == ODX_E_NOT_FOUND || st == ODX_E_INVAL || st == ODX_E_UNSUPPORTED) {
        odx_cli_error("%s", err);
        rc = ODX_EXIT_USAGE;
        goto out;
    }
    if (st != ODX_OK) {
        odx_cli_error("the probe failed: %s", odx_status_message(st));
        rc = ODX_EXIT_INCOMPLETE;
        goto out;
    }
    rc = analyse_and_emit(&out, obs);
    goto out;
usage:
    rc = usage_error(NULL);
out:
    odx_obs_free(obs);
    odx_free((void *)volumes);
    odx_free((void *)paths);
    return rc;
}

int odx_cmd_analyze(int argc, char **argv)
{
    struct args a = {argc, argv, 2, false};
    struct odx_output_opts out = {false, NULL, false};
    const char *report = NULL;
    char *text = NULL;
    size_t len = 0;
    struct odx_obs *obs = NULL;
    char err[512];
    enum odx_status st;
    int rc, r;

    for (; a.i < argc; a.i++) {
        const char *arg = argv[a.i];
        if (!a.done && strcmp(arg, "--") == 0) {
            a.done = true;
            continue;
        }
        if (!a.done && is_help(arg)) {
            odx_help_print(stdout, "analyze");
            return ODX_EXIT_OK;
        }
        if ((r = output_option(&a, &out)) < 0)
            return usage_error("analyze");
        if (r > 0)
            continue;
        if (!a.done && arg[0] == '-' && arg[1] != '\0') {
            odx_cli_error("unknown option '%s'", arg);
            return usage_error("analyze");
        }
        if (report) {
            odx_cli_error("analyze takes one report, not '%s' too", arg);
            return usage_error("analyze");
        }
        report = arg;
    }
    if (!report) {
        odx_cli_error("analyze needs a report file");
        return usage_error("analyze");
    }
    st = odx_report_read_file(report, ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err));
    if (st != ODX_OK) {
        odx_cli_error("%s", err);
        return st == ODX_E_NOMEM ? ODX_EXIT_INCOMPLETE : ODX_EXIT_USAGE;
    }
    st = odx_report_parse(text, len, &obs, err, sizeof(err));
    odx_free(text); /* the observation holds copies: free the text before analysing */
    if (st != ODX_OK) {
        odx_cli_error("%s: %s", report, err);
        return st == ODX_E_NOMEM ? ODX_EXIT_INCOMPLETE : ODX_EXIT_USAGE;
    }
    rc = analyse_and_emit(&out, obs);
    odx_obs_free(obs);
    return rc;
}

struct command {
    const char *name;
    int (*run)(int argc, char **argv);
};

static const struct command commands[] = {
    {"analyze", odx_cmd_analyze},
    {"explain", odx_cmd_explain},
};

#ifdef _WIN32
/* mingw's CRT expands wildcards in arguments unless told not to: "C:\*" must stay as typed. */
int _dowildcard = 0;
#endif

int main(int argc, char **argv)
{
    size_t i;
    if (odx_sys_init(&argc, &argv) != ODX_OK) {
        odx_cli_error("out of memory");
        return ODX_EXIT_INCOMPLETE;
    }
    if (argc >= 2) {
        if (is_help(argv[1]) || strcmp(argv[1], "help") == 0) {
            odx_help_print(stdout, argc >= 3 ? argv[2] : NULL);
            return ODX_EXIT_OK;
        }
        if (strcmp(argv[1], "--version") == 0) {
            printf("odxprobe %s (report schema %d)\n", ODX_VERSION, ODX_REPORT_SCHEMA_VERSION);
            return ODX_EXIT_OK;
        }
        for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
            if (strcmp(argv[1], commands[i].name) == 0)
                return commands[i].run(argc, argv);
    }
    return odx_cmd_probe(argc, argv);
}
