/* Decode lowering of objects into structs (and into the fields of a struct
 * variant), with every field policy decided here: skipped fields have no
 * key, wire names are resolved into the switch-key table, flattened
 * structs are tracked by their own frames and their members join the
 * parent's key set, and the unknown-field and duplicate-key policies become
 * instructions (docs/decode.md). Tuples are positional sequences. */
#include <stdlib.h>

#include "compile/decode_internal.h"

#define NO_FLAT UINT32_MAX

/* A flattened field: `field` of the struct reached through flat `parent`
 * (NO_FLAT: of the object's own fields). */
typedef struct dflat {
  uint32_t parent;
  uint32_t field;
} dflat;

/* A key of the object: field `field` of the struct reached through `flat`. */
typedef struct dkey {
  uint32_t name;
  uint32_t flat;
  uint32_t field;
  const vmir_shape *shape;
} dkey;

typedef struct dmembers {
  dkey *keys;
  uint32_t key_count, key_cap;
  dflat *flats;             /* pre-order: a parent before its children */
  uint32_t flat_count, flat_cap;
  vmir_object_names names;  /* rejects a wire name used twice */
  int64_t collect;          /* the catch-all field (COLLECT), or -1 */
} dmembers;

static void members_free(dmembers *m) {
  free(m->keys);
  free(m->flats);
  vmir_object_names_free(&m->names);
}

static bool grow(vmir_lower *L, void **items, uint32_t *cap, uint32_t count,
                 size_t size) {
  if (count < *cap) return true;
  uint32_t n = *cap ? *cap * 2u : 8u;
  void *grown = realloc(*items, (size_t)n * size);
  if (!grown) {
    vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (object members)");
    return false;
  }
  *items = grown;
  *cap = n;
  return true;
}

/* Gathers keys and flattened structs in declaration order. Flatten depth
 * and targets were checked by vmir_lower_count_members beforehand. */
static void gather(vmir_lower *L, dmembers *m, const vmir_field *fields,
                   uint32_t count, uint32_t flat) {
  for (uint32_t i = 0; i < count && !L->failed; i++) {
    const vmir_field *f = &fields[i];
    /* t[impl format.ir.compile-static-skip] */
    if (f->flags & VMIR_FIELD_SKIP) continue;  /* its key is unknown */
    /* The catch-all has no key of its own: a member named like it is one
     * more unknown member, collected into it. */
    if (flat == NO_FLAT && (int64_t)i == m->collect) continue;
    /* Members are bounded; so are flattened structs, which a flatten DAG
     * could otherwise multiply without adding a member. */
    if (m->key_count + m->flat_count >= VMIR_COMPILE_MAX_OBJECT_MEMBERS) {
      vmir_lower_fail(L, VMIR_E_LIMIT,
                      "object has more than %u members and flattened fields",
                      VMIR_COMPILE_MAX_OBJECT_MEMBERS);
      return;
    }
    if (f->flags & VMIR_FIELD_FLATTEN) {
      if (!grow(L, (void **)&m->flats, &m->flat_cap, m->flat_count,
                sizeof *m->flats))
        return;
      uint32_t self = m->flat_count++;
      m->flats[self] = (dflat){flat, i};
      gather(L, m, f->shape->u.fields.fields, f->shape->u.fields.count, self);
      continue;
    }
    /* t[impl format.ir.compile-rename-resolution] */
    const char *wire = vmir_field_wire_name(f);
    uint32_t name = vmir_lower_string(L, wire);
    vmir_object_names_add(L, &m->names, name, wire);
    if (!grow(L, (void **)&m->keys, &m->key_cap, m->key_count, sizeof *m->keys))
      return;
    m->keys[m->key_count++] = (dkey){name, flat, i, f->shape};
  }
}

/* Field `index` of the object's own value (outermost: the struct, or the
 * active variant) or of a flattened struct already entered. */
