/* Edge-case edits of generated values (see value_edit.h). The walk follows
 * the shape over the value's memory exactly as the encoder will, reading
 * tags, flags and pointers with memcpy. */
#include "value_edit.h"

#include <float.h>
#include <math.h>
#include <string.h>

typedef struct editor {
  uint64_t state;
  vmir_arena *arena;
  uint32_t rate;
} editor;

static uint64_t next(editor *e) {
  uint64_t z = (e->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t below(editor *e, uint64_t n) { return n ? next(e) % n : 0; }
static bool hit(editor *e) { return e->rate && below(e, e->rate) == 0; }

static const char *const strings[] = {
    "", "a", "\"", "\\", "/", "\x01\x1f", "\x7f", "caf\xc3\xa9", "\xe2\x80\xa8", "\xf0\x9f\x98\x80",
    "\xff", "\xc0\x80", "\xed\xa0\x80", "\xe2\x82", "\xf4\x90\x80\x80", "nul\0in", "type", "id"};
#define STRING_COUNT (sizeof strings / sizeof strings[0])

static vmir_str edge_string(editor *e) {
  uint64_t k = below(e, STRING_COUNT + 1);
  if (k == STRING_COUNT) { /* a long one */
    size_t n = 100 + (size_t)below(e, 200);
    char *p = vmir_arena_alloc(e->arena, n, 1);
    if (!p) return (vmir_str){"", 0};
    for (size_t i = 0; i < n; i++) p[i] = (char)('a' + i % 26);
    return (vmir_str){p, n};
  }
  const char *s = strings[k];
  size_t n = k == 15 ? 6 : strlen(s); /* "nul\0in" keeps its NUL */
  char *p = vmir_arena_dup(e->arena, s, n);
  return p ? (vmir_str){p, n} : (vmir_str){"", 0};
}

static double edge_double(editor *e) {
  static const double d[] = {0.0, 1.0, 0.1, 1e21, 1e-7, 5e-324, DBL_MIN, DBL_MAX, 9007199254740993.0,
                             123456.789, -1.5, 1e300};
  uint64_t k = below(e, 16);
  if (k < 12) return d[k];
  if (k == 12) return NAN;
  if (k == 13) return INFINITY;
  if (k == 14) return -INFINITY;
  return -0.0;
}

static void write_uint(uint8_t *p, uint32_t width, uint64_t v) {
  switch (width) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
  }
}

static int64_t read_int(const uint8_t *p, uint32_t width) {
  switch (width) {
    case 1: { int8_t x; memcpy(&x, p, 1); return x; }
    case 2: { int16_t x; memcpy(&x, p, 2); return x; }
    case 4: { int32_t x; memcpy(&x, p, 4); return x; }
    default: { int64_t x; memcpy(&x, p, 8); return x; }
  }
}

static void edit_int(editor *e, const vmir_shape *s, uint8_t *p) {
  bool is_signed = s->kind >= VMIR_KIND_I8 && s->kind <= VMIR_KIND_I64;
  uint32_t bits = 8 * s->size;
  uint64_t max = bits == 64 ? UINT64_MAX : (UINT64_C(1) << bits) - 1;
  uint64_t v;
  switch (below(e, 4)) {
    case 0: v = 0; break;
    case 1: v = is_signed ? max >> 1 : max; break;            /* max */
    case 2: v = is_signed ? (max >> 1) + 1 : 1; break;        /* min (two's complement) */
    default: v = is_signed ? max : (max >> 1) + 1; break;     /* -1, or the top bit */
  }
  write_uint(p, s->size, v);
}

static void random_tree(editor *e, vmir_value *v, uint32_t depth) {
  memset(v, 0, sizeof *v);
  uint64_t t = below(e, depth >= 3 ? 7 : 9);
  switch (t) {
    case 0: v->type = VMIR_VALUE_NULL; return;
    case 1: v->type = VMIR_VALUE_BOOL; v->as.boolean = next(e) & 1; return;
    case 2: v->type = VMIR_VALUE_INT; v->as.i64 = -(int64_t)(next(e) >> (1 + below(e, 63))) - 1; return;
    case 3: v->type = VMIR_VALUE_UINT; v->as.u64 = next(e) >> below(e, 64); return;
    case 4: v->type = VMIR_VALUE_FLOAT; v->as.f64 = edge_double(e); return;
    case 5: v->type = VMIR_VALUE_STRING; v->as.string = edge_string(e); return;
    case 6: {
      v->type = VMIR_VALUE_BYTES;
      size_t n = (size_t)below(e, 6);
      uint8_t *b = vmir_arena_alloc(e->arena, n ? n : 1, 1);
      if (!b) n = 0;
      for (size_t i = 0; i < n; i++) b[i] = (uint8_t)next(e);
      v->as.bytes = (vmir_bytes){b, n};
      return;
    }
    case 7: {
      size_t n = (size_t)below(e, 4);
      vmir_value *items = n ? vmir_arena_alloc(e->arena, n * sizeof *items, _Alignof(vmir_value)) : NULL;
      if (!items) n = 0;
      for (size_t i = 0; i < n; i++) random_tree(e, &items[i], depth + 1);
      v->type = VMIR_VALUE_ARRAY;
      v->as.array.items = items;
      v->as.array.len = n;
      return;
    }
    default: {
      size_t n = (size_t)below(e, 4);
      vmir_member *ms = n ? vmir_arena_alloc(e->arena, n * sizeof *ms, _Alignof(vmir_member)) : NULL;
      if (!ms) n = 0;
      for (size_t i = 0; i < n; i++) {
        ms[i].key = edge_string(e);
        random_tree(e, &ms[i].value, depth + 1);
      }
      v->type = VMIR_VALUE_OBJECT;
      v->as.object.members = ms;
      v->as.object.len = n;
      return;
    }
  }
}

void fz_value_random(vmir_value *out, vmir_arena *arena, uint64_t seed) {
  editor e = {seed, arena, 1};
  random_tree(&e, out, 0);
}

static void walk(editor *e, const vmir_shape *s, uint8_t *p, uint32_t depth);

static void walk_fields(editor *e, const vmir_field *f, uint32_t n, uint8_t *base, uint32_t depth) {
  for (uint32_t i = 0; i < n; i++) walk(e, f[i].shape, base + f[i].offset, depth + 1);
}

static void walk_enum(editor *e, const vmir_shape *s, uint8_t *p, uint32_t depth) {
  uint32_t w = s->u.enumeration.tag_width;
  uint8_t *tag = p + s->u.enumeration.tag_offset;
  int64_t d = read_int(tag, w);
  for (uint32_t i = 0; i < s->u.enumeration.count; i++) {
    const vmir_variant *v = &s->u.enumeration.variants[i];
    if (v->discriminant != d) continue;
    walk_fields(e, v->fields, v->field_count, p, depth);
    break;
  }
  if (!hit(e) || below(e, 4)) return;
  /* A tag that matches no variant (when one fits the width). */
  for (int64_t k = 1; k < 64; k++) {
    uint8_t buf[8];
    write_uint(buf, w, (uint64_t)d + (uint64_t)k);
    int64_t stored = read_int(buf, w);
    bool used = false;
    for (uint32_t i = 0; i < s->u.enumeration.count; i++)
      used |= s->u.enumeration.variants[i].discriminant == stored;
    if (!used) {
      memcpy(tag, buf, w);
      return;
    }
  }
}

static void walk(editor *e, const vmir_shape *s, uint8_t *p, uint32_t depth) {
  if (depth > 96) return;
  switch (s->kind) {
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
      if (hit(e)) edit_int(e, s, p);
      return;
    case VMIR_KIND_F32:
      if (hit(e)) {
        float f = (float)edge_double(e);
        memcpy(p, &f, sizeof f);
      }
      return;
    case VMIR_KIND_F64:
      if (hit(e)) {
        double d = edge_double(e);
        memcpy(p, &d, sizeof d);
      }
      return;
    case VMIR_KIND_STRING:
      if (hit(e)) {
        vmir_str v = edge_string(e);
        memcpy(p, &v, sizeof v);
      }
      return;
    case VMIR_KIND_BYTES:
      if (hit(e)) {
        vmir_str v = edge_string(e);
        vmir_bytes b = {(const uint8_t *)v.ptr, v.len};
        memcpy(p, &b, sizeof b);
      }
      return;
    case VMIR_KIND_VALUE: {
      vmir_value v;
      random_tree(e, &v, 0);
      memcpy(p, &v, sizeof v);
      return;
    }
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE:
      walk_fields(e, s->u.fields.fields, s->u.fields.count, p, depth);
      return;
    case VMIR_KIND_ENUM:
      walk_enum(e, s, p, depth);
      return;
    case VMIR_KIND_OPTION:
      if (s->u.option.repr == VMIR_OPTION_FLAG) {
        if (p[s->u.option.flag_offset]) walk(e, s->u.option.payload, p + s->u.option.payload_offset, depth + 1);
      } else {
        uint8_t *target;
        memcpy(&target, p, sizeof target);
        if (target) walk(e, s->u.option.payload, target, depth + 1);
      }
      return;
    case VMIR_KIND_POINTER: {
      uint8_t *target;
      memcpy(&target, p, sizeof target);
      if (target) walk(e, s->u.pointer.target, target, depth + 1);
      return;
    }
    case VMIR_KIND_LIST:
    case VMIR_KIND_MAP: {
      vmir_list l;
      memcpy(&l, p, sizeof l);
      bool map = s->kind == VMIR_KIND_MAP;
      const vmir_shape *es = map ? s->u.map.value : s->u.sequence.element;
      size_t stride = map ? s->u.map.entry_size : es->size;
      for (size_t i = 0; i < l.len; i++) {
        uint8_t *item = (uint8_t *)l.ptr + i * stride;
        if (map && hit(e)) {
          vmir_str key = edge_string(e);
          if (i > 0 && below(e, 2)) memcpy(&key, item - stride, sizeof key); /* duplicate */
          memcpy(item, &key, sizeof key);
        }
        walk(e, es, map ? item + s->u.map.value_offset : item, depth + 1);
      }
      return;
    }
    case VMIR_KIND_ARRAY:
      for (uint32_t i = 0; i < s->u.sequence.count; i++)
        walk(e, s->u.sequence.element, p + (size_t)i * s->u.sequence.element->size, depth + 1);
      return;
    default:
      return;
  }
}

void fz_value_edit(const vmir_shape *shape, void *value, vmir_arena *arena, uint64_t seed,
                   uint32_t rate) {
  editor e = {seed, arena, rate};
  walk(&e, shape, value, 0);
}
