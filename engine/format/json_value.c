/* json-read-value and json-skip-value: any JSON value, iteratively.
 *
 * Both are explicit state machines over a heap stack (the arena's scratch
 * buffer), never recursion, so nesting costs no C stack: a document of
 * 100000 '[' is rejected at the depth limit with constant stack use.
 *
 * read-value builds the tree bottom-up: each value goes into a slot on the
 * scratch stack; an open container's own slot links to its parent's; when
 * the container closes, its children move into one contiguous arena array
 * and the stack shrinks back to the container's slot. So every array and
 * object is a single arena allocation of exactly its size. */
#include "format/json_internal.h"

#include <stdio.h>

#include "format/value_notes.h"
#include "util/keyset.h"

#define NO_CONTAINER SIZE_MAX

/* A value on the reader's stack; the key first, as in vmir_member and as
 * util/keyset.h expects. */
typedef struct json_slot {
  vmir_str key;
  vmir_value value;
  size_t key_offset;
} json_slot;

/* Makes room for slot `top`; the stack may move. */
static vmir_status ensure_slot(vmir_source *src, vmir_arena *arena, json_slot **slots,
                               size_t *cap, size_t top, vmir_error *err) {
  if (top < *cap) return VMIR_OK;
  size_t want = *cap ? *cap * 2 : 64;
  json_slot *grown = want <= SIZE_MAX / sizeof **slots
                         ? vmir_arena_scratch(arena, want * sizeof **slots)
                         : NULL;
  if (!grown) return vmir_source_arena_failed(src, err, arena, src->pos);
  *slots = grown;
  *cap = want;
  return VMIR_OK;
}

/* The path of slot `s` whose container is in slot `parent`: each open
 * container's slot links to its parent's, and every closed sibling takes
 * one slot, so an element's index is its distance from its container. */
static void slot_path(const json_slot *slots, size_t s, size_t parent, vmir_rpath *out) {
  vmir_rpath_init(out);
  while (parent != NO_CONTAINER) {
    if (slots[parent].value.type == VMIR_VALUE_OBJECT) vmir_rpath_key(out, slots[s].key);
    else vmir_rpath_index(out, s - parent - 1);
    s = parent;
    parent = slots[parent].value.as.array.len;
  }
}

/* One member per key in the object closing in slot `open` (its `count`
 * members follow it): the last value at the first key's place, each repeat
 * noted. Linear expected time (util/keyset.h). */
static vmir_status keep_last_members(vmir_source *src, vmir_arena *arena, json_slot *slots,
                                     size_t open, size_t *count, vmir_error *err) {
  json_slot *kids = &slots[open + 1];
  vmir_keyset set;
  vmir_keyset_reset(&set);
  size_t kept = 0;
  bool noted = false;
  for (size_t i = 0; i < *count; i++) {
    size_t j;
    vmir_keyset_result r = vmir_keyset_lookup(&set, arena, kids, sizeof *kids, kept, kids[i].key, &j);
    if (r == VMIR_KEYSET_NOMEM) return vmir_source_arena_failed(src, err, arena, src->pos);
    if (r == VMIR_KEYSET_ABSENT) {
      kids[kept++] = kids[i];
      continue;
    }
    kids[j].value = kids[i].value;
    if (!noted) {  /* later repeats in this object come later in the input */
      vmir_rpath path;
      slot_path(slots, open, slots[open].value.as.array.len, &path);
      vmir_value_notes_dup(src->notes, kids[i].key_offset, kids[i].key, &path);
      noted = true;
    }
  }
  *count = kept;
  return VMIR_OK;
}

static vmir_status too_deep(vmir_source *src, vmir_error *err) {
  return vmir_source_fail(src, err, VMIR_E_LIMIT, src->pos,
                          "nesting deeper than %zu levels", src->depth_limit);
}

/* A scalar token (string, number, literal) at the cursor into *v. */
static vmir_status read_scalar(vmir_source *src, vmir_arena *arena, vmir_value *v,
                               vmir_error *err) {
  switch (src->data[src->pos]) {
    case '"':
      v->type = VMIR_VALUE_STRING;
      return vmir_json_lex_string(src, arena, true, &v->as.string, err);
    case 't':
      if (!vmir_json_at_literal(src, "true", 4)) break;
      src->pos += 4;
      v->type = VMIR_VALUE_BOOL;
      v->as.boolean = true;
      return VMIR_OK;
    case 'f':
      if (!vmir_json_at_literal(src, "false", 5)) break;
      src->pos += 5;
      v->type = VMIR_VALUE_BOOL;
      v->as.boolean = false;
      return VMIR_OK;
    case 'n':
      if (!vmir_json_at_literal(src, "null", 4)) break;
      src->pos += 4;
      v->type = VMIR_VALUE_NULL;
      return VMIR_OK;
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9': {
      vmir_scalar s;
      vmir_status st = vmir_json_lex_number(src, arena, &s, err);
      if (st != VMIR_OK) return st;
      if (s.type == VMIR_SCALAR_UINT) {
        v->type = VMIR_VALUE_UINT;
        v->as.u64 = s.as.u64;
      } else if (s.type == VMIR_SCALAR_INT) {
        v->type = VMIR_VALUE_INT;
        v->as.i64 = s.as.i64;
      } else {
        v->type = VMIR_VALUE_FLOAT;
        v->as.f64 = s.as.f64;
      }
      return VMIR_OK;
    }
    default:
      break;
  }
  return vmir_source_expected(src, err, src->pos, "a JSON value");
}

