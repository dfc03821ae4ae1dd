/* Lowering of the per-op plan to LLVM IR (llvm_lower.h).
 *
 * One LLVM function per proc, over the shared VM state, and an entry
 * function: the entry guard, then the entry proc. Inside a proc the
 * function mirrors the stencil chain and the gccjit lowering: one block
 * per instruction. A planned deopt exit writes vm->pc and the reason and
 * returns VMIR_JIT_DEOPT; a specialised op calls its wrapper (one kernel,
 * llvm_kernels.c) with its operands as constants; a generic one calls
 * the interpreter's one-instruction step. After the call: an error, the
 * end of the run or a failed check leaves through one shared block;
 * otherwise an op that always falls through branches straight to the
 * next block, and any other switches on vm->pc over the successors the
 * program names (after inlining at the opt level the stored pc is a
 * constant and the switch folds to a branch), with the proc's dispatch
 * switch for the rest (computed targets).
 *
 * call and ret are native: call pushes the VM frame as always (wrapper or
 * step), then calls the callee's function; ret pops it and returns
 * VMIR_OK, and the caller goes on where vm->pc says (its next
 * instruction). Everything else a callee returns (the run's end, a deopt,
 * an error) passes up unchanged, and the VM state holds the frames, so a
 * deopt anywhere resumes in the interpreter as from the stencils. Native
 * calls nest at most VMIR_LLVM_NATIVE_DEPTH deep; a call deeper than that
 * deopts (before any effect), so a deeply nested document cannot exhaust
 * the thread's stack. Why per proc: the opt level's time grows faster
 * than the function's size (one function for twitter's decode took 5 s),
 * returns need no dispatch on the pc, and small procs are still inlined
 * where O2 finds it pays.
 *
 * Only program facts become constants (operands, block targets, the bytes
 * of switch-key names: the code cache key pins the program); anything
 * that points into one executable (strings, lists, key tables) is read at
 * run time through shapes->exe, because the code is shared by every
 * executable of the program.
 * t[impl format.exec.jit-semantic-equivalence]
 * t[impl format.exec.deopt-resume-point] */
#include "llvm_lower.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "exec/interp.h"
#include "exec/ops.h"
#include "jit/plan.h"
#include "llvm_kernels.h"
#include "sink/sink_internal.h"

typedef struct lower {
  LLVMContextRef ctx;
  LLVMModuleRef mod;
  LLVMBuilderRef b;
  LLVMTypeRef i8, i32, i64, ptr, op_type, proc_type;
  LLVMTypeRef key_guess_type, key_switch_type; /* VMIR_LLVM_KEY_PAIR_WRAPPERS' */
  LLVMValueRef *procs;              /* the function of each proc */
  LLVMBasicBlockRef *blocks;        /* the block of each pc, in its proc's function */
  const vmir_executable *x;
  uint32_t n;
  uint32_t *seen;                   /* successor dedup marks, by pc */
  uint32_t mark;
  /* the function being lowered */
  uint32_t proc;
  LLVMValueRef fn, shapes, io, scratch, vm;
  LLVMValueRef exe, err, st;        /* st: the status slot (an alloca) */
  LLVMBasicBlockRef entry, dispatch, finish;
} lower;

/* The operands a wrapper gets (llvm_kernels.c). */
typedef struct operands {
  uint32_t a, b, c, n;
} operands;

/* How deep native calls nest before a call deopts instead. */
#define VMIR_LLVM_NATIVE_DEPTH 256

/* The layouts the code touches (vm->pc, scratch, shapes->exe). */
_Static_assert(offsetof(vmir_vm_state, pc) == 4, "vm layout");
_Static_assert(sizeof(((vmir_vm_state *)0)->frame_depth) == 4, "vm layout");
_Static_assert(offsetof(vmir_scratch, err) == 0 && offsetof(vmir_scratch, deopt_reason) == 8 &&
                   offsetof(vmir_scratch, guard_failed) == 12,
               "scratch layout");
_Static_assert(offsetof(vmir_shape_context, exe) == 24, "shape context layout");

static LLVMValueRef c32(lower *l, uint32_t v) { return LLVMConstInt(l->i32, v, 0); }

