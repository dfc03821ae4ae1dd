/* Lexing kernels (part of exec/ops.h): each lexing opcode calls its format
 * builtin (format/json_lex.h, format/msgpack_lex.h) which fills a decode
 * register or reports a branch; the loops over members and elements stay
 * in the IR. A builtin's error arrives with the input position; the op's
 * failure path (vmir_lex_failed, lex_ops.c) adds the pc and path and, for
 * a typed read that met another token class, reports what unfused decode
 * reports.
 *
 * VMIR_LEX_OPS lists every lexing opcode with its kernel once, by branch
 * structure, so the interpreter's dispatch, the stencils and the stencil
 * selection are all generated from it:
 *   P(OP, name)  vmir_status vmir_op_NAME(k): falls through;
 *   B(OP, name)  vmir_status vmir_op_NAME(k, bool *first): continues at
 *                the first block operand when *first, else the second;
 *   D(OP, name)  vmir_status vmir_op_NAME(k, in, uint32_t *next): any of
 *                its targets (a block list, or a computed one). */
#ifndef VMIR_EXEC_OPS_LEX_H
#define VMIR_EXEC_OPS_LEX_H

#include "exec/lex_ops.h"
#include "format/key_match.h"
#include "format/json_lex.h"
#include "format/msgpack_lex.h"

#define VMIR_LEX_OPS(P, B, D)                                                  \
  B(JSON_BEGIN_OBJECT, json_begin_object)                                      \
  P(JSON_READ_KEY, json_read_key)                                              \
  B(JSON_NEXT_MEMBER, json_next_member)                                        \
  B(JSON_BEGIN_ARRAY, json_begin_array)                                        \
  B(JSON_NEXT_ELEMENT, json_next_element)                                      \
  B(JSON_PEEK_NULL, json_peek_null)                                            \
  D(JSON_PEEK_TOKEN, json_peek_token)                                          \
  P(JSON_READ_BOOL, json_read_bool)                                            \
  P(JSON_READ_NUMBER, json_read_number)                                        \
  P(JSON_READ_STRING, json_read_string)                                        \
  P(JSON_READ_NULL, json_read_null)                                            \
  P(JSON_READ_VALUE, json_read_value)                                          \
  P(JSON_SKIP_VALUE, json_skip_value)                                          \
  P(JSON_EXPECT_END, json_expect_end)                                          \
  P(MSGPACK_READ_MAP_HEADER, msgpack_read_map_header)                          \
  P(MSGPACK_READ_ARRAY_HEADER, msgpack_read_array_header)                      \
  B(MSGPACK_PEEK_NIL, msgpack_peek_nil)                                        \
  D(MSGPACK_PEEK_TOKEN, msgpack_peek_token)                                    \
  P(MSGPACK_READ_KEY, msgpack_read_key)                                        \
  P(MSGPACK_READ_BOOL, msgpack_read_bool)                                      \
  P(MSGPACK_READ_NUMBER, msgpack_read_number)                                  \
  P(MSGPACK_READ_STRING, msgpack_read_string)                                  \
  P(MSGPACK_READ_BIN, msgpack_read_bin)                                        \
  P(MSGPACK_READ_NIL, msgpack_read_nil)                                        \
  P(MSGPACK_READ_VALUE, msgpack_read_value)                                    \
  P(MSGPACK_SKIP_VALUE, msgpack_skip_value)                                    \
  P(MSGPACK_EXPECT_END, msgpack_expect_end)                                    \
  B(MSGPACK_PEEK_EXT, msgpack_peek_ext)                                        \
  P(MSGPACK_READ_EXT, msgpack_read_ext)                                        \
  D(SWITCH_KEY, switch_key)                                                    \
  D(SWITCH_STRING, switch_string)                                              \
  D(CURSOR_SAVE, cursor_save)                                                  \
  D(CURSOR_RESTORE, cursor_restore)                                            \
  D(CURSOR_DROP, cursor_drop)                                                  \
  D(EXPECT_BYTES, expect_bytes)                                                \
  D(EVENT_BEGIN_OBJECT, event_begin_object)                                                 \
  D(EVENT_READ_KEY, event_read_key)                                                     \
  D(EVENT_NEXT_MEMBER, event_next_member)                                                  \
  D(EVENT_BEGIN_ARRAY, event_begin_array)                                                  \
  D(EVENT_NEXT_ELEMENT, event_next_element)                                                 \
  D(EVENT_PEEK_NULL, event_peek_null)                                                    \
  D(EVENT_PEEK_TOKEN, event_peek_token)                                                   \
  D(EVENT_READ_SCALAR, event_read_scalar)                                                  \
  D(EVENT_READ_VALUE, event_read_value)                                                   \
  D(EVENT_SKIP_VALUE, event_skip_value)                                                   \
  D(EVENT_EXPECT_END, event_expect_end)                                                   \
  D(EVENT_READ_NULL, event_read_null)

