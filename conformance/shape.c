/* Shape model conformance: builtin shapes, C descriptors of every kind,
 * validation rules (one negative test each), the shape text form (parse,
 * canonical print, hostile input) and shape ids (C and text agree; what
 * changes an id and what does not). docs/shapes.md describes all of it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "vmir/shape.h"

/* ---- C types and their descriptors --------------------------------------
 * The text files in conformance/data/shapes/ describe these same types with
 * the offsets of an LP64 target; tests comparing them skip elsewhere. */

typedef struct pt { int32_t x, y; } pt;
typedef struct inner_t { uint32_t depth; vmir_str label; } inner_t;
typedef struct opt_pt { bool has; pt value; } opt_pt;
typedef struct pair_t { uint32_t a; double b; } pair_t;
typedef struct attr_entry { vmir_str key; double value; } attr_entry;
typedef struct rect { double w, h; } rect;
typedef struct geom {
  uint32_t kind;
  union {
    rect r;
    struct { double radius; } circle;
    struct { double a, b; } pair;
  } as;
} geom;

typedef struct everything {
  bool b;
  uint8_t u8;
  uint16_t u16;
  uint32_t u32;
  uint64_t u64;
  int8_t i8;
  int16_t i16;
  int32_t i32;
  int64_t i64;
  float f32;
  double f64;
  vmir_str s;
  vmir_bytes blob;
  vmir_value extra;
  pair_t pair;
  uint16_t rgb[3];
  VMIR_LIST_OF(attr_entry) attrs;
  VMIR_LIST_OF(pt) points;
  pt *origin;
  pt *maybe_pt;
  opt_pt corner;
  geom g;
  inner_t inner;
  uint32_t hosted;
  uint8_t ignored;
  uint32_t dflt;
} everything;

typedef struct opt_u32 { bool present; uint32_t value; } opt_u32;
typedef struct tw_user {
  uint64_t id;
  vmir_str screen_name;
  VMIR_LIST_OF(uint32_t) tags;
  opt_u32 followers;
  bool verified;
} tw_user;
typedef struct status {
  uint64_t id;
  vmir_str text;
  tw_user user;
  struct status *retweeted;
} status;

typedef struct expr expr;
struct expr {
  int32_t tag;
  union {
    double num;
    struct { expr *l, *r; } add;
    expr *neg;
  } as;
};

typedef struct tagged { geom ext, in, adj, unt; } tagged;

/* pt, inner_t, pair_t (a tuple), rect */
static const vmir_field pt_fields[] = {
    VMIR_FIELD(pt, x, &vmir_shape_i32),
    VMIR_FIELD(pt, y, &vmir_shape_i32),
};
static const vmir_shape pt_shape = VMIR_STRUCT(pt, pt_fields);
static const vmir_field inner_fields[] = {
    VMIR_FIELD(inner_t, depth, &vmir_shape_u32),
    VMIR_FIELD(inner_t, label, &vmir_shape_string),
};
static const vmir_shape inner_shape = VMIR_STRUCT(inner_t, inner_fields);
static const vmir_field pair_fields[] = {
    VMIR_FIELD(pair_t, a, &vmir_shape_u32),
    VMIR_FIELD(pair_t, b, &vmir_shape_f64),
};
static const vmir_shape pair_shape = VMIR_TUPLE(pair_t, pair_fields);
static const vmir_field rect_fields[] = {
    VMIR_FIELD(rect, w, &vmir_shape_f64),
    VMIR_FIELD(rect, h, &vmir_shape_f64),
};
static const vmir_shape rect_shape = VMIR_STRUCT(rect, rect_fields);

/* geom under every tagging. Variant field offsets are from the enum base. */
static const vmir_field geom_circle[] = {
    VMIR_FIELD(geom, as.circle.radius, &vmir_shape_f64, .rename = "radius"),
};
static const vmir_field geom_rect[] = {VMIR_FIELD(geom, as.r, &rect_shape)};
static const vmir_field geom_pair[] = {
    VMIR_FIELD(geom, as.pair.a, &vmir_shape_f64),
    VMIR_FIELD(geom, as.pair.b, &vmir_shape_f64),
};
static const vmir_variant geom_variants_internal[] = {
    {.name = "circle", .discriminant = 0, .style = VMIR_VARIANT_STRUCT,
     .fields = geom_circle, .field_count = 1},
    {.name = "rect", .rename = "Rect", .discriminant = 1,
     .style = VMIR_VARIANT_NEWTYPE, .fields = geom_rect, .field_count = 1},
    {.name = "empty", .discriminant = 2, .style = VMIR_VARIANT_UNIT},
};
static const vmir_variant geom_variants_all[] = {
    {.name = "circle", .discriminant = 0, .style = VMIR_VARIANT_STRUCT,
     .fields = geom_circle, .field_count = 1},
    {.name = "rect", .rename = "Rect", .discriminant = 1,
     .style = VMIR_VARIANT_NEWTYPE, .fields = geom_rect, .field_count = 1},
    {.name = "empty", .discriminant = 2, .style = VMIR_VARIANT_UNIT},
    {.name = "pair", .discriminant = 3, .style = VMIR_VARIANT_TUPLE,
     .fields = geom_pair, .field_count = 2},
};
static const vmir_shape geom_internal = VMIR_ENUM(
    geom, kind, geom_variants_internal, VMIR_TAG_INTERNAL, "type", NULL, false);
static const vmir_shape geom_external = VMIR_ENUM(
    geom, kind, geom_variants_all, VMIR_TAG_EXTERNAL, NULL, NULL, true);
static const vmir_shape geom_adjacent = VMIR_ENUM(
    geom, kind, geom_variants_all, VMIR_TAG_ADJACENT, "t", "c", false);
static const vmir_shape geom_untagged = VMIR_ENUM(
    geom, kind, geom_variants_all, VMIR_TAG_UNTAGGED, NULL, NULL, false);
static const vmir_field tagged_fields[] = {
    VMIR_FIELD(tagged, ext, &geom_external),
    VMIR_FIELD(tagged, in, &geom_internal),
    VMIR_FIELD(tagged, adj, &geom_adjacent),
    VMIR_FIELD(tagged, unt, &geom_untagged),
};
static const vmir_shape tagged_shape = VMIR_STRUCT(tagged, tagged_fields);

/* everything: every kind and every field option */
static const vmir_shape rgb_shape =
    VMIR_ARRAY_SHAPE(everything, rgb, uint16_t, &vmir_shape_u16);
static const vmir_shape attrs_shape =
    VMIR_MAP_SHAPE(attr_entry, value, &vmir_shape_f64);
static const vmir_shape points_shape = VMIR_LIST_SHAPE(&pt_shape);
static const vmir_shape origin_shape = VMIR_POINTER_SHAPE(&pt_shape);
static const vmir_shape maybe_pt_shape = VMIR_NULLABLE_SHAPE(&pt_shape);
static const vmir_shape corner_shape =
    VMIR_OPTION_SHAPE(opt_pt, has, value, &pt_shape);
static const vmir_field everything_fields[] = {
    VMIR_FIELD(everything, b, &vmir_shape_bool),
    VMIR_FIELD(everything, u8, &vmir_shape_u8),
    VMIR_FIELD(everything, u16, &vmir_shape_u16),
    VMIR_FIELD(everything, u32, &vmir_shape_u32),
    VMIR_FIELD(everything, u64, &vmir_shape_u64),
    VMIR_FIELD(everything, i8, &vmir_shape_i8),
    VMIR_FIELD(everything, i16, &vmir_shape_i16),
    VMIR_FIELD(everything, i32, &vmir_shape_i32),
    VMIR_FIELD(everything, i64, &vmir_shape_i64),
    VMIR_FIELD(everything, f32, &vmir_shape_f32),
    VMIR_FIELD(everything, f64, &vmir_shape_f64),
    VMIR_FIELD(everything, s, &vmir_shape_string, .rename = "str"),
    VMIR_FIELD(everything, blob, &vmir_shape_bytes,
               .flags = VMIR_FIELD_SKIP_IF, .skip_if = VMIR_PRED_IS_EMPTY),
    VMIR_FIELD(everything, extra, &vmir_shape_value),
    /* A unit has no C member: zero bytes, anywhere. */
    {.name = "nothing", .offset = 0, .shape = &vmir_shape_unit},
    VMIR_FIELD(everything, pair, &pair_shape),
    VMIR_FIELD(everything, rgb, &rgb_shape),
    VMIR_FIELD(everything, attrs, &attrs_shape),
    VMIR_FIELD(everything, points, &points_shape),
    VMIR_FIELD(everything, origin, &origin_shape),
    VMIR_FIELD(everything, maybe_pt, &maybe_pt_shape,
               .flags = VMIR_FIELD_SKIP_IF, .skip_if = VMIR_PRED_IS_NONE),
    VMIR_FIELD(everything, corner, &corner_shape),
    VMIR_FIELD(everything, g, &geom_internal),
    VMIR_FIELD(everything, inner, &inner_shape, .flags = VMIR_FIELD_FLATTEN),
    VMIR_FIELD(everything, hosted, &vmir_shape_u32,
               .flags = VMIR_FIELD_SKIP_IF, .skip_if = VMIR_PRED_HOST,
               .host_predicate = 7),
    VMIR_FIELD(everything, ignored, &vmir_shape_u8, .flags = VMIR_FIELD_SKIP),
    VMIR_FIELD(everything, dflt, &vmir_shape_u32,
               .flags = VMIR_FIELD_DEFAULT | VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_DEFAULT),
};
static const vmir_shape everything_shape =
    VMIR_STRUCT(everything, everything_fields);

/* status and tw_user: recursive through a nullable option */
static const vmir_shape status_shape;
static const vmir_shape opt_u32_shape =
    VMIR_OPTION_SHAPE(opt_u32, present, value, &vmir_shape_u32);
static const vmir_shape tags_shape = VMIR_LIST_SHAPE(&vmir_shape_u32);
static const vmir_field tw_user_fields[] = {
    VMIR_FIELD(tw_user, id, &vmir_shape_u64),
    VMIR_FIELD(tw_user, screen_name, &vmir_shape_string,
               .rename = "screenName"),
    VMIR_FIELD(tw_user, tags, &tags_shape, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_EMPTY),
    VMIR_FIELD(tw_user, followers, &opt_u32_shape,
               .flags = VMIR_FIELD_DEFAULT),
    VMIR_FIELD(tw_user, verified, &vmir_shape_bool),
};
static const vmir_shape tw_user_shape = VMIR_STRUCT(tw_user, tw_user_fields);
static const vmir_shape retweeted_shape = VMIR_NULLABLE_SHAPE(&status_shape);
static const vmir_field status_fields[] = {
    VMIR_FIELD(status, id, &vmir_shape_u64),
    VMIR_FIELD(status, text, &vmir_shape_string),
    VMIR_FIELD(status, user, &tw_user_shape),
    VMIR_FIELD(status, retweeted, &retweeted_shape,
               .flags = VMIR_FIELD_SKIP_IF, .skip_if = VMIR_PRED_IS_NONE),
};
static const vmir_shape status_shape = VMIR_STRUCT(status, status_fields);