static LLVMValueRef field(lower *l, LLVMValueRef base, unsigned offset) {
  LLVMValueRef off = LLVMConstInt(l->i64, offset, 0);
  return LLVMBuildInBoundsGEP2(l->b, l->i8, base, &off, 1, "");
}

static LLVMValueRef vm_pc(lower *l) { return field(l, l->vm, offsetof(vmir_vm_state, pc)); }

static void store32(lower *l, LLVMValueRef base, unsigned offset, LLVMValueRef v) {
  LLVMBuildStore(l->b, v, field(l, base, offset));
}

static LLVMValueRef callee(lower *l, const char *name, LLVMTypeRef type) {
  LLVMValueRef f = LLVMGetNamedFunction(l->mod, name);
  if (!f) f = LLVMAddFunction(l->mod, name, type);
  return f;
}

static void deopt(lower *l, uint32_t pc, vmir_deopt_reason reason) {
  store32(l, l->vm, offsetof(vmir_vm_state, pc), c32(l, pc));
  store32(l, l->scratch, offsetof(vmir_scratch, deopt_reason), c32(l, reason));
  LLVMBuildRet(l->b, c32(l, (uint32_t)VMIR_JIT_DEOPT));
}

/* Adds pc to the switch unless already a case or in another proc (whose
 * blocks are another function's). */
static void add_case(lower *l, LLVMValueRef sw, uint32_t pc) {
  if (pc >= l->n || l->x->pcs[pc].proc != l->proc || l->seen[pc] == l->mark) return;
  l->seen[pc] = l->mark;
  LLVMAddCase(sw, c32(l, pc), l->blocks[pc]);
}

/* Ops whose wrapper, when it returns VMIR_OK, always continues at pc + 1. */
static bool falls_through(const vmir_xinsn *x) {
  const vmir_op_info *info = vmir_op_info_of(x->op);
  if (!info || info->terminator || x->op == VMIR_OP_CALL) return false;
  switch ((vmir_opcode)x->op) {
#define LEX_NO(OP, name) case VMIR_OP_##OP: return false;
#define LEX_YES(OP, name)
    VMIR_LEX_OPS(LEX_YES, LEX_NO, LEX_NO)
#undef LEX_NO
#undef LEX_YES
    default: return true;
  }
}

/* After a call that stored its status in l->st (value st): leave on
 * anything but VMIR_OK, else continue where vm->pc says. */
static void continue_after(lower *l, LLVMValueRef st, uint32_t pc, bool direct) {
  const vmir_xinsn *x = &l->x->code[pc];
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "");
  LLVMBuildStore(l->b, st, l->st);
  LLVMBuildCondBr(l->b, LLVMBuildICmp(l->b, LLVMIntEQ, st, c32(l, VMIR_OK), ""), ok, l->finish);
  LLVMPositionBuilderAtEnd(l->b, ok);
  if (direct && pc + 1 < l->n && l->x->pcs[pc + 1].proc == l->proc) {
    LLVMBuildBr(l->b, l->blocks[pc + 1]);
    return;
  }
  LLVMValueRef to = LLVMBuildLoad2(l->b, l->i32, vm_pc(l), "pc");
  LLVMValueRef sw = LLVMBuildSwitch(l->b, to, l->dispatch, 4);
  l->mark++;
  add_case(l, sw, pc + 1);
  const vmir_op_info *info = vmir_op_info_of(x->op);
  const uint32_t ops[3] = {x->a, x->b, x->c};
  for (unsigned i = 0; info && i < info->operand_count && i < 3; i++) {
    if (info->operands[i].type == VMIR_OPERAND_BLOCK) add_case(l, sw, ops[i]);
    if (info->operands[i].type == VMIR_OPERAND_BLOCKS)
      for (uint32_t j = 0; j < x->list_len; j++) add_case(l, sw, x->targets[j]);
  }
}

/* The call of wrapper `name` at pc with operands o. */
static LLVMValueRef call_wrapper(lower *l, uint32_t pc, operands o, const char *name) {
  LLVMValueRef args[9] = {l->exe, l->vm, l->err, c32(l, pc), c32(l, o.a), c32(l, o.b),
                          c32(l, o.c), c32(l, o.n), l->shapes};
  return LLVMBuildCall2(l->b, l->op_type, callee(l, name, l->op_type), args, 9, "st");
}

