/* Typed C model of twitter.json (a Twitter search API response), as a
 * careful user would write it after studying every object in the corpus:
 *
 * - every key present in the data is a field, in the corpus's key order;
 * - keys that are sometimes absent (retweeted_status, possibly_sensitive,
 *   profile_banner_url, user.entities.url, entities.media,
 *   media.source_status_id[_str]) are options skipped when none, so an
 *   absent key stays absent on output;
 * - keys that are sometimes null are options that encode null;
 * - geo, coordinates, place and contributors are null in every status of
 *   the corpus, so their structure is unknown: nullable dynamic values;
 * - closed sets documented by the API are enums of unit variants encoded as
 *   strings: metadata.result_type, media.type, media size resize. Language
 *   codes and `lang` are open sets (BCP 47): strings;
 * - ids are u64 (they exceed 2^53), counts u32, utc_offset i32;
 * - indices are always two integers: a fixed array uint32_t[2];
 * - a status holds an optional retweeted status: a nullable option pointing
 *   at the status shape itself, the corpus's recursive type;
 * - media `sizes` has the fixed keys thumb, small, medium, large: a struct.
 *   The corpus writes them in varying order (Twitter serialised a hash
 *   map), so that is the one place where a re-encoded document's member
 *   order differs from the corpus; values and key sets are equal.
 * One rename: `protected` is a valid C identifier but a C++ keyword, and
 * C++ code (a Google Benchmark shim) may include this header; the member
 * is `is_protected`, renamed to "protected" on the wire. */
#ifndef VMIR_MODELS_TWITTER_MODEL_H
#define VMIR_MODELS_TWITTER_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- options ---------------------------------------------------------------- */

typedef struct tw_opt_u64 { bool present; uint64_t value; } tw_opt_u64;
typedef struct tw_opt_i32 { bool present; int32_t value; } tw_opt_i32;
typedef struct tw_opt_bool { bool present; bool value; } tw_opt_bool;
typedef struct tw_opt_str { bool present; vmir_str value; } tw_opt_str;

/* ---- closed string sets (unit-variant enums, encoded as strings) ------------ */

typedef enum tw_result_type_kind {
  TW_RESULT_MIXED = 0,
  TW_RESULT_RECENT = 1,
  TW_RESULT_POPULAR = 2
} tw_result_type_kind;
typedef struct tw_result_type { int8_t tag; } tw_result_type;

typedef enum tw_media_type_kind {
  TW_MEDIA_PHOTO = 0,
  TW_MEDIA_VIDEO = 1,
  TW_MEDIA_ANIMATED_GIF = 2
} tw_media_type_kind;
typedef struct tw_media_type { int8_t tag; } tw_media_type;

typedef enum tw_resize_kind { TW_RESIZE_FIT = 0, TW_RESIZE_CROP = 1 } tw_resize_kind;
typedef struct tw_resize { int8_t tag; } tw_resize;

/* ---- entities ------------------------------------------------------------------ */

typedef struct tw_hashtag {      /* also the element type of `symbols` */
  vmir_str text;
  uint32_t indices[2];
} tw_hashtag;

typedef struct tw_url {
  vmir_str url;
  vmir_str expanded_url;
  vmir_str display_url;
  uint32_t indices[2];
} tw_url;

typedef struct tw_user_mention {
  vmir_str screen_name;
  vmir_str name;
  uint64_t id;
  vmir_str id_str;
  uint32_t indices[2];
} tw_user_mention;

typedef struct tw_media_size {
  uint32_t w;
  uint32_t h;
  tw_resize resize;
} tw_media_size;

typedef struct tw_media_sizes {
  tw_media_size medium;
  tw_media_size small;
  tw_media_size thumb;
  tw_media_size large;
} tw_media_sizes;

typedef struct tw_media {
  uint64_t id;
  vmir_str id_str;
  uint32_t indices[2];
  vmir_str media_url;
  vmir_str media_url_https;
  vmir_str url;
  vmir_str display_url;
  vmir_str expanded_url;
  tw_media_type type;
  tw_media_sizes sizes;
  tw_opt_u64 source_status_id;       /* absent unless the media is reused */
  tw_opt_str source_status_id_str;
} tw_media;