/* expr: recursive through non-null pointers inside an enum */
static const vmir_shape expr_shape;
static const vmir_shape expr_ptr_shape = VMIR_POINTER_SHAPE(&expr_shape);
static const vmir_field expr_num[] = {
    VMIR_FIELD(expr, as.num, &vmir_shape_f64)};
static const vmir_field expr_add[] = {
    VMIR_FIELD(expr, as.add.l, &expr_ptr_shape, .rename = "l"),
    VMIR_FIELD(expr, as.add.r, &expr_ptr_shape, .rename = "r"),
};
static const vmir_field expr_neg[] = {
    VMIR_FIELD(expr, as.neg, &expr_ptr_shape)};
static const vmir_variant expr_variants[] = {
    {.name = "num", .discriminant = 0, .style = VMIR_VARIANT_NEWTYPE,
     .fields = expr_num, .field_count = 1},
    {.name = "add", .discriminant = 1, .style = VMIR_VARIANT_STRUCT,
     .fields = expr_add, .field_count = 2},
    {.name = "neg", .discriminant = -1, .style = VMIR_VARIANT_NEWTYPE,
     .fields = expr_neg, .field_count = 1},
};
static const vmir_shape expr_shape = VMIR_ENUM(
    expr, tag, expr_variants, VMIR_TAG_EXTERNAL, NULL, NULL, false);

/* ---- Helpers ------------------------------------------------------------ */

static bool lp64(void) {
  return sizeof(void *) == 8 && sizeof(size_t) == 8 && _Alignof(double) == 8;
}

static void assert_valid(const vmir_shape *s) {
  vmir_error err;
  vmir_status st = vmir_shape_validate(s, &err);
  ck_assert_msg(st == VMIR_OK, "expected valid, got %s: %s",
                vmir_status_name(st), err.message);
}

/* Validation fails with `code` and a message containing `needle`. */
static void assert_invalid(const vmir_shape *s, vmir_status code,
                           const char *needle) {
  vmir_error err;
  vmir_status st = vmir_shape_validate(s, &err);
  ck_assert_msg(st == code, "expected %s, got %s: %s", vmir_status_name(code),
                vmir_status_name(st), err.message);
  ck_assert_int_eq(err.code, code);
  ck_assert_msg(strstr(err.message, needle) != NULL,
                "message '%s' lacks '%s'", err.message, needle);
}

static vmir_shape_set *parse_str(const char *text, vmir_error *err) {
  return vmir_shape_text_parse(text, strlen(text), "<test>", err);
}

static vmir_shape_set *parse_file(const char *name) {
  char rel[256];
  snprintf(rel, sizeof rel, "shapes/%s", name);
  size_t len = 0;
  char *text = vmir_test_read_file(vmir_test_data_path(rel), &len);
  ck_assert_msg(text != NULL, "cannot read %s", rel);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, len, name, &err);
  ck_assert_msg(set != NULL, "%s: %s", name, err.message);
  free(text);
  return set;
}

/* Text that must be rejected with `code`, a message containing `needle`,
 * and a position "<test>:L:C:" that matches err.line/column. */
static void assert_text_error(const char *text, vmir_status code,
                              const char *needle) {
  vmir_error err;
  vmir_shape_set *set = parse_str(text, &err);
  ck_assert_msg(set == NULL, "accepted: %s", text);
  ck_assert_msg(err.code == code, "expected %s, got %s: %s",
                vmir_status_name(code), vmir_status_name(err.code),
                err.message);
  ck_assert_msg(strstr(err.message, needle) != NULL,
                "message '%s' lacks '%s'", err.message, needle);
  char pos[64];
  snprintf(pos, sizeof pos, "<test>:%u:%u: ", err.line, err.column);
  ck_assert_msg(err.line > 0 && err.column > 0 &&
                    strncmp(err.message, pos, strlen(pos)) == 0,
                "message '%s' lacks its position", err.message);
}

/* print(s) -> parse -> print is byte-identical and keeps the id. */
static void assert_print_roundtrip(const vmir_shape *s) {
  size_t len1 = 0, len2 = 0;
  char *t1 = vmir_shape_text_print(s, &len1);
  ck_assert_msg(t1 != NULL, "print failed");
  ck_assert_uint_eq(strlen(t1), len1);
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(t1, len1, "<printed>", &err);
  ck_assert_msg(set != NULL, "reparse failed: %s\n%s", err.message, t1);
  const vmir_shape *r = vmir_shape_set_root(set);
  char *t2 = vmir_shape_text_print(r, &len2);
  ck_assert_msg(t2 != NULL, "second print failed");
  ck_assert_msg(len1 == len2 && memcmp(t1, t2, len1) == 0,
                "print is not stable:\n%s\n---\n%s", t1, t2);
  ck_assert_msg(vmir_shape_id(r) == vmir_shape_id(s), "id changed:\n%s", t1);
  free(t1);
  free(t2);
  vmir_shape_set_free(set);
}

/* ---- Builtins ----------------------------------------------------------- */

START_TEST(builtin_scalars) {
  static const struct {
    const vmir_shape *s;
    vmir_kind kind;
    const char *name;
    size_t size, align;
  } b[] = {
      {&vmir_shape_bool, VMIR_KIND_BOOL, "bool", sizeof(bool), _Alignof(bool)},
      {&vmir_shape_u8, VMIR_KIND_U8, "u8", 1, 1},
      {&vmir_shape_u16, VMIR_KIND_U16, "u16", 2, _Alignof(uint16_t)},
      {&vmir_shape_u32, VMIR_KIND_U32, "u32", 4, _Alignof(uint32_t)},
      {&vmir_shape_u64, VMIR_KIND_U64, "u64", 8, _Alignof(uint64_t)},
      {&vmir_shape_i8, VMIR_KIND_I8, "i8", 1, 1},
      {&vmir_shape_i16, VMIR_KIND_I16, "i16", 2, _Alignof(int16_t)},
      {&vmir_shape_i32, VMIR_KIND_I32, "i32", 4, _Alignof(int32_t)},
      {&vmir_shape_i64, VMIR_KIND_I64, "i64", 8, _Alignof(int64_t)},
      {&vmir_shape_f32, VMIR_KIND_F32, "f32", 4, _Alignof(float)},
      {&vmir_shape_f64, VMIR_KIND_F64, "f64", 8, _Alignof(double)},
      {&vmir_shape_unit, VMIR_KIND_UNIT, "unit", 0, 1},
      {&vmir_shape_string, VMIR_KIND_STRING, "string", sizeof(vmir_str),
       _Alignof(vmir_str)},
      {&vmir_shape_bytes, VMIR_KIND_BYTES, "bytes", sizeof(vmir_bytes),
       _Alignof(vmir_bytes)},
      {&vmir_shape_value, VMIR_KIND_VALUE, "value", sizeof(vmir_value),
       _Alignof(vmir_value)},
  };
  for (size_t i = 0; i < VMIR_COUNTOF(b); i++) {
    ck_assert_int_eq(b[i].s->kind, b[i].kind);
    ck_assert_str_eq(b[i].s->name, b[i].name);
    ck_assert_str_eq(vmir_kind_name(b[i].kind), b[i].name);
    ck_assert_uint_eq(b[i].s->size, b[i].size);
    ck_assert_uint_eq(b[i].s->align, b[i].align);
    ck_assert(vmir_kind_is_scalar(b[i].kind) == (b[i].kind != VMIR_KIND_VALUE));
    assert_valid(b[i].s);
  }
}
END_TEST

START_TEST(kind_names_and_wire_names) {
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_STRUCT), "struct");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_TUPLE), "tuple");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_ENUM), "enum");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_OPTION), "option");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_POINTER), "pointer");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_LIST), "list");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_ARRAY), "array");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_MAP), "map");
  ck_assert_str_eq(vmir_kind_name(VMIR_KIND_COUNT), "unknown");
  ck_assert_str_eq(vmir_kind_name((vmir_kind)-1), "unknown");
  ck_assert(!vmir_kind_is_scalar(VMIR_KIND_STRUCT));
  ck_assert(!vmir_kind_is_scalar(VMIR_KIND_COUNT));
  ck_assert_str_eq(vmir_field_wire_name(&tw_user_fields[0]), "id");
  ck_assert_str_eq(vmir_field_wire_name(&tw_user_fields[1]), "screenName");
  ck_assert_str_eq(vmir_variant_wire_name(&geom_variants_all[0]), "circle");
  ck_assert_str_eq(vmir_variant_wire_name(&geom_variants_all[1]), "Rect");
  ck_assert_ptr_null(vmir_field_wire_name(NULL));
  ck_assert_ptr_null(vmir_variant_wire_name(NULL));
}
END_TEST

/* ---- C descriptors validate ---------------------------------------------- */

START_TEST(c_descriptors_validate) {
  assert_valid(&pt_shape);
  assert_valid(&pair_shape);
  assert_valid(&rgb_shape);
  assert_valid(&attrs_shape);
  assert_valid(&points_shape);
  assert_valid(&origin_shape);
  assert_valid(&maybe_pt_shape);
  assert_valid(&corner_shape);
  assert_valid(&everything_shape);
  assert_valid(&status_shape);    /* recursive through a nullable option */
  assert_valid(&retweeted_shape); /* the same cycle entered elsewhere */
  assert_valid(&expr_shape);      /* recursive through pointers */
  assert_valid(&geom_external);
  assert_valid(&geom_internal);
  assert_valid(&geom_adjacent);
  assert_valid(&geom_untagged);
  assert_valid(&tagged_shape);
}
END_TEST

START_TEST(validate_null_and_unknown_kind) {
  vmir_error err;
  ck_assert_int_eq(vmir_shape_validate(NULL, &err), VMIR_E_USAGE);
  ck_assert_int_eq(vmir_shape_validate(NULL, NULL), VMIR_E_USAGE);
  vmir_shape s = {.kind = VMIR_KIND_COUNT, .name = "weird", .size = 4,
                  .align = 4};
  assert_invalid(&s, VMIR_E_SHAPE, "unknown kind");
  s.kind = (vmir_kind)-3;
  assert_invalid(&s, VMIR_E_SHAPE, "unknown kind");
}
END_TEST

/* ---- Validation rules: one negative test each ---------------------------- */

