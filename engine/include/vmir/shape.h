/* vmir shapes: the reflection model C lacks. A shape describes the memory
 * layout of a C type so that programs can read (encode) and write (decode)
 * values of it. Shapes are immutable graphs; recursive types are cycles
 * through a pointer-to or a nullable option. See docs/shapes.md. */
#ifndef VMIR_SHAPE_H
#define VMIR_SHAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Standard memory layouts the shapes describe ------------------------ */

/* String view: UTF-8 bytes, not NUL-terminated. */
typedef struct vmir_str {
  const char *ptr;
  size_t len;
} vmir_str;

typedef struct vmir_bytes {
  const uint8_t *ptr;
  size_t len;
} vmir_bytes;

/* Lists and maps: contiguous elements (map entries) and their count. */
typedef struct vmir_list {
  void *ptr;
  size_t len;
} vmir_list;

/* Declares a typed list struct with the layout of vmir_list. */
#define VMIR_LIST_OF(T) struct { T *ptr; size_t len; }

/* A point in time as the MessagePack timestamp extension holds it: seconds
 * since 1970-01-01T00:00:00Z (negative before) plus nanoseconds within the
 * second, 0 <= nanoseconds < 1e9 (docs/shapes.md, "timestamp"). */
typedef struct vmir_timestamp {
  int64_t seconds;
  uint32_t nanoseconds;
} vmir_timestamp;

/* The dynamic value kind: any JSON-like tree, plus MessagePack ext items. */
typedef enum vmir_value_type {
  VMIR_VALUE_NULL = 0,
  VMIR_VALUE_BOOL,
  VMIR_VALUE_INT,    /* negative integers (i64) */
  VMIR_VALUE_UINT,   /* non-negative integers (u64) */
  VMIR_VALUE_FLOAT,
  VMIR_VALUE_STRING,
  VMIR_VALUE_BYTES,
  VMIR_VALUE_ARRAY,
  VMIR_VALUE_OBJECT,
  VMIR_VALUE_EXT     /* MessagePack ext: type and raw data (timestamp: -1) */
} vmir_value_type;

/* A MessagePack ext item: its data bytes and application type (-128..127;
 * negative types are reserved by the spec, -1 is the timestamp). The length
 * is 32 bits, as in MessagePack (ext 32), which keeps vmir_value and
 * vmir_scalar at their sizes. */
typedef struct vmir_ext {
  const uint8_t *data;
  uint32_t len;
  int8_t type;
} vmir_ext;

typedef struct vmir_value vmir_value;
typedef struct vmir_member vmir_member;

struct vmir_value {
  vmir_value_type type;
  union {
    bool boolean;
    int64_t i64;
    uint64_t u64;
    double f64;
    vmir_str string;
    vmir_bytes bytes;
    vmir_ext ext;
    struct { vmir_value *items; size_t len; } array;
    struct { vmir_member *members; size_t len; } object;
  } as;
};

struct vmir_member {
  vmir_str key;
  vmir_value value;
};

/* ---- Shape model --------------------------------------------------------- */

typedef enum vmir_kind {
  VMIR_KIND_BOOL = 0,
  VMIR_KIND_U8, VMIR_KIND_U16, VMIR_KIND_U32, VMIR_KIND_U64,
  VMIR_KIND_I8, VMIR_KIND_I16, VMIR_KIND_I32, VMIR_KIND_I64,
  VMIR_KIND_F32, VMIR_KIND_F64,
  VMIR_KIND_UNIT,     /* zero-sized; encodes as null */
  VMIR_KIND_STRING,   /* vmir_str */
  VMIR_KIND_BYTES,    /* vmir_bytes */
  VMIR_KIND_STRUCT,   /* named fields at offsets */
  VMIR_KIND_TUPLE,    /* positional fields at offsets; encodes as a sequence */
  VMIR_KIND_ENUM,     /* tag + variants with payloads */
  VMIR_KIND_OPTION,   /* presence flag + payload, or nullable pointer */
  VMIR_KIND_POINTER,  /* non-null pointer to a value (recursive types) */
  VMIR_KIND_LIST,     /* vmir_list of elements */
  VMIR_KIND_ARRAY,    /* fixed count of inline elements */
  VMIR_KIND_MAP,      /* vmir_list of entries: vmir_str key + value */
  VMIR_KIND_VALUE,    /* vmir_value */
  VMIR_KIND_TIMESTAMP, /* vmir_timestamp: a scalar (MessagePack ext -1, RFC 3339 in JSON) */
  VMIR_KIND_COUNT
} vmir_kind;

