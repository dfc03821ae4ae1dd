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

static void put_uleb(vmir_buf *b, uint64_t v) { vmir_buf_put_uleb128(b, v); }

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

/* The partition being refined: class c holds elems[start[c] .. end[c]). */
typedef struct partition {
  uint32_t *elems, *pos;       /* nodes grouped by class; node -> index */
  uint32_t *start, *end;       /* per class */
  uint32_t *cls;               /* node -> class */
  uint32_t count;              /* classes so far */
} partition;

/* Moves the `k` listed members of class `c` into a new class; returns it. */
static uint32_t split_off(partition *pt, uint32_t c, const uint32_t *nodes,
                          size_t k) {
  uint32_t nc = pt->count++;
  uint32_t old_end = pt->end[c];
  for (size_t i = 0; i < k; i++) {
    uint32_t x = nodes[i], last = pt->end[c] - 1, y = pt->elems[last];
    pt->elems[pt->pos[x]] = y;
    pt->pos[y] = pt->pos[x];
    pt->elems[last] = x;
    pt->pos[x] = last;
    pt->end[c]--;
  }
  pt->start[nc] = pt->end[c];
  pt->end[nc] = old_end;
  for (uint32_t i = pt->start[nc]; i < old_end; i++) pt->cls[pt->elems[i]] = nc;
  return nc;
}

typedef struct dirty_entry {
  uint32_t cls, key, node;
} dirty_entry;

static int dirty_cmp(const void *a, const void *b) {
  const dirty_entry *x = a, *y = b;
  if (x->cls != y->cls) return x->cls < y->cls ? -1 : 1;
  if (x->key != y->key) return x->key < y->key ? -1 : 1;
  return (x->node > y->node) - (x->node < y->node);
}

/* Growable uint32 vector. */
typedef struct u32vec {
  uint32_t *v;
  size_t len, cap;
} u32vec;

static bool u32_push(u32vec *a, uint32_t x) {
  if (a->len == a->cap) {
    size_t cap = a->cap ? a->cap * 2 : 64;
    uint32_t *grown = realloc(a->v, cap * sizeof *grown);
    if (!grown) return false;
    a->v = grown;
    a->cap = cap;
  }
  a->v[a->len++] = x;
  return true;
}

typedef struct refiner {
  idctx *c;
  partition pt;
  uint32_t *parent_first, *parents;  /* reverse edges, CSR */
  uint32_t *stamp;                   /* per node: round it was last dirtied */
  interner keys;
  vmir_buf key;
  u32vec changed, next;
  dirty_entry *dirty;
} refiner;

/* One class's dirty members, sorted by key, in d[0..n): split the class so
 * members with different keys part. The largest part keeps the class id and
 * every other part is relabelled (each node is relabelled in at most
 * log2(n) rounds, since its new class is at most half of the old one). */
static bool split_class(refiner *r, uint32_t c, const dirty_entry *d,
                        size_t n) {
  partition *pt = &r->pt;
  size_t total = pt->end[c] - pt->start[c], rest = total - n;
  size_t groups = 0, best = 0, best_len = 0;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && d[j].key == d[i].key) j++;
    if (j - i > best_len) {
      best_len = j - i;
      best = i;
    }
    groups++;
    i = j;
  }
  if (groups == 1 && rest == 0) return true; /* all alike: no split */
  bool rest_keeps = rest >= best_len;
  uint32_t *tmp = malloc(n * sizeof *tmp);
  if (!tmp) return false;
  for (size_t i = 0; i < n;) {
    size_t j = i;
    while (j < n && d[j].key == d[i].key) j++;
    if (rest_keeps || i != best) {
      for (size_t k = i; k < j; k++) tmp[k - i] = d[k].node;
      split_off(pt, c, tmp, j - i);
      for (size_t k = i; k < j; k++)
        if (!u32_push(&r->next, d[k].node)) goto fail;
    }
    i = j;
  }
  if (!rest_keeps && rest > 0) {
    /* Class c now holds the keeper group and the clean rest: move the
     * keepers to the front, then relabel the rest (it is the smaller). */
    for (size_t k = 0; k < best_len; k++) {
      uint32_t x = d[best + k].node, at = pt->start[c] + (uint32_t)k;
      uint32_t y = pt->elems[at];
      pt->elems[pt->pos[x]] = y;
      pt->pos[y] = pt->pos[x];
      pt->elems[at] = x;
      pt->pos[x] = at;
    }
    uint32_t nc = pt->count++;
    pt->start[nc] = pt->start[c] + (uint32_t)best_len;
    pt->end[nc] = pt->end[c];
    pt->end[c] = pt->start[nc];
    for (uint32_t i = pt->start[nc]; i < pt->end[nc]; i++) {
      pt->cls[pt->elems[i]] = nc;
      if (!u32_push(&r->next, pt->elems[i])) goto fail;
    }
  }
  free(tmp);
  return true;
fail:
  free(tmp);
  return false;
}

/* One round: nodes are re-keyed by the classes they point at, and their
 * classes split accordingly. The first round keys every node (classes from
 * records alone are not yet uniform); later rounds key only the parents of
 * nodes that were relabelled, which is enough: a class was uniform when it
 * was formed, and a relabelled child gets a fresh class id, so exactly the
 * parents of relabelled nodes can differ from their class mates. */
