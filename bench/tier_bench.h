/* Registers a vmir workload under every contestant tier (bench/tiers.h),
 * each checked against the interpreter before it is timed. */
#ifndef VMIR_BENCH_TIER_BENCH_H
#define VMIR_BENCH_TIER_BENCH_H

#include <stddef.h>
#include <stdint.h>

#include "shim.h"

/* The output of the workload's last run, as bytes to compare: the encoder's
 * output, or the interpreter's JSON encoding of the decoded value. Called
 * with the interpreter configured; the bytes stay valid until the next run. */
typedef const uint8_t *(*tier_output_fn)(void *ctx, size_t *len);

/* Registers "GROUP/vmir-VARIANT@TIER" for each present tier. The first run
 * of each tier (compiled before it starts) must produce the interpreter's
 * bytes; otherwise the benchmark is skipped with an error naming the first
 * differing byte. */
void tier_bench_add(const char *group, const char *variant, vmir_bench_fn fn,
                    tier_output_fn output, void *ctx, size_t bytes);

#endif
