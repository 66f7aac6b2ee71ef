/*
 * Portable decoders and encoders of the raw buffers that Windows hands the
 * back end: Filter Manager enumeration records (fltlib FilterFindFirst and
 * friends), the ODX offload FSCTL inputs and outputs, and the storage
 * copy-offload descriptor.
 *
 * Everything works on (const uint8_t *, size_t) byte buffers laid out as
 * Windows lays them out: little-endian, read one byte at a time, so no
 * Windows header, no struct cast and no alignment assumption is needed.
 * Every offset and length is checked; no input makes these functions read
 * outside the buffer they were given. They never print and never abort.
 *
 * Source keys in comments (S1, S3 ...) refer to the project's Windows ODX
 * fact sheet (its section 0 lists them).
 *
 * Ownership, for the whole module: buffers passed in are borrowed; only a
 * walker or a builder keeps a pointer to the buffer it was initialised with,
 * so that buffer must outlive it. A decoded record (struct odx_winparse_filter, _volume, _instance)
 * owns its strings, which are UTF-8, NUL-terminated and allocated with
 * odx_malloc; release them with the matching *_cleanup function, which
 * accepts a zeroed or already cleaned-up record. Every decoder zeroes its
 * out-parameter on entry and fills it only on success, so after a failure
 * there is nothing to clean up. The fixed-size decoders allocate nothing.
 */
#ifndef ODX_WINPARSE_H
#define ODX_WINPARSE_H

#include "odx/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- Limits ------------------------------------------------------------ */

/*
 * Largest buffer any decoder accepts (ODX_E_TOO_BIG above it). Filter
 * Manager returns one entry per Find call and the back end grows its buffer
 * up to a cap far below this; the bound also keeps every offset below 2^32,
 * the width of NextEntryOffset.
 */
#define ODX_WINPARSE_MAX_BUFFER (16u * 1024u * 1024u)

/* Most entries a NextEntryOffset walk yields before ODX_E_TOO_BIG. */
#define ODX_WINPARSE_MAX_ENTRIES 65536u

/* ---- Sizes of the Windows layouts, in bytes ----------------------------- */

/* FILTER_AGGREGATE_STANDARD_INFORMATION, sizeof 28 (S1, S3, checked in S28). */
#define ODX_WINPARSE_FILTER_SIZE            28u
/*
 * FILTER_VOLUME_STANDARD_INFORMATION: the name is inline at offset 18, so 18
 * bytes are read before it (sizeof is 20 only because of WCHAR[1] and
 * padding) (S1, S3).
 */
#define ODX_WINPARSE_VOLUME_SIZE            18u
/* INSTANCE_AGGREGATE_STANDARD_INFORMATION: 40 bytes, 36 before Windows 8 (S1, S3). */
#define ODX_WINPARSE_INSTANCE_SIZE          40u
#define ODX_WINPARSE_INSTANCE_SIZE_PREWIN8  36u
/* DEVICE_COPY_OFFLOAD_DESCRIPTOR (fact sheet 2.6, S3, S28). */
#define ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE 48u
/* FSCTL_OFFLOAD_{READ,WRITE}_{INPUT,OUTPUT} (fact sheet 2.2, S7, S8, S28). */
#define ODX_WINPARSE_READ_INPUT_SIZE        32u
#define ODX_WINPARSE_READ_OUTPUT_SIZE       528u
#define ODX_WINPARSE_WRITE_INPUT_SIZE       544u
#define ODX_WINPARSE_WRITE_OUTPUT_SIZE      16u
/* STORAGE_PROPERTY_QUERY, sizeof 12 (fact sheet 2.6). */
#define ODX_WINPARSE_PROPERTY_QUERY_SIZE    12u
/* STORAGE_OFFLOAD_MAX_TOKEN_LENGTH 0x200 (S3 ntddstor.h). */
#define ODX_WINPARSE_TOKEN_SIZE             512u

/* ---- Constants ---------------------------------------------------------- */

/* OFFLOAD_READ_FLAG_ALL_ZERO_BEYOND_CURRENT_RANGE is 1 (S4, MS-FSCC 2.3.42 [S8]); the ntifs
 * FSCTL_OFFLOAD_READ_OUTPUT page says 2, which is wrong. */
