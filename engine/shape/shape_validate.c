/* vmir_shape_validate: checks a whole shape graph before anything trusts its
 * layout. Programs read and write memory at the offsets shapes give, so every
 * rule here guards a later memory access or an encoding ambiguity.
 *
 * The graph may be cyclic and may come from hostile text, so nothing here
 * recurses on the graph: a breadth-first walk collects every reachable shape
 * once (each keeps the parent it was first reached from, for messages), then
 * passes over that node array check
 *   1. each shape on its own (kind, size/align, arrays and names present),
 *   2. each shape against its sub-shapes (offsets, sizes, tags, payloads),
 *   3. inline containment cycles (types of infinite size),
 *   4. wire names per struct after flattening.
 * Pass 2 relies on pass 1 (sub-shapes have a sane alignment); passes 3 and 4
 * rely on pass 2; the flatten expansion in 4 terminates because 3 passed. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shape/shape_internal.h"

#define NO_PARENT UINT32_MAX
/* Flatten bounds: nesting depth of flattened structs inside one object, and
 * the fields visited while expanding flatten over the whole graph. Real
 * schemas stay far below both; hostile ones would otherwise cost quadratic
 * time (every struct of a long chain re-expands the rest of it). */
#define MAX_FLATTEN_DEPTH 32u
#define FLATTEN_BUDGET (UINT64_C(1) << 20)

typedef struct vnode {
  const vmir_shape *shape;
  uint32_t parent;           /* node index it was first reached from */
  const char *edge;          /* field name or "element"/"value"/... */
  const char *variant;       /* variant name when reached through an enum */
  bool object;               /* reached other than through flatten (or a
                                root): its fields form an object of their
                                own, whose names pass 4 checks */
} vnode;

typedef struct vctx {
  vmir_error *err;
  const vmir_shape **bad;
  vnode *nodes;
  size_t len, cap;
  vmir_ptrmap index;         /* shape -> node index */
  uint64_t flatten_work;
} vctx;

/* ---- Messages ----------------------------------------------------------- */

/* "struct tw_user", or "list <anonymous at tw_user.tags>" for unnamed shapes:
 * the path runs from the nearest named ancestor. */
static void describe(const vctx *c, uint32_t idx, char *buf, size_t cap) {
  const vmir_shape *s = c->nodes[idx].shape;
  const char *kind = vmir_kind_name(s->kind);
  if (s->name) {
    snprintf(buf, cap, "%s %s", kind, s->name);
    return;
  }
  enum { MAX_HOPS = 6 };
  uint32_t hops[MAX_HOPS];
  size_t n = 0;
  uint32_t at = idx;
  while (n < MAX_HOPS && c->nodes[at].parent != NO_PARENT &&
         !c->nodes[at].shape->name) {
    hops[n++] = at;
    at = c->nodes[at].parent;
  }
  if (n == 0) {
    snprintf(buf, cap, "%s <anonymous root>", kind);
    return;
  }
  const vmir_shape *anc = c->nodes[at].shape;
  char path[160];
  /* Stopped at a named shape, at the root, or after MAX_HOPS hops. */
  const char *base = anc->name ? anc->name
                     : c->nodes[at].parent == NO_PARENT ? "root" : "...";
  size_t used = (size_t)snprintf(path, sizeof path, "%s", base);
  for (size_t k = n; k-- > 0 && used < sizeof path;) {
    const vnode *h = &c->nodes[hops[k]];
    int w = h->variant
                ? snprintf(path + used, sizeof path - used, ".%s.%s", h->variant,
                           h->edge ? h->edge : "?")
                : snprintf(path + used, sizeof path - used, ".%s",
                           h->edge ? h->edge : "?");
    if (w < 0) break;
    used += (size_t)w;
  }
  snprintf(buf, cap, "%s <anonymous at %s>", kind, path);
}

#define FAIL(c, idx, code, ...)                                               \
  fail_at((c), (idx), (code), __VA_ARGS__)

__attribute__((format(printf, 4, 5))) static vmir_status
fail_at(vctx *c, uint32_t idx, vmir_status code, const char *fmt, ...) {
  char msg[sizeof c->err->message];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  if (c->bad) *c->bad = c->nodes[idx].shape;
  return vmir_shape__fail(c->err, code, "%s", msg);
}

/* ---- Walk --------------------------------------------------------------- */

