#include "encode_types.h"

#include <stddef.h>

static const vmir_field user_fields[] = {
    VMIR_FIELD(user, id, &vmir_shape_u64),
    VMIR_FIELD(user, name, &vmir_shape_string),
};
const vmir_shape user_shape = VMIR_STRUCT(user, user_fields);

static const vmir_shape opt_i32_shape = VMIR_OPTION_SHAPE(opt_i32, present, value, &vmir_shape_i32);
static const vmir_shape nullable_i32_shape = VMIR_NULLABLE_SHAPE(&vmir_shape_i32);
static const vmir_shape pointer_u64_shape = VMIR_POINTER_SHAPE(&vmir_shape_u64);
static const vmir_shape u16_list_shape = VMIR_LIST_SHAPE(&vmir_shape_u16);
static const vmir_shape u32_array3_shape = VMIR_ARRAY_SHAPE(all_kinds, array, uint32_t, &vmir_shape_u32);
static const vmir_shape f64_map_shape = VMIR_MAP_SHAPE(f64_entry, value, &vmir_shape_f64);
static const vmir_field pair_fields[] = {
    VMIR_FIELD(pair, a, &vmir_shape_i8),
    VMIR_FIELD(pair, b, &vmir_shape_u8),
};
static const vmir_shape pair_shape = VMIR_TUPLE(pair, pair_fields);

static const vmir_field all_kinds_fields[] = {
    VMIR_FIELD(all_kinds, b, &vmir_shape_bool),
    VMIR_FIELD(all_kinds, u8, &vmir_shape_u8),
    VMIR_FIELD(all_kinds, u16, &vmir_shape_u16),
    VMIR_FIELD(all_kinds, u32, &vmir_shape_u32),
    VMIR_FIELD(all_kinds, u64, &vmir_shape_u64),
    VMIR_FIELD(all_kinds, i8, &vmir_shape_i8),
    VMIR_FIELD(all_kinds, i16, &vmir_shape_i16),
    VMIR_FIELD(all_kinds, i32, &vmir_shape_i32),
    VMIR_FIELD(all_kinds, i64, &vmir_shape_i64),
    VMIR_FIELD(all_kinds, f32, &vmir_shape_f32),
    VMIR_FIELD(all_kinds, f64, &vmir_shape_f64),
    VMIR_FIELD(all_kinds, s, &vmir_shape_string),
    VMIR_FIELD(all_kinds, bytes, &vmir_shape_bytes),
    VMIR_FIELD(all_kinds, opt, &opt_i32_shape),
    VMIR_FIELD(all_kinds, nullable, &nullable_i32_shape),
    VMIR_FIELD(all_kinds, pointer, &pointer_u64_shape),
    VMIR_FIELD(all_kinds, list, &u16_list_shape),
    VMIR_FIELD(all_kinds, array, &u32_array3_shape),
    VMIR_FIELD(all_kinds, map, &f64_map_shape),
    VMIR_FIELD(all_kinds, tuple, &pair_shape),
    VMIR_FIELD(all_kinds, dynamic, &vmir_shape_value),
    /* A unit field has no C member: it takes no space. */
    {.name = "nothing", .offset = 0, .shape = &vmir_shape_unit},
};
const vmir_shape all_kinds_shape = VMIR_STRUCT(all_kinds, all_kinds_fields);

static const vmir_field inner_fields[] = {
    VMIR_FIELD(inner, x, &vmir_shape_i32),
    VMIR_FIELD(inner, y, &vmir_shape_i32),
};
static const vmir_shape inner_shape = VMIR_STRUCT(inner, inner_fields);
static const vmir_shape i32_list_shape = VMIR_LIST_SHAPE(&vmir_shape_i32);

static const vmir_field policies_fields[] = {
    VMIR_FIELD(policies, kept, &vmir_shape_u32),
    VMIR_FIELD(policies, secret, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP),
    VMIR_FIELD(policies, renamed, &vmir_shape_u32, .rename = "newName"),
    VMIR_FIELD(policies, flat, &inner_shape, .flags = VMIR_FIELD_FLATTEN),
    VMIR_FIELD(policies, maybe, &opt_i32_shape, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_NONE),
    VMIR_FIELD(policies, items, &i32_list_shape, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_EMPTY),
    VMIR_FIELD(policies, zero, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_DEFAULT),
    VMIR_FIELD(policies, hosted, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_HOST, .host_predicate = 7),
};
const vmir_shape policies_shape = VMIR_STRUCT(policies, policies_fields);

static const vmir_field circle_fields[] = {
    {.name = "radius", .offset = offsetof(figure, u.radius), .shape = &vmir_shape_f64},
};
static const vmir_field rect_fields[] = {
    {.name = "w", .offset = offsetof(figure, u.rect.w), .shape = &vmir_shape_f64},
    {.name = "h", .offset = offsetof(figure, u.rect.h), .shape = &vmir_shape_f64},
};
static const vmir_field point_fields[] = {
    {.name = "x", .offset = offsetof(figure, u.point.x), .shape = &vmir_shape_i32},
    {.name = "y", .offset = offsetof(figure, u.point.y), .shape = &vmir_shape_i32},
};
static const vmir_variant figure_variants[] = {
    {.name = "circle", .discriminant = FIGURE_CIRCLE, .style = VMIR_VARIANT_NEWTYPE,
     .fields = circle_fields, .field_count = 1},
    {.name = "rect", .discriminant = FIGURE_RECT, .style = VMIR_VARIANT_STRUCT,
     .fields = rect_fields, .field_count = 2},
    {.name = "point", .discriminant = FIGURE_POINT, .style = VMIR_VARIANT_TUPLE,
     .fields = point_fields, .field_count = 2},
    {.name = "empty", .discriminant = FIGURE_EMPTY, .style = VMIR_VARIANT_UNIT},
};
static const vmir_variant figure_internal_variants[] = {
    {.name = "rect", .discriminant = FIGURE_RECT, .style = VMIR_VARIANT_STRUCT,
     .fields = rect_fields, .field_count = 2},
    {.name = "empty", .discriminant = FIGURE_EMPTY, .style = VMIR_VARIANT_UNIT},
};

const vmir_shape figure_external_shape =
    VMIR_ENUM(figure, tag, figure_variants, VMIR_TAG_EXTERNAL, NULL, NULL, true);
const vmir_shape figure_external_unit_shape =
    VMIR_ENUM(figure, tag, figure_variants, VMIR_TAG_EXTERNAL, NULL, NULL, false);
const vmir_shape figure_adjacent_shape =
    VMIR_ENUM(figure, tag, figure_variants, VMIR_TAG_ADJACENT, "t", "c", true);
const vmir_shape figure_untagged_shape =
    VMIR_ENUM(figure, tag, figure_variants, VMIR_TAG_UNTAGGED, NULL, NULL, true);
const vmir_shape figure_internal_shape =
    VMIR_ENUM(figure, tag, figure_internal_variants, VMIR_TAG_INTERNAL, "type", NULL, true);

static const vmir_shape node_ref_shape = VMIR_NULLABLE_SHAPE(&node_shape);
static const vmir_shape node_list_shape = VMIR_LIST_SHAPE(&node_shape);
static const vmir_field node_fields[] = {
    VMIR_FIELD(node, value, &vmir_shape_i32),
    VMIR_FIELD(node, next, &node_ref_shape),
    VMIR_FIELD(node, children, &node_list_shape),
};
const vmir_shape node_shape = VMIR_STRUCT(node, node_fields);
