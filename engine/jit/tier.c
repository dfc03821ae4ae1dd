/* Tiering: per-executable state, promotion, guarded entry into generated
 * code, deoptimisation back into the interpreter. */
#include "jit/tier.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "exec/interp.h"
#include "jit/caps.h"
#include "jit/infer.h"
#include "jit/jit_internal.h"
#include "vmir/text.h"

vmir_counters vmir_jit_global_counters;

/* ---- the tiering state of an executable --------------------------------------- */

static void tier_free(vmir_tier_hook *hook) {
  struct vmir_tier *t = (struct vmir_tier *)hook;
  /* A compile for this executable in flight: a queued one is dropped, a
   * running one is waited for (it reads the executable). */
  pthread_mutex_lock(&t->lock);
  if (t->queued && vmir_background_cancel(t->queued)) {
    vmir_compile_job *job = t->queued;
    t->queued = NULL;
    t->compiling = false;
    pthread_mutex_unlock(&t->lock);
    vmir_cache_unclaim(&job->key);
    free(job);
    pthread_mutex_lock(&t->lock);
  }
  while (t->compiling) pthread_cond_wait(&t->compiled, &t->lock);
  pthread_mutex_unlock(&t->lock);
  vmir_cache_release(t->bound);
  pthread_cond_destroy(&t->compiled);
  pthread_mutex_destroy(&t->lock);
  free(t->identity);
  free(t->known_shapes);
  free(t->deopts_by_pc);
  free(t);
}

static struct vmir_tier *tier_new(const vmir_executable *exe) {
  struct vmir_tier *t = calloc(1, sizeof *t);
  if (!t) return NULL;
  t->insn_count = exe->program->insn_count;
  t->deopts_by_pc = calloc(t->insn_count ? t->insn_count : 1, sizeof *t->deopts_by_pc);
  if (!t->deopts_by_pc || pthread_mutex_init(&t->lock, NULL) != 0) {
    free(t->deopts_by_pc);
    free(t);
    return NULL;
  }
  if (pthread_cond_init(&t->compiled, NULL) != 0) {
    pthread_mutex_destroy(&t->lock);
    free(t->deopts_by_pc);
    free(t);
    return NULL;
  }
  t->hook.release = tier_free;
  t->root_id = vmir_shape_id(exe->root);
  atomic_init(&t->fast_gen, 0); /* generations start at 1: no fast path yet */
  atomic_init(&t->fast_until, 0);
  return t;
}

/* The executable's tiering state, created on its first run (NULL when out
 * of memory: the run is then interpreted). */
static struct vmir_tier *tier_of(vmir_executable *exe) {
  vmir_tier_hook *t = atomic_load_explicit(&exe->tier, memory_order_acquire);
  if (t) return (struct vmir_tier *)t;
  struct vmir_tier *fresh = tier_new(exe);
  if (!fresh) return NULL;
  if (atomic_compare_exchange_strong(&exe->tier, &t, &fresh->hook)) return fresh;
  tier_free(&fresh->hook);
  return (struct vmir_tier *)t;
}

/* Facts about the program that decide what code may assume, and its
 * identity for the cache; once per executable. */
