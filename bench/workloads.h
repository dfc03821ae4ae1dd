/* Benchmark workloads: one document of a typed model (a corpus, or a
 * generated document of the same shape) with every way we and our peers
 * encode and decode it. */
#ifndef VMIR_BENCH_WORKLOADS_H
#define VMIR_BENCH_WORKLOADS_H

#include <stdbool.h>
#include <stddef.h>

#include "util/arena.h"
#include "vmir/vmir.h"

typedef struct doc_bench {
  const char *name;
  const vmir_shape *shape;
  bool generated;             /* no corpus: a seeded document of the shape */
  char *json;
  size_t json_len;
  uint8_t *msgpack;
  size_t msgpack_len;
  void *value;                /* the decoded document (in value_arena) */
  vmir_arena value_arena;
  vmir_program *programs[6];
  vmir_executable *encode_json, *encode_msgpack, *fused, *parse, *build, *fused_msgpack;
  vmir_json_writer *json_writer;
  vmir_msgpack_writer *msgpack_writer;
  vmir_decoder *decoder;
  void *dest;
  void *peer_tree;            /* json-c tree for the serialize peer */
  void *simdjson;             /* simdjson's padded copy and parsers */
  vmir_arena peer_arena;      /* memory of the peers that decode into structs */
} doc_bench;

/* Loads `file` from <shared>/corpora, or generates a document of `shape`
 * when it is absent (and says so on stderr). Compiles every program. */
bool doc_bench_init(doc_bench *b, const char *name, const char *file, const vmir_shape *shape,
                    const char *shared_dir);
void doc_bench_register(doc_bench *b);

/* A document made by `fill` (writing a value of `shape` into `value`, with
 * its strings and containers in `arena`), for the micro workloads. */
typedef bool (*doc_bench_fill_fn)(void *value, vmir_arena *arena, void *arg);
bool doc_bench_init_value(doc_bench *b, const char *name, const vmir_shape *shape,
                          doc_bench_fill_fn fill, void *arg);

/* The synthetic records workload with its hand-written baseline. */
bool records_bench_init(uint32_t count);

#endif