static void enter(vmir_dlower *D, const vmir_dobj *obj, bool outermost,
                  uint32_t index) {
  if (outermost && obj->variant >= 0)
    vmir_lower_emit(&D->L, VMIR_OP_ENTER_VARIANT_FIELD, obj->variant, index, 0);
  else
    vmir_lower_emit(&D->L, VMIR_OP_ENTER_FIELD, index, 0, 0);
}

/* Enters the chain of flattened structs down to and including `flat`;
 * returns how many entries to leave. */
static uint32_t enter_flat(vmir_dlower *D, const vmir_dobj *obj,
                           const dmembers *m, uint32_t flat) {
  uint32_t chain[VMIR_COMPILE_MAX_FLATTEN_DEPTH];
  uint32_t n = 0;
  for (uint32_t f = flat; f != NO_FLAT; f = m->flats[f].parent) {
    if (n == VMIR_COMPILE_MAX_FLATTEN_DEPTH) {
      vmir_lower_fail(&D->L, VMIR_E_LIMIT, "flatten nested too deep");
      return 0;
    }
    chain[n++] = m->flats[f].field;
  }
  for (uint32_t k = n; k-- > 0;) enter(D, obj, k == n - 1u, chain[k]);
  return n;
}

static void leave_n(vmir_dlower *D, uint32_t n) {
  for (uint32_t k = 0; k < n; k++)
    vmir_lower_emit(&D->L, VMIR_OP_LEAVE, 0, 0, 0);
}

/* t[impl format.ir.compile-flatten-lowering] */
/* Each flattened struct gets its own tracking frame, begun with the
 * parent's (pre-order) and marked as set in its parent: its completeness is
 * its own frame's business. Frames are found by address, so member cases
 * reach them by navigation alone. */
static void begin_flats(vmir_dlower *D, const vmir_dobj *obj, const dmembers *m) {
  for (uint32_t f = 0; f < m->flat_count; f++) {
    uint32_t depth = enter_flat(D, obj, m, m->flats[f].parent);
    vmir_lower_emit(&D->L, VMIR_OP_BUILD_FIELD, m->flats[f].field, 0, 0);
    enter(D, obj, m->flats[f].parent == NO_FLAT, m->flats[f].field);
    vmir_lower_emit(&D->L, VMIR_OP_BUILD_BEGIN_STRUCT, 0, 0, 0);
    leave_n(D, depth + 1u);
  }
}

/* Frames end innermost first: the reverse of the pre-order they began in. */
static void end_flats(vmir_dlower *D, const vmir_dobj *obj, const dmembers *m) {
  for (uint32_t f = m->flat_count; f-- > 0;) {
    uint32_t depth = enter_flat(D, obj, m, f);
    vmir_lower_emit(&D->L, VMIR_OP_BUILD_END_STRUCT, 0, 0, 0);
    leave_n(D, depth);
  }
}

int64_t vmir_dec_collect_target(const vmir_field *fields, uint32_t count) {
  for (uint32_t i = 0; i < count; i++) {
    const vmir_field *f = &fields[i];
    if (f->flags & (VMIR_FIELD_SKIP | VMIR_FIELD_FLATTEN)) continue;
    const vmir_shape *s = f->shape;
    if (s->kind == VMIR_KIND_VALUE ||
        (s->kind == VMIR_KIND_MAP && s->u.map.value->kind == VMIR_KIND_VALUE))
      return i;
  }
  return -1;
}

/* The unknown-key case. Collecting needs a struct field to collect into
 * (`collect`, or -1), so where there is none an unknown key is denied,
 * never dropped silently. */
