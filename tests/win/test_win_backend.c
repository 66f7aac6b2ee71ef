/*
 * The Windows back end against the in-memory machine of fake_winapi.c:
 * what each slot records on a typical server, without elevation, with
 * malformed and long records, short offload transfers, a sector size the
 * trial size does not fit, Ctrl+C in the middle of a trial, and the helpers
 * that resolve ImagePath and convert strings. Runs under Wine, in-process.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "fake_winapi.h"
#include "odx/alloc.h"
#include "odx/probe.h"
#include "win_internal.h"

static struct odx_obs *probe(const struct fake_config *c, bool cross, const char *path,
                             uint64_t size, enum odx_status *status)
{
    struct odx_probe_options o;
    const char *paths[1] = {path};
    struct odx_obs *obs = NULL;
    char err[256];
    memset(&o, 0, sizeof(o));
    o.trial_size = size ? size : ODX_TRIAL_SIZE_DEFAULT;
    o.cross = cross;
    o.paths = paths;
    o.n_paths = path ? 1 : 0;
    o.tool_version = "test";
    o.probe_time = "2026-01-01T00:00:00Z";
    fake_install(c);
    *status = odx_probe_run(odx_backend_native(), &o, &obs, err, sizeof(err));
    fake_uninstall();
    if (*status != ODX_OK)
        fprintf(stderr, "probe: %s: %s\n", odx_status_name(*status), err);
    return obs;
}

static size_t volume_named(const struct odx_obs *obs, const char *name)
{
    for (size_t i = 0; i < obs->n_volumes; i++)
        if (odx_volume_matches(obs, i, name))
            return i;
    return ODX_NONE;
}

static const struct odx_trial *trial_on(const struct odx_obs *obs, enum odx_trial_scope scope,
                                        size_t volume)
{
    for (size_t i = 0; i < obs->n_trials; i++)
        if (obs->trials[i].scope == scope &&
            (scope == ODX_SCOPE_PATH || obs->trials[i].volume == volume))
            return &obs->trials[i];
    return NULL;
}

static const struct odx_error *error_for(const struct odx_obs *obs, const char *api)
{
    for (size_t i = 0; i < obs->n_errors; i++)
        if (obs->errors[i].api && strcmp(obs->errors[i].api, api) == 0)
            return &obs->errors[i];
    return NULL;
}

static void test_server(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    const struct odx_filter *f;
    const struct odx_trial *t;
    size_t C, D, E, mup, pipe;

    fake_config_server(&c);
    obs = probe(&c, true, NULL, 0, &st);
    CHECK_INT(st, ODX_OK);
    if (!obs)
        return;
    CHECK_INT(fake_open_handles(), 0);
    CHECK_INT(fake_leftovers(), 0);

    CHECK_STR(obs->host.name, "FAKEHOST");
    CHECK_STR(obs->host.os_name, "Windows Server 2022 Datacenter 21H2");
    CHECK_STR(obs->host.os_version, "10.0");
    CHECK_STR(obs->host.os_build, "20348.2227");
    CHECK_STR(obs->host.arch, "x86_64");
    CHECK_INT(obs->host.elevated, ODX_TRI_YES);
    CHECK_INT(obs->features_mode.state, ODX_SETTING_PRESENT);
    CHECK_INT(obs->features_mode.value, 0);

    CHECK_INT(obs->filters_listed, ODX_TRI_YES);
    CHECK_INT(obs->n_filters, 3);
    f = odx_obs_find_filter(obs, "VendorFlt");
    CHECK(f != NULL);
    if (f) {
        CHECK_INT(f->kind, ODX_FILTER_MINI);
        CHECK_STR(f->altitude, "320500");
        CHECK_INT(f->declared.state, ODX_SETTING_PRESENT);
        CHECK_INT(f->declared.value, 1);
        CHECK_INT(f->declared_parameters.state, ODX_SETTING_PRESENT);
        CHECK_INT(f->declared_parameters.value, 3);
        CHECK_STR(f->image_path, "\\??\\C:\\Windows\\System32\\drivers\\vflt.sys");
        CHECK_STR(f->vendor, "Fake Vendor Inc.");
        CHECK_STR(f->product, "Fake Filter");
        CHECK_STR(f->version, "1.2.3.4");
        CHECK(!f->loaded_unknown);
    }
    f = odx_obs_find_filter(obs, "WdFilter");
    CHECK(f && f->declared_parameters.state == ODX_SETTING_ABSENT);
    CHECK(f && f->vendor && f->instance_count.present && f->instance_count.value == 2);

    C = volume_named(obs, "C:");
    D = volume_named(obs, "D:");
    E = volume_named(obs, "E:");
    mup = volume_named(obs, "\\Device\\Mup");
    pipe = volume_named(obs, "\\Device\\NamedPipe");
    CHECK(C != ODX_NONE && D != ODX_NONE && E != ODX_NONE && mup != ODX_NONE && pipe != ODX_NONE);
    CHECK_INT(obs->n_volumes, 5);
    if (C == ODX_NONE || D == ODX_NONE || E == ODX_NONE || mup == ODX_NONE || pipe == ODX_NONE)
        goto out;
    CHECK_STR(obs->volumes[C].nt_name, "\\Device\\HarddiskVolume3");
    CHECK_STR(obs->volumes[C].guid_path, "\\\\?\\Volume{11111111-0000-0000-0000-000000000001}\\");
    CHECK_STR(obs->volumes[C].file_system, "NTFS");
    CHECK_INT(obs->volumes[C].sector_size.value, 512);
    CHECK_INT(obs->volumes[C].instances_listed, ODX_TRI_YES);
    CHECK_INT(obs->volumes[C].n_instances, 2);
    if (obs->volumes[C].n_instances == 2) {
        /* top of the stack first */
        CHECK_STR(obs->volumes[C].instances[0].filter, "WdFilter");
        CHECK_STR(obs->volumes[C].instances[1].filter, "FileInfo");
        CHECK_INT(obs->volumes[C].instances[0].supported_features.value, 0xf);
    }
    CHECK_INT(obs->volumes[C].storage.state, ODX_STORAGE_DESCRIPTOR);
    CHECK_STR(obs->volumes[C].storage.queried_on,
              "\\\\?\\Volume{11111111-0000-0000-0000-000000000001}");
    CHECK_INT(obs->volumes[C].storage.desc.max_token_lifetime_s, 60);
    CHECK(obs->volumes[C].eligible);
    /* D: the volume says 50, its disk answers. */
    CHECK_INT(obs->volumes[D].storage.state, ODX_STORAGE_DESCRIPTOR);
    CHECK_STR(obs->volumes[D].storage.queried_on, "\\\\.\\PhysicalDrive1");
    CHECK(obs->volumes[D].eligible);
    CHECK(!obs->volumes[E].eligible);
    CHECK_STR(obs->volumes[E].skip_reason, "removable media");
    CHECK_INT(obs->volumes[E].storage.state, ODX_STORAGE_ERROR);
    CHECK_INT(obs->volumes[mup].remote, ODX_TRI_YES);
    CHECK(!obs->volumes[mup].eligible);
    CHECK_INT(obs->volumes[mup].n_instances, 1);
    CHECK(!obs->volumes[pipe].selected);
    CHECK(!obs->volumes[pipe].eligible);

    /* Trials: C: works and verifies; D: is refused by the filter; C: -> D: too. */
    t = trial_on(obs, ODX_SCOPE_VOLUME, C);
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(t->method, ODX_METHOD_OFFLOAD);
        CHECK_INT(t->size, ODX_TRIAL_SIZE_DEFAULT);
        CHECK(t->directory && strncmp(t->directory, "C:\\odxprobe-", 12) == 0);
        for (int s = ODX_STAGE_CREATE; s <= ODX_STAGE_VERIFY; s++) {
            if (s >= ODX_STAGE_CLONE && s <= ODX_STAGE_EXTENTS) {
                CHECK(!t->stages[s].attempted);
                continue;
            }
            CHECK(t->stages[s].attempted);
            CHECK_INT(t->stages[s].code.kind, ODX_CODE_WIN32);
            CHECK_INT(t->stages[s].code.value, 0);
        }
        CHECK_U64(t->stages[ODX_STAGE_OFFLOAD_WRITE].bytes_transferred, ODX_TRIAL_SIZE_DEFAULT);
        CHECK_U64(t->stages[ODX_STAGE_VERIFY].bytes_transferred, ODX_TRIAL_SIZE_DEFAULT);
        CHECK_INT(t->stages[ODX_STAGE_CLEANUP].code.value, 0);
        CHECK(t->stages[ODX_STAGE_CLEANUP].attempted);
        CHECK(t->stages[ODX_STAGE_OFFLOAD_READ].elapsed_us > 0);
        CHECK(!t->zero_token);
    }
    t = trial_on(obs, ODX_SCOPE_VOLUME, D);
    CHECK(t && t->stages[ODX_STAGE_OFFLOAD_WRITE].code.value == 4441);
    CHECK(t && t->stages[ODX_STAGE_CLEANUP].code.value == 0);
    t = trial_on(obs, ODX_SCOPE_PAIR, C);
    CHECK(t && t->dest_volume == D);
    /* Not eligible volumes were not trialled. */
    CHECK(trial_on(obs, ODX_SCOPE_VOLUME, E) == NULL);
