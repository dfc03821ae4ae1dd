// simdjson On-Demand decoding twitter.json into the twitter model structs
// (conformance/models/twitter_model.h), as a user of simdjson would write
// it: members matched by key in any order, strings copied into the arena.
// The dynamic values (geo, coordinates, place, contributors) are null in
// every status of the corpus; the peer reads null and rejects the rest.
#include "peer_simdjson_models.hh"
#include "twitter_model.h"

namespace {

using namespace peer_sj;

const char *const result_types[] = {"mixed", "recent", "popular"};
const char *const media_types[] = {"photo", "video", "animated_gif"};
const char *const resizes[] = {"fit", "crop"};

bool indices(value v, uint32_t idx[2]) {
  simdjson::ondemand::array arr;
  if (v.get_array().get(arr)) return false;
  int i = 0;
  for (auto element : arr) {
    value ev;
    if (i > 1 || std::move(element).get(ev) || !u32(ev, &idx[i++])) return false;
  }
  return i == 2;
}

bool opt_str(peer_simdjson &p, value v, tw_opt_str *o) {
  if (is_null(v)) return true;  // present stays false: the slot is zeroed
  o->present = true;
  return str(p, v, &o->value);
}

bool opt_u64(value v, tw_opt_u64 *o) {
  if (is_null(v)) return true;
  o->present = true;
  return u64(v, &o->value);
}

bool null_value(value v, vmir_value **out) {
  *out = nullptr;
  return is_null(v);
}

bool hashtag(peer_simdjson &p, value val, tw_hashtag *h) {
  SJ_OBJECT(val)
  SJ_FIELD("text", str(p, v, &h->text))
  SJ_FIELD("indices", indices(v, h->indices))
  SJ_END
}

bool url(peer_simdjson &p, value val, tw_url *u) {
  SJ_OBJECT(val)
  SJ_FIELD("url", str(p, v, &u->url))
  SJ_FIELD("expanded_url", str(p, v, &u->expanded_url))
  SJ_FIELD("display_url", str(p, v, &u->display_url))
  SJ_FIELD("indices", indices(v, u->indices))
  SJ_END
}

bool mention(peer_simdjson &p, value val, tw_user_mention *m) {
  SJ_OBJECT(val)
  SJ_FIELD("screen_name", str(p, v, &m->screen_name))
  SJ_FIELD("name", str(p, v, &m->name))
  SJ_FIELD("id", u64(v, &m->id))
  SJ_FIELD("id_str", str(p, v, &m->id_str))
  SJ_FIELD("indices", indices(v, m->indices))
  SJ_END
}

bool media_size(value val, tw_media_size *s) {
  SJ_OBJECT(val)
  SJ_FIELD("w", u32(v, &s->w))
  SJ_FIELD("h", u32(v, &s->h))
  SJ_FIELD("resize", enumeration(v, &s->resize.tag, resizes, 2))
  SJ_END
}

bool media_sizes(value val, tw_media_sizes *s) {
  SJ_OBJECT(val)
  SJ_FIELD("medium", media_size(v, &s->medium))
  SJ_FIELD("small", media_size(v, &s->small))
  SJ_FIELD("thumb", media_size(v, &s->thumb))
  SJ_FIELD("large", media_size(v, &s->large))
  SJ_END
}

bool media(peer_simdjson &p, value val, tw_media *m) {
  SJ_OBJECT(val)
  SJ_FIELD("id", u64(v, &m->id))
  SJ_FIELD("id_str", str(p, v, &m->id_str))
  SJ_FIELD("indices", indices(v, m->indices))
  SJ_FIELD("media_url", str(p, v, &m->media_url))
  SJ_FIELD("media_url_https", str(p, v, &m->media_url_https))
  SJ_FIELD("url", str(p, v, &m->url))
  SJ_FIELD("display_url", str(p, v, &m->display_url))
  SJ_FIELD("expanded_url", str(p, v, &m->expanded_url))
  SJ_FIELD("type", enumeration(v, &m->type.tag, media_types, 3))
  SJ_FIELD("sizes", media_sizes(v, &m->sizes))
  SJ_FIELD("source_status_id", (m->source_status_id.present = true, u64(v, &m->source_status_id.value)))
  SJ_FIELD("source_status_id_str",
           (m->source_status_id_str.present = true, str(p, v, &m->source_status_id_str.value)))
  SJ_END
}

bool url_entity(peer_simdjson &p, value val, tw_url_entity *e) {
  SJ_OBJECT(val)
  SJ_FIELD("urls", list(p, v, &e->urls, [&](value ev, tw_url *u) { return url(p, ev, u); }))
  SJ_END
}

bool user_entities(peer_simdjson &p, value val, tw_user_entities *e) {
  SJ_OBJECT(val)
  SJ_FIELD("url", (e->url.present = true, url_entity(p, v, &e->url.value)))
  SJ_FIELD("description", url_entity(p, v, &e->description))
  SJ_END
}

bool status_entities(peer_simdjson &p, value val, tw_status_entities *e) {
  auto tag = [&](value ev, tw_hashtag *h) { return hashtag(p, ev, h); };
  SJ_OBJECT(val)
  SJ_FIELD("hashtags", list(p, v, &e->hashtags, tag))
  SJ_FIELD("symbols", list(p, v, &e->symbols, tag))
  SJ_FIELD("urls", list(p, v, &e->urls, [&](value ev, tw_url *u) { return url(p, ev, u); }))
  SJ_FIELD("user_mentions",
           list(p, v, &e->user_mentions, [&](value ev, tw_user_mention *m) { return mention(p, ev, m); }))
  SJ_FIELD("media", (e->media.present = true,
                     list(p, v, &e->media.value, [&](value ev, tw_media *m) { return media(p, ev, m); })))
  SJ_END
}

bool user(peer_simdjson &p, value val, tw_user *u) {
  SJ_OBJECT(val)
  SJ_FIELD("id", u64(v, &u->id))
  SJ_FIELD("id_str", str(p, v, &u->id_str))
  SJ_FIELD("name", str(p, v, &u->name))
  SJ_FIELD("screen_name", str(p, v, &u->screen_name))
  SJ_FIELD("location", str(p, v, &u->location))
  SJ_FIELD("description", str(p, v, &u->description))
  SJ_FIELD("url", opt_str(p, v, &u->url))
  SJ_FIELD("entities", user_entities(p, v, &u->entities))
  SJ_FIELD("protected", boolean(v, &u->is_protected))
  SJ_FIELD("followers_count", u32(v, &u->followers_count))
  SJ_FIELD("friends_count", u32(v, &u->friends_count))
  SJ_FIELD("listed_count", u32(v, &u->listed_count))
  SJ_FIELD("created_at", str(p, v, &u->created_at))
  SJ_FIELD("favourites_count", u32(v, &u->favourites_count))
  SJ_FIELD("utc_offset", is_null(v) || (u->utc_offset.present = true, i32(v, &u->utc_offset.value)))
  SJ_FIELD("time_zone", opt_str(p, v, &u->time_zone))
  SJ_FIELD("geo_enabled", boolean(v, &u->geo_enabled))
  SJ_FIELD("verified", boolean(v, &u->verified))
  SJ_FIELD("statuses_count", u32(v, &u->statuses_count))
  SJ_FIELD("lang", str(p, v, &u->lang))
  SJ_FIELD("contributors_enabled", boolean(v, &u->contributors_enabled))
  SJ_FIELD("is_translator", boolean(v, &u->is_translator))
  SJ_FIELD("is_translation_enabled", boolean(v, &u->is_translation_enabled))
  SJ_FIELD("profile_background_color", str(p, v, &u->profile_background_color))
  SJ_FIELD("profile_background_image_url", str(p, v, &u->profile_background_image_url))
  SJ_FIELD("profile_background_image_url_https", str(p, v, &u->profile_background_image_url_https))
  SJ_FIELD("profile_background_tile", boolean(v, &u->profile_background_tile))
  SJ_FIELD("profile_image_url", str(p, v, &u->profile_image_url))
  SJ_FIELD("profile_image_url_https", str(p, v, &u->profile_image_url_https))
  SJ_FIELD("profile_banner_url", (u->profile_banner_url.present = true, str(p, v, &u->profile_banner_url.value)))
  SJ_FIELD("profile_link_color", str(p, v, &u->profile_link_color))
  SJ_FIELD("profile_sidebar_border_color", str(p, v, &u->profile_sidebar_border_color))
  SJ_FIELD("profile_sidebar_fill_color", str(p, v, &u->profile_sidebar_fill_color))
  SJ_FIELD("profile_text_color", str(p, v, &u->profile_text_color))
  SJ_FIELD("profile_use_background_image", boolean(v, &u->profile_use_background_image))
  SJ_FIELD("default_profile", boolean(v, &u->default_profile))
  SJ_FIELD("default_profile_image", boolean(v, &u->default_profile_image))
  SJ_FIELD("following", boolean(v, &u->following))
  SJ_FIELD("follow_request_sent", boolean(v, &u->follow_request_sent))
  SJ_FIELD("notifications", boolean(v, &u->notifications))
  SJ_END
}

bool metadata(peer_simdjson &p, value val, tw_metadata *m) {
  SJ_OBJECT(val)
  SJ_FIELD("result_type", enumeration(v, &m->result_type.tag, result_types, 3))
  SJ_FIELD("iso_language_code", str(p, v, &m->iso_language_code))
  SJ_END
}

// Retweets nest one status inside another; the corpus goes one level deep.
constexpr unsigned max_depth = 256;

bool status(peer_simdjson &p, value val, tw_status *s, unsigned depth) {
  if (depth > max_depth) return false;
  SJ_OBJECT(val)
  SJ_FIELD("metadata", metadata(p, v, &s->metadata))
  SJ_FIELD("created_at", str(p, v, &s->created_at))
  SJ_FIELD("id", u64(v, &s->id))
  SJ_FIELD("id_str", str(p, v, &s->id_str))
  SJ_FIELD("text", str(p, v, &s->text))
  SJ_FIELD("source", str(p, v, &s->source))
  SJ_FIELD("truncated", boolean(v, &s->truncated))
  SJ_FIELD("in_reply_to_status_id", opt_u64(v, &s->in_reply_to_status_id))
  SJ_FIELD("in_reply_to_status_id_str", opt_str(p, v, &s->in_reply_to_status_id_str))
  SJ_FIELD("in_reply_to_user_id", opt_u64(v, &s->in_reply_to_user_id))
  SJ_FIELD("in_reply_to_user_id_str", opt_str(p, v, &s->in_reply_to_user_id_str))
  SJ_FIELD("in_reply_to_screen_name", opt_str(p, v, &s->in_reply_to_screen_name))
  SJ_FIELD("user", user(p, v, &s->user))
  SJ_FIELD("geo", null_value(v, &s->geo))
  SJ_FIELD("coordinates", null_value(v, &s->coordinates))
  SJ_FIELD("place", null_value(v, &s->place))
  SJ_FIELD("contributors", null_value(v, &s->contributors))
  SJ_FIELD("retweeted_status", (s->retweeted_status = p.make<tw_status>(1)) &&
                                   status(p, v, s->retweeted_status, depth + 1))
  SJ_FIELD("retweet_count", u32(v, &s->retweet_count))
  SJ_FIELD("favorite_count", u32(v, &s->favorite_count))
  SJ_FIELD("entities", status_entities(p, v, &s->entities))
  SJ_FIELD("favorited", boolean(v, &s->favorited))
  SJ_FIELD("retweeted", boolean(v, &s->retweeted))
  SJ_FIELD("possibly_sensitive",
           (s->possibly_sensitive.present = true, boolean(v, &s->possibly_sensitive.value)))
  SJ_FIELD("lang", str(p, v, &s->lang))
  SJ_END
}

bool search_metadata(peer_simdjson &p, value val, tw_search_metadata *m) {
  SJ_OBJECT(val)
  SJ_FIELD("completed_in", v.get_double().get(m->completed_in) == simdjson::SUCCESS)
  SJ_FIELD("max_id", u64(v, &m->max_id))
  SJ_FIELD("max_id_str", str(p, v, &m->max_id_str))
  SJ_FIELD("next_results", str(p, v, &m->next_results))
  SJ_FIELD("query", str(p, v, &m->query))
  SJ_FIELD("refresh_url", str(p, v, &m->refresh_url))
  SJ_FIELD("count", u32(v, &m->count))
  SJ_FIELD("since_id", u64(v, &m->since_id))
  SJ_FIELD("since_id_str", str(p, v, &m->since_id_str))
  SJ_END
}

bool document(peer_simdjson &p, value val, twitter_doc *doc) {
  SJ_OBJECT(val)
  SJ_FIELD("statuses",
           list(p, v, &doc->statuses, [&](value ev, tw_status *s) { return status(p, ev, s, 0); }))
  SJ_FIELD("search_metadata", search_metadata(p, v, &doc->search_metadata))
  SJ_END
}

}  // namespace

extern "C" bool peer_simdjson_twitter(void *prep, struct twitter_doc *out, peer_alloc_fn alloc,
                                      void *alloc_ctx) {
  auto *p = static_cast<peer_simdjson *>(prep);
  p->alloc = alloc;
  p->alloc_ctx = alloc_ctx;
  *out = twitter_doc{};
  simdjson::ondemand::document doc;
  value root;
  if (p->ondemand.iterate(p->text).get(doc) || doc.get_value().get(root)) return false;
  return document(*p, root, out);
}
