/* mountinfo parser: every captured stack, malformed lines, caps, lookups by id and by path. */
#include "check.h"
#include "fixture.h"
#include "linux_internal.h"
#include "odx/alloc.h"

#include <stdlib.h>
#include <string.h>

static void test_xfs(void)
{
    struct odx_linux_mounts m;
    const struct odx_linux_mount *x;
    fx_parse_file(&m, "xfs-loop/mountinfo.txt");
    CHECK_INT(m.count, 3);
    if (m.count != 3)
        goto out;
    x = &m.items[0];
    CHECK_INT(x->mount_id, 62);
    CHECK_INT(x->parent_id, 42);
    CHECK_INT(x->dev_major, 7);
    CHECK_INT(x->dev_minor, 0);
    CHECK_STR(x->root, "/");
    CHECK_STR(x->mount_point, "/srv/lab/mnt/xfs");
    CHECK_STR(x->fstype, "xfs");
    CHECK(x->subtype == NULL);
    CHECK_STR(x->source, "/dev/loop0");
    CHECK_INT(x->mount_opts.count, 2);
    CHECK_STR(x->mount_opts.items[0].key, "rw");
    CHECK_STR(x->mount_opts.items[1].key, "relatime");
    CHECK_INT(x->tags.count, 0);
    CHECK_INT(x->super_opts.count, 5);
    CHECK_STR(fx_opt(&x->super_opts, "logbsize"), "32k");
    CHECK_STR(fx_opt(&x->super_opts, "noquota"), "");
    CHECK(!x->read_only);
    CHECK_INT(x->line, 1);
    /* A bind mount: same device, root is the subdirectory. */
    x = &m.items[1];
    CHECK_STR(x->root, "/sub");
    CHECK_STR(x->mount_point, "/srv/lab/mnt/xfs-bind");
    CHECK_INT(x->dev_minor, 0);
    /* \040 in the mount point. */
    x = &m.items[2];
    CHECK_STR(x->mount_point, "/srv/lab/mnt/xfs2 sp");
    CHECK_STR(x->source, "/dev/loop1");
    CHECK_INT(x->line, 3);
out:
    odx_linux_mounts_cleanup(&m);
}

static void test_btrfs_subvolume(void)
{
    struct odx_linux_mounts m;
    fx_parse_file(&m, "btrfs-loop/mountinfo.txt");
    CHECK_INT(m.count, 2);
    if (m.count == 2) {
        CHECK_STR(m.items[0].root, "/");
        CHECK_STR(m.items[1].root, "/sv");
        CHECK_STR(m.items[1].mount_point, "/srv/lab/mnt/btrfs-sv");
        CHECK_INT(m.items[1].dev_major, 0);
        CHECK_INT(m.items[1].dev_minor, 38);
        CHECK_STR(fx_opt(&m.items[1].super_opts, "subvol"), "/sv");
        CHECK_STR(fx_opt(&m.items[1].super_opts, "subvolid"), "256");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "discard"), "async");
    }
    odx_linux_mounts_cleanup(&m);
}

static void test_tmpfs_spaces(void)
{
    struct odx_linux_mounts m;
    fx_parse_file(&m, "tmpfs/mountinfo.txt");
    CHECK_INT(m.count, 2);
    if (m.count == 2) {
        CHECK_STR(m.items[0].source, "tmpfs");
        CHECK_STR(m.items[1].mount_point, "/srv/lab/mnt/tmpfs sp");
        CHECK_STR(m.items[1].source, "my tmp");
        CHECK_STR(m.items[1].fstype, "tmpfs");
        CHECK_STR(fx_opt(&m.items[1].super_opts, "size"), "8192k");
    }
    odx_linux_mounts_cleanup(&m);
}

