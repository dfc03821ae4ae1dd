/* The per-op plan every backend follows. For each instruction the layer
 * decides, from the request (options, test hooks, assumptions), one of:
 *   specialised  the backend emits its own code for the op (it may still
 *                choose the generic path for an op it does not specialise);
 *   generic      the one-step slow path: the instruction runs through the
 *                interpreter (vmir_interp_step) and execution continues at
 *                the pc it leaves;
 *   deopt exit   the code stops there and the interpreter resumes at that
 *                pc (the forced-deopt debug knob, the unsupported-op test
 *                hook, an opcode the table does not know).
 * Backends never read the flags or hooks themselves, so all of them obey
 * them alike. t[impl format.exec.no-ub-on-unsupported-case] */
#ifndef VMIR_JIT_PLAN_H
#define VMIR_JIT_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "jit/backend.h"

typedef enum vmir_jit_op_kind {
  VMIR_JIT_OP_SPECIALISED = 0,
  VMIR_JIT_OP_GENERIC,
  VMIR_JIT_OP_DEOPT
} vmir_jit_op_kind;

typedef struct vmir_jit_op_plan {
  vmir_jit_op_kind kind;
  vmir_deopt_reason reason;          /* of a deopt exit */
} vmir_jit_op_plan;

/* What holds for the whole compile. */
typedef struct vmir_jit_plan {
  const vmir_jit_request *req;
  const vmir_executable *exe;
  /* Shape of the current value at each pc where it is one known shape
   * (jit/infer.h), or NULL: none inferred (flags, or out of memory). */
  const vmir_shape **shapes;
  /* Emission calls the assumed sink's callbacks directly (the sink
   * capability is assumed, every callback is present, and the options
   * allow it); else through sink->ops. */
  bool sink_direct;
  /* Host predicate branches call the hook without checking for it (the
   * capability is assumed, so the entry guard checked it). */
  bool host_hook;
  /* Every instruction on the generic path (VMIR_JIT_FLAG_GENERIC_ONLY). */
  bool generic_only;
  /* io is a sink: emission is specialisable (encode, unfused parse). */
  bool io_is_sink;
} vmir_jit_plan;

/* Fills the plan for req; false when out of memory (nothing to free). */
bool vmir_jit_plan_init(vmir_jit_plan *plan, const vmir_jit_request *req);
void vmir_jit_plan_free(vmir_jit_plan *plan);

/* The plan of instruction pc. */
vmir_jit_op_plan vmir_jit_plan_op(const vmir_jit_plan *plan, uint32_t pc);

/* The switch-key at pc may try a guessed case first (specialised, and its
 * keys distinct, so the first match is the only one): generated code
 * gives it a guess slot (exec/ops_lex.h, vmir_op_match_hinted). */
bool vmir_jit_plan_key_guess(const vmir_jit_plan *plan, uint32_t pc);

/* The json-read-key (or msgpack-read-key) at pc and the switch-key after
 * it run as one kernel that compares the guessed member name in place in
 * the input (vmir_op_json_read_key_switch, vmir_op_msgpack_read_key_switch):
 * both specialised, the switch-key guesses (vmir_jit_plan_key_guess),
 * nothing enters it but the read-key, and every key is plain
 * (sink/sink_internal.h, vmir_sink_name_is_plain: the writer's test for a
 * name whose JSON text is its bytes). */
bool vmir_jit_plan_key_in_place(const vmir_jit_plan *plan, uint32_t pc);

/* emit-field-name; enter-field; emit-scalar; leave at pc may run as one
 * kernel (exec/ops.h, vmir_op_named_field_scalar): all four specialised,
 * entered only at the name (one block), the name plain (the sink's
 * paired callback copies it) and the value's scalar kind inferred. */
bool vmir_jit_plan_named_field_scalar(const vmir_jit_plan *plan, uint32_t pc);

/* The field the enter-field (or a run that starts with one) at pc enters,
 * when inference gives the struct it stands on (exec/ops.h, "known
 * structs"): true, with the field and the level step of its path entry
 * (vmir_vm_entry_level's: 0 for a flattened struct field, else 1); false
 * when nothing is known. */
bool vmir_jit_plan_known_field(const vmir_jit_plan *plan, uint32_t pc, const vmir_field **field,
                               uint32_t *level_step);

/* The element size of the list or fixed array the build-push-element at
 * pc builds, when inference gives it (the inline push zeroes that many
 * bytes as a constant, and checks the frame's stride is the same); 0 when
 * nothing is known. */
uint32_t vmir_jit_plan_element_size(const vmir_jit_plan *plan, uint32_t pc);

/* The capabilities the code really assumes under this plan (a subset of
 * req->assume.caps): what its entry guard checks. */
uint32_t vmir_jit_plan_caps(const vmir_jit_plan *plan);

/* A new code object for backend with a zeroed impl_size block as its impl,
 * and the assumptions its entry guards check narrowed by the plan: the
 * capabilities the code relies on, and the sink callbacks only when the
 * backend calls them directly (calls_sink) and the plan allows it. NULL
 * when out of memory. The start of every backend's compile. */
vmir_jit_code *vmir_jit_code_new(const vmir_backend *backend, const vmir_jit_request *req,
                                 size_t impl_size, bool calls_sink);

#endif
