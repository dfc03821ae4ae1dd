/* Random shapes from fuzz bytes (see shape_gen.h). Every decision reads
 * the byte stream, so AFL++'s mutations move between nearby shapes. */
#include "shape_gen.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 6u      /* nesting of composite shapes */
#define MAX_SHAPES 40u    /* composite shapes in one graph */
#define MAX_FIELDS 5u     /* fields of a struct, tuple or variant */
#define MAX_VARIANTS 4u
#define MAX_OPEN 16u

struct fz_shapes {
  void **blocks;
  size_t n, cap;
  uint32_t shapes, names;
  vmir_shape *open[MAX_OPEN];  /* structs, tuples, enums being built */
  vmir_shape *made[MAX_SHAPES + 8]; /* every composite shape, for checks */
  uint32_t made_n;
  uint32_t open_n;
  bool failed;
};

typedef struct gen {
  fz_shapes *S;
  fz_bytes *b;
} gen;

static void *own(gen *g, size_t size) {
  fz_shapes *S = g->S;
  if (S->failed) return NULL;
  if (S->n == S->cap) {
    size_t cap = S->cap ? S->cap * 2 : 32;
    void **grown = realloc(S->blocks, cap * sizeof *grown);
    if (!grown) {
      S->failed = true;
      return NULL;
    }
    S->blocks = grown;
    S->cap = cap;
  }
  void *p = calloc(1, size ? size : 1);
  if (!p) {
    S->failed = true;
    return NULL;
  }
  S->blocks[S->n++] = p;
  return p;
}

static const char *own_str(gen *g, const char *s) {
  size_t n = strlen(s) + 1;
  char *p = own(g, n);
  if (p) memcpy(p, s, n);
  return p;
}

static uint32_t align_up(uint32_t x, uint32_t a) { return a ? (x + a - 1) / a * a : x; }
static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

/* Wire names: mostly fresh, sometimes from a pool that collides on purpose
 * and holds the keys that taggings and JSON make special. */
static const char *const name_pool[] = {
    "a", "b", "id", "type", "t", "c", "value", "key", "caf\xc3\xa9", "quo\"te", "", "0",
    "back\\slash", "tab\there", "\xe2\x82\xac"};

static const char *name_of(gen *g) {
  uint8_t r = fz_u8(g->b);
  if (r < 64) return name_pool[r % (sizeof name_pool / sizeof name_pool[0])];
  char buf[24];
  snprintf(buf, sizeof buf, "f%u", g->S->names++);
  return own_str(g, buf);
}

static const char *type_name(gen *g) {
  if (fz_u8(g->b) < 32) return NULL;
  char buf[24];
  snprintf(buf, sizeof buf, "T%u", g->S->shapes);
  return own_str(g, buf);
}

static const vmir_shape *const leaves[] = {
    &vmir_shape_bool, &vmir_shape_u8,  &vmir_shape_u16, &vmir_shape_u32,    &vmir_shape_u64,
    &vmir_shape_i8,   &vmir_shape_i16, &vmir_shape_i32, &vmir_shape_i64,    &vmir_shape_f32,
    &vmir_shape_f64,  &vmir_shape_unit, &vmir_shape_string, &vmir_shape_bytes, &vmir_shape_value};
#define LEAF_COUNT (sizeof leaves / sizeof leaves[0])

static const vmir_shape *gen_shape(gen *g, uint32_t depth);

static vmir_shape *new_shape(gen *g, vmir_kind kind) {
  vmir_shape *s = own(g, sizeof *s);
  if (!s) return NULL;
  g->S->shapes++;
  if (g->S->made_n < sizeof g->S->made / sizeof g->S->made[0]) g->S->made[g->S->made_n++] = s;
  s->kind = kind;
  s->name = type_name(g);
  return s;
}

/* Now and then one layout number is off, for the validator to catch. */
static uint32_t perturb(gen *g, uint32_t x) {
  if (fz_u8(g->b) != 0xa5) return x;
  switch (fz_below(g->b, 4)) {
    case 0: return x + 1;
    case 1: return x ? x - 1 : 0;
    case 2: return x * 2;
    default: return fz_u8(g->b);
  }
}

