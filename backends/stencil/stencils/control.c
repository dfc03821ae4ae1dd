/* Control flow: jumps, option and variant branches, calls, loops. Each
 * mirrors the interpreter's case (engine/exec/interp.c); a case the
 * interpreter would report as an error deopts before any effect. */
#include "stencil.h"

/* jump: CONTINUE is the target (dropped entirely when it is the next
 * instruction's code). */
STENCIL vmir_stencil_jump(STENCIL_ARGS) { CONTINUE(); }

/* branch-some: TARGET = then, CONTINUE = else. */
STENCIL vmir_stencil_branch_some(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  if (UNLIKELY(cur->shape->kind != VMIR_KIND_OPTION)) DEOPT_CHECK();
  if (vmir_option_present(cur->shape, cur->addr)) GOTO_TARGET();
  CONTINUE();
}

/* switch-variant: CASES = code of each case, COUNT = cases. */
STENCIL vmir_stencil_switch_variant(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  if (UNLIKELY(cur->shape->kind != VMIR_KIND_ENUM)) DEOPT_CHECK();
  int64_t v = vmir_enum_variant(cur->shape, cur->addr, NULL);
  if (UNLIKELY(v < 0 || (uint64_t)v >= HOLE(_JIT_COUNT))) DEOPT_CHECK();
  vmir_stencil_fn f = ((const vmir_stencil_fn *)HOLE(_JIT_CASES))[v];
  __attribute__((musttail)) return f(STENCIL_PASS);
}

/* call: A = callee proc, TARGET = its entry code. */
STENCIL vmir_stencil_call(STENCIL_ARGS) {
  if (UNLIKELY(vm->frame_depth == vm->frame_cap) && !vmir_vm_grow_frames(vm)) DEOPT_CHECK();
  vmir_frame *f = &vm->frames[vm->frame_depth++];
  f->return_pc = PC + 1;
  f->path_depth = vm->path_depth;
  f->loop_depth = vm->loop_depth;
  f->proc = vm->proc;
  vm->proc = OPERAND_A;
  GOTO_TARGET();
}

/* ret: from the entry proc the run is over; otherwise continue after the
 * call through the pc table. */
STENCIL vmir_stencil_ret(STENCIL_ARGS) {
  if (vm->frame_depth == 0) {
    vm->pc = PC;
    return VMIR_OK;
  }
  const vmir_frame *f = &vm->frames[vm->frame_depth - 1];
  if (UNLIKELY(f->path_depth != vm->path_depth || f->loop_depth != vm->loop_depth)) DEOPT_CHECK();
  vm->frame_depth--;
  vm->proc = f->proc;
  vm->pc = f->return_pc;
  DISPATCH(f->return_pc);
}

/* loop-begin over the current list, array or map. */
STENCIL vmir_stencil_loop_begin(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  uint64_t len;
  if (s->kind == VMIR_KIND_ARRAY) {
    len = s->u.sequence.count;
  } else if (s->kind == VMIR_KIND_LIST || s->kind == VMIR_KIND_MAP) {
    vmir_list l = vmir_read_list(cur->addr);
    len = l.len;
    if (len) {
      uint32_t stride = s->kind == VMIR_KIND_MAP ? s->u.map.entry_size : s->u.sequence.element->size;
      if (UNLIKELY(!l.ptr || (stride && len > UINT64_MAX / stride))) DEOPT_CHECK();
    }
  } else {
    DEOPT_CHECK();
  }
  if (UNLIKELY(vm->loop_depth == vm->loop_cap) && !vmir_vm_grow_loops(vm)) DEOPT_CHECK();
  vm->loops[vm->loop_depth++] = (vmir_loop_entry){0, len};
  CONTINUE();
}

/* loop-next: TARGET = body, CONTINUE = exit. */
STENCIL vmir_stencil_loop_next(STENCIL_ARGS) {
  if (UNLIKELY(vm->loop_depth == 0)) DEOPT_CHECK();
  const vmir_loop_entry *l = &vm->loops[vm->loop_depth - 1];
  if (l->index < l->len) GOTO_TARGET();
  vm->loop_depth--;
  CONTINUE();
}

STENCIL vmir_stencil_loop_step(STENCIL_ARGS) {
  if (UNLIKELY(vm->loop_depth == 0)) DEOPT_CHECK();
  vm->loops[vm->loop_depth - 1].index++;
  CONTINUE();
}
