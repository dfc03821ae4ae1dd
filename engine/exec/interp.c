/* The reference interpreter: one dispatch loop for every program kind
 * (encode, decode, build, fused). Lexing builtins and build actions are
 * delegated to lex_ops.c and build.c.
 * t[impl format.exec.interpreter-is-reference]
 * Dispatch follows only the program's instructions: traversal order, loops,
 * branches and calls all come from the IR, never from the shape.
 * t[impl format.ir.exec-control-flow-only-from-ir] */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/decode_state.h"
#include "exec/exec_error.h"
#include "exec/lex_ops.h"
#include "exec/executable.h"
#include "exec/interp.h"
#include "exec/value_access.h"
#include "exec/vm_state.h"

#define fail vmir_exec_fail

#define SINK(call)                                      \
  do {                                                  \
    vmir_status st_ = (call);                           \
    if (st_ != VMIR_OK) return vmir_exec_sink_failed(exe, vm, err, st_); \
  } while (0)

static vmir_status push(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                        const uint8_t *addr, const vmir_shape *shape, vmir_segment seg,
                        uint64_t index, uint32_t variant) {
  if (vm->path_depth == vm->path_cap && !vmir_vm_grow_path(vm))
    return fail(exe, vm, err, VMIR_E_LIMIT, "value nesting deeper than %u", vm->max_depth);
  vmir_path_entry *e = &vm->path[vm->path_depth++];
  e->addr = addr;
  e->shape = shape;
  e->segment = seg;
  e->index = index;
  e->variant = variant;
  return VMIR_OK;
}

/* Builds what a host predicate may see: copies and lengths, no address. */
static vmir_value_view view_of(const vmir_path_entry *cur) {
  vmir_value_view v;
  memset(&v, 0, sizeof v);
  v.kind = cur->shape->kind;
  vmir_read_scalar(cur->shape, cur->addr, &v.scalar);
  vmir_read_length(cur->shape, cur->addr, &v.length);
  if (cur->shape->kind == VMIR_KIND_OPTION) v.present = vmir_option_present(cur->shape, cur->addr);
  return v;
}

/* Evaluates a predicate on the current value; predicates only steer
 * control flow. t[impl format.ir.exec-predicate-in-engine] */
static vmir_status eval_predicate(const vmir_executable *exe, vmir_vm_state *vm,
                                  vmir_error *err, uint32_t index, bool *result) {
  const vmir_predicate *pred = &exe->program->predicates[index];
  const vmir_path_entry *cur = &vm->path[vm->path_depth - 1];
  const vmir_shape *s = cur->shape;
  uint64_t len = 0;
  switch (pred->test) {
    case VMIR_PRED_IS_NONE:
      if (s->kind != VMIR_KIND_OPTION) break;
      *result = !vmir_option_present(s, cur->addr);
      return VMIR_OK;
    case VMIR_PRED_IS_EMPTY:
      if (!vmir_read_length(s, cur->addr, &len)) break;
      *result = len == 0;
      return VMIR_OK;
    case VMIR_PRED_IS_DEFAULT: {
      bool zero = true;
      for (uint32_t i = 0; i < s->size && zero; i++) zero = cur->addr[i] == 0;
      *result = zero;
      return VMIR_OK;
    }
    case VMIR_PRED_HOST: {
      const vmir_exec_env *env = vm->env;
      if (!env || !env->host_predicate)
        return vmir_exec_predicate_failed(exe, vm, err, index, "no host predicate hook is installed");
      vmir_value_view view = view_of(cur);
      if (env->host_predicate(env->host_ctx, pred->host_id, &view, result) != VMIR_OK)
        return vmir_exec_predicate_failed(exe, vm, err, index, "the host predicate hook reported an error");
      return VMIR_OK;
    }
    case VMIR_PRED_NONE:
      break;
  }
  char why[96];
  snprintf(why, sizeof why, "cannot be evaluated on a %s value", vmir_kind_name(s->kind));
  return vmir_exec_predicate_failed(exe, vm, err, index, why);
}

