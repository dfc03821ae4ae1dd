/* The event grammar shared by the JSON and MessagePack writers; see
 * event_order.h. */
#include "sink/event_order.h"

#include <stdlib.h>

const char *vmir_level_kind_name(vmir_level_kind kind) {
  switch (kind) {
    case VMIR_LEVEL_STRUCT: return "struct";
    case VMIR_LEVEL_MAP: return "map";
    default: return "sequence";
  }
}

const char *vmir_level_member_word(vmir_level_kind kind) {
  return kind == VMIR_LEVEL_SEQ ? "elements" : "members";
}

vmir_status vmir_order_refuse(vmir_event_order *o) {
  if (!o->sink->error[0]) vmir_sink_fail(o->sink, "writer failed earlier; reset it");
  return VMIR_E_SINK;
}

/* The whole check, as vmir_order_before_value makes it (*seq NULL on entry). */
vmir_status vmir_order_before_value_slow(vmir_event_order *o, vmir_level **seq) {
  if (o->failed) return vmir_order_refuse(o);
  if (o->depth == 0) {
    if (o->root_done)
      return VMIR_ORDER_FAIL(o, "a second top-level value; reset the writer between documents");
    return VMIR_OK;
  }
  vmir_level *top = &o->stack[o->depth - 1];
  if (top->kind != VMIR_LEVEL_SEQ) {
    /* t[impl format.ir.sink-field-name-order] */
    if (!o->key_pending)
      return VMIR_ORDER_FAIL(o, "value without a field name inside a %s",
                             vmir_level_kind_name(top->kind));
    o->key_pending = false;
    return VMIR_OK;
  }
  if (top->count == top->declared)
    return VMIR_ORDER_FAIL(o, "sequence declared %" PRIu64 " elements but got more",
                           top->declared);
  *seq = top;
  return VMIR_OK;
}

/* t[impl format.ir.sink-field-name-order] */
vmir_status vmir_order_field_name_failed(vmir_event_order *o) {
  if (o->failed) return vmir_order_refuse(o);
  if (o->depth == 0) return VMIR_ORDER_FAIL(o, "field name outside any struct or map");
  vmir_level *top = &o->stack[o->depth - 1];
  if (top->kind == VMIR_LEVEL_SEQ) return VMIR_ORDER_FAIL(o, "field name inside a sequence");
  if (o->key_pending)
    return VMIR_ORDER_FAIL(o, "two field names in a row (the first has no value)");
  return VMIR_ORDER_FAIL(o, "%s declared %" PRIu64 " members but got more",
                         vmir_level_kind_name(top->kind), top->declared);
}

/* t[impl format.ir.sink-struct-balance] */
vmir_status vmir_order_end_failed(vmir_event_order *o) {
  if (o->failed) return vmir_order_refuse(o);
  if (o->depth == 0) return VMIR_ORDER_FAIL(o, "end without a matching begin");
  vmir_level *top = &o->stack[o->depth - 1];
  if (o->key_pending)
    return VMIR_ORDER_FAIL(o, "end right after a field name (its value is missing)");
  return VMIR_ORDER_FAIL(o, "%s declared %" PRIu64 " %s but ended after %" PRIu64,
                         vmir_level_kind_name(top->kind), top->declared,
                         vmir_level_member_word(top->kind), top->count);
}

vmir_status vmir_order_grow(vmir_event_order *o) {
  if (o->depth >= VMIR_SINK_MAX_DEPTH)
    return VMIR_ORDER_FAIL(o, "nesting deeper than %u levels", VMIR_SINK_MAX_DEPTH);
  uint32_t cap = o->stack_cap ? o->stack_cap * 2 : 32;
  if (cap > VMIR_SINK_MAX_DEPTH) cap = VMIR_SINK_MAX_DEPTH;
  vmir_level *grown = realloc(o->stack, cap * sizeof *grown);
  if (!grown) return vmir_order_nomem(o);
  o->stack = grown;
  o->stack_cap = cap;
  return VMIR_OK;
}

void vmir_order_reset(vmir_event_order *o) {
  o->depth = 0;
  o->key_pending = o->root_done = o->failed = false;
  o->sink->error[0] = '\0';
}

void vmir_order_free(vmir_event_order *o) {
  free(o->stack);
  o->stack = NULL;
  o->depth = o->stack_cap = 0;
}