static vmir_status add_node(vctx *c, const vmir_shape *s, uint32_t parent,
                            const char *edge, const char *variant,
                            bool object) {
  uint32_t seen;
  if (vmir_ptrmap_get(&c->index, s, &seen)) {
    c->nodes[seen].object |= object;
    return VMIR_OK;
  }
  if (c->len == UINT32_MAX - 1)
    return vmir_shape__fail(c->err, VMIR_E_LIMIT, "shape: graph too large");
  if (c->len == c->cap) {
    size_t cap = c->cap ? c->cap * 2 : 64;
    vnode *grown = realloc(c->nodes, cap * sizeof *grown);
    if (!grown) return vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
    c->nodes = grown;
    c->cap = cap;
  }
  if (!vmir_ptrmap_put(&c->index, s, (uint32_t)c->len))
    return vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
  c->nodes[c->len++] = (vnode){s, parent, edge, variant, object};
  return VMIR_OK;
}

static uint32_t node_of(const vctx *c, const vmir_shape *s) {
  uint32_t idx = 0;
  vmir_ptrmap_get(&c->index, s, &idx);
  return idx;
}

/* ---- Pass 1: each shape on its own -------------------------------------- */

static bool is_pow2(uint32_t x) { return x != 0 && (x & (x - 1)) == 0; }

/* "variant 'Circle' of enum shape", bounded to fit the owner buffers. */
static void variant_owner(char *buf, size_t cap, const vmir_variant *v,
                          const char *what) {
  snprintf(buf, cap, "variant '%.60s' of %.140s", v->name, what);
}

/* `owner` is e.g. "struct tw_user" or "variant 'Circle' of enum shape". */
static vmir_status check_field_self(vctx *c, uint32_t idx, const char *owner,
                                    const vmir_field *f, uint32_t i) {
  const uint32_t known = VMIR_FIELD_SKIP | VMIR_FIELD_FLATTEN |
                         VMIR_FIELD_DEFAULT | VMIR_FIELD_SKIP_IF;
  if (!f->name)
    return FAIL(c, idx, VMIR_E_SHAPE, "shape: field #%u of %s has no name", i,
                owner);
  if (!vmir_shape__utf8_valid(f->name, strlen(f->name)) ||
      (f->rename && !vmir_shape__utf8_valid(f->rename, strlen(f->rename))))
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: field #%u of %s has a name that is not valid UTF-8", i,
                owner);
  if (!f->shape)
    return FAIL(c, idx, VMIR_E_SHAPE, "shape: field '%s' of %s has no shape",
                f->name, owner);
  if (f->flags & ~known)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: field '%s' of %s has unknown flag bits 0x%x", f->name,
                owner, f->flags & ~known);
  if ((unsigned)f->skip_if > (unsigned)VMIR_PRED_HOST)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: field '%s' of %s has unknown skip-if test %d", f->name,
                owner, (int)f->skip_if);
  bool has_flag = (f->flags & VMIR_FIELD_SKIP_IF) != 0;
  if (has_flag && f->skip_if == VMIR_PRED_NONE)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: field '%s' of %s has flag skip-if but no predicate",
                f->name, owner);
  if (!has_flag && f->skip_if != VMIR_PRED_NONE)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: field '%s' of %s has a skip-if predicate but not the "
                "skip-if flag",
                f->name, owner);
  if (f->skip_if != VMIR_PRED_HOST && f->host_predicate != 0)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: field '%s' of %s names host predicate %u but its "
                "skip-if test is not a host predicate",
                f->name, owner, f->host_predicate);
  return VMIR_OK;
}

static vmir_status check_fields_self(vctx *c, uint32_t idx, const char *owner,
                                     const vmir_field *fields, uint32_t count) {
  if (count > 0 && !fields)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s has %u fields but no field array", owner, count);
  for (uint32_t i = 0; i < count; i++) {
    vmir_status st = check_field_self(c, idx, owner, &fields[i], i);
    if (st) return st;
  }
  return VMIR_OK;
}

static bool key_ok(const char *k) {
  return k && vmir_shape__utf8_valid(k, strlen(k));
}

