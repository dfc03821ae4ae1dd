/* The reference interpreter: one dispatch loop for every program kind
 * (encode, decode, build, fused). Lexing builtins and build actions are
 * delegated to lex_ops.c and build.c.
 * t[impl format.exec.interpreter-is-reference]
 * Dispatch follows only the program's instructions: traversal order, loops,
 * branches and calls all come from the IR, never from the shape.
 * t[impl format.ir.exec-control-flow-only-from-ir] */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/decode_state.h"
#include "exec/exec_error.h"
#include "exec/lex_ops.h"
#include "exec/executable.h"
#include "exec/interp.h"
#include "exec/ops.h"
#include "exec/value_access.h"
#include "format/value_notes.h"
#include "exec/vm_state.h"

#define fail vmir_exec_fail

#define SINK(call)                                      \
  do {                                                  \
    vmir_status st_ = (call);                           \
    if (st_ != VMIR_OK) return vmir_exec_sink_failed(exe, vm, err, st_); \
  } while (0)

/* Emits a dynamic value; on failure *where is the path inside it of the
 * item that failed (pieces added innermost first as the calls return). */
static vmir_status emit_value_tree(const vmir_executable *exe, vmir_vm_state *vm,
                                   vmir_error *err, const vmir_value *v, uint32_t depth,
                                   vmir_rpath *where) {
  vmir_sink *sink = vm->sink;
  if (depth > vm->max_depth)
    return fail(exe, vm, err, VMIR_E_LIMIT, "dynamic value nested deeper than %u", vm->max_depth);
  vmir_scalar sc;
  memset(&sc, 0, sizeof sc);
  switch (v->type) {
    case VMIR_VALUE_NULL: sc.type = VMIR_SCALAR_NULL; break;
    case VMIR_VALUE_BOOL: sc.type = VMIR_SCALAR_BOOL; sc.as.boolean = v->as.boolean; break;
    case VMIR_VALUE_INT: sc.type = VMIR_SCALAR_INT; sc.as.i64 = v->as.i64; break;
    case VMIR_VALUE_UINT: sc.type = VMIR_SCALAR_UINT; sc.as.u64 = v->as.u64; break;
    case VMIR_VALUE_FLOAT: sc.type = VMIR_SCALAR_FLOAT; sc.as.f64 = v->as.f64; break;
    case VMIR_VALUE_STRING: sc.type = VMIR_SCALAR_STRING; sc.as.string = v->as.string; break;
    case VMIR_VALUE_BYTES: sc.type = VMIR_SCALAR_BYTES; sc.as.bytes = v->as.bytes; break;
    case VMIR_VALUE_EXT:
      if (v->as.ext.len && !v->as.ext.data)
        return fail(exe, vm, err, VMIR_E_EXEC, "dynamic ext with NULL data and length %u",
                    (unsigned)v->as.ext.len);
      sc.type = VMIR_SCALAR_EXT;
      sc.as.ext = v->as.ext;
      break;
    case VMIR_VALUE_ARRAY:
      if (v->as.array.len && !v->as.array.items)
        return fail(exe, vm, err, VMIR_E_EXEC, "dynamic array with NULL items and length %zu",
                    v->as.array.len);
      SINK(sink->ops->begin_seq(sink, v->as.array.len));
      for (size_t i = 0; i < v->as.array.len; i++) {
        vmir_status st = emit_value_tree(exe, vm, err, &v->as.array.items[i], depth + 1, where);
        if (st != VMIR_OK) {
          vmir_rpath_index(where, i);
          return st;
        }
      }
      SINK(sink->ops->end(sink));
      return VMIR_OK;
    case VMIR_VALUE_OBJECT:
      if (v->as.object.len && !v->as.object.members)
        return fail(exe, vm, err, VMIR_E_EXEC, "dynamic object with NULL members and length %zu",
                    v->as.object.len);
      SINK(sink->ops->begin_map(sink, v->as.object.len));
      for (size_t i = 0; i < v->as.object.len; i++) {
        SINK(sink->ops->field_name(sink, v->as.object.members[i].key));
        vmir_status st = emit_value_tree(exe, vm, err, &v->as.object.members[i].value, depth + 1, where);
        if (st != VMIR_OK) {
          vmir_rpath_key(where, v->as.object.members[i].key);
          return st;
        }
      }
      SINK(sink->ops->end(sink));
      return VMIR_OK;
    default:
      return fail(exe, vm, err, VMIR_E_EXEC, "dynamic value has unknown type %d", (int)v->type);
  }
  SINK(sink->ops->scalar(sink, &sc));
  return VMIR_OK;
}

