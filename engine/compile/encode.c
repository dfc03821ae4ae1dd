/* The encode compiler: shape + options -> SerProgram.
 *
 * Every policy of the shape (skip, rename, flatten, skip-if, enum tagging)
 * is decided here and written down as plain IR; the executor and the sinks
 * only follow instructions. One proc per composite shape, memoised by shape
 * pointer, so recursive types become recursive calls and lowering never
 * recurses in C along the shape graph. docs/compiler.md describes the
 * lowering of every shape kind. */
/* t[impl format.ir.compile-policy-owner] */
/* t[impl format.vm.single-vm-dialect] */
/* t[impl format.ir.no-plan-indirection] */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"
#include "vmir/verify.h"
#include "util/error_set.h"

/* ---- lowering state ---------------------------------------------------------- */

void vmir_lower_fail(vmir_lower *L, vmir_status code, const char *fmt, ...) {
  if (L->failed) return;
  L->failed = true;
  va_list ap;
  va_start(ap, fmt);
  vmir_error_setv(L->err, code, fmt, ap);
  va_end(ap);
}

void vmir_lower_emit(vmir_lower *L, vmir_opcode op, int64_t a0, int64_t a1,
                     int64_t a2) {
  if (L->failed) return;
  if (++L->insn_count > VMIR_COMPILE_MAX_INSNS) {
    vmir_lower_fail(L, VMIR_E_LIMIT,
                    "encode program exceeds %u instructions (a flatten graph "
                    "that reaches the same struct along too many paths?)",
                    VMIR_COMPILE_MAX_INSNS);
    return;
  }
  vmir_builder_emit(L->b, L->proc, L->block, op, a0, a1, a2);
}

uint32_t vmir_lower_block(vmir_lower *L) {
  if (L->failed) return 0;
  return vmir_builder_add_block(L->b, L->proc);
}

uint32_t vmir_lower_string(vmir_lower *L, const char *s) {
  if (L->failed) return 0;
  return vmir_builder_intern_string(L->b, s, strlen(s));
}

/* Pointer hash (the low bits of an address are alignment, so mix). */
static uint32_t memo_hash(const vmir_shape *shape, uint32_t cap) {
  uint64_t h = (uint64_t)(uintptr_t)shape;
  h ^= h >> 33;
  h *= UINT64_C(0xff51afd7ed558ccd);
  h ^= h >> 33;
  return (uint32_t)h & (cap - 1u);
}

static vmir_proc_memo_slot *memo_find(vmir_lower *L, const vmir_shape *shape) {
  uint32_t i = memo_hash(shape, L->memo_cap);
  while (L->memo[i].shape && L->memo[i].shape != shape)
    i = (i + 1u) & (L->memo_cap - 1u);
  return &L->memo[i];
}

/* Keeps the memo at most half full so probes stay short. */
static bool memo_reserve(vmir_lower *L) {
  if ((L->memo_count + 1u) * 2u <= L->memo_cap) return true;
  uint32_t cap = L->memo_cap ? L->memo_cap * 2u : 64u;
  vmir_proc_memo_slot *old = L->memo;
  uint32_t old_cap = L->memo_cap;
  L->memo = calloc(cap, sizeof *L->memo);
  if (!L->memo) {
    L->memo = old;
    vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (proc memo)");
    return false;
  }
  L->memo_cap = cap;
  for (uint32_t i = 0; i < old_cap; i++)
    if (old[i].shape) *memo_find(L, old[i].shape) = old[i];
  free(old);
  return true;
}

