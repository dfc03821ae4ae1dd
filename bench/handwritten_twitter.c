#include "handwritten_twitter.h"

#include <math.h>
#include <string.h>

#include "format/json_lex.h"
#include "format/json_quote.h"
#include "format/key_match.h"
#include "sink/sink_internal.h"

/* Most nested statuses (retweeted_status chains) and dynamic values either
 * side accepts; keeps the recursion's stack use bounded. */
#define TW_MAX_DEPTH 256u

/* ======================================================================
 * Encoder
 * ====================================================================== */

static void put_lit(vmir_buf *b, const char *s, size_t n) { vmir_buf_append(b, s, n); }
#define LIT(b, s) put_lit((b), (s), sizeof(s) - 1)

static bool put_str(vmir_buf *b, vmir_str s) {
  size_t bad;
  return vmir_json_quote(b, (const uint8_t *)s.ptr, s.len, true, 0, &bad) == VMIR_JSON_QUOTED;
}

static void put_u64(vmir_buf *b, uint64_t v) {
  char num[24];
  vmir_buf_append(b, num, vmir_sink_format_u64(num, v));
}

static void put_i64(vmir_buf *b, int64_t v) {
  if (v < 0) {
    vmir_buf_putc(b, '-');
    put_u64(b, UINT64_C(0) - (uint64_t)v);
  } else {
    put_u64(b, (uint64_t)v);
  }
}

static bool put_f64(vmir_buf *b, double v) {
  char num[VMIR_FLOAT_TEXT_MAX];
  if (!isfinite(v)) return false;
  vmir_buf_append(b, num, vmir_sink_format_float(num, v, false));
  return true;
}

static void put_bool(vmir_buf *b, bool v) {
  if (v) LIT(b, "true");
  else LIT(b, "false");
}

static bool put_opt_str(vmir_buf *b, const tw_opt_str *o) {
  if (!o->present) {
    LIT(b, "null");
    return true;
  }
  return put_str(b, o->value);
}

static void put_opt_u64(vmir_buf *b, const tw_opt_u64 *o) {
  if (o->present) put_u64(b, o->value);
  else LIT(b, "null");
}

static void put_indices(vmir_buf *b, const uint32_t idx[2]) {
  vmir_buf_putc(b, '[');
  put_u64(b, idx[0]);
  vmir_buf_putc(b, ',');
  put_u64(b, idx[1]);
  vmir_buf_putc(b, ']');
}

/* A dynamic value as the JSON writer writes the events of one. */
static bool put_value(vmir_buf *b, const vmir_value *v, unsigned depth) {
  if (depth > TW_MAX_DEPTH) return false;
  switch (v->type) {
    case VMIR_VALUE_NULL: LIT(b, "null"); return true;
    case VMIR_VALUE_BOOL: put_bool(b, v->as.boolean); return true;
    case VMIR_VALUE_INT: put_i64(b, v->as.i64); return true;
    case VMIR_VALUE_UINT: put_u64(b, v->as.u64); return true;
    case VMIR_VALUE_FLOAT: return put_f64(b, v->as.f64);
    case VMIR_VALUE_STRING: return put_str(b, v->as.string);
    case VMIR_VALUE_BYTES:
      vmir_buf_putc(b, '[');
      for (size_t i = 0; i < v->as.bytes.len; i++) {
        if (i) vmir_buf_putc(b, ',');
        put_u64(b, v->as.bytes.ptr[i]);
      }
      vmir_buf_putc(b, ']');
      return true;
    case VMIR_VALUE_EXT: return false;  /* no JSON form, as in the JSON writer */
    case VMIR_VALUE_ARRAY:
      vmir_buf_putc(b, '[');
      for (size_t i = 0; i < v->as.array.len; i++) {
        if (i) vmir_buf_putc(b, ',');
        if (!put_value(b, &v->as.array.items[i], depth + 1)) return false;
      }
      vmir_buf_putc(b, ']');
      return true;
    case VMIR_VALUE_OBJECT:
      vmir_buf_putc(b, '{');
      for (size_t i = 0; i < v->as.object.len; i++) {
        if (i) vmir_buf_putc(b, ',');
        if (!put_str(b, v->as.object.members[i].key)) return false;
        vmir_buf_putc(b, ':');
        if (!put_value(b, &v->as.object.members[i].value, depth + 1)) return false;
      }
      vmir_buf_putc(b, '}');
      return true;
  }
  return false;
}

static bool put_nullable_value(vmir_buf *b, const vmir_value *v) {
  if (!v) {
    LIT(b, "null");
    return true;
  }
  return put_value(b, v, 0);
}

static bool put_enum(vmir_buf *b, int8_t tag, const char *const *names, int count) {
  if (tag < 0 || tag >= count) return false;
  vmir_buf_putc(b, '"');
  vmir_buf_puts(b, names[tag]);
  vmir_buf_putc(b, '"');
  return true;
}

static const char *const result_type_names[] = {"mixed", "recent", "popular"};
static const char *const media_type_names[] = {"photo", "video", "animated_gif"};
static const char *const resize_names[] = {"fit", "crop"};

static bool put_hashtags(vmir_buf *b, const tw_hashtag_list *l) {
  vmir_buf_putc(b, '[');
  for (size_t i = 0; i < l->len; i++) {
    const tw_hashtag *h = &l->ptr[i];
    if (i) vmir_buf_putc(b, ',');
    LIT(b, "{\"text\":");
    if (!put_str(b, h->text)) return false;
    LIT(b, ",\"indices\":");
    put_indices(b, h->indices);
    vmir_buf_putc(b, '}');
  }
  vmir_buf_putc(b, ']');
  return true;
}