static void test_fuse_types(void)
{
    struct odx_linux_mounts m;
    fx_parse_file(&m, "bindfs-on-xfs/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        /* libfuse2 bindfs: plain "fuse", the backing directory as source. */
        CHECK_STR(m.items[0].fstype, "fuse");
        CHECK(m.items[0].subtype == NULL);
        CHECK_STR(m.items[0].source, "/srv/lab/mnt/xfs/bsrc");
        CHECK_STR(fx_opt(&m.items[0].mount_opts, "nosuid"), "");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "allow_other"), "");
    }
    odx_linux_mounts_cleanup(&m);

    fx_parse_file(&m, "fuse-overlayfs/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK_STR(m.items[0].fstype, "fuse");
        CHECK_STR(m.items[0].subtype, "fuse-overlayfs");
        CHECK_STR(m.items[0].source, "fuse-overlayfs");
        CHECK_STR(fx_opt(&m.items[0].mount_opts, "noatime"), "");
    }
    odx_linux_mounts_cleanup(&m);

    fx_parse_file(&m, "squashfuse/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK_STR(m.items[0].fstype, "fuse");
        CHECK_STR(m.items[0].subtype, "squashfuse");
        CHECK(!m.items[0].read_only);
    }
    odx_linux_mounts_cleanup(&m);
}

static void test_other_stacks(void)
{
    struct odx_linux_mounts m;
    fx_parse_file(&m, "squashfs-loop/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK(m.items[0].read_only);
        CHECK_STR(m.items[0].super_opts.items[0].key, "ro");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "errors"), "continue");
    }
    odx_linux_mounts_cleanup(&m);

    fx_parse_file(&m, "ext4-loop/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK_STR(m.items[0].fstype, "ext4");
        CHECK_INT(m.items[0].dev_minor, 3);
        CHECK_INT(m.items[0].super_opts.count, 1);
    }
    odx_linux_mounts_cleanup(&m);

    fx_parse_file(&m, "zram-xfs/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK_INT(m.items[0].dev_major, 253);
        CHECK_STR(m.items[0].source, "/dev/zram0");
    }
    odx_linux_mounts_cleanup(&m);

    fx_parse_file(&m, "host-root-vda/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK_INT(m.items[0].mount_id, 42);
        CHECK_INT(m.items[0].parent_id, 41);
        CHECK_INT(m.items[0].dev_major, 254);
        CHECK_STR(m.items[0].mount_point, "/");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "resuid"), "65534");
    }
    odx_linux_mounts_cleanup(&m);

    fx_parse_file(&m, "overlay-on-xfs/mountinfo.txt");
    CHECK_INT(m.count, 1);
    if (m.count == 1) {
        CHECK_STR(m.items[0].fstype, "overlay");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "lowerdir"), "/srv/lab/mnt/xfs/ovl/lower");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "workdir"), "/srv/lab/mnt/xfs/ovl/work");
        CHECK_STR(fx_opt(&m.items[0].super_opts, "uuid"), "on");
    }
    odx_linux_mounts_cleanup(&m);
}

static void test_all(void)
{
    struct odx_linux_mounts m;
    size_t i, cgroups = 0;
    const struct odx_linux_mount *x;
    fx_parse_file(&m, "mountinfo-all.txt");
    CHECK_INT(m.count, 33);
    for (i = 0; i < m.count; i++) {
        CHECK_INT(m.items[i].line, i + 1);
        if (strcmp(m.items[i].fstype, "cgroup") == 0)
            cgroups++;
    }
    CHECK_INT(cgroups, 9);
    x = odx_linux_mounts_find_id(&m, 59);
    CHECK(x != NULL);
    if (x) {
        CHECK_INT(x->parent_id, 58);
        CHECK_STR(x->mount_point, "/dev/shm");
    }
    x = odx_linux_mounts_find_id(&m, 57);
    CHECK(x && strcmp(x->fstype, "devtmpfs") == 0);
    x = odx_linux_mounts_find_id(&m, 56);
    CHECK(x && strcmp(x->fstype, "cgroup2") == 0);
    x = odx_linux_mounts_find_id(&m, 65);
    CHECK(x && strcmp(x->mount_point, "/srv/lab/mnt/ext4") == 0);
    CHECK(odx_linux_mounts_find_id(&m, 43) == NULL);
    CHECK(odx_linux_mounts_find_id(&m, 0) == NULL);
    CHECK(odx_linux_mounts_find_id(&m, ((uint64_t)1 << 32) + 62) == NULL);
    /* A STATX_MNT_ID_UNIQUE id: above 2^31, never a mountinfo id. */
    CHECK(odx_linux_mounts_find_id(&m, ((uint64_t)1 << 31) + 62) == NULL);
    odx_linux_mounts_cleanup(&m);
}

