/*
 * Decoders and encoders of raw Windows buffers (see odx/winparse.h).
 *
 * Portable C over bytes: every multi-byte field is assembled from single
 * bytes at a checked offset, so neither the host's endianness nor its
 * alignment rules matter, and no Windows header is needed. This module
 * must not call the OS, print, or keep pointers into its inputs beyond a
 * call (the walker and the builder hold the caller's buffer by design).
 * Offsets are given as "field @ offset (source)"; source keys refer to
 * section 0 of the project's Windows ODX fact sheet.
 */
#include "odx/winparse.h"

#include "odx/alloc.h"

#include <string.h>

/* ---- Little- and big-endian access ---------------------------------------- */

static uint16_t get_u16(const uint8_t *p)
{
    return (uint16_t)((unsigned)p[0] | ((unsigned)p[1] << 8));
}

static uint32_t get_u32(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

static uint64_t get_u64(const uint8_t *p)
{
    return (uint64_t)get_u32(p) | ((uint64_t)get_u32(p + 4) << 32);
}

static uint32_t get_be32(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

static uint16_t get_be16(const uint8_t *p)
{
    return (uint16_t)(((unsigned)p[0] << 8) | (unsigned)p[1]);
}

static void put_u16(uint8_t *p, uint16_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v & 0xFFu);
    p[1] = (uint8_t)((v >> 8) & 0xFFu);
    p[2] = (uint8_t)((v >> 16) & 0xFFu);
    p[3] = (uint8_t)(v >> 24);
}

static void put_u64(uint8_t *p, uint64_t v)
{
    put_u32(p, (uint32_t)(v & 0xFFFFFFFFu));
    put_u32(p + 4, (uint32_t)(v >> 32));
}

/* ---- UTF-16LE to UTF-8 ------------------------------------------------------ */

static bool is_high_surrogate(uint32_t c)
{
    return c >= 0xD800u && c <= 0xDBFFu;
}

static bool is_low_surrogate(uint32_t c)
{
    return c >= 0xDC00u && c <= 0xDFFFu;
}

/* Bytes of UTF-8 for units p[0..units), or a status; *need excludes the NUL. */
static enum odx_status utf16_measure(const uint8_t *p, size_t units, size_t *need)
{
    size_t n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t c = get_u16(p + 2 * i);
        if (c == 0)
            return ODX_E_EMBEDDED_NUL;
        if (c < 0x80u) {
            n += 1;
        } else if (c < 0x800u) {
            n += 2;
        } else if (is_high_surrogate(c)) {
            if (i + 1 >= units || !is_low_surrogate(get_u16(p + 2 * (i + 1))))
                return ODX_E_BAD_UTF16;
            n += 4;
            i++;
        } else if (is_low_surrogate(c)) {
            return ODX_E_BAD_UTF16;
        } else {
            n += 3;
        }
    }
    *need = n;
    return ODX_OK;
}

/* Encodes units already validated by utf16_measure; returns bytes written. */
static size_t utf16_encode(const uint8_t *p, size_t units, char *dst)
{
    unsigned char *d = (unsigned char *)dst;
    size_t n = 0;
    for (size_t i = 0; i < units; i++) {
        uint32_t c = get_u16(p + 2 * i);
        if (is_high_surrogate(c)) {
            uint32_t lo = get_u16(p + 2 * (i + 1));
            c = 0x10000u + ((c - 0xD800u) << 10) + (lo - 0xDC00u);
            i++;
        }
        if (c < 0x80u) {
            d[n++] = (unsigned char)c;
        } else if (c < 0x800u) {
            d[n++] = (unsigned char)(0xC0u | (c >> 6));
            d[n++] = (unsigned char)(0x80u | (c & 0x3Fu));
        } else if (c < 0x10000u) {
            d[n++] = (unsigned char)(0xE0u | (c >> 12));
            d[n++] = (unsigned char)(0x80u | ((c >> 6) & 0x3Fu));
            d[n++] = (unsigned char)(0x80u | (c & 0x3Fu));
        } else {
            d[n++] = (unsigned char)(0xF0u | (c >> 18));
            d[n++] = (unsigned char)(0x80u | ((c >> 12) & 0x3Fu));
            d[n++] = (unsigned char)(0x80u | ((c >> 6) & 0x3Fu));
            d[n++] = (unsigned char)(0x80u | (c & 0x3Fu));
        }
    }
    return n;
}

enum odx_status odx_winparse_utf16_to_utf8(const uint8_t *buf, size_t buf_len, size_t offset,
                                           size_t length, char **out, size_t *out_len)
{
    const uint8_t *p;
    size_t units, need = 0;
    char *s;
    enum odx_status st;

    if (out)
        *out = NULL;
    if (out_len)
        *out_len = 0;
    if (!out)
        return ODX_E_INVAL;
    if (length % 2 != 0)
        return ODX_E_BAD_LENGTH;
    if (length != 0) {
        if (!buf)
            return ODX_E_INVAL;
        if (length > ODX_WINPARSE_MAX_BUFFER)
            return ODX_E_TOO_BIG;
        if (offset > buf_len)
            return ODX_E_BAD_OFFSET;
        if (length > buf_len - offset)
            return ODX_E_BAD_LENGTH;
    }
    p = length ? buf + offset : NULL;
    units = length / 2;
    /* Trailing NULs are a counted terminator, not part of the name. */
    while (units > 0 && get_u16(p + 2 * (units - 1)) == 0)
        units--;
    st = utf16_measure(p, units, &need);
    if (st != ODX_OK)
        return st;
    /* need <= 1.5 * length <= 1.5 * ODX_WINPARSE_MAX_BUFFER: no overflow. */
    s = odx_malloc(need + 1);
    if (!s)
        return ODX_E_NOMEM;
    need = utf16_encode(p, units, s);
    s[need] = '\0';
    *out = s;
    if (out_len)
        *out_len = need;
    return ODX_OK;
}

