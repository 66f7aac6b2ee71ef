/*
 * The JSON report: round trips that must be byte-identical, one test per
 * kind of hostile input (each asserting the status and that the message
 * names the problem), every truncation of a valid report, file reading,
 * and allocation failure at every N over the whole parse and render.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "odx/alloc.h"
#include "odx/report.h"
#include "report_sample.h"

#define ERR_SIZE 512

static char *render(const struct odx_obs *obs, const struct odx_analysis *an, size_t *len)
{
    char *text = NULL;
    size_t n = 0;
    CHECK_INT(odx_report_render(obs, an, &text, &n), ODX_OK);
    if (len)
        *len = n;
    return text;
}

/* render -> parse -> render gives the same bytes; returns the parsed model. */
static struct odx_obs *round_trip(const struct odx_obs *obs)
{
    char err[ERR_SIZE];
    struct odx_obs *back = NULL;
    size_t len1 = 0, len2 = 0;
    char *t1 = render(obs, NULL, &len1), *t2;
    if (!t1)
        return NULL;
    CHECK_INT(odx_report_parse(t1, len1, &back, err, sizeof(err)), ODX_OK);
    if (!back) {
        fprintf(stderr, "parse failed: %s\n", err);
        odx_free(t1);
        return NULL;
    }
    t2 = render(back, NULL, &len2);
    CHECK_U64(len1, len2);
    CHECK(t2 && strcmp(t1, t2) == 0);
    odx_free(t1);
    odx_free(t2);
    return back;
}

static void test_round_trip_windows(void)
{
    struct odx_obs *obs = NULL, *back;
    char err[ERR_SIZE];
    char *with_an, *plain;
    size_t len = 0;
    const struct odx_trial *t;

    CHECK_INT(sample_windows(&obs), ODX_OK);
    back = round_trip(obs);
    CHECK(back != NULL);
    if (back) {
        CHECK_INT(back->platform, ODX_PLATFORM_WINDOWS);
        CHECK_U64(back->n_filters, 3);
        CHECK_STR(back->filters[1].vendor, "\xC3\x9Cn\xC3\xAF"
                                           "c\xC3\xB8"
                                           "d\xC3\xA9 GmbH \xF0\x9F\x9B\xA1");
        CHECK_INT(back->filters[1].declared.state, ODX_SETTING_ERROR);
        CHECK_U64(back->filters[1].declared.error.value, 5);
        CHECK_U64(back->volumes[0].storage.desc.max_transfer_size, ((uint64_t)1 << 60) + 7);
        CHECK_U64(back->volumes[0].storage.desc.optimal_transfer_count, UINT64_MAX);
        CHECK_U64(back->volumes[0].storage.desc.max_transfer_length_per_descriptor, 0xFFFFFFFFu);
        CHECK_U64(back->volumes[0].n_instances, 3);
        CHECK_STR(back->volumes[0].instances[0].altitude, "385250.5");
        CHECK_U64(back->volumes[0].instances[1].supported_features.value, 15);
        CHECK(!back->volumes[0].instances[2].supported_features.present);
        CHECK(back->volumes[0].instances[2].detached);
        CHECK_U64(back->volumes[0].n_mount_points, 2);
        CHECK(!back->volumes[2].selected);
        CHECK_STR(back->volumes[2].skip_reason, "FAT32 has no offload");
        CHECK_U64(back->n_trials, 3);
        t = &back->trials[0];
        CHECK(t->stages[ODX_STAGE_OFFLOAD_WRITE].attempted);
        CHECK_INT(t->stages[ODX_STAGE_OFFLOAD_WRITE].code.kind, ODX_CODE_WIN32);
        CHECK_U64(t->stages[ODX_STAGE_OFFLOAD_WRITE].code.value, 4441);
        CHECK(!t->stages[ODX_STAGE_VERIFY].attempted);
        t = &back->trials[1];
        CHECK_U64(t->dest_volume, 1);
        CHECK_U64(t->stages[ODX_STAGE_OFFLOAD_WRITE].bytes_requested, ((uint64_t)1 << 53) + 1);
        CHECK_U64(t->stages[ODX_STAGE_OFFLOAD_WRITE].bytes_transferred, 9007199254740991u);
        CHECK_U64(t->stages[ODX_STAGE_OFFLOAD_WRITE].calls, 4000000000u);
        CHECK(t->zero_token);
        CHECK_U64(back->trials[2].volume, ODX_NONE);
        CHECK_STR(back->errors[0].detail, "\x1B[31mANSI red\x1B[0m from a hostile driver name");
        CHECK(back->errors[1].target == NULL);
        CHECK_STR(back->excluded[0].fs_type, "UDF");
        CHECK_STR(back->run.paths[0], "\\\\srv\\share\\ODX test");
    }

    /* The analysis section is written, and ignored on reading. */
    with_an = render(obs, sample_windows_analysis(), &len);
    plain = render(obs, NULL, NULL);
    CHECK(with_an && strstr(with_an, "\"blocked_by_filter\"") != NULL);
    CHECK(with_an && strstr(with_an, "\"runtime_names\":\t\"0x10\"") != NULL);
    odx_obs_free(back);
    back = NULL;
    CHECK_INT(odx_report_parse(with_an, len, &back, err, sizeof(err)), ODX_OK);
    if (back) {
        char *again = render(back, NULL, NULL);
        CHECK(again && plain && strcmp(again, plain) == 0);
        odx_free(again);
    }
    odx_free(with_an);
    odx_free(plain);
    odx_obs_free(back);
    odx_obs_free(obs);
}

