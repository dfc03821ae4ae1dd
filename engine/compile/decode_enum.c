/* Decode lowering of enums. The variant comes from the input; which part
 * of the input names it is the tagging policy, decided here:
 *
 *   external  "Name" (unit variants, unit_as_string) or {"Name": payload}
 *   adjacent  {"tag": "Name", "content": payload}, members in any order
 *   internal  {"tag": "Name", ...fields}, members in any order
 *   untagged  payload only: the first variant whose payload can start with
 *             the next token's class (no backtracking)
 *
 * Adjacent and internal tags may follow the members they govern, so the
 * program looks ahead: cursor-save, scan the object for the tag, select the
 * variant, cursor-restore and decode the object again knowing the variant.
 * build-select-variant writes the tag; payload fields are reached with
 * enter-variant-field, and struct payloads are tracked on the enum itself
 * (build-begin-struct addresses the active variant's fields). */
#include <stdlib.h>

#include "compile/decode_internal.h"

static const char *variant_label(const vmir_variant *v) {
  return v->name ? v->name : "?";
}

static uint32_t add_list(vmir_lower *L, const uint32_t *items, uint32_t n) {
  return L->failed ? 0 : vmir_builder_add_list(L->b, items, n);
}

/* Room for n block or string indexes (and one more, so n may be 0). */
static uint32_t *new_indexes(vmir_lower *L, uint32_t n) {
  uint32_t *blocks = malloc(((size_t)n + 1u) * sizeof *blocks);
  if (!blocks) vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (enum cases)");
  return blocks;
}

/* Tag and content keys are part of the tagging policy; checked per enum. */
static bool tagging_fits(vmir_dlower *D, const vmir_shape *e, const char *type) {
  vmir_tagging t = e->u.enumeration.tagging;
  if ((unsigned)t > VMIR_TAG_UNTAGGED) {
    vmir_lower_fail(&D->L, VMIR_E_SHAPE, "%s: unknown tagging %d", type, (int)t);
    return false;
  }
  if ((t == VMIR_TAG_INTERNAL || t == VMIR_TAG_ADJACENT) &&
      !e->u.enumeration.tag_key) {
    vmir_lower_fail(&D->L, VMIR_E_SHAPE, "%s: %s tagging needs a tag key", type,
                    t == VMIR_TAG_INTERNAL ? "internal" : "adjacent");
    return false;
  }
  if (t == VMIR_TAG_ADJACENT && !e->u.enumeration.content_key) {
    vmir_lower_fail(&D->L, VMIR_E_SHAPE,
                    "%s: adjacent tagging needs a content key", type);
    return false;
  }
  return true;
}

/* The newtype's one field (the payload itself), or NULL after failing. */
static const vmir_field *newtype_field(vmir_dlower *D, const vmir_variant *v) {
  if (v->field_count != 1 || !v->fields ||
      (v->fields[0].flags &
       (VMIR_FIELD_SKIP | VMIR_FIELD_SKIP_IF | VMIR_FIELD_FLATTEN))) {
    vmir_lower_fail(&D->L, VMIR_E_SHAPE,
                    "variant %s: a newtype variant has exactly one field, "
                    "which is neither skipped nor flattened",
                    variant_label(v));
    return NULL;
  }
  return &v->fields[0];
}

/* The payload of variant `vi` as one value, in the current block. */
static void payload(vmir_dlower *D, const vmir_shape *e, uint32_t vi,
                    const char *type) {
  const vmir_variant *v = &e->u.enumeration.variants[vi];
  switch (v->style) {
    case VMIR_VARIANT_UNIT:
      vmir_dec_op(D, D->ops->read_null, 0, 0);
      return;
    case VMIR_VARIANT_NEWTYPE: {
      const vmir_field *f = newtype_field(D, v);
      if (!f) return;
      vmir_lower_emit(&D->L, VMIR_OP_ENTER_VARIANT_FIELD, vi, 0, 0);
      vmir_dec_value(D, f->shape);
      vmir_lower_emit(&D->L, VMIR_OP_LEAVE, 0, 0, 0);
      return;
    }
    case VMIR_VARIANT_STRUCT: {
      vmir_dobj obj = {.fields = v->fields, .count = v->field_count,
                       .variant = vi, .track = true, .type_name = type};
      vmir_dec_object(D, &obj);
      return;
    }
    case VMIR_VARIANT_TUPLE:
      vmir_dec_positional(D, v->fields, v->field_count, vi, type);
      return;
  }
  vmir_lower_fail(&D->L, VMIR_E_SHAPE, "variant %s: unknown style %d",
                  variant_label(v), (int)v->style);
}

