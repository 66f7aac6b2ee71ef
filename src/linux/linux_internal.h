/*
 * Linux back end, private interface: the observation parsers that the probe
 * (trial FICLONE / copy_file_range runs) builds on.
 *
 * Everything here is pure except the block-device walker, which reads a sysfs
 * tree below a root directory the caller names. Nothing prints, nothing exits,
 * nothing calls statx, ioctl or copy_file_range: that is the probe's job.
 *
 * Ownership rule: parameters are borrowed. A struct filled by a *_parse or
 * *_walk function owns its memory and is released with the matching *_cleanup;
 * pointers into it stay valid until then. Anything that points at a parsed
 * mount borrows it and must not outlive the struct odx_linux_mounts it came
 * from.
 */
#ifndef ODX_LINUX_INTERNAL_H
#define ODX_LINUX_INTERNAL_H

#include "odx/knowledge.h"
#include "odx/status.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- /proc/self/mountinfo ------------------------------------------------ */

/* Hard caps. The kernel writes no such limits; these keep hostile or runaway
 * input (a saved report, a container host with a mount storm) bounded. */
#define ODX_LINUX_MOUNTINFO_MAX_BYTES    ((size_t)16 << 20) /* whole text */
#define ODX_LINUX_MOUNTINFO_MAX_LINES    100000u
#define ODX_LINUX_MOUNTINFO_MAX_LINE     ((size_t)256 << 10) /* 500 overlay layers fit */
#define ODX_LINUX_MOUNTINFO_MAX_OPTS     2000000u            /* options over all mounts */
#define ODX_LINUX_MOUNT_MAX_OPTS         4096u               /* options of one mount, all lists */
#define ODX_LINUX_MOUNT_MAX_TAGS         8u  /* optional fields; the kernel writes <= 4 */
#define ODX_LINUX_MOUNTINFO_MAX_PROBLEMS 64u /* problems kept; all are counted */

/* One comma-separated option or optional field, unescaped. */
struct odx_linux_opt {
    const char *key;   /* never NULL, never empty */
    const char *value; /* after the first '=' (':' for optional fields); NULL when absent */
};

struct odx_linux_opts {
    const struct odx_linux_opt *items;
    size_t count;
};

/* One line of mountinfo (proc(5); fs/proc_namespace.c show_mountinfo). Strings are
 * NUL-terminated with the kernel's \ooo octal escapes decoded. */
struct odx_linux_mount {
    uint32_t mount_id;  /* field 1, <= INT32_MAX; equals statx stx_mnt_id (STATX_MNT_ID) */
    uint32_t parent_id; /* field 2; may name a mount outside this namespace view */
    uint32_t dev_major; /* field 3, st_dev of the superblock: 0:N for anonymous devices */
    uint32_t dev_minor;
    const char *root;        /* field 4: "/" or the bind / subvolume root ("/sub", "/sv") */
    const char *mount_point; /* field 5, absolute */
    struct odx_linux_opts mount_opts; /* field 6: per-mount options ("rw", "nosuid" ...) */
    struct odx_linux_opts tags;       /* optional fields: shared:N, master:N, unbindable */
    uint32_t shared_group;            /* N of shared:N; 0 when not shared */
    uint32_t master_group;            /* N of master:N; 0 when not a slave */
    const char *fstype;               /* "xfs"; "fuse" for "fuse.sshfs"; never empty */
    const char *subtype;              /* "sshfs" for "fuse.sshfs"; NULL when the type has no '.' */
    const char *source;               /* may be empty; "none" when the mounter gave none */
    struct odx_linux_opts super_opts; /* per-superblock options, first is "rw" or "ro" */
    bool read_only;                   /* "ro" among per-mount or superblock options */
    size_t line;                      /* 1-based line number in the parsed text */
};

/* A line that was skipped. */
struct odx_linux_mountinfo_problem {
    size_t line;            /* 1-based */
    enum odx_status status; /* ODX_E_MALFORMED, or ODX_E_TRUNCATED for a last line without '\n' */
    const char *what;       /* static English text naming the fault */
};

/* Private: one entry of the mount-id index. */
struct odx_linux_id_index {
    uint32_t mount_id;
    size_t index;
};

