/*
 * overlayfs layers from a parsed mount's superblock options, each resolved
 * to the mount that holds it (overlay on XFS vs overlay on ext4 decides
 * whether FICLONE can work: fs/overlayfs/file.c hands it to the upper file).
 *
 * Pure. What the kernel shows is ovl_show_options() (fs/overlayfs/params.c):
 * either lowerdir=<the string the mounter gave> or one lowerdir+=/datadir+=
 * per layer (Linux 6.8), then upperdir= and workdir=, each passed through
 * seq_show_option(), whose octal escapes the mountinfo parser has already
 * decoded. In the lowerdir string ':' separates layers, "::" starts the
 * data-only layers, and '\' escapes the next character
 * (ovl_parse_param_split_lowerdirs, ovl_unescape); upperdir and workdir are
 * unescaped the same way, lowerdir+ and datadir+ are taken literally.
 *
 * The paths are as the mounter wrote them, in its mount namespace; a relative
 * path (allowed by mount(2)) or one from another namespace stays unresolved.
 */
#include "linux_internal.h"

#include "odx/alloc.h"

#include <string.h>

void odx_linux_overlay_init(struct odx_linux_overlay *ov)
{
    memset(ov, 0, sizeof(*ov));
}

void odx_linux_overlay_cleanup(struct odx_linux_overlay *ov)
{
    size_t i;
    if (!ov)
        return;
    for (i = 0; i < ov->count; i++)
        odx_free(ov->layers[i].path);
    odx_free(ov->layers);
    odx_linux_overlay_init(ov);
}

/* Append a layer whose path is already decoded into an odx_malloc'd string (taken over). */
static void put_layer(struct odx_linux_overlay *ov, enum odx_linux_ovl_role role, char *path,
                      const struct odx_linux_mounts *mounts)
{
    struct odx_linux_ovl_layer *l = &ov->layers[ov->count++];
    l->role = role;
    l->path = path;
    l->mount = mounts ? odx_linux_mounts_find_path(mounts, path) : NULL;
    if (role == ODX_LINUX_OVL_LOWER)
        ov->lower_count++;
    else if (role == ODX_LINUX_OVL_DATA)
        ov->data_count++;
}

/* Copy s[0..n) dropping each '\' and keeping the character after it (ovl_unescape). */
static char *unescape_copy(const char *s, size_t n)
{
    char *d = odx_malloc(n + 1u), *p = d;
    size_t i;
    if (!d)
        return NULL;
    for (i = 0; i < n; i++) {
        if (s[i] == '\\') {
            if (++i == n)
                break;
        }
        *p++ = s[i];
    }
    *p = '\0';
    return d;
}

/*
 * Walk the legacy lowerdir string. With ov NULL, only validate and count;
 * otherwise append the layers. Mirrors ovl_parse_param_split_lowerdirs():
 * no leading ':' (append is refused), no trailing ':', no ":::", no empty
 * layer, and after the first "::" every separator must be "::".
 */
static enum odx_status split_lowerdir(const char *s, struct odx_linux_overlay *ov,
                                      const struct odx_linux_mounts *mounts, size_t *layers)
{
    size_t i = 0, start = 0, n = strlen(s);
    bool data = false;

    *layers = 0;
    if (n == 0 || s[0] == ':')
        return ODX_E_MALFORMED;
    for (;;) {
        bool end = i == n;
        if (!end && s[i] == '\\') {
            i += i + 1u < n ? 2u : 1u;
            continue;
        }
        if (end || s[i] == ':') {
            size_t colons = 0;
            if (i == start)
                return ODX_E_MALFORMED;
            if (++*layers > ODX_LINUX_OVL_MAX_LAYERS)
                return ODX_E_TOO_BIG;
            if (ov) {
                char *path = unescape_copy(s + start, i - start);
                if (!path)
                    return ODX_E_NOMEM;
                put_layer(ov, data ? ODX_LINUX_OVL_DATA : ODX_LINUX_OVL_LOWER, path, mounts);
            }
            if (end)
                return ODX_OK;
            while (i < n && s[i] == ':')
                colons++, i++;
            if (colons > 2u || i == n)
                return ODX_E_MALFORMED;
            if (colons == 2u)
                data = true;
            else if (data)
                return ODX_E_MALFORMED; /* regular layer after data layers */
            start = i;
            continue;
        }
        i++;
    }
}

