// RapidJSON's Writer driven from the twitter model structs, writing the
// members in the order and with the presence rules vmir's encoder uses
// (options skipped when none are left out; the others write null).
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "peer_libs.h"
#include "twitter_model.h"

namespace {

using writer = rapidjson::Writer<rapidjson::StringBuffer>;

rapidjson::StringBuffer out;  // kept across runs, as a writer would be

const char *const result_types[] = {"mixed", "recent", "popular"};
const char *const media_types[] = {"photo", "video", "animated_gif"};
const char *const resizes[] = {"fit", "crop"};

void str(writer &w, const vmir_str &s) { w.String(s.ptr, static_cast<rapidjson::SizeType>(s.len)); }

void opt_str(writer &w, const tw_opt_str &o) {
  if (o.present) str(w, o.value);
  else w.Null();
}

void opt_u64(writer &w, const tw_opt_u64 &o) {
  if (o.present) w.Uint64(o.value);
  else w.Null();
}

bool enumeration(writer &w, int8_t tag, const char *const *names, int count) {
  if (tag < 0 || tag >= count) return false;
  w.String(names[tag]);
  return true;
}

// The dynamic values are null in every status of the corpus: others are refused.
bool null_value(writer &w, const vmir_value *v) {
  if (v) return false;
  w.Null();
  return true;
}

void indices(writer &w, const uint32_t idx[2]) {
  w.StartArray();
  w.Uint(idx[0]);
  w.Uint(idx[1]);
  w.EndArray();
}

void hashtags(writer &w, const tw_hashtag_list &l) {
  w.StartArray();
  for (size_t i = 0; i < l.len; i++) {
    w.StartObject();
    w.Key("text");
    str(w, l.ptr[i].text);
    w.Key("indices");
    indices(w, l.ptr[i].indices);
    w.EndObject();
  }
  w.EndArray();
}

void urls(writer &w, const tw_url_list &l) {
  w.StartArray();
  for (size_t i = 0; i < l.len; i++) {
    const tw_url &u = l.ptr[i];
    w.StartObject();
    w.Key("url");
    str(w, u.url);
    w.Key("expanded_url");
    str(w, u.expanded_url);
    w.Key("display_url");
    str(w, u.display_url);
    w.Key("indices");
    indices(w, u.indices);
    w.EndObject();
  }
  w.EndArray();
}

void mentions(writer &w, const tw_user_mention_list &l) {
  w.StartArray();
  for (size_t i = 0; i < l.len; i++) {
    const tw_user_mention &m = l.ptr[i];
    w.StartObject();
    w.Key("screen_name");
    str(w, m.screen_name);
    w.Key("name");
    str(w, m.name);
    w.Key("id");
    w.Uint64(m.id);
    w.Key("id_str");
    str(w, m.id_str);
    w.Key("indices");
    indices(w, m.indices);
    w.EndObject();
  }
  w.EndArray();
}

bool media_size(writer &w, const char *key, const tw_media_size &s) {
  w.Key(key);
  w.StartObject();
  w.Key("w");
  w.Uint(s.w);
  w.Key("h");
  w.Uint(s.h);
  w.Key("resize");
  if (!enumeration(w, s.resize.tag, resizes, 2)) return false;
  w.EndObject();
  return true;
}

bool media(writer &w, const tw_media_list &l) {
  w.StartArray();
  for (size_t i = 0; i < l.len; i++) {
    const tw_media &m = l.ptr[i];
    w.StartObject();
    w.Key("id");
    w.Uint64(m.id);
    w.Key("id_str");
    str(w, m.id_str);
    w.Key("indices");
    indices(w, m.indices);
    w.Key("media_url");
    str(w, m.media_url);
    w.Key("media_url_https");
    str(w, m.media_url_https);
    w.Key("url");
    str(w, m.url);
    w.Key("display_url");
    str(w, m.display_url);
    w.Key("expanded_url");
    str(w, m.expanded_url);
    w.Key("type");
    if (!enumeration(w, m.type.tag, media_types, 3)) return false;
    w.Key("sizes");
    w.StartObject();
    if (!media_size(w, "medium", m.sizes.medium) || !media_size(w, "small", m.sizes.small) ||
        !media_size(w, "thumb", m.sizes.thumb) || !media_size(w, "large", m.sizes.large))
      return false;
    w.EndObject();
    if (m.source_status_id.present) {
      w.Key("source_status_id");
      w.Uint64(m.source_status_id.value);
    }
    if (m.source_status_id_str.present) {
      w.Key("source_status_id_str");
      str(w, m.source_status_id_str.value);
    }
    w.EndObject();
  }
  w.EndArray();
  return true;
}

void url_entity(writer &w, const tw_url_entity &e) {
  w.StartObject();
  w.Key("urls");
  urls(w, e.urls);
  w.EndObject();
}

void user(writer &w, const tw_user &u) {
  w.StartObject();
  w.Key("id");
  w.Uint64(u.id);
  w.Key("id_str");
  str(w, u.id_str);
  w.Key("name");
  str(w, u.name);
  w.Key("screen_name");
  str(w, u.screen_name);
  w.Key("location");
  str(w, u.location);
  w.Key("description");
  str(w, u.description);
  w.Key("url");
  opt_str(w, u.url);
  w.Key("entities");
  w.StartObject();
  if (u.entities.url.present) {
    w.Key("url");
    url_entity(w, u.entities.url.value);
  }
  w.Key("description");
  url_entity(w, u.entities.description);
  w.EndObject();
  w.Key("protected");
  w.Bool(u.is_protected);
  w.Key("followers_count");
  w.Uint(u.followers_count);
  w.Key("friends_count");
  w.Uint(u.friends_count);
  w.Key("listed_count");
  w.Uint(u.listed_count);
  w.Key("created_at");
  str(w, u.created_at);
  w.Key("favourites_count");
  w.Uint(u.favourites_count);
  w.Key("utc_offset");
  if (u.utc_offset.present) w.Int(u.utc_offset.value);
  else w.Null();
  w.Key("time_zone");
  opt_str(w, u.time_zone);
  w.Key("geo_enabled");
  w.Bool(u.geo_enabled);
  w.Key("verified");
  w.Bool(u.verified);
  w.Key("statuses_count");
  w.Uint(u.statuses_count);
  w.Key("lang");
  str(w, u.lang);
  w.Key("contributors_enabled");
  w.Bool(u.contributors_enabled);
  w.Key("is_translator");
  w.Bool(u.is_translator);
  w.Key("is_translation_enabled");
  w.Bool(u.is_translation_enabled);
  w.Key("profile_background_color");
  str(w, u.profile_background_color);
  w.Key("profile_background_image_url");
  str(w, u.profile_background_image_url);
  w.Key("profile_background_image_url_https");
  str(w, u.profile_background_image_url_https);
  w.Key("profile_background_tile");
  w.Bool(u.profile_background_tile);
  w.Key("profile_image_url");
  str(w, u.profile_image_url);
  w.Key("profile_image_url_https");
  str(w, u.profile_image_url_https);
  if (u.profile_banner_url.present) {
    w.Key("profile_banner_url");
    str(w, u.profile_banner_url.value);
  }
  w.Key("profile_link_color");
  str(w, u.profile_link_color);
  w.Key("profile_sidebar_border_color");
  str(w, u.profile_sidebar_border_color);
  w.Key("profile_sidebar_fill_color");
  str(w, u.profile_sidebar_fill_color);
  w.Key("profile_text_color");
  str(w, u.profile_text_color);
  w.Key("profile_use_background_image");
  w.Bool(u.profile_use_background_image);
  w.Key("default_profile");
  w.Bool(u.default_profile);
  w.Key("default_profile_image");
  w.Bool(u.default_profile_image);
  w.Key("following");
  w.Bool(u.following);
  w.Key("follow_request_sent");
  w.Bool(u.follow_request_sent);
  w.Key("notifications");
  w.Bool(u.notifications);
  w.EndObject();
}

constexpr unsigned max_depth = 256;

bool status(writer &w, const tw_status &s, unsigned depth) {
  if (depth > max_depth) return false;
  w.StartObject();
  w.Key("metadata");
  w.StartObject();
  w.Key("result_type");
  if (!enumeration(w, s.metadata.result_type.tag, result_types, 3)) return false;
  w.Key("iso_language_code");
  str(w, s.metadata.iso_language_code);
  w.EndObject();
  w.Key("created_at");
  str(w, s.created_at);
  w.Key("id");
  w.Uint64(s.id);
  w.Key("id_str");
  str(w, s.id_str);
  w.Key("text");
  str(w, s.text);
  w.Key("source");
  str(w, s.source);
  w.Key("truncated");
  w.Bool(s.truncated);
  w.Key("in_reply_to_status_id");
  opt_u64(w, s.in_reply_to_status_id);
  w.Key("in_reply_to_status_id_str");
  opt_str(w, s.in_reply_to_status_id_str);
  w.Key("in_reply_to_user_id");
  opt_u64(w, s.in_reply_to_user_id);
  w.Key("in_reply_to_user_id_str");
  opt_str(w, s.in_reply_to_user_id_str);
  w.Key("in_reply_to_screen_name");
  opt_str(w, s.in_reply_to_screen_name);
  w.Key("user");
  user(w, s.user);
  w.Key("geo");
  if (!null_value(w, s.geo)) return false;
  w.Key("coordinates");
  if (!null_value(w, s.coordinates)) return false;
  w.Key("place");
  if (!null_value(w, s.place)) return false;
  w.Key("contributors");
  if (!null_value(w, s.contributors)) return false;
  if (s.retweeted_status) {
    w.Key("retweeted_status");
    if (!status(w, *s.retweeted_status, depth + 1)) return false;
  }
  w.Key("retweet_count");
  w.Uint(s.retweet_count);
  w.Key("favorite_count");
  w.Uint(s.favorite_count);
  w.Key("entities");
  w.StartObject();
  w.Key("hashtags");
  hashtags(w, s.entities.hashtags);
  w.Key("symbols");
  hashtags(w, s.entities.symbols);
  w.Key("urls");
  urls(w, s.entities.urls);
  w.Key("user_mentions");
  mentions(w, s.entities.user_mentions);
  if (s.entities.media.present) {
    w.Key("media");
    if (!media(w, s.entities.media.value)) return false;
  }
  w.EndObject();
  w.Key("favorited");
  w.Bool(s.favorited);
  w.Key("retweeted");
  w.Bool(s.retweeted);
  if (s.possibly_sensitive.present) {
    w.Key("possibly_sensitive");
    w.Bool(s.possibly_sensitive.value);
  }
  w.Key("lang");
  str(w, s.lang);
  w.EndObject();
  return true;
}

}  // namespace

extern "C" bool peer_rapidjson_twitter(const struct twitter_doc *doc, const char **text, size_t *len) {
  out.Clear();
  writer w(out);
  w.StartObject();
  w.Key("statuses");
  w.StartArray();
  for (size_t i = 0; i < doc->statuses.len; i++)
    if (!status(w, doc->statuses.ptr[i], 0)) return false;
  w.EndArray();
  const tw_search_metadata &m = doc->search_metadata;
  w.Key("search_metadata");
  w.StartObject();
  w.Key("completed_in");
  w.Double(m.completed_in);
  w.Key("max_id");
  w.Uint64(m.max_id);
  w.Key("max_id_str");
  str(w, m.max_id_str);
  w.Key("next_results");
  str(w, m.next_results);
  w.Key("query");
  str(w, m.query);
  w.Key("refresh_url");
  str(w, m.refresh_url);
  w.Key("count");
  w.Uint(m.count);
  w.Key("since_id");
  w.Uint64(m.since_id);
  w.Key("since_id_str");
  str(w, m.since_id_str);
  w.EndObject();
  w.EndObject();
  *text = out.GetString();
  *len = out.GetSize();
  return w.IsComplete();
}