/* Moves the children of the container in slot `open` into one arena array. */
static vmir_status close_container(vmir_source *src, vmir_arena *arena,
                                   json_slot *slots, size_t open, size_t top,
                                   vmir_error *err) {
  size_t count = top - open - 1;
  vmir_value *c = &slots[open].value;
  const json_slot *kids = &slots[open + 1];
  if (c->type == VMIR_VALUE_ARRAY) {
    vmir_value *items = NULL;
    if (count) {
      items = VMIR_ARENA_NEW_ARRAY(arena, vmir_value, count);
      if (!items) return vmir_source_arena_failed(src, err, arena, src->pos);
      for (size_t i = 0; i < count; i++) items[i] = kids[i].value;
    }
    c->as.array.items = items;
    c->as.array.len = count;
  } else {
    vmir_member *members = NULL;
    if (src->notes && count > 1) {
      vmir_status st = keep_last_members(src, arena, slots, open, &count, err);
      if (st != VMIR_OK) return st;
    }
    if (count) {
      members = VMIR_ARENA_NEW_ARRAY(arena, vmir_member, count);
      if (!members) return vmir_source_arena_failed(src, err, arena, src->pos);
      for (size_t i = 0; i < count; i++) members[i] = (vmir_member){kids[i].key, kids[i].value};
    }
    c->as.object.members = members;
    c->as.object.len = count;
  }
  return VMIR_OK;
}

static vmir_status read_tree(vmir_source *src, vmir_arena *arena, vmir_value *out,
                             vmir_error *err) {
  json_slot *slots = NULL;
  size_t cap = 0, top = 0, depth = 0;
  size_t open = NO_CONTAINER;   /* slot of the innermost open container */
  bool in_item = true;          /* slot `top` is being read (else: `open` is) */
  vmir_status st;
  static const vmir_str no_key = {NULL, 0};

  /* A failure names its place inside the value: the item being read, or
   * the container whose separator or end failed. */
#define FAIL(call)                                                        \
  do {                                                                    \
    st = (call);                                                          \
    goto failed;                                                          \
  } while (0)
#define TRY(call)                                \
  do {                                           \
    if ((st = (call)) != VMIR_OK) goto failed;   \
  } while (0)

  TRY(ensure_slot(src, arena, &slots, &cap, top, err));
  slots[top].key = no_key;

value:  /* a value goes into slot `top` (its key, if any, is already set) */
  in_item = true;
  vmir_json_skip_ws(src);
  if (src->pos >= src->len) FAIL(vmir_source_expected(src, err, src->pos, "a JSON value"));
  {
    uint8_t c = src->data[src->pos];
    if (c == '[' || c == '{') {
      if (depth >= src->depth_limit) FAIL(too_deep(src, err));
      depth++;
      vmir_value *v = &slots[top].value;
      v->type = c == '[' ? VMIR_VALUE_ARRAY : VMIR_VALUE_OBJECT;
      v->as.array.items = NULL;
      v->as.array.len = open;  /* while open: the parent's slot */
      open = top++;
      src->pos++;
      vmir_json_skip_ws(src);
      if (src->pos < src->len && src->data[src->pos] == (c == '[' ? ']' : '}')) {
        src->pos++;
        goto close;
      }
      TRY(ensure_slot(src, arena, &slots, &cap, top, err));
      if (c == '{') goto key;
      slots[top].key = no_key;
      goto value;
    }
    TRY(read_scalar(src, arena, &slots[top].value, err));
    top++;
    goto after;
  }

key:  /* an object member name into slot `top`, then ':' (the member is the
      * item being read from its value on, as a key token and its ':' are
      * one read for the typed and event readers) */
  in_item = false;
  slots[top].key = no_key;
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != '"')
    FAIL(vmir_source_expected(src, err, src->pos, "a string (object member name)"));
  slots[top].key_offset = src->pos;
  TRY(vmir_json_lex_string(src, arena, true, &slots[top].key, err));
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != ':')
    FAIL(vmir_source_expected(src, err, src->pos, "':' after object member name"));
  src->pos++;
  goto value;

