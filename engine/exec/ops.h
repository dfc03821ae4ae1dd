/* Op kernels: the semantics of each opcode, written once. The interpreter
 * (interp.c) calls them; every JIT backend instantiates them (the stencils
 * inline them with operands as patched constants), so a change of an op's
 * behaviour is made here and nowhere else.
 *
 * A kernel does the instruction's work on the shared VM state and returns
 *   VMIR_OK          done (the caller moves the pc: kernels never do, so
 *                    a caller can chain straight to the next code);
 *   VMIR_OP_CHECK    a check failed before any effect: only when the
 *                    context does not report (generated code), which then
 *                    deopts at this pc and lets the interpreter re-run it;
 *   an error         err filled exactly as the interpreter reports it
 *                    (every failure when the context reports; in generated
 *                    code only failures after an effect, e.g. a sink or the
 *                    host hook said no).
 * Branching ops hand the branch taken back to the caller, which picks the
 * target (the interpreter from the instruction, stencils from holes).
 *
 * `report` is a constant at every call site (the interpreter passes true,
 * stencils false), so after inlining each instantiation keeps only its own
 * failure path. t[impl format.exec.jit-semantic-equivalence] */
#ifndef VMIR_EXEC_OPS_H
#define VMIR_EXEC_OPS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/decode_state.h"
#include "exec/exec_error.h"
#include "exec/executable.h"
#include "exec/value_access.h"
#include "exec/vm_state.h"
#include "sink/sink_internal.h"

/* A check failed; generated code deopts (never leaves the engine). */
#define VMIR_OP_CHECK ((vmir_status)1002)

#define VMIR_OP_INLINE static inline __attribute__((always_inline))
#define VMIR_OP_UNLIKELY(x) __builtin_expect(!!(x), 0)

typedef struct vmir_op_ctx {
  const vmir_executable *exe;
  vmir_vm_state *vm;
  vmir_error *err;
  uint32_t pc;               /* the instruction's absolute index */
  bool report;               /* true: report check failures as errors */
  /* Generated code only (NULL in the interpreter): the slot where a
   * switch-key keeps the case it expects next (vmir_op_match_hinted). */
  uint32_t *key_hint;
} vmir_op_ctx;

#define VMIR_OP_CUR(k) (&(k)->vm->path[(k)->vm->path_depth - 1])

/* A failed check: the interpreter's error, or VMIR_OP_CHECK. */
#define VMIR_OP_FAIL(k, code, ...)                                             \
  do {                                                                         \
    if (!(k)->report) return VMIR_OP_CHECK;                                    \
    (k)->vm->pc = (k)->pc;                                                     \
    return vmir_exec_fail((k)->exe, (k)->vm, (k)->err, (code), __VA_ARGS__);   \
  } while (0)

#define VMIR_OP_WRONG_KIND(k, what) \
  VMIR_OP_FAIL(k, VMIR_E_EXEC, "%s on a %s value", what, vmir_kind_name(VMIR_OP_CUR(k)->shape->kind))

/* A sink call; a failure is the interpreter's execution error. */
#define VMIR_OP_SINK(k, call)                                                  \
  do {                                                                         \
    vmir_status st_ = (call);                                                  \
    if (VMIR_OP_UNLIKELY(st_ != VMIR_OK)) {                                    \
      (k)->vm->pc = (k)->pc;                                                   \
      return vmir_exec_sink_failed((k)->exe, (k)->vm, (k)->err, st_);          \
    }                                                                          \
  } while (0)

typedef vmir_status (*vmir_sink_len_fn)(vmir_sink *, uint64_t);
typedef vmir_status (*vmir_sink_name_fn)(vmir_sink *, vmir_str);
typedef vmir_status (*vmir_sink_scalar_fn)(vmir_sink *, const vmir_scalar *);
typedef vmir_status (*vmir_sink_end_fn)(vmir_sink *);

/* ---- control ------------------------------------------------------------- */

VMIR_OP_INLINE vmir_status vmir_op_branch_some(vmir_op_ctx *k, bool *present) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (VMIR_OP_UNLIKELY(cur->shape->kind != VMIR_KIND_OPTION)) VMIR_OP_WRONG_KIND(k, "branch-some");
  *present = vmir_option_present(cur->shape, cur->addr);
  return VMIR_OK;
}

