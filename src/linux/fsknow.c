/*
 * What each file-system type can do for a copy, as far as its type and mount
 * options tell, and which mounts are not places for files at all.
 *
 * This is prior knowledge only. The probe's trial FICLONE and
 * copy_file_range are the evidence; the table explains their outcome and
 * says where a trial is pointless. Sources, per row or group:
 *  - Reflink is the file_operations->remap_file_range hook
 *    (Documentation/filesystems/vfs.rst), reached by FICLONE/FICLONERANGE
 *    (ioctl_ficlone(2), FICLONE(2const)): EOPNOTSUPP where a type lacks it.
 *  - copy_file_range(2): "gives filesystems an opportunity to implement copy
 *    acceleration techniques, such as the use of reflinks ... or server-side
 *    copy". vfs_copy_file_range (fs/read_write.c) tries remap_file_range
 *    first when both files share a superblock, so every reflink type
 *    offloads it there; without a ->copy_file_range of its own a type gets
 *    the in-kernel splice copy, which succeeds but copies bytes.
 *  - The mainline file_operations tables: remap_file_range is set by btrfs,
 *    xfs, ocfs2, nfs (v4.2), cifs and overlayfs; not by ext4, f2fs, ntfs3,
 *    exfat, fat, tmpfs (mm/shmem.c), fuse, ceph, ecryptfs or gfs2.
 */
#include "linux_internal.h"

#include <string.h>

#define NO      ODX_LINUX_CAP_NO
#define YES     ODX_LINUX_CAP_YES
#define FEATURE ODX_LINUX_CAP_FEATURE
#define SERVER  ODX_LINUX_CAP_SERVER
#define DAEMON  ODX_LINUX_CAP_DAEMON
#define LAYER   ODX_LINUX_CAP_LAYER

/* Pseudo file systems: kernel interfaces, not storage (proc(5), sysfs(5), cgroups(7),
 * Documentation/filesystems/). Rows: name, pseudo, network, reflink, copy offload, note. */
#define PSEUDO(n, why)                                                                             \
    {                                                                                              \
        n, true, false, NO, NO, why                                                                \
    }

