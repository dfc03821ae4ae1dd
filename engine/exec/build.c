/* Build actions: every write into a value being decoded happens here or
 * in the inline fast paths of build-field and build-store
 * (exec/ops_build_inline.h), inside the engine; format builtins only fill
 * registers. The root is built
 * in a zeroed shadow in the arena and copied to the caller's destination by
 * build-commit alone, so a failed decode leaves the destination untouched.
 * t[impl format.parse.unsafe-contained]
 * t[impl format.parse.apply-through-runtime]
 * t[impl format.parse.no-direct-pointer-write-in-format]
 * t[impl format.parse.build-state-machine-preserved] */
#include <float.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "exec/build_complete.h"
#include "exec/build_store.h"
#include "exec/decode_ops.h"
#include "exec/exec_error.h"
#include "exec/ops_build.h"
#include "exec/value_access.h"
#include "format/timestamp.h"

#define CUR (&vm->path[vm->path_depth - 1])
/* The build state owns the destination: its addresses are writable. */
#define CUR_W ((uint8_t *)(uintptr_t)CUR->addr)

void *vmir_decoder_grow(void *items, size_t item_size, size_t len, size_t *cap) {
  if (len < *cap) return items;
  size_t ncap = *cap ? *cap * 2 : 16;
  void *grown = realloc(items, ncap * item_size);
  if (grown) *cap = ncap;
  return grown;
}

static vmir_status arena_failed(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_status code = vmir_arena_failure(&d->dec->arena);
  return vmir_exec_fail(exe, vm, err, code, "%s while building the value",
                        code == VMIR_E_LIMIT ? "arena limit reached" : "out of memory");
}

static vmir_status nomem(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  return vmir_exec_fail(exe, vm, err, VMIR_E_NOMEM, "out of memory for the build state");
}

/* A failure tied to an input position: the offset, line/column and excerpt
 * come from the source, the pc and path from the executor. */
static vmir_status fail_at(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err,
                           vmir_status code, size_t offset, const char *what) {
  vmir_source_fail(&vm->dec->src, err, code, offset, "%s", what);
  return vmir_exec_annotate(exe, vm, err);
}

static void *zalloc(vmir_arena *a, size_t size, size_t align) {
  void *p = vmir_arena_alloc(a, size ? size : 1, align ? align : 1);
  if (p) memset(p, 0, size);
  return p;
}

static const char *scalar_class(const vmir_scalar *s) {
  switch (s->type) {
    case VMIR_SCALAR_NULL: return "null";
    case VMIR_SCALAR_BOOL: return "a boolean";
    case VMIR_SCALAR_INT:
    case VMIR_SCALAR_UINT: return "an integer";
    case VMIR_SCALAR_FLOAT: return "a float";
    case VMIR_SCALAR_STRING: return "a string";
    case VMIR_SCALAR_BYTES: return "bytes";
    case VMIR_SCALAR_EXT: return "an ext";
    case VMIR_SCALAR_TIMESTAMP: return "a timestamp";
  }
  return "a value";
}

static const char *kind_class(vmir_kind k) {
  switch (k) {
    case VMIR_KIND_BOOL: return "a boolean";
    case VMIR_KIND_F32: case VMIR_KIND_F64: return "a number";
    case VMIR_KIND_UNIT: return "null";
    case VMIR_KIND_STRING: return "a string";
    case VMIR_KIND_BYTES: return "bytes";
    case VMIR_KIND_TIMESTAMP: return "an RFC 3339 string or a timestamp ext";
    default: return "an integer";
  }
}

static vmir_status mismatch(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  char what[128];
  snprintf(what, sizeof what, "expected %s for %s, found %s", kind_class(CUR->shape->kind),
           vmir_kind_name(CUR->shape->kind), scalar_class(&vm->dec->scalar));
  return fail_at(exe, vm, err, VMIR_E_DECODE, vm->dec->scalar_offset, what);
}

static vmir_status out_of_range(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  const vmir_scalar *s = &vm->dec->scalar;
  char what[128];
  if (s->type == VMIR_SCALAR_INT)
    snprintf(what, sizeof what, "%lld is out of range for %s", (long long)s->as.i64,
             vmir_kind_name(CUR->shape->kind));
  else if (s->type == VMIR_SCALAR_UINT)
    snprintf(what, sizeof what, "%llu is out of range for %s", (unsigned long long)s->as.u64,
             vmir_kind_name(CUR->shape->kind));
  else
    snprintf(what, sizeof what, "%.17g is out of range for %s", s->as.f64,
             vmir_kind_name(CUR->shape->kind));
  return fail_at(exe, vm, err, VMIR_E_BUILD, vm->dec->scalar_offset, what);
}

