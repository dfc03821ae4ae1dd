/* Strict UTF-8 (RFC 3629) checks shared by the JSON and MessagePack lexers
 * and the error excerpts. Rejected: stray continuation bytes, overlong
 * forms (C0, C1, E0 80..9F, F0 80..8F), UTF-16 surrogates encoded in UTF-8
 * (ED A0..BF), code points above U+10FFFF (F4 90.., F5..FF) and truncated
 * sequences. */
#ifndef VMIR_FORMAT_UTF8_H
#define VMIR_FORMAT_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "format/string_blocks.h"
#include "util/utf8_encode.h"

/* Length (2..4) of the well-formed sequence that starts at p with a byte
 * >= 0x80, or 0 if the bytes are not one. Reads at most `avail` bytes. */
static inline size_t vmir_utf8_seq_len(const uint8_t *p, size_t avail) {
  uint8_t c = p[0];
  /* Allowed range of the second byte depends on the lead byte; the rest
   * are always 80..BF. */
  uint8_t lo = 0x80, hi = 0xBF;
  size_t n;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;        /* overlong */
    else if (c == 0xED) hi = 0x9F;   /* surrogates D800..DFFF */
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;        /* overlong */
    else if (c == 0xF4) hi = 0x8F;   /* above U+10FFFF */
  } else {
    return 0;
  }
  if (avail < n) return 0;
  if (p[1] < lo || p[1] > hi) return 0;
  for (size_t i = 2; i < n; i++) {
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  }
  return n;
}

/* Eight ASCII bytes? (One word test instead of eight byte tests.) */
static inline bool vmir_utf8_word_ascii(const uint8_t *p) {
  uint64_t w;
  memcpy(&w, p, 8);
  return (w & UINT64_C(0x8080808080808080)) == 0;
}

/* Validates n bytes one sequence at a time; on failure stores the offset
 * of the first byte of the bad sequence in *bad_at and returns false. */
static inline bool vmir_utf8_validate_bytes(const uint8_t *p, size_t n, size_t *bad_at) {
  size_t i = 0;
  while (i < n) {
    if (n - i >= 8 && vmir_utf8_word_ascii(p + i)) {
      i += 8;
      continue;
    }
    if (p[i] < 0x80) {
      i++;
      continue;
    }
    size_t k = vmir_utf8_seq_len(p + i, n - i);
    if (k == 0) {
      *bad_at = i;
      return false;
    }
    i += k;
  }
  return true;
}

/* Are the n <= 32 bytes at p all ASCII? Overlapping words that read only
 * inside the n bytes, one test: the short names and values of most
 * documents (MessagePack's fixstr holds up to 31) take no loop. */
static inline bool vmir_utf8_short_ascii(const uint8_t *p, size_t n) {
  uint64_t a, b, c, d;
  if (n >= 16) {
    memcpy(&a, p, 8);
    memcpy(&b, p + 8, 8);
    memcpy(&c, p + n - 16, 8);
    memcpy(&d, p + n - 8, 8);
    return ((a | b | c | d) & UINT64_C(0x8080808080808080)) == 0;
  }
  if (n >= 8) {
    memcpy(&a, p, 8);
    memcpy(&b, p + n - 8, 8);
    return ((a | b) & UINT64_C(0x8080808080808080)) == 0;
  }
  uint32_t x = 0, y = 0;
  if (n >= 4) {
    memcpy(&x, p, 4);
    memcpy(&y, p + n - 4, 4);
  } else if (n > 0) {
    x = (uint32_t)p[0] | (uint32_t)p[n / 2] << 8 | (uint32_t)p[n - 1] << 16;
  }
  return ((x | y) & 0x80808080u) == 0;
}

/* vmir_utf8_validate_bytes, with the short-ASCII test first for strings
 * of up to 32 bytes and the 32-byte block kernel first for long ones
 * where the CPU has it (only a failure needs the byte-wise pass, for the
 * offset). */
static inline bool vmir_utf8_validate(const uint8_t *p, size_t n, size_t *bad_at) {
  if (n <= 32) {
    if (vmir_utf8_short_ascii(p, n)) return true;
  } else if (vmir_string_blocks_available() && vmir_utf8_valid_blocks(p, n)) {
    return true;
  }
  return vmir_utf8_validate_bytes(p, n, bad_at);
}

#endif