static const struct odx_linux_fs_info table[] = {
    /* Local file systems with reflink. */
    {"xfs", false, false, FEATURE, FEATURE,
     "reflink needs the reflink=1 on-disk feature (mkfs.xfs default since xfsprogs 5.1); "
     "mountinfo does not show it, xfs_info does"},
    {"btrfs", false, false, YES, YES, "reflink always; subvolume mounts of one fs share it"},
    {"bcachefs", false, false, YES, YES,
     "reflink always; maintained out of tree in recent kernels"},
    {"ocfs2", false, false, FEATURE, FEATURE,
     "reflink needs the refcount feature (mkfs.ocfs2 --fs-features=refcount)"},
    {"zfs", false, false, FEATURE, FEATURE,
     "OpenZFS 2.2+ block cloning (feature@block_cloning, zfs_bclone_enabled); out of tree"},
    /* Local file systems without it: copy_file_range is an in-kernel byte copy. */
    {"ext4", false, false, NO, NO, "no reflink; copy_file_range copies bytes in the kernel"},
    {"ext3", false, false, NO, NO, "no reflink (ext4 driver)"},
    {"ext2", false, false, NO, NO, "no reflink (ext4 driver)"},
    {"f2fs", false, false, NO, NO, "no reflink"},
    {"vfat", false, false, NO, NO, "no reflink"},
    {"msdos", false, false, NO, NO, "no reflink"},
    {"exfat", false, false, NO, NO, "no reflink"},
    {"ntfs3", false, false, NO, NO, "no reflink (no remap_file_range in fs/ntfs3)"},
    {"ntfs", false, false, NO, NO, "no reflink"},
    {"hfsplus", false, false, NO, NO, "no reflink"},
    {"jfs", false, false, NO, NO, "no reflink"},
    {"reiserfs", false, false, NO, NO, "no reflink"},
    {"nilfs2", false, false, NO, NO, "no reflink"},
    {"udf", false, false, NO, NO, "no reflink"},
    {"gfs2", false, false, NO, NO, "cluster file system without reflink"},
    {"tmpfs", false, false, NO, NO, "memory-backed; no reflink, no FIEMAP"},
    {"ramfs", false, false, NO, NO, "memory-backed; no reflink, no FIEMAP"},
    {"rootfs", false, false, NO, NO, "initramfs root (tmpfs or ramfs)"},
    /* Read-only images: a source at most. */
    {"squashfs", false, false, NO, NO, "read-only image; no reflink, no FIEMAP"},
    {"erofs", false, false, NO, NO, "read-only image; no reflink"},
    {"iso9660", false, false, NO, NO, "read-only image"},
    {"cramfs", false, false, NO, NO, "read-only image"},
    {"romfs", false, false, NO, NO, "read-only image"},
    /* Stacking file systems. */
    {"overlay", false, false, LAYER, LAYER,
     "passes FICLONE and copy_file_range to the upper layer's file system "
     "(fs/overlayfs/file.c); see its upperdir"},
    {"ecryptfs", false, false, NO, NO,
     "stacked encryption: no remap_file_range or copy_file_range, every copy re-encrypts"},
    {"fuse", false, false, NO, DAEMON,
     "FUSE has no remap_file_range (FICLONE fails EOPNOTSUPP); copy_file_range reaches the "
     "daemon as FUSE_COPY_FILE_RANGE (protocol 7.28) and falls back to a kernel byte copy"},
    {"fuseblk", false, false, NO, DAEMON, "FUSE on a block device (ntfs-3g, exfat-fuse)"},
    {"virtiofs", false, false, NO, DAEMON,
     "FUSE protocol to the host's virtiofsd; copy_file_range offload if the daemon has it"},
    /* FUSE daemons worth naming (mountinfo type "fuse.<subtype>"). */
    {"fuse.fuse-overlayfs", false, false, NO, DAEMON,
     "fuse-overlayfs passes copy_file_range to the upper directory's file system"},
    {"fuse.squashfuse", false, false, NO, NO, "read-only image through FUSE"},
    {"fuse.sshfs", false, true, NO, DAEMON,
     "SFTP; copy offload only if sshfs and the server support a copy extension"},
    {"fuse.glusterfs", false, true, NO, DAEMON, "GlusterFS client"},
    {"fuse.ceph-fuse", false, true, NO, DAEMON, "Ceph FUSE client"},
    {"fuse.s3fs", false, true, NO, DAEMON, "object store through FUSE"},
    {"fuse.rclone", false, true, NO, DAEMON, "object or cloud store through FUSE"},
    {"fuse.gcsfuse", false, true, NO, DAEMON, "object store through FUSE"},
    {"fuse.lxcfs", true, false, NO, NO, "container view of /proc and /sys files"},
    /* Network file systems. */
    {"nfs", false, true, SERVER, SERVER,
     "NFS 4.2 only: CLONE for reflink, COPY for server-side copy (RFC 7862); needs "
     "server support"},
    {"nfs4", false, true, SERVER, SERVER,
     "NFS 4.2 only: CLONE for reflink, COPY for server-side copy (RFC 7862); needs "
     "server support"},
    {"cifs", false, true, SERVER, SERVER,
     "SMB2+: FSCTL_DUPLICATE_EXTENTS_TO_FILE for reflink (ReFS, Samba on btrfs), "
     "FSCTL_SRV_COPYCHUNK_WRITE for copy_file_range"},
    {"smb3", false, true, SERVER, SERVER,
     "SMB3: FSCTL_DUPLICATE_EXTENTS_TO_FILE for reflink, FSCTL_SRV_COPYCHUNK_WRITE for "
     "copy_file_range"},
    {"ceph", false, true, NO, FEATURE,
     "copy_file_range uses RADOS copy-from only with the copyfrom mount option "
     "(default nocopyfrom, Documentation/filesystems/ceph.rst)"},
    {"9p", false, true, NO, NO, "no reflink or copy offload"},
    {"afs", false, true, NO, NO, "no reflink or copy offload"},
    {"smbfs", false, true, NO, NO, "obsolete SMB1 client"},
    /* Not places for files. devtmpfs holds device nodes only; autofs is a trigger whose real
     * file system is mounted on top; hugetlbfs files are mmap-only, write(2) fails. */
    PSEUDO("proc", "process information pseudo file system"),
    PSEUDO("sysfs", "kernel object pseudo file system"),
    PSEUDO("cgroup", "control group v1 hierarchy"),
    PSEUDO("cgroup2", "control group v2 hierarchy"),
    PSEUDO("cpuset", "legacy cpuset cgroup hierarchy"),
    PSEUDO("devpts", "pseudo-terminal devices"),
    PSEUDO("devtmpfs", "device nodes only"),
    PSEUDO("mqueue", "POSIX message queues"),
    PSEUDO("debugfs", "kernel debugging interface"),
    PSEUDO("tracefs", "kernel tracing interface"),
    PSEUDO("securityfs", "security module interface"),
    PSEUDO("pstore", "persistent crash records"),
    PSEUDO("bpf", "pinned BPF objects"),
    PSEUDO("configfs", "kernel object configuration"),
    PSEUDO("fusectl", "FUSE connection control"),
    PSEUDO("hugetlbfs", "huge-page mappings; write(2) is not supported"),
    PSEUDO("binfmt_misc", "binary format registrations"),
    PSEUDO("autofs", "automount trigger; the real mount goes on top"),
    PSEUDO("efivarfs", "UEFI variables"),
    PSEUDO("nsfs", "namespace handles"),
    PSEUDO("rpc_pipefs", "NFS RPC pipes"),
    PSEUDO("nfsd", "NFS server control"),
    PSEUDO("selinuxfs", "SELinux interface"),
    PSEUDO("smackfs", "Smack interface"),
    PSEUDO("binder", "Android binder devices"),
    PSEUDO("resctrl", "resource control interface"),
};

