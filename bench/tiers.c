#include "tiers.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "vmir/jit.h"

/* The backends and levels the project plans (docs/bench.md); a registry
 * backend missing here still appears, with its one default level. Rank
 * orders "lower tier" in the break-even tables: cheaper compiles first. */
static const struct {
  const char *backend, *level;
  int rank;
} expected[] = {
    {"stencil", NULL, 1},
    {"llvm", "fast", 2},
    {"gccjit", "O0", 3},
    {"llvm", "opt", 4},
    {"gccjit", "O2", 5},
};

#define MAX_TIERS 32
static bench_tier tiers[MAX_TIERS];
static size_t ntiers;

static bool built(const char *backend) {
  for (size_t i = 0; i < vmir_jit_backend_count(); i++)
    if (strcmp(vmir_jit_backend_name(i), backend) == 0) return true;
  return false;
}

/* A backend's two levels map onto one configuration bit,
 * VMIR_JIT_FLAG_OPT_LOW (gccjit O0, llvm fast); the names come from the
 * backend (vmir_jit_backend_level_name). */
static bool apply_level(vmir_jit_config *c, const char *level, char *why, size_t cap) {
  if (!level) return true;
  const char *high = vmir_jit_backend_level_name(c->backend, false);
  const char *low = vmir_jit_backend_level_name(c->backend, true);
  if (high && strcmp(level, high) == 0) return true;
  if (low && strcmp(level, low) == 0) {
    c->flags |= VMIR_JIT_FLAG_OPT_LOW;
    return true;
  }
  if (why) snprintf(why, cap, "unavailable: no way to select level %s in this build's JIT configuration", level);
  return false;
}

static void add(const char *backend, const char *level, int rank) {
  if (ntiers == MAX_TIERS) return;
  bench_tier *t = &tiers[ntiers++];
  t->backend = backend;
  t->level = level;
  t->rank = rank;
  if (level) snprintf(t->name, sizeof t->name, "%s-%s", backend, level);
  else snprintf(t->name, sizeof t->name, "%s", backend);
  const char *reason = NULL;
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = backend;
  if (!built(backend)) {
    snprintf(t->why, sizeof t->why, "not built (meson option jit_%s or its package missing)", backend);
  } else if (!vmir_jit_backend_available(backend, &reason)) {
    snprintf(t->why, sizeof t->why, "unavailable: %s", reason ? reason : "no reason given");
  } else if (apply_level(&c, level, t->why, sizeof t->why)) {
    t->present = true;
  }
}

static void init(void) {
  if (ntiers) return;
  bench_tier *interp = &tiers[ntiers++];
  snprintf(interp->name, sizeof interp->name, "interp");
  interp->backend = "none";
  interp->present = true;
  for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
    add(expected[i].backend, expected[i].level, expected[i].rank);
  for (size_t i = 0; i < vmir_jit_backend_count(); i++) {
    const char *name = vmir_jit_backend_name(i);
    bool known = false;
    for (size_t e = 0; e < sizeof expected / sizeof expected[0]; e++)
      known = known || strcmp(expected[e].backend, name) == 0;
    if (!known) add(name, NULL, 10 + (int)i);
  }
  /* rank order (insertion sort: a handful of entries) */
  for (size_t i = 1; i < ntiers; i++)
    for (size_t j = i; j > 0 && tiers[j - 1].rank > tiers[j].rank; j--) {
      bench_tier tmp = tiers[j];
      tiers[j] = tiers[j - 1];
      tiers[j - 1] = tmp;
    }
}

size_t bench_tier_count(void) {
  init();
  return ntiers;
}

const bench_tier *bench_tier_at(size_t i) {
  init();
  return i < ntiers ? &tiers[i] : NULL;
}

const bench_tier *bench_tier_find(const char *name) {
  init();
  for (size_t i = 0; i < ntiers; i++)
    if (strcmp(tiers[i].name, name) == 0) return &tiers[i];
  return NULL;
}

const bench_tier *bench_tier_interp(void) { return bench_tier_at(0); }

bool bench_tier_use(const bench_tier *t, int64_t threshold) {
  if (!t || !t->present) return false;
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = t->backend;
  c.threshold = threshold;
  if (!apply_level(&c, t->level, NULL, 0)) return false;
  return vmir_jit_configure(&c, NULL) == VMIR_OK;
}

/* Compiles claimed (cache misses), those finished, and runs that entered
 * generated code. */
static void compile_counts(uint64_t *claimed, uint64_t *finished, uint64_t *jit_runs) {
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  *claimed = s.cache_misses;
  *finished = s.compiles + s.compile_failures;
  *jit_runs = s.jit_executions;
}

void bench_tier_counts(uint64_t *entered, uint64_t *deopts) {
  vmir_jit_stats s;
  vmir_jit_stats_get(&s);
  *entered = s.jit_executions;
  *deopts = s.deopts;
}

bool bench_tier_warm(int (*fn)(void *), void *ctx) {
  /* Backends that compile on the background thread (libgccjit, LLVM)
   * keep running the interpreter until their code is ready: run until a
   * run claims no new compile and enters generated code, waiting (up to
   * 2 min) after each other run for every claimed compile to finish, so
   * timed runs measure generated code. */
  for (int round = 0; round < 20; round++) {
    uint64_t claimed_before, claimed, finished, jit_before, jit_after;
    compile_counts(&claimed_before, &finished, &jit_before);
    if (fn(ctx) != 0) return false;
    compile_counts(&claimed, &finished, &jit_after);
    /* Done once a run claims nothing and runs generated code. */
    if (claimed == claimed_before && jit_after > jit_before) return true;
    struct timespec pause = {0, 10 * 1000000L};
    for (int i = 0; i < 12000 && finished < claimed; i++) {
      nanosleep(&pause, NULL);
      compile_counts(&claimed, &finished, &jit_after);
    }
  }
  return false;
}