static void select_variant(vmir_dlower *D, uint32_t vi) {
  vmir_lower_emit(&D->L, VMIR_OP_BUILD_SELECT_VARIANT, vi, 0, 0);
}

static uint32_t wire_name(vmir_dlower *D, const vmir_shape *e, uint32_t vi) {
  return vmir_lower_string(&D->L,
                           vmir_variant_wire_name(&e->u.enumeration.variants[vi]));
}

/* ---- external ------------------------------------------------------------- */

/*   open object (key) (empty: fail)
 *   key: read-key; switch-key (names) (case_v) (unknown: fail)
 *   case_v: build-select-variant v; <payload v>; advance (more: fail) (done) */
static void external_object(vmir_dlower *D, const vmir_shape *e, uint32_t done,
                            const char *type) {
  vmir_lower *L = &D->L;
  uint32_t n = e->u.enumeration.count;
  uint32_t *names = new_indexes(L, n), *cases = new_indexes(L, n);
  if (names && cases) {
    uint32_t key = vmir_lower_block(L);
    vmir_dec_open(D, true, key,
                  vmir_dec_fail_block(D, "expected an object with one member "
                                      "for enum %s", type));
    for (uint32_t v = 0; v < n; v++) {
      names[v] = wire_name(D, e, v);
      cases[v] = vmir_lower_block(L);
    }
    uint32_t more = vmir_dec_fail_block(
        D, "expected exactly one member in the object of enum %s", type);
    L->block = key;
    vmir_dec_op(D, D->ops->read_key, 0, 0);
    vmir_lower_emit(L, VMIR_OP_SWITCH_KEY, add_list(L, names, n),
                    add_list(L, cases, n),
                    vmir_dec_fail_block(D, "unknown variant of enum %s", type));
    for (uint32_t v = 0; v < n && !L->failed; v++) {
      L->block = cases[v];
      select_variant(D, v);
      payload(D, e, v, type);
      vmir_dec_advance(D, true, more, done);
    }
  }
  free(names);
  free(cases);
}

/* With unit variants as strings the token class decides the form:
 *   peek-token: string -> str, object -> obj, other classes -> fail
 *   str: read-string; switch-string (unit names) (unit_v) (unknown: fail)
 *   unit_v: build-select-variant v; jump done
 *   obj: <external object> */
static void external(vmir_dlower *D, const vmir_shape *e, uint32_t done,
                     const char *type) {
  vmir_lower *L = &D->L;
  uint32_t n = e->u.enumeration.count, units = 0;
  const vmir_variant *vs = e->u.enumeration.variants;
  if (e->u.enumeration.unit_as_string)
    for (uint32_t v = 0; v < n; v++) units += vs[v].style == VMIR_VARIANT_UNIT;
  if (units == 0) {
    /* Unit variants, if any, are {"Name": null}. */
    external_object(D, e, done, type);
    return;
  }
  uint32_t str = vmir_lower_block(L), obj = vmir_lower_block(L);
  uint32_t bad = vmir_dec_fail_block(
      D, "expected a string or an object for enum %s", type);
  uint32_t classes[VMIR_TOKEN_CLASS_COUNT];
  for (uint32_t c = 0; c < VMIR_TOKEN_CLASS_COUNT; c++) classes[c] = bad;
  classes[VMIR_TOKEN_STRING] = str;
  classes[VMIR_TOKEN_OBJECT] = obj;
  vmir_dec_op(D, D->ops->peek_token,
              add_list(L, classes, VMIR_TOKEN_CLASS_COUNT), 0);

  uint32_t *names = new_indexes(L, units), *cases = new_indexes(L, units);
  if (names && cases) {
    uint32_t k = 0;
    for (uint32_t v = 0; v < n; v++) {
      if (vs[v].style != VMIR_VARIANT_UNIT) continue;
      names[k] = wire_name(D, e, v);
      cases[k] = vmir_lower_block(L);
      L->block = cases[k++];
      select_variant(D, v);
      vmir_lower_emit(L, VMIR_OP_JUMP, done, 0, 0);
    }
    L->block = str;
    vmir_dec_op(D, D->ops->read_string, 0, 0);
    vmir_lower_emit(L, VMIR_OP_SWITCH_STRING, add_list(L, names, units),
                    add_list(L, cases, units),
                    vmir_dec_fail_block(D, "unknown variant of enum %s", type));
  }
  free(names);
  free(cases);
  /* The object form accepts every variant, unit ones as {"Name": null}. */
  L->block = obj;
  external_object(D, e, done, type);
}