static vmir_status check_enum_self(vctx *c, uint32_t idx, const char *what) {
  const vmir_shape *s = c->nodes[idx].shape;
  uint32_t w = s->u.enumeration.tag_width;
  if (w != 1 && w != 2 && w != 4 && w != 8)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s has tag width %u; expected 1, 2, 4 or 8", what, w);
  if ((unsigned)s->u.enumeration.tagging > (unsigned)VMIR_TAG_UNTAGGED)
    return FAIL(c, idx, VMIR_E_SHAPE, "shape: %s has unknown tagging %d", what,
                (int)s->u.enumeration.tagging);
  bool wants_tag = s->u.enumeration.tagging == VMIR_TAG_INTERNAL ||
                   s->u.enumeration.tagging == VMIR_TAG_ADJACENT;
  bool wants_content = s->u.enumeration.tagging == VMIR_TAG_ADJACENT;
  if (wants_tag && !key_ok(s->u.enumeration.tag_key))
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s uses %s tagging but has no (valid UTF-8) tag key",
                what, wants_content ? "adjacent" : "internal");
  if (wants_content && !key_ok(s->u.enumeration.content_key))
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s uses adjacent tagging but has no (valid UTF-8) "
                "content key",
                what);
  /* Keys that the tagging does not use would be silently ignored, and two
   * shapes differing only there would serialize alike: refuse them. */
  if (!wants_tag && s->u.enumeration.tag_key)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s has a tag key but its tagging uses none", what);
  if (!wants_content && s->u.enumeration.content_key)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s has a content key but only adjacent tagging uses one",
                what);
  if (wants_content && strcmp(s->u.enumeration.tag_key, s->u.enumeration.content_key) == 0)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s uses the same key '%s' for tag and content", what,
                s->u.enumeration.tag_key);
  if (s->u.enumeration.count > 0 && !s->u.enumeration.variants)
    return FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s has %u variants but no variant array", what,
                s->u.enumeration.count);
  for (uint32_t i = 0; i < s->u.enumeration.count; i++) {
    const vmir_variant *v = &s->u.enumeration.variants[i];
    if (!v->name)
      return FAIL(c, idx, VMIR_E_SHAPE, "shape: variant #%u of %s has no name",
                  i, what);
    if (!vmir_shape__utf8_valid(v->name, strlen(v->name)) ||
        (v->rename && !vmir_shape__utf8_valid(v->rename, strlen(v->rename))))
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: variant #%u of %s has a name that is not valid UTF-8",
                  i, what);
    if ((unsigned)v->style > (unsigned)VMIR_VARIANT_TUPLE)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: variant '%s' of %s has unknown style %d", v->name,
                  what, (int)v->style);
    char owner[224];
    variant_owner(owner, sizeof owner, v, what);
    vmir_status st = check_fields_self(c, idx, owner, v->fields, v->field_count);
    if (st) return st;
  }
  return VMIR_OK;
}

static vmir_status expect_layout(vctx *c, uint32_t idx, const char *what,
                                 uint32_t size, uint32_t align,
                                 const char *layout_name) {
  const vmir_shape *s = c->nodes[idx].shape;
  if (s->size != size || s->align != align)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s has size %u and alignment %u; a %s is %u bytes "
                "aligned to %u",
                what, s->size, s->align, layout_name, size, align);
  return VMIR_OK;
}

static vmir_status need_child(vctx *c, uint32_t idx, const char *what,
                              const vmir_shape *child, const char *role) {
  if (!child)
    return FAIL(c, idx, VMIR_E_SHAPE, "shape: %s has no %s shape", what, role);
  return VMIR_OK;
}

