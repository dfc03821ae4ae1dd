// simdjson On-Demand decoding citm_catalog.json into the citm model structs
// (conformance/models/citm_model.h): maps into entry lists, optional
// strings as null or a string, members matched by key in any order.
#include "citm_model.h"
#include "peer_simdjson_models.hh"

namespace {

using namespace peer_sj;

bool opt_str(peer_simdjson &p, value v, citm_opt_str *o) {
  if (is_null(v)) return true;  // present stays false: the slot is zeroed
  o->present = true;
  return str(p, v, &o->value);
}

bool ids(peer_simdjson &p, value v, citm_id_list *l) {
  return list(p, v, l, [](value ev, uint64_t *id) { return u64(ev, id); });
}

bool names(peer_simdjson &p, value v, citm_name_map *m) {
  return map(p, v, m, [&](value ev, vmir_str *s) { return str(p, ev, s); });
}

bool event(peer_simdjson &p, value val, citm_event *e) {
  SJ_OBJECT(val)
  SJ_FIELD("description", opt_str(p, v, &e->description))
  SJ_FIELD("id", u64(v, &e->id))
  SJ_FIELD("logo", opt_str(p, v, &e->logo))
  SJ_FIELD("name", str(p, v, &e->name))
  SJ_FIELD("subTopicIds", ids(p, v, &e->sub_topic_ids))
  SJ_FIELD("subjectCode", opt_str(p, v, &e->subject_code))
  SJ_FIELD("subtitle", opt_str(p, v, &e->subtitle))
  SJ_FIELD("topicIds", ids(p, v, &e->topic_ids))
  SJ_END
}

bool price(value val, citm_price *pr) {
  SJ_OBJECT(val)
  SJ_FIELD("amount", u32(v, &pr->amount))
  SJ_FIELD("audienceSubCategoryId", u64(v, &pr->audience_sub_category_id))
  SJ_FIELD("seatCategoryId", u64(v, &pr->seat_category_id))
  SJ_END
}

bool area(peer_simdjson &p, value val, citm_area *a) {
  SJ_OBJECT(val)
  SJ_FIELD("areaId", u64(v, &a->area_id))
  SJ_FIELD("blockIds", ids(p, v, &a->block_ids))
  SJ_END
}

bool seat_category(peer_simdjson &p, value val, citm_seat_category *sc) {
  SJ_OBJECT(val)
  SJ_FIELD("areas", list(p, v, &sc->areas, [&](value ev, citm_area *a) { return area(p, ev, a); }))
  SJ_FIELD("seatCategoryId", u64(v, &sc->seat_category_id))
  SJ_END
}

bool performance(peer_simdjson &p, value val, citm_performance *pf) {
  SJ_OBJECT(val)
  SJ_FIELD("eventId", u64(v, &pf->event_id))
  SJ_FIELD("id", u64(v, &pf->id))
  SJ_FIELD("logo", opt_str(p, v, &pf->logo))
  SJ_FIELD("name", opt_str(p, v, &pf->name))
  SJ_FIELD("prices", list(p, v, &pf->prices, price))
  SJ_FIELD("seatCategories", list(p, v, &pf->seat_categories,
                                  [&](value ev, citm_seat_category *sc) { return seat_category(p, ev, sc); }))
  SJ_FIELD("seatMapImage", opt_str(p, v, &pf->seat_map_image))
  SJ_FIELD("start", u64(v, &pf->start))
  SJ_FIELD("venueCode", str(p, v, &pf->venue_code))
  SJ_END
}

bool catalog(peer_simdjson &p, value val, citm_catalog *c) {
  SJ_OBJECT(val)
  SJ_FIELD("areaNames", names(p, v, &c->area_names))
  SJ_FIELD("audienceSubCategoryNames", names(p, v, &c->audience_sub_category_names))
  SJ_FIELD("blockNames", names(p, v, &c->block_names))
  SJ_FIELD("events", map(p, v, &c->events, [&](value ev, citm_event *e) { return event(p, ev, e); }))
  SJ_FIELD("performances", list(p, v, &c->performances,
                                [&](value ev, citm_performance *pf) { return performance(p, ev, pf); }))
  SJ_FIELD("seatCategoryNames", names(p, v, &c->seat_category_names))
  SJ_FIELD("subTopicNames", names(p, v, &c->sub_topic_names))
  SJ_FIELD("subjectNames", names(p, v, &c->subject_names))
  SJ_FIELD("topicNames", names(p, v, &c->topic_names))
  SJ_FIELD("topicSubTopics",
           map(p, v, &c->topic_sub_topics, [&](value ev, citm_id_list *l) { return ids(p, ev, l); }))
  SJ_FIELD("venueNames", names(p, v, &c->venue_names))
  SJ_END
}

}  // namespace

extern "C" bool peer_simdjson_citm(void *prep, struct citm_catalog *out, peer_alloc_fn alloc,
                                   void *alloc_ctx) {
  auto *p = static_cast<peer_simdjson *>(prep);
  p->alloc = alloc;
  p->alloc_ctx = alloc_ctx;
  *out = citm_catalog{};
  simdjson::ondemand::document doc;
  value root;
  if (p->ondemand.iterate(p->text).get(doc) || doc.get_value().get(root)) return false;
  return catalog(*p, root, out);
}