static bool put_urls(vmir_buf *b, const tw_url_list *l) {
  vmir_buf_putc(b, '[');
  for (size_t i = 0; i < l->len; i++) {
    const tw_url *u = &l->ptr[i];
    if (i) vmir_buf_putc(b, ',');
    LIT(b, "{\"url\":");
    if (!put_str(b, u->url)) return false;
    LIT(b, ",\"expanded_url\":");
    if (!put_str(b, u->expanded_url)) return false;
    LIT(b, ",\"display_url\":");
    if (!put_str(b, u->display_url)) return false;
    LIT(b, ",\"indices\":");
    put_indices(b, u->indices);
    vmir_buf_putc(b, '}');
  }
  vmir_buf_putc(b, ']');
  return true;
}

static bool put_mentions(vmir_buf *b, const tw_user_mention_list *l) {
  vmir_buf_putc(b, '[');
  for (size_t i = 0; i < l->len; i++) {
    const tw_user_mention *m = &l->ptr[i];
    if (i) vmir_buf_putc(b, ',');
    LIT(b, "{\"screen_name\":");
    if (!put_str(b, m->screen_name)) return false;
    LIT(b, ",\"name\":");
    if (!put_str(b, m->name)) return false;
    LIT(b, ",\"id\":");
    put_u64(b, m->id);
    LIT(b, ",\"id_str\":");
    if (!put_str(b, m->id_str)) return false;
    LIT(b, ",\"indices\":");
    put_indices(b, m->indices);
    vmir_buf_putc(b, '}');
  }
  vmir_buf_putc(b, ']');
  return true;
}

static bool put_media_size(vmir_buf *b, const tw_media_size *s) {
  LIT(b, "{\"w\":");
  put_u64(b, s->w);
  LIT(b, ",\"h\":");
  put_u64(b, s->h);
  LIT(b, ",\"resize\":");
  if (!put_enum(b, s->resize.tag, resize_names, 2)) return false;
  vmir_buf_putc(b, '}');
  return true;
}

static bool put_media(vmir_buf *b, const tw_media_list *l) {
  vmir_buf_putc(b, '[');
  for (size_t i = 0; i < l->len; i++) {
    const tw_media *m = &l->ptr[i];
    if (i) vmir_buf_putc(b, ',');
    LIT(b, "{\"id\":");
    put_u64(b, m->id);
    LIT(b, ",\"id_str\":");
    if (!put_str(b, m->id_str)) return false;
    LIT(b, ",\"indices\":");
    put_indices(b, m->indices);
    LIT(b, ",\"media_url\":");
    if (!put_str(b, m->media_url)) return false;
    LIT(b, ",\"media_url_https\":");
    if (!put_str(b, m->media_url_https)) return false;
    LIT(b, ",\"url\":");
    if (!put_str(b, m->url)) return false;
    LIT(b, ",\"display_url\":");
    if (!put_str(b, m->display_url)) return false;
    LIT(b, ",\"expanded_url\":");
    if (!put_str(b, m->expanded_url)) return false;
    LIT(b, ",\"type\":");
    if (!put_enum(b, m->type.tag, media_type_names, 3)) return false;
    LIT(b, ",\"sizes\":{\"medium\":");
    if (!put_media_size(b, &m->sizes.medium)) return false;
    LIT(b, ",\"small\":");
    if (!put_media_size(b, &m->sizes.small)) return false;
    LIT(b, ",\"thumb\":");
    if (!put_media_size(b, &m->sizes.thumb)) return false;
    LIT(b, ",\"large\":");
    if (!put_media_size(b, &m->sizes.large)) return false;
    vmir_buf_putc(b, '}');
    if (m->source_status_id.present) {
      LIT(b, ",\"source_status_id\":");
      put_u64(b, m->source_status_id.value);
    }
    if (m->source_status_id_str.present) {
      LIT(b, ",\"source_status_id_str\":");
      if (!put_str(b, m->source_status_id_str.value)) return false;
    }
    vmir_buf_putc(b, '}');
  }
  vmir_buf_putc(b, ']');
  return true;
}

static bool put_url_entity(vmir_buf *b, const tw_url_entity *e) {
  LIT(b, "{\"urls\":");
  if (!put_urls(b, &e->urls)) return false;
  vmir_buf_putc(b, '}');
  return true;
}

