/* Bump arena for decode: everything a decode builds (value trees, unescaped
 * strings, containers) comes from here, never from one malloc per value.
 *
 * Memory is a list of chunks that is kept across calls: `vmir_arena_reset`
 * rewinds to the first chunk without freeing anything, so a decoder that
 * reuses one arena stops calling malloc once its chunks cover the largest
 * document it has seen. `vmir_arena_mark` / `vmir_arena_reset_to` release
 * exactly what was allocated after the mark, which is how a failed decode
 * gives back its partial work.
 *
 * A byte limit bounds the memory the arena may hold (chunks plus the scratch
 * buffer); an allocation that would pass it fails, and
 * `vmir_arena_failure` says whether it was the limit (VMIR_E_LIMIT) or
 * malloc (VMIR_E_NOMEM). */
#ifndef VMIR_UTIL_ARENA_H
#define VMIR_UTIL_ARENA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"

typedef struct vmir_arena_chunk vmir_arena_chunk;

typedef struct vmir_arena {
  vmir_arena_chunk *head;     /* first chunk; chunks stay linked in order */
  vmir_arena_chunk *current;  /* chunk being bumped; NULL = before head */
  uint8_t *ptr, *end;         /* free space of `current` */
  size_t held;                /* bytes held: every chunk + the scratch buffer */
  size_t limit;               /* most bytes `held` may reach */
  size_t next_chunk;          /* size of the next chunk to allocate */
  void *scratch;              /* one growable buffer for temporary stacks */
  size_t scratch_cap;
  vmir_status failure;        /* why the last allocation failed */
} vmir_arena;

/* A position to rewind to (from vmir_arena_mark). */
typedef struct vmir_arena_pos {
  vmir_arena_chunk *chunk;
  uint8_t *ptr;
} vmir_arena_pos;

/* No limit: the arena may grow until malloc fails. */
#define VMIR_ARENA_UNLIMITED SIZE_MAX

/* limit: most bytes the arena may hold (VMIR_ARENA_UNLIMITED for none). */
void vmir_arena_init(vmir_arena *a, size_t limit);
/* Frees every chunk and the scratch buffer; the arena can be reused. */
void vmir_arena_free(vmir_arena *a);
/* Forgets every allocation but keeps the chunks for the next call. */
void vmir_arena_reset(vmir_arena *a);

vmir_arena_pos vmir_arena_mark(const vmir_arena *a);
/* Releases everything allocated after `mark` (taken from this arena and not
 * invalidated by an earlier reset to a position before it). */
void vmir_arena_reset_to(vmir_arena *a, vmir_arena_pos mark);

/* Slow path of vmir_arena_alloc: moves to a chunk with room. */
void *vmir_arena_alloc_slow(vmir_arena *a, size_t size, size_t align);

/* `size` bytes aligned to `align` (a power of two, at most
 * _Alignof(max_align_t)); contents are unspecified. NULL when the limit is
 * reached or malloc fails (see vmir_arena_failure). size 0 gives a valid
 * pointer that must not be dereferenced. */
static inline void *vmir_arena_alloc(vmir_arena *a, size_t size, size_t align) {
  /* Fast path: fits in the current chunk. Pointer arithmetic stays inside
   * the chunk because the padding is computed from the address first. */
  uintptr_t p = (uintptr_t)a->ptr;
  size_t pad = (size_t)(-p & (uintptr_t)(align - 1));
  if (a->ptr && pad <= (size_t)(a->end - a->ptr) &&
      size <= (size_t)(a->end - a->ptr) - pad) {
    uint8_t *out = a->ptr + pad;
    a->ptr = out + size;
    return out;
  }
  return vmir_arena_alloc_slow(a, size, align);
}

/* Grows the allocation p of `size` bytes to `new_size` in place when it is
 * the last one made and the current chunk has room; false leaves
 * everything as it was (allocate and copy instead). */
static inline bool vmir_arena_extend(vmir_arena *a, void *p, size_t size, size_t new_size) {
  if (!a->ptr || (uint8_t *)p + size != a->ptr || new_size < size ||
      new_size - size > (size_t)(a->end - a->ptr))
    return false;
  a->ptr += new_size - size;
  return true;
}

/* Typed helper: an array of n T, NULL on overflow or failure. */
#define VMIR_ARENA_NEW_ARRAY(a, T, n)                                        \
  ((n) > SIZE_MAX / sizeof(T) ? (vmir_arena_oversize(a), (T *)NULL)          \
                              : (T *)vmir_arena_alloc((a), (n) * sizeof(T),  \
                                                      _Alignof(T)))
/* Records a request too large to represent as a limit failure. */
void vmir_arena_oversize(vmir_arena *a);

/* Copies n bytes into the arena (alignment 1). */
void *vmir_arena_dup(vmir_arena *a, const void *src, size_t n);

/* The scratch buffer: at least `size` bytes, contents of the previous
 * scratch buffer preserved (like realloc). One user at a time: the JSON and
 * MessagePack value readers keep their explicit stacks here during one call.
 * Kept across resets. NULL on limit or malloc failure. */
void *vmir_arena_scratch(vmir_arena *a, size_t size);

/* VMIR_E_LIMIT or VMIR_E_NOMEM for the last failed allocation. */
vmir_status vmir_arena_failure(const vmir_arena *a);
/* Bytes currently held (chunks + scratch). */
size_t vmir_arena_held(const vmir_arena *a);

#endif
