#include "jit_cases.h"

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(lit) ((vmir_str){lit, sizeof(lit) - 1})

/* ---- values ------------------------------------------------------------------ */

/* A timestamp and a dynamic value that may hold a MessagePack ext. */
typedef struct stamped {
  vmir_timestamp at;
  vmir_value extra;
} stamped;
static const vmir_field stamped_fields[] = {
    VMIR_FIELD(stamped, at, &vmir_shape_timestamp),
    VMIR_FIELD(stamped, extra, &vmir_shape_value),
};
static const vmir_shape stamped_shape = VMIR_STRUCT(stamped, stamped_fields);
static const uint8_t ext_data[] = {1, 2, 3};
static stamped stamps[4];

static vmir_status keep_odd(void *ctx, uint32_t host_id, const vmir_value_view *v, bool *skip) {
  (void)ctx;
  if (host_id != 7) return VMIR_E_PREDICATE;
  *skip = v->scalar.type == VMIR_SCALAR_UINT && v->scalar.as.u64 % 2 == 0;
  return VMIR_OK;
}

static vmir_status hook_fails(void *ctx, uint32_t host_id, const vmir_value_view *v, bool *skip) {
  (void)ctx;
  (void)host_id;
  (void)v;
  (void)skip;
  return VMIR_E_PREDICATE;
}

/* Field names that need escapes in JSON (a quote, a backslash, a control
 * byte, non-ASCII) beside plain ones: generated code may copy only the
 * plain ones without a scan (sink_internal.h, vmir_sink_plain_field_name). */
typedef struct named {
  uint32_t plain, quoted, backslashed, tabbed, accented, last;
} named;
static const vmir_field named_fields[] = {
    VMIR_FIELD(named, plain, &vmir_shape_u32),
    VMIR_FIELD(named, quoted, &vmir_shape_u32, .rename = "say \"hi\""),
    VMIR_FIELD(named, backslashed, &vmir_shape_u32, .rename = "C:\\dir"),
    VMIR_FIELD(named, tabbed, &vmir_shape_u32, .rename = "a\tb"),
    VMIR_FIELD(named, accented, &vmir_shape_u32, .rename = "caf\xc3\xa9"),
    VMIR_FIELD(named, last, &vmir_shape_u32),
};
static const vmir_shape named_shape = VMIR_STRUCT(named, named_fields);
static const named names_value = {1, 2, 3, 4, 5, 6};

static const vmir_exec_env host_env = {.host_predicate = keep_odd};
static const vmir_exec_env failing_env = {.host_predicate = hook_fails};

static const int32_t seven = 7;
static const uint64_t big = UINT64_MAX;
static const uint16_t shorts[] = {1, 2, 65535};
static const uint8_t raw[] = {0, 1, 255};
static f64_entry entries[] = {{{"a", 1}, 0.5}, {{"b\"q", 3}, -2.25}};
static f64_entry nan_entries[] = {{{"a", 1}, 0.5}, {{"bad", 3}, NAN}};
static vmir_value dyn_items[2];
static vmir_member dyn_members[2];

static all_kinds full_kinds(void) {
  all_kinds v;
  memset(&v, 0, sizeof v);
  v.b = true;
  v.u8 = 255;
  v.u16 = 65535;
  v.u32 = 4294967295u;
  v.u64 = UINT64_MAX;
  v.i8 = -128;
  v.i16 = -32768;
  v.i32 = INT32_MIN;
  v.i64 = INT64_MIN;
  v.f32 = 0.5f;
  v.f64 = -1.25;
  v.s = S("h\xc3\xa9llo \"q\" \\ \n\x01");
  v.bytes = (vmir_bytes){raw, 3};
  v.opt = (opt_i32){true, -5};
  v.nullable = &seven;
  v.pointer = &big;
  v.list.ptr = (uint16_t *)shorts;
  v.list.len = 3;
  v.array[0] = 1;
  v.array[1] = 2;
  v.array[2] = 3;
  v.map.ptr = entries;
  v.map.len = 2;
  v.tuple = (pair){-1, 200};
  dyn_items[0] = (vmir_value){.type = VMIR_VALUE_STRING, .as.string = S("x")};
  dyn_items[1] = (vmir_value){.type = VMIR_VALUE_FLOAT, .as.f64 = 2.5};
  dyn_members[0] = (vmir_member){S("k"), {.type = VMIR_VALUE_ARRAY, .as.array = {dyn_items, 2}}};
  dyn_members[1] = (vmir_member){S("n"), {.type = VMIR_VALUE_NULL}};
  v.dynamic = (vmir_value){.type = VMIR_VALUE_OBJECT, .as.object = {dyn_members, 2}};
  return v;
}

