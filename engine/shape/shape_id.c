/* vmir_shape_id: a stable 64-bit id of what a shape means for layout and
 * serialization, independent of type names, member sizes and of how the
 * graph happens to share or duplicate sub-shapes. docs/shapes.md ("Shape id")
 * specifies the byte encoding exactly; this file must stay in step with it.
 *
 * Steps:
 *   1. collect the composite shapes reachable from the root (leaves -- the
 *      scalars, unit, string, bytes, value -- are encoded inline and never
 *      become nodes, so two copies of vmir_shape_u32 cannot make a
 *      difference);
 *   2. encode each composite shape's own record with holes where it refers to
 *      a composite sub-shape;
 *   3. merge equivalent shapes (partition refinement, as in DFA
 *      minimization): two shapes are equivalent when their records are equal
 *      and their holes refer to equivalent shapes. A C descriptor that shares
 *      one `list of u32` between two fields and a text file that writes
 *      (list u32) twice thus get the same id;
 *   4. walk the merged graph depth-first from the root, numbering shapes in
 *      first-visit order: a shape seen before is written as a back-reference
 *      to its number, a new one as its record, holes filled recursively;
 *   5. FNV-1a 64 over that stream.
 * Nothing recurses on the graph: walks use explicit stacks. */
#include <stdlib.h>
#include <string.h>

#include "shape/shape_internal.h"
#include "util/buf.h"

#define ID_VERSION 1u
#define REF_BACK 0u
#define REF_INLINE 1u
#define REF_NULL 2u
#define NONE UINT32_MAX

typedef struct hole {
  uint32_t pos;     /* byte position in the node's record */
  uint32_t child;   /* node index of the referenced shape */
} hole;

typedef struct inode {
  const vmir_shape *shape;
  size_t off, len;           /* record bytes in ctx.records */
  uint32_t hole_first, hole_count;
} inode;

typedef struct idctx {
  inode *nodes;
  size_t len, cap;
  vmir_ptrmap index;         /* shape -> node index */
  vmir_buf records;
  hole *holes;
  size_t hole_len, hole_cap;
  bool failed;
} idctx;

/* ---- Byte encoding ------------------------------------------------------ */

static void put_uleb(vmir_buf *b, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    tmp[n++] = (uint8_t)(byte | (v ? 0x80 : 0));
  } while (v);
  vmir_buf_append(b, tmp, n);
}

/* Zigzag keeps small negative discriminants short. */
static uint64_t zigzag(int64_t v) {
  uint64_t u = (uint64_t)v << 1;
  return v < 0 ? ~u : u;
}

static void put_str(vmir_buf *b, const char *s) {
  size_t n = s ? strlen(s) : 0;
  put_uleb(b, n);
  if (n) vmir_buf_append(b, s, n);
}

/* Optional strings: 0 when absent, else 1 and the string. */
static void put_opt_str(vmir_buf *b, const char *s) {
  put_uleb(b, s ? 1 : 0);
  if (s) put_str(b, s);
}

/* ---- Step 1: nodes ------------------------------------------------------ */

static bool is_composite(const vmir_shape *s) {
  return s && !vmir_shape__is_leaf(s->kind);
}

static uint32_t add_node(idctx *c, const vmir_shape *s) {
  uint32_t idx;
  if (vmir_ptrmap_get(&c->index, s, &idx)) return idx;
  if (c->len == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 32;
    inode *grown = realloc(c->nodes, cap * sizeof *grown);
    if (!grown) {
      c->failed = true;
      return NONE;
    }
    c->nodes = grown;
    c->cap = cap;
  }
  if (c->len >= NONE - 1 || !vmir_ptrmap_put(&c->index, s, (uint32_t)c->len)) {
    c->failed = true;
    return NONE;
  }
  c->nodes[c->len] = (inode){.shape = s};
  return (uint32_t)c->len++;
}

/* ---- Step 2: records ---------------------------------------------------- */