/* The size emit-scalar may assume for a scalar of `kind`: fixed for the
 * integers, 0 (read from the shape) for the rest. */
static uint32_t scalar_size(vmir_kind kind) {
  switch (kind) {
#define SIZE_OF(name, KIND, SIZE) \
  case KIND: return SIZE;
    VMIR_OP_SCALAR_KINDS(SIZE_OF)
#undef SIZE_OF
    default: return 0;
  }
}

/* The kind inference gives the current value at pc, when it is a scalar
 * an emit or a store may assume; VMIR_KIND_COUNT otherwise. */
static vmir_kind inferred_scalar(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_shape *s = plan->shapes ? plan->shapes[pc] : NULL;
  return s && s->kind <= VMIR_KIND_BYTES ? s->kind : VMIR_KIND_COUNT;
}

/* 0, or 1 | level step << 1 when the enter-field at pc enters a field of
 * a known struct (jit/plan.h), with *offset the field's. `scalar`: the
 * field must be the shape of the emit-scalar after it, whose kind the
 * known kernel then reads without a check (as the stencils do). */
static uint32_t known_field(const vmir_jit_plan *plan, uint32_t pc, bool scalar, uint32_t *offset) {
  const vmir_field *f;
  uint32_t step;
  *offset = 0;
  if (!vmir_jit_plan_known_field(plan, pc, &f, &step)) return 0;
  if (scalar && f->shape != plan->shapes[pc + 1]) return 0;
  *offset = f->offset;
  return 1 | step << 1;
}

/* The instruction's own operands, but: emit-scalar gets the scalar's size
 * and kind (b, c), build-store the destination's kind (c), enter-field
 * the known field (b, c), build-push-element the element size (c),
 * emit-field-name whether the name needs no escape (b) (llvm_kernels_list.h, llvm_kernels.c). */
static operands wrapper_operands(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_xinsn *x = &plan->exe->code[pc];
  operands o = {x->a, x->b, x->c, x->list_len};
  if (x->op == VMIR_OP_EMIT_SCALAR) {
    vmir_kind kind = inferred_scalar(plan, pc);
    o.b = scalar_size(kind);
    o.c = kind;
  } else if (x->op == VMIR_OP_BUILD_STORE) {
    const vmir_shape *s = plan->shapes ? plan->shapes[pc] : NULL;
    o.c = s ? (uint32_t)s->kind : VMIR_KIND_COUNT;
  } else if (x->op == VMIR_OP_ENTER_FIELD) {
    o.c = known_field(plan, pc, false, &o.b);
  } else if (x->op == VMIR_OP_BUILD_PUSH_ELEMENT) {
    o.c = vmir_jit_plan_element_size(plan, pc);
  } else if (x->op == VMIR_OP_EMIT_FIELD_NAME) {
    o.b = vmir_sink_name_is_plain(plan->exe->strings[x->a]);
  }
  return o;
}

/* After call or ret pushed or popped the VM frame (st: the wrapper's or
 * the step's status): the native call of the callee, or the native
 * return. */
static void call_or_return(lower *l, LLVMValueRef st, uint32_t pc) {
  const vmir_xinsn *x = &l->x->code[pc];
  LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "");
  LLVMBuildStore(l->b, st, l->st);
  LLVMBuildCondBr(l->b, LLVMBuildICmp(l->b, LLVMIntEQ, st, c32(l, VMIR_OK), ""), ok, l->finish);
  LLVMPositionBuilderAtEnd(l->b, ok);
  if (x->op == VMIR_OP_RET) {
    LLVMBuildRet(l->b, c32(l, VMIR_OK));
    return;
  }
  LLVMValueRef args[4] = {l->shapes, l->io, l->scratch, l->vm};
  LLVMValueRef back = LLVMBuildCall2(l->b, l->proc_type, l->procs[x->a], args, 4, "st");
  continue_after(l, back, pc, false);
}

