/* The event batch of unfused decode. A parse program's emission ops append
 * build events here (one growable batch reused across calls, no call per
 * token into the build side); the build program then reads them with the
 * event-* ops, which mirror the JSON builtins' branch structure. Every
 * event keeps the input offset of its token so errors name the same place
 * as fused decode. t[impl format.parse.batch-friendly-execution] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "format/json_lex.h"
#include "format/msgpack_lex.h"
#include "format/value_notes.h"
#include "util/keyset.h"
#include "format/timestamp.h"

/* The offset of the next token: JSON whitespace is skipped (not consumed). */
static size_t token_offset(const vmir_source *src) {
  size_t p = src->pos;
  if (src->format == VMIR_SOURCE_TEXT)
    while (p < src->len && (src->data[p] == ' ' || src->data[p] == '\n' || src->data[p] == '\r' ||
                            src->data[p] == '\t'))
      p++;
  return p;
}

bool vmir_event_append(vmir_decoder *dec, vmir_event_kind kind, const vmir_scalar *scalar,
                       size_t offset) {
  vmir_event *events = vmir_decoder_grow(dec->events, sizeof *events, dec->event_len, &dec->event_cap);
  if (!events) return false;
  dec->events = events;
  vmir_event *e = &events[dec->event_len++];
  e->kind = kind;
  e->token_class = VMIR_TOKEN_CLASS_COUNT;
  e->offset = offset;
  if (scalar) e->scalar = *scalar;
  else memset(&e->scalar, 0, sizeof e->scalar);
  return true;
}

/* ---- the event batch as the parse program's sink -------------------------- */

static vmir_status batch_push(vmir_sink *sink, vmir_event_kind kind) {
  vmir_decode_state *d = sink->ctx;
  /* A MessagePack begin is emitted after its header was read: it starts
   * where the header did. */
  size_t at = d->src.format == VMIR_SOURCE_BINARY ? d->header_offset : token_offset(&d->src);
  /* JSON: the parse program emits the begin before it consumes the bracket */
  d->event_end = d->src.format == VMIR_SOURCE_BINARY ? d->src.pos : at + 1;
  if (vmir_event_append(d->dec, kind, NULL, at)) return VMIR_OK;
  snprintf(sink->error, sizeof sink->error, "out of memory for the event batch");
  return VMIR_E_NOMEM;
}

static vmir_status batch_begin_struct(vmir_sink *s, uint64_t len) { (void)len; return batch_push(s, VMIR_EVENT_BEGIN_OBJECT); }
static vmir_status batch_begin_seq(vmir_sink *s, uint64_t len) { (void)len; return batch_push(s, VMIR_EVENT_BEGIN_ARRAY); }
/* An end event points at its closing bracket (JSON has consumed it by the
 * time the parse program emits the event), where fused decode stands. */
static vmir_status batch_end(vmir_sink *sink) {
  vmir_decode_state *d = sink->ctx;
  const vmir_source *src = &d->src;
  size_t at = token_offset(src);
  if (src->format == VMIR_SOURCE_TEXT && src->pos > 0 &&
      (src->data[src->pos - 1] == '}' || src->data[src->pos - 1] == ']'))
    at = src->pos - 1;
  d->event_end = src->pos;
  if (vmir_event_append(d->dec, VMIR_EVENT_END, NULL, at)) return VMIR_OK;
  snprintf(sink->error, sizeof sink->error, "out of memory for the event batch");
  return VMIR_E_NOMEM;
}

static vmir_status batch_field_name(vmir_sink *sink, vmir_str name) {
  vmir_decode_state *d = sink->ctx;
  vmir_scalar sc = {.type = VMIR_SCALAR_STRING, .as.string = name};
  d->event_end = d->src.pos;
  if (vmir_event_append(d->dec, VMIR_EVENT_KEY, &sc, token_offset(&d->src))) return VMIR_OK;
  snprintf(sink->error, sizeof sink->error, "out of memory for the event batch");
  return VMIR_E_NOMEM;
}

static vmir_status batch_scalar(vmir_sink *sink, const vmir_scalar *value) {
  vmir_decode_state *d = sink->ctx;
  d->event_end = d->src.pos;
  if (vmir_event_append(d->dec, VMIR_EVENT_SCALAR, value, token_offset(&d->src))) return VMIR_OK;
  snprintf(sink->error, sizeof sink->error, "out of memory for the event batch");
  return VMIR_E_NOMEM;
}

