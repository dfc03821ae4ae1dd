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

#define NO_CONTAINER SIZE_MAX

/* Makes room for slot `top`; the stack may move. */
static vmir_status ensure_slot(vmir_source *src, vmir_arena *arena, vmir_member **slots,
                               size_t *cap, size_t top, vmir_error *err) {
  if (top < *cap) return VMIR_OK;
  size_t want = *cap ? *cap * 2 : 64;
  vmir_member *grown = want <= SIZE_MAX / sizeof **slots
                           ? vmir_arena_scratch(arena, want * sizeof **slots)
                           : NULL;
  if (!grown) return vmir_source_arena_failed(src, err, arena, src->pos);
  *slots = grown;
  *cap = want;
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
                                   vmir_member *slots, size_t open, size_t top,
                                   vmir_error *err) {
  size_t count = top - open - 1;
  vmir_value *c = &slots[open].value;
  const vmir_member *kids = &slots[open + 1];
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
    if (count) {
      members = VMIR_ARENA_NEW_ARRAY(arena, vmir_member, count);
      if (!members) return vmir_source_arena_failed(src, err, arena, src->pos);
      memcpy(members, kids, count * sizeof *members);
    }
    c->as.object.members = members;
    c->as.object.len = count;
  }
  return VMIR_OK;
}

static vmir_status read_tree(vmir_source *src, vmir_arena *arena, vmir_value *out,
                             vmir_error *err) {
  vmir_member *slots = NULL;
  size_t cap = 0, top = 0, depth = 0;
  size_t open = NO_CONTAINER;   /* slot of the innermost open container */
  vmir_status st;
  static const vmir_str no_key = {NULL, 0};

#define TRY(call)                       \
  do {                                  \
    if ((st = (call)) != VMIR_OK) return st; \
  } while (0)

  TRY(ensure_slot(src, arena, &slots, &cap, top, err));
  slots[top].key = no_key;

value:  /* a value goes into slot `top` (its key, if any, is already set) */
  vmir_json_skip_ws(src);
  if (src->pos >= src->len) return vmir_source_expected(src, err, src->pos, "a JSON value");
  {
    uint8_t c = src->data[src->pos];
    if (c == '[' || c == '{') {
      if (depth >= src->depth_limit) return too_deep(src, err);
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

key:  /* an object member name into slot `top`, then ':' */
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != '"')
    return vmir_source_expected(src, err, src->pos, "a string (object member name)");
  TRY(vmir_json_lex_string(src, arena, true, &slots[top].key, err));
  vmir_json_skip_ws(src);
  if (src->pos >= src->len || src->data[src->pos] != ':')
    return vmir_source_expected(src, err, src->pos, "':' after object member name");
  src->pos++;
  goto value;

after:  /* a value is complete: continue or close the innermost container */
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
    return vmir_source_expected(src, err, src->pos,
                                is_array ? "',' or ']' after array element"
                                         : "',' or '}' after object member");
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
#undef TRY
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
