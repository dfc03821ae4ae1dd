// RapidJSON (Debian rapidjson-dev) as an encode peer: its Writer driven
// from the canada and citm_catalog model structs, the way a user of the
// library would write those documents. C++ only because RapidJSON is.
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "canada_model.h"
#include "citm_model.h"
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

// ---- citm_catalog ---------------------------------------------------------

namespace {

void str(writer &w, const vmir_str &s) {
  w.String(s.ptr, static_cast<rapidjson::SizeType>(s.len));
}

void opt_str(writer &w, const citm_opt_str &s) {
  if (s.present) str(w, s.value);
  else w.Null();
}

void ids(writer &w, const citm_id_list &l) {
  w.StartArray();
  for (size_t i = 0; i < l.len; i++) w.Uint64(l.ptr[i]);
  w.EndArray();
}

void name_map(writer &w, const char *key, const citm_name_map &m) {
  w.Key(key);
  w.StartObject();
  for (size_t i = 0; i < m.len; i++) {
    w.Key(m.ptr[i].key.ptr, static_cast<rapidjson::SizeType>(m.ptr[i].key.len));
    str(w, m.ptr[i].value);
  }
  w.EndObject();
}

void event(writer &w, const citm_event &e) {
  w.StartObject();
  w.Key("description");
  opt_str(w, e.description);
  w.Key("id");
  w.Uint64(e.id);
  w.Key("logo");
  opt_str(w, e.logo);
  w.Key("name");
  str(w, e.name);
  w.Key("subTopicIds");
  ids(w, e.sub_topic_ids);
  w.Key("subjectCode");
  opt_str(w, e.subject_code);
  w.Key("subtitle");
  opt_str(w, e.subtitle);
  w.Key("topicIds");
  ids(w, e.topic_ids);
  w.EndObject();
}

void performance(writer &w, const citm_performance &p) {
  w.StartObject();
  w.Key("eventId");
  w.Uint64(p.event_id);
  w.Key("id");
  w.Uint64(p.id);
  w.Key("logo");
  opt_str(w, p.logo);
  w.Key("name");
  opt_str(w, p.name);
  w.Key("prices");
  w.StartArray();
  for (size_t i = 0; i < p.prices.len; i++) {
    const citm_price &pr = p.prices.ptr[i];
    w.StartObject();
    w.Key("amount");
    w.Uint(pr.amount);
    w.Key("audienceSubCategoryId");
    w.Uint64(pr.audience_sub_category_id);
    w.Key("seatCategoryId");
    w.Uint64(pr.seat_category_id);
    w.EndObject();
  }
  w.EndArray();
  w.Key("seatCategories");
  w.StartArray();
  for (size_t i = 0; i < p.seat_categories.len; i++) {
    const citm_seat_category &sc = p.seat_categories.ptr[i];
    w.StartObject();
    w.Key("areas");
    w.StartArray();
    for (size_t a = 0; a < sc.areas.len; a++) {
      w.StartObject();
      w.Key("areaId");
      w.Uint64(sc.areas.ptr[a].area_id);
      w.Key("blockIds");
      ids(w, sc.areas.ptr[a].block_ids);
      w.EndObject();
    }
    w.EndArray();
    w.Key("seatCategoryId");
    w.Uint64(sc.seat_category_id);
    w.EndObject();
  }
  w.EndArray();
  w.Key("seatMapImage");
  opt_str(w, p.seat_map_image);
  w.Key("start");
  w.Uint64(p.start);
  w.Key("venueCode");
  str(w, p.venue_code);
  w.EndObject();
}

}  // namespace

extern "C" bool peer_rapidjson_citm(const struct citm_catalog *c, const char **text, size_t *len) {
  out.Clear();
  writer w(out);
  w.StartObject();
  name_map(w, "areaNames", c->area_names);
  name_map(w, "audienceSubCategoryNames", c->audience_sub_category_names);
  name_map(w, "blockNames", c->block_names);
  w.Key("events");
  w.StartObject();
  for (size_t i = 0; i < c->events.len; i++) {
    w.Key(c->events.ptr[i].key.ptr, static_cast<rapidjson::SizeType>(c->events.ptr[i].key.len));
    event(w, c->events.ptr[i].value);
  }
  w.EndObject();
  w.Key("performances");
  w.StartArray();
  for (size_t i = 0; i < c->performances.len; i++) performance(w, c->performances.ptr[i]);
  w.EndArray();
  name_map(w, "seatCategoryNames", c->seat_category_names);
  name_map(w, "subTopicNames", c->sub_topic_names);
  name_map(w, "subjectNames", c->subject_names);
  name_map(w, "topicNames", c->topic_names);
  w.Key("topicSubTopics");
  w.StartObject();
  for (size_t i = 0; i < c->topic_sub_topics.len; i++) {
    const citm_ids_entry &e = c->topic_sub_topics.ptr[i];
    w.Key(e.key.ptr, static_cast<rapidjson::SizeType>(e.key.len));
    ids(w, e.value);
  }
  w.EndObject();
  name_map(w, "venueNames", c->venue_names);
  w.EndObject();
  *text = out.GetString();
  *len = out.GetSize();
  return w.IsComplete();
}