out:
    odx_obs_free(obs);
}

/* --path on a share: one trial there, none on the volumes (as df with an argument). */
static void test_path(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    const struct odx_trial *t;
    fake_config_server(&c);
    obs = probe(&c, false, "\\\\srv\\share\\odx", 0, &st);
    CHECK_INT(st, ODX_OK);
    if (!obs)
        return;
    CHECK_INT(obs->n_trials, 1);
    t = trial_on(obs, ODX_SCOPE_PATH, ODX_NONE);
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(t->remote, ODX_TRI_YES);
        CHECK_STR(t->path, "\\\\srv\\share\\odx");
        CHECK(t->directory && strncmp(t->directory, "\\\\srv\\share\\odx\\odxprobe-", 23) == 0);
        CHECK_INT(t->stages[ODX_STAGE_OFFLOAD_READ].code.value, 50);
        CHECK_INT(t->stages[ODX_STAGE_CLEANUP].code.value, 0);
    }
    CHECK_INT(fake_leftovers(), 0);
    CHECK_INT(fake_open_handles(), 0);
    odx_obs_free(obs);
}

static void test_not_elevated(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    const struct odx_error *e;
    const struct odx_filter *f;
    size_t C;

    fake_config_server(&c);
    c.elevated = false;
    c.fm_denied = true;
    obs = probe(&c, false, NULL, 0, &st);
    CHECK_INT(st, ODX_OK);
    if (!obs)
        return;
    CHECK_INT(fake_open_handles(), 0);
    CHECK_INT(obs->host.elevated, ODX_TRI_NO);
    CHECK_INT(obs->filters_listed, ODX_TRI_NO);
    e = error_for(obs, "FilterFindFirst");
    CHECK(e && e->code.kind == ODX_CODE_HRESULT && e->code.value == 0x80070005u);
    e = error_for(obs, "FilterVolumeFindFirst");
    CHECK(e && e->code.value == 0x80070005u);
    /* The registry still tells the minifilter services and what they declare. */
    CHECK_INT(obs->n_filters, 3);
    f = odx_obs_find_filter(obs, "VendorFlt");
    CHECK(f && f->loaded_unknown && f->declared.value == 1 && f->altitude &&
          strcmp(f->altitude, "320500") == 0);
    CHECK(odx_obs_find_filter(obs, "Tcpip") == NULL);
    C = volume_named(obs, "C:");
    CHECK(C != ODX_NONE);
    if (C != ODX_NONE) {
        CHECK_INT(obs->volumes[C].instances_listed, ODX_TRI_NO);
        CHECK(obs->volumes[C].eligible);
        CHECK(trial_on(obs, ODX_SCOPE_VOLUME, C) != NULL);
    }
    odx_obs_free(obs);
}

