/*
 * sysfs block-device walker on fake trees: real directories, files and
 * relative symlinks in a temporary directory, laid out as the kernel lays out
 * /sys. The loop, zram and virtio devices are rebuilt from the captured
 * sys.txt files; dm-crypt, md, LVM thin, multipath and partitions, which the
 * capture machine could not build, are synthesised in the same shape.
 */
/* mkdtemp, nftw, symlink are POSIX. */
#define _XOPEN_SOURCE 700

#include "check.h"
#include "fixture.h"
#include "linux_internal.h"
#include "odx/alloc.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char root[PATH_MAX];

/* snprintf into an array, failing the setup instead of truncating a path. */
#define PATHF(buf, ...)                                                                            \
    do {                                                                                           \
        int n_ = snprintf(buf, sizeof(buf), __VA_ARGS__);                                          \
        if (n_ < 0 || (size_t)n_ >= sizeof(buf))                                                   \
            die("path too long", buf);                                                             \
    } while (0)

static void die(const char *what, const char *path)
{
    fprintf(stderr, "test setup: %s %s: %s\n", what, path, strerror(errno));
    exit(2);
}

static void mkdir_p(const char *path)
{
    char buf[PATH_MAX];
    char *p;
    PATHF(buf, "%s", path);
    for (p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0755) != 0 && errno != EEXIST)
                die("mkdir", buf);
            *p = '/';
        }
    }
    if (mkdir(buf, 0755) != 0 && errno != EEXIST)
        die("mkdir", buf);
}

static void parent_dir(const char *path)
{
    char buf[PATH_MAX];
    char *slash;
    PATHF(buf, "%s", path);
    slash = strrchr(buf, '/');
    if (slash && slash != buf) {
        *slash = '\0';
        mkdir_p(buf);
    }
}

/* root/rel gets content, as sysfs shows an attribute: the value and a newline. */
static void attr(const char *rel, const char *value)
{
    char path[PATH_MAX];
    FILE *f;
    PATHF(path, "%s/%s", root, rel);
    parent_dir(path);
    f = fopen(path, "w");
    if (!f || fprintf(f, "%s\n", value) < 0 || fclose(f) != 0)
        die("write", path);
}

static void link_rel(const char *rel, const char *target)
{
    char path[PATH_MAX];
    PATHF(path, "%s/%s", root, rel);
    parent_dir(path);
    if (symlink(target, path) != 0)
        die("symlink", path);
}

static void dir(const char *rel)
{
    char path[PATH_MAX];
    PATHF(path, "%s/%s", root, rel);
    mkdir_p(path);
}

/*
 * Rebuild the block devices of a captured sys.txt: the /sys/dev/block link
 * exactly as read, a /sys/class/block link, and every "key: value" attribute.
 */
static void from_capture(const char *fixture)
{
    char *text = fx_read(fixture, NULL);
    char *line, *next, devdir[PATH_MAX] = "", name[64] = "";
    bool in_dev = false;
    for (line = text; line && *line; line = next) {
        char *colon;
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (strncmp(line, "## ", 3) == 0) {
            in_dev = strncmp(line, "## block device ", 16) == 0;
            continue;
        }
        if (!in_dev)
            continue;
        if (strncmp(line, "readlink /sys/", 14) == 0) {
            char *arrow = strstr(line, " -> ");
            if (!arrow)
                die("parse", line);
            *arrow = '\0';
            link_rel(line + 14, arrow + 4);
            continue;
        }
        if (strncmp(line, "realpath: /sys/", 15) == 0) {
            char cls[PATH_MAX];
            const char *base = strrchr(line, '/') + 1;
            PATHF(devdir, "%s", line + 15);
            PATHF(name, "%s", base);
            PATHF(cls, "class/block/%s", name);
            {
                char target[PATH_MAX];
                PATHF(target, "../../%s", devdir);
                link_rel(cls, target);
            }
            continue;
        }
        colon = strstr(line, ": ");
        if (!colon || !devdir[0] || strchr(line, ' ') < colon)
            continue; /* "ls ..." listings */
        *colon = '\0';
        {
            char rel[PATH_MAX];
            PATHF(rel, "%s/%s", devdir, line);
            if (strcmp(line, "slaves") == 0 || strcmp(line, "holders") == 0) {
                if (strcmp(colon + 2, "[]") != 0)
                    die("unexpected non-empty", line);
                dir(rel);
            } else {
                attr(rel, colon + 2);
            }
        }
    }
    free(text);
}

