/*
 * Path to mount through statx(STATX_MNT_ID): the capture pairs stx_mnt_id of
 * four mount points with their mountinfo lines. stx_mnt_id finds the right
 * line even where st_dev cannot (btrfs subvolumes have their own st_dev).
 */
/* strtok_r is POSIX. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "fixture.h"
#include "linux_internal.h"

#include <linux/stat.h>
#include <stdlib.h>
#include <string.h>

struct statx_line {
    char path[256];
    unsigned long long mnt_id;
    unsigned dev_major, dev_minor;
};

int main(void)
{
    size_t len, n_statx = 0, i;
    char *text = fx_read("statx-mnt-id.txt", &len);
    char *mi = malloc(len + 1u), *line, *save = NULL;
    struct statx_line sx[16];
    struct odx_linux_mounts m;
    size_t mi_len = 0;

    if (!mi)
        return 2;
    /* The capture holds statx lines (starting with '/') and then mountinfo lines. */
    for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        if (line[0] == '/') {
            char *p = strstr(line, " mnt_id=");
            CHECK(p != NULL);
            if (!p || n_statx == 16)
                continue;
            *p = '\0';
            snprintf(sx[n_statx].path, sizeof(sx[n_statx].path), "%s", line);
            CHECK_INT(sscanf(p + 1, "mnt_id=%llu (mask has MNT_ID=1) st_dev=%u:%u",
                             &sx[n_statx].mnt_id, &sx[n_statx].dev_major, &sx[n_statx].dev_minor),
                      3);
            n_statx++;
        } else {
            size_t l = strlen(line);
            memcpy(mi + mi_len, line, l);
            mi_len += l;
            mi[mi_len++] = '\n';
        }
    }
    CHECK_INT(n_statx, 5);
    CHECK_INT(odx_linux_mounts_parse(&m, mi, mi_len), ODX_OK);
    CHECK_INT(m.count, 4);
    CHECK_INT(m.problem_total, 0);

    for (i = 0; i < n_statx; i++) {
        const struct odx_linux_mount *x = odx_linux_mounts_find_id(&m, sx[i].mnt_id);
        const struct odx_linux_mount *by_path = odx_linux_mounts_find_path(&m, sx[i].path);
        CHECK(x != NULL);
        if (!x)
            continue;
        /* The mount found by id is the one the path names ("/mbs/." included). */
        CHECK(x == by_path);
        CHECK_STR(x->mount_point, by_path ? by_path->mount_point : "");
    }

    /* btrfs: st_dev 0:40 of the subvolume matches no mountinfo major:minor (0:38); the id does. */
    for (i = 0; i < n_statx; i++) {
        if (strcmp(sx[i].path, "/srv/lab/mnt/mbs") == 0) {
            const struct odx_linux_mount *x = odx_linux_mounts_find_id(&m, sx[i].mnt_id);
            size_t j, dev_matches = 0;
            CHECK_INT(sx[i].mnt_id, 64);
            CHECK(x && strcmp(x->root, "/sv") == 0 && strcmp(x->fstype, "btrfs") == 0);
            for (j = 0; j < m.count; j++) {
                if (m.items[j].dev_major == sx[i].dev_major &&
                    m.items[j].dev_minor == sx[i].dev_minor)
                    dev_matches++;
            }
            CHECK_INT(dev_matches, 0);
        }
        /* The XFS bind mount shares st_dev 7:1 with its parent mount; only the id tells them
         * apart. */
        if (strcmp(sx[i].path, "/srv/lab/mnt/mxb") == 0) {
            const struct odx_linux_mount *x = odx_linux_mounts_find_id(&m, sx[i].mnt_id);
            CHECK(x && strcmp(x->root, "/sub") == 0);
        }
    }

    /* The kernel's flag value, for the probe that will call statx. */
    CHECK_INT(STATX_MNT_ID, 0x1000);
    CHECK(odx_linux_mounts_find_id(&m, 0) == NULL);
    CHECK(odx_linux_mounts_find_id(&m, 66) == NULL);
    /* STATX_MNT_ID_UNIQUE ids start above 2^31 and never match mountinfo. */
    CHECK(odx_linux_mounts_find_id(&m, ((uint64_t)1 << 31) + 64) == NULL);
    CHECK(odx_linux_mounts_find_id(NULL, 64) == NULL);

    odx_linux_mounts_cleanup(&m);
    free(mi);
    free(text);
    CHECK_DONE();
}