static vmir_status check_self(vctx *c, uint32_t idx) {
  const vmir_shape *s = c->nodes[idx].shape;
  char what[200];
  if ((unsigned)s->kind >= (unsigned)VMIR_KIND_COUNT) {
    describe(c, idx, what, sizeof what);
    return FAIL(c, idx, VMIR_E_SHAPE, "shape: %s has unknown kind %d", what,
                (int)s->kind);
  }
  describe(c, idx, what, sizeof what);
  if (vmir_shape__is_leaf(s->kind)) {
    const vmir_shape *b = vmir_shape__builtin(s->kind);
    return expect_layout(c, idx, what, b->size, b->align,
                         vmir_kind_name(s->kind));
  }
  if (!is_pow2(s->align))
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s has alignment %u, which is not a power of two",
                what, s->align);
  if (s->size % s->align != 0)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s has size %u, not a multiple of its alignment %u",
                what, s->size, s->align);
  switch (s->kind) {
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE:
      return check_fields_self(c, idx, what, s->u.fields.fields,
                               s->u.fields.count);
    case VMIR_KIND_ENUM:
      return check_enum_self(c, idx, what);
    case VMIR_KIND_OPTION:
      if ((unsigned)s->u.option.repr > (unsigned)VMIR_OPTION_NULLABLE)
        return FAIL(c, idx, VMIR_E_SHAPE,
                    "shape: %s has unknown representation %d", what,
                    (int)s->u.option.repr);
      if (s->u.option.repr == VMIR_OPTION_NULLABLE) {
        vmir_status st = expect_layout(c, idx, what, (uint32_t)sizeof(void *),
                                       (uint32_t)_Alignof(void *), "pointer");
        if (st) return st;
        if (s->u.option.flag_offset || s->u.option.payload_offset)
          return FAIL(c, idx, VMIR_E_SHAPE,
                      "shape: nullable %s has a flag or payload offset; only "
                      "flag options have them",
                      what);
      }
      return need_child(c, idx, what, s->u.option.payload, "payload");
    case VMIR_KIND_POINTER: {
      vmir_status st = expect_layout(c, idx, what, (uint32_t)sizeof(void *),
                                     (uint32_t)_Alignof(void *), "pointer");
      return st ? st : need_child(c, idx, what, s->u.pointer.target, "target");
    }
    case VMIR_KIND_LIST:
    case VMIR_KIND_MAP: {
      vmir_status st =
          expect_layout(c, idx, what, (uint32_t)sizeof(vmir_list),
                        (uint32_t)_Alignof(vmir_list), "vmir_list");
      if (st) return st;
      if (s->kind == VMIR_KIND_LIST) {
        if (s->u.sequence.count != 0)
          return FAIL(c, idx, VMIR_E_SHAPE,
                      "shape: %s has an element count; only arrays have one",
                      what);
        return need_child(c, idx, what, s->u.sequence.element, "element");
      }
      return need_child(c, idx, what, s->u.map.value, "value");
    }
    case VMIR_KIND_ARRAY:
      return need_child(c, idx, what, s->u.sequence.element, "element");
    default:
      return VMIR_OK;
  }
}

/* ---- Pass 2: shapes against their sub-shapes ----------------------------- */

/* Checks that [offset, offset + size) of `child` lies inside a container of
 * `size` bytes and alignment `align`, aligned for the child. */
static vmir_status check_placement(vctx *c, uint32_t idx, const char *owner,
                                   const char *item, uint64_t offset,
                                   const vmir_shape *child, uint32_t csize,
                                   uint32_t calign) {
  if (offset + child->size > csize)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s of %s at offset %llu with size %u ends past the "
                "%s's size %u",
                item, owner, (unsigned long long)offset, child->size,
                vmir_kind_name(c->nodes[idx].shape->kind), csize);
  if (offset % child->align != 0)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s of %s at offset %llu is not aligned to its "
                "shape's alignment %u",
                item, owner, (unsigned long long)offset, child->align);
  if (calign % child->align != 0)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: %s of %s needs alignment %u but the %s is aligned to "
                "only %u",
                item, owner, child->align,
                vmir_kind_name(c->nodes[idx].shape->kind), calign);
  return VMIR_OK;
}

/* Rules for one field of a struct, tuple or enum variant. `named` is true
 * where names reach the wire (struct fields, struct-variant fields). */
static vmir_status check_field_rel(vctx *c, uint32_t idx, const char *owner,
                                   const vmir_field *f, bool named) {
  const vmir_shape *s = c->nodes[idx].shape;
  const vmir_shape *fs = f->shape;
  char item[96];
  snprintf(item, sizeof item, "field '%s'", f->name);
  vmir_status st =
      check_placement(c, idx, owner, item, f->offset, fs, s->size, s->align);
  if (st) return st;
  if (f->member_size != 0 && f->member_size != fs->size)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: field '%s' of %s has member size %u but its %s shape "
                "has size %u",
                f->name, owner, f->member_size, vmir_kind_name(fs->kind),
                fs->size);
  if (f->flags & VMIR_FIELD_FLATTEN) {
    if (!named)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: field '%s' of %s is flattened, but its fields are "
                  "positional",
                  f->name, owner);
    if (fs->kind != VMIR_KIND_STRUCT)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: field '%s' of %s is flattened but its shape is a %s, "
                  "not a struct",
                  f->name, owner, vmir_kind_name(fs->kind));
  }
  if (f->flags & VMIR_FIELD_SKIP_IF) {
    bool fits = true;
    if (f->skip_if == VMIR_PRED_IS_NONE) fits = fs->kind == VMIR_KIND_OPTION;
    if (f->skip_if == VMIR_PRED_IS_EMPTY)
      fits = fs->kind == VMIR_KIND_STRING || fs->kind == VMIR_KIND_BYTES ||
             fs->kind == VMIR_KIND_LIST || fs->kind == VMIR_KIND_MAP;
    if (!fits)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: field '%s' of %s has skip-if %s, which does not "
                  "apply to a %s",
                  f->name, owner,
                  f->skip_if == VMIR_PRED_IS_NONE ? "is-none" : "is-empty",
                  vmir_kind_name(fs->kind));
  }
  return VMIR_OK;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Finds a duplicate among `n` strings (sorted in place); NULL when none. */