static bool put_user(vmir_buf *b, const tw_user *u) {
  LIT(b, "{\"id\":");
  put_u64(b, u->id);
  LIT(b, ",\"id_str\":");
  if (!put_str(b, u->id_str)) return false;
  LIT(b, ",\"name\":");
  if (!put_str(b, u->name)) return false;
  LIT(b, ",\"screen_name\":");
  if (!put_str(b, u->screen_name)) return false;
  LIT(b, ",\"location\":");
  if (!put_str(b, u->location)) return false;
  LIT(b, ",\"description\":");
  if (!put_str(b, u->description)) return false;
  LIT(b, ",\"url\":");
  if (!put_opt_str(b, &u->url)) return false;
  LIT(b, ",\"entities\":{");
  if (u->entities.url.present) {
    LIT(b, "\"url\":");
    if (!put_url_entity(b, &u->entities.url.value)) return false;
    vmir_buf_putc(b, ',');
  }
  LIT(b, "\"description\":");
  if (!put_url_entity(b, &u->entities.description)) return false;
  LIT(b, "},\"protected\":");
  put_bool(b, u->is_protected);
  LIT(b, ",\"followers_count\":");
  put_u64(b, u->followers_count);
  LIT(b, ",\"friends_count\":");
  put_u64(b, u->friends_count);
  LIT(b, ",\"listed_count\":");
  put_u64(b, u->listed_count);
  LIT(b, ",\"created_at\":");
  if (!put_str(b, u->created_at)) return false;
  LIT(b, ",\"favourites_count\":");
  put_u64(b, u->favourites_count);
  LIT(b, ",\"utc_offset\":");
  if (u->utc_offset.present) put_i64(b, u->utc_offset.value);
  else LIT(b, "null");
  LIT(b, ",\"time_zone\":");
  if (!put_opt_str(b, &u->time_zone)) return false;
  LIT(b, ",\"geo_enabled\":");
  put_bool(b, u->geo_enabled);
  LIT(b, ",\"verified\":");
  put_bool(b, u->verified);
  LIT(b, ",\"statuses_count\":");
  put_u64(b, u->statuses_count);
  LIT(b, ",\"lang\":");
  if (!put_str(b, u->lang)) return false;
  LIT(b, ",\"contributors_enabled\":");
  put_bool(b, u->contributors_enabled);
  LIT(b, ",\"is_translator\":");
  put_bool(b, u->is_translator);
  LIT(b, ",\"is_translation_enabled\":");
  put_bool(b, u->is_translation_enabled);
  LIT(b, ",\"profile_background_color\":");
  if (!put_str(b, u->profile_background_color)) return false;
  LIT(b, ",\"profile_background_image_url\":");
  if (!put_str(b, u->profile_background_image_url)) return false;
  LIT(b, ",\"profile_background_image_url_https\":");
  if (!put_str(b, u->profile_background_image_url_https)) return false;
  LIT(b, ",\"profile_background_tile\":");
  put_bool(b, u->profile_background_tile);
  LIT(b, ",\"profile_image_url\":");
  if (!put_str(b, u->profile_image_url)) return false;
  LIT(b, ",\"profile_image_url_https\":");
  if (!put_str(b, u->profile_image_url_https)) return false;
  if (u->profile_banner_url.present) {
    LIT(b, ",\"profile_banner_url\":");
    if (!put_str(b, u->profile_banner_url.value)) return false;
  }
  LIT(b, ",\"profile_link_color\":");
  if (!put_str(b, u->profile_link_color)) return false;
  LIT(b, ",\"profile_sidebar_border_color\":");
  if (!put_str(b, u->profile_sidebar_border_color)) return false;
  LIT(b, ",\"profile_sidebar_fill_color\":");
  if (!put_str(b, u->profile_sidebar_fill_color)) return false;
  LIT(b, ",\"profile_text_color\":");
  if (!put_str(b, u->profile_text_color)) return false;
  LIT(b, ",\"profile_use_background_image\":");
  put_bool(b, u->profile_use_background_image);
  LIT(b, ",\"default_profile\":");
  put_bool(b, u->default_profile);
  LIT(b, ",\"default_profile_image\":");
  put_bool(b, u->default_profile_image);
  LIT(b, ",\"following\":");
  put_bool(b, u->following);
  LIT(b, ",\"follow_request_sent\":");
  put_bool(b, u->follow_request_sent);
  LIT(b, ",\"notifications\":");
  put_bool(b, u->notifications);
  vmir_buf_putc(b, '}');
  return true;
}

static bool put_status(vmir_buf *b, const tw_status *s, unsigned depth) {
  if (depth > TW_MAX_DEPTH) return false;
  LIT(b, "{\"metadata\":{\"result_type\":");
  if (!put_enum(b, s->metadata.result_type.tag, result_type_names, 3)) return false;
  LIT(b, ",\"iso_language_code\":");
  if (!put_str(b, s->metadata.iso_language_code)) return false;
  LIT(b, "},\"created_at\":");
  if (!put_str(b, s->created_at)) return false;
  LIT(b, ",\"id\":");
  put_u64(b, s->id);
  LIT(b, ",\"id_str\":");
  if (!put_str(b, s->id_str)) return false;
  LIT(b, ",\"text\":");
  if (!put_str(b, s->text)) return false;
  LIT(b, ",\"source\":");
  if (!put_str(b, s->source)) return false;
  LIT(b, ",\"truncated\":");
  put_bool(b, s->truncated);
  LIT(b, ",\"in_reply_to_status_id\":");
  put_opt_u64(b, &s->in_reply_to_status_id);
  LIT(b, ",\"in_reply_to_status_id_str\":");
  if (!put_opt_str(b, &s->in_reply_to_status_id_str)) return false;
  LIT(b, ",\"in_reply_to_user_id\":");
  put_opt_u64(b, &s->in_reply_to_user_id);
  LIT(b, ",\"in_reply_to_user_id_str\":");
  if (!put_opt_str(b, &s->in_reply_to_user_id_str)) return false;
  LIT(b, ",\"in_reply_to_screen_name\":");
  if (!put_opt_str(b, &s->in_reply_to_screen_name)) return false;
  LIT(b, ",\"user\":");
  if (!put_user(b, &s->user)) return false;
  LIT(b, ",\"geo\":");
  if (!put_nullable_value(b, s->geo)) return false;
  LIT(b, ",\"coordinates\":");
  if (!put_nullable_value(b, s->coordinates)) return false;
  LIT(b, ",\"place\":");
  if (!put_nullable_value(b, s->place)) return false;
  LIT(b, ",\"contributors\":");
  if (!put_nullable_value(b, s->contributors)) return false;
  if (s->retweeted_status) {
    LIT(b, ",\"retweeted_status\":");
    if (!put_status(b, s->retweeted_status, depth + 1)) return false;
  }
  LIT(b, ",\"retweet_count\":");
  put_u64(b, s->retweet_count);
  LIT(b, ",\"favorite_count\":");
  put_u64(b, s->favorite_count);
  LIT(b, ",\"entities\":{\"hashtags\":");
  if (!put_hashtags(b, &s->entities.hashtags)) return false;
  LIT(b, ",\"symbols\":");
  if (!put_hashtags(b, &s->entities.symbols)) return false;
  LIT(b, ",\"urls\":");
  if (!put_urls(b, &s->entities.urls)) return false;
  LIT(b, ",\"user_mentions\":");
  if (!put_mentions(b, &s->entities.user_mentions)) return false;
  if (s->entities.media.present) {
    LIT(b, ",\"media\":");
    if (!put_media(b, &s->entities.media.value)) return false;
  }
  LIT(b, "},\"favorited\":");
  put_bool(b, s->favorited);
  LIT(b, ",\"retweeted\":");
  put_bool(b, s->retweeted);
  if (s->possibly_sensitive.present) {
    LIT(b, ",\"possibly_sensitive\":");
    put_bool(b, s->possibly_sensitive.value);
  }
  LIT(b, ",\"lang\":");
  if (!put_str(b, s->lang)) return false;
  vmir_buf_putc(b, '}');
  return true;
}