/* The active variant's case index (< cases). t[impl format.ir.enum-active-variant] */
VMIR_OP_INLINE vmir_status vmir_op_switch_variant(vmir_op_ctx *k, uint32_t cases, uint32_t *out) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (VMIR_OP_UNLIKELY(cur->shape->kind != VMIR_KIND_ENUM)) VMIR_OP_WRONG_KIND(k, "switch-variant");
  int64_t tag;
  int64_t v = vmir_enum_variant(cur->shape, cur->addr, &tag);
  if (VMIR_OP_UNLIKELY(v < 0 || (uint64_t)v >= cases))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "enum %s has tag %lld, which names no variant",
                 cur->shape->name ? cur->shape->name : "(anonymous)", (long long)tag);
  *out = (uint32_t)v;
  return VMIR_OK;
}

/* Pushes the frame of a call to `proc` returning to return_pc and makes
 * it the current proc; the caller continues at the callee's entry. */
VMIR_OP_INLINE vmir_status vmir_op_call(vmir_op_ctx *k, uint32_t proc, uint32_t return_pc) {
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(vm->frame_depth == vm->frame_cap) && !vmir_vm_grow_frames(vm)) {
    if (!k->report) return VMIR_OP_CHECK;
    vm->pc = k->pc;
    return vmir_call_too_deep(k->exe, vm, k->err);
  }
  vmir_frame *f = &vm->frames[vm->frame_depth++];
  f->return_pc = return_pc;
  f->path_depth = vm->path_depth;
  f->loop_depth = vm->loop_depth;
  f->proc = vm->proc;
  vm->proc = proc;
  return VMIR_OK;
}

/* Returns from a call: *done when the entry proc returned (the run is
 * over), else *to is the pc to continue at. */
VMIR_OP_INLINE vmir_status vmir_op_ret(vmir_op_ctx *k, bool *done, uint32_t *to) {
  vmir_vm_state *vm = k->vm;
  *done = vm->frame_depth == 0;
  if (*done) return VMIR_OK;
  const vmir_frame *f = &vm->frames[vm->frame_depth - 1];
  if (VMIR_OP_UNLIKELY(f->path_depth != vm->path_depth || f->loop_depth != vm->loop_depth))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "ret with unbalanced navigation");
  vm->frame_depth--;
  vm->proc = f->proc;
  *to = f->return_pc;
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_push_loop(vmir_op_ctx *k, uint64_t len) {
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(vm->loop_depth == vm->loop_cap) && !vmir_vm_grow_loops(vm))
    VMIR_OP_FAIL(k, VMIR_E_LIMIT, "loop nesting deeper than %u", vm->max_depth);
  vm->loops[vm->loop_depth++] = (vmir_loop_entry){0, len};
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_loop_begin(vmir_op_ctx *k) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  uint64_t len;
  if (s->kind == VMIR_KIND_ARRAY) {
    len = s->u.sequence.count;
  } else if (s->kind == VMIR_KIND_LIST || s->kind == VMIR_KIND_MAP) {
    vmir_list l = vmir_read_list(cur->addr);
    len = l.len;
    if (len) {
      uint32_t stride = s->kind == VMIR_KIND_MAP ? s->u.map.entry_size : s->u.sequence.element->size;
      if (VMIR_OP_UNLIKELY(!l.ptr))
        VMIR_OP_FAIL(k, VMIR_E_EXEC, "%s with NULL data and length %llu", vmir_kind_name(s->kind),
                     (unsigned long long)len);
      if (VMIR_OP_UNLIKELY(stride && len > UINT64_MAX / stride))
        VMIR_OP_FAIL(k, VMIR_E_EXEC, "%s length %llu overflows its byte size",
                     vmir_kind_name(s->kind), (unsigned long long)len);
    }
  } else {
    VMIR_OP_WRONG_KIND(k, "loop-begin");
  }
  return vmir_op_push_loop(k, len);
}

VMIR_OP_INLINE vmir_status vmir_op_loop_begin_count(vmir_op_ctx *k) {
  if (VMIR_OP_UNLIKELY(!k->vm->dec)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "loop-begin-count outside decode");
  return vmir_op_push_loop(k, k->vm->dec->count);
}