static void test_round_trip_linux(void)
{
    struct odx_obs *obs = NULL, *back;
    CHECK_INT(sample_linux(&obs), ODX_OK);
    back = round_trip(obs);
    CHECK(back != NULL);
    if (back) {
        CHECK_INT(back->platform, ODX_PLATFORM_LINUX);
        CHECK(back->run.interrupted);
        CHECK_U64(back->volumes[0].mount_id.value, 512);
        CHECK_U64(back->volumes[1].parent_id.value, 512);
        CHECK_STR(back->volumes[1].nt_name, "/dev/mapper/crypt\xF0\x9F\x94\x92");
        CHECK_STR(back->volumes[0].instances[0].role, "upper");
        CHECK_INT(back->volumes[0].instances[0].kind, ODX_FILTER_LAYER);
        CHECK_INT(back->trials[0].method, ODX_METHOD_CLONE);
        CHECK_U64(back->trials[0].stages[ODX_STAGE_CLONE].code.value, 18);
        CHECK_U64(back->trials[1].stages[ODX_STAGE_EXTENTS].flags.value, 0x2000);
        CHECK_INT(back->trials[1].extents_shared, ODX_TRI_NO);
        CHECK_U64(back->n_excluded, 2);
        CHECK_U64(back->n_filters, 0);
    }
    odx_obs_free(back);
    odx_obs_free(obs);
}

/* A model with nothing set renders and reads back too. */
static void test_round_trip_empty(void)
{
    struct odx_obs *obs = NULL, *back;
    CHECK_INT(odx_obs_new(&obs), ODX_OK);
    back = round_trip(obs);
    CHECK(back != NULL);
    if (back)
        CHECK_INT(back->platform, ODX_PLATFORM_UNKNOWN);
    odx_obs_free(back);
    odx_obs_free(obs);
}

/* The writer repairs a model string that is not UTF-8, so the report stays readable. */
static void test_writer_repairs_utf8(void)
{
    struct odx_obs *obs = NULL, *back = NULL;
    struct odx_volume *v;
    char err[ERR_SIZE];
    char *text;
    size_t len = 0;
    CHECK_INT(odx_obs_new(&obs), ODX_OK);
    CHECK_INT(odx_obs_add_volume(obs, &v, NULL), ODX_OK);
    CHECK_INT(odx_obs_str(obs, "/mnt/caf\xE9", &v->nt_name), ODX_OK); /* Latin-1 */
    text = render(obs, NULL, &len);
    CHECK(text && strstr(text, "/mnt/caf\xEF\xBF\xBD\"") != NULL);
    CHECK_INT(odx_report_parse(text, len, &back, err, sizeof(err)), ODX_OK);
    if (back)
        CHECK_STR(back->volumes[0].nt_name, "/mnt/caf\xEF\xBF\xBD");
    odx_free(text);
    odx_obs_free(back);

    /* A trial pointing at a volume that does not exist would give an unreadable report. */
    {
        struct odx_trial *t;
        CHECK_INT(odx_obs_add_trial(obs, &t, NULL), ODX_OK);
        t->volume = 5;
        text = (char *)"x";
        CHECK_INT(odx_report_render(obs, NULL, &text, &len), ODX_E_INVAL);
        CHECK(text == NULL);
    }
    odx_obs_free(obs);
}

/* ---- bad input --------------------------------------------------------- */

/* Parses text and checks the status and that the message holds want. */
static void expect_fail_at(const char *file, int line, const char *text, size_t len,
                           enum odx_status want_st, const char *want)
{
    char err[ERR_SIZE];
    struct odx_obs *obs = (struct odx_obs *)1;
    enum odx_status st = odx_report_parse(text, len, &obs, err, sizeof(err));
    if (st != want_st || obs != NULL || strstr(err, want) == NULL || strchr(err, '\n')) {
        fprintf(stderr, "%s:%d: expected %s with \"%s\", got %s: \"%s\"\n", file, line,
                odx_status_name(want_st), want, odx_status_name(st), err);
        check_failures++;
    }
    if (st == ODX_OK)
        odx_obs_free(obs);
}

#define EXPECT_FAIL(text, st, want) expect_fail_at(__FILE__, __LINE__, text, strlen(text), st, want)