/* t[impl format.ir.proc-call-explicit] */
uint32_t vmir_lower_proc_for(vmir_lower *L, const vmir_shape *shape) {
  if (L->failed || !memo_reserve(L)) return 0;
  vmir_proc_memo_slot *slot = memo_find(L, shape);
  if (slot->shape) return slot->proc;
  if (L->memo_count == L->order_cap) {
    uint32_t cap = L->order_cap ? L->order_cap * 2u : 32u;
    const vmir_shape **order = realloc(L->order, cap * sizeof *order);
    if (!order) {
      vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (proc worklist)");
      return 0;
    }
    L->order = order;
    L->order_cap = cap;
  }
  uint32_t proc = vmir_builder_add_proc(L->b);
  if (proc != L->memo_count) {
    /* The builder failed and recorded why; stop lowering and let finish
     * report it. (Procs are only ever added here, so the numbering cannot
     * drift otherwise.) */
    L->failed = L->builder_failed = true;
    return 0;
  }
  slot->shape = shape;
  slot->proc = proc;
  L->order[L->memo_count++] = shape;
  return proc;
}

static bool is_composite(vmir_kind kind) {
  switch (kind) {
    case VMIR_KIND_STRUCT: case VMIR_KIND_TUPLE: case VMIR_KIND_ENUM:
    case VMIR_KIND_OPTION: case VMIR_KIND_POINTER: case VMIR_KIND_LIST:
    case VMIR_KIND_ARRAY: case VMIR_KIND_MAP:
      return true;
    default:
      return false;
  }
}

void vmir_lower_value(vmir_lower *L, const vmir_shape *shape) {
  switch (shape->kind) {
    case VMIR_KIND_BOOL:
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
    case VMIR_KIND_F32: case VMIR_KIND_F64:
    case VMIR_KIND_STRING: case VMIR_KIND_BYTES: case VMIR_KIND_TIMESTAMP:
      vmir_lower_emit(L, VMIR_OP_EMIT_SCALAR, 0, 0, 0);
      return;
    case VMIR_KIND_UNIT:
      vmir_lower_emit(L, VMIR_OP_EMIT_NULL, 0, 0, 0);
      return;
    case VMIR_KIND_VALUE:
      vmir_lower_emit(L, VMIR_OP_EMIT_VALUE, 0, 0, 0);
      return;
    default:
      break;
  }
  if (!is_composite(shape->kind)) {
    vmir_lower_fail(L, VMIR_E_SHAPE, "cannot encode shape kind %u",
                    (unsigned)shape->kind);
    return;
  }
  /* A nested composite is a call of its own proc with the same current
   * value: the callee's body is lowered once, later, from the worklist. */
  uint32_t proc = vmir_lower_proc_for(L, shape);
  vmir_lower_emit(L, VMIR_OP_CALL, proc, 0, 0);
}

/* ---- composite bodies ---------------------------------------------------------- */

/* option: (branch-some then else); present -> payload; absent -> null. */
static void lower_option_body(vmir_lower *L, const vmir_shape *shape) {
  uint32_t some = vmir_lower_block(L), none = vmir_lower_block(L),
           join = vmir_lower_block(L);
  vmir_lower_emit(L, VMIR_OP_BRANCH_SOME, some, none, 0);
  L->block = some;
  vmir_lower_emit(L, VMIR_OP_ENTER_SOME, 0, 0, 0);
  vmir_lower_value(L, shape->u.option.payload);
  vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
  L->block = none;
  vmir_lower_emit(L, VMIR_OP_EMIT_NULL, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
  L->block = join;
}

static void lower_pointer_body(vmir_lower *L, const vmir_shape *shape) {
  vmir_lower_emit(L, VMIR_OP_ENTER_POINTEE, 0, 0, 0);
  vmir_lower_value(L, shape->u.pointer.target);
  vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
}

/* Lists, arrays and maps: the sequence delimiters are begin/end
 * instructions and the iteration is a CFG loop:
 *   entry: begin, loop-begin, jump head
 *   head:  loop-next (body) (exit)
 *   body:  [map-key] enter, value, leave, loop-step, jump head   <- back-edge
 *   exit:  emit-end */
/* t[impl format.vm.delimiters-are-ir] */
/* t[impl format.ir.loop-via-cfg-backedge] */
static void lower_loop_body(vmir_lower *L, const vmir_shape *shape) {
  bool map = shape->kind == VMIR_KIND_MAP;
  const vmir_shape *item = map ? shape->u.map.value : shape->u.sequence.element;
  vmir_lower_emit(L, map ? VMIR_OP_EMIT_BEGIN_MAP : VMIR_OP_EMIT_BEGIN_SEQ, 0,
                  0, 0);
  vmir_lower_emit(L, VMIR_OP_LOOP_BEGIN, 0, 0, 0);
  uint32_t head = vmir_lower_block(L), body = vmir_lower_block(L),
           exit = vmir_lower_block(L);
  vmir_lower_emit(L, VMIR_OP_JUMP, head, 0, 0);
  L->block = head;
  vmir_lower_emit(L, VMIR_OP_LOOP_NEXT, body, exit, 0);
  L->block = body;
  if (map) {
    vmir_lower_emit(L, VMIR_OP_EMIT_MAP_KEY, 0, 0, 0);
    vmir_lower_emit(L, VMIR_OP_ENTER_MAP_VALUE, 0, 0, 0);
  } else {
    vmir_lower_emit(L, VMIR_OP_ENTER_ELEMENT, 0, 0, 0);
  }
  vmir_lower_value(L, item);
  vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_LOOP_STEP, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_JUMP, head, 0, 0);
  L->block = exit;
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
}