enum odx_status odx_linux_overlay_parse(struct odx_linux_overlay *out,
                                        const struct odx_linux_mount *m,
                                        const struct odx_linux_mounts *mounts)
{
    struct odx_linux_overlay ov;
    const struct odx_linux_opt *lower, *upper, *work, *o;
    size_t i, plus = 0, total;
    bool seen_data = false;
    enum odx_status st;

    if (!out)
        return ODX_E_INVAL;
    odx_linux_overlay_init(out);
    if (!m || !m->fstype || strcmp(m->fstype, "overlay") != 0)
        return ODX_E_INVAL;
    odx_linux_overlay_init(&ov);

    lower = odx_linux_opts_find(&m->super_opts, "lowerdir");
    upper = odx_linux_opts_find(&m->super_opts, "upperdir");
    work = odx_linux_opts_find(&m->super_opts, "workdir");
    for (i = 0; i < m->super_opts.count; i++) {
        o = &m->super_opts.items[i];
        if (strcmp(o->key, "lowerdir+") == 0 || strcmp(o->key, "datadir+") == 0) {
            bool is_data = o->key[0] == 'd';
            if (!o->value || !*o->value || (seen_data && !is_data) || (is_data && plus == 0))
                return ODX_E_MALFORMED;
            seen_data = seen_data || is_data;
            if (++plus > ODX_LINUX_OVL_MAX_LAYERS)
                return ODX_E_TOO_BIG;
        }
    }
    /* ovl_show_options() shows one form or the other, never both. */
    if ((lower && plus) || (!lower && !plus))
        return ODX_E_MALFORMED;
    if (lower) {
        if (!lower->value)
            return ODX_E_MALFORMED;
        st = split_lowerdir(lower->value, NULL, NULL, &plus);
        if (st != ODX_OK)
            return st;
    }
    if (upper && (!upper->value || !*upper->value || !work || !work->value || !*work->value))
        return ODX_E_MALFORMED;

    total = plus + (upper ? 2u : 0u);
    ov.layers = odx_calloc(total, sizeof(*ov.layers));
    if (!ov.layers)
        return ODX_E_NOMEM;

    if (upper) {
        const struct odx_linux_opt *pair[2] = {upper, work};
        for (i = 0; i < 2u; i++) {
            char *path = unescape_copy(pair[i]->value, strlen(pair[i]->value));
            if (!path) {
                st = ODX_E_NOMEM;
                goto fail;
            }
            put_layer(&ov, i == 0 ? ODX_LINUX_OVL_UPPER : ODX_LINUX_OVL_WORK, path, mounts);
        }
        ov.has_upper = true;
    }
    if (lower) {
        st = split_lowerdir(lower->value, &ov, mounts, &plus);
        if (st != ODX_OK)
            goto fail;
    } else {
        for (i = 0; i < m->super_opts.count; i++) {
            char *path;
            o = &m->super_opts.items[i];
            if (strcmp(o->key, "lowerdir+") != 0 && strcmp(o->key, "datadir+") != 0)
                continue;
            path = odx_strdup(o->value);
            if (!path) {
                st = ODX_E_NOMEM;
                goto fail;
            }
            put_layer(&ov, o->key[0] == 'd' ? ODX_LINUX_OVL_DATA : ODX_LINUX_OVL_LOWER, path,
                      mounts);
        }
    }

    ov.is_volatile = odx_linux_opts_find(&m->super_opts, "volatile") != NULL;
    o = odx_linux_opts_find(&m->super_opts, "metacopy");
    ov.metacopy = o ? o->value : NULL;
    o = odx_linux_opts_find(&m->super_opts, "redirect_dir");
    ov.redirect_dir = o ? o->value : NULL;
    o = odx_linux_opts_find(&m->super_opts, "index");
    ov.index = o ? o->value : NULL;
    o = odx_linux_opts_find(&m->super_opts, "xino");
    ov.xino = o ? o->value : NULL;
    *out = ov;
    return ODX_OK;
fail:
    odx_linux_overlay_cleanup(&ov);
    return st;
}