/* A copy of base with the first from replaced by to (the test fails if from is absent). */
static char *mutate_at(const char *file, int line, const char *base, const char *from,
                       const char *to)
{
    const char *at = strstr(base, from);
    size_t pre, flen = strlen(from), tlen = strlen(to), blen = strlen(base);
    char *out;
    if (!at) {
        fprintf(stderr, "%s:%d: \"%s\" not in the base report\n", file, line, from);
        check_failures++;
        at = base + blen;
        flen = 0;
    }
    pre = (size_t)(at - base);
    out = malloc(blen - flen + tlen + 1);
    if (!out)
        abort();
    memcpy(out, base, pre);
    memcpy(out + pre, to, tlen);
    memcpy(out + pre + tlen, at + flen, blen - pre - flen + 1);
    return out;
}

static void expect_mutation_at(const char *file, int line, const char *base, const char *from,
                               const char *to, enum odx_status st, const char *want)
{
    char *m = mutate_at(file, line, base, from, to);
    expect_fail_at(file, line, m, strlen(m), st, want);
    free(m);
}

#define EXPECT_MUTATION(base, from, to, st, want)                                                  \
    expect_mutation_at(__FILE__, __LINE__, base, from, to, st, want)

static void test_bad_documents(void)
{
    char err[ERR_SIZE];
    struct odx_obs *obs = NULL;
    static const char not_report[] = "{\"schema\": \"something-else\", \"schema_version\": 1}";
    static const char head[] = "{\"schema\": \"odxprobe-report\", \"schema_version\": ";
    char buf[256];

    CHECK_INT(odx_report_parse("", 0, &obs, err, sizeof(err)), ODX_E_EMPTY);
    CHECK_STR(err, "report is empty");
    CHECK(obs == NULL);
    CHECK_INT(odx_report_parse(NULL, 0, &obs, err, sizeof(err)), ODX_E_EMPTY);
    EXPECT_FAIL(" \n\t\r\n ", ODX_E_EMPTY, "report is empty");
    EXPECT_FAIL("odxprobe", ODX_E_PARSE, "not valid JSON at byte 0 (line 1, column 1)");
    EXPECT_FAIL("{\n  \"schema\": oops}", ODX_E_PARSE, "at byte 14 (line 2, column 13)");
    EXPECT_FAIL("[1, 2, 3]", ODX_E_SCHEMA, "not an odxprobe report (the document is an array)");
    EXPECT_FAIL("\"odxprobe-report\"", ODX_E_SCHEMA, "not an odxprobe report");
    EXPECT_FAIL("{}", ODX_E_SCHEMA, "not an odxprobe report (no \"schema\"");
    EXPECT_FAIL(not_report, ODX_E_SCHEMA, "not an odxprobe report");
    EXPECT_FAIL("{\"schema\": \"odxprobe-report\"}", ODX_E_SCHEMA, "schema_version: missing");
    snprintf(buf, sizeof(buf), "%s2}", head);
    EXPECT_FAIL(buf, ODX_E_VERSION, "schema_version 2 is not supported (this odxprobe reads 1)");
    snprintf(buf, sizeof(buf), "%s0, \"observations\": {}}", head);
    EXPECT_FAIL(buf, ODX_E_VERSION, "schema_version 0 is not supported");
    snprintf(buf, sizeof(buf), "%s\"2\"}", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "schema_version: expected an integer (found a string)");
    snprintf(buf, sizeof(buf), "%s1.5}", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "schema_version: expected an integer (found a number)");
    snprintf(buf, sizeof(buf), "%s1}", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "observations: missing");
    snprintf(buf, sizeof(buf), "%s1, \"observations\": []}", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "observations: expected an object (found an array)");
    snprintf(buf, sizeof(buf), "%s1, \"analysis\": 7, \"observations\": {}}", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "analysis: expected an object or null (found a number)");
    snprintf(buf, sizeof(buf), "%s1, \"schema_version\": 1}", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "schema_version: key given twice");
    snprintf(buf, sizeof(buf), "%s1} trailing", head);
    EXPECT_FAIL(buf, ODX_E_PARSE, "unexpected text after the JSON value at byte 51");
    snprintf(buf, sizeof(buf), "%s1}\n\n", head);
    EXPECT_FAIL(buf, ODX_E_SCHEMA, "observations: missing"); /* whitespace after is fine */
    /* A NUL byte after the value, and raw control characters, are not JSON. */
    expect_fail_at(__FILE__, __LINE__, "{}\0", 3, ODX_E_PARSE, "unexpected text");
    snprintf(buf, sizeof(buf), "%s1,\x01 \"observations\": {}}", head);
    EXPECT_FAIL(buf, ODX_E_PARSE,
                "raw control character (not valid JSON) at byte 50 (line 1, column 51)");
    snprintf(buf, sizeof(buf), "%s1, \"x\": \"a\x1B[0m\"}", head);
    EXPECT_FAIL(buf, ODX_E_PARSE, "raw control character");
    /* Size cap, checked before anything is parsed. */
    CHECK_INT(odx_report_parse(head, (size_t)ODX_REPORT_MAX_BYTES + 1, &obs, err, sizeof(err)),
              ODX_E_TOO_BIG);
    CHECK(strstr(err, "more than the 2147483648-byte limit") != NULL);
    /* No err buffer is fine. */
    CHECK_INT(odx_report_parse("[]", 2, &obs, NULL, 0), ODX_E_SCHEMA);
}

