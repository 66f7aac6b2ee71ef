/* overlayfs options: the captured overlay on XFS, escapes, data-only layers, lowerdir+ form,
 * layer resolution to the holding mount, malformed options. */
#include "check.h"
#include "fixture.h"
#include "linux_internal.h"
#include "odx/alloc.h"

#include <stdlib.h>
#include <string.h>

static void test_captured(void)
{
    struct odx_linux_mounts m;
    struct odx_linux_overlay ov;
    const struct odx_linux_mount *x;
    size_t i;

    fx_parse_file(&m, "mountinfo-all.txt");
    x = odx_linux_mounts_find_id(&m, 72);
    CHECK(x != NULL);
    CHECK_INT(odx_linux_overlay_parse(&ov, x, &m), ODX_OK);
    CHECK_INT(ov.count, 3);
    CHECK(ov.has_upper);
    CHECK_INT(ov.lower_count, 1);
    CHECK_INT(ov.data_count, 0);
    CHECK(!ov.is_volatile);
    CHECK(ov.metacopy == NULL);
    CHECK(ov.redirect_dir == NULL);
    if (ov.count == 3) {
        CHECK_INT(ov.layers[0].role, ODX_LINUX_OVL_UPPER);
        CHECK_STR(ov.layers[0].path, "/srv/lab/mnt/xfs/ovl/upper");
        CHECK_INT(ov.layers[1].role, ODX_LINUX_OVL_WORK);
        CHECK_STR(ov.layers[1].path, "/srv/lab/mnt/xfs/ovl/work");
        CHECK_INT(ov.layers[2].role, ODX_LINUX_OVL_LOWER);
        CHECK_STR(ov.layers[2].path, "/srv/lab/mnt/xfs/ovl/lower");
        for (i = 0; i < 3; i++) {
            /* Every layer lives on the XFS at /srv/lab/mnt/xfs, mount 62. */
            CHECK(ov.layers[i].mount != NULL);
            if (ov.layers[i].mount) {
                CHECK_INT(ov.layers[i].mount->mount_id, 62);
                CHECK_STR(ov.layers[i].mount->fstype, "xfs");
            }
        }
        if (ov.layers[0].mount) {
            struct odx_linux_mount_class c;
            odx_linux_mount_classify(ov.layers[0].mount, &c);
            CHECK_INT(c.reflink, ODX_FS_CAP_FEATURE);
        }
    }
    odx_linux_overlay_cleanup(&ov);
    CHECK_INT(ov.count, 0);

    /* Not an overlay. */
    CHECK_INT(odx_linux_overlay_parse(&ov, odx_linux_mounts_find_id(&m, 62), &m), ODX_E_INVAL);
    CHECK_INT(odx_linux_overlay_parse(&ov, NULL, &m), ODX_E_INVAL);
    CHECK_INT(odx_linux_overlay_parse(NULL, x, &m), ODX_E_INVAL);
    odx_linux_mounts_cleanup(&m);

    /* The overlay line alone: the layers' mounts are not in the table. */
    fx_parse_file(&m, "overlay-on-xfs/mountinfo.txt");
    CHECK_INT(odx_linux_overlay_parse(&ov, &m.items[0], &m), ODX_OK);
    CHECK_INT(ov.count, 3);
    for (i = 0; i < ov.count; i++)
        CHECK(ov.layers[i].mount == NULL);
    odx_linux_overlay_cleanup(&ov);
    CHECK_INT(odx_linux_overlay_parse(&ov, &m.items[0], NULL), ODX_OK);
    CHECK(ov.count == 3 && ov.layers[0].mount == NULL);
    odx_linux_overlay_cleanup(&ov);
    odx_linux_mounts_cleanup(&m);
}

/* Parse text, run the overlay parser on its last mount. */
static enum odx_status parse_last(const char *text, struct odx_linux_mounts *m,
                                  struct odx_linux_overlay *ov)
{
    odx_linux_overlay_init(ov);
    CHECK_INT(fx_parse(m, text), ODX_OK);
    CHECK_INT(m->problem_total, 0);
    if (m->count == 0)
        return ODX_E_NOT_FOUND;
    return odx_linux_overlay_parse(ov, &m->items[m->count - 1u], m);
}

