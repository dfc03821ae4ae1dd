#include "breakeven.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "tiers.h"
#include "vmir/jit.h"

/* What one tier costs and earns on one program. */
typedef struct tier_cost {
  const bench_tier *tier;
  bool ok;
  char why[192];
  measure_stats compile_ns, run_ns, first_run_ns;
  double code_fraction;  /* of the timed runs, those that entered generated code */
  double deopts_per_run; /* deoptimisations per timed run */
  size_t code_bytes;
  long long held_bytes;
} tier_cost;

/* Median ns per run of w on the configured tier, code already bound. */
static measure_stats time_runs(const work_program *w, vmir_executable **exe, const breakeven_options *o) {
  uint64_t t0 = measure_now_ns();
  work_run(w, exe);
  double one = (double)(measure_now_ns() - t0);
  long batch = one > 0 ? (long)(o->min_batch_ns / one) : 1;
  if (batch < 1) batch = 1;
  double *v = calloc((size_t)o->run_reps, sizeof *v);
  for (int r = 0; r < o->run_reps; r++) {
    t0 = measure_now_ns();
    for (long i = 0; i < batch; i++) work_run(w, exe);
    v[r] = (double)(measure_now_ns() - t0) / (double)batch;
  }
  measure_stats s = measure_stats_of(v, (size_t)o->run_reps);
  free(v);
  return s;
}

static bool same(const uint8_t *a, size_t an, const uint8_t *b, size_t bn) {
  return a && b && an == bn && memcmp(a, b, an) == 0;
}

/* Waits this long for a background compile (libgccjit, LLVM opt): a
 * twitter program at O2 compiles in seconds to a minute on a loaded
 * machine. */
#define COMPILE_WAIT_MS 600000u

static tier_cost measure_tier(const work_program *w, const bench_tier *t, const uint8_t *expected,
                              size_t expected_len, const breakeven_options *o) {
  tier_cost c = {.tier = t};
  vmir_executable *exe[2];
  double *compile = calloc((size_t)o->compiles, sizeof *compile);
  double *first = calloc((size_t)o->compiles, sizeof *first);
  bench_tier_use(t, 0);
  int done = 0;
  double spent_ns = 0;
  for (int r = 0; r < o->compiles; r++) {
    vmir_jit_cache_clear();
    if (!work_executables_new(w, exe)) {
      snprintf(c.why, sizeof c.why, "no executable could be made");
      break;
    }
    long long heap0 = measure_heap_bytes();
    uint64_t t0 = measure_now_ns();
    bool ran = work_run(w, exe);
    first[r] = (double)(measure_now_ns() - t0);
    /* A background compile goes on after the promoting run (which ran on
     * the interpreter): its code is what the timed runs are for. */
    if (ran && !vmir_jit_wait_compiles(COMPILE_WAIT_MS)) {
      snprintf(c.why, sizeof c.why, "the background compile took over %u s", COMPILE_WAIT_MS / 1000);
      work_executables_free(w, exe);
      break;
    }
    long long held = measure_heap_bytes() - heap0;
    uint64_t ns = 0;
    size_t bytes = 0;
    bool compiled = ran;
    for (size_t k = 0; k < w->program_count && compiled; k++) {
      size_t cb = 0;
      uint64_t cn = 0;
      compiled = vmir_jit_executable_code(exe[k], &cb, &cn);
      ns += cn;
      bytes += cb;
    }
    if (!compiled) {
      snprintf(c.why, sizeof c.why, ran ? "not compiled (compile failed or declined)" : "the run failed");
      work_executables_free(w, exe);
      break;
    }
    compile[r] = (double)ns;
    c.code_bytes = bytes;
    c.held_bytes = held + (long long)bytes;
    if (r == 0) {
      size_t n = 0;
      uint8_t *got = work_output(w, &n);
      bool equal = same(expected, expected_len, got, n);
      free(got);
      bench_tier_use(t, 0);
      if (!equal) {
        snprintf(c.why, sizeof c.why, "output differs from the interpreter's; not timed");
        work_executables_free(w, exe);
        break;
      }
    }
    done++;
    spent_ns += (double)ns;
    bool last = r + 1 == o->compiles || (o->compile_budget_ns > 0 && spent_ns >= o->compile_budget_ns);
    if (last) {
      vmir_jit_stats before[2] = {0}, after[2] = {0};
      for (size_t k = 0; k < w->program_count; k++) vmir_jit_executable_stats(exe[k], &before[k]);
      c.run_ns = time_runs(w, exe, o);
      uint64_t runs = 0, in_code = 0, deopts = 0;
      for (size_t k = 0; k < w->program_count; k++) {
        vmir_jit_executable_stats(exe[k], &after[k]);
        runs += after[k].executions - before[k].executions;
        in_code += after[k].jit_executions - before[k].jit_executions;
        deopts += (after[k].deopts_forced + after[k].deopts_check + after[k].deopts_unsupported) -
                  (before[k].deopts_forced + before[k].deopts_check + before[k].deopts_unsupported);
      }
      c.code_fraction = runs ? (double)in_code / (double)runs : 0;
      c.deopts_per_run = runs ? (double)deopts / (double)runs : 0;
      c.ok = true;
    }
    work_executables_free(w, exe);
    if (last) break;
  }
  if (done) {
    c.compile_ns = measure_stats_of(compile, (size_t)done);
    c.first_run_ns = measure_stats_of(first, (size_t)done);
  }
  free(compile);
  free(first);
  return c;
}