START_TEST(reject_bad_align) {
  vmir_shape s = pt_shape;
  s.align = 3;
  assert_invalid(&s, VMIR_E_LAYOUT, "struct pt has alignment 3, which is not a power of two");
  s.align = 0;
  assert_invalid(&s, VMIR_E_LAYOUT, "alignment 0, which is not a power of two");
}
END_TEST

START_TEST(reject_size_not_multiple_of_align) {
  vmir_shape s = pt_shape;
  s.size = 10;
  assert_invalid(&s, VMIR_E_LAYOUT, "struct pt has size 10, not a multiple of its alignment 4");
}
END_TEST

START_TEST(accept_zero_sized_unit_and_empty_struct) {
  vmir_shape empty = {.kind = VMIR_KIND_STRUCT, .name = "empty", .size = 0,
                      .align = 1};
  assert_valid(&empty);
  assert_valid(&vmir_shape_unit);
}
END_TEST

START_TEST(reject_field_past_struct_end) {
  vmir_shape s = tw_user_shape;
  s.size = 48;
  assert_invalid(&s, VMIR_E_LAYOUT,
                 "layout: field 'verified' of struct tw_user at offset 48 with "
                 "size 1 ends past the struct's size 48");
}
END_TEST

START_TEST(reject_misaligned_field) {
  vmir_field f[] = {{.name = "n", .offset = 2, .shape = &vmir_shape_u32}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .name = "mis", .size = 8,
                  .align = 4, .u.fields = {f, 1}};
  assert_invalid(&s, VMIR_E_LAYOUT,
                 "field 'n' of struct mis at offset 2 is not aligned to its "
                 "shape's alignment 4");
  /* The struct itself must be aligned enough for its fields. */
  f[0].offset = 4;
  s.align = 2;
  assert_invalid(&s, VMIR_E_LAYOUT, "needs alignment 4");
}
END_TEST

START_TEST(reject_member_size_mismatch) {
  vmir_field f[] = {{.name = "n", .offset = 0, .member_size = 8,
                     .shape = &vmir_shape_u32}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .name = "ms", .size = 8,
                  .align = 4, .u.fields = {f, 1}};
  assert_invalid(&s, VMIR_E_LAYOUT,
                 "field 'n' of struct ms has member size 8 but its u32 shape "
                 "has size 4");
}
END_TEST

START_TEST(reject_duplicate_wire_names) {
  vmir_field f[VMIR_COUNTOF(tw_user_fields)];
  memcpy(f, tw_user_fields, sizeof f);
  f[1].rename = "id";
  vmir_shape s = tw_user_shape;
  s.u.fields.fields = f;
  assert_invalid(&s, VMIR_E_SHAPE, "struct tw_user has two fields named 'id'");
  /* A skipped field puts no name on the wire, so it cannot collide. */
  f[1].flags = VMIR_FIELD_SKIP;
  assert_valid(&s);
}
END_TEST

START_TEST(reject_duplicate_names_through_flatten) {
  typedef struct outer { uint32_t depth; inner_t in; } outer;
  vmir_field f[] = {
      VMIR_FIELD(outer, depth, &vmir_shape_u32),
      VMIR_FIELD(outer, in, &inner_shape, .flags = VMIR_FIELD_FLATTEN),
  };
  vmir_shape s = VMIR_STRUCT(outer, f);
  assert_invalid(&s, VMIR_E_SHAPE,
                 "two fields named 'depth' (counting flattened fields)");
  f[0].rename = "top_depth";
  assert_valid(&s);
  /* Flattening the same struct twice always collides. */
  typedef struct twice { inner_t a, b; } twice;
  vmir_field g[] = {
      VMIR_FIELD(twice, a, &inner_shape, .flags = VMIR_FIELD_FLATTEN),
      VMIR_FIELD(twice, b, &inner_shape, .flags = VMIR_FIELD_FLATTEN),
  };
  vmir_shape t = VMIR_STRUCT(twice, g);
  assert_invalid(&t, VMIR_E_SHAPE, "flattens struct inner_t twice");
}
END_TEST

START_TEST(reject_flatten_of_non_struct) {
  vmir_field f[] = {{.name = "n", .offset = 0, .shape = &vmir_shape_u32,
                     .flags = VMIR_FIELD_FLATTEN}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .name = "fl", .size = 4,
                  .align = 4, .u.fields = {f, 1}};
  assert_invalid(&s, VMIR_E_SHAPE,
                 "field 'n' of struct fl is flattened but its shape is a u32, "
                 "not a struct");
  /* Positional (tuple) fields cannot be flattened at all. */
  vmir_field g[] = {{.name = "0", .offset = 0, .shape = &pt_shape,
                     .flags = VMIR_FIELD_FLATTEN}};
  vmir_shape t = {.kind = VMIR_KIND_TUPLE, .name = "tp", .size = 8,
                  .align = 4, .u.fields = {g, 1}};
  assert_invalid(&t, VMIR_E_SHAPE, "fields are positional");
}
END_TEST

START_TEST(reject_skip_if_without_predicate) {
  vmir_field f[] = {{.name = "n", .offset = 0, .shape = &tags_shape,
                     .flags = VMIR_FIELD_SKIP_IF}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .name = "sk", .size = 16,
                  .align = 8, .u.fields = {f, 1}};
  assert_invalid(&s, VMIR_E_SHAPE,
                 "field 'n' of struct sk has flag skip-if but no predicate");
  f[0].flags = 0;
  f[0].skip_if = VMIR_PRED_IS_EMPTY;
  assert_invalid(&s, VMIR_E_SHAPE, "but not the skip-if flag");
  f[0].flags = VMIR_FIELD_SKIP_IF;
  assert_valid(&s);
  f[0].skip_if = VMIR_PRED_IS_NONE; /* a list is not an option */
  assert_invalid(&s, VMIR_E_SHAPE, "skip-if is-none, which does not apply to a list");
  f[0].skip_if = VMIR_PRED_IS_DEFAULT;
  f[0].host_predicate = 3;
  assert_invalid(&s, VMIR_E_SHAPE, "names host predicate 3");
  f[0].flags = 1u << 9;
  f[0].skip_if = VMIR_PRED_NONE;
  f[0].host_predicate = 0;
  assert_invalid(&s, VMIR_E_SHAPE, "unknown flag bits 0x200");
}
END_TEST

/* A mutable copy of geom_all under a tagging, for enum rule tests. */
typedef struct enum_fixture {
  vmir_variant variants[4];
  vmir_field circle[1], rect[1], pair[2];
  vmir_shape shape;
} enum_fixture;

static void enum_fixture_init(enum_fixture *e) {
  memcpy(e->circle, geom_circle, sizeof e->circle);
  memcpy(e->rect, geom_rect, sizeof e->rect);
  memcpy(e->pair, geom_pair, sizeof e->pair);
  memcpy(e->variants, geom_variants_all, sizeof e->variants);
  e->variants[0].fields = e->circle;
  e->variants[1].fields = e->rect;
  e->variants[3].fields = e->pair;
  e->shape = geom_external;
  e->shape.u.enumeration.variants = e->variants;
  e->shape.u.enumeration.count = 4;
}

START_TEST(reject_bad_tag_width_and_place) {
  enum_fixture e;
  enum_fixture_init(&e);
  assert_valid(&e.shape);
  e.shape.u.enumeration.tag_width = 3;
  assert_invalid(&e.shape, VMIR_E_LAYOUT,
                 "enum geom has tag width 3; expected 1, 2, 4 or 8");
  e.shape.u.enumeration.tag_width = 4;
  e.shape.u.enumeration.tag_offset = 24;
  assert_invalid(&e.shape, VMIR_E_LAYOUT,
                 "tag of enum geom at offset 24 with width 4 ends past the "
                 "enum's size 24");
  e.shape.u.enumeration.tag_offset = 2;
  assert_invalid(&e.shape, VMIR_E_LAYOUT, "not aligned to its width 4");
}
END_TEST

START_TEST(reject_duplicate_discriminants_and_names) {
  enum_fixture e;
  enum_fixture_init(&e);
  e.variants[2].discriminant = 0;
  assert_invalid(&e.shape, VMIR_E_SHAPE,
                 "enum geom has two variants with discriminant 0");
  e.variants[2].discriminant = 2;
  e.variants[2].rename = "Rect";
  assert_invalid(&e.shape, VMIR_E_SHAPE, "enum geom has two variants named 'Rect'");
  e.variants[2].rename = NULL;
  e.shape.u.enumeration.tag_width = 1;
  e.variants[2].discriminant = 128;
  assert_invalid(&e.shape, VMIR_E_SHAPE,
                 "discriminant 128 of variant 'empty' of enum geom does not "
                 "fit the signed 1-byte tag");
}
END_TEST

START_TEST(reject_variant_fields_outside_enum) {
  enum_fixture e;
  enum_fixture_init(&e);
  e.pair[1].offset = 20;
  assert_invalid(&e.shape, VMIR_E_LAYOUT,
                 "field 'as.pair.b' of variant 'pair' of enum geom at offset "
                 "20 with size 8 ends past the enum's size 24");
  e.pair[1].offset = 16;
  e.circle[0].offset = 0; /* on top of the tag */
  assert_invalid(&e.shape, VMIR_E_LAYOUT, "overlaps the tag at offset 0");
}
END_TEST

START_TEST(reject_variant_style_mismatch) {
  enum_fixture e;
  enum_fixture_init(&e);
  e.variants[1].fields = e.pair;
  e.variants[1].field_count = 2;
  assert_invalid(&e.shape, VMIR_E_SHAPE,
                 "newtype variant 'rect' of enum geom has 2 fields; newtype "
                 "variants have exactly one");
  enum_fixture_init(&e);
  e.variants[2].fields = e.circle;
  e.variants[2].field_count = 1;
  assert_invalid(&e.shape, VMIR_E_SHAPE,
                 "unit variant 'empty' of enum geom has 1 fields; unit "
                 "variants have none");
}
END_TEST

START_TEST(reject_internal_tagging_payloads) {
  enum_fixture e;
  enum_fixture_init(&e);
  e.shape.u.enumeration.tagging = VMIR_TAG_INTERNAL;
  e.shape.u.enumeration.tag_key = "type";
  assert_invalid(&e.shape, VMIR_E_SHAPE,
                 "internally tagged variant 'pair' of enum geom is a tuple "
                 "variant");
  e.shape.u.enumeration.count = 3; /* drop the tuple variant */
  assert_valid(&e.shape);
  e.rect[0].shape = &vmir_shape_f64;
  assert_invalid(&e.shape, VMIR_E_SHAPE,
                 "internally tagged newtype variant 'rect' of enum geom holds "
                 "a f64");
  e.rect[0].shape = &rect_shape;
  e.shape.u.enumeration.tag_key = "radius"; /* clashes with circle's field */
  assert_invalid(&e.shape, VMIR_E_SHAPE, "has a field named 'radius' like the tag key");
}
END_TEST

