/* vmir programs: procedures of basic blocks over one opcode dialect, plus
 * constant tables (strings, predicates). Built with the builder API, then
 * immutable. Text and binary forms: vmir/text.h. See docs/ir.md. */
#ifndef VMIR_PROGRAM_H
#define VMIR_PROGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"
#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The program ABI this library produces and executes. */
#define VMIR_ABI_VERSION 1u

typedef enum vmir_program_kind {
  VMIR_PROGRAM_ENCODE = 0,  /* SerProgram: value -> sink events */
  VMIR_PROGRAM_DECODE,      /* ParseProgram: bytes -> build events (unfused) */
  VMIR_PROGRAM_BUILD,       /* BuildProgram: build events -> value (unfused) */
  VMIR_PROGRAM_FUSED,       /* parse and build in one program */
  VMIR_PROGRAM_KIND_COUNT
} vmir_program_kind;

typedef enum vmir_opcode {
#define O(key, type) 0
#define N 0
#define X(name, text, family, terminator, a, b, c) VMIR_OP_##name,
#include "vmir/opcodes.def"
#undef X
#undef O
#undef N
  VMIR_OP_COUNT
} vmir_opcode;

typedef enum vmir_op_family {
  VMIR_FAMILY_CONTROL = 0,
  VMIR_FAMILY_NAVIGATION,
  VMIR_FAMILY_EMISSION,
  VMIR_FAMILY_LEXING,
  VMIR_FAMILY_BUILD,
  VMIR_FAMILY_PREDICATE
} vmir_op_family;

typedef enum vmir_operand_type {
  VMIR_OPERAND_NONE = 0,
  VMIR_OPERAND_UINT,     /* unsigned integer */
  VMIR_OPERAND_INT,      /* signed integer */
  VMIR_OPERAND_BOOL,
  VMIR_OPERAND_STRING,   /* index into the string table */
  VMIR_OPERAND_BLOCK,    /* block index inside the current proc: bN */
  VMIR_OPERAND_PROC,     /* proc index: fN */
  VMIR_OPERAND_PRED,     /* predicate index: pN */
  VMIR_OPERAND_BYTES,    /* index into the program's blob pool */
  VMIR_OPERAND_BLOCKS,   /* index into the list pool: block indexes */
  VMIR_OPERAND_STRINGS   /* index into the list pool: string indexes */
} vmir_operand_type;

#define VMIR_MAX_OPERANDS 3

typedef struct vmir_operand_info {
  const char *key;           /* text key, e.g. "index" in (index 0) */
  vmir_operand_type type;
} vmir_operand_info;

typedef struct vmir_op_info {
  const char *name;          /* text name, e.g. "enter-field" */
  vmir_op_family family;
  bool terminator;
  uint8_t operand_count;
  vmir_operand_info operands[VMIR_MAX_OPERANDS];
} vmir_op_info;

/* Static description of an opcode; NULL for an out-of-range value. */
const vmir_op_info *vmir_op_info_of(uint32_t op);
/* The input a lexing opcode reads, from its row in the opcode table (the
 * json-/msgpack-/event- families): how a decode program's input format is
 * known without listing opcodes by number. */
typedef enum vmir_op_input {
  VMIR_OP_INPUT_NONE = 0,    /* reads no input, or any (cursor-*, switch-*) */
  VMIR_OP_INPUT_JSON,
  VMIR_OP_INPUT_MSGPACK,
  VMIR_OP_INPUT_EVENTS       /* the event batch of unfused decode */
} vmir_op_input;
vmir_op_input vmir_op_input_of(uint32_t op);
/* Opcode by text name; returns -1 when unknown. */
int vmir_op_by_name(const char *name, size_t len);
const char *vmir_program_kind_name(vmir_program_kind kind);
const char *vmir_op_family_name(vmir_op_family family);
/* The text name of a predicate test ("is-none", "host", ...; "none"). */
const char *vmir_predicate_test_name(vmir_predicate_test test);

