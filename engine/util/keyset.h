/* Duplicate-key detection in linear expected time: a set of the keys of one
 * object (a map being built, a `value` object, a struct's collected unknown
 * members) that the caller keeps in an array of items, each item starting
 * with its vmir_str key.
 *
 * The set stores item indices, not keys, so it follows the items when their
 * array moves (lists and maps grow by copying). Below VMIR_KEYSET_LINEAR
 * items a lookup scans them; past that an open-addressing table is built in
 * the arena and doubled as the object grows (old tables stay in the arena
 * until it is reset, a geometric series: linear memory). Nothing is
 * malloc'd per document.
 *
 * Keys are hashed with SipHash-1-3 under a per-process random key (read
 * once from getrandom), so a document cannot be crafted to make its keys
 * collide: an unkeyed hash would let an attacker turn every lookup back
 * into a scan. */
#ifndef VMIR_UTIL_KEYSET_H
#define VMIR_UTIL_KEYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "vmir/shape.h"

#define VMIR_KEYSET_LINEAR 8u

typedef struct vmir_keyset {
  uint32_t *table;    /* index + 1 per slot, 0 = empty; NULL: scan */
  size_t mask;        /* table size - 1 */
  size_t covered;     /* items [0, covered) are in the table */
} vmir_keyset;

typedef enum vmir_keyset_result {
  VMIR_KEYSET_ABSENT = 0,
  VMIR_KEYSET_FOUND,
  VMIR_KEYSET_NOMEM     /* the arena could not hold the table */
} vmir_keyset_result;

/* Looks `key` up among items[0, len) (`stride` bytes apart, each starting
 * with its vmir_str key): FOUND with *index set, or ABSENT. Items appended
 * since the last call are added first, so the caller only ever appends. An
 * item may only change its key by being dropped from the end (len shrinks
 * below `covered` only through vmir_keyset_reset). */
vmir_keyset_result vmir_keyset_lookup(vmir_keyset *set, vmir_arena *arena, const void *items,
                                      size_t stride, size_t len, vmir_str key, size_t *index);

static inline void vmir_keyset_reset(vmir_keyset *set) {
  set->table = NULL;
  set->mask = 0;
  set->covered = 0;
}

/* SipHash-1-3 of `data` under the process key (exposed for tests). */
uint64_t vmir_keyset_hash(const void *data, size_t len);

#endif
