/* The opcode table: generated from vmir/opcodes.def so that the enum, the
 * text names, the operand keys and the binary opcode numbers can never drift
 * apart. One table serves encode, decode, build and fused programs. */
#include <string.h>

#include "vmir/program.h"

/* t[impl format.vm.single-vm-dialect] */
/* t[impl format.vm.no-format-specific-ir] */
/* Every program kind and every format reads this one table; there is no
 * per-format or per-kind opcode set to select. */

/* Each operand slot becomes a (count, key, type) triple so that one X row
 * can yield both the operand count and the operand descriptors. */
#define O(key, type) (1, #key, VMIR_OPERAND_##type)
#define N (0, NULL, VMIR_OPERAND_NONE)
#define OPND_COUNT_(count, key, type) count
#define OPND_COUNT(slot) OPND_COUNT_ slot
#define OPND_INFO_(count, key, type) { key, type }
#define OPND_INFO(slot) OPND_INFO_ slot
#define X(name, text, family, terminator, a, b, c)                     \
  [VMIR_OP_##name] = {                                                 \
    text, VMIR_FAMILY_##family, (terminator) != 0,                     \
    OPND_COUNT(a) + OPND_COUNT(b) + OPND_COUNT(c),                     \
    { OPND_INFO(a), OPND_INFO(b), OPND_INFO(c) } },
static const vmir_op_info op_table[VMIR_OP_COUNT] = {
#include "vmir/opcodes.def"
};
#undef X
#undef O
#undef N
#undef OPND_COUNT_
#undef OPND_COUNT
#undef OPND_INFO_
#undef OPND_INFO

const vmir_op_info *vmir_op_info_of(uint32_t op) {
  return op < VMIR_OP_COUNT ? &op_table[op] : NULL;
}

vmir_op_input vmir_op_input_of(uint32_t op) {
  static const struct { const char *prefix; vmir_op_input input; } families[] = {
      {"json-", VMIR_OP_INPUT_JSON}, {"msgpack-", VMIR_OP_INPUT_MSGPACK},
      {"event-", VMIR_OP_INPUT_EVENTS}};
  if (op >= VMIR_OP_COUNT || op_table[op].family != VMIR_FAMILY_LEXING) return VMIR_OP_INPUT_NONE;
  for (size_t i = 0; i < sizeof families / sizeof families[0]; i++)
    if (strncmp(op_table[op].name, families[i].prefix, strlen(families[i].prefix)) == 0)
      return families[i].input;
  return VMIR_OP_INPUT_NONE;
}

/* A linear scan: the table has about a hundred rows and lookups happen only
 * while loading text, never while executing. */
int vmir_op_by_name(const char *name, size_t len) {
  if (!name) return -1;
  for (uint32_t op = 0; op < VMIR_OP_COUNT; op++) {
    const char *candidate = op_table[op].name;
    if (strlen(candidate) == len && memcmp(candidate, name, len) == 0)
      return (int)op;
  }
  return -1;
}

const char *vmir_program_kind_name(vmir_program_kind kind) {
  switch (kind) {
    case VMIR_PROGRAM_ENCODE: return "encode";
    case VMIR_PROGRAM_DECODE: return "decode";
    case VMIR_PROGRAM_BUILD: return "build";
    case VMIR_PROGRAM_FUSED: return "fused";
    case VMIR_PROGRAM_KIND_COUNT: break;
  }
  return NULL;
}

const char *vmir_predicate_test_name(vmir_predicate_test test) {
  switch (test) {
    case VMIR_PRED_IS_NONE: return "is-none";
    case VMIR_PRED_IS_EMPTY: return "is-empty";
    case VMIR_PRED_IS_DEFAULT: return "is-default";
    case VMIR_PRED_HOST: return "host";
    case VMIR_PRED_NONE: break;
  }
  return "none";
}

const char *vmir_op_family_name(vmir_op_family family) {
  switch (family) {
    case VMIR_FAMILY_CONTROL: return "control";
    case VMIR_FAMILY_NAVIGATION: return "navigation";
    case VMIR_FAMILY_EMISSION: return "emission";
    case VMIR_FAMILY_LEXING: return "lexing";
    case VMIR_FAMILY_BUILD: return "build";
    case VMIR_FAMILY_PREDICATE: return "predicate";
  }
  return NULL;
}