/* ---- NextEntryOffset walker ------------------------------------------------ */

void odx_winparse_walk_init(struct odx_winparse_walk *walk, const uint8_t *buf, size_t len,
                            size_t fixed_size)
{
    walk->buf = buf;
    walk->len = len;
    walk->fixed_size = fixed_size;
    walk->next = 0;
    walk->count = 0;
    walk->end = ODX_OK;
}

static enum odx_status walk_step(struct odx_winparse_walk *w, struct odx_winparse_entry *e)
{
    size_t off = w->next, rest;
    uint32_t neo;

    if (w->fixed_size < 4 || (!w->buf && w->len != 0))
        return ODX_E_INVAL;
    if (w->len == 0)
        return ODX_E_EMPTY;
    if (w->len > ODX_WINPARSE_MAX_BUFFER)
        return ODX_E_TOO_BIG;
    if (w->count >= ODX_WINPARSE_MAX_ENTRIES)
        return ODX_E_TOO_BIG;
    /* off < len holds: it is 0 or was checked against len when it was accepted. */
    rest = w->len - off;
    if (rest < w->fixed_size)
        return ODX_E_TRUNCATED;
    /* NextEntryOffset @ 0, relative to this entry, 0 = last (S1). */
    neo = get_u32(w->buf + off);
    if (neo == 0) {
        e->offset = off;
        e->length = rest;
        e->aligned = off % 8 == 0;
        w->count++;
        w->end = ODX_E_NOT_FOUND;
        return ODX_OK;
    }
    if (neo < w->fixed_size)
        return ODX_E_LOOP;
    if (neo >= rest) {
        /* A 32-bit producer adding this offset lands at (off + neo) mod 2^32; off is below
         * ODX_WINPARSE_MAX_BUFFER, so a result not above off means the chain went back. */
        uint32_t wrapped = (uint32_t)off + neo;
        return wrapped <= (uint32_t)off ? ODX_E_LOOP : ODX_E_BAD_OFFSET;
    }
    e->offset = off;
    e->length = neo;
    e->aligned = off % 8 == 0;
    w->next = off + neo;
    w->count++;
    return ODX_OK;
}

enum odx_status odx_winparse_walk_next(struct odx_winparse_walk *walk,
                                       struct odx_winparse_entry *entry)
{
    enum odx_status st;

    if (!entry)
        return ODX_E_INVAL;
    memset(entry, 0, sizeof *entry);
    if (!walk)
        return ODX_E_INVAL;
    if (walk->end != ODX_OK)
        return walk->end;
    st = walk_step(walk, entry);
    if (st != ODX_OK) {
        walk->end = st;
        memset(entry, 0, sizeof *entry);
    }
    return st;
}

/* ---- Filter Manager records ------------------------------------------------ */

/* One (length, offset) name of a record whose fixed part is `fixed` bytes: the shared rules of
 * the header. */
static enum odx_status record_string(const uint8_t *entry, size_t len, size_t fixed, uint16_t blen,
                                     uint16_t off, char **out)
{
    if (blen % 2 != 0)
        return ODX_E_BAD_LENGTH;
    if (blen == 0)
        return odx_winparse_utf16_to_utf8(entry, len, 0, 0, out, NULL);
    if (off < fixed || off > len)
        return ODX_E_BAD_OFFSET;
    if (blen > len - off)
        return ODX_E_BAD_LENGTH;
    return odx_winparse_utf16_to_utf8(entry, len, off, blen, out, NULL);
}

/* Flags bits 1 and 2 select the union arm; both or neither is malformed (S3, S4). */
static enum odx_status kind_from_flags(uint32_t flags, enum odx_winparse_kind *kind)
{
    switch (flags & 3u) {
    case 1u:
        *kind = ODX_WINPARSE_KIND_MINIFILTER;
        return ODX_OK;
    case 2u:
        *kind = ODX_WINPARSE_KIND_LEGACY;
        return ODX_OK;
    default:
        return ODX_E_MALFORMED;
    }
}

void odx_winparse_filter_cleanup(struct odx_winparse_filter *filter)
{
    if (!filter)
        return;
    odx_free(filter->name);
    odx_free(filter->altitude);
    memset(filter, 0, sizeof *filter);
}

