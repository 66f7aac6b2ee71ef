/*
 * Help texts. docs/cli.md lists the same options and exit codes; a test
 * compares the two so that they cannot drift apart.
 */
#include <string.h>

#include "cli.h"

static const char usage_probe[] =
    "usage: odxprobe [--volume V]... [--path DIR]... [--cross] [--static] [--size BYTES]\n"
    "                [--json] [-o FILE] [-v]\n";
static const char usage_analyze[] = "usage: odxprobe analyze [--json] [-o FILE] REPORT.json\n";
static const char usage_explain[] = "usage: odxprobe explain CODE\n";

static const char help_text[] =
    "odxprobe: does copy offload (ODX) work on each volume of this machine, and if\n"
    "not, which filter driver, policy, file system or storage stops it?\n"
    "\n"
    "Commands:\n"
    "  odxprobe [OPTIONS]                  probe this machine (trial copies included)\n"
    "  odxprobe analyze [OPTIONS] REPORT    re-analyse a saved report (\"-\" reads stdin)\n"
    "  odxprobe explain CODE               what an error code means for copy offload\n"
    "                                      (4441, 0x1159, 0xC000A2A2, ERROR_..., EXDEV)\n"
    "\n"
    "Probe options:\n"
    "  --volume V      probe only volume V: drive letter, mount point, volume GUID\n"
    "                  path or NT device name; repeatable\n"
    "  --path DIR      trial copy inside DIR (an SMB share, a CSV path); repeatable\n"
    "  --cross         also copy between volumes (source on one, destination on another)\n"
    "  --static        list and read only: no trial, nothing written anywhere\n"
    "  --size BYTES    trial file size, default 1M; 256K to 1G, a multiple of 4K\n"
    "\n"
    "Output options (probe and analyze):\n"
    "  --json          write the JSON report on stdout instead of the summary\n"
    "  -o, --output FILE\n"
    "                  write the JSON report to FILE, a new file (never replaced);\n"
    "                  the summary still goes to stdout\n"
    "  -v, --verbose   progress on stderr\n"
    "\n"
    "Other options:\n"
    "  -h, --help      this help\n"
    "  --version       the version\n"
    "\n"
    "Exit codes:\n"
    "  0  ran; no blocker found\n"
    "  1  ran; copy offload is blocked somewhere and the report says why\n"
    "  2  could not complete (no probe for this system, a volume undecided, I/O error)\n"
    "  3  usage or input error (bad option, unreadable or invalid report)\n"
    "\n"
    "The trial creates a private folder with two new files of --size bytes on each\n"
    "volume it tests, and removes them, also on Ctrl+C. See docs/cli.md.\n";

void odx_help_usage(FILE *f, const char *command)
{
    if (command && strcmp(command, "analyze") == 0)
        fputs(usage_analyze, f);
    else if (command && strcmp(command, "explain") == 0)
        fputs(usage_explain, f);
    else
        fputs(usage_probe, f);
}

void odx_help_print(FILE *f, const char *command)
{
    if (command && (strcmp(command, "analyze") == 0 || strcmp(command, "explain") == 0)) {
        odx_help_usage(f, command);
        fputc('\n', f);
    }
    fputs(help_text, f);
}