/* *more: the innermost loop has another iteration (else it is popped). */
VMIR_OP_INLINE vmir_status vmir_op_loop_next(vmir_op_ctx *k, bool *more) {
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(vm->loop_depth == 0)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "loop-next without a loop");
  const vmir_loop_entry *l = &vm->loops[vm->loop_depth - 1];
  *more = l->index < l->len;
  if (!*more) vm->loop_depth--;
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_loop_step(vmir_op_ctx *k) {
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(vm->loop_depth == 0)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "loop-step without a loop");
  vm->loops[vm->loop_depth - 1].index++;
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_loop_exit(vmir_op_ctx *k) {
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(vm->loop_depth == 0)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "loop-exit without a loop");
  vm->loop_depth--;
  return VMIR_OK;
}

/* fail: always an error (string = the message's table index). */
VMIR_OP_INLINE vmir_status vmir_op_fail(vmir_op_ctx *k, uint32_t string) {
  const vmir_str *m = &k->exe->strings[string];
  if (!k->report) return VMIR_OP_CHECK;
  k->vm->pc = k->pc;
  if (k->vm->dec) return vmir_decode_fail(k->exe, k->vm, m, k->err);
  return vmir_exec_fail(k->exe, k->vm, k->err, VMIR_E_EXEC, "%.*s", (int)(m->len > 200 ? 200 : m->len),
                        m->ptr);
}

/* ---- navigation: t[impl format.ir.exec-stack-balance] ----------------------
 * Every read of the user's value goes through value_access.h and the
 * current entry's shape: kinds and indexes are checked before any address
 * is formed. t[impl format.exec.bounded-memory-access] */

/* Writes a path entry; the caller checked that there is room. */
VMIR_OP_INLINE void vmir_op_put_entry(vmir_vm_state *vm, uint32_t level, const uint8_t *addr,
                                      const vmir_shape *shape, vmir_segment seg, uint64_t index,
                                      uint32_t variant) {
  vmir_path_entry *e = &vm->path[vm->path_depth++];
  e->level = level;
  e->addr = addr;
  e->shape = shape;
  e->segment = seg;
  e->index = index;
  e->variant = variant;
}

/* Room for a path entry at `level`: past the document's depth limit, or
 * past the VM's stacks, a decode names the input position (events.c). */
VMIR_OP_INLINE vmir_status vmir_op_entry_room(vmir_op_ctx *k, uint32_t level) {
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(vm->doc_depth_limit && level > vm->doc_depth_limit)) {
    if (!k->report) return VMIR_OP_CHECK;
    vm->pc = k->pc;
    return vmir_decode_too_deep(k->exe, vm, false, k->err);
  }
  if (VMIR_OP_UNLIKELY(vm->path_depth == vm->path_cap) && !vmir_vm_grow_path(vm)) {
    if (!k->report) return VMIR_OP_CHECK;
    vm->pc = k->pc;
    if (vm->dec) return vmir_decode_too_deep(k->exe, vm, true, k->err);
    return vmir_exec_fail(k->exe, vm, k->err, VMIR_E_LIMIT, "value nesting deeper than %u", vm->max_depth);
  }
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_push(vmir_op_ctx *k, const uint8_t *addr, const vmir_shape *shape,
                                        vmir_segment seg, uint64_t index, uint32_t variant) {
  vmir_vm_state *vm = k->vm;
  uint32_t level = vmir_vm_entry_level(&vm->path[vm->path_depth - 1], seg, index);
  vmir_status st = vmir_op_entry_room(k, level);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  vmir_op_put_entry(vm, level, addr, shape, seg, index, variant);
  return VMIR_OK;
}

/* The field `index` of the current struct or tuple, checked as enter-field
 * checks it. */
VMIR_OP_INLINE vmir_status vmir_op_field_at(vmir_op_ctx *k, uint32_t index, const vmir_field **out) {
  const vmir_shape *s = VMIR_OP_CUR(k)->shape;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_STRUCT && s->kind != VMIR_KIND_TUPLE))
    VMIR_OP_WRONG_KIND(k, "enter-field");
  if (VMIR_OP_UNLIKELY(index >= s->u.fields.count))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "field index %u out of range", index);
  *out = &s->u.fields.fields[index];
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_enter_field(vmir_op_ctx *k, uint32_t index) {
  const vmir_field *f = NULL;
  vmir_status st = vmir_op_field_at(k, index, &f);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  return vmir_op_push(k, VMIR_OP_CUR(k)->addr + f->offset, f->shape, VMIR_SEG_FIELD, index, 0);
}

