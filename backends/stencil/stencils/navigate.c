/* Navigation: enter-* push a path entry, leave pops one. Every read of the
 * user's value goes through value_access.h and the current entry's shape,
 * as in the interpreter: kinds and indexes are checked against the shape
 * before any address is formed. t[impl format.exec.bounded-memory-access] */
#include "stencil.h"

/* enter-field: A = field index. */
STENCIL vmir_stencil_enter_field(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  uint32_t i = OPERAND_A;
  if (UNLIKELY((s->kind != VMIR_KIND_STRUCT && s->kind != VMIR_KIND_TUPLE) || i >= s->u.fields.count))
    DEOPT_CHECK();
  const vmir_field *f = &s->u.fields.fields[i];
  if (UNLIKELY(!push_entry(vm, cur->addr + f->offset, f->shape, VMIR_SEG_FIELD, i, 0))) DEOPT_CHECK();
  CONTINUE();
}

/* enter-variant-field: A = variant, B = field index. */
STENCIL vmir_stencil_enter_variant_field(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  uint32_t v = OPERAND_A, i = OPERAND_B;
  if (UNLIKELY(s->kind != VMIR_KIND_ENUM)) DEOPT_CHECK();
  int64_t active = vmir_enum_variant(s, cur->addr, NULL);
  if (UNLIKELY(active != (int64_t)v || i >= s->u.enumeration.variants[v].field_count)) DEOPT_CHECK();
  const vmir_field *f = &s->u.enumeration.variants[v].fields[i];
  if (UNLIKELY(!push_entry(vm, cur->addr + f->offset, f->shape, VMIR_SEG_VARIANT_FIELD, i, v)))
    DEOPT_CHECK();
  CONTINUE();
}

STENCIL vmir_stencil_enter_some(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  if (UNLIKELY(s->kind != VMIR_KIND_OPTION || !vmir_option_present(s, cur->addr))) DEOPT_CHECK();
  if (UNLIKELY(!push_entry(vm, vmir_option_payload(s, cur->addr), s->u.option.payload, VMIR_SEG_SOME,
                           0, 0)))
    DEOPT_CHECK();
  CONTINUE();
}

STENCIL vmir_stencil_enter_pointee(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  if (UNLIKELY(s->kind != VMIR_KIND_POINTER)) DEOPT_CHECK();
  const uint8_t *target = vmir_read_ptr(cur->addr);
  if (UNLIKELY(!target)) DEOPT_CHECK();
  if (UNLIKELY(!push_entry(vm, target, s->u.pointer.target, VMIR_SEG_POINTEE, 0, 0))) DEOPT_CHECK();
  CONTINUE();
}

/* enter-element at the innermost loop index (bounds-checked against the
 * list's length or the array's count). */
STENCIL vmir_stencil_enter_element(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  if (UNLIKELY(vm->loop_depth == 0)) DEOPT_CHECK();
  uint64_t i = vm->loops[vm->loop_depth - 1].index;
  const uint8_t *base;
  uint64_t len;
  if (s->kind == VMIR_KIND_LIST) {
    vmir_list l = vmir_read_list(cur->addr);
    base = l.ptr;
    len = l.len;
  } else if (s->kind == VMIR_KIND_ARRAY) {
    base = cur->addr;
    len = s->u.sequence.count;
  } else {
    DEOPT_CHECK();
  }
  /* A NULL list with a length is the interpreter's to judge: no address
   * is ever formed from it here. */
  if (UNLIKELY(i >= len || !base)) DEOPT_CHECK();
  const vmir_shape *es = s->u.sequence.element;
  if (UNLIKELY(!push_entry(vm, base + i * es->size, es, VMIR_SEG_ELEMENT, i, 0))) DEOPT_CHECK();
  CONTINUE();
}

STENCIL vmir_stencil_enter_map_value(STENCIL_ARGS) {
  const vmir_path_entry *cur = CUR;
  const vmir_shape *s = cur->shape;
  if (UNLIKELY(s->kind != VMIR_KIND_MAP || vm->loop_depth == 0)) DEOPT_CHECK();
  uint64_t i = vm->loops[vm->loop_depth - 1].index;
  vmir_list l = vmir_read_list(cur->addr);
  if (UNLIKELY(i >= l.len || !l.ptr)) DEOPT_CHECK();
  const uint8_t *entry = (const uint8_t *)l.ptr + i * s->u.map.entry_size;
  if (UNLIKELY(!push_entry(vm, entry + s->u.map.value_offset, s->u.map.value, VMIR_SEG_MAP_VALUE, i,
                           0)))
    DEOPT_CHECK();
  CONTINUE();
}

STENCIL vmir_stencil_leave(STENCIL_ARGS) {
  if (UNLIKELY(vm->path_depth <= 1)) DEOPT_CHECK();
  vm->path_depth--;
  CONTINUE();
}
