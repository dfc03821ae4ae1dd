/* The MessagePack lexing builtins of docs/ir.md, one function per
 * msgpack-* opcode. Each reads one token at the cursor and fails with a
 * vmir_error carrying the offset, a hex excerpt and expected/found text
 * (format/source.h); truncated input reads
 *   "unexpected end of input: expected N more bytes for <what>".
 *
 * Declared lengths and counts are checked against the remaining input
 * before anything is allocated: a str32/bin32 longer than what remains, an
 * array header claiming more elements than remaining bytes, or a map header
 * claiming more than half of them, are rejected outright (every element
 * takes at least one byte), so no header can make the decoder allocate
 * more than a small multiple of the input size.
 *
 * Strings are strict UTF-8. Ext items (fixext 1..16, ext 8/16/32) are
 * read with their type and data (the timestamp, type -1, is interpreted by
 * build-store, not here); 0xc1 (never used) is rejected. Strings, bins and
 * ext data come back as views into the input; read-value copies them into
 * the arena.
 * Rules: docs/decode-formats.md. */
#ifndef VMIR_FORMAT_MSGPACK_LEX_H
#define VMIR_FORMAT_MSGPACK_LEX_H

#include <stdbool.h>
#include <stdint.h>

#include "format/key_match.h"
#include "format/source.h"
#include "util/arena.h"
#include "vmir/shape.h"
#include "vmir/sink.h"

/* msgpack-read-map-header: fixmap/map16/map32 entry count. */
vmir_status vmir_msgpack_read_map_header(vmir_source *src, uint64_t *count,
                                         vmir_error *err);
/* msgpack-read-array-header: fixarray/array16/array32 element count. */
vmir_status vmir_msgpack_read_array_header(vmir_source *src, uint64_t *count,
                                           vmir_error *err);
/* msgpack-peek-nil: *is_nil (and consumed) when the next byte is nil. Fails
 * only at end of input. */
vmir_status vmir_msgpack_peek_nil(vmir_source *src, bool *is_nil, vmir_error *err);
/* msgpack-peek-token: class of the next value, not consumed: bin and ext
 * are BYTES; 0xc1 is an error. */
vmir_status vmir_msgpack_peek_token(vmir_source *src, vmir_token_class *cls,
                                    vmir_error *err);
/* msgpack-read-key: a str (only) into *key, as a view into the input. */
vmir_status vmir_msgpack_read_key(vmir_source *src, vmir_str *key, vmir_error *err);
/* msgpack-read-key when the name ahead is `expected`, a plain name of at
 * most 31 bytes (printable ASCII: sink/sink_internal.h,
 * vmir_sink_name_is_plain) in the fixstr form the writers give such a
 * name: compared in place in the input. True with *key pointing into the
 * input and the name consumed; false with nothing consumed, and
 * vmir_msgpack_read_key then reads whatever is there (another form of the
 * same name included) and reports any error: so the result is always
 * vmir_msgpack_read_key's. */
static inline bool vmir_msgpack_read_key_if(vmir_source *src, vmir_str expected, vmir_str *key) {
  size_t p = src->pos, n = expected.len;
  if (n > 31 || src->len - p < n + 1 || n > src->string_limit) return false;
  const uint8_t *d = src->data + p;
  if (d[0] != (0xa0 | n) || !vmir_key_equal((const char *)d + 1, expected.ptr, n)) return false;
  key->ptr = (const char *)d + 1;
  key->len = n;
  src->pos = p + 1 + n;
  return true;
}
/* msgpack-read-bool. */
vmir_status vmir_msgpack_read_bool(vmir_source *src, vmir_scalar *out, vmir_error *err);
/* msgpack-read-number: every int format -> UINT when the value is
 * non-negative (whatever the format), INT when negative; float 32 -> FLOAT
 * with is_f32 (widened exactly); float 64 -> FLOAT. */
vmir_status vmir_msgpack_read_number(vmir_source *src, vmir_scalar *out,
                                     vmir_error *err);
/* msgpack-read-string: fixstr/str8/16/32 -> STRING view. */
vmir_status vmir_msgpack_read_string(vmir_source *src, vmir_scalar *out,
                                     vmir_error *err);
/* msgpack-read-bin: bin8/16/32 -> BYTES view. */
vmir_status vmir_msgpack_read_bin(vmir_source *src, vmir_scalar *out, vmir_error *err);
/* msgpack-peek-ext: *is_ext when the next item is an ext (not consumed).
 * Fails only at end of input. */
vmir_status vmir_msgpack_peek_ext(vmir_source *src, bool *is_ext, vmir_error *err);
/* msgpack-read-ext: fixext 1..16 / ext 8/16/32 -> EXT (type and data view). */
vmir_status vmir_msgpack_read_ext(vmir_source *src, vmir_scalar *out, vmir_error *err);
/* msgpack-read-nil: NULL scalar. */
vmir_status vmir_msgpack_read_nil(vmir_source *src, vmir_scalar *out, vmir_error *err);
/* msgpack-read-value: any value into a tree in the arena (strings and bins
 * copied); map keys must be strings; iterative, at most src->depth_limit
 * nested containers. On failure the arena is reset to where it was. */
vmir_status vmir_msgpack_read_value(vmir_source *src, vmir_arena *arena,
                                    vmir_value *out, vmir_error *err);
/* msgpack-skip-value: the same validation without building; the nesting
 * stack lives in the arena's scratch buffer. */
vmir_status vmir_msgpack_skip_value(vmir_source *src, vmir_arena *arena,
                                    vmir_error *err);
/* msgpack-expect-end: the input is fully consumed. */
vmir_status vmir_msgpack_expect_end(vmir_source *src, vmir_error *err);

#endif