/* ---- adjacent and internal: the tag lookahead ----------------------------- */

typedef void (*second_pass_fn)(vmir_dlower *D, const vmir_shape *e,
                               uint32_t vi, const char *type);

/* The first pass, up to the tag's value: switch-string sends each
 * variant name to cases[v] (with the cursor still inside the object). */
static void scan_for_tag(vmir_dlower *D, const vmir_shape *e, const char *type,
                         const uint32_t *names, const uint32_t *cases) {
  vmir_lower *L = &D->L;
  uint32_t n = e->u.enumeration.count;
  const char *tag_key = e->u.enumeration.tag_key;
  uint32_t tag = vmir_lower_string(L, tag_key);
  uint32_t scan = vmir_lower_block(L), skip = vmir_lower_block(L),
           found = vmir_lower_block(L), missing = vmir_lower_block(L);
  vmir_lower_emit(L, VMIR_OP_CURSOR_SAVE, 0, 0, 0);
  vmir_dec_open(D, true, scan, missing);

  L->block = scan;
  vmir_dec_op(D, D->ops->read_key, 0, 0);
  vmir_lower_emit(L, VMIR_OP_SWITCH_KEY, add_list(L, &tag, 1),
                  add_list(L, &found, 1), skip);
  L->block = skip;
  vmir_dec_op(D, D->ops->skip_value, 0, 0);
  vmir_dec_advance(D, true, scan, missing);

  L->block = missing;
  vmir_lower_emit(L, VMIR_OP_CURSOR_DROP, 0, 0, 0);
  vmir_dec_fail_here(D, "missing tag \"%s\" in the object of enum %s", tag_key,
                     type);

  L->block = found;
  vmir_dec_op(D, D->ops->read_string, 0, 0);
  vmir_lower_emit(L, VMIR_OP_SWITCH_STRING, add_list(L, names, n),
                  add_list(L, cases, n),
                  vmir_dec_fail_block(D, "unknown variant of enum %s", type));
}

/*   cursor-save; open object (scan) (missing)
 *   scan: read-key; switch-key (tag) (found) (unknown skip)
 *   skip: skip-value; advance (scan) (missing)
 *   found: read-string; switch-string (names) (sel_v) (unknown: fail)
 *   sel_v: [counted: loop-exit]; cursor-restore;
 *          build-select-variant v; <second pass v>; jump done
 *   missing: cursor-drop; fail
 * Every source abandons the scan at the tag: restoring the cursor is all
 * it takes, and a counted source also drops its member loop (loop-exit).
 * The members after the tag are read once, by the second pass, as in
 * unfused decode, where the scan over events stops at the tag too; skipping
 * them here first would bound them by the depth limit of skip-value, which
 * the typed second pass does not apply (fuzz: limit-in-lookahead). */
static void lookahead(vmir_dlower *D, const vmir_shape *e, uint32_t done,
                      const char *type, second_pass_fn second) {
  vmir_lower *L = &D->L;
  uint32_t n = e->u.enumeration.count;
  uint32_t *names = new_indexes(L, n), *cases = new_indexes(L, n);
  if (names && cases) {
    for (uint32_t v = 0; v < n; v++) {
      names[v] = wire_name(D, e, v);
      cases[v] = vmir_lower_block(L);
    }
    scan_for_tag(D, e, type, names, cases);
  }
  for (uint32_t v = 0; names && cases && v < n && !L->failed; v++) {
    L->block = cases[v];
    if (D->ops->counted) vmir_lower_emit(L, VMIR_OP_LOOP_EXIT, 0, 0, 0);
    vmir_lower_emit(L, VMIR_OP_CURSOR_RESTORE, 0, 0, 0);
    select_variant(D, v);
    second(D, e, v, type);
    vmir_lower_emit(L, VMIR_OP_JUMP, done, 0, 0);
  }
  free(names);
  free(cases);
}