static void test_tags_and_escapes(void)
{
    struct odx_linux_mounts m;
    const struct odx_linux_mount *x;
    const char *text =
        "30 1 0:5 /a\\134b /m\\040n\\011t\\012l rw shared:7 master:3 propagate_from:2 unbindable "
        "- fuse.my\\040fs src\\134x rw,opt=a\\054b,k\\075v=w,a\\zb\n";
    CHECK_INT(fx_parse(&m, text), ODX_OK);
    CHECK_INT(m.count, 1);
    CHECK_INT(m.problem_total, 0);
    if (m.count == 1) {
        x = &m.items[0];
        CHECK_STR(x->root, "/a\\b");
        CHECK_STR(x->mount_point, "/m n\tt\nl");
        CHECK_INT(x->shared_group, 7);
        CHECK_INT(x->master_group, 3);
        CHECK_INT(x->tags.count, 4);
        CHECK_STR(fx_opt(&x->tags, "propagate_from"), "2");
        CHECK_STR(fx_opt(&x->tags, "unbindable"), "");
        CHECK_STR(x->fstype, "fuse");
        CHECK_STR(x->subtype, "my fs");
        CHECK_STR(x->source, "src\\x");
        /* seq_show_option escapes ',' in values: split first, then decode. */
        CHECK_STR(fx_opt(&x->super_opts, "opt"), "a,b");
        /* '=' in a name is escaped, so the first raw '=' separates. */
        CHECK_STR(fx_opt(&x->super_opts, "k=v"), "w");
        /* A stray backslash in options is kept (util-linux does the same). */
        CHECK_STR(fx_opt(&x->super_opts, "a\\zb"), "");
        CHECK_INT(x->super_opts.count, 4);
    }
    odx_linux_mounts_cleanup(&m);

    /* The last of repeated options counts. */
    CHECK_INT(fx_parse(&m, "1 0 0:1 / / rw - ext4 /dev/a rw,a=1,a=2\n"), ODX_OK);
    if (m.count == 1)
        CHECK_STR(fx_opt(&m.items[0].super_opts, "a"), "2");
    odx_linux_mounts_cleanup(&m);

    /* An empty source is legal ("fstype  rw"). */
    CHECK_INT(fx_parse(&m, "1 0 0:1 / / rw - tmpfs  rw\n"), ODX_OK);
    CHECK_INT(m.count, 1);
    if (m.count == 1)
        CHECK_STR(m.items[0].source, "");
    odx_linux_mounts_cleanup(&m);
}

struct want_problem {
    size_t line;
    enum odx_status status;
    const char *what;
};