static const vmir_sink_ops batch_ops = {
    .begin_struct = batch_begin_struct,
    .begin_seq = batch_begin_seq,
    .begin_map = batch_begin_struct,
    .field_name = batch_field_name,
    .scalar = batch_scalar,
    .end = batch_end,
};

/* Where the next event would start: JSON separators are not events, so a
 * ',' is stepped over to the key or value after it. */
static size_t next_item_offset(const vmir_source *src) {
  size_t p = token_offset(src);
  if (src->format == VMIR_SOURCE_TEXT && p < src->len && src->data[p] == ',') {
    vmir_source after = *src;
    after.pos = p + 1;
    p = token_offset(&after);
  }
  return p;
}

/* The lexing ops whose failure lies after an item: in a separator, a
 * closing bracket (a JSON begin looks for one), or the end of input. */
static bool fails_after_item(uint32_t op) {
  switch (op) {
    case VMIR_OP_JSON_BEGIN_OBJECT: case VMIR_OP_JSON_BEGIN_ARRAY:
    case VMIR_OP_JSON_NEXT_MEMBER: case VMIR_OP_JSON_NEXT_ELEMENT:
    case VMIR_OP_JSON_EXPECT_END: case VMIR_OP_MSGPACK_EXPECT_END:
      return true;
    default:
      return false;
  }
}

/* t[impl format.parse.fusion-semantic-equivalence]: on malformed input the
 * build side fails where the fused program does (docs/decode.md). */
bool vmir_event_append_error(vmir_decode_state *d) {
  vmir_decoder *dec = d->dec;
  vmir_source at = d->src;
  at.pos = d->event_end;
  size_t offset = next_item_offset(&at);
  bool after = fails_after_item(d->failed_op);
  uint32_t cls = VMIR_TOKEN_CLASS_COUNT;
  if (!after) {
    /* A typed peek in fused decode classes the item by its first byte even
     * when the token goes on to fail; the build side peeks the same. The
     * item starts past a separator only where one follows a value (a
     * scalar or an end); at the start, after a begin or a key, a ',' is
     * the malformed item itself (fuzz: unfused-comma-item). */
    const vmir_event *last = dec->event_len ? &dec->events[dec->event_len - 1] : NULL;
    bool after_value = last && (last->kind == VMIR_EVENT_SCALAR || last->kind == VMIR_EVENT_END);
    vmir_source probe = d->src;
    probe.pos = after_value ? offset : token_offset(&at);
    vmir_token_class peeked;
    vmir_error scratch;
    vmir_status st = probe.format == VMIR_SOURCE_TEXT ? vmir_json_peek_token(&probe, &peeked, &scratch)
                                                      : vmir_msgpack_peek_token(&probe, &peeked, &scratch);
    if (st == VMIR_OK) cls = peeked;
  }
  if (!vmir_event_append(dec, after ? VMIR_EVENT_ERROR_AFTER_ITEM : VMIR_EVENT_ERROR_IN_ITEM, NULL,
                         offset))
    return false;
  dec->events[dec->event_len - 1].token_class = cls;
  return true;
}

void vmir_event_sink_init(vmir_sink *sink, vmir_decode_state *d) {
  memset(sink, 0, sizeof *sink);
  sink->kind = VMIR_SINK_EVENT_BATCH;
  sink->ops = &batch_ops;
  sink->ctx = d;
}

/* ---- reading events (build programs) -------------------------------------- */

static const char *event_name(const vmir_event *e) {
  switch ((vmir_event_kind)e->kind) {
    case VMIR_EVENT_BEGIN_OBJECT: return "an object";
    case VMIR_EVENT_BEGIN_ARRAY: return "an array";
    case VMIR_EVENT_KEY: return "a member name";
    case VMIR_EVENT_END: return "the end of the container";
    case VMIR_EVENT_ERROR_IN_ITEM:
    case VMIR_EVENT_ERROR_AFTER_ITEM: return "malformed input";
    case VMIR_EVENT_SCALAR:
      switch (e->scalar.type) {
        case VMIR_SCALAR_NULL: return "null";
        case VMIR_SCALAR_BOOL: return "a boolean";
        case VMIR_SCALAR_INT:
        case VMIR_SCALAR_UINT:
        case VMIR_SCALAR_FLOAT: return "a number";
        case VMIR_SCALAR_STRING: return "a string";
        case VMIR_SCALAR_BYTES: return "bytes";
        case VMIR_SCALAR_EXT: return "an ext";
        case VMIR_SCALAR_TIMESTAMP: return "a timestamp";
      }
  }
  return "an event";
}