enum odx_status odx_winparse_filter_decode(const uint8_t *entry, size_t len,
                                           struct odx_winparse_filter *out)
{
    struct odx_winparse_filter f;
    enum odx_status st;
    size_t names; /* offset of the (length, offset) name pairs in this arm */

    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    memset(&f, 0, sizeof f);
    if (!entry)
        return ODX_E_INVAL;
    /* FILTER_AGGREGATE_STANDARD_INFORMATION, sizeof 28 (S1, S3; S28 sizes). */
    if (len < ODX_WINPARSE_FILTER_SIZE)
        return ODX_E_TRUNCATED;
    f.flags = get_u32(entry + 4); /* Flags @ 4 */
    st = kind_from_flags(f.flags, &f.kind);
    if (st != ODX_OK)
        return st;
    f.arm_flags = get_u32(entry + 8); /* Type.*.Flags @ 8 */
    if (f.kind == ODX_WINPARSE_KIND_MINIFILTER) {
        f.frame_id = get_u32(entry + 12);       /* MiniFilter.FrameID @ 12 */
        f.instance_count = get_u32(entry + 16); /* MiniFilter.NumberOfInstances @ 16 */
        names = 20;                             /* FilterName @ 20/22, FilterAltitude @ 24/26 */
    } else {
        names = 12; /* LegacyFilter: FilterName @ 12/14, FilterAltitude @ 16/18 */
    }
    st = record_string(entry, len, ODX_WINPARSE_FILTER_SIZE, get_u16(entry + names),
                       get_u16(entry + names + 2), &f.name);
    if (st == ODX_OK)
        st = record_string(entry, len, ODX_WINPARSE_FILTER_SIZE, get_u16(entry + names + 4),
                           get_u16(entry + names + 6), &f.altitude);
    if (st != ODX_OK) {
        odx_winparse_filter_cleanup(&f);
        return st;
    }
    *out = f;
    return ODX_OK;
}

void odx_winparse_volume_cleanup(struct odx_winparse_volume *volume)
{
    if (!volume)
        return;
    odx_free(volume->name);
    memset(volume, 0, sizeof *volume);
}

enum odx_status odx_winparse_volume_decode(const uint8_t *entry, size_t len,
                                           struct odx_winparse_volume *out)
{
    struct odx_winparse_volume v;
    enum odx_status st;

    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    memset(&v, 0, sizeof v);
    if (!entry)
        return ODX_E_INVAL;
    /* FILTER_VOLUME_STANDARD_INFORMATION (S1, S3; offsets S28). */
    if (len < ODX_WINPARSE_VOLUME_SIZE)
        return ODX_E_TRUNCATED;
    v.flags = get_u32(entry + 4);     /* Flags @ 4 */
    v.detached = (v.flags & 1u) != 0; /* FLTFL_VSI_DETACHED_VOLUME = 1 */
    v.frame_id = get_u32(entry + 8);  /* FrameID @ 8 */
    v.fs_type = get_u32(entry + 12);  /* FileSystemType @ 12 */
    /* FilterVolumeNameLength @ 16, FilterVolumeName inline @ 18. */
    st = record_string(entry, len, ODX_WINPARSE_VOLUME_SIZE, get_u16(entry + 16),
                       (uint16_t)ODX_WINPARSE_VOLUME_SIZE, &v.name);
    if (st != ODX_OK)
        return st;
    *out = v;
    return ODX_OK;
}

void odx_winparse_instance_cleanup(struct odx_winparse_instance *instance)
{
    if (!instance)
        return;
    odx_free(instance->instance_name);
    odx_free(instance->altitude);
    odx_free(instance->volume_name);
    odx_free(instance->filter_name);
    memset(instance, 0, sizeof *instance);
}

enum odx_status odx_winparse_instance_decode(const uint8_t *entry, size_t len,
                                             struct odx_winparse_instance *out)
{
    struct odx_winparse_instance in;
    enum odx_status st;
    /* Position of each (length, offset) pair in the entry, or 0 when the arm lacks that name:
     * instance name, altitude, volume name, filter name. */
    size_t pairs[4];
    char **dest[4];
    size_t features_at, fixed, first = SIZE_MAX;

    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    memset(&in, 0, sizeof in);
    if (!entry)
        return ODX_E_INVAL;
    /* INSTANCE_AGGREGATE_STANDARD_INFORMATION: 40 bytes, 36 before NTDDI_WIN8 (S1, S3; S28). */
    if (len < ODX_WINPARSE_INSTANCE_SIZE_PREWIN8)
        return ODX_E_TRUNCATED;
    in.flags = get_u32(entry + 4); /* Flags @ 4: FLTFL_IASI_IS_MINIFILTER 1 / _LEGACYFILTER 2 */
    st = kind_from_flags(in.flags, &in.kind);
    if (st != ODX_OK)
        return st;
    in.arm_flags = get_u32(entry + 8); /* Type.*.Flags @ 8 */
    /* FLTFL_IASIM_DETACHED_VOLUME and FLTFL_IASIL_DETACHED_VOLUME are both 1 (S3, S4). */
    in.detached = (in.arm_flags & 1u) != 0;
    if (in.kind == ODX_WINPARSE_KIND_MINIFILTER) {
        in.frame_id = get_u32(entry + 12); /* MiniFilter.FrameID @ 12 */
        in.fs_type = get_u32(entry + 16);  /* MiniFilter.VolumeFileSystemType @ 16 */
        /* InstanceName @ 20, Altitude @ 24, VolumeName @ 28, FilterName @ 32 (len, off). */
        pairs[0] = 20;
        pairs[1] = 24;
        pairs[2] = 28;
        pairs[3] = 32;
        features_at = 36; /* MiniFilter.SupportedFeatures @ 36 */
    } else {
        /* LegacyFilter: Altitude @ 12, VolumeName @ 16, FilterName @ 20; no instance name. */
        pairs[0] = 0;
        pairs[1] = 12;
        pairs[2] = 16;
        pairs[3] = 20;
        features_at = 24; /* LegacyFilter.SupportedFeatures @ 24 */
    }
    dest[0] = &in.instance_name;
    dest[1] = &in.altitude;
    dest[2] = &in.volume_name;
    dest[3] = &in.filter_name;

