/* msgpack-read-value and msgpack-skip-value: any value, iteratively.
 *
 * MessagePack containers declare their counts up front, so read-value
 * allocates each array or map once, at its header (the count was already
 * checked against the remaining input), and fills it in place. The stack of
 * open containers lives in the arena's scratch buffer: no recursion, no C
 * stack growth with nesting.
 *
 * Map keys must be strings: the value model (vmir_value objects) and every
 * shape map have string keys, and a JSON-like tree with other keys could
 * not be re-encoded as JSON. A non-string key is rejected ("map key must be
 * a string"). */
#include <stdio.h>
#include <string.h>

#include "format/msgpack_internal.h"
#include "format/value_notes.h"
#include "util/keyset.h"

typedef struct mp_frame {
  vmir_value *items;      /* array elements, or NULL */
  vmir_member *members;   /* map entries, or NULL */
  uint64_t next, count;
  vmir_value *container;  /* the array or map itself */
  uint64_t kept;          /* maps with notes: members kept, one per key */
  uint64_t at;            /* the slot the item being read went to */
  vmir_keyset keys;       /* maps with notes: the keys kept */
} mp_frame;

/* The path of the item being read in frame `depth - 1` (item = true) or of
 * that frame's container. */
static void frame_path(const mp_frame *frames, size_t depth, bool item, vmir_rpath *out) {
  vmir_rpath_init(out);
  for (size_t k = depth; k-- > 0;) {
    if (k + 1 == depth && !item) continue;
    const mp_frame *f = &frames[k];
    if (f->members) vmir_rpath_key(out, f->members[f->at].key);
    else vmir_rpath_index(out, f->at);
  }
}

/* Where the item in frame `f` goes: its own slot, or, under notes, the
 * slot of the member with the same key (the last value wins; the repeat is
 * noted). */
static vmir_status place_member(vmir_source *src, vmir_arena *arena, mp_frame *frames,
                                size_t depth, size_t key_offset, vmir_error *err) {
  mp_frame *f = &frames[depth - 1];
  vmir_str key = f->members[f->kept].key;
  size_t j;
  vmir_keyset_result r = vmir_keyset_lookup(&f->keys, arena, f->members, sizeof *f->members,
                                            (size_t)f->kept, key, &j);
  if (r == VMIR_KEYSET_NOMEM) return vmir_source_arena_failed(src, err, arena, key_offset);
  if (r == VMIR_KEYSET_ABSENT) {
    f->at = f->kept++;
    return VMIR_OK;
  }
  f->at = j;
  vmir_rpath path;
  frame_path(frames, depth, false, &path);
  vmir_value_notes_dup(src->notes, key_offset, key, &path);
  return VMIR_OK;
}

static vmir_status too_deep(vmir_source *src, size_t at, vmir_error *err) {
  return vmir_source_fail(src, err, VMIR_E_LIMIT, at, "nesting deeper than %zu levels",
                          src->depth_limit);
}

/* Makes room for `depth` + 1 elements of `size` bytes in the scratch stack. */
static void *stack_room(vmir_source *src, vmir_arena *arena, void *stack, size_t *cap,
                        size_t depth, size_t size, vmir_error *err, vmir_status *st) {
  if (depth < *cap) return stack;
  size_t want = *cap ? *cap * 2 : 32;
  void *grown = want <= SIZE_MAX / size ? vmir_arena_scratch(arena, want * size) : NULL;
  if (!grown) {
    *st = vmir_source_arena_failed(src, err, arena, src->pos);
    return NULL;
  }
  *cap = want;
  return grown;
}

static vmir_status key_not_string(const vmir_source *src, vmir_error *err) {
  uint8_t b = src->data[src->pos];
  return vmir_source_fail(src, err, VMIR_E_DECODE, src->pos,
                          "map key must be a string, found %s (0x%02x)",
                          vmir_mp_format_name(b), b);
}