/* A virtual block device: devices/virtual/block/<name> with dev, ro, and /sys/dev/block link. */
static void vdev(const char *name, const char *dev)
{
    char rel[PATH_MAX], target[PATH_MAX];
    PATHF(rel, "devices/virtual/block/%s/dev", name);
    attr(rel, dev);
    PATHF(rel, "devices/virtual/block/%s/ro", name);
    attr(rel, "0");
    PATHF(rel, "dev/block/%s", dev);
    PATHF(target, "../../devices/virtual/block/%s", name);
    link_rel(rel, target);
    PATHF(rel, "class/block/%s", name);
    link_rel(rel, target);
    PATHF(rel, "devices/virtual/block/%s/slaves", name);
    dir(rel);
}

static void dm(const char *name, const char *dev, const char *dm_name, const char *uuid)
{
    char rel[PATH_MAX];
    vdev(name, dev);
    PATHF(rel, "devices/virtual/block/%s/dm/name", name);
    attr(rel, dm_name);
    PATHF(rel, "devices/virtual/block/%s/dm/uuid", name);
    attr(rel, uuid); /* a dm device without uuid shows an empty line */
}

/* upper/slaves/lower -> ../../lower, as the kernel links holders to their slaves. */
static void slave(const char *upper, const char *lower)
{
    char rel[PATH_MAX], target[PATH_MAX];
    PATHF(rel, "devices/virtual/block/%s/slaves/%s", upper, lower);
    PATHF(target, "../../%s", lower);
    link_rel(rel, target);
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static void build_tree(void)
{
    const char *tmp = getenv("TMPDIR");
    int i;
    PATHF(root, "%s/odx-sysfs-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(root))
        die("mkdtemp", root);

    from_capture("xfs-loop/sys.txt");      /* loop0, loop1 */
    from_capture("btrfs-loop/sys.txt");    /* loop2 */
    from_capture("ext4-loop/sys.txt");     /* loop3 */
    from_capture("squashfs-loop/sys.txt"); /* loop4, read-only */
    from_capture("zram-xfs/sys.txt");      /* zram0 */
    from_capture("host-root-vda/sys.txt"); /* vda on virtio */

    /* dm-crypt (LUKS2) over loop0: cryptsetup's uuid is CRYPT-<TYPE>-<uuid>-<name>. */
    dm("dm-0", "252:0", "lf-crypt", "CRYPT-LUKS2-0123456789abcdef0123456789abcdef-lf-crypt");
    slave("dm-0", "loop0");

    /* md RAID1 over two loops. */
    vdev("md0", "9:0");
    attr("devices/virtual/block/md0/md/level", "raid1");
    slave("md0", "loop3");
    slave("md0", "loop2");

    /* LVM thin: thin LV -> pool (-tpool layer) -> _tdata and _tmeta -> one PV. */
    dm("dm-3", "252:3", "vg-thin",
       "LVM-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAABBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB");
    dm("dm-2", "252:2", "vg-pool-tpool",
       "LVM-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAACCCCCCCCCCCCCCCCCCCCCCCCCCCCCCCC-tpool");
    dm("dm-1", "252:1", "vg-pool_tdata",
       "LVM-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAADDDDDDDDDDDDDDDDDDDDDDDDDDDDDDDD");
    dm("dm-4", "252:4", "vg-pool_tmeta",
       "LVM-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEEE");
    slave("dm-3", "dm-2");
    slave("dm-2", "dm-4");
    slave("dm-2", "dm-1");
    slave("dm-1", "loop1");
    slave("dm-4", "loop1");

    /* A SCSI disk with a partition; the partition's directory sits inside the disk's. */
    attr("devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/dev", "8:0");
    attr("devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/ro", "0");
    dir("devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/slaves");
    attr("devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/sda1/dev", "8:1");
    attr("devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/sda1/partition", "1");
    link_rel("dev/block/8:0",
             "../../devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda");
    link_rel("dev/block/8:1",
             "../../devices/pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda/sda1");

    /* multipath over sda, and a kpartx partition of it. */
    dm("dm-5", "252:5", "mpatha", "mpath-3600508b400105e210000900000490000");
    link_rel("devices/virtual/block/dm-5/slaves/sda",
             "../../../../pci0000:00/0000:00:05.0/host0/target0:0:0/0:0:0:0/block/sda");
    dm("dm-6", "252:6", "mpatha1", "part1-mpath-3600508b400105e210000900000490000");
    slave("dm-6", "dm-5");

    dm("dm-7", "252:7", "vroot", "CRYPT-VERITY-0123456789abcdef0123456789abcdef-vroot");
    dm("dm-8", "252:8", "plain-linear", "");
    dm("dm-9", "252:9", "intg", "CRYPT-INTEGRITY-intg");

    /* A forged cycle, a chain deeper than the cap, a dangling slave, a bad dev. */
    dm("dm-10", "252:10", "a", "");
    dm("dm-11", "252:11", "b", "");
    slave("dm-10", "dm-11");
    slave("dm-11", "dm-10");
    for (i = 20; i < 40; i++) {
        char n[16], dv[16], lower[16];
        PATHF(n, "dm-%d", i);
        PATHF(dv, "252:%d", i);
        dm(n, dv, n, "");
        if (i > 20) {
            PATHF(lower, "dm-%d", i);
            PATHF(n, "dm-%d", i - 1);
            slave(n, lower);
        }
    }
    /* One device over more slaves than the walker follows. */
    dm("dm-50", "252:50", "wide", "");
    for (i = 0; i < 300; i++) {
        char n[16], dv[16];
        PATHF(n, "fan%03d", i);
        PATHF(dv, "7:%d", 100 + i);
        vdev(n, dv);
        slave("dm-50", n);
    }
    dm("dm-12", "252:12", "dangling", "");
    link_rel("devices/virtual/block/dm-12/slaves/ghost", "../../ghost");
    dm("dm-13", "252:13", "bad", "");
    attr("devices/virtual/block/dm-13/dev", "garbage");

    /* A loop whose file was deleted, and one whose attribute is over the 8 KiB cap. */
    vdev("loop5", "7:5");
    attr("devices/virtual/block/loop5/loop/backing_file", "/srv/lab/build/gone.img (deleted)");
    vdev("loop6", "7:6");
    {
        char big[9000];
        memset(big, 'x', sizeof(big) - 1u);
        big[0] = '/';
        big[sizeof(big) - 1u] = '\0';
        attr("devices/virtual/block/loop6/loop/backing_file", big);
    }
}

static void remove_tree(void)
{
    if (root[0] && nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS) != 0)
        fprintf(stderr, "could not remove %s\n", root);
}

static enum odx_status walk(uint32_t major, uint32_t minor, const struct odx_linux_mounts *m,
                            struct odx_linux_blk_chain *c)
{
    int err = -1;
    enum odx_status st = odx_linux_blk_chain_walk(c, root, major, minor, m, &err);
    if (st == ODX_OK)
        CHECK_INT(err, 0);
    return st;
}

static void test_captured(const struct odx_linux_mounts *all)
{
    struct odx_linux_blk_chain c;
    const struct odx_linux_blk_layer *l;

    CHECK_INT(walk(7, 0, all, &c), ODX_OK);
    CHECK_INT(c.count, 1);
    CHECK(!c.truncated);
    l = &c.layers[0];
    CHECK_INT(l->kind, ODX_LINUX_BLK_LOOP);
    CHECK_STR(l->name, "loop0");
    CHECK_STR(l->sys_path, "/devices/virtual/block/loop0");
    CHECK_INT(l->major, 7);
    CHECK_INT(l->minor, 0);
    CHECK_INT(l->depth, 0);
    CHECK_U64(l->parent, SIZE_MAX);
    CHECK(!l->read_only);
    CHECK_STR(l->backing_file, "/srv/lab/build/xfs.img");
    CHECK(!l->backing_deleted);
    /* The image lives on the host root, ext4 on vda. */
    CHECK(l->backing_mount && l->backing_mount->mount_id == 42);
    CHECK(l->dm_name == NULL && l->md_level == NULL);
    CHECK_STR(odx_linux_blk_kind_name(l->kind), "loop");
    odx_linux_blk_chain_cleanup(&c);

    /* sysfs does not escape: the space stays a space. Without mounts, no holder. */
    CHECK_INT(walk(7, 1, NULL, &c), ODX_OK);
    CHECK(c.count == 1 && strcmp(c.layers[0].backing_file, "/srv/lab/build/xfs2 sp.img") == 0);
    CHECK(c.count == 1 && c.layers[0].backing_mount == NULL);
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(7, 4, all, &c), ODX_OK);
    CHECK(c.count == 1 && c.layers[0].read_only);
    CHECK(c.count == 1 && strcmp(c.layers[0].backing_file, "/srv/lab/build/sq.img") == 0);
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(253, 0, all, &c), ODX_OK);
    CHECK_INT(c.count, 1);
    CHECK(c.count == 1 && c.layers[0].kind == ODX_LINUX_BLK_ZRAM);
    CHECK(c.count == 1 && strcmp(c.layers[0].name, "zram0") == 0);
    CHECK(c.count == 1 && c.layers[0].backing_file == NULL);
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(254, 0, all, &c), ODX_OK);
    CHECK_INT(c.count, 1);
    if (c.count == 1) {
        CHECK_INT(c.layers[0].kind, ODX_LINUX_BLK_DISK);
        CHECK_STR(c.layers[0].name, "vda");
        CHECK_STR(c.layers[0].sys_path, "/devices/pci0000:00/0000:00:02.0/virtio1/block/vda");
    }
    odx_linux_blk_chain_cleanup(&c);

    /* btrfs reports 0:38; the probe walks its source device by name instead. */
    CHECK_INT(walk(0, 38, all, &c), ODX_E_NOT_FOUND);
    CHECK_INT(odx_linux_blk_chain_walk_name(&c, root, "loop2", all, NULL), ODX_OK);
    CHECK(c.count == 1 && strcmp(c.layers[0].backing_file, "/srv/lab/build/btrfs.img") == 0);
    CHECK(c.count == 1 && c.layers[0].minor == 2);
    odx_linux_blk_chain_cleanup(&c);
}

