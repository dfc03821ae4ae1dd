/* The code cache: compiled code shared by every executable whose program
 * has the same identity and whose runs present the same assumptions.
 * Entries are reference counted: the cache holds one reference, each
 * executable bound to the code another, each run in flight another; the
 * last release frees the code and unmaps its pages. */
#include <stdlib.h>
#include <string.h>

#include "jit/guards.h"
#include "jit/jit_internal.h"

/* Live entries beyond this evict the least recently inserted one that no
 * executable holds. */
#define CACHE_CAP 256

struct vmir_cache_entry {
  _Atomic uint32_t refs;
  bool in_cache;                 /* under `lock` */
  vmir_cache_entry *next;
  vmir_cache_key key;            /* identity owned */
  vmir_jit_code *code;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static vmir_cache_entry *head;   /* most recent first */
static size_t count;
/* Keys being compiled right now (entries without code, never in `head`):
 * at most one compile per key at a time. */
static vmir_cache_entry *claims;

static uint64_t mix(uint64_t h, uint64_t v) {
  /* FNV-1a over the 8 bytes of v. */
  for (int i = 0; i < 8; i++) {
    h ^= (v >> (8 * i)) & 0xff;
    h *= 0x100000001b3ull;
  }
  return h;
}

void vmir_cache_key_hash(vmir_cache_key *k) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < k->identity_len; i++) {
    h ^= k->identity[i];
    h *= 0x100000001b3ull;
  }
  h = mix(h, k->identity_len);
  h = mix(h, k->executor_abi);
  h = mix(h, k->assume.root_shape_id);
  h = mix(h, k->assume.program_abi);
  h = mix(h, k->assume.caps);
  const vmir_sink_ops *s = &k->assume.sink;
#define MIX_CALLBACK(m) h = mix(h, (uint64_t)(uintptr_t)s->m);
  VMIR_SINK_CALLBACKS(MIX_CALLBACK)
#undef MIX_CALLBACK
  h = mix(h, (uint64_t)(uintptr_t)k->backend);
  h = mix(h, k->options.flags);
  h = mix(h, (uint64_t)k->options.force_deopt_pc);
  h = mix(h, (uint64_t)k->options.unsupported_op);
  k->hash = h;
}

static bool key_equal(const vmir_cache_key *a, const vmir_cache_key *b) {
  return a->hash == b->hash && a->identity_len == b->identity_len &&
         a->executor_abi == b->executor_abi && a->assume.root_shape_id == b->assume.root_shape_id &&
         a->assume.program_abi == b->assume.program_abi && a->assume.caps == b->assume.caps &&
         vmir_jit_same_sink_ops(&a->assume.sink, &b->assume.sink) && a->backend == b->backend &&
         a->options.flags == b->options.flags &&
         a->options.force_deopt_pc == b->options.force_deopt_pc &&
         a->options.unsupported_op == b->options.unsupported_op &&
         memcmp(a->identity, b->identity, a->identity_len) == 0;
}

static void destroy(vmir_cache_entry *e) {
  if (e->code) e->code->backend->release(e->code);
  free((void *)e->key.identity);
  free(e);
}

void vmir_cache_ref(vmir_cache_entry *e) { atomic_fetch_add_explicit(&e->refs, 1, memory_order_relaxed); }

void vmir_cache_release(vmir_cache_entry *e) {
  if (e && atomic_fetch_sub_explicit(&e->refs, 1, memory_order_acq_rel) == 1) destroy(e);
}

vmir_jit_code *vmir_cache_code(const vmir_cache_entry *e) { return e->code; }

/* Unlinks e; caller holds the lock and then drops the cache's reference. */
static void unlink_entry(vmir_cache_entry *e) {
  for (vmir_cache_entry **p = &head; *p; p = &(*p)->next) {
    if (*p != e) continue;
    *p = e->next;
    e->in_cache = false;
    count--;
    return;
  }
}

static vmir_cache_entry *find(vmir_cache_entry *list, const vmir_cache_key *key) {
  for (vmir_cache_entry *e = list; e; e = e->next)
    if (key_equal(&e->key, key)) return e;
  return NULL;
}

