/* The public encode entry point: checks the call, prepares the VM state and
 * runs the executable in the tier it has earned (jit/tier.c). It lives in
 * the JIT layer because picking a tier is this layer's job; the executor
 * below it (engine/exec) knows nothing of tiers. */
#include <string.h>

#include "exec/executable.h"
#include "exec/vm_state.h"
#include "jit/tier.h"

vmir_status vmir_encode(vmir_executable *exe, const void *value, const vmir_shape *shape,
                        vmir_sink *sink, const vmir_exec_env *env, vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  if (!exe || !shape || !sink || !sink->ops) {
    err->code = VMIR_E_USAGE;
    strcpy(err->message, "vmir_encode needs an executable, a shape and a sink");
    return err->code;
  }
  vmir_status st = vmir_exec_check_entry(exe, shape, VMIR_PROGRAM_ENCODE, err);
  if (st != VMIR_OK) return st;
  const vmir_program *p = exe->program;
  if (!value) {
    err->code = VMIR_E_USAGE;
    strcpy(err->message, "vmir_encode: value is NULL");
    return err->code;
  }
  /* t[impl format.exec.hotness-counter] */
  atomic_fetch_add_explicit(&exe->hotness, 1, memory_order_relaxed);
  vmir_vm_state vm;
  vmir_vm_state_init(&vm, sink, env);
  /* t[impl format.ir.exec-entry-proc] */
  vm.proc = p->entry_proc;
  vm.pc = exe->proc_entry[p->entry_proc];
  vm.path[0] = (vmir_path_entry){.addr = value, .shape = shape, .segment = VMIR_SEG_ROOT};
  vm.path_depth = 1;
  /* The tiering runtime runs generated code once the executable is hot,
   * and the interpreter otherwise (jit/tier.c). */
  st = vmir_tier_run(exe, &vm, value, shape, sink, err);
  vmir_vm_state_release(&vm);
  return st;
}
