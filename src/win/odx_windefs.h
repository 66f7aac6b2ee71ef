/*
 * Windows definitions the back end needs and mingw-w64 10 lacks.
 *
 * Structures get project names (struct odx_offload_read_input, ...), so they
 * can never clash with a later SDK or mingw-w64 that adds the real ones;
 * macros keep their Windows names behind #ifndef, so a header that has them
 * wins. odx_windefs_check.c pins every size and offset here with
 * _Static_assert, against mingw's own types where mingw has them.
 *
 * Sources in [brackets] are the keys of the project's Windows fact sheet:
 * S3 mingw-w64 headers, S4 windows-rs (SDK metadata), S7 the ntifs
 * FSCTL_OFFLOAD_* structure pages, S8 MS-FSCC, S12 System Error Codes,
 * S14 FsRtlGetSupportedFeatures, S18 ntifs.h SupportedFeatures comment.
 *
 * Include this header instead of <windows.h>/<winioctl.h>/<fltuser.h>: their
 * order matters (see below). Never include <ntddstor.h> next to it.
 */
#ifndef ODX_WINDEFS_H
#define ODX_WINDEFS_H

#include <windows.h>

/*
 * winioctl.h defines _NTDDSTOR_H_ and carries its own copy of the storage
 * IOCTL types, so a later <ntddstor.h> is silently empty, and one included
 * first clashes with winioctl.h's copies. STORAGE_OFFLOAD_TOKEN lives only
 * in ntddstor.h, hence struct odx_offload_token below. fltuser.h needs the
 * Windows types but does not include windows.h itself.
 */
#include <fltuser.h>
#include <winioctl.h>

#include <stdint.h>

/* ---- Control codes ---------------------------------------------------- */

/* CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 153, METHOD_BUFFERED, FILE_READ_ACCESS):
 * the source handle needs read access. mingw-w64 has it from v11 on [S3, S4 606820]. */
#ifndef FSCTL_OFFLOAD_READ
#define FSCTL_OFFLOAD_READ 0x00094264
#endif

/* CTL_CODE(FILE_DEVICE_FILE_SYSTEM, 154, METHOD_BUFFERED, FILE_WRITE_ACCESS) [S3, S4 623208]. */
#ifndef FSCTL_OFFLOAD_WRITE
#define FSCTL_OFFLOAD_WRITE 0x00098268
#endif

/* ---- Offload token [S3 ntddstor.h, S8 MS-FSCC 2.1.11] ------------------ */

#ifndef STORAGE_OFFLOAD_MAX_TOKEN_LENGTH
#define STORAGE_OFFLOAD_MAX_TOKEN_LENGTH 512
#endif
#ifndef STORAGE_OFFLOAD_TOKEN_ID_LENGTH
#define STORAGE_OFFLOAD_TOKEN_ID_LENGTH 0x1F8
#endif
/* The well-known zero token: its type field holds FF FF 00 01 (big-endian). */
#ifndef STORAGE_OFFLOAD_TOKEN_TYPE_ZERO_DATA
#define STORAGE_OFFLOAD_TOKEN_TYPE_ZERO_DATA 0xFFFF0001
#endif

#define ODX_OFFLOAD_TOKEN_BYTES 512

/* STORAGE_OFFLOAD_TOKEN. Multi-byte fields are big-endian byte arrays, as in
 * MS-FSCC; the token is opaque to the caller and must be passed on unchanged. */
struct odx_offload_token {
    uint8_t token_type[4];      /* TokenType, big-endian */
    uint8_t reserved[2];        /* Reserved */
    uint8_t token_id_length[2]; /* TokenIdLength, big-endian; 0x01F8 for the zero token */
    uint8_t token_id[STORAGE_OFFLOAD_TOKEN_ID_LENGTH];
};

/* ---- FSCTL_OFFLOAD_READ / _WRITE buffers [S7, S8 2.3.41-2.3.44] -------- */

/* FSCTL_OFFLOAD_READ_INPUT, 32 bytes. */
struct odx_offload_read_input {
    uint32_t size;                  /* Size: sizeof this struct */
    uint32_t flags;                 /* Flags: none defined, 0 */
    uint32_t token_time_to_live_ms; /* TokenTimeToLive: 0 = the device's default */
    uint32_t reserved;              /* Reserved */
    uint64_t file_offset;           /* FileOffset: logical-sector aligned */
    uint64_t copy_length;           /* CopyLength: logical-sector aligned */
};

/* FSCTL_OFFLOAD_READ_OUTPUT, 528 bytes. */
struct odx_offload_read_output {
    uint32_t size;            /* Size */
    uint32_t flags;           /* Flags: OFFLOAD_READ_FLAG_* */
    uint64_t transfer_length; /* TransferLength: bytes the token stands for, may be < copy_length */
    uint8_t token[ODX_OFFLOAD_TOKEN_BYTES]; /* Token: a struct odx_offload_token */
};

