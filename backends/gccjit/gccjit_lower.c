/* Lowering of the per-op plan to libgccjit IR (gccjit_lower.h).
 *
 * The generated function mirrors the stencil chain: an entry guard, then
 * one block per instruction, and control flow as GCC jumps between them.
 * A planned deopt exit writes vm->pc and the reason and returns
 * VMIR_JIT_DEOPT. A specialised op is, by kind:
 *   jump, leave        GCC IR (a jump; leave's check and pop);
 *   control, navigation, predicates, emission, lexing
 *                      one call of the op's out-of-line kernel
 *                      (gccjit_ops.c) with its operands as constants,
 *                      then a GCC jump to the block of the branch taken
 *                      (a GCC switch over the case or token targets);
 *   build actions      one direct call of the action (exec/ops_build.h);
 * anything else (the generic plan, fail, emit-value, a predicate that
 * cannot be evaluated) one call of the interpreter's step,
 * vmir_interp_step. Where no target is known at compile time (ret, a
 * computed next pc) the code continues through a switch on vm->pc. Every
 * function called is in the helper table (engine/jit/helpers.def) or is
 * one of this backend's op wrappers (gccjit_ops.h), and is called through
 * its address as a constant, so the compiled code needs no
 * symbol resolution.
 * t[impl format.exec.jit-semantic-equivalence]
 * t[impl format.exec.deopt-resume-point] */
#include "gccjit_lower.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/interp.h"
#include "gccjit_ops.h"
#include "jit/guards.h"
#include "jit/helpers.h"
#include "jit/plan.h"
#include "sink/sink_internal.h"

