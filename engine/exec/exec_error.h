/* Execution errors: every one carries the pc (proc, block, instruction)
 * and the logical path of the current value. */
#ifndef VMIR_EXEC_EXEC_ERROR_H
#define VMIR_EXEC_EXEC_ERROR_H

#include "exec/executable.h"
#include "exec/vm_state.h"

/* Fills err (when not NULL) with code, message, pc and path; returns code. */
vmir_status vmir_exec_fail(const vmir_executable *exe, const vmir_vm_state *vm,
                           vmir_error *err, vmir_status code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Adds the pc and the path to an error a builtin already filled (its code,
 * message and input position are kept); returns err->code. */
vmir_status vmir_exec_annotate(const vmir_executable *exe, const vmir_vm_state *vm,
                               vmir_error *err);

/* Extends err's path with a path inside the current value (".a[3]"; ""
 * adds nothing): the place a value reader or writer stood. */
void vmir_exec_append_path(vmir_error *err, const char *inner);

/* The error of a sink call that returned `st`, with the sink's reason. */
vmir_status vmir_exec_sink_failed(const vmir_executable *exe, const vmir_vm_state *vm,
                                  vmir_error *err, vmir_status st);

/* The sink refused the value of field `index` of the current struct or
 * tuple, read in place by the fused enter-field; emit-scalar; leave
 * (exec/ops.h, vmir_op_field_scalar_known): pushes the field's path
 * entry, as the enter-field would have, so that the error names the
 * field, at the emit-scalar's pc. Out of line, so that nothing of the fused op has to
 * stay live across the sink call in generated code. */
vmir_status vmir_exec_field_sink_failed(const vmir_executable *exe, vmir_vm_state *vm,
                                        vmir_error *err, uint32_t enter_pc, uint32_t index,
                                        vmir_status st);

/* The error of predicate `index` that could not be evaluated (`why`),
 * naming the predicate and the field it guards. */
vmir_status vmir_exec_predicate_failed(const vmir_executable *exe, const vmir_vm_state *vm,
                                       vmir_error *err, uint32_t index, const char *why);

/* The host predicate hook of predicate `index` reported an error. */
vmir_status vmir_exec_host_failed(const vmir_executable *exe, const vmir_vm_state *vm,
                                  vmir_error *err, uint32_t index);

#endif
