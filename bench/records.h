/* The synthetic workload of the first throughput figures: a large list of
 * flat records, with a hand-written C encoder and decoder for the same
 * types as the baseline a JIT should approach. */
#ifndef VMIR_BENCH_RECORDS_H
#define VMIR_BENCH_RECORDS_H

#include <stdbool.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "vmir/vmir.h"

typedef VMIR_LIST_OF(vmir_str) str_list;

typedef struct record {
  uint64_t id;
  vmir_str name;
  double score;
  bool active;
  int32_t delta;
  str_list tags;
} record;

typedef VMIR_LIST_OF(record) record_list;

typedef struct records {
  record_list items;
} records;

extern const vmir_shape records_shape;

/* Fills `out` with n seeded records allocated in `arena`. */
bool records_generate(records *out, uint32_t n, uint64_t seed, vmir_arena *arena);

/* Hand-written JSON encoder: the same output as vmir's JSON writer
 * (compact, same escaping, same number formatting), with no IR between. */
bool records_encode_json(const records *r, vmir_buf *out);

/* Hand-written JSON decoder over the same lexing builtins vmir uses. */
bool records_decode_json(const uint8_t *in, size_t len, records *out, vmir_arena *arena);

#endif
