/* Public decode entry points: fused (one program) and unfused (a parse
 * program emitting a batch of build events, then a build program consuming
 * them). Both build in a shadow root and commit only on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "exec/interp.h"
#include "runtime/tier.h"

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

static vmir_status check_call(vmir_executable *exe, const void *input, size_t len, void *dest,
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

/* Runs one program over the decode state, from its entry proc. */
static vmir_status run(vmir_executable *exe, vmir_decode_state *d, const vmir_shape *shape,
                       vmir_sink *sink, const vmir_exec_env *env, vmir_error *err) {
  const vmir_program *p = exe->program;
  atomic_fetch_add_explicit(&exe->hotness, 1, memory_order_relaxed);
  vmir_vm_state vm;
  vmir_vm_state_init(&vm, sink, env);
  vm.dec = d;
  /* The limit counts the document's containers (path entries carry their
   * level); the VM's stacks may hold more entries than levels (an option's
   * payload, a pointee, calls per composite shape), within a bound of the
   * same order. */
  uint32_t levels = d->dec->limits.max_depth;
  vm.doc_depth_limit = levels;
  if (env && env->max_depth) vm.max_depth = env->max_depth;
  else vm.max_depth = levels > (UINT32_MAX - 64) / 4 ? UINT32_MAX : levels * 4 + 64;
  vm.proc = p->entry_proc;
  vm.pc = exe->proc_entry[p->entry_proc];
  vm.path[0] = (vmir_path_entry){.addr = d->shadow, .shape = shape, .segment = VMIR_SEG_ROOT, .level = 0};
  vm.path_depth = 1;
  /* Interpreter or, once hot, generated code (engine/runtime/tier.c); io is
   * the sink a parse program emits into, else the decode state. */
  vmir_status st = vmir_tier_run(exe, &vm, d->shadow, shape, sink ? (void *)sink : (void *)d, err);
  vmir_vm_state_release(&vm);
  return st;
}

/* The program format: a decode program that calls msgpack builtins reads
 * binary input (only used for error positions and whitespace). */
static bool uses_msgpack(const vmir_program *p) {
  for (uint32_t i = 0; i < p->insn_count; i++) {
    uint32_t op = p->insns[i].op;
    if (op >= VMIR_OP_MSGPACK_READ_MAP_HEADER && op <= VMIR_OP_MSGPACK_EXPECT_END) return true;
  }
  return false;
}

static vmir_status finish(vmir_decode_state *d, vmir_arena_pos mark, vmir_status st, vmir_error *err) {
  if (st == VMIR_OK && !d->committed) {
    err->code = st = VMIR_E_EXEC;
    snprintf(err->message, sizeof err->message, "decode program ended without build-commit");
  }
  /* t[impl format.parse.error-stop-on-failure]: nothing after the first
   * failure; the destination was never written, the attempt's memory goes. */
  if (st != VMIR_OK) vmir_arena_reset_to(&d->dec->arena, mark);
  return st;
}

vmir_status vmir_decode(vmir_executable *fused, const void *input, size_t len, void *dest,
                        const vmir_shape *shape, vmir_decoder *dec, const vmir_exec_env *env,
                        vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  vmir_status st = check_call(fused, input, len, dest, shape, dec, VMIR_PROGRAM_FUSED, err);
  if (st != VMIR_OK) return st;
  vmir_arena_pos mark = vmir_arena_mark(&dec->arena);
  vmir_decode_state d;
  st = begin(&d, dec, input, len, dest, shape, uses_msgpack(fused->program), err);
  if (st == VMIR_OK) st = run(fused, &d, shape, NULL, env, err);
  return finish(&d, mark, st, err);
}

/* Unfused decode needs no fused program: the interpreter runs the parse
 * and build programs alone. t[impl format.parse.fusion-optional] */
vmir_status vmir_decode_unfused(vmir_executable *parse, vmir_executable *build, const void *input,
                                size_t len, void *dest, const vmir_shape *shape, vmir_decoder *dec,
                                const vmir_exec_env *env, vmir_error *err) {
  vmir_error scratch;
  if (!err) err = &scratch;
  vmir_error_clear(err);
  vmir_status st = check_call(parse, input, len, dest, shape, dec, VMIR_PROGRAM_DECODE, err);
  if (st == VMIR_OK) st = check_call(build, input, len, dest, shape, dec, VMIR_PROGRAM_BUILD, err);
  if (st != VMIR_OK) return st;
  vmir_arena_pos mark = vmir_arena_mark(&dec->arena);
  vmir_decode_state d;
  st = begin(&d, dec, input, len, dest, shape, uses_msgpack(parse->program), err);
  if (st != VMIR_OK) return finish(&d, mark, st, err);
  /* Parse: the whole input into one batch of build events. */
  vmir_sink batch;
  vmir_event_sink_init(&batch, &d);
  vmir_error parse_err;
  vmir_error_clear(&parse_err);
  vmir_status parse_st = run(parse, &d, shape, &batch, env, &parse_err);
  /* Build: consume the batch. When parsing failed, the events before the
   * failure are still built, so a build error earlier in the input wins, as
   * it does in fused decode; the batch's error event marks where the
   * failure is met (docs/decode.md, "Malformed input, unfused"). Without
   * room for it, the end of the batch stands for it. */
  if (parse_st != VMIR_OK) (void)vmir_event_append_error(&d);
  d.event_pos = 0;
  d.commit_blocked = parse_st != VMIR_OK;
  st = run(build, &d, shape, NULL, env, err);
  if (parse_st != VMIR_OK && (st == VMIR_OK || d.events_exhausted)) {
    /* The parse program knows no value path; where the build program met
     * the error event is the value the failed token belonged to. */
    char path[sizeof err->path];
    memcpy(path, err->path, sizeof path);
    bool have_path = st != VMIR_OK;
    *err = parse_err;
    if (have_path) memcpy(err->path, path, sizeof path);
    st = parse_st;
  }
  return finish(&d, mark, st, err);
}
