/* Internals of the decode compiler (decode_*.c): the format flavours the
 * one typed lowering is parameterised by, and the lowering entry points the
 * files share. Not installed. docs/decode.md describes the lowering. */
#ifndef VMIR_DECODE_INTERNAL_H
#define VMIR_DECODE_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "compile/compile_internal.h"

/* Token classes, in the case order of the peek-token instructions. */
enum {
  VMIR_TOKEN_NULL = 0,
  VMIR_TOKEN_BOOL,
  VMIR_TOKEN_NUMBER,
  VMIR_TOKEN_STRING,
  VMIR_TOKEN_BYTES,
  VMIR_TOKEN_ARRAY,
  VMIR_TOKEN_OBJECT,
  VMIR_TOKEN_CLASS_COUNT
};
#define VMIR_TOKEN_BIT(c) (1u << (c))
#define VMIR_TOKEN_ALL ((1u << VMIR_TOKEN_CLASS_COUNT) - 1u)

/* "No such instruction in this flavour": emitting it is a compiler bug that
 * the lowering reports instead of writing a wrong opcode. */
#define VMIR_DECODE_NO_OP VMIR_OP_COUNT

/* One source of tokens: JSON bytes, MessagePack bytes, or the event batch a
 * parse program emitted. The typed lowering is written once against this
 * table; everything format-specific it needs is a row here. */
typedef struct vmir_decode_ops {
  const char *name;
  /* Containers carry their length up front (MessagePack): an object or
   * array is a loop over the count register. Otherwise delimiters end
   * them, and the begin/next builtins branch on the separator. */
  bool counted;
  /* MessagePack bytes are bin tokens, read as a scalar; JSON and events
   * read them as a value (an array of numbers, or a bytes scalar). */
  bool bytes_as_bin;
  vmir_opcode begin_object, next_member, begin_array, next_element;
  vmir_opcode map_header, array_header;
  vmir_opcode read_key, read_bool, read_number, read_string, read_null,
      read_bin, read_value, skip_value, peek_null, peek_token, expect_end;
  /* A timestamp's token into the scalar register (build-store converts it):
   * JSON's RFC 3339 string, MessagePack's ext, the event source's scalar.
   * peek_ext (MessagePack only) tells ext from bin in the bytes class. */
  vmir_opcode read_timestamp, peek_ext, read_ext;
  uint32_t timestamp_classes;
  /* Token classes a bytes destination accepts (untagged dispatch). */
  uint32_t bytes_classes;
} vmir_decode_ops;

extern const vmir_decode_ops vmir_decode_ops_json;
extern const vmir_decode_ops vmir_decode_ops_msgpack;
extern const vmir_decode_ops vmir_decode_ops_event;

/* Lowering state: the encode compiler's (builder, proc memo, worklist,
 * first failure) plus the flavour and the decode policies. */
typedef struct vmir_dlower {
  vmir_lower L;
  const vmir_decode_ops *ops;
  vmir_unknown_policy unknown;
  bool last_wins;
  /* Token-class computations left (untagged dispatch): a DAG of untagged
   * enums would otherwise cost exponential time. */
  uint32_t class_budget;
} vmir_dlower;

#define VMIR_DECODE_CLASS_BUDGET (1u << 16)

/* ---- flavour helpers (decode_flavor.c) ------------------------------------- */

/* Emits `op` (a row of the flavour table); VMIR_DECODE_NO_OP fails. */
void vmir_dec_op(vmir_dlower *D, vmir_opcode op, int64_t a0, int64_t a1);
/* Opens an object (or array) and ends the current block: to `first` when
 * it has an item, to `empty` when it has none. */
void vmir_dec_open(vmir_dlower *D, bool object, uint32_t first, uint32_t empty);
/* After an item: to `next` when another follows, to `end` when the object
 * (array) is finished. Ends the current block. */
void vmir_dec_advance(vmir_dlower *D, bool object, uint32_t next, uint32_t end);
/* Ends the current block with `fail msg`. */
void vmir_dec_fail_here(vmir_dlower *D, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* A new block holding only `fail msg`; the current block is unchanged. */
uint32_t vmir_dec_fail_block(vmir_dlower *D, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The message name of a shape: its type name, or its kind. */
const char *vmir_dec_type_name(const vmir_shape *shape);

/* ---- values (decode_value.c) ----------------------------------------------- */

/* Decodes one value of `shape` into the current value: scalars inline,
 * composites as a call of their proc. */
void vmir_dec_value(vmir_dlower *D, const vmir_shape *shape);
/* The body of the proc that decodes composite `shape`. */
void vmir_dec_proc_body(vmir_dlower *D, const vmir_shape *shape);
/* The token classes a value of `shape` can start with. */
uint32_t vmir_dec_classes(vmir_dlower *D, const vmir_shape *shape,
                          uint32_t depth);
/* The token classes the payload of variant `v` can start with when the
 * enum is untagged (unit: null; struct: object; tuple: array; newtype: its
 * field's classes). */
uint32_t vmir_dec_variant_classes(vmir_dlower *D, const vmir_variant *v,
                                  uint32_t depth);

/* ---- objects (decode_struct.c) --------------------------------------------- */

/* The members of one object decoded into a struct, into the fields of the
 * active variant of the current enum (variant >= 0), or, for internal
 * tagging, beside the tag member `tag_key` whose value must be `tag_name`. */
typedef struct vmir_dobj {
  const vmir_field *fields;
  uint32_t count;
  int64_t variant;          /* -1: the current value is the struct */
  bool track;               /* build-begin-struct / build-end-struct */
  const char *tag_key;      /* NULL unless internally tagged */
  uint32_t tag_name;        /* string index of the variant's wire name */
  const char *type_name;    /* for messages */
} vmir_dobj;

/* Lowers the whole object (open, member loop, close). On return the
 * current block is the one after the object. */
void vmir_dec_object(vmir_dlower *D, const vmir_dobj *obj);
/* Positional fields as a sequence of exactly their (unskipped) count. */
void vmir_dec_positional(vmir_dlower *D, const vmir_field *fields,
                         uint32_t count, int64_t variant, const char *type_name);
/* Index of the field that collects unknown members (the first unskipped
 * field that is a `value` or a map of `value`), or -1. */
int64_t vmir_dec_collect_target(const vmir_field *fields, uint32_t count);
/* The unknown-key case of a member switch, ending in `jump next`: skip,
 * collect into field `collect` (when >= 0 and the policy collects), or
 * deny. */
void vmir_dec_unknown_case(vmir_dlower *D, int64_t collect, uint32_t next);
/* A tag member after the lookahead chose the variant: its value must be
 * `tag_name` again, then `jump next`. */
void vmir_dec_tag_check(vmir_dlower *D, const char *tag_key, uint32_t tag_name,
                        const char *type_name, uint32_t next);

/* ---- enums (decode_enum.c) ------------------------------------------------- */

void vmir_dec_enum_body(vmir_dlower *D, const vmir_shape *shape);

/* ---- whole programs -------------------------------------------------------- */

/* The shape-independent parse program (decode_parse.c). */
void vmir_dec_parse_program(vmir_dlower *D);

#endif