/* A map key: a str, copied into the arena. */
static vmir_status read_key(vmir_source *src, vmir_arena *arena, vmir_str *key,
                            vmir_error *err) {
  if (src->pos < src->len && vmir_mp_kind_of(src->data[src->pos]) != MP_STR)
    return key_not_string(src, err);
  mp_item it;
  vmir_status st = vmir_mp_read_item(src, &it, err);
  if (st != VMIR_OK) return st;
  char *copy = vmir_arena_dup(arena, src->data + it.data, (size_t)it.count);
  if (!copy) return vmir_source_arena_failed(src, err, arena, it.data);
  key->ptr = copy;
  key->len = (size_t)it.count;
  return VMIR_OK;
}

/* The item at the cursor into *v; containers get their (uninitialised)
 * element storage, which the caller fills. */
static vmir_status read_one(vmir_source *src, vmir_arena *arena, vmir_value *v,
                            mp_item *it, vmir_error *err) {
  vmir_status st = vmir_mp_read_item(src, it, err);
  if (st != VMIR_OK) return st;
  switch (it->kind) {
    case MP_NIL: v->type = VMIR_VALUE_NULL; break;
    case MP_BOOL: v->type = VMIR_VALUE_BOOL; v->as.boolean = it->v.b; break;
    case MP_UINT: v->type = VMIR_VALUE_UINT; v->as.u64 = it->v.u; break;
    case MP_INT:
      if (it->negative) {
        v->type = VMIR_VALUE_INT;
        v->as.i64 = it->v.i;
      } else {
        v->type = VMIR_VALUE_UINT;
        v->as.u64 = it->v.u;
      }
      break;
    case MP_FLOAT: v->type = VMIR_VALUE_FLOAT; v->as.f64 = it->v.f; break;
    case MP_STR:
    case MP_BIN: {
      const uint8_t *copy = vmir_arena_dup(arena, src->data + it->data, (size_t)it->count);
      if (!copy) return vmir_source_arena_failed(src, err, arena, it->data);
      if (it->kind == MP_STR) {
        v->type = VMIR_VALUE_STRING;
        v->as.string.ptr = (const char *)copy;
        v->as.string.len = (size_t)it->count;
      } else {
        v->type = VMIR_VALUE_BYTES;
        v->as.bytes.ptr = copy;
        v->as.bytes.len = (size_t)it->count;
      }
      break;
    }
    case MP_ARRAY: {
      /* count <= remaining bytes (checked by the item reader). */
      size_t n = (size_t)it->count;
      v->type = VMIR_VALUE_ARRAY;
      v->as.array.items = n ? VMIR_ARENA_NEW_ARRAY(arena, vmir_value, n) : NULL;
      v->as.array.len = n;
      if (n && !v->as.array.items) return vmir_source_arena_failed(src, err, arena, src->pos);
      break;
    }
    case MP_MAP: {
      size_t n = (size_t)it->count;
      v->type = VMIR_VALUE_OBJECT;
      v->as.object.members = n ? VMIR_ARENA_NEW_ARRAY(arena, vmir_member, n) : NULL;
      v->as.object.len = n;
      if (n && !v->as.object.members)
        return vmir_source_arena_failed(src, err, arena, src->pos);
      break;
    }
    case MP_EXT: {
      const uint8_t *copy = vmir_arena_dup(arena, src->data + it->data, (size_t)it->count);
      if (!copy) return vmir_source_arena_failed(src, err, arena, it->data);
      v->type = VMIR_VALUE_EXT;
      /* count fits: the ext 32 length field is 32 bits */
      v->as.ext = (vmir_ext){.data = copy, .len = (uint32_t)it->count, .type = it->ext_type};
      break;
    }
    case MP_RESERVED:
      break;  /* the item reader rejects it */
  }
  return VMIR_OK;
}

