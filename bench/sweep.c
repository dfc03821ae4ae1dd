#include "sweep.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "measure.h"
#include "tiers.h"
#include "vmir/jit.h"

const int64_t sweep_thresholds[] = {0, 1, 2, 4, 8, 16, 32, 64, 128, 256, 1024, -1};
const size_t sweep_threshold_count = sizeof sweep_thresholds / sizeof sweep_thresholds[0];

static uint64_t splitmix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

/* The call sequence: programs in a seeded random order of popularity, the
 * k-th most popular called with weight 1/k^s. */
static size_t *call_sequence(const bool *use, size_t n, const sweep_options *o, size_t *members,
                             size_t **calls_per_program) {
  size_t *order = malloc(n * sizeof *order), m = 0;
  for (size_t i = 0; i < n; i++)
    if (use[i]) order[m++] = i;
  uint64_t s = o->seed;
  for (size_t i = m; i > 1; i--) {
    size_t j = (size_t)(splitmix(&s) % i);
    size_t t = order[i - 1];
    order[i - 1] = order[j];
    order[j] = t;
  }
  if (!m) {
    free(order);
    *members = 0;
    *calls_per_program = calloc(n ? n : 1, sizeof **calls_per_program);
    return malloc(1);
  }
  double *cdf = malloc(m * sizeof *cdf), total = 0;
  for (size_t k = 0; k < m; k++) cdf[k] = (total += 1.0 / pow((double)(k + 1), o->zipf_s));
  size_t *seq = malloc(o->calls * sizeof *seq);
  *calls_per_program = calloc(n, sizeof **calls_per_program);
  for (size_t c = 0; c < o->calls; c++) {
    double u = (double)(splitmix(&s) >> 11) / 9007199254740992.0 * total;
    size_t k = 0;
    while (k + 1 < m && cdf[k] < u) k++;
    seq[c] = order[k];
    (*calls_per_program)[order[k]]++;
  }
  *members = m;
  free(order);
  free(cdf);
  return seq;
}

/* One pass of the mixed workload from cold: fresh executables, empty cache. */
static double one_pass(const work_program *ws, const bool *use, size_t n, const size_t *seq, size_t calls,
                       uint64_t *compiles, double *wall_ns) {
  vmir_executable *(*exe)[2] = calloc(n, sizeof *exe);
  vmir_jit_cache_clear();
  for (size_t i = 0; i < n; i++)
    if (use[i]) work_executables_new(&ws[i], exe[i]);
  vmir_jit_stats_reset();
  uint64_t w0 = measure_wall_ns(), t0 = measure_now_ns();
  for (size_t c = 0; c < calls; c++) work_run(&ws[seq[c]], exe[seq[c]]);
  /* Background compiles (libgccjit, LLVM opt) belong to this pass: their
   * CPU time counts, and none runs on into the next pass. */
  vmir_jit_wait_compiles(600000u);
  double ns = (double)(measure_now_ns() - t0);
  *wall_ns = (double)(measure_wall_ns() - w0);
  vmir_jit_stats st;
  vmir_jit_stats_get(&st);
  *compiles = st.compiles;
  for (size_t i = 0; i < n; i++)
    if (use[i]) work_executables_free(&ws[i], exe[i]);
  free(exe);
  return ns;
}

static json_object *pass_json(int64_t threshold, measure_stats s, measure_stats wall, uint64_t compiles) {
  json_object *o = json_object_new_object();
  json_object_object_add(o, "threshold", threshold >= 0 ? json_object_new_int64(threshold) : NULL);
  json_object_object_add(o, "total_ns", json_object_new_double(s.median));
  json_object_object_add(o, "p25", json_object_new_double(s.p25));
  json_object_object_add(o, "p75", json_object_new_double(s.p75));
  json_object_object_add(o, "wall_ns", json_object_new_double(wall.median));
  json_object_object_add(o, "compiles", json_object_new_int64((int64_t)compiles));
  return o;
}

/* The measured pick: of the thresholds whose median is within the best
 * one's noise (its 75th percentile, and 2% of it), the largest: it compiles
 * fewer rarely-called programs, so it holds less code, for the same time.
 * The dashboard weighs it against the model (docs/thresholds.md). */
static int64_t recommend(const measure_stats *s, size_t count) {
  size_t best = 0;
  for (size_t k = 1; k < count; k++)
    if (s[k].median < s[best].median) best = k;
  double limit = s[best].p75 < s[best].median * 1.02 ? s[best].p75 : s[best].median * 1.02;
  if (limit < s[best].median) limit = s[best].median;
  size_t pick = best;
  for (size_t k = 0; k < count; k++)
    if (s[k].median <= limit && k > pick) pick = k;
  return sweep_thresholds[pick];
}

