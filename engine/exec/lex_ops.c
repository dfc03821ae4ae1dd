/* Lexing builtins as the interpreter runs them: each op calls one format
 * builtin (format/json_lex.h, format/msgpack_lex.h) that fills a register
 * or reports a branch; the loops over members and elements stay in the IR.
 * Builtin errors arrive with the input position; the pc and path are added
 * here. */
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "exec/lex_ops.h"
#include "format/json_lex.h"
#include "format/msgpack_lex.h"

static size_t json_token_offset(const vmir_source *src) {
  size_t p = src->pos;
  while (p < src->len && (src->data[p] == ' ' || src->data[p] == '\n' || src->data[p] == '\r' ||
                          src->data[p] == '\t'))
    p++;
  return p;
}

/* Linear match of a register against a list of table strings. */
static uint32_t match(const vmir_executable *exe, const vmir_xinsn *in, vmir_str s) {
  for (uint32_t i = 0; i < in->list_len; i++) {
    const vmir_str *k = &exe->strings[in->keys[i]];
    if (k->len == s.len && memcmp(k->ptr, s.ptr, s.len) == 0) return i;
  }
  return in->list_len;
}

static vmir_status save_cursor(const vmir_executable *exe, vmir_vm_state *vm, size_t pos,
                               vmir_error *err) {
  vmir_decoder *dec = vm->dec->dec;
  size_t cap = dec->save_cap;
  if (dec->save_len >= 256)
    return vmir_exec_fail(exe, vm, err, VMIR_E_LIMIT, "more than 256 saved cursors");
  size_t *saves = vmir_decoder_grow(dec->saves, sizeof *saves, dec->save_len, &cap);
  if (!saves) return vmir_exec_fail(exe, vm, err, VMIR_E_NOMEM, "out of memory for saved cursors");
  dec->saves = saves;
  dec->save_cap = (uint32_t)cap;
  saves[dec->save_len++] = pos;
  return VMIR_OK;
}

/* Fused decode must fail where unfused decode fails. The unfused parse
 * program reads every token generically, so a malformed token reports its
 * syntax error even where the build side would reject its type; only a
 * well-formed token of the wrong type is a type error (at its start). So a
 * typed read that meets another token class first validates that token,
 * as the parse program would, then reports the mismatch. */
static vmir_status wrong_token(const vmir_executable *exe, vmir_vm_state *vm, vmir_token_class found,
                               size_t start, const char *expected, vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_source probe = d->src;
  vmir_scalar sc;
  vmir_status st = VMIR_OK;
  bool json = probe.format == VMIR_SOURCE_TEXT;
  switch (found) {
    case VMIR_TOKEN_NULL:
      st = json ? vmir_json_read_null(&probe, &sc, err) : vmir_msgpack_read_nil(&probe, &sc, err);
      break;
    case VMIR_TOKEN_BOOL:
      st = json ? vmir_json_read_bool(&probe, &sc, err) : vmir_msgpack_read_bool(&probe, &sc, err);
      break;
    case VMIR_TOKEN_NUMBER:
      st = json ? vmir_json_read_number(&probe, &d->dec->arena, &sc, err)
                : vmir_msgpack_read_number(&probe, &sc, err);
      break;
    case VMIR_TOKEN_STRING:
      st = json ? vmir_json_read_string(&probe, &d->dec->arena, &sc, err)
                : vmir_msgpack_read_string(&probe, &sc, err);
      break;
    case VMIR_TOKEN_BYTES: {
      /* the parse program tells ext from bin the same way (peek-ext) */
      bool is_ext = false;
      if (!json && (st = vmir_msgpack_peek_ext(&probe, &is_ext, err)) == VMIR_OK)
        st = is_ext ? vmir_msgpack_read_ext(&probe, &sc, err) : vmir_msgpack_read_bin(&probe, &sc, err);
      break;
    }
    case VMIR_TOKEN_ARRAY:
    case VMIR_TOKEN_OBJECT: {
      /* A JSON bracket is one byte; a MessagePack header may be cut short,
       * which the parse program's header read reports. */
      uint64_t count;
      if (!json)
        st = found == VMIR_TOKEN_ARRAY ? vmir_msgpack_read_array_header(&probe, &count, err)
                                       : vmir_msgpack_read_map_header(&probe, &count, err);
      break;
    }
  }
  if (st == VMIR_OK) vmir_source_expected(&d->src, err, start, expected);
  return vmir_exec_annotate(exe, vm, err);
}

