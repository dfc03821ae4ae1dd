#include "format/value_notes.h"

#include <stdio.h>
#include <string.h>

void vmir_rpath_init(vmir_rpath *p) {
  p->start = sizeof p->buf - 1;
  p->buf[p->start] = 0;
  p->cut = false;
}

static void prepend(vmir_rpath *p, const char *piece, size_t len) {
  if (p->cut) return;
  if (len + 3 > p->start) {
    p->start -= 3;
    memcpy(p->buf + p->start, "...", 3);
    p->cut = true;
    return;
  }
  p->start -= len;
  memcpy(p->buf + p->start, piece, len);
}

void vmir_rpath_index(vmir_rpath *p, uint64_t index) {
  char piece[32];
  int w = snprintf(piece, sizeof piece, "[%llu]", (unsigned long long)index);
  prepend(p, piece, (size_t)w);
}

void vmir_rpath_key(vmir_rpath *p, vmir_str key) {
  char piece[56];
  size_t len = key.len > 40 ? 40 : key.len;
  int w = snprintf(piece, sizeof piece, ".%.*s%s", (int)len, key.ptr ? key.ptr : "",
                   key.len > 40 ? "..." : "");
  prepend(p, piece, (size_t)w < sizeof piece ? (size_t)w : sizeof piece - 1);
}

void vmir_value_notes_dup(vmir_value_notes *n, size_t offset, vmir_str key, const vmir_rpath *path) {
  if (n->dup_found && n->dup_offset <= offset) return;
  n->dup_found = true;
  n->dup_offset = offset;
  n->dup_key = key;
  snprintf(n->dup_path, sizeof n->dup_path, "%s", vmir_rpath_str(path));
}
