/* Test shapes for the verifier suite (conformance/verify.c): one C type per
 * shape kind, described with the static descriptor macros, so that every
 * typing rule of the verifier has a field to pass and a field to fail on.
 * Included by verify.c only; the definitions are static. */
#ifndef VMIR_CONFORMANCE_VERIFY_SHAPES_H
#define VMIR_CONFORMANCE_VERIFY_SHAPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/vmir.h"

/* tw_user: four fields, as in the verifier's documented message example. */
typedef struct tw_user {
  uint64_t id;
  vmir_str name;
  bool verified;
  uint32_t followers;
} tw_user;

static const vmir_field tw_user_fields[] = {
  VMIR_FIELD(tw_user, id, &vmir_shape_u64),
  VMIR_FIELD(tw_user, name, &vmir_shape_string),
  VMIR_FIELD(tw_user, verified, &vmir_shape_bool),
  VMIR_FIELD(tw_user, followers, &vmir_shape_u32),
};
static const vmir_shape tw_user_shape = VMIR_STRUCT(tw_user, tw_user_fields);

typedef struct opt_u32 {
  bool present;
  uint32_t value;
} opt_u32;
static const vmir_shape opt_u32_shape =
    VMIR_OPTION_SHAPE(opt_u32, present, value, &vmir_shape_u32);

typedef VMIR_LIST_OF(uint32_t) list_u32;
static const vmir_shape list_u32_shape = VMIR_LIST_SHAPE(&vmir_shape_u32);

typedef struct entry_u32 {
  vmir_str key;
  uint32_t value;
} entry_u32;
static const vmir_shape map_u32_shape = VMIR_MAP_SHAPE(entry_u32, value, &vmir_shape_u32);

typedef struct entry_value {
  vmir_str key;
  vmir_value value;
} entry_value;
static const vmir_shape map_value_shape =
    VMIR_MAP_SHAPE(entry_value, value, &vmir_shape_value);

typedef struct pair {
  uint32_t a;
  vmir_str b;
} pair;
static const vmir_field pair_fields[] = {
  VMIR_FIELD(pair, a, &vmir_shape_u32),
  VMIR_FIELD(pair, b, &vmir_shape_string),
};
static const vmir_shape pair_shape = VMIR_TUPLE(pair, pair_fields);

/* event: A (unit), B (newtype u32), C (struct { s: string, n: u8 }). */
typedef struct event {
  int32_t tag;
  union {
    uint32_t b;
    struct {
      vmir_str s;
      uint8_t n;
    } c;
  } payload;
} event;

static const vmir_field event_b_fields[] = {
  {.name = "0", .offset = (uint32_t)offsetof(event, payload.b),
   .member_size = (uint32_t)sizeof(uint32_t), .shape = &vmir_shape_u32},
};
static const vmir_field event_c_fields[] = {
  {.name = "s", .offset = (uint32_t)offsetof(event, payload.c.s),
   .member_size = (uint32_t)sizeof(vmir_str), .shape = &vmir_shape_string},
  {.name = "n", .offset = (uint32_t)offsetof(event, payload.c.n),
   .member_size = (uint32_t)sizeof(uint8_t), .shape = &vmir_shape_u8},
};
static const vmir_variant event_variants[] = {
  {.name = "A", .discriminant = 0, .style = VMIR_VARIANT_UNIT},
  {.name = "B", .discriminant = 1, .style = VMIR_VARIANT_NEWTYPE,
   .fields = event_b_fields, .field_count = 1},
  {.name = "C", .discriminant = 2, .style = VMIR_VARIANT_STRUCT,
   .fields = event_c_fields, .field_count = 2},
};
static const vmir_shape event_shape =
    VMIR_ENUM(event, tag, event_variants, VMIR_TAG_EXTERNAL, NULL, NULL, true);

/* rec: one field of every kind; `next` makes the type recursive. */
typedef struct rec rec;
struct rec {
  uint64_t id;         /* 0 u64 */
  vmir_str name;       /* 1 string */
  opt_u32 maybe;       /* 2 option (flag) */
  list_u32 tags;       /* 3 list of u32 */
  vmir_list attrs;     /* 4 map of u32 */
  vmir_list extra;     /* 5 map of value */
  vmir_value any;      /* 6 value */
  pair pair;           /* 7 tuple (u32, string) */
  uint16_t trio[3];    /* 8 array of 3 u16 */
  event ev;            /* 9 enum */
  rec *next;           /* 10 nullable option of rec */
  tw_user *user;       /* 11 pointer to tw_user */
  bool flag;           /* 12 bool */
  vmir_bytes blob;     /* 13 bytes */
};

static const vmir_shape rec_shape;
static const vmir_shape trio_shape = VMIR_ARRAY_SHAPE(rec, trio, uint16_t, &vmir_shape_u16);
static const vmir_shape next_shape = VMIR_NULLABLE_SHAPE(&rec_shape);
static const vmir_shape user_ptr_shape = VMIR_POINTER_SHAPE(&tw_user_shape);

static const vmir_field rec_fields[] = {
  VMIR_FIELD(rec, id, &vmir_shape_u64),
  VMIR_FIELD(rec, name, &vmir_shape_string),
  VMIR_FIELD(rec, maybe, &opt_u32_shape),
  VMIR_FIELD(rec, tags, &list_u32_shape),
  VMIR_FIELD(rec, attrs, &map_u32_shape),
  VMIR_FIELD(rec, extra, &map_value_shape),
  VMIR_FIELD(rec, any, &vmir_shape_value),
  VMIR_FIELD(rec, pair, &pair_shape),
  VMIR_FIELD(rec, trio, &trio_shape),
  VMIR_FIELD(rec, ev, &event_shape),
  VMIR_FIELD(rec, next, &next_shape),
  VMIR_FIELD(rec, user, &user_ptr_shape),
  VMIR_FIELD(rec, flag, &vmir_shape_bool),
  VMIR_FIELD(rec, blob, &vmir_shape_bytes),
};
static const vmir_shape rec_shape = VMIR_STRUCT(rec, rec_fields);

/* Field indexes of rec, named for readable tests. */
enum {
  REC_ID = 0, REC_NAME, REC_MAYBE, REC_TAGS, REC_ATTRS, REC_EXTRA, REC_ANY,
  REC_PAIR, REC_TRIO, REC_EV, REC_NEXT, REC_USER, REC_FLAG, REC_BLOB,
  REC_FIELD_COUNT
};

/* A struct whose declared size is too small for its fields: invalid. */
typedef struct broken {
  uint64_t a;
  uint64_t b;
} broken;
static const vmir_field broken_fields[] = {
  VMIR_FIELD(broken, a, &vmir_shape_u64),
  VMIR_FIELD(broken, b, &vmir_shape_u64),
};
static const vmir_shape broken_shape = {
  .kind = VMIR_KIND_STRUCT, .name = "broken", .size = 8, .align = 8,
  .u.fields = {broken_fields, 2},
};

#endif