VMIR_OP_INLINE vmir_status vmir_op_enter_variant_field(vmir_op_ctx *k, uint32_t variant,
                                                       uint32_t index) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_ENUM)) VMIR_OP_WRONG_KIND(k, "enter-variant-field");
  int64_t active = vmir_enum_variant(s, cur->addr, NULL);
  if (VMIR_OP_UNLIKELY(active != (int64_t)variant ||
                       index >= s->u.enumeration.variants[variant].field_count))
    VMIR_OP_FAIL(k, VMIR_E_EXEC,
                 "enter-variant-field variant %u field %u, but the active variant is %lld", variant,
                 index, (long long)active);
  const vmir_field *f = &s->u.enumeration.variants[variant].fields[index];
  return vmir_op_push(k, cur->addr + f->offset, f->shape, VMIR_SEG_VARIANT_FIELD, index, variant);
}

VMIR_OP_INLINE vmir_status vmir_op_enter_some(vmir_op_ctx *k) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_OPTION)) VMIR_OP_WRONG_KIND(k, "enter-some");
  if (VMIR_OP_UNLIKELY(!vmir_option_present(s, cur->addr)))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "enter-some on an absent option");
  return vmir_op_push(k, vmir_option_payload(s, cur->addr), s->u.option.payload, VMIR_SEG_SOME, 0, 0);
}

VMIR_OP_INLINE vmir_status vmir_op_enter_pointee(vmir_op_ctx *k) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_POINTER)) VMIR_OP_WRONG_KIND(k, "enter-pointee");
  const uint8_t *target = vmir_read_ptr(cur->addr);
  if (VMIR_OP_UNLIKELY(!target)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "enter-pointee on a NULL pointer");
  return vmir_op_push(k, target, s->u.pointer.target, VMIR_SEG_POINTEE, 0, 0);
}

VMIR_OP_INLINE vmir_status vmir_op_enter_element(vmir_op_ctx *k) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_LIST && s->kind != VMIR_KIND_ARRAY))
    VMIR_OP_WRONG_KIND(k, "enter-element");
  if (VMIR_OP_UNLIKELY(vm->loop_depth == 0))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "enter-element outside a loop");
  uint64_t i = vm->loops[vm->loop_depth - 1].index, len;
  const uint8_t *base;
  if (s->kind == VMIR_KIND_ARRAY) {
    base = cur->addr;
    len = s->u.sequence.count;
  } else {
    vmir_list l = vmir_read_list(cur->addr);
    base = l.ptr;
    len = l.len;
  }
  /* A NULL list with a length never yields an address (loop-begin
   * rejects it; a corrupted loop index is caught here). */
  if (VMIR_OP_UNLIKELY(i >= len || !base))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "element %llu out of range", (unsigned long long)i);
  const vmir_shape *es = s->u.sequence.element;
  return vmir_op_push(k, base + i * es->size, es, VMIR_SEG_ELEMENT, i, 0);
}

VMIR_OP_INLINE vmir_status vmir_op_enter_map_value(vmir_op_ctx *k) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_MAP)) VMIR_OP_WRONG_KIND(k, "enter-map-value");
  if (VMIR_OP_UNLIKELY(vm->loop_depth == 0))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "enter-map-value outside a loop");
  uint64_t i = vm->loops[vm->loop_depth - 1].index;
  vmir_list l = vmir_read_list(cur->addr);
  if (VMIR_OP_UNLIKELY(i >= l.len || !l.ptr))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "map entry %llu out of range", (unsigned long long)i);
  const uint8_t *entry = (const uint8_t *)l.ptr + i * s->u.map.entry_size;
  return vmir_op_push(k, entry + s->u.map.value_offset, s->u.map.value, VMIR_SEG_MAP_VALUE, i, 0);
}

VMIR_OP_INLINE vmir_status vmir_op_leave(vmir_op_ctx *k) {
  if (VMIR_OP_UNLIKELY(k->vm->path_depth <= 1))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "leave would leave the root scope");
  k->vm->path_depth--;
  return VMIR_OK;
}