START_TEST(reject_missing_tag_keys) {
  enum_fixture e;
  enum_fixture_init(&e);
  e.shape.u.enumeration.tagging = VMIR_TAG_INTERNAL;
  e.shape.u.enumeration.count = 3;
  assert_invalid(&e.shape, VMIR_E_SHAPE, "uses internal tagging but has no (valid UTF-8) tag key");
  e.shape.u.enumeration.tagging = VMIR_TAG_ADJACENT;
  e.shape.u.enumeration.tag_key = "t";
  assert_invalid(&e.shape, VMIR_E_SHAPE, "has no (valid UTF-8) content key");
  e.shape.u.enumeration.content_key = "t";
  assert_invalid(&e.shape, VMIR_E_SHAPE, "uses the same key 't' for tag and content");
  e.shape.u.enumeration.tagging = VMIR_TAG_EXTERNAL;
  e.shape.u.enumeration.content_key = NULL;
  assert_invalid(&e.shape, VMIR_E_SHAPE, "has a tag key but its tagging uses none");
  e.shape.u.enumeration.tag_key = "\xff";
  e.shape.u.enumeration.tagging = VMIR_TAG_INTERNAL;
  assert_invalid(&e.shape, VMIR_E_SHAPE, "valid UTF-8");
}
END_TEST

START_TEST(reject_bad_flag_option) {
  vmir_shape o = corner_shape;
  o.u.option.flag_offset = 12;
  assert_invalid(&o, VMIR_E_LAYOUT,
                 "presence flag of option opt_pt at offset 12 lies outside "
                 "the option's size 12");
  o.u.option.flag_offset = 0;
  o.u.option.payload_offset = 8;
  assert_invalid(&o, VMIR_E_LAYOUT,
                 "payload of option opt_pt at offset 8 with size 8 ends past "
                 "the option's size 12");
  o.u.option.payload_offset = 0;
  assert_invalid(&o, VMIR_E_LAYOUT, "lies inside the payload");
}
END_TEST

START_TEST(reject_bad_nullable_and_pointer_size) {
  vmir_shape n = maybe_pt_shape;
  n.size = 16;
  assert_invalid(&n, VMIR_E_LAYOUT, "a pointer is");
  vmir_shape p = origin_shape;
  p.size = 4;
  p.align = 4;
  assert_invalid(&p, VMIR_E_LAYOUT, "a pointer is");
}
END_TEST

START_TEST(reject_bad_list_and_map_size) {
  vmir_shape l = points_shape;
  l.size = 8;
  assert_invalid(&l, VMIR_E_LAYOUT, "a vmir_list is");
  vmir_shape m = attrs_shape;
  m.size = 24;
  assert_invalid(&m, VMIR_E_LAYOUT, "a vmir_list is");
}
END_TEST

START_TEST(reject_bad_map_entry) {
  vmir_shape m = attrs_shape;
  m.u.map.entry_size = 20;
  assert_invalid(&m, VMIR_E_LAYOUT, "with size 8 ends past the entry size 20");
  m.u.map.entry_size = 32;
  m.u.map.value_offset = 8;
  assert_invalid(&m, VMIR_E_LAYOUT, "inside the entry's vmir_str key");
  m.u.map.value_offset = 20;
  assert_invalid(&m, VMIR_E_LAYOUT, "not aligned to the value's alignment 8");
  m.u.map.value_offset = 16;
  m.u.map.entry_size = 28;
  assert_invalid(&m, VMIR_E_LAYOUT, "not a multiple of the entry's alignment");
}
END_TEST

START_TEST(reject_bad_array_size) {
  vmir_shape a = rgb_shape;
  a.size = 8;
  assert_invalid(&a, VMIR_E_LAYOUT, "but 3 elements of size 2 take 6");
  a.size = 6;
  a.align = 1;
  assert_invalid(&a, VMIR_E_LAYOUT, "its elements are aligned to 2");
}
END_TEST

START_TEST(reject_scalar_with_wrong_layout) {
  vmir_shape u = {.kind = VMIR_KIND_U32, .name = "wide", .size = 8,
                  .align = 8};
  assert_invalid(&u, VMIR_E_LAYOUT, "u32 wide has size 8 and alignment 8; a u32 is 4 bytes");
  vmir_shape str = vmir_shape_string;
  str.align = 4;
  assert_invalid(&str, VMIR_E_LAYOUT, "a string is");
  /* Reached through a field, the anonymous copy is named by its path. */
  vmir_shape anon = {.kind = VMIR_KIND_U16, .size = 2, .align = 1};
  vmir_field f[] = {{.name = "n", .offset = 0, .shape = &anon}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .name = "holder", .size = 2,
                  .align = 2, .u.fields = {f, 1}};
  assert_invalid(&s, VMIR_E_LAYOUT, "u16 <anonymous at holder.n>");
}
END_TEST

START_TEST(reject_null_sub_shapes) {
  vmir_field f[] = {{.name = "n", .offset = 0, .shape = NULL}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .name = "nul", .size = 8,
                  .align = 8, .u.fields = {f, 1}};
  assert_invalid(&s, VMIR_E_SHAPE, "field 'n' of struct nul has no shape");
  s.u.fields.fields = NULL;
  assert_invalid(&s, VMIR_E_SHAPE, "has 1 fields but no field array");
  f[0].shape = &vmir_shape_u8;
  f[0].name = NULL;
  s.u.fields.fields = f;
  assert_invalid(&s, VMIR_E_SHAPE, "field #0 of struct nul has no name");
  vmir_shape l = VMIR_LIST_SHAPE(NULL);
  assert_invalid(&l, VMIR_E_SHAPE, "has no element shape");
  vmir_shape p = VMIR_POINTER_SHAPE(NULL);
  assert_invalid(&p, VMIR_E_SHAPE, "has no target shape");
  vmir_shape o = VMIR_NULLABLE_SHAPE(NULL);
  assert_invalid(&o, VMIR_E_SHAPE, "has no payload shape");
  vmir_shape m = VMIR_MAP_SHAPE(attr_entry, value, NULL);
  assert_invalid(&m, VMIR_E_SHAPE, "has no value shape");
  vmir_shape a = rgb_shape;
  a.u.sequence.element = NULL;
  assert_invalid(&a, VMIR_E_SHAPE, "has no element shape");
  enum_fixture e;
  enum_fixture_init(&e);
  e.shape.u.enumeration.variants = NULL;
  assert_invalid(&e.shape, VMIR_E_SHAPE, "has 4 variants but no variant array");
  enum_fixture_init(&e);
  e.variants[3].name = NULL;
  assert_invalid(&e.shape, VMIR_E_SHAPE, "variant #3 of enum geom has no name");
}
END_TEST

START_TEST(reject_inline_cycles) {
  /* A struct that holds itself by value. */
  static vmir_shape self;
  static vmir_field self_f[] = {{.name = "me", .offset = 0, .shape = &self}};
  self = (vmir_shape){.kind = VMIR_KIND_STRUCT, .name = "self", .size = 8,
                      .align = 8, .u.fields = {self_f, 1}};
  assert_invalid(&self, VMIR_E_SHAPE,
                 "struct self contains itself inline (via field 'me' of struct "
                 "self)");
  /* Through a flag option and an array: still inline. */
  static vmir_shape a, opt, arr;
  static vmir_field a_f[] = {{.name = "o", .offset = 0, .shape = &opt}};
  a = (vmir_shape){.kind = VMIR_KIND_STRUCT, .name = "a", .size = 16,
                   .align = 8, .u.fields = {a_f, 1}};
  opt = (vmir_shape){.kind = VMIR_KIND_OPTION, .size = 16, .align = 8,
                     .u.option = {VMIR_OPTION_FLAG, 0, 8, &arr}};
  arr = (vmir_shape){.kind = VMIR_KIND_ARRAY, .size = 0, .align = 8,
                     .u.sequence = {&a, 0}};
  assert_invalid(&a, VMIR_E_SHAPE, "contains itself inline");
  /* The same cycle through a list is fine: a list holds a pointer. */
  arr = (vmir_shape)VMIR_LIST_SHAPE(&a);
  opt.size = 24;
  a.size = 24;
  assert_valid(&a);
}
END_TEST

/* ---- Shape ids ---------------------------------------------------------- */

/* Ids of u32, pt and status on LP64, recomputed by hand from the encoding
 * in docs/shapes.md (an independent script agreed). */
#define GOLDEN_U32 UINT64_C(6772872566031694244)
#define GOLDEN_PT UINT64_C(17885619288880594876)
#define GOLDEN_STATUS UINT64_C(2387223807830363493)

/* t[verify format.ir.program-root-shape] */
START_TEST(id_is_stable) {
  /* Programs embed root shape ids; these values may change only with a
   * documented change of the id encoding (docs/shapes.md). */
  ck_assert_uint_eq(vmir_shape_id(&vmir_shape_u32), vmir_shape_id(&vmir_shape_u32));
  ck_assert_uint_eq(vmir_shape_id(&pt_shape), vmir_shape_id(&pt_shape));
  ck_assert_uint_ne(vmir_shape_id(&vmir_shape_u32), vmir_shape_id(&vmir_shape_i32));
  if (!lp64()) return;
  ck_assert_uint_eq(vmir_shape_id(&vmir_shape_u32), GOLDEN_U32);
  ck_assert_uint_eq(vmir_shape_id(&pt_shape), GOLDEN_PT);
  ck_assert_uint_eq(vmir_shape_id(&status_shape), GOLDEN_STATUS);
}
END_TEST

/* t[verify format.ir.program-root-shape] */
START_TEST(id_equal_from_c_and_text) {
  if (!lp64()) return;
  static const struct { const char *file; const vmir_shape *c; } cases[] = {
      {"twitter.shape", &status_shape},
      {"kinds.shape", &everything_shape},
      {"enums.shape", &tagged_shape},
      {"expr.shape", &expr_shape},
  };
  for (size_t i = 0; i < VMIR_COUNTOF(cases); i++) {
    vmir_shape_set *set = parse_file(cases[i].file);
    ck_assert_msg(vmir_shape_id(vmir_shape_set_root(set)) ==
                      vmir_shape_id(cases[i].c),
                  "%s: id differs from the C descriptor", cases[i].file);
    vmir_shape_set_free(set);
  }
  /* Also for a type inside a file, found by name. */
  vmir_shape_set *set = parse_file("twitter.shape");
  ck_assert_uint_eq(vmir_shape_id(vmir_shape_set_find(set, "tw_user")),
                    vmir_shape_id(&tw_user_shape));
  vmir_shape_set_free(set);
}
END_TEST

