/*
 * Knowledge of filters and file systems: Filter Manager load-order groups by
 * altitude, Microsoft's own filters, and which Linux file systems can share
 * extents. Constant tables in our own words; the sources are named per table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "odx/knowledge.h"

/*
 * Load-order groups, top of the stack first. Ranges from "Load order groups
 * and altitudes for minifilter drivers" (learn.microsoft.com, ms.date
 * 2025-04-24) [S20]; the groups marked (S21) appear only in "Allocated filter
 * altitudes" (ms.date 2025-10-28) [S21]. Where S21's upper bound differs
 * (…998 instead of …999) we keep S20's wider range.
 */
static const struct odx_altitude_group groups[] = {
    {"Filter", 420000, 429999},
    {"FSFilter Top", 400000, 409999},
    {"FSFilter Security Monitor", 392000, 394999}, /* (S21) */
    {"FSFilter Activity Monitor", 360000, 389999},
    {"FSFilter Undelete", 340000, 349999},
    {"FSFilter Anti-Virus", 320000, 329999},
    {"FSFilter Replication", 300000, 309999},
    {"FSFilter Continuous Backup", 280000, 289999},
    {"FSFilter Security Content Screener", 272000, 274999}, /* (S21) */
    {"FSFilter Content Screener", 260000, 269999},
    {"FSFilter Quota Management", 240000, 249999},
    {"FSFilter System Recovery", 220000, 229999},
    {"FSFilter Cluster File System", 200000, 209999},
    {"FSFilter HSM", 180000, 189999},
    {"FSFilter Imaging", 170000, 175000}, /* S21 says 174999 */
    {"FSFilter Compression", 160000, 169999},
    {"FSFilter Encryption", 140000, 149999},
    {"FSFilter Virtualization", 130000, 139999},
    {"FSFilter Physical Quota Management", 120000, 129999},
    {"FSFilter Open File", 100000, 109999},
    {"FSFilter Security Enhancer", 80000, 89999},
    {"FSFilter Copy Protection", 60000, 69999},
    {"FSFilter Security Bottom", 52000, 54999}, /* (S21) */
    {"FSFilter Bottom", 40000, 49999},
    {"FSFilter System", 20000, 29999},
    {"FSFilter Infrastructure", 0, 19999},
};

#define N_GROUPS (sizeof(groups) / sizeof(groups[0]))

const struct odx_altitude_group *odx_altitude_group_at(size_t i)
{
    return i < N_GROUPS ? &groups[i] : NULL;
}

/* Integer part of a decimal altitude; false when the text is not a decimal number. */
static bool altitude_int(const char *s, uint32_t *out)
{
    uint64_t v = 0;
    size_t i = 0;
    if (!s || !(s[0] >= '0' && s[0] <= '9'))
        return false;
    for (; s[i] >= '0' && s[i] <= '9'; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > 0xFFFFFFFFu)
            return false;
    }
    if (s[i] == '.') {
        i++;
        while (s[i] >= '0' && s[i] <= '9')
            i++;
    }
    if (s[i] != '\0')
        return false;
    *out = (uint32_t)v;
    return true;
}

const struct odx_altitude_group *odx_altitude_group_of(const char *altitude)
{
    uint32_t v;
    size_t i;
    if (!altitude_int(altitude, &v))
        return NULL;
    for (i = 0; i < N_GROUPS; i++)
        if (v >= groups[i].low && v <= groups[i].high)
            return &groups[i];
    return NULL;
}

/*
 * Altitudes are decimal strings of any precision [S20], so compare them as
 * text: integer parts by length then digits, fractions digit by digit.
 */