/* ---- emission: sinks get copies and views, never addresses ------------------
 * t[impl format.ir.exec-no-raw-pointer-to-sink] t[impl format.ir.exec-safe-scalar-interface]
 * t[impl format.exec.no-pointer-leak]
 * Each takes the callback to call: sink->ops's (the interpreter), or the
 * one generated code calls directly behind the sink guard. */

/* begin-struct / begin-seq with a known length (or VMIR_LEN_UNKNOWN). */
VMIR_OP_INLINE vmir_status vmir_op_emit_len(vmir_op_ctx *k, vmir_sink *sink, vmir_sink_len_fn fn,
                                            uint64_t len) {
  VMIR_OP_SINK(k, fn(sink, len));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_emit_begin_seq(vmir_op_ctx *k, vmir_sink *sink,
                                                  vmir_sink_len_fn fn) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  uint64_t len;
  if (s->kind == VMIR_KIND_LIST) len = vmir_read_list(cur->addr).len;
  else if (s->kind == VMIR_KIND_ARRAY) len = s->u.sequence.count;
  else VMIR_OP_WRONG_KIND(k, "emit-begin-seq");
  VMIR_OP_SINK(k, fn(sink, len));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_emit_begin_map(vmir_op_ctx *k, vmir_sink *sink,
                                                  vmir_sink_len_fn fn) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (VMIR_OP_UNLIKELY(cur->shape->kind != VMIR_KIND_MAP)) VMIR_OP_WRONG_KIND(k, "emit-begin-map");
  VMIR_OP_SINK(k, fn(sink, vmir_read_list(cur->addr).len));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_emit_name(vmir_op_ctx *k, vmir_sink *sink, vmir_sink_name_fn fn,
                                             vmir_str name) {
  VMIR_OP_SINK(k, fn(sink, name));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_emit_map_key(vmir_op_ctx *k, vmir_sink *sink,
                                                vmir_sink_name_fn fn) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  vmir_vm_state *vm = k->vm;
  if (VMIR_OP_UNLIKELY(s->kind != VMIR_KIND_MAP)) VMIR_OP_WRONG_KIND(k, "emit-map-key");
  if (VMIR_OP_UNLIKELY(vm->loop_depth == 0)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "emit-map-key outside a loop");
  uint64_t i = vm->loops[vm->loop_depth - 1].index;
  vmir_list l = vmir_read_list(cur->addr);
  if (VMIR_OP_UNLIKELY(i >= l.len || !l.ptr))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "map entry %llu out of range", (unsigned long long)i);
  vmir_str key = vmir_read_str((const uint8_t *)l.ptr + i * s->u.map.entry_size);
  if (VMIR_OP_UNLIKELY(!key.ptr && key.len))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "map key with NULL data and length %zu", key.len);
  VMIR_OP_SINK(k, fn(sink, key));
  return VMIR_OK;
}

/* A view's data pointer is usable before the sink sees it. */
VMIR_OP_INLINE bool vmir_op_view_ok(const vmir_scalar *sc) {
  if (sc->type == VMIR_SCALAR_STRING) return sc->as.string.ptr || sc->as.string.len == 0;
  if (sc->type == VMIR_SCALAR_BYTES) return sc->as.bytes.ptr || sc->as.bytes.len == 0;
  return true;
}

/* X(name, KIND, SIZE): the scalar kinds generated code instantiates the
 * emit kernels for (a stencil, a case of a wrapper), with the size the
 * read may assume (the integers' width, checked with the kind; 0: read
 * from the shape). */
#define VMIR_OP_SCALAR_KINDS(X)                                                \
  X(bool, VMIR_KIND_BOOL, 0)                                                   \
  X(u8, VMIR_KIND_U8, 1)                                                       \
  X(u16, VMIR_KIND_U16, 2)                                                     \
  X(u32, VMIR_KIND_U32, 4)                                                     \
  X(u64, VMIR_KIND_U64, 8)                                                     \
  X(i8, VMIR_KIND_I8, 1)                                                       \
  X(i16, VMIR_KIND_I16, 2)                                                     \
  X(i32, VMIR_KIND_I32, 4)                                                     \
  X(i64, VMIR_KIND_I64, 8)                                                     \
  X(f32, VMIR_KIND_F32, 0)                                                     \
  X(f64, VMIR_KIND_F64, 0)                                                     \
  X(unit, VMIR_KIND_UNIT, 0)                                                   \
  X(string, VMIR_KIND_STRING, 0)                                               \
  X(bytes, VMIR_KIND_BYTES, 0)

