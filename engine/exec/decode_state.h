/* Decode-side VM state: the byte source and cursor, the registers the
 * lexing builtins fill (key, scalar, count, value), the build state that
 * owns every destination write, and the event batch of unfused decode.
 * Reusable storage lives in the decoder, so a steady state allocates
 * nothing. */
#ifndef VMIR_EXEC_DECODE_STATE_H
#define VMIR_EXEC_DECODE_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "format/source.h"
#include "format/value_notes.h"
#include "util/arena.h"
#include "util/keyset.h"
#include "vmir/exec.h"

typedef enum vmir_event_kind {
  VMIR_EVENT_BEGIN_OBJECT = 0,
  VMIR_EVENT_BEGIN_ARRAY,
  VMIR_EVENT_KEY,
  VMIR_EVENT_SCALAR,
  VMIR_EVENT_END,
  /* The last event of a batch whose parse failed, where the failure is met
   * (docs/decode.md, "Malformed input, unfused"). IN_ITEM: at an item, a
   * value or a member's key, that could not be read (a container around it
   * has one more item); AFTER_ITEM: in what follows an item, a separator,
   * a closing bracket or the end of input. */
  VMIR_EVENT_ERROR_IN_ITEM,
  VMIR_EVENT_ERROR_AFTER_ITEM
} vmir_event_kind;

/* One build event; KEY carries the key in scalar.as.string. `offset` is
 * where its token starts in the input, so unfused errors name the same
 * place as fused ones; for an error event, where the next item starts
 * (what a `fail` just before it names). `token_class` (error events at an
 * item): the class the item's first byte gives, as a peek reads it, or
 * VMIR_TOKEN_CLASS_COUNT when none does. */
typedef struct vmir_event {
  uint32_t kind;
  uint32_t token_class;
  size_t offset;
  vmir_scalar scalar;
} vmir_event;

/* Field tracking of one struct (or active enum variant) being built. */
typedef struct vmir_track_frame {
  uint8_t *addr;
  const vmir_shape *shape;      /* the struct, or the enum */
  const vmir_field *fields;
  uint32_t count;
  size_t bits;                  /* first word in decoder->bits */
  /* --unknown collect: the collected members' capacity (they grow by
   * doubling in the arena) and their keys */
  const void *collect_items;
  uint64_t collect_cap;
  vmir_keyset collect_keys;
} vmir_track_frame;

/* A list, fixed array or map under construction. */
typedef struct vmir_build_frame {
  uint8_t *dest;                /* the list/array/map value itself */
  const vmir_shape *shape;
  uint8_t *items;               /* arena storage (arrays: dest itself) */
  uint64_t len, cap;
  uint32_t stride;
  vmir_keyset keys;             /* maps: the keys built so far */
} vmir_build_frame;

/* The frame that builds the list, fixed array or map `s` at dest into *f;
 * false for any other kind. (build.c's begin action and the inline one of
 * generated code, exec/ops_build_inline.h.) */
static inline bool vmir_build_frame_begin(const vmir_shape *s, uint8_t *dest, vmir_build_frame *f) {
  if (s->kind == VMIR_KIND_LIST)
    *f = (vmir_build_frame){.dest = dest, .shape = s, .stride = s->u.sequence.element->size};
  else if (s->kind == VMIR_KIND_ARRAY)
    *f = (vmir_build_frame){.dest = dest, .shape = s, .stride = s->u.sequence.element->size,
                            .items = dest, .cap = s->u.sequence.count};
  else if (s->kind == VMIR_KIND_MAP)
    *f = (vmir_build_frame){.dest = dest, .shape = s, .stride = s->u.map.entry_size};
  else
    return false;
  return true;
}

/* Ends f: a list or map is written to its destination; false, with
 * nothing written, for a fixed array short of elements. */
static inline bool vmir_build_frame_end(const vmir_build_frame *f) {
  if (f->shape->kind == VMIR_KIND_ARRAY) return f->len == f->cap;
  vmir_list l = {f->len ? f->items : NULL, (size_t)f->len};
  memcpy(f->dest, &l, sizeof l);
  return true;
}

struct vmir_decoder {
  vmir_arena arena;
  vmir_decode_limits limits;
  vmir_track_frame *tracks;
  uint32_t track_len, track_cap;
  uint64_t *bits;
  size_t bits_len, bits_cap;
  vmir_build_frame *builds;
  uint32_t build_len, build_cap;
  vmir_event *events;
  size_t event_len, event_cap;
  size_t *saves;
  uint32_t save_len, save_cap;
};

typedef struct vmir_decode_state {
  vmir_decoder *dec;
  vmir_source src;
  void *dest;                   /* the caller's destination */
  uint8_t *shadow;              /* the root being built (arena) */
  uint32_t root_size;
  /* registers */
  vmir_str key;
  size_t key_offset;
  vmir_scalar scalar;
  size_t scalar_offset;
  uint64_t count;
  size_t header_offset;         /* where the last MessagePack header began */
  vmir_value value;
  size_t value_offset;
  vmir_value_notes notes;       /* of the value register's last read */
  /* parse programs: where the last event's token ends, and the lexing op
   * that failed (VMIR_OP_COUNT: none), for the batch's error event */
  size_t event_end;
  uint32_t failed_op;
  /* build programs read events from here */
  size_t event_pos;
  bool events_exhausted;        /* a build op met the parse failure */
  bool committed;
  bool commit_blocked;          /* unfused: parsing failed, never commit */
} vmir_decode_state;

#endif
