/* Copies of a few bytes without a call: memcpy with a length known only
 * at run time is a library call, which costs more than the copy for the
 * short names and literals the writers copy per event. */
#ifndef VMIR_UTIL_SHORT_COPY_H
#define VMIR_UTIL_SHORT_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* dst[0..n) = src[0..n); the ranges do not overlap. Up to 16 bytes by
 * two overlapping loads and stores of its first and last bytes (reading
 * and writing only inside both ranges); longer copies call memcpy. */
static inline void vmir_copy_short(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (n >= 8) {
    if (n > 16) {
      memcpy(d, s, n);
      return;
    }
    uint64_t head, tail;
    memcpy(&head, s, 8);
    memcpy(&tail, s + n - 8, 8);
    memcpy(d, &head, 8);
    memcpy(d + n - 8, &tail, 8);
  } else if (n >= 4) {
    uint32_t head, tail;
    memcpy(&head, s, 4);
    memcpy(&tail, s + n - 4, 4);
    memcpy(d, &head, 4);
    memcpy(d + n - 4, &tail, 4);
  } else if (n > 0) {
    /* 1 to 3 bytes: first, middle and last (the same byte twice when n < 3) */
    uint8_t a = s[0], b = s[n / 2], c = s[n - 1];
    d[0] = a;
    d[n / 2] = b;
    d[n - 1] = c;
  }
}

#endif
