/*
 * `odxprobe explain CODE`: what a code means for copy offload, in every
 * numbering it has, the likely cause and what to do.
 */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "odx/knowledge.h"

int odx_cmd_explain(int argc, char **argv)
{
    struct odx_code code;
    struct odx_code_forms forms;
    const struct odx_code_info *info;
    const char *text;
    char buf[160];
    enum odx_status st;

    if (argc >= 3 && (strcmp(argv[2], "--help") == 0 || strcmp(argv[2], "-h") == 0)) {
        odx_help_print(stdout, "explain");
        return ODX_EXIT_OK;
    }
    if (argc != 3) {
        odx_cli_error(argc < 3 ? "explain needs a code" : "explain takes one code");
        odx_help_usage(stderr, "explain");
        return ODX_EXIT_USAGE;
    }
    text = argv[2];
    st = odx_code_parse(text, &code);
    if (st == ODX_E_NOT_FOUND) {
        fputs("odxprobe: error: no code is named '", stderr);
        odx_cli_put_safe(stderr, text);
        fputs("'\n", stderr);
        return ODX_EXIT_USAGE;
    }
    if (st != ODX_OK) {
        fputs("odxprobe: error: '", stderr);
        odx_cli_put_safe(stderr, text);
        fputs("' is not a code (try 4441, 0x1159, 0xC000A2A2 or "
              "ERROR_OFFLOAD_WRITE_FLT_NOT_SUPPORTED)\n",
              stderr);
        return ODX_EXIT_USAGE;
    }
    info = odx_code_lookup(code);
    odx_code_forms_of(code, &forms);
    printf("%s\n", odx_code_describe(code, buf, sizeof(buf)));
    if (forms.has_win32)
        printf("  Win32     %" PRIu32 " (0x%" PRIX32 ")%s%s\n", forms.win32, forms.win32,
               info && info->kind == ODX_CODE_WIN32 ? "  " : "",
               info && info->kind == ODX_CODE_WIN32 ? info->name : "");
    if (forms.has_ntstatus) {
        struct odx_code nt = {ODX_CODE_NTSTATUS, forms.ntstatus};
        const char *name = odx_code_name(nt);
        printf("  NTSTATUS  0x%08" PRIX32 "%s%s\n", forms.ntstatus, name ? "  " : "",
               name ? name : "");
    }
    if (forms.has_hresult)
        printf("  HRESULT   0x%08" PRIX32 "\n", forms.hresult);
    if (code.kind == ODX_CODE_ERRNO)
        printf("  errno     %" PRIu32 " (Linux numbering)\n", code.value);
    if (!info) {
        printf("\nodxprobe knows nothing more of this code: it is not one that copy offload\n"
               "or the probe is known to meet.\n");
        return ODX_EXIT_OK;
    }
    printf("\nMeaning:       %s\n", info->meaning);
    if (info->cause)
        printf("Likely cause:  %s\n", info->cause);
    if (info->remedy)
        printf("What to do:    %s\n", info->remedy);
    if (fflush(stdout) != 0 || ferror(stdout))
        return ODX_EXIT_INCOMPLETE;
    return ODX_EXIT_OK;
}
