/* Lowering of objects: struct bodies, the members of struct-style enum
 * variants, flattened members, and tuples. All field policy is decided here
 * and written into the program: skipped fields vanish, wire names are
 * resolved into the string table, flatten becomes inline navigation, and
 * skip-if becomes a predicate table entry plus a branch. */
#include <stdlib.h>
#include <string.h>

#include "compile/compile_internal.h"

/* ---- member names ------------------------------------------------------------ */

void vmir_object_names_free(vmir_object_names *names) {
  free(names->names);
  names->names = NULL;
  names->count = names->cap = 0;
}

/* Strings are interned, so equal names have equal indexes. A linear scan is
 * enough: objects are capped at VMIR_COMPILE_MAX_OBJECT_MEMBERS. */
void vmir_object_names_add(vmir_lower *L, vmir_object_names *names,
                           uint32_t string, const char *what) {
  if (L->failed) return;
  for (uint32_t i = 0; i < names->count; i++) {
    if (names->names[i] == string) {
      /* Two members with one name would make an object whose meaning
       * depends on the reader (first or last wins): refuse at compile time. */
      vmir_lower_fail(L, VMIR_E_SHAPE,
                      "duplicate member name \"%s\" in one object (%s)", what,
                      "flattened fields or the tag key collide");
      return;
    }
  }
  if (names->count == VMIR_COMPILE_MAX_OBJECT_MEMBERS) {
    vmir_lower_fail(L, VMIR_E_LIMIT, "object has more than %u members",
                    VMIR_COMPILE_MAX_OBJECT_MEMBERS);
    return;
  }
  if (names->count == names->cap) {
    uint32_t cap = names->cap ? names->cap * 2u : 16u;
    uint32_t *grown = realloc(names->names, cap * sizeof *grown);
    if (!grown) {
      vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (member names)");
      return;
    }
    names->names = grown;
    names->cap = cap;
  }
  names->names[names->count++] = string;
}

/* ---- member policy checks and counting ---------------------------------------- */

static const char *field_label(const vmir_field *f) {
  return f->name ? f->name : "?";
}

/* A builtin predicate must make sense for the field's kind; deciding this
 * now turns a run-time surprise into a compile error naming the field. */
static bool predicate_fits(vmir_lower *L, const vmir_field *f) {
  vmir_kind k = f->shape->kind;
  switch (f->skip_if) {
    case VMIR_PRED_IS_NONE:
      if (k == VMIR_KIND_OPTION) return true;
      vmir_lower_fail(L, VMIR_E_SHAPE,
                      "field %s: skip-if is-none needs an option, not %s",
                      field_label(f), vmir_kind_name(k));
      return false;
    case VMIR_PRED_IS_EMPTY:
      if (k == VMIR_KIND_STRING || k == VMIR_KIND_BYTES ||
          k == VMIR_KIND_LIST || k == VMIR_KIND_MAP)
        return true;
      vmir_lower_fail(L, VMIR_E_SHAPE,
                      "field %s: skip-if is-empty needs a string, bytes, list "
                      "or map, not %s", field_label(f), vmir_kind_name(k));
      return false;
    case VMIR_PRED_IS_DEFAULT:
    case VMIR_PRED_HOST:
      return true;
    default:
      vmir_lower_fail(L, VMIR_E_SHAPE,
                      "field %s: skip-if flag without a predicate test (%d)",
                      field_label(f), (int)f->skip_if);
      return false;
  }
}

static bool flatten_fits(vmir_lower *L, const vmir_field *f, uint32_t depth) {
  if (f->shape->kind != VMIR_KIND_STRUCT) {
    vmir_lower_fail(L, VMIR_E_SHAPE,
                    "field %s: flatten needs a struct, not %s", field_label(f),
                    vmir_kind_name(f->shape->kind));
    return false;
  }
  if (depth + 1u >= VMIR_COMPILE_MAX_FLATTEN_DEPTH) {
    vmir_lower_fail(L, VMIR_E_LIMIT,
                    "field %s: flatten nested deeper than %u levels",
                    field_label(f), VMIR_COMPILE_MAX_FLATTEN_DEPTH);
    return false;
  }
  return true;
}

bool vmir_lower_count_members(vmir_lower *L, const vmir_field *fields,
                              uint32_t count, uint32_t depth,
                              uint32_t *members, bool *dynamic) {
  for (uint32_t i = 0; i < count && !L->failed; i++) {
    const vmir_field *f = &fields[i];
    if (f->flags & VMIR_FIELD_SKIP) continue;
    if ((f->flags & VMIR_FIELD_SKIP_IF) && predicate_fits(L, f)) *dynamic = true;
    if (f->flags & VMIR_FIELD_FLATTEN) {
      if (flatten_fits(L, f, depth))
        vmir_lower_count_members(L, f->shape->u.fields.fields,
                                 f->shape->u.fields.count, depth + 1u, members,
                                 dynamic);
    } else if (*members >= VMIR_COMPILE_MAX_OBJECT_MEMBERS) {
      vmir_lower_fail(L, VMIR_E_LIMIT, "object has more than %u members",
                      VMIR_COMPILE_MAX_OBJECT_MEMBERS);
    } else {
      (*members)++;
    }
  }
  return !L->failed;
}

/* ---- member emission ------------------------------------------------------------ */

static void emit_enter(vmir_lower *L, int64_t variant, uint32_t index) {
  if (variant < 0)
    vmir_lower_emit(L, VMIR_OP_ENTER_FIELD, index, 0, 0);
  else
    vmir_lower_emit(L, VMIR_OP_ENTER_VARIANT_FIELD, variant, index, 0);
}

/* What a present member contributes, with the field already entered: its
 * name then its value, or, flattened, the inner struct's members. */