static void test_deep_nesting(void)
{
    size_t n = 10000, i;
    char *deep = malloc(2 * n + 64);
    if (!deep)
        abort();
    for (i = 0; i < n; i++)
        deep[i] = '[';
    for (i = 0; i < n; i++)
        deep[n + i] = ']';
    /* cJSON stops at CJSON_NESTING_LIMIT (1000) instead of recursing 10000 deep. */
    expect_fail_at(__FILE__, __LINE__, deep, 2 * n, ODX_E_PARSE, "not valid JSON at byte 1000");
    /* The same inside an otherwise valid report. */
    memcpy(deep, "{\"schema\":\"odxprobe-report\",\"schema_version\":1,\"x\":", 50);
    expect_fail_at(__FILE__, __LINE__, deep, 2 * n, ODX_E_PARSE, "not valid JSON");
    free(deep);
}

/* Type, range, word and index errors, each in a real report. */
static void test_bad_fields(void)
{
    struct odx_obs *obs = NULL;
    char *base;
    CHECK_INT(sample_windows(&obs), ODX_OK);
    base = render(obs, NULL, NULL);
    odx_obs_free(obs);
    if (!base)
        return;

    /* Wrong types, one per kind of field. */
    EXPECT_MUTATION(base, "\"sector_size\":\t512", "\"sector_size\":\t\"512\"", ODX_E_SCHEMA,
                    "observations.volumes[0].sector_size: expected an integer or null (found a "
                    "string)");
    EXPECT_MUTATION(base, "\"altitude\":\t\"385250.5\",\n\t\t\t\t\t\t\"kind\"",
                    "\"altitude\":\t385250.5,\n\t\t\t\t\t\t\"kind\"", ODX_E_SCHEMA,
                    "observations.volumes[0].instances[0].altitude: expected a string or null "
                    "(found a number)");
    EXPECT_MUTATION(base, "\"dos_names\":\t[\"C:\"]", "\"dos_names\":\t{\"0\": \"C:\"}",
                    ODX_E_SCHEMA,
                    "observations.volumes[0].dos_names: expected an array (found an object)");
    EXPECT_MUTATION(base, "\"dos_names\":\t[\"C:\"]", "\"dos_names\":\t[3]", ODX_E_SCHEMA,
                    "observations.volumes[0].dos_names[0]: expected a string (found a number)");
    EXPECT_MUTATION(base, "\"detached\":\tfalse", "\"detached\":\t0", ODX_E_SCHEMA,
                    "observations.volumes[0].detached: expected true or false (found a number)");
    EXPECT_MUTATION(base, "\"host\":\t{", "\"host\":\t[], \"h\": {", ODX_E_SCHEMA,
                    "observations.host: expected an object (found an array)");
    EXPECT_MUTATION(base, "\"filters\":\t[", "\"filters\":\tnull, \"f\": [", ODX_E_SCHEMA,
                    "observations.filters: expected an array (found null)");
    EXPECT_MUTATION(base, "\"remote\":\t\"no\"", "\"remote\":\tfalse", ODX_E_SCHEMA,
                    "observations.volumes[0].remote: expected a string (found a boolean)");
    EXPECT_MUTATION(base, "\"kind\":\t\"win32\",\n\t\t\t\t\t\t\"value\":\t5",
                    "\"kind\":\t\"win32\",\n\t\t\t\t\t\t\"value\":\t\"5\"", ODX_E_SCHEMA,
                    "observations.filters[1].declared.error.value: expected an integer");
    EXPECT_MUTATION(base, "\"max_transfer_size\":\t\"1152921504606846983\"",
                    "\"max_transfer_size\":\t1152921504606846983", ODX_E_SCHEMA,
                    "observations.volumes[0].storage.descriptor.max_transfer_size: expected a "
                    "decimal string (found a number)");
    EXPECT_MUTATION(base, "\"max_transfer_size\":\t\"1152921504606846983\"",
                    "\"max_transfer_size\":\t\"0x10\"", ODX_E_SCHEMA,
                    "max_transfer_size: expected a decimal string of an unsigned 64-bit integer");
    EXPECT_MUTATION(base, "\"max_transfer_size\":\t\"1152921504606846983\"",
                    "\"max_transfer_size\":\t\"18446744073709551616\"", ODX_E_SCHEMA,
                    "expected a decimal string of an unsigned 64-bit integer");
    EXPECT_MUTATION(base, "\"max_transfer_size\":\t\"1152921504606846983\"",
                    "\"max_transfer_size\":\t\"007\"", ODX_E_SCHEMA, "expected a decimal string");

    /* Numbers: negative, fractional, 2^60, above 2^32 in a 32-bit field, 1e400. */
    EXPECT_MUTATION(base, "\"sector_size\":\t512", "\"sector_size\":\t-1", ODX_E_SCHEMA,
                    "observations.volumes[0].sector_size: integer -1 out of range 0..4294967295");
    EXPECT_MUTATION(base, "\"sector_size\":\t512", "\"sector_size\":\t512.5", ODX_E_SCHEMA,
                    "sector_size: expected an integer (found 512.5)");
    EXPECT_MUTATION(base, "\"sector_size\":\t512", "\"sector_size\":\t4294967296", ODX_E_SCHEMA,
                    "sector_size: integer 4294967296 out of range 0..4294967295");
    EXPECT_MUTATION(base, "\"trial_size\":\t1048576", "\"trial_size\":\t1152921504606846976",
                    ODX_E_SCHEMA,
                    "observations.run.trial_size: integer 1.152921504606847e+18 out of range "
                    "0..9007199254740991");
    EXPECT_MUTATION(base, "\"trial_size\":\t1048576", "\"trial_size\":\t9007199254740992",
                    ODX_E_SCHEMA, "out of range 0..9007199254740991");
    EXPECT_MUTATION(base, "\"trial_size\":\t1048576", "\"trial_size\":\t1e400", ODX_E_SCHEMA,
                    "trial_size: expected an integer (found inf)");
    EXPECT_MUTATION(base, "\"trial_size\":\t1048576", "\"trial_size\":\t-0.5", ODX_E_SCHEMA,
                    "trial_size: expected an integer (found -0.5)");
    EXPECT_MUTATION(base, "\"bytes_requested\":\t\"9007199254740993\"",
                    "\"bytes_requested\":\t\"-1\"", ODX_E_SCHEMA,
                    "observations.trials[1].stages[0].bytes_requested: expected a decimal string");

    /* Indexes. */
    EXPECT_MUTATION(base, "\"dest_volume\":\t1", "\"dest_volume\":\t3", ODX_E_SCHEMA,
                    "observations.trials[1].dest_volume: volume 3 does not exist (there are 3)");
    EXPECT_MUTATION(base, "\"dest_volume\":\t1", "\"dest_volume\":\t\"1\"", ODX_E_SCHEMA,
                    "observations.trials[1].dest_volume: expected a volume index or null");
    EXPECT_MUTATION(base, "\"index\":\t1,\n\t\t\t\t\"nt_name\"",
                    "\"index\":\t7,\n\t\t\t\t\"nt_name\"", ODX_E_SCHEMA,
                    "observations.volumes[1].index: is 7, expected 1 (its position)");
    EXPECT_MUTATION(base, "\"index\":\t2,\n\t\t\t\t\"scope\"", "\"index\":\t0,\n\t\t\t\t\"scope\"",
                    ODX_E_SCHEMA, "observations.trials[2].index: is 0, expected 2");

    /* Enum words. */
    EXPECT_MUTATION(base, "\"platform\":\t\"windows\"", "\"platform\":\t\"macos\"", ODX_E_SCHEMA,
                    "observations.platform: unknown word \"macos\" (expected one of: unknown, "
                    "windows, linux)");
    EXPECT_MUTATION(base, "\"stage\":\t\"flush\"", "\"stage\":\t\"Flush\"", ODX_E_SCHEMA,
                    "observations.trials[0].stages[2].stage: unknown word \"Flush\"");
    EXPECT_MUTATION(base, "\"stage\":\t\"flush\"", "\"stage\":\t\"write\"", ODX_E_SCHEMA,
                    "observations.trials[0].stages[2].stage: stage \"write\" given twice");
    EXPECT_MUTATION(base, "\"kind\":\t\"win32\"", "\"kind\":\t\"\\u001b[2J\"", ODX_E_SCHEMA,
                    "error.kind: unknown word \"\\x1B[2J\"");
    EXPECT_MUTATION(base, "\"state\":\t\"descriptor\"", "\"state\":\t\"not_queried\"", ODX_E_SCHEMA,
                    "observations.volumes[0].storage.descriptor: must be null when state is "
                    "\"not_queried\"");
    EXPECT_MUTATION(base, "\"state\":\t\"absent\",\n\t\t\t\t\t\"value\":\tnull",
                    "\"state\":\t\"present\",\n\t\t\t\t\t\"value\":\tnull", ODX_E_SCHEMA,
                    "observations.filters[0].declared_parameters.value: expected an integer "
                    "(found null)");
    EXPECT_MUTATION(base, "\"state\":\t\"absent\",\n\t\t\t\t\t\"value\":\tnull",
                    "\"state\":\t\"absent\",\n\t\t\t\t\t\"value\":\t1", ODX_E_SCHEMA,
                    "declared_parameters.value: must be null when state is \"absent\"");

    /* Missing and repeated keys; unknown keys are ignored. */
    EXPECT_MUTATION(base, "\"file_system\":\t\"NTFS\",", "", ODX_E_SCHEMA,
                    "observations.volumes[0].file_system: missing");
    EXPECT_MUTATION(base, "\"file_system\":\t\"NTFS\",",
                    "\"file_system\":\t\"NTFS\", \"file_system\":\t\"ReFS\",", ODX_E_SCHEMA,
                    "observations.volumes[0].file_system: key given twice");
    EXPECT_MUTATION(base, "\"dos_names\":\t[\"C:\"]", "\"dos_names\":\t[\"C:\", \"C:\"]",
                    ODX_E_SCHEMA, "observations.volumes[0].dos_names[1]: duplicate of an earlier");
    {
        char err[ERR_SIZE];
        struct odx_obs *back = NULL;
        char *m = mutate_at(__FILE__, __LINE__, base, "\"file_system\":\t\"NTFS\",",
                            "\"file_system\":\t\"NTFS\", \"future_key\": {\"a\": [1, 2]}, "
                            "\"future_key\": 2, \"\\u00e9\": null,");
        CHECK_INT(odx_report_parse(m, strlen(m), &back, err, sizeof(err)), ODX_OK);
        if (back)
            CHECK_STR(back->volumes[0].file_system, "NTFS");
        odx_obs_free(back);
        free(m);
    }
    odx_free(base);
}