/* Where a bad RFC 3339 string is reported: at its offending byte when the
 * input holds the string's bytes literally after the opening quote (no
 * escapes before it), else at the string token. Fused and unfused decode
 * both have the token's offset, so they agree. */
static size_t rfc3339_offset(const vmir_decode_state *d, vmir_str text, size_t bad) {
  const vmir_source *src = &d->src;
  size_t at = d->scalar_offset;
  if (src->format == VMIR_SOURCE_TEXT && at < src->len && src->data[at] == '"' &&
      src->len - at - 1 >= bad && (bad == 0 || memcmp(src->data + at + 1, text.ptr, bad) == 0))
    return at + 1 + bad;
  return at;
}

/* build-store into a timestamp: a timestamp scalar, an RFC 3339 string
 * (JSON), or the MessagePack timestamp ext (type -1, 4, 8 or 12 bytes). */
static vmir_status store_timestamp(const vmir_executable *exe, vmir_vm_state *vm,
                                   vmir_error *err, uint8_t *p) {
  vmir_decode_state *d = vm->dec;
  const vmir_scalar *s = &d->scalar;
  vmir_timestamp ts;
  char why[160];
  if (s->type == VMIR_SCALAR_TIMESTAMP) {
    ts = s->as.timestamp;
    if (ts.nanoseconds >= VMIR_NANOS_PER_SECOND)
      return fail_at(exe, vm, err, VMIR_E_DECODE, d->scalar_offset,
                     "timestamp nanoseconds out of range (must be below 1000000000)");
  } else if (s->type == VMIR_SCALAR_STRING) {
    size_t bad;
    if (!vmir_timestamp_parse(s->as.string.ptr ? s->as.string.ptr : "", s->as.string.len, &ts,
                              &bad, why, sizeof why))
      return fail_at(exe, vm, err, VMIR_E_DECODE, rfc3339_offset(d, s->as.string, bad), why);
  } else if (s->type == VMIR_SCALAR_EXT) {
    if (s->as.ext.type != VMIR_TIMESTAMP_EXT_TYPE) {
      snprintf(why, sizeof why, "expected a timestamp (ext type -1), found ext type %d",
               (int)s->as.ext.type);
      return fail_at(exe, vm, err, VMIR_E_DECODE, d->scalar_offset, why);
    }
    if (!vmir_timestamp_from_ext(s->as.ext.data, s->as.ext.len, &ts, why, sizeof why))
      return fail_at(exe, vm, err, VMIR_E_DECODE, d->scalar_offset, why);
  } else {
    return mismatch(exe, vm, err);
  }
  memcpy(p, &ts, sizeof ts);
  return VMIR_OK;
}

static vmir_status store_scalar(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  const vmir_scalar *s = &d->scalar;
  const vmir_shape *shape = CUR->shape;
  uint8_t *p = CUR_W;
  if (vmir_build_store_plain(shape->kind, shape->size, s, p)) return VMIR_OK;
  /* The rest: conversions to floating point, copies, and the reports. */
  switch (shape->kind) {
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
      if (s->type == VMIR_SCALAR_INT || s->type == VMIR_SCALAR_UINT) return out_of_range(exe, vm, err);
      return mismatch(exe, vm, err);
    case VMIR_KIND_F32:
    case VMIR_KIND_F64: {
      double v;
      if (s->type == VMIR_SCALAR_FLOAT) v = s->as.f64;
      else if (s->type == VMIR_SCALAR_UINT) v = (double)s->as.u64;
      else if (s->type == VMIR_SCALAR_INT) v = (double)s->as.i64;
      else return mismatch(exe, vm, err);
      if (shape->kind == VMIR_KIND_F64) {
        memcpy(p, &v, 8);
      } else {
        if (isfinite(v) && fabs(v) > FLT_MAX) return out_of_range(exe, vm, err);
        float f = (float)v;
        memcpy(p, &f, 4);
      }
      return VMIR_OK;
    }
    case VMIR_KIND_BOOL:
    case VMIR_KIND_UNIT:
      return mismatch(exe, vm, err);
    case VMIR_KIND_STRING:
    case VMIR_KIND_BYTES: {
      bool str = shape->kind == VMIR_KIND_STRING;
      if (s->type != (str ? VMIR_SCALAR_STRING : VMIR_SCALAR_BYTES)) return mismatch(exe, vm, err);
      /* Copied into the arena: the value never points into the input. */
      vmir_str view = str ? s->as.string : (vmir_str){(const char *)s->as.bytes.ptr, s->as.bytes.len};
      void *copy = vmir_arena_dup(&d->dec->arena, view.ptr ? view.ptr : "", view.len);
      if (!copy) return arena_failed(exe, vm, err);
      view.ptr = copy;
      memcpy(p, &view, sizeof view);
      return VMIR_OK;
    }
    case VMIR_KIND_TIMESTAMP:
      return store_timestamp(exe, vm, err, p);
    default:
      return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-store on a %s value",
                            vmir_kind_name(shape->kind));
  }
}

