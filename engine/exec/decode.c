/* The decoder object and the executor's part of a decode call
 * (exec/decode_run.h): argument checks, the decode state (source, shadow
 * root, empty stacks), the VM state of a program run, and the end that
 * commits or releases. The public entry points that run the programs in
 * their tier are jit/decode_api.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "exec/decode_run.h"

vmir_decoder *vmir_decoder_new(const vmir_decode_limits *limits) {
  vmir_decoder *dec = calloc(1, sizeof *dec);
  if (!dec) return NULL;
  if (limits) dec->limits = *limits;
  if (!dec->limits.max_depth) dec->limits.max_depth = 512;
  if (!dec->limits.max_input) dec->limits.max_input = (size_t)1 << 30;
  if (!dec->limits.max_string) dec->limits.max_string = (size_t)64 << 20;
  if (!dec->limits.max_arena) dec->limits.max_arena = (size_t)4 << 30;
  vmir_arena_init(&dec->arena, dec->limits.max_arena);
  return dec;
}

void vmir_decoder_free(vmir_decoder *dec) {
  if (!dec) return;
  vmir_arena_free(&dec->arena);
  free(dec->tracks);
  free(dec->bits);
  free(dec->builds);
  free(dec->events);
  free(dec->saves);
  free(dec);
}

void vmir_decoder_reset(vmir_decoder *dec) {
  if (dec) vmir_arena_reset(&dec->arena);
}

size_t vmir_decoder_last_event_count(const vmir_decoder *dec) {
  return dec ? dec->event_len : 0;
}

size_t vmir_decoder_bytes_held(const vmir_decoder *dec) {
  return dec ? vmir_arena_held(&dec->arena) : 0;
}

static void clear_stacks(vmir_decoder *dec) {
  dec->track_len = 0;
  dec->bits_len = 0;
  dec->build_len = 0;
  dec->save_len = 0;
  dec->event_len = 0;
}

static vmir_status usage(vmir_error *err, const char *msg) {
  err->code = VMIR_E_USAGE;
  snprintf(err->message, sizeof err->message, "%s", msg);
  return err->code;
}

vmir_status vmir_decode_check_call(vmir_executable *exe, const void *input, size_t len, void *dest,
                              const vmir_shape *shape, vmir_decoder *dec, vmir_program_kind kind,
                              vmir_error *err) {
  if (!exe || !shape || !dec || !dest || (!input && len))
    return usage(err, "vmir_decode needs programs, input, a destination, its shape and a decoder");
  vmir_status st = vmir_exec_check_entry(exe, shape, kind, err);
  if (st != VMIR_OK) return st;
  if (len > dec->limits.max_input) {
    err->code = VMIR_E_LIMIT;
    snprintf(err->message, sizeof err->message, "input of %zu bytes is over the limit of %zu bytes",
             len, dec->limits.max_input);
    return err->code;
  }
  return VMIR_OK;
}

/* Prepares the decode state: source, zeroed shadow root, empty stacks. */
static vmir_status begin(vmir_decode_state *d, vmir_decoder *dec, const void *input, size_t len,
                         void *dest, const vmir_shape *shape, bool msgpack, vmir_error *err) {
  memset(d, 0, sizeof *d);
  d->dec = dec;
  d->dest = dest;
  d->root_size = shape->size;
  vmir_source_init(&d->src, input ? input : "", len, msgpack ? VMIR_SOURCE_BINARY : VMIR_SOURCE_TEXT);
  d->src.depth_limit = dec->limits.max_depth;
  d->src.string_limit = dec->limits.max_string;
  clear_stacks(dec);
  d->shadow = vmir_arena_alloc(&dec->arena, shape->size ? shape->size : 1, shape->align ? shape->align : 1);
  if (!d->shadow) {
    err->code = vmir_arena_failure(&dec->arena);
    snprintf(err->message, sizeof err->message, "cannot allocate the root value");
    return err->code;
  }
  memset(d->shadow, 0, shape->size);
  d->failed_op = VMIR_OP_COUNT;
  return VMIR_OK;
}

/* The program format: a decode program that calls msgpack builtins reads
 * binary input (only used for error positions and whitespace). Read from
 * the opcode table, so an opcode appended later counts too. */
static bool uses_msgpack(const vmir_program *p) {
  for (uint32_t i = 0; i < p->insn_count; i++)
    if (vmir_op_input_of(p->insns[i].op) == VMIR_OP_INPUT_MSGPACK) return true;
  return false;
}

vmir_status vmir_decode_finish(vmir_decode_state *d, vmir_arena_pos mark, vmir_status st, vmir_error *err) {
  if (st == VMIR_OK && !d->committed) {
    err->code = st = VMIR_E_EXEC;
    snprintf(err->message, sizeof err->message, "decode program ended without build-commit");
  }
  /* t[impl format.parse.error-stop-on-failure]: nothing after the first
   * failure; the destination was never written, the attempt's memory goes. */
  if (st != VMIR_OK) vmir_arena_reset_to(&d->dec->arena, mark);
  return st;
}


vmir_status vmir_decode_begin(vmir_decode_state *d, vmir_decoder *dec, const void *input, size_t len,
                              void *dest, const vmir_shape *shape, const vmir_program *program,
                              vmir_error *err) {
  return begin(d, dec, input, len, dest, shape, uses_msgpack(program), err);
}

void vmir_decode_vm_init(vmir_vm_state *vm, vmir_executable *exe, vmir_decode_state *d,
                         const vmir_shape *shape, vmir_sink *sink, const vmir_exec_env *env) {
  const vmir_program *p = exe->program;
  atomic_fetch_add_explicit(&exe->hotness, 1, memory_order_relaxed);
  vmir_vm_state_init(vm, sink, env);
  vm->dec = d;
  /* The limit counts the document's containers (path entries carry their
   * level); the VM's stacks may hold more entries than levels (an option's
   * payload, a pointee, calls per composite shape), within a bound of the
   * same order. */
  uint32_t levels = d->dec->limits.max_depth;
  vm->doc_depth_limit = levels;
  if (env && env->max_depth) vm->max_depth = env->max_depth;
  else vm->max_depth = levels > (UINT32_MAX - 64) / 4 ? UINT32_MAX : levels * 4 + 64;
  vm->proc = p->entry_proc;
  vm->pc = exe->proc_entry[p->entry_proc];
  vm->path[0] = (vmir_path_entry){.addr = d->shadow, .shape = shape, .segment = VMIR_SEG_ROOT, .level = 0};
  vm->path_depth = 1;
}