static figure fig(int32_t tag, double a, double b) {
  figure f;
  memset(&f, 0, sizeof f);
  f.tag = tag;
  if (tag == FIGURE_CIRCLE) f.u.radius = a;
  if (tag == FIGURE_RECT) {
    f.u.rect.w = a;
    f.u.rect.h = b;
  }
  if (tag == FIGURE_POINT) {
    f.u.point.x = (int32_t)a;
    f.u.point.y = (int32_t)b;
  }
  return f;
}

static all_kinds kinds_full, kinds_empty, kinds_nan, kinds_nan_map, kinds_null_list;
static user users[2];
static int32_t items[] = {4, 5};
static policies pol_all, pol_skips, pol_host_only;
static figure figures[5];
static figure bad_tag;
static node leaf2, leaf, kids[2], tree, bad_node, bad_kids[3], bad_tree;

#define MAX_CASES 64
static jit_case cases[MAX_CASES];
static size_t case_count;

static void add(const char *name, const vmir_shape *shape, const void *value, const vmir_exec_env *env) {
  ck_assert(case_count < MAX_CASES);
  cases[case_count++] = (jit_case){name, shape, value, env};
}

static void build_cases(void) {
  users[0] = (user){.id = 42, .name = S("ada")};
  users[1] = (user){.id = 0, .name = S("")};
  add("user", &user_shape, &users[0], NULL);
  add("user-empty", &user_shape, &users[1], NULL);
  add("escaped-names", &named_shape, &names_value, NULL);

  kinds_full = full_kinds();
  add("all-kinds", &all_kinds_shape, &kinds_full, NULL);
  kinds_empty = full_kinds();
  kinds_empty.opt.present = false;
  kinds_empty.nullable = NULL;
  kinds_empty.list.len = 0;
  kinds_empty.map.len = 0;
  kinds_empty.s = S("");
  kinds_empty.bytes.len = 0;
  kinds_empty.dynamic = (vmir_value){.type = VMIR_VALUE_ARRAY};
  add("all-kinds-empty", &all_kinds_shape, &kinds_empty, NULL);
  /* Failing values: JSON has no NaN (sink error at .f64 and in a map); a
   * list with NULL data and a length (execution error, no access). */
  kinds_nan = full_kinds();
  kinds_nan.f64 = NAN;
  add("all-kinds-nan", &all_kinds_shape, &kinds_nan, NULL);
  kinds_nan_map = full_kinds();
  kinds_nan_map.map.ptr = nan_entries;
  add("all-kinds-nan-map", &all_kinds_shape, &kinds_nan_map, NULL);
  kinds_null_list = full_kinds();
  kinds_null_list.list.ptr = NULL;
  add("all-kinds-null-list", &all_kinds_shape, &kinds_null_list, NULL);

  pol_all = (policies){.kept = 1, .secret = 99, .renamed = 2, .flat = {3, -3}, .maybe = {true, 6},
                       .items = {items, 2}, .zero = 8, .hosted = 9};
  pol_skips = (policies){.kept = 1, .renamed = 2, .hosted = 10};
  pol_host_only = (policies){.kept = 1, .hosted = 3};
  add("policies", &policies_shape, &pol_all, &host_env);
  add("policies-skips", &policies_shape, &pol_skips, &host_env);
  add("policies-no-hook", &policies_shape, &pol_host_only, NULL);
  add("policies-hook-fails", &policies_shape, &pol_host_only, &failing_env);

  figures[0] = fig(FIGURE_CIRCLE, 1.5, 0);
  figures[1] = fig(FIGURE_RECT, 1.5, 2.5);
  figures[2] = fig(FIGURE_POINT, -1, 2);
  figures[3] = fig(FIGURE_EMPTY, 0, 0);
  const vmir_shape *styles[] = {&figure_external_shape, &figure_external_unit_shape,
                                &figure_adjacent_shape, &figure_untagged_shape};
  static const char *names[4][4] = {
      {"external-circle", "external-rect", "external-point", "external-empty"},
      {"unit-circle", "unit-rect", "unit-point", "unit-empty"},
      {"adjacent-circle", "adjacent-rect", "adjacent-point", "adjacent-empty"},
      {"untagged-circle", "untagged-rect", "untagged-point", "untagged-empty"}};
  for (int s = 0; s < 4; s++)
    for (int v = 0; v < 4; v++) add(names[s][v], styles[s], &figures[v], NULL);
  add("internal-rect", &figure_internal_shape, &figures[1], NULL);
  add("internal-empty", &figure_internal_shape, &figures[3], NULL);
  bad_tag = fig(12345, 0, 0);
  add("unknown-tag", &figure_external_shape, &bad_tag, NULL);

  leaf2 = (node){.value = 3};
  kids[0] = (node){.value = 4};
  kids[1] = (node){.value = 5, .next = &leaf2};
  leaf = (node){.value = 2};
  tree = (node){.value = 1, .next = &leaf, .children = {kids, 2}};
  add("tree", &node_shape, &tree, NULL);
  bad_node = (node){.value = 9, .children = {NULL, 3}};
  bad_kids[0] = (node){.value = 1};
  bad_kids[1] = (node){.value = 2};
  bad_kids[2] = (node){.value = 3, .next = &bad_node};
  bad_tree = (node){.value = 0, .children = {bad_kids, 3}};
  add("tree-null-children", &node_shape, &bad_tree, NULL);

  /* Timestamps (emit-scalar of a timestamp) and ext in a value: JSON fails
   * on the ext, on a year past 9999 and on nanoseconds >= 1e9. */
  stamps[0] = (stamped){.at = {1505140205, 123000000}, .extra = {.type = VMIR_VALUE_NULL}};
  stamps[1] = (stamped){.at = {-1, 0},
                        .extra = {.type = VMIR_VALUE_EXT,
                                  .as.ext = {.data = ext_data, .len = 3, .type = 42}}};
  stamps[2] = (stamped){.at = {INT64_MAX, 0}, .extra = {.type = VMIR_VALUE_NULL}};
  stamps[3] = (stamped){.at = {0, 1000000000u}, .extra = {.type = VMIR_VALUE_NULL}};
  add("timestamp", &stamped_shape, &stamps[0], NULL);
  add("timestamp-value-ext", &stamped_shape, &stamps[1], NULL);
  add("timestamp-year-past-9999", &stamped_shape, &stamps[2], NULL);
  add("timestamp-bad-nanoseconds", &stamped_shape, &stamps[3], NULL);
}