static bool is_error(const vmir_event *e) {
  return e->kind == VMIR_EVENT_ERROR_IN_ITEM || e->kind == VMIR_EVENT_ERROR_AFTER_ITEM;
}

/* A build op that cannot go on with the next event. The batch's error event
 * (or, should appending it have failed, the batch's end) means the parse
 * failure, which decode.c reports with the path of this op. */
static vmir_status unexpected(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                              const char *expected) {
  vmir_decode_state *d = vm->dec;
  vmir_decoder *dec = d->dec;
  if (d->event_pos >= dec->event_len || is_error(&dec->events[d->event_pos])) {
    d->events_exhausted = true;
    vmir_source_fail(&d->src, err, VMIR_E_DECODE, d->src.len, "expected %s, found end of input", expected);
  } else
    vmir_source_fail(&d->src, err, VMIR_E_DECODE, dec->events[d->event_pos].offset,
                     "expected %s, found %s", expected, event_name(&dec->events[d->event_pos]));
  return vmir_exec_annotate(exe, vm, err);
}

static const vmir_event *peek(vmir_vm_state *vm) {
  vmir_decode_state *d = vm->dec;
  return d->event_pos < d->dec->event_len ? &d->dec->events[d->event_pos] : NULL;
}

static vmir_token_class class_of(const vmir_event *e) {
  if (e->kind == VMIR_EVENT_BEGIN_OBJECT) return VMIR_TOKEN_OBJECT;
  if (e->kind == VMIR_EVENT_BEGIN_ARRAY) return VMIR_TOKEN_ARRAY;
  switch (e->scalar.type) {
    case VMIR_SCALAR_NULL: return VMIR_TOKEN_NULL;
    case VMIR_SCALAR_BOOL: return VMIR_TOKEN_BOOL;
    case VMIR_SCALAR_STRING: return VMIR_TOKEN_STRING;
    case VMIR_SCALAR_BYTES: case VMIR_SCALAR_EXT: return VMIR_TOKEN_BYTES;
    case VMIR_SCALAR_TIMESTAMP: return VMIR_TOKEN_STRING;
    default: return VMIR_TOKEN_NUMBER;
  }
}

typedef enum build_result { BUILT = 0, EXHAUSTED, TOO_DEEP, NO_MEMORY } build_result;

/* Scans the value starting at `pos` in input order, as a fused reader reads
 * it: BUILT with *end just past it, or (*end at the event where it stops)
 * the first failure met, a container
 * nested deeper than the decoder's depth limit (TOO_DEEP, *fail_at its
 * offset) or the batch's error event (EXHAUSTED). */
static build_result value_scan(const vmir_decoder *dec, size_t pos, size_t *end, size_t *fail_at) {
  size_t depth = 0;
  do {
    if (pos >= dec->event_len || is_error(&dec->events[pos])) {
      *end = pos;
      return EXHAUSTED;
    }
    const vmir_event *e = &dec->events[pos++];
    if (e->kind == VMIR_EVENT_BEGIN_OBJECT || e->kind == VMIR_EVENT_BEGIN_ARRAY) {
      if (++depth > dec->limits.max_depth) {
        *fail_at = e->offset;
        *end = pos - 1;
        return TOO_DEEP;
      }
    } else if (e->kind == VMIR_EVENT_END) {
      if (depth == 0) {
        *end = pos - 1;
        return EXHAUSTED;
      }
      depth--;
    }
  } while (depth > 0);
  *end = pos;
  return BUILT;
}

static bool value_end(const vmir_decoder *dec, size_t pos, size_t *end) {
  size_t unused;
  return value_scan(dec, pos, end, &unused) == BUILT;
}

/* The member or element being built, for paths inside a value. */
typedef struct event_path {
  const struct event_path *up;
  vmir_str key;        /* object member; else an element */
  bool member;
  size_t index;
} event_path;

static void event_path_format(const event_path *p, vmir_rpath *out) {
  vmir_rpath_init(out);
  for (; p; p = p->up) {
    if (p->member) vmir_rpath_key(out, p->key);
    else vmir_rpath_index(out, p->index);
  }
}