bool tw_encode_json(const twitter_doc *doc, vmir_buf *b) {
  LIT(b, "{\"statuses\":[");
  for (size_t i = 0; i < doc->statuses.len; i++) {
    if (i) vmir_buf_putc(b, ',');
    if (!put_status(b, &doc->statuses.ptr[i], 0)) return false;
  }
  const tw_search_metadata *m = &doc->search_metadata;
  LIT(b, "],\"search_metadata\":{\"completed_in\":");
  if (!put_f64(b, m->completed_in)) return false;
  LIT(b, ",\"max_id\":");
  put_u64(b, m->max_id);
  LIT(b, ",\"max_id_str\":");
  if (!put_str(b, m->max_id_str)) return false;
  LIT(b, ",\"next_results\":");
  if (!put_str(b, m->next_results)) return false;
  LIT(b, ",\"query\":");
  if (!put_str(b, m->query)) return false;
  LIT(b, ",\"refresh_url\":");
  if (!put_str(b, m->refresh_url)) return false;
  LIT(b, ",\"count\":");
  put_u64(b, m->count);
  LIT(b, ",\"since_id\":");
  put_u64(b, m->since_id);
  LIT(b, ",\"since_id_str\":");
  if (!put_str(b, m->since_id_str)) return false;
  LIT(b, "}}");
  return !b->failed;
}

/* ======================================================================
 * Decoder
 * ====================================================================== */

typedef struct dec {
  vmir_source src;
  vmir_arena *a;
  vmir_error err;
  uintptr_t in_lo, in_hi; /* the input's addresses: strings there are views */
} dec;

/* A struct's wire names in declaration order. */
typedef struct fname {
  const char *s;
  size_t n;
} fname;
#define FN(s) {s, sizeof(s) - 1}

/* The index of key among names; tries `hint` (the field after the last
 * one seen: the corpus writes fields in declaration order) first. */
static int field_index(vmir_str key, const fname *names, int n, int hint) {
  if (hint < n && key.len == names[hint].n && vmir_key_equal(key.ptr, names[hint].s, key.len))
    return hint;
  for (int i = 0; i < n; i++)
    if (key.len == names[i].n && vmir_key_equal(key.ptr, names[i].s, key.len)) return i;
  return -1;
}

/* The name at src (whitespace skipped) is names[hint], read in place.
 * Out of line: inlined, GCC follows the literal names into the word
 * loads of names longer than 8 bytes and warns for the short ones. */
static __attribute__((noinline)) bool expected_key(vmir_source *src, const fname *names, int count, int hint,
                                vmir_str *key) {
  return hint < count && vmir_json_read_key_if(src, (vmir_str){names[hint].s, names[hint].n}, key);
}

static bool rd_str(dec *d, vmir_str *out) {
  vmir_scalar sc;
  if (vmir_json_read_string(&d->src, d->a, &sc, &d->err) != VMIR_OK) return false;
  const char *p = sc.as.string.ptr;
  size_t n = sc.as.string.len;
  uintptr_t at = (uintptr_t)p;
  if (n && at >= d->in_lo && at < d->in_hi) {
    /* A view into the input: copy, so the value outlives the input. */
    char *copy = vmir_arena_dup(d->a, p, n);
    if (!copy) return false;
    p = copy;
  }
  *out = (vmir_str){p, n};
  return true;
}

static bool rd_num(dec *d, vmir_scalar *sc) {
  return vmir_json_read_number(&d->src, d->a, sc, &d->err) == VMIR_OK;
}

static bool rd_u64(dec *d, uint64_t *out) {
  vmir_scalar sc;
  if (!rd_num(d, &sc) || sc.type != VMIR_SCALAR_UINT) return false;
  *out = sc.as.u64;
  return true;
}

static bool rd_u32(dec *d, uint32_t *out) {
  vmir_scalar sc;
  if (!rd_num(d, &sc) || sc.type != VMIR_SCALAR_UINT || sc.as.u64 > UINT32_MAX) return false;
  *out = (uint32_t)sc.as.u64;
  return true;
}

static bool rd_i32(dec *d, int32_t *out) {
  vmir_scalar sc;
  if (!rd_num(d, &sc)) return false;
  if (sc.type == VMIR_SCALAR_UINT && sc.as.u64 <= INT32_MAX) *out = (int32_t)sc.as.u64;
  else if (sc.type == VMIR_SCALAR_INT && sc.as.i64 >= INT32_MIN && sc.as.i64 <= INT32_MAX)
    *out = (int32_t)sc.as.i64;
  else return false;
  return true;
}