static json_object *stats_json(measure_stats s) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "median", json_object_new_double(s.median));
  json_object_object_add(o, "p25", json_object_new_double(s.p25));
  json_object_object_add(o, "p75", json_object_new_double(s.p75));
  json_object_object_add(o, "min", json_object_new_double(s.min));
  json_object_object_add(o, "max", json_object_new_double(s.max));
  return o;
}

/* Runs after which `c` (compile C, run r) has cost less in total than a
 * tier with compile c0 and run r0: the least N with C + N r < c0 + N r0;
 * 0 when it never does. */
static long breakeven_n(double C, double r, double c0, double r0) {
  if (C + r < c0 + r0) return 1;
  if (r >= r0) return 0;
  double n = floor((C - c0) / (r0 - r)) + 1;
  return n > 1e12 ? 0 : (long)n;
}

static json_object *program_json(const work_program *w, measure_stats interp, const tier_cost *costs, size_t nc) {
  json_object *p = json_object_new_object();
  json_object_object_add(p, "name", json_object_new_string(w->name));
  json_object_object_add(p, "workload", json_object_new_string(w->doc->name));
  json_object_object_add(p, "insns", json_object_new_int64(w->insns));
  json_object_object_add(p, "interp_run_ns", stats_json(interp));
  json_object *tiers = json_object_new_array();
  for (size_t i = 0; i < nc; i++) {
    const tier_cost *c = &costs[i];
    json_object *t = json_object_new_object();
    json_object_object_add(t, "tier", json_object_new_string(c->tier->name));
    json_object_object_add(t, "ok", json_object_new_boolean(c->ok));
    if (!c->ok) json_object_object_add(t, "why", json_object_new_string(c->why));
    if (c->ok) {
      json_object_object_add(t, "compile_ns", stats_json(c->compile_ns));
      json_object_object_add(t, "first_run_ns", stats_json(c->first_run_ns));
      json_object_object_add(t, "run_ns", stats_json(c->run_ns));
      json_object_object_add(t, "code_bytes", json_object_new_int64((int64_t)c->code_bytes));
      json_object_object_add(t, "code_fraction", json_object_new_double(c->code_fraction));
      json_object_object_add(t, "deopts_per_run", json_object_new_double(c->deopts_per_run));
      json_object_object_add(t, "held_bytes", json_object_new_int64(c->held_bytes));
      json_object *be = json_object_new_object();
      long n = breakeven_n(c->compile_ns.median, c->run_ns.median, 0, interp.median);
      json_object_object_add(be, "interp", n ? json_object_new_int64(n) : NULL);
      for (size_t k = 0; k < nc; k++) {
        const tier_cost *l = &costs[k];
        if (!l->ok || l->tier->rank >= c->tier->rank) continue;
        n = breakeven_n(c->compile_ns.median, c->run_ns.median, l->compile_ns.median, l->run_ns.median);
        json_object_object_add(be, l->tier->name, n ? json_object_new_int64(n) : NULL);
      }
      json_object_object_add(t, "breakeven", be);
    }
    json_object_array_add(tiers, t);
  }
  json_object_object_add(p, "tiers", tiers);
  return p;
}

breakeven_result breakeven_study(const work_program *ws, size_t n, const breakeven_options *o) {
  size_t nt = bench_tier_count();
  breakeven_result res = {json_object_new_array(), calloc(n ? n : 1, sizeof(double)),
                          malloc((n ? n : 1) * nt * sizeof(double))};
  for (size_t k = 0; k < (n ? n : 1) * nt; k++) res.compile_ns[k] = -1;
  tier_cost *costs = calloc(nt, sizeof *costs);
  double *tier_spent = calloc(nt, sizeof *tier_spent);
  for (size_t i = 0; i < n; i++) {
    const work_program *w = &ws[i];
    measure_progress("compile and break-even %zu/%zu: %s", i + 1, n, w->name);
    vmir_executable *exe[2];
    bench_tier_use(bench_tier_interp(), -1);
    if (!work_executables_new(w, exe)) continue;
    work_run(w, exe); /* warms the writers and the decoder */
    size_t expected_len = 0;
    uint8_t *expected = work_run(w, exe) ? work_output(w, &expected_len) : NULL;
    measure_stats interp = time_runs(w, exe, o);
    work_executables_free(w, exe);
    res.interp_run_ns[i] = interp.median;
    size_t nc = 0;
    for (size_t t = 0; t < nt; t++) {
      const bench_tier *tier = bench_tier_at(t);
      if (!tier->present || tier == bench_tier_interp()) continue;
      if (o->tier_budget_ns > 0 && tier_spent[t] >= o->tier_budget_ns) {
        costs[nc] = (tier_cost){.tier = tier};
        snprintf(costs[nc++].why, sizeof costs[0].why,
                 "not measured: this run's compile budget for the tier (%.0f s) is spent; "
                 "--full measures every program", o->tier_budget_ns / 1e9);
        continue;
      }
      tier_cost c = measure_tier(w, tier, expected, expected_len, o);
      if (c.ok) {
        res.compile_ns[i * nt + t] = c.compile_ns.median;
        tier_spent[t] += c.compile_ns.median;
      }
      costs[nc++] = c;
    }
    json_object_array_add(res.json, program_json(w, interp, costs, nc));
    free(expected);
  }
  measure_progress_end();
  free(costs);
  free(tier_spent);
  bench_tier_use(bench_tier_interp(), -1);
  return res;
}
