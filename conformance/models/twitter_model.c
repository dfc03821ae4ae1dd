/* Shape descriptors of the twitter.json model (see twitter_model.h for the
 * typing decisions). */
#include "twitter_model.h"

#include <stddef.h>

/* Sometimes-absent keys: skipped on encode when none, so absent stays
 * absent; options need no default flag on decode (absent means none). */
#define ABSENT_WHEN_NONE .flags = VMIR_FIELD_SKIP_IF, .skip_if = VMIR_PRED_IS_NONE

/* ---- options ---------------------------------------------------------------- */

static const vmir_shape opt_u64_shape =
    VMIR_OPTION_SHAPE(tw_opt_u64, present, value, &vmir_shape_u64);
static const vmir_shape opt_i32_shape =
    VMIR_OPTION_SHAPE(tw_opt_i32, present, value, &vmir_shape_i32);
static const vmir_shape opt_bool_shape =
    VMIR_OPTION_SHAPE(tw_opt_bool, present, value, &vmir_shape_bool);
static const vmir_shape opt_str_shape =
    VMIR_OPTION_SHAPE(tw_opt_str, present, value, &vmir_shape_string);
/* Always null in the corpus: structure unknown, so a dynamic value. */
static const vmir_shape nullable_value_shape = VMIR_NULLABLE_SHAPE(&vmir_shape_value);

/* ---- enums --------------------------------------------------------------------- */

static const vmir_variant result_type_variants[] = {
    {.name = "mixed", .discriminant = TW_RESULT_MIXED, .style = VMIR_VARIANT_UNIT},
    {.name = "recent", .discriminant = TW_RESULT_RECENT, .style = VMIR_VARIANT_UNIT},
    {.name = "popular", .discriminant = TW_RESULT_POPULAR, .style = VMIR_VARIANT_UNIT},
};
static const vmir_shape result_type_shape =
    VMIR_ENUM(tw_result_type, tag, result_type_variants, VMIR_TAG_EXTERNAL, NULL,
              NULL, true);

static const vmir_variant media_type_variants[] = {
    {.name = "photo", .discriminant = TW_MEDIA_PHOTO, .style = VMIR_VARIANT_UNIT},
    {.name = "video", .discriminant = TW_MEDIA_VIDEO, .style = VMIR_VARIANT_UNIT},
    {.name = "animated_gif", .discriminant = TW_MEDIA_ANIMATED_GIF,
     .style = VMIR_VARIANT_UNIT},
};
static const vmir_shape media_type_shape =
    VMIR_ENUM(tw_media_type, tag, media_type_variants, VMIR_TAG_EXTERNAL, NULL,
              NULL, true);

static const vmir_variant resize_variants[] = {
    {.name = "fit", .discriminant = TW_RESIZE_FIT, .style = VMIR_VARIANT_UNIT},
    {.name = "crop", .discriminant = TW_RESIZE_CROP, .style = VMIR_VARIANT_UNIT},
};
static const vmir_shape resize_shape =
    VMIR_ENUM(tw_resize, tag, resize_variants, VMIR_TAG_EXTERNAL, NULL, NULL, true);

/* ---- entities -------------------------------------------------------------------- */

/* Every entity's `uint32_t indices[2]` has this one layout. */
static const vmir_shape indices_shape =
    VMIR_ARRAY_SHAPE(tw_hashtag, indices, uint32_t, &vmir_shape_u32);

static const vmir_field hashtag_fields[] = {
    VMIR_FIELD(tw_hashtag, text, &vmir_shape_string),
    VMIR_FIELD(tw_hashtag, indices, &indices_shape),
};
static const vmir_shape hashtag_shape = VMIR_STRUCT(tw_hashtag, hashtag_fields);

static const vmir_field url_fields[] = {
    VMIR_FIELD(tw_url, url, &vmir_shape_string),
    VMIR_FIELD(tw_url, expanded_url, &vmir_shape_string),
    VMIR_FIELD(tw_url, display_url, &vmir_shape_string),
    VMIR_FIELD(tw_url, indices, &indices_shape),
};
static const vmir_shape url_shape = VMIR_STRUCT(tw_url, url_fields);

