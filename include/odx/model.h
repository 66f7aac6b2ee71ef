/*
 * The observation model: what a probe saw on one machine, and nothing it
 * concluded. Back ends and the report reader fill it; analysis.h reads it.
 *
 * Ownership: a struct odx_obs owns everything reachable from it. Strings and
 * arrays are allocated through the odx_obs_* builders below and freed together
 * by odx_obs_free(); nobody frees a part of it. Every string is UTF-8 and
 * NUL-terminated; NULL means "not known". Pointers returned by the add
 * functions stay valid only until the next add to the same array, so callers
 * keep indexes across adds.
 *
 * OS error numbers are kept raw (struct odx_code), never translated into
 * odx_status: the report must show 4441, not a category.
 */
#ifndef ODX_MODEL_H
#define ODX_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/status.h"

/* An index that points nowhere (no volume, no trial). */
#define ODX_NONE SIZE_MAX

enum odx_platform {
    ODX_PLATFORM_UNKNOWN = 0,
    ODX_PLATFORM_WINDOWS,
    ODX_PLATFORM_LINUX,
};

/* Three-valued facts: many things a probe cannot always learn. */
enum odx_tri {
    ODX_TRI_UNKNOWN = 0,
    ODX_TRI_NO,
    ODX_TRI_YES,
};

struct odx_opt_u32 {
    bool present;
    uint32_t value;
};

/* Which numbering a raw code belongs to. */
enum odx_code_kind {
    ODX_CODE_NONE = 0, /* nothing recorded (the call was not made) */
    ODX_CODE_WIN32,    /* GetLastError() value */
    ODX_CODE_NTSTATUS, /* NTSTATUS */
    ODX_CODE_HRESULT,  /* HRESULT, e.g. from fltlib */
    ODX_CODE_ERRNO,    /* Linux errno value (Linux numbering, whatever OS reads the report) */
    ODX_CODE_ODX,      /* enum odx_status: e.g. a malformed buffer the back end could not decode */
};

struct odx_code {
    enum odx_code_kind kind;
    uint32_t value;
};

/* True when the code says the call succeeded (0 / S_OK / STATUS_SUCCESS / ODX_OK). */
bool odx_code_ok(struct odx_code code);

/* A registry value or similar setting: read and present, absent, or unreadable. */
enum odx_setting_state {
    ODX_SETTING_NOT_READ = 0, /* not looked at (not applicable, or static data missing) */
    ODX_SETTING_ABSENT,       /* looked at, does not exist */
    ODX_SETTING_PRESENT,      /* value holds it */
    ODX_SETTING_ERROR,        /* looking failed: error holds the code */
};

struct odx_setting {
    enum odx_setting_state state;
    uint32_t value;
    struct odx_code error;
};

struct odx_host {
    const char *name;
    const char *os_name;    /* "Windows Server 2022 Datacenter", "Debian GNU/Linux 12" */
    const char *os_version; /* "10.0", kernel release on Linux */
    const char *os_build;   /* "20348.2227"; on Linux the kernel's version string */
    const char *arch;       /* "x86_64", "arm64" */
    enum odx_tri elevated;  /* administrator token on Windows, uid 0 on Linux */
    const char *probe_time; /* UTC, ISO 8601 ("2026-11-24T09:15:02Z") */
    const char *tool_version;
};

/* What the user asked for; kept so that a saved report can be re-analysed. */
struct odx_run {
    bool static_only;     /* --static: no trial, nothing written */
    bool cross;           /* --cross: source and destination on different volumes */
    bool interrupted;     /* the probe was stopped (Ctrl+C) before it finished */
    uint64_t trial_size;  /* bytes per trial file */
    const char **volumes; /* --volume arguments, as given */
    size_t n_volumes;
    const char **paths; /* --path arguments, as given */
    size_t n_paths;
};

enum odx_filter_kind {
    ODX_FILTER_UNKNOWN = 0,
    ODX_FILTER_MINI,   /* Filter Manager minifilter */
    ODX_FILTER_LEGACY, /* legacy (non-mini) file-system filter */
    ODX_FILTER_LAYER,  /* Linux stacking layer (overlay, FUSE, dm, md, loop, the file system) */
};

/* One filter driver as the machine knows it (Windows; empty on Linux). */
struct odx_filter {
    const char *name;
    const char *altitude; /* decimal string, may be fractional ("385250.5"); NULL unknown */
    enum odx_filter_kind kind;
    struct odx_opt_u32 frame;               /* minifilters only */
    struct odx_opt_u32 instance_count;      /* minifilters only */
    struct odx_setting declared;            /* Services\<name>\SupportedFeatures */
    struct odx_setting declared_parameters; /* Services\<name>\Parameters\SupportedFeatures */
    const char *image_path;                 /* Services\<name>\ImagePath */
    const char *vendor;                     /* driver image version resource: CompanyName */
    const char *product;                    /* ProductName */
    const char *version;                    /* FileVersion */
    /* Listed from the registry only (a service with an Instances subkey) because Filter
     * Manager could not be asked (not elevated): whether it is loaded is unknown. */
    bool loaded_unknown;
};

