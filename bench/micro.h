/* Micro workloads: small documents that each stress one thing (per-call
 * overhead, wide structs, deep nesting, enums, floats, long strings, maps,
 * a recursive tree), for vmir-bench and vmir-tiers. */
#ifndef VMIR_BENCH_MICRO_H
#define VMIR_BENCH_MICRO_H

#include <stddef.h>

#include "workloads.h"

size_t micro_count(void);
const char *micro_name(size_t i);
/* Makes micro workload i (its shape from text, its document generated). */
bool micro_init(doc_bench *b, size_t i);

#endif
