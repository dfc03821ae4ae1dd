// What the simdjson On-Demand peers that decode into the model structs
// share (bench/peer_simdjson_*.cc): the prepared document, arena memory,
// and readers for the scalar and list fields every model has.
#ifndef VMIR_BENCH_PEER_SIMDJSON_MODELS_HH
#define VMIR_BENCH_PEER_SIMDJSON_MODELS_HH

#include <simdjson.h>

#include <cstdint>
#include <cstring>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "canada_model.h"
#include "peer_libs.h"

struct peer_simdjson {
  simdjson::padded_string text;
  simdjson::dom::parser dom;
  simdjson::ondemand::parser ondemand;
  std::vector<ca_position> positions;  // scratch of the canada peer, reused across runs
  std::vector<ca_positions> rings;
  peer_alloc_fn alloc = nullptr;
  void *alloc_ctx = nullptr;

  peer_simdjson(const char *json, size_t len) : text(json, len) {}

  template <typename T>
  T *make(size_t n) {
    void *mem = alloc(alloc_ctx, n * sizeof(T), alignof(T));
    if (mem) std::memset(mem, 0, n * sizeof(T));
    return static_cast<T *>(mem);
  }
};

namespace peer_sj {

using simdjson::ondemand::value;

// Strings are copied out of the parser's buffer (reused by the next parse)
// into the arena, as vmir's values own theirs.
inline bool str(peer_simdjson &p, value v, vmir_str *out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  char *mem = p.make<char>(s.size() ? s.size() : 1);
  if (!mem) return false;
  std::memcpy(mem, s.data(), s.size());
  *out = vmir_str{mem, s.size()};
  return true;
}

// Without exceptions: true only for a null that reads without error.
inline bool is_null(value &v) {
  bool null = false;
  return v.is_null().get(null) == simdjson::SUCCESS && null;
}

inline bool u64(value v, uint64_t *out) { return v.get_uint64().get(*out) == simdjson::SUCCESS; }

inline bool u32(value v, uint32_t *out) {
  uint64_t n;
  if (v.get_uint64().get(n) || n > UINT32_MAX) return false;
  *out = static_cast<uint32_t>(n);
  return true;
}

inline bool i32(value v, int32_t *out) {
  int64_t n;
  if (v.get_int64().get(n) || n < INT32_MIN || n > INT32_MAX) return false;
  *out = static_cast<int32_t>(n);
  return true;
}

inline bool boolean(value v, bool *out) { return v.get_bool().get(*out) == simdjson::SUCCESS; }

// A unit enum written as its variant's name.
inline bool enumeration(value v, int8_t *tag, const char *const *names, int count) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  for (int i = 0; i < count; i++)
    if (s == names[i]) {
      *tag = static_cast<int8_t>(i);
      return true;
    }
  return false;
}

// A JSON array into a VMIR_LIST_OF in the arena, `item` reading each
// element into a zeroed slot; the storage doubles (copying) when full.
template <typename List, typename Item>
bool list(peer_simdjson &p, value v, List *out, Item &&item) {
  using T = std::remove_pointer_t<decltype(out->ptr)>;
  simdjson::ondemand::array arr;
  if (v.get_array().get(arr)) return false;
  T *items = nullptr;
  size_t n = 0, cap = 0;
  for (auto element : arr) {
    value ev;
    if (std::move(element).get(ev)) return false;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 4;
      T *grown = p.make<T>(ncap);
      if (!grown) return false;
      if (n) std::memcpy(static_cast<void *>(grown), items, n * sizeof(T));
      items = grown;
      cap = ncap;
    }
    if (!item(ev, &items[n++])) return false;
  }
  out->ptr = items;
  out->len = n;
  return true;
}

// A JSON object of string keys into a map's entry list (key, value).
template <typename Map, typename Value>
bool map(peer_simdjson &p, value v, Map *out, Value &&read_value) {
  using T = std::remove_pointer_t<decltype(out->ptr)>;
  simdjson::ondemand::object obj;
  if (v.get_object().get(obj)) return false;
  T *items = nullptr;
  size_t n = 0, cap = 0;
  for (auto member : obj) {
    simdjson::ondemand::field f;
    std::string_view key;
    if (std::move(member).get(f) || f.unescaped_key().get(key)) return false;
    if (n == cap) {
      size_t ncap = cap ? cap * 2 : 4;
      T *grown = p.make<T>(ncap);
      if (!grown) return false;
      if (n) std::memcpy(static_cast<void *>(grown), items, n * sizeof(T));
      items = grown;
      cap = ncap;
    }
    T *e = &items[n++];
    char *k = p.make<char>(key.size() ? key.size() : 1);
    if (!k) return false;
    std::memcpy(k, key.data(), key.size());
    e->key = vmir_str{k, key.size()};
    if (!read_value(f.value(), &e->value)) return false;
  }
  out->ptr = items;
  out->len = n;
  return true;
}

}  // namespace peer_sj

// The member loop of one JSON object read into a struct: inside it, `key`
// is the member's raw key and `v` its value; a member no FIELD claims
// rejects the document (as vmir rejects unknown keys of a closed struct).
#define SJ_OBJECT(val)                                 \
  simdjson::ondemand::object obj_;                     \
  if ((val).get_object().get(obj_)) return false;      \
  for (auto member_ : obj_) {                          \
    simdjson::ondemand::field field_;                  \
    if (std::move(member_).get(field_)) return false;             \
    simdjson::ondemand::raw_json_string key = field_.key(); \
    simdjson::ondemand::value &v = field_.value();
#define SJ_FIELD(name, read)     \
  if (key == name) {             \
    if (!(read)) return false;   \
    continue;                    \
  }
#define SJ_END     \
  return false;    \
  }                \
  return true;

#endif