/* One filter instance attached to a volume, or one layer of a Linux mount's stack. */
struct odx_instance {
    const char *filter; /* filter name; on Linux the layer type ("overlay", "fuse", "dm-crypt") */
    const char *name;   /* instance name; on Linux a short description of the layer */
    const char *altitude;
    enum odx_filter_kind kind;
    struct odx_opt_u32 frame;
    struct odx_opt_u32 supported_features; /* runtime SupportedFeatures (fltmc SprtFtrs) */
    bool detached;
    /* Linux layers only (NULL on Windows). */
    const char *role;    /* "upper", "lower", "fuse", "block", "backing-file", "filesystem" */
    const char *fs_type; /* the file system this layer sits on or is ("ext4") */
    const char *path;    /* directory, device node or backing file */
};

/* DEVICE_COPY_OFFLOAD_DESCRIPTOR, field by field (units as Windows gives them). */
struct odx_copy_offload_desc {
    uint32_t version;
    uint32_t size;
    uint32_t max_token_lifetime_s;
    uint32_t default_token_lifetime_s;
    uint64_t max_transfer_size;      /* bytes */
    uint64_t optimal_transfer_count; /* bytes */
    uint32_t max_data_descriptors;
    uint32_t max_transfer_length_per_descriptor;     /* blocks */
    uint32_t optimal_transfer_length_per_descriptor; /* blocks */
    uint32_t optimal_transfer_length_granularity;    /* blocks */
};

enum odx_storage_state {
    ODX_STORAGE_NOT_QUERIED = 0,
    ODX_STORAGE_DESCRIPTOR, /* the storage answered with a copy-offload descriptor */
    ODX_STORAGE_ERROR,      /* the query failed: error holds the code */
};

struct odx_storage {
    enum odx_storage_state state;
    const char *queried_on; /* the device the answer came from (volume or its disk) */
    struct odx_copy_offload_desc desc;
    struct odx_code error;
};

/* One volume (Windows) or mount (Linux). */
struct odx_volume {
    const char *nt_name;    /* "\Device\HarddiskVolume3"; Linux: the mount's source */
    const char *guid_path;  /* "\\?\Volume{...}\" */
    const char **dos_names; /* "C:" */
    size_t n_dos_names;
    const char **mount_points; /* "C:\", "D:\mnt\data\"; Linux: the mount point */
    size_t n_mount_points;
    const char *file_system;        /* "NTFS", "ReFS", "xfs" */
    struct odx_opt_u32 flt_fs_type; /* FLT_FILESYSTEM_TYPE number */
    struct odx_opt_u32 sector_size; /* bytes per logical sector */
    bool detached;
    enum odx_tri remote;
    enum odx_tri removable;
    enum odx_tri read_only;
    struct odx_storage storage;
    /* Instances from the top of the stack down; listed tells whether we could list them. */
    enum odx_tri instances_listed;
    struct odx_instance *instances;
    size_t n_instances;
    /* Trial eligibility by the platform's rules, decided by the back end. */
    bool eligible;
    const char *skip_reason; /* why not eligible ("FAT32 has no offload", "removable") */
    /* Whether the user's selection includes it (all volumes when none were named). */
    bool selected;
    /* Linux mount details (absent on Windows). */
    struct odx_opt_u32 mount_id;
    struct odx_opt_u32 parent_id;
    const char *root;    /* mountinfo root field: "/" or a bind/subvolume root */
    const char *options; /* per-mount and super options, comma-separated */
};

enum odx_stage_id {
    ODX_STAGE_CREATE = 0,    /* private directory and files */
    ODX_STAGE_WRITE,         /* source pattern written */
    ODX_STAGE_FLUSH,         /* FlushFileBuffers / fsync */
    ODX_STAGE_SET_SIZE,      /* destination pre-sized (SetEndOfFile) */
    ODX_STAGE_OFFLOAD_READ,  /* FSCTL_OFFLOAD_READ */
    ODX_STAGE_OFFLOAD_WRITE, /* FSCTL_OFFLOAD_WRITE, all calls of the loop */
    ODX_STAGE_CLONE,         /* FICLONE */
    ODX_STAGE_CLONE_RANGE,   /* FICLONERANGE */
    ODX_STAGE_COPY_RANGE,    /* copy_file_range */
    ODX_STAGE_EXTENTS,       /* FIEMAP after the copy */
    ODX_STAGE_VERIFY,        /* read back, byte-for-byte comparison */
    ODX_STAGE_CLEANUP,       /* everything the trial made is gone */
    ODX_STAGE_COUNT
};

