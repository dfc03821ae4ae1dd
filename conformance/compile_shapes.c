/* Shapes of the compile suite (see compile_shapes.h). */
#include "compile_shapes.h"

#include <stddef.h>

static const vmir_shape opt_i32_shape =
    VMIR_OPTION_SHAPE(cs_opt_i32, present, value, &vmir_shape_i32);

static const vmir_field inner_fields[] = {
    VMIR_FIELD(cs_inner, x, &vmir_shape_i32),
    VMIR_FIELD(cs_inner, y, &vmir_shape_i32),
};
const vmir_shape cs_inner_shape = VMIR_STRUCT(cs_inner, inner_fields);

/* ---- skip, rename ------------------------------------------------------------- */

static const vmir_field plain_fields[] = {
    VMIR_FIELD(cs_plain, kept, &vmir_shape_u32),
    VMIR_FIELD(cs_plain, secret_member, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP),
    VMIR_FIELD(cs_plain, c_only_name, &vmir_shape_u32, .rename = "wireName"),
    VMIR_FIELD(cs_plain, text, &vmir_shape_string),
};
const vmir_shape cs_plain_shape = VMIR_STRUCT(cs_plain, plain_fields);

/* ---- flatten ------------------------------------------------------------------- */

static const vmir_field mid_fields[] = {
    VMIR_FIELD(cs_mid, m, &vmir_shape_u32),
    VMIR_FIELD(cs_mid, deep, &cs_inner_shape, .flags = VMIR_FIELD_FLATTEN),
};
static const vmir_shape mid_shape = VMIR_STRUCT(cs_mid, mid_fields);

static const vmir_field flat_fields[] = {
    VMIR_FIELD(cs_flat, head, &vmir_shape_u32),
    VMIR_FIELD(cs_flat, flat, &cs_inner_shape, .flags = VMIR_FIELD_FLATTEN),
    VMIR_FIELD(cs_flat, two, &mid_shape, .flags = VMIR_FIELD_FLATTEN),
    VMIR_FIELD(cs_flat, tail, &vmir_shape_u32),
};
/* Flattening cs_inner twice would repeat x and y: so `two` flattens cs_mid,
 * whose own flattened cs_inner is renamed away below. */
static const vmir_field inner_renamed_fields[] = {
    VMIR_FIELD(cs_inner, x, &vmir_shape_i32, .rename = "dx"),
    VMIR_FIELD(cs_inner, y, &vmir_shape_i32, .rename = "dy"),
};
static const vmir_shape inner_renamed_shape = VMIR_STRUCT(cs_inner, inner_renamed_fields);
static const vmir_field mid_renamed_fields[] = {
    VMIR_FIELD(cs_mid, m, &vmir_shape_u32),
    VMIR_FIELD(cs_mid, deep, &inner_renamed_shape, .flags = VMIR_FIELD_FLATTEN),
};
static const vmir_shape mid_renamed_shape = VMIR_STRUCT(cs_mid, mid_renamed_fields);
static const vmir_field flat_fields_ok[] = {
    VMIR_FIELD(cs_flat, head, &vmir_shape_u32),
    VMIR_FIELD(cs_flat, flat, &cs_inner_shape, .flags = VMIR_FIELD_FLATTEN),
    VMIR_FIELD(cs_flat, two, &mid_renamed_shape, .flags = VMIR_FIELD_FLATTEN),
    VMIR_FIELD(cs_flat, tail, &vmir_shape_u32),
};
const vmir_shape cs_flat_shape = VMIR_STRUCT(cs_flat, flat_fields_ok);
/* The colliding variant: x and y reached twice. */
const vmir_shape cs_flatten_clash_shape = VMIR_STRUCT(cs_flat, flat_fields);
static const vmir_field flatten_u32_fields[] = {
    VMIR_FIELD(cs_plain, kept, &vmir_shape_u32, .flags = VMIR_FIELD_FLATTEN),
};
const vmir_shape cs_flatten_u32_shape = VMIR_STRUCT(cs_plain, flatten_u32_fields);

/* ---- skip-if ------------------------------------------------------------------- */

static const vmir_shape i32_list_shape = VMIR_LIST_SHAPE(&vmir_shape_i32);

