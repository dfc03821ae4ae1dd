/* Typed C model of citm_catalog.json (a concert catalogue), as a careful
 * user would write it after studying every object in the corpus:
 *
 * - objects keyed by ids (areaNames, audienceSubCategoryNames, blockNames,
 *   events, seatCategoryNames, subTopicNames, subjectNames, topicNames,
 *   topicSubTopics) and by venue codes (venueNames) are maps: their keys
 *   are data, not field names. blockNames and subjectNames are empty in the
 *   corpus but are the same kind of name table;
 * - keys that are null somewhere (event description/logo/subjectCode/
 *   subtitle, performance logo/name/seatMapImage) are string options that
 *   encode null; description, subjectCode, subtitle, name and seatMapImage
 *   are null in every object, and strings is what their names promise;
 * - ids and `start` (epoch milliseconds, beyond 2^32) are u64; amounts u32;
 *   blockIds is empty everywhere; its elements are ids like every *Ids list;
 * - C members are snake_case; the camelCase JSON keys are renames.
 * Every key present in the data is a field, in the corpus's key order. */
#ifndef VMIR_MODELS_CITM_MODEL_H
#define VMIR_MODELS_CITM_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "vmir/shape.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct citm_opt_str { bool present; vmir_str value; } citm_opt_str;
typedef VMIR_LIST_OF(uint64_t) citm_id_list;

/* Map entries: a key then the value (VMIR_MAP_SHAPE layout). */
typedef struct citm_name_entry { vmir_str key; vmir_str value; } citm_name_entry;
typedef VMIR_LIST_OF(citm_name_entry) citm_name_map;
typedef struct citm_ids_entry { vmir_str key; citm_id_list value; } citm_ids_entry;
typedef VMIR_LIST_OF(citm_ids_entry) citm_ids_map;

typedef struct citm_event {
  citm_opt_str description;
  uint64_t id;
  citm_opt_str logo;
  vmir_str name;
  citm_id_list sub_topic_ids;     /* "subTopicIds" */
  citm_opt_str subject_code;      /* "subjectCode" */
  citm_opt_str subtitle;
  citm_id_list topic_ids;         /* "topicIds" */
} citm_event;
typedef struct citm_event_entry { vmir_str key; citm_event value; } citm_event_entry;
typedef VMIR_LIST_OF(citm_event_entry) citm_event_map;

typedef struct citm_price {
  uint32_t amount;
  uint64_t audience_sub_category_id;  /* "audienceSubCategoryId" */
  uint64_t seat_category_id;          /* "seatCategoryId" */
} citm_price;

typedef struct citm_area {
  uint64_t area_id;               /* "areaId" */
  citm_id_list block_ids;         /* "blockIds" */
} citm_area;

typedef struct citm_seat_category {
  VMIR_LIST_OF(citm_area) areas;
  uint64_t seat_category_id;      /* "seatCategoryId" */
} citm_seat_category;

typedef struct citm_performance {
  uint64_t event_id;              /* "eventId" */
  uint64_t id;
  citm_opt_str logo;
  citm_opt_str name;
  VMIR_LIST_OF(citm_price) prices;
  VMIR_LIST_OF(citm_seat_category) seat_categories;  /* "seatCategories" */
  citm_opt_str seat_map_image;    /* "seatMapImage" */
  uint64_t start;                 /* epoch milliseconds */
  vmir_str venue_code;            /* "venueCode" */
} citm_performance;

typedef struct citm_catalog {
  citm_name_map area_names;                    /* "areaNames" */
  citm_name_map audience_sub_category_names;   /* "audienceSubCategoryNames" */
  citm_name_map block_names;                   /* "blockNames" */
  citm_event_map events;
  VMIR_LIST_OF(citm_performance) performances;
  citm_name_map seat_category_names;           /* "seatCategoryNames" */
  citm_name_map sub_topic_names;               /* "subTopicNames" */
  citm_name_map subject_names;                 /* "subjectNames" */
  citm_name_map topic_names;                   /* "topicNames" */
  citm_ids_map topic_sub_topics;               /* "topicSubTopics" */
  citm_name_map venue_names;                   /* "venueNames" */
} citm_catalog;

extern const vmir_shape citm_shape;

#ifdef __cplusplus
}
#endif
#endif
