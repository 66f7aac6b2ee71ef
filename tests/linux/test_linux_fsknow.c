/* File-system knowledge and mount classification over the captured namespace and synthetic
 * network mounts. */
#include "check.h"
#include "fixture.h"
#include "linux_internal.h"

#include <string.h>

struct want_class {
    int mount_id;
    bool candidate;
    bool writable;
    enum odx_fs_cap reflink;
    enum odx_fs_cap copy_offload;
    const char *row;
};

static void test_namespace(void)
{
    static const struct want_class want[] = {
        {42, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "ext4"},
        {44, false, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "proc"},
        {45, false, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "sysfs"},
        {47, false, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "cgroup"},
        {56, false, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "cgroup2"},
        {57, false, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "devtmpfs"},
        {58, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "tmpfs"},
        {60, false, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "devpts"},
        {62, true, true, ODX_FS_CAP_FEATURE, ODX_FS_CAP_FEATURE, "xfs"},
        {66, true, true, ODX_FS_CAP_YES, ODX_FS_CAP_YES, "btrfs"},
        {67, true, true, ODX_FS_CAP_YES, ODX_FS_CAP_YES, "btrfs"},
        {65, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "ext4"},
        {69, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "tmpfs"},
        {72, true, true, ODX_FS_CAP_LAYER, ODX_FS_CAP_LAYER, "overlay"},
        {73, true, true, ODX_FS_CAP_FEATURE, ODX_FS_CAP_FEATURE, "xfs"},
        {74, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_DAEMON, "fuse"},
        {75, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_DAEMON, "fuse.fuse-overlayfs"},
        {76, true, false, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "squashfs"},
        {77, true, true, ODX_FS_CAP_NO, ODX_FS_CAP_NO, "fuse.squashfuse"},
    };
    struct odx_linux_mounts m;
    size_t i, pseudo = 0;

    fx_parse_file(&m, "mountinfo-all.txt");
    for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        const struct odx_linux_mount *x = odx_linux_mounts_find_id(&m, (uint64_t)want[i].mount_id);
        struct odx_linux_mount_class c;
        CHECK(x != NULL);
        if (!x)
            continue;
        odx_linux_mount_classify(x, &c);
        if (c.candidate != want[i].candidate || c.writable != want[i].writable ||
            c.reflink != want[i].reflink || c.copy_offload != want[i].copy_offload)
            fprintf(stderr, "mount %d (%s)\n", want[i].mount_id, x->fstype);
        CHECK_INT(c.candidate, want[i].candidate);
        CHECK_INT(c.writable, want[i].writable);
        CHECK_INT(c.reflink, want[i].reflink);
        CHECK_INT(c.copy_offload, want[i].copy_offload);
        CHECK_STR(c.fs->type, want[i].row);
        CHECK(c.fs->note != NULL && c.fs->note[0] != '\0');
    }
    /* Every mount of the capture is in the table, and 15 of the 33 are not places for files. */
    for (i = 0; i < m.count; i++) {
        struct odx_linux_mount_class c;
        odx_linux_mount_classify(&m.items[i], &c);
        CHECK(c.fs->reflink_cap != ODX_FS_CAP_UNKNOWN);
        if (!c.candidate) {
            pseudo++;
            CHECK(c.reason != NULL);
        }
    }
    CHECK_INT(pseudo, 15);
    odx_linux_mounts_cleanup(&m);
}

static void classify_line(const char *line, struct odx_linux_mount_class *c)
{
    struct odx_linux_mounts m;
    CHECK_INT(fx_parse(&m, line), ODX_OK);
    CHECK_INT(m.count, 1);
    memset(c, 0, sizeof(*c));
    if (m.count == 1)
        odx_linux_mount_classify(&m.items[0], c);
    odx_linux_mounts_cleanup(&m);
}