int odx_altitude_cmp(const char *a, const char *b)
{
    uint32_t ia, ib;
    bool va = altitude_int(a, &ia), vb = altitude_int(b, &ib);
    const char *fa, *fb;
    size_t la, lb;
    int c;
    if (!va || !vb)
        return (int)va - (int)vb;
    while (*a == '0' && a[1] >= '0' && a[1] <= '9')
        a++;
    while (*b == '0' && b[1] >= '0' && b[1] <= '9')
        b++;
    la = strcspn(a, ".");
    lb = strcspn(b, ".");
    if (la != lb)
        return la < lb ? -1 : 1;
    c = strncmp(a, b, la);
    if (c)
        return c < 0 ? -1 : 1;
    fa = a[la] == '.' ? a + la + 1 : "";
    fb = b[lb] == '.' ? b + lb + 1 : "";
    for (;;) {
        char ca = *fa ? *fa++ : '0', cb = *fb ? *fb++ : '0';
        if (ca != cb)
            return ca < cb ? -1 : 1;
        if (!*fa && !*fb)
            return 0;
    }
}

const char odx_known_filters_source[] =
    "Allocated filter altitudes, learn.microsoft.com/windows-hardware/drivers/ifs/"
    "allocated-altitudes (ms.date 2025-10-28), entries of Company Microsoft";

/*
 * Microsoft's filters. Names as fltmc shows them (the service name), image
 * and altitude from the allocated-altitudes list [S21]. A purpose is stated
 * only where a Microsoft page states it; "Likely:" marks one read from the
 * name. odx_note holds SupportedFeatures values seen in published captures
 * (field observations, not specifications).
 */
static const struct odx_known_filter known[] = {
    {"bindflt", "bindflt.sys", "409800", "Bind Filter (bind links)", NULL},
    {"CldFlt", "cldflt.sys", "180451",
     "Likely: cloud files (sync engines such as OneDrive); also allocated 409500", NULL},
    {"csvflt", "csvflt.sys", "404800", "Likely: Cluster Shared Volumes", NULL},
    {"csvnsflt", "csvnsflt.sys", "404900", "Likely: Cluster Shared Volumes namespace", NULL},
    {"Dedup", "dedup.sys", "180450", "Data Deduplication",
     "Deduplicated files cannot be offloaded; Server 2012 R2 guidance lists Data "
     "Deduplication as not supporting ODX [S15, S5]"},
    {"dfs", "dfs.sys", "405000", "Likely: DFS Namespace", NULL},
    {"DfsrRo", "DfsrRo.sys", "261100", "Likely: DFS Replication read-only folders", NULL},
    {"Dfsrflt", "dfsrflt.sys", "180500", "Likely: DFS Replication", NULL},
    {"FileCrypt", "filecrypt.sys", "141100", "Likely: file encryption", NULL},
    {"FileInfo", "fileinfo.sys", "40500",
     "File information filter (live systems show 40500; 360500.5 is allocated for a new one)",
     "SprtFtrs 0x0000000f seen in published captures"},
    {"FsDepends", "fsdepends.sys", "407000", "Likely: file system dependencies (VHD)",
     "SprtFtrs 0x0000000f seen in a published capture"},
    {"gameflt", "gameflt.sys", "189750", "Likely: games (a live system shows 189850)",
     "SprtFtrs 0x0000000b seen (no QUERY_OPEN): offload read and write declared"},
    {"hsmflt", "hsmflt.sys", "180600", "Likely: hierarchical storage management", NULL},
    {"iorate", "iorate.sys", "409010", "Likely: I/O rate control", NULL},
    {"ioqos", "ioqos.sys", "409000", "Likely: I/O quality of service", NULL},
    {"luafv", "luafv.sys", "135000", "UAC file virtualization", NULL},
    {"MpFilter", "mpFilter.sys", "328000", "Likely: older Microsoft anti-malware", NULL},
    {"MsNfsFlt", "msnfsflt.sys", "364000", "Likely: NFS server", NULL},
    {"MsSecFlt", "mssecflt.sys", "385600", "Likely: Microsoft security events", NULL},
    {"npsvctrig", "npsvctrig.sys", "46000", "Attaches to \\Device\\NamedPipe only",
     "SprtFtrs 0x8 (BypassIO only) seen; harmless: named-pipe volumes hold no files to "
     "offload"},
    {"PrjFlt", "prjflt.sys", "189800", "Likely: projected file system (ProjFS)", NULL},
    {"ResumeKeyFilter", "ResumeKeyFilter.sys", "202000", "Likely: SMB resume keys", NULL},
    {"rsfxdrv", "rsfxdrv.sys", "41000", "Likely: SQL Server FILESTREAM", NULL},
    {"RsFx0603", "RsFx0603.sys", "41006.03", "SQL Server FILESTREAM (seen at 41006.03)",
     "SprtFtrs 0x00000000 seen in a Microsoft support article: blocks offload on every volume "
     "it attaches to"},
    {"StorageSync", "StorageSync.sys", "180460", "Likely: Azure File Sync", NULL},
    {"storqosflt", "storqosflt.sys", "244000", "Likely: storage QoS", NULL},
    {"svhdxflt", "svhdxflt.sys", "135100", "Likely: shared VHDX", NULL},
    {"UCPD", "UCPD.sys", "385250.5", "Likely: user choice protection", NULL},
    {"wcifs", "wcifs.sys", "189900", "Windows container isolation", NULL},
    {"wcnfs", "wcnfs.sys", "409900", "Likely: container name virtualization", NULL},
    {"WdFilter", "WdFilter.sys", "328010", "Microsoft Defender Antivirus",
     "SprtFtrs 0x0000000f seen in published captures"},
    {"wimmount", "wimmount.sys", "180700", "Likely: WIM mount", NULL},
    {"WinSetupMon", "WinSetupMon.sys", "345102", "Likely: Windows setup (also 40300)", NULL},
    {"Wof", "wof.sys", "40700", "Windows Overlay Filter",
     "SprtFtrs 0x0000000f seen in published captures"},
    {"wtd", "wtd.sys", "385110", "Likely: threat detection", NULL},
    {"AppvVfs", "AppvVfs.sys", "404700", "Likely: App-V virtual file system", NULL},
    {"bfs", "BFS.sys", "100010", "Likely: brokering file system (a live system shows 150000)",
     NULL},
    {"defilter", "defilter.sys", "40900", "Purpose not documented", NULL},
    {"wofadk", "wofadk.sys", "40730", "Likely: Windows Overlay Filter for the ADK", NULL},
};