/* Parsed mountinfo. Owns every string and array it points to. */
struct odx_linux_mounts {
    struct odx_linux_mount *items; /* in file order */
    size_t count;
    struct odx_linux_mountinfo_problem problems[ODX_LINUX_MOUNTINFO_MAX_PROBLEMS];
    size_t problem_count; /* entries filled in problems[] */
    size_t problem_total; /* all problems, including those not kept */
    /* private */
    char *text_;
    struct odx_linux_opt *opt_store_;
    struct odx_linux_id_index *by_id_; /* sorted by mount_id, then file order */
};

/* Make *m empty; cleanup is then safe. */
void odx_linux_mounts_init(struct odx_linux_mounts *m);

/*
 * Parse the bytes of /proc/self/mountinfo (len bytes, no NUL needed) into *out,
 * which is reset on entry and filled only on success; release with
 * odx_linux_mounts_cleanup.
 *
 * A malformed line (missing " - " separator, a bad or overflowing number, too
 * many or too few fields, an empty field, a NUL byte, a line over
 * ODX_LINUX_MOUNTINFO_MAX_LINE, an escape that decodes to NUL or is not three
 * octal digits in root, mount point, type or source, a duplicated mount id)
 * is skipped and recorded in out->problems with its line number, and parsing
 * goes on: one odd file system must not hide every other mount. A last line
 * without '\n' is recorded as ODX_E_TRUNCATED and skipped, since its options
 * may be cut short. The caller decides whether problems are fatal.
 *
 * Returns ODX_OK; ODX_E_INVAL (NULL out, or NULL text with len > 0);
 * ODX_E_EMPTY (len 0); ODX_E_TOO_BIG (over the byte, line or option caps);
 * ODX_E_NOMEM.
 */
enum odx_status odx_linux_mounts_parse(struct odx_linux_mounts *out, const char *text, size_t len);

/* Free what *m owns and make it empty. NULL is fine. */
void odx_linux_mounts_cleanup(struct odx_linux_mounts *m);

/*
 * The mount whose mountinfo field 1 equals mnt_id, as statx(2) reports it in
 * stx_mnt_id when asked for STATX_MNT_ID (Linux 5.8). The ids of
 * STATX_MNT_ID_UNIQUE (Linux 6.8) belong to statmount(2) and do not match
 * mountinfo; they start above 2^31 (fs/namespace.c MNT_UNIQUE_ID_OFFSET)
 * while mountinfo ids are ints, so values over INT32_MAX find nothing.
 * NULL when absent.
 */
const struct odx_linux_mount *odx_linux_mounts_find_id(const struct odx_linux_mounts *m,
                                                       uint64_t mnt_id);

/*
 * The mount that holds abs_path according to mount points alone: the longest
 * mount point that is a prefix of the path on component boundaries
 * ("/srv/x" holds "/srv/x/y", not "/srv/xy"), skipping mounts that are
 * covered by another mount on the same point or hidden under a later mount
 * on one of their parent directories. "//" and "." components are ignored;
 * a ".." component, a relative path or one over PATH_MAX finds nothing, since
 * resolving it needs the file system. Symlinks are not followed: the probe
 * should pass realpath() results when it can. NULL when nothing matches.
 */
const struct odx_linux_mount *odx_linux_mounts_find_path(const struct odx_linux_mounts *m,
                                                         const char *abs_path);

/* The last option named key (mount options repeat; the last one counts), or NULL. */
const struct odx_linux_opt *odx_linux_opts_find(const struct odx_linux_opts *opts, const char *key);

/* ---- file-system knowledge and classification --------------------------- */

/*
 * The knowledge table is the core's (odx/knowledge.h, odx_fs_lookup): one
 * table for the back end and for the analysis of a saved report on any OS.
 * This lookup adds the FUSE subtype and never fails: the row for fstype
 * (and subtype, for "fuse.<subtype>" rows), or a static row named "unknown"
 * whose capabilities are ODX_FS_CAP_UNKNOWN.
 */
const struct odx_fs_info *odx_linux_fs_lookup(const char *fstype, const char *subtype);

