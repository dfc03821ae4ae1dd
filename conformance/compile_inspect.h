/* Program inspection for the compile suite: reads a compiled program through
 * its tables (not through the text printer, so these tests stand on their
 * own) and renders procs in a compact one-line-per-block form that tests
 * match with substrings, e.g.
 *   b0: emit-begin-struct 2; emit-field-name "id"; enter-field 0; ...
 * String operands print as the quoted string, blocks as bN, procs as fN,
 * predicates as pN, block lists as [b1 b2]. */
#ifndef VMIR_CONFORMANCE_COMPILE_INSPECT_H
#define VMIR_CONFORMANCE_COMPILE_INSPECT_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/vmir.h"

/* Index of string `s` in the string table, or -1. */
int64_t inspect_string_index(const vmir_program *p, const char *s);
/* The string table entry `i` (NUL-terminated in the program). */
const char *inspect_string(const vmir_program *p, uint32_t i);

/* Instruction `i` of local block `block` of `proc`. */
const vmir_insn *inspect_insn(const vmir_program *p, uint32_t proc,
                              uint32_t block, uint32_t i);
uint32_t inspect_block_count(const vmir_program *p, uint32_t proc);
uint32_t inspect_insn_count(const vmir_program *p, uint32_t proc, uint32_t block);

/* How many instructions of the whole program have opcode `op`. */
uint32_t inspect_count_op(const vmir_program *p, vmir_opcode op);
/* ... with operand 0 equal to `a0`. */
uint32_t inspect_count_op_a0(const vmir_program *p, vmir_opcode op, int64_t a0);
/* ... inside proc `proc`. */
uint32_t inspect_count_op_in(const vmir_program *p, uint32_t proc, vmir_opcode op);

/* Items of the list pool entry `list` (BLOCKS / STRINGS operands). */
const uint32_t *inspect_list(const vmir_program *p, int64_t list, uint32_t *n);

/* The compact rendering of one proc (malloc'd; one line per block). */
char *inspect_proc_text(const vmir_program *p, uint32_t proc);
/* Every proc, each line prefixed with "fN:" (malloc'd). */
char *inspect_program_text(const vmir_program *p);

/* Whether proc `from` reaches proc `to` through one or more calls. */
bool inspect_calls_reach(const vmir_program *p, uint32_t from, uint32_t to);

#endif