#define N_KNOWN (sizeof(known) / sizeof(known[0]))

const struct odx_known_filter *odx_known_filter_at(size_t i)
{
    return i < N_KNOWN ? &known[i] : NULL;
}

static bool equal_nocase(const char *a, const char *b, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
        if (ca >= 'A' && ca <= 'Z')
            ca += 'a' - 'A';
        if (cb >= 'A' && cb <= 'Z')
            cb += 'a' - 'A';
        if (ca != cb)
            return false;
    }
    return true;
}

const struct odx_known_filter *odx_known_filter_lookup(const char *name)
{
    size_t i, len;
    if (!name)
        return NULL;
    len = strlen(name);
    /* "WdFilter.sys" and "WdFilter" name the same driver. */
    if (len > 4 && equal_nocase(name + len - 4, ".sys", 4))
        len -= 4;
    for (i = 0; i < N_KNOWN; i++) {
        size_t ilen = strlen(known[i].image) - 4;
        if ((strlen(known[i].name) == len && equal_nocase(known[i].name, name, len)) ||
            (ilen == len && equal_nocase(known[i].image, name, len)))
            return &known[i];
    }
    return NULL;
}

/*
 * Linux file systems and copy offload: the one table that the analysis and
 * the Linux back end share. Sources, per row or group:
 *  - Reflink is the file_operations->remap_file_range hook
 *    (Documentation/filesystems/vfs.rst), reached by FICLONE/FICLONERANGE
 *    (ioctl_ficlone(2)): EOPNOTSUPP where a type lacks it. The mainline
 *    tables set it in btrfs, xfs, ocfs2, nfs (v4.2), cifs and overlayfs; not
 *    in ext4, f2fs, ntfs3, exfat, fat, tmpfs (mm/shmem.c), fuse, ceph,
 *    ecryptfs or gfs2.
 *  - copy_file_range(2) "gives filesystems an opportunity to implement copy
 *    acceleration techniques, such as the use of reflinks ... or server-side
 *    copy". vfs_copy_file_range (fs/read_write.c) tries remap_file_range
 *    first within one superblock; without a ->copy_file_range of its own a
 *    type gets the in-kernel splice copy, which succeeds but copies bytes.
 *  - mkfs.xfs(8): -m reflink=1, the default since xfsprogs 5.1; RFC 7862 for
 *    NFS 4.2 CLONE and COPY; Documentation/filesystems/ceph.rst for copyfrom.
 *  - Pseudo file systems: proc(5), sysfs(5), cgroups(7) and
 *    Documentation/filesystems/. devtmpfs holds device nodes only; autofs is
 *    a trigger whose real file system is mounted on top; hugetlbfs files are
 *    mmap-only.
 */