static vmir_status emit_value_tree(const vmir_executable *exe, vmir_vm_state *vm,
                                   vmir_error *err, const vmir_value *v, uint32_t depth) {
  vmir_sink *sink = vm->sink;
  if (depth > vm->max_depth)
    return fail(exe, vm, err, VMIR_E_LIMIT, "dynamic value nested deeper than %u", vm->max_depth);
  vmir_scalar sc;
  memset(&sc, 0, sizeof sc);
  switch (v->type) {
    case VMIR_VALUE_NULL: sc.type = VMIR_SCALAR_NULL; break;
    case VMIR_VALUE_BOOL: sc.type = VMIR_SCALAR_BOOL; sc.as.boolean = v->as.boolean; break;
    case VMIR_VALUE_INT: sc.type = VMIR_SCALAR_INT; sc.as.i64 = v->as.i64; break;
    case VMIR_VALUE_UINT: sc.type = VMIR_SCALAR_UINT; sc.as.u64 = v->as.u64; break;
    case VMIR_VALUE_FLOAT: sc.type = VMIR_SCALAR_FLOAT; sc.as.f64 = v->as.f64; break;
    case VMIR_VALUE_STRING: sc.type = VMIR_SCALAR_STRING; sc.as.string = v->as.string; break;
    case VMIR_VALUE_BYTES: sc.type = VMIR_SCALAR_BYTES; sc.as.bytes = v->as.bytes; break;
    case VMIR_VALUE_ARRAY:
      if (v->as.array.len && !v->as.array.items)
        return fail(exe, vm, err, VMIR_E_EXEC, "dynamic array with NULL items and length %zu",
                    v->as.array.len);
      SINK(sink->ops->begin_seq(sink, v->as.array.len));
      for (size_t i = 0; i < v->as.array.len; i++) {
        vmir_status st = emit_value_tree(exe, vm, err, &v->as.array.items[i], depth + 1);
        if (st != VMIR_OK) return st;
      }
      SINK(sink->ops->end(sink));
      return VMIR_OK;
    case VMIR_VALUE_OBJECT:
      if (v->as.object.len && !v->as.object.members)
        return fail(exe, vm, err, VMIR_E_EXEC, "dynamic object with NULL members and length %zu",
                    v->as.object.len);
      SINK(sink->ops->begin_map(sink, v->as.object.len));
      for (size_t i = 0; i < v->as.object.len; i++) {
        SINK(sink->ops->field_name(sink, v->as.object.members[i].key));
        vmir_status st = emit_value_tree(exe, vm, err, &v->as.object.members[i].value, depth + 1);
        if (st != VMIR_OK) return st;
      }
      SINK(sink->ops->end(sink));
      return VMIR_OK;
    default:
      return fail(exe, vm, err, VMIR_E_EXEC, "dynamic value has unknown type %d", (int)v->type);
  }
  SINK(sink->ops->scalar(sink, &sc));
  return VMIR_OK;
}

/* Checks that a view's data pointer is usable before the sink sees it. */
static bool view_ok(const vmir_scalar *sc) {
  if (sc->type == VMIR_SCALAR_STRING) return sc->as.string.ptr || sc->as.string.len == 0;
  if (sc->type == VMIR_SCALAR_BYTES) return sc->as.bytes.ptr || sc->as.bytes.len == 0;
  return true;
}

#define CUR (&vm->path[vm->path_depth - 1])
#define WRONG_KIND(what)                                                            \
  return fail(exe, vm, err, VMIR_E_EXEC, "%s on a %s value", what,                 \
              vmir_kind_name(CUR->shape->kind))

/* Executes the instruction at vm->pc and moves the pc. VMIR_OK: go on;
 * VMIR_STEP_DONE: the entry proc returned; anything else: an error. */