START_TEST(id_changes_with_layout_and_policy) {
  const uint64_t base = vmir_shape_id(&tw_user_shape);
  vmir_field f[VMIR_COUNTOF(tw_user_fields)];
  vmir_shape s = tw_user_shape;
  s.u.fields.fields = f;
#define RESET() memcpy(f, tw_user_fields, sizeof f)
  RESET();
  ck_assert_uint_eq(vmir_shape_id(&s), base);
  f[4].offset = 52;                              /* an offset */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
  RESET();
  f[1].rename = "screen_name";                   /* a rename */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
  RESET();
  f[3].flags = 0;                                /* a flag */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
  RESET();
  f[2].skip_if = VMIR_PRED_IS_DEFAULT;           /* a skip-if test */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
  RESET();
  f[0].shape = &vmir_shape_i64;                  /* a kind */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
  RESET();
  s.size = 64;                                   /* a size */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
  s.size = tw_user_shape.size;
  s.kind = VMIR_KIND_TUPLE;                      /* struct vs tuple */
  ck_assert_uint_ne(vmir_shape_id(&s), base);
#undef RESET
  /* Host predicate ids and enum policy. */
  vmir_field ev[VMIR_COUNTOF(everything_fields)];
  memcpy(ev, everything_fields, sizeof ev);
  vmir_shape e = everything_shape;
  e.u.fields.fields = ev;
  ck_assert_uint_eq(vmir_shape_id(&e), vmir_shape_id(&everything_shape));
  ev[24].host_predicate = 8;
  ck_assert_uint_ne(vmir_shape_id(&e), vmir_shape_id(&everything_shape));
  ck_assert_uint_ne(vmir_shape_id(&geom_external), vmir_shape_id(&geom_adjacent));
  ck_assert_uint_ne(vmir_shape_id(&geom_external), vmir_shape_id(&geom_untagged));
  enum_fixture g;
  enum_fixture_init(&g);
  ck_assert_uint_eq(vmir_shape_id(&g.shape), vmir_shape_id(&geom_external));
  g.shape.u.enumeration.unit_as_string = false;
  ck_assert_uint_ne(vmir_shape_id(&g.shape), vmir_shape_id(&geom_external));
  enum_fixture_init(&g);
  g.variants[2].discriminant = 7;
  ck_assert_uint_ne(vmir_shape_id(&g.shape), vmir_shape_id(&geom_external));
  enum_fixture_init(&g);
  g.shape.u.enumeration.tagging = VMIR_TAG_ADJACENT;
  g.shape.u.enumeration.tag_key = "t";
  g.shape.u.enumeration.content_key = "content";
  ck_assert_uint_ne(vmir_shape_id(&g.shape), vmir_shape_id(&geom_adjacent));
  /* Option representation, array count, map entry layout. */
  ck_assert_uint_ne(vmir_shape_id(&maybe_pt_shape), vmir_shape_id(&origin_shape));
  vmir_shape a = rgb_shape;
  a.u.sequence.count = 2;
  a.size = 4;
  ck_assert_uint_ne(vmir_shape_id(&a), vmir_shape_id(&rgb_shape));
  vmir_shape m = attrs_shape;
  m.u.map.entry_size = 32;
  ck_assert_uint_ne(vmir_shape_id(&m), vmir_shape_id(&attrs_shape));
}
END_TEST

START_TEST(id_ignores_names_member_sizes_and_sharing) {
  const uint64_t base = vmir_shape_id(&status_shape);
  /* Type names and C member sizes do not count. */
  vmir_field f[VMIR_COUNTOF(tw_user_fields)];
  memcpy(f, tw_user_fields, sizeof f);
  for (size_t i = 0; i < VMIR_COUNTOF(f); i++) f[i].member_size = 0;
  f[0].name = "ident";
  f[0].rename = "id";          /* same wire name as before */
  vmir_shape u = tw_user_shape;
  u.name = "someone_else";
  u.u.fields.fields = f;
  ck_assert_uint_eq(vmir_shape_id(&u), vmir_shape_id(&tw_user_shape));
  /* Names of positional fields do not reach the wire. */
  vmir_field pf[2];
  memcpy(pf, pair_fields, sizeof pf);
  pf[0].name = "first";
  vmir_shape p = pair_shape;
  p.u.fields.fields = pf;
  ck_assert_uint_eq(vmir_shape_id(&p), vmir_shape_id(&pair_shape));
  /* A private copy of a builtin is the builtin. */
  vmir_shape my_u32 = vmir_shape_u32;
  my_u32.name = "userid";
  memcpy(f, tw_user_fields, sizeof f);
  vmir_shape tags = VMIR_LIST_SHAPE(&my_u32);
  f[2].shape = &tags;
  ck_assert_uint_eq(vmir_shape_id(&u), vmir_shape_id(&tw_user_shape));
  /* The cycle unrolled once (status -> status' -> status) is the same type. */
  vmir_shape status2 = status_shape;
  vmir_shape rt2 = VMIR_NULLABLE_SHAPE(&status_shape);
  vmir_field sf[VMIR_COUNTOF(status_fields)];
  memcpy(sf, status_fields, sizeof sf);
  sf[3].shape = &rt2;
  status2.u.fields.fields = sf;
  ck_assert_uint_eq(vmir_shape_id(&status2), base);
  /* One shared list shape vs one per field. */
  typedef struct two { VMIR_LIST_OF(uint32_t) a, b; } two;
  static const vmir_shape la = VMIR_LIST_SHAPE(&vmir_shape_u32);
  static const vmir_shape lb = VMIR_LIST_SHAPE(&vmir_shape_u32);
  vmir_field shared[] = {VMIR_FIELD(two, a, &la), VMIR_FIELD(two, b, &la)};
  vmir_field apart[] = {VMIR_FIELD(two, a, &la), VMIR_FIELD(two, b, &lb)};
  vmir_shape t1 = VMIR_STRUCT(two, shared), t2 = VMIR_STRUCT(two, apart);
  ck_assert_uint_eq(vmir_shape_id(&t1), vmir_shape_id(&t2));
}
END_TEST

/* Random graphs of structs linked through lists: two roots get the same id
 * exactly when a naive bisimulation check calls them equivalent. */
START_TEST(id_matches_bisimulation) {
  enum { N = 24 };
  static vmir_shape st[N], ls[N][2];
  static vmir_field fl[N][2];
  int kids[N], tgt[N][2], size[N], cls[N], next_cls[N];
  uint64_t rng = 88172645463325252u, id[N];
  for (int iter = 0; iter < 200; iter++) {
    int n = 2 + (int)(rng % (N - 2));
    for (int i = 0; i < n; i++) {
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      kids[i] = (int)(rng % 3);
      size[i] = (rng >> 8) % 4 == 0 ? 32 : 16;
      tgt[i][0] = (int)((rng >> 16) % (uint64_t)n);
      tgt[i][1] = (int)((rng >> 32) % (uint64_t)n);
    }
    for (int i = 0; i < n; i++) {
      for (int k = 0; k < kids[i]; k++) {
        ls[i][k] = (vmir_shape)VMIR_LIST_SHAPE(&st[tgt[i][k]]);
        fl[i][k] = (vmir_field){.name = k ? "b" : "a", .offset = 0,
                                .shape = &ls[i][k]};
      }
      st[i] = (vmir_shape){.kind = VMIR_KIND_STRUCT, .size = (uint32_t)size[i],
                           .align = 8, .u.fields = {fl[i], (uint32_t)kids[i]}};
      cls[i] = size[i] * 4 + kids[i];
    }
    /* Moore refinement, the slow obvious way. */
    for (int round = 0; round <= n; round++) {
      int key[N][3];
      for (int i = 0; i < n; i++) {
        key[i][0] = cls[i];
        key[i][1] = kids[i] > 0 ? cls[tgt[i][0]] : -1;
        key[i][2] = kids[i] > 1 ? cls[tgt[i][1]] : -1;
        next_cls[i] = -1;
      }
      for (int i = 0, c = 0; i < n; i++) {
        if (next_cls[i] >= 0) continue;
        for (int j = i; j < n; j++)
          if (next_cls[j] < 0 && memcmp(key[i], key[j], sizeof key[i]) == 0)
            next_cls[j] = c;
        c++;
      }
      memcpy(cls, next_cls, sizeof cls);
    }
    for (int i = 0; i < n; i++) {
      assert_valid(&st[i]);
      id[i] = vmir_shape_id(&st[i]);
    }
    for (int i = 0; i < n; i++)
      for (int j = 0; j < n; j++)
        ck_assert_msg((cls[i] == cls[j]) == (id[i] == id[j]),
                      "iteration %d: nodes %d and %d", iter, i, j);
  }
}
END_TEST

START_TEST(id_is_safe_on_invalid_graphs) {
  vmir_field f[] = {{.name = NULL, .offset = 0, .shape = NULL}};
  vmir_shape s = {.kind = VMIR_KIND_STRUCT, .size = 8, .align = 8,
                  .u.fields = {f, 1}};
  uint64_t a = vmir_shape_id(&s);
  ck_assert_uint_eq(a, vmir_shape_id(&s));
  s.u.fields.fields = NULL; /* count without an array */
  (void)vmir_shape_id(&s);
  vmir_shape k = {.kind = (vmir_kind)99, .size = 1, .align = 1};
  (void)vmir_shape_id(&k);
  ck_assert_uint_eq(vmir_shape_id(NULL), vmir_shape_id(NULL));
  ck_assert_uint_ne(vmir_shape_id(NULL), vmir_shape_id(&vmir_shape_unit));
}
END_TEST

/* ---- Text form: parsing -------------------------------------------------- */

START_TEST(text_files_parse_and_validate) {
  static const char *const files[] = {"twitter.shape", "kinds.shape",
                                      "enums.shape", "expr.shape"};
  for (size_t i = 0; i < VMIR_COUNTOF(files); i++) {
    vmir_shape_set *set = parse_file(files[i]);
    assert_valid(vmir_shape_set_root(set));
    vmir_shape_set_free(set);
  }
}
END_TEST

