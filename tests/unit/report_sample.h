/*
 * Hand-built observations and analyses for the report tests and fixtures:
 * a Windows machine and a Linux machine with every model field set, names
 * outside ASCII (a 4-byte UTF-8 character included), descriptor values
 * above 2^53 and a hostile string (ANSI escape). The analysis is built by
 * hand from static data, so these tests do not depend on odx_analyze.
 *
 * Header-only (static functions) so that unit tests, the fixture renderer
 * and the fuzz replay can each include it without a library of their own.
 */
#ifndef ODX_TEST_REPORT_SAMPLE_H
#define ODX_TEST_REPORT_SAMPLE_H

#include <stdint.h>
#include <string.h>

#include "odx/analysis.h"
#include "odx/model.h"

/* Fails the enclosing builder with the status of a builder call. */
#define SAMPLE_TRY(call)                                                                           \
    do {                                                                                           \
        enum odx_status sample_st_ = (call);                                                       \
        if (sample_st_ != ODX_OK) {                                                                \
            odx_obs_free(obs);                                                                     \
            return sample_st_;                                                                     \
        }                                                                                          \
    } while (0)

#define SAMPLE_STR(field, text) SAMPLE_TRY(odx_obs_str(obs, (text), &(field)))

static inline struct odx_code sample_code(enum odx_code_kind kind, uint32_t value)
{
    struct odx_code c;
    c.kind = kind;
    c.value = value;
    return c;
}

static inline struct odx_opt_u32 sample_opt(uint32_t v)
{
    struct odx_opt_u32 o;
    o.present = true;
    o.value = v;
    return o;
}

static inline void sample_stage(struct odx_trial *t, enum odx_stage_id id, struct odx_code code,
                                const char *api, uint64_t requested, uint64_t transferred,
                                uint64_t elapsed_us)
{
    struct odx_stage *s = &t->stages[id];
    s->attempted = true;
    s->code = code;
    s->api = api; /* an interned model string, or a literal that outlives the model */
    s->bytes_requested = requested;
    s->bytes_transferred = transferred;
    s->calls = 1;
    s->elapsed_us = elapsed_us;
}