size_t jit_cases(const jit_case **out) {
  if (!case_count) build_cases();
  *out = cases;
  return case_count;
}

const jit_case *jit_case_named(const char *name) {
  const jit_case *all;
  size_t n = jit_cases(&all);
  for (size_t i = 0; i < n; i++)
    if (strcmp(all[i].name, name) == 0) return &all[i];
  ck_abort_msg("no case %s", name);
  return NULL;
}

/* ---- running -------------------------------------------------------------------- */

vmir_format jit_sink_format(jit_sink sink) {
  return sink == JIT_SINK_MSGPACK ? VMIR_FORMAT_MSGPACK : VMIR_FORMAT_JSON;
}

const char *jit_sink_name(jit_sink sink) {
  static const char *const names[] = {"json", "msgpack", "recorder"};
  return names[sink];
}

void jit_outcome_free(jit_outcome *o) {
  free(o->out);
  o->out = NULL;
}

jit_program jit_compile_encode(const vmir_shape *shape, vmir_format format) {
  jit_program p;
  vmir_error err;
  vmir_compile_options opt = vmir_compile_options_default(format);
  p.prog = vmir_compile_encode(shape, &opt, &err);
  ck_assert_msg(p.prog, "compile failed: %s", err.message);
  p.exe = vmir_executable_new(p.prog, shape, &err);
  ck_assert_msg(p.exe, "executable failed: %s", err.message);
  return p;
}

