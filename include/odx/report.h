/*
 * The JSON report: observations and analysis in separate sections, versioned,
 * UTF-8, documented in docs/report-format.md and docs/report.schema.json.
 *
 * A report is hostile input when read back: sizes are capped, every item's
 * type is checked, and a problem gives a status plus one line naming where
 * in the document it is ("observations.volumes[3].instances[0].altitude:
 * expected a string").
 */
#ifndef ODX_REPORT_H
#define ODX_REPORT_H

#include <stddef.h>

#include "odx/analysis.h"
#include "odx/model.h"
#include "odx/status.h"

/* The schema version written, and the only one read. */
#define ODX_REPORT_SCHEMA_VERSION 1

/* A larger report file is refused (the 100k-volume benchmark report stays far below). */
#define ODX_REPORT_MAX_BYTES (1024u * 1024u * 1024u)

/*
 * Renders obs and an (a) into a new NUL-terminated UTF-8 JSON text, pretty
 * printed, owned by the caller (odx_free). an may be NULL: the report then
 * has observations only. Returns ODX_E_NOMEM or ODX_OK.
 */
enum odx_status odx_report_render(const struct odx_obs *obs, const struct odx_analysis *an,
                                  char **out, size_t *out_len);

/*
 * Reads the observations of a report held in text (len bytes, need not be
 * NUL-terminated). The report's analysis section is ignored: the caller
 * analyses again. On failure *out is NULL and err (size errsize) holds one
 * line naming the problem; statuses: ODX_E_EMPTY, ODX_E_TOO_BIG, ODX_E_PARSE,
 * ODX_E_VERSION, ODX_E_SCHEMA, ODX_E_BAD_UTF8, ODX_E_NOMEM.
 */
enum odx_status odx_report_parse(const char *text, size_t len, struct odx_obs **out, char *err,
                                 size_t errsize);

/*
 * Reads a whole file, refusing more than max_bytes (ODX_E_TOO_BIG), into a
 * new buffer owned by the caller (odx_free). path "-" reads standard input.
 * On failure err holds one line (with strerror text for I/O errors).
 */
enum odx_status odx_report_read_file(const char *path, size_t max_bytes, char **out,
                                     size_t *out_len, char *err, size_t errsize);

#endif