/* Builds the dynamic value starting at *pos in the arena, once value_scan
 * has accepted it: whole, and nested (so recursing) no deeper than the
 * decoder's depth limit. Objects keep one member per key (the last value at
 * the first key's place) and the first repeat is noted, as the fused
 * readers do (format/value_notes.h). */
static build_result build_value(vmir_decoder *dec, size_t *pos, vmir_value *out,
                                vmir_value_notes *notes, const event_path *here) {
  if (*pos >= dec->event_len || is_error(&dec->events[*pos])) return EXHAUSTED;
  const vmir_event *e = &dec->events[*pos];
  (*pos)++;
  memset(out, 0, sizeof *out);
  if (e->kind == VMIR_EVENT_SCALAR) {
    const vmir_scalar *s = &e->scalar;
    switch (s->type) {
      case VMIR_SCALAR_NULL: out->type = VMIR_VALUE_NULL; break;
      case VMIR_SCALAR_BOOL: out->type = VMIR_VALUE_BOOL; out->as.boolean = s->as.boolean; break;
      case VMIR_SCALAR_INT: out->type = VMIR_VALUE_INT; out->as.i64 = s->as.i64; break;
      case VMIR_SCALAR_UINT: out->type = VMIR_VALUE_UINT; out->as.u64 = s->as.u64; break;
      case VMIR_SCALAR_FLOAT: out->type = VMIR_VALUE_FLOAT; out->as.f64 = s->as.f64; break;
      case VMIR_SCALAR_STRING: {
        out->type = VMIR_VALUE_STRING;
        char *copy = vmir_arena_dup(&dec->arena, s->as.string.ptr ? s->as.string.ptr : "", s->as.string.len);
        if (!copy) return NO_MEMORY;
        out->as.string = (vmir_str){copy, s->as.string.len};
        break;
      }
      case VMIR_SCALAR_BYTES: {
        out->type = VMIR_VALUE_BYTES;
        uint8_t *copy = vmir_arena_dup(&dec->arena, s->as.bytes.ptr ? (const void *)s->as.bytes.ptr : "",
                                       s->as.bytes.len);
        if (!copy) return NO_MEMORY;
        out->as.bytes = (vmir_bytes){copy, s->as.bytes.len};
        break;
      }
      case VMIR_SCALAR_EXT: {
        out->type = VMIR_VALUE_EXT;
        uint8_t *copy = vmir_arena_dup(&dec->arena, s->as.ext.data ? (const void *)s->as.ext.data : "",
                                       s->as.ext.len);
        if (!copy) return NO_MEMORY;
        out->as.ext = (vmir_ext){.data = copy, .len = s->as.ext.len, .type = s->as.ext.type};
        break;
      }
      case VMIR_SCALAR_TIMESTAMP: {
        /* Parse programs emit none (they are shape-blind); should one come,
         * the value holds it as MessagePack does: ext -1. */
        uint8_t data[12];
        size_t n = vmir_timestamp_to_ext(s->as.timestamp, data);
        uint8_t *copy = vmir_arena_dup(&dec->arena, data, n);
        if (!copy) return NO_MEMORY;
        out->type = VMIR_VALUE_EXT;
        out->as.ext = (vmir_ext){.data = copy, .len = (uint32_t)n, .type = VMIR_TIMESTAMP_EXT_TYPE};
        break;
      }
    }
    return BUILT;
  }
  bool object = e->kind == VMIR_EVENT_BEGIN_OBJECT;
  /* Count the direct children first, then fill them in place. */
  size_t n = 0, p = *pos;
  while (p < dec->event_len && dec->events[p].kind != VMIR_EVENT_END) {
    if (object) p++; /* the key */
    if (!value_end(dec, p, &p)) return EXHAUSTED;
    n++;
  }
  if (p >= dec->event_len) return EXHAUSTED;
  build_result r;
  if (object) {
    vmir_member *m = n ? VMIR_ARENA_NEW_ARRAY(&dec->arena, vmir_member, n) : NULL;
    if (n && !m) return NO_MEMORY;
    vmir_keyset keys;
    vmir_keyset_reset(&keys);
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
      const vmir_event *k = &dec->events[(*pos)++];
      char *key = vmir_arena_dup(&dec->arena, k->scalar.as.string.ptr ? k->scalar.as.string.ptr : "",
                                 k->scalar.as.string.len);
      if (!key) return NO_MEMORY;
      m[kept].key = (vmir_str){key, k->scalar.as.string.len};
      size_t slot = kept;
      vmir_keyset_result found = vmir_keyset_lookup(&keys, &dec->arena, m, sizeof *m, kept, m[kept].key, &slot);
      if (found == VMIR_KEYSET_NOMEM) return NO_MEMORY;
      if (found == VMIR_KEYSET_FOUND) {
        vmir_rpath path;
        event_path_format(here, &path);
        vmir_value_notes_dup(notes, k->offset, m[kept].key, &path);
      } else {
        kept++;
      }
      event_path member = {here, m[slot].key, true, 0};
      if ((r = build_value(dec, pos, &m[slot].value, notes, &member)) != BUILT) return r;
    }
    out->type = VMIR_VALUE_OBJECT;
    out->as.object.members = m;
    out->as.object.len = kept;
  } else {
    vmir_value *items = n ? VMIR_ARENA_NEW_ARRAY(&dec->arena, vmir_value, n) : NULL;
    if (n && !items) return NO_MEMORY;
    for (size_t i = 0; i < n; i++) {
      event_path element = {here, {NULL, 0}, false, i};
      if ((r = build_value(dec, pos, &items[i], notes, &element)) != BUILT) return r;
    }
    out->type = VMIR_VALUE_ARRAY;
    out->as.array.items = items;
    out->as.array.len = n;
  }
  (*pos)++; /* END */
  return BUILT;
}