/* The types and values every block uses. */
typedef struct lower {
  gcc_jit_context *ctxt;
  gcc_jit_function *fn;
  uint32_t n;                       /* instructions */
  uint32_t temps;                   /* locals made so far (their names) */
  gcc_jit_type *u8, *u8ptr, *u32, *u64, *boolean, *status, *vptr, *op_fn, *build_fn;
  gcc_jit_field *vm_pc, *vm_path_depth, *vm_dec, *scratch_err, *scratch_reason, *scratch_guard,
      *shapes_exe;
  gcc_jit_lvalue *vm, *scratch, *shapes, *st, *out;
  gcc_jit_rvalue *exe, *err, *io;   /* loaded once at entry */
  gcc_jit_block **blocks;           /* one per instruction */
  gcc_jit_block *dispatch, *finish;
  const vmir_jit_assumptions *assume; /* the code object's: direct sink callbacks */
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

/* Continues at instruction `to`: a GCC jump to its block; a pc past the
 * code goes through the dispatch switch (its bad-pc error). */
static void goto_pc(lower *l, gcc_jit_block *b, uint32_t to) {
  if (to < l->n) {
    gcc_jit_block_end_with_jump(b, NULL, l->blocks[to]);
    return;
  }
  gcc_jit_block_add_assignment(b, NULL, vm_pc(l), u32c(l, to));
  gcc_jit_block_end_with_jump(b, NULL, l->dispatch);
}

static gcc_jit_rvalue *ne(lower *l, gcc_jit_rvalue *a, gcc_jit_rvalue *b) {
  return gcc_jit_context_new_comparison(l->ctxt, NULL, GCC_JIT_COMPARISON_NE, a, b);
}

/* The call of an op's out-of-line kernel (gccjit_ops.h) at pc with
 * constant operands; a status other than VMIR_OK leaves through `finish`
 * (a failed check deopts there: the wrapper wrote vm->pc). Returns the
 * block that continues when the op succeeded; the op's result is in
 * l->out. */
static gcc_jit_block *call_op(lower *l, gcc_jit_block *b, vmir_gccjit_op_fn fn, uint32_t pc,
                              uint64_t a, const void *sink_fn) {
  gcc_jit_context *c = l->ctxt;
  gcc_jit_rvalue *args[8] = {
      l->exe,
      gcc_jit_lvalue_as_rvalue(l->vm),
      l->err,
      l->io,
      u32c(l, pc),
      gcc_jit_context_new_rvalue_from_long(c, l->u64, (long)a),
      sink_fn ? gcc_jit_context_new_rvalue_from_ptr(c, l->vptr, (void *)sink_fn)
              : gcc_jit_context_null(c, l->vptr),
      gcc_jit_lvalue_get_address(l->out, NULL)};
  gcc_jit_rvalue *callee = gcc_jit_context_new_rvalue_from_ptr(c, l->op_fn, (void *)fn);
  gcc_jit_block_add_assignment(b, NULL, l->st,
                               gcc_jit_context_new_call_through_ptr(c, NULL, callee, 8, args));
  gcc_jit_block *next = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(
      b, NULL, ne(l, gcc_jit_lvalue_as_rvalue(l->st), statusc(l, VMIR_OK)), l->finish, next);
  return next;
}

/* An op that falls through. */
static void op_plain(lower *l, gcc_jit_block *b, vmir_gccjit_op_fn fn, uint32_t pc, uint64_t a,
                     const void *sink_fn) {
  goto_pc(l, call_op(l, b, fn, pc, a, sink_fn), pc + 1);
}

/* A two-way op: `first` when the kernel said so (out != 0), else `second`. */
static void op_branch(lower *l, gcc_jit_block *b, vmir_gccjit_op_fn fn, uint32_t pc, uint64_t a,
                      uint32_t first, uint32_t second) {
  gcc_jit_block *next = call_op(l, b, fn, pc, a, NULL);
  gcc_jit_block *yes = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block *no = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(next, NULL,
                                     ne(l, gcc_jit_lvalue_as_rvalue(l->out), u32c(l, 0)), yes, no);
  goto_pc(l, yes, first);
  goto_pc(l, no, second);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return (x > y) - (x < y);
}

/* A GCC switch on l->out over the instruction targets `pcs` (any order,
 * repeats allowed): each case jumps to its target's block; any other
 * value continues through the dispatch switch with vm->pc = out. */
static bool switch_on_pc(lower *l, gcc_jit_block *b, uint32_t *pcs, uint32_t count) {
  qsort(pcs, count, sizeof *pcs, cmp_u32);
  gcc_jit_case **cases = malloc((count ? count : 1) * sizeof *cases);
  if (!cases) return false;
  int used = 0;
  for (uint32_t i = 0; i < count; i++) {
    if (pcs[i] >= l->n || (i && pcs[i] == pcs[i - 1])) continue;
    cases[used++] = gcc_jit_context_new_case(l->ctxt, u32c(l, pcs[i]), u32c(l, pcs[i]),
                                             l->blocks[pcs[i]]);
  }
  gcc_jit_block *other = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_add_assignment(other, NULL, vm_pc(l), gcc_jit_lvalue_as_rvalue(l->out));
  gcc_jit_block_end_with_jump(other, NULL, l->dispatch);
  gcc_jit_block_end_with_switch(b, NULL, gcc_jit_lvalue_as_rvalue(l->out), other, used, cases);
  free(cases);
  return true;
}

/* A lexing op whose kernel computes the next pc (switch-key,
 * switch-string, peek-token, the cursor and event ops): a GCC switch over
 * the targets the instruction names, so a key match or a token class
 * jumps straight to its block. */
static bool op_dispatch(lower *l, gcc_jit_block *b, vmir_gccjit_op_fn fn, uint32_t pc,
                        const vmir_xinsn *x) {
  gcc_jit_block *next = call_op(l, b, fn, pc, 0, NULL);
  uint32_t count = x->targets ? x->list_len : 0;
  uint32_t *pcs = malloc((count + 2) * sizeof *pcs);
  if (!pcs) return false;
  for (uint32_t i = 0; i < count; i++) pcs[i] = x->targets[i];
  pcs[count++] = pc + 1;
  if (x->op == VMIR_OP_SWITCH_KEY || x->op == VMIR_OP_SWITCH_STRING) pcs[count++] = x->c;
  bool ok = switch_on_pc(l, next, pcs, count);
  free(pcs);
  return ok;
}

/* switch-variant: the kernel's case index selects targets[i]. */
static bool op_switch_variant(lower *l, gcc_jit_block *b, uint32_t pc, const vmir_xinsn *x) {
  gcc_jit_block *next = call_op(l, b, vmir_gccjit_op_switch_variant, pc, x->list_len, NULL);
  gcc_jit_case **cases = malloc((x->list_len ? x->list_len : 1) * sizeof *cases);
  if (!cases) return false;
  for (uint32_t i = 0; i < x->list_len; i++) {
    gcc_jit_block *to = gcc_jit_function_new_block(l->fn, NULL);
    goto_pc(l, to, x->targets[i]);
    cases[i] = gcc_jit_context_new_case(l->ctxt, u32c(l, i), u32c(l, i), to);
  }
  /* The kernel returns only indexes below list_len; anything else would
   * be a broken invariant: the interpreter re-runs the instruction. */
  gcc_jit_block *other = gcc_jit_function_new_block(l->fn, NULL);
  lower_deopt(l, other, pc, VMIR_DEOPT_CHECK);
  gcc_jit_block_end_with_switch(next, NULL, gcc_jit_lvalue_as_rvalue(l->out), other,
                                (int)x->list_len, cases);
  free(cases);
  return true;
}

/* ret: the kernel gives the return pc (VMIR_STEP_DONE, through finish,
 * when the entry proc returned); the dispatch switch goes there. */
static void op_ret(lower *l, gcc_jit_block *b, uint32_t pc) {
  gcc_jit_block *next = call_op(l, b, vmir_gccjit_op_ret, pc, 0, NULL);
  gcc_jit_block_add_assignment(next, NULL, vm_pc(l), gcc_jit_lvalue_as_rvalue(l->out));
  gcc_jit_block_end_with_jump(next, NULL, l->dispatch);
}

/* A build action, called directly (exec/ops_build.h) with vm->pc at the
 * instruction (its errors name it); without a decode state the code
 * deopts and the interpreter reports it, as the stencil does. */
static void op_build(lower *l, gcc_jit_block *b, uint32_t pc, void (*action)(void),
                     const vmir_xinsn *x) {
  gcc_jit_context *c = l->ctxt;
  gcc_jit_block *no_dec = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block *run = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_rvalue *dec = gcc_jit_lvalue_as_rvalue(
      gcc_jit_rvalue_dereference_field(gcc_jit_lvalue_as_rvalue(l->vm), NULL, l->vm_dec));
  gcc_jit_block_end_with_conditional(
      b, NULL, gcc_jit_context_new_comparison(c, NULL, GCC_JIT_COMPARISON_EQ, dec,
                                              gcc_jit_context_null(c, l->vptr)),
      no_dec, run);
  lower_deopt(l, no_dec, pc, VMIR_DEOPT_CHECK);
  gcc_jit_block_add_assignment(run, NULL, vm_pc(l), u32c(l, pc));
  gcc_jit_rvalue *args[5] = {l->exe, gcc_jit_lvalue_as_rvalue(l->vm), u32c(l, x->a),
                             u32c(l, x->b), l->err};
  gcc_jit_rvalue *callee = gcc_jit_context_new_rvalue_from_ptr(c, l->build_fn, (void *)action);
  gcc_jit_block_add_assignment(run, NULL, l->st,
                               gcc_jit_context_new_call_through_ptr(c, NULL, callee, 5, args));
  gcc_jit_block *next = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(
      run, NULL, ne(l, gcc_jit_lvalue_as_rvalue(l->st), statusc(l, VMIR_OK)), l->finish, next);
  goto_pc(l, next, pc + 1);
}

/* emit-scalar's kind: the one inferred at the program point, else any. */
static uint64_t scalar_kind(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_shape *s = plan->shapes ? plan->shapes[pc] : NULL;
  if (!s) return VMIR_KIND_COUNT;
  switch (s->kind) {
    case VMIR_KIND_BOOL: case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32:
    case VMIR_KIND_U64: case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32:
    case VMIR_KIND_I64: case VMIR_KIND_F32: case VMIR_KIND_F64: case VMIR_KIND_UNIT:
    case VMIR_KIND_STRING: case VMIR_KIND_BYTES:
      return s->kind;
    default:
      return VMIR_KIND_COUNT;
  }
}

/* ---- ops in GCC IR ---------------------------------------------------------
 * The engine's structs are reached by byte offsets taken from the C
 * definitions here (offsetof), so the IR needs no copy of their layouts.
 * Each op's fast path is the kernel's success path; any check the kernel
 * would fail, or any rare case (a stack to grow, a depth limit), calls
 * the op's out-of-line kernel instead, which does the whole op from the
 * start (nothing was changed yet) and reports or deopts exactly as it
 * would alone. */

/* The `t` at byte offset `off` of the object `base` points to. */
static gcc_jit_lvalue *at(lower *l, gcc_jit_rvalue *base, gcc_jit_rvalue *off, gcc_jit_type *t) {
  gcc_jit_context *c = l->ctxt;
  gcc_jit_rvalue *bytes = gcc_jit_context_new_cast(c, NULL, base, l->u8ptr);
  gcc_jit_rvalue *addr =
      gcc_jit_lvalue_get_address(gcc_jit_context_new_array_access(c, NULL, bytes, off), NULL);
  return gcc_jit_rvalue_dereference(
      gcc_jit_context_new_cast(c, NULL, addr, gcc_jit_type_get_pointer(t)), NULL);
}

static gcc_jit_rvalue *sizec(lower *l, size_t v) {
  return gcc_jit_context_new_rvalue_from_long(l->ctxt, l->u64, (long)v);
}

static gcc_jit_lvalue *field_at(lower *l, gcc_jit_rvalue *base, size_t off, gcc_jit_type *t) {
  return at(l, base, sizec(l, off), t);
}

/* A new local of type t (libgccjit wants every local named). */
static gcc_jit_lvalue *temp(lower *l, gcc_jit_type *t) {
  char name[24];
  snprintf(name, sizeof name, "t%u", l->temps++);
  return gcc_jit_function_new_local(l->fn, NULL, t, name);
}

static gcc_jit_rvalue *rv(gcc_jit_lvalue *v) { return gcc_jit_lvalue_as_rvalue(v); }

static gcc_jit_rvalue *binop(lower *l, enum gcc_jit_binary_op op, gcc_jit_type *t,
                             gcc_jit_rvalue *a, gcc_jit_rvalue *b) {
  return gcc_jit_context_new_binary_op(l->ctxt, NULL, op, t, a, b);
}

static gcc_jit_rvalue *cmp(lower *l, enum gcc_jit_comparison op, gcc_jit_rvalue *a,
                           gcc_jit_rvalue *b) {
  return gcc_jit_context_new_comparison(l->ctxt, NULL, op, a, b);
}

static gcc_jit_rvalue *to_u64(lower *l, gcc_jit_rvalue *v) {
  return gcc_jit_context_new_cast(l->ctxt, NULL, v, l->u64);
}

/* Ends b with: when `bad`, the op's out-of-line kernel (slow), else on to
 * a new block, returned. */
static gcc_jit_block *unless(lower *l, gcc_jit_block *b, gcc_jit_rvalue *bad, gcc_jit_block *slow) {
  gcc_jit_block *ok = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(b, NULL, bad, slow, ok);
  return ok;
}

/* vm->NAME as an lvalue of type t. */
#define VM_FIELD(l, name, t) field_at(l, rv((l)->vm), offsetof(vmir_vm_state, name), t)

/* enter-field `index`, the op encode runs most (every field is enter,
 * emit, leave): vmir_op_enter_field and vmir_op_push's success path. */
static void ir_enter_field(lower *l, gcc_jit_block *b, uint32_t pc, uint32_t index) {
  gcc_jit_context *c = l->ctxt;
  gcc_jit_block *slow = gcc_jit_function_new_block(l->fn, NULL);
  op_plain(l, slow, vmir_gccjit_op_enter_field, pc, index, NULL);

  gcc_jit_lvalue *depth = temp(l, l->u32);
  gcc_jit_lvalue *cur = temp(l, l->vptr);
  gcc_jit_lvalue *shape = temp(l, l->vptr);
  gcc_jit_lvalue *kind = temp(l, l->u32);
  gcc_jit_lvalue *f = temp(l, l->vptr);
  gcc_jit_lvalue *level = temp(l, l->u32);
  gcc_jit_lvalue *limit = temp(l, l->u32);
  gcc_jit_rvalue *path = rv(VM_FIELD(l, path, l->vptr));
  const size_t entry = sizeof(vmir_path_entry);

  gcc_jit_block_add_assignment(b, NULL, depth, rv(VM_FIELD(l, path_depth, l->u32)));
  /* cur = &path[depth - 1] */
  gcc_jit_block_add_assignment(
      b, NULL, cur,
      gcc_jit_lvalue_get_address(
          at(l, path,
             binop(l, GCC_JIT_BINARY_OP_MULT, l->u64,
                   to_u64(l, binop(l, GCC_JIT_BINARY_OP_MINUS, l->u32, rv(depth), u32c(l, 1))),
                   sizec(l, entry)),
             l->u8),
          NULL));
  gcc_jit_block_add_assignment(
      b, NULL, shape, rv(field_at(l, rv(cur), offsetof(vmir_path_entry, shape), l->vptr)));
  gcc_jit_block_add_assignment(b, NULL, kind,
                               rv(field_at(l, rv(shape), offsetof(vmir_shape, kind), l->u32)));
  /* a struct or a tuple with the field */
  b = unless(l, b,
             gcc_jit_context_new_binary_op(
                 c, NULL, GCC_JIT_BINARY_OP_LOGICAL_AND, l->boolean,
                 cmp(l, GCC_JIT_COMPARISON_NE, rv(kind), u32c(l, VMIR_KIND_STRUCT)),
                 cmp(l, GCC_JIT_COMPARISON_NE, rv(kind), u32c(l, VMIR_KIND_TUPLE))),
             slow);
  b = unless(l, b,
             cmp(l, GCC_JIT_COMPARISON_GE, u32c(l, index),
                 rv(field_at(l, rv(shape), offsetof(vmir_shape, u.fields.count), l->u32))),
             slow);
  gcc_jit_block_add_assignment(
      b, NULL, f,
      gcc_jit_lvalue_get_address(
          at(l, rv(field_at(l, rv(shape), offsetof(vmir_shape, u.fields.fields), l->vptr)),
             sizec(l, (size_t)index * sizeof(vmir_field)), l->u8),
          NULL));
  /* the entry's level (vmir_vm_entry_level): a flattened struct field
   * stays at its parent's */
  gcc_jit_rvalue *flat = gcc_jit_context_new_binary_op(
      c, NULL, GCC_JIT_BINARY_OP_LOGICAL_AND, l->boolean,
      cmp(l, GCC_JIT_COMPARISON_EQ, rv(kind), u32c(l, VMIR_KIND_STRUCT)),
      cmp(l, GCC_JIT_COMPARISON_NE,
          binop(l, GCC_JIT_BINARY_OP_BITWISE_AND, l->u32,
                rv(field_at(l, rv(f), offsetof(vmir_field, flags), l->u32)),
                u32c(l, VMIR_FIELD_FLATTEN)),
          u32c(l, 0)));
  gcc_jit_block_add_assignment(
      b, NULL, level,
      binop(l, GCC_JIT_BINARY_OP_PLUS, l->u32,
            rv(field_at(l, rv(cur), offsetof(vmir_path_entry, level), l->u32)),
            gcc_jit_context_new_cast(c, NULL, gcc_jit_context_new_unary_op(
                                                  c, NULL, GCC_JIT_UNARY_OP_LOGICAL_NEGATE,
                                                  l->boolean, flat),
                                     l->u32)));
  /* no document depth limit met, no stack to grow */
  gcc_jit_block_add_assignment(b, NULL, limit, rv(VM_FIELD(l, doc_depth_limit, l->u32)));
  b = unless(l, b,
             gcc_jit_context_new_binary_op(
                 c, NULL, GCC_JIT_BINARY_OP_LOGICAL_AND, l->boolean,
                 cmp(l, GCC_JIT_COMPARISON_NE, rv(limit), u32c(l, 0)),
                 cmp(l, GCC_JIT_COMPARISON_GT, rv(level), rv(limit))),
             slow);
  b = unless(l, b, cmp(l, GCC_JIT_COMPARISON_EQ, rv(depth), rv(VM_FIELD(l, path_cap, l->u32))),
             slow);
  /* push */
  gcc_jit_rvalue *e = gcc_jit_lvalue_get_address(
      at(l, path, binop(l, GCC_JIT_BINARY_OP_MULT, l->u64, to_u64(l, rv(depth)), sizec(l, entry)),
         l->u8),
      NULL);
  gcc_jit_lvalue *e_local = temp(l, l->vptr);
  gcc_jit_block_add_assignment(b, NULL, e_local, e);
  e = rv(e_local);
  gcc_jit_block_add_assignment(b, NULL, field_at(l, e, offsetof(vmir_path_entry, level), l->u32),
                               rv(level));
  gcc_jit_block_add_assignment(
      b, NULL, field_at(l, e, offsetof(vmir_path_entry, addr), l->vptr),
      gcc_jit_lvalue_get_address(
          at(l, rv(field_at(l, rv(cur), offsetof(vmir_path_entry, addr), l->vptr)),
             to_u64(l, rv(field_at(l, rv(f), offsetof(vmir_field, offset), l->u32))), l->u8),
          NULL));
  gcc_jit_block_add_assignment(b, NULL, field_at(l, e, offsetof(vmir_path_entry, shape), l->vptr),
                               rv(field_at(l, rv(f), offsetof(vmir_field, shape), l->vptr)));
  gcc_jit_block_add_assignment(b, NULL,
                               field_at(l, e, offsetof(vmir_path_entry, segment), l->u32),
                               u32c(l, VMIR_SEG_FIELD));
  gcc_jit_block_add_assignment(b, NULL, field_at(l, e, offsetof(vmir_path_entry, index), l->u64),
                               sizec(l, index));
  gcc_jit_block_add_assignment(b, NULL,
                               field_at(l, e, offsetof(vmir_path_entry, variant), l->u32),
                               u32c(l, 0));
  gcc_jit_block_add_assignment(b, NULL, VM_FIELD(l, path_depth, l->u32),
                               binop(l, GCC_JIT_BINARY_OP_PLUS, l->u32, rv(depth), u32c(l, 1)));
  goto_pc(l, b, pc + 1);
}

/* loop-next: another iteration of the innermost loop goes to `body`,
 * else the loop is popped and the code goes on at `exit`
 * (vmir_op_loop_next); loop-step: the index moves on
 * (vmir_op_loop_step). No loop: the kernel reports. */
static void ir_loop(lower *l, gcc_jit_block *b, uint32_t pc, const vmir_xinsn *x) {
  bool next = x->op == VMIR_OP_LOOP_NEXT;
  gcc_jit_block *slow = gcc_jit_function_new_block(l->fn, NULL);
  if (next) op_branch(l, slow, vmir_gccjit_op_loop_next, pc, 0, x->a, x->b);
  else op_plain(l, slow, vmir_gccjit_op_loop_step, pc, 0, NULL);
  gcc_jit_lvalue *depth = temp(l, l->u32);
  gcc_jit_lvalue *top = temp(l, l->vptr);
  gcc_jit_block_add_assignment(b, NULL, depth, rv(VM_FIELD(l, loop_depth, l->u32)));
  b = unless(l, b, cmp(l, GCC_JIT_COMPARISON_EQ, rv(depth), u32c(l, 0)), slow);
  gcc_jit_rvalue *minus1 = binop(l, GCC_JIT_BINARY_OP_MINUS, l->u32, rv(depth), u32c(l, 1));
  gcc_jit_block_add_assignment(
      b, NULL, top,
      gcc_jit_lvalue_get_address(
          at(l, rv(VM_FIELD(l, loops, l->vptr)),
             binop(l, GCC_JIT_BINARY_OP_MULT, l->u64, to_u64(l, minus1),
                   sizec(l, sizeof(vmir_loop_entry))),
             l->u8),
          NULL));
  gcc_jit_lvalue *index = field_at(l, rv(top), offsetof(vmir_loop_entry, index), l->u64);
  if (!next) {
    gcc_jit_block_add_assignment_op(b, NULL, index, GCC_JIT_BINARY_OP_PLUS, sizec(l, 1));
    goto_pc(l, b, pc + 1);
    return;
  }
  gcc_jit_block *more = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block *done = gcc_jit_function_new_block(l->fn, NULL);
  gcc_jit_block_end_with_conditional(
      b, NULL,
      cmp(l, GCC_JIT_COMPARISON_LT, rv(index),
          rv(field_at(l, rv(top), offsetof(vmir_loop_entry, len), l->u64))),
      more, done);
  goto_pc(l, more, x->a);
  gcc_jit_block_add_assignment(done, NULL, VM_FIELD(l, loop_depth, l->u32), minus1);
  goto_pc(l, done, x->b);
}

/* A specialised op. False: the op has no lowering of its own (the caller
 * runs it through the step). *oom on allocation failure. */
static bool lower_specialised(lower *l, const vmir_jit_plan *plan, uint32_t pc, bool *oom) {
  const vmir_executable *exe = plan->exe;
  const vmir_xinsn *x = &exe->code[pc];
  const vmir_sink_ops *direct = plan->sink_direct ? &l->assume->sink : NULL;
  gcc_jit_block *b = l->blocks[pc];
#define SINK(member) (direct ? (const void *)direct->member : NULL)
  /* Member names: the plan's variants of read-key and switch-key. */
  if (vmir_jit_plan_key_in_place(plan, pc)) {
    *oom = !op_dispatch(l, b,
                        x->op == VMIR_OP_MSGPACK_READ_KEY ? vmir_gccjit_op_msgpack_read_key_switch
                                                          : vmir_gccjit_op_read_key_switch,
                        pc, &exe->code[pc + 1]);
    return true;
  }
  if (vmir_jit_plan_key_guess(plan, pc)) {
    *oom = !op_dispatch(l, b, vmir_gccjit_op_switch_key_guessing, pc, x);
    return true;
  }
  /* A member's plain name and scalar value: one call of the sink's paired
   * callback (the assumed sink's, when it has one), then past the leave. */
  if (vmir_jit_plan_named_field_scalar(plan, pc)) {
    const void *named = direct ? (const void *)vmir_sink_plain_named_scalar(direct) : NULL;
    uint64_t a = x->a | scalar_kind(plan, pc + 2) << 32;
    goto_pc(l, call_op(l, b, vmir_gccjit_op_named_field_scalar, pc, a, named), pc + 4);
    return true;
  }
  switch ((vmir_opcode)x->op) {
    /* through their inline fast paths, like the other tiers' code */
#define BUILD_INLINE_CASE(OP, name)                                            \
  case VMIR_OP_##OP:                                                           \
    op_plain(l, b, vmir_gccjit_op_build_##name, pc, 0, NULL);                  \
    return true;
    VMIR_BUILD_INLINE_OPS(BUILD_INLINE_CASE)
#undef BUILD_INLINE_CASE
    case VMIR_OP_BUILD_FIELD:
      op_plain(l, b, vmir_gccjit_op_build_field_inline, pc, x->a | (uint64_t)x->b << 32, NULL);
      return true;
    default:
      break;
  }
  switch ((vmir_opcode)x->op) {
    case VMIR_OP_JUMP:
      goto_pc(l, b, x->a);
      return true;
    case VMIR_OP_LEAVE:
      lower_leave(l, b, pc, l->n);
      return true;
    case VMIR_OP_BRANCH_SOME:
      op_branch(l, b, vmir_gccjit_op_branch_some, pc, 0, x->a, x->b);
      return true;
    case VMIR_OP_SWITCH_VARIANT:
      *oom = !op_switch_variant(l, b, pc, x);
      return true;
    case VMIR_OP_CALL:
      goto_pc(l, call_op(l, b, vmir_gccjit_op_call, pc, x->a, NULL), exe->proc_entry[x->a]);
      return true;
    case VMIR_OP_RET:
      op_ret(l, b, pc);
      return true;
    case VMIR_OP_LOOP_BEGIN: op_plain(l, b, vmir_gccjit_op_loop_begin, pc, 0, NULL); return true;
    case VMIR_OP_LOOP_BEGIN_COUNT:
      op_plain(l, b, vmir_gccjit_op_loop_begin_count, pc, 0, NULL);
      return true;
    case VMIR_OP_LOOP_NEXT:
    case VMIR_OP_LOOP_STEP:
      ir_loop(l, b, pc, x);
      return true;
    case VMIR_OP_LOOP_EXIT: op_plain(l, b, vmir_gccjit_op_loop_exit, pc, 0, NULL); return true;

    case VMIR_OP_ENTER_FIELD: ir_enter_field(l, b, pc, x->a); return true;
    case VMIR_OP_ENTER_VARIANT_FIELD:
      op_plain(l, b, vmir_gccjit_op_enter_variant_field, pc, x->a | (uint64_t)x->b << 32, NULL);
      return true;
    case VMIR_OP_ENTER_SOME: op_plain(l, b, vmir_gccjit_op_enter_some, pc, 0, NULL); return true;
    case VMIR_OP_ENTER_POINTEE: op_plain(l, b, vmir_gccjit_op_enter_pointee, pc, 0, NULL); return true;
    case VMIR_OP_ENTER_ELEMENT: op_plain(l, b, vmir_gccjit_op_enter_element, pc, 0, NULL); return true;
    case VMIR_OP_ENTER_MAP_VALUE:
      op_plain(l, b, vmir_gccjit_op_enter_map_value, pc, 0, NULL);
      return true;

    case VMIR_OP_BRANCH_PRED: {
      const vmir_predicate *pred = &exe->program->predicates[x->a];
      switch (pred->test) {
        case VMIR_PRED_IS_NONE:
          op_branch(l, b, vmir_gccjit_op_pred_is_none, pc, x->a, x->b, x->c);
          return true;
        case VMIR_PRED_IS_EMPTY:
          op_branch(l, b, vmir_gccjit_op_pred_is_empty, pc, x->a, x->b, x->c);
          return true;
        case VMIR_PRED_IS_DEFAULT:
          op_branch(l, b, vmir_gccjit_op_pred_is_default, pc, x->a, x->b, x->c);
          return true;
        case VMIR_PRED_HOST:
          op_branch(l, b, vmir_gccjit_op_pred_host, pc, x->a | (uint64_t)pred->host_id << 32,
                    x->b, x->c);
          return true;
        case VMIR_PRED_NONE:
          return false;
      }
      return false;
    }

    case VMIR_OP_EMIT_BEGIN_STRUCT:
      op_plain(l, b, vmir_gccjit_op_emit_begin_struct, pc, x->a, SINK(begin_struct));
      return true;
    case VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC:
      op_plain(l, b, vmir_gccjit_op_emit_begin_struct, pc, VMIR_LEN_UNKNOWN, SINK(begin_struct));
      return true;
    case VMIR_OP_EMIT_BEGIN_TUPLE:
      op_plain(l, b, vmir_gccjit_op_emit_begin_tuple, pc, x->a, SINK(begin_seq));
      return true;
    case VMIR_OP_EMIT_BEGIN_SEQ_DYNAMIC:
      op_plain(l, b, vmir_gccjit_op_emit_begin_tuple, pc, VMIR_LEN_UNKNOWN, SINK(begin_seq));
      return true;
    case VMIR_OP_EMIT_BEGIN_SEQ:
      op_plain(l, b, vmir_gccjit_op_emit_begin_seq, pc, 0, SINK(begin_seq));
      return true;
    case VMIR_OP_EMIT_BEGIN_MAP:
      op_plain(l, b, vmir_gccjit_op_emit_begin_map, pc, 0, SINK(begin_map));
      return true;
    case VMIR_OP_EMIT_FIELD_NAME: {
      /* A name that needs no escape: the sink's copying variant, as the
       * stencils call it (vmir_sink_plain_field_name). */
      const void *name_fn = SINK(field_name);
      vmir_sink_name_cb plain = direct ? vmir_sink_plain_field_name(direct) : NULL;
      if (plain && vmir_sink_name_is_plain(exe->strings[x->a])) name_fn = (const void *)plain;
      op_plain(l, b, vmir_gccjit_op_emit_field_name, pc, x->a, name_fn);
      return true;
    }
    case VMIR_OP_EMIT_MAP_KEY:
      op_plain(l, b, vmir_gccjit_op_emit_map_key, pc, 0, SINK(field_name));
      return true;
    case VMIR_OP_EMIT_SCALAR:
      op_plain(l, b, vmir_gccjit_op_emit_scalar, pc, scalar_kind(plan, pc), SINK(scalar));
      return true;
    case VMIR_OP_EMIT_NULL: op_plain(l, b, vmir_gccjit_op_emit_null, pc, 0, SINK(scalar)); return true;
    case VMIR_OP_EMIT_STRING:
      op_plain(l, b, vmir_gccjit_op_emit_string, pc, x->a, SINK(scalar));
      return true;
    case VMIR_OP_EMIT_END: op_plain(l, b, vmir_gccjit_op_emit_end, pc, 0, SINK(end)); return true;
    case VMIR_OP_EMIT_KEY: op_plain(l, b, vmir_gccjit_op_emit_key, pc, 0, NULL); return true;
    case VMIR_OP_EMIT_TOKEN: op_plain(l, b, vmir_gccjit_op_emit_token, pc, 0, NULL); return true;

#define LEX_PLAIN(OP, name)                                                    \
  case VMIR_OP_##OP:                                                           \
    op_plain(l, b, vmir_gccjit_op_lex_##name, pc, 0, NULL);                    \
    return true;
#define LEX_BRANCH(OP, name)                                                   \
  case VMIR_OP_##OP:                                                           \
    op_branch(l, b, vmir_gccjit_op_lex_##name, pc, 0, x->a, x->b);             \
    return true;
#define LEX_DISPATCH(OP, name)                                                 \
  case VMIR_OP_##OP:                                                           \
    *oom = !op_dispatch(l, b, vmir_gccjit_op_lex_##name, pc, x);               \
    return true;
      VMIR_LEX_OPS(LEX_PLAIN, LEX_BRANCH, LEX_DISPATCH)
#undef LEX_PLAIN
#undef LEX_BRANCH
#undef LEX_DISPATCH
#define BUILD_CASE(OP, name)                                                   \
  case VMIR_OP_##OP:                                                           \
    op_build(l, b, pc, (void (*)(void))vmir_build_##name, x);                  \
    return true;
      VMIR_BUILD_OPS(BUILD_CASE)
#undef BUILD_CASE
    default:
      /* fail, emit-value: through the step */
      return false;
  }
#undef SINK
}

/* The layouts the generated code reads: only the leading members it
 * touches, declared in the C order (the static asserts keep them true). */
_Static_assert(offsetof(vmir_vm_state, pc) == 4 && offsetof(vmir_vm_state, path) == 8 &&
                   offsetof(vmir_vm_state, path_depth) == 16 &&
                   offsetof(vmir_vm_state, loops) == 24 && offsetof(vmir_vm_state, frames) == 40 &&
                   offsetof(vmir_vm_state, max_depth) == 56 &&
                   offsetof(vmir_vm_state, sink) == 64 && offsetof(vmir_vm_state, dec) == 80,
               "vm layout");
_Static_assert(offsetof(vmir_scratch, err) == 0 && offsetof(vmir_scratch, deopt_reason) == 8 &&
                   offsetof(vmir_scratch, guard_failed) == 12,
               "scratch layout");
_Static_assert(offsetof(vmir_shape_context, exe) == 24, "shape context layout");

static void declare_types(lower *l) {
  gcc_jit_context *c = l->ctxt;
  l->u32 = gcc_jit_context_get_int_type(c, 4, 0);
  l->u64 = gcc_jit_context_get_int_type(c, 8, 0);
  l->u8 = gcc_jit_context_get_int_type(c, 1, 0);
  l->u8ptr = gcc_jit_type_get_pointer(l->u8);
  l->boolean = gcc_jit_context_get_type(c, GCC_JIT_TYPE_BOOL);
  gcc_jit_type *u64 = l->u64;
  l->status = gcc_jit_context_get_type(c, GCC_JIT_TYPE_INT);
  l->vptr = gcc_jit_context_get_type(c, GCC_JIT_TYPE_VOID_PTR);
  /* vmir_gccjit_op_fn and a build action's type (exec/ops_build.h). */
  gcc_jit_type *op_params[8] = {l->vptr, l->vptr, l->vptr, l->vptr, l->u32, u64, l->vptr,
                                gcc_jit_type_get_pointer(l->u32)};
  l->op_fn = gcc_jit_context_new_function_ptr_type(c, NULL, l->status, 8, op_params, 0);
  gcc_jit_type *build_params[5] = {l->vptr, l->vptr, l->u32, l->u32, l->vptr};
  l->build_fn = gcc_jit_context_new_function_ptr_type(c, NULL, l->status, 5, build_params, 0);

  gcc_jit_field *vm_fields[16] = {
      gcc_jit_context_new_field(c, NULL, l->u32, "proc"),
      gcc_jit_context_new_field(c, NULL, l->u32, "pc"),
      gcc_jit_context_new_field(c, NULL, l->vptr, "path"),
      gcc_jit_context_new_field(c, NULL, l->u32, "path_depth"),
      gcc_jit_context_new_field(c, NULL, l->u32, "path_cap"),
      gcc_jit_context_new_field(c, NULL, l->vptr, "loops"),
      gcc_jit_context_new_field(c, NULL, l->u32, "loop_depth"),
      gcc_jit_context_new_field(c, NULL, l->u32, "loop_cap"),
      gcc_jit_context_new_field(c, NULL, l->vptr, "frames"),
      gcc_jit_context_new_field(c, NULL, l->u32, "frame_depth"),
      gcc_jit_context_new_field(c, NULL, l->u32, "frame_cap"),
      gcc_jit_context_new_field(c, NULL, l->u32, "max_depth"),
      gcc_jit_context_new_field(c, NULL, l->u32, "doc_depth_limit"),
      gcc_jit_context_new_field(c, NULL, l->vptr, "sink"),
      gcc_jit_context_new_field(c, NULL, l->vptr, "env"),
      gcc_jit_context_new_field(c, NULL, l->vptr, "dec")};
  l->vm_pc = vm_fields[1];
  l->vm_path_depth = vm_fields[3];
  l->vm_dec = vm_fields[15];
  gcc_jit_struct *vm = gcc_jit_context_new_struct_type(c, NULL, "vm_state", 16, vm_fields);

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
  l->out = gcc_jit_function_new_local(l->fn, NULL, l->u32, "out");
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
  lower l = {.ctxt = ctxt, .n = n, .assume = assume};
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
  l.io = gcc_jit_param_as_rvalue(gcc_jit_function_get_param(l.fn, 2));
  lower_entry(&l, entry, assume, gcc_jit_function_get_param(l.fn, 2));

  /* An op or step that did not continue: the entry proc returned
   * (VMIR_STEP_DONE), a failed check (VMIR_OP_CHECK: the op's wrapper
   * wrote vm->pc, the interpreter re-runs the instruction), or an error. */
  gcc_jit_block *done = gcc_jit_function_new_block(l.fn, "done");
  gcc_jit_block *not_done = gcc_jit_function_new_block(l.fn, "not_done");
  gcc_jit_block *check = gcc_jit_function_new_block(l.fn, "check_failed");
  gcc_jit_block *failed = gcc_jit_function_new_block(l.fn, "failed");
  gcc_jit_block_end_with_conditional(
      l.finish, NULL,
      gcc_jit_context_new_comparison(ctxt, NULL, GCC_JIT_COMPARISON_EQ,
                                     gcc_jit_lvalue_as_rvalue(l.st), statusc(&l, VMIR_STEP_DONE)),
      done, not_done);
  gcc_jit_block_end_with_return(done, NULL, statusc(&l, VMIR_OK));
  gcc_jit_block_end_with_conditional(
      not_done, NULL,
      gcc_jit_context_new_comparison(ctxt, NULL, GCC_JIT_COMPARISON_EQ,
                                     gcc_jit_lvalue_as_rvalue(l.st), statusc(&l, VMIR_OP_CHECK)),
      check, failed);
  gcc_jit_block_add_assignment(check, NULL, scratch_field(&l, l.scratch_reason),
                               u32c(&l, VMIR_DEOPT_CHECK));
  gcc_jit_block_end_with_return(check, NULL, statusc(&l, VMIR_JIT_DEOPT));
  gcc_jit_block_end_with_return(failed, NULL, gcc_jit_lvalue_as_rvalue(l.st));

  bool oom = false;
  for (uint32_t pc = 0; pc < n && !oom; pc++) {
    vmir_jit_op_plan op = vmir_jit_plan_op(&plan, pc);
    if (op.kind == VMIR_JIT_OP_DEOPT) lower_deopt(&l, l.blocks[pc], pc, op.reason);
    else if (op.kind != VMIR_JIT_OP_SPECIALISED || !lower_specialised(&l, &plan, pc, &oom))
      lower_step(&l, l.blocks[pc], pc, n);
  }
  bool ok = !oom && lower_dispatch(&l, n);
  if (!ok) snprintf(why, why_cap, "out of memory lowering the program");
  free(l.blocks);
  vmir_jit_plan_free(&plan);
  return ok;
}