/* Injected corruption for the compiler's own negative tests; each one is a
 * mistake a buggy lowering could make. */
static void inject_fault(vmir_lower *L, const vmir_shape *root) {
  switch (L->fault) {
    case VMIR_COMPILE_FAULT_NONE:
      return;
    case VMIR_COMPILE_FAULT_DANGLING_BLOCK: {
      /* Entry jumps nowhere; the real body continues in a fresh block. */
      vmir_lower_emit(L, VMIR_OP_JUMP, 1000000, 0, 0);
      L->block = vmir_lower_block(L);
      return;
    }
    case VMIR_COMPILE_FAULT_DANGLING_PROC:
      vmir_lower_emit(L, VMIR_OP_CALL, 1000000, 0, 0);
      return;
    case VMIR_COMPILE_FAULT_BAD_FIELD_INDEX: {
      uint32_t n = (root->kind == VMIR_KIND_STRUCT || root->kind == VMIR_KIND_TUPLE)
                       ? root->u.fields.count : 0;
      vmir_lower_emit(L, VMIR_OP_ENTER_FIELD, n, 0, 0);
      vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
      return;
    }
    case VMIR_COMPILE_FAULT_BAD_VARIANT_INDEX: {
      uint32_t n = root->kind == VMIR_KIND_ENUM ? root->u.enumeration.count : 0;
      vmir_lower_emit(L, VMIR_OP_ENTER_VARIANT_FIELD, n, 0, 0);
      vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
      return;
    }
  }
}

/* Lowers the body of proc `proc`, which encodes a value of `shape`. */
static void lower_proc(vmir_lower *L, uint32_t proc, const vmir_shape *shape) {
  L->proc = proc;
  L->block = vmir_lower_block(L);
  vmir_builder_set_proc_entry(L->b, proc, L->block);
  if (proc == 0) inject_fault(L, shape);
  switch (shape->kind) {
    case VMIR_KIND_STRUCT: vmir_lower_struct_body(L, shape); break;
    case VMIR_KIND_TUPLE: vmir_lower_tuple_body(L, shape); break;
    case VMIR_KIND_ENUM: vmir_lower_enum_body(L, shape); break;
    case VMIR_KIND_OPTION: lower_option_body(L, shape); break;
    case VMIR_KIND_POINTER: lower_pointer_body(L, shape); break;
    case VMIR_KIND_LIST:
    case VMIR_KIND_ARRAY:
    case VMIR_KIND_MAP: lower_loop_body(L, shape); break;
    default:
      /* A scalar root: its one proc emits it inline. */
      vmir_lower_value(L, shape);
      break;
  }
  /* Every proc returns from the block where its body ended (a join block
   * after branches), so each proc has exactly one `ret`. */
  vmir_lower_emit(L, VMIR_OP_RET, 0, 0, 0);
}