static const vmir_field user_mention_fields[] = {
    VMIR_FIELD(tw_user_mention, screen_name, &vmir_shape_string),
    VMIR_FIELD(tw_user_mention, name, &vmir_shape_string),
    VMIR_FIELD(tw_user_mention, id, &vmir_shape_u64),
    VMIR_FIELD(tw_user_mention, id_str, &vmir_shape_string),
    VMIR_FIELD(tw_user_mention, indices, &indices_shape),
};
static const vmir_shape user_mention_shape =
    VMIR_STRUCT(tw_user_mention, user_mention_fields);

static const vmir_field media_size_fields[] = {
    VMIR_FIELD(tw_media_size, w, &vmir_shape_u32),
    VMIR_FIELD(tw_media_size, h, &vmir_shape_u32),
    VMIR_FIELD(tw_media_size, resize, &resize_shape),
};
static const vmir_shape media_size_shape =
    VMIR_STRUCT(tw_media_size, media_size_fields);

static const vmir_field media_sizes_fields[] = {
    VMIR_FIELD(tw_media_sizes, medium, &media_size_shape),
    VMIR_FIELD(tw_media_sizes, small, &media_size_shape),
    VMIR_FIELD(tw_media_sizes, thumb, &media_size_shape),
    VMIR_FIELD(tw_media_sizes, large, &media_size_shape),
};
static const vmir_shape media_sizes_shape =
    VMIR_STRUCT(tw_media_sizes, media_sizes_fields);

static const vmir_field media_fields[] = {
    VMIR_FIELD(tw_media, id, &vmir_shape_u64),
    VMIR_FIELD(tw_media, id_str, &vmir_shape_string),
    VMIR_FIELD(tw_media, indices, &indices_shape),
    VMIR_FIELD(tw_media, media_url, &vmir_shape_string),
    VMIR_FIELD(tw_media, media_url_https, &vmir_shape_string),
    VMIR_FIELD(tw_media, url, &vmir_shape_string),
    VMIR_FIELD(tw_media, display_url, &vmir_shape_string),
    VMIR_FIELD(tw_media, expanded_url, &vmir_shape_string),
    VMIR_FIELD(tw_media, type, &media_type_shape),
    VMIR_FIELD(tw_media, sizes, &media_sizes_shape),
    VMIR_FIELD(tw_media, source_status_id, &opt_u64_shape, ABSENT_WHEN_NONE),
    VMIR_FIELD(tw_media, source_status_id_str, &opt_str_shape, ABSENT_WHEN_NONE),
};
static const vmir_shape media_shape = VMIR_STRUCT(tw_media, media_fields);

static const vmir_shape hashtag_list_shape = VMIR_LIST_SHAPE(&hashtag_shape);
static const vmir_shape url_list_shape = VMIR_LIST_SHAPE(&url_shape);
static const vmir_shape user_mention_list_shape =
    VMIR_LIST_SHAPE(&user_mention_shape);
static const vmir_shape media_list_shape = VMIR_LIST_SHAPE(&media_shape);
static const vmir_shape opt_media_list_shape =
    VMIR_OPTION_SHAPE(tw_opt_media_list, present, value, &media_list_shape);

static const vmir_field status_entities_fields[] = {
    VMIR_FIELD(tw_status_entities, hashtags, &hashtag_list_shape),
    VMIR_FIELD(tw_status_entities, symbols, &hashtag_list_shape),
    VMIR_FIELD(tw_status_entities, urls, &url_list_shape),
    VMIR_FIELD(tw_status_entities, user_mentions, &user_mention_list_shape),
    VMIR_FIELD(tw_status_entities, media, &opt_media_list_shape, ABSENT_WHEN_NONE),
};
static const vmir_shape status_entities_shape =
    VMIR_STRUCT(tw_status_entities, status_entities_fields);

