/*
 * A small Windows machine in memory, behind the back end's seam
 * (src/win/winapi.h): Filter Manager filters, volumes and instances, a
 * registry, files and directories, the storage and offload FSCTLs, and the
 * host. Tests describe the machine with struct fake_config, install the
 * table with fake_install(), run the back end, and then check what it
 * recorded and what the machine looks like afterwards.
 *
 * Every call is counted (except the infallible GetLastError,
 * GetCurrentProcess, GetNativeSystemInfo and the performance counter); with
 * fake_fail_at(n) the n-th counted call fails (HRESULT 0x8007001F, Win32
 * 31 ERROR_GEN_FAILURE, NTSTATUS 0xC0000001 or its API's own failure
 * value) and fake_failed() names it. Handles of every kind are tracked:
 * fake_open_handles() must be 0 after a probe.
 */
#ifndef ODX_FAKE_WINAPI_H
#define ODX_FAKE_WINAPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/model.h"
#include "winapi.h"

#define FAKE_MAX 64

struct fake_filter {
    const char *name;
    const char *altitude;
    bool legacy;
    unsigned frame;
    unsigned instances;
};

/* What FSCTL_OFFLOAD_* and the file calls do on one volume. */
struct fake_offload {
    DWORD read_error;        /* DeviceIoControl(FSCTL_OFFLOAD_READ) fails with this */
    DWORD write_error;       /* DeviceIoControl(FSCTL_OFFLOAD_WRITE) fails with this */
    uint64_t read_cap;       /* TransferLength at most this (0: all asked) */
    uint64_t write_cap;      /* LengthWritten at most this (0: all asked) */
    bool zero_token;         /* the read hands out the zero token (the copy becomes zeros) */
    bool corrupt;            /* the write flips one byte of the copy */
    DWORD writefile_error;   /* WriteFile fails with this (112: disk full) */
    DWORD set_eof_error;     /* SetEndOfFile fails with this */
    bool read_flag_all_zero; /* OFFLOAD_READ_FLAG_ALL_ZERO_BEYOND_CURRENT_RANGE in the output */
};

struct fake_volume {
    const char *nt;      /* "\\Device\\HarddiskVolume3" */
    unsigned fs_type;    /* FLT_FILESYSTEM_TYPE */
    const char *dos;     /* FilterGetDosName's answer ("C:"), NULL: empty */
    const char *guid;    /* "\\\\?\\Volume{...}\\"; NULL: not among the Win32 volumes */
    const char *mount;   /* its one mount point ("C:\\"), or NULL */
    const char *fs_name; /* GetVolumeInformationW ("NTFS") */
    UINT drive_type;     /* DRIVE_FIXED ... */
    bool read_only;
    DWORD sector;        /* bytes per sector */
    bool fm;             /* listed by FilterVolumeFindFirst/Next */
    DWORD storage_error; /* the volume's copy-offload query fails with this (0: answers) */
    bool disk_answers;   /* then the disk answers */
    struct fake_offload offload;
};

struct fake_instance {
    const char *volume; /* NT name */
    const char *filter;
    const char *name;
    const char *altitude;
    bool legacy;
    unsigned frame;
    uint32_t features;
};

/* A registry value under HKLM; value NULL makes just the key. str: REG_SZ (or dword). */
struct fake_reg {
    const char *key;
    const char *value;
    bool is_string;
    DWORD dword;
    const char *str;
};

struct fake_config {
    struct fake_filter filters[FAKE_MAX];
    size_t n_filters;
    struct fake_volume volumes[FAKE_MAX];
    size_t n_volumes;
    struct fake_instance instances[FAKE_MAX];
    size_t n_instances;
    struct fake_reg reg[FAKE_MAX * 4];
    size_t n_reg;
    const char *dirs[FAKE_MAX]; /* extra directories that exist ("C:\\data", "\\\\srv\\share\\x") */
    size_t n_dirs;
    bool elevated;
    bool fm_denied;               /* Filter Manager refuses: E_ACCESSDENIED */
    const char *malformed_volume; /* the instance records of this volume come out malformed */
    const char *interrupt_at;     /* this call first sets the back end's interrupt flag */
};

/* A typical small server, for tests to start from and change: C: NTFS with two instances that
 * opt in, D: NTFS with a third-party filter lacking offload write (bits 0x1), E: removable
 * FAT32, \Device\Mup and \Device\NamedPipe; registry values for every filter. */
void fake_config_server(struct fake_config *c);

/* Installs the fake with this machine (copied) and resets counters, files and handles. */
void fake_install(const struct fake_config *c);

/* Restores the real table. */
void fake_uninstall(void);

/* Fail the n-th counted call from now on (1-based); 0: never. */
void fake_fail_at(long n);

/* Counted calls since fake_install. */
long fake_calls(void);

/* The call that was failed, or NULL; its code's kind and value. */
const char *fake_failed(struct odx_code *code);

/* Handles of any kind still open. */
long fake_open_handles(void);

/* Files and directories the probe created that are still there (the machine's own are
 * not counted). */
long fake_leftovers(void);

#endif
