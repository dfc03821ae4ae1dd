/* The token sources the typed decode lowering is written against: JSON,
 * MessagePack, and the event batch of unfused decode. Each is a table of
 * builtins plus two facts (delimited or counted containers, how bytes
 * arrive); the lowering in decode_value.c, decode_struct.c and
 * decode_enum.c never names a format. */
#include <stdarg.h>
#include <stdio.h>

#include "compile/decode_internal.h"

/* t[impl format.vm.builtins-extension-point] */
/* Format-specific behaviour enters a decode program only as one of these
 * builtins (docs/ir.md, "Lexing builtins"); the control flow around them,
 * the navigation and every build action are the shared dialect. */
const vmir_decode_ops vmir_decode_ops_json = {
    .name = "json",
    .counted = false,
    .bytes_as_bin = false,
    .begin_object = VMIR_OP_JSON_BEGIN_OBJECT,
    .next_member = VMIR_OP_JSON_NEXT_MEMBER,
    .begin_array = VMIR_OP_JSON_BEGIN_ARRAY,
    .next_element = VMIR_OP_JSON_NEXT_ELEMENT,
    .map_header = VMIR_DECODE_NO_OP,
    .array_header = VMIR_DECODE_NO_OP,
    .read_key = VMIR_OP_JSON_READ_KEY,
    .read_bool = VMIR_OP_JSON_READ_BOOL,
    .read_number = VMIR_OP_JSON_READ_NUMBER,
    .read_string = VMIR_OP_JSON_READ_STRING,
    .read_null = VMIR_OP_JSON_READ_NULL,
    .read_bin = VMIR_DECODE_NO_OP,
    .read_value = VMIR_OP_JSON_READ_VALUE,
    .skip_value = VMIR_OP_JSON_SKIP_VALUE,
    .peek_null = VMIR_OP_JSON_PEEK_NULL,
    .peek_token = VMIR_OP_JSON_PEEK_TOKEN,
    .expect_end = VMIR_OP_JSON_EXPECT_END,
    /* JSON spells bytes as an array of numbers 0..255. */
    .bytes_classes = VMIR_TOKEN_BIT(VMIR_TOKEN_ARRAY),
    .read_timestamp = VMIR_OP_JSON_READ_STRING,
    .peek_ext = VMIR_DECODE_NO_OP,
    .read_ext = VMIR_DECODE_NO_OP,
    .timestamp_classes = VMIR_TOKEN_BIT(VMIR_TOKEN_STRING),
};

const vmir_decode_ops vmir_decode_ops_msgpack = {
    .name = "msgpack",
    .counted = true,
    .bytes_as_bin = true,
    .begin_object = VMIR_DECODE_NO_OP,
    .next_member = VMIR_DECODE_NO_OP,
    .begin_array = VMIR_DECODE_NO_OP,
    .next_element = VMIR_DECODE_NO_OP,
    .map_header = VMIR_OP_MSGPACK_READ_MAP_HEADER,
    .array_header = VMIR_OP_MSGPACK_READ_ARRAY_HEADER,
    .read_key = VMIR_OP_MSGPACK_READ_KEY,
    .read_bool = VMIR_OP_MSGPACK_READ_BOOL,
    .read_number = VMIR_OP_MSGPACK_READ_NUMBER,
    .read_string = VMIR_OP_MSGPACK_READ_STRING,
    .read_null = VMIR_OP_MSGPACK_READ_NIL,
    .read_bin = VMIR_OP_MSGPACK_READ_BIN,
    .read_value = VMIR_OP_MSGPACK_READ_VALUE,
    .skip_value = VMIR_OP_MSGPACK_SKIP_VALUE,
    .peek_null = VMIR_OP_MSGPACK_PEEK_NIL,
    .peek_token = VMIR_OP_MSGPACK_PEEK_TOKEN,
    .expect_end = VMIR_OP_MSGPACK_EXPECT_END,
    /* A bin, or an array of numbers 0..255 as in JSON: a bytes value is
     * read whole and build-store-value takes either, so untagged dispatch
     * offers both classes too, as the event source does (fuzz:
     * untagged-bytes-array). */
    .bytes_classes = VMIR_TOKEN_BIT(VMIR_TOKEN_ARRAY) | VMIR_TOKEN_BIT(VMIR_TOKEN_BYTES),
    .read_timestamp = VMIR_OP_MSGPACK_READ_EXT,
    .peek_ext = VMIR_OP_MSGPACK_PEEK_EXT,
    .read_ext = VMIR_OP_MSGPACK_READ_EXT,
    /* msgpack-peek-token puts ext in the bytes class */
    .timestamp_classes = VMIR_TOKEN_BIT(VMIR_TOKEN_BYTES),
};

/* The event source mirrors the JSON builtins one for one (docs/ir.md,
 * "Event source"): every scalar read is event-read-scalar, and the build
 * action that follows checks the scalar's type, as in the fused program. */