/* A call nested VMIR_LLVM_NATIVE_DEPTH deep deopts before its effect. */
static void native_depth_check(lower *l, uint32_t pc) {
  LLVMValueRef depth =
      LLVMBuildLoad2(l->b, l->i32, field(l, l->vm, offsetof(vmir_vm_state, frame_depth)), "depth");
  LLVMBasicBlockRef deep = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "too_deep");
  LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "");
  LLVMValueRef over = LLVMBuildICmp(l->b, LLVMIntUGE, depth, c32(l, VMIR_LLVM_NATIVE_DEPTH), "");
  LLVMBuildCondBr(l->b, over, deep, go);
  LLVMPositionBuilderAtEnd(l->b, deep);
  deopt(l, pc, VMIR_DEOPT_CHECK);
  LLVMPositionBuilderAtEnd(l->b, go);
}

static bool calls_or_returns(const lower *l, uint32_t pc) {
  const vmir_xinsn *x = &l->x->code[pc];
  return x->op == VMIR_OP_RET || (x->op == VMIR_OP_CALL && x->a < l->x->program->proc_count);
}

static void lower_wrapper(lower *l, const vmir_jit_plan *plan, uint32_t pc, const char *name) {
  if (calls_or_returns(l, pc) && l->x->code[pc].op == VMIR_OP_CALL) native_depth_check(l, pc);
  LLVMValueRef st = call_wrapper(l, pc, wrapper_operands(plan, pc), name);
  if (calls_or_returns(l, pc)) call_or_return(l, st, pc);
  else continue_after(l, st, pc, falls_through(&l->x->code[pc]));
}

/* A variable of the function being lowered, 0 on entry: an alloca in
 * its entry block (which mem2reg makes an SSA value). */
static LLVMValueRef local_u32(lower *l, const char *name) {
  LLVMBasicBlockRef at = LLVMGetInsertBlock(l->b);
  LLVMPositionBuilderBefore(l->b, LLVMGetBasicBlockTerminator(l->entry));
  LLVMValueRef v = LLVMBuildAlloca(l->b, l->i32, name);
  LLVMBuildStore(l->b, c32(l, 0), v);
  LLVMPositionBuilderAtEnd(l->b, at);
  return v;
}

/* json-read-key; switch-key as one (jit/plan.h, vmir_jit_plan_key_in_place;
 * the kernels of exec/ops_lex.h, vmir_op_json_read_key_switch), with the
 * guess a variable of the proc's function instead of a slot in memory:
 * it starts at the first case each time the proc runs, and moves on as
 * the kernel moves a slot (vmir_op_next_guess). A switch on the guess
 * picks the in-place compare of that case's name, a constant of the
 * module (its length a constant too, so the compare folds to a few word
 * compares), and a hit branches straight to the case's block. Any other
 * key goes through the pair's kernels as they are, which continue where
 * the switch-key would: the switch on vm->pc lists its targets. Values,
 * the cursor and errors are the two ops' whatever the guess. */
static void lower_key_pair(lower *l, uint32_t pc) {
  const vmir_xinsn *sw = &l->x->code[pc + 1];
  bool msgpack = l->x->code[pc].op == VMIR_OP_MSGPACK_READ_KEY;
  LLVMValueRef guess = local_u32(l, "key_guess");
  LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "other_key");
  LLVMValueRef choice = LLVMBuildSwitch(l->b, LLVMBuildLoad2(l->b, l->i32, guess, "guess"), other,
                                        sw->list_len);
  LLVMValueRef compare = callee(l, msgpack ? "vmir_llvm_op_msgpack_read_key_guess"
                                           : "vmir_llvm_op_read_key_guess",
                                l->key_guess_type);
  for (uint32_t i = 0; i < sw->list_len; i++) {
    uint32_t target = sw->targets[i];
    if (target >= l->n || l->x->pcs[target].proc != l->proc) continue;
    LLVMBasicBlockRef try = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "guess");
    LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "guess_hit");
    LLVMAddCase(choice, c32(l, i), try);
    LLVMPositionBuilderAtEnd(l->b, try);
    const vmir_str *name = &l->x->strings[sw->keys[i]];
    LLVMValueRef text = LLVMAddGlobal(l->mod, LLVMArrayType(l->i8, (unsigned)name->len + 1), "key");
    LLVMSetInitializer(text, LLVMConstStringInContext(l->ctx, name->ptr, (unsigned)name->len, 0));
    LLVMSetGlobalConstant(text, 1);
    LLVMSetLinkage(text, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(text, LLVMGlobalUnnamedAddr);
    LLVMValueRef args[3] = {l->vm, text, c32(l, (uint32_t)name->len)};
    LLVMValueRef found = LLVMBuildCall2(l->b, l->key_guess_type, compare, args, 3, "found");
    LLVMBuildCondBr(l->b, LLVMBuildICmp(l->b, LLVMIntNE, found, c32(l, 0), ""), hit, other);
    LLVMPositionBuilderAtEnd(l->b, hit);
    LLVMBuildStore(l->b, c32(l, vmir_op_next_guess(sw, i)), guess);
    LLVMBuildBr(l->b, l->blocks[target]);
  }
  LLVMPositionBuilderAtEnd(l->b, other);
  LLVMValueRef args[10] = {l->exe, l->vm, l->err, c32(l, pc), c32(l, sw->a), c32(l, sw->b),
                           c32(l, sw->c), c32(l, sw->list_len), l->shapes, guess};
  const char *name = msgpack ? "vmir_llvm_op_msgpack_read_key_then_switch"
                             : "vmir_llvm_op_read_key_then_switch";
  LLVMValueRef st = LLVMBuildCall2(l->b, l->key_switch_type, callee(l, name, l->key_switch_type),
                                   args, 10, "st");
  continue_after(l, st, pc + 1, false);
}

