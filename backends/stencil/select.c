/* Instruction selection: the stencil of each instruction under the layer's
 * per-op plan (jit/plan.h): a deopt exit, the generic stencil (one step
 * through vmir_interp_step), or a specialised stencil; an op with no
 * specialised stencil takes the generic one. */
#include "select.h"

#include "exec/ops.h"

static void generic(const vmir_executable *exe, uint32_t pc, vmir_plan *p) {
  const vmir_op_info *info = vmir_op_info_of(exe->code[pc].op);
  if (info && info->terminator) {
    p->stencil = VMIR_STENCIL_generic_dispatch;
  } else {
    p->stencil = VMIR_STENCIL_generic;
    p->cont_pc = pc + 1;
  }
}

static void deopt(vmir_plan *p, vmir_deopt_reason reason) {
  p->stencil = VMIR_STENCIL_deopt;
  p->a = reason;
}

/* The variant of an emission stencil that calls the sink's callback
 * directly. */
static uint32_t direct_of(uint32_t id) {
#define D(name) \
  case VMIR_STENCIL_##name: return VMIR_STENCIL_##name##_direct;
  switch (id) {
    D(emit_begin_struct) D(emit_begin_seq_const) D(emit_begin_seq) D(emit_begin_map)
    D(emit_field_name) D(emit_map_key) D(emit_null) D(emit_string) D(emit_end)
    D(emit_scalar_any) D(emit_scalar_bool) D(emit_scalar_u8) D(emit_scalar_u16) D(emit_scalar_u32)
    D(emit_scalar_u64) D(emit_scalar_i8) D(emit_scalar_i16) D(emit_scalar_i32)
    D(emit_scalar_i64) D(emit_scalar_f32) D(emit_scalar_f64) D(emit_scalar_unit)
    D(emit_scalar_string) D(emit_scalar_bytes)
    default: return id;
  }
#undef D
}

static void emit(const vmir_jit_plan *ctx, vmir_plan *p, uint32_t id, vmir_sink_op op) {
  p->stencil = ctx->sink_direct ? direct_of(id) : id;
  p->sink_op = op;
}

static uint32_t scalar_stencil(const vmir_shape *s) {
  if (!s) return VMIR_STENCIL_emit_scalar_any;
  switch (s->kind) {
    case VMIR_KIND_BOOL: return VMIR_STENCIL_emit_scalar_bool;
    case VMIR_KIND_U8: return VMIR_STENCIL_emit_scalar_u8;
    case VMIR_KIND_U16: return VMIR_STENCIL_emit_scalar_u16;
    case VMIR_KIND_U32: return VMIR_STENCIL_emit_scalar_u32;
    case VMIR_KIND_U64: return VMIR_STENCIL_emit_scalar_u64;
    case VMIR_KIND_I8: return VMIR_STENCIL_emit_scalar_i8;
    case VMIR_KIND_I16: return VMIR_STENCIL_emit_scalar_i16;
    case VMIR_KIND_I32: return VMIR_STENCIL_emit_scalar_i32;
    case VMIR_KIND_I64: return VMIR_STENCIL_emit_scalar_i64;
    case VMIR_KIND_F32: return VMIR_STENCIL_emit_scalar_f32;
    case VMIR_KIND_F64: return VMIR_STENCIL_emit_scalar_f64;
    case VMIR_KIND_UNIT: return VMIR_STENCIL_emit_scalar_unit;
    case VMIR_KIND_STRING: return VMIR_STENCIL_emit_scalar_string;
    case VMIR_KIND_BYTES: return VMIR_STENCIL_emit_scalar_bytes;
    default: return VMIR_STENCIL_emit_scalar_any;
  }
}

/* Lexing ops: each its own stencil (exec/ops_lex.h lists them by branch
 * structure). */
