/* The interpreter's executable form: a verified program with operands
 * resolved (block targets as absolute instruction indexes, strings as
 * views, lists as arrays of targets) so dispatch never walks the text or
 * binary form. Shared by every backend as the program's identity. */
#ifndef VMIR_EXEC_EXECUTABLE_H
#define VMIR_EXEC_EXECUTABLE_H

#include <stdatomic.h>
#include <stdint.h>

#include "vmir/exec.h"
#include "vmir/program.h"

typedef struct vmir_xinsn {
  uint32_t op;               /* vmir_opcode */
  uint32_t a, b, c;          /* resolved operands, in operand order */
  uint32_t list_len;         /* items in targets and/or keys */
  const uint32_t *targets;   /* BLOCKS operand: absolute instruction indexes */
  const uint32_t *keys;      /* STRINGS operand: string indexes */
} vmir_xinsn;

/* (proc, block, instruction) of an absolute instruction index. */
typedef struct vmir_pc {
  uint32_t proc, block, insn;
} vmir_pc;

/* The first member of the tiering layer's per-executable state. */
typedef struct vmir_tier_hook {
  void (*release)(struct vmir_tier_hook *self);
} vmir_tier_hook;

struct vmir_executable {
  const vmir_program *program;
  const vmir_shape *root;
  vmir_xinsn *code;          /* parallel to program->insns */
  vmir_pc *pcs;
  uint32_t *proc_entry;      /* absolute index of each proc's entry block */
  uint32_t *list_targets;    /* storage behind vmir_xinsn.list */
  vmir_str *strings;         /* the string table as views */
  /* A switch-key guess slot per instruction (exec/ops_lex.h,
   * vmir_op_match_hinted) for generated code that keeps its guesses with
   * the executable (the LLVM and libgccjit backends; stencils keep theirs
   * in the code object). Relaxed atomics: any value is a valid guess. */
  uint32_t *key_guesses;
  _Atomic uint64_t hotness;
  /* Another shape object already found to have the root's id: the id walk
   * (a full graph traversal) is then skipped for it. */
  _Atomic(const vmir_shape *) root_alias;
  /* Tiering state (engine/jit/tier.c): bound JIT code, counters; created
   * on the first run. The executable frees it through the hook, so this
   * layer knows nothing of the JIT layer. */
  _Atomic(vmir_tier_hook *) tier;
};

/* Checks before the first instruction: program ABI, root shape id of the
 * value's shape, program kind. Fills err (not NULL) on failure. */
vmir_status vmir_exec_check_entry(const vmir_executable *exe, const vmir_shape *shape,
                                  vmir_program_kind kind, vmir_error *err);

/* Fills the path of the current value (".a[3].b") into `out`. */
struct vmir_vm_state;
void vmir_format_path(const struct vmir_vm_state *vm, char *out, size_t cap);

#endif