#define ODX_WINPARSE_READ_FLAG_ALL_ZERO_BEYOND 0x1u
/* STORAGE_OFFLOAD_TOKEN_TYPE_ZERO_DATA and STORAGE_OFFLOAD_TOKEN_ID_LENGTH (S3 ntddstor.h). */
#define ODX_WINPARSE_TOKEN_TYPE_ZERO_DATA      0xFFFF0001u
#define ODX_WINPARSE_TOKEN_ID_LENGTH           0x1F8u
/* SUPPORTED_FS_FEATURES_OFFLOAD_READ / _WRITE (fact sheet 4.1, S14). */
#define ODX_WINPARSE_FEATURE_OFFLOAD_READ      0x1u
#define ODX_WINPARSE_FEATURE_OFFLOAD_WRITE     0x2u
/* StorageDeviceCopyOffloadProperty and PropertyStandardQuery (S3 winioctl.h, S11). */
#define ODX_WINPARSE_PROPERTY_COPY_OFFLOAD     13u
#define ODX_WINPARSE_QUERY_STANDARD            0u

/* Which union arm a Filter Manager record uses: FLTFL_ASI_IS_MINIFILTER /
 * FLTFL_IASI_IS_MINIFILTER = 1, ..._IS_LEGACYFILTER = 2 (S3, S4). */
enum odx_winparse_kind {
    ODX_WINPARSE_KIND_MINIFILTER = 1,
    ODX_WINPARSE_KIND_LEGACY = 2,
};

/* ---- Strings ------------------------------------------------------------ */

/*
 * Converts the counted UTF-16LE string of `length` bytes at byte `offset` of
 * buf[0..buf_len) to UTF-8. On success *out is a new NUL-terminated string
 * (free with odx_free) and, if out_len is not NULL, *out_len its length in
 * bytes without the NUL. A zero length yields "" whatever the offset.
 *
 * NUL policy: NUL code units at the end of the string are dropped (some
 * producers count a terminator); a NUL followed by any other unit is
 * rejected, because a C string would silently cut the name there.
 *
 * Statuses: ODX_E_INVAL (out NULL, or buf NULL with a non-zero length),
 * ODX_E_BAD_LENGTH (odd length, or offset + length past buf_len),
 * ODX_E_BAD_OFFSET (offset past buf_len), ODX_E_TOO_BIG (length above
 * ODX_WINPARSE_MAX_BUFFER), ODX_E_BAD_UTF16 (unpaired high or low
 * surrogate), ODX_E_EMBEDDED_NUL, ODX_E_NOMEM.
 */
enum odx_status odx_winparse_utf16_to_utf8(const uint8_t *buf, size_t buf_len, size_t offset,
                                           size_t length, char **out, size_t *out_len);

/* ---- NextEntryOffset chains ---------------------------------------------- */

/*
 * Walks a buffer of records chained by a leading 32-bit NextEntryOffset
 * (relative to the entry, 0 = last entry; S1). Caller storage: no cleanup.
 * The walker keeps a pointer to buf; buf must outlive it.
 */
struct odx_winparse_walk {
    const uint8_t *buf;
    size_t len;
    size_t fixed_size;   /* bytes every entry must hold, e.g. ODX_WINPARSE_FILTER_SIZE */
    size_t next;         /* offset of the entry the next call yields */
    size_t count;        /* entries yielded so far */
    enum odx_status end; /* ODX_OK while walking; then the status every later call returns */
};

/* One entry: buf[offset .. offset + length) is the region its decoder may read. */
struct odx_winparse_entry {
    size_t offset; /* from the start of the buffer, bytes */
    size_t length; /* NextEntryOffset, or the rest of the buffer for the last entry, bytes */
    bool aligned;  /* offset is a multiple of 8, as S1 says entries are */
};

/* Starts a walk over buf[0..len). fixed_size must be at least 4. Never fails. */
void odx_winparse_walk_init(struct odx_winparse_walk *walk, const uint8_t *buf, size_t len,
                            size_t fixed_size);