const vmir_decode_ops vmir_decode_ops_event = {
    .name = "event",
    .counted = false,
    .bytes_as_bin = false,
    .begin_object = VMIR_OP_EVENT_BEGIN_OBJECT,
    .next_member = VMIR_OP_EVENT_NEXT_MEMBER,
    .begin_array = VMIR_OP_EVENT_BEGIN_ARRAY,
    .next_element = VMIR_OP_EVENT_NEXT_ELEMENT,
    .map_header = VMIR_DECODE_NO_OP,
    .array_header = VMIR_DECODE_NO_OP,
    .read_key = VMIR_OP_EVENT_READ_KEY,
    .read_bool = VMIR_OP_EVENT_READ_SCALAR,
    .read_number = VMIR_OP_EVENT_READ_SCALAR,
    .read_string = VMIR_OP_EVENT_READ_SCALAR,
    .read_null = VMIR_OP_EVENT_READ_NULL,
    .read_bin = VMIR_DECODE_NO_OP,
    .read_value = VMIR_OP_EVENT_READ_VALUE,
    .skip_value = VMIR_OP_EVENT_SKIP_VALUE,
    .peek_null = VMIR_OP_EVENT_PEEK_NULL,
    .peek_token = VMIR_OP_EVENT_PEEK_TOKEN,
    .expect_end = VMIR_OP_EVENT_EXPECT_END,
    /* A build program serves both formats' parse programs: JSON's emit
     * bytes as an array, MessagePack's as a bytes scalar. */
    .bytes_classes = VMIR_TOKEN_BIT(VMIR_TOKEN_ARRAY) |
                     VMIR_TOKEN_BIT(VMIR_TOKEN_BYTES),
    /* JSON's parse programs emit a timestamp as a string, MessagePack's as
     * an ext scalar (event class bytes). */
    .read_timestamp = VMIR_OP_EVENT_READ_SCALAR,
    .peek_ext = VMIR_DECODE_NO_OP,
    .read_ext = VMIR_DECODE_NO_OP,
    .timestamp_classes = VMIR_TOKEN_BIT(VMIR_TOKEN_STRING) | VMIR_TOKEN_BIT(VMIR_TOKEN_BYTES),
};

void vmir_dec_op(vmir_dlower *D, vmir_opcode op, int64_t a0, int64_t a1) {
  if (op == VMIR_DECODE_NO_OP) {
    vmir_lower_fail(&D->L, VMIR_E_EXEC,
                    "decode compiler: the %s flavour has no builtin for this "
                    "step (compiler bug)", D->ops->name);
    return;
  }
  vmir_lower_emit(&D->L, op, a0, a1, 0);
}

/* t[impl format.vm.delimiters-are-ir] */
/* Object and array boundaries and separators are instructions with branch
 * targets, so the loop over members is a CFG back-edge in the program:
 *   delimited: begin (then first) (empty end) ... next (then first) (end end)
 *   counted:   header; loop-begin-count; loop-next (body first) (exit end)
 *              ... loop-step; loop-next (body first) (exit end)
 * The counted form tests the count at the top of each item exactly where
 * the delimited form reads the separator, so both flavours share the
 * lowering's block structure. */
void vmir_dec_open(vmir_dlower *D, bool object, uint32_t first, uint32_t empty) {
  const vmir_decode_ops *o = D->ops;
  if (!o->counted) {
    vmir_dec_op(D, object ? o->begin_object : o->begin_array, first, empty);
    return;
  }
  vmir_dec_op(D, object ? o->map_header : o->array_header, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_LOOP_BEGIN_COUNT, 0, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_LOOP_NEXT, first, empty, 0);
}

void vmir_dec_advance(vmir_dlower *D, bool object, uint32_t next, uint32_t end) {
  const vmir_decode_ops *o = D->ops;
  if (!o->counted) {
    vmir_dec_op(D, object ? o->next_member : o->next_element, next, end);
    return;
  }
  vmir_lower_emit(&D->L, VMIR_OP_LOOP_STEP, 0, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_LOOP_NEXT, next, end, 0);
}

static void fail_here_v(vmir_dlower *D, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void fail_here_v(vmir_dlower *D, const char *fmt, va_list ap) {
  char msg[256];
  vsnprintf(msg, sizeof msg, fmt, ap);
  vmir_lower_emit(&D->L, VMIR_OP_FAIL, vmir_lower_string(&D->L, msg), 0, 0);
}

void vmir_dec_fail_here(vmir_dlower *D, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fail_here_v(D, fmt, ap);
  va_end(ap);
}

uint32_t vmir_dec_fail_block(vmir_dlower *D, const char *fmt, ...) {
  uint32_t saved = D->L.block;
  uint32_t block = vmir_lower_block(&D->L);
  D->L.block = block;
  va_list ap;
  va_start(ap, fmt);
  fail_here_v(D, fmt, ap);
  va_end(ap);
  D->L.block = saved;
  return block;
}

const char *vmir_dec_type_name(const vmir_shape *shape) {
  if (shape->name && shape->name[0]) return shape->name;
  return vmir_kind_name(shape->kind);
}