/* ---- driver ---------------------------------------------------------------------- */

/* Prefixes a builder or verifier rejection so that it reads as the
 * compiler's bug, which it is, while keeping the code and pc. */
static void blame_compiler(vmir_error *err, const char *stage) {
  char inner[sizeof err->message];
  memcpy(inner, err->message, sizeof inner);
  snprintf(err->message, sizeof err->message,
           "compiler produced an invalid program (%s): %.200s", stage, inner);
}

vmir_program *vmir_compile_encode_faulty(const vmir_shape *shape,
                                         const vmir_compile_options *options,
                                         vmir_compile_fault fault,
                                         vmir_error *err) {
  vmir_error local;
  if (!err) err = &local;
  vmir_error_clear(err);
  if (vmir_compile_options_check(options, err) != VMIR_OK) return NULL;
  if (!shape) {
    err->code = VMIR_E_USAGE;
    snprintf(err->message, sizeof err->message, "shape is NULL");
    return NULL;
  }
  /* Lowering trusts offsets, counts and references; the validator is what
   * makes that trust safe. */
  if (vmir_shape_validate(shape, err) != VMIR_OK) return NULL;

  /* t[impl format.vm.format-is-compile-time-input] */
  /* The format is an input (and part of the cache key) but JSON and
   * MessagePack encode programs come out identical: the event vocabulary
   * the IR speaks to sinks is format-neutral, and every difference between
   * the formats (number text vs binary, length headers, bytes spelling) is
   * the writer's. See docs/compiler.md. Decode lowering is where the format
   * picks different builtins. */
  (void)options->format;

  vmir_lower L = {0};
  L.err = err;
  L.fault = fault;
  L.b = vmir_builder_new(VMIR_PROGRAM_ENCODE, vmir_shape_id(shape));
  if (!L.b) {
    err->code = VMIR_E_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory (builder)");
    return NULL;
  }

  /* The root's proc is f0, the entry proc; then the worklist in order of
   * first reference. */
  if (is_composite(shape->kind)) {
    vmir_lower_proc_for(&L, shape);
    for (uint32_t next = 0; !L.failed && next < L.memo_count; next++)
      lower_proc(&L, next, L.order[next]);
  } else if (vmir_builder_add_proc(L.b) == 0) {
    lower_proc(&L, 0, shape);
  }
  vmir_builder_set_entry_proc(L.b, 0);
  free(L.memo);
  free(L.order);

  if (L.failed && !L.builder_failed) {
    vmir_builder_free(L.b);
    return NULL;
  }
  /* t[impl format.ir.compile-validate-block-targets] */
  /* t[impl format.ir.compile-validate-proc-targets] */
  /* t[impl format.ir.compile-validate-indices] */
  /* Nothing leaves the compiler unchecked: finish rejects dangling block,
   * proc, string, predicate and list references and malformed blocks; the
   * verifier then checks every field and variant index against the shape
   * and the balance of navigation. */
  vmir_program *program = vmir_builder_finish(L.b, err);
  if (!program || L.builder_failed) {
    if (program) {  /* cannot happen: the builder recorded a failure */
      vmir_program_free(program);
      err->code = VMIR_E_NOMEM;
      snprintf(err->message, sizeof err->message, "builder failed");
    } else if (err->code == VMIR_E_VERIFY) {
      blame_compiler(err, "structure");
    }
    return NULL;
  }
  if (vmir_verify(program, shape, err) != VMIR_OK) {
    blame_compiler(err, "verifier");
    vmir_program_free(program);
    return NULL;
  }
  vmir_error_clear(err);
  return program;
}

vmir_program *vmir_compile_encode(const vmir_shape *shape,
                                  const vmir_compile_options *options,
                                  vmir_error *err) {
  return vmir_compile_encode_faulty(shape, options, VMIR_COMPILE_FAULT_NONE,
                                    err);
}
