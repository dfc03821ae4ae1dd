/* Lowering of the per-op plan to libgccjit IR (gccjit_lower.h).
 *
 * The generated function mirrors the stencil chain: an entry guard, then
 * one block per instruction. A planned deopt exit writes vm->pc and the
 * reason and returns VMIR_JIT_DEOPT; every other instruction calls the
 * engine's one-instruction step (the op kernels instantiated by the
 * interpreter, vmir_interp_step: the op semantics stay in
 * engine/exec/ops*.h) and continues straight to the next block when the
 * step fell through, else through a switch on vm->pc (branches, calls,
 * returns, loops). Every function called is in the helper table
 * (engine/jit/helpers.def) and is called through its address as a
 * constant, so the compiled code needs no symbol resolution.
 * t[impl format.exec.jit-semantic-equivalence]
 * t[impl format.exec.deopt-resume-point] */
#include "gccjit_lower.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "jit/guards.h"
#include "jit/helpers.h"
#include "jit/plan.h"

/* The types and values every block uses. */
typedef struct lower {
  gcc_jit_context *ctxt;
  gcc_jit_function *fn;
  gcc_jit_type *u32, *status, *vptr;
  gcc_jit_field *vm_pc, *vm_path_depth, *scratch_err, *scratch_reason, *scratch_guard, *shapes_exe;
  gcc_jit_lvalue *vm, *scratch, *shapes, *st;
  gcc_jit_rvalue *exe, *err;        /* loaded once at entry */
  gcc_jit_block **blocks;           /* one per instruction */
  gcc_jit_block *dispatch, *finish;
} lower;

static gcc_jit_rvalue *u32c(lower *l, uint32_t v) {
  return gcc_jit_context_new_rvalue_from_long(l->ctxt, l->u32, (long)v);
}

static gcc_jit_rvalue *statusc(lower *l, vmir_status v) {
  return gcc_jit_context_new_rvalue_from_int(l->ctxt, l->status, (int)v);
}

static gcc_jit_lvalue *vm_pc(lower *l) {
  return gcc_jit_rvalue_dereference_field(gcc_jit_lvalue_as_rvalue(l->vm), NULL, l->vm_pc);
}

static gcc_jit_lvalue *scratch_field(lower *l, gcc_jit_field *f) {
  return gcc_jit_rvalue_dereference_field(gcc_jit_lvalue_as_rvalue(l->scratch), NULL, f);
}

/* A call of a helper-table function through its address. */
static gcc_jit_rvalue *call_helper(lower *l, void (*addr)(void), gcc_jit_type *ret, int n,
                                   gcc_jit_type **params, gcc_jit_rvalue **args) {
  gcc_jit_type *fnptr =
      gcc_jit_context_new_function_ptr_type(l->ctxt, NULL, ret, n, params, 0);
  gcc_jit_rvalue *callee = gcc_jit_context_new_rvalue_from_ptr(l->ctxt, fnptr, (void *)addr);
  return gcc_jit_context_new_call_through_ptr(l->ctxt, NULL, callee, n, args);
}

/* The deopt exit at pc: the interpreter resumes there. */
static void lower_deopt(lower *l, gcc_jit_block *b, uint32_t pc, vmir_deopt_reason reason) {
  gcc_jit_block_add_assignment(b, NULL, vm_pc(l), u32c(l, pc));
  gcc_jit_block_add_assignment(b, NULL, scratch_field(l, l->scratch_reason), u32c(l, reason));
  gcc_jit_block_end_with_return(b, NULL, statusc(l, VMIR_JIT_DEOPT));
}

/* One instruction through the engine's step, then on to the next. */
static void lower_step(lower *l, gcc_jit_block *b, uint32_t pc, uint32_t n) {
  gcc_jit_block_add_assignment(b, NULL, vm_pc(l), u32c(l, pc));
  gcc_jit_type *params[3] = {l->vptr, l->vptr, l->vptr};
  gcc_jit_rvalue *args[3] = {l->exe, gcc_jit_lvalue_as_rvalue(l->vm), l->err};
  gcc_jit_rvalue *call =
      call_helper(l, (void (*)(void))vmir_interp_step, l->status, 3, params, args);
  gcc_jit_block_add_assignment(b, NULL, l->st, call);
  gcc_jit_block *next = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(
      b, NULL,
      gcc_jit_context_new_comparison(l->ctxt, NULL, GCC_JIT_COMPARISON_NE,
                                     gcc_jit_lvalue_as_rvalue(l->st), statusc(l, VMIR_OK)),
      l->finish, next);
  if (pc + 1 >= n) {
    gcc_jit_block_end_with_jump(next, NULL, l->dispatch);
    return;
  }
  gcc_jit_block_end_with_conditional(
      next, NULL,
      gcc_jit_context_new_comparison(l->ctxt, NULL, GCC_JIT_COMPARISON_EQ,
                                     gcc_jit_lvalue_as_rvalue(vm_pc(l)), u32c(l, pc + 1)),
      l->blocks[pc + 1], l->dispatch);
}

