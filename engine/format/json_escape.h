/* One JSON string escape, checked without reporting: shared by the exact
 * string scanner (which turns a failure into its message) and the block
 * scanners (which hand any failure to the exact scanner). */
#ifndef VMIR_FORMAT_JSON_ESCAPE_H
#define VMIR_FORMAT_JSON_ESCAPE_H

#include <stddef.h>
#include <stdint.h>

#include "util/utf8_encode.h"

typedef enum vmir_escape_check {
  VMIR_ESCAPE_OK,
  VMIR_ESCAPE_TRUNCATED,  /* nothing after the '\\' */
  VMIR_ESCAPE_BAD_CHAR,   /* not one of "\\/bfnrtu */
  VMIR_ESCAPE_BAD_HEX,    /* \u without four hex digits */
  VMIR_ESCAPE_LONE_LOW,   /* \uDC00-DFFF first */
  VMIR_ESCAPE_LONE_HIGH,  /* \uD800-DBFF without a low surrogate escape */
} vmir_escape_check;

static inline int vmir_hex_digit(uint8_t c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Four hex digits at d[p..p+4) (caller checked they exist); -1 if not hex. */
static inline int32_t vmir_hex4(const uint8_t *d, size_t p) {
  int32_t v = 0;
  for (int i = 0; i < 4; i++) {
    int h = vmir_hex_digit(d[p + (size_t)i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/* The escape at d[p] == '\\' (n bytes in all): its input length and the
 * length of its UTF-8 output, or why it is not one; *cp gets the code unit
 * of a surrogate failure. */
static inline vmir_escape_check vmir_escape_length(const uint8_t *d, size_t p, size_t n,
                                                   size_t *in_len, size_t *out_len,
                                                   int32_t *cp_out) {
  if (n - p < 2) return VMIR_ESCAPE_TRUNCATED;
  switch (d[p + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
      *in_len = 2;
      *out_len = 1;
      return VMIR_ESCAPE_OK;
    case 'u':
      break;
    default:
      return VMIR_ESCAPE_BAD_CHAR;
  }
  int32_t cp = n - p >= 6 ? vmir_hex4(d, p + 2) : -1;
  *cp_out = cp;
  if (cp < 0) return VMIR_ESCAPE_BAD_HEX;
  if (cp >= 0xDC00 && cp <= 0xDFFF) return VMIR_ESCAPE_LONE_LOW;
  if (cp >= 0xD800 && cp <= 0xDBFF) {
    /* Only a pair of escapes spells a supplementary character; a high
     * surrogate alone has no Unicode scalar value, so it is rejected. */
    int32_t lo = -1;
    if (n - p >= 12 && d[p + 6] == '\\' && d[p + 7] == 'u') lo = vmir_hex4(d, p + 8);
    if (lo < 0xDC00 || lo > 0xDFFF) return VMIR_ESCAPE_LONE_HIGH;
    *in_len = 12;
    *out_len = 4;
    return VMIR_ESCAPE_OK;
  }
  *in_len = 6;
  *out_len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : 3;
  return VMIR_ESCAPE_OK;
}

/* Writes the escape at d[p] == '\\' that vmir_escape_length accepted
 * (in_len bytes of input) as its UTF-8 bytes; returns how many. */
static inline size_t vmir_escape_decode(const uint8_t *d, size_t p, size_t in_len, uint8_t *out) {
  if (in_len == 2) {
    switch (d[p + 1]) {
      case 'b': *out = '\b'; break;
      case 'f': *out = '\f'; break;
      case 'n': *out = '\n'; break;
      case 'r': *out = '\r'; break;
      case 't': *out = '\t'; break;
      default: *out = d[p + 1]; break; /* '"', '\\', '/' */
    }
    return 1;
  }
  uint32_t cp = (uint32_t)vmir_hex4(d, p + 2);
  if (in_len == 12) cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)vmir_hex4(d, p + 8) - 0xDC00);
  return vmir_utf8_encode(cp, out);
}

#endif