static bool rd_f64(dec *d, double *out) {
  vmir_scalar sc;
  if (!rd_num(d, &sc)) return false;
  if (sc.type == VMIR_SCALAR_FLOAT) *out = sc.as.f64;
  else if (sc.type == VMIR_SCALAR_UINT) *out = (double)sc.as.u64;
  else if (sc.type == VMIR_SCALAR_INT) *out = (double)sc.as.i64;
  else return false;
  return true;
}

static bool rd_bool(dec *d, bool *out) {
  vmir_scalar sc;
  if (vmir_json_read_bool(&d->src, &sc, &d->err) != VMIR_OK) return false;
  *out = sc.as.boolean;
  return true;
}

static bool rd_opt_str(dec *d, tw_opt_str *o) {
  if (vmir_json_peek_null(&d->src)) {
    o->present = false;
    return true;
  }
  o->present = true;
  return rd_str(d, &o->value);
}

static bool rd_opt_u64(dec *d, tw_opt_u64 *o) {
  if (vmir_json_peek_null(&d->src)) {
    o->present = false;
    return true;
  }
  o->present = true;
  return rd_u64(d, &o->value);
}

static bool rd_indices(dec *d, uint32_t idx[2]) {
  bool end;
  if (vmir_json_begin_array_fast(&d->src, &end, &d->err) != VMIR_OK || end) return false;
  if (!rd_u32(d, &idx[0])) return false;
  if (vmir_json_next_element_fast(&d->src, &end, &d->err) != VMIR_OK || end) return false;
  if (!rd_u32(d, &idx[1])) return false;
  return vmir_json_next_element_fast(&d->src, &end, &d->err) == VMIR_OK && end;
}

/* A nullable dynamic value: null -> NULL, else the tree in the arena. */
static bool rd_nullable_value(dec *d, vmir_value **out) {
  if (vmir_json_peek_null(&d->src)) {
    *out = NULL;
    return true;
  }
  vmir_value *v = vmir_arena_alloc(d->a, sizeof *v, _Alignof(vmir_value));
  if (!v || vmir_json_read_value(&d->src, d->a, v, &d->err) != VMIR_OK) return false;
  *out = v;
  return true;
}

/* A unit-only enum written as strings: "name", or {"name": null}. */
static bool rd_enum(dec *d, int8_t *tag, const char *const *names, int count) {
  vmir_token_class cls;
  if (vmir_json_peek_token(&d->src, &cls, &d->err) != VMIR_OK) return false;
  vmir_str name;
  bool object = cls == VMIR_TOKEN_OBJECT;
  if (cls == VMIR_TOKEN_STRING) {
    vmir_scalar sc;
    if (vmir_json_read_string(&d->src, d->a, &sc, &d->err) != VMIR_OK) return false;
    name = sc.as.string;
  } else if (object) {
    bool end;
    if (vmir_json_begin_object_fast(&d->src, &end, &d->err) != VMIR_OK || end) return false;
    if (vmir_json_read_key(&d->src, d->a, &name, &d->err) != VMIR_OK) return false;
  } else {
    return false;
  }
  int found = -1;
  for (int i = 0; i < count; i++)
    if (name.len == strlen(names[i]) && memcmp(name.ptr, names[i], name.len) == 0) found = i;
  if (found < 0) return false;
  *tag = (int8_t)found;
  if (object) {
    vmir_scalar sc;
    bool end;
    if (vmir_json_read_null(&d->src, &sc, &d->err) != VMIR_OK) return false;
    if (vmir_json_next_member_fast(&d->src, &end, &d->err) != VMIR_OK || !end) return false;
  }
  return true;
}

/* Growable list storage in the arena: doubles (copying) when full. */
static void *grow(dec *d, void *items, size_t n, size_t *cap, size_t size, size_t align) {
  size_t ncap = *cap ? *cap * 2 : 4;
  void *p = vmir_arena_alloc(d->a, ncap * size, align);
  if (!p) return NULL;
  if (n) memcpy(p, items, n * size);
  *cap = ncap;
  return p;
}

/* Object member loop helpers. */
#define OBJ_BEGIN(d, end) \
  if (vmir_json_begin_object_fast(&(d)->src, &(end), &(d)->err) != VMIR_OK) return false
/* The expected name is compared in place first (every name here is plain
 * ASCII: format/json_lex.h, vmir_json_read_key_if), as generated code
 * does; anything else is read and matched. */
#define OBJ_KEY(d, names, n, seen, hint, idx)                                     \
  do {                                                                            \
    vmir_str key_;                                                                \
    vmir_source *src_ = &(d)->src;                                                \
    src_->pos = vmir_json_skip_ws_run(src_->data, src_->pos, src_->len);          \
    if (expected_key(src_, (names), (n), (hint), &key_)) {                         \
      (idx) = (hint);                                                             \
    } else {                                                                      \
      if (vmir_json_read_key(src_, (d)->a, &key_, &(d)->err) != VMIR_OK) return false; \
      (idx) = field_index(key_, (names), (n), (hint));                            \
    }                                                                             \
    if ((idx) < 0 || ((seen) >> (idx) & 1u)) return false; /* unknown, repeated */ \
    (seen) |= UINT64_C(1) << (idx);                                               \
    (hint) = (idx) + 1;                                                           \
  } while (0)
#define OBJ_NEXT(d, end) \
  if (vmir_json_next_member_fast(&(d)->src, &(end), &(d)->err) != VMIR_OK) return false
#define ALL(n) ((UINT64_C(1) << (n)) - 1u)
#define BIT(i) (UINT64_C(1) << (i))

