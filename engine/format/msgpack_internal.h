/* MessagePack item decoding shared by the builtins and the value reader.
 * Not part of the builtin API. */
#ifndef VMIR_FORMAT_MSGPACK_INTERNAL_H
#define VMIR_FORMAT_MSGPACK_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/msgpack_lex.h"

/* What a leading byte starts. INT covers the signed formats (int 8..64 and
 * negative fixint) whatever the value's sign. */
typedef enum mp_kind {
  MP_NIL,
  MP_BOOL,
  MP_UINT,
  MP_INT,
  MP_FLOAT,
  MP_STR,
  MP_BIN,
  MP_ARRAY,
  MP_MAP,
  MP_EXT,       /* fixext 1..16, ext 8/16/32 */
  MP_RESERVED   /* 0xc1, rejected */
} mp_kind;

/* Inline: every read checks the kind of its leading byte first. */
static inline mp_kind vmir_mp_kind_of(uint8_t b) {
  if (b <= 0x7f) return MP_UINT;
  if (b <= 0x8f) return MP_MAP;
  if (b <= 0x9f) return MP_ARRAY;
  if (b <= 0xbf) return MP_STR;
  if (b >= 0xe0) return MP_INT;
  switch (b) {
    case 0xc0: return MP_NIL;
    case 0xc1: return MP_RESERVED;
    case 0xc2: case 0xc3: return MP_BOOL;
    case 0xc4: case 0xc5: case 0xc6: return MP_BIN;
    case 0xca: case 0xcb: return MP_FLOAT;
    case 0xcc: case 0xcd: case 0xce: case 0xcf: return MP_UINT;
    case 0xd0: case 0xd1: case 0xd2: case 0xd3: return MP_INT;
    case 0xd9: case 0xda: case 0xdb: return MP_STR;
    case 0xdc: case 0xdd: return MP_ARRAY;
    case 0xde: case 0xdf: return MP_MAP;
    default: return MP_EXT;  /* c7..c9, d4..d8 */
  }
}

/* The format's name in the MessagePack spec: "uint 8", "fixstr", ... */
const char *vmir_mp_format_name(uint8_t b);

/* One decoded item: a whole scalar (str and bin payloads included) or a
 * container header. */
typedef struct mp_item {
  mp_kind kind;          /* never MP_RESERVED */
  bool is_f32;           /* MP_FLOAT came from float 32 */
  union {
    bool b;
    uint64_t u;          /* MP_UINT, and MP_INT formats holding a value >= 0 */
    int64_t i;           /* MP_INT with a negative value */
    double f;
  } v;
  bool negative;         /* MP_INT: the value is < 0 (use v.i), else v.u */
  uint64_t count;        /* str/bin/ext byte length; array/map element count */
  size_t data;           /* str/bin/ext: offset of the payload (ext: after the type) */
  int8_t ext_type;       /* MP_EXT: the application type */
} mp_item;

/* Reads the item at the cursor and moves past it (containers: past the
 * header only). Checks truncation, declared lengths and counts against the
 * remaining input, the string limit (str, bin, ext data) and UTF-8 (str). */
vmir_status vmir_mp_read_item(vmir_source *src, mp_item *it, vmir_error *err);

/* "expected <what>, found <format> (0xNN)" at the cursor, or the
 * end-of-input message when nothing is left. */
vmir_status vmir_mp_expected(const vmir_source *src, vmir_error *err, const char *what);

/* "unexpected end of input: expected N more bytes for <what>". */
vmir_status vmir_mp_truncated(const vmir_source *src, vmir_error *err, size_t missing,
                              const char *what);

#endif
