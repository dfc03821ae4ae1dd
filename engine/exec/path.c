/* Logical paths for error messages: ".statuses[3].user.name". */
#include <stdio.h>
#include <string.h>

#include "exec/executable.h"
#include "exec/value_access.h"
#include "exec/vm_state.h"

static void append(char *out, size_t cap, size_t *n, const char *fmt_piece, size_t len) {
  if (*n + 1 >= cap) return;
  size_t room = cap - *n - 1;
  if (len > room) len = room;
  memcpy(out + *n, fmt_piece, len);
  *n += len;
  out[*n] = 0;
}

static void append_key(char *out, size_t cap, size_t *n, vmir_str key) {
  char piece[80];
  size_t len = key.len > 40 ? 40 : key.len;
  int w = snprintf(piece, sizeof piece, "[\"%.*s%s\"]", (int)len, key.ptr ? key.ptr : "",
                   key.len > 40 ? "..." : "");
  if (w > 0) append(out, cap, n, piece, (size_t)w < sizeof piece ? (size_t)w : sizeof piece - 1);
}

void vmir_format_path(const vmir_vm_state *vm, char *out, size_t cap) {
  size_t n = 0;
  if (cap == 0) return;
  out[0] = 0;
  for (uint32_t d = 1; d < vm->path_depth; d++) {
    const vmir_path_entry *parent = &vm->path[d - 1];
    const vmir_path_entry *e = &vm->path[d];
    char piece[96];
    int w = 0;
    switch ((vmir_segment)e->segment) {
      case VMIR_SEG_FIELD: {
        const vmir_field *f = &parent->shape->u.fields.fields[e->index];
        if (parent->shape->kind == VMIR_KIND_TUPLE)
          w = snprintf(piece, sizeof piece, "[%llu]", (unsigned long long)e->index);
        else
          w = snprintf(piece, sizeof piece, ".%s", vmir_field_wire_name(f));
        break;
      }
      case VMIR_SEG_VARIANT_FIELD: {
        const vmir_variant *v = &parent->shape->u.enumeration.variants[e->variant];
        if (v->style == VMIR_VARIANT_STRUCT)
          w = snprintf(piece, sizeof piece, ".%s", vmir_field_wire_name(&v->fields[e->index]));
        else if (v->style == VMIR_VARIANT_TUPLE)
          w = snprintf(piece, sizeof piece, "[%llu]", (unsigned long long)e->index);
        break;
      }
      case VMIR_SEG_ELEMENT:
        w = snprintf(piece, sizeof piece, "[%llu]", (unsigned long long)e->index);
        break;
      case VMIR_SEG_MAP_VALUE: {
        vmir_list entries = vmir_read_list(parent->addr);
        const uint8_t *entry = (const uint8_t *)entries.ptr +
                               e->index * parent->shape->u.map.entry_size;
        append_key(out, cap, &n, vmir_read_str(entry));
        break;
      }
      case VMIR_SEG_MAP_KEY:
        append_key(out, cap, &n, e->key);
        break;
      case VMIR_SEG_ROOT:
      case VMIR_SEG_SOME:
      case VMIR_SEG_POINTEE:
        break;
    }
    if (w > 0) append(out, cap, &n, piece, (size_t)w < sizeof piece ? (size_t)w : sizeof piece - 1);
  }
  if (n == 0) append(out, cap, &n, "(root)", 6);
}