vmir_cache_entry *vmir_cache_lookup(const vmir_cache_key *key) {
  pthread_mutex_lock(&lock);
  vmir_cache_entry *found = find(head, key);
  if (found) vmir_cache_ref(found);
  pthread_mutex_unlock(&lock);
  return found;
}

vmir_cache_entry *vmir_cache_lookup_or_claim(const vmir_cache_key *key, vmir_cache_claim *claim) {
  *claim = VMIR_CACHE_BUSY;
  vmir_cache_entry *c = calloc(1, sizeof *c);
  uint8_t *id = malloc(key->identity_len ? key->identity_len : 1);
  pthread_mutex_lock(&lock);
  vmir_cache_entry *found = find(head, key);
  if (found) {
    vmir_cache_ref(found);
    *claim = VMIR_CACHE_HIT;
  } else if (!find(claims, key) && c && id) {
    memcpy(id, key->identity, key->identity_len);
    c->key = *key;
    c->key.identity = id;
    c->next = claims;
    claims = c;
    c = NULL;
    id = NULL;
    *claim = VMIR_CACHE_CLAIMED;
  }
  pthread_mutex_unlock(&lock);
  free(c);
  free(id);
  return found;
}

void vmir_cache_unclaim(const vmir_cache_key *key) {
  vmir_cache_entry *dead = NULL;
  pthread_mutex_lock(&lock);
  for (vmir_cache_entry **p = &claims; *p; p = &(*p)->next) {
    if (!key_equal(&(*p)->key, key)) continue;
    dead = *p;
    *p = dead->next;
    break;
  }
  pthread_mutex_unlock(&lock);
  if (dead) destroy(dead);
}

vmir_cache_entry *vmir_cache_insert(const vmir_cache_key *key, vmir_jit_code *code) {
  vmir_cache_entry *e = calloc(1, sizeof *e);
  uint8_t *id = malloc(key->identity_len ? key->identity_len : 1);
  if (!e || !id) {
    free(e);
    free(id);
    code->backend->release(code);
    return NULL;
  }
  memcpy(id, key->identity, key->identity_len);
  e->key = *key;
  e->key.identity = id;
  e->code = code;
  atomic_init(&e->refs, 2); /* the cache's and the caller's */
  vmir_cache_entry *victim = NULL;
  pthread_mutex_lock(&lock);
  if (count >= CACHE_CAP) {
    vmir_cache_entry *last_free = NULL;
    for (vmir_cache_entry *x = head; x; x = x->next)
      if (atomic_load(&x->refs) == 1) last_free = x;
    if (last_free) {
      unlink_entry(last_free);
      victim = last_free;
    }
  }
  e->next = head;
  head = e;
  e->in_cache = true;
  count++;
  pthread_mutex_unlock(&lock);
  vmir_cache_release(victim);
  return e;
}

/* t[impl format.exec.code-cache-invalidate-on-runtime-mismatch]: called
 * when a run no longer provides what the code assumes. */
bool vmir_cache_invalidate(vmir_cache_entry *e) {
  pthread_mutex_lock(&lock);
  bool was = e->in_cache;
  if (was) unlink_entry(e);
  pthread_mutex_unlock(&lock);
  if (was) vmir_cache_release(e);
  return was;
}

size_t vmir_cache_entry_count(void) {
  pthread_mutex_lock(&lock);
  size_t n = count;
  pthread_mutex_unlock(&lock);
  return n;
}

void vmir_jit_cache_clear(void) {
  vmir_cache_entry *dead = NULL;
  pthread_mutex_lock(&lock);
  for (vmir_cache_entry **p = &head; *p;) {
    vmir_cache_entry *e = *p;
    if (atomic_load(&e->refs) == 1) {
      *p = e->next;
      e->in_cache = false;
      count--;
      e->next = dead;
      dead = e;
    } else {
      p = &e->next;
    }
  }
  pthread_mutex_unlock(&lock);
  while (dead) {
    vmir_cache_entry *next = dead->next;
    vmir_cache_release(dead);
    dead = next;
  }
}