static bool program_facts(struct vmir_tier *t, const vmir_executable *exe) {
  if (t->facts) return true;
  t->uses = vmir_jit_program_uses(exe->program);
  /* (Either may exist from an earlier attempt that ran out of memory.) */
  if (!t->identity) t->identity = vmir_program_encode_binary(exe->program, &t->identity_len);
  if (!t->known_shapes)
    t->known_shapes = calloc(t->insn_count ? t->insn_count : 1, sizeof *t->known_shapes);
  if (!t->identity || !t->known_shapes) return false;
  /* Out of memory inside the inference leaves the table all NULL. */
  (void)vmir_stencil_infer_shapes(exe, t->known_shapes);
  t->facts = true;
  return true;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- promotion: compiling off the lock ------------------------------------------
 * A run that finds the executable due for promotion claims the compile
 * (per executable: t->compiling; per cache key: vmir_cache_lookup_or_claim,
 * so two executables of one program never compile the same code twice at
 * once), then compiles with no lock held: other runs of the executable go
 * on in the interpreter meanwhile. The claiming run compiles itself and
 * uses the code at once; a backend that asks for it (or the test hook)
 * compiles on the background thread instead (jit/background.c) and the
 * code is bound for the runs after. */

/* Prepares the compile this run is due for. Caller holds t->lock. Returns
 * a job (the caller compiles it, or queues it), or NULL: the code came
 * from the cache (now bound), or someone compiles it, or a failure was
 * counted. */
static vmir_compile_job *claim(struct vmir_tier *t, const vmir_executable *exe,
                               const vmir_vm_state *vm, const void *io, uint64_t runs_before) {
  const vmir_backend *b = t->snap.backend;
  vmir_compile_job *job = calloc(1, sizeof *job);
  bool facts = program_facts(t, exe);
  if (!job || !facts) {
    free(job);
    /* t[impl format.exec.jit-compile-failure-fallback] */
    VMIR_COUNT(t, compile_failures, 1);
    t->failures++;
    if (t->failures >= t->snap.max_failures) t->gave_up = true;
    else t->retry_at = runs_before + t->snap.backoff;
    return NULL;
  }
  job->tier = t;
  job->generation = t->generation;
  job->runs_before = runs_before;
  job->req = (vmir_jit_request){.exe = exe, .options = t->snap.options};
  /* Assume only what the program can use and the backend can exploit. */
  vmir_jit_assume(&job->req.assume, exe->program, t->uses, b->capabilities, &job->req.options, vm,
                  io);
  job->backend = b;
  job->key = (vmir_cache_key){.identity = t->identity, .identity_len = t->identity_len,
                              .executor_abi = VMIR_ABI_VERSION, .assume = job->req.assume,
                              .backend = b, .options = job->req.options};
  vmir_cache_key_hash(&job->key);
  vmir_cache_claim c;
  vmir_cache_entry *e = vmir_cache_lookup_or_claim(&job->key, &c);
  if (c != VMIR_CACHE_CLAIMED) {
    free(job);
    if (e) {
      VMIR_COUNT(t, cache_hits, 1);
      VMIR_COUNT(t, promotions, 1);
      t->bound = e;
    }
    return NULL;
  }
  VMIR_COUNT(t, cache_misses, 1);
  t->compiling = true;
  return job;
}

/* Compiles the job with no lock held. */
void vmir_tier_compile(vmir_compile_job *job) {
  uint64_t t0 = now_ns();
  /* The slow-compile test hook: a delay, or held until released. */
  uint32_t delay_ms = vmir_jit_test_compile_delay_ms();
  while (delay_ms) {
    uint32_t step = delay_ms == VMIR_JIT_TEST_HOLD ? 1 : delay_ms;
    struct timespec ts = {.tv_sec = step / 1000, .tv_nsec = (long)(step % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    delay_ms = delay_ms == VMIR_JIT_TEST_HOLD ? vmir_jit_test_compile_delay_ms() : 0;
  }
  if (vmir_jit_take_injected_failure()) {
    job->status = VMIR_E_UNSUPPORTED;
    snprintf(job->why, sizeof job->why, "compile failure injected by a test hook");
  } else {
    job->status = job->backend->compile(&job->req, &job->code, job->why, sizeof job->why);
  }
  job->compile_ns = now_ns() - t0;
}

/* Publishes the job's outcome: the code goes into the cache and, unless
 * the configuration changed meanwhile, is bound; a failure is counted and
 * backed off. Frees the job. */
void vmir_tier_finish(vmir_compile_job *job) {
  struct vmir_tier *t = job->tier;
  vmir_cache_entry *e = NULL;
  bool ok = job->status == VMIR_OK && job->code;
  size_t code_bytes = 0;
  if (ok) {
    job->code->compile_ns = job->compile_ns;
    code_bytes = job->code->code_size;
    e = vmir_cache_insert(&job->key, job->code);
  } else if (job->code) {
    job->backend->release(job->code);
  }
  vmir_cache_unclaim(&job->key);
  pthread_mutex_lock(&t->lock);
  bool current = job->generation == t->generation;
  if (!ok && current) {
    /* t[impl format.exec.jit-compile-failure-fallback]: counted, backed
     * off, and the runs meanwhile are interpreted with the same results. */
    VMIR_COUNT(t, compile_failures, 1);
    t->failures++;
    if (t->failures >= t->snap.max_failures) {
      t->gave_up = true;
    } else {
      uint64_t wait = t->snap.backoff << (t->failures - 1 < 20 ? t->failures - 1 : 20);
      t->retry_at = job->runs_before + wait;
    }
  } else if (!ok) {
    VMIR_COUNT(t, compile_failures, 1);
  }
  if (e && current && !t->bound) {
    VMIR_COUNT(t, promotions, 1);
    t->bound = e;
    e = NULL;
  }
  if (ok) {
    /* Counted after the binding above, so a caller that sees the count
     * rise may rely on the next run using the code (unless the
     * configuration changed meanwhile, when it is not bound at all). */
    VMIR_COUNT(t, compiles, 1);
    VMIR_COUNT(t, compile_ns, job->compile_ns);
    VMIR_COUNT(t, code_bytes, code_bytes);
  }
  t->compiling = false;
  if (t->queued == job) t->queued = NULL;
  pthread_cond_broadcast(&t->compiled);
  pthread_mutex_unlock(&t->lock);
  vmir_cache_release(e);
  free(job);
}

/* The code to run this execution with (a reference for the caller), or
 * NULL for the interpreter. */
static vmir_cache_entry *acquire(struct vmir_tier *t, const vmir_executable *exe,
                                 const vmir_vm_state *vm, const void *io, uint64_t runs_before) {
  uint64_t gen = vmir_jit_generation();
  if (atomic_load_explicit(&t->fast_gen, memory_order_acquire) == gen &&
      runs_before < atomic_load_explicit(&t->fast_until, memory_order_relaxed))
    return NULL;
  pthread_mutex_lock(&t->lock);
  if (t->generation != gen) {
    /* Another configuration: code bound under the old one is not reused,
     * and compile failures are forgotten. */
    vmir_cache_release(t->bound);
    t->bound = NULL;
    vmir_jit_snapshot_get(&t->snap, &t->generation);
    t->failures = 0;
    t->retry_at = 0;
    t->gave_up = false;
  }
  /* t[impl format.exec.promotion-threshold]: only once `threshold`
   * executions have run (0: before the first). */
  vmir_compile_job *job = NULL;
  if (!t->bound && !t->compiling && t->snap.backend && runs_before >= t->snap.threshold &&
      !t->gave_up && runs_before >= t->retry_at)
    job = claim(t, exe, vm, io, runs_before);
  vmir_cache_entry *e = t->bound;
  if (e) {
    vmir_cache_ref(e);
  } else if (!job && !t->compiling) {
    /* Until when runs can skip the lock: the threshold or the retry point,
     * never when there is no backend or compiling was given up. */
    uint64_t until = !t->snap.backend || t->gave_up ? UINT64_MAX
                     : t->snap.threshold > t->retry_at ? t->snap.threshold
                                                       : t->retry_at;
    atomic_store_explicit(&t->fast_until, until, memory_order_relaxed);
    atomic_store_explicit(&t->fast_gen, t->generation, memory_order_release);
  }
  bool background = job && (job->backend->background_compile || vmir_jit_test_background());
  if (background) t->queued = job;
  pthread_mutex_unlock(&t->lock);
  if (!job) return e;
  if (background) {
    if (!vmir_background_submit(job)) {
      /* No worker thread: compile here after all. */
      pthread_mutex_lock(&t->lock);
      t->queued = NULL;
      pthread_mutex_unlock(&t->lock);
      vmir_tier_compile(job);
      vmir_tier_finish(job);
    }
    return NULL;
  }
  vmir_tier_compile(job);
  vmir_tier_finish(job);
  /* This run uses what it compiled. */
  pthread_mutex_lock(&t->lock);
  e = t->bound;
  if (e) vmir_cache_ref(e);
  pthread_mutex_unlock(&t->lock);
  return e;
}

static uint64_t shape_id_of(struct vmir_tier *t, const vmir_executable *exe, const vmir_shape *s) {
  if (s == exe->root) return t->root_id;
  pthread_mutex_lock(&t->lock);
  uint64_t id = t->last_shape == s ? t->last_shape_id : 0;
  bool hit = t->last_shape == s;
  pthread_mutex_unlock(&t->lock);
  if (hit) return id;
  id = vmir_shape_id(s);
  pthread_mutex_lock(&t->lock);
  t->last_shape = s;
  t->last_shape_id = id;
  pthread_mutex_unlock(&t->lock);
  return id;
}

/* Counts a deoptimisation; a failed capability guard also invalidates the
 * code, which no longer fits how the executable is run. */
static void deopted(struct vmir_tier *t, vmir_cache_entry *e, const vmir_scratch *sc,
                    const vmir_vm_state *vm) {
  VMIR_COUNT(t, deopts, 1);
  if (vm->pc < t->insn_count)
    atomic_fetch_add_explicit(&t->deopts_by_pc[vm->pc], 1, memory_order_relaxed);
  switch ((vmir_deopt_reason)sc->deopt_reason) {
    case VMIR_DEOPT_FORCED: VMIR_COUNT(t, deopts_forced, 1); break;
    case VMIR_DEOPT_CHECK: VMIR_COUNT(t, deopts_check, 1); break;
    case VMIR_DEOPT_UNSUPPORTED: VMIR_COUNT(t, deopts_unsupported, 1); break;
    case VMIR_DEOPT_GUARD: {
      uint32_t g = sc->guard_failed ? sc->guard_failed - 1 : 0;
      if (g >= VMIR_JIT_GUARD_COUNT) break;
      VMIR_COUNT(t, guard_failures[g], 1);
      if (g == VMIR_JIT_GUARD_SINK || g == VMIR_JIT_GUARD_HOST_PREDICATE) {
        if (vmir_cache_invalidate(e)) VMIR_COUNT(t, cache_invalidations, 1);
        pthread_mutex_lock(&t->lock);
        if (t->bound == e) {
          t->bound = NULL;
          vmir_cache_release(e);
        }
        pthread_mutex_unlock(&t->lock);
      }
      break;
    }
    case VMIR_DEOPT_NONE:
    case VMIR_DEOPT_REASON_COUNT:
      break;
  }
}

/* Generated code carries no function-type signature in front of it, which
 * clang's -fsanitize=function (part of OSS-Fuzz's UBSan set) checks at
 * every indirect call; the one call into it is exempt. */
#if defined(__clang__)
__attribute__((no_sanitize("function")))
#endif
static vmir_status enter_code(vmir_jit_entry_fn entry, const void *root, const vmir_shape_context *ctx,
                              void *io, vmir_scratch *scratch, vmir_vm_state *vm) {
  return entry(root, ctx, io, scratch, vm);
}

vmir_status vmir_tier_run(vmir_executable *exe, vmir_vm_state *vm, const void *root,
                          const vmir_shape *shape, void *io, vmir_error *err) {
  struct vmir_tier *t = tier_of(exe);
  VMIR_COUNT(t, executions, 1);
  if (!t) return vmir_interp_run(exe, vm, err);
  uint64_t hot = atomic_load_explicit(&exe->hotness, memory_order_relaxed);
  vmir_cache_entry *e = acquire(t, exe, vm, io, hot ? hot - 1 : 0);
  if (!e) return vmir_interp_run(exe, vm, err);

  const vmir_program *p = exe->program;
  vmir_shape_context ctx = {.root = shape, .root_shape_id = shape_id_of(t, exe, shape),
                            .program_abi = p->abi, .caps = vmir_jit_run_caps(vm, io), .exe = exe,
                            .known_shapes = shape == exe->root ? t->known_shapes : NULL};
  uint32_t perturb = vmir_jit_perturbed_guards();
  if (perturb) {
    if (perturb & (1u << VMIR_JIT_GUARD_SHAPE_ID)) ctx.root_shape_id ^= 1;
    if (perturb & (1u << VMIR_JIT_GUARD_ABI)) ctx.program_abi += 1;
    if (perturb & (1u << VMIR_JIT_GUARD_SINK)) ctx.caps &= ~(uint32_t)VMIR_CAP_SINK_ANY;
    if (perturb & (1u << VMIR_JIT_GUARD_HOST_PREDICATE)) ctx.caps &= ~(uint32_t)VMIR_CAP_HOST_PREDICATE;
  }
  vmir_scratch scratch = {.err = err};
  VMIR_COUNT(t, jit_executions, 1);
  /* t[impl format.exec.jit-semantic-equivalence]: the code works on the
   * same VM state with the interpreter's semantics; whatever it cannot do
   * it hands back below. */
  vmir_status st = enter_code(vmir_cache_code(e)->entry, root, &ctx, io, &scratch, vm);
  if (st == VMIR_JIT_DEOPT) {
    /* t[impl format.exec.deopt-resume-point] t[impl format.exec.deopt-state-transfer]:
     * the code left vm->pc at the instruction to run next and every stack
     * live in *vm; the interpreter resumes right there. */
    deopted(t, e, &scratch, vm);
    st = vmir_interp_run(exe, vm, err);
  }
  vmir_cache_release(e);
  return st;
}