static void test_bad_strings(void)
{
    struct odx_obs *obs = NULL;
    char *base, *big, *m;
    size_t i, n;
    CHECK_INT(sample_windows(&obs), ODX_OK);
    base = render(obs, NULL, NULL);
    odx_obs_free(obs);
    if (!base)
        return;

    /* Ill-formed UTF-8: the path of the string, and the byte offset. */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"FILESRV-\xC0\xAF\"", ODX_E_BAD_UTF8,
                    "observations.host.name: invalid UTF-8 at byte"); /* overlong '/' */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"FILESRV-\xED\xA0\x80\"", ODX_E_BAD_UTF8,
                    "observations.host.name: invalid UTF-8"); /* surrogate U+D800 */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"FILESRV-\xF4\x90\x80\x80\"", ODX_E_BAD_UTF8,
                    "observations.host.name: invalid UTF-8"); /* U+110000 */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"FILESRV-\xE6\x97\"", ODX_E_BAD_UTF8,
                    "observations.host.name: invalid UTF-8"); /* cut short */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"FILESRV-\x80\"", ODX_E_BAD_UTF8,
                    "invalid UTF-8"); /* stray continuation byte */
    EXPECT_MUTATION(base, "\"WdFilter Instance\"", "\"WdFilter \xFF\"", ODX_E_BAD_UTF8,
                    "observations.volumes[0].instances[1].name: invalid UTF-8");
    /* In a key, and in parts the reader ignores: still refused. */
    EXPECT_MUTATION(base, "\"file_system\":", "\"x\xFE\": 1, \"file_system\":", ODX_E_BAD_UTF8,
                    "observations.volumes[0][\"x\\xFE\"]: key with invalid UTF-8");
    EXPECT_MUTATION(base, "\"generator\":\t{", "\"generator\":\t{\"note\": \"\xC3\",",
                    ODX_E_BAD_UTF8, "generator.note: invalid UTF-8");
    /* \u0000 would cut the string short. */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"FILESRV\\u0000-01\"", ODX_E_SCHEMA,
                    "\\u0000 (NUL) in a string, which odxprobe does not accept at byte");
    /* An escaped backslash before "u0000" is just text. */
    m = mutate_at(__FILE__, __LINE__, base, "\"FILESRV-01\"", "\"FILESRV\\\\u0000\"");
    {
        char err[ERR_SIZE];
        struct odx_obs *back = NULL;
        CHECK_INT(odx_report_parse(m, strlen(m), &back, err, sizeof(err)), ODX_OK);
        if (back)
            CHECK_STR(back->host.name, "FILESRV\\u0000");
        odx_obs_free(back);
    }
    free(m);
    /* A lone surrogate escape is refused by cJSON itself. */
    EXPECT_MUTATION(base, "\"FILESRV-01\"", "\"\\ud800\"", ODX_E_PARSE, "not valid JSON");

    /* Hostile but valid strings are data: ANSI escapes and a name at the size limit. */
    n = ODX_MAX_STRING_BYTES;
    big = malloc(n + 3);
    if (!big)
        abort();
    big[0] = '"';
    for (i = 1; i <= n; i++)
        big[i] = 'A';
    big[n + 1] = '"';
    big[n + 2] = '\0';
    m = mutate_at(__FILE__, __LINE__, base, "\"FILESRV-01\"", big);
    {
        char err[ERR_SIZE];
        char *m2 = mutate_at(__FILE__, __LINE__, m, "\"Windows Server 2022 Datacenter\"",
                             "\"\\u001b]0;pwned\\u0007\\u001b[2J\"");
        struct odx_obs *back = NULL;
        CHECK_INT(odx_report_parse(m2, strlen(m2), &back, err, sizeof(err)), ODX_OK);
        if (back) {
            CHECK_U64(strlen(back->host.name), ODX_MAX_STRING_BYTES);
            CHECK_STR(back->host.os_name, "\x1B]0;pwned\x07\x1B[2J");
        }
        odx_obs_free(back);
        free(m2);
    }
    free(m);
    /* One byte more is too big. */
    big[n + 1] = 'A';
    big[n + 2] = '"';
    {
        char *big2 = malloc(n + 4);
        if (!big2)
            abort();
        memcpy(big2, big, n + 3);
        big2[n + 3] = '\0';
        EXPECT_MUTATION(base, "\"FILESRV-01\"", big2, ODX_E_TOO_BIG,
                        "observations.host.name: string of 65537 bytes, more than the 65536");
        free(big2);
    }
    free(big);
    odx_free(base);
}

