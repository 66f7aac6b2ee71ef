/*
 * UTF-8, the one rule of well-formedness (RFC 3629, table in section 4)
 * shared by the report reader, the writer and the Windows back end's
 * conversion to UTF-16.
 */
#ifndef ODX_UTF8_H
#define ODX_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * Length of the well-formed UTF-8 sequence at s (1 to 4 bytes), and its
 * code point in *cp (cp may be NULL); 0 when the bytes there are not one:
 * stray continuation bytes, overlong forms, UTF-16 surrogates
 * (U+D800..U+DFFF), code points above U+10FFFF, or a sequence cut short by
 * the end of the buffer (avail bytes, avail >= 1).
 */
size_t odx_utf8_decode(const unsigned char *s, size_t avail, uint32_t *cp);

#endif