static void test_malformed(void)
{
    static const char text[] =
        "62 42 7:0 / /srv/lab/mnt/xfs rw,relatime - xfs /dev/loop0 rw\n" /* 1 ok */
        "63 42 7:0 / /mnt\n"                                             /* 2 */
        "64 42 7:0 / /mnt rw master:1 xfs /dev/loop0 rw\n"               /* 3 */
        "99999999999999999999999 42 7:0 / /mnt rw - xfs /dev/x rw\n"     /* 4 */
        "65 42 4096:0 / /mnt rw - xfs /dev/x rw\n"                       /* 5 */
        "66 42 7:0 / /mnt rw - xfs /dev/x rw extra\n"                    /* 6 */
        "67 42 7:0 / /m\\x rw - xfs /dev/x rw\n"                         /* 7 */
        "68 42 7:0 / /m\\000 rw - xfs /dev/x rw\n"                       /* 8 */
        "69 42 7:0 / /mnt rw - xfs /dev/x rw,a\\zb\n"                    /* 9 ok */
        "70 42 7:0 / /m\0t rw - xfs /dev/x rw\n"                         /* 10 */
        "\n"                                                             /* 11 */
        "2147483648 42 7:0 / /mnt rw - xfs /dev/x rw\n"                  /* 12 */
        "-1 42 7:0 / /mnt rw - xfs /dev/x rw\n"                          /* 13 */
        "72 42 7:0 / mnt rw - xfs /dev/x rw\n"                           /* 14 */
        "73 42 7:0 / /mnt  rw - xfs /dev/x rw\n"                         /* 15 */
        "74 42 7:0 / /mnt rw a b c d e f g h i - xfs /dev/x rw\n"        /* 16 */
        "75 42 7:0 / /mnt stale1 shared:x - xfs /dev/x rw\n"             /* 17 */
        "76 42 7:0 / /mnt stale2 - .fuse src rw\n"                       /* 18 */
        "77 42 7:0 / /mnt rw - xfs /dev/x\n"                             /* 19 */
        "78 42 7 / /mnt rw - xfs /dev/x rw\n"                            /* 20 */
        "79 42 7:0  /mnt rw - xfs /dev/x rw\n"                           /* 21 */
        "80 42 7:0 / /mnt stale3 - xfs /dev/x stale4,\n"                 /* 22 */
        "81 42 7:0 / /mnt rw - xfs /dev/x\\ rw\n"                        /* 23 */
        "82 42 7:0 / /mnt rw - xfs /dev/x rw,=v\n"                       /* 24 */
        "83 42 7:0 / /mnt rw a b c d e f g h - xfs /dev/x rw\n"          /* 25 ok */
        "84 42 +7:0 / /mnt rw - xfs /dev/x rw\n"                         /* 26 */
        "85 42 7:1048576 / /mnt rw - xfs /dev/x rw\n"                    /* 27 */
        "86 42 7:0 / /mnt rw - xfs /dev/x rw\n"                          /* 28 ok */
        "87 42 7:0 / /mnt rw - xfs /dev/x rw";                           /* 29 cut */
    static const struct want_problem want[] = {
        {2, ODX_E_MALFORMED, "too few fields"},
        {3, ODX_E_MALFORMED, "missing \" - \" separator"},
        {4, ODX_E_MALFORMED, "bad mount id"},
        {5, ODX_E_MALFORMED, "bad major:minor"},
        {6, ODX_E_MALFORMED, "too many fields after separator"},
        {7, ODX_E_MALFORMED, "bad mount point"},
        {8, ODX_E_MALFORMED, "bad mount point"},
        {10, ODX_E_MALFORMED, "NUL byte in line"},
        {11, ODX_E_MALFORMED, "too few fields"},
        {12, ODX_E_MALFORMED, "bad mount id"},
        {13, ODX_E_MALFORMED, "bad mount id"},
        {14, ODX_E_MALFORMED, "bad mount point"},
        {15, ODX_E_MALFORMED, "empty option"},
        {16, ODX_E_MALFORMED, "too many fields"},
        {17, ODX_E_MALFORMED, "bad peer group number"},
        {18, ODX_E_MALFORMED, "bad file-system type"},
        {19, ODX_E_MALFORMED, "too few fields after separator"},
        {20, ODX_E_MALFORMED, "bad major:minor"},
        {21, ODX_E_MALFORMED, "bad root field"},
        {22, ODX_E_MALFORMED, "empty option"},
        {23, ODX_E_MALFORMED, "bad source"},
        {24, ODX_E_MALFORMED, "option without a name"},
        {26, ODX_E_MALFORMED, "bad major:minor"},
        {27, ODX_E_MALFORMED, "bad major:minor"},
        {29, ODX_E_TRUNCATED, "last line has no newline"},
    };
    struct odx_linux_mounts m;
    size_t i, n = sizeof(want) / sizeof(want[0]);

    CHECK_INT(odx_linux_mounts_parse(&m, text, sizeof(text) - 1u), ODX_OK);
    CHECK_INT(m.count, 4);
    if (m.count == 4) {
        CHECK_INT(m.items[0].line, 1);
        CHECK_INT(m.items[1].line, 9);
        CHECK_STR(m.items[1].super_opts.items[1].key, "a\\zb");
        CHECK_INT(m.items[2].line, 25);
        CHECK_INT(m.items[2].tags.count, 8);
        CHECK_STR(m.items[2].tags.items[0].key, "a");
        CHECK_STR(m.items[2].mount_opts.items[0].key, "rw");
        CHECK_INT(m.items[3].line, 28);
        /* Options of skipped lines must not leak into the next mount. */
        CHECK_INT(m.items[3].mount_opts.count, 1);
        CHECK_STR(m.items[3].mount_opts.items[0].key, "rw");
        CHECK_STR(m.items[3].super_opts.items[0].key, "rw");
    }
    CHECK_INT(m.problem_total, n);
    CHECK_INT(m.problem_count, n);
    for (i = 0; i < n && i < m.problem_count; i++) {
        CHECK_INT(m.problems[i].line, want[i].line);
        CHECK_INT(m.problems[i].status, want[i].status);
        CHECK_STR(m.problems[i].what, want[i].what);
    }
    odx_linux_mounts_cleanup(&m);
}

