/* Internals shared by the compiler's files (encode.c, lower_struct.c,
 * lower_enum.c, compile_options.c, cache.c) and by the compile conformance
 * suite's test hooks. Not installed; not part of the public API. */
#ifndef VMIR_COMPILE_INTERNAL_H
#define VMIR_COMPILE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/compile.h"
#include "vmir/program.h"
#include "vmir/shape.h"

/* Bounds that keep lowering finite and small on hostile shape graphs (shape
 * text is an untrusted input). Recursion through composites never recurses
 * in C: every composite gets one proc, memoised by shape, and procs are
 * lowered from a worklist. Only flatten nests lowering in C, hence its own
 * bound; the instruction and object bounds stop exponential blow-up from a
 * flatten DAG that reaches one struct along many paths. */
#define VMIR_COMPILE_MAX_FLATTEN_DEPTH 32u
#define VMIR_COMPILE_MAX_INSNS (1u << 22)
#define VMIR_COMPILE_MAX_OBJECT_MEMBERS 4096u

/* ---- options --------------------------------------------------------------- */

/* VMIR_OK, or VMIR_E_USAGE (message in err) for NULL or out-of-range options. */
vmir_status vmir_compile_options_check(const vmir_compile_options *options,
                                       vmir_error *err);

/* ---- lowering state -------------------------------------------------------- */

/* Test hook: deliberately corrupt the program the lowering builds, to show
 * that the compiler's own checks (builder finish + verifier) stop it. */
typedef enum vmir_compile_fault {
  VMIR_COMPILE_FAULT_NONE = 0,
  VMIR_COMPILE_FAULT_DANGLING_BLOCK,   /* f0's entry jumps to a block that does not exist */
  VMIR_COMPILE_FAULT_DANGLING_PROC,    /* f0 calls a proc that does not exist */
  VMIR_COMPILE_FAULT_BAD_FIELD_INDEX,  /* f0 enters field `count` of the root struct */
  VMIR_COMPILE_FAULT_BAD_VARIANT_INDEX /* f0's switch has one case too many (root enum) */
} vmir_compile_fault;

/* vmir_compile_encode with a fault injected (NONE: identical to it). */
vmir_program *vmir_compile_encode_faulty(const vmir_shape *shape,
                                         const vmir_compile_options *options,
                                         vmir_compile_fault fault,
                                         vmir_error *err);

/* Shape -> proc memo (open addressing on the shape pointer). Entries are
 * also the worklist: procs are lowered in the order they were first
 * referenced, which makes proc numbering deterministic. */
typedef struct vmir_proc_memo_slot {
  const vmir_shape *shape;   /* NULL: empty slot */
  uint32_t proc;
} vmir_proc_memo_slot;

typedef struct vmir_lower {
  vmir_builder *b;
  vmir_error *err;
  bool failed;               /* err holds the first failure, unless: */
  bool builder_failed;       /* the builder holds it (finish reports it) */
  vmir_compile_fault fault;

  uint32_t proc, block;      /* where emit() appends */
  uint64_t insn_count;

  vmir_proc_memo_slot *memo;
  uint32_t memo_cap;         /* power of two */
  uint32_t memo_count;
  const vmir_shape **order;  /* order[proc] = the shape proc `proc` lowers */
  uint32_t order_cap;
} vmir_lower;

/* Records the first failure and makes every later lowering step a no-op. */
__attribute__((format(printf, 3, 4)))
void vmir_lower_fail(vmir_lower *L, vmir_status code, const char *fmt, ...);

/* Appends one instruction at the current point (bounded by MAX_INSNS). */
void vmir_lower_emit(vmir_lower *L, vmir_opcode op, int64_t a0, int64_t a1,
                     int64_t a2);
/* A new block in the current proc. */
uint32_t vmir_lower_block(vmir_lower *L);
/* Interned string-table index for a NUL-terminated string. */
uint32_t vmir_lower_string(vmir_lower *L, const char *s);
/* The proc that lowers composite `shape`, allocated on first use. */
uint32_t vmir_lower_proc_for(vmir_lower *L, const vmir_shape *shape);
/* Emits the current value of `shape` as one value: scalars inline, unit as
 * null, `value` trees with emit-value, composites as a call of their proc. */
void vmir_lower_value(vmir_lower *L, const vmir_shape *shape);

/* ---- objects (lower_struct.c) ---------------------------------------------- */

/* Wire names of one object under construction, to reject duplicates that
 * flatten or an internal tag key would otherwise produce. */
typedef struct vmir_object_names {
  uint32_t *names;           /* string indexes */
  uint32_t count, cap;
} vmir_object_names;

void vmir_object_names_free(vmir_object_names *names);
/* Adds a member name; fails the lowering on a duplicate or on too many. */
void vmir_object_names_add(vmir_lower *L, vmir_object_names *names,
                           uint32_t string, const char *what);

/* Member count of an object made of `fields` (flattened members included,
 * skipped fields excluded) and whether any member is conditional (skip-if),
 * which makes the count dynamic. Also checks the member policies (flatten
 * target kinds, predicate tests, flatten depth); false after a failure. */
bool vmir_lower_count_members(vmir_lower *L, const vmir_field *fields,
                              uint32_t count, uint32_t depth,
                              uint32_t *members, bool *dynamic);

/* Emits the members of `fields` into the object begun by the caller. The
 * fields belong to the current struct (variant < 0: enter-field) or to
 * variant `variant` of the current enum (enter-variant-field). */
void vmir_lower_members(vmir_lower *L, const vmir_field *fields, uint32_t count,
                        int64_t variant, vmir_object_names *names,
                        uint32_t depth);

/* Positional fields (tuples, tuple-style variants): the sequence length
 * after static skips; fails on skip-if or flatten, which need names. */
bool vmir_lower_check_positional(vmir_lower *L, const vmir_field *fields,
                                 uint32_t count, uint32_t *len);
/* Emits them as one sequence (begin-tuple, each value, end). */
void vmir_lower_positional(vmir_lower *L, const vmir_field *fields,
                           uint32_t count, int64_t variant);

/* Whole bodies of composite procs. */
void vmir_lower_struct_body(vmir_lower *L, const vmir_shape *shape);
void vmir_lower_tuple_body(vmir_lower *L, const vmir_shape *shape);
/* lower_enum.c */
void vmir_lower_enum_body(vmir_lower *L, const vmir_shape *shape);

/* ---- cache test hook (cache.c) --------------------------------------------- */

/* Entries created from now on record `abi` instead of VMIR_ABI_VERSION, as if
 * they had been compiled by another library version; lookups then find them
 * stale. Pass VMIR_ABI_VERSION to restore. */
void vmir_program_cache_set_abi_for_testing(vmir_program_cache *cache,
                                            uint32_t abi);

#endif