/* emit-scalar. kind: VMIR_KIND_COUNT for any scalar kind, or the kind (and
 * size) the program point was compiled for, checked here first. */
VMIR_OP_INLINE bool vmir_op_scalar_of(const vmir_shape *s, const uint8_t *addr, vmir_kind kind,
                                      uint32_t size, vmir_scalar *sc) {
  if (kind == VMIR_KIND_COUNT) return vmir_read_scalar(s, addr, sc);
  if (VMIR_OP_UNLIKELY(s->kind != kind || (size && s->size != size))) return false;
  return vmir_read_scalar_as(kind, size ? size : s->size, addr, sc);
}

VMIR_OP_INLINE vmir_status vmir_op_emit_scalar(vmir_op_ctx *k, vmir_sink *sink,
                                               vmir_sink_scalar_fn fn, vmir_kind kind,
                                               uint32_t size) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  vmir_scalar sc;
  bool ok = vmir_op_scalar_of(s, cur->addr, kind, size, &sc);
  if (VMIR_OP_UNLIKELY(!ok)) {
    if (!k->report) return VMIR_OP_CHECK;
    ok = vmir_read_scalar(s, cur->addr, &sc);
    if (!ok) VMIR_OP_WRONG_KIND(k, "emit-scalar");
  }
  if (VMIR_OP_UNLIKELY(!vmir_op_view_ok(&sc)))
    VMIR_OP_FAIL(k, VMIR_E_EXEC, "%s view with NULL data and non-zero length", vmir_kind_name(s->kind));
  VMIR_OP_SINK(k, fn(sink, &sc));
  return VMIR_OK;
}

/* ---- known structs ---------------------------------------------------------
 * Generated code knows, at many program points, the struct the current
 * value has there (shape inference, jit/infer.h), and resolves the field
 * it enters when compiling. It passes the run's own inferred shape at the
 * point as `known` (NULL: nothing known): when the current value is that
 * very shape object, what was resolved holds and the op needs none of its
 * lookups through the path, only the depth check; any other shape runs
 * the general kernel, which checks and reports as always. (What was
 * resolved holds for every run the code serves: it is shared only by runs
 * of the same program from a root of the same shape id, and the id hashes
 * the whole layout, offsets and flags included; inference is a function
 * of the two.) */

/* enter-field `index` (< the known struct's field count); offset and
 * level_step (vmir_vm_entry_level's: 0 for a flattened struct field, else
 * 1) are the field's, resolved from the known struct. The entry's shape is
 * read from the struct itself. */
VMIR_OP_INLINE vmir_status vmir_op_enter_field_known(vmir_op_ctx *k, uint32_t index,
                                                     const vmir_shape *known, uint32_t offset,
                                                     uint32_t level_step) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (VMIR_OP_UNLIKELY(cur->shape != known)) return vmir_op_enter_field(k, index);
  uint32_t level = cur->level + level_step;
  vmir_status st = vmir_op_entry_room(k, level);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  vmir_op_put_entry(k->vm, level, cur->addr + offset, known->u.fields.fields[index].shape,
                    VMIR_SEG_FIELD, index, 0);
  return VMIR_OK;
}

/* The checks of enter-field index; emit-scalar; leave (the enter-field's
 * own kernels: vmir_op_field_at, vmir_op_entry_room; then the value's
 * kind) and the value they emit, read in place: VMIR_OK with *sc, or
 * VMIR_OP_CHECK with nothing changed. `known` as for
 * vmir_op_enter_field_known; any other shape takes the lookups.
 * Generated code only: k->report is false. */
