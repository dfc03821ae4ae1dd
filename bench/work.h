/* Workload programs for the compile-side study (vmir-tiers): one program
 * (or the parse+build pair of unfused decode) of one document, run with
 * executables the caller makes, so each measurement starts cold. */
#ifndef VMIR_BENCH_WORK_H
#define VMIR_BENCH_WORK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads.h"

typedef enum work_op {
  WORK_ENCODE_JSON,
  WORK_ENCODE_MSGPACK,
  WORK_DECODE_FUSED,
  WORK_DECODE_UNFUSED,
  WORK_DECODE_MSGPACK,
  WORK_OP_COUNT
} work_op;

typedef struct work_program {
  char name[96];                  /* "decode/twitter/vmir-fused" */
  doc_bench *doc;
  work_op op;
  const vmir_program *programs[2];
  size_t program_count;           /* 2 for unfused decode */
  uint32_t insns;                 /* instructions, all programs */
} work_program;

/* The programs of one document, appended to *out (count in *n, capacity cap). */
void work_programs_of(doc_bench *doc, work_program *out, size_t *n, size_t cap);

/* Fresh executables of w's programs (exe[0..program_count)). */
bool work_executables_new(const work_program *w, vmir_executable **exe);
void work_executables_free(const work_program *w, vmir_executable **exe);

/* One run; false on failure. */
bool work_run(const work_program *w, vmir_executable **exe);

/* The last run's output as bytes to compare (the encoder's output, or the
 * JSON the interpreter writes for the decoded value); malloc'd. Configures
 * the interpreter for the duration. */
uint8_t *work_output(const work_program *w, size_t *len);

#endif