/* enter-field; emit-scalar; leave, in one block, each specialised, the
 * scalar's kind inferred: one wrapper (llvm_kernels_list.h,
 * VMIR_LLVM_FUSED_WRAPPERS), then the block after the leave. The two
 * absorbed instructions keep their blocks for the dispatch switch. */
static bool field_scalar_run(const lower *l, const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_executable *exe = l->x;
  if (pc + 3 >= l->n || exe->code[pc].op != VMIR_OP_ENTER_FIELD ||
      exe->code[pc + 1].op != VMIR_OP_EMIT_SCALAR || exe->code[pc + 2].op != VMIR_OP_LEAVE ||
      exe->pcs[pc + 2].block != exe->pcs[pc].block || exe->pcs[pc + 2].proc != exe->pcs[pc].proc ||
      inferred_scalar(plan, pc + 1) == VMIR_KIND_COUNT)
    return false;
  for (uint32_t i = 0; i < 3; i++)
    if (vmir_jit_plan_op(plan, pc + i).kind != VMIR_JIT_OP_SPECIALISED) return false;
  return true;
}

static void lower_field_scalar(lower *l, const vmir_jit_plan *plan, uint32_t pc) {
  operands scalar = wrapper_operands(plan, pc + 1);
  operands o = {l->x->code[pc].a, 0, scalar.c | scalar.b << 8, 0};
  o.n = known_field(plan, pc, true, &o.b);
  LLVMValueRef st = call_wrapper(l, pc, o, "vmir_llvm_op_field_scalar");
  continue_after(l, st, pc + 2, true);
}

/* emit-field-name of a plain name before such a run
 * (vmir_jit_plan_named_field_scalar): the four as one wrapper. */
static void lower_named_field_scalar(lower *l, const vmir_jit_plan *plan, uint32_t pc) {
  operands scalar = wrapper_operands(plan, pc + 2);
  uint32_t offset = 0;
  uint32_t known = known_field(plan, pc + 1, true, &offset);
  operands o = {l->x->code[pc].a, offset, scalar.c | scalar.b << 8 | known << 16,
                l->x->code[pc + 1].a};
  LLVMValueRef st = call_wrapper(l, pc, o, "vmir_llvm_op_named_field_scalar");
  continue_after(l, st, pc + 3, true);
}

static void lower_generic(lower *l, uint32_t pc) {
  if (calls_or_returns(l, pc) && l->x->code[pc].op == VMIR_OP_CALL) native_depth_check(l, pc);
  store32(l, l->vm, offsetof(vmir_vm_state, pc), c32(l, pc));
  LLVMTypeRef params[3] = {l->ptr, l->ptr, l->ptr};
  LLVMTypeRef type = LLVMFunctionType(l->i32, params, 3, 0);
  LLVMValueRef args[3] = {l->exe, l->vm, l->err};
  LLVMValueRef st =
      LLVMBuildCall2(l->b, type, callee(l, "vmir_interp_step", type), args, 3, "st");
  if (calls_or_returns(l, pc)) call_or_return(l, st, pc);
  else continue_after(l, st, pc, false);
}