static const vmir_field cond_fields[] = {
    VMIR_FIELD(cs_cond, always, &vmir_shape_u32),
    VMIR_FIELD(cs_cond, maybe, &opt_i32_shape, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_NONE),
    VMIR_FIELD(cs_cond, items, &i32_list_shape, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_EMPTY),
    VMIR_FIELD(cs_cond, zero, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_DEFAULT),
    VMIR_FIELD(cs_cond, hosted, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_HOST, .host_predicate = 7),
    VMIR_FIELD(cs_cond, flat_if, &inner_renamed_shape,
               .flags = VMIR_FIELD_SKIP_IF | VMIR_FIELD_FLATTEN,
               .skip_if = VMIR_PRED_IS_DEFAULT),
};
const vmir_shape cs_cond_shape = VMIR_STRUCT(cs_cond, cond_fields);

static const vmir_field is_none_on_u32_fields[] = {
    VMIR_FIELD(cs_cond, always, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_NONE),
};
const vmir_shape cs_is_none_on_u32_shape = VMIR_STRUCT(cs_cond, is_none_on_u32_fields);
static const vmir_field is_empty_on_u32_fields[] = {
    VMIR_FIELD(cs_cond, always, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_EMPTY),
};
const vmir_shape cs_is_empty_on_u32_shape = VMIR_STRUCT(cs_cond, is_empty_on_u32_fields);

/* ---- containers ---------------------------------------------------------------- */

static const vmir_shape u16_list_shape = VMIR_LIST_SHAPE(&vmir_shape_u16);
static const vmir_shape u32_array_shape =
    VMIR_ARRAY_SHAPE(cs_containers, array, uint32_t, &vmir_shape_u32);
static const vmir_shape f64_map_shape = VMIR_MAP_SHAPE(cs_f64_entry, value, &vmir_shape_f64);
static const vmir_field pair_fields[] = {
    VMIR_FIELD(cs_pair, a, &vmir_shape_i8),
    VMIR_FIELD(cs_pair, b, &vmir_shape_u8),
};
static const vmir_shape pair_shape = VMIR_TUPLE(cs_pair, pair_fields);
static const vmir_shape u64_pointer_shape = VMIR_POINTER_SHAPE(&vmir_shape_u64);

static const vmir_field containers_fields[] = {
    VMIR_FIELD(cs_containers, list, &u16_list_shape),
    VMIR_FIELD(cs_containers, array, &u32_array_shape),
    VMIR_FIELD(cs_containers, map, &f64_map_shape),
    VMIR_FIELD(cs_containers, tuple, &pair_shape),
    VMIR_FIELD(cs_containers, opt, &opt_i32_shape),
    VMIR_FIELD(cs_containers, pointer, &u64_pointer_shape),
    VMIR_FIELD(cs_containers, dynamic, &vmir_shape_value),
    {.name = "nothing", .offset = 0, .shape = &vmir_shape_unit},
};
const vmir_shape cs_containers_shape = VMIR_STRUCT(cs_containers, containers_fields);

static const vmir_field twice_fields[] = {
    VMIR_FIELD(cs_twice, a, &cs_inner_shape),
    VMIR_FIELD(cs_twice, b, &cs_inner_shape),
};
const vmir_shape cs_twice_shape = VMIR_STRUCT(cs_twice, twice_fields);

/* ---- recursion --------------------------------------------------------------------- */

static const vmir_shape node_ref_shape = VMIR_NULLABLE_SHAPE(&cs_node_shape);
static const vmir_shape node_list_shape = VMIR_LIST_SHAPE(&cs_node_shape);
static const vmir_field node_fields[] = {
    VMIR_FIELD(cs_node, value, &vmir_shape_i32),
    VMIR_FIELD(cs_node, next, &node_ref_shape),
    VMIR_FIELD(cs_node, children, &node_list_shape),
};
const vmir_shape cs_node_shape = VMIR_STRUCT(cs_node, node_fields);

/* ---- enums ----------------------------------------------------------------------- */

#define VF(wire, m, shape_ptr)                                                \
  { .name = (wire), .offset = (uint32_t)offsetof(cs_figure, u.m),             \
    .member_size = VMIR_MEMBER_SIZE(cs_figure, u.m), .shape = (shape_ptr) }