static bool rd_hashtag(dec *d, tw_hashtag *h) {
  static const fname names[] = {FN("text"), FN("indices")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 2, seen, hint, i);
    switch (i) {
      case 0: ok = rd_str(d, &h->text); break;
      case 1: ok = rd_indices(d, h->indices); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(2);
}

static bool rd_url(dec *d, tw_url *u) {
  static const fname names[] = {FN("url"), FN("expanded_url"), FN("display_url"), FN("indices")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 4, seen, hint, i);
    switch (i) {
      case 0: ok = rd_str(d, &u->url); break;
      case 1: ok = rd_str(d, &u->expanded_url); break;
      case 2: ok = rd_str(d, &u->display_url); break;
      case 3: ok = rd_indices(d, u->indices); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(4);
}

static bool rd_mention(dec *d, tw_user_mention *m) {
  static const fname names[] = {FN("screen_name"), FN("name"), FN("id"), FN("id_str"),
                                FN("indices")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 5, seen, hint, i);
    switch (i) {
      case 0: ok = rd_str(d, &m->screen_name); break;
      case 1: ok = rd_str(d, &m->name); break;
      case 2: ok = rd_u64(d, &m->id); break;
      case 3: ok = rd_str(d, &m->id_str); break;
      case 4: ok = rd_indices(d, m->indices); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(5);
}

static bool rd_media_size(dec *d, tw_media_size *s) {
  static const fname names[] = {FN("w"), FN("h"), FN("resize")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 3, seen, hint, i);
    switch (i) {
      case 0: ok = rd_u32(d, &s->w); break;
      case 1: ok = rd_u32(d, &s->h); break;
      case 2: ok = rd_enum(d, &s->resize.tag, resize_names, 2); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(3);
}

static bool rd_media_sizes(dec *d, tw_media_sizes *s) {
  static const fname names[] = {FN("medium"), FN("small"), FN("thumb"), FN("large")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 4, seen, hint, i);
    switch (i) {
      case 0: ok = rd_media_size(d, &s->medium); break;
      case 1: ok = rd_media_size(d, &s->small); break;
      case 2: ok = rd_media_size(d, &s->thumb); break;
      case 3: ok = rd_media_size(d, &s->large); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(4);
}

static bool rd_media(dec *d, tw_media *m) {
  static const fname names[] = {
      FN("id"),  FN("id_str"),      FN("indices"),     FN("media_url"),
      FN("media_url_https"), FN("url"), FN("display_url"), FN("expanded_url"),
      FN("type"), FN("sizes"),      FN("source_status_id"), FN("source_status_id_str")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 12, seen, hint, i);
    switch (i) {
      case 0: ok = rd_u64(d, &m->id); break;
      case 1: ok = rd_str(d, &m->id_str); break;
      case 2: ok = rd_indices(d, m->indices); break;
      case 3: ok = rd_str(d, &m->media_url); break;
      case 4: ok = rd_str(d, &m->media_url_https); break;
      case 5: ok = rd_str(d, &m->url); break;
      case 6: ok = rd_str(d, &m->display_url); break;
      case 7: ok = rd_str(d, &m->expanded_url); break;
      case 8: ok = rd_enum(d, &m->type.tag, media_type_names, 3); break;
      case 9: ok = rd_media_sizes(d, &m->sizes); break;
      case 10: ok = rd_opt_u64(d, &m->source_status_id); break;
      case 11: ok = rd_opt_str(d, &m->source_status_id_str); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return (seen & ALL(10)) == ALL(10);
}

/* One list reader per element type: '[' elements ']' into the arena. */
#define LIST_READER(fn, T, elem_fn)                                                \
  static bool fn(dec *d, T **ptr, size_t *len) {                                   \
    bool end;                                                                      \
    if (vmir_json_begin_array_fast(&d->src, &end, &d->err) != VMIR_OK) return false;    \
    T *items = NULL;                                                               \
    size_t n = 0, cap = 0;                                                         \
    while (!end) {                                                                 \
      if (n == cap) {                                                              \
        items = grow(d, items, n, &cap, sizeof(T), _Alignof(T));                   \
        if (!items) return false;                                                  \
      }                                                                            \
      memset(&items[n], 0, sizeof items[n]);                                       \
      if (!elem_fn(d, &items[n++])) return false;                                  \
      if (vmir_json_next_element_fast(&d->src, &end, &d->err) != VMIR_OK) return false; \
    }                                                                              \
    *ptr = items;                                                                  \
    *len = n;                                                                      \
    return true;                                                                   \
  }

LIST_READER(rd_hashtags, tw_hashtag, rd_hashtag)
LIST_READER(rd_urls, tw_url, rd_url)
LIST_READER(rd_mentions, tw_user_mention, rd_mention)
LIST_READER(rd_media_list, tw_media, rd_media)

static bool rd_url_entity(dec *d, tw_url_entity *e) {
  static const fname names[] = {FN("urls")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 1, seen, hint, i);
    if (!rd_urls(d, &e->urls.ptr, &e->urls.len)) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(1);
}

static bool rd_user_entities(dec *d, tw_user_entities *e) {
  static const fname names[] = {FN("url"), FN("description")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 2, seen, hint, i);
    switch (i) {
      case 0:
        if (vmir_json_peek_null(&d->src)) {
          e->url.present = false;
          ok = true;
        } else {
          e->url.present = true;
          ok = rd_url_entity(d, &e->url.value);
        }
        break;
      case 1: ok = rd_url_entity(d, &e->description); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return (seen & BIT(1)) != 0;
}

static bool rd_status_entities(dec *d, tw_status_entities *e) {
  static const fname names[] = {FN("hashtags"), FN("symbols"), FN("urls"), FN("user_mentions"),
                                FN("media")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 5, seen, hint, i);
    switch (i) {
      case 0: ok = rd_hashtags(d, &e->hashtags.ptr, &e->hashtags.len); break;
      case 1: ok = rd_hashtags(d, &e->symbols.ptr, &e->symbols.len); break;
      case 2: ok = rd_urls(d, &e->urls.ptr, &e->urls.len); break;
      case 3: ok = rd_mentions(d, &e->user_mentions.ptr, &e->user_mentions.len); break;
      case 4:
        if (vmir_json_peek_null(&d->src)) {
          e->media.present = false;
          ok = true;
        } else {
          e->media.present = true;
          ok = rd_media_list(d, &e->media.value.ptr, &e->media.value.len);
        }
        break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return (seen & ALL(4)) == ALL(4);
}

static bool rd_user(dec *d, tw_user *u) {
  static const fname names[] = {
      FN("id"),
      FN("id_str"),
      FN("name"),
      FN("screen_name"),
      FN("location"),
      FN("description"),
      FN("url"),
      FN("entities"),
      FN("protected"),
      FN("followers_count"),
      FN("friends_count"),
      FN("listed_count"),
      FN("created_at"),
      FN("favourites_count"),
      FN("utc_offset"),
      FN("time_zone"),
      FN("geo_enabled"),
      FN("verified"),
      FN("statuses_count"),
      FN("lang"),
      FN("contributors_enabled"),
      FN("is_translator"),
      FN("is_translation_enabled"),
      FN("profile_background_color"),
      FN("profile_background_image_url"),
      FN("profile_background_image_url_https"),
      FN("profile_background_tile"),
      FN("profile_image_url"),
      FN("profile_image_url_https"),
      FN("profile_banner_url"),
      FN("profile_link_color"),
      FN("profile_sidebar_border_color"),
      FN("profile_sidebar_fill_color"),
      FN("profile_text_color"),
      FN("profile_use_background_image"),
      FN("default_profile"),
      FN("default_profile_image"),
      FN("following"),
      FN("follow_request_sent"),
      FN("notifications"),
  };
  const int n = (int)(sizeof names / sizeof names[0]);
  const uint64_t required = ALL(40) & ~(BIT(6) | BIT(14) | BIT(15) | BIT(29));
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, n, seen, hint, i);
    switch (i) {
      case 0: ok = rd_u64(d, &u->id); break;
      case 1: ok = rd_str(d, &u->id_str); break;
      case 2: ok = rd_str(d, &u->name); break;
      case 3: ok = rd_str(d, &u->screen_name); break;
      case 4: ok = rd_str(d, &u->location); break;
      case 5: ok = rd_str(d, &u->description); break;
      case 6: ok = rd_opt_str(d, &u->url); break;
      case 7: ok = rd_user_entities(d, &u->entities); break;
      case 8: ok = rd_bool(d, &u->is_protected); break;
      case 9: ok = rd_u32(d, &u->followers_count); break;
      case 10: ok = rd_u32(d, &u->friends_count); break;
      case 11: ok = rd_u32(d, &u->listed_count); break;
      case 12: ok = rd_str(d, &u->created_at); break;
      case 13: ok = rd_u32(d, &u->favourites_count); break;
      case 14:
        if (vmir_json_peek_null(&d->src)) {
          u->utc_offset.present = false;
          ok = true;
        } else {
          u->utc_offset.present = true;
          ok = rd_i32(d, &u->utc_offset.value);
        }
        break;
      case 15: ok = rd_opt_str(d, &u->time_zone); break;
      case 16: ok = rd_bool(d, &u->geo_enabled); break;
      case 17: ok = rd_bool(d, &u->verified); break;
      case 18: ok = rd_u32(d, &u->statuses_count); break;
      case 19: ok = rd_str(d, &u->lang); break;
      case 20: ok = rd_bool(d, &u->contributors_enabled); break;
      case 21: ok = rd_bool(d, &u->is_translator); break;
      case 22: ok = rd_bool(d, &u->is_translation_enabled); break;
      case 23: ok = rd_str(d, &u->profile_background_color); break;
      case 24: ok = rd_str(d, &u->profile_background_image_url); break;
      case 25: ok = rd_str(d, &u->profile_background_image_url_https); break;
      case 26: ok = rd_bool(d, &u->profile_background_tile); break;
      case 27: ok = rd_str(d, &u->profile_image_url); break;
      case 28: ok = rd_str(d, &u->profile_image_url_https); break;
      case 29: ok = rd_opt_str(d, &u->profile_banner_url); break;
      case 30: ok = rd_str(d, &u->profile_link_color); break;
      case 31: ok = rd_str(d, &u->profile_sidebar_border_color); break;
      case 32: ok = rd_str(d, &u->profile_sidebar_fill_color); break;
      case 33: ok = rd_str(d, &u->profile_text_color); break;
      case 34: ok = rd_bool(d, &u->profile_use_background_image); break;
      case 35: ok = rd_bool(d, &u->default_profile); break;
      case 36: ok = rd_bool(d, &u->default_profile_image); break;
      case 37: ok = rd_bool(d, &u->following); break;
      case 38: ok = rd_bool(d, &u->follow_request_sent); break;
      case 39: ok = rd_bool(d, &u->notifications); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return (seen & required) == required;
}

static bool rd_metadata(dec *d, tw_metadata *m) {
  static const fname names[] = {FN("result_type"), FN("iso_language_code")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 2, seen, hint, i);
    switch (i) {
      case 0: ok = rd_enum(d, &m->result_type.tag, result_type_names, 3); break;
      case 1: ok = rd_str(d, &m->iso_language_code); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(2);
}

static bool rd_status(dec *d, tw_status *s, unsigned depth) {
  static const fname names[] = {
      FN("metadata"),
      FN("created_at"),
      FN("id"),
      FN("id_str"),
      FN("text"),
      FN("source"),
      FN("truncated"),
      FN("in_reply_to_status_id"),
      FN("in_reply_to_status_id_str"),
      FN("in_reply_to_user_id"),
      FN("in_reply_to_user_id_str"),
      FN("in_reply_to_screen_name"),
      FN("user"),
      FN("geo"),
      FN("coordinates"),
      FN("place"),
      FN("contributors"),
      FN("retweeted_status"),
      FN("retweet_count"),
      FN("favorite_count"),
      FN("entities"),
      FN("favorited"),
      FN("retweeted"),
      FN("possibly_sensitive"),
      FN("lang"),
  };
  const int n = (int)(sizeof names / sizeof names[0]);
  const uint64_t options = BIT(7) | BIT(8) | BIT(9) | BIT(10) | BIT(11) | BIT(13) | BIT(14) |
                           BIT(15) | BIT(16) | BIT(17) | BIT(23);
  const uint64_t required = ALL(25) & ~options;
  if (depth > TW_MAX_DEPTH) return false;
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, n, seen, hint, i);
    switch (i) {
      case 0: ok = rd_metadata(d, &s->metadata); break;
      case 1: ok = rd_str(d, &s->created_at); break;
      case 2: ok = rd_u64(d, &s->id); break;
      case 3: ok = rd_str(d, &s->id_str); break;
      case 4: ok = rd_str(d, &s->text); break;
      case 5: ok = rd_str(d, &s->source); break;
      case 6: ok = rd_bool(d, &s->truncated); break;
      case 7: ok = rd_opt_u64(d, &s->in_reply_to_status_id); break;
      case 8: ok = rd_opt_str(d, &s->in_reply_to_status_id_str); break;
      case 9: ok = rd_opt_u64(d, &s->in_reply_to_user_id); break;
      case 10: ok = rd_opt_str(d, &s->in_reply_to_user_id_str); break;
      case 11: ok = rd_opt_str(d, &s->in_reply_to_screen_name); break;
      case 12: ok = rd_user(d, &s->user); break;
      case 13: ok = rd_nullable_value(d, &s->geo); break;
      case 14: ok = rd_nullable_value(d, &s->coordinates); break;
      case 15: ok = rd_nullable_value(d, &s->place); break;
      case 16: ok = rd_nullable_value(d, &s->contributors); break;
      case 17:
        if (vmir_json_peek_null(&d->src)) {
          s->retweeted_status = NULL;
          ok = true;
        } else {
          tw_status *r = vmir_arena_alloc(d->a, sizeof *r, _Alignof(tw_status));
          if (!r) return false;
          memset(r, 0, sizeof *r);
          s->retweeted_status = r;
          ok = rd_status(d, r, depth + 1);
        }
        break;
      case 18: ok = rd_u32(d, &s->retweet_count); break;
      case 19: ok = rd_u32(d, &s->favorite_count); break;
      case 20: ok = rd_status_entities(d, &s->entities); break;
      case 21: ok = rd_bool(d, &s->favorited); break;
      case 22: ok = rd_bool(d, &s->retweeted); break;
      case 23:
        if (vmir_json_peek_null(&d->src)) {
          s->possibly_sensitive.present = false;
          ok = true;
        } else {
          s->possibly_sensitive.present = true;
          ok = rd_bool(d, &s->possibly_sensitive.value);
        }
        break;
      case 24: ok = rd_str(d, &s->lang); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return (seen & required) == required;
}

static bool rd_status0(dec *d, tw_status *s) { return rd_status(d, s, 0); }
LIST_READER(rd_statuses, tw_status, rd_status0)

static bool rd_search_metadata(dec *d, tw_search_metadata *m) {
  static const fname names[] = {FN("completed_in"), FN("max_id"),      FN("max_id_str"),
                                FN("next_results"), FN("query"),       FN("refresh_url"),
                                FN("count"),        FN("since_id"),    FN("since_id_str")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 9, seen, hint, i);
    switch (i) {
      case 0: ok = rd_f64(d, &m->completed_in); break;
      case 1: ok = rd_u64(d, &m->max_id); break;
      case 2: ok = rd_str(d, &m->max_id_str); break;
      case 3: ok = rd_str(d, &m->next_results); break;
      case 4: ok = rd_str(d, &m->query); break;
      case 5: ok = rd_str(d, &m->refresh_url); break;
      case 6: ok = rd_u32(d, &m->count); break;
      case 7: ok = rd_u64(d, &m->since_id); break;
      case 8: ok = rd_str(d, &m->since_id_str); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(9);
}

static bool rd_doc(dec *d, twitter_doc *doc) {
  static const fname names[] = {FN("statuses"), FN("search_metadata")};
  uint64_t seen = 0;
  int hint = 0, i;
  bool end, ok = false;
  OBJ_BEGIN(d, end);
  while (!end) {
    OBJ_KEY(d, names, 2, seen, hint, i);
    switch (i) {
      case 0: ok = rd_statuses(d, &doc->statuses.ptr, &doc->statuses.len); break;
      case 1: ok = rd_search_metadata(d, &doc->search_metadata); break;
    }
    if (!ok) return false;
    OBJ_NEXT(d, end);
  }
  return seen == ALL(2);
}

bool tw_decode_json(const uint8_t *in, size_t len, twitter_doc *out, vmir_arena *arena) {
  dec d;
  vmir_source_init(&d.src, in, len, VMIR_SOURCE_TEXT);
  d.a = arena;
  d.in_lo = (uintptr_t)in;
  d.in_hi = (uintptr_t)in + len;
  memset(out, 0, sizeof *out);
  if (!rd_doc(&d, out)) return false;
  return vmir_json_expect_end(&d.src, &d.err) == VMIR_OK;
}