static void test_duplicate_id(void)
{
    struct odx_linux_mounts m;
    const struct odx_linux_mount *x;
    CHECK_INT(fx_parse(&m, "9 1 0:1 / / rw - ext4 a rw\n"
                           "5 9 0:2 / /x rw - xfs b rw\n"
                           "9 1 0:3 / /y rw - btrfs c rw\n"),
              ODX_OK);
    CHECK_INT(m.count, 3);
    CHECK_INT(m.problem_total, 1);
    CHECK_INT(m.problems[0].line, 3);
    CHECK_STR(m.problems[0].what, "duplicate mount id");
    x = odx_linux_mounts_find_id(&m, 9);
    CHECK(x && x->line == 1);
    x = odx_linux_mounts_find_id(&m, 5);
    CHECK(x && x->line == 2);
    odx_linux_mounts_cleanup(&m);
}

/* Text of n copies of line. */
static char *repeat(const char *line, size_t n, size_t *len)
{
    size_t l = strlen(line), i;
    char *s = malloc(l * n + 1u);
    if (!s)
        exit(2);
    for (i = 0; i < n; i++)
        memcpy(s + i * l, line, l);
    s[l * n] = '\0';
    *len = l * n;
    return s;
}

static void test_caps(void)
{
    struct odx_linux_mounts m;
    size_t len, i;
    char *s;

    CHECK_INT(odx_linux_mounts_parse(&m, "", 0), ODX_E_EMPTY);
    CHECK_INT(odx_linux_mounts_parse(&m, NULL, 5), ODX_E_INVAL);
    CHECK_INT(odx_linux_mounts_parse(NULL, "x\n", 2), ODX_E_INVAL);

    /* Over the byte cap, whatever the content. */
    s = repeat("\n", ODX_LINUX_MOUNTINFO_MAX_BYTES + 1u, &len);
    CHECK_INT(odx_linux_mounts_parse(&m, s, len), ODX_E_TOO_BIG);
    free(s);

    /* Over the line cap, and right at it: every empty line is a recorded problem. */
    s = repeat("\n", ODX_LINUX_MOUNTINFO_MAX_LINES + 1u, &len);
    CHECK_INT(odx_linux_mounts_parse(&m, s, len), ODX_E_TOO_BIG);
    CHECK_INT(odx_linux_mounts_parse(&m, s, len - 1u), ODX_OK);
    CHECK_INT(m.count, 0);
    CHECK_INT(m.problem_total, ODX_LINUX_MOUNTINFO_MAX_LINES);
    CHECK_INT(m.problem_count, ODX_LINUX_MOUNTINFO_MAX_PROBLEMS);
    odx_linux_mounts_cleanup(&m);
    free(s);

    /* Over the option cap of the whole text: 100000 mounts of 21 options. */
    s = repeat("1 1 0:1 / / a,a,a,a,a,a,a,a,a,a - t s a,a,a,a,a,a,a,a,a,a,a\n",
               ODX_LINUX_MOUNTINFO_MAX_LINES, &len);
    CHECK_INT(odx_linux_mounts_parse(&m, s, len), ODX_E_TOO_BIG);
    CHECK_INT(m.count, 0);
    free(s);

    /* One line over the line-length cap is skipped; the next still parses. */
    len = ODX_LINUX_MOUNTINFO_MAX_LINE + 100u;
    s = malloc(len + 200u);
    if (!s)
        exit(2);
    strcpy(s, "1 0 0:1 / /");
    for (i = strlen(s); i < len; i++)
        s[i] = 'a';
    strcpy(s + len, " rw - xfs x rw\n2 0 0:1 / / rw - xfs x rw\n");
    CHECK_INT(odx_linux_mounts_parse(&m, s, strlen(s)), ODX_OK);
    CHECK_INT(m.count, 1);
    CHECK_INT(m.problem_total, 1);
    CHECK_STR(m.problems[0].what, "line too long");
    CHECK_INT(m.items[0].mount_id, 2);
    odx_linux_mounts_cleanup(&m);
    free(s);

    /* Too many options on one mount. */
    s = malloc(3u * ODX_LINUX_MOUNT_MAX_OPTS + 100u);
    if (!s)
        exit(2);
    strcpy(s, "1 0 0:1 / / rw - xfs x rw");
    for (i = 0; i < ODX_LINUX_MOUNT_MAX_OPTS; i++)
        strcat(s, ",a");
    strcat(s, "\n");
    CHECK_INT(fx_parse(&m, s), ODX_OK);
    CHECK_INT(m.count, 0);
    CHECK_STR(m.problems[0].what, "too many options");
    odx_linux_mounts_cleanup(&m);
    free(s);
}