static LLVMValueRef bad_pc(lower *l, LLVMValueRef pc) {
  LLVMTypeRef params[4] = {l->ptr, l->ptr, l->ptr, l->i32};
  LLVMTypeRef type = LLVMFunctionType(l->i32, params, 4, 0);
  LLVMValueRef args[4] = {l->exe, l->vm, l->err, pc};
  return LLVMBuildCall2(l->b, type, callee(l, "vmir_jit_bad_pc", type), args, 4, "");
}

/* Starts function fn, whose parameters from `first` on are (shapes, io,
 * scratch, vm): its entry block (before any instruction's), the status
 * slot, exe and err (read once: neither changes during a run). */
static void begin_function(lower *l, LLVMValueRef fn, unsigned first) {
  l->fn = fn;
  l->shapes = LLVMGetParam(fn, first);
  l->io = LLVMGetParam(fn, first + 1);
  l->scratch = LLVMGetParam(fn, first + 2);
  l->vm = LLVMGetParam(fn, first + 3);
  LLVMBasicBlockRef head = LLVMGetFirstBasicBlock(fn);
  LLVMBasicBlockRef entry = head ? LLVMInsertBasicBlockInContext(l->ctx, head, "entry")
                                 : LLVMAppendBasicBlockInContext(l->ctx, fn, "entry");
  LLVMPositionBuilderAtEnd(l->b, entry);
  l->entry = entry;
  l->st = LLVMBuildAlloca(l->b, l->i32, "st");
  l->exe = LLVMBuildLoad2(l->b, l->ptr, field(l, l->shapes, offsetof(vmir_shape_context, exe)), "exe");
  l->err = LLVMBuildLoad2(l->b, l->ptr, field(l, l->scratch, offsetof(vmir_scratch, err)), "err");
}

/* The entry function (vmir_jit_entry_fn): the guards (jit/guards.h, out
 * of line), then the entry proc; its return (the run's end) is VMIR_OK.
 * A failed guard changes nothing: vm->pc stays at the entry pc.
 * t[impl format.exec.deopt-on-guard-fail] */
static void lower_entry(lower *l, LLVMValueRef fn, const vmir_jit_assumptions *assume) {
  l->proc = l->x->program->entry_proc;
  begin_function(l, fn, 1);
  LLVMTypeRef params[6] = {l->ptr, l->ptr, l->i64, l->i32, l->i32, l->ptr};
  LLVMTypeRef type = LLVMFunctionType(l->i32, params, 6, 0);
  /* The sink callbacks are never called directly (the backend claims no
   * sink capability), so the guard never reads them. */
  LLVMValueRef args[6] = {l->shapes, l->io, LLVMConstInt(l->i64, assume->root_shape_id, 0),
                          c32(l, assume->program_abi), c32(l, assume->caps),
                          LLVMConstPointerNull(l->ptr)};
  LLVMValueRef failed = LLVMBuildCall2(l->b, type, callee(l, "vmir_jit_entry_guard_call", type),
                                       args, 6, "guard");
  LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(l->ctx, fn, "guard_failed");
  LLVMBasicBlockRef run = LLVMAppendBasicBlockInContext(l->ctx, fn, "run");
  LLVMBuildCondBr(l->b, LLVMBuildICmp(l->b, LLVMIntNE, failed, c32(l, 0), ""), bad, run);
  LLVMPositionBuilderAtEnd(l->b, bad);
  store32(l, l->scratch, offsetof(vmir_scratch, guard_failed), failed);
  store32(l, l->scratch, offsetof(vmir_scratch, deopt_reason), c32(l, VMIR_DEOPT_GUARD));
  LLVMBuildRet(l->b, c32(l, (uint32_t)VMIR_JIT_DEOPT));

  LLVMPositionBuilderAtEnd(l->b, run);
  LLVMValueRef pargs[4] = {l->shapes, l->io, l->scratch, l->vm};
  LLVMValueRef st = LLVMBuildCall2(l->b, l->proc_type, l->procs[l->proc], pargs, 4, "st");
  LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(l->ctx, fn, "done");
  LLVMBasicBlockRef returned = LLVMAppendBasicBlockInContext(l->ctx, fn, "returned_past_entry");
  LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(l->ctx, fn, "other");
  LLVMValueRef sw = LLVMBuildSwitch(l->b, st, other, 2);
  LLVMAddCase(sw, c32(l, VMIR_STEP_DONE), done);
  LLVMAddCase(sw, c32(l, VMIR_OK), returned);
  LLVMPositionBuilderAtEnd(l->b, done);
  LLVMBuildRet(l->b, c32(l, VMIR_OK));
  /* (the entry proc's ret ends the run: a return past it names no pc) */
  LLVMPositionBuilderAtEnd(l->b, returned);
  LLVMBuildRet(l->b, bad_pc(l, LLVMBuildLoad2(l->b, l->i32, vm_pc(l), "pc")));
  LLVMPositionBuilderAtEnd(l->b, other);
  LLVMBuildRet(l->b, st);
}