/* A Windows file server with two filters blocking offload on C: and a storage error on E:. */
static inline enum odx_status sample_windows(struct odx_obs **out)
{
    struct odx_obs *obs = NULL;
    struct odx_filter *f;
    struct odx_volume *v;
    struct odx_instance *in;
    struct odx_trial *t;
    struct odx_excluded *x;
    const char *api;
    size_t vi;

    *out = NULL;
    SAMPLE_TRY(odx_obs_new(&obs));
    obs->platform = ODX_PLATFORM_WINDOWS;
    SAMPLE_STR(obs->backend, "windows");
    SAMPLE_STR(obs->host.name, "FILESRV-01");
    SAMPLE_STR(obs->host.os_name, "Windows Server 2022 Datacenter");
    SAMPLE_STR(obs->host.os_version, "10.0");
    SAMPLE_STR(obs->host.os_build, "20348.2227");
    SAMPLE_STR(obs->host.arch, "x86_64");
    obs->host.elevated = ODX_TRI_YES;
    SAMPLE_STR(obs->host.probe_time, "2026-11-24T09:15:02Z");
    SAMPLE_STR(obs->host.tool_version, "0.1.0");
    obs->run.cross = true;
    obs->run.trial_size = 1048576;
    SAMPLE_TRY(odx_obs_add_run_volume(obs, "C:"));
    SAMPLE_TRY(odx_obs_add_run_volume(obs, "E:"));
    SAMPLE_TRY(odx_obs_add_run_path(obs, "\\\\srv\\share\\ODX test"));
    obs->features_mode.state = ODX_SETTING_PRESENT;
    obs->features_mode.value = 0;
    obs->filters_listed = ODX_TRI_YES;

    SAMPLE_TRY(odx_obs_add_filter(obs, &f, NULL));
    SAMPLE_STR(f->name, "WdFilter");
    SAMPLE_STR(f->altitude, "328010");
    f->kind = ODX_FILTER_MINI;
    f->frame = sample_opt(0);
    f->instance_count = sample_opt(3);
    f->declared.state = ODX_SETTING_PRESENT;
    f->declared.value = 3;
    f->declared_parameters.state = ODX_SETTING_ABSENT;
    SAMPLE_STR(f->image_path, "\\SystemRoot\\system32\\drivers\\wd\\WdFilter.sys");
    SAMPLE_STR(f->vendor, "Microsoft Corporation");
    SAMPLE_STR(f->product, "Microsoft\xC2\xAE Windows\xC2\xAE Operating System");
    SAMPLE_STR(f->version, "4.18.24090.11");

    SAMPLE_TRY(odx_obs_add_filter(obs, &f, NULL));
    SAMPLE_STR(f->name, "AcmeGuard");
    SAMPLE_STR(f->altitude, "385250.5");
    f->kind = ODX_FILTER_MINI;
    f->frame = sample_opt(1);
    f->instance_count = sample_opt(2);
    f->declared.state = ODX_SETTING_ERROR;
    f->declared.error = sample_code(ODX_CODE_WIN32, 5);
    f->declared_parameters.state = ODX_SETTING_PRESENT;
    f->declared_parameters.value = 0x10;
    SAMPLE_STR(f->image_path, "C:\\Program Files\\Acme\\acmegrd.sys");
    /* U+00DC, U+00EF, U+00F8, U+00E9 and U+1F6E1 (4 bytes). */
    SAMPLE_STR(f->vendor, "\xC3\x9Cn\xC3\xAF"
                          "c\xC3\xB8"
                          "d\xC3\xA9 GmbH \xF0\x9F\x9B\xA1");
    SAMPLE_STR(f->product, "Acme Guard \xE6\x97\xA5\xE6\x9C\xAC");
    SAMPLE_STR(f->version, "7.2.0.1");

    SAMPLE_TRY(odx_obs_add_filter(obs, &f, NULL));
    SAMPLE_STR(f->name, "OldFlt");
    f->kind = ODX_FILTER_LEGACY;
    f->declared.state = ODX_SETTING_NOT_READ;
    f->declared_parameters.state = ODX_SETTING_NOT_READ;

    /* Volume 0: C:, storage with a descriptor, three instances. */
    SAMPLE_TRY(odx_obs_add_volume(obs, &v, &vi));
    SAMPLE_STR(v->nt_name, "\\Device\\HarddiskVolume3");
    SAMPLE_STR(v->guid_path, "\\\\?\\Volume{4c1b02c1-d990-11dc-99ae-806e6f6e6963}\\");
    SAMPLE_STR(v->file_system, "NTFS");
    v->flt_fs_type = sample_opt(2);
    v->sector_size = sample_opt(512);
    v->remote = ODX_TRI_NO;
    v->removable = ODX_TRI_NO;
    v->read_only = ODX_TRI_NO;
    v->storage.state = ODX_STORAGE_DESCRIPTOR;
    SAMPLE_STR(v->storage.queried_on, "\\\\.\\PhysicalDrive0");
    v->storage.desc.version = 1;
    v->storage.desc.size = 56;
    v->storage.desc.max_token_lifetime_s = 3600;
    v->storage.desc.default_token_lifetime_s = 60;
    v->storage.desc.max_transfer_size = ((uint64_t)1 << 60) + 7; /* above 2^53 */
    v->storage.desc.optimal_transfer_count = UINT64_MAX;
    v->storage.desc.max_data_descriptors = 4096;
    v->storage.desc.max_transfer_length_per_descriptor = 0xFFFFFFFFu;
    v->storage.desc.optimal_transfer_length_per_descriptor = 65536;
    v->storage.desc.optimal_transfer_length_granularity = 8;
    v->instances_listed = ODX_TRI_YES;
    v->eligible = true;
    v->selected = true;
    SAMPLE_TRY(odx_obs_add_dos_name(obs, vi, "C:"));
    SAMPLE_TRY(odx_obs_add_mount_point(obs, vi, "C:\\"));
    SAMPLE_TRY(odx_obs_add_mount_point(obs, vi,
                                       "D:\\mnt\\donn\xC3\xA9"
                                       "es\\"));
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "AcmeGuard");
    SAMPLE_STR(in->name, "AcmeGuard Instance");
    SAMPLE_STR(in->altitude, "385250.5");
    in->kind = ODX_FILTER_MINI;
    in->frame = sample_opt(1);
    in->supported_features = sample_opt(0x10);
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "WdFilter");
    SAMPLE_STR(in->name, "WdFilter Instance");
    SAMPLE_STR(in->altitude, "328010");
    in->kind = ODX_FILTER_MINI;
    in->frame = sample_opt(0);
    in->supported_features = sample_opt(15);
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "OldFlt");
    in->kind = ODX_FILTER_LEGACY;
    in->detached = true;

    /* Volume 1: E:, storage query failed, instances not listed. */
    SAMPLE_TRY(odx_obs_add_volume(obs, &v, &vi));
    SAMPLE_STR(v->nt_name, "\\Device\\HarddiskVolume7");
    SAMPLE_STR(v->guid_path, "\\\\?\\Volume{0bd4ae3c-1111-4f0e-9e5c-2c5d7ad3b001}\\");
    SAMPLE_STR(v->file_system, "ReFS");
    v->flt_fs_type = sample_opt(14);
    v->sector_size = sample_opt(4096);
    v->remote = ODX_TRI_NO;
    v->removable = ODX_TRI_UNKNOWN;
    v->read_only = ODX_TRI_NO;
    v->storage.state = ODX_STORAGE_ERROR;
    SAMPLE_STR(v->storage.queried_on, "\\\\.\\PhysicalDrive2");
    v->storage.error = sample_code(ODX_CODE_WIN32, 50);
    v->instances_listed = ODX_TRI_NO;
    v->eligible = true;
    v->selected = true;
    SAMPLE_TRY(odx_obs_add_dos_name(obs, vi, "E:"));
    SAMPLE_TRY(odx_obs_add_mount_point(obs, vi, "E:\\"));

    /* Volume 2: a FAT32 stick, skipped and not selected. */
    SAMPLE_TRY(odx_obs_add_volume(obs, &v, &vi));
    SAMPLE_STR(v->nt_name, "\\Device\\HarddiskVolume9");
    SAMPLE_STR(v->file_system, "FAT32");
    v->removable = ODX_TRI_YES;
    v->detached = true;
    v->instances_listed = ODX_TRI_UNKNOWN;
    SAMPLE_STR(v->skip_reason, "FAT32 has no offload");
    v->selected = false;

    /* Trial 0: C:, offload refused by a filter. */
    SAMPLE_TRY(odx_obs_add_trial(obs, &t, NULL));
    t->scope = ODX_SCOPE_VOLUME;
    t->method = ODX_METHOD_OFFLOAD;
    t->volume = 0;
    SAMPLE_STR(t->directory, "C:\\odxprobe-3f2a\\");
    t->remote = ODX_TRI_NO;
    t->size = 1048576;
    SAMPLE_STR(api, "CreateFileW");
    sample_stage(t, ODX_STAGE_CREATE, sample_code(ODX_CODE_WIN32, 0), api, 0, 0, 812);
    SAMPLE_STR(api, "WriteFile");
    sample_stage(t, ODX_STAGE_WRITE, sample_code(ODX_CODE_WIN32, 0), api, 1048576, 1048576, 950);
    SAMPLE_STR(api, "FlushFileBuffers");
    sample_stage(t, ODX_STAGE_FLUSH, sample_code(ODX_CODE_WIN32, 0), api, 0, 0, 4100);
    SAMPLE_STR(api, "SetEndOfFile");
    sample_stage(t, ODX_STAGE_SET_SIZE, sample_code(ODX_CODE_WIN32, 0), api, 1048576, 0, 55);
    SAMPLE_STR(api, "DeviceIoControl(FSCTL_OFFLOAD_READ)");
    sample_stage(t, ODX_STAGE_OFFLOAD_READ, sample_code(ODX_CODE_WIN32, 0), api, 1048576, 1048576,
                 310);
    t->stages[ODX_STAGE_OFFLOAD_READ].flags = sample_opt(0);
    SAMPLE_STR(api, "DeviceIoControl(FSCTL_OFFLOAD_WRITE)");
    sample_stage(t, ODX_STAGE_OFFLOAD_WRITE, sample_code(ODX_CODE_WIN32, 4441), api, 1048576, 0,
                 97);
    t->stages[ODX_STAGE_OFFLOAD_WRITE].flags = sample_opt(0);
    SAMPLE_STR(api, "RemoveDirectoryW");
    sample_stage(t, ODX_STAGE_CLEANUP, sample_code(ODX_CODE_WIN32, 0), api, 0, 0, 640);
    t->extents_shared = ODX_TRI_UNKNOWN;

    /* Trial 1: C: -> E:, odd numbers from a driver (above 2^53 and at INT_MAX + 1). */
    SAMPLE_TRY(odx_obs_add_trial(obs, &t, NULL));
    t->scope = ODX_SCOPE_PAIR;
    t->method = ODX_METHOD_OFFLOAD;
    t->volume = 0;
    t->dest_volume = 1;
    SAMPLE_STR(t->directory, "E:\\odxprobe-3f2a\\");
    t->remote = ODX_TRI_NO;
    t->size = 2147483648u;
    SAMPLE_STR(api, "DeviceIoControl(FSCTL_OFFLOAD_WRITE)");
    sample_stage(t, ODX_STAGE_OFFLOAD_WRITE, sample_code(ODX_CODE_NTSTATUS, 0xC000A2A2u), api,
                 ((uint64_t)1 << 53) + 1, 9007199254740991u, 1000000000000000u);
    t->stages[ODX_STAGE_OFFLOAD_WRITE].calls = 4000000000u;
    t->zero_token = true;

    /* Trial 2: a share path on no known volume. */
    SAMPLE_TRY(odx_obs_add_trial(obs, &t, NULL));
    t->scope = ODX_SCOPE_PATH;
    t->method = ODX_METHOD_OFFLOAD;
    SAMPLE_STR(t->path, "\\\\srv\\share\\ODX test");
    SAMPLE_STR(t->directory, "\\\\srv\\share\\ODX test\\odxprobe-3f2a\\");
    t->remote = ODX_TRI_YES;
    t->size = 1048576;
    SAMPLE_STR(api, "CreateFileW");
    sample_stage(t, ODX_STAGE_CREATE, sample_code(ODX_CODE_HRESULT, 0x80070035u), api, 0, 0, 21000);

    SAMPLE_TRY(odx_obs_add_error(obs, "FilterInstanceFindFirst",
                                 "E:", sample_code(ODX_CODE_HRESULT, 0x80070005u),
                                 "\x1B[31mANSI red\x1B[0m from a hostile driver name"));
    SAMPLE_TRY(odx_obs_add_error(obs, "RegGetValueW", NULL, sample_code(ODX_CODE_ODX, 5), NULL));
    SAMPLE_TRY(odx_obs_add_excluded(obs, &x));
    SAMPLE_STR(x->mount_point, "\\\\?\\Volume{e8f1}\\");
    SAMPLE_STR(x->fs_type, "UDF");
    SAMPLE_STR(x->reason, "read-only optical media");
    *out = obs;
    return ODX_OK;
}