void vmir_dec_unknown_case(vmir_dlower *D, int64_t collect, uint32_t next) {
  vmir_lower *L = &D->L;
  if (D->unknown == VMIR_UNKNOWN_SKIP) {
    vmir_dec_op(D, D->ops->skip_value, 0, 0);
  } else if (D->unknown == VMIR_UNKNOWN_COLLECT && collect >= 0) {
    vmir_dec_op(D, D->ops->read_value, 0, 0);
    vmir_lower_emit(L, VMIR_OP_BUILD_COLLECT_UNKNOWN, collect, D->last_wins, 0);
  } else {
    /* Always fails; the jump only gives the block its terminator. */
    vmir_lower_emit(L, VMIR_OP_BUILD_DENY_UNKNOWN, 0, 0, 0);
  }
  vmir_lower_emit(L, VMIR_OP_JUMP, next, 0, 0);
}

void vmir_dec_tag_check(vmir_dlower *D, const char *tag_key, uint32_t tag_name,
                        const char *type_name, uint32_t next) {
  vmir_lower *L = &D->L;
  uint32_t conflict = vmir_dec_fail_block(
      D, "tag \"%s\" names another variant of %s", tag_key, type_name);
  vmir_dec_op(D, D->ops->read_string, 0, 0);
  uint32_t keys = L->failed ? 0 : vmir_builder_add_list(L->b, &tag_name, 1);
  uint32_t cases = L->failed ? 0 : vmir_builder_add_list(L->b, &next, 1);
  vmir_lower_emit(L, VMIR_OP_SWITCH_STRING, keys, cases, conflict);
}

/* One member case: mark the field, enter it, decode, leave. */
static void key_case(vmir_dlower *D, const vmir_dobj *obj, const dmembers *m,
                     const dkey *k, uint32_t next) {
  uint32_t depth = enter_flat(D, obj, m, k->flat);
  /* t[impl format.parse.build-ops-equivalence] */
  vmir_lower_emit(&D->L, VMIR_OP_BUILD_FIELD, k->field, D->last_wins, 0);
  enter(D, obj, k->flat == NO_FLAT, k->field);
  vmir_dec_value(D, k->shape);
  leave_n(D, depth + 1u);
  vmir_lower_emit(&D->L, VMIR_OP_JUMP, next, 0, 0);
}

/*   build-begin-struct; <flattened frames>; open object (key) (end)
 *   key:  read-key; switch-key (names) (cases) (unknown u)
 *   case: [enter flat..] build-field i; enter i; <value>; leave..; jump next
 *   u:    <unknown policy>; jump next
 *   next: advance (key) (end)                  <- the member loop's back-edge
 *   end:  <flattened frames end>; build-end-struct
 * `names` and `cases` have room for every key plus the tag. */
static void lower_object(vmir_dlower *D, const vmir_dobj *obj,
                         const dmembers *m, uint32_t tag_string,
                         uint32_t *names, uint32_t *cases) {
  vmir_lower *L = &D->L;
  if (obj->track) vmir_lower_emit(L, VMIR_OP_BUILD_BEGIN_STRUCT, 0, 0, 0);
  /* The catch-all is set from the start (empty until something unknown
   * arrives), so an object without unknown members is still complete. */
  if (m->collect >= 0)
    vmir_lower_emit(L, VMIR_OP_BUILD_FIELD, m->collect, 0, 0);
  begin_flats(D, obj, m);
  uint32_t key = vmir_lower_block(L), next = vmir_lower_block(L),
           end = vmir_lower_block(L), unknown = vmir_lower_block(L);
  uint32_t n = 0;
  if (obj->tag_key) {
    names[n] = tag_string;
    cases[n++] = vmir_lower_block(L);
  }
  for (uint32_t k = 0; k < m->key_count; k++) {
    names[n] = m->keys[k].name;
    cases[n++] = vmir_lower_block(L);
  }
  vmir_dec_open(D, true, key, end);

  L->block = key;
  vmir_dec_op(D, D->ops->read_key, 0, 0);
  uint32_t key_list = L->failed ? 0 : vmir_builder_add_list(L->b, names, n);
  uint32_t case_list = L->failed ? 0 : vmir_builder_add_list(L->b, cases, n);
  vmir_lower_emit(L, VMIR_OP_SWITCH_KEY, key_list, case_list, unknown);

  n = 0;
  if (obj->tag_key) {
    L->block = cases[n++];
    vmir_dec_tag_check(D, obj->tag_key, obj->tag_name, obj->type_name, next);
  }
  for (uint32_t k = 0; k < m->key_count; k++) {
    L->block = cases[n++];
    key_case(D, obj, m, &m->keys[k], next);
  }
  L->block = unknown;
  vmir_dec_unknown_case(D, m->collect, next);

  L->block = next;
  vmir_dec_advance(D, true, key, end);

  L->block = end;
  end_flats(D, obj, m);
  if (obj->track) vmir_lower_emit(L, VMIR_OP_BUILD_END_STRUCT, 0, 0, 0);
}

