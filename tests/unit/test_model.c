/* The observation model: interning, growth, matching, and clean failure on no memory. */
#include "check.h"
#include "odx/alloc.h"
#include "odx/model.h"

static enum odx_status build(struct odx_obs **out)
{
    struct odx_obs *obs;
    struct odx_volume *v;
    struct odx_instance *in;
    size_t idx, i;
    enum odx_status st;
    const char *s;
    if ((st = odx_obs_new(&obs)) != ODX_OK)
        return st;
    obs->platform = ODX_PLATFORM_WINDOWS;
    for (i = 0; i < 40; i++) {
        if ((st = odx_obs_add_volume(obs, &v, &idx)) != ODX_OK)
            goto fail;
        if ((st = odx_obs_printf(obs, &s, "\\Device\\HarddiskVolume%zu", i)) != ODX_OK)
            goto fail;
        obs->volumes[idx].nt_name = s;
        if ((st = odx_obs_add_instance(obs, idx, &in)) != ODX_OK)
            goto fail;
        if ((st = odx_obs_str(obs, "WdFilter", &in->filter)) != ODX_OK)
            goto fail;
    }
    if ((st = odx_obs_add_dos_name(obs, 3, "C:")) != ODX_OK ||
        (st = odx_obs_add_dos_name(obs, 3, "C:")) != ODX_OK ||
        (st = odx_obs_add_mount_point(obs, 3, "C:\\")) != ODX_OK ||
        (st = odx_obs_add_mount_point(obs, 3, "D:\\mnt\\data\\")) != ODX_OK)
        goto fail;
    *out = obs;
    return ODX_OK;
fail:
    odx_obs_free(obs);
    return st;
}

int main(void)
{
    struct odx_obs *obs = NULL;
    char buf[32];
    long n;
    const char *a, *b;

    CHECK_INT(build(&obs), ODX_OK);
    CHECK_U64(obs->n_volumes, 40);
    CHECK_STR(obs->volumes[39].nt_name, "\\Device\\HarddiskVolume39");
    /* Interning: equal strings are one copy. */
    CHECK(obs->volumes[0].instances[0].filter == obs->volumes[39].instances[0].filter);
    CHECK_INT(odx_obs_str(obs, "x", &a), ODX_OK);
    CHECK_INT(odx_obs_strn(obs, "xy", 1, &b), ODX_OK);
    CHECK(a == b);
    CHECK_INT(odx_obs_str(obs, NULL, &a), ODX_OK);
    CHECK(a == NULL);
    CHECK_U64(obs->volumes[3].n_dos_names, 1);

    CHECK(odx_volume_matches(obs, 3, "c:"));
    CHECK(odx_volume_matches(obs, 3, "C:\\"));
    CHECK(odx_volume_matches(obs, 3, "d:\\MNT\\data"));
    CHECK(odx_volume_matches(obs, 3, "\\device\\harddiskvolume3"));
    CHECK(!odx_volume_matches(obs, 3, "C:\\mnt"));
    CHECK(!odx_volume_matches(obs, 99, "C:"));
    CHECK_STR(odx_volume_label(obs, 3, buf, sizeof(buf)), "C:");
    CHECK_STR(odx_volume_label(obs, 4, buf, sizeof(buf)), "\\Device\\HarddiskVolume4");
    CHECK_STR(odx_volume_label(obs, 400, buf, sizeof(buf)), "volume 400");
    obs->platform = ODX_PLATFORM_LINUX;
    CHECK(!odx_volume_matches(obs, 3, "c:"));

    CHECK_INT(odx_obs_add_error(obs, "FilterFindFirst", NULL,
                                (struct odx_code){ODX_CODE_HRESULT, 0x80070005}, NULL),
              ODX_OK);
    CHECK_STR(obs->errors[0].api, "FilterFindFirst");
    CHECK(odx_code_ok((struct odx_code){ODX_CODE_HRESULT, 1}));
    CHECK(!odx_code_ok((struct odx_code){ODX_CODE_NONE, 0}));
    CHECK(!odx_code_ok((struct odx_code){ODX_CODE_WIN32, 4441}));
    odx_obs_free(obs);

    {
        enum odx_stage_id s;
        CHECK(odx_stage_from_name("offload_write", &s) && s == ODX_STAGE_OFFLOAD_WRITE);
        CHECK(!odx_stage_from_name("bogus", &s));
        CHECK_STR(odx_stage_name(ODX_STAGE_CLEANUP), "cleanup");
        CHECK_STR(odx_stage_name((enum odx_stage_id)77), "invalid");
    }

    /* Fail every allocation in turn: each run must fail cleanly or succeed (no leak under ASan). */
    for (n = 0;; n++) {
        enum odx_status st;
        odx_alloc_fail_after(n);
        obs = NULL;
        st = build(&obs);
        odx_alloc_fail_after(-1);
        if (st == ODX_OK) {
            odx_obs_free(obs);
            break;
        }
        CHECK_INT(st, ODX_E_NOMEM);
    }
    CHECK(n > 10);
    CHECK_DONE();
}