json_object *sweep_study(const work_program *ws, const bool *use, size_t n, const sweep_options *o) {
  size_t members = 0, *per_program = NULL;
  size_t *seq = call_sequence(use, n, o, &members, &per_program);
  if (!members) {
    free(seq);
    free(per_program);
    return NULL;
  }
  json_object *root = json_object_new_object();
  json_object_object_add(root, "calls", json_object_new_int64((int64_t)o->calls));
  json_object_object_add(root, "programs", json_object_new_int64((int64_t)members));
  json_object_object_add(root, "zipf_s", json_object_new_double(o->zipf_s));
  json_object_object_add(root, "reps", json_object_new_int(o->reps));
  json_object_object_add(root, "background_compile",
                         json_object_new_string("on for the backends that ask for it (LLVM, libgccjit): their "
                                                "calls run on the interpreter until the code is ready; a pass "
                                                "ends when its compiles do, and its CPU time includes them"));
  json_object *mix = json_object_new_array();
  for (size_t i = 0; i < n; i++) {
    if (!use[i] || !per_program[i]) continue;
    json_object *m = json_object_new_object();
    json_object_object_add(m, "program", json_object_new_string(ws[i].name));
    json_object_object_add(m, "calls", json_object_new_int64((int64_t)per_program[i]));
    json_object_array_add(mix, m);
  }
  json_object_object_add(root, "mix", mix);

  /* Columns: the interpreter alone, then each present JIT tier at each
   * threshold but "never". Repetitions are the outer loop, so a slow
   * minute of the shared machine spreads over every column, not one. */
  size_t nt = bench_tier_count(), cols = 1 + nt * sweep_threshold_count;
  double *v = calloc(cols * (size_t)o->reps, sizeof *v), *wall = calloc(cols * (size_t)o->reps, sizeof *wall);
  uint64_t *compiles = calloc(cols, sizeof *compiles);
  bool *skipped = calloc(nt, sizeof *skipped);
  for (size_t t = 0; t < nt; t++)
    skipped[t] = o->tier_compile_ns && bench_tier_at(t) != bench_tier_interp() &&
                 !(o->tier_compile_ns[t] <= o->pass_compile_budget_ns);
  for (int r = 0; r < o->reps; r++) {
    for (size_t t = 0; t < nt; t++) {
      const bench_tier *tier = bench_tier_at(t);
      if (!tier->present || skipped[t]) continue;
      bool interp = tier == bench_tier_interp();
      for (size_t k = 0; k + 1 < sweep_threshold_count && (!interp || k == 0); k++) {
        size_t col = interp ? 0 : 1 + t * sweep_threshold_count + k;
        measure_progress("sweep pass %d/%d: %s, threshold %s%lld", r + 1, o->reps, tier->name,
                         interp ? "never " : "", interp ? 0LL : (long long)sweep_thresholds[k]);
        bench_tier_use(tier, interp ? -1 : sweep_thresholds[k]);
        size_t at = col * (size_t)o->reps + (size_t)r;
        v[at] = one_pass(ws, use, n, seq, o->calls, &compiles[col], &wall[at]);
      }
    }
  }
  measure_progress_end();
  measure_stats interp = measure_stats_of(v, (size_t)o->reps);
  json_object_object_add(root, "interp", pass_json(-1, interp, measure_stats_of(wall, (size_t)o->reps), 0));
  json_object *tiers = json_object_new_array();
  measure_stats *st = calloc(sweep_threshold_count, sizeof *st);
  for (size_t t = 0; t < nt; t++) {
    const bench_tier *tier = bench_tier_at(t);
    if (!tier->present || tier == bench_tier_interp()) continue;
    json_object *tj = json_object_new_object(), *rows = json_object_new_array();
    json_object_object_add(tj, "tier", json_object_new_string(tier->name));
    size_t count = sweep_threshold_count - 1;
    if (skipped[t]) {
      char why[200];
      if (isfinite(o->tier_compile_ns[t]))
        snprintf(why, sizeof why, "no measured passes: compiling the sweep's programs takes %.1f s a pass "
                 "(budget %.0f s); the model stands alone", o->tier_compile_ns[t] / 1e9,
                 o->pass_compile_budget_ns / 1e9);
      else
        snprintf(why, sizeof why, "no measured passes: some of the sweep's programs have no compile figure");
      json_object_object_add(tj, "skipped", json_object_new_string(why));
      json_object_object_add(tj, "thresholds", rows);
      json_object_object_add(tj, "measured_pick", NULL);
      json_object_array_add(tiers, tj);
      continue;
    }
    for (size_t k = 0; k < count; k++) {
      size_t col = 1 + t * sweep_threshold_count + k;
      st[k] = measure_stats_of(v + col * (size_t)o->reps, (size_t)o->reps);
      json_object_array_add(rows, pass_json(sweep_thresholds[k], st[k],
                                            measure_stats_of(wall + col * (size_t)o->reps, (size_t)o->reps),
                                            compiles[col]));
    }
    st[count] = interp; /* "never": the interpreter alone */
    json_object_object_add(tj, "thresholds", rows);
    int64_t rec = recommend(st, count + 1);
    json_object_object_add(tj, "measured_pick", rec >= 0 ? json_object_new_int64(rec) : NULL);
    json_object_array_add(tiers, tj);
  }
  json_object_object_add(root, "tiers", tiers);
  free(skipped);
  bench_tier_use(bench_tier_interp(), -1);
  free(st);
  free(v);
  free(wall);
  free(compiles);
  free(seq);
  free(per_program);
  return root;
}