/* ODX_MAX_NAMES + 1 DOS names, and ODX_MAX_INSTANCES + 1 instances. */
static void test_array_caps(void)
{
    struct odx_obs *obs = NULL;
    char *base, *names, *p;
    size_t i, cap = (ODX_MAX_NAMES + 1) * 16 + 64;
    CHECK_INT(sample_windows(&obs), ODX_OK);
    base = render(obs, NULL, NULL);
    odx_obs_free(obs);
    if (!base)
        return;
    names = malloc(cap);
    if (!names)
        abort();
    p = names + sprintf(names, "\"dos_names\":\t[");
    for (i = 0; i <= ODX_MAX_NAMES; i++)
        p += sprintf(p, "%s\"N%" PRIu64 ":\"", i ? "," : "", (uint64_t)i);
    sprintf(p, "]");
    EXPECT_MUTATION(base, "\"dos_names\":\t[\"C:\"]", names, ODX_E_TOO_BIG,
                    "observations.volumes[0].dos_names: more than 1024 items");
    /* Exactly the limit is accepted. */
    {
        char err[ERR_SIZE];
        struct odx_obs *back = NULL;
        char *last = strrchr(names, ',');
        char *m;
        if (last)
            strcpy(last, "]");
        m = mutate_at(__FILE__, __LINE__, base, "\"dos_names\":\t[\"C:\"]", names);
        CHECK_INT(odx_report_parse(m, strlen(m), &back, err, sizeof(err)), ODX_OK);
        if (back)
            CHECK_U64(back->volumes[0].n_dos_names, ODX_MAX_NAMES);
        odx_obs_free(back);
        free(m);
    }
    free(names);

    names = malloc((ODX_MAX_INSTANCES + 1) * 4 + 64);
    if (!names)
        abort();
    p = names + sprintf(names, "\"instances\":\t[");
    for (i = 0; i <= ODX_MAX_INSTANCES; i++)
        p += sprintf(p, "%s{}", i ? "," : "");
    sprintf(p, "], \"old\": [");
    EXPECT_MUTATION(base, "\"instances\":\t[", names, ODX_E_TOO_BIG,
                    "observations.volumes[0].instances: more than 4096 items");
    free(names);
    EXPECT_MUTATION(base, "\"stages\":\t[",
                    "\"stages\":\t[{},{},{},{},{},{},{},{},{},{},{},{},{}], \"old\": [",
                    ODX_E_TOO_BIG, "observations.trials[0].stages: more than 12 items");
    odx_free(base);
}

