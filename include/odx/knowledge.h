/*
 * What odxprobe knows without looking at a machine: error codes and their
 * meaning for copy offload, Filter Manager load-order groups, Microsoft's
 * in-box filters, and which Linux file systems can share extents.
 *
 * Everything here is constant static data, in our own words, with its source
 * named next to the table. Nothing allocates; nothing needs freeing.
 */
#ifndef ODX_KNOWLEDGE_H
#define ODX_KNOWLEDGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "odx/model.h"

/* How a failing copy-offload call is read by the analysis. */
enum odx_code_class {
    ODX_CC_OTHER = 0,      /* no particular meaning for offload */
    ODX_CC_SUCCESS,        /* the call worked */
    ODX_CC_FILTER_READ,    /* a filter has not opted in to offload read (4440) */
    ODX_CC_FILTER_WRITE,   /* a filter has not opted in to offload write (4441) */
    ODX_CC_FILE,           /* this file cannot be offloaded (4442, 4443) */
    ODX_CC_FS_UNSUPPORTED, /* the file system has no offload (1, EOPNOTSUPP) */
    ODX_CC_NOT_SUPPORTED,  /* volume or a filter said no (50) */
    ODX_CC_STORAGE,        /* the storage cannot offload (316) */
    ODX_CC_UNREACHABLE,    /* source and destination are not reachable by one copy manager (321) */
    ODX_CC_TOKEN,          /* the token is invalid or expired (315) */
    ODX_CC_RESOURCES,      /* device or system out of resources (322, 1450) */
    ODX_CC_PARAMETER,      /* alignment, size or range rules broken (87, EINVAL) */
    ODX_CC_ACCESS,         /* access denied (5, EACCES, EPERM) */
    ODX_CC_DISK_FULL,      /* no space (112, 39, ENOSPC, EDQUOT) */
    ODX_CC_READ_ONLY,      /* write-protected (19, EROFS) */
    ODX_CC_CROSS_DEVICE,   /* across file systems (EXDEV, 17) */
    ODX_CC_NOT_FOUND,      /* path or file missing */
    ODX_CC_NETWORK,        /* network path or share trouble */
};

/* One code, with its twin in the other numbering (Win32 <-> NTSTATUS) when there is one. */
struct odx_code_info {
    enum odx_code_kind kind;
    uint32_t value;
    const char *name;             /* symbolic name as the SDK spells it */
    enum odx_code_kind twin_kind; /* ODX_CODE_NONE when there is no twin */
    uint32_t twin_value;
    const char *twin_name;
    const char *meaning; /* one line, correct */
    const char *cause;   /* what it most likely means for a copy offload, or NULL */
    const char *remedy;  /* what to do about it, or NULL */
    enum odx_code_class cls;
};

/*
 * The entry for a code, or NULL when we know nothing of it. An HRESULT of
 * facility 7 (HRESULT_FROM_WIN32) is looked up as the Win32 code inside it.
 */
const struct odx_code_info *odx_code_lookup(struct odx_code code);

/* The class of a code; success codes give ODX_CC_SUCCESS, unknown ones ODX_CC_OTHER. */
enum odx_code_class odx_code_class_of(struct odx_code code);

/* Symbolic name, or NULL when unknown (HRESULT_FROM_WIN32 values are named after the Win32 code).
 */
const char *odx_code_name(struct odx_code code);

/*
 * Writes "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED (4441, 0x1159)" or, unknown,
 * "Win32 error 12345 (0x3039)" into buf; returns buf. size >= 16.
 */
const char *odx_code_describe(struct odx_code code, char *buf, size_t size);

/*
 * Reads a code as a user types it: "4441", "0x1159", "0xC000A2A2",
 * "0x80071159", "-1073700190", "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED",
 * "STATUS_...", "E_ACCESSDENIED", "EXDEV", "errno:18". Plain numbers below
 * 0x10000 are Win32 codes; larger ones are NTSTATUS when their top two bits
 * are set (severity error) and HRESULT otherwise. ODX_E_INVAL when the text
 * is not a code; ODX_E_NOT_FOUND for a name we do not know.
 */
enum odx_status odx_code_parse(const char *text, struct odx_code *out);

