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
 * Linux file systems and copy offload. Sources: ioctl_ficlone(2) (which file
 * systems share extents), copy_file_range(2) (server-side copies on NFS and
 * CIFS), mkfs.xfs(8) (-m reflink=1, default since xfsprogs 5.1), and the
 * kernel's Documentation/filesystems for overlayfs and FUSE.
 */
static const struct odx_fs_info fs_table[] = {
    {"xfs", ODX_TRI_UNKNOWN, false, false,
     "Shares extents when formatted with reflink=1 (mkfs.xfs -m reflink=1, the default "
     "since xfsprogs 5.1)."},
    {"btrfs", ODX_TRI_YES, false, false, "Shares extents (reflink) within one file system."},
    {"bcachefs", ODX_TRI_YES, false, false, "Shares extents (reflink)."},
    {"ocfs2", ODX_TRI_YES, false, false, "Shares extents (reflink)."},
    {"nfs4", ODX_TRI_UNKNOWN, true, false,
     "NFS 4.2 can clone (CLONE) and copy on the server (COPY) when the server's file system "
     "supports it."},
    {"nfs", ODX_TRI_UNKNOWN, true, false, "Clone and server-side copy need NFS 4.2."},
    {"cifs", ODX_TRI_UNKNOWN, true, false,
     "SMB3 can duplicate extents and copy on the server (copychunk) when the server supports "
     "it."},
    {"smb3", ODX_TRI_UNKNOWN, true, false, "As cifs."},
    {"ceph", ODX_TRI_NO, true, false, "copy_file_range becomes a copy inside the cluster."},
    {"ext4", ODX_TRI_NO, false, false, "No reflink: copies always move the bytes."},
    {"ext3", ODX_TRI_NO, false, false, "No reflink."},
    {"ext2", ODX_TRI_NO, false, false, "No reflink."},
    {"tmpfs", ODX_TRI_NO, false, false, "Memory-backed; no reflink."},
    {"ramfs", ODX_TRI_NO, false, false, "Memory-backed; no reflink."},
    {"vfat", ODX_TRI_NO, false, false, "No reflink."},
    {"exfat", ODX_TRI_NO, false, false, "No reflink."},
    {"ntfs3", ODX_TRI_NO, false, false, "No reflink."},
    {"f2fs", ODX_TRI_NO, false, false, "No reflink."},
    {"zfs", ODX_TRI_UNKNOWN, false, false,
     "OpenZFS 2.2 and later can clone blocks when block cloning is enabled."},
    {"overlay", ODX_TRI_UNKNOWN, false, true,
     "Passes clones and copies to its upper layer's file system; a copy-up of a lower file is "
     "a full copy."},
    {"fuse", ODX_TRI_NO, false, true,
     "FICLONE never reaches the daemon; copy_file_range is passed on only if the daemon "
     "implements it, and otherwise the kernel copies the bytes."},
    {"fuseblk", ODX_TRI_NO, false, true, "As fuse."},
    {"ecryptfs", ODX_TRI_NO, false, true, "Encrypts each file: no shared extents."},
    {"squashfs", ODX_TRI_NO, false, false, "Read-only."},
    {"erofs", ODX_TRI_NO, false, false, "Read-only."},
    {"iso9660", ODX_TRI_NO, false, false, "Read-only."},
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
