/*
 * Analysis: from observations (model.h) to one verdict per target, with the
 * evidence that led to it and a remedy. Pure: no OS, no I/O, no clock, so a
 * live probe and a saved report re-analysed anywhere give the same result.
 *
 * Ownership: odx_analyze() returns a struct odx_analysis that owns its own
 * strings and arrays (freed by odx_analysis_free). It also points into the
 * observation it was made from (filter names, altitudes), so it must be
 * freed before that observation.
 *
 * Targets: every selected volume gets one result (struct odx_result), and so
 * does every --cross pair and every --path. Volumes that are not selected
 * get none.
 *
 * Linux layers: a mount's instances are its stack from the top, each with a
 * role: "filesystem" (the mount's own file system), "overlay" with its
 * "upper" and "lower" directories (fs_type = the file system holding each),
 * "fuse" (filter = the FUSE subtype, "fuse" when none), "stacked" (ecryptfs
 * and the like), "block" (filter = "loop", "dm-crypt", "lvm", "dm", "md",
 * "zram", "disk") and "backing-file" (a loop device's image; fs_type = the
 * file system holding it).
 */
#ifndef ODX_ANALYSIS_H
#define ODX_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/model.h"
#include "odx/status.h"

enum odx_verdict {
    ODX_VERDICT_WORKS = 0,         /* the trial succeeded and the copy verified */
    ODX_VERDICT_BLOCKED_BY_POLICY, /* FilterSupportedFeaturesMode = 1 */
    ODX_VERDICT_BLOCKED_BY_FILTER, /* a filter (Linux: a layer) has not opted in */
    ODX_VERDICT_VETOED_IN_CODE,    /* 4440/4441 although every instance declares the bits */
    ODX_VERDICT_FILE_REFUSED,      /* 4442/4443: this file cannot be offloaded */
    ODX_VERDICT_UNSUPPORTED,       /* file system or storage cannot offload (1, 50, 316, 321) */
    ODX_VERDICT_TOKEN_PROBLEM,     /* 315: token invalid or expired */
    ODX_VERDICT_REMOTE,            /* remote path: the blocker may sit on the server */
    ODX_VERDICT_COPY_MISMATCH,     /* offload said yes but the copy differs from the source */
    ODX_VERDICT_NOT_TESTED,        /* --static, skipped volume: the result says why */
    ODX_VERDICT_UNKNOWN,           /* tested, but the outcome fits no class */
    ODX_VERDICT_COUNT
};

enum odx_target_kind {
    ODX_TARGET_VOLUME = 0,
    ODX_TARGET_PAIR,
    ODX_TARGET_PATH,
};

/* Where the SupportedFeatures value a culprit was judged by came from. */
enum odx_bits_source {
    ODX_BITS_NONE = 0,     /* not known (registry not read, filter not listed) or a Linux layer */
    ODX_BITS_RUNTIME,      /* the instance's runtime value (fltmc SprtFtrs) */
    ODX_BITS_REGISTRY,     /* no runtime value (pre-Windows 8 record): the declared value */
    ODX_BITS_NOT_DECLARED, /* neither exists: treated as 0, an inference [S5] */
};

/* A filter instance (or Linux layer) named as a blocker or a suspect. */
struct odx_culprit {
    const char *filter;
    const char *instance;
    const char *altitude;
    enum odx_filter_kind kind;
    size_t volume;                          /* the volume it is attached to, or ODX_NONE */
    struct odx_opt_u32 runtime;             /* runtime SupportedFeatures, when known */
    struct odx_setting declared;            /* Services\<f>\SupportedFeatures */
    struct odx_setting declared_parameters; /* Services\<f>\Parameters\SupportedFeatures */
    enum odx_bits_source bits_from;         /* which of the three the verdict used */
    uint32_t features;                      /* the value used (0 for NOT_DECLARED and NONE) */
    bool lacks_read;                        /* bit 0x1 clear (blockers only) */
    bool lacks_write;                       /* bit 0x2 clear (blockers only) */
    bool microsoft;                         /* listed among Microsoft's filters */
    const char *reason;                     /* one line: why it is named */
};