static void test_refinements(void)
{
    struct odx_linux_mount_class c;

    classify_line("90 42 0:50 / /n rw - nfs4 srv:/e rw,vers=4.2,rsize=1048576\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_SERVER);
    CHECK_INT(c.copy_offload, ODX_FS_CAP_SERVER);
    CHECK(c.fs->network);
    CHECK(c.reason == NULL);
    classify_line("90 42 0:50 / /n rw - nfs4 srv:/e rw,vers=4.1\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_NO);
    CHECK_INT(c.copy_offload, ODX_FS_CAP_NO);
    CHECK(c.reason != NULL);
    classify_line("90 42 0:50 / /n rw - nfs srv:/e rw,vers=3\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_NO);

    classify_line("91 42 0:51 / /s rw - cifs //h/s rw,vers=3.1.1,cache=strict\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_SERVER);
    CHECK_INT(c.copy_offload, ODX_FS_CAP_SERVER);
    classify_line("91 42 0:51 / /s rw - cifs //h/s rw,vers=1.0\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_NO);
    CHECK_INT(c.copy_offload, ODX_FS_CAP_NO);
    classify_line("91 42 0:51 / /s rw - smb3 //h/s rw,vers=3.0\n", &c);
    CHECK_STR(c.fs->type, "smb3");
    CHECK_INT(c.copy_offload, ODX_FS_CAP_SERVER);

    classify_line("92 42 0:52 / /c rw - ceph 10.0.0.1:/ rw,name=admin,copyfrom\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_NO);
    CHECK_INT(c.copy_offload, ODX_FS_CAP_YES);
    classify_line("92 42 0:52 / /c rw - ceph 10.0.0.1:/ rw,name=admin\n", &c);
    CHECK_INT(c.copy_offload, ODX_FS_CAP_NO);

    /* ecryptfs: stacked, no remap_file_range. */
    classify_line("93 42 0:53 / /e rw - ecryptfs /l rw,ecryptfs_sig=0011223344556677\n", &c);
    CHECK_INT(c.reflink, ODX_FS_CAP_NO);
    CHECK(c.candidate && c.writable);

    /* Read-only per mount (bind remount ro) with a writable superblock. */
    classify_line("94 42 7:0 /sub /ro ro,relatime - xfs /dev/loop0 rw\n", &c);
    CHECK(c.candidate);
    CHECK(!c.writable);
    CHECK(c.reason != NULL);

    /* FUSE subtypes: known daemons get their own row, others fall back to "fuse". */
    classify_line("95 42 0:54 / /f rw - fuse.sshfs u@h:/ rw,user_id=0\n", &c);
    CHECK_STR(c.fs->type, "fuse.sshfs");
    CHECK(c.fs->network);
    classify_line("95 42 0:54 / /f rw - fuse.unheard-of x rw\n", &c);
    CHECK_STR(c.fs->type, "fuse");
    classify_line("95 42 0:54 / /f rw - fuseblk /dev/sdb1 rw\n", &c);
    CHECK_STR(c.fs->type, "fuseblk");
    classify_line("95 42 0:54 / /f rw - fuse.lxcfs lxcfs rw\n", &c);
    CHECK(!c.candidate);

    /* Unknown types stay candidates with unknown capabilities. */
    classify_line("96 42 0:55 / /u rw - weirdfs x rw\n", &c);
    CHECK(c.candidate);
    CHECK_INT(c.reflink, ODX_FS_CAP_UNKNOWN);
    CHECK_STR(c.fs->type, "unknown");
}

static void test_lookup(void)
{
    static const char *const pseudo[] = {
        "proc",        "sysfs",      "cgroup",   "cgroup2", "devpts",     "mqueue",    "debugfs",
        "tracefs",     "securityfs", "pstore",   "bpf",     "configfs",   "fusectl",   "hugetlbfs",
        "binfmt_misc", "autofs",     "efivarfs", "nsfs",    "rpc_pipefs", "selinuxfs", "devtmpfs",
    };
    static const char *const no_reflink[] = {"ext4",  "tmpfs", "vfat",    "exfat",
                                             "ntfs3", "f2fs",  "ecryptfs"};
    static const char *const reflink[] = {"btrfs", "bcachefs"};
    size_t i;
    for (i = 0; i < sizeof(pseudo) / sizeof(pseudo[0]); i++) {
        const struct odx_fs_info *f = odx_linux_fs_lookup(pseudo[i], NULL);
        CHECK_STR(f->type, pseudo[i]);
        CHECK(f->pseudo);
    }
    for (i = 0; i < sizeof(no_reflink) / sizeof(no_reflink[0]); i++) {
        const struct odx_fs_info *f = odx_linux_fs_lookup(no_reflink[i], NULL);
        CHECK_STR(f->type, no_reflink[i]);
        CHECK_INT(f->reflink_cap, ODX_FS_CAP_NO);
        CHECK(!f->pseudo);
    }
    for (i = 0; i < sizeof(reflink) / sizeof(reflink[0]); i++)
        CHECK_INT(odx_linux_fs_lookup(reflink[i], NULL)->reflink_cap, ODX_FS_CAP_YES);
    CHECK_INT(odx_linux_fs_lookup("xfs", NULL)->reflink_cap, ODX_FS_CAP_FEATURE);
    CHECK_INT(odx_linux_fs_lookup("ocfs2", NULL)->reflink_cap, ODX_FS_CAP_FEATURE);
    CHECK_INT(odx_linux_fs_lookup("nfs4", NULL)->reflink_cap, ODX_FS_CAP_SERVER);
    CHECK_INT(odx_linux_fs_lookup("cifs", NULL)->copy_offload, ODX_FS_CAP_SERVER);
    CHECK_INT(odx_linux_fs_lookup("ceph", NULL)->reflink_cap, ODX_FS_CAP_NO);
    CHECK(odx_linux_fs_lookup("ceph", NULL)->network);
    CHECK(!odx_linux_fs_lookup("xfs", NULL)->network);
    CHECK_INT(odx_linux_fs_lookup("fuse", NULL)->copy_offload, ODX_FS_CAP_DAEMON);
    /* A prefix of a known name is not that name. */
    CHECK_STR(odx_linux_fs_lookup("xf", NULL)->type, "unknown");
    CHECK_STR(odx_linux_fs_lookup("xfsx", NULL)->type, "unknown");
    CHECK_STR(odx_linux_fs_lookup(NULL, NULL)->type, "unknown");
    /* A subtype only selects rows of FUSE types. */
    CHECK_STR(odx_linux_fs_lookup("xfs", "sshfs")->type, "xfs");
}

int main(void)
{
    test_namespace();
    test_refinements();
    test_lookup();
    CHECK_DONE();
}