void jit_program_free(jit_program *p) {
  vmir_executable_free(p->exe);
  vmir_program_free(p->prog);
}

static char *copy_bytes(const void *data, size_t len) {
  char *out = malloc(len + 1);
  ck_assert_ptr_nonnull(out);
  if (len) memcpy(out, data, len);
  out[len] = 0;
  return out;
}

jit_outcome jit_encode(const jit_program *p, const jit_case *c, jit_sink sink, uint64_t fail_at) {
  jit_outcome o;
  memset(&o, 0, sizeof o);
  const uint8_t *data;
  switch (sink) {
    case JIT_SINK_JSON: {
      vmir_json_writer *w = vmir_json_writer_new(NULL);
      o.status = vmir_encode(p->exe, c->value, c->shape, vmir_json_writer_sink(w), c->env, &o.err);
      data = vmir_json_writer_data(w, &o.len);
      o.out = copy_bytes(data, o.len);
      vmir_json_writer_free(w);
      break;
    }
    case JIT_SINK_MSGPACK: {
      vmir_msgpack_writer *w = vmir_msgpack_writer_new();
      o.status = vmir_encode(p->exe, c->value, c->shape, vmir_msgpack_writer_sink(w), c->env, &o.err);
      data = vmir_msgpack_writer_data(w, &o.len);
      o.out = copy_bytes(data, o.len);
      vmir_msgpack_writer_free(w);
      break;
    }
    default: {
      vmir_recorder *r = vmir_recorder_new();
      vmir_recorder_fail_at(r, fail_at);
      o.status = vmir_encode(p->exe, c->value, c->shape, vmir_recorder_sink(r), c->env, &o.err);
      const char *text = vmir_recorder_text(r);
      o.len = strlen(text);
      o.out = copy_bytes(text, o.len);
      vmir_recorder_free(r);
      break;
    }
  }
  return o;
}

void jit_use(const char *backend, int64_t threshold, uint32_t flags, int64_t force_deopt_pc) {
  vmir_jit_config c = vmir_jit_config_default();
  c.backend = backend;
  c.threshold = threshold;
  c.flags = flags;
  c.force_deopt_pc = force_deopt_pc;
  vmir_error err;
  ck_assert_msg(vmir_jit_configure(&c, &err) == VMIR_OK, "%s", err.message);
}

void jit_reset(void) {
  vmir_jit_test_fail_compiles(0);
  vmir_jit_test_perturb_guards(0);
  vmir_jit_test_unsupported_op(-1);
  vmir_jit_test_force_unavailable("stencil", false);
  jit_use("auto", -1, 0, -1);
  vmir_jit_cache_clear();
  vmir_jit_stats_reset();
}

bool jit_have_stencil(void) { return vmir_jit_backend_available("stencil", NULL); }

void jit_assert_same(const jit_outcome *want, const jit_outcome *got, const char *what) {
  ck_assert_msg(want->status == got->status, "%s: status %s under the interpreter, %s under JIT (%s | %s)",
                what, vmir_status_name(want->status), vmir_status_name(got->status),
                want->err.message, got->err.message);
  const vmir_error *a = &want->err, *b = &got->err;
  ck_assert_msg(a->code == b->code, "%s: error code differs", what);
  ck_assert_msg(strcmp(a->message, b->message) == 0, "%s: message '%s' vs '%s'", what, a->message,
                b->message);
  ck_assert_msg(a->proc == b->proc && a->block == b->block && a->insn == b->insn,
                "%s: pc f%d:b%d:%d vs f%d:b%d:%d", what, a->proc, a->block, a->insn, b->proc,
                b->block, b->insn);
  ck_assert_msg(strcmp(a->path, b->path) == 0, "%s: path '%s' vs '%s'", what, a->path, b->path);
  ck_assert_msg(a->predicate == b->predicate && strcmp(a->predicate_field, b->predicate_field) == 0,
                "%s: predicate context differs", what);
  ck_assert_msg(a->offset == b->offset && a->line == b->line && a->column == b->column &&
                    a->has_offset == b->has_offset,
                "%s: input position differs", what);
  ck_assert_msg(want->len == got->len && memcmp(want->out, got->out, want->len) == 0,
                "%s: output differs (%zu vs %zu bytes):\n%.300s\n---\n%.300s", what, want->len,
                got->len, want->out, got->out);
}