/* `leave` in IR, the op encode runs most often after the emissions
 * (every field is enter, emit, leave): vmir_op_leave's check and effect
 * (engine/exec/ops.h). A failed check deopts here, so the interpreter
 * re-runs the instruction and reports it. */
static void lower_leave(lower *l, gcc_jit_block *b, uint32_t pc, uint32_t n) {
  gcc_jit_lvalue *depth =
      gcc_jit_rvalue_dereference_field(gcc_jit_lvalue_as_rvalue(l->vm), NULL, l->vm_path_depth);
  gcc_jit_block *check_failed = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block *pop = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(
      b, NULL,
      gcc_jit_context_new_comparison(l->ctxt, NULL, GCC_JIT_COMPARISON_LE,
                                     gcc_jit_lvalue_as_rvalue(depth), u32c(l, 1)),
      check_failed, pop);
  lower_deopt(l, check_failed, pc, VMIR_DEOPT_CHECK);
  gcc_jit_block_add_assignment_op(pop, NULL, depth, GCC_JIT_BINARY_OP_MINUS, u32c(l, 1));
  if (pc + 1 < n) {
    gcc_jit_block_end_with_jump(pop, NULL, l->blocks[pc + 1]);
  } else {
    gcc_jit_block_add_assignment(pop, NULL, vm_pc(l), u32c(l, pc + 1));
    gcc_jit_block_end_with_jump(pop, NULL, l->dispatch);
  }
}

/* The layouts the generated code reads: only the leading members it
 * touches, declared in the C order (the static asserts keep them true). */
_Static_assert(offsetof(vmir_vm_state, pc) == 4 && offsetof(vmir_vm_state, path) == 8 &&
                   offsetof(vmir_vm_state, path_depth) == 16,
               "vm layout");
_Static_assert(offsetof(vmir_scratch, err) == 0 && offsetof(vmir_scratch, deopt_reason) == 8 &&
                   offsetof(vmir_scratch, guard_failed) == 12,
               "scratch layout");
_Static_assert(offsetof(vmir_shape_context, exe) == 24, "shape context layout");

static void declare_types(lower *l) {
  gcc_jit_context *c = l->ctxt;
  l->u32 = gcc_jit_context_get_int_type(c, 4, 0);
  l->status = gcc_jit_context_get_type(c, GCC_JIT_TYPE_INT);
  l->vptr = gcc_jit_context_get_type(c, GCC_JIT_TYPE_VOID_PTR);
  gcc_jit_type *u64 = gcc_jit_context_get_int_type(c, 8, 0);

  gcc_jit_field *vm_fields[4] = {gcc_jit_context_new_field(c, NULL, l->u32, "proc"),
                                 gcc_jit_context_new_field(c, NULL, l->u32, "pc"),
                                 gcc_jit_context_new_field(c, NULL, l->vptr, "path"),
                                 gcc_jit_context_new_field(c, NULL, l->u32, "path_depth")};
  l->vm_pc = vm_fields[1];
  l->vm_path_depth = vm_fields[3];
  gcc_jit_struct *vm = gcc_jit_context_new_struct_type(c, NULL, "vm_state", 4, vm_fields);

  gcc_jit_field *sc_fields[3] = {gcc_jit_context_new_field(c, NULL, l->vptr, "err"),
                                 gcc_jit_context_new_field(c, NULL, l->u32, "deopt_reason"),
                                 gcc_jit_context_new_field(c, NULL, l->u32, "guard_failed")};
  l->scratch_err = sc_fields[0];
  l->scratch_reason = sc_fields[1];
  l->scratch_guard = sc_fields[2];
  gcc_jit_struct *sc = gcc_jit_context_new_struct_type(c, NULL, "scratch", 3, sc_fields);

  gcc_jit_field *sh_fields[5] = {gcc_jit_context_new_field(c, NULL, l->vptr, "root"),
                                 gcc_jit_context_new_field(c, NULL, u64, "root_shape_id"),
                                 gcc_jit_context_new_field(c, NULL, l->u32, "program_abi"),
                                 gcc_jit_context_new_field(c, NULL, l->u32, "caps"),
                                 gcc_jit_context_new_field(c, NULL, l->vptr, "exe")};
  l->shapes_exe = sh_fields[4];
  gcc_jit_struct *sh = gcc_jit_context_new_struct_type(c, NULL, "shape_context", 5, sh_fields);

  gcc_jit_param *params[5] = {
      gcc_jit_context_new_param(c, NULL, l->vptr, "root"),
      gcc_jit_context_new_param(c, NULL, gcc_jit_type_get_pointer(gcc_jit_struct_as_type(sh)),
                                "shapes"),
      gcc_jit_context_new_param(c, NULL, l->vptr, "io"),
      gcc_jit_context_new_param(c, NULL, gcc_jit_type_get_pointer(gcc_jit_struct_as_type(sc)),
                                "scratch"),
      gcc_jit_context_new_param(c, NULL, gcc_jit_type_get_pointer(gcc_jit_struct_as_type(vm)),
                                "vm")};
  l->fn = gcc_jit_context_new_function(c, NULL, GCC_JIT_FUNCTION_EXPORTED, l->status,
                                       VMIR_GCCJIT_ENTRY_NAME, 5, params, 0);
  l->shapes = gcc_jit_param_as_lvalue(params[1]);
  l->scratch = gcc_jit_param_as_lvalue(params[3]);
  l->vm = gcc_jit_param_as_lvalue(params[4]);
  l->st = gcc_jit_function_new_local(l->fn, NULL, l->status, "st");
}