VMIR_OP_INLINE vmir_status vmir_op_field_scalar_read(vmir_op_ctx *k, uint32_t index,
                                                     const vmir_shape *known, uint32_t offset,
                                                     uint32_t level_step, vmir_kind kind,
                                                     uint32_t size, vmir_scalar *sc) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  uint32_t level;
  if (__builtin_expect(cur->shape == known, 1)) {
    level = cur->level + level_step;
    vmir_read_scalar_as(kind, size, cur->addr + offset, sc);
  } else {
    const vmir_field *f = NULL;
    vmir_status st = vmir_op_field_at(k, index, &f);
    if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
    level = vmir_vm_entry_level(cur, VMIR_SEG_FIELD, index);
    if (VMIR_OP_UNLIKELY(!vmir_op_scalar_of(f->shape, cur->addr + f->offset, kind, size, sc)))
      return VMIR_OP_CHECK;
  }
  vmir_status st = vmir_op_entry_room(k, level);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  return VMIR_OP_UNLIKELY(!vmir_op_view_ok(sc)) ? VMIR_OP_CHECK : VMIR_OK;
}

/* enter-field index; emit-scalar; leave: the three as generated code
 * fuses them (k->pc is the enter-field's), with the same effects and
 * errors, but the field's path entry is written only when an error must
 * name it: the value is read at its address and handed to the sink, and
 * nothing else changes. Every check of the three ops
 * (vmir_op_field_scalar_read) comes before the one effect (the sink
 * call), so any failed check is VMIR_OP_CHECK at the enter-field with
 * nothing changed, and the interpreter re-runs the three and reports.
 * With a known struct the field's shape has the kind (and size) given. */
VMIR_OP_INLINE vmir_status vmir_op_field_scalar_known(vmir_op_ctx *k, vmir_sink *sink,
                                                      vmir_sink_scalar_fn fn, uint32_t index,
                                                      const vmir_shape *known, uint32_t offset,
                                                      uint32_t level_step, vmir_kind kind,
                                                      uint32_t size) {
  vmir_scalar sc;
  vmir_status st = vmir_op_field_scalar_read(k, index, known, offset, level_step, kind, size, &sc);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  st = fn(sink, &sc);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK))
    return vmir_exec_field_sink_failed(k->exe, k->vm, k->err, k->pc, index, st);
  return VMIR_OK;
}

/* emit-field-name of a plain name (sink/sink_internal.h,
 * vmir_sink_name_is_plain), then enter-field index; emit-scalar; leave
 * at k->pc + 1: the four as generated code fuses them (k->pc is the
 * emit-field-name's), with their effects and errors. Every check comes
 * before the first effect, so a failed check is VMIR_OP_CHECK at the
 * emit-field-name with nothing emitted. The sink's paired callback
 * `named` (vm->named_scalar_plain) writes name and value in one call;
 * without one (NULL) they are two calls, name_fn then scalar_fn. A
 * failure of the name is the emit-field-name's error, a failure of the
 * value the field's (vmir_exec_field_sink_failed), as the interpreter
 * reports them. Generated code only: k->report is false. */
VMIR_OP_INLINE vmir_status vmir_op_named_field_scalar(
    vmir_op_ctx *k, vmir_sink *sink, vmir_sink_named_scalar_cb named, vmir_sink_name_fn name_fn,
    vmir_sink_scalar_fn scalar_fn, vmir_str name, uint32_t index, const vmir_shape *known,
    uint32_t offset, uint32_t level_step, vmir_kind kind, uint32_t size) {
  vmir_scalar sc;
  vmir_status st = vmir_op_field_scalar_read(k, index, known, offset, level_step, kind, size, &sc);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  bool value_failed = false;
  if (named) {
    st = named(sink, name, &sc, &value_failed);
  } else {
    st = name_fn(sink, name);
    if (st == VMIR_OK) {
      value_failed = true;
      st = scalar_fn(sink, &sc);
    }
  }
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) {
    if (value_failed)
      return vmir_exec_field_sink_failed(k->exe, k->vm, k->err, k->pc + 1, index, st);
    k->vm->pc = k->pc;
    return vmir_exec_sink_failed(k->exe, k->vm, k->err, st);
  }
  return VMIR_OK;
}