/* An ancestor struct, tuple or enum (recursion), or a fresh shape. */
static const vmir_shape *gen_ref(gen *g, uint32_t depth) {
  fz_shapes *S = g->S;
  if (S->open_n && fz_u8(g->b) < 48) return S->open[fz_below(g->b, S->open_n)];
  return gen_shape(g, depth);
}

static void push_open(gen *g, vmir_shape *s) {
  if (g->S->open_n < MAX_OPEN) g->S->open[g->S->open_n++] = s;
}

static void pop_open(gen *g, vmir_shape *s) {
  if (g->S->open_n && g->S->open[g->S->open_n - 1] == s) g->S->open_n--;
}

static const vmir_shape *gen_struct(gen *g, uint32_t depth);

/* Field policies that fit the field's shape (mostly). */
static void gen_policy(gen *g, vmir_field *f, bool named) {
  uint8_t r = fz_u8(g->b) % 16;
  if (r == 2) f->flags |= VMIR_FIELD_SKIP;
  if (r == 3 || r == 6) f->flags |= VMIR_FIELD_DEFAULT;
  if (named && fz_u8(g->b) < 24) f->rename = name_of(g);
  if (!named || (r != 4 && r != 5 && r != 6)) return;
  f->flags |= VMIR_FIELD_SKIP_IF;
  vmir_kind k = f->shape->kind;
  if (fz_u8(g->b) < 8) {
    f->skip_if = (vmir_predicate_test)(1 + fz_below(g->b, 4));
  } else if (k == VMIR_KIND_OPTION && fz_bit(g->b)) {
    f->skip_if = VMIR_PRED_IS_NONE;
  } else if ((k == VMIR_KIND_STRING || k == VMIR_KIND_BYTES || k == VMIR_KIND_LIST ||
              k == VMIR_KIND_MAP) && fz_bit(g->b)) {
    f->skip_if = VMIR_PRED_IS_EMPTY;
  } else {
    f->skip_if = fz_bit(g->b) ? VMIR_PRED_IS_DEFAULT : VMIR_PRED_HOST;
  }
  if (f->skip_if == VMIR_PRED_HOST) f->host_predicate = fz_below(g->b, 16);
}

/* Fields laid out from `start`; returns the end offset and raises *align. */
static uint32_t gen_fields(gen *g, vmir_field *fields, uint32_t n, uint32_t start, uint32_t *align,
                           bool named, bool may_flatten, uint32_t depth) {
  uint32_t off = start;
  for (uint32_t i = 0; i < n; i++) {
    vmir_field *f = &fields[i];
    bool flatten = named && may_flatten && fz_u8(g->b) < 20;
    f->shape = flatten ? gen_struct(g, depth + 1) : gen_shape(g, depth + 1);
    if (!f->shape) return off;
    if (flatten) f->flags |= VMIR_FIELD_FLATTEN;
    if (named) {
      f->name = name_of(g);
    } else {
      char buf[16];
      snprintf(buf, sizeof buf, "%u", i);
      f->name = own_str(g, buf);
    }
    gen_policy(g, f, named);
    f->offset = perturb(g, align_up(off, f->shape->align));
    f->member_size = fz_bit(g->b) ? f->shape->size : 0;
    off = f->offset + f->shape->size;
    *align = max_u32(*align, f->shape->align);
  }
  return off;
}

static const vmir_shape *gen_struct_kind(gen *g, uint32_t depth, vmir_kind kind) {
  vmir_shape *s = new_shape(g, kind);
  if (!s) return NULL;
  uint32_t n = fz_below(g->b, MAX_FIELDS + 1);
  vmir_field *fields = own(g, n * sizeof *fields);
  if (!fields) return NULL;
  push_open(g, s);
  uint32_t align = 1;
  uint32_t end = gen_fields(g, fields, n, 0, &align, kind == VMIR_KIND_STRUCT, true, depth);
  pop_open(g, s);
  s->align = perturb(g, align);
  s->size = perturb(g, align_up(end, align));
  s->u.fields.fields = fields;
  s->u.fields.count = n;
  return s;
}

static const vmir_shape *gen_struct(gen *g, uint32_t depth) {
  return gen_struct_kind(g, depth, VMIR_KIND_STRUCT);
}

static const char *const tag_keys[] = {"type", "t", "c", "kind", "content", "a"};