static const vmir_field url_entity_fields[] = {
    VMIR_FIELD(tw_url_entity, urls, &url_list_shape),
};
static const vmir_shape url_entity_shape =
    VMIR_STRUCT(tw_url_entity, url_entity_fields);
static const vmir_shape opt_url_entity_shape =
    VMIR_OPTION_SHAPE(tw_opt_url_entity, present, value, &url_entity_shape);

static const vmir_field user_entities_fields[] = {
    VMIR_FIELD(tw_user_entities, url, &opt_url_entity_shape, ABSENT_WHEN_NONE),
    VMIR_FIELD(tw_user_entities, description, &url_entity_shape),
};
static const vmir_shape user_entities_shape =
    VMIR_STRUCT(tw_user_entities, user_entities_fields);

/* ---- user ------------------------------------------------------------------------- */

static const vmir_field user_fields[] = {
    VMIR_FIELD(tw_user, id, &vmir_shape_u64),
    VMIR_FIELD(tw_user, id_str, &vmir_shape_string),
    VMIR_FIELD(tw_user, name, &vmir_shape_string),
    VMIR_FIELD(tw_user, screen_name, &vmir_shape_string),
    VMIR_FIELD(tw_user, location, &vmir_shape_string),
    VMIR_FIELD(tw_user, description, &vmir_shape_string),
    VMIR_FIELD(tw_user, url, &opt_str_shape),
    VMIR_FIELD(tw_user, entities, &user_entities_shape),
    VMIR_FIELD(tw_user, is_protected, &vmir_shape_bool, .rename = "protected"),
    VMIR_FIELD(tw_user, followers_count, &vmir_shape_u32),
    VMIR_FIELD(tw_user, friends_count, &vmir_shape_u32),
    VMIR_FIELD(tw_user, listed_count, &vmir_shape_u32),
    VMIR_FIELD(tw_user, created_at, &vmir_shape_string),
    VMIR_FIELD(tw_user, favourites_count, &vmir_shape_u32),
    VMIR_FIELD(tw_user, utc_offset, &opt_i32_shape),
    VMIR_FIELD(tw_user, time_zone, &opt_str_shape),
    VMIR_FIELD(tw_user, geo_enabled, &vmir_shape_bool),
    VMIR_FIELD(tw_user, verified, &vmir_shape_bool),
    VMIR_FIELD(tw_user, statuses_count, &vmir_shape_u32),
    VMIR_FIELD(tw_user, lang, &vmir_shape_string),
    VMIR_FIELD(tw_user, contributors_enabled, &vmir_shape_bool),
    VMIR_FIELD(tw_user, is_translator, &vmir_shape_bool),
    VMIR_FIELD(tw_user, is_translation_enabled, &vmir_shape_bool),
    VMIR_FIELD(tw_user, profile_background_color, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_background_image_url, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_background_image_url_https, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_background_tile, &vmir_shape_bool),
    VMIR_FIELD(tw_user, profile_image_url, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_image_url_https, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_banner_url, &opt_str_shape, ABSENT_WHEN_NONE),
    VMIR_FIELD(tw_user, profile_link_color, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_sidebar_border_color, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_sidebar_fill_color, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_text_color, &vmir_shape_string),
    VMIR_FIELD(tw_user, profile_use_background_image, &vmir_shape_bool),
    VMIR_FIELD(tw_user, default_profile, &vmir_shape_bool),
    VMIR_FIELD(tw_user, default_profile_image, &vmir_shape_bool),
    VMIR_FIELD(tw_user, following, &vmir_shape_bool),
    VMIR_FIELD(tw_user, follow_request_sent, &vmir_shape_bool),
    VMIR_FIELD(tw_user, notifications, &vmir_shape_bool),
};
static const vmir_shape user_shape = VMIR_STRUCT(tw_user, user_fields);

/* ---- status (recursive through retweeted_status) ---------------------------------- */

static const vmir_field metadata_fields[] = {
    VMIR_FIELD(tw_metadata, result_type, &result_type_shape),
    VMIR_FIELD(tw_metadata, iso_language_code, &vmir_shape_string),
};
static const vmir_shape metadata_shape = VMIR_STRUCT(tw_metadata, metadata_fields);

