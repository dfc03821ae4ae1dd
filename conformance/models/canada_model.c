/* Shape descriptors of the canada.json model (see canada_model.h for the
 * typing decisions). */
#include "canada_model.h"

#include <stddef.h>

static const vmir_field position_fields[] = {
    VMIR_FIELD(ca_position, lon, &vmir_shape_f64),
    VMIR_FIELD(ca_position, lat, &vmir_shape_f64),
};
static const vmir_shape position_shape = VMIR_TUPLE(ca_position, position_fields);
static const vmir_shape positions_shape = VMIR_LIST_SHAPE(&position_shape);
static const vmir_shape position_lists_shape = VMIR_LIST_SHAPE(&positions_shape);
static const vmir_shape polygon_list_shape = VMIR_LIST_SHAPE(&position_lists_shape);
static const vmir_shape geometry_list_shape = VMIR_LIST_SHAPE(&ca_geometry_shape);

/* A variant field: named like the GeoJSON member, at its union member. */
#define VARIANT_FIELD(wire, m, shape_ptr)                                     \
  { .name = (wire), .offset = (uint32_t)offsetof(ca_geometry, u.m),           \
    .member_size = VMIR_MEMBER_SIZE(ca_geometry, u.m), .shape = (shape_ptr) }

static const vmir_field point_fields[] = {
    VARIANT_FIELD("coordinates", point, &position_shape)};
static const vmir_field multi_point_fields[] = {
    VARIANT_FIELD("coordinates", multi_point, &positions_shape)};
static const vmir_field line_string_fields[] = {
    VARIANT_FIELD("coordinates", line_string, &positions_shape)};
static const vmir_field multi_line_string_fields[] = {
    VARIANT_FIELD("coordinates", multi_line_string, &position_lists_shape)};
static const vmir_field polygon_fields[] = {
    VARIANT_FIELD("coordinates", polygon, &position_lists_shape)};
static const vmir_field multi_polygon_fields[] = {
    VARIANT_FIELD("coordinates", multi_polygon, &polygon_list_shape)};
static const vmir_field geometry_collection_fields[] = {
    VARIANT_FIELD("geometries", geometry_collection, &geometry_list_shape)};

#define STRUCT_VARIANT(wire, kind, fields_array)                              \
  { .name = (wire), .discriminant = (kind), .style = VMIR_VARIANT_STRUCT,     \
    .fields = (fields_array), .field_count = 1 }

static const vmir_variant geometry_variants[] = {
    STRUCT_VARIANT("Point", CA_POINT, point_fields),
    STRUCT_VARIANT("MultiPoint", CA_MULTI_POINT, multi_point_fields),
    STRUCT_VARIANT("LineString", CA_LINE_STRING, line_string_fields),
    STRUCT_VARIANT("MultiLineString", CA_MULTI_LINE_STRING, multi_line_string_fields),
    STRUCT_VARIANT("Polygon", CA_POLYGON, polygon_fields),
    STRUCT_VARIANT("MultiPolygon", CA_MULTI_POLYGON, multi_polygon_fields),
    STRUCT_VARIANT("GeometryCollection", CA_GEOMETRY_COLLECTION,
                   geometry_collection_fields),
};
const vmir_shape ca_geometry_shape =
    VMIR_ENUM(ca_geometry, tag, geometry_variants, VMIR_TAG_INTERNAL, "type",
              NULL, true);

static const vmir_variant feature_type_variants[] = {
    {.name = "Feature", .discriminant = CA_FEATURE, .style = VMIR_VARIANT_UNIT},
};
static const vmir_shape feature_type_shape =
    VMIR_ENUM(ca_feature_type, tag, feature_type_variants, VMIR_TAG_EXTERNAL,
              NULL, NULL, true);

static const vmir_variant collection_type_variants[] = {
    {.name = "FeatureCollection", .discriminant = CA_FEATURE_COLLECTION,
     .style = VMIR_VARIANT_UNIT},
};
static const vmir_shape collection_type_shape =
    VMIR_ENUM(ca_collection_type, tag, collection_type_variants,
              VMIR_TAG_EXTERNAL, NULL, NULL, true);

static const vmir_field properties_fields[] = {
    VMIR_FIELD(ca_properties, name, &vmir_shape_string),
};
static const vmir_shape properties_shape =
    VMIR_STRUCT(ca_properties, properties_fields);

static const vmir_field feature_fields[] = {
    VMIR_FIELD(ca_feature, type, &feature_type_shape),
    VMIR_FIELD(ca_feature, properties, &properties_shape),
    VMIR_FIELD(ca_feature, geometry, &ca_geometry_shape),
};
static const vmir_shape feature_shape = VMIR_STRUCT(ca_feature, feature_fields);
static const vmir_shape feature_list_shape = VMIR_LIST_SHAPE(&feature_shape);

static const vmir_field canada_fields[] = {
    VMIR_FIELD(canada_doc, type, &collection_type_shape),
    VMIR_FIELD(canada_doc, features, &feature_list_shape),
};
const vmir_shape canada_shape = VMIR_STRUCT(canada_doc, canada_fields);
