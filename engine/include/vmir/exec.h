/* vmir execution: an executable is a verified program bound to its root
 * shape, pre-decoded into the interpreter's compact form, with a hotness
 * counter. The interpreter is the reference semantics for every tier. */
#ifndef VMIR_EXEC_H
#define VMIR_EXEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"
#include "vmir/program.h"
#include "vmir/shape.h"
#include "vmir/sink.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What a host predicate sees of a value: a copy, never its address. */
typedef struct vmir_value_view {
  vmir_kind kind;
  vmir_scalar scalar;    /* scalar kinds */
  uint64_t length;       /* string, bytes, list, array, map */
  bool present;          /* option */
} vmir_value_view;

/* Host predicate hook: sets *result; returns VMIR_OK or an error status. */
typedef vmir_status (*vmir_host_predicate_fn)(void *ctx, uint32_t host_id,
                                              const vmir_value_view *value,
                                              bool *result);

/* Runtime capabilities an execution provides. */
typedef struct vmir_exec_env {
  vmir_host_predicate_fn host_predicate;   /* NULL: no host predicates */
  void *host_ctx;
  uint32_t max_depth;                      /* path stack bound; 0 = default */
} vmir_exec_env;

typedef struct vmir_executable vmir_executable;

/* Verifies `program` against `root` and pre-decodes it. The program must
 * outlive the executable. */
vmir_executable *vmir_executable_new(const vmir_program *program,
                                     const vmir_shape *root, vmir_error *err);
void vmir_executable_free(vmir_executable *exe);
const vmir_program *vmir_executable_program(const vmir_executable *exe);
/* Executions started on this instance (the tiering counter). */
uint64_t vmir_executable_hotness(const vmir_executable *exe);

/* Runs an encode program over `value`, whose shape is `shape` (checked
 * against the program's root shape id before any instruction runs). */
vmir_status vmir_encode(vmir_executable *exe, const void *value,
                        const vmir_shape *shape, vmir_sink *sink,
                        const vmir_exec_env *env, vmir_error *err);

/* ---- decode ---------------------------------------------------------------
 * A decoder owns the arena that decoded containers, strings and pointees
 * live in, and the scratch a decode needs; it is reused across calls, so a
 * steady state allocates nothing. Decoded values stay valid until
 * vmir_decoder_reset or vmir_decoder_free. */

typedef struct vmir_decode_limits {
  uint32_t max_depth;     /* nesting of the value being built; 0 = 512 */
  size_t max_input;       /* input bytes; 0 = 1 GiB */
  size_t max_string;      /* bytes of one string, key or bin; 0 = 64 MiB */
  size_t max_arena;       /* bytes the arena may hold; 0 = 4 GiB */
} vmir_decode_limits;

typedef struct vmir_decoder vmir_decoder;

vmir_decoder *vmir_decoder_new(const vmir_decode_limits *limits);
void vmir_decoder_free(vmir_decoder *dec);
/* Releases every value decoded so far (keeps the memory for reuse). */
void vmir_decoder_reset(vmir_decoder *dec);
/* Build events in the batch of the last unfused decode (the parse program
 * emits them all into one batch that the build program then consumes). */
size_t vmir_decoder_last_event_count(const vmir_decoder *dec);
/* Bytes the decoder's arena holds (for memory accounting and tests). */
size_t vmir_decoder_bytes_held(const vmir_decoder *dec);

/* Decodes `input` with a fused program into *dest (a value of `shape`).
 * On success *dest is fully written; on failure it is left exactly as it
 * was and the arena memory of the attempt is released. */
vmir_status vmir_decode(vmir_executable *fused, const void *input, size_t len,
                        void *dest, const vmir_shape *shape, vmir_decoder *dec,
                        const vmir_exec_env *env, vmir_error *err);

/* The same through the unfused pair: the parse program emits build events
 * in batches, the build program consumes them. Equal results to vmir_decode
 * for programs compiled from the same shape and options. */
vmir_status vmir_decode_unfused(vmir_executable *parse, vmir_executable *build,
                                const void *input, size_t len, void *dest,
                                const vmir_shape *shape, vmir_decoder *dec,
                                const vmir_exec_env *env, vmir_error *err);

#ifdef __cplusplus
}
#endif
#endif
