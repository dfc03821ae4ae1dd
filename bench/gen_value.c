#include "gen_value.h"

#include <stdio.h>
#include <string.h>

static uint64_t next(vmir_gen *g) {
  uint64_t z = (g->state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static uint64_t below(vmir_gen *g, uint64_t n) { return n ? next(g) % n : 0; }

static const char *const words[] = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot",
                                    "golf", "hotel", "india", "juliett", "kilo", "lima",
                                    "caf\xc3\xa9", "\xe2\x82\xacuro", "quote\"d", "line\nbreak"};

static bool gen_string(vmir_gen *g, vmir_str *out, bool key, uint64_t unique) {
  char buf[96];
  size_t n = 0;
  if (key) {
    n = (size_t)snprintf(buf, sizeof buf, "k%llu", (unsigned long long)unique);
  } else {
    uint64_t count = 1 + below(g, 5);
    for (uint64_t i = 0; i < count && n < 64; i++) {
      const char *w = words[below(g, sizeof words / sizeof words[0])];
      size_t wl = strlen(w);
      if (n) buf[n++] = ' ';
      memcpy(buf + n, w, wl);
      n += wl;
    }
  }
  char *s = vmir_arena_dup(g->arena, buf, n);
  if (!s) return false;
  *out = (vmir_str){s, n};
  return true;
}

static void write_int(uint8_t *p, uint32_t width, uint64_t v) {
  switch (width) {
    case 1: { uint8_t x = (uint8_t)v; memcpy(p, &x, 1); break; }
    case 2: { uint16_t x = (uint16_t)v; memcpy(p, &x, 2); break; }
    case 4: { uint32_t x = (uint32_t)v; memcpy(p, &x, 4); break; }
    default: memcpy(p, &v, 8); break;
  }
}

static bool gen(vmir_gen *g, const vmir_shape *s, uint8_t *p, uint32_t depth);

static bool gen_fields(vmir_gen *g, const vmir_field *f, uint32_t n, uint8_t *base, uint32_t depth) {
  for (uint32_t i = 0; i < n; i++)
    if (!(f[i].flags & VMIR_FIELD_SKIP) && !gen(g, f[i].shape, base + f[i].offset, depth + 1)) return false;
  return true;
}

static uint64_t list_len(vmir_gen *g, uint32_t depth) {
  if (depth >= g->max_depth) return 0;
  if (depth <= 2 && g->top_list) return g->top_list;
  return below(g, g->max_list + 1);
}

static bool gen(vmir_gen *g, const vmir_shape *s, uint8_t *p, uint32_t depth) {
  memset(p, 0, s->size);
  switch (s->kind) {
    case VMIR_KIND_BOOL: p[0] = (uint8_t)(next(g) & 1); return true;
    case VMIR_KIND_U8: case VMIR_KIND_U16: case VMIR_KIND_U32: case VMIR_KIND_U64:
      write_int(p, s->size, next(g) >> (next(g) % 64));
      return true;
    case VMIR_KIND_I8: case VMIR_KIND_I16: case VMIR_KIND_I32: case VMIR_KIND_I64:
      write_int(p, s->size, (uint64_t)((int64_t)(next(g) >> (next(g) % 64)) * ((next(g) & 1) ? -1 : 1)));
      return true;
    case VMIR_KIND_F32: { float f = (float)((double)(int64_t)next(g) / 1e15); memcpy(p, &f, 4); return true; }
    case VMIR_KIND_F64: { double d = (double)(int64_t)next(g) / 1e12; memcpy(p, &d, 8); return true; }
    case VMIR_KIND_UNIT: return true;
    case VMIR_KIND_TIMESTAMP: {
      /* any second of years 0000..9999, so JSON (RFC 3339) can hold it */
      vmir_timestamp t = {(int64_t)(next(g) % UINT64_C(315537897600)) - INT64_C(62167219200),
                          (uint32_t)(next(g) % 1000000000u)};
      memcpy(p, &t, sizeof t);
      return true;
    }
    case VMIR_KIND_STRING: {
      vmir_str v;
      if (!gen_string(g, &v, false, 0)) return false;
      memcpy(p, &v, sizeof v);
      return true;
    }
    case VMIR_KIND_BYTES: {
      size_t n = (size_t)below(g, 8);
      uint8_t *b = vmir_arena_alloc(g->arena, n ? n : 1, 1);
      if (!b) return false;
      for (size_t i = 0; i < n; i++) b[i] = (uint8_t)next(g);
      vmir_bytes v = {b, n};
      memcpy(p, &v, sizeof v);
      return true;
    }
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE:
      return gen_fields(g, s->u.fields.fields, s->u.fields.count, p, depth);
    case VMIR_KIND_ENUM: {
      if (!s->u.enumeration.count) return false;
      const vmir_variant *v = &s->u.enumeration.variants[below(g, s->u.enumeration.count)];
      write_int(p + s->u.enumeration.tag_offset, s->u.enumeration.tag_width, (uint64_t)v->discriminant);
      return gen_fields(g, v->fields, v->field_count, p, depth);
    }
    case VMIR_KIND_OPTION: {
      bool some = depth < g->max_depth && (next(g) % 4) != 0;
      if (!some) return true;
      const vmir_shape *ps = s->u.option.payload;
      if (s->u.option.repr == VMIR_OPTION_FLAG) {
        p[s->u.option.flag_offset] = 1;
        return gen(g, ps, p + s->u.option.payload_offset, depth + 1);
      }
      uint8_t *target = vmir_arena_alloc(g->arena, ps->size ? ps->size : 1, ps->align ? ps->align : 1);
      if (!target || !gen(g, ps, target, depth + 1)) return false;
      memcpy(p, &target, sizeof target);
      return true;
    }
    case VMIR_KIND_POINTER: {
      const vmir_shape *ts = s->u.pointer.target;
      uint8_t *target = vmir_arena_alloc(g->arena, ts->size ? ts->size : 1, ts->align ? ts->align : 1);
      if (!target || !gen(g, ts, target, depth + 1)) return false;
      memcpy(p, &target, sizeof target);
      return true;
    }
    case VMIR_KIND_LIST:
    case VMIR_KIND_MAP: {
      bool map = s->kind == VMIR_KIND_MAP;
      const vmir_shape *es = map ? s->u.map.value : s->u.sequence.element;
      uint32_t stride = map ? s->u.map.entry_size : es->size;
      uint64_t n = list_len(g, depth);
      uint8_t *items = n ? vmir_arena_alloc(g->arena, (size_t)n * stride, s->align) : NULL;
      if (n && !items) return false;
      for (uint64_t i = 0; i < n; i++) {
        uint8_t *item = items + i * stride;
        if (map) {
          memset(item, 0, stride);
          vmir_str key;
          if (!gen_string(g, &key, true, i)) return false;
          memcpy(item, &key, sizeof key);
          if (!gen(g, es, item + s->u.map.value_offset, depth + 1)) return false;
        } else if (!gen(g, es, item, depth + 1)) {
          return false;
        }
      }
      vmir_list l = {items, (size_t)n};
      memcpy(p, &l, sizeof l);
      return true;
    }
    case VMIR_KIND_ARRAY:
      for (uint32_t i = 0; i < s->u.sequence.count; i++)
        if (!gen(g, s->u.sequence.element, p + i * s->u.sequence.element->size, depth + 1)) return false;
      return true;
    case VMIR_KIND_VALUE: {
      vmir_value v = {.type = VMIR_VALUE_UINT, .as.u64 = below(g, 1000)};
      memcpy(p, &v, sizeof v);
      return true;
    }
    case VMIR_KIND_COUNT: break;
  }
  return false;
}

bool vmir_gen_value(vmir_gen *g, const vmir_shape *shape, void *out) {
  return gen(g, shape, out, 0);
}
