/* The VM state shared by the interpreter and every JIT backend. JIT code
 * keeps or can rebuild this layout, so deoptimisation is: write the live
 * state here, return "deopt at pc", and the interpreter resumes. */
#ifndef VMIR_EXEC_VM_STATE_H
#define VMIR_EXEC_VM_STATE_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/exec.h"
#include "vmir/shape.h"
#include "vmir/sink.h"

/* How a path entry was reached from its parent, for error paths. */
typedef enum vmir_segment {
  VMIR_SEG_ROOT = 0,
  VMIR_SEG_FIELD,          /* index = field index */
  VMIR_SEG_VARIANT_FIELD,  /* index = field index, variant = variant index */
  VMIR_SEG_ELEMENT,        /* index = element index */
  VMIR_SEG_MAP_VALUE,      /* index = entry index */
  VMIR_SEG_SOME,
  VMIR_SEG_POINTEE,
  VMIR_SEG_MAP_KEY         /* decode: map value under construction, key kept */
} vmir_segment;

typedef struct vmir_path_entry {
  const uint8_t *addr;
  const vmir_shape *shape;
  uint32_t segment;        /* vmir_segment */
  uint32_t variant;
  uint64_t index;
  vmir_str key;            /* VMIR_SEG_MAP_KEY */
  uint32_t level;          /* decode: containers of the document around it */
} vmir_path_entry;

typedef struct vmir_loop_entry {
  uint64_t index, len;
} vmir_loop_entry;

typedef struct vmir_frame {
  uint32_t return_pc;      /* absolute instruction index to continue at */
  uint32_t path_depth;     /* path depth at the call: ret must restore it */
  uint32_t loop_depth;
  uint32_t proc;           /* the caller's proc */
} vmir_frame;

/* Growable stack with an inline first segment, so short runs never touch
 * the heap. */
#define VMIR_INLINE_DEPTH 64

typedef struct vmir_vm_state {
  /* pc: the proc and the absolute index into the executable's code; the
   * (block, instruction) pair is recovered from the pc map. */
  uint32_t proc;
  uint32_t pc;

  vmir_path_entry *path;
  uint32_t path_depth, path_cap;
  vmir_loop_entry *loops;
  uint32_t loop_depth, loop_cap;
  vmir_frame *frames;
  uint32_t frame_depth, frame_cap;
  uint32_t max_depth;      /* most entries of each stack */
  uint32_t doc_depth_limit;/* decode: most document levels (0: none) */

  vmir_sink *sink;
  const vmir_exec_env *env;
  struct vmir_decode_state *dec;   /* decode programs only */
  /* The sink's field_name for names that need no escape, or NULL
   * (sink/sink_internal.h, vmir_sink_plain_field_name): for generated code
   * that checked its constant names at compile time but does not assume
   * which sink it runs with. */
  vmir_status (*field_name_plain)(vmir_sink *sink, vmir_str name);
  /* The sink's plain name and scalar value in one call, or NULL
   * (sink/sink_internal.h, vmir_sink_plain_named_scalar), likewise. */
  vmir_status (*named_scalar_plain)(vmir_sink *sink, vmir_str name, const vmir_scalar *value,
                                    bool *value_failed);

  vmir_path_entry path_inline[VMIR_INLINE_DEPTH];
  vmir_loop_entry loops_inline[VMIR_INLINE_DEPTH];
  vmir_frame frames_inline[VMIR_INLINE_DEPTH];
} vmir_vm_state;

#define VMIR_DEFAULT_MAX_DEPTH 1024u

void vmir_vm_state_init(vmir_vm_state *vm, vmir_sink *sink, const vmir_exec_env *env);
void vmir_vm_state_release(vmir_vm_state *vm);
/* Grow the named stack by one slot; false when the depth limit is reached
 * or memory is exhausted. */
bool vmir_vm_grow_path(vmir_vm_state *vm);
/* The document level of an entry reached from `parent` through `seg`: a
 * field, element or map entry is one container further in; an option's
 * payload, a pointee, and a flattened struct (its fields are the parent's
 * members) are not. */
static inline uint32_t vmir_vm_entry_level(const vmir_path_entry *parent, vmir_segment seg, uint64_t index) {
  switch (seg) {
    case VMIR_SEG_FIELD:
      if (parent->shape->kind == VMIR_KIND_STRUCT && index < parent->shape->u.fields.count &&
          (parent->shape->u.fields.fields[index].flags & VMIR_FIELD_FLATTEN))
        return parent->level;
      return parent->level + 1;
    case VMIR_SEG_VARIANT_FIELD:
    case VMIR_SEG_ELEMENT:
    case VMIR_SEG_MAP_VALUE:
    case VMIR_SEG_MAP_KEY:
      return parent->level + 1;
    case VMIR_SEG_ROOT:
    case VMIR_SEG_SOME:
    case VMIR_SEG_POINTEE:
      break;
  }
  return parent->level;
}

bool vmir_vm_grow_loops(vmir_vm_state *vm);
bool vmir_vm_grow_frames(vmir_vm_state *vm);

#endif
