/* String kernels that work on 32-byte blocks (AVX2, chosen at run time):
 * the quote / backslash / control-byte search and UTF-8 validation in one
 * pass. They only ever say "valid" or "ask the exact scanner": every
 * failure, and the end of the input, is left to the byte-wise code, which
 * owns the error messages. Elsewhere (no AVX2, not x86-64) they say "ask"
 * at once. */
#ifndef VMIR_FORMAT_STRING_BLOCKS_H
#define VMIR_FORMAT_STRING_BLOCKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Does this CPU run the block kernels? (Decided once.) */
bool vmir_string_blocks_available(void);

/* Scans the JSON string whose first content byte is d[p] (after the
 * opening quote). True when it is well formed: *end is the offset of the
 * closing quote, *saved the bytes its escapes save when unescaped, *escaped
 * whether it has any. False: malformed, or unterminated; nothing to trust.
 * Only call when vmir_string_blocks_available(). */
bool vmir_json_scan_string_blocks(const uint8_t *d, size_t p, size_t n, size_t *end,
                                  size_t *saved, bool *escaped);

/* vmir_json_scan_string_blocks that unescapes as it scans: from the first
 * escape on, each block is stored to dst as it is tested and each escape
 * written decoded, so a string with escapes is read once. True when the
 * string is well formed: *end is the closing quote's offset, *out_len the
 * unescaped length, *escaped whether there was an escape, and *written
 * whether dst[0..*out_len) holds the unescaped string (escaped, and the
 * cap bytes of dst were enough; past them the scan goes on alone). False:
 * malformed or unterminated, nothing to trust. dst is scribbled either
 * way. Only call when vmir_string_blocks_available(). */
bool vmir_json_unescape_string_blocks(const uint8_t *d, size_t p, size_t n, uint8_t *dst, size_t cap,
                                      size_t *end, size_t *out_len, bool *escaped, bool *written);

/* The JSON writer's copy: copies the longest prefix of s[0..n) that needs
 * no escape (no '"', '\\' or byte below 0x20) to dst while validating its
 * UTF-8, one pass. True: *run is that prefix's length (n when nothing needs
 * an escape). False: the prefix holds ill-formed UTF-8, and dst[0..n) is
 * scribbled; the byte-wise writer finds where. dst needs room for n bytes.
 * Only call when vmir_string_blocks_available(). */
bool vmir_json_copy_plain_blocks(const uint8_t *s, size_t n, uint8_t *dst, size_t *run);

/* True when s[0..n) is well-formed UTF-8; false says nothing about where.
 * Only call when vmir_string_blocks_available(). */
bool vmir_utf8_valid_blocks(const uint8_t *s, size_t n);

#endif
