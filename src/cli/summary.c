/*
 * The short human summary printed on the console: one block per target,
 * problems first, and the overall result. Every string that came from a
 * report is sanitised on the way out: a report is someone else's file, and
 * must not be able to send escape sequences to the reader's terminal.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "odx/knowledge.h"

/* Past this many targets the summary lists only problems; the report has them all. */
#define SUMMARY_MAX_LINES 40

void odx_cli_put_safe(FILE *f, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!s) {
        fputs("(unknown)", f);
        return;
    }
    for (; *p; p++) {
        /* C0 controls, DEL, and C1 controls (U+0080..U+009F, UTF-8 C2 80..C2 9F). */
        if (*p < 0x20 || *p == 0x7F) {
            fputc('?', f);
        } else if (*p == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
            fputc('?', f);
            p++;
        } else {
            fputc(*p, f);
        }
    }
}

static const char *verdict_words(enum odx_verdict v)
{
    switch (v) {
    case ODX_VERDICT_WORKS:
        return "works";
    case ODX_VERDICT_BLOCKED_BY_POLICY:
        return "BLOCKED by policy";
    case ODX_VERDICT_BLOCKED_BY_FILTER:
        return "BLOCKED by filter";
    case ODX_VERDICT_VETOED_IN_CODE:
        return "REFUSED by a filter";
    case ODX_VERDICT_FILE_REFUSED:
        return "REFUSED for the file";
    case ODX_VERDICT_UNSUPPORTED:
        return "NOT SUPPORTED";
    case ODX_VERDICT_TOKEN_PROBLEM:
        return "TOKEN problem";
    case ODX_VERDICT_REMOTE:
        return "FAILS (remote)";
    case ODX_VERDICT_COPY_MISMATCH:
        return "DATA MISMATCH";
    case ODX_VERDICT_NOT_TESTED:
        return "not tested";
    case ODX_VERDICT_UNKNOWN:
    case ODX_VERDICT_COUNT:
    default:
        return "UNKNOWN";
    }
}

/* Display width of a UTF-8 string, counting code points (good enough for labels). */
static size_t width(const char *s)
{
    size_t n = 0;
    for (; s && *s; s++)
        if (((unsigned char)*s & 0xC0) != 0x80)
            n++;
    return n;
}

static void pad(FILE *f, size_t n)
{
    while (n--)
        fputc(' ', f);
}

static void print_host(FILE *f, const struct odx_obs *obs)
{
    const struct odx_host *h = &obs->host;
    fputs("odxprobe ", f);
    odx_cli_put_safe(f, h->tool_version ? h->tool_version : "?");
    fputs(": copy offload on ", f);
    odx_cli_put_safe(f, h->name ? h->name : "this machine");
    fputs("\n  ", f);
    odx_cli_put_safe(f, h->os_name ? h->os_name : odx_platform_name(obs->platform));
    if (h->os_version) {
        fputc(' ', f);
        odx_cli_put_safe(f, h->os_version);
    }
    if (h->os_build) {
        fputs(" (build ", f);
        odx_cli_put_safe(f, h->os_build);
        fputc(')', f);
    }
    if (h->elevated == ODX_TRI_YES)
        fputs(obs->platform == ODX_PLATFORM_WINDOWS ? ", elevated" : ", root", f);
    else if (h->elevated == ODX_TRI_NO)
        fputs(obs->platform == ODX_PLATFORM_WINDOWS ? ", NOT elevated" : ", not root", f);
    if (h->probe_time) {
        fputs(", ", f);
        odx_cli_put_safe(f, h->probe_time);
    }
    fputc('\n', f);
    if (obs->platform == ODX_PLATFORM_WINDOWS) {
        const struct odx_setting *m = &obs->features_mode;
        fputs("  FilterSupportedFeaturesMode: ", f);
        if (m->state == ODX_SETTING_PRESENT)
            fprintf(f, "%" PRIu32 "%s\n", m->value,
                    m->value == 1 ? " (offload disabled for every filter)" : "");
        else if (m->state == ODX_SETTING_ABSENT)
            fputs("not set (filters opt in one by one)\n", f);
        else if (m->state == ODX_SETTING_ERROR)
            fputs("could not be read\n", f);
        else
            fputs("not read\n", f);
    }
    if (obs->run.static_only)
        fputs("  --static: no trial copies were made\n", f);
    if (obs->run.interrupted)
        fputs("  INTERRUPTED: the probe stopped before it finished\n", f);
}

