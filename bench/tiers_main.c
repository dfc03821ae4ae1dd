/* vmir-tiers: the compile side of every JIT tier, as JSON for the
 * dashboard (docs/bench.md): compile latency, code size and memory per
 * workload program, time per run, break-even runs against the interpreter
 * and each lower tier, and the promotion-threshold sweep.
 *
 *   vmir-tiers [--quick | --full] [-o FILE]
 *
 * Progress goes to stderr. Not a timed test: a measurement. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "breakeven.h"
#include "canada_model.h"
#include "citm_model.h"
#include "micro.h"
#include "sweep.h"
#include "tiers.h"
#include "twitter_model.h"
#include "vmir/jit.h"
#include "work.h"

#define MAX_PROGRAMS 128

static json_object *tiers_json(void) {
  json_object *a = json_object_new_array();
  for (size_t i = 0; i < bench_tier_count(); i++) {
    const bench_tier *t = bench_tier_at(i);
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(t->name));
    json_object_object_add(o, "backend", json_object_new_string(t->backend));
    json_object_object_add(o, "level", t->level ? json_object_new_string(t->level) : NULL);
    json_object_object_add(o, "rank", json_object_new_int(t->rank));
    json_object_object_add(o, "present", json_object_new_boolean(t->present));
    if (!t->present) json_object_object_add(o, "why", json_object_new_string(t->why));
    if (t->present && t != bench_tier_interp()) {
      uint64_t th = 0;
      bench_tier_use(t, -1);
      vmir_jit_selected_backend(&th);
      json_object_object_add(o, "default_threshold", json_object_new_int64((int64_t)th));
    }
    json_object_array_add(a, o);
  }
  bench_tier_use(bench_tier_interp(), -1);
  return a;
}

int main(int argc, char **argv) {
  const char *out = NULL, *filter = NULL;
  bool full = false;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      printf("usage: vmir-tiers [--quick | --full] [--filter TEXT] [-o FILE]\n"
             "Compile latency, code size, memory, break-even and the threshold sweep of every\n"
             "JIT tier built in (absent ones listed with the reason), as JSON (default stdout).\n"
             "  --filter TEXT  only the programs whose name contains TEXT (e.g. encode/twitter),\n"
             "                 and no sweep\n");
      return 0;
    }
    if (!strcmp(argv[i], "--full")) full = true;
    else if (!strcmp(argv[i], "--quick")) full = false;
    else if (!strcmp(argv[i], "-o") && i + 1 < argc) out = argv[++i];
    else if (!strcmp(argv[i], "--filter") && i + 1 < argc) filter = argv[++i];
    else {
      fprintf(stderr, "vmir-tiers: unknown argument '%s'\n", argv[i]);
      return 2;
    }
  }
  const char *shared = getenv("VMIR_SHARED");
  if (!shared || !*shared) shared = VMIR_SHARED_DIR_DEFAULT;
  static const struct { const char *name, *file; const vmir_shape *shape; } corpora[] = {
      {"twitter", "twitter.json", &twitter_shape},
      {"citm", "citm_catalog.json", &citm_shape},
      {"canada", "canada.json", &canada_shape},
  };
  size_t ndocs = 3 + micro_count();
  doc_bench *docs = calloc(ndocs, sizeof *docs);
  work_program *ws = calloc(MAX_PROGRAMS, sizeof *ws);
  bool *in_sweep = calloc(MAX_PROGRAMS, sizeof *in_sweep);
  size_t n = 0;
  for (size_t d = 0; d < ndocs; d++) {
    bool ok = d < 3 ? doc_bench_init(&docs[d], corpora[d].name, corpora[d].file, corpora[d].shape, shared)
                    : micro_init(&docs[d], d - 3);
    if (!ok) {
      fprintf(stderr, "vmir-tiers: workload %zu failed to initialise\n", d);
      return 1;
    }
    size_t first = n;
    work_programs_of(&docs[d], ws, &n, MAX_PROGRAMS);
    /* The sweep's service handles small and medium messages: the micro
     * shapes and twitter; citm and canada (megabytes) are in the
     * break-even study only. */
    for (size_t i = first; i < n; i++) in_sweep[i] = d == 0 || d >= 3;
  }
  /* The sweep's programs first: a tier whose compile budget runs out
   * (LLVM opt and libgccjit O2 in --quick) still has every program the
   * sweep's model needs. */
  for (size_t i = 0, j = 0; i < n; i++) {
    if (!in_sweep[i]) continue;
    work_program moved = ws[i];
    memmove(&ws[j + 1], &ws[j], (i - j) * sizeof *ws);
    memmove(&in_sweep[j + 1], &in_sweep[j], (i - j) * sizeof *in_sweep);
    ws[j] = moved;
    in_sweep[j++] = true;
  }
  if (filter) {
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
      if (strstr(ws[i].name, filter)) {
        ws[kept] = ws[i];
        in_sweep[kept++] = false; /* a partial mix is no service: no sweep */
      }
    if (!kept) {
      fprintf(stderr, "vmir-tiers: no program name contains '%s'\n", filter);
      return 2;
    }
    n = kept;
  }
  breakeven_options bo = {.compiles = full ? 11 : 5, .run_reps = full ? 9 : 5,
                          .min_batch_ns = full ? 2e6 : 3e5,
                          .compile_budget_ns = full ? 30e9 : 1e9,
                          .tier_budget_ns = full ? 0 : 150e9};
  sweep_options so = {.calls = full ? 20000 : 3000, .reps = full ? 5 : 3, .zipf_s = 1.1, .seed = 16};

  json_object *root = json_object_new_object();
  json_object_object_add(root, "mode", json_object_new_string(full ? "full" : "quick"));
  json_object_object_add(root, "tiers", tiers_json());
  json_object *opts = json_object_new_object();
  json_object_object_add(opts, "compiles", json_object_new_int(bo.compiles));
  json_object_object_add(opts, "run_reps", json_object_new_int(bo.run_reps));
  json_object_object_add(opts, "min_batch_ns", json_object_new_double(bo.min_batch_ns));
  json_object_object_add(opts, "compile_budget_ns", json_object_new_double(bo.compile_budget_ns));
  json_object_object_add(opts, "tier_budget_ns", json_object_new_double(bo.tier_budget_ns));
  json_object_object_add(root, "options", opts);
  breakeven_result be = breakeven_study(ws, n, &bo);
  json_object_object_add(root, "programs", be.json);
  /* Measured sweep passes compile every program again, cold, per pass and
   * threshold: only for tiers whose compiles of the sweep's programs fit
   * the budget; the model (dashboard) covers the others. */
  size_t nt = bench_tier_count();
  double *sweep_compile_ns = calloc(nt, sizeof *sweep_compile_ns);
  for (size_t t = 0; t < nt; t++)
    for (size_t i = 0; i < n; i++)
      if (in_sweep[i]) sweep_compile_ns[t] += be.compile_ns[i * nt + t] < 0 ? INFINITY : be.compile_ns[i * nt + t];
  so.tier_compile_ns = sweep_compile_ns;
  so.pass_compile_budget_ns = full ? 120e9 : 3e9;
  json_object_object_add(root, "sweep", sweep_study(ws, in_sweep, n, &so));
  free(sweep_compile_ns);
  free(be.compile_ns);
  const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
  FILE *f = out ? fopen(out, "w") : stdout;
  if (!f) {
    perror(out);
    return 1;
  }
  fputs(text, f);
  fputc('\n', f);
  if (out) fclose(f);
  json_object_put(root);
  free(be.interp_run_ns);
  return 0;
}