#define K(call)                                    \
  do {                                             \
    vmir_status st_ = (call);                      \
    if (st_ != VMIR_OK) return st_;                \
  } while (0)
/* A kernel, then the next instruction. */
#define NEXT(call)                                 \
  do {                                             \
    K(call);                                       \
    vm->pc++;                                      \
    return VMIR_OK;                                \
  } while (0)

/* Executes the instruction at vm->pc and moves the pc. VMIR_OK: go on;
 * VMIR_STEP_DONE: the entry proc returned; anything else: an error. Each
 * case is one call of the op's kernel (exec/ops.h) and the pc it leaves. */
static inline vmir_status step(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_sink *sink = vm->sink;
  const vmir_xinsn *in = &exe->code[vm->pc];
  vmir_op_ctx kc = {.exe = exe, .vm = vm, .err = err, .pc = vm->pc, .report = true};
  vmir_op_ctx *k = &kc;
  bool flag = false;
  uint32_t to = 0;
  switch ((vmir_opcode)in->op) {
    case VMIR_OP_JUMP:
      vm->pc = in->a;
      return VMIR_OK;
    case VMIR_OP_BRANCH_SOME:
      K(vmir_op_branch_some(k, &flag));
      vm->pc = flag ? in->a : in->b;
      return VMIR_OK;
    case VMIR_OP_SWITCH_VARIANT:
      K(vmir_op_switch_variant(k, in->list_len, &to));
      vm->pc = in->targets[to];
      return VMIR_OK;
    case VMIR_OP_CALL:
      K(vmir_op_call(k, in->a, vm->pc + 1));
      vm->pc = exe->proc_entry[in->a];
      return VMIR_OK;
    case VMIR_OP_RET:
      K(vmir_op_ret(k, &flag, &to));
      if (flag) return VMIR_STEP_DONE;
      vm->pc = to;
      return VMIR_OK;
    case VMIR_OP_FAIL: return vmir_op_fail(k, in->a);
    case VMIR_OP_LOOP_BEGIN: NEXT(vmir_op_loop_begin(k));
    case VMIR_OP_LOOP_BEGIN_COUNT: NEXT(vmir_op_loop_begin_count(k));
    case VMIR_OP_LOOP_NEXT:
      K(vmir_op_loop_next(k, &flag));
      vm->pc = flag ? in->a : in->b;
      return VMIR_OK;
    case VMIR_OP_LOOP_STEP: NEXT(vmir_op_loop_step(k));
    case VMIR_OP_LOOP_EXIT: NEXT(vmir_op_loop_exit(k));

    case VMIR_OP_ENTER_FIELD: NEXT(vmir_op_enter_field(k, in->a));
    case VMIR_OP_ENTER_VARIANT_FIELD: NEXT(vmir_op_enter_variant_field(k, in->a, in->b));
    case VMIR_OP_ENTER_SOME: NEXT(vmir_op_enter_some(k));
    case VMIR_OP_ENTER_POINTEE: NEXT(vmir_op_enter_pointee(k));
    case VMIR_OP_ENTER_ELEMENT: NEXT(vmir_op_enter_element(k));
    case VMIR_OP_ENTER_MAP_VALUE: NEXT(vmir_op_enter_map_value(k));
    case VMIR_OP_LEAVE: NEXT(vmir_op_leave(k));

    case VMIR_OP_EMIT_BEGIN_STRUCT: NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_struct, in->a));
    case VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC:
      NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_struct, VMIR_LEN_UNKNOWN));
    case VMIR_OP_EMIT_BEGIN_SEQ: NEXT(vmir_op_emit_begin_seq(k, sink, sink->ops->begin_seq));
    case VMIR_OP_EMIT_BEGIN_TUPLE: NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_seq, in->a));
    case VMIR_OP_EMIT_BEGIN_SEQ_DYNAMIC:
      NEXT(vmir_op_emit_len(k, sink, sink->ops->begin_seq, VMIR_LEN_UNKNOWN));
    case VMIR_OP_EMIT_BEGIN_MAP: NEXT(vmir_op_emit_begin_map(k, sink, sink->ops->begin_map));
    case VMIR_OP_EMIT_FIELD_NAME:
      NEXT(vmir_op_emit_name(k, sink, sink->ops->field_name, exe->strings[in->a]));
    case VMIR_OP_EMIT_MAP_KEY: NEXT(vmir_op_emit_map_key(k, sink, sink->ops->field_name));
    case VMIR_OP_EMIT_SCALAR:
      NEXT(vmir_op_emit_scalar(k, sink, sink->ops->scalar, VMIR_KIND_COUNT, 0));
    case VMIR_OP_EMIT_NULL: {
      vmir_scalar sc = {.type = VMIR_SCALAR_NULL};
      NEXT(vmir_op_emit_const(k, sink, sink->ops->scalar, &sc));
    }
    case VMIR_OP_EMIT_STRING: {
      vmir_scalar sc = {.type = VMIR_SCALAR_STRING, .as.string = exe->strings[in->a]};
      NEXT(vmir_op_emit_const(k, sink, sink->ops->scalar, &sc));
    }
    case VMIR_OP_EMIT_VALUE: {
      if (VMIR_OP_CUR(k)->shape->kind != VMIR_KIND_VALUE) VMIR_OP_WRONG_KIND(k, "emit-value");
      vmir_value v;
      memcpy(&v, VMIR_OP_CUR(k)->addr, sizeof v);
      vmir_rpath where;
      vmir_rpath_init(&where);
      vmir_status st = emit_value_tree(exe, vm, err, &v, 0, &where);
      if (st != VMIR_OK) {
        vmir_exec_append_path(err, vmir_rpath_str(&where));
        return st;
      }
      vm->pc++;
      return VMIR_OK;
    }
    case VMIR_OP_EMIT_END: NEXT(vmir_op_emit_end(k, sink, sink->ops->end));
    case VMIR_OP_EMIT_KEY: NEXT(vmir_op_emit_event(k, true));
    case VMIR_OP_EMIT_TOKEN: NEXT(vmir_op_emit_event(k, false));

    case VMIR_OP_BRANCH_PRED: {
      const vmir_predicate *pred = &exe->program->predicates[in->a];
      switch (pred->test) {
        case VMIR_PRED_IS_NONE: K(vmir_op_pred_is_none(k, in->a, &flag)); break;
        case VMIR_PRED_IS_EMPTY: K(vmir_op_pred_is_empty(k, in->a, &flag)); break;
        case VMIR_PRED_IS_DEFAULT: K(vmir_op_pred_is_default(k, &flag)); break;
        case VMIR_PRED_HOST: K(vmir_op_pred_host(k, in->a, pred->host_id, &flag)); break;
        case VMIR_PRED_NONE: return vmir_op_pred_cannot(k, in->a);
      }
      vm->pc = flag ? in->b : in->c;
      return VMIR_OK;
    }
    default: {
      const vmir_op_info *info = vmir_op_info_of(in->op);
      if (!vm->dec)
        return fail(exe, vm, err, VMIR_E_UNSUPPORTED, "%s needs a decode state", info->name);
      if (info->family == VMIR_FAMILY_BUILD) NEXT(vmir_build_action(exe, vm, in, err));
      if (info->family == VMIR_FAMILY_LEXING) {
        uint32_t next = vm->pc + 1;
        K(vmir_lex_op(exe, vm, in, &next, err));
        vm->pc = next;
        return VMIR_OK;
      }
      return fail(exe, vm, err, VMIR_E_UNSUPPORTED, "%s is not supported by the interpreter",
                  info->name);
    }
  }
}

vmir_status vmir_interp_run(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  for (;;) {
    vmir_status st = step(exe, vm, err);
    if (st != VMIR_OK) return st == VMIR_STEP_DONE ? VMIR_OK : st;
  }
}

vmir_status vmir_interp_step(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  return step(exe, vm, err);
}
