/* The contestants of every vmir benchmark: the interpreter and each JIT
 * backend at each of its levels. The list is the backends this library was
 * built with (the registry) plus the ones the project expects, so a
 * backend that is not built, or cannot run here, still appears, as absent
 * with the reason, never as an error. */
#ifndef VMIR_BENCH_TIERS_H
#define VMIR_BENCH_TIERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct bench_tier {
  char name[32];         /* label in benchmark names: "interp", "stencil", "llvm-opt" */
  const char *backend;   /* configuration name: "none", "stencil", "llvm", "gccjit" */
  const char *level;     /* NULL: the backend has one level */
  int rank;              /* 0 interpreter; higher tiers cost more to compile */
  bool present;          /* can run in this process */
  char why[192];         /* when absent: "not built", "unavailable: ..." */
} bench_tier;

/* Every contestant, absent ones included, in rank order. */
size_t bench_tier_count(void);
const bench_tier *bench_tier_at(size_t i);
const bench_tier *bench_tier_find(const char *name);
const bench_tier *bench_tier_interp(void);

/* Configures the process to run `t` with `threshold` runs before promotion
 * (-1: the backend's default). False when `t` is absent. */
bool bench_tier_use(const bench_tier *t, int64_t threshold);

/* Runs fn until the tier in use has compiled everything it claims
 * (background compiles included) and a run entered generated code; false
 * when fn fails or no run does (the tier's compile failed or gave up:
 * timing it would time the interpreter). */
bool bench_tier_warm(int (*fn)(void *), void *ctx);

/* The process's runs that entered generated code, and its deopts, so far. */
void bench_tier_counts(uint64_t *entered, uint64_t *deopts);

#endif