/* emit-null and emit-string: a constant scalar. */
VMIR_OP_INLINE vmir_status vmir_op_emit_const(vmir_op_ctx *k, vmir_sink *sink, vmir_sink_scalar_fn fn,
                                              const vmir_scalar *sc) {
  VMIR_OP_SINK(k, fn(sink, sc));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_emit_end(vmir_op_ctx *k, vmir_sink *sink, vmir_sink_end_fn fn) {
  VMIR_OP_SINK(k, fn(sink));
  return VMIR_OK;
}

/* emit-key / emit-token: the decode registers as an event of the batch. */
VMIR_OP_INLINE vmir_status vmir_op_emit_event(vmir_op_ctx *k, bool key) {
  vmir_decode_state *d = k->vm->dec;
  if (VMIR_OP_UNLIKELY(!d)) VMIR_OP_FAIL(k, VMIR_E_EXEC, "emit-key/emit-token outside decode");
  vmir_scalar sc = d->scalar;
  if (key) sc = (vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = d->key};
  if (VMIR_OP_UNLIKELY(!vmir_event_append(d->dec, key ? VMIR_EVENT_KEY : VMIR_EVENT_SCALAR, &sc,
                                          key ? d->key_offset : d->scalar_offset)))
    VMIR_OP_FAIL(k, VMIR_E_NOMEM, "out of memory for the event batch");
  d->event_end = d->src.pos;
  return VMIR_OK;
}

/* ---- predicates: only steer control flow. t[impl format.ir.exec-predicate-in-engine] */

VMIR_OP_INLINE vmir_status vmir_op_pred_cannot(vmir_op_ctx *k, uint32_t index) {
  if (!k->report) return VMIR_OP_CHECK;
  char why[96];
  k->vm->pc = k->pc;
  snprintf(why, sizeof why, "cannot be evaluated on a %s value",
           vmir_kind_name(VMIR_OP_CUR(k)->shape->kind));
  return vmir_exec_predicate_failed(k->exe, k->vm, k->err, index, why);
}

VMIR_OP_INLINE vmir_status vmir_op_pred_is_none(vmir_op_ctx *k, uint32_t index, bool *result) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  if (VMIR_OP_UNLIKELY(cur->shape->kind != VMIR_KIND_OPTION)) return vmir_op_pred_cannot(k, index);
  *result = !vmir_option_present(cur->shape, cur->addr);
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_pred_is_empty(vmir_op_ctx *k, uint32_t index, bool *result) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  uint64_t len;
  if (VMIR_OP_UNLIKELY(!vmir_read_length(cur->shape, cur->addr, &len)))
    return vmir_op_pred_cannot(k, index);
  *result = len == 0;
  return VMIR_OK;
}

/* Every byte of the value zero (size from the shape). */
VMIR_OP_INLINE vmir_status vmir_op_pred_is_default(vmir_op_ctx *k, bool *result) {
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  bool zero = true;
  for (uint32_t i = 0; i < cur->shape->size && zero; i++) zero = cur->addr[i] == 0;
  *result = zero;
  return VMIR_OK;
}

/* A host predicate: the hook sees a copy of the value, never its address.
 * hook_known: generated code compiled behind the host-hook guard. */
VMIR_OP_INLINE vmir_status vmir_op_pred_host(vmir_op_ctx *k, uint32_t index, uint32_t host_id,
                                             bool *result) {
  const vmir_exec_env *env = k->vm->env;
  if (VMIR_OP_UNLIKELY(!env || !env->host_predicate)) {
    if (!k->report) return VMIR_OP_CHECK;
    k->vm->pc = k->pc;
    return vmir_exec_predicate_failed(k->exe, k->vm, k->err, index, "no host predicate hook is installed");
  }
  const vmir_path_entry *cur = VMIR_OP_CUR(k);
  const vmir_shape *s = cur->shape;
  vmir_value_view view;
  memset(&view, 0, sizeof view);
  view.kind = s->kind;
  vmir_read_scalar(s, cur->addr, &view.scalar);
  vmir_read_length(s, cur->addr, &view.length);
  if (s->kind == VMIR_KIND_OPTION) view.present = vmir_option_present(s, cur->addr);
  if (VMIR_OP_UNLIKELY(env->host_predicate(env->host_ctx, host_id, &view, result) != VMIR_OK)) {
    k->vm->pc = k->pc;
    return vmir_exec_host_failed(k->exe, k->vm, k->err, index);
  }
  return VMIR_OK;
}

#include "exec/ops_build.h"
#include "exec/ops_build_inline.h"
#include "exec/ops_lex.h"

#endif