static void test_malformed_and_long(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    const struct odx_error *e;
    size_t D;
    /* 250 characters with e-acute, CJK and a non-BMP character: the buffer must grow. */
    static char longname[1024];
    strcpy(longname, "Filtr\xc3\xa9_\xe8\xbf\x87\xe6\xbb\xa4\xe5\x99\xa8_\xf0\x9f\x9b\xa1_");
    while (strlen(longname) < 300)
        strcat(longname, "abcdefghij");

    fake_config_server(&c);
    c.malformed_volume = "\\Device\\HarddiskVolume4";
    c.filters[c.n_filters++] = (struct fake_filter){longname, "385250.5", false, 1, 1};
    c.instances[c.n_instances++] = (struct fake_instance){
        "\\Device\\HarddiskVolume3", longname, longname, "385250.5", false, 1, 0x3};
    obs = probe(&c, false, NULL, 0, &st);
    CHECK_INT(st, ODX_OK);
    if (!obs)
        return;
    CHECK_INT(fake_open_handles(), 0);
    CHECK(odx_obs_find_filter(obs, longname) != NULL);
    e = error_for(obs, "FilterVolumeInstanceFindFirst");
    CHECK(e && e->code.kind == ODX_CODE_ODX && e->code.value == ODX_E_MALFORMED);
    D = volume_named(obs, "D:");
    CHECK(D != ODX_NONE && obs->volumes[D].instances_listed == ODX_TRI_NO);
    odx_obs_free(obs);
}

