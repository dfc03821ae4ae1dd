/* Typed decode lowering of single values and of the container kinds
 * (option, pointer, list, fixed array, map). Written once over the flavour
 * table (decode_flavor.c): the fused JSON and MessagePack programs and the
 * build program of unfused decode all come from this code, so the build
 * actions they run, and the order they run them in, are the same. */
/* t[impl format.parse.fusion-semantic-equivalence] */
#include "compile/decode_internal.h"

static void store_scalar(vmir_dlower *D, vmir_opcode read) {
  vmir_dec_op(D, read, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_BUILD_STORE, 0, 0, 0);
}

void vmir_dec_value(vmir_dlower *D, const vmir_shape *shape) {
  const vmir_decode_ops *o = D->ops;
  switch (shape->kind) {
    case VMIR_KIND_BOOL:
      store_scalar(D, o->read_bool);
      return;
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
    case VMIR_KIND_F32: case VMIR_KIND_F64:
      /* Range and integrality are build-store's checks, against the
       * destination's width: the reader keeps the number exact. */
      store_scalar(D, o->read_number);
      return;
    case VMIR_KIND_STRING:
      store_scalar(D, o->read_string);
      return;
    case VMIR_KIND_TIMESTAMP:
      /* build-store checks and converts: an RFC 3339 string, or the
       * MessagePack timestamp ext (type -1, 4, 8 or 12 bytes). */
      store_scalar(D, o->read_timestamp);
      return;
    case VMIR_KIND_UNIT:
      /* Zero-sized: nothing to store, only the null to consume. */
      vmir_dec_op(D, D->ops->read_null, 0, 0);
      return;
    case VMIR_KIND_BYTES:
      /* A bin (MessagePack), an array of numbers (JSON) or a bytes event:
       * build-store-value converts each. Every flavour reads a whole value
       * here, so fused and unfused decode fail alike on anything else. */
      vmir_dec_op(D, o->read_value, 0, 0);
      vmir_lower_emit(&D->L, VMIR_OP_BUILD_STORE_VALUE, D->last_wins, 0, 0);
      return;
    case VMIR_KIND_VALUE:
      vmir_dec_op(D, o->read_value, 0, 0);
      vmir_lower_emit(&D->L, VMIR_OP_BUILD_STORE_VALUE, D->last_wins, 0, 0);
      return;
    case VMIR_KIND_STRUCT: case VMIR_KIND_TUPLE: case VMIR_KIND_ENUM:
    case VMIR_KIND_OPTION: case VMIR_KIND_POINTER: case VMIR_KIND_LIST:
    case VMIR_KIND_ARRAY: case VMIR_KIND_MAP:
      /* One proc per composite shape: recursive types become recursive
       * calls, and a shape used in many places is lowered once. */
      vmir_lower_emit(&D->L, VMIR_OP_CALL, vmir_lower_proc_for(&D->L, shape),
                      0, 0);
      return;
    case VMIR_KIND_COUNT:
      break;
  }
  vmir_lower_fail(&D->L, VMIR_E_SHAPE, "cannot decode shape kind %u",
                  (unsigned)shape->kind);
}

/* option: null is none; anything else is the payload.
 *   peek-null (then none) (else some)
 *   none: build-set-none; jump join
 *   some: build-set-some; enter-some; <payload>; leave; jump join */