/*
 * Yields the next entry into *entry. Returns ODX_OK with an entry, or
 * ODX_E_NOT_FOUND once the chain has ended normally (not an error). Any
 * other status is a malformed chain; the walk then stops and every later
 * call returns the same status. Entries already yielded stay valid.
 *
 *   ODX_E_EMPTY      the buffer is empty (Filter Manager reports "no more
 *                    items" instead of returning zero bytes).
 *   ODX_E_INVAL      buf NULL with len > 0, or fixed_size below 4.
 *   ODX_E_TOO_BIG    len above ODX_WINPARSE_MAX_BUFFER, or more than
 *                    ODX_WINPARSE_MAX_ENTRIES entries.
 *   ODX_E_TRUNCATED  an entry's fixed part runs past the end of the buffer
 *                    (including a buffer shorter than one fixed part).
 *   ODX_E_LOOP       NextEntryOffset is non-zero but smaller than
 *                    fixed_size (the next entry would overlap this one's
 *                    fixed part), or, read as a 32-bit producer adds it,
 *                    wraps around to this entry or an earlier one.
 *   ODX_E_BAD_OFFSET NextEntryOffset points at or past the end.
 *
 * Misaligned entries are tolerated and flagged in entry->aligned: the
 * decoders read byte by byte, so alignment does not affect safety, and
 * rejecting a chain for it would drop filters from the report over a
 * cosmetic deviation. Because every accepted offset is positive and at
 * least fixed_size, entries strictly advance and cannot revisit or overlap.
 */
enum odx_status odx_winparse_walk_next(struct odx_winparse_walk *walk,
                                       struct odx_winparse_entry *entry);

/*
 * Rules shared by the three Filter Manager record decoders below. They take
 * one entry (the region a walk yielded, or a whole single-record buffer):
 *   - shorter than the fixed part: ODX_E_TRUNCATED;
 *   - a name with an odd byte length: ODX_E_BAD_LENGTH; a zero length is
 *     the empty string and its offset is ignored;
 *   - a name starting inside the fixed part or past the entry:
 *     ODX_E_BAD_OFFSET; running past the entry: ODX_E_BAD_LENGTH;
 *   - ODX_E_BAD_UTF16 / ODX_E_EMBEDDED_NUL as for
 *     odx_winparse_utf16_to_utf8, ODX_E_INVAL for NULL arguments,
 *     ODX_E_NOMEM.
 * Names may overlap one another (harmless). Bits beyond the ones named here
 * are kept raw in `flags` and otherwise ignored, for future Windows builds.
 */

/* FILTER_AGGREGATE_STANDARD_INFORMATION (S1; layout fact sheet 1.5). */
struct odx_winparse_filter {
    enum odx_winparse_kind kind; /* from Flags bits 1 / 2 */
    uint32_t flags;              /* outer Flags, raw */
    uint32_t arm_flags;          /* Type.*.Flags, raw; none defined (S1) */
    uint32_t frame_id;           /* minifilter only, else 0 */
    uint32_t instance_count;     /* minifilter only, else 0 */
    char *name;                  /* e.g. "WdFilter" */
    char *altitude;              /* decimal string, e.g. "328010" or "389998.99" */
};

/*
 * Decodes one FILTER_AGGREGATE_STANDARD_INFORMATION entry. Besides the
 * shared rules: ODX_E_MALFORMED when Flags has both or neither of
 * FLTFL_ASI_IS_MINIFILTER (1) and FLTFL_ASI_IS_LEGACYFILTER (2).
 */
enum odx_status odx_winparse_filter_decode(const uint8_t *entry, size_t len,
                                           struct odx_winparse_filter *out);
/* Frees the strings and zeroes *filter. NULL is fine. */
void odx_winparse_filter_cleanup(struct odx_winparse_filter *filter);

/* FILTER_VOLUME_STANDARD_INFORMATION (S1; layout fact sheet 1.5). */
struct odx_winparse_volume {
    uint32_t flags; /* raw */
    bool detached;  /* FLTFL_VSI_DETACHED_VOLUME (1) */
    uint32_t frame_id;
    uint32_t fs_type; /* FLT_FILESYSTEM_TYPE number, see odx_winparse_fstype_name */
    char *name;       /* NT name, e.g. "\\Device\\HarddiskVolume3" or "\\Device\\Mup" */
};

