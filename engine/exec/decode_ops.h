/* Decode instruction groups called by the decode interpreter: build
 * actions (every destination write) and the event source of unfused
 * decode. Each takes the current instruction and returns a status; on
 * failure err carries the pc and the path. */
#ifndef VMIR_EXEC_DECODE_OPS_H
#define VMIR_EXEC_DECODE_OPS_H

#include "exec/decode_state.h"
#include "exec/executable.h"
#include "exec/vm_state.h"

/* Runs one build action (opcodes of the BUILD family). */
vmir_status vmir_build_action(const vmir_executable *exe, vmir_vm_state *vm,
                              const vmir_xinsn *in, vmir_error *err);

/* Runs one event-source instruction (event-*); for branching ones sets
 * *next to the target, otherwise leaves it. */
vmir_status vmir_event_op(const vmir_executable *exe, vmir_vm_state *vm,
                          const vmir_xinsn *in, uint32_t *next, vmir_error *err);

/* The `fail` instruction in a decode program: a decode error at the
 * current input position. */
vmir_status vmir_decode_fail(const vmir_executable *exe, vmir_vm_state *vm, const vmir_str *message,
                             vmir_error *err);

/* The same with another code (a limit met while decoding: the place is
 * where decoding stands). */
vmir_status vmir_decode_fail_code(const vmir_executable *exe, vmir_vm_state *vm, vmir_status code,
                                  const vmir_str *message, vmir_error *err);

/* Entering a value one level deeper than the document may nest
 * (vmir_vm_state.doc_depth_limit), or past the VM's stacks: a `limit`
 * error at the input position, with the path of the enclosing value. */
vmir_status vmir_decode_too_deep(const vmir_executable *exe, vmir_vm_state *vm, bool stacks,
                                 vmir_error *err);

/* A call past the VM's frame stack: a `limit` error, at the input position
 * when decoding. */
vmir_status vmir_call_too_deep(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err);

/* Appends an event to the decoder's batch; false when out of memory. */
bool vmir_event_append(vmir_decoder *dec, vmir_event_kind kind, const vmir_scalar *scalar,
                       size_t offset);

/* Closes the batch of a parse program that failed with its error event
 * (decode_state.h); false when out of memory. */
bool vmir_event_append_error(vmir_decode_state *d);

/* The sink a parse program emits into: the decoder's event batch, each
 * event stamped with the input offset of its token. */
void vmir_event_sink_init(vmir_sink *sink, vmir_decode_state *d);

/* Makes room for one more element in a decoder stack (doubling): returns
 * the (possibly moved) storage, or NULL when memory is exhausted (the old
 * storage is then still valid). */
void *vmir_decoder_grow(void *items, size_t item_size, size_t len, size_t *cap);

#endif