/* A Linux host: an overlay over xfs, a FUSE mount, an ext4 on dm-crypt. */
static inline enum odx_status sample_linux(struct odx_obs **out)
{
    struct odx_obs *obs = NULL;
    struct odx_volume *v;
    struct odx_instance *in;
    struct odx_trial *t;
    struct odx_excluded *x;
    const char *api;
    size_t vi;

    *out = NULL;
    SAMPLE_TRY(odx_obs_new(&obs));
    obs->platform = ODX_PLATFORM_LINUX;
    SAMPLE_STR(obs->backend, "linux");
    SAMPLE_STR(obs->host.name, "build-\xE6\x9D\xB1\xE4\xBA\xAC");
    SAMPLE_STR(obs->host.os_name, "Debian GNU/Linux 12");
    SAMPLE_STR(obs->host.os_version, "6.1.0-18-amd64");
    SAMPLE_STR(obs->host.os_build, "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01)");
    SAMPLE_STR(obs->host.arch, "x86_64");
    obs->host.elevated = ODX_TRI_NO;
    SAMPLE_STR(obs->host.probe_time, "2026-11-24T10:00:00Z");
    SAMPLE_STR(obs->host.tool_version, "0.1.0");
    obs->run.static_only = false;
    obs->run.interrupted = true;
    obs->run.trial_size = 65536;
    SAMPLE_TRY(odx_obs_add_run_path(obs, "/srv/donn\xC3\xA9"
                                         "es"));
    obs->filters_listed = ODX_TRI_UNKNOWN;

    /* Volume 0: overlay over xfs. */
    SAMPLE_TRY(odx_obs_add_volume(obs, &v, &vi));
    SAMPLE_STR(v->nt_name, "overlay");
    SAMPLE_STR(v->file_system, "overlay");
    v->remote = ODX_TRI_NO;
    v->removable = ODX_TRI_NO;
    v->read_only = ODX_TRI_NO;
    v->instances_listed = ODX_TRI_YES;
    v->eligible = true;
    v->selected = true;
    v->mount_id = sample_opt(512);
    v->parent_id = sample_opt(29);
    SAMPLE_STR(v->root, "/");
    SAMPLE_STR(v->options, "rw,relatime,lowerdir=/l,upperdir=/u/upper,workdir=/u/work");
    SAMPLE_TRY(odx_obs_add_mount_point(obs, vi,
                                       "/srv/donn\xC3\xA9"
                                       "es"));
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "overlay");
    SAMPLE_STR(in->name, "overlay upper");
    in->kind = ODX_FILTER_LAYER;
    SAMPLE_STR(in->role, "upper");
    SAMPLE_STR(in->fs_type, "xfs");
    SAMPLE_STR(in->path, "/u/upper");
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "xfs");
    SAMPLE_STR(in->name, "file system");
    in->kind = ODX_FILTER_LAYER;
    SAMPLE_STR(in->role, "filesystem");
    SAMPLE_STR(in->fs_type, "xfs");
    SAMPLE_STR(in->path, "/dev/vdb1");

    /* Volume 1: ext4 on dm-crypt on a disk. */
    SAMPLE_TRY(odx_obs_add_volume(obs, &v, &vi));
    SAMPLE_STR(v->nt_name, "/dev/mapper/crypt\xF0\x9F\x94\x92");
    SAMPLE_STR(v->file_system, "ext4");
    v->remote = ODX_TRI_NO;
    v->removable = ODX_TRI_NO;
    v->read_only = ODX_TRI_YES;
    v->instances_listed = ODX_TRI_YES;
    v->eligible = true;
    v->selected = true;
    v->mount_id = sample_opt(600);
    v->parent_id = sample_opt(512);
    SAMPLE_STR(v->root, "/home");
    SAMPLE_STR(v->options, "ro,noatime");
    SAMPLE_TRY(odx_obs_add_mount_point(obs, vi, "/home"));
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "ext4");
    SAMPLE_STR(in->name, "file system");
    in->kind = ODX_FILTER_LAYER;
    SAMPLE_STR(in->role, "filesystem");
    SAMPLE_STR(in->fs_type, "ext4");
    SAMPLE_STR(in->path, "/dev/mapper/crypt\xF0\x9F\x94\x92");
    SAMPLE_TRY(odx_obs_add_instance(obs, vi, &in));
    SAMPLE_STR(in->filter, "dm-crypt");
    SAMPLE_STR(in->name, "block device");
    in->kind = ODX_FILTER_LAYER;
    SAMPLE_STR(in->role, "block");
    SAMPLE_STR(in->path, "/dev/dm-0");

    /* Trial 0: FICLONE on the overlay, refused across layers. */
    SAMPLE_TRY(odx_obs_add_trial(obs, &t, NULL));
    t->scope = ODX_SCOPE_VOLUME;
    t->method = ODX_METHOD_CLONE;
    t->volume = 0;
    SAMPLE_STR(t->directory, "/srv/donn\xC3\xA9"
                             "es/.odxprobe-1a2b");
    t->remote = ODX_TRI_NO;
    t->size = 65536;
    SAMPLE_STR(api, "open");
    sample_stage(t, ODX_STAGE_CREATE, sample_code(ODX_CODE_ERRNO, 0), api, 0, 0, 30);
    SAMPLE_STR(api, "ioctl(FICLONE)");
    sample_stage(t, ODX_STAGE_CLONE, sample_code(ODX_CODE_ERRNO, 18), api, 65536, 0, 12);
    SAMPLE_STR(api, "unlink");
    sample_stage(t, ODX_STAGE_CLEANUP, sample_code(ODX_CODE_ERRNO, 0), api, 0, 0, 9);
    t->extents_shared = ODX_TRI_NO;

    /* Trial 1: copy_file_range on ext4 copied bytes, nothing shared. */
    SAMPLE_TRY(odx_obs_add_trial(obs, &t, NULL));
    t->scope = ODX_SCOPE_VOLUME;
    t->method = ODX_METHOD_COPY_FILE_RANGE;
    t->volume = 1;
    SAMPLE_STR(t->directory, "/home/.odxprobe-1a2b");
    t->remote = ODX_TRI_NO;
    t->size = 65536;
    SAMPLE_STR(api, "copy_file_range");
    sample_stage(t, ODX_STAGE_COPY_RANGE, sample_code(ODX_CODE_ERRNO, 0), api, 65536, 65536, 44);
    SAMPLE_STR(api, "ioctl(FS_IOC_FIEMAP)");
    sample_stage(t, ODX_STAGE_EXTENTS, sample_code(ODX_CODE_ERRNO, 0), api, 0, 0, 3);
    t->stages[ODX_STAGE_EXTENTS].flags = sample_opt(0x2000);
    SAMPLE_STR(api, "read");
    sample_stage(t, ODX_STAGE_VERIFY, sample_code(ODX_CODE_ERRNO, 0), api, 65536, 65536, 70);
    t->extents_shared = ODX_TRI_NO;

    SAMPLE_TRY(odx_obs_add_error(obs, "open", "/sys/block/dm-0/slaves",
                                 sample_code(ODX_CODE_ERRNO, 13), "permission denied"));
    SAMPLE_TRY(odx_obs_add_excluded(obs, &x));
    SAMPLE_STR(x->mount_point, "/proc");
    SAMPLE_STR(x->fs_type, "proc");
    SAMPLE_STR(x->reason, "pseudo file system");
    SAMPLE_TRY(odx_obs_add_excluded(obs, &x));
    SAMPLE_STR(x->mount_point, "/sys");
    SAMPLE_STR(x->fs_type, "sysfs");
    SAMPLE_STR(x->reason, "pseudo file system");
    *out = obs;
    return ODX_OK;
}

