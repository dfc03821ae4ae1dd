/* State shared by the tiering runtime's files: the process-wide
 * configuration snapshot, counters, the code cache and per-executable
 * tiering state. */
#ifndef VMIR_JIT_INTERNAL_H
#define VMIR_JIT_INTERNAL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "jit/backend.h"
#include "vmir/jit.h"

/* ---- counters --------------------------------------------------------------- */
typedef struct vmir_counters {
  _Atomic uint64_t executions, jit_executions, promotions, compiles, compile_failures;
  _Atomic uint64_t compile_ns, code_bytes;
  _Atomic uint64_t guard_failures[VMIR_JIT_GUARD_COUNT];
  _Atomic uint64_t deopts, deopts_forced, deopts_check, deopts_unsupported;
  _Atomic uint64_t cache_hits, cache_misses, cache_invalidations;
} vmir_counters;

extern vmir_counters vmir_jit_global_counters;

#define VMIR_COUNT(tier, field, n)                                                        \
  do {                                                                                    \
    atomic_fetch_add_explicit(&vmir_jit_global_counters.field, (n), memory_order_relaxed); \
    if (tier)                                                                             \
      atomic_fetch_add_explicit(&(tier)->counters.field, (n), memory_order_relaxed);       \
  } while (0)

void vmir_counters_read(const vmir_counters *c, vmir_jit_stats *out);
void vmir_counters_clear(vmir_counters *c);

/* ---- configuration ------------------------------------------------------------ */

/* What one executable's tiering decisions follow; copied from the runtime
 * when its generation changes. */
typedef struct vmir_jit_snapshot {
  const vmir_backend *backend;   /* NULL: interpreter only */
  uint64_t threshold;
  uint32_t max_failures;
  uint64_t backoff;
  vmir_jit_options options;
} vmir_jit_snapshot;

/* Bumped by every configuration change (and test hook that changes
 * compiled code): executables re-read the snapshot and drop code bound
 * under another one. */
uint64_t vmir_jit_generation(void);
void vmir_jit_snapshot_get(vmir_jit_snapshot *out, uint64_t *generation);

/* Test hooks as the runtime reads them. */
bool vmir_jit_take_injected_failure(void);
uint32_t vmir_jit_perturbed_guards(void);

/* ---- code cache ---------------------------------------------------------------
 * t[impl format.exec.code-cache-in-process-v0]: an in-process table, never
 * persisted. t[impl format.exec.code-cache-key]: program identity (the
 * canonical binary form, compared byte for byte, with its hash), the
 * executor ABI, the assumptions (shape id, program ABI, capabilities, sink
 * callbacks), the backend and its options. */
typedef struct vmir_cache_key {
  uint64_t hash;
  const uint8_t *identity;       /* canonical binary form of the program */
  size_t identity_len;
  uint32_t executor_abi;
  vmir_jit_assumptions assume;
  const vmir_backend *backend;
  vmir_jit_options options;
} vmir_cache_key;

typedef struct vmir_cache_entry vmir_cache_entry;

/* Fills key->hash from the other fields. */
void vmir_cache_key_hash(vmir_cache_key *key);
/* A live entry for the key, with a reference for the caller; NULL on miss. */
vmir_cache_entry *vmir_cache_lookup(const vmir_cache_key *key);
/* A live entry (HIT, with a reference), or else the right to compile the
 * key (CLAIMED: the caller compiles, inserts and unclaims), or BUSY:
 * another thread compiles it now (or no memory for the claim). */
typedef enum vmir_cache_claim { VMIR_CACHE_HIT, VMIR_CACHE_CLAIMED, VMIR_CACHE_BUSY } vmir_cache_claim;
vmir_cache_entry *vmir_cache_lookup_or_claim(const vmir_cache_key *key, vmir_cache_claim *claim);
void vmir_cache_unclaim(const vmir_cache_key *key);
/* Inserts freshly compiled code (the cache takes it over) and returns the
 * entry with a reference for the caller; NULL when out of memory (the code
 * is then released). */
vmir_cache_entry *vmir_cache_insert(const vmir_cache_key *key, vmir_jit_code *code);
vmir_jit_code *vmir_cache_code(const vmir_cache_entry *e);
void vmir_cache_ref(vmir_cache_entry *e);
/* Drops a reference; the last one frees the code (its pages unmapped). */
void vmir_cache_release(vmir_cache_entry *e);
/* Removes the entry from the cache (holders keep their references);
 * true when it was still cached. */
bool vmir_cache_invalidate(vmir_cache_entry *e);
size_t vmir_cache_entry_count(void);

/* ---- compiles ----------------------------------------------------------------- */

/* One compile: prepared under the tier's lock, run with no lock held (by
 * the run that claimed it or the background thread), then published. */
typedef struct vmir_compile_job {
  struct vmir_tier *tier;
  const vmir_backend *backend;
  vmir_jit_request req;
  vmir_cache_key key;            /* identity: the tier's (alive while it is) */
  uint64_t generation;           /* configuration it was prepared under */
  uint64_t runs_before;
  vmir_status status;
  vmir_jit_code *code;
  uint64_t compile_ns;
  char why[256];
  struct vmir_compile_job *next; /* background queue */
} vmir_compile_job;

void vmir_tier_compile(vmir_compile_job *job);
void vmir_tier_finish(vmir_compile_job *job);

/* The background compile thread (jit/background.c), started on first use.
 * submit: false when no thread can be started (compile in place). cancel:
 * true when the job was still queued (now removed, not run). */
bool vmir_background_submit(vmir_compile_job *job);
bool vmir_background_cancel(vmir_compile_job *job);

/* Test hooks (jit_config.c): a delay before every compile, and every
 * compile on the background thread. */
uint32_t vmir_jit_test_compile_delay_ms(void);
bool vmir_jit_test_background(void);

/* ---- per-executable tiering state ----------------------------------------------- */
struct vmir_tier {
  vmir_tier_hook hook;            /* first: the executable frees through it */
  /* Lock-free fast path for runs that stay on the interpreter: while the
   * configuration generation is fast_gen, runs before the fast_until-th
   * neither promote nor have code (fast_until is stored first, fast_gen
   * last, with release). */
  _Atomic uint64_t fast_gen, fast_until;
  pthread_mutex_t lock;
  uint64_t generation;           /* of `snap` */
  vmir_jit_snapshot snap;
  vmir_cache_entry *bound;       /* code in use (a reference), or NULL */
  bool compiling;                /* a compile for it is in flight */
  struct vmir_compile_job *queued; /* ... on the background thread */
  pthread_cond_t compiled;       /* signalled when compiling ends */
  uint32_t failures;             /* compile failures under this snapshot */
  uint64_t retry_at;             /* executions before compiling again */
  bool gave_up;
  /* Program facts, computed at the first compile. */
  bool facts;
  uint32_t uses;                 /* capabilities the program could use */
  uint8_t *identity;
  size_t identity_len;
  /* The shape at each pc by inference from the executable's root: runs
   * with that root hand it to the code (vmir_shape_context). */
  const vmir_shape **known_shapes;
  /* Root shape ids for the shape guard (ids hash the whole graph). */
  uint64_t root_id;
  const vmir_shape *last_shape;
  uint64_t last_shape_id;
  vmir_counters counters;
  uint32_t insn_count;
  _Atomic uint64_t *deopts_by_pc;
};

#endif