/*
 * Decodes one FILTER_VOLUME_STANDARD_INFORMATION entry (name inline at 18,
 * byte length at 16). A FileSystemType outside the table is kept as is: new
 * file systems may appear (S1 says they are reported as UNKNOWN).
 */
enum odx_status odx_winparse_volume_decode(const uint8_t *entry, size_t len,
                                           struct odx_winparse_volume *out);
void odx_winparse_volume_cleanup(struct odx_winparse_volume *volume);

/* INSTANCE_AGGREGATE_STANDARD_INFORMATION (S1; layout fact sheet 1.5). */
struct odx_winparse_instance {
    enum odx_winparse_kind kind;
    uint32_t flags;              /* outer Flags, raw */
    uint32_t arm_flags;          /* Type.*.Flags, raw */
    bool detached;               /* FLTFL_IASIM_DETACHED_VOLUME / FLTFL_IASIL_DETACHED_VOLUME (1) */
    uint32_t frame_id;           /* minifilter only, else 0 */
    uint32_t fs_type;            /* VolumeFileSystemType; minifilter only, else 0 */
    bool has_supported_features; /* false for the 36-byte pre-Windows 8 layout */
    uint32_t supported_features; /* SUPPORTED_FS_FEATURES_* bits; 0 when absent */
    char *instance_name;         /* minifilter only; NULL for a legacy filter */
    char *altitude;
    char *volume_name;
    char *filter_name;
};

/*
 * Decodes one INSTANCE_AGGREGATE_STANDARD_INFORMATION entry, either arm.
 * Layout detection: the entry uses the Windows 8+ 40-byte layout, with
 * SupportedFeatures (at 36 for a minifilter, 24 for a legacy filter), when
 * it is at least 40 bytes long and no non-empty name starts before byte 40;
 * otherwise it is the 36-byte pre-Windows 8 layout and has_supported_features
 * is false. Besides the shared rules: ODX_E_MALFORMED for both or neither of
 * FLTFL_IASI_IS_MINIFILTER / _IS_LEGACYFILTER; ODX_E_TRUNCATED below 36 bytes.
 */
enum odx_status odx_winparse_instance_decode(const uint8_t *entry, size_t len,
                                             struct odx_winparse_instance *out);
void odx_winparse_instance_cleanup(struct odx_winparse_instance *instance);

/* FLT_FSTYPE_* name of a FLT_FILESYSTEM_TYPE number ("FLT_FSTYPE_NTFS" for 2), or NULL when the
 * number is outside the known table 0..30 (fact sheet 1.3). Static storage. */
const char *odx_winparse_fstype_name(uint32_t fs_type);

/* Short display name ("NTFS", "ReFS", "MUP (remote)", "NamedPipe" ...), or NULL outside 0..30. */
const char *odx_winparse_fstype_display(uint32_t fs_type);

/* ---- Storage copy-offload descriptor ------------------------------------ */

/* DEVICE_COPY_OFFLOAD_DESCRIPTOR from IOCTL_STORAGE_QUERY_PROPERTY (fact sheet 2.6). */
struct odx_winparse_copy_offload_desc {
    uint32_t version;                  /* = sizeof, 48 today */
    uint32_t size;                     /* bytes the device says it returned */
    uint32_t max_token_lifetime_s;     /* seconds */
    uint32_t default_token_lifetime_s; /* seconds */
    uint64_t max_transfer_size;        /* bytes */
    uint64_t optimal_transfer_count;   /* "optimal transfer size", bytes */
    uint32_t max_data_descriptors;
    uint32_t max_transfer_length_per_desc;     /* blocks */
    uint32_t optimal_transfer_length_per_desc; /* blocks */
    uint16_t optimal_transfer_granularity;     /* blocks */
};

/*
 * Decodes a descriptor from the len bytes DeviceIoControl returned.
 * Errors: ODX_E_INVAL (NULL), ODX_E_TRUNCATED (len < 48: a field we read
 * is missing), ODX_E_MALFORMED (Version or Size below 48: the device
 * describes a layout without all these fields). Tolerated, because all 48
 * known bytes are there and a later Windows may grow the structure:
 * Version or Size above 48, Version != Size, Size != len, non-zero Reserved.
 * version and size are reported raw.
 */
