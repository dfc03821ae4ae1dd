/* The inline fast paths of build-field, build-store and
 * build-push-element (part of exec/ops.h). They do the common case of each action in place, with no
 * call and no dispatch on the destination's kind, and leave everything
 * else to the action itself in build.c, which reports: what they decline
 * has had no effect. build.c's build-store runs vmir_build_store_plain
 * first too, so the conversions of a scalar into a destination are
 * written once.
 *
 * Why inline: perf showed the out-of-line actions as a sixth of the
 * stencils' twitter decode, most of it the switch on the destination's
 * kind (one indirect jump for every field, badly predicted) and the
 * search for the struct's tracking frame. Generated code that knows the
 * field's kind (shape inference) passes it as a constant. The element
 * push was 13 % of canada's MessagePack decode under the stencils (a
 * call, the frame search again, and a memset call per element). */
#ifndef VMIR_EXEC_OPS_BUILD_INLINE_H
#define VMIR_EXEC_OPS_BUILD_INLINE_H

#include "exec/build_complete.h"
#include "exec/build_store.h"

/* (included by exec/ops.h after its definitions) */

/* build-field `index`: the struct being built is the innermost tracked
 * one (build.c searches outwards for the rare others) and the field is
 * new: its bit is set here. A repeat, or anything unusual, goes to the
 * action. */
VMIR_OP_INLINE vmir_status vmir_op_build_field(vmir_op_ctx *k, uint32_t index, uint32_t last_wins) {
  vmir_decoder *dec = k->vm->dec->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (dec->track_len) {
    const vmir_track_frame *f = &dec->tracks[dec->track_len - 1];
    if (f->addr == cur->addr && f->shape == cur->shape && index < f->count) {
      uint64_t *word = &dec->bits[f->bits + index / 64];
      uint64_t bit = UINT64_C(1) << (index % 64);
      if (!(*word & bit)) {
        *word |= bit;
        return VMIR_OK;
      }
    }
  }
  k->vm->pc = k->pc;
  return vmir_build_field(k->exe, k->vm, index, last_wins, k->err);
}

/* The n (at most 32) bytes at p zeroed by at most two overlapping stores
 * of one width, with no call: the stencils know a size only at run time,
 * and may not call memset. */
VMIR_OP_INLINE void vmir_op_zero_small(uint8_t *p, size_t n) {
  if (n >= 16) {
    memset(p, 0, 16);
    memset(p + n - 16, 0, 16);
  } else if (n >= 8) {
    memset(p, 0, 8);
    memset(p + n - 8, 0, 8);
  } else if (n >= 4) {
    memset(p, 0, 4);
    memset(p + n - 4, 0, 4);
  } else if (n >= 2) {
    memset(p, 0, 2);
    memset(p + n - 2, 0, 2);
  } else if (n) {
    p[0] = 0;
  }
}

/* build-push-element: the list or fixed array being built is the innermost
 * build frame, its storage has room, and the path has room: the element is
 * zeroed and entered here. `stride`: the element size generated code
 * expects (a constant, so the zeroing is a few stores), or 0 for the
 * frame's own when it is at most 32 bytes. Growing the storage, a frame
 * of another shape, other strides, and every error go to the action. */
VMIR_OP_INLINE bool vmir_op_push_element_fast(vmir_op_ctx *k, uint32_t stride) {
  vmir_vm_state *vm = k->vm;
  vmir_decoder *dec = vm->dec->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (dec->build_len) {
    vmir_build_frame *f = &dec->builds[dec->build_len - 1];
    uint32_t level = cur->level + 1; /* vmir_vm_entry_level of an element */
    if (f->dest == cur->addr && f->shape == cur->shape && f->len < f->cap &&
        f->shape->kind != VMIR_KIND_MAP &&
        (stride ? f->stride == stride : f->stride <= 32) &&
        vm->path_depth < vm->path_cap && (!vm->doc_depth_limit || level <= vm->doc_depth_limit)) {
      uint8_t *item = f->items + f->len * f->stride;
      if (stride) memset(item, 0, stride);
      else vmir_op_zero_small(item, f->stride);
      vmir_op_put_entry(vm, level, item, f->shape->u.sequence.element, VMIR_SEG_ELEMENT, f->len, 0);
      f->len++;
      return true;
    }
  }
  return false;
}

