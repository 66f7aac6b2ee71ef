/*
 * What each file-system type can do for a copy, as far as its type and mount
 * options tell, and which mounts are not places for files at all.
 *
 * The table itself is the core's (src/core/filters.c); what stays here is
 * the Linux-only part: FUSE subtypes and the refinement by mount options.
 * This is prior knowledge only: the probe's trial FICLONE and
 * copy_file_range are the evidence; the table explains their outcome and
 * says where a trial is pointless. Its sources are named beside it.
 */
#include "linux_internal.h"

#include <string.h>

#define NO  ODX_FS_CAP_NO
#define YES ODX_FS_CAP_YES

static const struct odx_fs_info unknown_fs = {
    "unknown",
    false,
    false,
    "type not in the table; only a trial copy tells",
    false,
    ODX_FS_CAP_UNKNOWN,
    ODX_FS_CAP_UNKNOWN,
};

const struct odx_fs_info *odx_linux_fs_lookup(const char *fstype, const char *subtype)
{
    const struct odx_fs_info *row;
    if (!fstype)
        return &unknown_fs;
    if (subtype && (strcmp(fstype, "fuse") == 0 || strcmp(fstype, "fuseblk") == 0)) {
        char full[128];
        size_t a = strlen("fuse"), b = strlen(subtype);
        /* Subtype rows are spelt "fuse.<subtype>" whether the type is fuse or fuseblk. */
        if (a + 1u + b < sizeof(full)) {
            memcpy(full, "fuse.", a + 1u);
            memcpy(full + a + 1u, subtype, b + 1u);
            row = odx_fs_lookup(full);
            if (row && strcmp(row->type, full) == 0)
                return row;
        }
    }
    /* Only FUSE types carry a '.': any other dotted name is not in the table. */
    row = strchr(fstype, '.') ? NULL : odx_fs_lookup(fstype);
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
    out->reflink = out->fs->reflink_cap;
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