enum odx_status odx_winparse_copy_offload_desc_decode(const uint8_t *buf, size_t len,
                                                      struct odx_winparse_copy_offload_desc *out);

/* ---- Offload tokens ------------------------------------------------------ */

/* STORAGE_OFFLOAD_TOKEN header fields, both big-endian (MS-FSCC 2.1.11 [S8], S3). */
struct odx_winparse_token {
    uint32_t token_type;      /* TokenType[4], big-endian */
    uint16_t token_id_length; /* TokenIdLength[2], big-endian; 0x1F8 for the zero token */
    bool is_zero_data;        /* type FF FF 00 01 and id length 01 F8: mingw IS_ZERO_TOKEN */
    bool rest_zero;           /* Reserved and all 504 id bytes are zero, as MAKE_ZERO_TOKEN
                                 leaves a zeroed buffer */
};

/*
 * Inspects the 512-byte token at buf (only the first 512 bytes are read).
 * ODX_E_INVAL for NULL, ODX_E_TRUNCATED for len < 512. A token is opaque
 * vendor data: nothing else is checked.
 */
enum odx_status odx_winparse_token_inspect(const uint8_t *buf, size_t len,
                                           struct odx_winparse_token *out);

/* Writes the well-known zero-data token (512 bytes) to buf. ODX_E_INVAL for NULL, ODX_E_TOO_BIG
 * when size < 512 (the token does not fit). */
enum odx_status odx_winparse_token_make_zero(uint8_t *buf, size_t size);

/* ---- FSCTL_OFFLOAD_READ / FSCTL_OFFLOAD_WRITE ---------------------------- */

/* FSCTL_OFFLOAD_READ_INPUT (fact sheet 2.2). */
struct odx_winparse_read_input {
    uint32_t size;         /* decode: raw; encode ignores it and writes 32 */
    uint32_t flags;        /* none defined, send 0 */
    uint32_t token_ttl_ms; /* TokenTimeToLive, milliseconds; 0 = device default */
    uint64_t file_offset;  /* bytes, logical-sector aligned */
    uint64_t copy_length;  /* bytes, logical-sector aligned */
};

/* FSCTL_OFFLOAD_READ_OUTPUT (fact sheet 2.2). */
struct odx_winparse_read_output {
    uint32_t size;                          /* raw */
    uint32_t flags;                         /* raw OFFLOAD_READ_FLAG_* */
    bool all_zero_beyond;                   /* flags & ODX_WINPARSE_READ_FLAG_ALL_ZERO_BEYOND */
    uint64_t transfer_length;               /* bytes the token represents from FileOffset */
    uint8_t token[ODX_WINPARSE_TOKEN_SIZE]; /* copied verbatim: pass unchanged to the write */
};

/* FSCTL_OFFLOAD_WRITE_INPUT (fact sheet 2.2). */
struct odx_winparse_write_input {
    uint32_t size;            /* decode: raw; encode ignores it and writes 544 */
    uint32_t flags;           /* none defined, send 0 */
    uint64_t file_offset;     /* destination, bytes */
    uint64_t copy_length;     /* bytes */
    uint64_t transfer_offset; /* offset inside the token's range, bytes */
    uint8_t token[ODX_WINPARSE_TOKEN_SIZE];
};

/* FSCTL_OFFLOAD_WRITE_OUTPUT (fact sheet 2.2). */
struct odx_winparse_write_output {
    uint32_t size;           /* raw */
    uint32_t flags;          /* raw; MS-FSCC defines none */
    uint64_t length_written; /* bytes; may be less than CopyLength */
};

/*
 * Output decoders take the byte count DeviceIoControl returned. That count,
 * not the Size field, decides truncation: MS-FSCC only says Size is "the
 * size of the returned data element", so Size is reported raw and never
 * rejected. Statuses: ODX_E_INVAL (NULL), ODX_E_TRUNCATED (len below the
 * structure size). Bytes past the structure are ignored.
 */
enum odx_status odx_winparse_read_output_decode(const uint8_t *buf, size_t len,
                                                struct odx_winparse_read_output *out);
enum odx_status odx_winparse_write_output_decode(const uint8_t *buf, size_t len,
                                                 struct odx_winparse_write_output *out);

