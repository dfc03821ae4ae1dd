// simdjson (Debian libsimdjson-dev) as a decode peer: its DOM parse, and
// On-Demand decoding into the same typed model structs as vmir and the
// hand-written C reference (canada here; twitter and citm in
// peer_simdjson_twitter.cc and peer_simdjson_citm.cc). C++ only because simdjson is.
#include <cstring>
#include <string_view>
#include <vector>

#include "canada_model.h"
#include "peer_libs.h"
#include "peer_simdjson_models.hh"

namespace {

using prepared = peer_simdjson;

template <typename T>
bool copy_out(prepared &p, const std::vector<T> &from, T **ptr, size_t *len) {
  *len = from.size();
  *ptr = nullptr;
  if (from.empty()) return true;
  void *mem = p.alloc(p.alloc_ctx, from.size() * sizeof(T), alignof(T));
  if (!mem) return false;
  std::memcpy(mem, from.data(), from.size() * sizeof(T));
  *ptr = static_cast<T *>(mem);
  return true;
}

// [[lon, lat], ...] into the positions scratch, then into the arena.
bool read_positions(prepared &p, simdjson::ondemand::array ring, ca_positions *out) {
  p.positions.clear();
  for (auto pos : ring) {
    simdjson::ondemand::array pair;
    if (pos.get_array().get(pair)) return false;
    ca_position v{};
    int i = 0;
    for (auto num : pair) {
      double d;
      if (num.get_double().get(d) || i > 1) return false;
      (i++ == 0 ? v.lon : v.lat) = d;
    }
    if (i != 2) return false;
    p.positions.push_back(v);
  }
  return copy_out(p, p.positions, &out->ptr, &out->len);
}

bool read_polygon(prepared &p, simdjson::ondemand::array rings, ca_position_lists *out) {
  p.rings.clear();
  for (auto ring : rings) {
    simdjson::ondemand::array arr;
    ca_positions positions{};
    if (ring.get_array().get(arr) || !read_positions(p, arr, &positions)) return false;
    p.rings.push_back(positions);
  }
  return copy_out(p, p.rings, &out->ptr, &out->len);
}

// The corpus holds Polygons; the peer reads Polygon and LineString and
// rejects the other GeoJSON types (a user would add them as needed).
bool read_geometry(prepared &p, simdjson::ondemand::object obj, ca_geometry *g) {
  std::string_view type;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    if (key == "type") {
      if (field.value().get_string().get(type)) return false;
    } else if (key == "coordinates") {
      simdjson::ondemand::array arr;
      if (field.value().get_array().get(arr)) return false;
      if (type == "Polygon") {
        g->tag = CA_POLYGON;
        if (!read_polygon(p, arr, &g->u.polygon)) return false;
      } else if (type == "LineString") {
        g->tag = CA_LINE_STRING;
        if (!read_positions(p, arr, &g->u.line_string)) return false;
      } else {
        return false;
      }
    } else {
      return false;
    }
  }
  return true;
}

bool read_string(prepared &p, simdjson::ondemand::value v, vmir_str *out) {
  std::string_view s;
  if (v.get_string().get(s)) return false;
  char *mem = static_cast<char *>(p.alloc(p.alloc_ctx, s.size() ? s.size() : 1, 1));
  if (!mem) return false;
  std::memcpy(mem, s.data(), s.size());
  out->ptr = mem;
  out->len = s.size();
  return true;
}

bool read_feature(prepared &p, simdjson::ondemand::object obj, ca_feature *f) {
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    if (key == "type") {
      std::string_view t;
      if (field.value().get_string().get(t) || t != "Feature") return false;
      f->type.tag = CA_FEATURE;
    } else if (key == "properties") {
      simdjson::ondemand::object props;
      if (field.value().get_object().get(props)) return false;
      for (auto pf : props) {
        std::string_view pk;
        if (pf.unescaped_key().get(pk) || pk != "name") return false;
        if (!read_string(p, pf.value(), &f->properties.name)) return false;
      }
    } else if (key == "geometry") {
      simdjson::ondemand::object g;
      if (field.value().get_object().get(g) || !read_geometry(p, g, &f->geometry)) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" void *peer_simdjson_prepare(const char *json, size_t len) {
  return new (std::nothrow) prepared(json, len);
}

extern "C" bool peer_simdjson_dom_parse(void *prep) {
  auto *p = static_cast<prepared *>(prep);
  simdjson::dom::element doc;
  return p->dom.parse(p->text).get(doc) == simdjson::SUCCESS;
}

extern "C" bool peer_simdjson_canada(void *prep, struct canada_doc *out, peer_alloc_fn alloc,
                                     void *alloc_ctx) {
  auto *p = static_cast<prepared *>(prep);
  p->alloc = alloc;
  p->alloc_ctx = alloc_ctx;
  simdjson::ondemand::document doc;
  if (p->ondemand.iterate(p->text).get(doc)) return false;
  simdjson::ondemand::object root;
  if (doc.get_object().get(root)) return false;
  std::vector<ca_feature> features;
  for (auto field : root) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    if (key == "type") {
      std::string_view t;
      if (field.value().get_string().get(t) || t != "FeatureCollection") return false;
      out->type.tag = CA_FEATURE_COLLECTION;
    } else if (key == "features") {
      simdjson::ondemand::array arr;
      if (field.value().get_array().get(arr)) return false;
      for (auto item : arr) {
        simdjson::ondemand::object obj;
        ca_feature f{};
        if (item.get_object().get(obj) || !read_feature(*p, obj, &f)) return false;
        features.push_back(f);
      }
    } else {
      return false;
    }
  }
  return copy_out(*p, features, &out->features.ptr, &out->features.len);
}
