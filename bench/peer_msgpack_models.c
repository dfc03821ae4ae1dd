/* msgpack-c packing the twitter and citm model structs, member for member
 * as vmir's MessagePack encoder lays them out: maps with string keys in
 * declaration order, options skipped when none left out, the other
 * options nil when none, unit enums as their names. */
#include <msgpack.h>
#include <string.h>

#include "citm_model.h"
#include "peer_libs.h"
#include "twitter_model.h"

static msgpack_sbuffer packed; /* kept across runs, as a writer would be */

static void str(msgpack_packer *pk, const char *s, size_t n) {
  msgpack_pack_str(pk, n);
  msgpack_pack_str_body(pk, s, n);
}

static void vstr(msgpack_packer *pk, vmir_str s) { str(pk, s.ptr, s.len); }

#define KEY(pk, lit) str((pk), (lit), sizeof(lit) - 1)

static void boolean(msgpack_packer *pk, bool v) {
  if (v) msgpack_pack_true(pk);
  else msgpack_pack_false(pk);
}

static bool enumeration(msgpack_packer *pk, int8_t tag, const char *const *names, int count) {
  if (tag < 0 || tag >= count) return false;
  str(pk, names[tag], strlen(names[tag]));
  return true;
}

static msgpack_packer start(void) {
  msgpack_sbuffer_clear(&packed);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &packed, msgpack_sbuffer_write);
  return pk;
}

static bool finish(const uint8_t **data, size_t *len) {
  *data = (const uint8_t *)packed.data;
  *len = packed.size;
  return true;
}

/* ---- twitter ---------------------------------------------------------------- */

static const char *const result_types[] = {"mixed", "recent", "popular"};
static const char *const media_types[] = {"photo", "video", "animated_gif"};
static const char *const resizes[] = {"fit", "crop"};

static void tw_opt_s(msgpack_packer *pk, const tw_opt_str *o) {
  if (o->present) vstr(pk, o->value);
  else msgpack_pack_nil(pk);
}

static void tw_opt_u(msgpack_packer *pk, const tw_opt_u64 *o) {
  if (o->present) msgpack_pack_uint64(pk, o->value);
  else msgpack_pack_nil(pk);
}

static void indices(msgpack_packer *pk, const uint32_t idx[2]) {
  msgpack_pack_array(pk, 2);
  msgpack_pack_uint32(pk, idx[0]);
  msgpack_pack_uint32(pk, idx[1]);
}

static void hashtags(msgpack_packer *pk, const tw_hashtag_list *l) {
  msgpack_pack_array(pk, l->len);
  for (size_t i = 0; i < l->len; i++) {
    msgpack_pack_map(pk, 2);
    KEY(pk, "text");
    vstr(pk, l->ptr[i].text);
    KEY(pk, "indices");
    indices(pk, l->ptr[i].indices);
  }
}

static void urls(msgpack_packer *pk, const tw_url_list *l) {
  msgpack_pack_array(pk, l->len);
  for (size_t i = 0; i < l->len; i++) {
    const tw_url *u = &l->ptr[i];
    msgpack_pack_map(pk, 4);
    KEY(pk, "url");
    vstr(pk, u->url);
    KEY(pk, "expanded_url");
    vstr(pk, u->expanded_url);
    KEY(pk, "display_url");
    vstr(pk, u->display_url);
    KEY(pk, "indices");
    indices(pk, u->indices);
  }
}

static void mentions(msgpack_packer *pk, const tw_user_mention_list *l) {
  msgpack_pack_array(pk, l->len);
  for (size_t i = 0; i < l->len; i++) {
    const tw_user_mention *m = &l->ptr[i];
    msgpack_pack_map(pk, 5);
    KEY(pk, "screen_name");
    vstr(pk, m->screen_name);
    KEY(pk, "name");
    vstr(pk, m->name);
    KEY(pk, "id");
    msgpack_pack_uint64(pk, m->id);
    KEY(pk, "id_str");
    vstr(pk, m->id_str);
    KEY(pk, "indices");
    indices(pk, m->indices);
  }
}