/* Peeks the class of the next token; *ok false (and err set) when there is
 * no valid token start. */
static bool peek_class(vmir_source *src, vmir_token_class *cls, vmir_error *err) {
  if (src->format == VMIR_SOURCE_TEXT) return vmir_json_peek_token(src, cls, err) == VMIR_OK;
  return vmir_msgpack_peek_token(src, cls, err) == VMIR_OK;
}

/* The class a typed read wants, and its name for messages; -1 for ops that
 * take any token. */
static int wanted_class(uint32_t op, const char **what) {
  switch (op) {
    case VMIR_OP_JSON_BEGIN_OBJECT: case VMIR_OP_MSGPACK_READ_MAP_HEADER:
      *what = "an object"; return VMIR_TOKEN_OBJECT;
    case VMIR_OP_JSON_BEGIN_ARRAY: case VMIR_OP_MSGPACK_READ_ARRAY_HEADER:
      *what = "an array"; return VMIR_TOKEN_ARRAY;
    case VMIR_OP_JSON_READ_BOOL: case VMIR_OP_MSGPACK_READ_BOOL:
      *what = "a boolean"; return VMIR_TOKEN_BOOL;
    case VMIR_OP_JSON_READ_NUMBER: case VMIR_OP_MSGPACK_READ_NUMBER:
      *what = "a number"; return VMIR_TOKEN_NUMBER;
    case VMIR_OP_JSON_READ_STRING: case VMIR_OP_MSGPACK_READ_STRING:
      *what = "a string"; return VMIR_TOKEN_STRING;
    case VMIR_OP_MSGPACK_READ_BIN:
      *what = "bytes"; return VMIR_TOKEN_BYTES;
    case VMIR_OP_MSGPACK_READ_EXT:
      *what = "an ext"; return VMIR_TOKEN_BYTES;
    case VMIR_OP_JSON_READ_NULL: case VMIR_OP_MSGPACK_READ_NIL:
      *what = "null"; return VMIR_TOKEN_NULL;
    default:
      return -1;
  }
}

#define CHECK(call)                                        \
  do {                                                     \
    if ((call) != VMIR_OK) return vmir_exec_annotate(exe, vm, err); \
  } while (0)

static vmir_status run_lex(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                           uint32_t *next, vmir_error *err);

/* json/msgpack-read-value: the tree keeps one member per key and notes the
 * first repeat for build-store-value; a failure names its place inside the
 * value after the value's own path. */
typedef vmir_status (*value_reader)(vmir_source *, vmir_arena *, vmir_value *, vmir_error *);
static vmir_status read_value(const vmir_executable *exe, vmir_vm_state *vm, value_reader reader,
                              vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  d->notes.dup_found = false;
  d->notes.fail_path[0] = 0;
  d->src.notes = &d->notes;
  vmir_status st = reader(&d->src, &d->dec->arena, &d->value, err);
  d->src.notes = NULL;
  if (st == VMIR_OK) return VMIR_OK;
  vmir_exec_annotate(exe, vm, err);
  vmir_exec_append_path(err, d->notes.fail_path);
  return st;
}

