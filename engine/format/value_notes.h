/* What a value reader (json-read-value, msgpack-read-value, and the event
 * reader of unfused decode) tells the build side beyond the tree: the first
 * repeated object key, in input order, and where inside the value a read
 * failed. A reader given notes (vmir_source.notes) keeps one member per
 * key, the last value at the first key's place; build-store-value then
 * rejects the value unless duplicates are last-wins, so every reader
 * applies one policy (docs/decode-formats.md, "Duplicate keys").
 *
 * Paths inside a value are written like value paths elsewhere: ".key" for
 * an object member, "[i]" for an array element. */
#ifndef VMIR_FORMAT_VALUE_NOTES_H
#define VMIR_FORMAT_VALUE_NOTES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "vmir/shape.h"

#define VMIR_VALUE_PATH_MAX 160

typedef struct vmir_value_notes {
  bool dup_found;
  size_t dup_offset;                  /* where the repeated key starts */
  vmir_str dup_key;                   /* in the arena, with the tree */
  char dup_path[VMIR_VALUE_PATH_MAX]; /* the object holding it; "" = the value */
  char fail_path[VMIR_VALUE_PATH_MAX];/* where a failed read stood; "" = the value */
} vmir_value_notes;

/* A path built from the innermost piece outwards (readers know their
 * containers innermost first); cut at the front when too long. */
typedef struct vmir_rpath {
  char buf[VMIR_VALUE_PATH_MAX];
  size_t start;
  bool cut;
} vmir_rpath;

void vmir_rpath_init(vmir_rpath *p);
void vmir_rpath_index(vmir_rpath *p, uint64_t index);
void vmir_rpath_key(vmir_rpath *p, vmir_str key);
static inline const char *vmir_rpath_str(const vmir_rpath *p) { return p->buf + p->start; }

/* Notes a repeated key unless an earlier one (by offset) was noted. */
void vmir_value_notes_dup(vmir_value_notes *n, size_t offset, vmir_str key, const vmir_rpath *path);

#endif