static bool media_size(msgpack_packer *pk, const tw_media_size *s) {
  msgpack_pack_map(pk, 3);
  KEY(pk, "w");
  msgpack_pack_uint32(pk, s->w);
  KEY(pk, "h");
  msgpack_pack_uint32(pk, s->h);
  KEY(pk, "resize");
  return enumeration(pk, s->resize.tag, resizes, 2);
}

static bool media(msgpack_packer *pk, const tw_media_list *l) {
  msgpack_pack_array(pk, l->len);
  for (size_t i = 0; i < l->len; i++) {
    const tw_media *m = &l->ptr[i];
    msgpack_pack_map(pk, 10 + m->source_status_id.present + m->source_status_id_str.present);
    KEY(pk, "id");
    msgpack_pack_uint64(pk, m->id);
    KEY(pk, "id_str");
    vstr(pk, m->id_str);
    KEY(pk, "indices");
    indices(pk, m->indices);
    KEY(pk, "media_url");
    vstr(pk, m->media_url);
    KEY(pk, "media_url_https");
    vstr(pk, m->media_url_https);
    KEY(pk, "url");
    vstr(pk, m->url);
    KEY(pk, "display_url");
    vstr(pk, m->display_url);
    KEY(pk, "expanded_url");
    vstr(pk, m->expanded_url);
    KEY(pk, "type");
    if (!enumeration(pk, m->type.tag, media_types, 3)) return false;
    KEY(pk, "sizes");
    msgpack_pack_map(pk, 4);
    KEY(pk, "medium");
    if (!media_size(pk, &m->sizes.medium)) return false;
    KEY(pk, "small");
    if (!media_size(pk, &m->sizes.small)) return false;
    KEY(pk, "thumb");
    if (!media_size(pk, &m->sizes.thumb)) return false;
    KEY(pk, "large");
    if (!media_size(pk, &m->sizes.large)) return false;
    if (m->source_status_id.present) {
      KEY(pk, "source_status_id");
      msgpack_pack_uint64(pk, m->source_status_id.value);
    }
    if (m->source_status_id_str.present) {
      KEY(pk, "source_status_id_str");
      vstr(pk, m->source_status_id_str.value);
    }
  }
  return true;
}

static void url_entity(msgpack_packer *pk, const tw_url_entity *e) {
  msgpack_pack_map(pk, 1);
  KEY(pk, "urls");
  urls(pk, &e->urls);
}

