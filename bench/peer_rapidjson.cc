// RapidJSON (Debian rapidjson-dev) as an encode peer: its Writer driven
// from the canada model structs, the way a user of the library would write
// that document. C++ only because RapidJSON is.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "canada_model.h"
#include "peer_libs.h"

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

rapidjson::StringBuffer out;  // kept across runs, as a writer would be

void positions(writer &w, const ca_positions &ps) {
  w.StartArray();
  for (size_t i = 0; i < ps.len; i++) {
    w.StartArray();
    w.Double(ps.ptr[i].lon);
    w.Double(ps.ptr[i].lat);
    w.EndArray();
  }
  w.EndArray();
}

void position_lists(writer &w, const ca_position_lists &ls) {
  w.StartArray();
  for (size_t i = 0; i < ls.len; i++) positions(w, ls.ptr[i]);
  w.EndArray();
}

// The corpus holds Polygons; LineString too, the others are rejected.
bool geometry(writer &w, const ca_geometry &g) {
  w.StartObject();
  w.Key("type");
  switch (g.tag) {
    case CA_POLYGON:
      w.String("Polygon");
      w.Key("coordinates");
      position_lists(w, g.u.polygon);
      break;
    case CA_LINE_STRING:
      w.String("LineString");
      w.Key("coordinates");
      positions(w, g.u.line_string);
      break;
    default:
      return false;
  }
  w.EndObject();
  return true;
}

}  // namespace

extern "C" bool peer_rapidjson_canada(const struct canada_doc *doc, const char **text, size_t *len) {
  out.Clear();
  writer w(out);
  w.StartObject();
  w.Key("type");
  w.String("FeatureCollection");
  w.Key("features");
  w.StartArray();
  for (size_t i = 0; i < doc->features.len; i++) {
    const ca_feature &f = doc->features.ptr[i];
    w.StartObject();
    w.Key("type");
    w.String("Feature");
    w.Key("properties");
    w.StartObject();
    w.Key("name");
    w.String(f.properties.name.ptr, static_cast<rapidjson::SizeType>(f.properties.name.len));
    w.EndObject();
    w.Key("geometry");
    if (!geometry(w, f.geometry)) return false;
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  *text = out.GetString();
  *len = out.GetSize();
  return w.IsComplete();
}
