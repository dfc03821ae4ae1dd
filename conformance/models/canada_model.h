/* Typed C model of canada.json (a GeoJSON FeatureCollection holding the
 * outline of Canada), as a careful user would write it:
 *
 * - a geometry is GeoJSON's closed set of seven types, an internally tagged
 *   enum: {"type": "Polygon", "coordinates": ...} is the tag key "type"
 *   beside the variant's fields. The corpus holds one Polygon; the other
 *   six are modelled too because they are what a geometry may be, and
 *   GeometryCollection makes the type recursive;
 * - a position is [longitude, latitude]: a tuple of two f64 (C struct with
 *   named members, JSON array of two numbers); a ring or line is a list of
 *   positions; a polygon a list of rings;
 * - the `type` members of the feature and of the collection are fixed
 *   strings: single-variant unit enums encoded as strings, so a decoder
 *   rejects anything else;
 * - properties holds exactly one key in the corpus, name: a struct.
 * Every key is a valid C identifier: no renames. */
#ifndef VMIR_MODELS_CANADA_MODEL_H
#define VMIR_MODELS_CANADA_MODEL_H

#include <stdint.h>

#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct ca_position { double lon, lat; } ca_position;
typedef VMIR_LIST_OF(ca_position) ca_positions;          /* line, ring, multi-point */
typedef VMIR_LIST_OF(ca_positions) ca_position_lists;    /* polygon, multi-line */
typedef VMIR_LIST_OF(ca_position_lists) ca_polygon_list; /* multi-polygon */

typedef enum ca_geometry_kind {
  CA_POINT = 0,
  CA_MULTI_POINT,
  CA_LINE_STRING,
  CA_MULTI_LINE_STRING,
  CA_POLYGON,
  CA_MULTI_POLYGON,
  CA_GEOMETRY_COLLECTION
} ca_geometry_kind;

typedef struct ca_geometry ca_geometry;
typedef VMIR_LIST_OF(ca_geometry) ca_geometry_list;

struct ca_geometry {
  int8_t tag;                      /* ca_geometry_kind */
  union {
    ca_position point;
    ca_positions multi_point;
    ca_positions line_string;
    ca_position_lists multi_line_string;
    ca_position_lists polygon;
    ca_polygon_list multi_polygon;
    ca_geometry_list geometry_collection;
  } u;
};

typedef enum ca_feature_kind { CA_FEATURE = 0 } ca_feature_kind;
typedef struct ca_feature_type { int8_t tag; } ca_feature_type;
typedef enum ca_collection_kind { CA_FEATURE_COLLECTION = 0 } ca_collection_kind;
typedef struct ca_collection_type { int8_t tag; } ca_collection_type;

typedef struct ca_properties {
  vmir_str name;
} ca_properties;

typedef struct ca_feature {
  ca_feature_type type;
  ca_properties properties;
  ca_geometry geometry;
} ca_feature;

typedef struct canada_doc {
  ca_collection_type type;
  VMIR_LIST_OF(ca_feature) features;
} canada_doc;

extern const vmir_shape canada_shape;
extern const vmir_shape ca_geometry_shape;

#ifdef __cplusplus
}
#endif
#endif