struct odx_stage {
    bool attempted;
    struct odx_code code; /* result of the stage's last call */
    const char *api;      /* the call whose code this is ("DeviceIoControl(FSCTL_OFFLOAD_WRITE)") */
    uint64_t bytes_requested;
    uint64_t bytes_transferred;
    struct odx_opt_u32 flags; /* FSCTL_OFFLOAD_READ_OUTPUT.Flags and the like */
    uint32_t calls;           /* how many calls the stage took (offload write loops) */
    uint64_t elapsed_us;      /* wall time of the stage */
};

enum odx_trial_scope {
    ODX_SCOPE_VOLUME = 0, /* source and destination on one volume */
    ODX_SCOPE_PAIR,       /* --cross: source on volume, destination on dest_volume */
    ODX_SCOPE_PATH,       /* a user-given directory (SMB share, CSV path, ...) */
};

enum odx_method {
    ODX_METHOD_OFFLOAD = 0,     /* FSCTL_OFFLOAD_READ + FSCTL_OFFLOAD_WRITE */
    ODX_METHOD_CLONE,           /* FICLONE */
    ODX_METHOD_CLONE_RANGE,     /* FICLONERANGE */
    ODX_METHOD_COPY_FILE_RANGE, /* copy_file_range */
};

struct odx_trial {
    enum odx_trial_scope scope;
    enum odx_method method;
    size_t volume;         /* source volume index, or ODX_NONE (a path on no known volume) */
    size_t dest_volume;    /* ODX_SCOPE_PAIR: destination volume index; else ODX_NONE */
    const char *path;      /* ODX_SCOPE_PATH: the directory as the user gave it */
    const char *directory; /* where the trial's files were created */
    enum odx_tri remote;   /* the trial's files are on another machine */
    uint64_t size;         /* bytes per file */
    struct odx_stage stages[ODX_STAGE_COUNT];
    bool zero_token;             /* the offload read returned the well-known zero token */
    enum odx_tri extents_shared; /* after the copy, destination extents shared with the source */
};

/* An error met while observing (not a trial stage: those live in the trial). */
struct odx_error {
    const char *api;    /* "FilterVolumeFindFirst", "RegGetValueW", "open" */
    const char *target; /* what it was called on, or NULL */
    struct odx_code code;
    const char *detail; /* extra words from the back end, or NULL */
};

/* A Linux mount left out of the probe (pseudo file system and the like). */
struct odx_excluded {
    const char *mount_point;
    const char *fs_type;
    const char *reason;
};

struct odx_obs {
    enum odx_platform platform;
    const char *backend; /* back end that observed ("windows", "linux", or "test") */
    struct odx_host host;
    struct odx_run run;
    struct odx_setting features_mode; /* FilterSupportedFeaturesMode (Windows) */
    enum odx_tri filters_listed;      /* whether FilterFindFirst/Next could list filters */
    struct odx_filter *filters;
    size_t n_filters;
    struct odx_volume *volumes;
    size_t n_volumes;
    struct odx_trial *trials;
    size_t n_trials;
    struct odx_error *errors;
    size_t n_errors;
    struct odx_excluded *excluded;
    size_t n_excluded;
    struct odx_obs_private *priv; /* arena, intern table and capacities */
};

/* Hard limits on a model; the report reader and the back ends refuse more. */
#define ODX_MAX_VOLUMES      1000000u
#define ODX_MAX_INSTANCES    4096u /* per volume */
#define ODX_MAX_FILTERS      65536u
#define ODX_MAX_TRIALS       1000000u
#define ODX_MAX_ERRORS       100000u
#define ODX_MAX_NAMES        1024u /* DOS names or mount points per volume */
#define ODX_MAX_STRING_BYTES 65536u

/* A new, empty observation; *out is NULL on failure (ODX_E_NOMEM). Free with odx_obs_free. */
enum odx_status odx_obs_new(struct odx_obs **out);

/* Frees obs and everything it owns. Accepts NULL. */
void odx_obs_free(struct odx_obs *obs);

/*
 * Strings owned by obs. odx_obs_str copies s (NULL stays NULL); odx_obs_strn
 * copies len bytes. Both intern: equal strings share one copy, which keeps a
 * report of 100k volumes with the same 24 filters small. On ODX_E_NOMEM *out
 * is NULL. Strings longer than ODX_MAX_STRING_BYTES give ODX_E_TOO_BIG.
 */
enum odx_status odx_obs_str(struct odx_obs *obs, const char *s, const char **out);
enum odx_status odx_obs_strn(struct odx_obs *obs, const char *s, size_t len, const char **out);