/* Builtin predicates for skip-if; HOST predicates are supplied at run time
 * by the embedder and identified by a number. */
typedef enum vmir_predicate_test {
  VMIR_PRED_NONE = 0,
  VMIR_PRED_IS_NONE,     /* option is absent */
  VMIR_PRED_IS_EMPTY,    /* string, bytes, list or map of length 0 */
  VMIR_PRED_IS_DEFAULT,  /* every byte of the value is zero */
  VMIR_PRED_HOST         /* host predicate, by host id */
} vmir_predicate_test;

enum {
  VMIR_FIELD_SKIP = 1u << 0,     /* never encoded; on decode left default */
  VMIR_FIELD_FLATTEN = 1u << 1,  /* struct payload merged into the parent */
  VMIR_FIELD_DEFAULT = 1u << 2,  /* may be missing on decode: zero value */
  VMIR_FIELD_SKIP_IF = 1u << 3   /* encode skipped when the predicate holds */
};

typedef struct vmir_shape vmir_shape;

typedef struct vmir_field {
  const char *name;              /* C member name */
  const char *rename;            /* serialized name, NULL for `name` */
  uint32_t offset;
  uint32_t member_size;          /* sizeof the C member, 0 if unknown */
  const vmir_shape *shape;
  uint32_t flags;
  vmir_predicate_test skip_if;   /* with VMIR_FIELD_SKIP_IF */
  uint32_t host_predicate;       /* with VMIR_PRED_HOST */
} vmir_field;

typedef enum vmir_variant_style {
  VMIR_VARIANT_UNIT = 0,   /* no payload */
  VMIR_VARIANT_NEWTYPE,    /* one field, encoded as the payload itself */
  VMIR_VARIANT_STRUCT,     /* named fields, encoded as an object */
  VMIR_VARIANT_TUPLE       /* positional fields, encoded as a sequence */
} vmir_variant_style;

typedef struct vmir_variant {
  const char *name;
  const char *rename;            /* serialized name, NULL for `name` */
  int64_t discriminant;          /* tag value stored in memory */
  vmir_variant_style style;
  const vmir_field *fields;      /* offsets relative to the enum's base */
  uint32_t field_count;
} vmir_variant;

typedef enum vmir_tagging {
  VMIR_TAG_EXTERNAL = 0,  /* {"Variant": payload} */
  VMIR_TAG_INTERNAL,      /* {"<tag>": "Variant", ...fields} */
  VMIR_TAG_ADJACENT,      /* {"<tag>": "Variant", "<content>": payload} */
  VMIR_TAG_UNTAGGED       /* payload only */
} vmir_tagging;

typedef enum vmir_option_repr {
  VMIR_OPTION_FLAG = 0,     /* bool flag at flag_offset, payload inline */
  VMIR_OPTION_NULLABLE      /* the option is a pointer; NULL is none */
} vmir_option_repr;