static void emit_member_payload(vmir_lower *L, const vmir_field *f,
                                uint32_t name, vmir_object_names *names,
                                uint32_t depth) {
  if (f->flags & VMIR_FIELD_FLATTEN) {
    /* t[impl format.ir.compile-flatten-lowering] */
    /* The inner struct gets no begin/end of its own: its members join the
     * parent object, reached through the enter-field that is already on the
     * path stack. */
    vmir_lower_members(L, f->shape->u.fields.fields, f->shape->u.fields.count,
                       -1, names, depth + 1u);
    return;
  }
  /* t[impl format.ir.sink-field-name-order] */
  vmir_lower_emit(L, VMIR_OP_EMIT_FIELD_NAME, name, 0, 0);
  vmir_lower_value(L, f->shape);
}

void vmir_lower_members(vmir_lower *L, const vmir_field *fields, uint32_t count,
                        int64_t variant, vmir_object_names *names,
                        uint32_t depth) {
  for (uint32_t i = 0; i < count && !L->failed; i++) {
    const vmir_field *f = &fields[i];
    /* t[impl format.ir.compile-static-skip] */
    if (f->flags & VMIR_FIELD_SKIP) continue;  /* no instruction, no string */

    uint32_t name = 0;
    if (!(f->flags & VMIR_FIELD_FLATTEN)) {
      /* t[impl format.ir.compile-rename-resolution] */
      const char *wire = vmir_field_wire_name(f);
      name = vmir_lower_string(L, wire);
      vmir_object_names_add(L, names, name, wire);
    }

    if (!(f->flags & VMIR_FIELD_SKIP_IF)) {
      if (f->flags & VMIR_FIELD_FLATTEN) {
        emit_enter(L, variant, i);
        emit_member_payload(L, f, name, names, depth);
        vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
      } else {
        vmir_lower_emit(L, VMIR_OP_EMIT_FIELD_NAME, name, 0, 0);
        emit_enter(L, variant, i);
        vmir_lower_value(L, f->shape);
        vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
      }
      continue;
    }

    /* t[impl format.ir.compile-predicate-binding] */
    /* The predicate is a table entry (a test, a host id, the wire name of the
     * field for error messages); the decision is a branch around the whole
     * member, name included:
     *   enter; branch-pred pN (then skip) (else emit)
     *   emit: name, value; jump join      skip: jump join
     *   join: leave */
    const char *wire = vmir_field_wire_name(f);
    vmir_predicate pred = {
        .test = f->skip_if,
        .host_id = f->skip_if == VMIR_PRED_HOST ? f->host_predicate : 0,
        .field_name = vmir_lower_string(L, wire),
    };
    uint32_t p = L->failed ? 0 : vmir_builder_add_predicate(L->b, pred);
    emit_enter(L, variant, i);
    uint32_t skip = vmir_lower_block(L), emit = vmir_lower_block(L),
             join = vmir_lower_block(L);
    /* t[impl format.ir.compile-lowering-selection] */
    vmir_lower_emit(L, VMIR_OP_BRANCH_PRED, p, skip, emit);
    L->block = emit;
    emit_member_payload(L, f, name, names, depth);
    vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
    L->block = skip;
    vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
    L->block = join;
    vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
  }
}

/* ---- whole bodies ------------------------------------------------------------------ */

void vmir_lower_struct_body(vmir_lower *L, const vmir_shape *shape) {
  uint32_t members = 0;
  bool dynamic = false;
  if (!vmir_lower_count_members(L, shape->u.fields.fields,
                                shape->u.fields.count, 0, &members, &dynamic))
    return;
  /* A skip-if member makes the count known only at the end; otherwise the
   * exact count goes into the instruction so that length-prefixed formats
   * write their header at once. */
  if (dynamic)
    vmir_lower_emit(L, VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC, 0, 0, 0);
  else
    vmir_lower_emit(L, VMIR_OP_EMIT_BEGIN_STRUCT, members, 0, 0);
  vmir_object_names names = {0};
  vmir_lower_members(L, shape->u.fields.fields, shape->u.fields.count, -1,
                     &names, 0);
  vmir_object_names_free(&names);
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
}

/* Tuples are positional: skip drops a position, but skip-if would make the
 * length conditional and flatten has no meaning without names. */
bool vmir_lower_check_positional(vmir_lower *L, const vmir_field *fields,
                                 uint32_t count, uint32_t *len) {
  *len = 0;
  for (uint32_t i = 0; i < count; i++) {
    const vmir_field *f = &fields[i];
    if (f->flags & VMIR_FIELD_SKIP) continue;
    if (f->flags & (VMIR_FIELD_SKIP_IF | VMIR_FIELD_FLATTEN)) {
      vmir_lower_fail(L, VMIR_E_SHAPE,
                      "positional field %u (%s): skip-if and flatten apply "
                      "to named fields only", i, field_label(f));
      return false;
    }
    (*len)++;
  }
  return true;
}

void vmir_lower_positional(vmir_lower *L, const vmir_field *fields,
                           uint32_t count, int64_t variant) {
  uint32_t len = 0;
  if (!vmir_lower_check_positional(L, fields, count, &len)) return;
  vmir_lower_emit(L, VMIR_OP_EMIT_BEGIN_TUPLE, len, 0, 0);
  for (uint32_t i = 0; i < count; i++) {
    if (fields[i].flags & VMIR_FIELD_SKIP) continue;
    emit_enter(L, variant, i);
    vmir_lower_value(L, fields[i].shape);
    vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
  }
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
}

void vmir_lower_tuple_body(vmir_lower *L, const vmir_shape *shape) {
  vmir_lower_positional(L, shape->u.fields.fields, shape->u.fields.count, -1);
}
