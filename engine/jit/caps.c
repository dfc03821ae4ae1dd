/* Capability computation: what a run provides, what a program could use,
 * and so what code compiled for it assumes (and then guards on). One place
 * for every backend: a backend only says which bits it can exploit
 * (vmir_backend.capabilities). */
#include "jit/caps.h"

uint32_t vmir_cap_of_sink_kind(vmir_sink_kind kind) {
  switch (kind) {
    case VMIR_SINK_JSON: return VMIR_CAP_SINK_JSON;
    case VMIR_SINK_MSGPACK: return VMIR_CAP_SINK_MSGPACK;
    case VMIR_SINK_RECORDER: return VMIR_CAP_SINK_RECORDER;
    case VMIR_SINK_EVENT_BATCH: return VMIR_CAP_SINK_EVENTS;
    case VMIR_SINK_CUSTOM: return VMIR_CAP_SINK_CUSTOM;
  }
  return 0;
}

uint32_t vmir_jit_run_caps(const vmir_vm_state *vm, const void *io) {
  uint32_t caps = 0;
  if (vm->sink && io == vm->sink) caps |= vmir_cap_of_sink_kind(vm->sink->kind);
  if (vm->env && vm->env->host_predicate) caps |= VMIR_CAP_HOST_PREDICATE;
  return caps;
}

uint32_t vmir_jit_program_uses(const vmir_program *p) {
  uint32_t uses = 0;
  bool sink_kind = p->kind == VMIR_PROGRAM_ENCODE || p->kind == VMIR_PROGRAM_DECODE;
  for (uint32_t i = 0; i < p->insn_count; i++) {
    const vmir_op_info *info = vmir_op_info_of(p->insns[i].op);
    if (sink_kind && info && info->family == VMIR_FAMILY_EMISSION) uses |= VMIR_CAP_SINK_ANY;
    if (p->insns[i].op == VMIR_OP_BRANCH_PRED) {
      int64_t pi = p->insns[i].operand[0];
      if (pi >= 0 && (uint64_t)pi < p->predicate_count && p->predicates[pi].test == VMIR_PRED_HOST)
        uses |= VMIR_CAP_HOST_PREDICATE;
    }
  }
  return uses;
}

void vmir_jit_assume(vmir_jit_assumptions *out, const vmir_program *p, uint32_t program_uses,
                     uint32_t backend_caps, const vmir_jit_options *options,
                     const vmir_vm_state *vm, const void *io) {
  *out = (vmir_jit_assumptions){.root_shape_id = p->shape_id, .program_abi = p->abi};
  uint32_t want = program_uses & vmir_jit_run_caps(vm, io) & backend_caps;
  if (options->flags & VMIR_JIT_FLAG_NO_SINK_DIRECT) want &= ~(uint32_t)VMIR_CAP_SINK_ANY;
  out->caps = want;
  if (want & VMIR_CAP_SINK_ANY) out->sink = *vm->sink->ops;
}