struct vmir_shape {
  vmir_kind kind;
  const char *name;    /* type name for messages and shape text; may be NULL */
  uint32_t size;
  uint32_t align;
  union {
    struct {                       /* STRUCT, TUPLE */
      const vmir_field *fields;
      uint32_t count;
    } fields;
    struct {                       /* ENUM */
      uint32_t tag_offset;
      uint32_t tag_width;          /* 1, 2, 4 or 8 bytes, signed */
      const vmir_variant *variants;
      uint32_t count;
      vmir_tagging tagging;
      const char *tag_key;         /* INTERNAL, ADJACENT */
      const char *content_key;     /* ADJACENT */
      bool unit_as_string;         /* unit variants encode as "Variant" */
    } enumeration;
    struct {                       /* OPTION */
      vmir_option_repr repr;
      uint32_t flag_offset;        /* FLAG */
      uint32_t payload_offset;     /* FLAG */
      const vmir_shape *payload;   /* FLAG: inline payload; NULLABLE: pointee */
    } option;
    struct {                       /* POINTER */
      const vmir_shape *target;
    } pointer;
    struct {                       /* LIST, ARRAY */
      const vmir_shape *element;
      uint32_t count;              /* ARRAY only */
    } sequence;
    struct {                       /* MAP */
      const vmir_shape *value;
      uint32_t entry_size;         /* key vmir_str at offset 0 */
      uint32_t value_offset;
    } map;
  } u;
};

/* ---- Scalar and builtin shapes ------------------------------------------ */

extern const vmir_shape vmir_shape_bool, vmir_shape_u8, vmir_shape_u16,
    vmir_shape_u32, vmir_shape_u64, vmir_shape_i8, vmir_shape_i16,
    vmir_shape_i32, vmir_shape_i64, vmir_shape_f32, vmir_shape_f64,
    vmir_shape_unit, vmir_shape_string, vmir_shape_bytes, vmir_shape_value,
    vmir_shape_timestamp;

/* ---- Static descriptor macros -------------------------------------------
 * They take offsetof/sizeof from the C type so layouts cannot drift. */

#define VMIR_COUNTOF(a) (sizeof(a) / sizeof((a)[0]))
#define VMIR_MEMBER_SIZE(T, m) ((uint32_t)sizeof(((T *)0)->m))

/* A field; extra designated initializers (.rename, .flags, .skip_if) may follow. */
#define VMIR_FIELD(T, m, shape_ptr, ...)                                      \
  { .name = #m, .offset = (uint32_t)offsetof(T, m),                           \
    .member_size = VMIR_MEMBER_SIZE(T, m), .shape = (shape_ptr), __VA_ARGS__ }

#define VMIR_STRUCT(T, field_array)                                           \
  { .kind = VMIR_KIND_STRUCT, .name = #T, .size = (uint32_t)sizeof(T),        \
    .align = (uint32_t)_Alignof(T),                                           \
    .u.fields = { (field_array), (uint32_t)VMIR_COUNTOF(field_array) } }

#define VMIR_TUPLE(T, field_array)                                            \
  { .kind = VMIR_KIND_TUPLE, .name = #T, .size = (uint32_t)sizeof(T),         \
    .align = (uint32_t)_Alignof(T),                                           \
    .u.fields = { (field_array), (uint32_t)VMIR_COUNTOF(field_array) } }

/* A list whose C type is VMIR_LIST_OF(element type). */
#define VMIR_LIST_SHAPE(elem_shape_ptr)                                       \
  { .kind = VMIR_KIND_LIST, .size = (uint32_t)sizeof(vmir_list),              \
    .align = (uint32_t)_Alignof(vmir_list),                                   \
    .u.sequence = { (elem_shape_ptr), 0 } }

/* A fixed array `ElemT m[N]` of struct T, described from its member. */
#define VMIR_ARRAY_SHAPE(T, m, ElemT, elem_shape_ptr)                         \
  { .kind = VMIR_KIND_ARRAY, .size = VMIR_MEMBER_SIZE(T, m),                  \
    .align = (uint32_t)_Alignof(ElemT),                                       \
    .u.sequence = { (elem_shape_ptr),                                         \
                    (uint32_t)VMIR_COUNTOF(((T *)0)->m) } }

/* An option with a flag: struct O { bool present; P value; }. */
#define VMIR_OPTION_SHAPE(O, flag_m, payload_m, payload_shape_ptr)            \
  { .kind = VMIR_KIND_OPTION, .name = #O, .size = (uint32_t)sizeof(O),        \
    .align = (uint32_t)_Alignof(O),                                           \
    .u.option = { VMIR_OPTION_FLAG, (uint32_t)offsetof(O, flag_m),            \
                  (uint32_t)offsetof(O, payload_m), (payload_shape_ptr) } }