/* FSCTL_OFFLOAD_WRITE_INPUT, 544 bytes. */
struct odx_offload_write_input {
    uint32_t size;                          /* Size */
    uint32_t flags;                         /* Flags: none defined, 0 */
    uint64_t file_offset;                   /* FileOffset: destination offset, sector aligned */
    uint64_t copy_length;                   /* CopyLength */
    uint64_t transfer_offset;               /* TransferOffset: offset inside the token's range */
    uint8_t token[ODX_OFFLOAD_TOKEN_BYTES]; /* Token, as FSCTL_OFFLOAD_READ returned it */
};

/* FSCTL_OFFLOAD_WRITE_OUTPUT, 16 bytes. */
struct odx_offload_write_output {
    uint32_t size;           /* Size */
    uint32_t flags;          /* Flags: none defined [S8] */
    uint64_t length_written; /* LengthWritten: may be < copy_length; continue from there */
};

/* The range was cut short and everything beyond it reads as zeros. The value is 1 in the SDK
 * [S4] and MS-FSCC 2.3.42 [S8]; the ntifs FSCTL_OFFLOAD_READ_OUTPUT page says 2, which is
 * wrong [S7]. */
#ifndef OFFLOAD_READ_FLAG_ALL_ZERO_BEYOND_CURRENT_RANGE
#define OFFLOAD_READ_FLAG_ALL_ZERO_BEYOND_CURRENT_RANGE 1
#endif

/* ---- Win32 error codes [S3 winerror.h, S12] ----------------------------- */

#ifndef ERROR_INVALID_TOKEN
#define ERROR_INVALID_TOKEN 315L /* token invalid or expired */
#endif
#ifndef ERROR_DEVICE_FEATURE_NOT_SUPPORTED
#define ERROR_DEVICE_FEATURE_NOT_SUPPORTED 316L /* the storage has no offload */
#endif
#ifndef ERROR_DEVICE_UNREACHABLE
#define ERROR_DEVICE_UNREACHABLE 321L /* source and destination have no common copy manager */
#endif
#ifndef ERROR_DEVICE_NO_RESOURCES
#define ERROR_DEVICE_NO_RESOURCES 322L /* the target device lacks resources */
#endif
#ifndef ERROR_OFFLOAD_READ_FLT_NOT_SUPPORTED
#define ERROR_OFFLOAD_READ_FLT_NOT_SUPPORTED 4440L /* a filter has not opted in (read) */
#endif
#ifndef ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED
#define ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED 4441L /* a filter has not opted in (write) */
#endif
#ifndef ERROR_OFFLOAD_READ_FILE_NOT_SUPPORTED
#define ERROR_OFFLOAD_READ_FILE_NOT_SUPPORTED 4442L /* this file cannot be offloaded (read) */
#endif
#ifndef ERROR_OFFLOAD_WRITE_FILE_NOT_SUPPORTED
#define ERROR_OFFLOAD_WRITE_FILE_NOT_SUPPORTED 4443L /* this file cannot be offloaded (write) */
#endif

/* ---- Filter opt-in bits: SupportedFeatures [S14, S18, S4] --------------- */

#ifndef SUPPORTED_FS_FEATURES_OFFLOAD_READ
#define SUPPORTED_FS_FEATURES_OFFLOAD_READ 0x00000001
#endif
#ifndef SUPPORTED_FS_FEATURES_OFFLOAD_WRITE
#define SUPPORTED_FS_FEATURES_OFFLOAD_WRITE 0x00000002
#endif
/* 4, not 2 as one old version of the instance page said [S1, S14]. */
#ifndef SUPPORTED_FS_FEATURES_QUERY_OPEN
#define SUPPORTED_FS_FEATURES_QUERY_OPEN 0x00000004
#endif
#ifndef SUPPORTED_FS_FEATURES_BYPASS_IO
#define SUPPORTED_FS_FEATURES_BYPASS_IO 0x00000008
#endif
#ifndef SUPPORTED_FS_FEATURES_VALID_MASK
#define SUPPORTED_FS_FEATURES_VALID_MASK                                                           \
    (SUPPORTED_FS_FEATURES_OFFLOAD_READ | SUPPORTED_FS_FEATURES_OFFLOAD_WRITE |                    \
     SUPPORTED_FS_FEATURES_QUERY_OPEN | SUPPORTED_FS_FEATURES_BYPASS_IO)
#endif

/* ---- File-system types ------------------------------------------------- */

/* FLT_FSTYPE_CIMFS follows FLT_FSTYPE_OPENAFS (29) in FLT_FILESYSTEM_TYPE [S1, S4]. It is an
 * enumerator, not a macro, in the SDK, so #ifndef cannot see it; a macro of that name would
 * break a later fltuserstructures.h that adds the enumerator. Hence a project name. */
#define ODX_FLT_FSTYPE_CIMFS 30

#endif