typedef struct vmir_insn {
  uint16_t op;
  int64_t operand[VMIR_MAX_OPERANDS];
} vmir_insn;

typedef struct vmir_block {
  uint32_t first_insn;       /* into program->insns */
  uint32_t insn_count;
} vmir_block;

typedef struct vmir_proc {
  uint32_t first_block;      /* into program->blocks */
  uint32_t block_count;
  uint32_t entry_block;      /* local block index */
} vmir_proc;

/* Predicate table entry: a test plus the field it guards (for messages). */
typedef struct vmir_predicate {
  vmir_predicate_test test;
  uint32_t host_id;          /* VMIR_PRED_HOST */
  uint32_t field_name;       /* string index naming the field it guards */
} vmir_predicate;

typedef struct vmir_span {
  uint32_t start, len;
} vmir_span;

/* An immutable program. Read it through `const vmir_program *`. */
typedef struct vmir_program {
  uint32_t abi;
  vmir_program_kind kind;
  uint64_t shape_id;
  /* strings: UTF-8 literals in `string_bytes`, each NUL-terminated too */
  const vmir_span *strings;
  uint32_t string_count;
  const char *string_bytes;
  const vmir_predicate *predicates;
  uint32_t predicate_count;
  const vmir_proc *procs;
  uint32_t proc_count;
  const vmir_block *blocks;
  uint32_t block_count;
  const vmir_insn *insns;
  uint32_t insn_count;
  /* operand pools: lists of indexes (BLOCKS, STRINGS) and byte blobs (BYTES) */
  const vmir_span *lists;
  uint32_t list_count;
  const uint32_t *list_items;
  const vmir_span *blobs;
  uint32_t blob_count;
  const uint8_t *blob_bytes;
  uint32_t entry_proc;
} vmir_program;

void vmir_program_free(vmir_program *program);
/* Structural equality of two programs (every table and instruction). */
bool vmir_program_equal(const vmir_program *a, const vmir_program *b);

/* ---- builder ------------------------------------------------------------- */

typedef struct vmir_builder vmir_builder;

vmir_builder *vmir_builder_new(vmir_program_kind kind, uint64_t shape_id);
void vmir_builder_free(vmir_builder *b);
void vmir_builder_set_abi(vmir_builder *b, uint32_t abi);
/* Appends a string to the table (no interning: text order is kept). */
uint32_t vmir_builder_add_string(vmir_builder *b, const char *s, size_t len);
/* Returns the index of an equal string, adding it when absent. */
uint32_t vmir_builder_intern_string(vmir_builder *b, const char *s, size_t len);
uint32_t vmir_builder_add_predicate(vmir_builder *b, vmir_predicate pred);
uint32_t vmir_builder_add_list(vmir_builder *b, const uint32_t *items, uint32_t n);
uint32_t vmir_builder_add_blob(vmir_builder *b, const uint8_t *bytes, uint32_t n);
uint32_t vmir_builder_add_proc(vmir_builder *b);
uint32_t vmir_builder_add_block(vmir_builder *b, uint32_t proc);
void vmir_builder_set_proc_entry(vmir_builder *b, uint32_t proc, uint32_t block);
void vmir_builder_set_entry_proc(vmir_builder *b, uint32_t proc);
/* Appends an instruction to a block; unused operands are 0. */
void vmir_builder_emit(vmir_builder *b, uint32_t proc, uint32_t block,
                       vmir_opcode op, int64_t a0, int64_t a1, int64_t a2);
/* Checks the structure (indexes in range, one terminator ending each block,
 * an entry proc) and returns the immutable program; the builder is consumed.
 * Shape-dependent checks are the verifier's (vmir/verify.h). */
vmir_program *vmir_builder_finish(vmir_builder *b, vmir_error *err);

#ifdef __cplusplus
}
#endif
#endif