/* A mount judged from mountinfo alone. */
struct odx_linux_mount_class {
    const struct odx_fs_info *fs; /* never NULL after classify */
    bool candidate;               /* worth probing: holds files */
    bool writable;                /* can be a copy destination */
    enum odx_fs_cap reflink;      /* fs->reflink_cap refined by this mount's options */
    enum odx_fs_cap copy_offload;
    const char *reason; /* static: why it is left out or how options changed the answer; NULL */
};

/* Classify m into *out (always filled; no failure). Options refine the table:
 * NFS needs vers=4.2, SMB1 (vers=1.0) has neither operation, ceph offloads
 * copy_file_range only with "copyfrom". */
void odx_linux_mount_classify(const struct odx_linux_mount *m, struct odx_linux_mount_class *out);

/* ---- overlayfs ----------------------------------------------------------- */

/* fs/overlayfs/params.h OVL_MAX_STACK. */
#define ODX_LINUX_OVL_MAX_LAYERS 500u

enum odx_linux_ovl_role {
    ODX_LINUX_OVL_UPPER,
    ODX_LINUX_OVL_WORK,
    ODX_LINUX_OVL_LOWER, /* merged lower layer, topmost first */
    ODX_LINUX_OVL_DATA,  /* data-only lower layer ("::" or datadir+) */
};

struct odx_linux_ovl_layer {
    enum odx_linux_ovl_role role;
    char *path; /* as overlayfs resolved it: octal and backslash escapes removed */
    const struct odx_linux_mount *mount; /* holder by odx_linux_mounts_find_path; NULL if unknown */
};

struct odx_linux_overlay {
    struct odx_linux_ovl_layer *layers; /* upper, work, lowers top-down, data layers */
    size_t count;
    size_t lower_count; /* merged lower layers */
    size_t data_count;  /* data-only layers */
    bool has_upper;
    bool is_volatile; /* "volatile": no sync to the upper fs */
    /* Values as shown, or NULL when the kernel left them out (module default). Borrowed
     * from the mount. */
    const char *metacopy;
    const char *redirect_dir;
    const char *index;
    const char *xino;
};

void odx_linux_overlay_init(struct odx_linux_overlay *ov);

/*
 * Read the layers of overlay mount m from its superblock options: lowerdir=
 * (':'-separated, "::" before data-only layers, '\' escaping ':' ',' and
 * itself, Documentation/filesystems/overlayfs.rst), or the lowerdir+= /
 * datadir+= form (Linux 6.8; one literal path each), upperdir=, workdir=.
 * Each layer is resolved with odx_linux_mounts_find_path when mounts is not
 * NULL, so an overlay on XFS shows its upper on the xfs mount. *out is reset
 * on entry and filled only on success; release with odx_linux_overlay_cleanup.
 *
 * Returns ODX_OK; ODX_E_INVAL (m not an overlay mount); ODX_E_MALFORMED (no
 * lower layer, empty layer, ":::", a leading or trailing ':', lowerdir mixed
 * with lowerdir+, upperdir without workdir); ODX_E_TOO_BIG (over
 * ODX_LINUX_OVL_MAX_LAYERS); ODX_E_NOMEM.
 */
enum odx_status odx_linux_overlay_parse(struct odx_linux_overlay *out,
                                        const struct odx_linux_mount *m,
                                        const struct odx_linux_mounts *mounts);

void odx_linux_overlay_cleanup(struct odx_linux_overlay *ov);

/* ---- block-device chain from sysfs --------------------------------------- */

#define ODX_LINUX_BLK_MAX_DEPTH  16u   /* dm over md over partition ... rarely passes 6 */
#define ODX_LINUX_BLK_MAX_LAYERS 256u  /* a VG over many PVs */
#define ODX_LINUX_BLK_MAX_SLAVES 4096u /* slaves/ entries read per device, then sorted */