/* type, reflink, copy_file_range offload, network, stacking, note */
#define FS(t, rl, co, net, stk, note)                                                              \
    {                                                                                              \
        t, net, stk, note, false, ODX_FS_CAP_##rl, ODX_FS_CAP_##co                                 \
    }
#define PSEUDO(t, note)                                                                            \
    {                                                                                              \
        t, false, false, note, true, ODX_FS_CAP_NO, ODX_FS_CAP_NO                                  \
    }

static const struct odx_fs_info fs_table[] = {
    /* Local file systems with reflink. */
    FS("xfs", FEATURE, FEATURE, false, false,
       "shares extents only when formatted with reflink=1 (mkfs.xfs -m reflink=1, the default "
       "since xfsprogs 5.1); mountinfo does not show it, xfs_info does"),
    FS("btrfs", YES, YES, false, false,
       "shares extents (reflink) within one file system; subvolume mounts of it share too"),
    FS("bcachefs", YES, YES, false, false, "shares extents (reflink)"),
    FS("ocfs2", FEATURE, FEATURE, false, false,
       "shares extents only with the refcount feature (mkfs.ocfs2 --fs-features=refcount)"),
    FS("zfs", FEATURE, FEATURE, false, false,
       "OpenZFS 2.2 and later clone blocks when block cloning is enabled "
       "(feature@block_cloning, zfs_bclone_enabled)"),
    /* Local file systems without it: copy_file_range is an in-kernel byte copy. */
    FS("ext4", NO, NO, false, false,
       "no reflink: copies always move the bytes (copy_file_range copies in the kernel)"),
    FS("ext3", NO, NO, false, false, "no reflink (ext4 driver)"),
    FS("ext2", NO, NO, false, false, "no reflink (ext4 driver)"),
    FS("f2fs", NO, NO, false, false, "no reflink"),
    FS("vfat", NO, NO, false, false, "no reflink"),
    FS("msdos", NO, NO, false, false, "no reflink"),
    FS("exfat", NO, NO, false, false, "no reflink"),
    FS("ntfs3", NO, NO, false, false, "no reflink (no remap_file_range in fs/ntfs3)"),
    FS("ntfs", NO, NO, false, false, "no reflink"),
    FS("hfsplus", NO, NO, false, false, "no reflink"),
    FS("jfs", NO, NO, false, false, "no reflink"),
    FS("reiserfs", NO, NO, false, false, "no reflink"),
    FS("nilfs2", NO, NO, false, false, "no reflink"),
    FS("udf", NO, NO, false, false, "no reflink"),
    FS("gfs2", NO, NO, false, false, "cluster file system without reflink"),
    FS("tmpfs", NO, NO, false, false, "memory-backed: no reflink, no FIEMAP"),
    FS("ramfs", NO, NO, false, false, "memory-backed: no reflink, no FIEMAP"),
    FS("rootfs", NO, NO, false, false, "initramfs root (tmpfs or ramfs): no reflink"),
    /* Read-only images: a source at most. */
    FS("squashfs", NO, NO, false, false, "read-only image: no reflink, no FIEMAP"),
    FS("erofs", NO, NO, false, false, "read-only image: no reflink"),
    FS("iso9660", NO, NO, false, false, "read-only image"),
    FS("cramfs", NO, NO, false, false, "read-only image"),
    FS("romfs", NO, NO, false, false, "read-only image"),
    /* Stacking file systems. */
    FS("overlay", LAYER, LAYER, false, true,
       "passes FICLONE and copy_file_range to its upper layer's file system "
       "(fs/overlayfs/file.c); a copy-up of a lower file is a full copy"),
    FS("ecryptfs", NO, NO, false, true,
       "stacked encryption: no remap_file_range or copy_file_range, every copy re-encrypts"),
    FS("fuse", NO, DAEMON, false, true,
       "FICLONE never reaches a FUSE daemon (EOPNOTSUPP); copy_file_range reaches it as "
       "FUSE_COPY_FILE_RANGE (protocol 7.28) and otherwise the kernel copies the bytes"),
    FS("fuseblk", NO, DAEMON, false, true, "FUSE on a block device (ntfs-3g, exfat-fuse); as fuse"),
    FS("virtiofs", NO, DAEMON, false, false,
       "FUSE protocol to the host's virtiofsd; copy_file_range offload if the daemon has it"),
    /* FUSE daemons worth naming (mountinfo type "fuse.<subtype>"). */
    FS("fuse.fuse-overlayfs", NO, DAEMON, false, true,
       "fuse-overlayfs passes copy_file_range to the upper directory's file system"),
    FS("fuse.squashfuse", NO, NO, false, true, "read-only image through FUSE"),
    FS("fuse.sshfs", NO, DAEMON, true, true,
       "SFTP: copy offload only if sshfs and the server support a copy extension"),
    FS("fuse.glusterfs", NO, DAEMON, true, true, "GlusterFS client"),
    FS("fuse.ceph-fuse", NO, DAEMON, true, true, "Ceph FUSE client"),
    FS("fuse.s3fs", NO, DAEMON, true, true, "object store through FUSE"),
    FS("fuse.rclone", NO, DAEMON, true, true, "object or cloud store through FUSE"),
    FS("fuse.gcsfuse", NO, DAEMON, true, true, "object store through FUSE"),
    /* Network file systems. */
    FS("nfs", SERVER, SERVER, true, false,
       "NFS 4.2 only: CLONE for reflink, COPY for server-side copy (RFC 7862); needs server "
       "support"),
    FS("nfs4", SERVER, SERVER, true, false,
       "NFS 4.2 only: CLONE for reflink, COPY for server-side copy (RFC 7862); needs server "
       "support"),
    FS("cifs", SERVER, SERVER, true, false,
       "SMB2+: FSCTL_DUPLICATE_EXTENTS_TO_FILE for reflink (ReFS, Samba on btrfs), "
       "FSCTL_SRV_COPYCHUNK_WRITE for copy_file_range"),
    FS("smb3", SERVER, SERVER, true, false,
       "SMB3: FSCTL_DUPLICATE_EXTENTS_TO_FILE for reflink, FSCTL_SRV_COPYCHUNK_WRITE for "
       "copy_file_range"),
    FS("ceph", NO, FEATURE, true, false,
       "copy_file_range uses RADOS copy-from only with the copyfrom mount option (default "
       "nocopyfrom)"),
    FS("9p", NO, NO, true, false, "no reflink or copy offload"),
    FS("afs", NO, NO, true, false, "no reflink or copy offload"),
    FS("smbfs", NO, NO, true, false, "obsolete SMB1 client"),
    /* Not places for files. */
    PSEUDO("fuse.lxcfs", "container view of /proc and /sys files"),
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

#define N_FS (sizeof(fs_table) / sizeof(fs_table[0]))

const struct odx_fs_info *odx_fs_at(size_t i)
{
    return i < N_FS ? &fs_table[i] : NULL;
}

const struct odx_fs_info *odx_fs_lookup(const char *type)
{
    size_t i, base;
    if (!type)
        return NULL;
    for (i = 0; i < N_FS; i++)
        if (strcmp(fs_table[i].type, type) == 0)
            return &fs_table[i];
    /* "fuse.sshfs" is a FUSE file system. */
    base = strcspn(type, ".");
    if (type[base] == '.')
        for (i = 0; i < N_FS; i++)
            if (strlen(fs_table[i].type) == base && strncmp(fs_table[i].type, type, base) == 0)
                return &fs_table[i];
    return NULL;
}
