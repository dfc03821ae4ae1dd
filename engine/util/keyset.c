#include "util/keyset.h"

#include <pthread.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* SipHash-1-3, written here rather than taken from a library: Debian has no
 * small C library exporting a keyed short-input hash (libsodium's
 * crypto_shorthash is SipHash-2-4 but pulls in the whole of libsodium for
 * one function), and the function is forty lines. 1-3 (one compression
 * round, three finalisation rounds) is the variant hash tables use (Rust's
 * HashMap, CPython): collision resistance against a party that does not
 * know the key, at about half SipHash-2-4's cost. */
static uint64_t sip_key[2];
static pthread_once_t sip_once = PTHREAD_ONCE_INIT;

static void sip_seed(void) {
  uint64_t k[2];
  if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k) {
    /* No entropy source: still differs per process and per run. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    k[0] = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)&ts;
    k[1] = (uint64_t)(uintptr_t)&sip_key ^ UINT64_C(0x9e3779b97f4a7c15) * (uint64_t)ts.tv_nsec;
  }
  sip_key[0] = k[0];
  sip_key[1] = k[1];
}

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                        \
  do {                                                                  \
    v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);           \
    v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                              \
    v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                              \
    v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);           \
  } while (0)

uint64_t vmir_keyset_hash(const void *data, size_t len) {
  pthread_once(&sip_once, sip_seed);
  const uint8_t *p = data;
  uint64_t v0 = sip_key[0] ^ UINT64_C(0x736f6d6570736575);
  uint64_t v1 = sip_key[1] ^ UINT64_C(0x646f72616e646f6d);
  uint64_t v2 = sip_key[0] ^ UINT64_C(0x6c7967656e657261);
  uint64_t v3 = sip_key[1] ^ UINT64_C(0x7465646279746573);
  size_t whole = len - len % 8;
  for (size_t i = 0; i < whole; i += 8) {
    uint64_t m = 0;
    for (int b = 0; b < 8; b++) m |= (uint64_t)p[i + b] << (8 * b);
    v3 ^= m;
    SIPROUND;
    v0 ^= m;
  }
  uint64_t last = (uint64_t)(len & 0xff) << 56;
  for (size_t b = 0; b < len % 8; b++) last |= (uint64_t)p[whole + b] << (8 * b);
  v3 ^= last;
  SIPROUND;
  v0 ^= last;
  v2 ^= 0xff;
  SIPROUND;
  SIPROUND;
  SIPROUND;
  return v0 ^ v1 ^ v2 ^ v3;
}

static vmir_str key_at(const void *items, size_t stride, size_t i) {
  vmir_str k;
  memcpy(&k, (const uint8_t *)items + i * stride, sizeof k);
  return k;
}

static bool same(vmir_str a, vmir_str b) {
  return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static void place(vmir_keyset *set, const void *items, size_t stride, size_t i) {
  vmir_str k = key_at(items, stride, i);
  size_t slot = (size_t)vmir_keyset_hash(k.ptr, k.len) & set->mask;
  while (set->table[slot]) slot = (slot + 1) & set->mask;
  set->table[slot] = (uint32_t)(i + 1);
}

/* A table for `len` items at load at most 1/2, holding items [0, len). */
static bool rebuild(vmir_keyset *set, vmir_arena *arena, const void *items, size_t stride,
                    size_t len) {
  size_t size = 32;
  while (size < 2 * len) size *= 2;
  uint32_t *table = VMIR_ARENA_NEW_ARRAY(arena, uint32_t, size);
  if (!table) return false;
  memset(table, 0, size * sizeof *table);
  set->table = table;
  set->mask = size - 1;
  for (size_t i = 0; i < len; i++) place(set, items, stride, i);
  set->covered = len;
  return true;
}

vmir_keyset_result vmir_keyset_lookup(vmir_keyset *set, vmir_arena *arena, const void *items,
                                      size_t stride, size_t len, vmir_str key, size_t *index) {
  if (!set->table && len < VMIR_KEYSET_LINEAR) {
    for (size_t i = 0; i < len; i++)
      if (same(key_at(items, stride, i), key)) {
        *index = i;
        return VMIR_KEYSET_FOUND;
      }
    return VMIR_KEYSET_ABSENT;
  }
  /* Indices are stored as uint32 + 1: an object this large cannot fit the
   * arena's limit anyway. */
  if (len >= UINT32_MAX) return VMIR_KEYSET_NOMEM;
  if (!set->table || 2 * (len + 1) > set->mask + 1) {
    if (!rebuild(set, arena, items, stride, len)) return VMIR_KEYSET_NOMEM;
  } else {
    while (set->covered < len) place(set, items, stride, set->covered++);
  }
  size_t slot = (size_t)vmir_keyset_hash(key.ptr, key.len) & set->mask;
  for (uint32_t at; (at = set->table[slot]) != 0; slot = (slot + 1) & set->mask)
    if (same(key_at(items, stride, at - 1), key)) {
      *index = at - 1;
      return VMIR_KEYSET_FOUND;
    }
  return VMIR_KEYSET_ABSENT;
}