enum odx_linux_blk_kind {
    ODX_LINUX_BLK_UNKNOWN = 0, /* could not be read */
    ODX_LINUX_BLK_DISK,        /* whole disk: vda, sda, nvme0n1 ... */
    ODX_LINUX_BLK_PARTITION,   /* has a "partition" attribute; the next layer is its disk */
    ODX_LINUX_BLK_LOOP,
    ODX_LINUX_BLK_ZRAM,
    ODX_LINUX_BLK_MD,               /* md/level tells raid0/raid1/... */
    ODX_LINUX_BLK_DM_CRYPT,         /* dm uuid "CRYPT-" (LUKS1/2, PLAIN, BITLK ...) */
    ODX_LINUX_BLK_DM_VERITY,        /* "CRYPT-VERITY-" */
    ODX_LINUX_BLK_DM_INTEGRITY,     /* "CRYPT-INTEGRITY-" */
    ODX_LINUX_BLK_DM_LVM,           /* "LVM-": a logical volume */
    ODX_LINUX_BLK_DM_LVM_THIN,      /* an LVM volume whose lower layer is a thin pool */
    ODX_LINUX_BLK_DM_LVM_THIN_POOL, /* "-tpool" layer, or its _tdata/_tmeta volumes */
    ODX_LINUX_BLK_DM_MULTIPATH,     /* "mpath-" */
    ODX_LINUX_BLK_DM_PARTITION,     /* "part<N>-": kpartx partition of a dm device */
    ODX_LINUX_BLK_DM_OTHER,         /* dm without a known uuid prefix */
};

struct odx_linux_blk_layer {
    enum odx_linux_blk_kind kind;
    char *name;     /* kernel name: "loop0", "dm-0", "sda1" */
    char *sys_path; /* device directory, relative to the sysfs root: "/devices/virtual/..." */
    uint32_t major, minor; /* from "dev"; 0:0 when unreadable */
    size_t depth;          /* 0 for the device the file system sits on */
    size_t parent;         /* index of the layer above; SIZE_MAX for the top */
    size_t same_as;        /* listed before at this index (shared or cyclic); else SIZE_MAX */
    bool read_only;        /* "ro" attribute is 1 */
    char *backing_file;    /* loop/backing_file without " (deleted)"; NULL otherwise */
    bool backing_deleted;  /* the kernel appended " (deleted)" */
    const struct odx_linux_mount *backing_mount; /* holder of backing_file, if mounts given */
    char *dm_name, *dm_uuid;                     /* dm/name, dm/uuid; NULL if not dm */
    char *md_level;                              /* md/level ("raid1"); NULL if not md */
    int read_errno; /* errno when the device, or the list of devices below it, could not be read */
    const char *read_api; /* the call that failed with read_errno (static), or NULL */
};

struct odx_linux_blk_chain {
    struct odx_linux_blk_layer *layers; /* depth-first from the top; a plain stack is a list */
    size_t count;
    bool truncated; /* a depth, layer or slave cap stopped the walk */
};

void odx_linux_blk_chain_init(struct odx_linux_blk_chain *c);

/*
 * Walk the block devices under major:minor from sys_root ("/sys" in
 * production; tests pass a fake tree): <sys_root>/dev/block/M:m, then
 * recursively the slaves/ of each device (dm, md) and the disk of each
 * partition, depth-first with slaves in name order, at most
 * ODX_LINUX_BLK_MAX_DEPTH deep. A device met twice (shared PV, or a cycle)
 * is listed again with same_as set and not followed. Loop backing files are
 * resolved against mounts when it is not NULL. *out is reset on entry and
 * filled only on success; release with odx_linux_blk_chain_cleanup.
 *
 * Returns ODX_OK; ODX_E_INVAL (NULL argument); ODX_E_NOT_FOUND (no such
 * device: 0:N anonymous devices of btrfs, tmpfs, overlay, FUSE have none);
 * ODX_E_OS (the top device could not be read; *os_errno, when not NULL, gets
 * errno); ODX_E_MALFORMED (its "dev" is not M:m, or an attribute holds a
 * NUL); ODX_E_TOO_BIG (a path over PATH_MAX, an attribute over 8 KiB);
 * ODX_E_NOMEM. Lower layers that cannot be read or make no sense are listed
 * as ODX_LINUX_BLK_UNKNOWN with read_errno, not failed.
 */
enum odx_status odx_linux_blk_chain_walk(struct odx_linux_blk_chain *out, const char *sys_root,
                                         uint32_t major, uint32_t minor,
                                         const struct odx_linux_mounts *mounts, int *os_errno);

/* As odx_linux_blk_chain_walk, starting at <sys_root>/class/block/<kname>: for a
 * btrfs mount whose source is /dev/loop2, kname "loop2". */