static vmir_status read_tree(vmir_source *src, vmir_arena *arena, vmir_value *out,
                             vmir_error *err) {
  mp_frame *frames = NULL;
  size_t cap = 0, depth = 0;
  vmir_value root;
  vmir_value *target = &root;
  vmir_status st = VMIR_OK;
  bool in_item = true;
  for (;;) {
    size_t at = src->pos;
    mp_item it;
    in_item = true;
    if ((st = read_one(src, arena, target, &it, err)) != VMIR_OK) goto failed;
    if (it.kind == MP_ARRAY || it.kind == MP_MAP) {
      /* Every frame on the stack is an ancestor of this container. */
      if (depth >= src->depth_limit) {
        st = too_deep(src, at, err);
        goto failed;
      }
      if (it.count) {
        mp_frame *grown = stack_room(src, arena, frames, &cap, depth, sizeof *frames, err, &st);
        if (!grown) goto failed;
        frames = grown;
        mp_frame *f = &frames[depth++];
        f->items = it.kind == MP_ARRAY ? target->as.array.items : NULL;
        f->members = it.kind == MP_MAP ? target->as.object.members : NULL;
        f->next = 0;
        f->count = it.count;
        f->container = target;
        f->kept = 0;
        f->at = 0;
        vmir_keyset_reset(&f->keys);
      }
    }
    /* Next slot to fill: the next element of the innermost unfinished
     * container. */
    for (;;) {
      if (depth == 0) {
        *out = root;
        return VMIR_OK;
      }
      mp_frame *f = &frames[depth - 1];
      if (f->next < f->count) {
        size_t i = (size_t)f->next++;
        if (f->members) {
          size_t key_at = src->pos;
          size_t slot = src->notes ? (size_t)f->kept : i;
          in_item = false;
          if ((st = read_key(src, arena, &f->members[slot].key, err)) != VMIR_OK) goto failed;
          f->at = slot;
          if (src->notes && (st = place_member(src, arena, frames, depth, key_at, err)) != VMIR_OK)
            goto failed;
          target = &f->members[f->at].value;
        } else {
          f->at = i;
          target = &f->items[i];
        }
        break;
      }
      if (f->members && src->notes) f->container->as.object.len = (size_t)f->kept;
      depth--;
    }
  }
failed:
  if (src->notes) {
    vmir_rpath path;
    frame_path(frames, depth, in_item, &path);
    snprintf(src->notes->fail_path, sizeof src->notes->fail_path, "%s", vmir_rpath_str(&path));
  }
  return st;
}

vmir_status vmir_msgpack_read_value(vmir_source *src, vmir_arena *arena,
                                    vmir_value *out, vmir_error *err) {
  vmir_arena_pos mark = vmir_arena_mark(arena);
  vmir_status st = read_tree(src, arena, out, err);
  if (st != VMIR_OK) vmir_arena_reset_to(arena, mark);
  return st;
}

/* ---- skip-value: the same validation, nothing built ---------------------
 * Each open container keeps the number of items still to come (a map
 * counts keys and values, so an even count means a key is next). */
typedef struct mp_skip_frame {
  uint64_t left;
  bool map;
} mp_skip_frame;

vmir_status vmir_msgpack_skip_value(vmir_source *src, vmir_arena *arena,
                                    vmir_error *err) {
  mp_skip_frame *frames = NULL;
  size_t cap = 0, depth = 0;
  vmir_status st = VMIR_OK;
  for (;;) {
    if (depth > 0) {
      mp_skip_frame *f = &frames[depth - 1];
      bool key_next = f->map && f->left % 2 == 0;
      f->left--;
      if (key_next && src->pos < src->len &&
          vmir_mp_kind_of(src->data[src->pos]) != MP_STR)
        return key_not_string(src, err);
    }
    size_t at = src->pos;
    mp_item it;
    if ((st = vmir_mp_read_item(src, &it, err)) != VMIR_OK) return st;
    if (it.kind == MP_ARRAY || it.kind == MP_MAP) {
      if (depth >= src->depth_limit) return too_deep(src, at, err);
      if (it.count) {
        frames = stack_room(src, arena, frames, &cap, depth, sizeof *frames, err, &st);
        if (!frames) return st;
        frames[depth].left = it.kind == MP_MAP ? it.count * 2 : it.count;
        frames[depth].map = it.kind == MP_MAP;
        depth++;
      }
    }
    while (depth > 0 && frames[depth - 1].left == 0) depth--;
    if (depth == 0) return VMIR_OK;
  }
}