START_TEST(text_each_kind) {
  vmir_shape_set *set = parse_file("kinds.shape");
  const vmir_shape *ev = vmir_shape_set_find(set, "everything");
  ck_assert_ptr_eq(ev, vmir_shape_set_root(set));
  ck_assert_str_eq(ev->name, "everything");
  ck_assert_int_eq(ev->kind, VMIR_KIND_STRUCT);
  ck_assert_uint_eq(ev->size, 256);
  ck_assert_uint_eq(ev->u.fields.count, 27);
  const vmir_field *f = ev->u.fields.fields;
  /* Builtins are the library's own objects. */
  ck_assert_ptr_eq(f[0].shape, &vmir_shape_bool);
  ck_assert_ptr_eq(f[13].shape, &vmir_shape_value);
  ck_assert_ptr_eq(f[14].shape, &vmir_shape_unit);
  ck_assert_str_eq(f[11].rename, "str");
  ck_assert_int_eq(f[12].skip_if, VMIR_PRED_IS_EMPTY);
  ck_assert_uint_eq(f[12].flags, VMIR_FIELD_SKIP_IF);
  ck_assert_int_eq(f[15].shape->kind, VMIR_KIND_TUPLE);
  ck_assert_str_eq(f[15].shape->u.fields.fields[1].name, "b");
  ck_assert_int_eq(f[16].shape->kind, VMIR_KIND_ARRAY);
  ck_assert_uint_eq(f[16].shape->u.sequence.count, 3);
  ck_assert_int_eq(f[17].shape->kind, VMIR_KIND_MAP);
  ck_assert_uint_eq(f[17].shape->u.map.value_offset, 16);
  ck_assert_int_eq(f[18].shape->kind, VMIR_KIND_LIST);
  ck_assert_ptr_eq(f[18].shape->u.sequence.element,
                   vmir_shape_set_find(set, "pt"));
  ck_assert_int_eq(f[19].shape->kind, VMIR_KIND_POINTER);
  ck_assert_int_eq(f[20].shape->kind, VMIR_KIND_OPTION);
  ck_assert_int_eq(f[20].shape->u.option.repr, VMIR_OPTION_NULLABLE);
  ck_assert_int_eq(f[21].shape->u.option.repr, VMIR_OPTION_FLAG);
  ck_assert_uint_eq(f[21].shape->u.option.payload_offset, 4);
  ck_assert_int_eq(f[22].shape->kind, VMIR_KIND_ENUM);
  ck_assert_str_eq(f[22].shape->u.enumeration.tag_key, "type");
  ck_assert_str_eq(f[22].shape->u.enumeration.variants[1].rename, "Rect");
  ck_assert_str_eq(f[22].shape->u.enumeration.variants[1].fields[0].name, "0");
  ck_assert_uint_eq(f[23].flags, VMIR_FIELD_FLATTEN);
  ck_assert_int_eq(f[24].skip_if, VMIR_PRED_HOST);
  ck_assert_uint_eq(f[24].host_predicate, 7);
  ck_assert_uint_eq(f[25].flags, VMIR_FIELD_SKIP);
  ck_assert_uint_eq(f[26].flags, VMIR_FIELD_DEFAULT | VMIR_FIELD_SKIP_IF);
  ck_assert_ptr_null(vmir_shape_set_find(set, "nope"));
  ck_assert_ptr_null(vmir_shape_set_find(set, "u32"));
  vmir_shape_set_free(set);

  vmir_shape_set *e = parse_file("enums.shape");
  const vmir_shape *adj = vmir_shape_set_find(e, "geom_adjacent");
  ck_assert_int_eq(adj->u.enumeration.tagging, VMIR_TAG_ADJACENT);
  ck_assert_str_eq(adj->u.enumeration.content_key, "c");
  ck_assert(vmir_shape_set_find(e, "geom_external")->u.enumeration.unit_as_string);
  ck_assert_int_eq(vmir_shape_set_find(e, "geom_untagged")->u.enumeration.tagging,
                   VMIR_TAG_UNTAGGED);
  vmir_shape_set_free(e);

  vmir_shape_set *x = parse_file("expr.shape");
  ck_assert_int_eq(vmir_shape_set_root(x)->u.enumeration.variants[2].discriminant, -1);
  vmir_shape_set_free(x);
}
END_TEST

START_TEST(text_small_forms) {
  /* A builtin or an inline form may be the root; names may be strings. */
  static const char *const ok[] = {
      "(shapes (root u32))",
      "(shapes (root value))",
      "(shapes (root (list (list string))))",
      "(shapes (root (map (entry-size 32) (value-offset 16) (shape (option nullable u8)))))",
      "(shapes (root (array (count 0) (size 0) (align 4) (shape u32))))",
      "(shapes (root (tuple (size 4) (align 2) (field 0 (offset 0) (shape i16)) (field \"1\" (offset 2) (shape u8)))))",
      "(shapes (define e (enum (size 1) (align 1) (tag (offset 0) (width 1)) (tagging external))) (root e))",
      "(shapes (define node (struct (size 24) (align 8) (field \"next node\" (offset 0) (shape (pointer node)) (rename \"next\")) (field v (offset 8) (shape string)))) (root (option nullable node)))",
      "; comment\n(shapes\n  (root (option flag (size 2) (align 1) (flag-offset 1) (payload-offset 0) (shape u8))) ; trailing\n)\n",
      "(shapes (define s (struct (size 4) (align 4) (field b (offset 0) (shape u32) (flags default skip) (skip-if (host 4294967295))))) (root s))",
  };
  for (size_t i = 0; i < VMIR_COUNTOF(ok); i++) {
    vmir_error err;
    vmir_shape_set *set = parse_str(ok[i], &err);
    ck_assert_msg(set != NULL, "%s: %s", ok[i], err.message);
    assert_print_roundtrip(vmir_shape_set_root(set));
    vmir_shape_set_free(set);
  }
}
END_TEST

START_TEST(text_syntax_errors) {
  assert_text_error("(shapes (root u32)", VMIR_E_SYNTAX, "missing ')'");
  assert_text_error("(shapes (root u32)))", VMIR_E_SYNTAX, "after the top-level form");
  assert_text_error("(types (root u32))", VMIR_E_SYNTAX, "expected (shapes ...)");
  assert_text_error("(shapes)", VMIR_E_SYNTAX, "shapes needs a (root NAME) form");
  assert_text_error("(shapes (root u32) (root u8))", VMIR_E_SYNTAX,
                    "(root ...) given twice (first at line 1, column 9)");
  assert_text_error("(shapes (root u32) (alias x u32))", VMIR_E_SYNTAX,
                    "unknown form (alias ...) inside shapes");
  assert_text_error("(shapes (root (blob u32)))", VMIR_E_SYNTAX,
                    "unknown shape form (blob ...)");
  assert_text_error("(shapes (root nowhere))", VMIR_E_SHAPE,
                    "unknown shape name 'nowhere'");
  assert_text_error("(shapes (define u32 (struct (size 0) (align 1))) (root u32))",
                    VMIR_E_SYNTAX, "cannot define 'u32'");
  assert_text_error("(shapes (define a (struct (size 0) (align 1)))\n"
                    "  (define a (struct (size 0) (align 1))) (root a))",
                    VMIR_E_SYNTAX, "'a' is defined twice (first at line 1");
  assert_text_error("(shapes (define a u32) (root a))", VMIR_E_SYNTAX,
                    "expected a shape form such as (struct ...) after the name");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (size 4))))",
                    VMIR_E_SYNTAX, "(size ...) given twice inside struct");
  assert_text_error("(shapes (root (struct (align 4))))", VMIR_E_SYNTAX,
                    "struct needs a (size ...) form");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (colour red))))",
                    VMIR_E_SYNTAX,
                    "unknown form (colour ...) inside struct; expected one of: "
                    "size, align, field");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (field x (offset 0)))))",
                    VMIR_E_SYNTAX, "field needs a (shape ...) form");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (field x (offset 0) (shape u32) (flags loud)))))",
                    VMIR_E_SYNTAX, "expected a flag (skip, flatten or default)");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (field x (offset 0) (shape u32) (skip-if sometimes)))))",
                    VMIR_E_SYNTAX, "expected a predicate");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (field x (offset 0) (shape u32) (rename x)))))",
                    VMIR_E_SYNTAX, "expected a string, found a symbol");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (field x (offset 0) (shape u32) (rename \"a\\u0000b\")))))",
                    VMIR_E_SYNTAX, "NUL");
  assert_text_error("(shapes (root (list u32 u8)))", VMIR_E_SYNTAX,
                    "(list S) takes exactly one shape");
  assert_text_error("(shapes (root (option maybe u32)))", VMIR_E_SYNTAX,
                    "expected (option nullable S) or (option flag ...)");
  assert_text_error("(shapes (root (enum (size 8) (align 4) (tag (offset 0) (width 4)) (tagging sideways))))",
                    VMIR_E_SYNTAX, "expected a tagging mode");
  assert_text_error("(shapes (root (enum (size 8) (align 4) (tag (offset 0) (width 4)) (tagging internal))))",
                    VMIR_E_SYNTAX, "internal tagging needs a (tag-key");
  assert_text_error("(shapes (root (enum (size 8) (align 4) (tag (offset 0) (width 4)) (tagging external (tag-key \"t\")))))",
                    VMIR_E_SYNTAX, "external tagging takes no tag key");
  assert_text_error("(shapes (root (enum (size 8) (align 4) (tag (offset 0) (width 4)) (tagging external) (variant a (discriminant 0) (style odd)))))",
                    VMIR_E_SYNTAX, "expected a variant style");
  assert_text_error("(shapes (root (enum (size 8) (align 4) (tag (offset 0) (width 4)) (tagging external) (unit-as-string yes))))",
                    VMIR_E_SYNTAX, "expected true or false");
  assert_text_error("(shapes (root (struct (size 4) (align 4) (field (x) (offset 0) (shape u32)))))",
                    VMIR_E_SYNTAX, "expected a name");
  assert_text_error("(shapes (root (struct (size 4) (align 4) 7)))",
                    VMIR_E_SYNTAX, "expected a (name ...) form inside struct, found an integer");
  assert_text_error("(shapes (root \"u32\"))", VMIR_E_SYNTAX, "expected a shape");
  assert_text_error("(shapes (root u32) #x00)", VMIR_E_SYNTAX, "found a byte string");
}
END_TEST