static const vmir_field circle_fields[] = {VF("radius", radius, &vmir_shape_f64)};
static const vmir_field rect_fields[] = {
    VF("w", rect.w, &vmir_shape_f64),
    VF("h", rect.h, &vmir_shape_f64),
};
static const vmir_field point_fields[] = {
    VF("x", point.x, &vmir_shape_i32),
    VF("y", point.y, &vmir_shape_i32),
};
static const vmir_field boxed_fields[] = {VF("boxed", boxed, &cs_inner_shape)};
static const vmir_field clash_fields[] = {
    VF("type", rect.w, &vmir_shape_f64),
};

static const vmir_variant figure_variants[] = {
    {.name = "circle", .discriminant = CS_CIRCLE, .style = VMIR_VARIANT_NEWTYPE,
     .fields = circle_fields, .field_count = 1},
    {.name = "rect", .rename = "Rectangle", .discriminant = CS_RECT,
     .style = VMIR_VARIANT_STRUCT, .fields = rect_fields, .field_count = 2},
    {.name = "point", .discriminant = CS_POINT, .style = VMIR_VARIANT_TUPLE,
     .fields = point_fields, .field_count = 2},
    {.name = "empty", .discriminant = CS_EMPTY, .style = VMIR_VARIANT_UNIT},
};
const vmir_shape cs_external_shape =
    VMIR_ENUM(cs_figure, tag, figure_variants, VMIR_TAG_EXTERNAL, NULL, NULL, true);
const vmir_shape cs_external_null_shape =
    VMIR_ENUM(cs_figure, tag, figure_variants, VMIR_TAG_EXTERNAL, NULL, NULL, false);
const vmir_shape cs_adjacent_shape =
    VMIR_ENUM(cs_figure, tag, figure_variants, VMIR_TAG_ADJACENT, "t", "c", true);
const vmir_shape cs_untagged_shape =
    VMIR_ENUM(cs_figure, tag, figure_variants, VMIR_TAG_UNTAGGED, NULL, NULL, true);

static const vmir_variant internal_variants[] = {
    {.name = "rect", .discriminant = CS_RECT, .style = VMIR_VARIANT_STRUCT,
     .fields = rect_fields, .field_count = 2},
    {.name = "empty", .discriminant = CS_EMPTY, .style = VMIR_VARIANT_UNIT},
    {.name = "boxed", .discriminant = CS_BOXED, .style = VMIR_VARIANT_NEWTYPE,
     .fields = boxed_fields, .field_count = 1},
};
const vmir_shape cs_internal_shape =
    VMIR_ENUM(cs_figure, tag, internal_variants, VMIR_TAG_INTERNAL, "kind", NULL, true);

static const vmir_variant internal_tuple_variants[] = {
    {.name = "point", .discriminant = CS_POINT, .style = VMIR_VARIANT_TUPLE,
     .fields = point_fields, .field_count = 2},
};
const vmir_shape cs_internal_tuple_shape =
    VMIR_ENUM(cs_figure, tag, internal_tuple_variants, VMIR_TAG_INTERNAL, "kind",
              NULL, true);
static const vmir_variant internal_scalar_variants[] = {
    {.name = "circle", .discriminant = CS_CIRCLE, .style = VMIR_VARIANT_NEWTYPE,
     .fields = circle_fields, .field_count = 1},
};
const vmir_shape cs_internal_scalar_shape =
    VMIR_ENUM(cs_figure, tag, internal_scalar_variants, VMIR_TAG_INTERNAL, "kind",
              NULL, true);
static const vmir_variant internal_clash_variants[] = {
    {.name = "rect", .discriminant = CS_RECT, .style = VMIR_VARIANT_STRUCT,
     .fields = clash_fields, .field_count = 1},
};
const vmir_shape cs_internal_clash_shape =
    VMIR_ENUM(cs_figure, tag, internal_clash_variants, VMIR_TAG_INTERNAL, "type",
              NULL, true);

/* ---- layout ---------------------------------------------------------------------- */

static const vmir_field bad_layout_fields[] = {
    {.name = "beyond", .offset = 64, .member_size = 4, .shape = &vmir_shape_u32},
};
const vmir_shape cs_bad_layout_shape = {
    .kind = VMIR_KIND_STRUCT, .name = "bad_layout", .size = 8, .align = 4,
    .u.fields = {bad_layout_fields, 1}};
