/* The compile side of each tier on each workload program: compile latency
 * (median and spread), code size, memory held, time per run, and the
 * break-even number of runs against the interpreter and each lower tier. */
#ifndef VMIR_BENCH_BREAKEVEN_H
#define VMIR_BENCH_BREAKEVEN_H

#include <json-c/json.h>

#include "work.h"

typedef struct breakeven_options {
  int compiles;            /* compiles measured per tier and program */
  int run_reps;            /* timed batches per tier and program */
  double min_batch_ns;     /* a batch runs at least this long */
  /* Compiles of one program stop repeating once they have taken this long
   * (at least one is measured): LLVM opt and libgccjit O2 take seconds. */
  double compile_budget_ns;
  /* The sum of a tier's per-program compile medians over the study; once
   * it is reached, the tier's remaining programs are not measured (and
   * say so). 0: no limit. */
  double tier_budget_ns;
} breakeven_options;

/* Per-run medians of the interpreter, indexed like `ws` (for the sweep). */
typedef struct breakeven_result {
  json_object *json;       /* {"programs": [...]} */
  double *interp_run_ns;
  /* Median compile ns of program i on tier t at [i * tiers + t], with
   * tiers = bench_tier_count(); negative where not measured. */
  double *compile_ns;
} breakeven_result;

breakeven_result breakeven_study(const work_program *ws, size_t n, const breakeven_options *o);

#endif