/* build-begin-struct: a struct or tuple of at most 64 fields, with room
 * on the tracking stacks, gets its frame (and its word of seen bits)
 * here. Enums, wider structs, stack growth and errors go to the action. */
VMIR_OP_INLINE bool vmir_op_begin_struct_fast(vmir_op_ctx *k) {
  vmir_decoder *dec = k->vm->dec->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  if ((s->kind == VMIR_KIND_STRUCT || s->kind == VMIR_KIND_TUPLE) && s->u.fields.count <= 64 &&
      dec->track_len < dec->track_cap && dec->bits_len < dec->bits_cap) {
    size_t words = s->u.fields.count != 0;
    dec->bits[dec->bits_len] = 0;
    dec->tracks[dec->track_len++] =
        (vmir_track_frame){.addr = (uint8_t *)(uintptr_t)cur->addr, .shape = s,
                           .fields = s->u.fields.fields, .count = s->u.fields.count,
                           .bits = dec->bits_len};
    dec->bits_len += words;
    return true;
  }
  return false;
}

/* build-end-struct: the innermost frame is the current struct's, of at
 * most 64 fields, and every absent field may be absent
 * (exec/build_complete.h): popped here. A missing required field, and
 * every other error, go to the action. */
VMIR_OP_INLINE bool vmir_op_end_struct_fast(vmir_op_ctx *k) {
  vmir_decoder *dec = k->vm->dec->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (dec->track_len) {
    const vmir_track_frame *f = &dec->tracks[dec->track_len - 1];
    if (f->addr == cur->addr && f->shape == cur->shape && f->count <= 64) {
      uint64_t absent = f->count ? ~dec->bits[f->bits] & (UINT64_MAX >> (64 - f->count)) : 0;
      for (; absent; absent &= absent - 1)
        if (!vmir_build_field_optional(&f->fields[__builtin_ctzll(absent)])) return false;
      dec->bits_len = f->bits;
      dec->track_len--;
      return true;
    }
  }
  return false;
}

/* build-begin-list and build-begin-map: a list, fixed array or map gets
 * its build frame here when the frame stack has room; growth and errors
 * go to the action. */
VMIR_OP_INLINE bool vmir_op_begin_container_fast(vmir_op_ctx *k) {
  vmir_decoder *dec = k->vm->dec->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  if (dec->build_len == dec->build_cap ||
      !vmir_build_frame_begin(s, (uint8_t *)(uintptr_t)cur->addr, &dec->builds[dec->build_len]))
    return false;
  dec->build_len++;
  return true;
}

/* build-end-list and build-end-map: the innermost build frame is the
 * current value's, and a fixed array has all its elements: the list or
 * map is written to its destination and the frame dropped here. */
VMIR_OP_INLINE bool vmir_op_end_container_fast(vmir_op_ctx *k) {
  vmir_decoder *dec = k->vm->dec->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (!dec->build_len) return false;
  const vmir_build_frame *f = &dec->builds[dec->build_len - 1];
  if (f->dest != cur->addr || f->shape != cur->shape || !vmir_build_frame_end(f)) return false;
  dec->build_len--;
  return true;
}

/* build-set-some and build-set-none of an option held as a flag and an
 * inline payload of at most 32 bytes: the payload zeroed and the flag
 * set here. Options held as a pointer (an arena allocation) and errors go
 * to the action. */
VMIR_OP_INLINE bool vmir_op_set_flag_option(vmir_op_ctx *k, bool some) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  if (s->kind != VMIR_KIND_OPTION || s->u.option.repr != VMIR_OPTION_FLAG ||
      s->u.option.payload->size > 32)
    return false;
  uint8_t *p = (uint8_t *)(uintptr_t)cur->addr;
  vmir_op_zero_small(p + s->u.option.payload_offset, s->u.option.payload->size);
  p[s->u.option.flag_offset] = some;
  return true;
}

/* vmir_op_build_NAME(k, operand): `fast` (an expression of k and the
 * operand) when it does the action, else the action itself. The operand
 * is push-element's element size (0: the frame's own), unused by the
 * others. */
#define VMIR_OP_BUILD_FAST_OR_ACTION(name, fast)                               \
  VMIR_OP_INLINE vmir_status vmir_op_build_##name(vmir_op_ctx *k, uint32_t operand) { \
    (void)operand;                                                             \
    if (fast) return VMIR_OK;                                                  \
    k->vm->pc = k->pc;                                                         \
    return vmir_build_##name(k->exe, k->vm, 0, 0, k->err);                     \
  }