/* Every prefix of a valid report is an error, never a crash. */
static void test_truncation(void)
{
    struct odx_obs *obs = NULL;
    char err[ERR_SIZE];
    char *text;
    size_t len = 0, i;
    int bad = 0;
    CHECK_INT(sample_linux(&obs), ODX_OK);
    text = render(obs, NULL, &len);
    odx_obs_free(obs);
    if (!text)
        return;
    for (i = 0; i < len - 1; i++) { /* the last byte is the trailing newline */
        struct odx_obs *back = NULL;
        enum odx_status st = odx_report_parse(text, i, &back, err, sizeof(err));
        if (st == ODX_OK || back != NULL || err[0] == '\0') {
            if (bad++ < 5)
                fprintf(stderr, "prefix %" PRIu64 ": %s \"%s\"\n", (uint64_t)i, odx_status_name(st),
                        err);
            odx_obs_free(back);
        }
    }
    CHECK_INT(bad, 0);
    odx_free(text);
}

/* ---- files ------------------------------------------------------------- */

static const char *write_temp(const char *name, const char *data, size_t len)
{
    FILE *f = fopen(name, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK_U64(fwrite(data, 1, len, f), len);
        CHECK_INT(fclose(f), 0);
    }
    return name;
}

static void test_read_file(void)
{
    char err[ERR_SIZE];
    char *text = (char *)"x", *data = NULL;
    size_t len = 7, dlen = 0;
    struct odx_obs *obs = NULL, *back = NULL;
    const char *path;

    CHECK_INT(sample_windows(&obs), ODX_OK);
    data = render(obs, NULL, &dlen);
    odx_obs_free(obs);
    if (!data)
        return;
    path = write_temp("test_report_tmp.json", data, dlen);

    CHECK_INT(odx_report_read_file(path, ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err)),
              ODX_OK);
    CHECK_U64(len, dlen);
    CHECK(text && memcmp(text, data, dlen) == 0 && text[len] == '\0');
    CHECK_INT(odx_report_parse(text, len, &back, err, sizeof(err)), ODX_OK);
    odx_free(text); /* the model holds copies */
    if (back)
        CHECK_STR(back->host.name, "FILESRV-01");
    odx_obs_free(back);

    /* Exactly at the cap, and one byte over. */
    CHECK_INT(odx_report_read_file(path, dlen, &text, &len, err, sizeof(err)), ODX_OK);
    odx_free(text);
    text = (char *)"x";
    CHECK_INT(odx_report_read_file(path, dlen - 1, &text, &len, err, sizeof(err)), ODX_E_TOO_BIG);
    CHECK(text == NULL && len == 0);
    CHECK(strstr(err, "test_report_tmp.json is larger than the") != NULL);
    CHECK_INT(odx_report_read_file(path, 100, &text, &len, err, sizeof(err)), ODX_E_TOO_BIG);
    CHECK(strstr(err, "larger than the 100-byte limit") != NULL);

    /* Empty file: read fine, the parser says it is empty. */
    path = write_temp("test_report_empty.json", "", 0);
    CHECK_INT(odx_report_read_file(path, 100, &text, &len, err, sizeof(err)), ODX_OK);
    CHECK_U64(len, 0);
    CHECK_INT(odx_report_parse(text, len, &back, err, sizeof(err)), ODX_E_EMPTY);
    odx_free(text);

    CHECK_INT(odx_report_read_file("no-such-dir/missing.json", 100, &text, &len, err, sizeof(err)),
              ODX_E_NOT_FOUND);
    CHECK(strstr(err, "cannot open no-such-dir/missing.json: ") != NULL);
    CHECK(text == NULL);
    /* A directory (fopen may succeed on it; reading fails). */
    CHECK_INT(odx_report_read_file(".", ODX_REPORT_MAX_BYTES, &text, &len, err, sizeof(err)),
              ODX_E_IO);
    CHECK(strstr(err, ".: ") != NULL);
    CHECK_INT(odx_report_read_file(".", 1, &text, &len, err, sizeof(err)), ODX_E_IO);
    CHECK(text == NULL);
    CHECK_INT(odx_report_read_file(NULL, 1, &text, &len, err, sizeof(err)), ODX_E_INVAL);

    /* Allocation failure while reading. */
    odx_alloc_fail_after(0);
    CHECK_INT(odx_report_read_file("test_report_tmp.json", ODX_REPORT_MAX_BYTES, &text, &len, err,
                                   sizeof(err)),
              ODX_E_NOMEM);
    odx_alloc_fail_after(-1);
    remove("test_report_tmp.json");
    remove("test_report_empty.json");
    odx_free(data);
}

