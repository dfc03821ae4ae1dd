/* Lowering of enums. The active variant is a run-time fact (switch-variant
 * reads the tag); everything else is decided here: one case block per
 * variant, and in each the exact events of the shape's tagging style.
 *
 *   external  {"Name": payload}        unit: "Name" or {"Name": null}
 *   internal  {"tag": "Name", fields}  unit: {"tag": "Name"}
 *   adjacent  {"tag": "Name", "content": payload}   unit: {"tag": "Name"}
 *   untagged  payload                  unit: null
 *
 * Payloads: newtype = the one field's value; struct = an object of the
 * variant's fields (skip, rename, flatten, skip-if apply); tuple = a
 * sequence. */
#include <stdlib.h>

#include "compile/compile_internal.h"

static const char *variant_label(const vmir_variant *v) {
  return v->name ? v->name : "?";
}

/* The newtype's one field, or NULL after failing the lowering. */
static const vmir_field *newtype_field(vmir_lower *L, const vmir_variant *v) {
  if (v->field_count != 1 || !v->fields) {
    vmir_lower_fail(L, VMIR_E_SHAPE,
                    "variant %s: a newtype variant has exactly one field (%u)",
                    variant_label(v), v->field_count);
    return NULL;
  }
  if (v->fields[0].flags &
      (VMIR_FIELD_SKIP | VMIR_FIELD_SKIP_IF | VMIR_FIELD_FLATTEN)) {
    vmir_lower_fail(L, VMIR_E_SHAPE,
                    "variant %s: the field of a newtype variant is the payload "
                    "itself and cannot be skipped or flattened",
                    variant_label(v));
    return NULL;
  }
  return &v->fields[0];
}

/* Begins an object of `members` named members plus `extra` fixed ones
 * (tag keys), dynamic when some member is conditional. */
static void begin_object(vmir_lower *L, uint32_t members, uint32_t extra,
                         bool dynamic) {
  if (dynamic)
    vmir_lower_emit(L, VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC, 0, 0, 0);
  else
    vmir_lower_emit(L, VMIR_OP_EMIT_BEGIN_STRUCT, (int64_t)members + extra, 0,
                    0);
}

/* One fixed member "key": "value" (tag key and variant name). */
static void emit_tag_member(vmir_lower *L, vmir_object_names *names,
                            const char *key, uint32_t value) {
  uint32_t k = vmir_lower_string(L, key);
  vmir_object_names_add(L, names, k, key);
  vmir_lower_emit(L, VMIR_OP_EMIT_FIELD_NAME, k, 0, 0);
  vmir_lower_emit(L, VMIR_OP_EMIT_STRING, value, 0, 0);
}

/* The payload of variant `vi` as one value. */
static void lower_payload(vmir_lower *L, const vmir_variant *v, uint32_t vi) {
  switch (v->style) {
    case VMIR_VARIANT_UNIT:
      vmir_lower_emit(L, VMIR_OP_EMIT_NULL, 0, 0, 0);
      return;
    case VMIR_VARIANT_NEWTYPE: {
      const vmir_field *f = newtype_field(L, v);
      if (!f) return;
      vmir_lower_emit(L, VMIR_OP_ENTER_VARIANT_FIELD, vi, 0, 0);
      vmir_lower_value(L, f->shape);
      vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
      return;
    }
    case VMIR_VARIANT_STRUCT: {
      uint32_t members = 0;
      bool dynamic = false;
      if (!vmir_lower_count_members(L, v->fields, v->field_count, 0, &members,
                                    &dynamic))
        return;
      begin_object(L, members, 0, dynamic);
      vmir_object_names names = {0};
      vmir_lower_members(L, v->fields, v->field_count, vi, &names, 0);
      vmir_object_names_free(&names);
      vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
      return;
    }
    case VMIR_VARIANT_TUPLE:
      vmir_lower_positional(L, v->fields, v->field_count, vi);
      return;
  }
  vmir_lower_fail(L, VMIR_E_SHAPE, "variant %s: unknown style %d",
                  variant_label(v), (int)v->style);
}

static void lower_external(vmir_lower *L, const vmir_shape *e,
                           const vmir_variant *v, uint32_t vi, uint32_t name) {
  if (v->style == VMIR_VARIANT_UNIT && e->u.enumeration.unit_as_string) {
    vmir_lower_emit(L, VMIR_OP_EMIT_STRING, name, 0, 0);
    return;
  }
  vmir_lower_emit(L, VMIR_OP_EMIT_BEGIN_STRUCT, 1, 0, 0);
  vmir_lower_emit(L, VMIR_OP_EMIT_FIELD_NAME, name, 0, 0);
  lower_payload(L, v, vi);
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
}

/* Internal tagging merges the tag into the payload object, so the payload
 * must be one: a struct variant, or a newtype holding a struct (whose fields
 * are entered through the variant field). */