static void option_body(vmir_dlower *D, const vmir_shape *shape) {
  vmir_lower *L = &D->L;
  uint32_t none = vmir_lower_block(L), some = vmir_lower_block(L),
           join = vmir_lower_block(L);
  vmir_dec_op(D, D->ops->peek_null, none, some);
  L->block = none;
  vmir_lower_emit(L, VMIR_OP_BUILD_SET_NONE, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
  L->block = some;
  vmir_lower_emit(L, VMIR_OP_BUILD_SET_SOME, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_ENTER_SOME, 0, 0, 0);
  vmir_dec_value(D, shape->u.option.payload);
  vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
  vmir_lower_emit(L, VMIR_OP_JUMP, join, 0, 0);
  L->block = join;
}

static void pointer_body(vmir_dlower *D, const vmir_shape *shape) {
  vmir_lower_emit(&D->L, VMIR_OP_BUILD_ALLOC_POINTEE, 0, 0, 0);
  vmir_lower_emit(&D->L, VMIR_OP_ENTER_POINTEE, 0, 0, 0);
  vmir_dec_value(D, shape->u.pointer.target);
  vmir_lower_emit(&D->L, VMIR_OP_LEAVE, 0, 0, 0);
}

/* Lists and fixed arrays (build-end-list checks an array's count):
 *   build-begin-list; open array (first item) (empty end)
 *   item: build-push-element; <element>; leave; advance (item) (end)
 *   end:  build-end-list
 * Maps: the same over an object, each member a build-push-entry keyed by
 * the key register. */
static void container_body(vmir_dlower *D, const vmir_shape *shape) {
  vmir_lower *L = &D->L;
  bool map = shape->kind == VMIR_KIND_MAP;
  uint32_t item = vmir_lower_block(L), end = vmir_lower_block(L);
  vmir_lower_emit(L, map ? VMIR_OP_BUILD_BEGIN_MAP : VMIR_OP_BUILD_BEGIN_LIST,
                  0, 0, 0);
  vmir_dec_open(D, map, item, end);
  L->block = item;
  if (map) {
    vmir_dec_op(D, D->ops->read_key, 0, 0);
    vmir_lower_emit(L, VMIR_OP_BUILD_PUSH_ENTRY, D->last_wins, 0, 0);
    vmir_dec_value(D, shape->u.map.value);
  } else {
    vmir_lower_emit(L, VMIR_OP_BUILD_PUSH_ELEMENT, 0, 0, 0);
    vmir_dec_value(D, shape->u.sequence.element);
  }
  vmir_lower_emit(L, VMIR_OP_LEAVE, 0, 0, 0);
  vmir_dec_advance(D, map, item, end);
  L->block = end;
  vmir_lower_emit(L, map ? VMIR_OP_BUILD_END_MAP : VMIR_OP_BUILD_END_LIST, 0,
                  0, 0);
}

void vmir_dec_proc_body(vmir_dlower *D, const vmir_shape *shape) {
  switch (shape->kind) {
    case VMIR_KIND_STRUCT: {
      vmir_dobj obj = {
          .fields = shape->u.fields.fields,
          .count = shape->u.fields.count,
          .variant = -1,
          .track = true,
          .type_name = vmir_dec_type_name(shape),
      };
      vmir_dec_object(D, &obj);
      return;
    }
    case VMIR_KIND_TUPLE:
      vmir_dec_positional(D, shape->u.fields.fields, shape->u.fields.count,
                          -1, vmir_dec_type_name(shape));
      return;
    case VMIR_KIND_ENUM: vmir_dec_enum_body(D, shape); return;
    case VMIR_KIND_OPTION: option_body(D, shape); return;
    case VMIR_KIND_POINTER: pointer_body(D, shape); return;
    case VMIR_KIND_LIST:
    case VMIR_KIND_ARRAY:
    case VMIR_KIND_MAP: container_body(D, shape); return;
    default:
      vmir_lower_fail(&D->L, VMIR_E_EXEC,
                      "decode compiler: no proc body for kind %s (compiler bug)",
                      vmir_kind_name(shape->kind));
      return;
  }
}

/* Token classes, for untagged dispatch. Options and pointers pass through
 * to their payload, so a cycle made only of them (or of untagged enums)
 * never reaches a container: the depth bound ends it with "no class".
 * The budget bounds the whole compile's work on such chains. */
uint32_t vmir_dec_classes(vmir_dlower *D, const vmir_shape *shape,
                          uint32_t depth) {
  if (depth > VMIR_COMPILE_MAX_FLATTEN_DEPTH || D->L.failed) return 0;
  if (D->class_budget == 0) {
    vmir_lower_fail(&D->L, VMIR_E_LIMIT,
                    "untagged enums nested too intricately to dispatch (over "
                    "%u payload class computations)", VMIR_DECODE_CLASS_BUDGET);
    return 0;
  }
  D->class_budget--;
  switch (shape->kind) {
    case VMIR_KIND_BOOL:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_BOOL);
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
    case VMIR_KIND_F32: case VMIR_KIND_F64:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_NUMBER);
    case VMIR_KIND_UNIT:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_NULL);
    case VMIR_KIND_STRING:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_STRING);
    case VMIR_KIND_TIMESTAMP:
      return D->ops->timestamp_classes;
    case VMIR_KIND_BYTES:
      return D->ops->bytes_classes;
    case VMIR_KIND_VALUE:
      return VMIR_TOKEN_ALL;
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_MAP:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_OBJECT);
    case VMIR_KIND_TUPLE:
    case VMIR_KIND_LIST:
    case VMIR_KIND_ARRAY:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_ARRAY);
    case VMIR_KIND_OPTION:
      return VMIR_TOKEN_BIT(VMIR_TOKEN_NULL) |
             vmir_dec_classes(D, shape->u.option.payload, depth + 1u);
    case VMIR_KIND_POINTER:
      return vmir_dec_classes(D, shape->u.pointer.target, depth + 1u);
    case VMIR_KIND_ENUM: {
      const vmir_variant *vs = shape->u.enumeration.variants;
      uint32_t n = shape->u.enumeration.count, mask = 0;
      switch (shape->u.enumeration.tagging) {
        case VMIR_TAG_EXTERNAL:
          mask = VMIR_TOKEN_BIT(VMIR_TOKEN_OBJECT);
          for (uint32_t v = 0; v < n; v++)
            if (vs[v].style == VMIR_VARIANT_UNIT &&
                shape->u.enumeration.unit_as_string)
              mask |= VMIR_TOKEN_BIT(VMIR_TOKEN_STRING);
          return mask;
        case VMIR_TAG_INTERNAL:
        case VMIR_TAG_ADJACENT:
          return VMIR_TOKEN_BIT(VMIR_TOKEN_OBJECT);
        case VMIR_TAG_UNTAGGED:
          for (uint32_t v = 0; v < n; v++)
            mask |= vmir_dec_variant_classes(D, &vs[v], depth + 1u);
          return mask;
      }
      return 0;
    }
    case VMIR_KIND_COUNT:
      break;
  }
  return 0;
}

uint32_t vmir_dec_variant_classes(vmir_dlower *D, const vmir_variant *v,
                                  uint32_t depth) {
  switch (v->style) {
    case VMIR_VARIANT_UNIT: return VMIR_TOKEN_BIT(VMIR_TOKEN_NULL);
    case VMIR_VARIANT_STRUCT: return VMIR_TOKEN_BIT(VMIR_TOKEN_OBJECT);
    case VMIR_VARIANT_TUPLE: return VMIR_TOKEN_BIT(VMIR_TOKEN_ARRAY);
    case VMIR_VARIANT_NEWTYPE:
      if (v->field_count == 1 && v->fields)
        return vmir_dec_classes(D, v->fields[0].shape, depth);
      return 0;
  }
  return 0;
}
