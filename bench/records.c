#include "records.h"

#include <string.h>

#include "format/json_lex.h"
#include "format/json_quote.h"
#include "sink/sink_internal.h"

static const vmir_shape str_list_shape = VMIR_LIST_SHAPE(&vmir_shape_string);
static const vmir_field record_fields[] = {
    VMIR_FIELD(record, id, &vmir_shape_u64),
    VMIR_FIELD(record, name, &vmir_shape_string),
    VMIR_FIELD(record, score, &vmir_shape_f64),
    VMIR_FIELD(record, active, &vmir_shape_bool),
    VMIR_FIELD(record, delta, &vmir_shape_i32),
    VMIR_FIELD(record, tags, &str_list_shape),
};
static const vmir_shape record_shape = VMIR_STRUCT(record, record_fields);
static const vmir_shape record_list_shape = VMIR_LIST_SHAPE(&record_shape);
static const vmir_field records_fields[] = {
    VMIR_FIELD(records, items, &record_list_shape),
};
const vmir_shape records_shape = VMIR_STRUCT(records, records_fields);

static uint64_t mix(uint64_t *s) {
  uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

static const char *const names[] = {"Ada Lovelace", "Grace Hopper", "Edsger Dijkstra",
                                    "Barbara Liskov", "Ken Thompson", "Fran\xc3\xa7oise",
                                    "Niklaus \"Wirth\"", "Donald Knuth"};
static const char *const tags[] = {"compilers", "jit", "json", "msgpack", "simd", "arena"};

bool records_generate(records *out, uint32_t n, uint64_t seed, vmir_arena *arena) {
  record *items = vmir_arena_alloc(arena, (size_t)n * sizeof *items, _Alignof(record));
  vmir_str *tag_pool = vmir_arena_alloc(arena, (size_t)n * 3 * sizeof *tag_pool, _Alignof(vmir_str));
  if (!items || !tag_pool) return false;
  for (uint32_t i = 0; i < n; i++) {
    record *r = &items[i];
    r->id = mix(&seed) >> 12;
    const char *name = names[mix(&seed) % 8];
    r->name = (vmir_str){name, strlen(name)};
    r->score = (double)(mix(&seed) % 1000000) / 1000.0;
    r->active = mix(&seed) & 1;
    r->delta = (int32_t)(mix(&seed) % 20001) - 10000;
    size_t nt = mix(&seed) % 4;
    vmir_str *t = tag_pool + (size_t)i * 3;
    for (size_t k = 0; k < nt && k < 3; k++) {
      const char *tag = tags[mix(&seed) % 6];
      t[k] = (vmir_str){tag, strlen(tag)};
    }
    r->tags.ptr = t;
    r->tags.len = nt < 3 ? nt : 3;
  }
  out->items.ptr = items;
  out->items.len = n;
  return true;
}

/* ---- hand-written encoder ---------------------------------------------- */

static bool put_string(vmir_buf *b, vmir_str s) {
  size_t bad;
  return vmir_json_quote(b, (const uint8_t *)s.ptr, s.len, true, 0, &bad) == VMIR_JSON_QUOTED;
}

static void put_lit(vmir_buf *b, const char *s, size_t n) { vmir_buf_append(b, s, n); }
#define LIT(b, s) put_lit((b), (s), sizeof(s) - 1)

bool records_encode_json(const records *r, vmir_buf *b) {
  char num[40];
  LIT(b, "{\"items\":[");
  for (size_t i = 0; i < r->items.len; i++) {
    const record *x = &r->items.ptr[i];
    if (i) vmir_buf_putc(b, ',');
    LIT(b, "{\"id\":");
    vmir_buf_append(b, num, vmir_sink_format_u64(num, x->id));
    LIT(b, ",\"name\":");
    if (!put_string(b, x->name)) return false;
    LIT(b, ",\"score\":");
    vmir_buf_append(b, num, vmir_sink_format_float(num, x->score, false));
    if (x->active) LIT(b, ",\"active\":true,\"delta\":");
    else LIT(b, ",\"active\":false,\"delta\":");
    if (x->delta < 0) {
      vmir_buf_putc(b, '-');
      vmir_buf_append(b, num, vmir_sink_format_u64(num, (uint64_t)(-(int64_t)x->delta)));
    } else {
      vmir_buf_append(b, num, vmir_sink_format_u64(num, (uint64_t)x->delta));
    }
    LIT(b, ",\"tags\":[");
    for (size_t k = 0; k < x->tags.len; k++) {
      if (k) vmir_buf_putc(b, ',');
      if (!put_string(b, x->tags.ptr[k])) return false;
    }
    LIT(b, "]}");
  }
  LIT(b, "]}");
  return !b->failed;
}

/* ---- hand-written decoder ---------------------------------------------- */

static bool key_is(vmir_str k, const char *lit, size_t n) {
  return k.len == n && memcmp(k.ptr, lit, n) == 0;
}
#define KEY(k, s) key_is((k), (s), sizeof(s) - 1)

static bool read_str(vmir_source *src, vmir_arena *a, vmir_str *out, vmir_error *err) {
  vmir_scalar sc;
  if (vmir_json_read_string(src, a, &sc, err) != VMIR_OK) return false;
  char *copy = vmir_arena_dup(a, sc.as.string.ptr, sc.as.string.len);
  if (!copy) return false;
  *out = (vmir_str){copy, sc.as.string.len};
  return true;
}

static bool decode_record(vmir_source *src, vmir_arena *a, record *r, vmir_error *err) {
  bool end;
  uint32_t seen = 0;
  if (vmir_json_begin_object(src, &end, err) != VMIR_OK || end) return false;
  do {
    vmir_str key;
    vmir_scalar sc;
    if (vmir_json_read_key(src, a, &key, err) != VMIR_OK) return false;
    if (KEY(key, "id")) {
      if (vmir_json_read_number(src, a, &sc, err) != VMIR_OK || sc.type != VMIR_SCALAR_UINT) return false;
      r->id = sc.as.u64;
      seen |= 1;
    } else if (KEY(key, "name")) {
      if (!read_str(src, a, &r->name, err)) return false;
      seen |= 2;
    } else if (KEY(key, "score")) {
      if (vmir_json_read_number(src, a, &sc, err) != VMIR_OK) return false;
      r->score = sc.type == VMIR_SCALAR_FLOAT ? sc.as.f64
                 : sc.type == VMIR_SCALAR_UINT ? (double)sc.as.u64 : (double)sc.as.i64;
      seen |= 4;
    } else if (KEY(key, "active")) {
      if (vmir_json_read_bool(src, &sc, err) != VMIR_OK) return false;
      r->active = sc.as.boolean;
      seen |= 8;
    } else if (KEY(key, "delta")) {
      if (vmir_json_read_number(src, a, &sc, err) != VMIR_OK) return false;
      if (sc.type == VMIR_SCALAR_UINT && sc.as.u64 <= INT32_MAX) r->delta = (int32_t)sc.as.u64;
      else if (sc.type == VMIR_SCALAR_INT && sc.as.i64 >= INT32_MIN) r->delta = (int32_t)sc.as.i64;
      else return false;
      seen |= 16;
    } else if (KEY(key, "tags")) {
      bool empty;
      if (vmir_json_begin_array(src, &empty, err) != VMIR_OK) return false;
      vmir_str tmp[16];
      size_t n = 0;
      for (bool done = empty; !done;) {
        if (n == 16 || !read_str(src, a, &tmp[n++], err)) return false;
        if (vmir_json_next_element(src, &done, err) != VMIR_OK) return false;
      }
      vmir_str *t = n ? vmir_arena_dup(a, tmp, n * sizeof *tmp) : NULL;
      r->tags.ptr = t;
      r->tags.len = n;
      seen |= 32;
    } else {
      return false;
    }
    if (vmir_json_next_member(src, &end, err) != VMIR_OK) return false;
  } while (!end);
  return seen == 63;
}

bool records_decode_json(const uint8_t *in, size_t len, records *out, vmir_arena *a) {
  vmir_source src;
  vmir_error err;
  vmir_source_init(&src, in, len, VMIR_SOURCE_TEXT);
  bool end;
  vmir_str key;
  if (vmir_json_begin_object(&src, &end, &err) != VMIR_OK || end) return false;
  if (vmir_json_read_key(&src, a, &key, &err) != VMIR_OK || !KEY(key, "items")) return false;
  if (vmir_json_begin_array(&src, &end, &err) != VMIR_OK) return false;
  size_t cap = 1024, n = 0;
  record *items = vmir_arena_alloc(a, cap * sizeof *items, _Alignof(record));
  while (items && !end) {
    if (n == cap) {
      record *grown = vmir_arena_alloc(a, 2 * cap * sizeof *items, _Alignof(record));
      if (!grown) return false;
      memcpy(grown, items, n * sizeof *items);
      items = grown;
      cap *= 2;
    }
    memset(&items[n], 0, sizeof items[n]);
    if (!decode_record(&src, a, &items[n++], &err)) return false;
    if (vmir_json_next_element(&src, &end, &err) != VMIR_OK) return false;
  }
  if (!items || vmir_json_next_member(&src, &end, &err) != VMIR_OK || !end) return false;
  if (vmir_json_expect_end(&src, &err) != VMIR_OK) return false;
  out->items.ptr = items;
  out->items.len = n;
  return true;
}