static const char *find_dup_name(const char **names, size_t n) {
  if (n > 1) qsort(names, n, sizeof *names, cmp_str);
  for (size_t i = 1; i < n; i++)
    if (strcmp(names[i - 1], names[i]) == 0) return names[i];
  return NULL;
}

static vmir_status check_variants_distinct(vctx *c, uint32_t idx,
                                           const char *what) {
  const vmir_shape *s = c->nodes[idx].shape;
  uint32_t n = s->u.enumeration.count;
  if (n < 2) return VMIR_OK;
  int64_t *ds = malloc(n * sizeof *ds);
  const char **names = malloc(n * sizeof *names);
  vmir_status st = VMIR_OK;
  if (!ds || !names) {
    st = vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
    goto out;
  }
  for (uint32_t i = 0; i < n; i++) {
    ds[i] = s->u.enumeration.variants[i].discriminant;
    names[i] = vmir_variant_wire_name(&s->u.enumeration.variants[i]);
  }
  qsort(ds, n, sizeof *ds, cmp_i64);
  for (uint32_t i = 1; i < n; i++) {
    if (ds[i - 1] == ds[i]) {
      st = FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s has two variants with discriminant %lld", what,
                (long long)ds[i]);
      goto out;
    }
  }
  const char *dup = find_dup_name(names, n);
  if (dup)
    st = FAIL(c, idx, VMIR_E_SHAPE, "shape: %s has two variants named '%s'",
              what, dup);
out:
  free(ds);
  free(names);
  return st;
}

static vmir_status check_enum_rel(vctx *c, uint32_t idx, const char *what) {
  const vmir_shape *s = c->nodes[idx].shape;
  uint64_t tag_end = (uint64_t)s->u.enumeration.tag_offset + s->u.enumeration.tag_width;
  if (tag_end > s->size)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: tag of %s at offset %u with width %u ends past the "
                "enum's size %u",
                what, s->u.enumeration.tag_offset, s->u.enumeration.tag_width, s->size);
  if (s->u.enumeration.tag_offset % s->u.enumeration.tag_width != 0 || s->align < s->u.enumeration.tag_width)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: tag of %s at offset %u is not aligned to its width %u",
                what, s->u.enumeration.tag_offset, s->u.enumeration.tag_width);
  int64_t lo = INT64_MIN, hi = INT64_MAX;
  if (s->u.enumeration.tag_width < 8) {
    hi = (INT64_C(1) << (8 * s->u.enumeration.tag_width - 1)) - 1;
    lo = -hi - 1;
  }
  for (uint32_t i = 0; i < s->u.enumeration.count; i++) {
    const vmir_variant *v = &s->u.enumeration.variants[i];
    char owner[224];
    variant_owner(owner, sizeof owner, v, what);
    if (v->discriminant < lo || v->discriminant > hi)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: discriminant %lld of %s does not fit the signed "
                  "%u-byte tag",
                  (long long)v->discriminant, owner, s->u.enumeration.tag_width);
    if (v->style == VMIR_VARIANT_UNIT && v->field_count != 0)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: unit %s has %u fields; unit variants have none",
                  owner, v->field_count);
    if (v->style == VMIR_VARIANT_NEWTYPE && v->field_count != 1)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: newtype %s has %u fields; newtype variants have "
                  "exactly one",
                  owner, v->field_count);
    if (s->u.enumeration.tagging == VMIR_TAG_INTERNAL && v->style == VMIR_VARIANT_TUPLE)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: internally tagged %s is a tuple variant; internal "
                  "tagging needs a struct, newtype-of-struct or unit payload",
                  owner);
    if (s->u.enumeration.tagging == VMIR_TAG_INTERNAL && v->style == VMIR_VARIANT_NEWTYPE &&
        v->fields[0].shape->kind != VMIR_KIND_STRUCT)
      return FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: internally tagged newtype %s holds a %s; internal "
                  "tagging needs a struct payload",
                  owner, vmir_kind_name(v->fields[0].shape->kind));
    bool named = v->style == VMIR_VARIANT_STRUCT;
    for (uint32_t k = 0; k < v->field_count; k++) {
      const vmir_field *f = &v->fields[k];
      vmir_status st = check_field_rel(c, idx, owner, f, named);
      if (st) return st;
      /* Payload bytes must not overwrite the tag. */
      uint64_t end = (uint64_t)f->offset + f->shape->size;
      if (f->shape->size > 0 && f->offset < tag_end && end > s->u.enumeration.tag_offset)
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: field '%s' of %s at offset %u with size %u "
                    "overlaps the tag at offset %u",
                    f->name, owner, f->offset, f->shape->size, s->u.enumeration.tag_offset);
    }
  }
  return check_variants_distinct(c, idx, what);
}