/* The Win32 and HRESULT forms of a code, when they exist (for `explain`). */
struct odx_code_forms {
    bool has_win32;
    uint32_t win32;
    bool has_ntstatus;
    uint32_t ntstatus;
    bool has_hresult;
    uint32_t hresult;
};
void odx_code_forms_of(struct odx_code code, struct odx_code_forms *out);

/* Walk the whole table (for tests and documentation); NULL past the end. */
const struct odx_code_info *odx_code_table_at(size_t i);

/* Filter Manager load-order groups [S20, S21]. */
struct odx_altitude_group {
    const char *name; /* "FSFilter Anti-Virus" */
    uint32_t low;     /* inclusive, integer part of the altitude */
    uint32_t high;    /* inclusive */
};

/* The group whose range holds altitude (a decimal string), or NULL. */
const struct odx_altitude_group *odx_altitude_group_of(const char *altitude);

/* Walk the group table; NULL past the end. */
const struct odx_altitude_group *odx_altitude_group_at(size_t i);

/*
 * Compares two altitude strings as decimal numbers ("328010" > "40700",
 * "385250.5" > "385250"). Unparsable strings sort below every number.
 * Returns <0, 0, >0 like strcmp.
 */
int odx_altitude_cmp(const char *a, const char *b);

/* A filter Microsoft ships or owns, from its allocated-altitudes list. */
struct odx_known_filter {
    const char *name;     /* service name as fltmc shows it ("WdFilter") */
    const char *image;    /* driver file ("WdFilter.sys") */
    const char *altitude; /* as allocated; live systems may differ (noted in purpose) */
    const char *purpose;
    const char *odx_note; /* what is known of its offload support, or NULL */
};

/* Source and date of the in-box filter table, for the report. */
extern const char odx_known_filters_source[];

/* The Microsoft filter with this name (service or image name, any case), or NULL. */
const struct odx_known_filter *odx_known_filter_lookup(const char *name);

/* Walk the in-box filter table; NULL past the end. */
const struct odx_known_filter *odx_known_filter_at(size_t i);

/* SupportedFeatures bits [S14, S18]; tested one by one, never by comparing with 3. */
#define ODX_FEATURE_OFFLOAD_READ  0x1u
#define ODX_FEATURE_OFFLOAD_WRITE 0x2u
#define ODX_FEATURE_QUERY_OPEN    0x4u
#define ODX_FEATURE_BYPASS_IO     0x8u

/*
 * Writes the names of the bits set in features ("offload_read|offload_write",
 * unknown bits as "0x10", "none" for 0) into buf; returns buf.
 */
const char *odx_features_describe(uint32_t features, char *buf, size_t size);

/*
 * Linux file systems and their copy offload: one table for the analysis
 * (on any OS reading a Linux report) and the Linux back end (which refines
 * it by mount options). reflink says what FICLONE can do as a three-valued
 * fact; reflink_cap and copy_offload say on what it depends.
 */
enum odx_fs_cap {
    ODX_FS_CAP_UNKNOWN = 0, /* type not in the table */
    ODX_FS_CAP_NO,          /* never: the kernel code has no such operation */
    ODX_FS_CAP_YES,         /* always on this type */
    ODX_FS_CAP_FEATURE,     /* only with an on-disk feature or option mountinfo may not show */
    ODX_FS_CAP_SERVER,      /* network file system: only if the server supports it */
    ODX_FS_CAP_DAEMON,      /* FUSE: only if the daemon implements it */
    ODX_FS_CAP_LAYER,       /* decided by the file system underneath (overlay upper) */
};

struct odx_fs_info {
    const char *type; /* mountinfo fs type: "xfs", "fuse", "fuse.sshfs" (a known FUSE daemon) */
    bool network;     /* data lives on another machine; copy_file_range may copy there */
    bool stacking;    /* a layer over other file systems (overlay, FUSE, ecryptfs) */
    const char *note; /* what decides it, in one line */
    bool pseudo;      /* not a place for files (proc, sysfs, cgroup ...) */
    enum odx_fs_cap reflink_cap;  /* FICLONE / FICLONERANGE */
    enum odx_fs_cap copy_offload; /* copy_file_range does better than a byte copy */
};

/* The entry for an fs type (exact, then the part before '.': "fuse.x" is "fuse"), or NULL. */
const struct odx_fs_info *odx_fs_lookup(const char *type);

/* Walk the fs table; NULL past the end. */
const struct odx_fs_info *odx_fs_at(size_t i);

#endif