    /* Which layout: names follow the fixed part, so a name starting before byte 40 means the
     * producer used the 36-byte layout without SupportedFeatures. */
    for (size_t i = 0; i < 4; i++) {
        if (pairs[i] && get_u16(entry + pairs[i]) != 0) {
            size_t off = get_u16(entry + pairs[i] + 2);
            if (off < first)
                first = off;
        }
    }
    if (len >= ODX_WINPARSE_INSTANCE_SIZE && first >= ODX_WINPARSE_INSTANCE_SIZE) {
        fixed = ODX_WINPARSE_INSTANCE_SIZE;
        in.has_supported_features = true;
        in.supported_features = get_u32(entry + features_at);
    } else {
        fixed = ODX_WINPARSE_INSTANCE_SIZE_PREWIN8;
    }
    for (size_t i = 0; i < 4 && st == ODX_OK; i++) {
        if (pairs[i])
            st = record_string(entry, len, fixed, get_u16(entry + pairs[i]),
                               get_u16(entry + pairs[i] + 2), dest[i]);
    }
    if (st != ODX_OK) {
        odx_winparse_instance_cleanup(&in);
        return st;
    }
    *out = in;
    return ODX_OK;
}

/*
 * FLT_FILESYSTEM_TYPE 0..30, in enum order (fact sheet 1.3: S1, S3, S4; CIMFS only in S1 and
 * S4). Display labels follow `fltmc volumes` where known (Remote for MUP, NamedPipe, Mailslot:
 * S24).
 */
static const struct {
    const char *name;
    const char *display;
} fstypes[] = {
    {"FLT_FSTYPE_UNKNOWN", "Unknown"},                /* 0 */
    {"FLT_FSTYPE_RAW", "RAW"},                        /* 1 */
    {"FLT_FSTYPE_NTFS", "NTFS"},                      /* 2 */
    {"FLT_FSTYPE_FAT", "FAT"},                        /* 3 */
    {"FLT_FSTYPE_CDFS", "CDFS"},                      /* 4 */
    {"FLT_FSTYPE_UDFS", "UDF"},                       /* 5 */
    {"FLT_FSTYPE_LANMAN", "LanMan (SMB redirector)"}, /* 6 */
    {"FLT_FSTYPE_WEBDAV", "WebDAV"},                  /* 7 */
    {"FLT_FSTYPE_RDPDR", "RDPDR (RDP drives)"},       /* 8 */
    {"FLT_FSTYPE_NFS", "NFS"},                        /* 9 */
    {"FLT_FSTYPE_MS_NETWARE", "MS NetWare"},          /* 10 */
    {"FLT_FSTYPE_NETWARE", "NetWare"},                /* 11 */
    {"FLT_FSTYPE_BSUDF", "BsUDF"},                    /* 12 */
    {"FLT_FSTYPE_MUP", "MUP (remote)"},               /* 13 */
    {"FLT_FSTYPE_RSFX", "RsFx"},                      /* 14 */
    {"FLT_FSTYPE_ROXIO_UDF1", "Roxio UDF1"},          /* 15 */
    {"FLT_FSTYPE_ROXIO_UDF2", "Roxio UDF2"},          /* 16 */
    {"FLT_FSTYPE_ROXIO_UDF3", "Roxio UDF3"},          /* 17 */
    {"FLT_FSTYPE_TACIT", "Tacit"},                    /* 18 */
    {"FLT_FSTYPE_FS_REC", "FsRec"},                   /* 19 */
    {"FLT_FSTYPE_INCD", "InCD"},                      /* 20 */
    {"FLT_FSTYPE_INCD_FAT", "InCD FAT"},              /* 21 */
    {"FLT_FSTYPE_EXFAT", "exFAT"},                    /* 22 */
    {"FLT_FSTYPE_PSFS", "PSFS"},                      /* 23 */
    {"FLT_FSTYPE_GPFS", "GPFS"},                      /* 24 */
    {"FLT_FSTYPE_NPFS", "NamedPipe"},                 /* 25 */
    {"FLT_FSTYPE_MSFS", "Mailslot"},                  /* 26 */
    {"FLT_FSTYPE_CSVFS", "CSVFS"},                    /* 27 */
    {"FLT_FSTYPE_REFS", "ReFS"},                      /* 28 */
    {"FLT_FSTYPE_OPENAFS", "OpenAFS"},                /* 29 */
    {"FLT_FSTYPE_CIMFS", "CimFS"},                    /* 30 */
};

#define FSTYPE_COUNT (sizeof fstypes / sizeof fstypes[0])
_Static_assert(FSTYPE_COUNT == 31, "FLT_FSTYPE table covers 0..30");