/* The failure of lexing op `op` whose builtin left its error in err;
 * entry_pos: the input position before the op. */
VMIR_OP_INLINE vmir_status vmir_op_lex_fail(vmir_op_ctx *k, uint32_t op, size_t entry_pos) {
  k->vm->pc = k->pc;
  return vmir_lex_failed(k->exe, k->vm, op, entry_pos, k->err);
}

#define VMIR_LEX_TRY(k, OP, entry, call)                                      \
  do {                                                                         \
    if (VMIR_OP_UNLIKELY((call) != VMIR_OK)) return vmir_op_lex_fail(k, VMIR_OP_##OP, entry); \
  } while (0)

/* Where the next JSON token starts (the offset a register records). Most
 * tokens follow no whitespace or a single space; longer runs
 * (indentation) go out of line, sixteen bytes at a time
 * (vmir_json_skip_ws_run, the same loop the JSON builtins use). */
VMIR_OP_INLINE size_t vmir_json_token_offset(const vmir_source *src) {
  size_t p = src->pos;
  if (p < src->len && vmir_json_is_ws(src->data[p])) {
    p++;
    if (p < src->len && vmir_json_is_ws(src->data[p])) p = vmir_json_skip_ws_run(src->data, p + 1, src->len);
  }
  return p;
}

#define VMIR_LEX_LOCALS(k)                                                     \
  vmir_decode_state *d = (k)->vm->dec;                                         \
  vmir_source *src = &d->src;                                                  \
  size_t entry = src->pos;                                                     \
  (void)entry

/* json/msgpack-read-value: the tree keeps one member per key and notes the
 * first repeat for build-store-value; a failure names its place inside the
 * value after the value's own path. */
typedef vmir_status (*vmir_value_reader)(vmir_source *, vmir_arena *, vmir_value *, vmir_error *);
VMIR_OP_INLINE vmir_status vmir_op_read_value_noted(vmir_op_ctx *k, uint32_t op, size_t entry,
                                                    vmir_value_reader reader) {
  vmir_decode_state *d = k->vm->dec;
  d->notes.dup_found = false;
  d->notes.fail_path[0] = 0;
  d->src.notes = &d->notes;
  vmir_status st = reader(&d->src, &d->dec->arena, &d->value, k->err);
  d->src.notes = NULL;
  if (!VMIR_OP_UNLIKELY(st != VMIR_OK)) return VMIR_OK;
  st = vmir_op_lex_fail(k, op, entry);
  vmir_exec_append_path(k->err, d->notes.fail_path);
  return st;
}

/* ---- JSON ------------------------------------------------------------------- */

/* A two-way JSON structure op: *first = not empty / not at the end. */
#define VMIR_JSON_TWO_WAY(name, OP, builtin)                                   \
  VMIR_OP_INLINE vmir_status vmir_op_##name(vmir_op_ctx *k, bool *first) {     \
    VMIR_LEX_LOCALS(k);                                                        \
    bool flag = false;                                                         \
    VMIR_LEX_TRY(k, OP, entry, builtin(src, &flag, k->err));                   \
    *first = !flag;                                                            \
    return VMIR_OK;                                                            \
  }
