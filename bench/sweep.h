/* The promotion-threshold sweep: a mixed workload like a service's (many
 * programs, called with Zipf-skewed frequencies, cold at the start) run
 * under each JIT tier at each threshold; total time per threshold, and the
 * threshold that minimises it. */
#ifndef VMIR_BENCH_SWEEP_H
#define VMIR_BENCH_SWEEP_H

#include <json-c/json.h>

#include "work.h"

typedef struct sweep_options {
  size_t calls;        /* calls in the mixed workload */
  int reps;            /* passes per tier and threshold (median taken) */
  double zipf_s;       /* exponent of the call-frequency skew */
  uint64_t seed;
  /* Per tier (bench_tier_at index), the compile ns of all the sweep's
   * programs (INFINITY if one was not measured); NULL: measure every tier.
   * A tier above pass_compile_budget_ns gets no measured passes. */
  const double *tier_compile_ns;
  double pass_compile_budget_ns;
} sweep_options;

/* The thresholds tried; the last entry is "never" (interpreter only). */
extern const int64_t sweep_thresholds[];
extern const size_t sweep_threshold_count;

/* `ws[i]` takes part when use[i]. */
json_object *sweep_study(const work_program *ws, const bool *use, size_t n, const sweep_options *o);

#endif
