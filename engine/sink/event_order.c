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