after:  /* a value is complete: continue or close the innermost container */
  in_item = false;
  if (open == NO_CONTAINER) {
    *out = slots[0].value;
    return VMIR_OK;
  }
  vmir_json_skip_ws(src);
  {
    bool is_array = slots[open].value.type == VMIR_VALUE_ARRAY;
    if (src->pos < src->len) {
      uint8_t c = src->data[src->pos];
      if (c == ',') {
        src->pos++;
        TRY(ensure_slot(src, arena, &slots, &cap, top, err));
        if (!is_array) goto key;
        slots[top].key = no_key;
        goto value;
      }
      if (c == (is_array ? ']' : '}')) {
        src->pos++;
        goto close;
      }
    }
    FAIL(vmir_source_expected(src, err, src->pos,
                                is_array ? "',' or ']' after array element"
                                         : "',' or '}' after object member"));
  }

close:  /* the container in slot `open` just ended */
  {
    size_t parent = slots[open].value.as.array.len;
    TRY(close_container(src, arena, slots, open, top, err));
    top = open + 1;
    open = parent;
    depth--;
    goto after;
  }

failed:
  if (src->notes) {
    vmir_rpath path;
    if (open == NO_CONTAINER) vmir_rpath_init(&path);
    else if (in_item && slots[open].value.type == VMIR_VALUE_ARRAY) slot_path(slots, top, open, &path);
    else if (in_item && slots[top].key.ptr) slot_path(slots, top, open, &path);
    else slot_path(slots, open, slots[open].value.as.array.len, &path);
    snprintf(src->notes->fail_path, sizeof src->notes->fail_path, "%s", vmir_rpath_str(&path));
  }
  return st;
#undef TRY
#undef FAIL
}

vmir_status vmir_json_read_value(vmir_source *src, vmir_arena *arena, vmir_value *out,
                                 vmir_error *err) {
  vmir_arena_pos mark = vmir_arena_mark(arena);
  vmir_status st = read_tree(src, arena, out, err);
  if (st != VMIR_OK) vmir_arena_reset_to(arena, mark);
  return st;
}

/* ---- skip-value: the same grammar, nothing built ------------------------ */

/* Validates a scalar token at the cursor without keeping it. */
static vmir_status skip_scalar(vmir_source *src, vmir_arena *arena, vmir_error *err) {
  uint8_t c = src->data[src->pos];
  if (c == '"') {
    vmir_json_string s;
    return vmir_json_scan_string(src, &s, err);
  }
  if (c == '-' || (c >= '0' && c <= '9')) {
    vmir_scalar ignored;
    return vmir_json_lex_number(src, arena, &ignored, err);
  }
  if (vmir_json_at_literal(src, "true", 4) || vmir_json_at_literal(src, "null", 4)) {
    src->pos += 4;
    return VMIR_OK;
  }
  if (vmir_json_at_literal(src, "false", 5)) {
    src->pos += 5;
    return VMIR_OK;
  }
  return vmir_source_expected(src, err, src->pos, "a JSON value");
}

vmir_status vmir_json_skip_value(vmir_source *src, vmir_arena *arena, vmir_error *err) {
  uint8_t *closers = NULL;   /* expected closing byte per open container */
  size_t cap = 0, depth = 0;
  vmir_status st;

#define TRY(call)                       \
  do {                                  \
    if ((st = (call)) != VMIR_OK) return st; \
  } while (0)

value:
  vmir_json_skip_ws(src);
  if (src->pos >= src->len) return vmir_source_expected(src, err, src->pos, "a JSON value");
  {
    uint8_t c = src->data[src->pos];
    if (c == '[' || c == '{') {
      if (depth >= src->depth_limit) return too_deep(src, err);
      if (depth == cap) {
        size_t want = cap ? cap * 2 : 64;
        uint8_t *grown = vmir_arena_scratch(arena, want);
        if (!grown) return vmir_source_arena_failed(src, err, arena, src->pos);
        closers = grown;
        cap = want;
      }
      uint8_t close = c == '[' ? ']' : '}';
      closers[depth++] = close;
      src->pos++;
      vmir_json_skip_ws(src);
      if (src->pos < src->len && src->data[src->pos] == close) {
        src->pos++;
        depth--;
        goto after;
      }
      if (c == '{') goto key;
      goto value;
    }
    TRY(skip_scalar(src, arena, err));
    goto after;
  }

key:
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != '"')
    return vmir_source_expected(src, err, src->pos, "a string (object member name)");
  {
    vmir_json_string s;
    TRY(vmir_json_scan_string(src, &s, err));
  }
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != ':')
    return vmir_source_expected(src, err, src->pos, "':' after object member name");
  src->pos++;
  goto value;

after:
  if (depth == 0) return VMIR_OK;
  vmir_json_skip_ws(src);
  {
    uint8_t close = closers[depth - 1];
    if (src->pos < src->len) {
      uint8_t c = src->data[src->pos];
      if (c == ',') {
        src->pos++;
        if (close == '}') goto key;
        goto value;
      }
      if (c == close) {
        src->pos++;
        depth--;
        goto after;
      }
    }
    return vmir_source_expected(src, err, src->pos,
                                close == ']' ? "',' or ']' after array element"
                                             : "',' or '}' after object member");
  }
#undef TRY
}