/* A repeated key inside the value register's tree (the first in input
 * order), named with its object's path inside the value; `member`: the
 * collected member the value belongs to, if any. */
static vmir_status value_duplicate(const vmir_executable *exe, vmir_vm_state *vm,
                                   const vmir_str *member, vmir_error *err) {
  const vmir_value_notes *n = &vm->dec->notes;
  char what[160];
  snprintf(what, sizeof what, "duplicate key \"%.*s\"", (int)(n->dup_key.len > 60 ? 60 : n->dup_key.len),
           n->dup_key.ptr ? n->dup_key.ptr : "");
  vmir_status st = fail_at(exe, vm, err, VMIR_E_BUILD, n->dup_offset, what);
  if (member) {
    vmir_rpath path;
    vmir_rpath_init(&path);
    vmir_rpath_key(&path, *member);
    vmir_exec_append_path(err, vmir_rpath_str(&path));
  }
  vmir_exec_append_path(err, n->dup_path);
  return st;
}

/* build-store-value: a dynamic tree into a `value`, or an array of byte
 * numbers into `bytes` (how JSON spells bytes). */
static vmir_status store_value(const vmir_executable *exe, vmir_vm_state *vm, bool last_wins,
                               vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  const vmir_value *v = &d->value;
  if (CUR->shape->kind == VMIR_KIND_VALUE) {
    /* The reader kept the last value of a repeated key; rejecting is the
     * default, as for struct fields and map keys. */
    if (d->notes.dup_found && !last_wins) return value_duplicate(exe, vm, NULL, err);
    memcpy(CUR_W, v, sizeof *v);
    return VMIR_OK;
  }
  if (CUR->shape->kind != VMIR_KIND_BYTES)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-store-value on a %s value",
                          vmir_kind_name(CUR->shape->kind));
  if (v->type == VMIR_VALUE_BYTES) {
    /* MessagePack bin reaching a build program as a dynamic value */
    memcpy(CUR_W, &v->as.bytes, sizeof v->as.bytes);
    return VMIR_OK;
  }
  if (v->type != VMIR_VALUE_ARRAY)
    return fail_at(exe, vm, err, VMIR_E_DECODE, d->value_offset,
                   "expected an array of byte values (0..255) for bytes");
  uint8_t *bytes = vmir_arena_alloc(&d->dec->arena, v->as.array.len ? v->as.array.len : 1, 1);
  if (!bytes) return arena_failed(exe, vm, err);
  for (size_t i = 0; i < v->as.array.len; i++) {
    const vmir_value *item = &v->as.array.items[i];
    if (item->type != VMIR_VALUE_UINT || item->as.u64 > 255)
      return fail_at(exe, vm, err, VMIR_E_DECODE, d->value_offset,
                     "expected an array of byte values (0..255) for bytes");
    bytes[i] = (uint8_t)item->as.u64;
  }
  vmir_bytes b = {bytes, v->as.array.len};
  memcpy(CUR_W, &b, sizeof b);
  return VMIR_OK;
}

/* ---- struct field tracking ----------------------------------------------- */

/* The tracking frame of the current struct: almost always the innermost
 * one, so the search is inline and starts there. */