/*
 * The same without interning, for strings unique to one volume or trial
 * (device names, GUID paths, mount points, trial directories): interning
 * them only fills the table, whose random access is what makes reading a
 * 100k-volume report grow faster than the report.
 */
enum odx_status odx_obs_str_unique(struct odx_obs *obs, const char *s, const char **out);
enum odx_status odx_obs_strn_unique(struct odx_obs *obs, const char *s, size_t len,
                                    const char **out);

/* printf into a string owned by obs. */
enum odx_status odx_obs_printf(struct odx_obs *obs, const char **out, const char *fmt, ...)
#if defined(__MINGW_PRINTF_FORMAT)
    /* mingw-w64: the archetype of the printf its headers select (C99 with
     * __USE_MINGW_ANSI_STDIO, which the build sets), so %zu is accepted. */
    __attribute__((format(__MINGW_PRINTF_FORMAT, 3, 4)))
#elif defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

/*
 * Append a zeroed element and return it (valid until the next add to that
 * array) and its index. Instances start with kind ODX_FILTER_UNKNOWN, volumes
 * with selected = true and every index field at ODX_NONE where one exists.
 */
enum odx_status odx_obs_add_filter(struct odx_obs *obs, struct odx_filter **out, size_t *index);
enum odx_status odx_obs_add_volume(struct odx_obs *obs, struct odx_volume **out, size_t *index);
enum odx_status odx_obs_add_instance(struct odx_obs *obs, size_t volume, struct odx_instance **out);
enum odx_status odx_obs_add_trial(struct odx_obs *obs, struct odx_trial **out, size_t *index);
enum odx_status odx_obs_add_excluded(struct odx_obs *obs, struct odx_excluded **out);

/* Add a DOS name or a mount point (copied; mount points are not interned) to a volume;
 * duplicates are kept once. */
enum odx_status odx_obs_add_dos_name(struct odx_obs *obs, size_t volume, const char *name);
enum odx_status odx_obs_add_mount_point(struct odx_obs *obs, size_t volume, const char *path);

/* Add a --volume or --path argument (copied) to obs->run. */
enum odx_status odx_obs_add_run_volume(struct odx_obs *obs, const char *name);
enum odx_status odx_obs_add_run_path(struct odx_obs *obs, const char *path);

/* Record an error met while observing; api, target and detail are copied (may be NULL). */
enum odx_status odx_obs_add_error(struct odx_obs *obs, const char *api, const char *target,
                                  struct odx_code code, const char *detail);

/* The filter named name (case-insensitive ASCII, as Windows compares them), or NULL. */
const struct odx_filter *odx_obs_find_filter(const struct odx_obs *obs, const char *name);

/*
 * A short label for a volume: its first DOS name, else its first mount
 * point, else its NT name, else "volume N". Never NULL; points into obs or
 * into buf (size >= 32).
 */
const char *odx_volume_label(const struct odx_obs *obs, size_t volume, char *buf, size_t size);

/*
 * Whether name designates the volume: a DOS name ("C:", "c:\"), a mount
 * point, the GUID path or the NT name, ignoring a trailing separator. On
 * Windows reports the comparison ignores ASCII case.
 */
bool odx_volume_matches(const struct odx_obs *obs, size_t volume, const char *name);

/* Names used in the report and the summary; static storage. */
const char *odx_platform_name(enum odx_platform p);
const char *odx_filter_kind_name(enum odx_filter_kind k);
const char *odx_stage_name(enum odx_stage_id s);
const char *odx_scope_name(enum odx_trial_scope s);
const char *odx_method_name(enum odx_method m);
const char *odx_code_kind_name(enum odx_code_kind k);
const char *odx_tri_name(enum odx_tri t); /* "unknown", "no", "yes" */
const char *odx_setting_state_name(enum odx_setting_state s);
const char *odx_storage_state_name(enum odx_storage_state s);

/* Inverse lookups for the report reader: false when name is not one of the names above. */
bool odx_platform_from_name(const char *name, enum odx_platform *out);
bool odx_filter_kind_from_name(const char *name, enum odx_filter_kind *out);
bool odx_stage_from_name(const char *name, enum odx_stage_id *out);
bool odx_scope_from_name(const char *name, enum odx_trial_scope *out);
bool odx_method_from_name(const char *name, enum odx_method *out);
bool odx_code_kind_from_name(const char *name, enum odx_code_kind *out);
bool odx_tri_from_name(const char *name, enum odx_tri *out);
bool odx_setting_state_from_name(const char *name, enum odx_setting_state *out);
bool odx_storage_state_from_name(const char *name, enum odx_storage_state *out);

#endif
