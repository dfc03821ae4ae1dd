/* The event grammar both document writers (JSON, MessagePack) enforce, and
 * the nesting stack it needs: field names only directly inside a struct or
 * map, one before each member value; `end` closes the innermost container;
 * declared member counts are kept; one root value. Kept in one place so the
 * two writers cannot drift apart in what they accept or in the messages
 * they give (tests assert them). The writers keep only their output: what
 * goes between members (a comma, a header) and per-level output state.
 * Internal to the engine; not installed. */
#ifndef VMIR_SINK_EVENT_ORDER_H
#define VMIR_SINK_EVENT_ORDER_H

#include "sink/sink_internal.h"

typedef enum vmir_level_kind {
  VMIR_LEVEL_STRUCT,
  VMIR_LEVEL_MAP,
  VMIR_LEVEL_SEQ
} vmir_level_kind;

/* One open container. */
typedef struct vmir_level {
  uint64_t declared; /* VMIR_LEN_UNKNOWN or the promised member count */
  uint64_t count;    /* members (structs, maps) or elements (sequences) so far;
                        the writer counts, since it decides when (see below) */
  size_t mark;       /* the writer's own: MessagePack's placeholder offset */
  vmir_level_kind kind;
} vmir_level;

typedef struct vmir_event_order {
  vmir_sink *sink; /* where failures are reported */
  vmir_level *stack;
  uint32_t depth, stack_cap;
  bool key_pending; /* a field name was written; its value comes next */
  bool root_done;   /* one complete root value has been written */
  bool failed;      /* an event failed; the output is not a document */
} vmir_event_order;

/* "struct", "map" or "sequence", as the messages name containers. */
const char *vmir_level_kind_name(vmir_level_kind kind);
/* "elements" for sequences, "members" otherwise. */
const char *vmir_level_member_word(vmir_level_kind kind);

/* Every failure goes through here: the writer stays failed until reset, so
 * later events cannot turn a broken document into a plausible one. */
static inline vmir_status vmir_order_failed(vmir_event_order *o, vmir_status st) {
  o->failed = true;
  return st;
}

/* Formats the reason into the sink's error and marks the writer failed. */
#define VMIR_ORDER_FAIL(o, ...) vmir_order_failed((o), vmir_sink_fail((o)->sink, __VA_ARGS__))

static inline vmir_status vmir_order_nomem(vmir_event_order *o) {
  return vmir_order_failed(o, vmir_sink_nomem(o->sink));
}

vmir_status vmir_order_refuse(vmir_event_order *o);

/* The checks' failures and the root value, out of line (event_order.c):
 * they give the same answers the inline checks would have, so each inline
 * check is a few loads and one rarely taken branch. */
vmir_status vmir_order_before_value_slow(vmir_event_order *o, vmir_level **seq);
vmir_status vmir_order_field_name_failed(vmir_event_order *o);
vmir_status vmir_order_end_failed(vmir_event_order *o);

/* Checks that a value may start here. Inside a struct or map it consumes
 * the pending field name. Inside a sequence it leaves *seq at the sequence
 * (else NULL) without counting the element: the writers differ in what
 * else they check and write first. Inline: it runs once per value. */
static inline vmir_status vmir_order_before_value(vmir_event_order *o, vmir_level **seq) {
  *seq = NULL;
  if (__builtin_expect(o->failed || o->depth == 0, 0)) return vmir_order_before_value_slow(o, seq);
  vmir_level *top = &o->stack[o->depth - 1];
  if (top->kind != VMIR_LEVEL_SEQ) {
    if (__builtin_expect(!o->key_pending, 0)) return vmir_order_before_value_slow(o, seq);
    o->key_pending = false;
    return VMIR_OK;
  }
  if (__builtin_expect(top->count == top->declared, 0)) return vmir_order_before_value_slow(o, seq);
  *seq = top;
  return VMIR_OK;
}

static inline void vmir_order_after_value(vmir_event_order *o) {
  if (o->depth == 0) o->root_done = true;
}

/* Makes room for one more open container; fails past VMIR_SINK_MAX_DEPTH. */
vmir_status vmir_order_grow(vmir_event_order *o);

/* Pushes an open container of `kind` with its promised member count and
 * the writer's mark; fails past VMIR_SINK_MAX_DEPTH. Inline, the fields
 * stored in place (one call per container of every encode; a level built
 * by value went through the stack and a stalled reload); growing the
 * stack is out of line. */
static inline vmir_status vmir_order_push(vmir_event_order *o, vmir_level_kind kind,
                                          uint64_t declared, size_t mark) {
  if (o->depth == o->stack_cap) {
    vmir_status st = vmir_order_grow(o);
    if (st != VMIR_OK) return st;
  }
  vmir_level *lv = &o->stack[o->depth++];
  lv->declared = declared;
  lv->count = 0;
  lv->mark = mark;
  lv->kind = kind;
  return VMIR_OK;
}

/* t[impl format.ir.sink-field-name-order] Field names only directly
 * inside a struct or map, exactly one before each member value, no more
 * than declared. On success *top_out is the container; the writer counts
 * the member and sets key_pending once the name is written. Inline (as is
 * vmir_order_end): one call per field of every encode. */
static inline vmir_status vmir_order_field_name(vmir_event_order *o, vmir_level **top_out) {
  if (__builtin_expect(o->failed || o->depth == 0, 0)) return vmir_order_field_name_failed(o);
  vmir_level *top = &o->stack[o->depth - 1];
  if (__builtin_expect(top->kind == VMIR_LEVEL_SEQ || o->key_pending || top->count == top->declared, 0))
    return vmir_order_field_name_failed(o);
  *top_out = top;
  return VMIR_OK;
}

/* t[impl format.ir.sink-struct-balance] `end` must close an open
 * container, not leave a field name without its value, and match the
 * declared count. On success *top_out is the container; the writer closes
 * it in its output, then calls vmir_order_pop. */
static inline vmir_status vmir_order_end(vmir_event_order *o, vmir_level **top_out) {
  if (__builtin_expect(o->failed || o->depth == 0, 0)) return vmir_order_end_failed(o);
  vmir_level *top = &o->stack[o->depth - 1];
  if (__builtin_expect(o->key_pending || (top->declared != VMIR_LEN_UNKNOWN && top->count != top->declared), 0))
    return vmir_order_end_failed(o);
  *top_out = top;
  return VMIR_OK;
}

static inline void vmir_order_pop(vmir_event_order *o) {
  o->depth--;
  vmir_order_after_value(o);
}

/* Only a complete document may be handed out. */
static inline bool vmir_order_complete(const vmir_event_order *o) {
  return !o->failed && o->root_done;
}

/* Back to the state before the first event (keeps the stack's memory). */
void vmir_order_reset(vmir_event_order *o);
void vmir_order_free(vmir_event_order *o);

#endif