const char *odx_winparse_fstype_name(uint32_t fs_type)
{
    return fs_type < FSTYPE_COUNT ? fstypes[fs_type].name : NULL;
}

const char *odx_winparse_fstype_display(uint32_t fs_type)
{
    return fs_type < FSTYPE_COUNT ? fstypes[fs_type].display : NULL;
}

/* ---- Copy-offload descriptor ------------------------------------------------- */

enum odx_status odx_winparse_copy_offload_desc_decode(const uint8_t *buf, size_t len,
                                                      struct odx_winparse_copy_offload_desc *out)
{
    struct odx_winparse_copy_offload_desc d;

    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!buf)
        return ODX_E_INVAL;
    /* DEVICE_COPY_OFFLOAD_DESCRIPTOR, sizeof 48 (fact sheet 2.6: S3, S10, S28). */
    if (len < ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE)
        return ODX_E_TRUNCATED;
    memset(&d, 0, sizeof d);
    d.version = get_u32(buf);  /* Version @ 0 = sizeof */
    d.size = get_u32(buf + 4); /* Size @ 4 */
    if (d.version < ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE ||
        d.size < ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE)
        return ODX_E_MALFORMED;
    d.max_token_lifetime_s = get_u32(buf + 8);              /* @ 8, seconds */
    d.default_token_lifetime_s = get_u32(buf + 12);         /* @ 12, seconds */
    d.max_transfer_size = get_u64(buf + 16);                /* @ 16, bytes */
    d.optimal_transfer_count = get_u64(buf + 24);           /* @ 24, bytes */
    d.max_data_descriptors = get_u32(buf + 32);             /* @ 32 */
    d.max_transfer_length_per_desc = get_u32(buf + 36);     /* @ 36, blocks */
    d.optimal_transfer_length_per_desc = get_u32(buf + 40); /* @ 40, blocks */
    d.optimal_transfer_granularity = get_u16(buf + 44);     /* @ 44, blocks; Reserved @ 46 */
    *out = d;
    return ODX_OK;
}

enum odx_status odx_winparse_copy_offload_desc_encode(
    uint8_t *buf, size_t size, const struct odx_winparse_copy_offload_desc *in, size_t *written)
{
    if (written)
        *written = 0;
    if (!buf || !in)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE)
        return ODX_E_TOO_BIG;
    memset(buf, 0, ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE);
    put_u32(buf, in->version ? in->version : ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE);
    put_u32(buf + 4, in->size ? in->size : ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE);
    put_u32(buf + 8, in->max_token_lifetime_s);
    put_u32(buf + 12, in->default_token_lifetime_s);
    put_u64(buf + 16, in->max_transfer_size);
    put_u64(buf + 24, in->optimal_transfer_count);
    put_u32(buf + 32, in->max_data_descriptors);
    put_u32(buf + 36, in->max_transfer_length_per_desc);
    put_u32(buf + 40, in->optimal_transfer_length_per_desc);
    put_u16(buf + 44, in->optimal_transfer_granularity);
    if (written)
        *written = ODX_WINPARSE_COPY_OFFLOAD_DESC_SIZE;
    return ODX_OK;
}

/* ---- Offload tokens --------------------------------------------------------------- */

/* STORAGE_OFFLOAD_TOKEN: TokenType[4] @ 0, Reserved[2] @ 4, TokenIdLength[2] @ 6, Token @ 8
 * (S3 ntddstor.h, MS-FSCC 2.1.11 [S8]). */
static const uint8_t zero_token_head[8] = {0xFF, 0xFF, 0x00, 0x01, 0x00, 0x00, 0x01, 0xF8};

enum odx_status odx_winparse_token_inspect(const uint8_t *buf, size_t len,
                                           struct odx_winparse_token *out)
{
    struct odx_winparse_token t;
    bool rest_zero = true;

    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!buf)
        return ODX_E_INVAL;
    if (len < ODX_WINPARSE_TOKEN_SIZE)
        return ODX_E_TRUNCATED;
    memset(&t, 0, sizeof t);
    t.token_type = get_be32(buf);
    t.token_id_length = get_be16(buf + 6);
    /* mingw IS_ZERO_TOKEN compares exactly these six bytes (S3). */
    t.is_zero_data = buf[0] == 0xFF && buf[1] == 0xFF && buf[2] == 0x00 && buf[3] == 0x01 &&
                     buf[6] == 0x01 && buf[7] == 0xF8;
    if (buf[4] != 0 || buf[5] != 0)
        rest_zero = false;
    for (size_t i = 8; i < ODX_WINPARSE_TOKEN_SIZE && rest_zero; i++)
        rest_zero = buf[i] == 0;
    t.rest_zero = rest_zero;
    *out = t;
    return ODX_OK;
}

enum odx_status odx_winparse_token_make_zero(uint8_t *buf, size_t size)
{
    if (!buf)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_TOKEN_SIZE)
        return ODX_E_TOO_BIG;
    /* MAKE_ZERO_TOKEN sets the six header bytes; the rest must be zero (S3). */
    memset(buf, 0, ODX_WINPARSE_TOKEN_SIZE);
    memcpy(buf, zero_token_head, sizeof zero_token_head);
    return ODX_OK;
}

