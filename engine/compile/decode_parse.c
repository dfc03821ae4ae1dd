/* ParseProgram lowering (unfused decode, kind `decode`): format lexing that
 * turns the input into build events, independent of the shape it will be
 * built into. One recursive value proc dispatches on the next token's
 * class; arrays and objects are loops in the IR around calls of itself:
 *
 *   f0: call f1; expect-end; ret
 *   f1: peek-token (null bool number string bytes array object)
 *     scalar classes: read-<class>; emit-token; jump done
 *     bytes (MessagePack): peek-ext (ext) (bin); each read-*; emit-token
 *     array:  emit-begin-seq-dynamic; open array (item) (end)
 *             item: call f1; advance (item) (end)
 *             end:  emit-end; jump done
 *     object: emit-begin-struct-dynamic; open object (member) (end)
 *             member: read-key; emit-key; call f1; advance (member) (end)
 *             end:  emit-end; jump done
 *     done: ret
 * The begins are the dynamic ones even where a MessagePack header gives the
 * count: the batch records ends, and the build side reads delimiters. */
#include "compile/decode_internal.h"

static void scalar_case(vmir_dlower *D, vmir_opcode read, uint32_t done) {
  vmir_dec_op(D, read, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_EMIT_TOKEN, 0, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_JUMP, done, 0, 0);
}

static void container_case(vmir_dlower *D, bool object, uint32_t self,
                           uint32_t done) {
  vmir_lower *L = &D->L;
  uint32_t item = vmir_lower_block(L), end = vmir_lower_block(L);
  vmir_opcode begin = object ? VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC : VMIR_OP_EMIT_BEGIN_SEQ_DYNAMIC;
  if (D->ops->counted) {
    /* The begin event follows a header that read: a header that fails
     * leaves no begin behind, as in fused decode, where the container was
     * never entered. */
    vmir_dec_op(D, object ? D->ops->map_header : D->ops->array_header, 0, 0);
    vmir_lower_emit(L, begin, 0, 0, 0);
    vmir_lower_emit(L, VMIR_OP_LOOP_BEGIN_COUNT, 0, 0, 0);
    vmir_lower_emit(L, VMIR_OP_LOOP_NEXT, item, end, 0);
  } else {
    vmir_lower_emit(L, begin, 0, 0, 0);
    vmir_dec_open(D, object, item, end);
  }
  L->block = item;
  if (object) {
    vmir_dec_op(D, D->ops->read_key, 0, 0);
    vmir_lower_emit(L, VMIR_OP_EMIT_KEY, 0, 0, 0);
  }
  /* Nesting is recursion through the call stack, whose bound is the
   * executor's depth limit. */
  vmir_lower_emit(L, VMIR_OP_CALL, self, 0, 0);
  vmir_dec_advance(D, object, item, end);
  L->block = end;
  vmir_lower_emit(L, VMIR_OP_EMIT_END, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_JUMP, done, 0, 0);
}

/* The body of value proc `self` (its entry block is current). */
static void value_proc(vmir_dlower *D, uint32_t self) {
  vmir_lower *L = &D->L;
  const vmir_decode_ops *o = D->ops;
  uint32_t cls[VMIR_TOKEN_CLASS_COUNT];
  for (uint32_t c = 0; c < VMIR_TOKEN_CLASS_COUNT; c++)
    cls[c] = vmir_lower_block(L);
  uint32_t done = vmir_lower_block(L);
  uint32_t list = L->failed ? 0 : vmir_builder_add_list(L->b, cls, VMIR_TOKEN_CLASS_COUNT);
  vmir_dec_op(D, o->peek_token, list, 0);

  L->block = cls[VMIR_TOKEN_NULL];
  scalar_case(D, o->read_null, done);
  L->block = cls[VMIR_TOKEN_BOOL];
  scalar_case(D, o->read_bool, done);
  L->block = cls[VMIR_TOKEN_NUMBER];
  scalar_case(D, o->read_number, done);
  L->block = cls[VMIR_TOKEN_STRING];
  scalar_case(D, o->read_string, done);
  L->block = cls[VMIR_TOKEN_BYTES];
  if (o->bytes_as_bin) {
    /* MessagePack's bytes class holds bin and ext items */
    uint32_t ext = vmir_lower_block(L), bin = vmir_lower_block(L);
    vmir_dec_op(D, o->peek_ext, ext, bin);
    L->block = ext;
    scalar_case(D, o->read_ext, done);
    L->block = bin;
    scalar_case(D, o->read_bin, done);
  } else  /* json-peek-token never reports bytes; the block needs a terminator */
    vmir_dec_fail_here(D, "bytes token in a %s document", o->name);
  L->block = cls[VMIR_TOKEN_ARRAY];
  container_case(D, false, self, done);
  L->block = cls[VMIR_TOKEN_OBJECT];
  container_case(D, true, self, done);
  L->block = done;
  vmir_lower_emit(L, VMIR_OP_RET, 0, 0, 0);
}

/* t[impl format.parse.program-self-contained] */
/* Everything the parse program does is in its instructions: no format
 * field, no tokenizer state outside the VM state, and no reference to the
 * shape beyond the id it is bound to. */
void vmir_dec_parse_program(vmir_dlower *D) {
  vmir_lower *L = &D->L;
  uint32_t root = vmir_builder_add_proc(L->b);
  uint32_t value = vmir_builder_add_proc(L->b);
  L->proc = root;
  L->block = vmir_lower_block(L);
  vmir_builder_set_proc_entry(L->b, root, L->block);
  vmir_lower_emit(L, VMIR_OP_CALL, value, 0, 0);
  vmir_dec_op(D, D->ops->expect_end, 0, 0);
  vmir_lower_emit(L, VMIR_OP_RET, 0, 0, 0);

  L->proc = value;
  L->block = vmir_lower_block(L);
  vmir_builder_set_proc_entry(L->b, value, L->block);
  value_proc(D, value);
  vmir_builder_set_entry_proc(L->b, root);
}
