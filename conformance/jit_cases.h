/* Helpers of the JIT suite: the encode cases (every shape of
 * encode_types.h, good values and failing ones), running a program under a
 * given JIT configuration, and comparing two runs byte for byte. */
#ifndef VMIR_CONFORMANCE_JIT_CASES_H
#define VMIR_CONFORMANCE_JIT_CASES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "encode_types.h"

/* One value to encode, with the environment it runs in. */
typedef struct jit_case {
  const char *name;
  const vmir_shape *shape;
  const void *value;
  const vmir_exec_env *env;
} jit_case;

/* Every case; the storage is static. */
size_t jit_cases(const jit_case **out);
/* The case of that name (the test fails when there is none). */
const jit_case *jit_case_named(const char *name);

typedef enum jit_sink {
  JIT_SINK_JSON = 0,
  JIT_SINK_MSGPACK,
  JIT_SINK_RECORDER,
  JIT_SINK_COUNT
} jit_sink;

/* The format whose program feeds a sink. */
vmir_format jit_sink_format(jit_sink sink);
const char *jit_sink_name(jit_sink sink);

/* What one run produced. */
typedef struct jit_outcome {
  vmir_status status;
  vmir_error err;
  char *out;        /* malloc'd bytes (recorder: event text) */
  size_t len;
} jit_outcome;

void jit_outcome_free(jit_outcome *o);

/* A compiled program and its executable. */
typedef struct jit_program {
  vmir_program *prog;
  vmir_executable *exe;
} jit_program;

jit_program jit_compile_encode(const vmir_shape *shape, vmir_format format);
void jit_program_free(jit_program *p);

/* Encodes `value` through a fresh sink of the given kind (the recorder
 * failing at event `fail_at` when not 0). */
jit_outcome jit_encode(const jit_program *p, const jit_case *c, jit_sink sink, uint64_t fail_at);

/* Sets the process-wide JIT configuration (asserting success). */
void jit_use(const char *backend, int64_t threshold, uint32_t flags, int64_t force_deopt_pc);
/* Back to defaults, hooks off, counters and cache cleared. */
void jit_reset(void);
/* Whether the stencil backend is built in and available here. */
bool jit_have_stencil(void);

/* Asserts that two runs are identical: status, error (code, message, pc,
 * path, predicate) and output bytes. */
void jit_assert_same(const jit_outcome *want, const jit_outcome *got, const char *what);

/* The interpreter's outcome for a case (backend "none"). */
jit_outcome jit_reference(const jit_program *p, const jit_case *c, jit_sink sink, uint64_t fail_at);

/* One decode of in[0..len) by a fused decode program under the current
 * configuration: status, error and the decoded value re-encoded as JSON by
 * the interpreter (so two attempts compare as bytes). */
jit_outcome jit_decode_once(vmir_executable *fused, const vmir_shape *shape, const char *in,
                            size_t len);

/* A recursive shape, a struct of a u64 `v` and an optional `next` of
 * itself, and its document nested n deep: "{"v":1,"next":" n times, null,
 * then n '}' (malloc'd). */
extern const char jit_chain_shape[];
char *jit_chain_doc(size_t n);

/* Fused JSON decode documents for member-name matching in generated code
 * (the switch-key guess, names compared in place), each set meant to be
 * decoded in turn by one executable so that the guess misses and hits:
 *   jit_member_order_docs  "user": members in any order, unknown and
 *                          repeated ones, wrong token kinds;
 *   jit_member_name_docs   "user": the second member's name next to the
 *                          guessed "name" (whitespace before the colon, an
 *                          escaped spelling, prefixes and extensions, a
 *                          stray byte, no colon, cut off by the end);
 *   jit_quoted_name_docs   a shape (text in *shape_text) whose names hold
 *                          a quote and a backslash.
 * Each returns the count and the static array in *docs. */
/* The fused JSON decode program of `shape` (*prog) and its executable
 * (asserting success). */
vmir_executable *jit_fused_json_decoder(const vmir_shape *shape, vmir_program **prog);
/* The same in either format. */
vmir_executable *jit_fused_decoder(const vmir_shape *shape, vmir_format format,
                                   vmir_program **prog);
/* Which document pass `pass` (0..2) decodes at step d of n: forwards,
 * backwards, then every fifth one, so state kept across runs (the
 * member-name guess) misses and hits. */
size_t jit_turn_order(int pass, size_t d, size_t n);

size_t jit_member_order_docs(const char *const **docs);
size_t jit_member_name_docs(const char *const **docs);
size_t jit_quoted_name_docs(const char **shape_text, const char *const **docs);

/* A set of documents with its own shape, as the two below give them. */
typedef size_t jit_doc_set(const char **shape_text, const char *const **docs);
/* The set's documents (*docs, *n) and its shapes, parsed (asserting
 * success; the caller frees them). */
vmir_shape_set *jit_doc_set_open(jit_doc_set *set, const char *what, const char *const **docs,
                                 size_t *n);

/* Lists and fixed arrays built element by element (build-push-element,
 * whose fast path generated code runs inline: exec/ops_build_inline.h):
 * a shape (text in *shape_text) with lists of elements of 1, 2, 8, 12, 16,
 * 24 and 48 bytes, a fixed array, lists of lists and of strings, a map,
 * and options held as a pointer and as a flag; documents with 0, 1, 9 and
 * 17 elements and members (the storage grows at 8 and 16), a fixed array
 * given too many and too few, a bad element after good ones, and a
 * repeated map key.
 * The documents are built on the first call and kept. */
size_t jit_list_docs(const char **shape_text, const char *const **docs);

/* Structs built with field tracking (build-begin-struct and
 * build-end-struct, whose fast paths generated code runs inline): a shape
 * (text in *shape_text) with a required field, an option, a default and a
 * skipped field, a tuple, an empty struct, and a struct of 65 fields (past
 * the 64 the fast paths take); documents with every field, with optional
 * ones absent, with a required one absent at either end of the wide
 * struct, and without the last field. Built on the first call and kept. */
size_t jit_struct_docs(const char **shape_text, const char *const **docs);

#endif