/* Where inside the value starting at `pos` a failure at event `stop` (the
 * batch's error event or end, or a container past the depth limit) stands,
 * as the fused readers name it: the item being read when the failure is in
 * one (a value, a container being opened), else the container whose
 * separator or end failed. Error path only: a heap stack of the open
 * containers. */
static void failure_path(const vmir_decoder *dec, size_t pos, size_t stop, vmir_rpath *out) {
  typedef struct open_container { bool object; bool have_key; vmir_str key; size_t items; } open_container;
  open_container *stack = NULL;
  size_t depth = 0, cap = 0;
  vmir_rpath_init(out);
  for (size_t i = pos; i < stop && i < dec->event_len; i++) {
    const vmir_event *e = &dec->events[i];
    if (e->kind == VMIR_EVENT_KEY) {
      if (depth) {
        stack[depth - 1].have_key = true;
        stack[depth - 1].key = e->scalar.as.string;
      }
      continue;
    }
    if (e->kind == VMIR_EVENT_END) {
      if (depth) depth--;
    } else if (e->kind == VMIR_EVENT_BEGIN_OBJECT || e->kind == VMIR_EVENT_BEGIN_ARRAY) {
      if (depth == cap) {
        size_t ncap = cap ? cap * 2 : 16;
        open_container *grown = realloc(stack, ncap * sizeof *stack);
        if (!grown) {
          free(stack);
          return;
        }
        stack = grown;
        cap = ncap;
      }
      stack[depth++] = (open_container){e->kind == VMIR_EVENT_BEGIN_OBJECT, false, {NULL, 0}, 0};
      continue;
    }
    /* a scalar or a closed container: one more item in its container */
    if (depth) {
      stack[depth - 1].items++;
      stack[depth - 1].have_key = false;
    }
  }
  bool in_item = stop >= dec->event_len || dec->events[stop].kind != VMIR_EVENT_ERROR_AFTER_ITEM;
  for (size_t k = depth; k-- > 0;) {
    const open_container *c = &stack[k];
    if (k + 1 == depth && !(in_item && (!c->object || c->have_key))) continue;
    if (c->object) vmir_rpath_key(out, c->key);
    else vmir_rpath_index(out, c->items);
  }
  free(stack);
}

