/*
 * odxprobe status codes: the one error type of the core and the back ends.
 *
 * Fallible functions return enum odx_status; ODX_OK is 0. The list below is the
 * single source of each code's number, name and message. Numbers never change:
 * a retired code keeps its slot. OS error numbers never travel as odx_status;
 * they are kept raw in the observation (struct odx_code in model.h).
 */
#ifndef ODX_STATUS_H
#define ODX_STATUS_H

#define ODX_STATUS_MAP(X)                                                                          \
    X(OK, 0, "success")                                                                            \
    X(E_NOMEM, 1, "out of memory")                                                                 \
    X(E_INVAL, 2, "invalid argument")                                                              \
    X(E_RANGE, 3, "value out of range")                                                            \
    X(E_TRUNCATED, 4, "record runs past the end of its buffer")                                    \
    X(E_MALFORMED, 5, "malformed record")                                                          \
    X(E_BAD_OFFSET, 6, "offset points outside its buffer")                                         \
    X(E_BAD_LENGTH, 7, "length is odd or out of range")                                            \
    X(E_BAD_UTF16, 8, "invalid UTF-16 (unpaired surrogate)")                                       \
    X(E_LOOP, 9, "record chain loops back or overlaps")                                            \
    X(E_TOO_BIG, 10, "input exceeds a size limit")                                                 \
    X(E_IO, 11, "input/output error")                                                              \
    X(E_NOT_FOUND, 12, "not found")                                                                \
    X(E_PARSE, 13, "not valid JSON")                                                               \
    X(E_SCHEMA, 14, "does not follow the report schema")                                           \
    X(E_VERSION, 15, "unsupported report schema version")                                          \
    X(E_UNSUPPORTED, 16, "not supported on this platform")                                         \
    X(E_OS, 17, "an operating-system call failed")                                                 \
    X(E_CANCELLED, 18, "cancelled")                                                                \
    X(E_EXISTS, 19, "file already exists")                                                         \
    X(E_EMPTY, 20, "input is empty")                                                               \
    X(E_BAD_UTF8, 21, "invalid UTF-8")                                                             \
    X(E_EMBEDDED_NUL, 22, "string contains an embedded NUL")                                       \
    X(E_MISMATCH, 23, "copy differs from its source")

enum odx_status {
#define ODX_STATUS_ENUM(name, num, msg) ODX_##name = num,
    ODX_STATUS_MAP(ODX_STATUS_ENUM)
#undef ODX_STATUS_ENUM
};

/* "ODX_E_NOMEM" for ODX_E_NOMEM; "ODX_E_UNKNOWN" for a number not in the list. Static storage. */
const char *odx_status_name(enum odx_status st);

/* One-line English message, static storage, never NULL. */
const char *odx_status_message(enum odx_status st);

#endif
