/* vmir JIT tiering: every executable starts on the interpreter; once it
 * has run `threshold` times it is compiled by a JIT backend and later runs
 * enter the generated code behind entry guards. Compile failures, guard
 * failures and deoptimisations fall back to the interpreter with the same
 * results. All of this is optional: with no backend built in, or none
 * available, everything runs on the interpreter. See docs/jit.md. */
#ifndef VMIR_JIT_H
#define VMIR_JIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"
#include "vmir/exec.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Backend options (vmir_jit_config.flags); part of the code cache key. */
enum {
  /* Call sink callbacks through sink->ops instead of calling the callbacks
   * of the sink seen at compile time directly (no sink capability assumed). */
  VMIR_JIT_FLAG_NO_SINK_DIRECT = 1u << 0,
  /* Keep every tail jump, even to the very next instruction's code. */
  VMIR_JIT_FLAG_NO_ELIDE = 1u << 1,
  /* Compile every instruction to the generic one-instruction slow path. */
  VMIR_JIT_FLAG_GENERIC_ONLY = 1u << 2,
  /* Do not specialise on the shapes inferred for each program point. */
  VMIR_JIT_FLAG_NO_SHAPE_SPECIALIZE = 1u << 3,
  /* Compile at the backend's low optimisation level (gccjit: O0 instead of
   * O2; llvm: fast instead of opt): faster compiles, slower code. Backends
   * with one level ignore it. */
  VMIR_JIT_FLAG_OPT_LOW = 1u << 4,
  /* Keep every instruction in its own stencil: no fused runs (stencil
   * backend; a test flag, for the one-op-per-stencil code shape). */
  VMIR_JIT_FLAG_NO_FUSE = 1u << 5
};

typedef struct vmir_jit_config {
  /* "stencil", "none", or "auto"/NULL: the first backend available. */
  const char *backend;
  /* Executions an executable runs on the interpreter before it is compiled:
   * 0 compiles before the first run, 1 after the first, N after N.
   * -1: the backend's default. */
  int64_t threshold;
  /* Compile failures per executable before it stays on the interpreter for
   * good; 0: the default (3). */
  uint32_t max_compile_failures;
  /* Executions to wait after a compile failure before trying again, doubled
   * after each further failure; 0: the default (16). */
  uint64_t backoff_runs;
  /* Debug knob: the generated code deoptimises when it reaches this
   * absolute instruction index; -1: never. */
  int64_t force_deopt_pc;
  /* VMIR_JIT_FLAG_* */
  uint32_t flags;
} vmir_jit_config;

/* The defaults with the environment applied: VMIR_JIT_BACKEND (a backend
 * name, "none" or "auto"), VMIR_JIT_THRESHOLD (N), VMIR_JIT_FORCE_DEOPT_PC
 * (N), VMIR_JIT_GCCJIT_LEVEL (O0 sets VMIR_JIT_FLAG_OPT_LOW; O2, the
 * default, clears it), VMIR_JIT_LLVM_LEVEL (fast sets it; opt, the
 * default, clears it). */
vmir_jit_config vmir_jit_config_default(void);

/* Replaces the process-wide configuration (NULL: back to
 * vmir_jit_config_default()). Executables pick it up on their next run;
 * code compiled under other options is not reused for them. Fails
 * (VMIR_E_USAGE) on an unknown backend name; an unavailable one is
 * accepted and runs everything on the interpreter. */
vmir_status vmir_jit_configure(const vmir_jit_config *config, vmir_error *err);
vmir_jit_config vmir_jit_get_config(void);

/* Backends built into this library. */
size_t vmir_jit_backend_count(void);
const char *vmir_jit_backend_name(size_t i);
/* The name of a built backend's level: its default (high) one, or with
 * `low` the one VMIR_JIT_FLAG_OPT_LOW selects ("opt"/"fast" for llvm,
 * "O2"/"O0" for gccjit). NULL for a backend with one level or not built. */
const char *vmir_jit_backend_level_name(const char *name, bool low);
/* Whether the named backend can compile here; if not, *reason says why. */
bool vmir_jit_backend_available(const char *name, const char **reason);
/* The backend the current configuration runs ("none" when none is
 * configured or available); its default threshold in *threshold. */
const char *vmir_jit_selected_backend(uint64_t *threshold);