/* ---- FSCTL_OFFLOAD_READ / WRITE structures ----------------------------------------- */

/* Layouts of fact sheet 2.2 (S7, S8; sizes and offsets S28). */

enum odx_status odx_winparse_read_input_decode(const uint8_t *buf, size_t len,
                                               struct odx_winparse_read_input *out)
{
    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!buf)
        return ODX_E_INVAL;
    if (len < ODX_WINPARSE_READ_INPUT_SIZE)
        return ODX_E_TRUNCATED;
    out->size = get_u32(buf);             /* Size @ 0 */
    out->flags = get_u32(buf + 4);        /* Flags @ 4 */
    out->token_ttl_ms = get_u32(buf + 8); /* TokenTimeToLive @ 8; Reserved @ 12 */
    out->file_offset = get_u64(buf + 16); /* FileOffset @ 16 */
    out->copy_length = get_u64(buf + 24); /* CopyLength @ 24 */
    return ODX_OK;
}

enum odx_status odx_winparse_read_input_encode(uint8_t *buf, size_t size,
                                               const struct odx_winparse_read_input *in,
                                               size_t *written)
{
    if (written)
        *written = 0;
    if (!buf || !in)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_READ_INPUT_SIZE)
        return ODX_E_TOO_BIG;
    if (in->copy_length > UINT64_MAX - in->file_offset)
        return ODX_E_RANGE;
    memset(buf, 0, ODX_WINPARSE_READ_INPUT_SIZE);
    put_u32(buf, ODX_WINPARSE_READ_INPUT_SIZE);
    put_u32(buf + 4, in->flags);
    put_u32(buf + 8, in->token_ttl_ms);
    put_u64(buf + 16, in->file_offset);
    put_u64(buf + 24, in->copy_length);
    if (written)
        *written = ODX_WINPARSE_READ_INPUT_SIZE;
    return ODX_OK;
}

enum odx_status odx_winparse_read_output_decode(const uint8_t *buf, size_t len,
                                                struct odx_winparse_read_output *out)
{
    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!buf)
        return ODX_E_INVAL;
    if (len < ODX_WINPARSE_READ_OUTPUT_SIZE)
        return ODX_E_TRUNCATED;
    out->size = get_u32(buf);      /* Size @ 0 */
    out->flags = get_u32(buf + 4); /* Flags @ 4 */
    out->all_zero_beyond = (out->flags & ODX_WINPARSE_READ_FLAG_ALL_ZERO_BEYOND) != 0;
    out->transfer_length = get_u64(buf + 8);               /* TransferLength @ 8 */
    memcpy(out->token, buf + 16, ODX_WINPARSE_TOKEN_SIZE); /* Token[512] @ 16 */
    return ODX_OK;
}

enum odx_status odx_winparse_read_output_encode(uint8_t *buf, size_t size,
                                                const struct odx_winparse_read_output *in,
                                                size_t *written)
{
    if (written)
        *written = 0;
    if (!buf || !in)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_READ_OUTPUT_SIZE)
        return ODX_E_TOO_BIG;
    put_u32(buf, ODX_WINPARSE_READ_OUTPUT_SIZE);
    put_u32(buf + 4, in->flags);
    put_u64(buf + 8, in->transfer_length);
    memcpy(buf + 16, in->token, ODX_WINPARSE_TOKEN_SIZE);
    if (written)
        *written = ODX_WINPARSE_READ_OUTPUT_SIZE;
    return ODX_OK;
}

enum odx_status odx_winparse_write_input_decode(const uint8_t *buf, size_t len,
                                                struct odx_winparse_write_input *out)
{
    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!buf)
        return ODX_E_INVAL;
    if (len < ODX_WINPARSE_WRITE_INPUT_SIZE)
        return ODX_E_TRUNCATED;
    out->size = get_u32(buf);                              /* Size @ 0 */
    out->flags = get_u32(buf + 4);                         /* Flags @ 4 */
    out->file_offset = get_u64(buf + 8);                   /* FileOffset @ 8 */
    out->copy_length = get_u64(buf + 16);                  /* CopyLength @ 16 */
    out->transfer_offset = get_u64(buf + 24);              /* TransferOffset @ 24 */
    memcpy(out->token, buf + 32, ODX_WINPARSE_TOKEN_SIZE); /* Token[512] @ 32 */
    return ODX_OK;
}

enum odx_status odx_winparse_write_input_encode(uint8_t *buf, size_t size,
                                                const struct odx_winparse_write_input *in,
                                                size_t *written)
{
    if (written)
        *written = 0;
    if (!buf || !in)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_WRITE_INPUT_SIZE)
        return ODX_E_TOO_BIG;
    if (in->copy_length > UINT64_MAX - in->file_offset ||
        in->copy_length > UINT64_MAX - in->transfer_offset)
        return ODX_E_RANGE;
    put_u32(buf, ODX_WINPARSE_WRITE_INPUT_SIZE);
    put_u32(buf + 4, in->flags);
    put_u64(buf + 8, in->file_offset);
    put_u64(buf + 16, in->copy_length);
    put_u64(buf + 24, in->transfer_offset);
    memcpy(buf + 32, in->token, ODX_WINPARSE_TOKEN_SIZE);
    if (written)
        *written = ODX_WINPARSE_WRITE_INPUT_SIZE;
    return ODX_OK;
}