static const vmir_shape *gen_enum(gen *g, uint32_t depth) {
  vmir_shape *s = new_shape(g, VMIR_KIND_ENUM);
  if (!s) return NULL;
  uint32_t width = 1u << fz_below(g->b, 4);
  uint32_t n = fz_u8(g->b) < 8 ? 0 : 1 + fz_below(g->b, MAX_VARIANTS);
  vmir_variant *vs = own(g, n * sizeof *vs);
  if (!vs) return NULL;
  vmir_tagging tagging = (vmir_tagging)fz_below(g->b, 4);
  s->u.enumeration.tagging = tagging;
  if (tagging == VMIR_TAG_INTERNAL || tagging == VMIR_TAG_ADJACENT)
    s->u.enumeration.tag_key = tag_keys[fz_below(g->b, 6)];
  if (tagging == VMIR_TAG_ADJACENT) s->u.enumeration.content_key = tag_keys[fz_below(g->b, 6)];
  s->u.enumeration.unit_as_string = fz_bit(g->b);
  push_open(g, s);
  uint32_t align = width, end = width;
  int64_t first = (int8_t)fz_u8(g->b);
  for (uint32_t i = 0; i < n; i++) {
    vmir_variant *v = &vs[i];
    v->name = name_of(g);
    if (fz_u8(g->b) < 24) v->rename = name_of(g);
    v->discriminant = first + (int64_t)i * (1 + fz_below(g->b, 3));
    v->style = (vmir_variant_style)fz_below(g->b, 4);
    if (tagging == VMIR_TAG_INTERNAL && v->style == VMIR_VARIANT_TUPLE && fz_u8(g->b) > 8)
      v->style = VMIR_VARIANT_STRUCT;
    uint32_t count = v->style == VMIR_VARIANT_UNIT      ? 0
                     : v->style == VMIR_VARIANT_NEWTYPE ? 1
                                                         : fz_below(g->b, MAX_FIELDS + 1);
    vmir_field *fields = own(g, count * sizeof *fields);
    if (!fields) break;
    uint32_t vend;
    if (tagging == VMIR_TAG_INTERNAL && v->style == VMIR_VARIANT_NEWTYPE && fz_u8(g->b) > 8) {
      fields[0].name = "0";
      fields[0].shape = gen_struct(g, depth + 1);
      if (!fields[0].shape) break;
      fields[0].offset = align_up(width, fields[0].shape->align);
      align = max_u32(align, fields[0].shape->align);
      vend = fields[0].offset + fields[0].shape->size;
    } else {
      vend = gen_fields(g, fields, count, width, &align, v->style == VMIR_VARIANT_STRUCT,
                        v->style == VMIR_VARIANT_STRUCT, depth);
    }
    v->fields = fields;
    v->field_count = count;
    end = max_u32(end, vend);
  }
  pop_open(g, s);
  s->u.enumeration.tag_offset = perturb(g, 0);
  s->u.enumeration.tag_width = perturb(g, width);
  s->u.enumeration.variants = vs;
  s->u.enumeration.count = n;
  s->align = align;
  s->size = perturb(g, align_up(end, align));
  return s;
}

static const vmir_shape *gen_option(gen *g, uint32_t depth, bool nullable) {
  vmir_shape *s = new_shape(g, VMIR_KIND_OPTION);
  if (!s) return NULL;
  if (nullable) {
    s->u.option.repr = VMIR_OPTION_NULLABLE;
    s->u.option.payload = gen_ref(g, depth + 1);
    s->size = (uint32_t)sizeof(void *);
    s->align = (uint32_t)_Alignof(void *);
    return s;
  }
  const vmir_shape *p = gen_shape(g, depth + 1);
  if (!p) return NULL;
  s->u.option.repr = VMIR_OPTION_FLAG;
  s->u.option.payload = p;
  s->align = max_u32(1, p->align);
  if (fz_bit(g->b)) { /* struct { bool present; P value; } */
    s->u.option.flag_offset = 0;
    s->u.option.payload_offset = perturb(g, align_up(1, p->align));
    s->size = align_up(s->u.option.payload_offset + p->size, s->align);
  } else {            /* struct { P value; bool present; } */
    s->u.option.payload_offset = 0;
    s->u.option.flag_offset = perturb(g, p->size);
    s->size = align_up(s->u.option.flag_offset + 1, s->align);
  }
  return s;
}