vmir_status vmir_lex_op(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                        uint32_t *next, vmir_error *err) {
  vmir_source *src = &vm->dec->src;
  vmir_token_class cls;
  size_t entry_pos = src->pos;
  vmir_status st = run_lex(exe, vm, in, next, err);
  if (st == VMIR_OK) return VMIR_OK;
  vm->dec->failed_op = in->op;
  /* Failure path only: a typed read that met another token class reports
   * what unfused decode reports (see wrong_token). */
  const char *what = NULL;
  int want = wanted_class(in->op, &what);
  if (want < 0 || !err) return st;
  vmir_error first = *err;
  src->pos = entry_pos;
  size_t start = src->format == VMIR_SOURCE_TEXT ? json_token_offset(src) : src->pos;
  if (!peek_class(src, &cls, err)) return vmir_exec_annotate(exe, vm, err);
  /* MessagePack's bytes class holds bin and ext: a read of one that met
   * the other is a wrong token too. */
  if ((int)cls != want || cls == VMIR_TOKEN_BYTES) return wrong_token(exe, vm, cls, start, what, err);
  *err = first;
  return st;
}

static vmir_status run_lex(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                           uint32_t *next, vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_source *src = &d->src;
  vmir_arena *arena = &d->dec->arena;
  bool flag = false;
  vmir_token_class cls;
  switch ((vmir_opcode)in->op) {
    /* ---- JSON ---- */
    case VMIR_OP_JSON_BEGIN_OBJECT:
      CHECK(vmir_json_begin_object(src, &flag, err));
      *next = flag ? in->b : in->a;
      return VMIR_OK;
    case VMIR_OP_JSON_READ_KEY:
      d->key_offset = json_token_offset(src);
      CHECK(vmir_json_read_key(src, arena, &d->key, err));
      return VMIR_OK;
    case VMIR_OP_JSON_NEXT_MEMBER:
      CHECK(vmir_json_next_member(src, &flag, err));
      *next = flag ? in->b : in->a;
      return VMIR_OK;
    case VMIR_OP_JSON_BEGIN_ARRAY:
      CHECK(vmir_json_begin_array(src, &flag, err));
      *next = flag ? in->b : in->a;
      return VMIR_OK;
    case VMIR_OP_JSON_NEXT_ELEMENT:
      CHECK(vmir_json_next_element(src, &flag, err));
      *next = flag ? in->b : in->a;
      return VMIR_OK;
    case VMIR_OP_JSON_PEEK_NULL:
      *next = vmir_json_peek_null(src) ? in->a : in->b;
      return VMIR_OK;
    case VMIR_OP_JSON_PEEK_TOKEN:
      CHECK(vmir_json_peek_token(src, &cls, err));
      *next = in->targets[cls];
      return VMIR_OK;
    case VMIR_OP_JSON_READ_BOOL:
      d->scalar_offset = json_token_offset(src);
      CHECK(vmir_json_read_bool(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_JSON_READ_NUMBER:
      d->scalar_offset = json_token_offset(src);
      CHECK(vmir_json_read_number(src, arena, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_JSON_READ_STRING:
      d->scalar_offset = json_token_offset(src);
      CHECK(vmir_json_read_string(src, arena, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_JSON_READ_NULL:
      d->scalar_offset = json_token_offset(src);
      CHECK(vmir_json_read_null(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_JSON_READ_VALUE:
      d->value_offset = json_token_offset(src);
      return read_value(exe, vm, vmir_json_read_value, err);
    case VMIR_OP_JSON_SKIP_VALUE:
      CHECK(vmir_json_skip_value(src, arena, err));
      return VMIR_OK;
    case VMIR_OP_JSON_EXPECT_END:
      CHECK(vmir_json_expect_end(src, err));
      return VMIR_OK;

    /* ---- MessagePack ---- */
    case VMIR_OP_MSGPACK_READ_MAP_HEADER:
      d->header_offset = src->pos;
      CHECK(vmir_msgpack_read_map_header(src, &d->count, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_ARRAY_HEADER:
      d->header_offset = src->pos;
      CHECK(vmir_msgpack_read_array_header(src, &d->count, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_PEEK_NIL:
      CHECK(vmir_msgpack_peek_nil(src, &flag, err));
      *next = flag ? in->a : in->b;
      return VMIR_OK;
    case VMIR_OP_MSGPACK_PEEK_TOKEN:
      CHECK(vmir_msgpack_peek_token(src, &cls, err));
      *next = in->targets[cls];
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_KEY:
      d->key_offset = src->pos;
      CHECK(vmir_msgpack_read_key(src, &d->key, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_BOOL:
      d->scalar_offset = src->pos;
      CHECK(vmir_msgpack_read_bool(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_NUMBER:
      d->scalar_offset = src->pos;
      CHECK(vmir_msgpack_read_number(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_STRING:
      d->scalar_offset = src->pos;
      CHECK(vmir_msgpack_read_string(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_BIN:
      d->scalar_offset = src->pos;
      CHECK(vmir_msgpack_read_bin(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_NIL:
      d->scalar_offset = src->pos;
      CHECK(vmir_msgpack_read_nil(src, &d->scalar, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_VALUE:
      d->value_offset = src->pos;
      return read_value(exe, vm, vmir_msgpack_read_value, err);
    case VMIR_OP_MSGPACK_SKIP_VALUE:
      CHECK(vmir_msgpack_skip_value(src, arena, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_EXPECT_END:
      CHECK(vmir_msgpack_expect_end(src, err));
      return VMIR_OK;
    case VMIR_OP_MSGPACK_PEEK_EXT:
      CHECK(vmir_msgpack_peek_ext(src, &flag, err));
      *next = flag ? in->a : in->b;
      return VMIR_OK;
    case VMIR_OP_MSGPACK_READ_EXT:
      d->scalar_offset = src->pos;
      CHECK(vmir_msgpack_read_ext(src, &d->scalar, err));
      return VMIR_OK;

    /* ---- format-neutral ---- */
    case VMIR_OP_SWITCH_KEY: {
      uint32_t i = match(exe, in, d->key);
      *next = i < in->list_len ? in->targets[i] : in->c;
      return VMIR_OK;
    }
    case VMIR_OP_SWITCH_STRING: {
      if (d->scalar.type != VMIR_SCALAR_STRING) {
        vmir_source_fail(src, err, VMIR_E_DECODE, d->scalar_offset, "expected a string");
        return vmir_exec_annotate(exe, vm, err);
      }
      uint32_t i = match(exe, in, d->scalar.as.string);
      *next = i < in->list_len ? in->targets[i] : in->c;
      return VMIR_OK;
    }
    case VMIR_OP_CURSOR_SAVE:
      return save_cursor(exe, vm, exe->program->kind == VMIR_PROGRAM_BUILD ? d->event_pos : src->pos, err);
    case VMIR_OP_CURSOR_RESTORE:
    case VMIR_OP_CURSOR_DROP: {
      vmir_decoder *dec = d->dec;
      if (dec->save_len == 0)
        return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "%s without a saved cursor",
                              vmir_op_info_of(in->op)->name);
      size_t pos = dec->saves[--dec->save_len];
      if (in->op == VMIR_OP_CURSOR_RESTORE) {
        if (exe->program->kind == VMIR_PROGRAM_BUILD) d->event_pos = pos;
        else src->pos = pos;
      }
      return VMIR_OK;
    }
    case VMIR_OP_EXPECT_BYTES: {
      const vmir_span *blob = &exe->program->blobs[in->a];
      const uint8_t *want = exe->program->blob_bytes + blob->start;
      if (src->len - src->pos < blob->len || memcmp(src->data + src->pos, want, blob->len) != 0) {
        vmir_source_expected(src, err, src->pos, "the literal bytes of expect-bytes");
        return vmir_exec_annotate(exe, vm, err);
      }
      src->pos += blob->len;
      return VMIR_OK;
    }
    default:
      return vmir_event_op(exe, vm, in, next, err);
  }
}