enum odx_status odx_winparse_write_output_decode(const uint8_t *buf, size_t len,
                                                 struct odx_winparse_write_output *out)
{
    if (!out)
        return ODX_E_INVAL;
    memset(out, 0, sizeof *out);
    if (!buf)
        return ODX_E_INVAL;
    if (len < ODX_WINPARSE_WRITE_OUTPUT_SIZE)
        return ODX_E_TRUNCATED;
    out->size = get_u32(buf);               /* Size @ 0 */
    out->flags = get_u32(buf + 4);          /* Flags @ 4 */
    out->length_written = get_u64(buf + 8); /* LengthWritten @ 8 */
    return ODX_OK;
}

enum odx_status odx_winparse_write_output_encode(uint8_t *buf, size_t size,
                                                 const struct odx_winparse_write_output *in,
                                                 size_t *written)
{
    if (written)
        *written = 0;
    if (!buf || !in)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_WRITE_OUTPUT_SIZE)
        return ODX_E_TOO_BIG;
    put_u32(buf, ODX_WINPARSE_WRITE_OUTPUT_SIZE);
    put_u32(buf + 4, in->flags);
    put_u64(buf + 8, in->length_written);
    if (written)
        *written = ODX_WINPARSE_WRITE_OUTPUT_SIZE;
    return ODX_OK;
}

enum odx_status odx_winparse_property_query_encode(uint8_t *buf, size_t size, size_t *written)
{
    if (written)
        *written = 0;
    if (!buf)
        return ODX_E_INVAL;
    if (size < ODX_WINPARSE_PROPERTY_QUERY_SIZE)
        return ODX_E_TOO_BIG;
    /* STORAGE_PROPERTY_QUERY: PropertyId @ 0, QueryType @ 4, AdditionalParameters[1] @ 8,
     * padded to 12 (S3 winioctl.h; fact sheet 2.6). */
    memset(buf, 0, ODX_WINPARSE_PROPERTY_QUERY_SIZE);
    put_u32(buf, ODX_WINPARSE_PROPERTY_COPY_OFFLOAD);
    put_u32(buf + 4, ODX_WINPARSE_QUERY_STANDARD);
    if (written)
        *written = ODX_WINPARSE_PROPERTY_QUERY_SIZE;
    return ODX_OK;
}

/* ---- Building Filter Manager buffers ------------------------------------------- */

/*
 * UTF-8 to UTF-16LE. With dst NULL only measures. *bytes receives the UTF-16
 * byte count. Rejects overlong forms, surrogates and code points above
 * U+10FFFF (RFC 3629).
 */
static enum odx_status utf8_to_utf16(const char *s, uint8_t *dst, size_t *bytes)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t n = 0;

    while (*p) {
        uint32_t c = *p, min;
        size_t extra;
        if (c < 0x80u) {
            extra = 0;
            min = 0;
        } else if (c >= 0xC2u && c <= 0xDFu) {
            extra = 1;
            c &= 0x1Fu;
            min = 0x80u;
        } else if (c >= 0xE0u && c <= 0xEFu) {
            extra = 2;
            c &= 0x0Fu;
            min = 0x800u;
        } else if (c >= 0xF0u && c <= 0xF4u) {
            extra = 3;
            c &= 0x07u;
            min = 0x10000u;
        } else {
            return ODX_E_BAD_UTF8;
        }
        for (size_t i = 1; i <= extra; i++) {
            /* The NUL terminator is not a continuation byte, so this never reads past it. */
            if ((p[i] & 0xC0u) != 0x80u)
                return ODX_E_BAD_UTF8;
            c = (c << 6) | (p[i] & 0x3Fu);
        }
        if (c < min || c > 0x10FFFFu || (c >= 0xD800u && c <= 0xDFFFu))
            return ODX_E_BAD_UTF8;
        p += extra + 1;
        if (c < 0x10000u) {
            if (dst)
                put_u16(dst + n, (uint16_t)c);
            n += 2;
        } else {
            c -= 0x10000u;
            if (dst) {
                put_u16(dst + n, (uint16_t)(0xD800u + (c >> 10)));
                put_u16(dst + n + 2, (uint16_t)(0xDC00u + (c & 0x3FFu)));
            }
            n += 4;
        }
        if (n > 0xFFFEu)
            return ODX_E_RANGE; /* the length field is a USHORT */
    }
    *bytes = n;
    return ODX_OK;
}

/* A name to place after the fixed part: the (length, offset) fields sit at len_at / off_at;
 * off_at 0 means the name is inline right after the fixed part (volume records). */
struct name_field {
    const char *utf8;
    size_t len_at;
    size_t off_at;
};