static inline vmir_track_frame *find_track(vmir_vm_state *vm) {
  vmir_decoder *dec = vm->dec->dec;
  const vmir_path_entry *cur = CUR;
  const uint8_t *addr = cur->addr;
  const vmir_shape *shape = cur->shape;
  for (uint32_t i = dec->track_len; i-- > 0;)
    if (dec->tracks[i].addr == addr && dec->tracks[i].shape == shape) return &dec->tracks[i];
  return NULL;
}

static bool bit_get(vmir_decoder *dec, const vmir_track_frame *f, uint32_t i) {
  return (dec->bits[f->bits + i / 64] >> (i % 64)) & 1;
}

static vmir_status begin_struct(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_decoder *dec = vm->dec->dec;
  const vmir_shape *s = CUR->shape;
  const vmir_field *fields;
  uint32_t count;
  if (s->kind == VMIR_KIND_STRUCT || s->kind == VMIR_KIND_TUPLE) {
    fields = s->u.fields.fields;
    count = s->u.fields.count;
  } else if (s->kind == VMIR_KIND_ENUM) {
    int64_t v = vmir_enum_variant(s, CUR->addr, NULL);
    if (v < 0)
      return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-begin-struct before a variant is selected");
    fields = s->u.enumeration.variants[v].fields;
    count = s->u.enumeration.variants[v].field_count;
  } else {
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-begin-struct on a %s value",
                          vmir_kind_name(s->kind));
  }
  size_t words = (count + 63) / 64;
  size_t tcap = dec->track_cap;
  vmir_track_frame *tracks = vmir_decoder_grow(dec->tracks, sizeof *tracks, dec->track_len, &tcap);
  if (!tracks) return nomem(exe, vm, err);
  dec->tracks = tracks;
  dec->track_cap = (uint32_t)tcap;
  while (dec->bits_len + words > dec->bits_cap) {
    uint64_t *bits = vmir_decoder_grow(dec->bits, sizeof *bits, dec->bits_cap, &dec->bits_cap);
    if (!bits) return nomem(exe, vm, err);
    dec->bits = bits;
  }
  if (words) memset(dec->bits + dec->bits_len, 0, words * sizeof *dec->bits);
  dec->tracks[dec->track_len++] = (vmir_track_frame){
      .addr = CUR_W, .shape = s, .fields = fields, .count = count, .bits = dec->bits_len};
  dec->bits_len += words;
  return VMIR_OK;
}

static vmir_status build_field(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                               vmir_error *err) {
  vmir_decoder *dec = vm->dec->dec;
  vmir_track_frame *f = find_track(vm);
  if (!f || in->a >= f->count)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-field %u without a tracked struct", in->a);
  const vmir_field *field = &f->fields[in->a];
  if (bit_get(dec, f, in->a)) {
    if (!in->b) {
      char what[160];
      snprintf(what, sizeof what, "duplicate key '%s'", vmir_field_wire_name(field));
      return fail_at(exe, vm, err, VMIR_E_BUILD, vm->dec->key_offset, what);
    }
    /* last-wins: the earlier value is dropped before the new one is built */
    memset(f->addr + field->offset, 0, field->shape->size);
  }
  dec->bits[f->bits + in->a / 64] |= UINT64_C(1) << (in->a % 64);
  return VMIR_OK;
}

/* A field may be absent when it is an option, flagged default or skip, or
 * skip-if: the encoder omits a skip-if field exactly when its predicate
 * holds, and the builtin predicates hold for the zero value, so our own
 * output always decodes back. */
static vmir_status end_struct(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_decoder *dec = vm->dec->dec;
  vmir_track_frame *f = find_track(vm);
  if (!f || f != &dec->tracks[dec->track_len - 1])
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-end-struct does not close the innermost struct");
  /* Strict completion: absent fields are zero (options none, defaults),
   * unless required. A word of seen bits at a time: most structs arrive
   * complete, and only the absent fields are looked at, lowest first. */
  for (uint32_t w = 0; w * 64 < f->count; w++) {
    uint32_t left = f->count - w * 64;
    uint64_t all = left >= 64 ? UINT64_MAX : (UINT64_C(1) << left) - 1;
    for (uint64_t absent = ~dec->bits[f->bits + w] & all; absent; absent &= absent - 1) {
      uint32_t i = w * 64 + (uint32_t)__builtin_ctzll(absent);
      if (vmir_build_field_optional(&f->fields[i])) continue;
      return vmir_exec_fail(exe, vm, err, VMIR_E_BUILD, "missing required field '%s'",
                            vmir_field_wire_name(&f->fields[i]));
    }
  }
  dec->bits_len = f->bits;
  dec->track_len--;
  return VMIR_OK;
}

