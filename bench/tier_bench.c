#include "tier_bench.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiers.h"

/* One workload variant: the interpreter's output, taken once, is what every
 * tier must reproduce. */
typedef struct variant_ref {
  char name[160];
  vmir_bench_fn fn;
  tier_output_fn output;
  void *ctx;
  uint8_t *expected;
  size_t expected_len;
  bool have_expected;
} variant_ref;

typedef struct tier_case {
  variant_ref *ref;
  const bench_tier *tier;
  /* the JIT counters when the timed runs begin (end of setup) */
  uint64_t entered_before, deopts_before;
} tier_case;

static int run(void *c) {
  const tier_case *tc = c;
  return tc->ref->fn(tc->ref->ctx);
}

static bool take_expected(variant_ref *v) {
  if (v->have_expected) return true;
  if (!bench_tier_use(bench_tier_interp(), -1) || v->fn(v->ctx) != 0) {
    fprintf(stderr, "bench %s: the interpreter fails the workload\n", v->name);
    return false;
  }
  size_t n = 0;
  const uint8_t *d = v->output(v->ctx, &n);
  if (!d) {
    fprintf(stderr, "bench %s: the interpreter's output cannot be taken\n", v->name);
    return false;
  }
  v->expected = malloc(n ? n : 1);
  if (!v->expected) return false;
  memcpy(v->expected, d, n);
  v->expected_len = n;
  v->have_expected = true;
  return true;
}

/* Runs in the benchmark's setup, before any timed run of this tier. */
static int setup(void *c) {
  tier_case *tc = c;
  variant_ref *v = tc->ref;
  if (!take_expected(v)) return 1;
  if (tc->tier == bench_tier_interp()) return bench_tier_use(tc->tier, -1) ? 0 : 1;
  if (!bench_tier_use(tc->tier, 0)) return 1;
  if (!bench_tier_warm(v->fn, v->ctx)) {
    fprintf(stderr, "bench %s@%s: the workload fails on this tier, or never runs its code; not timed\n",
            v->name, tc->tier->name);
    return 1;
  }
  bench_tier_use(bench_tier_interp(), -1);
  size_t n = 0;
  const uint8_t *got = v->output(v->ctx, &n);
  size_t common = n < v->expected_len ? n : v->expected_len, i = 0;
  while (got && i < common && got[i] == v->expected[i]) i++;
  if (!got || i < common || n != v->expected_len) {
    fprintf(stderr, "bench %s@%s: output differs from the interpreter's at byte %zu (%zu vs %zu bytes); not timed\n",
            v->name, tc->tier->name, i, n, v->expected_len);
    return 1;
  }
  /* Back on the tier: the switch to the interpreter unbound its code, so
   * warm again (one run that finds the code in the cache, or waits for a
   * compile again), and the timed runs all run the tier's code. */
  if (!bench_tier_use(tc->tier, 0) || !bench_tier_warm(v->fn, v->ctx)) {
    fprintf(stderr, "bench %s@%s: the tier's code is not back after the output check; not timed\n",
            v->name, tc->tier->name);
    return 1;
  }
  bench_tier_counts(&tc->entered_before, &tc->deopts_before);
  return 0;
}

/* The share of the timed runs that entered the tier's code and never left
 * it (none of the workloads deopts: a run that does, or that never
 * enters, ran on the interpreter, and its time is not the tier's). One
 * reference run timed a tier at the interpreter's speed although its
 * setup had seen the code run; this makes such a run visible. */
static double share(void *c, uint64_t runs) {
  tier_case *tc = c;
  if (tc->tier == bench_tier_interp() || runs == 0) return 1.0;
  uint64_t entered, deopts;
  bench_tier_counts(&entered, &deopts);
  entered -= tc->entered_before;
  deopts -= tc->deopts_before;
  uint64_t clean = entered > deopts ? entered - deopts : 0;
  return clean >= runs ? 1.0 : (double)clean / (double)runs;
}

void tier_bench_add(const char *group, const char *variant, vmir_bench_fn fn,
                    tier_output_fn output, void *ctx, size_t bytes) {
  variant_ref *v = calloc(1, sizeof *v);
  if (!v) return;
  snprintf(v->name, sizeof v->name, "%s/vmir-%s", group, variant);
  v->fn = fn;
  v->output = output;
  v->ctx = ctx;
  for (size_t i = 0; i < bench_tier_count(); i++) {
    const bench_tier *t = bench_tier_at(i);
    if (!t->present) continue;
    tier_case *tc = malloc(sizeof *tc);
    if (!tc) return;
    *tc = (tier_case){.ref = v, .tier = t};
    char name[224];
    snprintf(name, sizeof name, "%s@%s", v->name, t->name);
    /* kept for the process: the shim may hold the pointer */
    vmir_bench_add_checked(strdup(name), setup, run, share, tc, bytes);
  }
}