enum odx_status odx_linux_blk_chain_walk_name(struct odx_linux_blk_chain *out, const char *sys_root,
                                              const char *kname,
                                              const struct odx_linux_mounts *mounts, int *os_errno);

void odx_linux_blk_chain_cleanup(struct odx_linux_blk_chain *c);

/* Static English name of a kind: "loop", "dm-crypt", "lvm-thin-pool" ... */
const char *odx_linux_blk_kind_name(enum odx_linux_blk_kind kind);

/* ---- FIEMAP -------------------------------------------------------------- */

/* include/uapi/linux/fiemap.h; the test checks these against the system header. */
#define ODX_LINUX_FIEMAP_EXTENT_LAST        0x00000001u
#define ODX_LINUX_FIEMAP_EXTENT_UNKNOWN     0x00000002u
#define ODX_LINUX_FIEMAP_EXTENT_DELALLOC    0x00000004u
#define ODX_LINUX_FIEMAP_EXTENT_ENCODED     0x00000008u
#define ODX_LINUX_FIEMAP_EXTENT_NOT_ALIGNED 0x00000100u
#define ODX_LINUX_FIEMAP_EXTENT_DATA_INLINE 0x00000200u
#define ODX_LINUX_FIEMAP_EXTENT_DATA_TAIL   0x00000400u
#define ODX_LINUX_FIEMAP_EXTENT_UNWRITTEN   0x00000800u
#define ODX_LINUX_FIEMAP_EXTENT_SHARED      0x00002000u

#define ODX_LINUX_FIEMAP_MAX_EXTENTS 1000000u

/* The fields of struct fiemap_extent that matter, in bytes. */
struct odx_linux_fiemap_extent {
    uint64_t logical;
    uint64_t physical;
    uint64_t length;
    uint32_t flags;
};

enum odx_linux_share {
    ODX_LINUX_SHARE_EMPTY = 0, /* no data bytes in the map (empty or all holes) */
    ODX_LINUX_SHARE_NONE,      /* data bytes known, none shared: a byte copy */
    ODX_LINUX_SHARE_SOME,
    ODX_LINUX_SHARE_ALL,           /* every data byte shared: a reflink or offload */
    ODX_LINUX_SHARE_INDETERMINATE, /* data bytes exist but none can be judged */
};

struct odx_linux_share_result {
    enum odx_linux_share verdict;
    uint64_t shared_bytes;   /* SHARED, location known */
    uint64_t unshared_bytes; /* not SHARED, location known, or DELALLOC */
    uint64_t unknown_bytes;  /* UNKNOWN without DELALLOC: location not known yet */
    uint64_t inline_bytes;   /* DATA_INLINE / DATA_TAIL: kept with metadata, never shared */
    bool saw_last;           /* an extent carried FIEMAP_EXTENT_LAST */
    bool complete;           /* saw_last, or the extents reach file_size */
};

/*
 * Say how much of a file's data is in SHARED extents (FIEMAP_EXTENT_SHARED,
 * Documentation/filesystems/fiemap.rst), counting only bytes below file_size
 * (preallocation past EOF is not data). Holes are not data. DELALLOC bytes
 * count as unshared: only buffered writes create them, never a reflink (pass
 * FIEMAP_FLAG_SYNC to avoid them). UNKNOWN bytes without DELALLOC cannot be
 * judged. INLINE/TAIL bytes live with metadata and are left out of the
 * verdict. ENCODED and UNWRITTEN extents count like any other. ALL needs a
 * complete map: one without FIEMAP_EXTENT_LAST that stops before file_size
 * may have been cut short by the caller's extent count, and is SOME at best.
 *
 * Extents must be in ascending logical order without overlap. *out is reset
 * on entry and filled only on success. Returns ODX_OK; ODX_E_INVAL (NULL out,
 * or NULL extents with count > 0); ODX_E_TOO_BIG (count over
 * ODX_LINUX_FIEMAP_MAX_EXTENTS); ODX_E_RANGE (logical + length overflows);
 * ODX_E_MALFORMED (out of order or overlapping).
 */
enum odx_status odx_linux_fiemap_assess(const struct odx_linux_fiemap_extent *extents, size_t count,
                                        uint64_t file_size, struct odx_linux_share_result *out);

#endif
