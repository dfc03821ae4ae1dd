/* Test types and shapes of the compile suite: one per lowering rule. Member
 * names are distinctive so that a test can say "this string is absent". */
#ifndef VMIR_CONFORMANCE_COMPILE_SHAPES_H
#define VMIR_CONFORMANCE_COMPILE_SHAPES_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/vmir.h"

typedef struct cs_inner { int32_t x, y; } cs_inner;
typedef struct cs_opt_i32 { bool present; int32_t value; } cs_opt_i32;

/* skip + rename */
typedef struct cs_plain {
  uint32_t kept;
  uint32_t secret_member;     /* VMIR_FIELD_SKIP */
  uint32_t c_only_name;       /* renamed "wireName" */
  vmir_str text;
} cs_plain;

/* flatten, one and two levels deep */
typedef struct cs_mid { uint32_t m; cs_inner deep; } cs_mid;   /* deep: flatten */
typedef struct cs_flat {
  uint32_t head;
  cs_inner flat;              /* flatten */
  cs_mid two;                 /* flatten; its `deep` flattens again */
  uint32_t tail;
} cs_flat;

/* skip-if with every test, and skip-if on a flattened field */
typedef struct cs_cond {
  uint32_t always;
  cs_opt_i32 maybe;                   /* is-none */
  VMIR_LIST_OF(int32_t) items;        /* is-empty */
  uint32_t zero;                      /* is-default */
  uint32_t hosted;                    /* host 7 */
  cs_inner flat_if;                   /* flatten + is-default */
} cs_cond;

/* containers and small composites */
typedef struct cs_f64_entry { vmir_str key; double value; } cs_f64_entry;
typedef struct cs_pair { int8_t a; uint8_t b; } cs_pair;
typedef struct cs_containers {
  VMIR_LIST_OF(uint16_t) list;
  uint32_t array[3];
  VMIR_LIST_OF(cs_f64_entry) map;
  cs_pair tuple;
  cs_opt_i32 opt;
  uint64_t *pointer;
  vmir_value dynamic;
} cs_containers;

/* two fields of one struct shape: one proc, called twice */
typedef struct cs_twice { cs_inner a; cs_inner b; } cs_twice;

/* recursion through a nullable option and a list */
typedef struct cs_node cs_node;
struct cs_node {
  int32_t value;
  cs_node *next;
  VMIR_LIST_OF(cs_node) children;
};

/* enums: every variant style */
enum { CS_CIRCLE = 1, CS_RECT = 2, CS_POINT = 3, CS_EMPTY = 4, CS_BOXED = 5 };
typedef struct cs_figure {
  int32_t tag;
  union {
    double radius;
    struct { double w, h; } rect;
    struct { int32_t x, y; } point;
    cs_inner boxed;
  } u;
} cs_figure;

extern const vmir_shape cs_plain_shape, cs_flat_shape, cs_cond_shape,
    cs_containers_shape, cs_twice_shape, cs_node_shape, cs_inner_shape;
/* circle (newtype f64), rect (struct, renamed "Rectangle"), point (tuple),
 * empty (unit) */
extern const vmir_shape cs_external_shape, cs_external_null_shape,
    cs_adjacent_shape, cs_untagged_shape;
/* rect (struct), empty (unit), boxed (newtype holding cs_inner) */
extern const vmir_shape cs_internal_shape;
/* internal tagging that cannot work: a tuple variant; a newtype of f64; a
 * struct variant with a member named like the tag key */
extern const vmir_shape cs_internal_tuple_shape, cs_internal_scalar_shape,
    cs_internal_clash_shape;
/* skip-if tests that do not fit the field's kind */
extern const vmir_shape cs_is_none_on_u32_shape, cs_is_empty_on_u32_shape;
/* flatten of a non-struct; flattened names that collide */
extern const vmir_shape cs_flatten_u32_shape, cs_flatten_clash_shape;
/* a field whose offset lies past the struct's size */
extern const vmir_shape cs_bad_layout_shape;

#endif