/* ---- statistics ---------------------------------------------------------- */

typedef enum vmir_jit_guard_kind {
  VMIR_JIT_GUARD_SHAPE_ID = 0,   /* root shape id */
  VMIR_JIT_GUARD_ABI,            /* program ABI */
  VMIR_JIT_GUARD_SINK,           /* sink kind / callbacks the code calls directly */
  VMIR_JIT_GUARD_HOST_PREDICATE, /* host predicate hook present */
  VMIR_JIT_GUARD_COUNT
} vmir_jit_guard_kind;

typedef struct vmir_jit_stats {
  uint64_t executions;           /* runs that went through the tiering runtime */
  uint64_t jit_executions;       /* runs that entered generated code */
  uint64_t promotions;           /* times code was bound to an executable */
  uint64_t compiles;             /* successful backend compiles */
  uint64_t compile_failures;
  uint64_t compile_ns;           /* total time in successful compiles */
  uint64_t code_bytes;           /* machine code of successful compiles */
  uint64_t guard_failures[VMIR_JIT_GUARD_COUNT];
  uint64_t deopts;               /* all deoptimisations, guards included */
  uint64_t deopts_forced;        /* by the debug knob */
  uint64_t deopts_check;         /* runtime checks handed to the interpreter */
  uint64_t deopts_unsupported;   /* unsupported opcodes */
  uint64_t cache_hits, cache_misses, cache_invalidations;
  uint64_t cache_entries;        /* live entries (process-wide only) */
} vmir_jit_stats;

/* Process-wide counters. */
void vmir_jit_stats_get(vmir_jit_stats *out);
void vmir_jit_stats_reset(void);
/* Counters of one executable. */
void vmir_jit_executable_stats(const vmir_executable *exe, vmir_jit_stats *out);
/* Deoptimisations that resumed the interpreter at `pc` (absolute index). */
uint64_t vmir_jit_deopts_at(const vmir_executable *exe, uint32_t pc);
/* Whether the executable currently has generated code bound, and its size. */
bool vmir_jit_executable_code(const vmir_executable *exe, size_t *code_bytes,
                              uint64_t *compile_ns);
/* A `vmir stats`-style text dump: the process-wide counters, or those of
 * one executable (then with deopts by pc as fP:bB:I). malloc'd,
 * NUL-terminated; NULL when out of memory. */
char *vmir_jit_stats_text(const vmir_executable *exe, size_t *len_out);

/* Drops every code cache entry no executable holds. */
void vmir_jit_cache_clear(void);

/* Waits until the background compile thread has nothing queued or in
 * progress, at most timeout_ms; true when it is idle. For tools and
 * benchmarks that want the code a background compile (libgccjit, LLVM opt)
 * is producing, where a service would keep running on the interpreter. */
bool vmir_jit_wait_compiles(uint32_t timeout_ms);

/* Stops the background compile thread, if one runs: a compile in progress
 * is finished and published, queued ones are dropped (their executables
 * stay interpreted until they compile again). The thread starts again on
 * the next background compile. */
void vmir_jit_shutdown(void);

/* ---- test hooks ----------------------------------------------------------
 * For conformance tests and fuzzers; they change behaviour, not results. */

/* The next n compile attempts fail as if the backend had failed. */
void vmir_jit_test_fail_compiles(uint32_t n);
/* Makes the named backend report itself unavailable (false: restores). */
void vmir_jit_test_force_unavailable(const char *backend, bool unavailable);
/* Presents wrong facts to the given guards (a mask of 1u << kind) on every
 * entry until cleared with 0, so those guards fail. */
void vmir_jit_test_perturb_guards(uint32_t guard_mask);
/* Compiles this opcode to a deopt exit as if the backend did not support
 * it (-1: none). Part of the cache key. */
void vmir_jit_test_unsupported_op(int64_t op);
/* Every compile first sleeps delay_ms (a slow backend), or with
 * VMIR_JIT_TEST_HOLD waits until the hook is set to something else; with
 * background, every compile runs on the background thread. 0, false: off. */
#define VMIR_JIT_TEST_HOLD UINT32_MAX
void vmir_jit_test_slow_compile(uint32_t delay_ms, bool background);

#ifdef __cplusplus
}
#endif
#endif