static void test_short_transfers(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    const struct odx_trial *t;
    fake_config_server(&c);
    c.volumes[0].offload.read_cap = 256 * 1024;
    c.volumes[0].offload.write_cap = 64 * 1024;
    obs = probe(&c, false, NULL, 0, &st);
    if (!obs)
        return;
    t = trial_on(obs, ODX_SCOPE_VOLUME, volume_named(obs, "C:"));
    CHECK(t != NULL);
    if (t) {
        CHECK_INT(t->stages[ODX_STAGE_OFFLOAD_READ].calls, 4);
        CHECK_INT(t->stages[ODX_STAGE_OFFLOAD_WRITE].calls, 16);
        CHECK_INT(t->stages[ODX_STAGE_VERIFY].code.value, 0);
        CHECK_INT(t->stages[ODX_STAGE_VERIFY].code.kind, ODX_CODE_WIN32);
    }
    CHECK_INT(fake_leftovers(), 0);
    odx_obs_free(obs);
}

static void test_sector_size(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    const struct odx_trial *t;
    fake_config_server(&c);
    c.volumes[0].sector = 8192;
    obs = probe(&c, false, NULL, 256 * 1024 + 4096, &st);
    if (!obs)
        return;
    t = trial_on(obs, ODX_SCOPE_VOLUME, volume_named(obs, "C:"));
    CHECK(t && t->stages[ODX_STAGE_CREATE].code.kind == ODX_CODE_ODX &&
          t->stages[ODX_STAGE_CREATE].code.value == ODX_E_INVAL);
    CHECK(t && !t->stages[ODX_STAGE_WRITE].attempted);
    CHECK_INT(fake_leftovers(), 0);
    odx_obs_free(obs);
}

static void test_interrupt(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    fake_config_server(&c);
    c.interrupt_at = "FlushFileBuffers";
    obs = probe(&c, false, NULL, 0, &st);
    CHECK_INT(st, ODX_OK);
    if (!obs)
        return;
    CHECK(obs->run.interrupted);
    CHECK_INT(obs->n_trials, 1);
    if (obs->n_trials == 1) {
        CHECK(obs->trials[0].stages[ODX_STAGE_CLEANUP].attempted);
        CHECK_INT(obs->trials[0].stages[ODX_STAGE_CLEANUP].code.value, 0);
        CHECK(!obs->trials[0].stages[ODX_STAGE_OFFLOAD_READ].attempted);
    }
    CHECK_INT(fake_leftovers(), 0);
    CHECK_INT(fake_open_handles(), 0);
    CHECK(!odx_win_trial_busy());
    odx_obs_free(obs);
}

static void test_locate(void)
{
    struct fake_config c;
    struct odx_obs *obs = NULL;
    size_t v = 0;
    enum odx_tri remote;
    fake_config_server(&c);
    CHECK_INT(odx_obs_new(&obs), ODX_OK);
    fake_install(&c);
    CHECK_INT(odx_win_volumes(obs), ODX_OK);
    CHECK_INT(odx_win_locate(obs, "C:\\no\\such\\dir", &v, &remote), ODX_E_NOT_FOUND);
    CHECK_INT(odx_win_locate(obs, "C:\\Windows", &v, &remote), ODX_OK);
    CHECK(v == volume_named(obs, "C:"));
    CHECK_INT(remote, ODX_TRI_NO);
    CHECK_INT(odx_win_locate(obs, "\\\\srv\\share\\odx", &v, &remote), ODX_OK);
    CHECK_INT(remote, ODX_TRI_YES);
    CHECK(v == ODX_NONE);
    fake_uninstall();
    CHECK_INT(fake_open_handles(), 0);
    odx_obs_free(obs);
}