/* The proc's switch on vm->pc; a pc no instruction of the proc has is
 * the interpreter's execution error (vmir_jit_bad_pc). */
static void lower_dispatch(lower *l) {
  LLVMPositionBuilderAtEnd(l->b, l->dispatch);
  LLVMValueRef pc = LLVMBuildLoad2(l->b, l->i32, vm_pc(l), "pc");
  LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "bad_pc");
  LLVMValueRef sw = LLVMBuildSwitch(l->b, pc, bad, 8);
  for (uint32_t i = 0; i < l->n; i++)
    if (l->x->pcs[i].proc == l->proc) LLVMAddCase(sw, c32(l, i), l->blocks[i]);
  LLVMPositionBuilderAtEnd(l->b, bad);
  LLVMBuildRet(l->b, bad_pc(l, pc));
}

/* A call that did not continue: the run's end (passed up to the entry
 * function), a failed check (deopt at the pc the wrapper left), or an
 * error or a callee's deopt (returned as is). */
static void lower_finish(lower *l) {
  LLVMPositionBuilderAtEnd(l->b, l->finish);
  LLVMValueRef st = LLVMBuildLoad2(l->b, l->i32, l->st, "st");
  LLVMBasicBlockRef check = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "check_failed");
  LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "other");
  LLVMValueRef sw = LLVMBuildSwitch(l->b, st, other, 1);
  LLVMAddCase(sw, c32(l, (uint32_t)VMIR_OP_CHECK), check);
  LLVMPositionBuilderAtEnd(l->b, check);
  store32(l, l->scratch, offsetof(vmir_scratch, deopt_reason), c32(l, VMIR_DEOPT_CHECK));
  LLVMBuildRet(l->b, c32(l, (uint32_t)VMIR_JIT_DEOPT));
  LLVMPositionBuilderAtEnd(l->b, other);
  LLVMBuildRet(l->b, st);
}

/* The instructions of proc l->proc. */
static void lower_proc(lower *l, const vmir_jit_plan *plan) {
  begin_function(l, l->procs[l->proc], 0);
  l->dispatch = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "dispatch");
  l->finish = LLVMAppendBasicBlockInContext(l->ctx, l->fn, "finish");
  LLVMBuildBr(l->b, l->blocks[l->x->proc_entry[l->proc]]);
  const vmir_executable *exe = l->x;
  for (uint32_t pc = 0; pc < l->n; pc++) {
    if (exe->pcs[pc].proc != l->proc) continue;
    LLVMPositionBuilderAtEnd(l->b, l->blocks[pc]);
    vmir_jit_op_plan op = vmir_jit_plan_op(plan, pc);
    const vmir_xinsn *x = &exe->code[pc];
    const char *wrapper = op.kind == VMIR_JIT_OP_SPECIALISED ? vmir_llvm_op_wrapper(exe, x) : NULL;
    if (wrapper && vmir_jit_plan_key_guess(plan, pc)) wrapper = "vmir_llvm_op_switch_key_guessing";
    if (op.kind == VMIR_JIT_OP_DEOPT) deopt(l, pc, op.reason);
    else if (vmir_jit_plan_key_in_place(plan, pc)) lower_key_pair(l, pc);
    else if (vmir_jit_plan_named_field_scalar(plan, pc)) lower_named_field_scalar(l, plan, pc);
    else if (field_scalar_run(l, plan, pc)) lower_field_scalar(l, plan, pc);
    /* jump only moves the pc: a branch to the target's block. */
    else if (op.kind == VMIR_JIT_OP_SPECIALISED && x->op == VMIR_OP_JUMP && x->a < l->n &&
             exe->pcs[x->a].proc == l->proc)
      LLVMBuildBr(l->b, l->blocks[x->a]);
    else if (wrapper) lower_wrapper(l, plan, pc, wrapper);
    else lower_generic(l, pc);
  }
  lower_dispatch(l);
  lower_finish(l);
}