static void test_on_ext4(void)
{
    struct odx_linux_mounts m;
    struct odx_linux_overlay ov;
    struct odx_linux_mount_class c;
    CHECK_INT(parse_last("1 0 254:0 / / rw - ext4 /dev/vda rw\n"
                         "2 1 7:0 / /x rw - xfs /dev/loop0 rw\n"
                         "3 1 0:40 / /m rw - overlay overlay rw,lowerdir=/x/l1:/l2,upperdir=/u,"
                         "workdir=/w,redirect_dir=on,metacopy=on,index=off,xino=auto,volatile\n",
                         &m, &ov),
              ODX_OK);
    CHECK_INT(ov.count, 4);
    CHECK_INT(ov.lower_count, 2);
    CHECK(ov.is_volatile);
    CHECK_STR(ov.metacopy, "on");
    CHECK_STR(ov.redirect_dir, "on");
    CHECK_STR(ov.index, "off");
    CHECK_STR(ov.xino, "auto");
    if (ov.count == 4) {
        /* Upper on ext4: FICLONE through this overlay cannot work. */
        CHECK(ov.layers[0].mount && ov.layers[0].mount->mount_id == 1);
        odx_linux_mount_classify(ov.layers[0].mount, &c);
        CHECK_INT(c.reflink, ODX_FS_CAP_NO);
        /* Lowers keep their order, topmost first, each on its own mount. */
        CHECK_STR(ov.layers[2].path, "/x/l1");
        CHECK(ov.layers[2].mount && ov.layers[2].mount->mount_id == 2);
        CHECK_STR(ov.layers[3].path, "/l2");
        CHECK(ov.layers[3].mount && ov.layers[3].mount->mount_id == 1);
    }
    odx_linux_overlay_cleanup(&ov);
    odx_linux_mounts_cleanup(&m);
}

static void test_escapes(void)
{
    struct odx_linux_mounts m;
    struct odx_linux_overlay ov;
    /* As mountinfo shows them: the mounter's "\:" and "\," with '\' and ',' octal-escaped by
     * seq_show_option, and a trailing backslash that overlayfs drops. */
    CHECK_INT(parse_last("3 1 0:40 / /m rw - overlay overlay rw,"
                         "lowerdir=/a\\134:b:/c\\134\\054d:/e\\134\\134f:/g\\040h:/t\\134,"
                         "upperdir=/u\\134\\054x,workdir=/w\\134\\072y\n",
                         &m, &ov),
              ODX_OK);
    CHECK_INT(ov.count, 7);
    CHECK_INT(ov.lower_count, 5);
    if (ov.count == 7) {
        CHECK_STR(ov.layers[0].path, "/u,x");
        CHECK_STR(ov.layers[1].path, "/w:y");
        CHECK_STR(ov.layers[2].path, "/a:b");
        CHECK_STR(ov.layers[3].path, "/c,d");
        CHECK_STR(ov.layers[4].path, "/e\\f");
        CHECK_STR(ov.layers[5].path, "/g h");
        CHECK_STR(ov.layers[6].path, "/t");
    }
    odx_linux_overlay_cleanup(&ov);
    odx_linux_mounts_cleanup(&m);
}

static void test_data_layers(void)
{
    struct odx_linux_mounts m;
    struct odx_linux_overlay ov;
    CHECK_INT(parse_last("3 1 0:40 / /m ro - overlay overlay ro,lowerdir=/l1:/l2::/d1::/d2,"
                         "metacopy=on\n",
                         &m, &ov),
              ODX_OK);
    CHECK(!ov.has_upper);
    CHECK_INT(ov.count, 4);
    CHECK_INT(ov.lower_count, 2);
    CHECK_INT(ov.data_count, 2);
    if (ov.count == 4) {
        CHECK_INT(ov.layers[0].role, ODX_LINUX_OVL_LOWER);
        CHECK_INT(ov.layers[1].role, ODX_LINUX_OVL_LOWER);
        CHECK_INT(ov.layers[2].role, ODX_LINUX_OVL_DATA);
        CHECK_STR(ov.layers[2].path, "/d1");
        CHECK_INT(ov.layers[3].role, ODX_LINUX_OVL_DATA);
    }
    odx_linux_overlay_cleanup(&ov);
    odx_linux_mounts_cleanup(&m);

    /* Linux 6.8 form: one option per layer, taken literally (no backslash unescaping). */
    CHECK_INT(parse_last("1 0 7:0 / / rw - xfs /dev/loop0 rw\n"
                         "3 1 0:40 / /m rw - overlay overlay rw,lowerdir+=/l1,"
                         "lowerdir+=/x\\134:y,datadir+=/d1,upperdir=/u,workdir=/w\n",
                         &m, &ov),
              ODX_OK);
    CHECK_INT(ov.count, 5);
    CHECK_INT(ov.lower_count, 2);
    CHECK_INT(ov.data_count, 1);
    if (ov.count == 5) {
        CHECK_STR(ov.layers[2].path, "/l1");
        CHECK_STR(ov.layers[3].path, "/x\\:y");
        CHECK_INT(ov.layers[4].role, ODX_LINUX_OVL_DATA);
        CHECK_STR(ov.layers[4].path, "/d1");
        CHECK(ov.layers[4].mount && ov.layers[4].mount->mount_id == 1);
    }
    odx_linux_overlay_cleanup(&ov);
    odx_linux_mounts_cleanup(&m);

    /* A relative layer (mount(2) allows it) stays unresolved. */
    CHECK_INT(parse_last("1 0 7:0 / / rw - xfs /dev/loop0 rw\n"
                         "3 1 0:40 / /m rw - overlay overlay rw,lowerdir=rel/l\n",
                         &m, &ov),
              ODX_OK);
    CHECK(ov.count == 1 && ov.layers[0].mount == NULL);
    odx_linux_overlay_cleanup(&ov);
    odx_linux_mounts_cleanup(&m);
}