VMIR_OP_BUILD_FAST_OR_ACTION(push_element, vmir_op_push_element_fast(k, operand))
VMIR_OP_BUILD_FAST_OR_ACTION(begin_struct, vmir_op_begin_struct_fast(k))
VMIR_OP_BUILD_FAST_OR_ACTION(end_struct, vmir_op_end_struct_fast(k))
VMIR_OP_BUILD_FAST_OR_ACTION(begin_list, vmir_op_begin_container_fast(k))
VMIR_OP_BUILD_FAST_OR_ACTION(begin_map, vmir_op_begin_container_fast(k))
VMIR_OP_BUILD_FAST_OR_ACTION(end_list, vmir_op_end_container_fast(k))
VMIR_OP_BUILD_FAST_OR_ACTION(end_map, vmir_op_end_container_fast(k))
VMIR_OP_BUILD_FAST_OR_ACTION(set_some, vmir_op_set_flag_option(k, true))
VMIR_OP_BUILD_FAST_OR_ACTION(set_none, vmir_op_set_flag_option(k, false))
#undef VMIR_OP_BUILD_FAST_OR_ACTION

/* X(OP, name): the build actions whose inline fast path generated code
 * runs as one kernel, vmir_op_build_NAME(k, operand) (above). */
#define VMIR_BUILD_INLINE_OPS(X)                                               \
  X(BUILD_PUSH_ELEMENT, push_element)                                          \
  X(BUILD_BEGIN_STRUCT, begin_struct)                                          \
  X(BUILD_END_STRUCT, end_struct)                                              \
  X(BUILD_BEGIN_LIST, begin_list)                                              \
  X(BUILD_END_LIST, end_list)                                                  \
  X(BUILD_BEGIN_MAP, begin_map)                                                \
  X(BUILD_END_MAP, end_map)                                                    \
  X(BUILD_SET_SOME, set_some)                                                  \
  X(BUILD_SET_NONE, set_none)

/* Whether string s of the scalar register was made by the read just
 * before, unescaped into the decoder's arena: its bytes are the arena's
 * last allocation (they end at the bump pointer) and lie outside the
 * input. Such bytes belong to the value already and need no copy. Only
 * for a store that directly follows its read (a fused field read), where
 * nothing else can have allocated in between. */
VMIR_OP_INLINE bool vmir_op_string_fresh(const vmir_decode_state *d, vmir_str s) {
  uintptr_t at = (uintptr_t)s.ptr, in = (uintptr_t)d->src.data;
  return s.len && (const uint8_t *)s.ptr + s.len == d->dec->arena.ptr &&
         (at < in || at - in >= d->src.len);
}

/* build-store's fast path where generated code expects a destination of
 * `kind` (a constant: only its case is code): true when stored, false
 * with no effect. `fresh_read`: the store directly follows the read of
 * its scalar (vmir_op_string_fresh). */
VMIR_OP_INLINE bool vmir_op_build_store_fast(vmir_op_ctx *k, vmir_kind kind, bool fresh_read) {
  vmir_decode_state *d = k->vm->dec;
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (cur->shape->kind != kind) return false;
  uint8_t *p = (uint8_t *)(uintptr_t)cur->addr;
  if (kind != VMIR_KIND_STRING) return vmir_build_store_plain(kind, cur->shape->size, &d->scalar, p);
  if (d->scalar.type != VMIR_SCALAR_STRING || !d->scalar.as.string.len) return false;
  vmir_str s = d->scalar.as.string;
  if (!fresh_read || !vmir_op_string_fresh(d, s)) s.ptr = vmir_arena_dup(&d->dec->arena, s.ptr, s.len);
  /* (a failed copy is the action's to report: it copies again) */
  if (!s.ptr) return false;
  memcpy(p, &s, sizeof s);
  return true;
}

/* build-store: the fast path for `kind`, else the action. */
VMIR_OP_INLINE vmir_status vmir_op_build_store_as(vmir_op_ctx *k, vmir_kind kind, bool fresh_read) {
  if (vmir_op_build_store_fast(k, kind, fresh_read)) return VMIR_OK;
  k->vm->pc = k->pc;
  return vmir_build_store(k->exe, k->vm, 0, 0, k->err);
}

#endif
