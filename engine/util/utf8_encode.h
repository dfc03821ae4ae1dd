/* UTF-8 encoding of one scalar value: for the S-expression reader
 * (util/sexp.c) and the format layer (format/utf8.h, and json_escape.h,
 * which needs none of utf8.h's block kernels). */
#ifndef VMIR_UTIL_UTF8_ENCODE_H
#define VMIR_UTIL_UTF8_ENCODE_H

#include <stddef.h>
#include <stdint.h>

/* Encodes a Unicode scalar value (not a surrogate, <= 0x10FFFF) as UTF-8
 * into out (room for 4 bytes); returns the byte count. */
static inline size_t vmir_utf8_encode(uint32_t cp, uint8_t *out) {
  if (cp < 0x80) {
    out[0] = (uint8_t)cp;
    return 1;
  }
  if (cp < 0x800) {
    out[0] = (uint8_t)(0xC0 | (cp >> 6));
    out[1] = (uint8_t)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    out[0] = (uint8_t)(0xE0 | (cp >> 12));
    out[1] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
    out[2] = (uint8_t)(0x80 | (cp & 0x3F));
    return 3;
  }
  out[0] = (uint8_t)(0xF0 | (cp >> 18));
  out[1] = (uint8_t)(0x80 | ((cp >> 12) & 0x3F));
  out[2] = (uint8_t)(0x80 | ((cp >> 6) & 0x3F));
  out[3] = (uint8_t)(0x80 | (cp & 0x3F));
  return 4;
}

#endif