START_TEST(text_integer_ranges) {
  assert_text_error("(shapes (root (struct (size 4294967296) (align 4))))",
                    VMIR_E_SYNTAX, "(size N) needs an integer from 0 to 4294967295, found one out of range");
  assert_text_error("(shapes (root (struct (size -4) (align 4))))",
                    VMIR_E_SYNTAX, "found one out of range");
  assert_text_error("(shapes (root (struct (size 4) (align x))))",
                    VMIR_E_SYNTAX, "found a symbol");
  assert_text_error("(shapes (root (struct (size 4) (align 4 4))))",
                    VMIR_E_SYNTAX, "(align ...) takes exactly one argument, found 2");
  assert_text_error("(shapes (root (struct (size 99999999999999999999) (align 4))))",
                    VMIR_E_SYNTAX, "out of range");
  assert_text_error("(shapes (root (struct (size 007) (align 4))))",
                    VMIR_E_SYNTAX, "leading zero");
  assert_text_error("(shapes (root (struct (size +4) (align 4))))",
                    VMIR_E_SYNTAX, "leading '+'");
  assert_text_error("(shapes (root (enum (size 8) (align 8) (tag (offset 0) (width 8)) (tagging external) (variant a (discriminant 9223372036854775808) (style unit)))))",
                    VMIR_E_SYNTAX, "64-bit signed integer");
  /* The extremes that fit are accepted. */
  vmir_error err;
  vmir_shape_set *set = parse_str(
      "(shapes (root (enum (size 8) (align 8) (tag (offset 0) (width 8)) (tagging external)"
      " (variant lo (discriminant -9223372036854775808) (style unit))"
      " (variant hi (discriminant 9223372036854775807) (style unit)))))", &err);
  ck_assert_msg(set != NULL, "%s", err.message);
  ck_assert_int_eq(vmir_shape_set_root(set)->u.enumeration.variants[0].discriminant, INT64_MIN);
  assert_print_roundtrip(vmir_shape_set_root(set));
  vmir_shape_set_free(set);
}
END_TEST

START_TEST(text_validation_errors_have_positions) {
  /* Layout errors point at the form that wrote the offending shape. */
  assert_text_error(
      "(shapes\n"
      "  (define tw_user (struct (size 48) (align 8)\n"
      "    (field id (offset 0) (shape u64))\n"
      "    (field name (offset 40) (shape string))))\n"
      "  (root tw_user))",
      VMIR_E_LAYOUT,
      "<test>:2:19: layout: field 'name' of struct tw_user at offset 40 with "
      "size 16 ends past the struct's size 48");
  assert_text_error(
      "(shapes\n  (define a (struct (size 8) (align 8) (field me (offset 0) (shape a))))\n  (root a))",
      VMIR_E_SHAPE, "<test>:2:13: shape: struct a contains itself inline");
  assert_text_error(
      "(shapes (root (struct (size 8) (align 8)\n"
      "  (field x (offset 0) (shape (list (struct (size 3) (align 2))))))))",
      VMIR_E_LAYOUT, "<test>:2:36: layout: struct <anonymous at root.x.element> has size 3");
  /* Unused definitions are validated too. */
  assert_text_error(
      "(shapes (define unused (pointer (struct (size 1) (align 1) (field a (offset 1) (shape u8))))) (root u8))",
      VMIR_E_LAYOUT, "ends past");
}
END_TEST

/* ---- Text form: hostile input -------------------------------------------- */

START_TEST(hostile_unbalanced) {
  assert_text_error("(", VMIR_E_SYNTAX, "missing ')'");
  assert_text_error(")", VMIR_E_SYNTAX, "unexpected ')'");
  assert_text_error("(shapes (root (list u32)", VMIR_E_SYNTAX, "missing ')'");
  assert_text_error("(shapes (root u32)))", VMIR_E_SYNTAX, "after the top-level form");
  assert_text_error("(shapes (root \"u32))", VMIR_E_SYNTAX, "unterminated string");
  assert_text_error("", VMIR_E_SYNTAX, "empty input");
  assert_text_error("   ; only a comment\n", VMIR_E_SYNTAX, "empty input");
  assert_text_error("(shapes (root u32) [x])", VMIR_E_SYNTAX, "unexpected character");
}
END_TEST

START_TEST(hostile_deep_nesting) {
  enum { DEPTH = 10000 };
  char *text = malloc(8 * DEPTH + 64);
  size_t n = 0;
  n += (size_t)sprintf(text, "(shapes (root ");
  for (int i = 0; i < DEPTH; i++) n += (size_t)sprintf(text + n, "(list ");
  n += (size_t)sprintf(text + n, "u8");
  for (int i = 0; i < DEPTH + 2; i++) text[n++] = ')';
  text[n] = '\0';
  assert_text_error(text, VMIR_E_LIMIT, "nesting deeper than");
  /* Pure parentheses too. */
  memset(text, '(', DEPTH);
  text[DEPTH] = '\0';
  assert_text_error(text, VMIR_E_LIMIT, "nesting deeper than");
  free(text);
}
END_TEST

START_TEST(hostile_counts) {
  /* More definitions than a file may hold. */
  enum { DEFS = 5000 };
  char *text = malloc((size_t)DEFS * 64 + 64);
  size_t n = (size_t)sprintf(text, "(shapes");
  for (int i = 0; i < DEFS; i++)
    n += (size_t)sprintf(text + n, " (define t%d (list u8))", i);
  sprintf(text + n, " (root t0))");
  assert_text_error(text, VMIR_E_LIMIT, "more than 4096");
  free(text);
}
END_TEST

START_TEST(hostile_flatten_depth) {
  /* 40 structs, each flattening the next: deeper than flatten may nest. */
  char text[8192];
  size_t n;
  n = (size_t)sprintf(text, "(shapes");
  for (int i = 0; i < 40; i++) {
    if (i < 39)
      n += (size_t)sprintf(text + n,
                           " (define s%d (struct (size 4) (align 4) (field f%d "
                           "(offset 0) (shape u8)) (field n (offset 0) (shape "
                           "s%d) (flags flatten))))",
                           i, i, i + 1);
    else
      n += (size_t)sprintf(text + n,
                           " (define s%d (struct (size 4) (align 4)))", i);
  }
  sprintf(text + n, " (root s0))");
  assert_text_error(text, VMIR_E_LIMIT, "flattens structs more than 32 levels deep");
}
END_TEST

/* Every proper prefix of a valid file is an error, never a crash. */
START_TEST(hostile_truncated_prefixes) {
  static const char *const files[] = {"twitter.shape", "kinds.shape",
                                      "enums.shape", "expr.shape"};
  for (size_t k = 0; k < VMIR_COUNTOF(files); k++) {
    char rel[64];
    snprintf(rel, sizeof rel, "shapes/%s", files[k]);
    size_t len = 0;
    char *text = vmir_test_read_file(vmir_test_data_path(rel), &len);
    ck_assert_ptr_nonnull(text);
    size_t end = len;
    while (end > 0 && text[end - 1] != ')') end--;
    for (size_t cut = 0; cut < end; cut++) {
      /* A private copy of exactly `cut` bytes lets ASan catch over-reads. */
      char *part = malloc(cut ? cut : 1);
      memcpy(part, text, cut);
      vmir_error err;
      vmir_shape_set *set = vmir_shape_text_parse(part, cut, "<cut>", &err);
      ck_assert_msg(set == NULL, "%s: prefix of %zu bytes accepted", files[k], cut);
      ck_assert_msg(err.code == VMIR_E_SYNTAX && err.line > 0,
                    "%s: prefix of %zu bytes: %s", files[k], cut, err.message);
      free(part);
    }
    free(text);
  }
}
END_TEST

/* Single-byte mutations of a valid file: each parses or fails cleanly; what
 * parses prints and reparses identically. */
START_TEST(hostile_mutations) {
  size_t len = 0;
  char *text = vmir_test_read_file(vmir_test_data_path("shapes/kinds.shape"), &len);
  ck_assert_ptr_nonnull(text);
  static const char subst[] = {'(', ')', '"', '0', '9', ' ', 'x', '-', '\\', '\0'};
  for (size_t i = 0; i < len; i++) {
    /* Three substitutions per byte, rotating through the set. */
    for (size_t r = 0; r < 3; r++) {
      char *m = malloc(len);
      memcpy(m, text, len);
      m[i] = subst[(i + r * 3) % sizeof subst];
      vmir_error err;
      vmir_shape_set *set = vmir_shape_text_parse(m, len, "<mut>", &err);
      if (set) {
        assert_print_roundtrip(vmir_shape_set_root(set));
        vmir_shape_set_free(set);
      } else {
        ck_assert_msg(err.code != VMIR_OK && err.message[0], "no error text");
      }
      free(m);
    }
  }
  free(text);
}
END_TEST

/* ---- Text form: canonical printing --------------------------------------- */

START_TEST(print_canonical_form) {
  static const char expected[] =
      "(shapes\n"
      "  (define status (struct (size 88) (align 8)\n"
      "    (field id (offset 0) (shape u64) (member-size 8))\n"
      "    (field text (offset 8) (shape string) (member-size 16))\n"
      "    (field user (offset 24) (shape tw_user) (member-size 56))\n"
      "    (field retweeted (offset 80) (shape (option nullable status)) (member-size 8) (skip-if is-none))))\n"
      "  (define tw_user (struct (size 56) (align 8)\n"
      "    (field id (offset 0) (shape u64) (member-size 8))\n"
      "    (field screen_name (offset 8) (shape string) (rename \"screenName\") (member-size 16))\n"
      "    (field tags (offset 24) (shape (list u32)) (member-size 16) (skip-if is-empty))\n"
      "    (field followers (offset 40) (shape opt_u32) (member-size 8) (flags default))\n"
      "    (field verified (offset 48) (shape bool) (member-size 1))))\n"
      "  (define opt_u32 (option flag (size 8) (align 4) (flag-offset 0) (payload-offset 4) (shape u32)))\n"
      "  (root status))\n";
  if (!lp64()) return;
  size_t len = 0;
  char *t = vmir_shape_text_print(&status_shape, &len);
  ck_assert_ptr_nonnull(t);
  ck_assert_str_eq(t, expected);
  ck_assert_uint_eq(len, strlen(expected));
  free(t);
  /* Leaves print as their kind name. */
  t = vmir_shape_text_print(&vmir_shape_u32, NULL);
  ck_assert_str_eq(t, "(shapes\n  (root u32))\n");
  free(t);
}
END_TEST

/* expr_ptr_shape is shared by three fields, so it gets a definition. */
START_TEST(print_nested_and_enum_layout) {
  static const char expected[] =
      "(shapes\n"
      "  (define expr (enum (size 24) (align 8) (tag (offset 0) (width 4)) (tagging external)\n"
      "    (variant num (discriminant 0) (style newtype)\n"
      "      (field as.num (offset 8) (shape f64) (member-size 8)))\n"
      "    (variant add (discriminant 1) (style struct)\n"
      "      (field as.add.l (offset 8) (shape pointer_2) (rename \"l\") (member-size 8))\n"
      "      (field as.add.r (offset 16) (shape pointer_2) (rename \"r\") (member-size 8)))\n"
      "    (variant neg (discriminant -1) (style newtype)\n"
      "      (field as.neg (offset 8) (shape pointer_2) (member-size 8)))))\n"
      "  (define pointer_2 (pointer expr))\n"
      "  (root expr))\n";
  if (!lp64()) return;
  char *t = vmir_shape_text_print(&expr_shape, NULL);
  ck_assert_str_eq(t, expected);
  free(t);
  /* An anonymous struct inside a field: its fields two spaces deeper. */
  vmir_shape_set *set = parse_str(
      "(shapes (root (struct (size 8) (align 4) (field p (offset 0) (shape "
      "(struct (size 8) (align 4) (field x (offset 0) (shape i32)) (field y "
      "(offset 4) (shape i32))))))))",
      NULL);
  ck_assert_ptr_nonnull(set);
  t = vmir_shape_text_print(vmir_shape_set_root(set), NULL);
  ck_assert_str_eq(t,
                   "(shapes\n"
                   "  (root (struct (size 8) (align 4)\n"
                   "    (field p (offset 0) (shape (struct (size 8) (align 4)\n"
                   "      (field x (offset 0) (shape i32))\n"
                   "      (field y (offset 4) (shape i32))))))))\n");
  free(t);
  vmir_shape_set_free(set);
}
END_TEST