static void test_synthetic(void)
{
    struct odx_linux_blk_chain c;
    const struct odx_linux_blk_layer *l;

    CHECK_INT(walk(252, 0, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 2);
    if (c.count == 2) {
        CHECK_INT(c.layers[0].kind, ODX_LINUX_BLK_DM_CRYPT);
        CHECK_STR(c.layers[0].dm_name, "lf-crypt");
        CHECK_STR(c.layers[1].name, "loop0");
        CHECK_INT(c.layers[1].kind, ODX_LINUX_BLK_LOOP);
        CHECK_INT(c.layers[1].depth, 1);
        CHECK_INT(c.layers[1].parent, 0);
        CHECK_STR(c.layers[1].backing_file, "/srv/lab/build/xfs.img");
    }
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(9, 0, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 3);
    if (c.count == 3) {
        CHECK_INT(c.layers[0].kind, ODX_LINUX_BLK_MD);
        CHECK_STR(c.layers[0].md_level, "raid1");
        /* Slaves in name order, both one level down. */
        CHECK_STR(c.layers[1].name, "loop2");
        CHECK_STR(c.layers[2].name, "loop3");
        CHECK(c.layers[1].depth == 1 && c.layers[2].depth == 1);
        CHECK(c.layers[1].parent == 0 && c.layers[2].parent == 0);
        CHECK_STR(c.layers[2].backing_file, "/srv/lab/build/ext4.img");
    }
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(252, 3, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 6);
    if (c.count == 6) {
        static const char *const names[] = {"dm-3", "dm-2", "dm-1", "loop1", "dm-4", "loop1"};
        static const size_t depths[] = {0, 1, 2, 3, 2, 3};
        size_t i;
        for (i = 0; i < 6; i++) {
            CHECK_STR(c.layers[i].name, names[i]);
            CHECK_INT(c.layers[i].depth, depths[i]);
        }
        CHECK_INT(c.layers[0].kind, ODX_LINUX_BLK_DM_LVM_THIN);
        CHECK_INT(c.layers[1].kind, ODX_LINUX_BLK_DM_LVM_THIN_POOL);
        CHECK_INT(c.layers[2].kind, ODX_LINUX_BLK_DM_LVM_THIN_POOL);
        CHECK_INT(c.layers[4].kind, ODX_LINUX_BLK_DM_LVM_THIN_POOL);
        CHECK_INT(c.layers[4].parent, 1);
        /* One PV under both pool volumes: listed twice, followed once. */
        CHECK_U64(c.layers[3].same_as, SIZE_MAX);
        CHECK_INT(c.layers[5].same_as, 3);
        CHECK_INT(c.layers[5].kind, ODX_LINUX_BLK_LOOP);
        CHECK(c.layers[5].backing_file == NULL);
        CHECK_STR(odx_linux_blk_kind_name(c.layers[1].kind), "lvm-thin-pool");
    }
    odx_linux_blk_chain_cleanup(&c);

    /* The pool's data volume on its own. */
    CHECK_INT(walk(252, 1, NULL, &c), ODX_OK);
    CHECK(c.count == 2 && c.layers[0].kind == ODX_LINUX_BLK_DM_LVM_THIN_POOL);
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(8, 1, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 2);
    if (c.count == 2) {
        CHECK_INT(c.layers[0].kind, ODX_LINUX_BLK_PARTITION);
        CHECK_STR(c.layers[0].name, "sda1");
        CHECK_INT(c.layers[1].kind, ODX_LINUX_BLK_DISK);
        CHECK_STR(c.layers[1].name, "sda");
        CHECK_INT(c.layers[1].minor, 0);
        CHECK_INT(c.layers[1].parent, 0);
    }
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(252, 6, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 3);
    if (c.count == 3) {
        CHECK_INT(c.layers[0].kind, ODX_LINUX_BLK_DM_PARTITION);
        CHECK_INT(c.layers[1].kind, ODX_LINUX_BLK_DM_MULTIPATH);
        CHECK_INT(c.layers[2].kind, ODX_LINUX_BLK_DISK);
        CHECK_STR(c.layers[2].name, "sda");
    }
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(252, 7, NULL, &c), ODX_OK);
    CHECK(c.count == 1 && c.layers[0].kind == ODX_LINUX_BLK_DM_VERITY);
    odx_linux_blk_chain_cleanup(&c);
    CHECK_INT(walk(252, 8, NULL, &c), ODX_OK);
    CHECK(c.count == 1 && c.layers[0].kind == ODX_LINUX_BLK_DM_OTHER);
    CHECK(c.count == 1 && strcmp(c.layers[0].dm_uuid, "") == 0);
    odx_linux_blk_chain_cleanup(&c);
    CHECK_INT(walk(252, 9, NULL, &c), ODX_OK);
    CHECK(c.count == 1 && c.layers[0].kind == ODX_LINUX_BLK_DM_INTEGRITY);
    odx_linux_blk_chain_cleanup(&c);

    /* Cycle: each device once, then a back-reference. */
    CHECK_INT(walk(252, 10, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 3);
    if (c.count == 3) {
        CHECK_STR(c.layers[2].name, "dm-10");
        CHECK_INT(c.layers[2].same_as, 0);
    }
    CHECK(!c.truncated);
    odx_linux_blk_chain_cleanup(&c);

    /* 20 stacked devices: the walk stops at the depth cap and says so. */
    CHECK_INT(walk(252, 20, NULL, &c), ODX_OK);
    CHECK_INT(c.count, ODX_LINUX_BLK_MAX_DEPTH);
    CHECK(c.truncated);
    CHECK(c.count > 0 && c.layers[c.count - 1u].depth == ODX_LINUX_BLK_MAX_DEPTH - 1u);
    odx_linux_blk_chain_cleanup(&c);

    /* 300 slaves: the first 256 by name are listed, and the walk says it stopped short. */
    CHECK_INT(walk(252, 50, NULL, &c), ODX_OK);
    CHECK_INT(c.count, ODX_LINUX_BLK_MAX_LAYERS);
    CHECK(c.truncated);
    CHECK(c.count > 1 && strcmp(c.layers[1].name, "fan000") == 0);
    CHECK(c.count > 1 && strcmp(c.layers[c.count - 1u].name, "fan254") == 0);
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(252, 12, NULL, &c), ODX_OK);
    CHECK_INT(c.count, 2);
    if (c.count == 2) {
        l = &c.layers[1];
        CHECK_INT(l->kind, ODX_LINUX_BLK_UNKNOWN);
        CHECK_STR(l->name, "ghost");
        CHECK_INT(l->read_errno, ENOENT);
    }
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(252, 13, NULL, &c), ODX_E_MALFORMED);
    CHECK(c.count == 0 && c.layers == NULL);

    CHECK_INT(walk(7, 5, NULL, &c), ODX_OK);
    CHECK(c.count == 1 && c.layers[0].backing_deleted);
    CHECK(c.count == 1 && strcmp(c.layers[0].backing_file, "/srv/lab/build/gone.img") == 0);
    odx_linux_blk_chain_cleanup(&c);

    CHECK_INT(walk(7, 6, NULL, &c), ODX_E_TOO_BIG);
    CHECK(c.count == 0);
}