jit_outcome jit_reference(const jit_program *p, const jit_case *c, jit_sink sink, uint64_t fail_at) {
  jit_use("none", -1, 0, -1);
  return jit_encode(p, c, sink, fail_at);
}

/* One decode attempt: status, error and the decoded value re-encoded as
 * JSON by the interpreter (so two attempts compare as bytes). */
jit_outcome jit_decode_once(vmir_executable *fused, const vmir_shape *shape, const char *in,
                               size_t len) {
  jit_outcome o;
  memset(&o, 0, sizeof o);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  void *dest = calloc(1, shape->size + 16);
  o.status = vmir_decode(fused, in, len, dest, shape, dec, NULL, &o.err);
  o.out = calloc(1, 1);
  if (o.status == VMIR_OK) {
    jit_program enc = jit_compile_encode(shape, VMIR_FORMAT_JSON);
    vmir_jit_config keep = vmir_jit_get_config();
    jit_use("none", 0, 0, -1);
    vmir_json_writer *w = vmir_json_writer_new(NULL);
    vmir_status st = vmir_encode(enc.exe, dest, shape, vmir_json_writer_sink(w), NULL, &o.err);
    free(o.out);
    size_t n;
    const uint8_t *d = vmir_json_writer_data(w, &n);
    o.out = malloc(n + 32);
    memcpy(o.out, d, n);
    o.len = n;
    if (st != VMIR_OK) o.len += (size_t)snprintf(o.out + n, 32, " (re-encode %d)", (int)st);
    vmir_json_writer_free(w);
    jit_program_free(&enc);
    ck_assert_int_eq(vmir_jit_configure(&keep, NULL), VMIR_OK);
  }
  free(dest);
  vmir_decoder_free(dec);
  return o;
}

/* ---- nested documents ----------------------------------------------------------- */

const char jit_chain_shape[] =
    "(shapes (define node (struct (size 16) (align 8) (field v (offset 0) (shape u64))"
    " (field next (offset 8) (shape (option nullable node))))) (root node))";

char *jit_chain_doc(size_t n) {
  char *doc = malloc(n * 16 + 8);
  ck_assert_ptr_nonnull(doc);
  size_t at = 0;
  for (size_t i = 0; i < n; i++) at += (size_t)sprintf(doc + at, "{\"v\":1,\"next\":");
  at += (size_t)sprintf(doc + at, "null");
  memset(doc + at, '}', n);
  doc[at + n] = '\0';
  return doc;
}

/* ---- member-name documents ---------------------------------------------------- */

vmir_executable *jit_fused_json_decoder(const vmir_shape *shape, vmir_program **prog) {
  return jit_fused_decoder(shape, VMIR_FORMAT_JSON, prog);
}