vmir_status vmir_event_op(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                          uint32_t *next, vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_decoder *dec = d->dec;
  const vmir_event *e = peek(vm);
  switch ((vmir_opcode)in->op) {
    case VMIR_OP_EVENT_BEGIN_OBJECT:
    case VMIR_OP_EVENT_BEGIN_ARRAY: {
      bool object = in->op == VMIR_OP_EVENT_BEGIN_OBJECT;
      if (!e || e->kind != (object ? VMIR_EVENT_BEGIN_OBJECT : VMIR_EVENT_BEGIN_ARRAY))
        return unexpected(exe, vm, err, object ? "an object" : "an array");
      d->event_pos++;
      e = peek(vm);
      /* Parsing failed at the first item: fused decode has entered the
       * container by then (the JSON byte after the bracket was no closing
       * one; the MessagePack header read), so the build side goes on as for
       * a non-empty container and meets the failure inside it, at the
       * item's path. A JSON begin that found no item and no bracket failed
       * in the container itself. */
      if (!e || e->kind == VMIR_EVENT_ERROR_IN_ITEM) {
        *next = in->a;
        return VMIR_OK;
      }
      if (e->kind == VMIR_EVENT_ERROR_AFTER_ITEM) return unexpected(exe, vm, err, "an item or the end");
      if (e->kind == VMIR_EVENT_END) {
        d->event_pos++;
        *next = in->b;
      } else {
        *next = in->a;
      }
      return VMIR_OK;
    }
    case VMIR_OP_EVENT_READ_KEY:
      if (!e || e->kind != VMIR_EVENT_KEY) return unexpected(exe, vm, err, "a member name");
      d->key = e->scalar.as.string;
      d->key_offset = e->offset;
      d->event_pos++;
      return VMIR_OK;
    case VMIR_OP_EVENT_NEXT_MEMBER:
    case VMIR_OP_EVENT_NEXT_ELEMENT:
      /* An item that failed to parse is one more item (fused decode stepped
       * over the separator and entered it); a failed separator is not. */
      if (!e || e->kind == VMIR_EVENT_ERROR_AFTER_ITEM)
        return unexpected(exe, vm, err, "the rest of the container");
      if (e->kind == VMIR_EVENT_END) {
        d->event_pos++;
        *next = in->b;
      } else {
        *next = in->a;
      }
      return VMIR_OK;
    case VMIR_OP_EVENT_PEEK_NULL:
      /* As the fused peeks: JSON's takes anything but a whole `null` for
       * not null; MessagePack's needs a byte to look at. */
      if (e && e->kind == VMIR_EVENT_ERROR_IN_ITEM && e->token_class == VMIR_TOKEN_CLASS_COUNT &&
          d->src.format == VMIR_SOURCE_BINARY)
        return unexpected(exe, vm, err, "a value");
      if (e && e->kind == VMIR_EVENT_SCALAR && e->scalar.type == VMIR_SCALAR_NULL) {
        d->event_pos++;
        *next = in->a;
      } else {
        *next = in->b;
      }
      return VMIR_OK;
    case VMIR_OP_EVENT_PEEK_TOKEN:
      if (!e || e->kind == VMIR_EVENT_KEY || e->kind == VMIR_EVENT_END ||
          e->kind == VMIR_EVENT_ERROR_AFTER_ITEM)
        return unexpected(exe, vm, err, "a value");
      /* A token that fails to parse still has the class its first byte
       * gives, which is all a fused peek looks at. */
      if (e->kind == VMIR_EVENT_ERROR_IN_ITEM) {
        if (e->token_class >= VMIR_TOKEN_CLASS_COUNT) return unexpected(exe, vm, err, "a value");
        *next = in->targets[e->token_class];
        return VMIR_OK;
      }
      *next = in->targets[class_of(e)];
      return VMIR_OK;
    case VMIR_OP_EVENT_READ_SCALAR:
      if (!e || e->kind != VMIR_EVENT_SCALAR) return unexpected(exe, vm, err, "a scalar");
      d->scalar = e->scalar;
      d->scalar_offset = e->offset;
      d->event_pos++;
      return VMIR_OK;
    case VMIR_OP_EVENT_READ_NULL:
      if (!e || e->kind != VMIR_EVENT_SCALAR || e->scalar.type != VMIR_SCALAR_NULL)
        return unexpected(exe, vm, err, "null");
      d->event_pos++;
      return VMIR_OK;
    case VMIR_OP_EVENT_READ_VALUE:
    case VMIR_OP_EVENT_SKIP_VALUE: {
      bool skip = in->op == VMIR_OP_EVENT_SKIP_VALUE;
      if (!e || e->kind == VMIR_EVENT_KEY || (!skip && e->kind == VMIR_EVENT_END) || is_error(e))
        return unexpected(exe, vm, err, "a value");
      /* Read or skipped, a value is bounded by the decoder's depth limit,
       * and whichever of that bound and a parse failure comes first in the
       * input is the error, as in the fused readers. */
      size_t end = 0, fail_at = e->offset;
      build_result r = value_scan(dec, d->event_pos, &end, &fail_at);
      if (r == EXHAUSTED || r == TOO_DEEP) {
        if (r == EXHAUSTED) {
          d->events_exhausted = true;
          vmir_source_fail(&d->src, err, VMIR_E_DECODE, d->src.len, "unexpected end of input in a value");
        } else {
          vmir_source_fail(&d->src, err, VMIR_E_LIMIT, fail_at, "nesting deeper than %u levels",
                           dec->limits.max_depth);
        }
        vmir_exec_annotate(exe, vm, err);
        if (!skip) {
          vmir_rpath path;
          failure_path(dec, d->event_pos, end, &path);
          vmir_exec_append_path(err, vmir_rpath_str(&path));
        }
        return err ? err->code : VMIR_E_DECODE;
      }
      if (skip) {
        d->event_pos = end;
        return VMIR_OK;
      }
      d->value_offset = e->offset;
      size_t pos = d->event_pos;
      d->notes.dup_found = false;
      r = build_value(dec, &pos, &d->value, &d->notes, NULL);
      if (r != BUILT) {
        vmir_status code = r == EXHAUSTED ? VMIR_E_DECODE : vmir_arena_failure(&dec->arena);
        vmir_source_fail(&d->src, err, code, e->offset, "%s",
                         r == NO_MEMORY ? "cannot allocate the value" : "malformed value events");
        return vmir_exec_annotate(exe, vm, err);
      }
      d->event_pos = pos;
      return VMIR_OK;
    }
    case VMIR_OP_EVENT_EXPECT_END:
      if (e) return unexpected(exe, vm, err, "the end of input");
      return VMIR_OK;
    default:
      return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "%s is not an event instruction",
                            vmir_op_info_of(in->op)->name);
  }
}