static void user(msgpack_packer *pk, const tw_user *u) {
  msgpack_pack_map(pk, 39 + u->profile_banner_url.present);
  KEY(pk, "id");
  msgpack_pack_uint64(pk, u->id);
  KEY(pk, "id_str");
  vstr(pk, u->id_str);
  KEY(pk, "name");
  vstr(pk, u->name);
  KEY(pk, "screen_name");
  vstr(pk, u->screen_name);
  KEY(pk, "location");
  vstr(pk, u->location);
  KEY(pk, "description");
  vstr(pk, u->description);
  KEY(pk, "url");
  tw_opt_s(pk, &u->url);
  KEY(pk, "entities");
  msgpack_pack_map(pk, 1 + u->entities.url.present);
  if (u->entities.url.present) {
    KEY(pk, "url");
    url_entity(pk, &u->entities.url.value);
  }
  KEY(pk, "description");
  url_entity(pk, &u->entities.description);
  KEY(pk, "protected");
  boolean(pk, u->is_protected);
  KEY(pk, "followers_count");
  msgpack_pack_uint32(pk, u->followers_count);
  KEY(pk, "friends_count");
  msgpack_pack_uint32(pk, u->friends_count);
  KEY(pk, "listed_count");
  msgpack_pack_uint32(pk, u->listed_count);
  KEY(pk, "created_at");
  vstr(pk, u->created_at);
  KEY(pk, "favourites_count");
  msgpack_pack_uint32(pk, u->favourites_count);
  KEY(pk, "utc_offset");
  if (u->utc_offset.present) msgpack_pack_int32(pk, u->utc_offset.value);
  else msgpack_pack_nil(pk);
  KEY(pk, "time_zone");
  tw_opt_s(pk, &u->time_zone);
  KEY(pk, "geo_enabled");
  boolean(pk, u->geo_enabled);
  KEY(pk, "verified");
  boolean(pk, u->verified);
  KEY(pk, "statuses_count");
  msgpack_pack_uint32(pk, u->statuses_count);
  KEY(pk, "lang");
  vstr(pk, u->lang);
  KEY(pk, "contributors_enabled");
  boolean(pk, u->contributors_enabled);
  KEY(pk, "is_translator");
  boolean(pk, u->is_translator);
  KEY(pk, "is_translation_enabled");
  boolean(pk, u->is_translation_enabled);
  KEY(pk, "profile_background_color");
  vstr(pk, u->profile_background_color);
  KEY(pk, "profile_background_image_url");
  vstr(pk, u->profile_background_image_url);
  KEY(pk, "profile_background_image_url_https");
  vstr(pk, u->profile_background_image_url_https);
  KEY(pk, "profile_background_tile");
  boolean(pk, u->profile_background_tile);
  KEY(pk, "profile_image_url");
  vstr(pk, u->profile_image_url);
  KEY(pk, "profile_image_url_https");
  vstr(pk, u->profile_image_url_https);
  if (u->profile_banner_url.present) {
    KEY(pk, "profile_banner_url");
    vstr(pk, u->profile_banner_url.value);
  }
  KEY(pk, "profile_link_color");
  vstr(pk, u->profile_link_color);
  KEY(pk, "profile_sidebar_border_color");
  vstr(pk, u->profile_sidebar_border_color);
  KEY(pk, "profile_sidebar_fill_color");
  vstr(pk, u->profile_sidebar_fill_color);
  KEY(pk, "profile_text_color");
  vstr(pk, u->profile_text_color);
  KEY(pk, "profile_use_background_image");
  boolean(pk, u->profile_use_background_image);
  KEY(pk, "default_profile");
  boolean(pk, u->default_profile);
  KEY(pk, "default_profile_image");
  boolean(pk, u->default_profile_image);
  KEY(pk, "following");
  boolean(pk, u->following);
  KEY(pk, "follow_request_sent");
  boolean(pk, u->follow_request_sent);
  KEY(pk, "notifications");
  boolean(pk, u->notifications);
}

/* The dynamic values are null in every status of the corpus. */
static bool nil_value(msgpack_packer *pk, const vmir_value *v) {
  if (v) return false;
  msgpack_pack_nil(pk);
  return true;
}

#define TW_MAX_DEPTH 256u

static bool status(msgpack_packer *pk, const tw_status *s, unsigned depth) {
  if (depth > TW_MAX_DEPTH) return false;
  msgpack_pack_map(pk, 23 + (s->retweeted_status != NULL) + s->possibly_sensitive.present);
  KEY(pk, "metadata");
  msgpack_pack_map(pk, 2);
  KEY(pk, "result_type");
  if (!enumeration(pk, s->metadata.result_type.tag, result_types, 3)) return false;
  KEY(pk, "iso_language_code");
  vstr(pk, s->metadata.iso_language_code);
  KEY(pk, "created_at");
  vstr(pk, s->created_at);
  KEY(pk, "id");
  msgpack_pack_uint64(pk, s->id);
  KEY(pk, "id_str");
  vstr(pk, s->id_str);
  KEY(pk, "text");
  vstr(pk, s->text);
  KEY(pk, "source");
  vstr(pk, s->source);
  KEY(pk, "truncated");
  boolean(pk, s->truncated);
  KEY(pk, "in_reply_to_status_id");
  tw_opt_u(pk, &s->in_reply_to_status_id);
  KEY(pk, "in_reply_to_status_id_str");
  tw_opt_s(pk, &s->in_reply_to_status_id_str);
  KEY(pk, "in_reply_to_user_id");
  tw_opt_u(pk, &s->in_reply_to_user_id);
  KEY(pk, "in_reply_to_user_id_str");
  tw_opt_s(pk, &s->in_reply_to_user_id_str);
  KEY(pk, "in_reply_to_screen_name");
  tw_opt_s(pk, &s->in_reply_to_screen_name);
  KEY(pk, "user");
  user(pk, &s->user);
  KEY(pk, "geo");
  if (!nil_value(pk, s->geo)) return false;
  KEY(pk, "coordinates");
  if (!nil_value(pk, s->coordinates)) return false;
  KEY(pk, "place");
  if (!nil_value(pk, s->place)) return false;
  KEY(pk, "contributors");
  if (!nil_value(pk, s->contributors)) return false;
  if (s->retweeted_status) {
    KEY(pk, "retweeted_status");
    if (!status(pk, s->retweeted_status, depth + 1)) return false;
  }
  KEY(pk, "retweet_count");
  msgpack_pack_uint32(pk, s->retweet_count);
  KEY(pk, "favorite_count");
  msgpack_pack_uint32(pk, s->favorite_count);
  KEY(pk, "entities");
  msgpack_pack_map(pk, 4 + s->entities.media.present);
  KEY(pk, "hashtags");
  hashtags(pk, &s->entities.hashtags);
  KEY(pk, "symbols");
  hashtags(pk, &s->entities.symbols);
  KEY(pk, "urls");
  urls(pk, &s->entities.urls);
  KEY(pk, "user_mentions");
  mentions(pk, &s->entities.user_mentions);
  if (s->entities.media.present) {
    KEY(pk, "media");
    if (!media(pk, &s->entities.media.value)) return false;
  }
  KEY(pk, "favorited");
  boolean(pk, s->favorited);
  KEY(pk, "retweeted");
  boolean(pk, s->retweeted);
  if (s->possibly_sensitive.present) {
    KEY(pk, "possibly_sensitive");
    boolean(pk, s->possibly_sensitive.value);
  }
  KEY(pk, "lang");
  vstr(pk, s->lang);
  return true;
}