/* Adjacent, the object again with the variant known. Whether the content
 * member has been seen is kept in the program counter: two copies of the
 * member loop, before (A) and after (B) it.
 *   open object (kA) (endA)
 *   kX: read-key; switch-key (tag content) (tagX cX) (unknown uX)
 *   tagX: the value names v again; jump nX      uX: unknown policy; jump nX
 *   cA: <payload v>; jump nB      cB: last-wins ? <payload v>; jump nB : fail
 *   nA: advance (kA) (endA)       nB: advance (kB) (end)
 *   endA: unit variant ? jump end : fail (missing content) */
static void adjacent_pass(vmir_dlower *D, const vmir_shape *e, uint32_t vi,
                          const char *type) {
  vmir_lower *L = &D->L;
  const char *tag_key = e->u.enumeration.tag_key;
  const char *content_key = e->u.enumeration.content_key;
  bool unit = e->u.enumeration.variants[vi].style == VMIR_VARIANT_UNIT;
  uint32_t name = wire_name(D, e, vi);
  uint32_t keys[2] = {vmir_lower_string(L, tag_key),
                      vmir_lower_string(L, content_key)};
  if (keys[0] == keys[1]) {
    vmir_lower_fail(L, VMIR_E_SHAPE, "%s: tag and content keys are both \"%s\"",
                    type, tag_key);
    return;
  }
  uint32_t k[2], nx[2], tagc[2], content[2], unknown[2];
  for (int s = 0; s < 2; s++) {
    k[s] = vmir_lower_block(L);
    nx[s] = vmir_lower_block(L);
    tagc[s] = vmir_lower_block(L);
    content[s] = vmir_lower_block(L);
    unknown[s] = vmir_lower_block(L);
  }
  uint32_t end = vmir_lower_block(L), end_a = vmir_lower_block(L);
  vmir_dec_open(D, true, k[0], end_a);
  for (int s = 0; s < 2; s++) {
    uint32_t cases[2] = {tagc[s], content[s]};
    L->block = k[s];
    vmir_dec_op(D, D->ops->read_key, 0, 0);
    vmir_lower_emit(L, VMIR_OP_SWITCH_KEY, add_list(L, keys, 2),
                    add_list(L, cases, 2), unknown[s]);
    L->block = tagc[s];
    vmir_dec_tag_check(D, tag_key, name, type, nx[s]);
    L->block = unknown[s];
    vmir_dec_unknown_case(D, -1, nx[s]);
    L->block = content[s];
    if (s == 1 && !D->last_wins) {
      vmir_dec_fail_here(D, "duplicate member \"%s\" in the object of enum %s",
                         content_key, type);
    } else {
      payload(D, e, vi, type);
      vmir_lower_emit(L, VMIR_OP_JUMP, nx[1], 0, 0);
    }
    L->block = nx[s];
    vmir_dec_advance(D, true, k[s], s == 0 ? end_a : end);
  }
  L->block = end_a;
  if (unit)
    vmir_lower_emit(L, VMIR_OP_JUMP, end, 0, 0);
  else
    vmir_dec_fail_here(D, "missing member \"%s\" in the object of enum %s",
                       content_key, type);
  L->block = end;
}

/* Internal, the object again as the variant's struct with the tag member
 * beside its fields. A newtype variant holds a struct whose fields these
 * are; a tuple variant has no names to sit beside the tag. */
static void internal_pass(vmir_dlower *D, const vmir_shape *e, uint32_t vi,
                          const char *type) {
  const vmir_variant *v = &e->u.enumeration.variants[vi];
  vmir_dobj obj = {.variant = vi, .tag_key = e->u.enumeration.tag_key,
                   .tag_name = wire_name(D, e, vi), .type_name = type};
  switch (v->style) {
    case VMIR_VARIANT_UNIT:
      /* No fields, no frame: only the tag and unknown members. */
      vmir_dec_object(D, &obj);
      return;
    case VMIR_VARIANT_STRUCT:
      obj.fields = v->fields;
      obj.count = v->field_count;
      obj.track = true;
      vmir_dec_object(D, &obj);
      return;
    case VMIR_VARIANT_NEWTYPE: {
      const vmir_field *f = newtype_field(D, v);
      if (!f) return;
      if (f->shape->kind != VMIR_KIND_STRUCT) {
        vmir_lower_fail(&D->L, VMIR_E_SHAPE,
                        "variant %s: an internally tagged newtype variant must "
                        "hold a struct, not %s", variant_label(v),
                        vmir_kind_name(f->shape->kind));
        return;
      }
      obj.fields = f->shape->u.fields.fields;
      obj.count = f->shape->u.fields.count;
      obj.variant = -1;
      obj.track = true;
      vmir_lower_emit(&D->L, VMIR_OP_ENTER_VARIANT_FIELD, vi, 0, 0);
      vmir_dec_object(D, &obj);
      vmir_lower_emit(&D->L, VMIR_OP_LEAVE, 0, 0, 0);
      return;
    }
    case VMIR_VARIANT_TUPLE:
      break;
  }
  vmir_lower_fail(&D->L, VMIR_E_SHAPE,
                  "variant %s: a tuple variant cannot be internally tagged "
                  "(its items have no names to sit beside the tag)",
                  variant_label(v));
}