typedef VMIR_LIST_OF(tw_hashtag) tw_hashtag_list;
typedef VMIR_LIST_OF(tw_url) tw_url_list;
typedef VMIR_LIST_OF(tw_user_mention) tw_user_mention_list;
typedef VMIR_LIST_OF(tw_media) tw_media_list;
typedef struct tw_opt_media_list { bool present; tw_media_list value; } tw_opt_media_list;

typedef struct tw_status_entities {
  tw_hashtag_list hashtags;
  tw_hashtag_list symbols;
  tw_url_list urls;
  tw_user_mention_list user_mentions;
  tw_opt_media_list media;           /* absent when the status has none */
} tw_status_entities;

typedef struct tw_url_entity {
  tw_url_list urls;
} tw_url_entity;
typedef struct tw_opt_url_entity { bool present; tw_url_entity value; } tw_opt_url_entity;

typedef struct tw_user_entities {
  tw_opt_url_entity url;             /* absent when the profile has no URL */
  tw_url_entity description;
} tw_user_entities;

/* ---- user, status, document -------------------------------------------------- */

typedef struct tw_user {
  uint64_t id;
  vmir_str id_str;
  vmir_str name;
  vmir_str screen_name;
  vmir_str location;
  vmir_str description;
  tw_opt_str url;
  tw_user_entities entities;
  bool is_protected;                 /* "protected": a C++ keyword */
  uint32_t followers_count;
  uint32_t friends_count;
  uint32_t listed_count;
  vmir_str created_at;
  uint32_t favourites_count;
  tw_opt_i32 utc_offset;
  tw_opt_str time_zone;
  bool geo_enabled;
  bool verified;
  uint32_t statuses_count;
  vmir_str lang;
  bool contributors_enabled;
  bool is_translator;
  bool is_translation_enabled;
  vmir_str profile_background_color;
  vmir_str profile_background_image_url;
  vmir_str profile_background_image_url_https;
  bool profile_background_tile;
  vmir_str profile_image_url;
  vmir_str profile_image_url_https;
  tw_opt_str profile_banner_url;     /* absent for some users */
  vmir_str profile_link_color;
  vmir_str profile_sidebar_border_color;
  vmir_str profile_sidebar_fill_color;
  vmir_str profile_text_color;
  bool profile_use_background_image;
  bool default_profile;
  bool default_profile_image;
  bool following;
  bool follow_request_sent;
  bool notifications;
} tw_user;

typedef struct tw_metadata {
  tw_result_type result_type;
  vmir_str iso_language_code;
} tw_metadata;

typedef struct tw_status tw_status;
struct tw_status {
  tw_metadata metadata;
  vmir_str created_at;
  uint64_t id;
  vmir_str id_str;
  vmir_str text;
  vmir_str source;
  bool truncated;
  tw_opt_u64 in_reply_to_status_id;
  tw_opt_str in_reply_to_status_id_str;
  tw_opt_u64 in_reply_to_user_id;
  tw_opt_str in_reply_to_user_id_str;
  tw_opt_str in_reply_to_screen_name;
  tw_user user;
  vmir_value *geo;                   /* NULL: null */
  vmir_value *coordinates;
  vmir_value *place;
  vmir_value *contributors;
  tw_status *retweeted_status;       /* NULL: absent */
  uint32_t retweet_count;
  uint32_t favorite_count;
  tw_status_entities entities;
  bool favorited;
  bool retweeted;
  tw_opt_bool possibly_sensitive;    /* absent for most statuses */
  vmir_str lang;
};

typedef VMIR_LIST_OF(tw_status) tw_status_list;

typedef struct tw_search_metadata {
  double completed_in;
  uint64_t max_id;
  vmir_str max_id_str;
  vmir_str next_results;
  vmir_str query;
  vmir_str refresh_url;
  uint32_t count;
  uint64_t since_id;
  vmir_str since_id_str;
} tw_search_metadata;

typedef struct twitter_doc {
  tw_status_list statuses;
  tw_search_metadata search_metadata;
} twitter_doc;

/* The root shape (twitter_doc) and the recursive status shape. */
extern const vmir_shape twitter_shape;
extern const vmir_shape tw_status_shape;

#ifdef __cplusplus
}
#endif

#endif