static vmir_status check_option_rel(vctx *c, uint32_t idx, const char *what) {
  const vmir_shape *s = c->nodes[idx].shape;
  if (s->u.option.repr != VMIR_OPTION_FLAG) return VMIR_OK;
  uint32_t fo = s->u.option.flag_offset, po = s->u.option.payload_offset;
  const vmir_shape *p = s->u.option.payload;
  if ((uint64_t)fo + 1 > s->size)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: presence flag of %s at offset %u lies outside the "
                "option's size %u",
                what, fo, s->size);
  vmir_status st =
      check_placement(c, idx, what, "payload", po, p, s->size, s->align);
  if (st) return st;
  if (p->size > 0 && fo >= po && fo < (uint64_t)po + p->size)
    return FAIL(c, idx, VMIR_E_LAYOUT,
                "layout: presence flag of %s at offset %u lies inside the "
                "payload at offset %u with size %u",
                what, fo, po, p->size);
  return VMIR_OK;
}

static vmir_status check_rel(vctx *c, uint32_t idx) {
  const vmir_shape *s = c->nodes[idx].shape;
  char what[200];
  describe(c, idx, what, sizeof what);
  switch (s->kind) {
    case VMIR_KIND_STRUCT:
    case VMIR_KIND_TUPLE:
      for (uint32_t i = 0; i < s->u.fields.count; i++) {
        vmir_status st = check_field_rel(c, idx, what, &s->u.fields.fields[i],
                                         s->kind == VMIR_KIND_STRUCT);
        if (st) return st;
      }
      return VMIR_OK;
    case VMIR_KIND_ENUM:
      return check_enum_rel(c, idx, what);
    case VMIR_KIND_OPTION:
      return check_option_rel(c, idx, what);
    case VMIR_KIND_ARRAY: {
      const vmir_shape *el = s->u.sequence.element;
      uint64_t want = (uint64_t)s->u.sequence.count * el->size;
      if (want != s->size)
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: %s has size %u but %u elements of size %u take "
                    "%llu",
                    what, s->size, s->u.sequence.count, el->size,
                    (unsigned long long)want);
      if (s->align != el->align)
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: %s has alignment %u but its elements are aligned "
                    "to %u",
                    what, s->align, el->align);
      return VMIR_OK;
    }
    case VMIR_KIND_MAP: {
      const vmir_shape *v = s->u.map.value;
      uint32_t vo = s->u.map.value_offset, es = s->u.map.entry_size;
      uint32_t ealign = v->align > _Alignof(vmir_str) ? v->align
                                                      : (uint32_t)_Alignof(vmir_str);
      if (vo < sizeof(vmir_str))
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: %s has value offset %u inside the entry's "
                    "vmir_str key (%zu bytes)",
                    what, vo, sizeof(vmir_str));
      if (vo % v->align != 0)
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: %s has value offset %u, not aligned to the "
                    "value's alignment %u",
                    what, vo, v->align);
      if ((uint64_t)vo + v->size > es)
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: value of %s at offset %u with size %u ends past "
                    "the entry size %u",
                    what, vo, v->size, es);
      if (es % ealign != 0)
        return FAIL(c, idx, VMIR_E_LAYOUT,
                    "layout: %s has entry size %u, not a multiple of the "
                    "entry's alignment %u",
                    what, es, ealign);
      return VMIR_OK;
    }
    default:
      return VMIR_OK;
  }
}

/* ---- Pass 3: inline containment cycles ---------------------------------- */

typedef struct dfs_frame {
  uint32_t node;
  vmir_child_iter it;
} dfs_frame;

/* A shape that contains itself inline (field, flag-option payload, array
 * element) has no finite size; every cycle must cross a pointer, a nullable
 * option, a list or a map. Iterative three-colour DFS over inline edges. */