/* ---- unknown fields -------------------------------------------------------- */

/* --unknown collect: members append to the struct's `value` object or
 * map-of-`value` field, growing by doubling in the arena (the capacity is
 * kept in the struct's tracking frame), with the duplicates policy applied
 * to the collected keys through a keyed set (util/keyset.h). */
static vmir_status collect_unknown(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                                   vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_arena *arena = &d->dec->arena;
  const vmir_shape *s = CUR->shape;
  bool last_wins = in->b != 0;
  vmir_track_frame *track = find_track(vm);
  if (s->kind != VMIR_KIND_STRUCT || in->a >= s->u.fields.count || !track)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-collect-unknown needs a struct field");
  const vmir_field *f = &s->u.fields.fields[in->a];
  uint8_t *at = CUR_W + f->offset;
  size_t stride, value_at, align;
  vmir_list items;  /* the members or entries so far: same layout for both */
  if (f->shape->kind == VMIR_KIND_VALUE) {
    vmir_value obj;
    memcpy(&obj, at, sizeof obj);
    if (obj.type != VMIR_VALUE_OBJECT) obj = (vmir_value){.type = VMIR_VALUE_OBJECT};
    items = (vmir_list){obj.as.object.members, obj.as.object.len};
    stride = sizeof(vmir_member);
    value_at = offsetof(vmir_member, value);
    align = _Alignof(vmir_member);
  } else if (f->shape->kind == VMIR_KIND_MAP && f->shape->u.map.value->kind == VMIR_KIND_VALUE) {
    items = vmir_read_list(at);
    stride = f->shape->u.map.entry_size;
    value_at = f->shape->u.map.value_offset;
    align = f->shape->align;
  } else {
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-collect-unknown target is a %s",
                          vmir_kind_name(f->shape->kind));
  }
  if (items.len == 0 || items.ptr != track->collect_items) {
    /* first collected member, or the field was stored over since */
    track->collect_cap = 0;
    vmir_keyset_reset(&track->collect_keys);
  }
  size_t j;
  vmir_keyset_result found = vmir_keyset_lookup(&track->collect_keys, arena, items.ptr, stride,
                                                items.len, d->key, &j);
  if (found == VMIR_KEYSET_NOMEM) return arena_failed(exe, vm, err);
  if (found == VMIR_KEYSET_FOUND && !last_wins) {
    char what[160];
    snprintf(what, sizeof what, "duplicate key \"%.*s\"", (int)(d->key.len > 60 ? 60 : d->key.len),
             d->key.ptr ? d->key.ptr : "");
    return fail_at(exe, vm, err, VMIR_E_BUILD, d->key_offset, what);
  }
  if (d->notes.dup_found && !last_wins) return value_duplicate(exe, vm, &d->key, err);
  uint8_t *slot;
  if (found == VMIR_KEYSET_FOUND) {
    slot = (uint8_t *)(uintptr_t)items.ptr + j * stride;
  } else {
    if (items.len >= track->collect_cap) {
      size_t ncap = items.len ? items.len * 2 : 8;
      if (ncap > SIZE_MAX / stride) {
        vmir_arena_oversize(arena);
        return arena_failed(exe, vm, err);
      }
      uint8_t *grown = vmir_arena_alloc(arena, ncap * stride, align);
      if (!grown) return arena_failed(exe, vm, err);
      if (items.len) memcpy(grown, items.ptr, items.len * stride);
      items.ptr = grown;
      track->collect_cap = ncap;
    }
    slot = (uint8_t *)(uintptr_t)items.ptr + items.len * stride;
    memset(slot, 0, stride);
    char *key = vmir_arena_dup(arena, d->key.ptr ? d->key.ptr : "", d->key.len);
    if (!key) return arena_failed(exe, vm, err);
    vmir_str k = {key, d->key.len};
    memcpy(slot, &k, sizeof k);
    items.len++;
  }
  memcpy(slot + value_at, &d->value, sizeof d->value);
  track->collect_items = items.ptr;
  if (f->shape->kind == VMIR_KIND_VALUE) {
    vmir_value obj = {.type = VMIR_VALUE_OBJECT};
    obj.as.object.members = (vmir_member *)(uintptr_t)items.ptr;
    obj.as.object.len = items.len;
    memcpy(at, &obj, sizeof obj);
  } else {
    memcpy(at, &items, sizeof items);
  }
  return VMIR_OK;
}