vmir_executable *jit_fused_decoder(const vmir_shape *shape, vmir_format format,
                                   vmir_program **prog) {
  vmir_compile_options opt = vmir_compile_options_default(format);
  opt.fused = true;
  vmir_error err;
  *prog = vmir_compile_decode_fused(shape, &opt, &err);
  ck_assert_msg(*prog, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(*prog, shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  return exe;
}

size_t jit_turn_order(int pass, size_t d, size_t n) {
  return pass == 1 ? n - 1 - d : pass == 2 ? (d * 5) % n : d;
}

size_t jit_member_order_docs(const char *const **docs) {
  static const char *const set[] = {
      "{\"id\":1,\"name\":\"a\"}",           "{\"name\":\"b\",\"id\":2}",
      "{\"name\":\"c\"}",                     "{\"id\":3,\"x\":1,\"name\":\"d\"}",
      "{\"id\":4,\"id\":5,\"name\":\"e\"}",   "{\"name\":\"f\",\"name\":\"g\",\"id\":6}",
      "{\"id\":\"7\",\"name\":8}",            "{\"name\":\"h\",\"id\":9}",
      "{\"id\":10,\"name\":\"i\"}",           "{\"id\":11,\"name\":\"j\"}",
      "{\"name\":\"k\",\"id\":-1}",           "{\"id\":12,\"name\":\"l\",\"id\":13}"};
  *docs = set;
  return sizeof set / sizeof set[0];
}

/* The odd name is the second member: after "id" the guess is "name". */
size_t jit_member_name_docs(const char *const **docs) {
  static const char *const set[] = {
      "{\"id\":1,\"name\":\"a\"}",          "{\"id\":2,\"name\" :\"b\"}",
      "{\"id\":3,\"name\"\t\n: \"c\"}",     "{\"id\":4,\"n\\u0061me\":\"d\"}",
      "{\"id\":5,\"nam\":\"e\"}",           "{\"id\":6,\"names\":\"f\"}",
      "{\"id\":7,\"name!:\"g\"}",           "{\"id\":8,!name\":\"h\"}",
      "{\"id\":9,\"name\" \"i\"}",          "{\"id\":10,\"name\";\"j\"}",
      "{\"id\":11,\"name\"",                "{\"id\":12,\"name",
      "{\"id\":13,\"name\" ",               "{\"id\":14,\"name\":",
      "{\"id\":15,\"na\\\"me\":\"k\"}",      "{\"id\" : 16 , \"name\" : \"l\" }",
      "{\"id\":17,\"name\":\"m\",\"name\":\"n\"}"};
  *docs = set;
  return sizeof set / sizeof set[0];
}

/* The raw bytes a"b would end the string early; c\d is no valid escape. */
size_t jit_quoted_name_docs(const char **shape_text, const char *const **docs) {
  *shape_text =
      "(shapes (define q (struct (size 24) (align 8) (field x (offset 0) (shape u64))"
      " (field a (offset 8) (shape u64) (rename \"a\\\"b\"))"
      " (field c (offset 16) (shape u64) (rename \"c\\\\d\")))) (root q))";
  static const char *const set[] = {"{\"x\":1,\"a\\\"b\":2,\"c\\\\d\":3}",
                                    "{\"x\":1,\"a\"b\":2,\"c\\\\d\":3}",
                                    "{\"x\":1,\"a\\\"b\":2,\"c\\d\":3}"};
  *docs = set;
  return sizeof set / sizeof set[0];
}

/* "[e(0),e(1),...]" of n elements into b (cap bytes free at b). */
static char *list_text(char *b, size_t cap, size_t n, const char *fmt) {
  size_t at = 0;
  at += (size_t)snprintf(b + at, cap - at, "[");
  for (size_t i = 0; i < n && at < cap; i++)
    at += (size_t)snprintf(b + at, cap - at, fmt, i ? "," : "", (unsigned)i, (unsigned)i, (unsigned)i);
  if (at < cap) snprintf(b + at, cap - at, "]");
  return b;
}

size_t jit_list_docs(const char **shape_text, const char *const **docs) {
  *shape_text =
      "(shapes"
      " (define t16 (tuple (size 16) (align 8) (field a (offset 0) (shape f64))"
      "  (field b (offset 8) (shape f64))))"
      " (define s12 (struct (size 12) (align 4) (field a (offset 0) (shape u32))"
      "  (field b (offset 4) (shape u32)) (field c (offset 8) (shape u32))))"
      " (define s24 (struct (size 24) (align 8) (field a (offset 0) (shape u64))"
      "  (field b (offset 8) (shape u64)) (field c (offset 16) (shape u64))))"
      " (define s48 (struct (size 48) (align 8) (field a (offset 0) (shape u64))"
      "  (field s (offset 8) (shape string)) (field t (offset 24) (shape t16))"
      "  (field u (offset 40) (shape u8))))"
      " (define l (struct (size 200) (align 8)"
      "  (field b (offset 0) (shape (list u8))) (field h (offset 16) (shape (list u16)))"
      "  (field w (offset 32) (shape (list u64))) (field p (offset 48) (shape (list t16)))"
      "  (field q (offset 64) (shape (list s24))) (field r (offset 80) (shape (list s12)))"
      "  (field big (offset 96) (shape (list s48)))"
      "  (field arr (offset 112) (shape (array (count 3) (size 12) (align 4) (shape u32))))"
      "  (field nest (offset 128) (shape (list (list u32))))"
      "  (field s (offset 144) (shape (list string)))"
      "  (field m (offset 160) (shape (map (entry-size 24) (value-offset 16) (shape u32))))"
      "  (field on (offset 176) (shape (option nullable t16)))"
      "  (field of (offset 184) (shape (option flag (size 12) (align 4) (flag-offset 0)"
      "   (payload-offset 4) (shape (array (count 2) (size 8) (align 4) (shape u32))))))))"
      " (root l))";
  enum { DOCS = 10, CAP = 16384 };
  static char text[DOCS][CAP];
  static const char *set[DOCS];
  if (!set[0]) {
    static const size_t lens[] = {0, 1, 9, 17};
    char parts[11][CAP / 11];
    for (size_t d = 0; d < 4; d++) {
      size_t n = lens[d];
      list_text(parts[0], sizeof parts[0], n, "%s%u");
      list_text(parts[1], sizeof parts[1], n, "%s%u");
      list_text(parts[2], sizeof parts[2], n, "%s%u");
      list_text(parts[3], sizeof parts[3], n, "%s[%u.5,%u]");
      list_text(parts[4], sizeof parts[4], n, "%s{\"a\":%u,\"b\":%u,\"c\":%u}");
      list_text(parts[5], sizeof parts[5], n, "%s{\"c\":%u,\"a\":%u,\"b\":%u}");
      list_text(parts[6], sizeof parts[6], n, "%s{\"a\":%u,\"s\":\"x%u\",\"t\":[%u,-1],\"u\":7}");
      list_text(parts[7], sizeof parts[7], n, "%s[%u,%u,%u]");
      list_text(parts[8], sizeof parts[8], n, "%s\"s%u\"");
      /* the map's members: the list's brackets become braces */
      list_text(parts[9], sizeof parts[9], n, "%s\"k%u\":%u");
      parts[9][0] = '{';
      parts[9][strlen(parts[9]) - 1] = '}';
      snprintf(text[d], CAP,
               "{\"b\":%s,\"h\":%s,\"w\":%s,\"p\":%s,\"q\":%s,\"r\":%s,\"big\":%s,"
               "\"arr\":[1,2,3],\"nest\":%s,\"s\":%s,\"m\":%s,\"on\":%s,\"of\":%s}",
               parts[0], parts[1], parts[2], parts[3], parts[4], parts[5], parts[6], parts[7],
               parts[8], parts[9], d % 2 ? "[1.5,2]" : "null", d % 2 ? "null" : "[7,8]");
    }
    /* a fixed array given four, then two; a bad element after good ones */
    static const char *const bad[] = {
        "{\"b\":[1],\"h\":[],\"w\":[],\"p\":[],\"q\":[],\"r\":[],\"big\":[],"
        "\"arr\":[1,2,3,4],\"nest\":[],\"s\":[]}",
        "{\"b\":[1],\"h\":[],\"w\":[],\"p\":[],\"q\":[],\"r\":[],\"big\":[],"
        "\"arr\":[1,2],\"nest\":[],\"s\":[]}",
        "{\"b\":[1,2,3,4,5,6,7,8,256],\"h\":[],\"w\":[],\"p\":[],\"q\":[],\"r\":[],"
        "\"big\":[],\"arr\":[1,2,3],\"nest\":[],\"s\":[]}",
        "{\"b\":[],\"h\":[],\"w\":[],\"p\":[[1,2],[3,4,5]],\"q\":[],\"r\":[],"
        "\"big\":[],\"arr\":[1,2,3],\"nest\":[[1],[2,\"x\"]],\"s\":[]}",
        "{\"b\":[],\"h\":[],\"w\":[],\"p\":[],\"q\":[],\"r\":[],\"big\":[],"
        "\"arr\":[1,2,3],\"nest\":[[1,2,3,4,5,6,7,8,9],[],[1],[2,-3]],\"s\":[]}",
        "{\"b\":[],\"h\":[],\"w\":[],\"p\":[],\"q\":[],\"r\":[],\"big\":[],"
        "\"arr\":[1,2,3],\"nest\":[],\"s\":[],\"m\":{\"a\":1,\"a\":2},\"on\":null,"
        "\"of\":[1,2]}"};
    for (size_t d = 0; d < sizeof bad / sizeof bad[0]; d++) snprintf(text[4 + d], CAP, "%s", bad[d]);
    for (size_t d = 0; d < DOCS; d++) set[d] = text[d];
  }
  *docs = set;
  return DOCS;
}

/* The members "f0":v .. "f64":v of the wide struct, leaving out `skip`
 * (none when past 64), into b. */
static const char *wide_members(char *b, size_t cap, unsigned skip) {
  size_t at = 0;
  for (unsigned i = 0; i < 65 && at < cap; i++)
    if (i != skip) at += (size_t)snprintf(b + at, cap - at, "%s\"f%u\":%u", at ? "," : "", i, i);
  return b;
}

size_t jit_struct_docs(const char **shape_text, const char *const **docs) {
  enum { DOCS = 9, CAP = 2048 };
  static char shape[CAP * 2], text[DOCS][CAP];
  static const char *set[DOCS];
  if (!set[0]) {
    size_t at = (size_t)snprintf(shape, sizeof shape,
                                 "(shapes"
                                 " (define o (option flag (size 8) (align 4) (flag-offset 0)"
                                 "  (payload-offset 4) (shape u32)))"
                                 " (define t (tuple (size 8) (align 4) (field a (offset 0) (shape u32))"
                                 "  (field b (offset 4) (shape u32))))"
                                 " (define z (struct (size 0) (align 1)))"
                                 " (define w (struct (size 65) (align 1)");
    for (unsigned i = 0; i < 65; i++)
      at += (size_t)snprintf(shape + at, sizeof shape - at, " (field f%u (offset %u) (shape u8))", i, i);
    snprintf(shape + at, sizeof shape - at,
             "))"
             " (define s (struct (size 112) (align 4)"
             "  (field a (offset 0) (shape u32)) (field b (offset 4) (shape o))"
             "  (field c (offset 12) (shape u32) (flags default))"
             "  (field d (offset 16) (shape u32) (flags skip))"
             "  (field e (offset 20) (shape t)) (field z (offset 28) (shape z))"
             "  (field w (offset 28) (shape w))))"
             " (root s))");
    char wide[DOCS][CAP / 2];
    static const unsigned skips[DOCS] = {99, 99, 99, 99, 0, 64, 99, 99, 99};
    for (size_t d = 0; d < DOCS; d++) wide_members(wide[d], sizeof wide[d], skips[d]);
    static const char *const heads[DOCS] = {
        "\"a\":1,\"b\":2,\"c\":3,\"e\":[4,5],\"z\":{}",
        "\"a\":1,\"c\":3,\"e\":[4,5],\"z\":{}",
        "\"e\":[4,5],\"a\":1,\"b\":null,\"z\":{}",
        "\"b\":2,\"c\":3,\"e\":[4,5],\"z\":{}",
        "\"a\":1,\"e\":[4,5],\"z\":{}",
        "\"a\":1,\"e\":[4,5],\"z\":{}",
        "\"a\":1,\"e\":[4],\"z\":{}",
        "\"a\":1,\"e\":[4,5],\"z\":{\"q\":1}",
        "\"a\":1,\"e\":[4,5],\"z\":{}"};
    for (size_t d = 0; d < DOCS; d++) {
      /* the last document without the struct's last field, w */
      if (d == DOCS - 1) snprintf(text[d], CAP, "{%.100s}", heads[d]);
      else snprintf(text[d], CAP, "{%.100s,\"w\":{%.1000s}}", heads[d], wide[d]);
      set[d] = text[d];
    }
  }
  *shape_text = shape;
  *docs = set;
  return DOCS;
}

vmir_shape_set *jit_doc_set_open(jit_doc_set *set, const char *what, const char *const **docs,
                                 size_t *n) {
  const char *text;
  *n = set(&text, docs);
  vmir_error err;
  vmir_shape_set *shapes = vmir_shape_text_parse(text, strlen(text), what, &err);
  ck_assert_msg(shapes, "%s: %s", what, err.message);
  return shapes;
}