static bool refine_round(refiner *r, uint32_t round, bool *done) {
  idctx *c = r->c;
  size_t nd = 0;
  if (round == 1)
    for (size_t i = 0; i < c->len; i++)
      r->dirty[nd++] = (dirty_entry){.cls = r->pt.cls[i], .node = (uint32_t)i};
  for (size_t i = 0; round > 1 && i < r->changed.len; i++) {
    uint32_t x = r->changed.v[i];
    for (uint32_t k = r->parent_first[x]; k < r->parent_first[x + 1]; k++) {
      uint32_t p = r->parents[k];
      if (r->stamp[p] == round) continue;
      r->stamp[p] = round;
      r->dirty[nd++] = (dirty_entry){.cls = r->pt.cls[p], .node = p};
    }
  }
  *done = nd == 0;
  if (*done) return true;
  if (!interner_reset(&r->keys, nd)) return false;
  for (size_t i = 0; i < nd; i++) {
    const inode *n = &c->nodes[r->dirty[i].node];
    r->key.len = 0;
    for (uint32_t h = 0; h < n->hole_count; h++)
      put_uleb(&r->key, r->pt.cls[c->holes[n->hole_first + h].child]);
    if (r->key.failed) return false;
    r->dirty[i].key = intern(&r->keys, r->key.data, r->key.len);
    if (r->keys.keys.failed) return false;
  }
  qsort(r->dirty, nd, sizeof *r->dirty, dirty_cmp);
  r->next.len = 0;
  for (size_t i = 0; i < nd;) {
    size_t j = i;
    while (j < nd && r->dirty[j].cls == r->dirty[i].cls) j++;
    if (!split_class(r, r->dirty[i].cls, r->dirty + i, j - i)) return false;
    i = j;
  }
  u32vec t = r->changed;
  r->changed = r->next;
  r->next = t;
  return true;
}

/* Initial classes: equal records (hole positions included). Also builds the
 * reverse edges. */
static bool refine_init(refiner *r) {
  idctx *c = r->c;
  size_t n = c->len;
  partition *pt = &r->pt;
  pt->elems = malloc(n * sizeof(uint32_t));
  pt->pos = malloc(n * sizeof(uint32_t));
  pt->start = calloc(n + 1, sizeof(uint32_t));
  pt->end = calloc(n + 1, sizeof(uint32_t));
  r->parent_first = calloc(n + 1, sizeof(uint32_t));
  r->parents = malloc((c->hole_len ? c->hole_len : 1) * sizeof(uint32_t));
  r->stamp = calloc(n, sizeof(uint32_t));
  r->dirty = malloc((n ? n : 1) * sizeof *r->dirty);
  if (!pt->elems || !pt->pos || !pt->start || !pt->end || !r->parent_first ||
      !r->parents || !r->stamp || !r->dirty || !interner_reset(&r->keys, n))
    return false;
  for (size_t i = 0; i < n; i++) {
    const inode *nd = &c->nodes[i];
    r->key.len = 0;
    vmir_buf_append(&r->key, c->records.data + nd->off, nd->len);
    for (uint32_t h = 0; h < nd->hole_count; h++)
      put_uleb(&r->key, c->holes[nd->hole_first + h].pos);
    if (r->key.failed) return false;
    pt->cls[i] = intern(&r->keys, r->key.data, r->key.len);
    if (r->keys.keys.failed) return false;
  }
  /* Counting sort of nodes by class gives the class ranges. */
  pt->count = r->keys.count;
  for (size_t i = 0; i < n; i++) pt->end[pt->cls[i]]++;
  uint32_t at = 0;
  for (uint32_t k = 0; k < pt->count; k++) {
    pt->start[k] = at;
    at += pt->end[k];
    pt->end[k] = pt->start[k];
  }
  for (size_t i = 0; i < n; i++) {
    uint32_t k = pt->cls[i];
    pt->pos[i] = pt->end[k];
    pt->elems[pt->end[k]++] = (uint32_t)i;
  }
  /* Reverse edges: parent_first[x] .. parent_first[x + 1] list x's parents. */
  for (size_t h = 0; h < c->hole_len; h++) r->parent_first[c->holes[h].child + 1]++;
  for (size_t i = 0; i < n; i++) r->parent_first[i + 1] += r->parent_first[i];
  uint32_t *fill = malloc((n ? n : 1) * sizeof *fill);
  if (!fill) return false;
  memcpy(fill, r->parent_first, n * sizeof *fill);
  for (size_t i = 0; i < n; i++) {
    const inode *nd = &c->nodes[i];
    for (uint32_t h = 0; h < nd->hole_count; h++)
      r->parents[fill[c->holes[nd->hole_first + h].child]++] = (uint32_t)i;
  }
  free(fill);
  return true;
}

/* Fills cls[] so that equal classes mean equivalent shapes: the coarsest
 * partition, refined from equal records, in which members of a class point
 * at equal classes hole by hole. */
static bool refine(idctx *c, uint32_t *cls) {
  refiner r = {.c = c};
  r.pt.cls = cls;
  vmir_buf_init(&r.key);
  vmir_buf_init(&r.keys.keys);
  bool ok = refine_init(&r), done = false;
  for (uint32_t round = 1; ok && !done; round++)
    ok = refine_round(&r, round, &done);
  free(r.pt.elems);
  free(r.pt.pos);
  free(r.pt.start);
  free(r.pt.end);
  free(r.parent_first);
  free(r.parents);
  free(r.stamp);
  free(r.dirty);
  free(r.changed.v);
  free(r.next.v);
  free(r.keys.slots);
  vmir_buf_free(&r.keys.keys);
  vmir_buf_free(&r.key);
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
  uint8_t tmp[VMIR_ULEB128_MAX];
  feed(hs, tmp, vmir_uleb128(tmp, v));
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