/* ---- options, pointers, variants ------------------------------------------ */

static vmir_status set_option(const vmir_executable *exe, vmir_vm_state *vm, bool some,
                              vmir_error *err) {
  const vmir_shape *s = CUR->shape;
  uint8_t *p = CUR_W;
  if (s->kind != VMIR_KIND_OPTION)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "option action on a %s value", vmir_kind_name(s->kind));
  if (s->u.option.repr == VMIR_OPTION_FLAG) {
    memset(p + s->u.option.payload_offset, 0, s->u.option.payload->size);
    p[s->u.option.flag_offset] = some ? 1 : 0;
    return VMIR_OK;
  }
  void *payload = NULL;
  if (some) {
    payload = zalloc(&vm->dec->dec->arena, s->u.option.payload->size, s->u.option.payload->align);
    if (!payload) return arena_failed(exe, vm, err);
  }
  memcpy(p, &payload, sizeof payload);
  return VMIR_OK;
}

static vmir_status alloc_pointee(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  const vmir_shape *s = CUR->shape;
  if (s->kind != VMIR_KIND_POINTER)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-alloc-pointee on a %s value", vmir_kind_name(s->kind));
  void *target = zalloc(&vm->dec->dec->arena, s->u.pointer.target->size, s->u.pointer.target->align);
  if (!target) return arena_failed(exe, vm, err);
  memcpy(CUR_W, &target, sizeof target);
  return VMIR_OK;
}

static vmir_status select_variant(const vmir_executable *exe, vmir_vm_state *vm, uint32_t v,
                                  vmir_error *err) {
  const vmir_shape *s = CUR->shape;
  if (s->kind != VMIR_KIND_ENUM || v >= s->u.enumeration.count)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-select-variant %u invalid here", v);
  vmir_build_write_uint(CUR_W + s->u.enumeration.tag_offset, s->u.enumeration.tag_width,
             (uint64_t)s->u.enumeration.variants[v].discriminant);
  return VMIR_OK;
}

/* ---- lists, arrays, maps -------------------------------------------------- */

static vmir_status begin_container(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_decoder *dec = vm->dec->dec;
  const vmir_shape *s = CUR->shape;
  vmir_build_frame f;
  if (!vmir_build_frame_begin(s, CUR_W, &f))
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "container action on a %s value", vmir_kind_name(s->kind));
  size_t cap = dec->build_cap;
  vmir_build_frame *builds = vmir_decoder_grow(dec->builds, sizeof *builds, dec->build_len, &cap);
  if (!builds) return nomem(exe, vm, err);
  dec->builds = builds;
  dec->build_cap = (uint32_t)cap;
  dec->builds[dec->build_len++] = f;
  return VMIR_OK;
}

static vmir_build_frame *top_build(vmir_vm_state *vm) {
  vmir_decoder *dec = vm->dec->dec;
  if (dec->build_len == 0) return NULL;
  vmir_build_frame *f = &dec->builds[dec->build_len - 1];
  return f->dest == CUR_W && f->shape == CUR->shape ? f : NULL;
}

/* Makes room for one more list or map item (arena, doubling). */
static bool reserve_item(vmir_vm_state *vm, vmir_build_frame *f) {
  if (f->len < f->cap) return true;
  uint64_t ncap = f->cap ? f->cap * 2 : 8;
  if (ncap > SIZE_MAX / (f->stride ? f->stride : 1)) return false;
  vmir_arena *arena = &vm->dec->dec->arena;
  /* The innermost list being built is mostly the arena's last allocation:
   * then it grows where it is, with no copy. */
  if (f->cap && vmir_arena_extend(arena, f->items, (size_t)f->cap * f->stride, (size_t)ncap * f->stride)) {
    f->cap = ncap;
    return true;
  }
  uint8_t *items = vmir_arena_alloc(arena, (size_t)ncap * f->stride, f->shape->align);
  if (!items) return false;
  if (f->len) memcpy(items, f->items, (size_t)f->len * f->stride);
  f->items = items;
  f->cap = ncap;
  return true;
}