bool peer_msgpack_pack_twitter(const struct twitter_doc *doc, const uint8_t **data, size_t *len) {
  msgpack_packer pk = start();
  msgpack_pack_map(&pk, 2);
  KEY(&pk, "statuses");
  msgpack_pack_array(&pk, doc->statuses.len);
  for (size_t i = 0; i < doc->statuses.len; i++)
    if (!status(&pk, &doc->statuses.ptr[i], 0)) return false;
  const tw_search_metadata *m = &doc->search_metadata;
  KEY(&pk, "search_metadata");
  msgpack_pack_map(&pk, 9);
  KEY(&pk, "completed_in");
  msgpack_pack_double(&pk, m->completed_in);
  KEY(&pk, "max_id");
  msgpack_pack_uint64(&pk, m->max_id);
  KEY(&pk, "max_id_str");
  vstr(&pk, m->max_id_str);
  KEY(&pk, "next_results");
  vstr(&pk, m->next_results);
  KEY(&pk, "query");
  vstr(&pk, m->query);
  KEY(&pk, "refresh_url");
  vstr(&pk, m->refresh_url);
  KEY(&pk, "count");
  msgpack_pack_uint32(&pk, m->count);
  KEY(&pk, "since_id");
  msgpack_pack_uint64(&pk, m->since_id);
  KEY(&pk, "since_id_str");
  vstr(&pk, m->since_id_str);
  return finish(data, len);
}

/* ---- citm_catalog ------------------------------------------------------------- */

static void citm_opt_s(msgpack_packer *pk, const citm_opt_str *o) {
  if (o->present) vstr(pk, o->value);
  else msgpack_pack_nil(pk);
}

static void ids(msgpack_packer *pk, const citm_id_list *l) {
  msgpack_pack_array(pk, l->len);
  for (size_t i = 0; i < l->len; i++) msgpack_pack_uint64(pk, l->ptr[i]);
}

static void name_map(msgpack_packer *pk, const citm_name_map *m) {
  msgpack_pack_map(pk, m->len);
  for (size_t i = 0; i < m->len; i++) {
    vstr(pk, m->ptr[i].key);
    vstr(pk, m->ptr[i].value);
  }
}

static void event(msgpack_packer *pk, const citm_event *e) {
  msgpack_pack_map(pk, 8);
  KEY(pk, "description");
  citm_opt_s(pk, &e->description);
  KEY(pk, "id");
  msgpack_pack_uint64(pk, e->id);
  KEY(pk, "logo");
  citm_opt_s(pk, &e->logo);
  KEY(pk, "name");
  vstr(pk, e->name);
  KEY(pk, "subTopicIds");
  ids(pk, &e->sub_topic_ids);
  KEY(pk, "subjectCode");
  citm_opt_s(pk, &e->subject_code);
  KEY(pk, "subtitle");
  citm_opt_s(pk, &e->subtitle);
  KEY(pk, "topicIds");
  ids(pk, &e->topic_ids);
}

