/* json-c and msgpack-c as independent judges of the `value` kind (see
 * peer_value.h). Both trees are walked iteratively-bounded (the peers cap
 * nesting, so recursion depth here is at most their limit). */
#include "peer_value.h"

#include <json-c/json.h>
#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool fz_utf8_valid(const uint8_t *s, size_t len) {
  size_t i = 0;
  while (i < len) {
    uint8_t c = s[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    size_t n;
    uint32_t cp, min;
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; min = 0x80; }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; min = 0x800; }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; min = 0x10000; }
    else return false;
    if (len - i <= n) return false;
    for (size_t k = 1; k <= n; k++) {
      if ((s[i + k] & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (s[i + k] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

/* ---- JSON ----------------------------------------------------------------- */

static int hex4(const uint8_t *p) {
  int v = 0;
  for (int k = 0; k < 4; k++) {
    int c = p[k], d;
    if (c >= '0' && c <= '9') d = c - '0';
    else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
    else return -1;
    v = v * 16 + d;
  }
  return v;
}

/* The string starting after the opening quote at *i; returns a divergence
 * class or NULL and leaves *i after the closing quote. */
static const char *json_string_class(const uint8_t *s, size_t n, size_t *i) {
  size_t start = *i;
  while (*i < n && s[*i] != '"') {
    if (s[*i] < 0x20) return "raw control character in a string";
    if (s[*i] != '\\') {
      (*i)++;
      continue;
    }
    if (*i + 5 < n && s[*i + 1] == 'u') {
      int u = hex4(s + *i + 2);
      if (u >= 0xd800 && u <= 0xdbff) {
        int lo = *i + 11 < n && s[*i + 6] == '\\' && s[*i + 7] == 'u' ? hex4(s + *i + 8) : -1;
        if (lo < 0xdc00 || lo > 0xdfff) return "lone surrogate escape";
        *i += 12;
        continue;
      }
      if (u >= 0xdc00 && u <= 0xdfff) return "lone surrogate escape";
      *i += 6;
      continue;
    }
    *i += 2;
  }
  /* Escapes are ASCII, so the raw span validates as UTF-8 iff its
   * unescaped bytes do. */
  if (!fz_utf8_valid(s + start, (*i < n ? *i : n) - start)) return "invalid UTF-8 in a string";
  (*i)++;
  return NULL;
}

static const char *json_number_class(const uint8_t *s, size_t n, size_t *i) {
  size_t st = *i;
  bool frac = false, exp = false;
  while (*i < n && ((s[*i] >= '0' && s[*i] <= '9') || s[*i] == '.' || s[*i] == 'e' ||
                    s[*i] == 'E' || s[*i] == '+' || s[*i] == '-')) {
    if (s[*i] == '.') {
      frac = true;
      if (*i + 1 >= n || s[*i + 1] < '0' || s[*i + 1] > '9') return "number with no digit after '.'";
    }
    if (s[*i] == 'e' || s[*i] == 'E') exp = true;
    (*i)++;
  }
  size_t digits = st + (s[st] == '-');
  if (digits >= *i || s[digits] < '0' || s[digits] > '9') return "number without integer digits";
  if (digits + 1 < *i && s[digits] == '0' && s[digits + 1] >= '0' && s[digits + 1] <= '9')
    return "number with a leading zero";
  size_t len = *i - st;
  char *buf = malloc(len + 1);
  if (!buf) abort();
  memcpy(buf, s + st, len);
  buf[len] = 0;
  const char *why = NULL;
  if (!frac && !exp) {
    bool neg = buf[0] == '-';
    const char *d = buf + neg;
    size_t dl = strlen(d);
    const char *lim = neg ? "9223372036854775808" : "18446744073709551615";
    if (dl > strlen(lim) || (dl == strlen(lim) && strcmp(d, lim) > 0)) why = "integer beyond 64 bits";
  } else if (isinf(strtod(buf, NULL))) {
    why = "number beyond the double range";
  }
  free(buf);
  return why;
}

/* The divergence class of a document json-c accepted, or NULL. */
static const char *json_class(const uint8_t *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    uint8_t c = s[i];
    const char *why = NULL;
    if (c == '"') {
      i++;
      why = json_string_class(s, n, &i);
    } else if (c == '\'') {
      return "single-quoted string";
    } else if (c == 'N' || c == 'I' || (c == '-' && i + 1 < n && s[i + 1] == 'I')) {
      return "NaN or Infinity literal";
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      why = json_number_class(s, n, &i);
    } else {
      i++;
    }
    if (why) return why;
  }
  return NULL;
}

static bool has_replacement(const char *s, size_t n) {
  for (size_t i = 0; i + 3 <= n; i++)
    if (memcmp(s + i, "\xef\xbf\xbd", 3) == 0) return true;
  return false;
}

static bool same_double(double a, double b) {
  return (isnan(a) && isnan(b)) || (a == b && signbit(a) == signbit(b)) || (a == 0 && b == 0);
}

static bool json_equal(const vmir_value *v, json_object *j, char *diff, size_t cap, bool *excluded);

static bool members_equal(const vmir_value *v, json_object *j, char *diff, size_t cap,
                              bool *excluded) {
  /* json-c keys are C strings: a key holding U+0000 is cut there, so it
   * may collide with any other member ("a\u0000" replaces "a"). Looked
   * for before any member is compared, which could fail on the collision
   * first. */
  for (size_t i = 0; i < v->as.object.len; i++) {
    const vmir_str *key = &v->as.object.members[i].key;
    if (key->len && memchr(key->ptr, 0, key->len)) {
      *excluded = true;
      return true;
    }
  }
  size_t distinct = 0;
  for (size_t i = 0; i < v->as.object.len; i++) {
    const vmir_member *m = &v->as.object.members[i];
    bool later = false;
    for (size_t k = i + 1; k < v->as.object.len && !later; k++) {
      const vmir_str *o = &v->as.object.members[k].key;
      later = o->len == m->key.len && (o->len == 0 || memcmp(o->ptr, m->key.ptr, o->len) == 0);
    }
    if (later) continue; /* json-c keeps the last duplicate */
    distinct++;
    char *key = malloc(m->key.len + 1);
    if (!key) abort();
    if (m->key.len) memcpy(key, m->key.ptr, m->key.len);
    key[m->key.len] = 0;
    json_object *jv = NULL;
    bool found = json_object_object_get_ex(j, key, &jv);
    if (!found) snprintf(diff, cap, "json-c has no member \"%.40s\"", key);
    free(key);
    if (!found || !json_equal(&m->value, jv, diff, cap, excluded)) return false;
  }
  if (distinct != (size_t)json_object_object_length(j)) {
    snprintf(diff, cap, "objects have %zu and %d members", distinct, json_object_object_length(j));
    return false;
  }
  return true;
}

static bool json_equal(const vmir_value *v, json_object *j, char *diff, size_t cap, bool *excluded) {
  json_type t = json_object_get_type(j);
  bool ok = false;
  switch (v->type) {
    case VMIR_VALUE_NULL: ok = t == json_type_null; break;
    case VMIR_VALUE_BOOL: ok = t == json_type_boolean && json_object_get_boolean(j) == v->as.boolean; break;
    case VMIR_VALUE_INT:
      ok = (t == json_type_int && json_object_get_int64(j) == v->as.i64) ||
           (t == json_type_double && json_object_get_double(j) == (double)v->as.i64);
      break;
    case VMIR_VALUE_UINT:
      ok = (t == json_type_int && json_object_get_int64(j) >= 0 && json_object_get_uint64(j) == v->as.u64) ||
           (t == json_type_double && json_object_get_double(j) == (double)v->as.u64);
      break;
    case VMIR_VALUE_FLOAT:
      ok = (t == json_type_double && same_double(json_object_get_double(j), v->as.f64)) ||
           (t == json_type_int && (double)json_object_get_int64(j) == v->as.f64);
      break;
    case VMIR_VALUE_STRING:
      ok = t == json_type_string && (size_t)json_object_get_string_len(j) == v->as.string.len &&
           (v->as.string.len == 0 ||
            memcmp(json_object_get_string(j), v->as.string.ptr, v->as.string.len) == 0);
      if (!ok && t == json_type_string && strstr(json_object_get_string(j), "\xef\xbf\xbd") &&
          !has_replacement(v->as.string.ptr, v->as.string.len)) {
        *excluded = true; /* json-c decodes some surrogate pairs to U+FFFD */
        return true;
      }
      break;
    case VMIR_VALUE_BYTES: ok = false; break; /* JSON has no bytes */
    case VMIR_VALUE_EXT: ok = false; break;   /* nor ext */
    case VMIR_VALUE_ARRAY:
      ok = t == json_type_array && json_object_array_length(j) == v->as.array.len;
      for (size_t i = 0; ok && i < v->as.array.len; i++)
        if (!json_equal(&v->as.array.items[i], json_object_array_get_idx(j, i), diff, cap, excluded))
          return false;
      break;
    case VMIR_VALUE_OBJECT:
      if (t != json_type_object) break;
      return members_equal(v, j, diff, cap, excluded);
  }
  if (!ok && !diff[0])
    snprintf(diff, cap, "our %d vs json-c %s %.60s", (int)v->type, json_type_to_name(t),
             json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
  return ok;
}

fz_peer_verdict fz_peer_json(const uint8_t *doc, size_t len, const vmir_value *ours, char *diff,
                             size_t cap) {
  diff[0] = 0;
  json_tokener *tok = json_tokener_new_ex(FZ_PEER_JSON_DEPTH);
  if (!tok) abort();
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
  json_object *obj = json_tokener_parse_ex(tok, (const char *)doc, (int)len);
  enum json_tokener_error e = json_tokener_get_error(tok);
  if (!obj && e == json_tokener_continue) { /* a number at the end: needs an end mark */
    obj = json_tokener_parse_ex(tok, "", 1);
    e = json_tokener_get_error(tok);
  } else if (e == json_tokener_success && json_tokener_get_parse_end(tok) < len) {
    e = json_tokener_error_parse_unexpected; /* bytes after the value */
  }
  json_tokener_free(tok);
  fz_peer_verdict verdict = FZ_PEER_REJECT;
  if (e == json_tokener_success) {
    const char *why = json_class(doc, len);
    if (why) {
      snprintf(diff, cap, "%s", why);
      verdict = FZ_PEER_EXCLUDED;
    } else {
      verdict = FZ_PEER_ACCEPT;
      bool excluded = false;
      if (ours && !json_equal(ours, obj, diff, cap, &excluded)) verdict = FZ_PEER_REJECT;
      if (excluded) {
        snprintf(diff, cap, "object key holding U+0000, or a surrogate pair json-c decodes to U+FFFD");
        verdict = FZ_PEER_EXCLUDED;
      }
    }
  }
  json_object_put(obj);
  return verdict;
}

/* ---- MessagePack ---------------------------------------------------------- */

/* Our MessagePack profile: map keys are strings, strings are valid UTF-8.
 * msgpack-c accepts both. (Ext items of every type are in both profiles.) */
static const char *mp_class(const msgpack_object *o) {
  switch (o->type) {
    case MSGPACK_OBJECT_STR:
      return fz_utf8_valid((const uint8_t *)o->via.str.ptr, o->via.str.size) ? NULL
                                                                              : "invalid UTF-8 in a str";
    case MSGPACK_OBJECT_ARRAY:
      for (uint32_t i = 0; i < o->via.array.size; i++) {
        const char *why = mp_class(&o->via.array.ptr[i]);
        if (why) return why;
      }
      return NULL;
    case MSGPACK_OBJECT_MAP:
      for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        if (kv->key.type != MSGPACK_OBJECT_STR) return "map key that is not a str";
        const char *why = mp_class(&kv->key);
        if (!why) why = mp_class(&kv->val);
        if (why) return why;
      }
      return NULL;
    default: return NULL;
  }
}

static bool mp_same_key(const msgpack_object *a, const msgpack_object *b) {
  return a->via.str.size == b->via.str.size &&
         (a->via.str.size == 0 || memcmp(a->via.str.ptr, b->via.str.ptr, a->via.str.size) == 0);
}

static bool mp_equal(const vmir_value *v, const msgpack_object *o, char *diff, size_t cap) {
  bool ok = false;
  switch (v->type) {
    case VMIR_VALUE_NULL: ok = o->type == MSGPACK_OBJECT_NIL; break;
    case VMIR_VALUE_BOOL: ok = o->type == MSGPACK_OBJECT_BOOLEAN && o->via.boolean == v->as.boolean; break;
    case VMIR_VALUE_INT: ok = o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER && o->via.i64 == v->as.i64; break;
    case VMIR_VALUE_UINT: ok = o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 == v->as.u64; break;
    case VMIR_VALUE_FLOAT:
      ok = (o->type == MSGPACK_OBJECT_FLOAT32 || o->type == MSGPACK_OBJECT_FLOAT64) &&
           ((isnan(o->via.f64) && isnan(v->as.f64)) ||
            memcmp(&o->via.f64, &v->as.f64, sizeof(double)) == 0);
      break;
    case VMIR_VALUE_STRING:
      ok = o->type == MSGPACK_OBJECT_STR && o->via.str.size == v->as.string.len &&
           (v->as.string.len == 0 || memcmp(o->via.str.ptr, v->as.string.ptr, v->as.string.len) == 0);
      break;
    case VMIR_VALUE_BYTES:
      ok = o->type == MSGPACK_OBJECT_BIN && o->via.bin.size == v->as.bytes.len &&
           (v->as.bytes.len == 0 || memcmp(o->via.bin.ptr, v->as.bytes.ptr, v->as.bytes.len) == 0);
      break;
    case VMIR_VALUE_EXT:
      ok = o->type == MSGPACK_OBJECT_EXT && o->via.ext.type == v->as.ext.type &&
           o->via.ext.size == v->as.ext.len &&
           (v->as.ext.len == 0 || memcmp(o->via.ext.ptr, v->as.ext.data, v->as.ext.len) == 0);
      break;
    case VMIR_VALUE_ARRAY:
      ok = o->type == MSGPACK_OBJECT_ARRAY && o->via.array.size == v->as.array.len;
      for (size_t i = 0; ok && i < v->as.array.len; i++)
        if (!mp_equal(&v->as.array.items[i], &o->via.array.ptr[i], diff, cap)) return false;
      break;
    case VMIR_VALUE_OBJECT:
      /* msgpack-c keeps every entry; our tree keeps one per key, the last
       * value at the first key's place (docs/decode-formats.md, "Duplicate
       * keys"): compare with the peer's map read that way. */
      ok = o->type == MSGPACK_OBJECT_MAP;
      size_t i = 0;
      for (uint32_t e = 0; ok && e < o->via.map.size; e++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[e];
        bool seen = false;
        for (uint32_t k = 0; k < e && !seen; k++) seen = mp_same_key(&o->via.map.ptr[k].key, &kv->key);
        if (seen) continue;
        const msgpack_object_kv *last = kv;
        for (uint32_t k = e + 1; k < o->via.map.size; k++)
          if (mp_same_key(&o->via.map.ptr[k].key, &kv->key)) last = &o->via.map.ptr[k];
        if (i >= v->as.object.len) {
          snprintf(diff, cap, "msgpack-c has more members than our %zu", v->as.object.len);
          return false;
        }
        const vmir_member *m = &v->as.object.members[i++];
        if (kv->key.via.str.size != m->key.len ||
            (m->key.len && memcmp(kv->key.via.str.ptr, m->key.ptr, m->key.len) != 0)) {
          snprintf(diff, cap, "member %zu: keys differ", i - 1);
          return false;
        }
        if (!mp_equal(&m->value, &last->val, diff, cap)) return false;
      }
      ok = ok && i == v->as.object.len;
      break;
  }
  if (!ok && !diff[0]) snprintf(diff, cap, "our value type %d vs msgpack-c type %d", (int)v->type, (int)o->type);
  return ok;
}

static uint64_t be(const uint8_t *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; i++) v = v << 8 | p[i];
  return v;
}

/* msgpack-c allocates a container's slots from its declared count before
 * reading them: a 5-byte array32 header can ask for 64 GiB (an allocation
 * failure under ASan). Walks the items in order (children follow their
 * header) and reports whether every declared count fits in the bytes
 * left; when one does not, the document is truncated and msgpack-c would
 * reject it. */
static bool mp_counts_fit(const uint8_t *s, size_t n) {
  size_t pos = 0;
  while (pos < n) {
    uint8_t c = s[pos];
    size_t hdr = 1, lenb = 0;
    uint64_t payload = 0, count = 0;
    if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3 || c == 0xc1) {
    } else if (c >= 0xa0 && c <= 0xbf) { payload = c & 0x1f; }
    else if (c >= 0x90 && c <= 0x9f) { count = c & 0x0f; }
    else if (c >= 0x80 && c <= 0x8f) { count = 2u * (c & 0x0f); }
    else if (c == 0xcc || c == 0xd0) { payload = 1; }
    else if (c == 0xcd || c == 0xd1) { payload = 2; }
    else if (c == 0xce || c == 0xd2 || c == 0xca) { payload = 4; }
    else if (c == 0xcf || c == 0xd3 || c == 0xcb) { payload = 8; }
    else if (c == 0xd4 || c == 0xd5 || c == 0xd6 || c == 0xd7 || c == 0xd8) { payload = 1 + (1u << (c - 0xd4)); }
    else if (c == 0xc4 || c == 0xd9) { lenb = 1; }
    else if (c == 0xc5 || c == 0xda) { lenb = 2; }
    else if (c == 0xc6 || c == 0xdb) { lenb = 4; }
    else if (c >= 0xc7 && c <= 0xc9) { lenb = (size_t)1 << (c - 0xc7); payload = 1; } /* ext: +type */
    else if (c == 0xdc || c == 0xde) { lenb = 2; }
    else if (c == 0xdd || c == 0xdf) { lenb = 4; }
    if (pos + hdr + lenb > n) return true;
    uint64_t v = be(s + pos + 1, lenb);
    hdr += lenb;
    if (c == 0xdc || c == 0xdd) count = v;
    else if (c == 0xde || c == 0xdf) count = 2 * v;
    else if (lenb) payload += v;
    if (count > n - pos - hdr) return false;
    if (payload > n - pos - hdr) return true;
    pos += hdr + (size_t)payload;
  }
  return true;
}

fz_peer_verdict fz_peer_msgpack(const uint8_t *doc, size_t len, const vmir_value *ours,
                                char *diff, size_t cap) {
  diff[0] = 0;
  if (!mp_counts_fit(doc, len)) return FZ_PEER_REJECT;
  msgpack_unpacked up;
  msgpack_unpacked_init(&up);
  size_t off = 0;
  msgpack_unpack_return r = msgpack_unpack_next(&up, (const char *)doc, len, &off);
  fz_peer_verdict verdict = FZ_PEER_REJECT;
  if (r == MSGPACK_UNPACK_SUCCESS && off == len) {
    const char *why = mp_class(&up.data);
    if (why) {
      snprintf(diff, cap, "%s", why);
      verdict = FZ_PEER_EXCLUDED;
    } else {
      verdict = FZ_PEER_ACCEPT;
      if (ours && !mp_equal(ours, &up.data, diff, cap)) verdict = FZ_PEER_REJECT;
    }
  }
  msgpack_unpacked_destroy(&up);
  return verdict;
}