static void add_hole(idctx *c, uint32_t node, uint32_t child) {
  if (c->hole_len == c->hole_cap) {
    size_t cap = c->hole_cap ? c->hole_cap * 2 : 64;
    hole *grown = realloc(c->holes, cap * sizeof *grown);
    if (!grown) {
      c->failed = true;
      return;
    }
    c->holes = grown;
    c->hole_cap = cap;
  }
  inode *n = &c->nodes[node];
  c->holes[c->hole_len++] =
      (hole){(uint32_t)(c->records.len - n->off), child};
  n->hole_count++;
}

/* A sub-shape reference: leaves and NULL inline, composites as holes. */
static void put_ref(idctx *c, uint32_t node, const vmir_shape *s) {
  vmir_buf *b = &c->records;
  if (!s) {
    put_uleb(b, REF_NULL);
  } else if (!is_composite(s)) {
    put_uleb(b, REF_INLINE);
    put_uleb(b, (uint64_t)s->kind);
    put_uleb(b, s->size);
    put_uleb(b, s->align);
  } else {
    uint32_t child = add_node(c, s);
    if (child != NONE) add_hole(c, node, child);
  }
}

/* `named`: the field's name reaches the wire (struct and struct-variant
 * fields that are neither skipped nor flattened). */
static void put_field(idctx *c, uint32_t node, const vmir_field *f,
                      bool named) {
  vmir_buf *b = &c->records;
  bool wire = named && !(f->flags & (VMIR_FIELD_SKIP | VMIR_FIELD_FLATTEN));
  put_uleb(b, f->flags);
  put_opt_str(b, wire ? vmir_field_wire_name(f) : NULL);
  put_uleb(b, f->offset);
  put_uleb(b, (uint64_t)(uint32_t)f->skip_if);
  if (f->skip_if == VMIR_PRED_HOST) put_uleb(b, f->host_predicate);
  put_ref(c, node, f->shape);
}

static void put_fields(idctx *c, uint32_t node, const vmir_field *fields,
                       uint32_t count, bool named) {
  if (!fields) count = 0;
  put_uleb(&c->records, count);
  for (uint32_t i = 0; i < count; i++) put_field(c, node, &fields[i], named);
}

static void encode_record(idctx *c, uint32_t node) {
  const vmir_shape *s = c->nodes[node].shape;
  vmir_buf *b = &c->records;
  c->nodes[node].off = b->len;
  c->nodes[node].hole_first = (uint32_t)c->hole_len;
  put_uleb(b, (uint64_t)(uint32_t)s->kind);
  put_uleb(b, s->size);
  put_uleb(b, s->align);
  switch (s->kind) {
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE:
      put_fields(c, node, s->u.fields.fields, s->u.fields.count,
                 s->kind == VMIR_KIND_STRUCT);
      break;
    case VMIR_KIND_ENUM: {
      uint32_t count = s->u.enumeration.variants ? s->u.enumeration.count : 0;
      put_uleb(b, s->u.enumeration.tag_offset);
      put_uleb(b, s->u.enumeration.tag_width);
      put_uleb(b, (uint64_t)(uint32_t)s->u.enumeration.tagging);
      put_opt_str(b, s->u.enumeration.tag_key);
      put_opt_str(b, s->u.enumeration.content_key);
      put_uleb(b, s->u.enumeration.unit_as_string ? 1 : 0);
      put_uleb(b, count);
      for (uint32_t i = 0; i < count; i++) {
        const vmir_variant *v = &s->u.enumeration.variants[i];
        put_str(b, vmir_variant_wire_name(v));
        put_uleb(b, zigzag(v->discriminant));
        put_uleb(b, (uint64_t)(uint32_t)v->style);
        put_fields(c, node, v->fields, v->field_count,
                   v->style == VMIR_VARIANT_STRUCT);
      }
      break;
    }
    case VMIR_KIND_OPTION:
      put_uleb(b, (uint64_t)(uint32_t)s->u.option.repr);
      if (s->u.option.repr == VMIR_OPTION_FLAG) {
        put_uleb(b, s->u.option.flag_offset);
        put_uleb(b, s->u.option.payload_offset);
      }
      put_ref(c, node, s->u.option.payload);
      break;
    case VMIR_KIND_POINTER:
      put_ref(c, node, s->u.pointer.target);
      break;
    case VMIR_KIND_LIST:
      put_ref(c, node, s->u.sequence.element);
      break;
    case VMIR_KIND_ARRAY:
      put_uleb(b, s->u.sequence.count);
      put_ref(c, node, s->u.sequence.element);
      break;
    case VMIR_KIND_MAP:
      put_uleb(b, s->u.map.entry_size);
      put_uleb(b, s->u.map.value_offset);
      put_ref(c, node, s->u.map.value);
      break;
    default:
      break;  /* unknown kind of an invalid shape: header only */
  }
  c->nodes[node].len = b->len - c->nodes[node].off;
}

