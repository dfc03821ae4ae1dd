/* Decode: one stencil per lexing opcode, each inlining its kernel
 * (exec/ops_lex.h) with the branches chained to the targets' code; and
 * one per build action (exec/ops_build.h). No dispatch on the opcode at
 * run time. t[impl format.parse.hotpath-jit-eligibility] */
#include "stencil.h"

/* Lexing and build ops need the decode state (the interpreter reports its
 * absence). */
#define NEED_DECODE() \
  if (UNLIKELY(!vm->dec)) DEOPT_CHECK()

/* Falls through: CONTINUE = the next instruction. */
#define LEX_PLAIN(OP, name)                                                   \
  STENCIL vmir_stencil_lex_##name(STENCIL_ARGS) {                             \
    NEED_DECODE();                                                            \
    KERNEL_CTX;                                                               \
    RUN(vmir_op_##name(k));                                                   \
    CONTINUE();                                                               \
  }
/* Two-way: TARGET = the first block operand, CONTINUE = the second. */
#define LEX_BRANCH(OP, name)                                                  \
  STENCIL vmir_stencil_lex_##name(STENCIL_ARGS) {                             \
    NEED_DECODE();                                                            \
    KERNEL_CTX;                                                               \
    bool first;                                                               \
    RUN(vmir_op_##name(k, &first));                                           \
    if (first) GOTO_TARGET();                                                 \
    CONTINUE();                                                               \
  }
/* Many-way or computed: through the pc table. */
#define LEX_DISPATCH(OP, name)                                                \
  STENCIL vmir_stencil_lex_##name(STENCIL_ARGS) {                             \
    NEED_DECODE();                                                            \
    KERNEL_CTX;                                                               \
    uint32_t next = PC + 1;                                                   \
    RUN(vmir_op_##name(k, &shapes->exe->code[PC], &next));                    \
    DISPATCH(next);                                                           \
  }
VMIR_LEX_OPS(LEX_PLAIN, LEX_BRANCH, LEX_DISPATCH)

/* switch-key whose keys are distinct, with its guess slot (IMM: a word of
 * the code object's data; exec/ops_lex.h, vmir_op_match_hinted). */
STENCIL vmir_stencil_lex_switch_key_hinted(STENCIL_ARGS) {
  NEED_DECODE();
  KERNEL_CTX;
  kc_.key_hint = (uint32_t *)(uintptr_t)IMM;
  uint32_t next = PC + 1;
  RUN(vmir_op_switch_key(k, &shapes->exe->code[PC], &next));
  DISPATCH(next);
}

/* json-read-key (msgpack-read-key); switch-key (hinted, plain keys) as
 * one stencil (select.c fuses the pair): the guessed name compared in
 * place in the input (exec/ops_lex.h, vmir_op_json_read_key_switch,
 * vmir_op_msgpack_read_key_switch). IMM = the guess slot; the switch-key
 * is instruction PC + 1. */
#define READ_KEY_SWITCH_STENCIL(name, kernel)                                 \
  STENCIL vmir_stencil_##name(STENCIL_ARGS) {                                 \
    NEED_DECODE();                                                            \
    KERNEL_CTX;                                                               \
    kc_.key_hint = (uint32_t *)(uintptr_t)IMM;                                \
    uint32_t next = PC + 1;                                                   \
    RUN(kernel(k, &shapes->exe->code[PC + 1], &next));                        \
    DISPATCH(next);                                                           \
  }
READ_KEY_SWITCH_STENCIL(read_key_switch_hinted, vmir_op_json_read_key_switch)
READ_KEY_SWITCH_STENCIL(msgpack_read_key_switch_hinted, vmir_op_msgpack_read_key_switch)

/* A build action: A and B = its operands. */
#define BUILD_STENCIL(OP, name)                                               \
  STENCIL vmir_stencil_build_##name(STENCIL_ARGS) {                           \
    NEED_DECODE();                                                            \
    vm->pc = PC;                                                              \
    vmir_status st = vmir_build_##name(shapes->exe, vm, OPERAND_A, OPERAND_B, scratch->err); \
    if (UNLIKELY(st != VMIR_OK)) return st;                                   \
    CONTINUE();                                                               \
  }
VMIR_BUILD_OPS(BUILD_STENCIL)

/* The build actions with an inline fast path (exec/ops_build_inline.h,
 * VMIR_BUILD_INLINE_OPS); push-element's element size the frame's own. */
#define BUILD_INLINE_STENCIL(OP, name)                                        \
  STENCIL vmir_stencil_build_##name##_inline(STENCIL_ARGS) {                  \
    NEED_DECODE();                                                            \
    KERNEL_CTX;                                                               \
    RUN(vmir_op_build_##name(k, 0));                                          \
    CONTINUE();                                                               \
  }
VMIR_BUILD_INLINE_OPS(BUILD_INLINE_STENCIL)

/* build-field A B likewise (vmir_op_build_field): the seen bit set in
 * place when the struct is the innermost tracked one. */
STENCIL vmir_stencil_build_field_inline(STENCIL_ARGS) {
  NEED_DECODE();
  KERNEL_CTX;
  RUN(vmir_op_build_field(k, OPERAND_A, OPERAND_B));
  CONTINUE();
}
