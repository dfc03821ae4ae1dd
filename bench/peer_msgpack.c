/* msgpack-c (Debian libmsgpack-dev) as a MessagePack peer: unpacking a
 * document into its object tree, and packing the canada model structs. */
#include <msgpack.h>

#include "canada_model.h"
#include "peer_libs.h"

bool peer_msgpack_unpack(const uint8_t *data, size_t len) {
  static msgpack_unpacked result; /* its zone is reused across runs */
  static bool ready;
  if (!ready) {
    msgpack_unpacked_init(&result);
    ready = true;
  }
  size_t off = 0;
  return msgpack_unpack_next(&result, (const char *)data, len, &off) == MSGPACK_UNPACK_SUCCESS &&
         off == len;
}

static void pack_str(msgpack_packer *pk, const char *s, size_t n) {
  msgpack_pack_str(pk, n);
  msgpack_pack_str_body(pk, s, n);
}

#define PACK_LITERAL(pk, lit) pack_str((pk), (lit), sizeof(lit) - 1)

static void pack_positions(msgpack_packer *pk, const ca_positions *ps) {
  msgpack_pack_array(pk, ps->len);
  for (size_t i = 0; i < ps->len; i++) {
    msgpack_pack_array(pk, 2);
    msgpack_pack_double(pk, ps->ptr[i].lon);
    msgpack_pack_double(pk, ps->ptr[i].lat);
  }
}

static msgpack_sbuffer packed;

bool peer_msgpack_pack_canada(const struct canada_doc *doc, const uint8_t **data, size_t *len) {
  msgpack_sbuffer_clear(&packed);
  msgpack_packer pk;
  msgpack_packer_init(&pk, &packed, msgpack_sbuffer_write);
  msgpack_pack_map(&pk, 2);
  PACK_LITERAL(&pk, "type");
  PACK_LITERAL(&pk, "FeatureCollection");
  PACK_LITERAL(&pk, "features");
  msgpack_pack_array(&pk, doc->features.len);
  for (size_t i = 0; i < doc->features.len; i++) {
    const ca_feature *f = &doc->features.ptr[i];
    msgpack_pack_map(&pk, 3);
    PACK_LITERAL(&pk, "type");
    PACK_LITERAL(&pk, "Feature");
    PACK_LITERAL(&pk, "properties");
    msgpack_pack_map(&pk, 1);
    PACK_LITERAL(&pk, "name");
    pack_str(&pk, f->properties.name.ptr, f->properties.name.len);
    PACK_LITERAL(&pk, "geometry");
    if (f->geometry.tag != CA_POLYGON) return false; /* what the corpus holds */
    msgpack_pack_map(&pk, 2);
    PACK_LITERAL(&pk, "type");
    PACK_LITERAL(&pk, "Polygon");
    PACK_LITERAL(&pk, "coordinates");
    const ca_position_lists *rings = &f->geometry.u.polygon;
    msgpack_pack_array(&pk, rings->len);
    for (size_t r = 0; r < rings->len; r++) pack_positions(&pk, &rings->ptr[r]);
  }
  *data = (const uint8_t *)packed.data;
  *len = packed.size;
  return true;
}