/*
 * An analysis of sample_windows(), built by hand from static data (every
 * field set somewhere). It points into nothing that needs freeing; never
 * pass it to odx_analysis_free().
 */
static inline const struct odx_analysis *sample_windows_analysis(void)
{
    static const char *evidence0[] = {
        "FSCTL_OFFLOAD_WRITE failed: ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED (4441, 0x1159)",
        "AcmeGuard (altitude 385250.5) runtime SupportedFeatures 0x10 lacks 0x1 and 0x2",
    };
    static struct odx_flag flags0[] = {
        {ODX_FLAG_DECLARED_RUNTIME_MISMATCH, "AcmeGuard",
         "AcmeGuard: Services\\AcmeGuard\\SupportedFeatures unreadable (5), runtime 0x10"},
    };
    static struct odx_culprit blockers0[] = {{
        .filter = "AcmeGuard",
        .instance = "AcmeGuard Instance",
        .altitude = "385250.5",
        .kind = ODX_FILTER_MINI,
        .volume = 0,
        .runtime = {true, 0x10},
        .declared = {ODX_SETTING_ERROR, 0, {ODX_CODE_WIN32, 5}},
        .declared_parameters = {ODX_SETTING_PRESENT, 0x10, {ODX_CODE_NONE, 0}},
        .bits_from = ODX_BITS_RUNTIME,
        .features = 0x10,
        .lacks_read = true,
        .lacks_write = true,
        .microsoft = false,
        .reason = "runtime SupportedFeatures 0x10 has neither offload_read nor offload_write",
    }};
    static struct odx_culprit suspects1[] = {{
        .filter = "OldFlt",
        .instance = NULL,
        .altitude = NULL,
        .kind = ODX_FILTER_LEGACY,
        .volume = ODX_NONE,
        .runtime = {false, 0},
        .declared = {ODX_SETTING_NOT_READ, 0, {ODX_CODE_NONE, 0}},
        .declared_parameters = {ODX_SETTING_NOT_READ, 0, {ODX_CODE_NONE, 0}},
        .bits_from = ODX_BITS_NONE,
        .features = 0,
        .lacks_read = false,
        .lacks_write = false,
        .microsoft = false,
        .reason = "legacy filter: cannot declare offload support",
    }};
    static const char *evidence1[] = {"IOCTL_STORAGE_QUERY_PROPERTY failed: 50"};
    static struct odx_result results[] = {
        {ODX_TARGET_VOLUME,
         0,
         ODX_NONE,
         0,
         "C:",
         ODX_VERDICT_BLOCKED_BY_FILTER,
         "C: offload blocked by AcmeGuard",
         evidence0,
         2,
         "Ask Acme for a version that supports offload, or detach AcmeGuard from C:",
         {ODX_CODE_WIN32, 4441},
         ODX_STAGE_OFFLOAD_WRITE,
         blockers0,
         1,
         NULL,
         0,
         flags0,
         1},
        {ODX_TARGET_PAIR,
         0,
         1,
         1,
         "C: -> E:",
         ODX_VERDICT_UNKNOWN,
         "C: -> E: outcome unclear",
         evidence1,
         1,
         NULL,
         {ODX_CODE_NTSTATUS, 0xC000A2A2u},
         ODX_STAGE_OFFLOAD_WRITE,
         NULL,
         0,
         suspects1,
         1,
         NULL,
         0},
        {ODX_TARGET_PATH,
         ODX_NONE,
         ODX_NONE,
         ODX_NONE,
         "\\\\srv\\share\\ODX test",
         ODX_VERDICT_NOT_TESTED,
         "share not reached",
         NULL,
         0,
         "Check the share path",
         {ODX_CODE_NONE, 0},
         ODX_STAGE_CREATE,
         NULL,
         0,
         NULL,
         0,
         NULL,
         0},
    };
    static struct odx_flag machine_flags[] = {
        {ODX_FLAG_LEGACY_FILTER, "OldFlt", "a legacy filter (OldFlt) is attached to C:"},
        {ODX_FLAG_INTERRUPTED, NULL, "the probe was interrupted"},
    };
    static struct odx_analysis an;
    memset(&an, 0, sizeof(an));
    an.results = results;
    an.n_results = 3;
    an.flags = machine_flags;
    an.n_flags = 2;
    an.counts[ODX_VERDICT_BLOCKED_BY_FILTER] = 1;
    an.counts[ODX_VERDICT_UNKNOWN] = 1;
    an.counts[ODX_VERDICT_NOT_TESTED] = 1;
    an.outcome = ODX_OUTCOME_BLOCKERS;
    return &an;
}

#endif
