/* The byte source that decode builtins read: the input, a cursor, and the
 * limits every builtin honours; plus the one helper that turns a lexing
 * failure into a vmir_error with token context (offset, and for text line
 * and column, an excerpt, what was expected and what was found).
 *
 * Nothing here tracks lines while lexing: line and column are computed from
 * data[0..offset) only when an error is reported. See docs/decode-formats.md. */
#ifndef VMIR_FORMAT_SOURCE_H
#define VMIR_FORMAT_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "vmir/error.h"

/* The class of the next token, in the case order of json-peek-token and
 * msgpack-peek-token (docs/ir.md). */
typedef enum vmir_token_class {
  VMIR_TOKEN_NULL = 0,
  VMIR_TOKEN_BOOL,
  VMIR_TOKEN_NUMBER,
  VMIR_TOKEN_STRING,
  VMIR_TOKEN_BYTES,    /* MessagePack bin; never for JSON */
  VMIR_TOKEN_ARRAY,
  VMIR_TOKEN_OBJECT
} vmir_token_class;

#define VMIR_TOKEN_CLASS_COUNT 7

/* Text sources (JSON) report line and column and show excerpts as text;
 * binary sources (MessagePack) report the offset and show bytes in hex. */
typedef enum vmir_source_format {
  VMIR_SOURCE_TEXT = 0,
  VMIR_SOURCE_BINARY
} vmir_source_format;

/* Default nesting limit for json/msgpack read-value and skip-value. */
#define VMIR_DEFAULT_DEPTH_LIMIT 512u

typedef struct vmir_source {
  const uint8_t *data;
  size_t len;
  size_t pos;             /* cursor: next byte to read, 0 <= pos <= len */
  size_t depth_limit;     /* most nested containers in one read/skip-value */
  size_t string_limit;    /* most bytes in one (unescaped) string, key or bin */
  vmir_source_format format;
  /* Value readers: when set, objects keep one member per key and the
   * notes say where a key repeated or a read failed (value_notes.h). */
  struct vmir_value_notes *notes;
} vmir_source;

/* Cursor at 0, depth limit VMIR_DEFAULT_DEPTH_LIMIT, no string limit. */
void vmir_source_init(vmir_source *src, const void *data, size_t len,
                      vmir_source_format format);

const char *vmir_token_class_name(vmir_token_class cls);

/* 1-based line and column of `offset` (text sources): lines end at '\n';
 * the column counts characters (UTF-8 lead bytes), not bytes. */
void vmir_source_line_column(const vmir_source *src, size_t offset,
                             uint32_t *line, uint32_t *column);

/* Writes a printable excerpt of the input around `offset` into buf (always
 * NUL-terminated): up to 16 bytes before and 8 from the offset, '‸' marking
 * the offset, '…' where the input was cut. Text: printable ASCII and valid
 * UTF-8 as is, other bytes as escapes (\n, \t, \xNN). Binary: hex bytes.
 * Returns the length written. */
size_t vmir_source_excerpt(const vmir_source *src, size_t offset, char *buf,
                           size_t cap);

/* Describes the bytes at `offset` for "found ..." text: "end of input", a
 * quoted word or character ('x', 'tru'), or "byte 0xNN". */
size_t vmir_source_describe(const vmir_source *src, size_t offset, char *buf,
                            size_t cap);

/* Fails with `code`: fills err (when not NULL) with the offset, line and
 * column (text), and the message
 *   line L, column C (offset O): <formatted text> near «excerpt»
 * (binary sources: "offset O: ..."). Returns `code`. The value path and the
 * pc are added by the executor. */
vmir_status vmir_source_fail(const vmir_source *src, vmir_error *err,
                             vmir_status code, size_t offset, const char *fmt,
                             ...) __attribute__((format(printf, 5, 6)));

/* VMIR_E_DECODE "expected <what>, found <description of the bytes at
 * offset>". */
vmir_status vmir_source_expected(const vmir_source *src, vmir_error *err,
                                 size_t offset, const char *what);

/* The arena could not allocate (limit or memory): the arena's status with
 * the source position. */
vmir_status vmir_source_arena_failed(const vmir_source *src, vmir_error *err,
                                     const vmir_arena *arena, size_t offset);

#endif