/* ---- untagged ------------------------------------------------------------- */

/* vmir's untagged rule: each token class goes to the first variant, in
 * declaration order, whose payload can start with that class; a class no
 * variant takes fails. The choice is made once, from the next token, and
 * never revisited (no backtracking), so it is deterministic and linear.
 *   peek-token (class -> var_v or nomatch)
 *   var_v: build-select-variant v; <payload v>; jump done */
static void untagged(vmir_dlower *D, const vmir_shape *e, uint32_t done,
                     const char *type) {
  vmir_lower *L = &D->L;
  uint32_t n = e->u.enumeration.count;
  uint32_t *blocks = new_indexes(L, n);
  if (!blocks) return;
  for (uint32_t v = 0; v < n; v++) blocks[v] = UINT32_MAX;
  uint32_t nomatch = vmir_dec_fail_block(
      D, "no variant of %s matches the input", type);
  /* Class by class, the first variant that takes it; each class is
   * claimed once, so the scan ends as soon as every class is. */
  uint32_t classes[VMIR_TOKEN_CLASS_COUNT];
  for (uint32_t c = 0; c < VMIR_TOKEN_CLASS_COUNT; c++) classes[c] = nomatch;
  uint32_t claimed = 0;
  for (uint32_t v = 0; v < n && claimed != VMIR_TOKEN_ALL && !L->failed; v++) {
    uint32_t mine = vmir_dec_variant_classes(D, &e->u.enumeration.variants[v], 0) &
                    ~claimed;
    if (!mine) continue;
    blocks[v] = vmir_lower_block(L);
    for (uint32_t c = 0; c < VMIR_TOKEN_CLASS_COUNT; c++)
      if (mine & VMIR_TOKEN_BIT(c)) classes[c] = blocks[v];
    claimed |= mine;
  }
  vmir_dec_op(D, D->ops->peek_token,
              add_list(L, classes, VMIR_TOKEN_CLASS_COUNT), 0);
  for (uint32_t v = 0; v < n && !L->failed; v++) {
    /* A variant shadowed by earlier ones is never chosen, but it is lowered
     * all the same, in a block no edge reaches: the decode compilers then
     * refuse every shape the encode compiler refuses (a skipped newtype
     * field under a shadowed variant, say). */
    if (blocks[v] == UINT32_MAX) blocks[v] = vmir_lower_block(L);
    L->block = blocks[v];
    select_variant(D, v);
    payload(D, e, v, type);
    vmir_lower_emit(L, VMIR_OP_JUMP, done, 0, 0);
  }
  free(blocks);
}

/* t[impl format.ir.enum-tagging-policy] */
void vmir_dec_enum_body(vmir_dlower *D, const vmir_shape *shape) {
  const char *type = vmir_dec_type_name(shape);
  if (!tagging_fits(D, shape, type)) return;
  /* Every newtype is checked, also one that untagged dispatch shadows. */
  for (uint32_t v = 0; v < shape->u.enumeration.count; v++)
    if (shape->u.enumeration.variants[v].style == VMIR_VARIANT_NEWTYPE &&
        !newtype_field(D, &shape->u.enumeration.variants[v]))
      return;
  uint32_t done = vmir_lower_block(&D->L);
  switch (shape->u.enumeration.tagging) {
    case VMIR_TAG_EXTERNAL: external(D, shape, done, type); break;
    case VMIR_TAG_ADJACENT: lookahead(D, shape, done, type, adjacent_pass); break;
    case VMIR_TAG_INTERNAL: lookahead(D, shape, done, type, internal_pass); break;
    case VMIR_TAG_UNTAGGED: untagged(D, shape, done, type); break;
  }
  D->L.block = done;
}