/* The cycle: status -> nullable option -> status. */
static const vmir_shape status_ref_shape = VMIR_NULLABLE_SHAPE(&tw_status_shape);

static const vmir_field status_fields[] = {
    VMIR_FIELD(tw_status, metadata, &metadata_shape),
    VMIR_FIELD(tw_status, created_at, &vmir_shape_string),
    VMIR_FIELD(tw_status, id, &vmir_shape_u64),
    VMIR_FIELD(tw_status, id_str, &vmir_shape_string),
    VMIR_FIELD(tw_status, text, &vmir_shape_string),
    VMIR_FIELD(tw_status, source, &vmir_shape_string),
    VMIR_FIELD(tw_status, truncated, &vmir_shape_bool),
    VMIR_FIELD(tw_status, in_reply_to_status_id, &opt_u64_shape),
    VMIR_FIELD(tw_status, in_reply_to_status_id_str, &opt_str_shape),
    VMIR_FIELD(tw_status, in_reply_to_user_id, &opt_u64_shape),
    VMIR_FIELD(tw_status, in_reply_to_user_id_str, &opt_str_shape),
    VMIR_FIELD(tw_status, in_reply_to_screen_name, &opt_str_shape),
    VMIR_FIELD(tw_status, user, &user_shape),
    VMIR_FIELD(tw_status, geo, &nullable_value_shape),
    VMIR_FIELD(tw_status, coordinates, &nullable_value_shape),
    VMIR_FIELD(tw_status, place, &nullable_value_shape),
    VMIR_FIELD(tw_status, contributors, &nullable_value_shape),
    VMIR_FIELD(tw_status, retweeted_status, &status_ref_shape, ABSENT_WHEN_NONE),
    VMIR_FIELD(tw_status, retweet_count, &vmir_shape_u32),
    VMIR_FIELD(tw_status, favorite_count, &vmir_shape_u32),
    VMIR_FIELD(tw_status, entities, &status_entities_shape),
    VMIR_FIELD(tw_status, favorited, &vmir_shape_bool),
    VMIR_FIELD(tw_status, retweeted, &vmir_shape_bool),
    VMIR_FIELD(tw_status, possibly_sensitive, &opt_bool_shape, ABSENT_WHEN_NONE),
    VMIR_FIELD(tw_status, lang, &vmir_shape_string),
};
const vmir_shape tw_status_shape = VMIR_STRUCT(tw_status, status_fields);

/* ---- document ----------------------------------------------------------------------- */

static const vmir_shape status_list_shape = VMIR_LIST_SHAPE(&tw_status_shape);

static const vmir_field search_metadata_fields[] = {
    VMIR_FIELD(tw_search_metadata, completed_in, &vmir_shape_f64),
    VMIR_FIELD(tw_search_metadata, max_id, &vmir_shape_u64),
    VMIR_FIELD(tw_search_metadata, max_id_str, &vmir_shape_string),
    VMIR_FIELD(tw_search_metadata, next_results, &vmir_shape_string),
    VMIR_FIELD(tw_search_metadata, query, &vmir_shape_string),
    VMIR_FIELD(tw_search_metadata, refresh_url, &vmir_shape_string),
    VMIR_FIELD(tw_search_metadata, count, &vmir_shape_u32),
    VMIR_FIELD(tw_search_metadata, since_id, &vmir_shape_u64),
    VMIR_FIELD(tw_search_metadata, since_id_str, &vmir_shape_string),
};
static const vmir_shape search_metadata_shape =
    VMIR_STRUCT(tw_search_metadata, search_metadata_fields);

static const vmir_field twitter_fields[] = {
    VMIR_FIELD(twitter_doc, statuses, &status_list_shape),
    VMIR_FIELD(twitter_doc, search_metadata, &search_metadata_shape),
};
const vmir_shape twitter_shape = VMIR_STRUCT(twitter_doc, twitter_fields);
