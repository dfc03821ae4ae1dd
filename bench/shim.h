/* A C interface to Google Benchmark, so the workloads stay in C. */
#ifndef VMIR_BENCH_SHIM_H
#define VMIR_BENCH_SHIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One iteration of a workload; returns 0 on success (a failure stops the
 * benchmark with an error naming it). */
typedef int (*vmir_bench_fn)(void *ctx);

/* Registers `name`; `bytes` is the document size processed per iteration,
 * reported as bytes/s. `group` and `variant` become counters-free labels
 * used by the dashboard ("encode/twitter", "vmir-interp"). */
void vmir_bench_add(const char *name, vmir_bench_fn fn, void *ctx, size_t bytes);

/* The same with a setup step run before the timed loop (e.g. choosing the
 * execution tier); a setup that returns non-zero skips the benchmark. */
void vmir_bench_add_setup(const char *name, vmir_bench_fn setup, vmir_bench_fn fn, void *ctx,
                          size_t bytes);

/* After the timed runs: the share of them (0 to 1) that ran what the
 * benchmark means to measure, reported as the counter "jit_share"; a
 * share below 1 is also written to stderr. */
typedef double (*vmir_bench_share_fn)(void *ctx, uint64_t runs);

/* vmir_bench_add_setup with a share check (NULL: none). */
void vmir_bench_add_checked(const char *name, vmir_bench_fn setup, vmir_bench_fn fn,
                            vmir_bench_share_fn share, void *ctx, size_t bytes);

/* Runs Google Benchmark with the command line (its own flags apply). */
int vmir_bench_run(int argc, char **argv);

#ifdef __cplusplus
}
#endif
#endif
