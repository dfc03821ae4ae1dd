/* The per-op plan (plan.h). */
#include "jit/plan.h"

#include <stdlib.h>
#include <string.h>

#include "sink/sink_internal.h"
#include "jit/guards.h"
#include "jit/infer.h"

bool vmir_jit_plan_init(vmir_jit_plan *plan, const vmir_jit_request *req) {
  const vmir_executable *exe = req->exe;
  uint32_t flags = req->options.flags;
  vmir_program_kind kind = exe->program->kind;
  *plan = (vmir_jit_plan){.req = req, .exe = exe};
  plan->generic_only = flags & VMIR_JIT_FLAG_GENERIC_ONLY;
  plan->io_is_sink = kind == VMIR_PROGRAM_ENCODE || kind == VMIR_PROGRAM_DECODE;
  plan->sink_direct = (req->assume.caps & VMIR_CAP_SINK_ANY) &&
                      vmir_jit_sink_ops_complete(&req->assume.sink) &&
                      !(flags & VMIR_JIT_FLAG_NO_SINK_DIRECT);
  plan->host_hook = req->assume.caps & VMIR_CAP_HOST_PREDICATE;
  if (!plan->generic_only && !(flags & VMIR_JIT_FLAG_NO_SHAPE_SPECIALIZE)) {
    uint32_t n = exe->program->insn_count;
    const vmir_shape **shapes = malloc((n ? n : 1) * sizeof *shapes);
    /* Inference is only an optimisation: without it every op is planned
     * against an unknown shape. */
    if (shapes && vmir_stencil_infer_shapes(exe, shapes)) plan->shapes = shapes;
    else free(shapes);
  }
  return true;
}

void vmir_jit_plan_free(vmir_jit_plan *plan) {
  free((void *)plan->shapes);
  plan->shapes = NULL;
}

vmir_jit_op_plan vmir_jit_plan_op(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_jit_options *o = &plan->req->options;
  const vmir_xinsn *x = &plan->exe->code[pc];
  if (o->force_deopt_pc == (int64_t)pc)
    return (vmir_jit_op_plan){VMIR_JIT_OP_DEOPT, VMIR_DEOPT_FORCED};
  const vmir_op_info *info = vmir_op_info_of(x->op);
  if (!info || o->unsupported_op == (int64_t)x->op)
    return (vmir_jit_op_plan){VMIR_JIT_OP_DEOPT, VMIR_DEOPT_UNSUPPORTED};
  if (plan->generic_only) return (vmir_jit_op_plan){VMIR_JIT_OP_GENERIC, VMIR_DEOPT_NONE};
  /* Emission where io is no sink: the interpreter reports the misuse. */
  if (info->family == VMIR_FAMILY_EMISSION && !plan->io_is_sink)
    return (vmir_jit_op_plan){VMIR_JIT_OP_GENERIC, VMIR_DEOPT_NONE};
  /* A host predicate without the assumed hook: the interpreter checks. */
  if (x->op == VMIR_OP_BRANCH_PRED && !plan->host_hook &&
      plan->exe->program->predicates[x->a].test == VMIR_PRED_HOST)
    return (vmir_jit_op_plan){VMIR_JIT_OP_GENERIC, VMIR_DEOPT_NONE};
  /* Lexing and build ops need a decode state: not in encode programs. */
  if ((info->family == VMIR_FAMILY_LEXING || info->family == VMIR_FAMILY_BUILD) &&
      plan->exe->program->kind == VMIR_PROGRAM_ENCODE)
    return (vmir_jit_op_plan){VMIR_JIT_OP_GENERIC, VMIR_DEOPT_NONE};
  return (vmir_jit_op_plan){VMIR_JIT_OP_SPECIALISED, VMIR_DEOPT_NONE};
}

/* No two table strings of the instruction are equal. Quadratic in the
 * keys, but only equal lengths are compared byte by byte. */
static bool keys_distinct(const vmir_executable *exe, const vmir_xinsn *x) {
  for (uint32_t i = 1; i < x->list_len; i++) {
    const vmir_str *a = &exe->strings[x->keys[i]];
    for (uint32_t j = 0; j < i; j++) {
      const vmir_str *b = &exe->strings[x->keys[j]];
      if (a->len == b->len && (a->len == 0 || memcmp(a->ptr, b->ptr, a->len) == 0)) return false;
    }
  }
  return true;
}