/* ---- allocation failure ------------------------------------------------ */

static void test_alloc_failure(void)
{
    struct odx_obs *obs = NULL;
    char err[ERR_SIZE];
    char *text, *expect;
    size_t len = 0, elen = 0;
    long n;
    bool rendered = false, parsed = false;

    CHECK_INT(sample_windows(&obs), ODX_OK);
    expect = render(obs, sample_windows_analysis(), &elen);
    for (n = 0; n < 100000 && !rendered; n++) {
        enum odx_status st;
        text = NULL;
        odx_alloc_fail_after(n);
        st = odx_report_render(obs, sample_windows_analysis(), &text, &len);
        odx_alloc_fail_after(-1);
        if (st == ODX_OK) {
            rendered = true;
            CHECK(expect && strcmp(text, expect) == 0);
            odx_free(text);
        } else if (st != ODX_E_NOMEM || text != NULL) {
            fprintf(stderr, "render at %ld: %s\n", n, odx_status_name(st));
            check_failures++;
            break;
        }
    }
    CHECK(rendered);
    fprintf(stderr, "render: ok after %ld allocation failures\n", n - 1);

    for (n = 0; n < 100000 && !parsed && expect; n++) {
        struct odx_obs *back = NULL;
        enum odx_status st;
        odx_alloc_fail_after(n);
        st = odx_report_parse(expect, elen, &back, err, sizeof(err));
        odx_alloc_fail_after(-1);
        if (st == ODX_OK) {
            parsed = true;
            odx_obs_free(back);
        } else if (st != ODX_E_NOMEM || back != NULL) {
            fprintf(stderr, "parse at %ld: %s: %s\n", n, odx_status_name(st), err);
            check_failures++;
            break;
        } else if (strstr(err, "out of memory") == NULL) {
            fprintf(stderr, "parse at %ld: message \"%s\"\n", n, err);
            check_failures++;
        }
    }
    CHECK(parsed);
    fprintf(stderr, "parse: ok after %ld allocation failures\n", n - 1);
    odx_free(expect);
    odx_obs_free(obs);
}

int main(void)
{
    test_round_trip_windows();
    test_round_trip_linux();
    test_round_trip_empty();
    test_writer_repairs_utf8();
    test_bad_documents();
    test_deep_nesting();
    test_bad_fields();
    test_bad_strings();
    test_array_caps();
    test_truncation();
    test_read_file();
    test_alloc_failure();
    CHECK_DONE();
}
