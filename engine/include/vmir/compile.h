/* vmir compiler: (shape, format, direction, options) -> program. Policy
 * (skip, rename, flatten, skip-if, enum tagging, key and unknown-field
 * policy) is lowered here into plain IR; nothing is left to sinks. */
#ifndef VMIR_COMPILE_H
#define VMIR_COMPILE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/error.h"
#include "vmir/program.h"
#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum vmir_format {
  VMIR_FORMAT_JSON = 0,
  VMIR_FORMAT_MSGPACK,
  VMIR_FORMAT_COUNT
} vmir_format;

typedef enum vmir_unknown_policy {
  VMIR_UNKNOWN_DENY = 0,    /* an unknown key is a build error */
  VMIR_UNKNOWN_SKIP,        /* unknown members are skipped */
  VMIR_UNKNOWN_COLLECT      /* collected into the struct's `collect_field` */
} vmir_unknown_policy;

typedef struct vmir_compile_options {
  vmir_format format;
  /* decode only */
  vmir_unknown_policy unknown_fields;
  bool duplicate_last_wins;    /* default: duplicate keys are rejected */
  bool fused;                  /* decode: one fused program */
} vmir_compile_options;

/* Default options for a format: deny unknown fields, reject duplicates. */
vmir_compile_options vmir_compile_options_default(vmir_format format);
const char *vmir_format_name(vmir_format format);
/* Parses "json" / "msgpack"; false if unknown. */
bool vmir_format_from_name(const char *name, vmir_format *out);

/* Encode program (SerProgram) for values of `shape`. The result is verified
 * against the shape before it is returned. */
vmir_program *vmir_compile_encode(const vmir_shape *shape,
                                  const vmir_compile_options *options,
                                  vmir_error *err);

/* Decode programs for values of `shape`, verified before they are returned:
 * fused (kind fused: format lexing and build actions in one program), or the
 * unfused pair: a ParseProgram (kind decode: format lexing that emits build
 * events) and a BuildProgram (kind build: consumes the events). */
vmir_program *vmir_compile_decode_fused(const vmir_shape *shape,
                                        const vmir_compile_options *options,
                                        vmir_error *err);
vmir_program *vmir_compile_decode_parse(const vmir_shape *shape,
                                        const vmir_compile_options *options,
                                        vmir_error *err);
vmir_program *vmir_compile_decode_build(const vmir_shape *shape,
                                        const vmir_compile_options *options,
                                        vmir_error *err);

/* ---- Program cache --------------------------------------------------------
 * In-process only. Key: (shape id, compile options, direction, ABI). An
 * entry compiled under another ABI is dropped and recompiled. */
typedef struct vmir_program_cache vmir_program_cache;

typedef struct vmir_program_cache_stats {
  uint64_t hits, misses, abi_invalidations;
  uint64_t entries;
} vmir_program_cache_stats;

vmir_program_cache *vmir_program_cache_new(void);
void vmir_program_cache_free(vmir_program_cache *cache);
/* The cached encode program for (shape, options), compiling on a miss. The
 * cache owns the program. */
const vmir_program *vmir_program_cache_encode(vmir_program_cache *cache,
                                              const vmir_shape *shape,
                                              const vmir_compile_options *options,
                                              vmir_error *err);
vmir_program_cache_stats vmir_program_cache_get_stats(const vmir_program_cache *cache);

#ifdef __cplusplus
}
#endif
#endif