static const struct odx_linux_fs_info unknown_fs = {
    "unknown",
    false,
    false,
    ODX_LINUX_CAP_UNKNOWN,
    ODX_LINUX_CAP_UNKNOWN,
    "type not in the table; only a trial copy tells",
};

static const struct odx_linux_fs_info *find_row(const char *name, size_t n)
{
    size_t i;
    for (i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (strlen(table[i].name) == n && strncmp(table[i].name, name, n) == 0)
            return &table[i];
    }
    return NULL;
}

const struct odx_linux_fs_info *odx_linux_fs_lookup(const char *fstype, const char *subtype)
{
    const struct odx_linux_fs_info *row;
    if (!fstype)
        return &unknown_fs;
    if (subtype && (strcmp(fstype, "fuse") == 0 || strcmp(fstype, "fuseblk") == 0)) {
        char full[128];
        size_t a = strlen("fuse"), b = strlen(subtype);
        /* Subtype rows are spelt "fuse.<subtype>" whether the type is fuse or fuseblk. */
        if (a + 1u + b < sizeof(full)) {
            memcpy(full, "fuse.", a + 1u);
            memcpy(full + a + 1u, subtype, b);
            row = find_row(full, a + 1u + b);
            if (row)
                return row;
        }
    }
    row = find_row(fstype, strlen(fstype));
    return row ? row : &unknown_fs;
}

/* Options that change the answer for this mount. */
static void refine(const struct odx_linux_mount *m, struct odx_linux_mount_class *c)
{
    const char *t = m->fstype;
    const struct odx_linux_opt *o;

    if (strcmp(t, "nfs") == 0 || strcmp(t, "nfs4") == 0) {
        /* CLONE and COPY are NFSv4.2 operations (RFC 7862); the client shows vers=. */
        o = odx_linux_opts_find(&m->super_opts, "vers");
        if (o && o->value && strcmp(o->value, "4.2") != 0) {
            c->reflink = NO;
            c->copy_offload = NO;
            c->reason = "NFS before 4.2 has neither CLONE nor COPY";
        }
    } else if (strcmp(t, "cifs") == 0 || strcmp(t, "smb3") == 0) {
        /* Duplicate-extents and copychunk are SMB2 FSCTLs; the SMB1 dialect has neither. */
        o = odx_linux_opts_find(&m->super_opts, "vers");
        if (o && o->value && strcmp(o->value, "1.0") == 0) {
            c->reflink = NO;
            c->copy_offload = NO;
            c->reason = "SMB1 (vers=1.0) has no duplicate-extents or copychunk";
        }
    } else if (strcmp(t, "ceph") == 0) {
        /* ceph_show_options() prints ",copyfrom" only when enabled. */
        if (odx_linux_opts_find(&m->super_opts, "copyfrom")) {
            c->copy_offload = YES;
            c->reason = "copyfrom: copy_file_range uses RADOS copy-from";
        } else {
            c->copy_offload = NO;
            c->reason = "nocopyfrom (default): copy_file_range copies through the client";
        }
    }
}

void odx_linux_mount_classify(const struct odx_linux_mount *m, struct odx_linux_mount_class *out)
{
    memset(out, 0, sizeof(*out));
    if (!m) {
        out->fs = &unknown_fs;
        return;
    }
    out->fs = odx_linux_fs_lookup(m->fstype, m->subtype);
    out->reflink = out->fs->reflink;
    out->copy_offload = out->fs->copy_offload;
    if (out->fs->pseudo) {
        out->reason = "pseudo file system: not a place for files";
        return;
    }
    out->candidate = true;
    out->writable = !m->read_only;
    refine(m, out);
    if (m->read_only)
        out->reason = "read-only mount: a copy source only";
}
