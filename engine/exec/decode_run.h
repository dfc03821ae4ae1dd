/* The executor's part of a decode call, for the public entry points
 * (jit/decode_api.c) that pick the tier: argument checks, the decode
 * state, the VM state of one program run, and the commit-or-release end. */
#ifndef VMIR_EXEC_DECODE_RUN_H
#define VMIR_EXEC_DECODE_RUN_H

#include "exec/decode_state.h"
#include "exec/executable.h"
#include "exec/vm_state.h"

vmir_status vmir_decode_check_call(vmir_executable *exe, const void *input, size_t len, void *dest,
                                   const vmir_shape *shape, vmir_decoder *dec,
                                   vmir_program_kind kind, vmir_error *err);

/* Prepares the decode state (source in the format `program` reads, zeroed
 * shadow root, empty stacks). */
vmir_status vmir_decode_begin(vmir_decode_state *d, vmir_decoder *dec, const void *input, size_t len,
                              void *dest, const vmir_shape *shape, const vmir_program *program,
                              vmir_error *err);

/* The VM state of one run of `exe` over the decode state, from its entry
 * proc (counts the run for hotness); release it with
 * vmir_vm_state_release. */
void vmir_decode_vm_init(vmir_vm_state *vm, vmir_executable *exe, vmir_decode_state *d,
                         const vmir_shape *shape, vmir_sink *sink, const vmir_exec_env *env);

/* Ends a decode call: a program that ended without committing is an
 * error; on any error the attempt's memory is released. */
vmir_status vmir_decode_finish(vmir_decode_state *d, vmir_arena_pos mark, vmir_status st,
                               vmir_error *err);

#endif