bool vmir_jit_plan_known_field(const vmir_jit_plan *plan, uint32_t pc, const vmir_field **field,
                               uint32_t *level_step) {
  const vmir_shape *s = plan->shapes ? plan->shapes[pc] : NULL;
  uint32_t index = plan->exe->code[pc].a;
  if (!s || (s->kind != VMIR_KIND_STRUCT && s->kind != VMIR_KIND_TUPLE) || index >= s->u.fields.count)
    return false;
  const vmir_field *f = &s->u.fields.fields[index];
  bool flat = s->kind == VMIR_KIND_STRUCT && (f->flags & VMIR_FIELD_FLATTEN);
  *field = f;
  *level_step = !flat;
  return true;
}

uint32_t vmir_jit_plan_element_size(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_shape *s = plan->shapes ? plan->shapes[pc] : NULL;
  if (!s || (s->kind != VMIR_KIND_LIST && s->kind != VMIR_KIND_ARRAY)) return 0;
  return s->u.sequence.element->size;
}

bool vmir_jit_plan_key_guess(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_xinsn *x = &plan->exe->code[pc];
  return x->op == VMIR_OP_SWITCH_KEY && x->list_len > 1 &&
         vmir_jit_plan_op(plan, pc).kind == VMIR_JIT_OP_SPECIALISED &&
         keys_distinct(plan->exe, x);
}

bool vmir_jit_plan_key_in_place(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_executable *exe = plan->exe;
  if (pc + 1 >= exe->program->insn_count ||
      (exe->code[pc].op != VMIR_OP_JSON_READ_KEY && exe->code[pc].op != VMIR_OP_MSGPACK_READ_KEY) ||
      vmir_jit_plan_op(plan, pc).kind != VMIR_JIT_OP_SPECIALISED ||
      !vmir_jit_plan_key_guess(plan, pc + 1))
    return false;
  /* Nothing continues at the switch-key but the read-key: not a block
   * start (a call's return point is never a switch-key). */
  if (exe->pcs[pc + 1].insn == 0) return false;
  const vmir_xinsn *sw = &exe->code[pc + 1];
  for (uint32_t i = 0; i < sw->list_len; i++)
    if (!vmir_sink_name_is_plain(exe->strings[sw->keys[i]])) return false;
  return true;
}

bool vmir_jit_plan_named_field_scalar(const vmir_jit_plan *plan, uint32_t pc) {
  const vmir_executable *exe = plan->exe;
  static const uint32_t run[4] = {VMIR_OP_EMIT_FIELD_NAME, VMIR_OP_ENTER_FIELD,
                                  VMIR_OP_EMIT_SCALAR, VMIR_OP_LEAVE};
  if (pc + 4 > exe->program->insn_count) return false;
  for (uint32_t j = 0; j < 4; j++) {
    if (exe->code[pc + j].op != run[j] ||
        vmir_jit_plan_op(plan, pc + j).kind != VMIR_JIT_OP_SPECIALISED)
      return false;
    /* entered only at the name: no block starts inside the run */
    if (j > 0 && exe->pcs[pc + j].insn == 0) return false;
  }
  const vmir_shape *value = plan->shapes ? plan->shapes[pc + 2] : NULL;
  return value && value->kind <= VMIR_KIND_BYTES &&
         vmir_sink_name_is_plain(exe->strings[exe->code[pc].a]);
}

uint32_t vmir_jit_plan_caps(const vmir_jit_plan *plan) {
  return (plan->sink_direct ? plan->req->assume.caps & VMIR_CAP_SINK_ANY : 0) |
         (plan->host_hook ? VMIR_CAP_HOST_PREDICATE : 0);
}

vmir_jit_code *vmir_jit_code_new(const vmir_backend *backend, const vmir_jit_request *req,
                                 size_t impl_size, bool calls_sink) {
  vmir_jit_code *code = calloc(1, sizeof *code);
  void *impl = calloc(1, impl_size ? impl_size : 1);
  vmir_jit_plan plan;
  if (!code || !impl || !vmir_jit_plan_init(&plan, req)) {
    free(code);
    free(impl);
    return NULL;
  }
  code->backend = backend;
  code->impl = impl;
  code->assume = req->assume;
  code->assume.caps = vmir_jit_plan_caps(&plan);
  if (!calls_sink || !plan.sink_direct) memset(&code->assume.sink, 0, sizeof code->assume.sink);
  vmir_jit_plan_free(&plan);
  return code;
}