static vmir_status check_inline_cycles(vctx *c) {
  uint8_t *color = calloc(c->len ? c->len : 1, 1); /* 0 new, 1 open, 2 done */
  dfs_frame *stack = malloc((c->len ? c->len : 1) * sizeof *stack);
  vmir_status st = VMIR_OK;
  if (!color || !stack) {
    st = vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
    goto out;
  }
  for (uint32_t start = 0; start < c->len && !st; start++) {
    if (color[start]) continue;
    size_t depth = 0;
    stack[depth].node = start;
    vmir_child_iter_init(&stack[depth].it, c->nodes[start].shape);
    depth++;
    color[start] = 1;
    while (depth > 0) {
      dfs_frame *top = &stack[depth - 1];
      vmir_child ch;
      if (!vmir_child_iter_next(&top->it, &ch)) {
        color[top->node] = 2;
        depth--;
        continue;
      }
      if (!ch.inline_edge) continue;
      uint32_t to = node_of(c, ch.shape);
      if (color[to] == 1) {
        char what[200], from[200];
        describe(c, to, what, sizeof what);
        describe(c, top->node, from, sizeof from);
        st = FAIL(c, to, VMIR_E_SHAPE,
                  "shape: %s contains itself inline (via %s '%s' of %s) "
                  "without a pointer, nullable option, list or map; its size "
                  "would be infinite",
                  what, ch.field ? "field" : "the", ch.field ? ch.field->name
                                                              : ch.edge,
                  from);
        break;
      }
      if (color[to] == 0) {
        color[to] = 1;
        stack[depth].node = to;
        vmir_child_iter_init(&stack[depth].it, ch.shape);
        depth++;
      }
    }
  }
out:
  free(color);
  free(stack);
  return st;
}

/* ---- Pass 4: wire names after flattening -------------------------------- */

typedef struct name_list {
  const char **names;
  size_t len, cap;
} name_list;

static bool names_push(name_list *l, const char *name) {
  if (l->len == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 32;
    const char **grown = realloc(l->names, cap * sizeof *grown);
    if (!grown) return false;
    l->names = grown;
    l->cap = cap;
  }
  l->names[l->len++] = name;
  return true;
}

typedef struct flat_frame {
  const vmir_field *fields;
  uint32_t count, next;
} flat_frame;

/* Collects the wire names that `fields` put into one object, descending into
 * flattened structs; skipped fields put none. A struct flattened twice into
 * the same object is refused: its names would always collide (and the rule
 * bounds the expansion). */
static vmir_status collect_names(vctx *c, uint32_t idx, const char *owner,
                                 const vmir_field *fields, uint32_t count,
                                 name_list *out) {
  vmir_status st = VMIR_OK;
  vmir_ptrmap seen;
  vmir_ptrmap_init(&seen);
  size_t cap = 8, depth = 0;
  flat_frame *stack = malloc(cap * sizeof *stack);
  if (!stack) return vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
  stack[depth++] = (flat_frame){fields, count, 0};
  while (depth > 0 && !st) {
    flat_frame *top = &stack[depth - 1];
    if (top->next >= top->count) {
      depth--;
      continue;
    }
    const vmir_field *f = &top->fields[top->next++];
    if (++c->flatten_work > FLATTEN_BUDGET) {
      st = FAIL(c, idx, VMIR_E_LIMIT,
                "shape: flattening in %s exceeds the work limit", owner);
      break;
    }
    if (f->flags & VMIR_FIELD_SKIP) continue;
    if (!(f->flags & VMIR_FIELD_FLATTEN)) {
      if (!names_push(out, vmir_field_wire_name(f)))
        st = vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
      continue;
    }
    const vmir_shape *inner = f->shape;
    if (vmir_ptrmap_get(&seen, inner, NULL)) {
      st = FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s flattens struct %s twice (again through field "
                "'%s')",
                owner, inner->name ? inner->name : "<anonymous>", f->name);
      break;
    }
    if (!vmir_ptrmap_put(&seen, inner, 1)) {
      st = vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
      break;
    }
    if (depth > MAX_FLATTEN_DEPTH) {
      st = FAIL(c, idx, VMIR_E_LIMIT,
                "shape: %s flattens structs more than %u levels deep", owner,
                MAX_FLATTEN_DEPTH);
      break;
    }
    if (depth == cap) {
      flat_frame *grown = realloc(stack, cap * 2 * sizeof *grown);
      if (!grown) {
        st = vmir_shape__fail(c->err, VMIR_E_NOMEM, "out of memory");
        break;
      }
      stack = grown;
      cap *= 2;
    }
    stack[depth++] =
        (flat_frame){inner->u.fields.fields, inner->u.fields.count, 0};
  }
  free(stack);
  vmir_ptrmap_free(&seen);
  return st;
}