static void lexing(const vmir_xinsn *x, uint32_t pc, vmir_plan *p) {
  switch ((vmir_opcode)x->op) {
#define LEX_PLAIN(OP, name)                  \
  case VMIR_OP_##OP:                         \
    p->stencil = VMIR_STENCIL_lex_##name;    \
    p->cont_pc = pc + 1;                     \
    return;
#define LEX_BRANCH(OP, name)                 \
  case VMIR_OP_##OP:                         \
    p->stencil = VMIR_STENCIL_lex_##name;    \
    p->target_pc = x->a;                     \
    p->cont_pc = x->b;                       \
    return;
#define LEX_DISPATCH(OP, name)               \
  case VMIR_OP_##OP:                         \
    p->stencil = VMIR_STENCIL_lex_##name;    \
    return;
    VMIR_LEX_OPS(LEX_PLAIN, LEX_BRANCH, LEX_DISPATCH)
#undef LEX_PLAIN
#undef LEX_BRANCH
#undef LEX_DISPATCH
    default:
      /* A lexing op missing from the list: one step through the
       * interpreter. */
      p->stencil = VMIR_STENCIL_generic_dispatch;
      return;
  }
}

void vmir_stencil_select(const vmir_jit_plan *ctx, uint32_t pc, vmir_plan *p) {
  const vmir_executable *exe = ctx->exe;
  const vmir_xinsn *x = &exe->code[pc];
  const vmir_program *prog = exe->program;
  *p = (vmir_plan){.cont_pc = VMIR_NO_PC, .target_pc = VMIR_NO_PC, .string = -1};

  vmir_jit_op_plan op = vmir_jit_plan_op(ctx, pc);
  if (op.kind == VMIR_JIT_OP_DEOPT) return deopt(p, op.reason);
  if (op.kind == VMIR_JIT_OP_GENERIC) return generic(exe, pc, p);
  const vmir_op_info *info = vmir_op_info_of(x->op);
  const vmir_shape *shape = ctx->shapes ? ctx->shapes[pc] : NULL;

  switch ((vmir_opcode)x->op) {
    case VMIR_OP_JUMP:
      p->stencil = VMIR_STENCIL_jump;
      p->cont_pc = x->a;
      return;
    case VMIR_OP_BRANCH_SOME:
      p->stencil = VMIR_STENCIL_branch_some;
      p->target_pc = x->a;
      p->cont_pc = x->b;
      return;
    case VMIR_OP_SWITCH_VARIANT:
      p->stencil = VMIR_STENCIL_switch_variant;
      p->cases = true;
      return;
    case VMIR_OP_CALL:
      p->stencil = VMIR_STENCIL_call;
      p->a = x->a;
      p->target_pc = exe->proc_entry[x->a];
      return;
    case VMIR_OP_RET:
      p->stencil = VMIR_STENCIL_ret;
      return;
    case VMIR_OP_LOOP_BEGIN:
      p->stencil = VMIR_STENCIL_loop_begin;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_LOOP_NEXT:
      p->stencil = VMIR_STENCIL_loop_next;
      p->target_pc = x->a;
      p->cont_pc = x->b;
      return;
    case VMIR_OP_LOOP_STEP:
      p->stencil = VMIR_STENCIL_loop_step;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_LOOP_EXIT:
      p->stencil = VMIR_STENCIL_loop_exit;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_LOOP_BEGIN_COUNT:
      p->stencil = VMIR_STENCIL_loop_begin_count;
      p->cont_pc = pc + 1;
      return;

    case VMIR_OP_ENTER_FIELD:
      p->stencil = VMIR_STENCIL_enter_field;
      p->a = x->a;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_ENTER_VARIANT_FIELD:
      p->stencil = VMIR_STENCIL_enter_variant_field;
      p->a = x->a;
      p->b = x->b;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_ENTER_SOME:
      p->stencil = VMIR_STENCIL_enter_some;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_ENTER_POINTEE:
      p->stencil = VMIR_STENCIL_enter_pointee;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_ENTER_ELEMENT:
      p->stencil = VMIR_STENCIL_enter_element;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_ENTER_MAP_VALUE:
      p->stencil = VMIR_STENCIL_enter_map_value;
      p->cont_pc = pc + 1;
      return;
    case VMIR_OP_LEAVE:
      p->stencil = VMIR_STENCIL_leave;
      p->cont_pc = pc + 1;
      return;

    case VMIR_OP_BRANCH_PRED: {
      const vmir_predicate *pred = &prog->predicates[x->a];
      p->target_pc = x->b;
      p->cont_pc = x->c;
      p->a = x->a;
      switch (pred->test) {
        case VMIR_PRED_IS_NONE: p->stencil = VMIR_STENCIL_pred_is_none; return;
        case VMIR_PRED_IS_EMPTY: p->stencil = VMIR_STENCIL_pred_is_empty; return;
        case VMIR_PRED_IS_DEFAULT: p->stencil = VMIR_STENCIL_pred_is_default; return;
        case VMIR_PRED_HOST:
          /* The plan sends it to the generic path without the hook. */
          p->stencil = VMIR_STENCIL_pred_host;
          p->imm = pred->host_id;
          return;
        case VMIR_PRED_NONE:
          break;
      }
      *p = (vmir_plan){.cont_pc = VMIR_NO_PC, .target_pc = VMIR_NO_PC, .string = -1};
      return generic(exe, pc, p);
    }
    default:
      break;
  }

  if (info->family == VMIR_FAMILY_EMISSION) {
    p->cont_pc = pc + 1;
    switch ((vmir_opcode)x->op) {
      case VMIR_OP_EMIT_BEGIN_STRUCT:
        p->imm = x->a;
        return emit(ctx, p, VMIR_STENCIL_emit_begin_struct, VMIR_SINK_OP_begin_struct);
      case VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC:
        p->imm = VMIR_LEN_UNKNOWN;
        return emit(ctx, p, VMIR_STENCIL_emit_begin_struct, VMIR_SINK_OP_begin_struct);
      case VMIR_OP_EMIT_BEGIN_TUPLE:
        p->imm = x->a;
        return emit(ctx, p, VMIR_STENCIL_emit_begin_seq_const, VMIR_SINK_OP_begin_seq);
      case VMIR_OP_EMIT_BEGIN_SEQ_DYNAMIC:
        p->imm = VMIR_LEN_UNKNOWN;
        return emit(ctx, p, VMIR_STENCIL_emit_begin_seq_const, VMIR_SINK_OP_begin_seq);
      case VMIR_OP_EMIT_BEGIN_SEQ:
        return emit(ctx, p, VMIR_STENCIL_emit_begin_seq, VMIR_SINK_OP_begin_seq);
      case VMIR_OP_EMIT_BEGIN_MAP:
        return emit(ctx, p, VMIR_STENCIL_emit_begin_map, VMIR_SINK_OP_begin_map);
      case VMIR_OP_EMIT_FIELD_NAME:
        p->string = x->a;
        return emit(ctx, p, VMIR_STENCIL_emit_field_name, VMIR_SINK_OP_field_name);
      case VMIR_OP_EMIT_MAP_KEY:
        return emit(ctx, p, VMIR_STENCIL_emit_map_key, VMIR_SINK_OP_field_name);
      case VMIR_OP_EMIT_SCALAR:
        return emit(ctx, p, scalar_stencil(shape), VMIR_SINK_OP_scalar);
      case VMIR_OP_EMIT_NULL:
        return emit(ctx, p, VMIR_STENCIL_emit_null, VMIR_SINK_OP_scalar);
      case VMIR_OP_EMIT_STRING:
        p->string = x->a;
        return emit(ctx, p, VMIR_STENCIL_emit_string, VMIR_SINK_OP_scalar);
      case VMIR_OP_EMIT_END:
        return emit(ctx, p, VMIR_STENCIL_emit_end, VMIR_SINK_OP_end);
      case VMIR_OP_EMIT_KEY:
        p->stencil = VMIR_STENCIL_emit_key;
        return;
      case VMIR_OP_EMIT_TOKEN:
        p->stencil = VMIR_STENCIL_emit_token;
        return;
      default:
        /* emit-value (a tree walk) */
        *p = (vmir_plan){.cont_pc = VMIR_NO_PC, .target_pc = VMIR_NO_PC, .string = -1};
        return generic(exe, pc, p);
    }
  }
  if (info->family == VMIR_FAMILY_LEXING) return lexing(x, pc, p);
  switch ((vmir_opcode)x->op) {
#define BUILD_CASE(OP, name)                   \
  case VMIR_OP_##OP:                           \
    p->stencil = VMIR_STENCIL_build_##name;    \
    p->a = x->a;                               \
    p->b = x->b;                               \
    p->cont_pc = pc + 1;                       \
    return;
    VMIR_BUILD_OPS(BUILD_CASE)
#undef BUILD_CASE
    default:
      break;
  }
  generic(exe, pc, p);
}
