/* Shape descriptors of the citm_catalog.json model (see citm_model.h for the
 * typing decisions). */
#include "citm_model.h"

#include <stddef.h>

static const vmir_shape opt_str_shape =
    VMIR_OPTION_SHAPE(citm_opt_str, present, value, &vmir_shape_string);
static const vmir_shape id_list_shape = VMIR_LIST_SHAPE(&vmir_shape_u64);

/* One shape for every id -> name table. */
static const vmir_shape name_map_shape =
    VMIR_MAP_SHAPE(citm_name_entry, value, &vmir_shape_string);
static const vmir_shape ids_map_shape =
    VMIR_MAP_SHAPE(citm_ids_entry, value, &id_list_shape);

static const vmir_field event_fields[] = {
    VMIR_FIELD(citm_event, description, &opt_str_shape),
    VMIR_FIELD(citm_event, id, &vmir_shape_u64),
    VMIR_FIELD(citm_event, logo, &opt_str_shape),
    VMIR_FIELD(citm_event, name, &vmir_shape_string),
    VMIR_FIELD(citm_event, sub_topic_ids, &id_list_shape, .rename = "subTopicIds"),
    VMIR_FIELD(citm_event, subject_code, &opt_str_shape, .rename = "subjectCode"),
    VMIR_FIELD(citm_event, subtitle, &opt_str_shape),
    VMIR_FIELD(citm_event, topic_ids, &id_list_shape, .rename = "topicIds"),
};
static const vmir_shape event_shape = VMIR_STRUCT(citm_event, event_fields);
static const vmir_shape event_map_shape =
    VMIR_MAP_SHAPE(citm_event_entry, value, &event_shape);

static const vmir_field price_fields[] = {
    VMIR_FIELD(citm_price, amount, &vmir_shape_u32),
    VMIR_FIELD(citm_price, audience_sub_category_id, &vmir_shape_u64,
               .rename = "audienceSubCategoryId"),
    VMIR_FIELD(citm_price, seat_category_id, &vmir_shape_u64,
               .rename = "seatCategoryId"),
};
static const vmir_shape price_shape = VMIR_STRUCT(citm_price, price_fields);

static const vmir_field area_fields[] = {
    VMIR_FIELD(citm_area, area_id, &vmir_shape_u64, .rename = "areaId"),
    VMIR_FIELD(citm_area, block_ids, &id_list_shape, .rename = "blockIds"),
};
static const vmir_shape area_shape = VMIR_STRUCT(citm_area, area_fields);
static const vmir_shape area_list_shape = VMIR_LIST_SHAPE(&area_shape);

static const vmir_field seat_category_fields[] = {
    VMIR_FIELD(citm_seat_category, areas, &area_list_shape),
    VMIR_FIELD(citm_seat_category, seat_category_id, &vmir_shape_u64,
               .rename = "seatCategoryId"),
};
static const vmir_shape seat_category_shape =
    VMIR_STRUCT(citm_seat_category, seat_category_fields);

static const vmir_shape price_list_shape = VMIR_LIST_SHAPE(&price_shape);
static const vmir_shape seat_category_list_shape =
    VMIR_LIST_SHAPE(&seat_category_shape);

static const vmir_field performance_fields[] = {
    VMIR_FIELD(citm_performance, event_id, &vmir_shape_u64, .rename = "eventId"),
    VMIR_FIELD(citm_performance, id, &vmir_shape_u64),
    VMIR_FIELD(citm_performance, logo, &opt_str_shape),
    VMIR_FIELD(citm_performance, name, &opt_str_shape),
    VMIR_FIELD(citm_performance, prices, &price_list_shape),
    VMIR_FIELD(citm_performance, seat_categories, &seat_category_list_shape,
               .rename = "seatCategories"),
    VMIR_FIELD(citm_performance, seat_map_image, &opt_str_shape,
               .rename = "seatMapImage"),
    VMIR_FIELD(citm_performance, start, &vmir_shape_u64),
    VMIR_FIELD(citm_performance, venue_code, &vmir_shape_string,
               .rename = "venueCode"),
};
static const vmir_shape performance_shape =
    VMIR_STRUCT(citm_performance, performance_fields);
static const vmir_shape performance_list_shape = VMIR_LIST_SHAPE(&performance_shape);

static const vmir_field catalog_fields[] = {
    VMIR_FIELD(citm_catalog, area_names, &name_map_shape, .rename = "areaNames"),
    VMIR_FIELD(citm_catalog, audience_sub_category_names, &name_map_shape,
               .rename = "audienceSubCategoryNames"),
    VMIR_FIELD(citm_catalog, block_names, &name_map_shape, .rename = "blockNames"),
    VMIR_FIELD(citm_catalog, events, &event_map_shape),
    VMIR_FIELD(citm_catalog, performances, &performance_list_shape),
    VMIR_FIELD(citm_catalog, seat_category_names, &name_map_shape,
               .rename = "seatCategoryNames"),
    VMIR_FIELD(citm_catalog, sub_topic_names, &name_map_shape,
               .rename = "subTopicNames"),
    VMIR_FIELD(citm_catalog, subject_names, &name_map_shape,
               .rename = "subjectNames"),
    VMIR_FIELD(citm_catalog, topic_names, &name_map_shape, .rename = "topicNames"),
    VMIR_FIELD(citm_catalog, topic_sub_topics, &ids_map_shape,
               .rename = "topicSubTopics"),
    VMIR_FIELD(citm_catalog, venue_names, &name_map_shape, .rename = "venueNames"),
};
const vmir_shape citm_shape = VMIR_STRUCT(citm_catalog, catalog_fields);