/* Inline, and the entry's fields stored in place: passed by value, the
 * key went through the stack into a 16-byte reload that store forwarding
 * could not serve (the costliest instruction of canada's decode). */
static inline __attribute__((always_inline)) vmir_status
enter_item(const vmir_executable *exe, vmir_vm_state *vm, uint8_t *addr, const vmir_shape *shape,
           vmir_segment seg, uint64_t index, const char *key, size_t key_len, vmir_error *err) {
  uint32_t level = vmir_vm_entry_level(&vm->path[vm->path_depth - 1], seg, index);
  if (vm->doc_depth_limit && level > vm->doc_depth_limit) return vmir_decode_too_deep(exe, vm, false, err);
  if (vm->path_depth == vm->path_cap && !vmir_vm_grow_path(vm)) return vmir_decode_too_deep(exe, vm, true, err);
  vmir_path_entry *e = &vm->path[vm->path_depth++];
  e->addr = addr;
  e->shape = shape;
  e->segment = seg;
  e->variant = 0;
  e->index = index;
  e->key.ptr = key;
  e->key.len = key_len;
  e->level = level;
  return VMIR_OK;
}

static vmir_status push_element(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_build_frame *f = top_build(vm);
  if (!f || f->shape->kind == VMIR_KIND_MAP)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-push-element outside a list being built");
  if (f->shape->kind == VMIR_KIND_ARRAY && f->len == f->cap)
    return vmir_exec_fail(exe, vm, err, VMIR_E_BUILD, "more than %llu elements for a fixed array",
                          (unsigned long long)f->cap);
  if (!reserve_item(vm, f)) return arena_failed(exe, vm, err);
  uint8_t *item = f->items + f->len * f->stride;
  memset(item, 0, f->stride);
  uint64_t index = f->len++;
  return enter_item(exe, vm, item, f->shape->u.sequence.element, VMIR_SEG_ELEMENT, index, NULL, 0,
                    err);
}

static vmir_status push_entry(const vmir_executable *exe, vmir_vm_state *vm, bool last_wins,
                              vmir_error *err) {
  vmir_decode_state *d = vm->dec;
  vmir_build_frame *f = top_build(vm);
  if (!f || f->shape->kind != VMIR_KIND_MAP)
    return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "build-push-entry outside a map being built");
  const vmir_shape *vs = f->shape->u.map.value;
  /* Duplicate keys: a keyed hash set over the entries built so far
   * (util/keyset.h), so a map of n keys costs O(n) expected, not O(n^2). */
  size_t i;
  vmir_keyset_result found = vmir_keyset_lookup(&f->keys, &d->dec->arena, f->items, f->stride,
                                                (size_t)f->len, d->key, &i);
  if (found == VMIR_KEYSET_NOMEM) return arena_failed(exe, vm, err);
  if (found == VMIR_KEYSET_FOUND) {
    uint8_t *entry = f->items + i * f->stride;
    vmir_str k = vmir_read_str(entry);
    if (!last_wins) {
      char what[160];
      snprintf(what, sizeof what, "duplicate map key \"%.*s\"", (int)(k.len > 60 ? 60 : k.len), k.ptr);
      return fail_at(exe, vm, err, VMIR_E_BUILD, d->key_offset, what);
    }
    memset(entry + f->shape->u.map.value_offset, 0, vs->size);
    return enter_item(exe, vm, entry + f->shape->u.map.value_offset, vs, VMIR_SEG_MAP_KEY, i, k.ptr,
                      k.len, err);
  }
  if (!reserve_item(vm, f)) return arena_failed(exe, vm, err);
  uint8_t *entry = f->items + f->len * f->stride;
  memset(entry, 0, f->stride);
  char *key = vmir_arena_dup(&d->dec->arena, d->key.ptr ? d->key.ptr : "", d->key.len);
  if (!key) return arena_failed(exe, vm, err);
  vmir_str k = {key, d->key.len};
  memcpy(entry, &k, sizeof k);
  uint64_t index = f->len++;
  return enter_item(exe, vm, entry + f->shape->u.map.value_offset, vs, VMIR_SEG_MAP_KEY, index,
                    k.ptr, k.len, err);
}