static inline vmir_status step(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_sink *sink = vm->sink;
  {
    const vmir_xinsn *in = &exe->code[vm->pc];
    switch ((vmir_opcode)in->op) {
      case VMIR_OP_JUMP:
        vm->pc = in->a;
        return VMIR_OK;
      case VMIR_OP_BRANCH_SOME:
        if (CUR->shape->kind != VMIR_KIND_OPTION) WRONG_KIND("branch-some");
        vm->pc = vmir_option_present(CUR->shape, CUR->addr) ? in->a : in->b;
        return VMIR_OK;
      case VMIR_OP_SWITCH_VARIANT: {
        if (CUR->shape->kind != VMIR_KIND_ENUM) WRONG_KIND("switch-variant");
        int64_t tag;
        /* t[impl format.ir.enum-active-variant] */
        int64_t v = vmir_enum_variant(CUR->shape, CUR->addr, &tag);
        if (v < 0 || (uint32_t)v >= in->list_len)
          return fail(exe, vm, err, VMIR_E_EXEC, "enum %s has tag %lld, which names no variant",
                      CUR->shape->name ? CUR->shape->name : "(anonymous)", (long long)tag);
        vm->pc = in->targets[v];
        return VMIR_OK;
      }
      case VMIR_OP_CALL: {
        if (vm->frame_depth == vm->frame_cap && !vmir_vm_grow_frames(vm))
          return fail(exe, vm, err, VMIR_E_LIMIT, "call depth over %u", vm->max_depth);
        vmir_frame *f = &vm->frames[vm->frame_depth++];
        f->return_pc = vm->pc + 1;
        f->path_depth = vm->path_depth;
        f->loop_depth = vm->loop_depth;
        f->proc = vm->proc;
        vm->proc = in->a;
        vm->pc = exe->proc_entry[in->a];
        return VMIR_OK;
      }
      case VMIR_OP_RET: {
        if (vm->frame_depth == 0) return VMIR_STEP_DONE;
        vmir_frame *f = &vm->frames[--vm->frame_depth];
        if (f->path_depth != vm->path_depth || f->loop_depth != vm->loop_depth)
          return fail(exe, vm, err, VMIR_E_EXEC, "ret with unbalanced navigation");
        vm->proc = f->proc;
        vm->pc = f->return_pc;
        return VMIR_OK;
      }
      case VMIR_OP_FAIL: {
        const vmir_str *m = &exe->strings[in->a];
        if (vm->dec) return vmir_decode_fail(exe, vm, m, err);
        return fail(exe, vm, err, VMIR_E_EXEC, "%.*s", (int)(m->len > 200 ? 200 : m->len), m->ptr);
      }
      case VMIR_OP_LOOP_BEGIN: {
        uint64_t len = 0;
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_LIST && s->kind != VMIR_KIND_ARRAY && s->kind != VMIR_KIND_MAP)
          WRONG_KIND("loop-begin");
        vmir_read_length(s, CUR->addr, &len);
        if (s->kind != VMIR_KIND_ARRAY && len) {
          vmir_list l = vmir_read_list(CUR->addr);
          uint32_t stride = s->kind == VMIR_KIND_MAP ? s->u.map.entry_size
                                                     : s->u.sequence.element->size;
          if (!l.ptr)
            return fail(exe, vm, err, VMIR_E_EXEC, "%s with NULL data and length %llu",
                        vmir_kind_name(s->kind), (unsigned long long)len);
          if (stride && len > UINT64_MAX / stride)
            return fail(exe, vm, err, VMIR_E_EXEC, "%s length %llu overflows its byte size",
                        vmir_kind_name(s->kind), (unsigned long long)len);
        }
        if (vm->loop_depth == vm->loop_cap && !vmir_vm_grow_loops(vm))
          return fail(exe, vm, err, VMIR_E_LIMIT, "loop nesting deeper than %u", vm->max_depth);
        vm->loops[vm->loop_depth++] = (vmir_loop_entry){0, len};
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_LOOP_BEGIN_COUNT:
        if (!vm->dec) return fail(exe, vm, err, VMIR_E_EXEC, "loop-begin-count outside decode");
        if (vm->loop_depth == vm->loop_cap && !vmir_vm_grow_loops(vm))
          return fail(exe, vm, err, VMIR_E_LIMIT, "loop nesting deeper than %u", vm->max_depth);
        vm->loops[vm->loop_depth++] = (vmir_loop_entry){0, vm->dec->count};
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_LOOP_NEXT: {
        if (vm->loop_depth == 0) return fail(exe, vm, err, VMIR_E_EXEC, "loop-next without a loop");
        vmir_loop_entry *l = &vm->loops[vm->loop_depth - 1];
        if (l->index < l->len) {
          vm->pc = in->a;
        } else {
          vm->loop_depth--;
          vm->pc = in->b;
        }
        return VMIR_OK;
      }
      case VMIR_OP_LOOP_STEP:
        if (vm->loop_depth == 0) return fail(exe, vm, err, VMIR_E_EXEC, "loop-step without a loop");
        vm->loops[vm->loop_depth - 1].index++;
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_LOOP_EXIT:
        if (vm->loop_depth == 0) return fail(exe, vm, err, VMIR_E_EXEC, "loop-exit without a loop");
        vm->loop_depth--;
        vm->pc++;
        return VMIR_OK;

      /* ---- navigation: t[impl format.ir.exec-stack-balance] ---- */
      case VMIR_OP_ENTER_FIELD: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_STRUCT && s->kind != VMIR_KIND_TUPLE) WRONG_KIND("enter-field");
        if (in->a >= s->u.fields.count)
          return fail(exe, vm, err, VMIR_E_EXEC, "field index %u out of range", in->a);
        const vmir_field *f = &s->u.fields.fields[in->a];
        vmir_status st = push(exe, vm, err, CUR->addr + f->offset, f->shape, VMIR_SEG_FIELD, in->a, 0);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_ENTER_VARIANT_FIELD: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_ENUM) WRONG_KIND("enter-variant-field");
        int64_t active = vmir_enum_variant(s, CUR->addr, NULL);
        if (active != (int64_t)in->a || in->b >= s->u.enumeration.variants[in->a].field_count)
          return fail(exe, vm, err, VMIR_E_EXEC,
                      "enter-variant-field variant %u field %u, but the active variant is %lld",
                      in->a, in->b, (long long)active);
        const vmir_field *f = &s->u.enumeration.variants[in->a].fields[in->b];
        vmir_status st = push(exe, vm, err, CUR->addr + f->offset, f->shape,
                              VMIR_SEG_VARIANT_FIELD, in->b, in->a);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_ENTER_SOME: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_OPTION) WRONG_KIND("enter-some");
        if (!vmir_option_present(s, CUR->addr))
          return fail(exe, vm, err, VMIR_E_EXEC, "enter-some on an absent option");
        vmir_status st = push(exe, vm, err, vmir_option_payload(s, CUR->addr), s->u.option.payload,
                              VMIR_SEG_SOME, 0, 0);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_ENTER_POINTEE: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_POINTER) WRONG_KIND("enter-pointee");
        const uint8_t *target = vmir_read_ptr(CUR->addr);
        if (!target) return fail(exe, vm, err, VMIR_E_EXEC, "enter-pointee on a NULL pointer");
        vmir_status st = push(exe, vm, err, target, s->u.pointer.target, VMIR_SEG_POINTEE, 0, 0);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_ENTER_ELEMENT: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_LIST && s->kind != VMIR_KIND_ARRAY) WRONG_KIND("enter-element");
        if (vm->loop_depth == 0) return fail(exe, vm, err, VMIR_E_EXEC, "enter-element outside a loop");
        uint64_t i = vm->loops[vm->loop_depth - 1].index, len = 0;
        vmir_read_length(s, CUR->addr, &len);
        if (i >= len) return fail(exe, vm, err, VMIR_E_EXEC, "element %llu out of range", (unsigned long long)i);
        const vmir_shape *es = s->u.sequence.element;
        const uint8_t *base = s->kind == VMIR_KIND_ARRAY ? CUR->addr
                                                         : (const uint8_t *)vmir_read_list(CUR->addr).ptr;
        vmir_status st = push(exe, vm, err, base + i * es->size, es, VMIR_SEG_ELEMENT, i, 0);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_ENTER_MAP_VALUE: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_MAP) WRONG_KIND("enter-map-value");
        if (vm->loop_depth == 0) return fail(exe, vm, err, VMIR_E_EXEC, "enter-map-value outside a loop");
        uint64_t i = vm->loops[vm->loop_depth - 1].index;
        vmir_list l = vmir_read_list(CUR->addr);
        if (i >= l.len) return fail(exe, vm, err, VMIR_E_EXEC, "map entry %llu out of range", (unsigned long long)i);
        const uint8_t *entry = (const uint8_t *)l.ptr + i * s->u.map.entry_size;
        vmir_status st = push(exe, vm, err, entry + s->u.map.value_offset, s->u.map.value,
                              VMIR_SEG_MAP_VALUE, i, 0);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_LEAVE:
        if (vm->path_depth <= 1)
          return fail(exe, vm, err, VMIR_E_EXEC, "leave would leave the root scope");
        vm->path_depth--;
        vm->pc++;
        return VMIR_OK;

      /* ---- emission: sinks get copies and views, never addresses.
       * t[impl format.ir.exec-no-raw-pointer-to-sink] t[impl format.ir.exec-safe-scalar-interface] */
      case VMIR_OP_EMIT_BEGIN_STRUCT:
        SINK(sink->ops->begin_struct(sink, in->a));
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC:
        SINK(sink->ops->begin_struct(sink, VMIR_LEN_UNKNOWN));
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_EMIT_BEGIN_SEQ: {
        uint64_t len = 0;
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_LIST && s->kind != VMIR_KIND_ARRAY) WRONG_KIND("emit-begin-seq");
        vmir_read_length(s, CUR->addr, &len);
        SINK(sink->ops->begin_seq(sink, len));
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_BEGIN_TUPLE:
        SINK(sink->ops->begin_seq(sink, in->a));
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_EMIT_BEGIN_MAP: {
        if (CUR->shape->kind != VMIR_KIND_MAP) WRONG_KIND("emit-begin-map");
        SINK(sink->ops->begin_map(sink, vmir_read_list(CUR->addr).len));
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_FIELD_NAME:
        SINK(sink->ops->field_name(sink, exe->strings[in->a]));
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_EMIT_MAP_KEY: {
        const vmir_shape *s = CUR->shape;
        if (s->kind != VMIR_KIND_MAP) WRONG_KIND("emit-map-key");
        if (vm->loop_depth == 0) return fail(exe, vm, err, VMIR_E_EXEC, "emit-map-key outside a loop");
        uint64_t i = vm->loops[vm->loop_depth - 1].index;
        vmir_list l = vmir_read_list(CUR->addr);
        if (i >= l.len) return fail(exe, vm, err, VMIR_E_EXEC, "map entry %llu out of range", (unsigned long long)i);
        vmir_str key = vmir_read_str((const uint8_t *)l.ptr + i * s->u.map.entry_size);
        if (!key.ptr && key.len)
          return fail(exe, vm, err, VMIR_E_EXEC, "map key with NULL data and length %zu", key.len);
        SINK(sink->ops->field_name(sink, key));
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_SCALAR: {
        vmir_scalar sc;
        if (!vmir_read_scalar(CUR->shape, CUR->addr, &sc)) WRONG_KIND("emit-scalar");
        if (!view_ok(&sc))
          return fail(exe, vm, err, VMIR_E_EXEC, "%s view with NULL data and non-zero length",
                      vmir_kind_name(CUR->shape->kind));
        SINK(sink->ops->scalar(sink, &sc));
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_NULL: {
        vmir_scalar sc = {.type = VMIR_SCALAR_NULL};
        SINK(sink->ops->scalar(sink, &sc));
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_STRING: {
        vmir_scalar sc = {.type = VMIR_SCALAR_STRING};
        sc.as.string = exe->strings[in->a];
        SINK(sink->ops->scalar(sink, &sc));
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_VALUE: {
        if (CUR->shape->kind != VMIR_KIND_VALUE) WRONG_KIND("emit-value");
        vmir_value v;
        memcpy(&v, CUR->addr, sizeof v);
        vmir_status st = emit_value_tree(exe, vm, err, &v, 0);
        if (st != VMIR_OK) return st;
        vm->pc++;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_END:
        SINK(sink->ops->end(sink));
        vm->pc++;
        return VMIR_OK;

      case VMIR_OP_BRANCH_PRED: {
        bool result = false;
        vmir_status st = eval_predicate(exe, vm, err, in->a, &result);
        if (st != VMIR_OK) return st;
        vm->pc = result ? in->b : in->c;
        return VMIR_OK;
      }
      case VMIR_OP_EMIT_BEGIN_SEQ_DYNAMIC:
        SINK(sink->ops->begin_seq(sink, VMIR_LEN_UNKNOWN));
        vm->pc++;
        return VMIR_OK;
      case VMIR_OP_EMIT_KEY:
      case VMIR_OP_EMIT_TOKEN: {
        vmir_decode_state *d = vm->dec;
        if (!d) return fail(exe, vm, err, VMIR_E_EXEC, "emit-key/emit-token outside decode");
        bool key = in->op == VMIR_OP_EMIT_KEY;
        vmir_scalar sc = d->scalar;
        if (key) sc = (vmir_scalar){.type = VMIR_SCALAR_STRING, .as.string = d->key};
        if (!vmir_event_append(d->dec, key ? VMIR_EVENT_KEY : VMIR_EVENT_SCALAR, &sc,
                               key ? d->key_offset : d->scalar_offset))
          return fail(exe, vm, err, VMIR_E_NOMEM, "out of memory for the event batch");
        d->event_end = d->src.pos;
        vm->pc++;
        return VMIR_OK;
      }
      default: {
        const vmir_op_info *info = vmir_op_info_of(in->op);
        if (!vm->dec)
          return fail(exe, vm, err, VMIR_E_UNSUPPORTED, "%s needs a decode state", info->name);
        if (info->family == VMIR_FAMILY_BUILD) {
          vmir_status st = vmir_build_action(exe, vm, in, err);
          if (st != VMIR_OK) return st;
          vm->pc++;
          return VMIR_OK;
        }
        if (info->family == VMIR_FAMILY_LEXING) {
          uint32_t next = vm->pc + 1;
          vmir_status st = vmir_lex_op(exe, vm, in, &next, err);
          if (st != VMIR_OK) return st;
          vm->pc = next;
          return VMIR_OK;
        }
        return fail(exe, vm, err, VMIR_E_UNSUPPORTED, "%s is not supported by the interpreter",
                    info->name);
      }
    }
  }
}


vmir_status vmir_interp_run(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  for (;;) {
    vmir_status st = step(exe, vm, err);
    if (st != VMIR_OK) return st == VMIR_STEP_DONE ? VMIR_OK : st;
  }
}

vmir_status vmir_interp_step(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  return step(exe, vm, err);
}
