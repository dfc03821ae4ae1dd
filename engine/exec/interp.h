/* Interpreter entry points over an initialised VM state. They run from
 * vm->pc until the entry proc returns or an error stops them; a JIT's deopt
 * exit calls them to resume at the pc it wrote into the state. */
#ifndef VMIR_EXEC_INTERP_H
#define VMIR_EXEC_INTERP_H

#include "exec/executable.h"
#include "exec/vm_state.h"

vmir_status vmir_interp_run(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err);

/* One instruction at vm->pc (JIT slow paths run unsupported instructions
 * through it): VMIR_OK to continue, VMIR_STEP_DONE when the entry proc
 * returned, or an error. */
#define VMIR_STEP_DONE ((vmir_status)1000)
vmir_status vmir_interp_step(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err);

#endif