static void performance(msgpack_packer *pk, const citm_performance *p) {
  msgpack_pack_map(pk, 9);
  KEY(pk, "eventId");
  msgpack_pack_uint64(pk, p->event_id);
  KEY(pk, "id");
  msgpack_pack_uint64(pk, p->id);
  KEY(pk, "logo");
  citm_opt_s(pk, &p->logo);
  KEY(pk, "name");
  citm_opt_s(pk, &p->name);
  KEY(pk, "prices");
  msgpack_pack_array(pk, p->prices.len);
  for (size_t i = 0; i < p->prices.len; i++) {
    const citm_price *pr = &p->prices.ptr[i];
    msgpack_pack_map(pk, 3);
    KEY(pk, "amount");
    msgpack_pack_uint32(pk, pr->amount);
    KEY(pk, "audienceSubCategoryId");
    msgpack_pack_uint64(pk, pr->audience_sub_category_id);
    KEY(pk, "seatCategoryId");
    msgpack_pack_uint64(pk, pr->seat_category_id);
  }
  KEY(pk, "seatCategories");
  msgpack_pack_array(pk, p->seat_categories.len);
  for (size_t i = 0; i < p->seat_categories.len; i++) {
    const citm_seat_category *sc = &p->seat_categories.ptr[i];
    msgpack_pack_map(pk, 2);
    KEY(pk, "areas");
    msgpack_pack_array(pk, sc->areas.len);
    for (size_t a = 0; a < sc->areas.len; a++) {
      msgpack_pack_map(pk, 2);
      KEY(pk, "areaId");
      msgpack_pack_uint64(pk, sc->areas.ptr[a].area_id);
      KEY(pk, "blockIds");
      ids(pk, &sc->areas.ptr[a].block_ids);
    }
    KEY(pk, "seatCategoryId");
    msgpack_pack_uint64(pk, sc->seat_category_id);
  }
  KEY(pk, "seatMapImage");
  citm_opt_s(pk, &p->seat_map_image);
  KEY(pk, "start");
  msgpack_pack_uint64(pk, p->start);
  KEY(pk, "venueCode");
  vstr(pk, p->venue_code);
}

bool peer_msgpack_pack_citm(const struct citm_catalog *c, const uint8_t **data, size_t *len) {
  msgpack_packer pk = start();
  msgpack_pack_map(&pk, 11);
  KEY(&pk, "areaNames");
  name_map(&pk, &c->area_names);
  KEY(&pk, "audienceSubCategoryNames");
  name_map(&pk, &c->audience_sub_category_names);
  KEY(&pk, "blockNames");
  name_map(&pk, &c->block_names);
  KEY(&pk, "events");
  msgpack_pack_map(&pk, c->events.len);
  for (size_t i = 0; i < c->events.len; i++) {
    vstr(&pk, c->events.ptr[i].key);
    event(&pk, &c->events.ptr[i].value);
  }
  KEY(&pk, "performances");
  msgpack_pack_array(&pk, c->performances.len);
  for (size_t i = 0; i < c->performances.len; i++) performance(&pk, &c->performances.ptr[i]);
  KEY(&pk, "seatCategoryNames");
  name_map(&pk, &c->seat_category_names);
  KEY(&pk, "subTopicNames");
  name_map(&pk, &c->sub_topic_names);
  KEY(&pk, "subjectNames");
  name_map(&pk, &c->subject_names);
  KEY(&pk, "topicNames");
  name_map(&pk, &c->topic_names);
  KEY(&pk, "topicSubTopics");
  msgpack_pack_map(&pk, c->topic_sub_topics.len);
  for (size_t i = 0; i < c->topic_sub_topics.len; i++) {
    vstr(&pk, c->topic_sub_topics.ptr[i].key);
    ids(&pk, &c->topic_sub_topics.ptr[i].value);
  }
  KEY(&pk, "venueNames");
  name_map(&pk, &c->venue_names);
  return finish(data, len);
}