static void test_errors(void)
{
    struct odx_linux_blk_chain c;
    int err = 0;
    char missing[PATH_MAX + 16];

    CHECK_INT(odx_linux_blk_chain_walk(&c, root, 8, 16, NULL, &err), ODX_E_NOT_FOUND);
    CHECK_INT(err, ENOENT);
    PATHF(missing, "%s/nonexistent", root);
    CHECK_INT(odx_linux_blk_chain_walk(&c, missing, 7, 0, NULL, &err), ODX_E_NOT_FOUND);
    CHECK_INT(odx_linux_blk_chain_walk(&c, NULL, 7, 0, NULL, NULL), ODX_E_INVAL);
    CHECK_INT(odx_linux_blk_chain_walk(NULL, root, 7, 0, NULL, NULL), ODX_E_INVAL);
    CHECK_INT(odx_linux_blk_chain_walk_name(&c, root, "../../etc", NULL, NULL), ODX_E_INVAL);
    CHECK_INT(odx_linux_blk_chain_walk_name(&c, root, "..", NULL, NULL), ODX_E_INVAL);
    CHECK_INT(odx_linux_blk_chain_walk_name(&c, root, "", NULL, NULL), ODX_E_INVAL);
    CHECK_INT(odx_linux_blk_chain_walk_name(&c, root, "nvme9n9", NULL, NULL), ODX_E_NOT_FOUND);
    CHECK_INT(odx_linux_blk_chain_walk_name(&c, root, "zram0", NULL, NULL), ODX_OK);
    CHECK(c.count == 1 && c.layers[0].kind == ODX_LINUX_BLK_ZRAM);
    odx_linux_blk_chain_cleanup(&c);
    odx_linux_blk_chain_cleanup(NULL);
}

static void test_nomem(void)
{
    long n;
    enum odx_status st = ODX_E_NOMEM;
    for (n = 0; n < 500 && st == ODX_E_NOMEM; n++) {
        struct odx_linux_blk_chain c;
        odx_alloc_fail_after(n);
        st = odx_linux_blk_chain_walk(&c, root, 252, 3, NULL, NULL);
        odx_alloc_fail_after(-1);
        if (st == ODX_E_NOMEM)
            CHECK(c.count == 0 && c.layers == NULL);
        else
            CHECK_INT(c.count, 6);
        odx_linux_blk_chain_cleanup(&c);
    }
    CHECK_INT(st, ODX_OK);
    CHECK(n > 10);
}

int main(void)
{
    struct odx_linux_mounts all;
    build_tree();
    fx_parse_file(&all, "mountinfo-all.txt");
    test_captured(&all);
    test_synthetic();
    test_errors();
    test_nomem();
    odx_linux_mounts_cleanup(&all);
    remove_tree();
    CHECK_DONE();
}