static void test_malformed(void)
{
    static const struct {
        const char *opts;
        enum odx_status want;
    } cases[] = {
        {"rw,upperdir=/u,workdir=/w", ODX_E_MALFORMED},
        {"rw,lowerdir=", ODX_E_MALFORMED},
        {"rw,lowerdir", ODX_E_MALFORMED},
        {"rw,lowerdir=:/a", ODX_E_MALFORMED},
        {"rw,lowerdir=/a:", ODX_E_MALFORMED},
        {"rw,lowerdir=/a::", ODX_E_MALFORMED},
        {"rw,lowerdir=/a:::/b", ODX_E_MALFORMED},
        {"rw,lowerdir=/a::/d:/b", ODX_E_MALFORMED},
        {"rw,lowerdir=/a,lowerdir+=/b", ODX_E_MALFORMED},
        {"rw,datadir+=/d", ODX_E_MALFORMED},
        {"rw,lowerdir+=/a,datadir+=/d,lowerdir+=/b", ODX_E_MALFORMED},
        {"rw,lowerdir+=", ODX_E_MALFORMED},
        {"rw,lowerdir=/a,upperdir=/u", ODX_E_MALFORMED},
        {"rw,lowerdir=/a,upperdir=,workdir=/w", ODX_E_MALFORMED},
        {"rw,lowerdir=/a,upperdir=/u,workdir=", ODX_E_MALFORMED},
        {"rw,lowerdir=/a::b", ODX_OK},
        {"rw,lowerdir=/a,workdir=/w", ODX_OK},
    };
    size_t i;
    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char text[256];
        struct odx_linux_mounts m;
        struct odx_linux_overlay ov;
        enum odx_status st;
        snprintf(text, sizeof(text), "3 1 0:40 / /m rw - overlay overlay %s\n", cases[i].opts);
        st = parse_last(text, &m, &ov);
        if (st != cases[i].want)
            fprintf(stderr, "options %s\n", cases[i].opts);
        CHECK_INT(st, cases[i].want);
        if (st != ODX_OK)
            CHECK(ov.count == 0 && ov.layers == NULL);
        odx_linux_overlay_cleanup(&ov);
        odx_linux_mounts_cleanup(&m);
    }
}

static void test_layer_cap(void)
{
    size_t n;
    for (n = ODX_LINUX_OVL_MAX_LAYERS; n <= ODX_LINUX_OVL_MAX_LAYERS + 1u; n++) {
        char *text = malloc(64u + n * 4u);
        struct odx_linux_mounts m;
        struct odx_linux_overlay ov;
        size_t i;
        if (!text)
            exit(2);
        strcpy(text, "3 1 0:40 / /m rw - overlay overlay rw,lowerdir=/l");
        for (i = 1; i < n; i++)
            strcat(text, ":/l");
        strcat(text, "\n");
        CHECK_INT(parse_last(text, &m, &ov), n > ODX_LINUX_OVL_MAX_LAYERS ? ODX_E_TOO_BIG : ODX_OK);
        CHECK_INT(ov.count, n > ODX_LINUX_OVL_MAX_LAYERS ? 0 : n);
        odx_linux_overlay_cleanup(&ov);
        odx_linux_mounts_cleanup(&m);
        free(text);
    }
}

static void test_nomem(void)
{
    struct odx_linux_mounts m;
    long n;
    enum odx_status st = ODX_E_NOMEM;
    CHECK_INT(fx_parse(&m, "1 0 7:0 / / rw - xfs /dev/loop0 rw\n"
                           "3 1 0:40 / /m rw - overlay overlay rw,lowerdir=/l1:/l2::/d,"
                           "upperdir=/u,workdir=/w\n"),
              ODX_OK);
    for (n = 0; n < 50 && st == ODX_E_NOMEM; n++) {
        struct odx_linux_overlay ov;
        odx_alloc_fail_after(n);
        st = odx_linux_overlay_parse(&ov, &m.items[1], &m);
        odx_alloc_fail_after(-1);
        if (st == ODX_E_NOMEM)
            CHECK(ov.count == 0 && ov.layers == NULL);
        else
            CHECK_INT(ov.count, 5);
        odx_linux_overlay_cleanup(&ov);
    }
    CHECK_INT(st, ODX_OK);
    CHECK(n > 1);
    odx_linux_mounts_cleanup(&m);
}

int main(void)
{
    test_captured();
    test_on_ext4();
    test_escapes();
    test_data_layers();
    test_malformed();
    test_layer_cap();
    test_nomem();
    CHECK_DONE();
}