START_TEST(print_roundtrip_c_descriptors) {
  assert_print_roundtrip(&status_shape);
  assert_print_roundtrip(&everything_shape);
  assert_print_roundtrip(&tagged_shape);
  assert_print_roundtrip(&expr_shape);
  assert_print_roundtrip(&retweeted_shape); /* anonymous root on a cycle */
  assert_print_roundtrip(&points_shape);
  assert_print_roundtrip(&vmir_shape_value);
}
END_TEST

START_TEST(print_roundtrip_text_files) {
  static const char *const files[] = {"twitter.shape", "kinds.shape",
                                      "enums.shape", "expr.shape"};
  for (size_t i = 0; i < VMIR_COUNTOF(files); i++) {
    vmir_shape_set *set = parse_file(files[i]);
    assert_print_roundtrip(vmir_shape_set_root(set));
    vmir_shape_set_free(set);
  }
}
END_TEST

START_TEST(print_names_and_sharing) {
  /* Shared anonymous shapes get a definition; odd or clashing type names
   * become valid, distinct symbols. */
  typedef struct two { VMIR_LIST_OF(uint32_t) a, b; } two;
  static const vmir_shape shared = VMIR_LIST_SHAPE(&vmir_shape_u32);
  static const vmir_field f[] = {VMIR_FIELD(two, a, &shared),
                                 VMIR_FIELD(two, b, &shared)};
  vmir_shape t = VMIR_STRUCT(two, f);
  t.name = "struct two";
  char *text = vmir_shape_text_print(&t, NULL);
  ck_assert_ptr_nonnull(text);
  ck_assert_msg(strstr(text, "(define struct_two (struct") != NULL, "%s", text);
  ck_assert_msg(strstr(text, "(define list_2 (list u32))") != NULL, "%s", text);
  ck_assert_msg(strstr(text, "(shape list_2)") != NULL, "%s", text);
  free(text);
  assert_print_roundtrip(&t);
  t.name = "u32";
  text = vmir_shape_text_print(&t, NULL);
  ck_assert_msg(strstr(text, "(define u32_2 (struct") != NULL, "%s", text);
  free(text);
  assert_print_roundtrip(&t);
  /* Two different types with one name. */
  static const vmir_field g[] = {VMIR_FIELD(pt, x, &vmir_shape_i32)};
  static const vmir_shape pt_x = {.kind = VMIR_KIND_STRUCT, .name = "pt",
                                  .size = 8, .align = 4, .u.fields = {g, 1}};
  typedef struct both { pt a, b; } both;
  static const vmir_field h[] = {VMIR_FIELD(both, a, &pt_shape),
                                 VMIR_FIELD(both, b, &pt_x)};
  vmir_shape bt = VMIR_STRUCT(both, h);
  text = vmir_shape_text_print(&bt, NULL);
  ck_assert_msg(strstr(text, "(define pt (struct") != NULL, "%s", text);
  ck_assert_msg(strstr(text, "(define pt_2 (struct") != NULL, "%s", text);
  free(text);
  assert_print_roundtrip(&bt);
  /* Field names that are not symbols print as strings. */
  vmir_field odd[] = {{.name = "two words", .offset = 0, .shape = &vmir_shape_u8},
                      {.name = "007", .offset = 1, .shape = &vmir_shape_u8},
                      {.name = "\"q\"", .offset = 2, .shape = &vmir_shape_u8}};
  vmir_shape os = {.kind = VMIR_KIND_STRUCT, .name = "odd", .size = 3,
                   .align = 1, .u.fields = {odd, 3}};
  text = vmir_shape_text_print(&os, NULL);
  ck_assert_msg(strstr(text, "(field \"two words\"") != NULL, "%s", text);
  ck_assert_msg(strstr(text, "(field \"007\"") != NULL, "%s", text);
  ck_assert_msg(strstr(text, "(field \"\\\"q\\\"\"") != NULL, "%s", text);
  free(text);
  assert_print_roundtrip(&os);
}
END_TEST

START_TEST(print_deep_anonymous_chain) {
  /* 40 nested anonymous lists: printing defines some of them so the text
   * stays within the parser's nesting bound. */
  enum { N = 40 };
  static vmir_shape lists[N];
  for (int i = 0; i < N; i++)
    lists[i] = (vmir_shape)VMIR_LIST_SHAPE(i + 1 < N ? &lists[i + 1]
                                                     : &vmir_shape_u8);
  assert_valid(&lists[0]);
  assert_print_roundtrip(&lists[0]);
}
END_TEST

START_TEST(print_rejects_invalid) {
  vmir_shape s = pt_shape;
  s.align = 3;
  size_t len = 99;
  ck_assert_ptr_null(vmir_shape_text_print(&s, &len));
  ck_assert_uint_eq(len, 0);
  ck_assert_ptr_null(vmir_shape_text_print(NULL, NULL));
}
END_TEST

START_TEST(set_api_edges) {
  ck_assert_ptr_null(vmir_shape_set_root(NULL));
  ck_assert_ptr_null(vmir_shape_set_find(NULL, "x"));
  vmir_shape_set_free(NULL);
  vmir_error err;
  ck_assert_ptr_null(vmir_shape_text_parse(NULL, 5, NULL, &err));
  ck_assert_int_eq(err.code, VMIR_E_USAGE);
  /* A NULL error pointer is allowed. */
  ck_assert_ptr_null(vmir_shape_text_parse("(", 1, NULL, NULL));
  vmir_shape_set *set = vmir_shape_text_parse("(shapes (root u8))", 18, NULL, NULL);
  ck_assert_ptr_nonnull(set);
  ck_assert_ptr_eq(vmir_shape_set_root(set), &vmir_shape_u8);
  ck_assert_ptr_null(vmir_shape_set_find(set, "u8"));
  vmir_shape_set_free(set);
  /* The default origin names the input. */
  ck_assert_ptr_null(vmir_shape_text_parse("(x)", 3, NULL, &err));
  ck_assert_msg(strncmp(err.message, "<input>:1:1: ", 13) == 0, "%s", err.message);
}
END_TEST

static Suite *shape_suite(void) {
  Suite *s = suite_create("shape");
  TCase *b = tcase_create("builtins");
  tcase_add_test(b, builtin_scalars);
  tcase_add_test(b, kind_names_and_wire_names);
  tcase_add_test(b, c_descriptors_validate);
  tcase_add_test(b, validate_null_and_unknown_kind);
  suite_add_tcase(s, b);

  TCase *v = tcase_create("validate");
  tcase_add_test(v, reject_bad_align);
  tcase_add_test(v, reject_size_not_multiple_of_align);
  tcase_add_test(v, accept_zero_sized_unit_and_empty_struct);
  tcase_add_test(v, reject_field_past_struct_end);
  tcase_add_test(v, reject_misaligned_field);
  tcase_add_test(v, reject_member_size_mismatch);
  tcase_add_test(v, reject_duplicate_wire_names);
  tcase_add_test(v, reject_duplicate_names_through_flatten);
  tcase_add_test(v, reject_flatten_of_non_struct);
  tcase_add_test(v, reject_skip_if_without_predicate);
  tcase_add_test(v, reject_bad_tag_width_and_place);
  tcase_add_test(v, reject_duplicate_discriminants_and_names);
  tcase_add_test(v, reject_variant_fields_outside_enum);
  tcase_add_test(v, reject_variant_style_mismatch);
  tcase_add_test(v, reject_internal_tagging_payloads);
  tcase_add_test(v, reject_missing_tag_keys);
  tcase_add_test(v, reject_bad_flag_option);
  tcase_add_test(v, reject_bad_nullable_and_pointer_size);
  tcase_add_test(v, reject_bad_list_and_map_size);
  tcase_add_test(v, reject_bad_map_entry);
  tcase_add_test(v, reject_bad_array_size);
  tcase_add_test(v, reject_scalar_with_wrong_layout);
  tcase_add_test(v, reject_null_sub_shapes);
  tcase_add_test(v, reject_inline_cycles);
  suite_add_tcase(s, v);

  TCase *id = tcase_create("id");
  tcase_add_test(id, id_is_stable);
  tcase_add_test(id, id_equal_from_c_and_text);
  tcase_add_test(id, id_changes_with_layout_and_policy);
  tcase_add_test(id, id_ignores_names_member_sizes_and_sharing);
  tcase_add_test(id, id_matches_bisimulation);
  tcase_add_test(id, id_is_safe_on_invalid_graphs);
  suite_add_tcase(s, id);

  TCase *t = tcase_create("text");
  tcase_add_test(t, text_files_parse_and_validate);
  tcase_add_test(t, text_each_kind);
  tcase_add_test(t, text_small_forms);
  tcase_add_test(t, text_syntax_errors);
  tcase_add_test(t, text_integer_ranges);
  tcase_add_test(t, text_validation_errors_have_positions);
  tcase_add_test(t, set_api_edges);
  suite_add_tcase(s, t);

  TCase *h = tcase_create("hostile");
  tcase_set_timeout(h, 120);
  tcase_add_test(h, hostile_unbalanced);
  tcase_add_test(h, hostile_deep_nesting);
  tcase_add_test(h, hostile_counts);
  tcase_add_test(h, hostile_flatten_depth);
  tcase_add_test(h, hostile_truncated_prefixes);
  tcase_add_test(h, hostile_mutations);
  suite_add_tcase(s, h);

  TCase *p = tcase_create("print");
  tcase_add_test(p, print_canonical_form);
  tcase_add_test(p, print_nested_and_enum_layout);
  tcase_add_test(p, print_roundtrip_c_descriptors);
  tcase_add_test(p, print_roundtrip_text_files);
  tcase_add_test(p, print_names_and_sharing);
  tcase_add_test(p, print_deep_anonymous_chain);
  tcase_add_test(p, print_rejects_invalid);
  suite_add_tcase(s, p);
  return s;
}

int main(void) { return vmir_test_run(shape_suite(), "shape"); }
