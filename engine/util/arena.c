#include "util/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

/* Chunk sizes grow geometrically so that large documents need few chunks,
 * and stop growing at a size where a fresh malloc costs little relative to
 * filling it. */
#define FIRST_CHUNK ((size_t)16 * 1024)
#define MAX_CHUNK ((size_t)1024 * 1024)

struct vmir_arena_chunk {
  vmir_arena_chunk *next;
  size_t size;          /* usable bytes in data */
  max_align_t data[];   /* max_align_t elements keep data maximally aligned */
};

static uint8_t *chunk_begin(vmir_arena_chunk *c) { return (uint8_t *)c->data; }

void vmir_arena_init(vmir_arena *a, size_t limit) {
  memset(a, 0, sizeof *a);
  a->limit = limit;
  a->next_chunk = FIRST_CHUNK;
  a->failure = VMIR_OK;
}

void vmir_arena_free(vmir_arena *a) {
  vmir_arena_chunk *c = a->head;
  while (c) {
    vmir_arena_chunk *next = c->next;
    free(c);
    c = next;
  }
  free(a->scratch);
  vmir_arena_init(a, a->limit);
}

void vmir_arena_reset(vmir_arena *a) {
  a->current = NULL;
  a->ptr = a->end = NULL;
}

vmir_arena_pos vmir_arena_mark(const vmir_arena *a) {
  vmir_arena_pos pos = {a->current, a->ptr};
  return pos;
}

void vmir_arena_reset_to(vmir_arena *a, vmir_arena_pos mark) {
  if (!mark.chunk) {
    vmir_arena_reset(a);
    return;
  }
  a->current = mark.chunk;
  a->ptr = mark.ptr;
  a->end = chunk_begin(mark.chunk) + mark.chunk->size;
}

void vmir_arena_oversize(vmir_arena *a) { a->failure = VMIR_E_LIMIT; }

/* Would holding `extra` more bytes stay within the limit? */
static bool within_limit(const vmir_arena *a, size_t extra) {
  return a->held <= a->limit && extra <= a->limit - a->held;
}

/* A fresh chunk of at least `need` usable bytes, linked after `current`
 * (before any kept chunks that were too small for this request, so they stay
 * available to later, smaller requests). */
static vmir_arena_chunk *new_chunk(vmir_arena *a, size_t need) {
  const size_t header = offsetof(vmir_arena_chunk, data);
  if (need > SIZE_MAX - header) {
    a->failure = VMIR_E_LIMIT;
    return NULL;
  }
  size_t size = a->next_chunk > need ? a->next_chunk : need;
  if (!within_limit(a, header + size)) {
    /* Near the limit: take only what this request needs. */
    size = need;
    if (!within_limit(a, header + size)) {
      a->failure = VMIR_E_LIMIT;
      return NULL;
    }
  }
  vmir_arena_chunk *c = malloc(header + size);
  if (!c) {
    a->failure = VMIR_E_NOMEM;
    return NULL;
  }
  c->size = size;
  a->held += header + size;
  if (a->next_chunk < MAX_CHUNK) a->next_chunk *= 2;
  if (a->current) {
    c->next = a->current->next;
    a->current->next = c;
  } else {
    c->next = a->head;
    a->head = c;
  }
  return c;
}

void *vmir_arena_alloc_slow(vmir_arena *a, size_t size, size_t align) {
  static max_align_t empty;
  if (size == 0) return &empty;
  /* Chunk data is aligned to max_align_t, so a request at the start of a
   * chunk needs no padding for any supported alignment. */
  (void)align;
  vmir_arena_chunk *c = a->current ? a->current->next : a->head;
  if (!c || c->size < size) c = new_chunk(a, size);
  if (!c) return NULL;
  a->current = c;
  a->ptr = chunk_begin(c) + size;
  a->end = chunk_begin(c) + c->size;
  return chunk_begin(c);
}

void *vmir_arena_dup(vmir_arena *a, const void *src, size_t n) {
  uint8_t *out = vmir_arena_alloc(a, n, 1);
  if (out && n) memcpy(out, src, n);
  return out;
}

void *vmir_arena_scratch(vmir_arena *a, size_t size) {
  if (size <= a->scratch_cap) return a->scratch;
  size_t cap = a->scratch_cap ? a->scratch_cap : 256;
  while (cap < size) {
    if (cap > SIZE_MAX / 2) {
      cap = size;
      break;
    }
    cap *= 2;
  }
  size_t held_without = a->held - a->scratch_cap;
  if (held_without > a->limit || cap > a->limit - held_without) {
    /* Doubling would pass the limit: try the exact size. */
    cap = size;
    if (held_without > a->limit || cap > a->limit - held_without) {
      a->failure = VMIR_E_LIMIT;
      return NULL;
    }
  }
  void *grown = realloc(a->scratch, cap);
  if (!grown) {
    a->failure = VMIR_E_NOMEM;
    return NULL;
  }
  a->held = held_without + cap;
  a->scratch = grown;
  a->scratch_cap = cap;
  return grown;
}

vmir_status vmir_arena_failure(const vmir_arena *a) {
  return a->failure == VMIR_OK ? VMIR_E_NOMEM : a->failure;
}

size_t vmir_arena_held(const vmir_arena *a) { return a->held; }