enum odx_flag_kind {
    ODX_FLAG_DECLARED_RUNTIME_MISMATCH = 0, /* registry and runtime SupportedFeatures disagree */
    ODX_FLAG_DECLARED_LOCATIONS_DIFFER,     /* Services\f and Services\f\Parameters disagree */
    ODX_FLAG_LEGACY_FILTER,                 /* a legacy filter is attached */
    ODX_FLAG_BITS_BLOCK_BUT_TRIAL_WORKED,   /* bits say blocked, the trial still worked */
    ODX_FLAG_BITS_ALLOW_BUT_TRIAL_REFUSED,  /* bits say allowed, the trial was refused */
    ODX_FLAG_NOT_ELEVATED,                  /* filters could not be listed without elevation */
    ODX_FLAG_ENUMERATION_FAILED,            /* instances could not be listed */
    ODX_FLAG_STORAGE_NO_DESCRIPTOR,         /* the storage gave no copy-offload descriptor */
    ODX_FLAG_CLEANUP_FAILED,                /* a trial could not remove what it created */
    ODX_FLAG_INTERRUPTED,                   /* the probe was interrupted */
    ODX_FLAG_ZERO_TOKEN,                    /* offload read gave the zero token for non-zero data */
    ODX_FLAG_BYTE_COPY,                     /* copy_file_range copied bytes, nothing was shared */
    ODX_FLAG_POLICY_UNREADABLE,             /* FilterSupportedFeaturesMode could not be read */
    ODX_FLAG_COUNT
};

struct odx_flag {
    enum odx_flag_kind kind;
    const char *filter; /* the filter concerned, or NULL */
    const char *text;   /* one line, with the raw numbers */
};

struct odx_result {
    enum odx_target_kind target;
    size_t volume;      /* source volume, or ODX_NONE (a path on no known volume) */
    size_t dest_volume; /* ODX_TARGET_PAIR only, else ODX_NONE */
    size_t trial;       /* the trial that decided, or ODX_NONE */
    const char *label;  /* "C:", "C: -> E:", "\\srv\share\dir" */
    enum odx_verdict verdict;
    const char *headline;  /* one line for the console */
    const char **evidence; /* facts that led to the verdict, raw numbers included */
    size_t n_evidence;
    const char *remedy;      /* what to do, or NULL when nothing is needed */
    struct odx_code code;    /* the deciding trial code (kind NONE when no trial decided) */
    enum odx_stage_id stage; /* the stage of that code; ODX_STAGE_COUNT when code is NONE */
    /*
     * Filters or layers that block, in altitude order, top first (for a
     * pair: the source's, then the destination's). Usually only with
     * blocked_by_filter; an unsupported verdict may list filters that
     * would block as well once the storage or file system is fixed.
     */
    struct odx_culprit *blockers;
    size_t n_blockers;
    /*
     * Filters that may veto although they declare support: the
     * non-Microsoft ones top first, then Microsoft's (microsoft = true).
     * With blocked_by_filter and no blocker named: the instances whose
     * SupportedFeatures could not be learned.
     */
    struct odx_culprit *suspects;
    size_t n_suspects;
    struct odx_flag *flags;
    size_t n_flags;
};

/* What the whole run found; the CLI maps it to an exit code. */
enum odx_outcome {
    ODX_OUTCOME_OK = 0,     /* no blocker found */
    ODX_OUTCOME_BLOCKERS,   /* at least one target cannot offload, and the report says why */
    ODX_OUTCOME_INCOMPLETE, /* no blocker found, but some target could not be decided */
};

struct odx_analysis {
    struct odx_result *results;
    size_t n_results;
    struct odx_flag *flags; /* machine-wide: policy, legacy filters, elevation */
    size_t n_flags;
    size_t counts[ODX_VERDICT_COUNT];
    enum odx_outcome outcome;
    struct odx_analysis_private *priv;
};

/*
 * Analyse obs. On success *out owns a new analysis (free with
 * odx_analysis_free). Returns ODX_E_NOMEM, or ODX_E_INVAL for an observation
 * whose indexes point outside its arrays; *out is NULL on failure.
 */
enum odx_status odx_analyze(const struct odx_obs *obs, struct odx_analysis **out);

/* Frees a. Accepts NULL. */
void odx_analysis_free(struct odx_analysis *a);

/* Whether a verdict means "offload does not work here, and we can say why". */
bool odx_verdict_is_blocker(enum odx_verdict v);

/* Names used in the report ("blocked_by_filter"); static storage. */
const char *odx_verdict_name(enum odx_verdict v);
bool odx_verdict_from_name(const char *name, enum odx_verdict *out);
const char *odx_target_kind_name(enum odx_target_kind k);
const char *odx_bits_source_name(enum odx_bits_source s); /* "none", "runtime", ... */
const char *odx_flag_name(enum odx_flag_kind k);
const char *odx_outcome_name(enum odx_outcome o);

/* The command's exit code for an outcome: 0 no blocker, 1 blockers, 2 incomplete (docs/cli.md;
 * src/cli/cli.h names them). Here so that tests can check a report's exit code. */
int odx_outcome_exit_code(enum odx_outcome o);

#endif
