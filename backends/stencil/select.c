/* Instruction selection: the stencil of each instruction under the layer's
 * per-op plan (jit/plan.h): a deopt exit, the generic stencil (one step
 * through vmir_interp_step), or a specialised stencil; an op with no
 * specialised stencil takes the generic one. */
#include "select.h"


#include "exec/ops.h"
#include "sink/sink_internal.h"

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
    D(emit_scalar_any)
#define D_SCALAR(name, KIND, SIZE) D(emit_scalar_##name)
    VMIR_OP_SCALAR_KINDS(D_SCALAR)
#undef D_SCALAR
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
#define KIND(name, KIND, SIZE) \
  case KIND: return VMIR_STENCIL_emit_scalar_##name;
    VMIR_OP_SCALAR_KINDS(KIND)
#undef KIND
    default: return VMIR_STENCIL_emit_scalar_any;
  }
}

/* Lexing ops: each its own stencil (exec/ops_lex.h lists them by branch
 * structure). */
static void lexing(const vmir_jit_plan *ctx, const vmir_xinsn *x, uint32_t pc, vmir_plan *p) {
  if (vmir_jit_plan_key_guess(ctx, pc)) {
    p->stencil = VMIR_STENCIL_lex_switch_key_hinted;
    p->hint = true;
    return;
  }
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

/* The field the enter-field at pc enters, when the struct it stands on
 * is inferred (jit/plan.h), else NULL; *imm the field op's IMM
 * (stencil.h, KNOWN_FIELD): 0 when nothing is known, else
 * 1 | level step << 1 | offset << 2. */
static const vmir_field *known_field(const vmir_jit_plan *ctx, uint32_t pc, uint64_t *imm) {
  const vmir_field *f;
  uint32_t step;
  *imm = 0;
  if (!vmir_jit_plan_known_field(ctx, pc, &f, &step)) return NULL;
  *imm = 1 | (uint64_t)step << 1 | (uint64_t)f->offset << 2;
  return f;
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
      known_field(ctx, pc, &p->imm);
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
        p->plain_name = vmir_sink_name_is_plain(exe->strings[x->a]);
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
  if (info->family == VMIR_FAMILY_LEXING) return lexing(ctx, x, pc, p);
  switch ((vmir_opcode)x->op) {
    /* through their inline fast paths */
#define BUILD_INLINE_CASE(OP, name)                                                         \
  case VMIR_OP_##OP:                                                                        \
    *p = (vmir_plan){.stencil = VMIR_STENCIL_build_##name##_inline, .cont_pc = pc + 1,      \
                     .target_pc = VMIR_NO_PC, .string = -1};                                \
    return;
    VMIR_BUILD_INLINE_OPS(BUILD_INLINE_CASE)
#undef BUILD_INLINE_CASE
    case VMIR_OP_BUILD_FIELD:
      *p = (vmir_plan){.stencil = VMIR_STENCIL_build_field_inline, .cont_pc = pc + 1,
                       .target_pc = VMIR_NO_PC, .string = -1, .a = x->a, .b = x->b};
      return;
    default:
      break;
  }
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

/* ---- fusion ------------------------------------------------------------------ */

/* Code may continue at pc from elsewhere than pc - 1: a block start (every
 * branch target and proc entry is one) or the return point of a call. */
static bool entered(const vmir_executable *exe, uint32_t pc) {
  return exe->pcs[pc].insn == 0 || exe->code[pc - 1].op == VMIR_OP_CALL;
}

/* Instructions pc .. pc + len - 1 lie in one block, are entered only at
 * pc, and have the stencils `want` (their specialised plans). */
static bool run_is(const vmir_executable *exe, const vmir_plan *plans, uint32_t pc,
                   const uint32_t *want, uint32_t len) {
  if (pc + len > exe->program->insn_count) return false;
  for (uint32_t j = 0; j < len; j++) {
    if (plans[pc + j].stencil != want[j] || plans[pc + j].absorbed) return false;
    if (j > 0 && entered(exe, pc + j)) return false;
  }
  return true;
}

static void absorb(vmir_plan *plans, uint32_t pc, uint32_t len, uint32_t stencil) {
  plans[pc].stencil = stencil;
  plans[pc].cont_pc = pc + len;
  for (uint32_t j = 1; j < len; j++) plans[pc + j].absorbed = true;
}

/* emit-scalar of a known kind -> the fused field stencil of that kind. */
static uint32_t field_scalar_of(uint32_t emit_stencil) {
#define F(kind, KIND, SIZE)                                                         \
  case VMIR_STENCIL_emit_scalar_##kind: return VMIR_STENCIL_field_scalar_##kind;   \
  case VMIR_STENCIL_emit_scalar_##kind##_direct: return VMIR_STENCIL_field_scalar_##kind##_direct;
  switch (emit_stencil) {
    VMIR_OP_SCALAR_KINDS(F)
    default: return VMIR_STENCIL_COUNT;
  }
#undef F
}

/* The fused field stencil of a kind -> the same run after its field's
 * name. */
static uint32_t named_field_scalar_of(uint32_t field_stencil) {
#define F(kind, KIND, SIZE)                                                                 \
  case VMIR_STENCIL_field_scalar_##kind: return VMIR_STENCIL_named_field_scalar_##kind;   \
  case VMIR_STENCIL_field_scalar_##kind##_direct:                                           \
    return VMIR_STENCIL_named_field_scalar_##kind##_direct;
  switch (field_stencil) {
    VMIR_OP_SCALAR_KINDS(F)
    default: return VMIR_STENCIL_COUNT;
  }
#undef F
}

/* json-read-X or msgpack-read-X -> the fused field stencils of that read
 * (plain, tracked). */
static bool field_read_of(uint32_t lex_stencil, uint32_t *plain, uint32_t *tracked) {
#define R(read)                                          \
  case VMIR_STENCIL_lex_##read:                          \
    *plain = VMIR_STENCIL_field_##read;                  \
    *tracked = VMIR_STENCIL_tracked_field_##read;        \
    return true;
  switch (lex_stencil) {
    R(json_read_bool) R(json_read_number) R(json_read_string)
    R(msgpack_read_bool) R(msgpack_read_number) R(msgpack_read_string)
    default: return false;
  }
#undef R
}

void vmir_stencil_fuse(const vmir_jit_plan *ctx, vmir_plan *plans) {
  const vmir_executable *exe = ctx->exe;
  uint32_t n = exe->program->insn_count;
  for (uint32_t pc = 0; pc + 1 < n; pc++) {
    if (plans[pc].absorbed) continue;
    const vmir_xinsn *x = &exe->code[pc];
    /* json-read-key (msgpack-read-key); switch-key (hinted): the guess
     * read in place. The pair takes the switch-key's guess slot and, like
     * it, dispatches to its targets (no fall-through continuation). */
    static const uint32_t key_pair[2] = {VMIR_STENCIL_lex_json_read_key,
                                         VMIR_STENCIL_lex_switch_key_hinted};
    static const uint32_t msgpack_key_pair[2] = {VMIR_STENCIL_lex_msgpack_read_key,
                                                 VMIR_STENCIL_lex_switch_key_hinted};
    bool json_pair = run_is(exe, plans, pc, key_pair, 2);
    if ((json_pair || run_is(exe, plans, pc, msgpack_key_pair, 2)) &&
        vmir_jit_plan_key_in_place(ctx, pc)) {
      absorb(plans, pc, 2,
             json_pair ? VMIR_STENCIL_read_key_switch_hinted : VMIR_STENCIL_msgpack_read_key_switch_hinted);
      plans[pc].hint = true;
      plans[pc + 1].hint = false;
      plans[pc].cont_pc = VMIR_NO_PC;
      continue;
    }
    if (pc + 2 >= n) continue;
    /* [build-field;] enter-field; json-read-X (msgpack-read-X); build-store; leave */
    uint32_t at = x->op == VMIR_OP_BUILD_FIELD ? pc + 1 : pc;
    if (at + 3 < n && exe->code[at].op == VMIR_OP_ENTER_FIELD) {
      uint32_t plain, tracked;
      if (field_read_of(plans[at + 1].stencil, &plain, &tracked) &&
          exe->code[at + 2].a == 0 && exe->code[at + 2].b == 0) {
        uint32_t want[5] = {VMIR_STENCIL_build_field_inline, VMIR_STENCIL_enter_field,
                            plans[at + 1].stencil, VMIR_STENCIL_build_store, VMIR_STENCIL_leave};
        bool track = at != pc;
        if (run_is(exe, plans, pc, track ? want : want + 1, track ? 5 : 4)) {
          uint64_t field_a = plans[pc].a, field_b = plans[pc].b;
          plans[pc].a = exe->code[at].a;
          plans[pc].b = track ? field_a : 0;
          plans[pc].c = track ? field_b : 0;
          const vmir_field *f = known_field(ctx, at, &plans[pc].imm);
          plans[pc].imm2 = f ? f->shape->kind : VMIR_KIND_COUNT;
          absorb(plans, pc, track ? 5 : 4, track ? tracked : plain);
          continue;
        }
      }
    }
    /* enter-field; emit-scalar (known kind); leave */
    if (x->op == VMIR_OP_ENTER_FIELD) {
      uint32_t fused = field_scalar_of(plans[pc + 1].stencil);
      uint32_t want[3] = {VMIR_STENCIL_enter_field, plans[pc + 1].stencil, VMIR_STENCIL_leave};
      if (fused != VMIR_STENCIL_COUNT && run_is(exe, plans, pc, want, 3)) {
        plans[pc].sink_op = plans[pc + 1].sink_op;
        /* Known struct: only where the emit-scalar's stencil was chosen
         * for this very field's shape, so the kind it reads is the field's. */
        uint64_t imm;
        const vmir_field *f = known_field(ctx, pc, &imm);
        if (f && f->shape == ctx->shapes[pc + 1]) plans[pc].imm = imm;
        absorb(plans, pc, 3, fused);
      }
    }
  }
  /* emit-field-name (a plain name); [enter-field; emit-scalar; leave]
   * fused above: the name joins the run, where the sink writes both in
   * one call (sink/sink_internal.h, vmir_sink_plain_named_scalar; the
   * direct variant only when the assumed sink has it). */
  for (uint32_t pc = 0; pc + 1 < n; pc++) {
    const vmir_plan *name = &plans[pc], *run = &plans[pc + 1];
    uint32_t fused = named_field_scalar_of(run->stencil);
    bool direct = name->stencil == VMIR_STENCIL_emit_field_name_direct;
    if (name->absorbed || fused == VMIR_STENCIL_COUNT || run->absorbed ||
        (name->stencil != VMIR_STENCIL_emit_field_name && !direct) ||
        !vmir_jit_plan_named_field_scalar(ctx, pc) ||
        (direct && !vmir_sink_plain_named_scalar(&ctx->req->assume.sink)))
      continue;
    plans[pc] = *run;
    plans[pc].stencil = fused;
    plans[pc].b = exe->code[pc].a;
    plans[pc].named_scalar = true;
    plans[pc].cont_pc = run->cont_pc;
    plans[pc + 1].absorbed = true;
  }
}