/* Checks one object's names: distinct, and (internal tagging) none equal to
 * the tag key, which shares the object. */
static vmir_status check_object_names(vctx *c, uint32_t idx, const char *owner,
                                      const vmir_field *fields, uint32_t count,
                                      const char *tag_key) {
  name_list l = {0};
  vmir_status st = collect_names(c, idx, owner, fields, count, &l);
  if (!st && tag_key) {
    for (size_t i = 0; i < l.len; i++) {
      if (strcmp(l.names[i], tag_key) == 0) {
        st = FAIL(c, idx, VMIR_E_SHAPE,
                  "shape: %s has a field named '%s' like the tag key", owner,
                  tag_key);
        break;
      }
    }
  }
  if (!st) {
    const char *dup = find_dup_name(l.names, l.len);
    if (dup)
      st = FAIL(c, idx, VMIR_E_SHAPE,
                "shape: %s has two fields named '%s' (counting flattened "
                "fields)",
                owner, dup);
  }
  free(l.names);
  return st;
}

static vmir_status check_names(vctx *c, uint32_t idx) {
  const vmir_shape *s = c->nodes[idx].shape;
  char what[200];
  /* A struct reached only through flatten has its names checked inside each
   * object that flattens it; checking it alone as well would cost quadratic
   * time on long flatten chains. */
  if (s->kind == VMIR_KIND_STRUCT) {
    if (!c->nodes[idx].object) return VMIR_OK;
    describe(c, idx, what, sizeof what);
    return check_object_names(c, idx, what, s->u.fields.fields,
                              s->u.fields.count, NULL);
  }
  if (s->kind != VMIR_KIND_ENUM) return VMIR_OK;
  describe(c, idx, what, sizeof what);
  const char *tag = s->u.enumeration.tagging == VMIR_TAG_INTERNAL ? s->u.enumeration.tag_key : NULL;
  for (uint32_t i = 0; i < s->u.enumeration.count; i++) {
    const vmir_variant *v = &s->u.enumeration.variants[i];
    char owner[224];
    variant_owner(owner, sizeof owner, v, what);
    vmir_status st = VMIR_OK;
    if (v->style == VMIR_VARIANT_STRUCT) {
      st = check_object_names(c, idx, owner, v->fields, v->field_count, tag);
    } else if (v->style == VMIR_VARIANT_NEWTYPE && tag) {
      /* The newtype's struct fields share the object with the tag. */
      const vmir_shape *in = v->fields[0].shape;
      st = check_object_names(c, idx, owner, in->u.fields.fields,
                              in->u.fields.count, tag);
    }
    if (st) return st;
  }
  return VMIR_OK;
}

/* ---- Entry points -------------------------------------------------------- */

vmir_status vmir_shape__validate_roots(const vmir_shape *const *roots,
                                       size_t count, vmir_error *err,
                                       const vmir_shape **bad) {
  vctx c = {.err = err, .bad = bad};
  vmir_ptrmap_init(&c.index);
  if (bad) *bad = NULL;
  vmir_status st = VMIR_OK;
  for (size_t r = 0; r < count && !st; r++) {
    if (!roots[r])
      st = vmir_shape__fail(err, VMIR_E_USAGE, "shape: no shape given");
    else
      st = add_node(&c, roots[r], NO_PARENT, NULL, NULL, true);
  }
  /* Pass 1 doubles as the breadth-first walk: a node's children are added
   * only after the node itself checked out, so NULL arrays are never read. */
  for (size_t i = 0; i < c.len && !st; i++) {
    st = check_self(&c, (uint32_t)i);
    vmir_child_iter it;
    vmir_child ch;
    vmir_child_iter_init(&it, c.nodes[i].shape);
    while (!st && vmir_child_iter_next(&it, &ch))
      st = add_node(&c, ch.shape, (uint32_t)i, ch.edge,
                    ch.variant ? ch.variant->name : NULL,
                    !ch.field || !(ch.field->flags & VMIR_FIELD_FLATTEN));
  }
  for (size_t i = 0; i < c.len && !st; i++) st = check_rel(&c, (uint32_t)i);
  if (!st) st = check_inline_cycles(&c);
  for (size_t i = 0; i < c.len && !st; i++) st = check_names(&c, (uint32_t)i);
  if (!st && err) vmir_error_clear(err);
  free(c.nodes);
  vmir_ptrmap_free(&c.index);
  return st;
}

vmir_status vmir_shape_validate(const vmir_shape *shape, vmir_error *err) {
  return vmir_shape__validate_roots(&shape, 1, err, NULL);
}
