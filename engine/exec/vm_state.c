#include "exec/vm_state.h"

#include <stdlib.h>
#include <string.h>

#include "sink/sink_internal.h"

void vmir_vm_state_init(vmir_vm_state *vm, vmir_sink *sink, const vmir_exec_env *env) {
  vm->proc = 0;
  vm->pc = 0;
  vm->path = vm->path_inline;
  vm->loops = vm->loops_inline;
  vm->frames = vm->frames_inline;
  vm->path_depth = vm->loop_depth = vm->frame_depth = 0;
  vm->path_cap = vm->loop_cap = vm->frame_cap = VMIR_INLINE_DEPTH;
  vm->max_depth = (env && env->max_depth) ? env->max_depth : VMIR_DEFAULT_MAX_DEPTH;
  vm->doc_depth_limit = 0;
  vm->sink = sink;
  vm->field_name_plain = sink ? vmir_sink_plain_field_name(sink->ops) : NULL;
  vm->named_scalar_plain = sink ? vmir_sink_plain_named_scalar(sink->ops) : NULL;
  vm->env = env;
  vm->dec = NULL;
}

void vmir_vm_state_release(vmir_vm_state *vm) {
  if (vm->path != vm->path_inline) free(vm->path);
  if (vm->loops != vm->loops_inline) free(vm->loops);
  if (vm->frames != vm->frames_inline) free(vm->frames);
  vm->path = vm->path_inline;
  vm->loops = vm->loops_inline;
  vm->frames = vm->frames_inline;
}

/* Doubles a stack that may still live in its inline segment; returns the
 * new storage or NULL at the depth limit or when memory is exhausted. */
static void *grow(void *items, uint32_t *cap, const void *inline_items,
                  size_t item_size, uint32_t max_depth) {
  if (*cap >= max_depth) return NULL;
  uint32_t ncap = *cap * 2 > max_depth ? max_depth : *cap * 2;
  void *grown;
  if (items == inline_items) {
    grown = malloc((size_t)ncap * item_size);
    if (grown) memcpy(grown, inline_items, (size_t)*cap * item_size);
  } else {
    grown = realloc(items, (size_t)ncap * item_size);
  }
  if (grown) *cap = ncap;
  return grown;
}

bool vmir_vm_grow_path(vmir_vm_state *vm) {
  vmir_path_entry *p = grow(vm->path, &vm->path_cap, vm->path_inline, sizeof *p, vm->max_depth);
  if (p) vm->path = p;
  return p != NULL;
}

bool vmir_vm_grow_loops(vmir_vm_state *vm) {
  vmir_loop_entry *p = grow(vm->loops, &vm->loop_cap, vm->loops_inline, sizeof *p, vm->max_depth);
  if (p) vm->loops = p;
  return p != NULL;
}

bool vmir_vm_grow_frames(vmir_vm_state *vm) {
  vmir_frame *p = grow(vm->frames, &vm->frame_cap, vm->frames_inline, sizeof *p, vm->max_depth);
  if (p) vm->frames = p;
  return p != NULL;
}