vmir_status vmir_decode_fail(const vmir_executable *exe, vmir_vm_state *vm, const vmir_str *message,
                             vmir_error *err) {
  return vmir_decode_fail_code(exe, vm, VMIR_E_DECODE, message, err);
}

vmir_status vmir_decode_fail_code(const vmir_executable *exe, vmir_vm_state *vm, vmir_status code,
                                  const vmir_str *message, vmir_error *err) {
  /* A decode program's `fail` names the input where decoding stands: the
   * next token (fused) or the next event's token (build programs), the same
   * place in both. */
  vmir_decode_state *d = vm->dec;
  size_t offset;
  if (exe->program->kind == VMIR_PROGRAM_BUILD) {
    /* Before the batch's error event, `fail` wins (fused decode fails
     * before it reads the malformed token) and names where the next item
     * starts. Only past the batch's end (no error event could be
     * appended) is the parse failure the one to report. */
    if (d->event_pos >= d->dec->event_len) d->events_exhausted = true;
    offset = d->event_pos < d->dec->event_len ? d->dec->events[d->event_pos].offset : d->src.len;
  }
  else {
    offset = next_item_offset(&d->src);
  }
  vmir_source_fail(&d->src, err, code, offset, "%.*s",
                   (int)(message->len > 160 ? 160 : message->len), message->ptr);
  return vmir_exec_annotate(exe, vm, err);
}

vmir_status vmir_call_too_deep(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  char why[64];
  int n = snprintf(why, sizeof why, "call depth over %u", vm->max_depth);
  /* a decode names the input where the nesting went too deep */
  if (vm->dec) return vmir_decode_fail_code(exe, vm, VMIR_E_LIMIT, &(vmir_str){why, (size_t)n}, err);
  return vmir_exec_fail(exe, vm, err, VMIR_E_LIMIT, "%s", why);
}

vmir_status vmir_decode_too_deep(const vmir_executable *exe, vmir_vm_state *vm, bool stacks,
                                 vmir_error *err) {
  char why[64];
  int n = stacks ? snprintf(why, sizeof why, "value nesting deeper than %u", vm->max_depth)
                 : snprintf(why, sizeof why, "nesting deeper than %u levels", vm->doc_depth_limit);
  return vmir_decode_fail_code(exe, vm, VMIR_E_LIMIT, &(vmir_str){why, (size_t)n}, err);
}
