/* Knowledge tables: code lookup in every numbering, parsing as users type codes, altitudes. */
#include "check.h"
#include "odx/knowledge.h"

#include <stdint.h>

static struct odx_code code(enum odx_code_kind kind, uint32_t value)
{
    struct odx_code c = {kind, value};
    return c;
}

static void check_parse(const char *text, enum odx_code_kind kind, uint32_t value)
{
    struct odx_code c;
    enum odx_status st = odx_code_parse(text, &c);
    if (st != ODX_OK || c.kind != kind || c.value != value) {
        fprintf(stderr, "parse(\"%s\"): status %d kind %d value 0x%x, expected kind %d 0x%x\n",
                text, (int)st, (int)c.kind, (unsigned)c.value, (int)kind, (unsigned)value);
        check_failures++;
    }
}

int main(void)
{
    char buf[160];
    const struct odx_code_info *info;
    struct odx_code_forms forms;
    size_t i, j;

    /* The four offload codes and their NTSTATUS twins [S8, S12]. */
    info = odx_code_lookup(code(ODX_CODE_WIN32, 4441));
    CHECK(info != NULL);
    CHECK_STR(info->name, "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED");
    CHECK_U64(info->twin_value, 0xC000A2A2u);
    CHECK_INT(info->cls, ODX_CC_FILTER_WRITE);
    CHECK_STR(odx_code_name(code(ODX_CODE_NTSTATUS, 0xC000A2A1)),
              "STATUS_OFFLOAD_READ_FLT_NOT_SUPPORTED");
    CHECK_INT(odx_code_class_of(code(ODX_CODE_NTSTATUS, 0xC000A2A3)), ODX_CC_FILE);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 4443)), ODX_CC_FILE);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 4440)), ODX_CC_FILTER_READ);

    /* The neighbours some web summaries get wrong. */
    CHECK_STR(odx_code_name(code(ODX_CODE_WIN32, 50)), "ERROR_NOT_SUPPORTED");
    CHECK_STR(odx_code_name(code(ODX_CODE_WIN32, 1)), "ERROR_INVALID_FUNCTION");
    CHECK(odx_code_name(code(ODX_CODE_WIN32, 0x47)) == NULL);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 1)), ODX_CC_FS_UNSUPPORTED);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 50)), ODX_CC_NOT_SUPPORTED);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 315)), ODX_CC_TOKEN);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 316)), ODX_CC_STORAGE);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 321)), ODX_CC_UNREACHABLE);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 112)), ODX_CC_DISK_FULL);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_ERRNO, 18)), ODX_CC_CROSS_DEVICE);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_ERRNO, 95)), ODX_CC_FS_UNSUPPORTED);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 0)), ODX_CC_SUCCESS);
    CHECK_INT(odx_code_class_of(code(ODX_CODE_WIN32, 99999)), ODX_CC_OTHER);

    /* HRESULT_FROM_WIN32 and Filter Manager HRESULTs. */
    CHECK_STR(odx_code_name(code(ODX_CODE_HRESULT, 0x80070005)), "E_ACCESSDENIED");
    CHECK_STR(odx_code_name(code(ODX_CODE_HRESULT, 0x80070103)), "ERROR_NO_MORE_ITEMS");
    CHECK_STR(odx_code_describe(code(ODX_CODE_HRESULT, 0x8007007A), buf, sizeof(buf)),
              "HRESULT_FROM_WIN32(ERROR_INSUFFICIENT_BUFFER) (0x8007007A)");
    CHECK_STR(odx_code_name(code(ODX_CODE_HRESULT, 0x801F0014)), "ERROR_FLT_VOLUME_NOT_FOUND");
    CHECK_STR(odx_code_describe(code(ODX_CODE_WIN32, 4441), buf, sizeof(buf)),
              "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED (4441, 0x1159)");
    CHECK_STR(odx_code_describe(code(ODX_CODE_WIN32, 12345), buf, sizeof(buf)),
              "Win32 error 12345 (0x3039)");
    CHECK_STR(odx_code_describe(code(ODX_CODE_ERRNO, 18), buf, sizeof(buf)), "EXDEV (errno 18)");

    /* Every way a user may type 4441. */
    check_parse("4441", ODX_CODE_WIN32, 4441);
    check_parse("0x1159", ODX_CODE_WIN32, 4441);
    check_parse("0xC000A2A2", ODX_CODE_NTSTATUS, 0xC000A2A2);
    check_parse("0xc000a2a2", ODX_CODE_NTSTATUS, 0xC000A2A2);
    check_parse("-1073700190", ODX_CODE_NTSTATUS, 0xC000A2A2);
    check_parse("0x80071159", ODX_CODE_HRESULT, 0x80071159);
    check_parse("ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED", ODX_CODE_WIN32, 4441);
    check_parse("STATUS_OFFLOAD_WRITE_FLT_NOT_SUPPORTED", ODX_CODE_NTSTATUS, 0xC000A2A2);
    check_parse("E_ACCESSDENIED", ODX_CODE_HRESULT, 0x80070005);
    check_parse("EXDEV", ODX_CODE_ERRNO, 18);
    check_parse("ENOTSUP", ODX_CODE_ERRNO, 95);
    check_parse("errno:95", ODX_CODE_ERRNO, 95);
    {
        struct odx_code c;
        CHECK_INT(odx_code_parse("", &c), ODX_E_INVAL);
        CHECK_INT(odx_code_parse("0x", &c), ODX_E_INVAL);
        CHECK_INT(odx_code_parse("12abc", &c), ODX_E_INVAL);
        CHECK_INT(odx_code_parse("0x100000000", &c), ODX_E_INVAL);
        CHECK_INT(odx_code_parse("NO_SUCH_CODE", &c), ODX_E_NOT_FOUND);
        CHECK_INT(odx_code_parse("rm -rf /", &c), ODX_E_INVAL);
        CHECK_INT(odx_code_parse("errno:-1", &c), ODX_E_INVAL);
    }

    odx_code_forms_of(code(ODX_CODE_NTSTATUS, 0xC000A2A2), &forms);
    CHECK(forms.has_win32 && forms.win32 == 4441);
    CHECK(forms.has_hresult && forms.hresult == 0x80071159);
    odx_code_forms_of(code(ODX_CODE_HRESULT, 0x80071159), &forms);
    CHECK(forms.has_ntstatus && forms.ntstatus == 0xC000A2A2);

    /* Table hygiene: every entry named and explained, no (kind, value) twice. */
    for (i = 0; (info = odx_code_table_at(i)) != NULL; i++) {
        const struct odx_code_info *other;
        CHECK(info->name && info->name[0]);
        CHECK(info->meaning && info->meaning[0]);
        for (j = i + 1; (other = odx_code_table_at(j)) != NULL; j++)
            if (other->kind == info->kind && other->value == info->value) {
                fprintf(stderr, "duplicate code %s\n", info->name);
                check_failures++;
            }
    }
    CHECK(i > 60);

    /* Altitudes: groups and numeric order of decimal strings [S20]. */
    CHECK_STR(odx_altitude_group_of("328010")->name, "FSFilter Anti-Virus");
    CHECK_STR(odx_altitude_group_of("385250.5")->name, "FSFilter Activity Monitor");
    CHECK_STR(odx_altitude_group_of("40700")->name, "FSFilter Bottom");
    CHECK(odx_altitude_group_of("12x") == NULL);
    CHECK(odx_altitude_group_of("999999") == NULL);
    CHECK(odx_altitude_cmp("328010", "40700") > 0);
    CHECK(odx_altitude_cmp("385250.5", "385250") > 0);
    CHECK(odx_altitude_cmp("385250.50", "385250.5") == 0);
    CHECK(odx_altitude_cmp("0040700", "40700") == 0);
    CHECK(odx_altitude_cmp("41006.03", "41006.1") < 0);
    CHECK(odx_altitude_cmp("junk", "1") < 0);
    CHECK(odx_altitude_cmp(NULL, NULL) == 0);

    CHECK(odx_known_filter_lookup("wdfilter") != NULL);
    CHECK(odx_known_filter_lookup("WdFilter.sys") != NULL);
    CHECK_STR(odx_known_filter_lookup("WOF")->altitude, "40700");
    CHECK(odx_known_filter_lookup("CSAgent") == NULL);

    CHECK_STR(odx_features_describe(0xF, buf, sizeof(buf)),
              "offload_read|offload_write|query_open|bypass_io");
    CHECK_STR(odx_features_describe(0x0, buf, sizeof(buf)), "none");
    CHECK_STR(odx_features_describe(0x12, buf, sizeof(buf)), "offload_write|0x10");

    CHECK_INT(odx_fs_lookup("btrfs")->reflink_cap, ODX_FS_CAP_YES);
    CHECK_INT(odx_fs_lookup("ext4")->reflink_cap, ODX_FS_CAP_NO);
    CHECK_STR(odx_fs_lookup("fuse.unheard-of")->type, "fuse");
    CHECK_STR(odx_fs_lookup("fuse.sshfs")->type, "fuse.sshfs");
    CHECK(odx_fs_lookup("fuse.sshfs")->network);
    CHECK(odx_fs_lookup("proc")->pseudo);
    CHECK_INT(odx_fs_lookup("xfs")->reflink_cap, ODX_FS_CAP_FEATURE);
    CHECK(odx_fs_lookup("nosuchfs") == NULL);
    CHECK_DONE();
}
