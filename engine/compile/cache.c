/* The program cache: compiled programs by (shape id, compile options,
 * direction, ABI), in process only. Not thread-safe: a cache belongs to one
 * thread (or its owner serialises access).
 *
 * The ABI is stored in each entry instead of being hashed into the key, so a
 * lookup finds an entry compiled under another ABI, drops it and compiles
 * afresh, rather than leaving it behind unreachable. */
/* t[impl format.ir.cache-in-process-v0] */
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"

typedef struct cache_key {
  uint64_t shape_id;
  vmir_compile_options options;
  vmir_program_kind direction;
} cache_key;

typedef struct cache_entry {
  cache_key key;
  uint32_t abi;              /* the ABI the program was compiled under */
  vmir_program *program;
  struct cache_entry *next;  /* bucket chain */
} cache_entry;

struct vmir_program_cache {
  cache_entry **buckets;
  size_t bucket_count;       /* power of two */
  vmir_program_cache_stats stats;
  uint32_t abi_for_new;      /* VMIR_ABI_VERSION except under the test hook */
};

/* t[impl format.ir.cache-key-shape-options] */
/* Every option is part of the key, including the decode-only ones: an
 * options struct means one program, so a new option can never be forgotten
 * in a key that would otherwise return a program compiled without it.
 * Fields are compared one by one (never memcmp: padding is unspecified). */
static bool key_equal(const cache_key *a, const cache_key *b) {
  return a->shape_id == b->shape_id && a->direction == b->direction &&
         a->options.format == b->options.format &&
         a->options.unknown_fields == b->options.unknown_fields &&
         a->options.duplicate_last_wins == b->options.duplicate_last_wins &&
         a->options.fused == b->options.fused;
}

static uint64_t mix(uint64_t h, uint64_t v) {
  /* FNV-1a over the eight bytes of v. */
  for (int i = 0; i < 8; i++) {
    h ^= (v >> (8 * i)) & 0xffu;
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}

static uint64_t key_hash(const cache_key *k) {
  uint64_t h = UINT64_C(0xcbf29ce484222325);
  h = mix(h, k->shape_id);
  h = mix(h, (uint64_t)k->direction);
  h = mix(h, (uint64_t)k->options.format);
  h = mix(h, (uint64_t)k->options.unknown_fields);
  h = mix(h, (uint64_t)k->options.duplicate_last_wins);
  h = mix(h, (uint64_t)k->options.fused);
  return h;
}

vmir_program_cache *vmir_program_cache_new(void) {
  vmir_program_cache *c = calloc(1, sizeof *c);
  if (!c) return NULL;
  c->bucket_count = 16;
  c->buckets = calloc(c->bucket_count, sizeof *c->buckets);
  if (!c->buckets) {
    free(c);
    return NULL;
  }
  c->abi_for_new = VMIR_ABI_VERSION;
  return c;
}

void vmir_program_cache_free(vmir_program_cache *cache) {
  if (!cache) return;
  for (size_t i = 0; i < cache->bucket_count; i++) {
    cache_entry *e = cache->buckets[i];
    while (e) {
      cache_entry *next = e->next;
      vmir_program_free(e->program);
      free(e);
      e = next;
    }
  }
  free(cache->buckets);
  free(cache);
}

vmir_program_cache_stats vmir_program_cache_get_stats(
    const vmir_program_cache *cache) {
  vmir_program_cache_stats none = {0};
  return cache ? cache->stats : none;
}

void vmir_program_cache_set_abi_for_testing(vmir_program_cache *cache,
                                            uint32_t abi) {
  if (cache) cache->abi_for_new = abi;
}

/* Doubles the table at load factor 1; a failed grow keeps the old table,
 * which stays correct, only slower. */
static void maybe_grow(vmir_program_cache *c) {
  if (c->stats.entries < c->bucket_count || c->bucket_count > SIZE_MAX / 4)
    return;
  size_t n = c->bucket_count * 2;
  cache_entry **buckets = calloc(n, sizeof *buckets);
  if (!buckets) return;
  for (size_t i = 0; i < c->bucket_count; i++) {
    cache_entry *e = c->buckets[i];
    while (e) {
      cache_entry *next = e->next;
      size_t b = (size_t)key_hash(&e->key) & (n - 1);
      e->next = buckets[b];
      buckets[b] = e;
      e = next;
    }
  }
  free(c->buckets);
  c->buckets = buckets;
  c->bucket_count = n;
}

const vmir_program *vmir_program_cache_encode(vmir_program_cache *cache,
                                              const vmir_shape *shape,
                                              const vmir_compile_options *options,
                                              vmir_error *err) {
  vmir_error_clear(err);
  if (vmir_compile_options_check(options, err) != VMIR_OK) return NULL;
  if (!cache || !shape) {
    if (err) {
      err->code = VMIR_E_USAGE;
      strcpy(err->message, cache ? "shape is NULL" : "cache is NULL");
    }
    return NULL;
  }
  cache_key key = {
      .shape_id = vmir_shape_id(shape),
      .options = *options,
      .direction = VMIR_PROGRAM_ENCODE,
  };
  size_t b = (size_t)key_hash(&key) & (cache->bucket_count - 1);
  for (cache_entry **link = &cache->buckets[b]; *link; link = &(*link)->next) {
    cache_entry *e = *link;
    if (!key_equal(&e->key, &key)) continue;
    /* t[impl format.ir.cache-abi-invalidation] */
    if (e->abi == VMIR_ABI_VERSION) {
      cache->stats.hits++;
      return e->program;
    }
    /* Compiled by another ABI: never returned, dropped now. */
    *link = e->next;
    vmir_program_free(e->program);
    free(e);
    cache->stats.entries--;
    cache->stats.abi_invalidations++;
    break;
  }

  /* A miss (an invalidated entry counts as one too: it compiles). */
  cache->stats.misses++;
  cache_entry *e = calloc(1, sizeof *e);
  if (!e) {
    if (err) {
      err->code = VMIR_E_NOMEM;
      strcpy(err->message, "out of memory (cache entry)");
    }
    return NULL;
  }
  e->program = vmir_compile_encode(shape, options, err);
  if (!e->program) {
    free(e);
    return NULL;
  }
  e->key = key;
  e->abi = cache->abi_for_new;
  e->next = cache->buckets[b];
  cache->buckets[b] = e;
  cache->stats.entries++;
  maybe_grow(cache);
  return e->program;
}