/* Input decoders, for fakes that receive what the back end sends; same statuses as above. */
enum odx_status odx_winparse_read_input_decode(const uint8_t *buf, size_t len,
                                               struct odx_winparse_read_input *out);
enum odx_status odx_winparse_write_input_decode(const uint8_t *buf, size_t len,
                                                struct odx_winparse_write_input *out);

/*
 * Encoders write exactly the structure size (Size set to it, Reserved 0)
 * into buf[0..size) and, when written is not NULL, set *written to that
 * count; on failure nothing is promised about buf and *written is 0.
 * Statuses: ODX_E_INVAL (NULL), ODX_E_TOO_BIG (size below the structure
 * size), ODX_E_RANGE (file_offset + copy_length overflows 64 bits, which
 * Windows rejects too; for the write input also transfer_offset +
 * copy_length).
 */
enum odx_status odx_winparse_read_input_encode(uint8_t *buf, size_t size,
                                               const struct odx_winparse_read_input *in,
                                               size_t *written);
enum odx_status odx_winparse_write_input_encode(uint8_t *buf, size_t size,
                                                const struct odx_winparse_write_input *in,
                                                size_t *written);
enum odx_status odx_winparse_read_output_encode(uint8_t *buf, size_t size,
                                                const struct odx_winparse_read_output *in,
                                                size_t *written);
enum odx_status odx_winparse_write_output_encode(uint8_t *buf, size_t size,
                                                 const struct odx_winparse_write_output *in,
                                                 size_t *written);

/* STORAGE_PROPERTY_QUERY {StorageDeviceCopyOffloadProperty (13), PropertyStandardQuery (0),
 * AdditionalParameters 0} plus padding: 12 bytes. Statuses as for the encoders above. */
enum odx_status odx_winparse_property_query_encode(uint8_t *buf, size_t size, size_t *written);

/* DEVICE_COPY_OFFLOAD_DESCRIPTOR with Version = Size = 48 when in->version / in->size are 0,
 * else their values; Reserved 0. Statuses as for the encoders above. */
enum odx_status odx_winparse_copy_offload_desc_encode(
    uint8_t *buf, size_t size, const struct odx_winparse_copy_offload_desc *in, size_t *written);

/* ---- Building Filter Manager buffers (tests and fakes) -------------------- */

/*
 * Appends Filter Manager records to a caller buffer the way fltlib returns
 * them: each entry starts 8-byte aligned, names follow the fixed part
 * (2-byte aligned, in declaration order), and the previous entry's
 * NextEntryOffset is linked to the new one; the last entry's stays 0.
 * `used` is the byte count a Find call would return. Caller storage: no
 * cleanup; the builder keeps a pointer to buf.
 */
struct odx_winparse_builder {
    uint8_t *buf;
    size_t size;
    size_t used; /* bytes written so far, the last entry's padding excluded */
    size_t last; /* offset of the last entry */
    size_t count;
};

void odx_winparse_builder_init(struct odx_winparse_builder *b, uint8_t *buf, size_t size);

/*
 * Each appends one entry built from a decoded-style record. Encoded flags are
 * `kind` in bits 1/2 plus the other bits of `flags`; arm flags are
 * `arm_flags` with bit 1 set when `detached`. NULL names encode as empty,
 * with offset 0.
 * An instance with has_supported_features false uses the 36-byte layout.
 * Statuses: ODX_E_INVAL (NULL, or a kind other than the two), ODX_E_BAD_UTF8
 * (a name is not valid UTF-8), ODX_E_RANGE (a name above 65534 bytes of
 * UTF-16 or past offset 65535), ODX_E_TOO_BIG (the entry does not fit in
 * the buffer, or the buffer exceeds ODX_WINPARSE_MAX_BUFFER). On failure
 * the builder and the entries already in buf are unchanged.
 */
enum odx_status odx_winparse_build_filter(struct odx_winparse_builder *b,
                                          const struct odx_winparse_filter *filter);
enum odx_status odx_winparse_build_volume(struct odx_winparse_builder *b,
                                          const struct odx_winparse_volume *volume);
enum odx_status odx_winparse_build_instance(struct odx_winparse_builder *b,
                                            const struct odx_winparse_instance *instance);

#endif
