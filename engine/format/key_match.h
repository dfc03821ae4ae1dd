/* Matching a member name against the known keys of a struct: the key-match
 * kernel for the interpreter, the JIT backends and the hand-written
 * reference. Lengths first (most keys of a struct differ in length), then
 * whole words: at most two overlapping loads for keys up to 16 bytes,
 * instead of a call to memcmp. */
#ifndef VMIR_FORMAT_KEY_MATCH_H
#define VMIR_FORMAT_KEY_MATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "vmir/shape.h"

static inline uint64_t vmir_load64(const char *p) {
  uint64_t v;
  memcpy(&v, p, 8);
  return v;
}

static inline uint32_t vmir_load32(const char *p) {
  uint32_t v;
  memcpy(&v, p, 4);
  return v;
}

/* a[0..n) == b[0..n)? Reads only inside both ranges: short keys by
 * overlapping loads of their first and last bytes. */
static inline bool vmir_key_equal(const char *a, const char *b, size_t n) {
  if (n >= 8) {
    if (n > 16) return memcmp(a, b, n) == 0;
    return ((vmir_load64(a) ^ vmir_load64(b)) |
            (vmir_load64(a + n - 8) ^ vmir_load64(b + n - 8))) == 0;
  }
  if (n >= 4)
    return ((vmir_load32(a) ^ vmir_load32(b)) | (vmir_load32(a + n - 4) ^ vmir_load32(b + n - 4))) == 0;
  for (size_t i = 0; i < n; i++)
    if (a[i] != b[i]) return false;
  return true;
}

/* The index of `key` among keys[0..count), `hint` tried first (decoders
 * pass the field after the last one matched: documents mostly keep the
 * declaration order); count when none matches. */
static inline uint32_t vmir_key_match(const vmir_str *keys, uint32_t count, vmir_str key,
                                      uint32_t hint) {
  if (hint < count && keys[hint].len == key.len && vmir_key_equal(keys[hint].ptr, key.ptr, key.len))
    return hint;
  for (uint32_t i = 0; i < count; i++)
    if (keys[i].len == key.len && vmir_key_equal(keys[i].ptr, key.ptr, key.len)) return i;
  return count;
}

#endif