/* An option that is a pointer: NULL is none. */
#define VMIR_NULLABLE_SHAPE(pointee_shape_ptr)                                \
  { .kind = VMIR_KIND_OPTION, .size = (uint32_t)sizeof(void *),               \
    .align = (uint32_t)_Alignof(void *),                                      \
    .u.option = { VMIR_OPTION_NULLABLE, 0, 0, (pointee_shape_ptr) } }

#define VMIR_POINTER_SHAPE(target_shape_ptr)                                  \
  { .kind = VMIR_KIND_POINTER, .size = (uint32_t)sizeof(void *),              \
    .align = (uint32_t)_Alignof(void *), .u.pointer = { (target_shape_ptr) } }

/* A map whose entries are struct E { vmir_str key; V value; }. */
#define VMIR_MAP_SHAPE(E, value_m, value_shape_ptr)                           \
  { .kind = VMIR_KIND_MAP, .size = (uint32_t)sizeof(vmir_list),               \
    .align = (uint32_t)_Alignof(vmir_list),                                   \
    .u.map = { (value_shape_ptr), (uint32_t)sizeof(E),                        \
               (uint32_t)offsetof(E, value_m) } }

/* An enum: struct E { <int type> tag_m; union { ... } payload; }. */
#define VMIR_ENUM(E, tag_m, variant_array, tagging_v, tag_key_v, content_key_v, \
                  unit_as_string_v)                                            \
  { .kind = VMIR_KIND_ENUM, .name = #E, .size = (uint32_t)sizeof(E),          \
    .align = (uint32_t)_Alignof(E),                                           \
    .u.enumeration = { (uint32_t)offsetof(E, tag_m), VMIR_MEMBER_SIZE(E, tag_m), \
                       (variant_array), (uint32_t)VMIR_COUNTOF(variant_array), \
                       (tagging_v), (tag_key_v), (content_key_v),             \
                       (unit_as_string_v) } }

/* ---- Operations ---------------------------------------------------------- */

/* Checks a shape graph: kinds, references, offsets and sizes against the
 * declared size and alignment, tag widths, distinct names and discriminants.
 * The error names the offending type and field. */
vmir_status vmir_shape_validate(const vmir_shape *shape, vmir_error *err);

/* Stable 64-bit id: FNV-1a over the canonical shape encoding (docs/shapes.md).
 * Identical for the same type whether it came from C or from text. */
uint64_t vmir_shape_id(const vmir_shape *shape);

const char *vmir_kind_name(vmir_kind kind);
bool vmir_kind_is_scalar(vmir_kind kind);
/* Serialized name of a field or variant: rename if set, else name. */
const char *vmir_field_wire_name(const vmir_field *field);
const char *vmir_variant_wire_name(const vmir_variant *variant);

/* ---- Shape text form (S-expression shape files) ------------------------- */

/* A set of shapes loaded from text; owns every shape it holds. */
typedef struct vmir_shape_set vmir_shape_set;

/* Parses shape text (buffer, length); never reads past len; bounded nesting.
 * `origin` names the input in error messages (a file name or "<input>"). */
vmir_shape_set *vmir_shape_text_parse(const char *text, size_t len,
                                      const char *origin, vmir_error *err);
/* The shape named by the file's (root NAME) form. */
const vmir_shape *vmir_shape_set_root(const vmir_shape_set *set);
/* A shape defined in the file, by name; NULL if absent. */
const vmir_shape *vmir_shape_set_find(const vmir_shape_set *set, const char *name);
void vmir_shape_set_free(vmir_shape_set *set);

/* Canonical text of a shape graph rooted at `shape` (every named type defined
 * once, in first-use order). Returns a malloc'd NUL-terminated string and its
 * length, or NULL on allocation failure. */
char *vmir_shape_text_print(const vmir_shape *shape, size_t *len_out);

#ifdef __cplusplus
}
#endif
#endif
