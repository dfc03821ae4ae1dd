/* C types and static shape descriptors used by the encode conformance
 * suite: every shape kind, every field policy, every enum tagging style. */
#ifndef VMIR_CONFORMANCE_ENCODE_TYPES_H
#define VMIR_CONFORMANCE_ENCODE_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/vmir.h"

/* The spec's minimal example: {"id":..., "name":...}. */
typedef struct user {
  uint64_t id;
  vmir_str name;
} user;
extern const vmir_shape user_shape;

typedef struct opt_i32 {
  bool present;
  int32_t value;
} opt_i32;

typedef VMIR_LIST_OF(uint16_t) u16_list;

typedef struct f64_entry {
  vmir_str key;
  double value;
} f64_entry;
typedef VMIR_LIST_OF(f64_entry) f64_map;

typedef struct pair {
  int8_t a;
  uint8_t b;
} pair;

/* Every kind in one struct. */
typedef struct all_kinds {
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
  vmir_bytes bytes;
  opt_i32 opt;
  const int32_t *nullable;
  const uint64_t *pointer;
  u16_list list;
  uint32_t array[3];
  f64_map map;
  pair tuple;
  vmir_value dynamic;
} all_kinds;
extern const vmir_shape all_kinds_shape;

/* Field policies: skip, rename, flatten, skip-if (builtin and host). */
typedef struct inner {
  int32_t x;
  int32_t y;
} inner;

typedef VMIR_LIST_OF(int32_t) i32_list;

typedef struct policies {
  uint32_t kept;
  uint32_t secret;      /* skip */
  uint32_t renamed;     /* rename "newName" */
  inner flat;           /* flatten */
  opt_i32 maybe;        /* skip-if is-none */
  i32_list items;       /* skip-if is-empty */
  uint32_t zero;        /* skip-if is-default */
  uint32_t hosted;      /* skip-if host 7 */
} policies;
extern const vmir_shape policies_shape;

/* A sum type for every tagging style. */
typedef struct figure {
  int32_t tag;
  union {
    double radius;                        /* circle: newtype */
    struct { double w, h; } rect;         /* rect: struct */
    struct { int32_t x, y; } point;       /* point: tuple */
  } u;
} figure;
enum { FIGURE_CIRCLE = 10, FIGURE_RECT = 20, FIGURE_POINT = 30, FIGURE_EMPTY = 40 };
extern const vmir_shape figure_external_shape;      /* unit variants as strings */
extern const vmir_shape figure_external_unit_shape; /* unit variants as {"empty":null} */
extern const vmir_shape figure_adjacent_shape;
extern const vmir_shape figure_untagged_shape;
/* Internal tagging takes struct and unit variants only. */
extern const vmir_shape figure_internal_shape;

/* A recursive type through a nullable option and a list. */
typedef struct node node;
typedef VMIR_LIST_OF(node) node_list;
struct node {
  int32_t value;
  const node *next;     /* nullable option of node */
  node_list children;
};
extern const vmir_shape node_shape;

#endif