/* head holds the fixed part (NextEntryOffset 0); names are appended in order. */
static enum odx_status build_entry(struct odx_winparse_builder *b, uint8_t *head, size_t fixed,
                                   const struct name_field *names, size_t n_names)
{
    size_t start, cursor = fixed, bytes[4];

    if (!b || !b->buf)
        return ODX_E_INVAL;
    if (b->size > ODX_WINPARSE_MAX_BUFFER)
        return ODX_E_TOO_BIG;
    for (size_t i = 0; i < n_names; i++) {
        enum odx_status st = utf8_to_utf16(names[i].utf8, NULL, &bytes[i]);
        if (st != ODX_OK)
            return st;
        put_u16(head + names[i].len_at, (uint16_t)bytes[i]);
        if (bytes[i] == 0)
            continue; /* an empty name has no data; its offset stays 0 */
        if (cursor > 0xFFFFu)
            return ODX_E_RANGE; /* the offset field is a USHORT */
        if (names[i].off_at)
            put_u16(head + names[i].off_at, (uint16_t)cursor);
        cursor += bytes[i];
    }
    /* Entries start 8-byte aligned (S1). used <= size <= ODX_WINPARSE_MAX_BUFFER. */
    start = b->count ? (b->used + 7u) & ~(size_t)7u : 0;
    if (start > b->size || cursor > b->size - start)
        return ODX_E_TOO_BIG;
    memset(b->buf + b->used, 0, start - b->used);
    memcpy(b->buf + start, head, fixed);
    cursor = fixed;
    for (size_t i = 0; i < n_names; i++) {
        size_t dummy;
        (void)utf8_to_utf16(names[i].utf8, b->buf + start + cursor, &dummy);
        cursor += bytes[i];
    }
    if (b->count)
        put_u32(b->buf + b->last, (uint32_t)(start - b->last));
    b->last = start;
    b->used = start + cursor;
    b->count++;
    return ODX_OK;
}

void odx_winparse_builder_init(struct odx_winparse_builder *b, uint8_t *buf, size_t size)
{
    b->buf = buf;
    b->size = size;
    b->used = 0;
    b->last = 0;
    b->count = 0;
}

static uint32_t kind_bits(enum odx_winparse_kind kind)
{
    return kind == ODX_WINPARSE_KIND_MINIFILTER ? 1u : 2u;
}

static bool kind_ok(enum odx_winparse_kind kind)
{
    return kind == ODX_WINPARSE_KIND_MINIFILTER || kind == ODX_WINPARSE_KIND_LEGACY;
}

enum odx_status odx_winparse_build_filter(struct odx_winparse_builder *b,
                                          const struct odx_winparse_filter *filter)
{
    uint8_t head[ODX_WINPARSE_FILTER_SIZE] = {0};
    struct name_field names[2];

    if (!filter || !kind_ok(filter->kind))
        return ODX_E_INVAL;
    put_u32(head + 4, (filter->flags & ~3u) | kind_bits(filter->kind));
    put_u32(head + 8, filter->arm_flags);
    if (filter->kind == ODX_WINPARSE_KIND_MINIFILTER) {
        put_u32(head + 12, filter->frame_id);
        put_u32(head + 16, filter->instance_count);
        names[0] = (struct name_field){filter->name, 20, 22};
        names[1] = (struct name_field){filter->altitude, 24, 26};
    } else {
        names[0] = (struct name_field){filter->name, 12, 14};
        names[1] = (struct name_field){filter->altitude, 16, 18};
    }
    return build_entry(b, head, sizeof head, names, 2);
}

enum odx_status odx_winparse_build_volume(struct odx_winparse_builder *b,
                                          const struct odx_winparse_volume *volume)
{
    uint8_t head[ODX_WINPARSE_VOLUME_SIZE] = {0};
    struct name_field name;

    if (!volume)
        return ODX_E_INVAL;
    put_u32(head + 4, volume->flags | (volume->detached ? 1u : 0u));
    put_u32(head + 8, volume->frame_id);
    put_u32(head + 12, volume->fs_type);
    name = (struct name_field){volume->name, 16, 0};
    return build_entry(b, head, sizeof head, &name, 1);
}

enum odx_status odx_winparse_build_instance(struct odx_winparse_builder *b,
                                            const struct odx_winparse_instance *instance)
{
    uint8_t head[ODX_WINPARSE_INSTANCE_SIZE] = {0};
    struct name_field names[4];
    size_t n = 0, fixed;
    const struct odx_winparse_instance *in = instance;

    if (!in || !kind_ok(in->kind))
        return ODX_E_INVAL;
    fixed = in->has_supported_features ? ODX_WINPARSE_INSTANCE_SIZE
                                       : ODX_WINPARSE_INSTANCE_SIZE_PREWIN8;
    put_u32(head + 4, (in->flags & ~3u) | kind_bits(in->kind));
    put_u32(head + 8, in->arm_flags | (in->detached ? 1u : 0u));
    if (in->kind == ODX_WINPARSE_KIND_MINIFILTER) {
        put_u32(head + 12, in->frame_id);
        put_u32(head + 16, in->fs_type);
        names[n++] = (struct name_field){in->instance_name, 20, 22};
        names[n++] = (struct name_field){in->altitude, 24, 26};
        names[n++] = (struct name_field){in->volume_name, 28, 30};
        names[n++] = (struct name_field){in->filter_name, 32, 34};
        if (in->has_supported_features)
            put_u32(head + 36, in->supported_features);
    } else {
        names[n++] = (struct name_field){in->altitude, 12, 14};
        names[n++] = (struct name_field){in->volume_name, 16, 18};
        names[n++] = (struct name_field){in->filter_name, 20, 22};
        if (in->has_supported_features)
            put_u32(head + 24, in->supported_features);
    }
    return build_entry(b, head, fixed, names, n);
}
