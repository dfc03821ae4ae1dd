#include "peers.h"

#include <math.h>
#include <msgpack.h>
#include <stdio.h>
#include <string.h>

json_object *peer_parse_json(const char *text, size_t len, char *why, size_t why_cap) {
  if (why_cap) why[0] = 0;
  json_tokener *tok = json_tokener_new_ex(JSON_TOKENER_DEFAULT_DEPTH);
  json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
  json_object *obj = json_tokener_parse_ex(tok, text, (int)len);
  enum json_tokener_error e = json_tokener_get_error(tok);
  size_t used = json_tokener_get_parse_end(tok);
  if (!obj && e == json_tokener_continue && used == len) {
    /* A top-level number ends only at the end of input: say so. */
    obj = json_tokener_parse_ex(tok, "", 1);
    e = json_tokener_get_error(tok);
  }
  json_tokener_free(tok);
  if (!obj && e != json_tokener_success) {
    snprintf(why, why_cap, "json-c: %s", json_tokener_error_desc(e));
    return NULL;
  }
  if (used != len) {
    snprintf(why, why_cap, "json-c: %zu trailing bytes after the value", len - used);
    json_object_put(obj);
    return NULL;
  }
  return obj; /* json-c represents the JSON value null as NULL */
}

static json_object *from_msgpack(const msgpack_object *o, bool *ok) {
  switch (o->type) {
    case MSGPACK_OBJECT_NIL: return NULL;
    case MSGPACK_OBJECT_BOOLEAN: return json_object_new_boolean(o->via.boolean);
    case MSGPACK_OBJECT_POSITIVE_INTEGER: return json_object_new_uint64(o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER: return json_object_new_int64(o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64: return json_object_new_double(o->via.f64);
    case MSGPACK_OBJECT_STR: return json_object_new_string_len(o->via.str.ptr, (int)o->via.str.size);
    case MSGPACK_OBJECT_BIN: {
      json_object *a = json_object_new_array();
      for (uint32_t i = 0; i < o->via.bin.size; i++)
        json_object_array_add(a, json_object_new_int((unsigned char)o->via.bin.ptr[i]));
      return a;
    }
    case MSGPACK_OBJECT_ARRAY: {
      json_object *a = json_object_new_array();
      for (uint32_t i = 0; i < o->via.array.size; i++)
        json_object_array_add(a, from_msgpack(&o->via.array.ptr[i], ok));
      return a;
    }
    case MSGPACK_OBJECT_MAP: {
      json_object *m = json_object_new_object();
      for (uint32_t i = 0; i < o->via.map.size; i++) {
        const msgpack_object_kv *kv = &o->via.map.ptr[i];
        if (kv->key.type != MSGPACK_OBJECT_STR) {
          *ok = false;
          continue;
        }
        char key[512];
        snprintf(key, sizeof key, "%.*s", (int)kv->key.via.str.size, kv->key.via.str.ptr);
        json_object_object_add(m, key, from_msgpack(&kv->val, ok));
      }
      return m;
    }
    default: *ok = false; return NULL;
  }
}

json_object *peer_parse_msgpack(const uint8_t *data, size_t len, char *why, size_t why_cap) {
  if (why_cap) why[0] = 0;
  msgpack_unpacked up;
  msgpack_unpacked_init(&up);
  size_t off = 0;
  msgpack_unpack_return r = msgpack_unpack_next(&up, (const char *)data, len, &off);
  json_object *out = NULL;
  if (r != MSGPACK_UNPACK_SUCCESS) {
    snprintf(why, why_cap, "msgpack-c: unpack failed (%d)", (int)r);
  } else if (off != len) {
    snprintf(why, why_cap, "msgpack-c: %zu trailing bytes", len - off);
  } else {
    bool ok = true;
    out = from_msgpack(&up.data, &ok);
    if (!ok) {
      json_object_put(out);
      out = NULL;
      snprintf(why, why_cap, "msgpack-c: unsupported object (non-string key or ext)");
    }
  }
  msgpack_unpacked_destroy(&up);
  return out;
}

static bool is_number(json_object *o) {
  enum json_type t = json_object_get_type(o);
  return t == json_type_int || t == json_type_double;
}

/* Exact comparison of json-c numbers: integers compare as integers (u64
 * and i64 ranges), anything involving a double compares as doubles. */
static bool numbers_equal(json_object *a, json_object *b) {
  enum json_type ta = json_object_get_type(a), tb = json_object_get_type(b);
  if (ta == json_type_int && tb == json_type_int) {
    int64_t ia = json_object_get_int64(a), ib = json_object_get_int64(b);
    uint64_t ua = json_object_get_uint64(a), ub = json_object_get_uint64(b);
    return ia == ib && ua == ub;
  }
  double da = json_object_get_double(a), db = json_object_get_double(b);
  return da == db && signbit(da) == signbit(db);
}

static bool tree_equal(json_object *a, json_object *b, bool ordered, char *path, size_t plen,
                       size_t pcap, char *diff, size_t diff_cap) {
  bool ok = true;
  if (is_number(a) && is_number(b)) {
    ok = numbers_equal(a, b);
  } else if (json_object_get_type(a) != json_object_get_type(b)) {
    ok = false;
  } else {
    switch (json_object_get_type(a)) {
      case json_type_null: break;
      case json_type_boolean: ok = json_object_get_boolean(a) == json_object_get_boolean(b); break;
      case json_type_string:
        ok = json_object_get_string_len(a) == json_object_get_string_len(b) &&
             memcmp(json_object_get_string(a), json_object_get_string(b),
                    (size_t)json_object_get_string_len(a)) == 0;
        break;
      case json_type_array: {
        size_t n = json_object_array_length(a);
        if (n != json_object_array_length(b)) { ok = false; break; }
        for (size_t i = 0; i < n; i++) {
          int w = snprintf(path + plen, pcap - plen, "[%zu]", i);
          size_t nl = plen + (w > 0 ? (size_t)w : 0);
          if (nl >= pcap) nl = pcap - 1;
          if (!tree_equal(json_object_array_get_idx(a, i), json_object_array_get_idx(b, i), ordered,
                          path, nl, pcap, diff, diff_cap))
            return false;
        }
        path[plen] = 0;
        return true;
      }
      case json_type_object: {
        if (json_object_object_length(a) != json_object_object_length(b)) { ok = false; break; }
        struct json_object_iterator ia = json_object_iter_begin(a), ea = json_object_iter_end(a);
        struct json_object_iterator ib = json_object_iter_begin(b);
        for (; !json_object_iter_equal(&ia, &ea); json_object_iter_next(&ia), json_object_iter_next(&ib)) {
          const char *key = json_object_iter_peek_name(&ia);
          if (ordered && strcmp(key, json_object_iter_peek_name(&ib)) != 0) {
            snprintf(diff, diff_cap, "at %s: member order differs: '%s' vs '%s'", path[0] ? path : "(root)",
                     key, json_object_iter_peek_name(&ib));
            return false;
          }
          json_object *vb;
          if (!json_object_object_get_ex(b, key, &vb)) {
            snprintf(diff, diff_cap, "at %s: member '%s' missing", path[0] ? path : "(root)", key);
            return false;
          }
          int w = snprintf(path + plen, pcap - plen, ".%s", key);
          size_t nl = plen + (w > 0 ? (size_t)w : 0);
          if (nl >= pcap) nl = pcap - 1;
          if (!tree_equal(json_object_iter_peek_value(&ia), vb, ordered, path, nl, pcap, diff, diff_cap))
            return false;
        }
        path[plen] = 0;
        return true;
      }
      default: break;
    }
  }
  if (!ok) {
    snprintf(diff, diff_cap, "at %s: %s vs %s", path[0] ? path : "(root)",
             json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN),
             json_object_to_json_string_ext(b, JSON_C_TO_STRING_PLAIN));
  }
  return ok;
}

bool peer_tree_equal(json_object *a, json_object *b, bool ordered, char *diff, size_t diff_cap) {
  char path[512] = "";
  if (diff_cap) diff[0] = 0;
  return tree_equal(a, b, ordered, path, 0, sizeof path, diff, diff_cap);
}