/* ---- Step 3: partition refinement ---------------------------------------- */

/* Interns byte strings to dense ids 0, 1, 2, ... */
typedef struct interner {
  vmir_buf keys;
  struct slot { uint64_t hash; size_t off, len; uint32_t id; } *slots;
  size_t cap;
  uint32_t count;
} interner;

static uint64_t fnv1a(uint64_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h ^= p[i];
    h *= UINT64_C(0x100000001b3);
  }
  return h;
}
#define FNV_BASIS UINT64_C(0xcbf29ce484222325)

static bool interner_reset(interner *t, size_t expected) {
  size_t cap = 16;
  while (cap < expected * 2) cap *= 2;
  if (cap != t->cap) {
    free(t->slots);
    t->slots = malloc(cap * sizeof *t->slots);
    t->cap = t->slots ? cap : 0;
    if (!t->slots) return false;
  }
  for (size_t i = 0; i < cap; i++) t->slots[i].len = SIZE_MAX;
  t->keys.len = 0;
  t->count = 0;
  return true;
}

static uint32_t intern(interner *t, const uint8_t *key, size_t len) {
  uint64_t h = fnv1a(FNV_BASIS, key, len);
  size_t j = (size_t)h & (t->cap - 1);
  for (;; j = (j + 1) & (t->cap - 1)) {
    struct slot *s = &t->slots[j];
    if (s->len == SIZE_MAX) break;
    if (s->hash == h && s->len == len &&
        memcmp(t->keys.data + s->off, key, len) == 0)
      return s->id;
  }
  size_t off = t->keys.len;
  vmir_buf_append(&t->keys, key, len);
  t->slots[j] = (struct slot){h, off, len, t->count};
  return t->count++;
}

/* Fills class[] so that equal classes mean equivalent shapes. */
static bool refine(idctx *c, uint32_t *cls) {
  interner t = {0};
  vmir_buf key;
  vmir_buf_init(&key);
  vmir_buf_init(&t.keys);
  uint32_t *next = malloc(c->len * sizeof *next);
  bool ok = next && interner_reset(&t, c->len);
  /* Start from the records alone (hole positions included, so records that
   * differ only in where a hole sits stay apart). */
  for (size_t i = 0; ok && i < c->len; i++) {
    const inode *n = &c->nodes[i];
    key.len = 0;
    vmir_buf_append(&key, c->records.data + n->off, n->len);
    for (uint32_t h = 0; h < n->hole_count; h++)
      put_uleb(&key, c->holes[n->hole_first + h].pos);
    ok = !key.failed;
    if (ok) cls[i] = intern(&t, key.data, key.len);
  }
  uint32_t classes = t.count;
  /* Each round splits classes whose members point at different classes; the
   * class count only grows, so an unchanged count means a fixed point. */
  while (ok) {
    ok = interner_reset(&t, c->len);
    for (size_t i = 0; ok && i < c->len; i++) {
      const inode *n = &c->nodes[i];
      key.len = 0;
      put_uleb(&key, cls[i]);
      for (uint32_t h = 0; h < n->hole_count; h++)
        put_uleb(&key, cls[c->holes[n->hole_first + h].child]);
      ok = !key.failed && !t.keys.failed;
      if (ok) next[i] = intern(&t, key.data, key.len);
    }
    if (!ok || t.count == classes) break;
    classes = t.count;
    memcpy(cls, next, c->len * sizeof *cls);
  }
  ok = ok && !t.keys.failed;
  free(next);
  free(t.slots);
  vmir_buf_free(&t.keys);
  vmir_buf_free(&key);
  return ok;
}