/* Entry: the guards (jit/guards.h, called out of line), then the entry
 * proc's first instruction through the dispatch switch. A failed guard
 * changes nothing: vm->pc stays at the entry pc.
 * t[impl format.exec.deopt-on-guard-fail] */
static void lower_entry(lower *l, gcc_jit_block *entry, const vmir_jit_assumptions *assume,
                        gcc_jit_param *io) {
  gcc_jit_context *c = l->ctxt;
  gcc_jit_type *u64 = gcc_jit_context_get_int_type(c, 8, 0);
  gcc_jit_type *params[6] = {l->vptr, l->vptr, u64, l->u32, l->u32, l->vptr};
  gcc_jit_rvalue *args[6] = {
      gcc_jit_context_new_cast(c, NULL, gcc_jit_lvalue_as_rvalue(l->shapes), l->vptr),
      gcc_jit_param_as_rvalue(io),
      gcc_jit_context_new_rvalue_from_long(c, u64, (long)assume->root_shape_id),
      u32c(l, assume->program_abi),
      u32c(l, assume->caps),
      gcc_jit_context_new_rvalue_from_ptr(c, l->vptr, (void *)&assume->sink)};
  gcc_jit_lvalue *failed = gcc_jit_function_new_local(l->fn, NULL, l->u32, "failed");
  gcc_jit_block_add_assignment(
      entry, NULL, failed,
      call_helper(l, (void (*)(void))vmir_jit_entry_guard_call, l->u32, 6, params, args));
  gcc_jit_block *guard_failed = gcc_jit_function_new_block(l->fn, "guard_failed");
  gcc_jit_block *run = gcc_jit_function_new_block(l->fn, "run");
  gcc_jit_block_end_with_conditional(
      entry, NULL,
      gcc_jit_context_new_comparison(c, NULL, GCC_JIT_COMPARISON_NE,
                                     gcc_jit_lvalue_as_rvalue(failed), u32c(l, 0)),
      guard_failed, run);
  gcc_jit_block_add_assignment(guard_failed, NULL, scratch_field(l, l->scratch_guard),
                               gcc_jit_lvalue_as_rvalue(failed));
  gcc_jit_block_add_assignment(guard_failed, NULL, scratch_field(l, l->scratch_reason),
                               u32c(l, VMIR_DEOPT_GUARD));
  gcc_jit_block_end_with_return(guard_failed, NULL, statusc(l, VMIR_JIT_DEOPT));
  gcc_jit_block_end_with_jump(run, NULL, l->dispatch);
}

/* The switch on vm->pc; a pc no instruction has is the interpreter's
 * execution error (vmir_jit_bad_pc). */
static bool lower_dispatch(lower *l, uint32_t n) {
  gcc_jit_context *c = l->ctxt;
  gcc_jit_case **cases = malloc((n ? n : 1) * sizeof *cases);
  if (!cases) return false;
  for (uint32_t pc = 0; pc < n; pc++)
    cases[pc] = gcc_jit_context_new_case(c, u32c(l, pc), u32c(l, pc), l->blocks[pc]);
  gcc_jit_block *bad = gcc_jit_function_new_block(l->fn, "bad_pc");
  gcc_jit_type *params[4] = {l->vptr, l->vptr, l->vptr, l->u32};
  gcc_jit_rvalue *args[4] = {l->exe, gcc_jit_lvalue_as_rvalue(l->vm), l->err,
                             gcc_jit_lvalue_as_rvalue(vm_pc(l))};
  gcc_jit_block_end_with_return(
      bad, NULL, call_helper(l, (void (*)(void))vmir_jit_bad_pc, l->status, 4, params, args));
  gcc_jit_block_end_with_switch(l->dispatch, NULL, gcc_jit_lvalue_as_rvalue(vm_pc(l)), bad,
                                (int)n, cases);
  free(cases);
  return true;
}