static void check_image(const WCHAR *image, const char *want)
{
    struct fake_config c;
    struct odx_obs *obs = NULL;
    WCHAR *file = NULL;
    char *got = NULL;
    fake_config_server(&c);
    fake_install(&c);
    odx_obs_new(&obs);
    CHECK_INT(odx_win_image_file(obs, image, &file), ODX_OK);
    fake_uninstall();
    if (file)
        odx_win_utf8(file, SIZE_MAX, &got);
    CHECK_STR(got, want);
    odx_free(got);
    odx_free(file);
    odx_obs_free(obs);
}

static void test_image_paths(void)
{
    check_image(L"\\SystemRoot\\System32\\drivers\\x.sys", "C:\\Windows\\System32\\drivers\\x.sys");
    check_image(L"System32\\drivers\\x.sys", "C:\\Windows\\System32\\drivers\\x.sys");
    check_image(L"\\??\\D:\\Tools\\x.sys", "D:\\Tools\\x.sys");
    check_image(L"%SystemRoot%\\System32\\drivers\\x.sys", "C:\\Windows\\System32\\drivers\\x.sys");
    check_image(L"C:\\Drivers\\x.sys", "C:\\Drivers\\x.sys");
}

static void test_strings(void)
{
    WCHAR *w = NULL;
    char *u = NULL;
    /* e-acute, CJK, U+1F6E1 (a surrogate pair) */
    const char *s = "a\xc3\xa9\xe8\xbf\x87\xf0\x9f\x9b\xa1z";
    CHECK_INT(odx_win_wide(s, &w), ODX_OK);
    CHECK(w && w[0] == L'a' && w[1] == 0xE9 && w[2] == 0x8FC7 && w[3] == 0xD83D && w[4] == 0xDEE1 &&
          w[5] == L'z' && w[6] == 0);
    CHECK_INT(odx_win_utf8(w, SIZE_MAX, &u), ODX_OK);
    CHECK_STR(u, s);
    odx_free(w);
    odx_free(u);
    CHECK_INT(odx_win_wide("bad \xc3", &w), ODX_E_BAD_UTF8);
    CHECK_INT(odx_win_wide("bad \xed\xa0\x80", &w), ODX_E_BAD_UTF8); /* a UTF-8 surrogate */
    CHECK_INT(odx_win_wide("\xc0\xaf", &w), ODX_E_BAD_UTF8);         /* overlong */
    CHECK(w == NULL);
}

static void test_dos_name_empty(void)
{
    struct fake_config c;
    enum odx_status st;
    struct odx_obs *obs;
    size_t v;
    fake_config_server(&c);
    /* A volume mounted in a folder only: FilterGetDosName gives nothing [S2]. */
    c.volumes[c.n_volumes++] = (struct fake_volume){
        .nt = "\\Device\\HarddiskVolume7",
        .fs_type = 28,
        .guid = "\\\\?\\Volume{11111111-0000-0000-0000-000000000007}\\",
        .mount = "C:\\mnt\\data\\",
        .fs_name = "ReFS",
        .drive_type = DRIVE_FIXED,
        .sector = 4096,
        .fm = true,
    };
    c.dirs[c.n_dirs++] = "C:\\mnt";
    obs = probe(&c, false, NULL, 0, &st);
    if (!obs)
        return;
    v = volume_named(obs, "C:\\mnt\\data");
    CHECK(v != ODX_NONE);
    if (v != ODX_NONE) {
        CHECK_INT(obs->volumes[v].n_dos_names, 0);
        CHECK_STR(obs->volumes[v].file_system, "ReFS");
        CHECK(obs->volumes[v].eligible);
        CHECK(trial_on(obs, ODX_SCOPE_VOLUME, v) != NULL);
    }
    CHECK(error_for(obs, "FilterGetDosName") == NULL);
    CHECK_INT(fake_leftovers(), 0);
    odx_obs_free(obs);
}

/* Names each test on stderr first, so a crash under Wine says where it was. */
#define RUN(test)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "%s\n", #test);                                                            \
        test();                                                                                    \
    } while (0)

int main(void)
{
    RUN(test_strings);
    RUN(test_image_paths);
    RUN(test_server);
    RUN(test_path);
    RUN(test_not_elevated);
    RUN(test_malformed_and_long);
    RUN(test_short_transfers);
    RUN(test_sector_size);
    RUN(test_interrupt);
    RUN(test_locate);
    RUN(test_dos_name_empty);
    CHECK_DONE();
}