static void lower_internal(vmir_lower *L, const vmir_shape *e,
                           const vmir_variant *v, uint32_t vi, uint32_t name) {
  const char *tag = e->u.enumeration.tag_key;
  vmir_object_names names = {0};
  uint32_t members = 0;
  bool dynamic = false;
  switch (v->style) {
    case VMIR_VARIANT_UNIT:
      begin_object(L, 0, 1, false);
      emit_tag_member(L, &names, tag, name);
      break;
    case VMIR_VARIANT_STRUCT:
      if (!vmir_lower_count_members(L, v->fields, v->field_count, 0, &members,
                                    &dynamic))
        break;
      begin_object(L, members, 1, dynamic);
      emit_tag_member(L, &names, tag, name);
      vmir_lower_members(L, v->fields, v->field_count, vi, &names, 0);
      break;
    case VMIR_VARIANT_NEWTYPE: {
      const vmir_field *f = newtype_field(L, v);
      if (!f) break;
      const vmir_shape *inner = f->shape;
      if (inner->kind != VMIR_KIND_STRUCT) {
        vmir_lower_fail(L, VMIR_E_SHAPE,
                        "variant %s: an internally tagged newtype variant must "
                        "hold a struct, not %s", variant_label(v),
                        vmir_kind_name(inner->kind));
        break;
      }
      if (!vmir_lower_count_members(L, inner->u.fields.fields,
                                    inner->u.fields.count, 0, &members,
                                    &dynamic))
        break;
      begin_object(L, members, 1, dynamic);
      emit_tag_member(L, &names, tag, name);
      vmir_lower_emit(L, VMIR_OP_ENTER_VARIANT_FIELD, vi, 0, 0);
      vmir_lower_members(L, inner->u.fields.fields, inner->u.fields.count, -1,
                         &names, 0);
      vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
      break;
    }
    default:
      vmir_lower_fail(L, VMIR_E_SHAPE,
                      "variant %s: a tuple variant cannot be internally tagged "
                      "(its items have no names to sit beside the tag)",
                      variant_label(v));
      break;
  }
  vmir_object_names_free(&names);
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
}

static void lower_adjacent(vmir_lower *L, const vmir_shape *e,
                           const vmir_variant *v, uint32_t vi, uint32_t name) {
  vmir_object_names names = {0};
  bool unit = v->style == VMIR_VARIANT_UNIT;
  begin_object(L, 0, unit ? 1u : 2u, false);
  emit_tag_member(L, &names, e->u.enumeration.tag_key, name);
  if (!unit) {
    const char *content = e->u.enumeration.content_key;
    uint32_t c = vmir_lower_string(L, content);
    vmir_object_names_add(L, &names, c, content);
    vmir_lower_emit(L, VMIR_OP_EMIT_FIELD_NAME, c, 0, 0);
    lower_payload(L, v, vi);
  }
  vmir_object_names_free(&names);
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
}

/* Tag keys are part of the tagging policy; check them once per enum. */
static bool tag_keys_fit(vmir_lower *L, const vmir_shape *e) {
  vmir_tagging t = e->u.enumeration.tagging;
  const char *type = e->name ? e->name : "enum";
  if ((unsigned)t > VMIR_TAG_UNTAGGED) {
    vmir_lower_fail(L, VMIR_E_SHAPE, "%s: unknown tagging %d", type, (int)t);
    return false;
  }
  if ((t == VMIR_TAG_INTERNAL || t == VMIR_TAG_ADJACENT) &&
      !e->u.enumeration.tag_key) {
    vmir_lower_fail(L, VMIR_E_SHAPE, "%s: %s tagging needs a tag key", type,
                    t == VMIR_TAG_INTERNAL ? "internal" : "adjacent");
    return false;
  }
  if (t == VMIR_TAG_ADJACENT && !e->u.enumeration.content_key) {
    vmir_lower_fail(L, VMIR_E_SHAPE, "%s: adjacent tagging needs a content key",
                    type);
    return false;
  }
  return true;
}

/* t[impl format.ir.enum-tagging-policy] */
/* t[impl format.ir.enum-payload-control-flow] */
/* t[impl format.ir.compile-lowering-selection] */
void vmir_lower_enum_body(vmir_lower *L, const vmir_shape *shape) {
  if (!tag_keys_fit(L, shape)) return;
  uint32_t n = shape->u.enumeration.count;
  uint32_t *cases = n ? malloc(n * sizeof *cases) : NULL;
  if (n && !cases) {
    vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (enum cases)");
    return;
  }
  for (uint32_t v = 0; v < n; v++) cases[v] = vmir_lower_block(L);
  uint32_t join = vmir_lower_block(L);
  /* The list operand lists the case blocks in variant (shape) order; the
   * executor resolves the active variant from the tag at run time. */
  uint32_t list = L->failed ? 0 : vmir_builder_add_list(L->b, cases, n);
  vmir_lower_emit(L, VMIR_OP_SWITCH_VARIANT, list, 0, 0);
  for (uint32_t v = 0; v < n && !L->failed; v++) {
    const vmir_variant *var = &shape->u.enumeration.variants[v];
    L->block = cases[v];
    /* t[impl format.ir.compile-rename-resolution] */
    /* Untagged output never names the variant: keep its name out of the
     * string table. */
    uint32_t name = shape->u.enumeration.tagging == VMIR_TAG_UNTAGGED
                        ? 0
                        : vmir_lower_string(L, vmir_variant_wire_name(var));
    switch (shape->u.enumeration.tagging) {
      case VMIR_TAG_EXTERNAL: lower_external(L, shape, var, v, name); break;
      case VMIR_TAG_INTERNAL: lower_internal(L, shape, var, v, name); break;
      case VMIR_TAG_ADJACENT: lower_adjacent(L, shape, var, v, name); break;
      case VMIR_TAG_UNTAGGED:
        if (var->style == VMIR_VARIANT_UNIT)
          vmir_lower_emit(L, VMIR_OP_EMIT_NULL, 0, 0, 0);
        else
          lower_payload(L, var, v);
        break;
    }
    vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
  }
  free(cases);
  L->block = join;
}
