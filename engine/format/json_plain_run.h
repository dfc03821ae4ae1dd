/* The plain run of a JSON string: the bytes up to the next '"', '\\',
 * control or non-ASCII byte. Shared by the string scanner
 * (json_string.c) and its test oracle (json_string_reference.c), which
 * differ elsewhere. */
#ifndef VMIR_FORMAT_JSON_PLAIN_RUN_H
#define VMIR_FORMAT_JSON_PLAIN_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "format/bits.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#define VMIR_JSON_ONES UINT64_C(0x0101010101010101)
#define VMIR_JSON_HIGHS UINT64_C(0x8080808080808080)

/* Does the word hold a byte that ends the plain run: '"', '\\', < 0x20 or
 * >= 0x80? Zero-byte tests: (x - 1s) & ~x & 0x80s is non-zero exactly when
 * some byte of x is zero (carries can only add false hits above a true one,
 * and the caller then looks at the bytes one by one). */
static inline bool vmir_json_word_special(uint64_t w) {
  uint64_t q = w ^ (VMIR_JSON_ONES * '"');
  uint64_t b = w ^ (VMIR_JSON_ONES * '\\');
  uint64_t has_q = (q - VMIR_JSON_ONES) & ~q & VMIR_JSON_HIGHS;
  uint64_t has_b = (b - VMIR_JSON_ONES) & ~b & VMIR_JSON_HIGHS;
  uint64_t below = (w - VMIR_JSON_ONES * 0x20) & ~w & VMIR_JSON_HIGHS;  /* some byte < 0x20 */
  return (has_q | has_b | below | (w & VMIR_JSON_HIGHS)) != 0;
}

/* Position of the first byte at or after p that is '"', '\\', < 0x20 or
 * >= 0x80, or n if there is none. Sixteen bytes a step where SSE2 is there
 * (x86-64 always): a signed compare with 0x20 catches both the control
 * bytes and the non-ASCII ones (negative as signed bytes). */
static inline size_t vmir_json_skip_plain(const uint8_t *d, size_t p, size_t n) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (n - p >= 16) {
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(d + p));
    __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
                                            _mm_cmpeq_epi8(v, backslash)),
                               _mm_cmplt_epi8(v, space));
    unsigned mask = (unsigned)_mm_movemask_epi8(hit);
    if (mask) return p + vmir_first_set(mask);
    p += 16;
  }
#endif
  while (n - p >= 8) {
    uint64_t w;
    memcpy(&w, d + p, 8);
    if (vmir_json_word_special(w)) break;
    p += 8;
  }
  while (p < n) {
    uint8_t c = d[p];
    if (c == '"' || c == '\\' || c < 0x20 || c >= 0x80) break;
    p++;
  }
  return p;
}

#endif