static void test_find_path(void)
{
    struct odx_linux_mounts m;
    static const struct {
        const char *path;
        int id; /* -1: none */
    } cases[] = {
        {"/srv/lab/mnt/xfs/ovl/upper", 62},
        {"/srv/lab/mnt/xfs", 62},
        {"/srv/lab/mnt/xfs-bind/x", 63},
        {"/srv/lab/mnt/xfsX/y", 42},
        {"/srv/lab/mnt/xfs2 sp/a", 64},
        {"/srv/lab/mnt/btrfs-sv/f", 67},
        {"/srv/lab/build/xfs.img", 42},
        {"/dev/shm/x", 59}, /* 59 is mounted over 58 */
        {"/dev/pts/0", 61},
        {"/dev/null", 57},
        {"/sys/fs/cgroup/cpu/tasks", 47},
        {"/sys/fs/cgroupX", 45},
        {"/", 42},
        {"//srv/lab/mnt//xfs/./a/", 62},
        {"/srv/lab/mnt/xfs/../ext4", -1},
        {"relative/path", -1},
        {"", -1},
    };
    size_t i;
    const struct odx_linux_mount *x;
    char long_path[5000];

    fx_parse_file(&m, "mountinfo-all.txt");
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        x = odx_linux_mounts_find_path(&m, cases[i].path);
        if (cases[i].id < 0) {
            CHECK(x == NULL);
        } else {
            CHECK(x != NULL);
            if (x && (int)x->mount_id != cases[i].id)
                fprintf(stderr, "path %s\n", cases[i].path);
            CHECK_INT(x ? (int)x->mount_id : -1, cases[i].id);
        }
    }
    memset(long_path, 'a', sizeof(long_path) - 1u);
    long_path[0] = '/';
    long_path[sizeof(long_path) - 1u] = '\0';
    CHECK(odx_linux_mounts_find_path(&m, long_path) == NULL);
    CHECK(odx_linux_mounts_find_path(NULL, "/") == NULL);
    CHECK(odx_linux_mounts_find_path(&m, NULL) == NULL);
    odx_linux_mounts_cleanup(&m);

    /* A partial capture: no root mount, ancestors outside the table. */
    fx_parse_file(&m, "xfs-loop/mountinfo.txt");
    x = odx_linux_mounts_find_path(&m, "/srv/lab/mnt/xfs/f");
    CHECK(x && x->mount_id == 62);
    CHECK(odx_linux_mounts_find_path(&m, "/etc") == NULL);
    odx_linux_mounts_cleanup(&m);

    /* /a/b sits on the first /a, which another /a later covered: /a/b is hidden. */
    CHECK_INT(fx_parse(&m, "1 0 0:1 / / rw - ext4 r rw\n"
                           "2 1 0:2 / /a rw - xfs a1 rw\n"
                           "3 2 0:3 / /a/b rw - tmpfs b rw\n"
                           "4 2 0:4 / /a rw - btrfs a2 rw\n"),
              ODX_OK);
    x = odx_linux_mounts_find_path(&m, "/a/b/c");
    CHECK(x && x->mount_id == 4);
    odx_linux_mounts_cleanup(&m);

    /* /a/b was mounted on / before /a was: /a hides it. */
    CHECK_INT(fx_parse(&m, "1 0 0:1 / / rw - ext4 r rw\n"
                           "2 1 0:2 / /a/b rw - xfs b rw\n"
                           "3 1 0:3 / /a rw - tmpfs a rw\n"),
              ODX_OK);
    x = odx_linux_mounts_find_path(&m, "/a/b/c");
    CHECK(x && x->mount_id == 3);
    x = odx_linux_mounts_find_path(&m, "/z");
    CHECK(x && x->mount_id == 1);
    odx_linux_mounts_cleanup(&m);

    /* A forged parent loop must not hang the visibility walk. */
    CHECK_INT(fx_parse(&m, "1 2 0:1 / /a rw - ext4 r rw\n"
                           "2 1 0:2 / /a/b rw - xfs b rw\n"),
              ODX_OK);
    x = odx_linux_mounts_find_path(&m, "/a/b/c");
    CHECK(x && x->mount_id == 2);
    odx_linux_mounts_cleanup(&m);
}

static void test_nomem(void)
{
    size_t len;
    char *text = fx_read("mountinfo-all.txt", &len);
    long n;
    enum odx_status st = ODX_E_NOMEM;
    for (n = 0; n < 200 && st == ODX_E_NOMEM; n++) {
        struct odx_linux_mounts m;
        odx_alloc_fail_after(n);
        st = odx_linux_mounts_parse(&m, text, len);
        odx_alloc_fail_after(-1);
        if (st == ODX_E_NOMEM) {
            CHECK_INT(m.count, 0);
            CHECK(m.items == NULL);
        } else {
            CHECK_INT(st, ODX_OK);
            CHECK_INT(m.count, 33);
            CHECK(n > 0);
        }
        odx_linux_mounts_cleanup(&m);
    }
    CHECK_INT(st, ODX_OK);
    free(text);
}

int main(void)
{
    test_xfs();
    test_btrfs_subvolume();
    test_tmpfs_spaces();
    test_fuse_types();
    test_other_stacks();
    test_all();
    test_tags_and_escapes();
    test_malformed();
    test_duplicate_id();
    test_caps();
    test_find_path();
    test_nomem();
    CHECK_DONE();
}
