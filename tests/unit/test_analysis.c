/*
 * The analysis: every verdict class and every flag from observations built
 * in C, the outcome rule, result order, determinism, ODX_E_INVAL on a bad
 * index, and ODX_E_NOMEM on every failed allocation.
 */
#include "check.h"
#include "obs_build.h"
#include "odx/alloc.h"
#include "odx/analysis.h"

/* ---- lookups over a result ---------------------------------------------- */

static bool has_evidence(const struct odx_result *r, const char *needle)
{
    size_t i;
    for (i = 0; i < r->n_evidence; i++)
        if (strstr(r->evidence[i], needle))
            return true;
    return false;
}

static bool has_evidence_line(const struct odx_result *r, const char *line)
{
    size_t i;
    for (i = 0; i < r->n_evidence; i++)
        if (strcmp(r->evidence[i], line) == 0)
            return true;
    return false;
}

static const struct odx_flag *find_flag(const struct odx_flag *flags, size_t n,
                                        enum odx_flag_kind kind)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (flags[i].kind == kind)
            return &flags[i];
    return NULL;
}

static bool has_flag(const struct odx_result *r, enum odx_flag_kind kind)
{
    return find_flag(r->flags, r->n_flags, kind) != NULL;
}

static bool has_mflag(const struct odx_analysis *a, enum odx_flag_kind kind)
{
    return find_flag(a->flags, a->n_flags, kind) != NULL;
}

static void dump(const struct odx_analysis *a)
{
    size_t i, j;
    for (i = 0; i < a->n_results; i++) {
        const struct odx_result *r = &a->results[i];
        fprintf(stderr, "  [%zu] %s %s: %s\n", i, r->label, odx_verdict_name(r->verdict),
                r->headline ? r->headline : "(no headline)");
        for (j = 0; j < r->n_evidence; j++)
            fprintf(stderr, "      - %s\n", r->evidence[j]);
        for (j = 0; j < r->n_flags; j++)
            fprintf(stderr, "      ! %s: %s\n", odx_flag_name(r->flags[j].kind), r->flags[j].text);
        if (r->remedy)
            fprintf(stderr, "      > %s\n", r->remedy);
    }
}

static struct odx_analysis *analyse(const struct odx_obs *obs)
{
    struct odx_analysis *a = NULL;
    enum odx_status st = odx_analyze(obs, &a);
    CHECK_INT(st, ODX_OK);
    if (st != ODX_OK) {
        fprintf(stderr, "odx_analyze: %s\n", odx_status_name(st));
        exit(1);
    }
    if (getenv("ODX_TEST_DUMP"))
        dump(a);
    return a;
}

/* The usual C: volume: Microsoft's in-box filters at 0xF. */
static struct odx_obs *windows_c(size_t *c)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    *c = ob_volume(obs, "C:", "\\Device\\HarddiskVolume3");
    ob_inbox(obs, *c);
    return obs;
}

/* ---- Windows ----------------------------------------------------------- */