/* ---- Steps 4 and 5: the canonical stream -------------------------------- */

typedef struct hasher {
  uint64_t h;
} hasher;

static void feed(hasher *hs, const void *p, size_t n) {
  hs->h = fnv1a(hs->h, p, n);
}

static void feed_uleb(hasher *hs, uint64_t v) {
  uint8_t tmp[10];
  size_t n = 0;
  do {
    uint8_t byte = v & 0x7f;
    v >>= 7;
    tmp[n++] = (uint8_t)(byte | (v ? 0x80 : 0));
  } while (v);
  feed(hs, tmp, n);
}

typedef struct emit_frame {
  uint32_t node, hole;
  size_t pos;
} emit_frame;

static bool emit(idctx *c, const uint32_t *cls, hasher *hs) {
  uint32_t *num = malloc(c->len * sizeof *num);
  emit_frame *stack = malloc(c->len * sizeof *stack);
  if (!num || !stack) {
    free(num);
    free(stack);
    return false;
  }
  for (size_t i = 0; i < c->len; i++) num[i] = NONE;
  uint32_t next_num = 0;
  size_t depth = 0;
  /* Node 0 is the root. A class is numbered once, so the stack holds at most
   * one frame per class. */
  num[cls[0]] = next_num++;
  feed_uleb(hs, REF_INLINE);
  stack[depth++] = (emit_frame){0, 0, 0};
  while (depth > 0) {
    emit_frame *top = &stack[depth - 1];
    const inode *n = &c->nodes[top->node];
    size_t stop = top->hole < n->hole_count
                      ? c->holes[n->hole_first + top->hole].pos
                      : n->len;
    feed(hs, c->records.data + n->off + top->pos, stop - top->pos);
    top->pos = stop;
    if (top->hole >= n->hole_count) {
      depth--;
      continue;
    }
    uint32_t child = c->holes[n->hole_first + top->hole++].child;
    if (num[cls[child]] != NONE) {
      feed_uleb(hs, REF_BACK);
      feed_uleb(hs, num[cls[child]]);
    } else {
      num[cls[child]] = next_num++;
      feed_uleb(hs, REF_INLINE);
      stack[depth++] = (emit_frame){child, 0, 0};
    }
  }
  free(num);
  free(stack);
  return true;
}

uint64_t vmir_shape_id(const vmir_shape *shape) {
  hasher hs = {FNV_BASIS};
  feed_uleb(&hs, ID_VERSION);
  if (!is_composite(shape)) {
    /* A NULL or leaf root: its reference is the whole stream. */
    if (!shape) {
      feed_uleb(&hs, REF_NULL);
    } else {
      feed_uleb(&hs, REF_INLINE);
      feed_uleb(&hs, (uint64_t)shape->kind);
      feed_uleb(&hs, shape->size);
      feed_uleb(&hs, shape->align);
    }
    return hs.h;
  }
  idctx c = {0};
  vmir_ptrmap_init(&c.index);
  vmir_buf_init(&c.records);
  add_node(&c, shape);
  /* encode_record may append nodes; the loop picks them up (a BFS). */
  for (size_t i = 0; i < c.len && !c.failed; i++)
    encode_record(&c, (uint32_t)i);
  uint64_t id = 0;
  uint32_t *cls = c.failed || c.records.failed
                      ? NULL
                      : malloc(c.len * sizeof *cls);
  if (cls && refine(&c, cls) && emit(&c, cls, &hs)) id = hs.h;
  free(cls);
  free(c.nodes);
  free(c.holes);
  vmir_buf_free(&c.records);
  vmir_ptrmap_free(&c.index);
  return id;
}