static vmir_status end_container(const vmir_executable *exe, vmir_vm_state *vm, vmir_error *err) {
  vmir_build_frame *f = top_build(vm);
  if (!f) return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "container end without its begin");
  if (!vmir_build_frame_end(f))
    return vmir_exec_fail(exe, vm, err, VMIR_E_BUILD, "expected %llu elements for a fixed array, found %llu",
                          (unsigned long long)f->cap, (unsigned long long)f->len);
  vm->dec->dec->build_len--;
  return VMIR_OK;
}

/* ---- the actions, one function each (exec/ops_build.h) ------------------------- */

vmir_status vmir_build_begin_struct(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                    uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return begin_struct(exe, vm, err);
}

vmir_status vmir_build_field(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a, uint32_t b,
                             vmir_error *err) {
  vmir_xinsn in = {.op = VMIR_OP_BUILD_FIELD, .a = a, .b = b};
  return build_field(exe, vm, &in, err);
}

vmir_status vmir_build_end_struct(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                  uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return end_struct(exe, vm, err);
}

vmir_status vmir_build_deny_unknown(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                    uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  vmir_decode_state *d = vm->dec;
  char what[160];
  snprintf(what, sizeof what, "unknown field \"%.*s\"", (int)(d->key.len > 60 ? 60 : d->key.len),
           d->key.ptr ? d->key.ptr : "");
  return fail_at(exe, vm, err, VMIR_E_BUILD, d->key_offset, what);
}

vmir_status vmir_build_collect_unknown(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                       uint32_t b, vmir_error *err) {
  vmir_xinsn in = {.op = VMIR_OP_BUILD_COLLECT_UNKNOWN, .a = a, .b = b};
  return collect_unknown(exe, vm, &in, err);
}

vmir_status vmir_build_store(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a, uint32_t b,
                             vmir_error *err) {
  (void)a, (void)b;
  return store_scalar(exe, vm, err);
}

vmir_status vmir_build_store_value(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                   uint32_t b, vmir_error *err) {
  (void)b;
  return store_value(exe, vm, a != 0, err);
}

vmir_status vmir_build_set_none(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return set_option(exe, vm, false, err);
}

vmir_status vmir_build_set_some(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return set_option(exe, vm, true, err);
}

vmir_status vmir_build_alloc_pointee(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                     uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return alloc_pointee(exe, vm, err);
}

vmir_status vmir_build_begin_list(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                  uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return begin_container(exe, vm, err);
}

vmir_status vmir_build_push_element(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                    uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return push_element(exe, vm, err);
}

vmir_status vmir_build_end_list(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return end_container(exe, vm, err);
}

vmir_status vmir_build_begin_map(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                 uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return begin_container(exe, vm, err);
}

vmir_status vmir_build_push_entry(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                  uint32_t b, vmir_error *err) {
  (void)b;
  return push_entry(exe, vm, a != 0, err);
}

vmir_status vmir_build_end_map(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                               uint32_t b, vmir_error *err) {
  (void)a, (void)b;
  return end_container(exe, vm, err);
}

vmir_status vmir_build_select_variant(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                                      uint32_t b, vmir_error *err) {
  (void)b;
  return select_variant(exe, vm, a, err);
}

vmir_status vmir_build_commit(const vmir_executable *exe, vmir_vm_state *vm, uint32_t a,
                              uint32_t b, vmir_error *err) {
  (void)exe, (void)a, (void)b, (void)err;
  vmir_decode_state *d = vm->dec;
  /* The only write into the caller's destination. */
  if (!d->commit_blocked) memcpy(d->dest, d->shadow, d->root_size);
  d->committed = true;
  return VMIR_OK;
}

vmir_status vmir_build_action(const vmir_executable *exe, vmir_vm_state *vm, const vmir_xinsn *in,
                              vmir_error *err) {
  switch ((vmir_opcode)in->op) {
#define BUILD_CASE(OP, name) \
  case VMIR_OP_##OP: return vmir_build_##name(exe, vm, in->a, in->b, err);
    VMIR_BUILD_OPS(BUILD_CASE)
#undef BUILD_CASE
    default:
      return vmir_exec_fail(exe, vm, err, VMIR_E_EXEC, "%s is not a build action",
                            vmir_op_info_of(in->op)->name);
  }
}