static bool is_problem(enum odx_verdict v)
{
    return odx_verdict_is_blocker(v) || v == ODX_VERDICT_UNKNOWN;
}

static void print_result(FILE *f, const struct odx_result *r, size_t label_width)
{
    size_t i;
    fputs("  ", f);
    odx_cli_put_safe(f, r->label);
    pad(f, label_width > width(r->label) ? label_width - width(r->label) : 0);
    fprintf(f, "  %-20s ", verdict_words(r->verdict));
    odx_cli_put_safe(f, r->headline);
    fputc('\n', f);
    /* A single blocker is already named in the headline. */
    for (i = 0; r->n_blockers > 1 && i < r->n_blockers; i++) {
        pad(f, label_width + 4);
        fputs("blocker: ", f);
        odx_cli_put_safe(f, r->blockers[i].filter);
        if (r->blockers[i].altitude) {
            fputs(" at ", f);
            odx_cli_put_safe(f, r->blockers[i].altitude);
        }
        if (r->blockers[i].reason) {
            fputs(": ", f);
            odx_cli_put_safe(f, r->blockers[i].reason);
        }
        fputc('\n', f);
    }
    if (r->n_suspects) {
        pad(f, label_width + 4);
        fputs("suspects:", f);
        for (i = 0; i < r->n_suspects && i < 6; i++) {
            fputs(i ? ", " : " ", f);
            odx_cli_put_safe(f, r->suspects[i].filter);
        }
        if (r->n_suspects > 6)
            fprintf(f, " and %zu more", r->n_suspects - 6);
        fputc('\n', f);
    }
    if (r->remedy && is_problem(r->verdict)) {
        pad(f, label_width + 4);
        fputs("what to do: ", f);
        odx_cli_put_safe(f, r->remedy);
        fputc('\n', f);
    }
}

void odx_summary_print(FILE *f, const struct odx_obs *obs, const struct odx_analysis *an)
{
    size_t i, label_width = 0, shown = 0, v;
    bool all = an->n_results <= SUMMARY_MAX_LINES;

    print_host(f, obs);
    fputc('\n', f);
    for (i = 0; i < an->n_results; i++) {
        size_t w = width(an->results[i].label);
        if (w > label_width)
            label_width = w;
    }
    if (label_width > 28)
        label_width = 28;
    if (an->n_results == 0)
        fputs("  No volume was examined.\n", f);
    /* Problems first, so that on a large machine they are what is seen. */
    for (i = 0; i < an->n_results && shown < SUMMARY_MAX_LINES; i++)
        if (is_problem(an->results[i].verdict)) {
            print_result(f, &an->results[i], label_width);
            shown++;
        }
    for (i = 0; all && i < an->n_results; i++)
        if (!is_problem(an->results[i].verdict)) {
            print_result(f, &an->results[i], label_width);
            shown++;
        }
    if (shown < an->n_results)
        fprintf(f, "  ... %zu more targets; the JSON report (--json, -o FILE) lists them all\n",
                an->n_results - shown);
    if (an->n_flags) {
        fputc('\n', f);
        for (i = 0; i < an->n_flags; i++) {
            fputs("  note: ", f);
            odx_cli_put_safe(f, an->flags[i].text);
            fputc('\n', f);
        }
    }
    fputs("\nResult: ", f);
    switch (an->outcome) {
    case ODX_OUTCOME_OK:
        fputs("no blocker found", f);
        break;
    case ODX_OUTCOME_BLOCKERS:
        fputs("copy offload is blocked", f);
        break;
    case ODX_OUTCOME_INCOMPLETE:
    default:
        fputs("incomplete: some targets could not be decided", f);
        break;
    }
    fputs(" (", f);
    for (v = 0, i = 0; v < ODX_VERDICT_COUNT; v++) {
        if (!an->counts[v])
            continue;
        fprintf(f, "%s%zu %s", i++ ? ", " : "", an->counts[v],
                odx_verdict_name((enum odx_verdict)v));
    }
    fputs(i ? ")\n" : "nothing examined)\n", f);
}