void vmir_dec_object(vmir_dlower *D, const vmir_dobj *obj) {
  vmir_lower *L = &D->L;
  uint32_t members = 0;
  bool dynamic = false;
  /* Checks flatten targets and depth and bounds the member count. */
  if (!vmir_lower_count_members(L, obj->fields, obj->count, 0, &members,
                                &dynamic))
    return;
  dmembers m = {0};
  /* Only a struct has a field to collect into; in a variant's fields
   * COLLECT is DENY (docs/decode.md). */
  m.collect = D->unknown == VMIR_UNKNOWN_COLLECT && obj->variant < 0 && obj->track
                  ? vmir_dec_collect_target(obj->fields, obj->count)
                  : -1;
  uint32_t tag_string = 0;
  if (obj->tag_key) {
    tag_string = vmir_lower_string(L, obj->tag_key);
    vmir_object_names_add(L, &m.names, tag_string, obj->tag_key);
  }
  gather(L, &m, obj->fields, obj->count, NO_FLAT);
  size_t room = (size_t)m.key_count + 1u;
  uint32_t *names = malloc(room * sizeof *names);
  uint32_t *cases = malloc(room * sizeof *cases);
  if (!names || !cases)
    vmir_lower_fail(L, VMIR_E_NOMEM, "out of memory (object keys)");
  else if (!L->failed)
    lower_object(D, obj, &m, tag_string, names, cases);
  free(names);
  free(cases);
  members_free(&m);
}

/* Exactly `len` items, each into its position; a short or long sequence
 * fails where the count is known to be wrong:
 *   open array (i0) (short)
 *   i_k:   enter k; <value>; leave; advance (i_k+1) (short)
 *   i_last: ...; advance (long) (done)
 * Skipped positions are not on the wire and keep their zero value. */
void vmir_dec_positional(vmir_dlower *D, const vmir_field *fields,
                         uint32_t count, int64_t variant, const char *type_name) {
  vmir_lower *L = &D->L;
  uint32_t len = 0;
  if (!vmir_lower_check_positional(L, fields, count, &len)) return;
  const char *msg = "expected %u elements in tuple %s";
  uint32_t done = vmir_lower_block(L);
  uint32_t item = len ? vmir_lower_block(L) : 0;
  vmir_dec_open(D, false, len ? item : vmir_dec_fail_block(D, msg, len, type_name),
                len ? vmir_dec_fail_block(D, msg, len, type_name) : done);
  uint32_t pos = 0;
  for (uint32_t i = 0; i < count && !L->failed; i++) {
    if (fields[i].flags & VMIR_FIELD_SKIP) continue;
    L->block = item;
    if (variant >= 0)
      vmir_lower_emit(L, VMIR_OP_ENTER_VARIANT_FIELD, variant, i, 0);
    else
      vmir_lower_emit(L, VMIR_OP_ENTER_FIELD, i, 0, 0);
    vmir_dec_value(D, fields[i].shape);
    vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
    bool last = ++pos == len;
    item = last ? 0 : vmir_lower_block(L);
    vmir_dec_advance(D, false,
                     last ? vmir_dec_fail_block(D, msg, len, type_name) : item,
                     last ? done : vmir_dec_fail_block(D, msg, len, type_name));
  }
  L->block = done;
}