bool vmir_gccjit_lower(gcc_jit_context *ctxt, const vmir_jit_request *req,
                       const vmir_jit_assumptions *assume, char *why, size_t why_cap) {
  vmir_jit_plan plan;
  if (!vmir_jit_plan_init(&plan, req)) {
    snprintf(why, why_cap, "out of memory planning the program");
    return false;
  }
  uint32_t n = req->exe->program->insn_count;
  lower l = {.ctxt = ctxt};
  l.blocks = malloc((n ? n : 1) * sizeof *l.blocks);
  if (!l.blocks) {
    vmir_jit_plan_free(&plan);
    snprintf(why, why_cap, "out of memory lowering the program");
    return false;
  }
  declare_types(&l);
  gcc_jit_block *entry = gcc_jit_function_new_block(l.fn, "entry");
  l.dispatch = gcc_jit_function_new_block(l.fn, "dispatch");
  l.finish = gcc_jit_function_new_block(l.fn, "finish");
  for (uint32_t pc = 0; pc < n; pc++) l.blocks[pc] = gcc_jit_function_new_block(l.fn, NULL);

  /* exe and err are read once: neither changes during a run. */
  gcc_jit_lvalue *exe = gcc_jit_function_new_local(l.fn, NULL, l.vptr, "exe");
  gcc_jit_lvalue *err = gcc_jit_function_new_local(l.fn, NULL, l.vptr, "err");
  gcc_jit_block_add_assignment(
      entry, NULL, exe,
      gcc_jit_lvalue_as_rvalue(gcc_jit_rvalue_dereference_field(
          gcc_jit_lvalue_as_rvalue(l.shapes), NULL, l.shapes_exe)));
  gcc_jit_block_add_assignment(entry, NULL, err,
                               gcc_jit_lvalue_as_rvalue(scratch_field(&l, l.scratch_err)));
  l.exe = gcc_jit_lvalue_as_rvalue(exe);
  l.err = gcc_jit_lvalue_as_rvalue(err);
  lower_entry(&l, entry, assume, gcc_jit_function_get_param(l.fn, 2));

  /* A step that did not continue: the entry proc returned, or an error. */
  gcc_jit_block *done = gcc_jit_function_new_block(l.fn, "done");
  gcc_jit_block *failed = gcc_jit_function_new_block(l.fn, "failed");
  gcc_jit_block_end_with_conditional(
      l.finish, NULL,
      gcc_jit_context_new_comparison(ctxt, NULL, GCC_JIT_COMPARISON_EQ,
                                     gcc_jit_lvalue_as_rvalue(l.st), statusc(&l, VMIR_STEP_DONE)),
      done, failed);
  gcc_jit_block_end_with_return(done, NULL, statusc(&l, VMIR_OK));
  gcc_jit_block_end_with_return(failed, NULL, gcc_jit_lvalue_as_rvalue(l.st));

  for (uint32_t pc = 0; pc < n; pc++) {
    vmir_jit_op_plan op = vmir_jit_plan_op(&plan, pc);
    const vmir_xinsn *x = &req->exe->code[pc];
    if (op.kind == VMIR_JIT_OP_DEOPT) lower_deopt(&l, l.blocks[pc], pc, op.reason);
    /* jump only moves the pc (interp.c): a GCC jump to the target's
     * block, which writes vm->pc itself. */
    else if (op.kind == VMIR_JIT_OP_SPECIALISED && x->op == VMIR_OP_JUMP && x->a < n)
      gcc_jit_block_end_with_jump(l.blocks[pc], NULL, l.blocks[x->a]);
    else if (op.kind == VMIR_JIT_OP_SPECIALISED && x->op == VMIR_OP_LEAVE)
      lower_leave(&l, l.blocks[pc], pc, n);
    else lower_step(&l, l.blocks[pc], pc, n);
  }
  bool ok = lower_dispatch(&l, n);
  if (!ok) snprintf(why, why_cap, "out of memory lowering the program");
  free(l.blocks);
  vmir_jit_plan_free(&plan);
  return ok;
}