VMIR_JSON_TWO_WAY(json_begin_object, JSON_BEGIN_OBJECT, vmir_json_begin_object_fast)
VMIR_JSON_TWO_WAY(json_next_member, JSON_NEXT_MEMBER, vmir_json_next_member_fast)
VMIR_JSON_TWO_WAY(json_begin_array, JSON_BEGIN_ARRAY, vmir_json_begin_array_fast)
VMIR_JSON_TWO_WAY(json_next_element, JSON_NEXT_ELEMENT, vmir_json_next_element_fast)

VMIR_OP_INLINE vmir_status vmir_op_json_peek_null(vmir_op_ctx *k, bool *first) {
  *first = vmir_json_peek_null(&k->vm->dec->src);
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_json_peek_token(vmir_op_ctx *k, const vmir_xinsn *in,
                                                   uint32_t *next) {
  VMIR_LEX_LOCALS(k);
  vmir_token_class cls;
  VMIR_LEX_TRY(k, JSON_PEEK_TOKEN, entry, vmir_json_peek_token(src, &cls, k->err));
  *next = in->targets[cls];
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_json_read_key(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  /* The builtin would skip the same whitespace: skip it once. */
  src->pos = d->key_offset = vmir_json_token_offset(src);
  VMIR_LEX_TRY(k, JSON_READ_KEY, entry, vmir_json_read_key(src, &d->dec->arena, &d->key, k->err));
  return VMIR_OK;
}

/* A JSON scalar read into the scalar register; the builtin would skip the
 * same whitespace the offset needs: skip it once. */
#define VMIR_JSON_SCALAR(name, OP, ...)                                        \
  VMIR_OP_INLINE vmir_status vmir_op_##name(vmir_op_ctx *k) {                  \
    VMIR_LEX_LOCALS(k);                                                        \
    src->pos = d->scalar_offset = vmir_json_token_offset(src);                 \
    VMIR_LEX_TRY(k, OP, entry, __VA_ARGS__);                                   \
    return VMIR_OK;                                                            \
  }
VMIR_JSON_SCALAR(json_read_bool, JSON_READ_BOOL, vmir_json_read_bool(src, &d->scalar, k->err))
VMIR_JSON_SCALAR(json_read_number, JSON_READ_NUMBER,
                 vmir_json_lex_number(src, &d->dec->arena, &d->scalar, k->err))
VMIR_JSON_SCALAR(json_read_string, JSON_READ_STRING,
                 vmir_json_read_string(src, &d->dec->arena, &d->scalar, k->err))
VMIR_JSON_SCALAR(json_read_null, JSON_READ_NULL, vmir_json_read_null(src, &d->scalar, k->err))

VMIR_OP_INLINE vmir_status vmir_op_json_read_value(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  /* The builtin would skip the same whitespace: skip it once. */
  src->pos = d->value_offset = vmir_json_token_offset(src);
  return vmir_op_read_value_noted(k, VMIR_OP_JSON_READ_VALUE, entry, vmir_json_read_value);
}

VMIR_OP_INLINE vmir_status vmir_op_json_skip_value(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  VMIR_LEX_TRY(k, JSON_SKIP_VALUE, entry, vmir_json_skip_value(src, &d->dec->arena, k->err));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_json_expect_end(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  VMIR_LEX_TRY(k, JSON_EXPECT_END, entry, vmir_json_expect_end(src, k->err));
  return VMIR_OK;
}

/* ---- MessagePack --------------------------------------------------------------- */

VMIR_OP_INLINE vmir_status vmir_op_msgpack_read_map_header(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  d->header_offset = src->pos;
  VMIR_LEX_TRY(k, MSGPACK_READ_MAP_HEADER, entry, vmir_msgpack_read_map_header(src, &d->count, k->err));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_read_array_header(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  d->header_offset = src->pos;
  VMIR_LEX_TRY(k, MSGPACK_READ_ARRAY_HEADER, entry,
               vmir_msgpack_read_array_header(src, &d->count, k->err));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_peek_nil(vmir_op_ctx *k, bool *first) {
  VMIR_LEX_LOCALS(k);
  VMIR_LEX_TRY(k, MSGPACK_PEEK_NIL, entry, vmir_msgpack_peek_nil(src, first, k->err));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_peek_token(vmir_op_ctx *k, const vmir_xinsn *in,
                                                      uint32_t *next) {
  VMIR_LEX_LOCALS(k);
  vmir_token_class cls;
  VMIR_LEX_TRY(k, MSGPACK_PEEK_TOKEN, entry, vmir_msgpack_peek_token(src, &cls, k->err));
  *next = in->targets[cls];
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_read_key(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  d->key_offset = src->pos;
  VMIR_LEX_TRY(k, MSGPACK_READ_KEY, entry, vmir_msgpack_read_key(src, &d->key, k->err));
  return VMIR_OK;
}

/* A MessagePack scalar read into the scalar register. */
#define VMIR_MSGPACK_SCALAR(name, OP, builtin)                                 \
  VMIR_OP_INLINE vmir_status vmir_op_##name(vmir_op_ctx *k) {                  \
    VMIR_LEX_LOCALS(k);                                                        \
    d->scalar_offset = src->pos;                                               \
    VMIR_LEX_TRY(k, OP, entry, builtin(src, &d->scalar, k->err));              \
    return VMIR_OK;                                                            \
  }
VMIR_MSGPACK_SCALAR(msgpack_read_bool, MSGPACK_READ_BOOL, vmir_msgpack_read_bool)
VMIR_MSGPACK_SCALAR(msgpack_read_number, MSGPACK_READ_NUMBER, vmir_msgpack_read_number)
VMIR_MSGPACK_SCALAR(msgpack_read_string, MSGPACK_READ_STRING, vmir_msgpack_read_string)
VMIR_MSGPACK_SCALAR(msgpack_read_bin, MSGPACK_READ_BIN, vmir_msgpack_read_bin)
VMIR_MSGPACK_SCALAR(msgpack_read_nil, MSGPACK_READ_NIL, vmir_msgpack_read_nil)
VMIR_MSGPACK_SCALAR(msgpack_read_ext, MSGPACK_READ_EXT, vmir_msgpack_read_ext)

/* *first: the bytes token ahead is an ext (else a bin). */
VMIR_OP_INLINE vmir_status vmir_op_msgpack_peek_ext(vmir_op_ctx *k, bool *first) {
  VMIR_LEX_LOCALS(k);
  VMIR_LEX_TRY(k, MSGPACK_PEEK_EXT, entry, vmir_msgpack_peek_ext(src, first, k->err));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_read_value(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  d->value_offset = src->pos;
  return vmir_op_read_value_noted(k, VMIR_OP_MSGPACK_READ_VALUE, entry, vmir_msgpack_read_value);
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_skip_value(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  VMIR_LEX_TRY(k, MSGPACK_SKIP_VALUE, entry, vmir_msgpack_skip_value(src, &d->dec->arena, k->err));
  return VMIR_OK;
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_expect_end(vmir_op_ctx *k) {
  VMIR_LEX_LOCALS(k);
  VMIR_LEX_TRY(k, MSGPACK_EXPECT_END, entry, vmir_msgpack_expect_end(src, k->err));
  return VMIR_OK;
}

/* ---- format-neutral -------------------------------------------------------------- */

/* Table string i of the instruction equals s. */
VMIR_OP_INLINE bool vmir_op_key_is(const vmir_executable *exe, const vmir_xinsn *in, uint32_t i,
                                   vmir_str s) {
  const vmir_str *key = &exe->strings[in->keys[i]];
  /* The length tells most keys apart; short ones compare as words. */
  return key->len == s.len && vmir_key_equal(key->ptr, s.ptr, s.len);
}

/* Linear match of a register against the instruction's table strings;
 * list_len when none matches. */
VMIR_OP_INLINE uint32_t vmir_op_match(const vmir_executable *exe, const vmir_xinsn *in, vmir_str s) {
  for (uint32_t i = 0; i < in->list_len; i++)
    if (vmir_op_key_is(exe, in, i, s)) return i;
  return in->list_len;
}

/* vmir_op_match, trying a guess first: generated code gives a switch-key
 * a slot holding the case after the one matched last (an object's members
 * mostly come in one order), so most keys cost one comparison instead of a
 * scan. The guess only decides what is compared first: with distinct keys
 * (which the JIT checks before it gives a slot) the first match is the
 * only one, so the result is the scan's. The slot is shared by every run
 * of the code: relaxed atomics, any value is a valid guess. After the
 * last case the guess wraps to the first, where the next object of the
 * same kind starts. */
VMIR_OP_INLINE uint32_t vmir_op_next_guess(const vmir_xinsn *in, uint32_t i) {
  return i + 1 < in->list_len ? i + 1 : 0;
}

VMIR_OP_INLINE uint32_t vmir_op_match_hinted(vmir_op_ctx *k, const vmir_xinsn *in, vmir_str s) {
  if (!k->key_hint) return vmir_op_match(k->exe, in, s);
  uint32_t i = __atomic_load_n(k->key_hint, __ATOMIC_RELAXED);
  if (i >= in->list_len || !vmir_op_key_is(k->exe, in, i, s)) i = vmir_op_match(k->exe, in, s);
  __atomic_store_n(k->key_hint, vmir_op_next_guess(in, i), __ATOMIC_RELAXED);
  return i;
}

VMIR_OP_INLINE vmir_status vmir_op_switch_key(vmir_op_ctx *k, const vmir_xinsn *in, uint32_t *next) {
  uint32_t i = vmir_op_match_hinted(k, in, k->vm->dec->key);
  *next = i < in->list_len ? in->targets[i] : in->c;
  return VMIR_OK;
}

/* The guessed case i matched in place: the slot moves on, *next is its
 * target. */
VMIR_OP_INLINE vmir_status vmir_op_key_guess_hit(vmir_op_ctx *k, const vmir_xinsn *in, uint32_t i,
                                                 uint32_t *next) {
  __atomic_store_n(k->key_hint, vmir_op_next_guess(in, i), __ATOMIC_RELAXED);
  *next = in->targets[i];
  return VMIR_OK;
}

/* The guessed name `key` (distinct, plain keys: vmir_sink_name_is_plain)
 * compared in place in the input (vmir_json_read_key_if): true with the
 * key read as json-read-key reads it (d->key, d->key_offset, the cursor
 * past the ':'); false with the cursor where it was. */
VMIR_OP_INLINE bool vmir_op_json_read_key_guess(vmir_decode_state *d, vmir_str key) {
  vmir_source *src = &d->src;
  size_t entry = src->pos;
  src->pos = d->key_offset = vmir_json_token_offset(src);
  if (vmir_json_read_key_if(src, key, &d->key)) return true;
  src->pos = entry;
  return false;
}

/* The same in MessagePack (vmir_msgpack_read_key_if). */
VMIR_OP_INLINE bool vmir_op_msgpack_read_key_guess(vmir_decode_state *d, vmir_str key) {
  d->key_offset = d->src.pos;
  return vmir_msgpack_read_key_if(&d->src, key, &d->key);
}

/* json-read-key at k->pc, then switch-key `sw`: the two kernels as they
 * are, for a key that is not the guessed one. */
VMIR_OP_INLINE vmir_status vmir_op_json_read_key_then_switch(vmir_op_ctx *k, const vmir_xinsn *sw,
                                                             uint32_t *next) {
  vmir_status st = vmir_op_json_read_key(k);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  return vmir_op_switch_key(k, sw, next);
}

VMIR_OP_INLINE vmir_status vmir_op_msgpack_read_key_then_switch(vmir_op_ctx *k,
                                                                const vmir_xinsn *sw,
                                                                uint32_t *next) {
  vmir_status st = vmir_op_msgpack_read_key(k);
  if (VMIR_OP_UNLIKELY(st != VMIR_OK)) return st;
  return vmir_op_switch_key(k, sw, next);
}

/* json-read-key at k->pc followed by switch-key `sw` as one step, for
 * generated code that gives the pair a guess slot (k->key_hint; distinct,
 * plain keys: vmir_sink_name_is_plain). The guessed name is compared in
 * place in the input and, when it is there, the key needs no lexing and
 * no second comparison. Otherwise the two kernels run as they are. Either
 * way the registers, the cursor, the guess slot and any error are the two
 * ops'. */
VMIR_OP_INLINE vmir_status vmir_op_json_read_key_switch(vmir_op_ctx *k, const vmir_xinsn *sw,
                                                        uint32_t *next) {
  uint32_t i = __atomic_load_n(k->key_hint, __ATOMIC_RELAXED);
  if (i < sw->list_len && vmir_op_json_read_key_guess(k->vm->dec, k->exe->strings[sw->keys[i]]))
    return vmir_op_key_guess_hit(k, sw, i, next);
  return vmir_op_json_read_key_then_switch(k, sw, next);
}

/* The same pair in MessagePack. */
VMIR_OP_INLINE vmir_status vmir_op_msgpack_read_key_switch(vmir_op_ctx *k, const vmir_xinsn *sw,
                                                           uint32_t *next) {
  uint32_t i = __atomic_load_n(k->key_hint, __ATOMIC_RELAXED);
  if (i < sw->list_len &&
      vmir_op_msgpack_read_key_guess(k->vm->dec, k->exe->strings[sw->keys[i]]))
    return vmir_op_key_guess_hit(k, sw, i, next);
  return vmir_op_msgpack_read_key_then_switch(k, sw, next);
}

VMIR_OP_INLINE vmir_status vmir_op_switch_string(vmir_op_ctx *k, const vmir_xinsn *in,
                                                 uint32_t *next) {
  vmir_decode_state *d = k->vm->dec;
  if (VMIR_OP_UNLIKELY(d->scalar.type != VMIR_SCALAR_STRING)) {
    k->vm->pc = k->pc;
    return vmir_lex_not_string(k->exe, k->vm, k->err);
  }
  uint32_t i = vmir_op_match(k->exe, in, d->scalar.as.string);
  *next = i < in->list_len ? in->targets[i] : in->c;
  return VMIR_OK;
}

/* The cursor ops, expect-bytes and the event source of unfused decode:
 * rare or off the fused path, so out of line (lex_ops.c, events.c). */
#define VMIR_LEX_OUT_OF_LINE(name, fn)                                         \
  VMIR_OP_INLINE vmir_status vmir_op_##name(vmir_op_ctx *k, const vmir_xinsn *in, uint32_t *next) { \
    k->vm->pc = k->pc;                                                         \
    return fn(k->exe, k->vm, in, next, k->err);                                \
  }
VMIR_LEX_OUT_OF_LINE(cursor_save, vmir_lex_cursor)
VMIR_LEX_OUT_OF_LINE(cursor_restore, vmir_lex_cursor)
VMIR_LEX_OUT_OF_LINE(cursor_drop, vmir_lex_cursor)
VMIR_LEX_OUT_OF_LINE(expect_bytes, vmir_lex_expect_bytes)
VMIR_LEX_OUT_OF_LINE(event_begin_object, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_read_key, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_next_member, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_begin_array, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_next_element, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_peek_null, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_peek_token, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_read_scalar, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_read_value, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_skip_value, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_expect_end, vmir_lex_event)
VMIR_LEX_OUT_OF_LINE(event_read_null, vmir_lex_event)

#endif
