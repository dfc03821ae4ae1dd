/* The out-of-line parts of the lexing kernels (exec/ops_lex.h): failure
 * paths, the cursor ops and expect-bytes, and the interpreter's dispatch
 * over the kernels. */
#include <string.h>

#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "exec/lex_ops.h"
#include "exec/ops.h"
#include "format/json_lex.h"
#include "format/msgpack_lex.h"

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

/* The failure path of every lexing kernel. */
vmir_status vmir_lex_failed(const vmir_executable *exe, vmir_vm_state *vm, uint32_t op,
                            size_t entry_pos, vmir_error *err) {
  vmir_status st = vmir_exec_annotate(exe, vm, err);
  vmir_source *src = &vm->dec->src;
  vmir_token_class cls;
  vm->dec->failed_op = op;
  /* A typed read that met another token class reports what unfused decode
   * reports (see wrong_token). */
  const char *what = NULL;
  int want = wanted_class(op, &what);
  if (want < 0 || !err) return st;
  vmir_error first = *err;
  src->pos = entry_pos;
  size_t start = src->format == VMIR_SOURCE_TEXT ? vmir_json_token_offset(src) : src->pos;
  if (!peek_class(src, &cls, err)) return vmir_exec_annotate(exe, vm, err);
  /* MessagePack's bytes class holds bin and ext: a read of one that met
   * the other is a wrong token too. */
  if ((int)cls != want || cls == VMIR_TOKEN_BYTES) return wrong_token(exe, vm, cls, start, what, err);
  *err = first;
  return st;
}

vmir_status vmir_lex_not_string(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_source_fail(&d->src, err, VMIR_E_DECODE, d->scalar_offset, "expected a string");
  d->failed_op = VMIR_OP_SWITCH_STRING;
  return vmir_exec_annotate(exe, vm, err);
}

vmir_status vmir_lex_cursor(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                            uint32_t *next, vmir_error *err) {
  (void)next;
  vmir_decode_state *d = vm->dec;
  bool build = exe->program->kind == VMIR_PROGRAM_BUILD;
  vmir_status st = VMIR_OK;
  if (in->op == VMIR_OP_CURSOR_SAVE) {
    st = save_cursor(exe, vm, build ? d->event_pos : d->src.pos, err);
  } else if (d->dec->save_len == 0) {
    st = vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "%s without a saved cursor",
                        vmir_op_info_of(in->op)->name);
  } else {
    size_t pos = d->dec->saves[--d->dec->save_len];
    if (in->op == VMIR_OP_CURSOR_RESTORE) {
      if (build) d->event_pos = pos;
      else d->src.pos = pos;
    }
  }
  if (st != VMIR_OK) d->failed_op = in->op;
  return st;
}

vmir_status vmir_lex_expect_bytes(const vmir_executable *exe, vmir_vm_state *vm,
                                  const vmir_xinsn *in, uint32_t *next, vmir_error *err) {
  (void)next;
  vmir_source *src = &vm->dec->src;
  const vmir_span *blob = &exe->program->blobs[in->a];
  const uint8_t *want = exe->program->blob_bytes + blob->start;
  if (src->len - src->pos < blob->len || memcmp(src->data + src->pos, want, blob->len) != 0) {
    vmir_source_expected(src, err, src->pos, "the literal bytes of expect-bytes");
    vm->dec->failed_op = in->op;
    return vmir_exec_annotate(exe, vm, err);
  }
  src->pos += blob->len;
  return VMIR_OK;
}

vmir_status vmir_lex_event(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                           uint32_t *next, vmir_error *err) {
  vmir_status st = vmir_event_op(exe, vm, in, next, err);
  if (st != VMIR_OK) vm->dec->failed_op = in->op;
  return st;
}

/* The interpreter's dispatch: one call of each op's kernel. */
vmir_status vmir_lex_op(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                        uint32_t *next, vmir_error *err) {
  vmir_op_ctx kc = {.exe = exe, .vm = vm, .err = err, .pc = vm->pc, .report = true};
  vmir_op_ctx *k = &kc;
  bool first = false;
  vmir_status st;
  switch ((vmir_opcode)in->op) {
#define LEX_PLAIN(OP, name) \
  case VMIR_OP_##OP: return vmir_op_##name(k);
#define LEX_BRANCH(OP, name)                   \
  case VMIR_OP_##OP:                           \
    st = vmir_op_##name(k, &first);            \
    *next = first ? in->a : in->b;             \
    return st;
#define LEX_DISPATCH(OP, name) \
  case VMIR_OP_##OP: return vmir_op_##name(k, in, next);
    VMIR_LEX_OPS(LEX_PLAIN, LEX_BRANCH, LEX_DISPATCH)
#undef LEX_PLAIN
#undef LEX_BRANCH
#undef LEX_DISPATCH
    default:
      return vmir_exec_fail(exe, vm, err, VMIR_E_UNSUPPORTED, "%s is not a lexing op",
                            vmir_op_info_of(in->op) ? vmir_op_info_of(in->op)->name : "?");
  }
}
