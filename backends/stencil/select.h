/* Instruction selection: which stencil each instruction becomes and what
 * goes into its holes (everything but code addresses, which the patcher
 * knows once the layout is fixed). */
#ifndef VMIR_STENCIL_SELECT_H
#define VMIR_STENCIL_SELECT_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/plan.h"
#include "stencil_table.h"

#define VMIR_NO_PC UINT32_MAX

/* Which sink callback a SINK_FN hole names. */
typedef enum vmir_sink_op {
  VMIR_SINK_OP_NONE = 0,
#define VMIR_SINK_OP_ROW(m) VMIR_SINK_OP_##m,
  VMIR_SINK_CALLBACKS(VMIR_SINK_OP_ROW)
#undef VMIR_SINK_OP_ROW
} vmir_sink_op;

typedef struct vmir_plan {
  uint32_t stencil;          /* enum vmir_stencil_id */
  uint32_t cont_pc;          /* code the CONTINUE hole names, or VMIR_NO_PC */
  uint32_t target_pc;        /* code the TARGET hole names, or VMIR_NO_PC */
  uint64_t a, b, c, imm, imm2;
  int64_t string;            /* >= 0: IMM/IMM2 = bytes/length of this string */
  bool cases;                /* CASES/COUNT = the instruction's target list */
  bool plain_name;           /* SINK_FN = the sink's plain field-name variant, if any */
  bool named_scalar;         /* SINK_FN = the sink's plain name-and-scalar callback */
  bool absorbed;             /* run by the fused stencil of an earlier pc: no code */
  bool hint;                 /* IMM = a guess slot of the code object (switch-key);
                              * the patcher numbers the slots in imm */
  uint32_t sink_op;          /* vmir_sink_op */
} vmir_plan;

/* The stencil of instruction pc under the layer's per-op plan. */
void vmir_stencil_select(const vmir_jit_plan *plan, uint32_t pc, vmir_plan *out);

/* Fuses short runs of specialised instructions inside a block into one
 * stencil (stencils/fused.c): the run's first plan becomes the fused
 * stencil, continuing after the run; the others are marked absorbed.
 * Never across a block start, a return point or a pc the plan sends
 * elsewhere (deopt exits, the generic path), so nothing ever continues
 * into the middle of a run. */
void vmir_stencil_fuse(const vmir_jit_plan *plan, vmir_plan *plans);

#endif