static void test_works(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    a = analyse(obs);
    CHECK_U64(a->n_results, 1);
    CHECK_STR(a->results[0].label, "C:");
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
    CHECK_U64(a->results[0].trial, 0);
    CHECK_U64(a->results[0].n_blockers, 0);
    CHECK(a->results[0].remedy == NULL);
    CHECK(has_evidence(&a->results[0], "copied 1048576 of 1048576 bytes"));
    CHECK_INT(a->results[0].code.kind, ODX_CODE_NONE);
    CHECK_INT(a->results[0].stage, ODX_STAGE_COUNT);
    CHECK_INT(a->outcome, ODX_OUTCOME_OK);
    CHECK_U64(a->counts[ODX_VERDICT_WORKS], 1);
    CHECK_U64(a->n_flags, 0);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* The product's main case: one third-party filter lacks 0x2, the in-box ones are at 0xF. */
static void test_filter_lacks_write(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    const struct odx_result *r;
    ob_filter(obs, "AcmeShield", "328123", ODX_FILTER_MINI, 0x1, ABSENT);
    ob_instance(obs, c, "AcmeShield", "AcmeShield Instance", "328123", ODX_FILTER_MINI, 0x1);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(r->n_blockers, 1);
    CHECK_STR(r->blockers[0].filter, "AcmeShield");
    CHECK_STR(r->blockers[0].instance, "AcmeShield Instance");
    CHECK_STR(r->blockers[0].altitude, "328123");
    CHECK(r->blockers[0].lacks_write);
    CHECK(!r->blockers[0].lacks_read);
    CHECK(!r->blockers[0].microsoft);
    CHECK_INT(r->blockers[0].bits_from, ODX_BITS_RUNTIME);
    CHECK_U64(r->blockers[0].volume, c);
    CHECK_INT(r->code.kind, ODX_CODE_WIN32);
    CHECK_U64(r->code.value, 4441);
    CHECK_INT(r->stage, ODX_STAGE_OFFLOAD_WRITE);
    CHECK(has_evidence_line(r, "trial: FSCTL_OFFLOAD_WRITE failed with "
                               "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED (4441, 0x1159)"));
    CHECK(has_evidence_line(r, "instance 'AcmeShield Instance' of AcmeShield at altitude 328123 "
                               "has SupportedFeatures 0x1 (offload_read): lacks offload_write "
                               "(0x2)"));
    CHECK(has_evidence_line(r, "registry: Services\\AcmeShield\\SupportedFeatures = 0x1"));
    CHECK(has_evidence_line(r, "registry: Services\\AcmeShield\\Parameters\\SupportedFeatures "
                               "absent"));
    CHECK(strstr(r->headline, "AcmeShield") != NULL);
    CHECK(r->remedy && strstr(r->remedy, "vendor"));
    CHECK(!has_flag(r, ODX_FLAG_BITS_ALLOW_BUT_TRIAL_REFUSED));
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    CHECK_U64(a->counts[ODX_VERDICT_BLOCKED_BY_FILTER], 1);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* Two filters lack bits: both named, top of the stack first, whatever the listing order. */
static void test_every_blocker_in_altitude_order(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    const struct odx_result *r;
    ob_filter_on(obs, c, "LowFlt", "145000", 0x0);
    ob_filter_on(obs, c, "HighFlt", "385100.5", 0x1);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(4440));
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(r->n_blockers, 2);
    if (r->n_blockers == 2) {
        CHECK_STR(r->blockers[0].filter, "HighFlt");
        CHECK_STR(r->blockers[1].filter, "LowFlt");
        CHECK(r->blockers[0].lacks_write && !r->blockers[0].lacks_read);
        CHECK(r->blockers[1].lacks_write && r->blockers[1].lacks_read);
    }
    CHECK(has_evidence(r, "ERROR_OFFLOAD_READ_FLT_NOT_SUPPORTED (4440, 0x1158)"));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

struct bits_case {
    long runtime;
    long declared;
    long parameters;
    size_t blockers;
    bool lacks_read, lacks_write;
    enum odx_bits_source from;
};

/* SupportedFeatures decoded bit by bit: 0x3, 0xB, 0x1, 0x2, 0x0, and absent values. */
static void test_bits(void)
{
    static const struct bits_case cases[] = {
        {0x3, 0x3, ABSENT, 0, false, false, ODX_BITS_RUNTIME},
        {0xB, 0xB, ABSENT, 0, false, false, ODX_BITS_RUNTIME},
        {0x7, 0x7, ABSENT, 0, false, false, ODX_BITS_RUNTIME},
        {0x1, 0x1, ABSENT, 1, false, true, ODX_BITS_RUNTIME},
        {0x2, 0x2, ABSENT, 1, true, false, ODX_BITS_RUNTIME},
        {0x0, 0x0, ABSENT, 1, true, true, ODX_BITS_RUNTIME},
        {0x8, 0x8, ABSENT, 1, true, true, ODX_BITS_RUNTIME},
        /* No runtime value: the registry stands in, either location. */
        {ABSENT, 0x1, ABSENT, 1, false, true, ODX_BITS_REGISTRY},
        {ABSENT, ABSENT, 0x3, 0, false, false, ODX_BITS_REGISTRY},
        {ABSENT, 0x3, 0x1, 1, false, true, ODX_BITS_REGISTRY},
        /* Nothing anywhere: not declared, treated as 0. */
        {ABSENT, ABSENT, ABSENT, 1, true, true, ODX_BITS_NOT_DECLARED},
    };
    size_t k;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        const struct bits_case *bc = &cases[k];
        size_t c;
        struct odx_obs *obs = windows_c(&c);
        struct odx_analysis *a;
        const struct odx_result *r;
        obs->run.static_only = true;
        ob_filter(obs, "AcmeShield", "328123", ODX_FILTER_MINI, bc->declared, bc->parameters);
        ob_instance(obs, c, "AcmeShield", "AcmeShield Instance", "328123", ODX_FILTER_MINI,
                    bc->runtime);
        a = analyse(obs);
        r = &a->results[0];
        fprintf(stderr, "bits case %zu\n", k);
        CHECK_U64(r->n_blockers, bc->blockers);
        CHECK_INT(r->verdict,
                  bc->blockers ? ODX_VERDICT_BLOCKED_BY_FILTER : ODX_VERDICT_NOT_TESTED);
        if (r->n_blockers) {
            CHECK_INT(r->blockers[0].lacks_read, bc->lacks_read);
            CHECK_INT(r->blockers[0].lacks_write, bc->lacks_write);
            CHECK_INT(r->blockers[0].bits_from, bc->from);
            CHECK(has_evidence(r, "static: no trial was made"));
        }
        if (bc->from == ODX_BITS_REGISTRY && bc->blockers)
            CHECK(has_evidence(r, "falling back to its declared registry value"));
        if (bc->from == ODX_BITS_NOT_DECLARED) {
            CHECK(has_evidence(r, "not declared"));
            CHECK(has_evidence(r, "an inference"));
            CHECK(strstr(r->blockers[0].reason, "inferred") != NULL);
        }
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

static void test_policy(void)
{
    long values[] = {1, 0, ABSENT};
    size_t k;
    for (k = 0; k < 3; k++) {
        size_t c, d;
        struct odx_obs *obs = windows_c(&c);
        struct odx_analysis *a;
        d = ob_volume(obs, "D:", "\\Device\\HarddiskVolume4");
        ob_inbox(obs, d);
        ob_setting(&obs->features_mode, values[k]);
        ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(4440));
        /* D: was not tested (interrupted): the policy still applies to it. */
        obs->run.interrupted = values[k] == 1;
        a = analyse(obs);
        if (values[k] == 1) {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_BLOCKED_BY_POLICY);
            CHECK_INT(a->results[1].verdict, ODX_VERDICT_BLOCKED_BY_POLICY);
            CHECK(has_evidence(&a->results[0], "FilterSupportedFeaturesMode = 1"));
            CHECK(has_evidence(&a->results[0], "(4440, 0x1158)"));
            CHECK(strstr(a->results[0].remedy, "FilterSupportedFeaturesMode") != NULL);
            CHECK_U64(a->counts[ODX_VERDICT_BLOCKED_BY_POLICY], 2);
        } else {
            /* 0 explicit or absent: normal opt-in processing; all filters opted in. */
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_VETOED_IN_CODE);
            CHECK_INT(a->results[1].verdict, ODX_VERDICT_NOT_TESTED);
        }
        CHECK(!has_mflag(a, ODX_FLAG_POLICY_UNREADABLE));
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
    {
        size_t c;
        struct odx_obs *obs = windows_c(&c);
        struct odx_analysis *a;
        obs->features_mode.state = ODX_SETTING_ERROR;
        obs->features_mode.error = W32(5);
        ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
        a = analyse(obs);
        CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
        CHECK(has_mflag(a, ODX_FLAG_POLICY_UNREADABLE));
        CHECK(strstr(find_flag(a->flags, a->n_flags, ODX_FLAG_POLICY_UNREADABLE)->text,
                     "ERROR_ACCESS_DENIED (5, 0x5)") != NULL);
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

/* 4441 but the instances could not be listed: blocked_by_filter, nobody named. */
static void test_not_elevated(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    struct odx_analysis *a;
    const struct odx_result *r;
    size_t c = ob_volume(obs, "C:", "\\Device\\HarddiskVolume3");
    obs->host.elevated = ODX_TRI_NO;
    obs->filters_listed = ODX_TRI_NO;
    obs->volumes[c].instances_listed = ODX_TRI_NO;
    MUST(odx_obs_add_error(obs, "FilterFindFirst", NULL, HR(0x80070005), NULL));
    MUST(odx_obs_add_error(obs, "FilterVolumeInstanceFindFirst", "\\Device\\HarddiskVolume3",
                           HR(0x80070005), NULL));
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(r->n_blockers, 0);
    CHECK(has_flag(r, ODX_FLAG_NOT_ELEVATED));
    CHECK(has_mflag(a, ODX_FLAG_NOT_ELEVATED));
    CHECK(has_evidence(r, "FilterVolumeInstanceFindFirst on \\Device\\HarddiskVolume3 failed with "
                          "E_ACCESSDENIED (0x80070005)"));
    CHECK(r->remedy && strstr(r->remedy, "elevated"));
    CHECK(strstr(r->headline, "not elevated") != NULL);
    odx_analysis_free(a);

    /* Listing failed for another reason: enumeration_failed, same verdict. */
    obs->host.elevated = ODX_TRI_YES;
    obs->n_errors = 0;
    MUST(odx_obs_add_error(obs, "FilterVolumeInstanceFindFirst", "\\Device\\HarddiskVolume3",
                           HR(0x801F0014), NULL));
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK(has_flag(r, ODX_FLAG_ENUMERATION_FAILED));
    CHECK(!has_flag(r, ODX_FLAG_NOT_ELEVATED));
    CHECK(has_mflag(a, ODX_FLAG_ENUMERATION_FAILED));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* 4441 although every instance declares both bits: vetoed in code, third parties first. */
static void test_vetoed(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    const struct odx_result *r;
    ob_filter_on(obs, c, "AcmeAV", "321410", 0xF);
    ob_filter_on(obs, c, "AcmeBackup", "280500", 0x3);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_VETOED_IN_CODE);
    CHECK(has_flag(r, ODX_FLAG_BITS_ALLOW_BUT_TRIAL_REFUSED));
    CHECK_U64(r->n_blockers, 0);
    CHECK_U64(r->n_suspects, 5);
    if (r->n_suspects == 5) {
        CHECK_STR(r->suspects[0].filter, "AcmeAV");
        CHECK_STR(r->suspects[1].filter, "AcmeBackup");
        CHECK(!r->suspects[0].microsoft && !r->suspects[1].microsoft);
        CHECK_STR(r->suspects[2].filter, "WdFilter");
        CHECK_STR(r->suspects[3].filter, "Wof");
        CHECK_STR(r->suspects[4].filter, "FileInfo");
        CHECK(r->suspects[2].microsoft && r->suspects[4].microsoft);
    }
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* 4441 with one instance whose value could not be learned: it is the suspect. */
static void test_unknown_bits_suspect(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    const struct odx_result *r;
    ob_instance(obs, c, "Mystery", "Mystery Instance", "300100", ODX_FILTER_MINI, ABSENT);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(r->n_blockers, 0);
    CHECK_U64(r->n_suspects, 1);
    CHECK_STR(r->suspects[0].filter, "Mystery");
    CHECK_INT(r->suspects[0].bits_from, ODX_BITS_NONE);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_file_refused(void)
{
    uint32_t codes[] = {4442, 4443};
    size_t k;
    for (k = 0; k < 2; k++) {
        size_t c;
        struct odx_obs *obs = windows_c(&c);
        struct odx_analysis *a;
        const struct odx_result *r;
        if (k == 1)
            ob_filter_on(obs, c, "Dedup", "180450", 0xF);
        ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE,
                         k ? ODX_STAGE_OFFLOAD_WRITE : ODX_STAGE_OFFLOAD_READ, W32(codes[k]));
        a = analyse(obs);
        r = &a->results[0];
        CHECK_INT(r->verdict, ODX_VERDICT_FILE_REFUSED);
        CHECK_U64(r->code.value, codes[k]);
        CHECK(has_evidence(r, "compressed, sparse"));
        CHECK_INT(has_evidence(r, "Data Deduplication filter (Dedup) is attached"), k == 1);
        CHECK(odx_verdict_is_blocker(r->verdict));
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

struct code_case {
    enum odx_stage_id stage;
    uint32_t code;
    enum odx_verdict verdict;
    const char *evidence;
};

static void test_codes(void)
{
    static const struct code_case cases[] = {
        {ODX_STAGE_OFFLOAD_READ, 1, ODX_VERDICT_UNSUPPORTED, "ERROR_INVALID_FUNCTION (1, 0x1)"},
        {ODX_STAGE_OFFLOAD_READ, 50, ODX_VERDICT_UNSUPPORTED, "ERROR_NOT_SUPPORTED (50, 0x32)"},
        {ODX_STAGE_OFFLOAD_READ, 316, ODX_VERDICT_UNSUPPORTED,
         "ERROR_DEVICE_FEATURE_NOT_SUPPORTED (316, 0x13C)"},
        {ODX_STAGE_OFFLOAD_WRITE, 315, ODX_VERDICT_TOKEN_PROBLEM,
         "ERROR_INVALID_TOKEN (315, 0x13B)"},
        {ODX_STAGE_OFFLOAD_READ, 87, ODX_VERDICT_UNKNOWN, "odxprobe's own bug"},
        {ODX_STAGE_CREATE, 112, ODX_VERDICT_UNKNOWN,
         "trial: stage create failed with ERROR_DISK_FULL (112, 0x70)"},
        {ODX_STAGE_WRITE, 5, ODX_VERDICT_UNKNOWN, "ERROR_ACCESS_DENIED (5, 0x5)"},
        {ODX_STAGE_OFFLOAD_READ, 12345, ODX_VERDICT_UNKNOWN, "Win32 error 12345 (0x3039)"},
        {ODX_STAGE_VERIFY, 23, ODX_VERDICT_UNKNOWN, "not a mismatch"},
    };
    size_t k;
    for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
        size_t c;
        struct odx_obs *obs = windows_c(&c);
        struct odx_analysis *a;
        const struct odx_result *r;
        ob_filter_on(obs, c, "AcmeAV", "321410", 0xF);
        ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, cases[k].stage, W32(cases[k].code));
        a = analyse(obs);
        r = &a->results[0];
        fprintf(stderr, "code case %u\n", cases[k].code);
        CHECK_INT(r->verdict, cases[k].verdict);
        CHECK(has_evidence(r, cases[k].evidence));
        CHECK_U64(r->code.value, cases[k].code);
        CHECK_INT(r->stage, cases[k].stage);
        CHECK(r->remedy != NULL);
        if (cases[k].code == 50) {
            /* Every filter opted in and a descriptor: the filters are suspects. */
            CHECK_U64(r->n_suspects, 4);
            CHECK_STR(r->suspects[0].filter, "AcmeAV");
        }
        if (cases[k].code == 112)
            CHECK(strstr(r->remedy, "Free space") != NULL);
        CHECK_INT(a->outcome, cases[k].verdict == ODX_VERDICT_UNKNOWN ? ODX_OUTCOME_INCOMPLETE
                                                                      : ODX_OUTCOME_BLOCKERS);
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

/* 50 from a volume whose storage gave no descriptor: the storage is the answer. */
static void test_no_descriptor(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    obs->volumes[c].storage.state = ODX_STORAGE_ERROR;
    obs->volumes[c].storage.error = W32(50);
    obs->volumes[c].storage.queried_on = ob_str(obs, "\\\\.\\PhysicalDrive0");
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(50));
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_UNSUPPORTED);
    CHECK_U64(a->results[0].n_suspects, 0);
    CHECK(strstr(a->results[0].headline, "copy-offload descriptor") != NULL);
    CHECK(has_flag(&a->results[0], ODX_FLAG_STORAGE_NO_DESCRIPTOR));
    odx_analysis_free(a);
    /* The same storage, yet the trial worked: the flag is informational. */
    obs->n_trials = 0;
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
    CHECK(has_flag(&a->results[0], ODX_FLAG_STORAGE_NO_DESCRIPTOR));
    CHECK(
        strstr(find_flag(a->results[0].flags, a->results[0].n_flags, ODX_FLAG_STORAGE_NO_DESCRIPTOR)
                   ->text,
               "informational") != NULL);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_mismatch(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_VERIFY,
                     (struct odx_code){ODX_CODE_ODX, ODX_E_MISMATCH});
    obs->trials[0].zero_token = true;
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_COPY_MISMATCH);
    CHECK_INT(a->results[0].stage, ODX_STAGE_VERIFY);
    CHECK(has_flag(&a->results[0], ODX_FLAG_ZERO_TOKEN));
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    CHECK_STR(odx_status_name(ODX_E_MISMATCH), "ODX_E_MISMATCH");
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_cleanup_failed(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    const struct odx_flag *f;
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    obs->trials[0].stages[ODX_STAGE_CLEANUP].code = W32(32);
    obs->trials[0].stages[ODX_STAGE_CLEANUP].api = ob_str(obs, "RemoveDirectoryW");
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
    f = find_flag(a->results[0].flags, a->results[0].n_flags, ODX_FLAG_CLEANUP_FAILED);
    CHECK(f != NULL);
    if (f) {
        CHECK(strstr(f->text, "C:\\odxprobe-trial-1") != NULL);
        CHECK(strstr(f->text, "ERROR_SHARING_VIOLATION (32, 0x20)") != NULL);
    }
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_static(void)
{
    size_t c, d;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    obs->run.static_only = true;
    d = ob_volume(obs, "D:", "\\Device\\HarddiskVolume4");
    ob_inbox(obs, d);
    ob_filter(obs, "RsFx0603", "41006.03", ODX_FILTER_MINI, 0x0, ABSENT);
    ob_instance(obs, d, "RsFx0603", "RsFx0603 Instance", "41006.03", ODX_FILTER_MINI, 0x0);
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_NOT_TESTED);
    CHECK(strstr(a->results[0].headline, "--static") != NULL);
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(a->results[1].n_blockers, 1);
    CHECK_STR(a->results[1].blockers[0].filter, "RsFx0603");
    /* Microsoft's, and it still blocks: being Microsoft's excuses nothing. */
    CHECK(a->results[1].blockers[0].microsoft);
    CHECK_INT(a->results[1].code.kind, ODX_CODE_NONE);
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    odx_analysis_free(a);
    /* Without the blocker: all not tested, outcome ok. */
    obs->volumes[d].n_instances = 3;
    a = analyse(obs);
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_NOT_TESTED);
    CHECK_INT(a->outcome, ODX_OUTCOME_OK);
    CHECK_U64(a->counts[ODX_VERDICT_NOT_TESTED], 2);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* A static blocker still names the filter when the trial failed for another reason. */
static void test_blocker_after_other_failure(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    ob_filter_on(obs, c, "AcmeShield", "328123", 0x1);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_CREATE, W32(112));
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK(has_evidence(&a->results[0], "ERROR_DISK_FULL (112, 0x70)"));
    CHECK_STR(a->results[0].blockers[0].filter, "AcmeShield");
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* Bits and trial disagree the other way: lacking bits, yet the offload worked. */
static void test_bits_block_but_worked(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    ob_filter_on(obs, c, "AcmeShield", "328123", 0x1);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
    CHECK(has_flag(&a->results[0], ODX_FLAG_BITS_BLOCK_BUT_TRIAL_WORKED));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_skipped_fat(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    struct odx_analysis *a;
    size_t e = ob_volume(obs, "E:", "\\Device\\HarddiskVolume7");
    obs->volumes[e].file_system = ob_str(obs, "FAT32");
    obs->volumes[e].flt_fs_type.value = 3;
    obs->volumes[e].eligible = false;
    obs->volumes[e].skip_reason = ob_str(obs, "FAT32 has no offload");
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_NOT_TESTED);
    CHECK_STR(a->results[0].headline, "not tested: FAT32 has no offload");
    CHECK_INT(a->outcome, ODX_OUTCOME_OK);
    odx_analysis_free(a);
    /* Eligible after all (the user asked for it) and no trial worked: unsupported. */
    obs->volumes[e].eligible = true;
    obs->run.static_only = true;
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_UNSUPPORTED);
    CHECK(strstr(a->results[0].headline, "FAT") != NULL);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_remote_path(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    struct odx_analysis *a;
    struct odx_trial *t;
    size_t c = ob_volume(obs, "C:", "\\Device\\HarddiskVolume3");
    size_t mup = ob_volume(obs, NULL, "\\Device\\Mup");
    size_t ti;
    ob_inbox(obs, c);
    obs->volumes[mup].flt_fs_type.value = 13;
    obs->volumes[mup].file_system = ob_str(obs, "Remote");
    obs->volumes[mup].selected = false;
    obs->volumes[mup].storage.state = ODX_STORAGE_NOT_QUERIED;
    ob_filter_on(obs, mup, "FileInfo", "40500", 0xF);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    ti = ob_offload_trial(obs, ODX_SCOPE_PATH, mup, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(50));
    t = &obs->trials[ti];
    t->path = ob_str(obs, "\\\\srv\\share\\dir");
    t->remote = ODX_TRI_YES;
    MUST(odx_obs_add_run_path(obs, "\\\\srv\\share\\dir"));
    a = analyse(obs);
    CHECK_U64(a->n_results, 2);
    CHECK_INT(a->results[0].target, ODX_TARGET_VOLUME);
    CHECK_INT(a->results[1].target, ODX_TARGET_PATH);
    CHECK_STR(a->results[1].label, "\\\\srv\\share\\dir");
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_REMOTE);
    CHECK(strstr(a->results[1].headline, "server") != NULL);
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* \Device\Mup: a local instance lacking bits blocks; otherwise the server is the suspect. */
static void test_mup(void)
{
    size_t k;
    for (k = 0; k < 2; k++) {
        struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
        struct odx_analysis *a;
        size_t mup = ob_volume(obs, NULL, "\\Device\\Mup");
        obs->volumes[mup].flt_fs_type.value = 13;
        obs->volumes[mup].storage.state = ODX_STORAGE_NOT_QUERIED;
        ob_filter_on(obs, mup, "FileInfo", "40500", 0xF);
        ob_filter_on(obs, mup, "AcmeNetFlt", "368000", k == 0 ? 0x0 : 0x3);
        ob_offload_trial(obs, ODX_SCOPE_VOLUME, mup, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
        obs->trials[0].remote = ODX_TRI_YES;
        a = analyse(obs);
        if (k == 0) {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
            CHECK_STR(a->results[0].blockers[0].filter, "AcmeNetFlt");
        } else {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_REMOTE);
            CHECK(has_evidence(&a->results[0], "no local tool can list it"));
        }
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

static void test_legacy(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    ob_filter(obs, "AVLegacy", "389998.99", ODX_FILTER_LEGACY, 0x3, ABSENT);
    ob_instance(obs, c, "AVLegacy", "AVLegacy", "389998.99", ODX_FILTER_LEGACY, 0x3);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
    CHECK(has_flag(&a->results[0], ODX_FLAG_LEGACY_FILTER));
    CHECK(has_mflag(a, ODX_FLAG_LEGACY_FILTER));
    CHECK(strstr(find_flag(a->flags, a->n_flags, ODX_FLAG_LEGACY_FILTER)->text, "unconfirmed") !=
          NULL);
    odx_analysis_free(a);
    /* A legacy filter lacking the bits is named, with the caveat in evidence. */
    obs->volumes[c].instances[3].supported_features.value = 0x0;
    obs->n_trials = 0;
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(4440));
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_INT(a->results[0].blockers[0].kind, ODX_FILTER_LEGACY);
    CHECK(has_evidence(&a->results[0], "legacy filter 'AVLegacy' of AVLegacy"));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_declared_mismatch(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    const struct odx_result *r;
    /* Runtime allows, registry says no. */
    ob_filter(obs, "AcmeA", "321000", ODX_FILTER_MINI, 0x0, ABSENT);
    ob_instance(obs, c, "AcmeA", "AcmeA Instance", "321000", ODX_FILTER_MINI, 0xF);
    /* Runtime blocks, registry says yes (at the 24H2 location only). */
    ob_filter(obs, "AcmeB", "322000", ODX_FILTER_MINI, ABSENT, 0x3);
    ob_instance(obs, c, "AcmeB", "AcmeB Instance", "322000", ODX_FILTER_MINI, 0x1);
    /* The two registry locations disagree. */
    ob_filter(obs, "AcmeC", "323000", ODX_FILTER_MINI, 0x3, 0x1);
    ob_instance(obs, c, "AcmeC", "AcmeC Instance", "323000", ODX_FILTER_MINI, 0x3);
    obs->run.static_only = true;
    a = analyse(obs);
    r = &a->results[0];
    CHECK_INT(r->verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(r->n_blockers, 1);
    CHECK_STR(r->blockers[0].filter, "AcmeB");
    {
        size_t i, n_mismatch = 0;
        bool saw_a = false, saw_b = false;
        for (i = 0; i < r->n_flags; i++) {
            if (r->flags[i].kind != ODX_FLAG_DECLARED_RUNTIME_MISMATCH)
                continue;
            n_mismatch++;
            saw_a = saw_a || strcmp(r->flags[i].filter, "AcmeA") == 0;
            saw_b = saw_b || strcmp(r->flags[i].filter, "AcmeB") == 0;
            CHECK(strstr(r->flags[i].text, "unconfirmed") != NULL);
        }
        CHECK(saw_a && saw_b);
        /* AcmeC differs from its Parameters value (0x1) only. */
        CHECK_U64(n_mismatch, 3);
    }
    CHECK(has_flag(r, ODX_FLAG_DECLARED_LOCATIONS_DIFFER));
    CHECK(has_mflag(a, ODX_FLAG_DECLARED_LOCATIONS_DIFFER));
    CHECK(has_mflag(a, ODX_FLAG_DECLARED_RUNTIME_MISMATCH));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* A pair: read needs 0x1 on the source, write needs 0x2 on the destination. */
static void test_pair(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    struct odx_analysis *a;
    size_t c = ob_volume(obs, "C:", "\\Device\\HarddiskVolume3");
    size_t e = ob_volume(obs, "E:", "\\Device\\HarddiskVolume5");
    ob_inbox(obs, c);
    ob_inbox(obs, e);
    /* Lacks read on the destination, which only writes: harmless for this pair. */
    ob_filter_on(obs, e, "AcmeRO", "300500", 0x2);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    ob_offload_trial(obs, ODX_SCOPE_PAIR, c, e, ODX_STAGE_OFFLOAD_WRITE, W32(321));
    a = analyse(obs);
    CHECK_U64(a->n_results, 3);
    CHECK_STR(a->results[2].label, "C: -> E:");
    CHECK_INT(a->results[2].target, ODX_TARGET_PAIR);
    CHECK_U64(a->results[2].dest_volume, e);
    CHECK_INT(a->results[2].verdict, ODX_VERDICT_UNSUPPORTED);
    CHECK(strstr(a->results[2].headline, "(321, 0x141)") != NULL);
    CHECK_U64(a->results[2].n_blockers, 0);
    /* E: alone needs both bits: without a trial of its own, AcmeRO blocks it. */
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK(has_evidence(&a->results[1], "rests on SupportedFeatures alone"));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_interrupted(void)
{
    size_t c, d;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a;
    d = ob_volume(obs, "D:", "\\Device\\HarddiskVolume4");
    ob_inbox(obs, d);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    obs->run.interrupted = true;
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_NOT_TESTED);
    CHECK(has_flag(&a->results[1], ODX_FLAG_INTERRUPTED));
    CHECK(!has_flag(&a->results[0], ODX_FLAG_INTERRUPTED));
    CHECK(has_mflag(a, ODX_FLAG_INTERRUPTED));
    CHECK_INT(a->outcome, ODX_OUTCOME_INCOMPLETE);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_unselected_and_order(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    struct odx_analysis *a;
    size_t c = ob_volume(obs, "C:", "\\Device\\HarddiskVolume3");
    size_t d = ob_volume(obs, "D:", "\\Device\\HarddiskVolume4");
    size_t e = ob_volume(obs, "E:", "\\Device\\HarddiskVolume5");
    size_t ti;
    obs->volumes[d].selected = false;
    /* Paths and pairs recorded before the volumes still come after them. */
    ti = ob_offload_trial(obs, ODX_SCOPE_PATH, e, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    obs->trials[ti].path = ob_str(obs, "E:\\data");
    ob_offload_trial(obs, ODX_SCOPE_PAIR, e, c, ODX_STAGE_COUNT, NO_CODE);
    ob_offload_trial(obs, ODX_SCOPE_PAIR, c, e, ODX_STAGE_COUNT, NO_CODE);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, e, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, d, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    a = analyse(obs);
    CHECK_U64(a->n_results, 5);
    CHECK_STR(a->results[0].label, "C:");
    CHECK_U64(a->results[0].trial, 4);
    CHECK_STR(a->results[1].label, "E:");
    CHECK_STR(a->results[2].label, "E: -> C:");
    CHECK_STR(a->results[3].label, "C: -> E:");
    CHECK_STR(a->results[4].label, "E:\\data");
    CHECK_U64(a->counts[ODX_VERDICT_WORKS], 5);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* A volume with no name at all is labelled by its index; labels outlive nothing they point to. */
static void test_unnamed_volume(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_WINDOWS);
    struct odx_analysis *a;
    size_t v = ob_volume(obs, NULL, "\\Device\\HarddiskVolume9");
    size_t w = ob_volume(obs, NULL, "x");
    obs->volumes[w].nt_name = NULL;
    a = analyse(obs);
    CHECK_STR(a->results[v].label, "\\Device\\HarddiskVolume9");
    CHECK(a->results[v].label == obs->volumes[v].nt_name);
    CHECK_STR(a->results[w].label, "volume 1");
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_invalid_index(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    struct odx_analysis *a = (struct odx_analysis *)&c;
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, 7, ODX_NONE, ODX_STAGE_COUNT, NO_CODE);
    CHECK_INT(odx_analyze(obs, &a), ODX_E_INVAL);
    CHECK(a == NULL);
    obs->trials[0].volume = c;
    obs->trials[0].scope = ODX_SCOPE_PAIR;
    obs->trials[0].dest_volume = ODX_NONE;
    CHECK_INT(odx_analyze(obs, &a), ODX_E_INVAL);
    obs->trials[0].scope = ODX_SCOPE_PATH;
    obs->trials[0].volume = 2;
    CHECK_INT(odx_analyze(obs, &a), ODX_E_INVAL);
    obs->trials[0].volume = ODX_NONE;
    CHECK_INT(odx_analyze(obs, &a), ODX_OK);
    odx_analysis_free(a);
    CHECK_INT(odx_analyze(NULL, &a), ODX_E_INVAL);
    odx_obs_free(obs);
}

/* ---- Linux ------------------------------------------------------------- */

static void test_linux_ext4_tmpfs(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
    struct odx_analysis *a;
    size_t ext4 = ob_mount(obs, "/srv/ext4", "/dev/loop3", "ext4", true);
    size_t tmp = ob_mount(obs, "/srv/tmpfs", "tmpfs", "tmpfs", true);
    obs->features_mode.state = ODX_SETTING_NOT_READ;
    ob_linux_trio(obs, ext4, ERRNO(95), ODX_TRI_NO);
    ob_linux_trio(obs, tmp, ERRNO(95), ODX_TRI_UNKNOWN);
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_UNSUPPORTED);
    CHECK_STR(a->results[0].label, "/srv/ext4");
    CHECK(has_flag(&a->results[0], ODX_FLAG_BYTE_COPY));
    CHECK(has_evidence(&a->results[0], "trial: FICLONE failed with EOPNOTSUPP (errno 95)"));
    CHECK(has_evidence(&a->results[0], "extents shared: no (a byte copy)"));
    CHECK_U64(a->results[0].n_blockers, 1);
    CHECK_STR(a->results[0].blockers[0].filter, "ext4");
    CHECK_INT(a->results[0].blockers[0].kind, ODX_FILTER_LAYER);
    CHECK(strstr(a->results[0].remedy, "reflink=1") != NULL);
    CHECK_INT(a->results[0].stage, ODX_STAGE_CLONE);
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_UNSUPPORTED);
    CHECK_STR(a->results[1].blockers[0].filter, "tmpfs");
    CHECK(!has_flag(&a->results[1], ODX_FLAG_BYTE_COPY));
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    CHECK_U64(a->n_flags, 0);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_linux_xfs(void)
{
    size_t k;
    for (k = 0; k < 2; k++) {
        struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
        struct odx_analysis *a;
        size_t x = ob_mount(obs, "/srv/xfs", "/dev/loop0", "xfs", true);
        ob_layer(obs, x, "loop", "block", NULL, "/dev/loop0");
        ob_linux_trio(obs, x, k == 0 ? ERRNO(0) : ERRNO(95), k == 0 ? ODX_TRI_YES : ODX_TRI_NO);
        a = analyse(obs);
        if (k == 0) {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
            CHECK_U64(a->results[0].trial, 0);
            CHECK(strstr(a->results[0].headline, "reflink works") != NULL);
            CHECK_INT(a->outcome, ODX_OUTCOME_OK);
        } else {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_UNSUPPORTED);
            CHECK(strstr(a->results[0].headline, "without reflink=1") != NULL);
            CHECK(strstr(a->results[0].remedy, "mkfs.xfs -m reflink=1") != NULL);
        }
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

static void test_linux_overlay(void)
{
    size_t k;
    for (k = 0; k < 2; k++) {
        const char *upper_fs = k == 0 ? "ext4" : "xfs";
        struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
        struct odx_analysis *a;
        size_t o = ob_mount(obs, "/srv/ovl", "overlay", "overlay", false);
        ob_layer(obs, o, "overlay", "overlay", NULL, "overlay");
        ob_layer(obs, o, "overlay", "upper", upper_fs, "/srv/base/upper");
        ob_layer(obs, o, "overlay", "lower", upper_fs, "/srv/base/lower");
        ob_linux_trio(obs, o, k == 0 ? ERRNO(95) : ERRNO(0), k == 0 ? ODX_TRI_NO : ODX_TRI_YES);
        a = analyse(obs);
        if (k == 0) {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_UNSUPPORTED);
            CHECK(strstr(a->results[0].headline, "overlay upper is on ext4") != NULL);
            CHECK(has_evidence(&a->results[0], "layer: overlay upper /srv/base/upper is on ext4"));
            CHECK_STR(a->results[0].blockers[0].instance, "/srv/base/upper");
            CHECK(strstr(a->results[0].remedy, "upper directory") != NULL);
            CHECK(has_flag(&a->results[0], ODX_FLAG_BYTE_COPY));
        } else {
            CHECK_INT(a->results[0].verdict, ODX_VERDICT_WORKS);
        }
        odx_analysis_free(a);
        odx_obs_free(obs);
    }
}

static void test_linux_fuse(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
    struct odx_analysis *a;
    size_t f = ob_mount(obs, "/srv/bindfs", "/srv/xfs/bsrc", "fuse", false);
    ob_layer(obs, f, "bindfs", "fuse", "xfs", "/srv/xfs/bsrc");
    ob_linux_trio(obs, f, ERRNO(95), ODX_TRI_UNKNOWN);
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(a->results[0].n_blockers, 1);
    CHECK_STR(a->results[0].blockers[0].filter, "bindfs");
    CHECK(strstr(a->results[0].headline, "fuse layer bindfs") != NULL);
    CHECK(strstr(a->results[0].remedy, "backing store") != NULL);
    CHECK(has_evidence(&a->results[0], "FIEMAP could not tell"));
    odx_analysis_free(a);
    /* The same with the probe's byte-copy finding (extents not shared). */
    obs->trials[2].extents_shared = ODX_TRI_NO;
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK(has_flag(&a->results[0], ODX_FLAG_BYTE_COPY));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_linux_stacked_and_static(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
    struct odx_analysis *a;
    size_t e = ob_mount(obs, "/home/u/Private", "/home/u/.Private", "ecryptfs", false);
    size_t x = ob_mount(obs, "/srv/xfs", "/dev/loop0", "xfs", true);
    size_t t = ob_mount(obs, "/tmp", "tmpfs", "tmpfs", true);
    ob_layer(obs, e, "ecryptfs", "stacked", "ext4", "/home/u/.Private");
    obs->run.static_only = true;
    a = analyse(obs);
    CHECK_INT(a->results[e].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_STR(a->results[e].blockers[0].filter, "ecryptfs");
    CHECK(strstr(a->results[e].headline, "not tried") != NULL);
    /* XFS may or may not have reflink: only a trial can tell. */
    CHECK_INT(a->results[x].verdict, ODX_VERDICT_NOT_TESTED);
    CHECK_INT(a->results[t].verdict, ODX_VERDICT_UNSUPPORTED);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_linux_pair_exdev(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
    struct odx_analysis *a;
    size_t x1 = ob_mount(obs, "/srv/xfs", "/dev/loop0", "xfs", true);
    size_t x2 = ob_mount(obs, "/srv/xfs2", "/dev/loop1", "xfs", true);
    ob_linux_trio(obs, x1, ERRNO(0), ODX_TRI_YES);
    ob_linux_trio(obs, x2, ERRNO(0), ODX_TRI_YES);
    ob_linux_trial(obs, ODX_SCOPE_PAIR, x1, x2, ODX_METHOD_CLONE, ERRNO(18), ODX_TRI_NO);
    ob_linux_trial(obs, ODX_SCOPE_PAIR, x1, x2, ODX_METHOD_CLONE_RANGE, ERRNO(18), ODX_TRI_NO);
    ob_linux_trial(obs, ODX_SCOPE_PAIR, x1, x2, ODX_METHOD_COPY_FILE_RANGE, ERRNO(18), ODX_TRI_NO);
    a = analyse(obs);
    CHECK_U64(a->n_results, 3);
    CHECK_STR(a->results[2].label, "/srv/xfs -> /srv/xfs2");
    CHECK_INT(a->results[2].verdict, ODX_VERDICT_UNSUPPORTED);
    CHECK(strstr(a->results[2].headline, "EXDEV (errno 18)") != NULL);
    CHECK(has_evidence(&a->results[2], "trial: copy_file_range failed with EXDEV (errno 18)"));
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_linux_misc(void)
{
    struct odx_obs *obs = ob_new(ODX_PLATFORM_LINUX);
    struct odx_analysis *a;
    size_t x = ob_mount(obs, "/srv/xfs", "/dev/loop0", "xfs", true);
    size_t n = ob_mount(obs, "/mnt/nfs", "srv:/export", "nfs4", true);
    size_t m = ob_mount(obs, "/srv/btrfs", "/dev/loop2", "btrfs", true);
    size_t ti;
    obs->volumes[n].remote = ODX_TRI_YES;
    /* Disk full while writing the source. */
    ti =
        ob_linux_trial(obs, ODX_SCOPE_VOLUME, x, ODX_NONE, ODX_METHOD_CLONE, ERRNO(0), ODX_TRI_YES);
    obs->trials[ti].stages[ODX_STAGE_WRITE].code = ERRNO(28);
    /* NFS: no clone, but copy_file_range copied on the server. */
    ob_linux_trio(obs, n, ERRNO(95), ODX_TRI_UNKNOWN);
    /* A clone that lies. */
    ti =
        ob_linux_trial(obs, ODX_SCOPE_VOLUME, m, ODX_NONE, ODX_METHOD_CLONE, ERRNO(0), ODX_TRI_YES);
    obs->trials[ti].stages[ODX_STAGE_VERIFY].code = (struct odx_code){ODX_CODE_ODX, ODX_E_MISMATCH};
    a = analyse(obs);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_UNKNOWN);
    CHECK(strstr(a->results[0].headline, "ENOSPC (errno 28)") != NULL);
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_WORKS);
    CHECK(strstr(a->results[1].headline, "server") != NULL);
    CHECK_INT(a->results[2].verdict, ODX_VERDICT_COPY_MISMATCH);
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    odx_analysis_free(a);
    odx_obs_free(obs);
}

/* ---- whole-analysis properties ----------------------------------------- */

/* An observation that walks most paths of the analysis. */
static struct odx_obs *rich(void)
{
    size_t c;
    struct odx_obs *obs = windows_c(&c);
    size_t d = ob_volume(obs, "D:", "\\Device\\HarddiskVolume4");
    size_t e = ob_volume(obs, "E:", "\\Device\\HarddiskVolume5");
    size_t f = ob_volume(obs, "F:", "\\Device\\HarddiskVolume6");
    size_t g = ob_volume(obs, "G:", "\\Device\\HarddiskVolume8");
    size_t ti;
    ob_inbox(obs, d);
    ob_inbox(obs, e);
    ob_filter_on(obs, c, "AcmeAV", "321410", 0xF);
    ob_filter_on(obs, d, "AcmeShield", "328123", 0x1);
    ob_filter_on(obs, d, "LowFlt", "145000", 0x0);
    ob_filter(obs, "AVLegacy", "389998.99", ODX_FILTER_LEGACY, 0x3, 0x1);
    ob_instance(obs, e, "AVLegacy", "AVLegacy", "389998.99", ODX_FILTER_LEGACY, 0x0);
    ob_instance(obs, e, "Mystery", "Mystery Instance", "300100", ODX_FILTER_MINI, ABSENT);
    obs->volumes[f].instances_listed = ODX_TRI_NO;
    obs->volumes[g].eligible = false;
    obs->volumes[g].skip_reason = ob_str(obs, "removable");
    MUST(odx_obs_add_error(obs, "FilterVolumeInstanceFindFirst", "\\Device\\HarddiskVolume6",
                           HR(0x80070005), NULL));
    obs->features_mode.state = ODX_SETTING_ERROR;
    obs->features_mode.error = W32(5);
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, c, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, d, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, e, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(50));
    ob_offload_trial(obs, ODX_SCOPE_VOLUME, f, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    ob_offload_trial(obs, ODX_SCOPE_PAIR, c, d, ODX_STAGE_OFFLOAD_WRITE, W32(4441));
    ob_offload_trial(obs, ODX_SCOPE_PAIR, c, e, ODX_STAGE_VERIFY,
                     (struct odx_code){ODX_CODE_ODX, ODX_E_MISMATCH});
    ti = ob_offload_trial(obs, ODX_SCOPE_PATH, ODX_NONE, ODX_NONE, ODX_STAGE_OFFLOAD_READ, W32(1));
    obs->trials[ti].path = ob_str(obs, "\\\\srv\\share");
    obs->trials[ti].remote = ODX_TRI_YES;
    obs->trials[ti].stages[ODX_STAGE_CLEANUP].code = W32(5);
    ti = ob_offload_trial(obs, ODX_SCOPE_PATH, c, ODX_NONE, ODX_STAGE_OFFLOAD_WRITE, W32(315));
    obs->trials[ti].path = ob_str(obs, "C:\\data");
    {
        size_t l = ob_mount(obs, "/srv/ovl", "overlay", "overlay", false);
        ob_layer(obs, l, "overlay", "overlay", NULL, "overlay");
        ob_layer(obs, l, "overlay", "upper", "ext4", "/srv/base/upper");
        ob_linux_trio(obs, l, ERRNO(95), ODX_TRI_NO);
    }
    obs->run.interrupted = true;
    return obs;
}

static bool same_str(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool same_culprits(const struct odx_culprit *a, const struct odx_culprit *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (!same_str(a[i].filter, b[i].filter) || !same_str(a[i].instance, b[i].instance) ||
            !same_str(a[i].altitude, b[i].altitude) || !same_str(a[i].reason, b[i].reason) ||
            a[i].lacks_read != b[i].lacks_read || a[i].lacks_write != b[i].lacks_write ||
            a[i].microsoft != b[i].microsoft || a[i].bits_from != b[i].bits_from ||
            a[i].volume != b[i].volume)
            return false;
    return true;
}

static bool same_flags(const struct odx_flag *a, const struct odx_flag *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (a[i].kind != b[i].kind || !same_str(a[i].filter, b[i].filter) ||
            !same_str(a[i].text, b[i].text))
            return false;
    return true;
}

static bool same_analysis(const struct odx_analysis *a, const struct odx_analysis *b)
{
    size_t i, j;
    if (a->n_results != b->n_results || a->n_flags != b->n_flags || a->outcome != b->outcome ||
        memcmp(a->counts, b->counts, sizeof(a->counts)) != 0 ||
        !same_flags(a->flags, b->flags, a->n_flags))
        return false;
    for (i = 0; i < a->n_results; i++) {
        const struct odx_result *x = &a->results[i], *y = &b->results[i];
        if (x->target != y->target || x->volume != y->volume || x->dest_volume != y->dest_volume ||
            x->trial != y->trial || x->verdict != y->verdict || x->code.kind != y->code.kind ||
            x->code.value != y->code.value || x->stage != y->stage ||
            !same_str(x->label, y->label) || !same_str(x->headline, y->headline) ||
            !same_str(x->remedy, y->remedy) || x->n_evidence != y->n_evidence ||
            x->n_blockers != y->n_blockers || x->n_suspects != y->n_suspects ||
            x->n_flags != y->n_flags || !same_culprits(x->blockers, y->blockers, x->n_blockers) ||
            !same_culprits(x->suspects, y->suspects, x->n_suspects) ||
            !same_flags(x->flags, y->flags, x->n_flags))
            return false;
        for (j = 0; j < x->n_evidence; j++)
            if (!same_str(x->evidence[j], y->evidence[j]))
                return false;
    }
    return true;
}

static void test_rich(void)
{
    struct odx_obs *obs = rich();
    struct odx_analysis *a = analyse(obs);
    size_t i;
    CHECK_U64(a->n_results, 10);
    CHECK_INT(a->results[0].verdict, ODX_VERDICT_VETOED_IN_CODE);    /* C: */
    CHECK_INT(a->results[1].verdict, ODX_VERDICT_BLOCKED_BY_FILTER); /* D: */
    CHECK_U64(a->results[1].n_blockers, 2);
    /* E: 50 at the read: past the read check, but the legacy filter lacks write too. */
    CHECK_INT(a->results[2].verdict, ODX_VERDICT_BLOCKED_BY_FILTER);
    CHECK_U64(a->results[2].n_blockers, 1);
    CHECK(a->results[2].blockers[0].lacks_write && a->results[2].blockers[0].lacks_read);
    CHECK(has_flag(&a->results[2], ODX_FLAG_BITS_BLOCK_BUT_TRIAL_WORKED));
    CHECK_INT(a->results[3].verdict, ODX_VERDICT_BLOCKED_BY_FILTER); /* F: not listed */
    CHECK(has_flag(&a->results[3], ODX_FLAG_NOT_ELEVATED));
    CHECK_INT(a->results[4].verdict, ODX_VERDICT_NOT_TESTED);        /* G: removable */
    CHECK_INT(a->results[5].verdict, ODX_VERDICT_UNSUPPORTED);       /* overlay */
    CHECK_INT(a->results[6].verdict, ODX_VERDICT_BLOCKED_BY_FILTER); /* C: -> D: */
    CHECK_U64(a->results[6].n_blockers, 2);
    CHECK_STR(a->results[6].blockers[0].filter, "AcmeShield");
    CHECK_U64(a->results[6].blockers[0].volume, 1);
    CHECK_INT(a->results[7].verdict, ODX_VERDICT_COPY_MISMATCH); /* C: -> E: */
    CHECK_INT(a->results[8].verdict, ODX_VERDICT_REMOTE);        /* \\srv\share */
    CHECK(has_flag(&a->results[8], ODX_FLAG_CLEANUP_FAILED));
    CHECK_INT(a->results[9].verdict, ODX_VERDICT_TOKEN_PROBLEM); /* C:\data */
    CHECK(has_mflag(a, ODX_FLAG_POLICY_UNREADABLE));
    CHECK(has_mflag(a, ODX_FLAG_LEGACY_FILTER));
    CHECK(has_mflag(a, ODX_FLAG_INTERRUPTED));
    CHECK_INT(a->outcome, ODX_OUTCOME_BLOCKERS);
    {
        size_t total = 0;
        for (i = 0; i < ODX_VERDICT_COUNT; i++)
            total += a->counts[i];
        CHECK_U64(total, a->n_results);
    }
    odx_analysis_free(a);
    odx_obs_free(obs);
}

static void test_determinism(void)
{
    struct odx_obs *obs = rich();
    struct odx_obs *obs2 = rich();
    struct odx_analysis *a = analyse(obs), *b = analyse(obs), *c = analyse(obs2);
    CHECK(same_analysis(a, b));
    CHECK(same_analysis(a, c));
    odx_analysis_free(a);
    odx_analysis_free(b);
    odx_analysis_free(c);
    odx_obs_free(obs);
    odx_obs_free(obs2);
}

/* Fail allocation N for every N until the analysis succeeds: ODX_E_NOMEM each time, no leak. */
static void test_alloc_failures(void)
{
    struct odx_obs *obs = rich();
    struct odx_analysis *ref = analyse(obs);
    long n;
    bool done = false;
    for (n = 0; n < 100000 && !done; n++) {
        struct odx_analysis *a = (struct odx_analysis *)obs;
        enum odx_status st;
        odx_alloc_fail_after(n);
        st = odx_analyze(obs, &a);
        odx_alloc_fail_after(-1);
        if (st == ODX_OK) {
            CHECK(same_analysis(ref, a));
            odx_analysis_free(a);
            done = true;
        } else {
            CHECK_INT(st, ODX_E_NOMEM);
            CHECK(a == NULL);
        }
    }
    CHECK(done);
    CHECK(n > 10);
    if (getenv("ODX_TEST_DUMP"))
        fprintf(stderr, "allocation failures injected: %ld\n", n - 1);
    odx_analysis_free(ref);
    odx_obs_free(obs);
}

static void test_names(void)
{
    enum odx_verdict v;
    size_t i;
    CHECK_STR(odx_verdict_name(ODX_VERDICT_BLOCKED_BY_FILTER), "blocked_by_filter");
    CHECK_STR(odx_verdict_name(ODX_VERDICT_COUNT), "invalid");
    for (i = 0; i < ODX_VERDICT_COUNT; i++) {
        CHECK(odx_verdict_from_name(odx_verdict_name((enum odx_verdict)i), &v));
        CHECK_INT(v, i);
    }
    CHECK(!odx_verdict_from_name("blocked", &v));
    CHECK_STR(odx_flag_name(ODX_FLAG_NOT_ELEVATED), "not_elevated");
    CHECK_STR(odx_flag_name(ODX_FLAG_POLICY_UNREADABLE), "policy_unreadable");
    CHECK_STR(odx_outcome_name(ODX_OUTCOME_INCOMPLETE), "incomplete");
    CHECK_STR(odx_target_kind_name(ODX_TARGET_PAIR), "pair");
    CHECK_STR(odx_bits_source_name(ODX_BITS_NOT_DECLARED), "not_declared");
    CHECK(odx_verdict_is_blocker(ODX_VERDICT_COPY_MISMATCH));
    CHECK(odx_verdict_is_blocker(ODX_VERDICT_REMOTE));
    CHECK(!odx_verdict_is_blocker(ODX_VERDICT_UNKNOWN));
    CHECK(!odx_verdict_is_blocker(ODX_VERDICT_NOT_TESTED));
    CHECK(!odx_verdict_is_blocker(ODX_VERDICT_WORKS));
    odx_analysis_free(NULL);
}

int main(void)
{
    test_works();
    test_filter_lacks_write();
    test_every_blocker_in_altitude_order();
    test_bits();
    test_policy();
    test_not_elevated();
    test_vetoed();
    test_unknown_bits_suspect();
    test_file_refused();
    test_codes();
    test_no_descriptor();
    test_mismatch();
    test_cleanup_failed();
    test_static();
    test_blocker_after_other_failure();
    test_bits_block_but_worked();
    test_skipped_fat();
    test_remote_path();
    test_mup();
    test_legacy();
    test_declared_mismatch();
    test_pair();
    test_interrupted();
    test_unselected_and_order();
    test_unnamed_volume();
    test_invalid_index();
    test_linux_ext4_tmpfs();
    test_linux_xfs();
    test_linux_overlay();
    test_linux_fuse();
    test_linux_stacked_and_static();
    test_linux_pair_exdev();
    test_linux_misc();
    test_rich();
    test_determinism();
    test_alloc_failures();
    test_names();
    CHECK_DONE();
}