static const vmir_shape *gen_container(gen *g, uint32_t depth, vmir_kind kind) {
  vmir_shape *s = new_shape(g, kind);
  if (!s) return NULL;
  s->size = (uint32_t)sizeof(vmir_list);
  s->align = (uint32_t)_Alignof(vmir_list);
  switch (kind) {
    case VMIR_KIND_POINTER:
      s->size = (uint32_t)sizeof(void *);
      s->align = (uint32_t)_Alignof(void *);
      s->u.pointer.target = gen_shape(g, depth + 1);
      return s->u.pointer.target ? s : NULL;
    case VMIR_KIND_LIST:
      s->u.sequence.element = gen_ref(g, depth + 1);
      return s->u.sequence.element ? s : NULL;
    case VMIR_KIND_ARRAY: {
      const vmir_shape *e = gen_shape(g, depth + 1);
      if (!e) return NULL;
      s->u.sequence.element = e;
      s->u.sequence.count = fz_below(g->b, 4);
      s->size = perturb(g, s->u.sequence.count * e->size);
      s->align = e->align;
      return s;
    }
    default: { /* map: struct { vmir_str key; V value; } entries */
      const vmir_shape *v = gen_ref(g, depth + 1);
      if (!v) return NULL;
      s->u.map.value = v;
      s->u.map.value_offset = perturb(g, align_up((uint32_t)sizeof(vmir_str), v->align));
      uint32_t ealign = max_u32((uint32_t)_Alignof(vmir_str), v->align);
      s->u.map.entry_size = align_up(s->u.map.value_offset + v->size, ealign);
      return s;
    }
  }
}

static const vmir_shape *gen_shape(gen *g, uint32_t depth) {
  if (g->S->failed) return NULL;
  uint32_t k = fz_below(g->b, 22);
  if (depth >= MAX_DEPTH || g->S->shapes >= MAX_SHAPES) k = 0;
  switch (k) {
    case 0: case 1: case 2: case 3: case 4: case 5: case 6: case 7:
      return leaves[fz_below(g->b, LEAF_COUNT)];
    case 8: case 9: case 10: return gen_struct(g, depth);
    case 11: return gen_struct_kind(g, depth, VMIR_KIND_TUPLE);
    case 12: case 13: return gen_enum(g, depth);
    case 14: return gen_option(g, depth, false);
    case 15: return gen_option(g, depth, true);
    case 16: return gen_container(g, depth, VMIR_KIND_POINTER);
    case 17: case 18: return gen_container(g, depth, VMIR_KIND_LIST);
    case 19: return gen_container(g, depth, VMIR_KIND_ARRAY);
    default: return gen_container(g, depth, VMIR_KIND_MAP);
  }
}

const vmir_shape *fz_shape_gen(fz_bytes *b, fz_shapes **owner) {
  fz_shapes *S = calloc(1, sizeof *S);
  *owner = S;
  if (!S) return NULL;
  gen g = {S, b};
  const vmir_shape *root = gen_shape(&g, 0);
  return S->failed ? NULL : root;
}

void fz_shapes_free(fz_shapes *S) {
  if (!S) return;
  for (size_t i = 0; i < S->n; i++) free(S->blocks[i]);
  free(S->blocks);
  free(S);
}

/* Whether fields [a, b) of one struct, tuple or variant overlap. */
static bool overlap(const vmir_field *f, uint32_t n) {
  for (uint32_t i = 0; i < n; i++)
    for (uint32_t k = i + 1; k < n; k++) {
      uint64_t a0 = f[i].offset, a1 = a0 + f[i].shape->size;
      uint64_t b0 = f[k].offset, b1 = b0 + f[k].shape->size;
      if (a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1) return true;
    }
  return false;
}

bool fz_shapes_disjoint(const fz_shapes *S) {
  for (uint32_t i = 0; i < S->made_n; i++) {
    const vmir_shape *s = S->made[i];
    if ((s->kind == VMIR_KIND_STRUCT || s->kind == VMIR_KIND_TUPLE) &&
        overlap(s->u.fields.fields, s->u.fields.count))
      return false;
    if (s->kind == VMIR_KIND_ENUM)
      for (uint32_t v = 0; v < s->u.enumeration.count; v++)
        if (overlap(s->u.enumeration.variants[v].fields, s->u.enumeration.variants[v].field_count))
          return false;
  }
  return true;
}
