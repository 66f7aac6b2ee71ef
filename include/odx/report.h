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

/* A larger report file is refused. A report of 100,000 volumes with 24 filters each and a
 * trial per volume is about 1.2 GB; real machines write a few MB. */
#define ODX_REPORT_MAX_BYTES (2048u * 1024u * 1024u)

/*
 * Renders obs and an (a) into a new NUL-terminated UTF-8 JSON text, pretty
 * printed and ending in a newline, owned by the caller (odx_free); *out_len
 * is its length without the NUL. an may be NULL: the report then has no
 * "analysis" key. Keys come in a fixed order, so equal inputs give equal
 * bytes. A model string that is not well-formed UTF-8 (a back-end bug) is
 * written with U+FFFD in place of the bad bytes. Returns ODX_OK,
 * ODX_E_NOMEM, or ODX_E_INVAL when obs is NULL or a trial's volume index
 * points outside obs->volumes (such a report could not be read back).
 * On failure *out is NULL and *out_len 0.
 */
enum odx_status odx_report_render(const struct odx_obs *obs, const struct odx_analysis *an,
                                  char **out, size_t *out_len);

/*
 * Reads the observations of a report held in text (len bytes, need not be
 * NUL-terminated) into a new model, owned by the caller (odx_obs_free). The
 * text is only borrowed for the call: the model holds copies, so the caller
 * may free the text as soon as this returns, and should, to keep the peak
 * memory of a large report low. The parse tree is freed before returning.
 * The report's "generator" and "analysis" sections are not read: the caller
 * analyses again. The rules (required keys, unknown keys ignored, UTF-8,
 * integer ranges, limits) are in docs/report-format.md.
 *
 * On failure *out is NULL and err (size errsize, may be NULL/0) holds one
 * line naming the JSON path of the problem, e.g.
 * "observations.volumes[3].instances[0].altitude: expected a string or
 * null (found a number)"; text from the report in it is reduced to
 * printable ASCII. Statuses: ODX_E_EMPTY (nothing but whitespace),
 * ODX_E_TOO_BIG (len above ODX_REPORT_MAX_BYTES, a string or an array above
 * the model's limits), ODX_E_PARSE (not JSON, with the byte offset),
 * ODX_E_VERSION (another schema_version), ODX_E_SCHEMA (not a report, or a
 * key, type, word, range or index the schema does not allow),
 * ODX_E_BAD_UTF8, ODX_E_NOMEM, ODX_E_INVAL (text NULL with len > 0).
 */
enum odx_status odx_report_parse(const char *text, size_t len, struct odx_obs **out, char *err,
                                 size_t errsize);

/*
 * Reads a whole file, refusing more than max_bytes (ODX_E_TOO_BIG) without
 * reading past max_bytes + 1, into a new buffer owned by the caller
 * (odx_free), NUL-terminated after *out_len bytes. path "-" reads standard
 * input. On failure *out is NULL and err holds one line naming the path,
 * with strerror text for I/O errors. Statuses: ODX_OK, ODX_E_NOT_FOUND (no
 * such file), ODX_E_IO (cannot open or read, a directory),
 * ODX_E_TOO_BIG, ODX_E_NOMEM, ODX_E_INVAL (path NULL).
 */
enum odx_status odx_report_read_file(const char *path, size_t max_bytes, char **out,
                                     size_t *out_len, char *err, size_t errsize);

#endif