bool vmir_llvm_lower(LLVMModuleRef mod, const char *name, const vmir_jit_request *req,
                     const vmir_jit_assumptions *assume, char *why, size_t why_cap) {
  vmir_jit_plan plan;
  if (!vmir_jit_plan_init(&plan, req)) {
    snprintf(why, why_cap, "out of memory planning the program");
    return false;
  }
  const vmir_program *prog = req->exe->program;
  lower l = {.ctx = LLVMGetModuleContext(mod), .mod = mod, .x = req->exe, .n = prog->insn_count};
  l.blocks = malloc((l.n ? l.n : 1) * sizeof *l.blocks);
  l.seen = calloc(l.n ? l.n : 1, sizeof *l.seen);
  l.procs = malloc((prog->proc_count ? prog->proc_count : 1) * sizeof *l.procs);
  if (!l.blocks || !l.seen || !l.procs) {
    free(l.blocks);
    free(l.seen);
    free(l.procs);
    vmir_jit_plan_free(&plan);
    snprintf(why, why_cap, "out of memory lowering the program");
    return false;
  }
  l.i8 = LLVMInt8TypeInContext(l.ctx);
  l.i32 = LLVMInt32TypeInContext(l.ctx);
  l.i64 = LLVMInt64TypeInContext(l.ctx);
  l.ptr = LLVMPointerTypeInContext(l.ctx, 0);
  LLVMTypeRef op_params[9] = {l.ptr, l.ptr, l.ptr, l.i32, l.i32, l.i32, l.i32, l.i32, l.ptr};
  l.op_type = LLVMFunctionType(l.i32, op_params, 9, 0);
  LLVMTypeRef key_guess_params[3] = {l.ptr, l.ptr, l.i32};
  l.key_guess_type = LLVMFunctionType(l.i32, key_guess_params, 3, 0);
  LLVMTypeRef key_switch_params[10] = {l.ptr, l.ptr, l.ptr, l.i32, l.i32, l.i32, l.i32, l.i32, l.ptr, l.ptr};
  l.key_switch_type = LLVMFunctionType(l.i32, key_switch_params, 10, 0);
  /* a proc: (shapes, io, scratch, vm) */
  LLVMTypeRef proc_params[4] = {l.ptr, l.ptr, l.ptr, l.ptr};
  l.proc_type = LLVMFunctionType(l.i32, proc_params, 4, 0);
  LLVMTypeRef params[5] = {l.ptr, l.ptr, l.ptr, l.ptr, l.ptr};
  LLVMValueRef entry_fn = LLVMAddFunction(mod, name, LLVMFunctionType(l.i32, params, 5, 0));
  l.b = LLVMCreateBuilderInContext(l.ctx);
  char proc_name[64];
  for (uint32_t p = 0; p < prog->proc_count; p++) {
    snprintf(proc_name, sizeof proc_name, "proc%u", p);
    l.procs[p] = LLVMAddFunction(mod, proc_name, l.proc_type);
    LLVMSetLinkage(l.procs[p], LLVMInternalLinkage);
  }
  for (uint32_t pc = 0; pc < l.n; pc++)
    l.blocks[pc] = LLVMAppendBasicBlockInContext(l.ctx, l.procs[req->exe->pcs[pc].proc], "");

  lower_entry(&l, entry_fn, assume);
  for (l.proc = 0; l.proc < prog->proc_count; l.proc++) lower_proc(&l, &plan);
  LLVMDisposeBuilder(l.b);
  free(l.blocks);
  free(l.seen);
  free(l.procs);
  vmir_jit_plan_free(&plan);
  return true;
}
