/* Encode path, end to end: shape -> compiler -> interpreter -> writers, with
 * the output parsed by independent libraries (json-c, msgpack-c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode_types.h"
#include "harness.h"
#include "peers.h"

/* ---- helpers ------------------------------------------------------------- */

typedef struct run {
  vmir_status status;
  vmir_error err;
  char *out;       /* malloc'd output bytes (NUL-terminated) */
  size_t len;
} run;

static vmir_exec_env no_env;

static run encode_with(const vmir_shape *shape, const void *value, vmir_format format,
                       const vmir_exec_env *env) {
  run r = {0};
  vmir_compile_options opt = vmir_compile_options_default(format);
  vmir_program *prog = vmir_compile_encode(shape, &opt, &r.err);
  ck_assert_msg(prog, "compile failed: %s", r.err.message);
  vmir_executable *exe = vmir_executable_new(prog, shape, &r.err);
  ck_assert_msg(exe, "executable failed: %s", r.err.message);
  const uint8_t *data = NULL;
  if (format == VMIR_FORMAT_JSON) {
    vmir_json_writer *w = vmir_json_writer_new(NULL);
    r.status = vmir_encode(exe, value, shape, vmir_json_writer_sink(w), env, &r.err);
    data = vmir_json_writer_data(w, &r.len);
    r.out = malloc(r.len + 1);
    memcpy(r.out, data, r.len);
    vmir_json_writer_free(w);
  } else {
    vmir_msgpack_writer *w = vmir_msgpack_writer_new();
    r.status = vmir_encode(exe, value, shape, vmir_msgpack_writer_sink(w), env, &r.err);
    data = vmir_msgpack_writer_data(w, &r.len);
    r.out = malloc(r.len + 1);
    memcpy(r.out, data, r.len);
    vmir_msgpack_writer_free(w);
  }
  r.out[r.len] = 0;
  vmir_executable_free(exe);
  vmir_program_free(prog);
  return r;
}

static vmir_status host_keep_odd(void *ctx, uint32_t host_id, const vmir_value_view *v, bool *skip) {
  (void)ctx;
  if (host_id != 7) return VMIR_E_PREDICATE;
  *skip = v->scalar.type == VMIR_SCALAR_UINT && v->scalar.as.u64 % 2 == 0;
  return VMIR_OK;
}

static const vmir_exec_env host_env = {.host_predicate = host_keep_odd};

/* Encodes through both writers and checks both outputs, parsed by json-c
 * and msgpack-c, equal the expected JSON (member order included). */
static void expect_both_env(const vmir_shape *shape, const void *value, const char *expected,
                            const vmir_exec_env *env) {
  char why[256], diff[512];
  json_object *want = peer_parse_json(expected, strlen(expected), why, sizeof why);
  ck_assert_msg(!why[0], "bad expected JSON %s: %s", expected, why);
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    run r = encode_with(shape, value, (vmir_format)f, env);
    ck_assert_msg(r.status == VMIR_OK, "%s encode failed: %s", vmir_format_name((vmir_format)f),
                  r.err.message);
    json_object *got = f == VMIR_FORMAT_JSON
                           ? peer_parse_json(r.out, r.len, why, sizeof why)
                           : peer_parse_msgpack((const uint8_t *)r.out, r.len, why, sizeof why);
    ck_assert_msg(!why[0], "%s output rejected by the peer: %s (output %s)",
                  vmir_format_name((vmir_format)f), why, f == VMIR_FORMAT_JSON ? r.out : "(binary)");
    ck_assert_msg(peer_tree_equal(got, want, true, diff, sizeof diff), "%s: %s; output %s",
                  vmir_format_name((vmir_format)f), diff, f == VMIR_FORMAT_JSON ? r.out : "(binary)");
    json_object_put(got);
    free(r.out);
  }
  json_object_put(want);
}

static void expect_both(const vmir_shape *shape, const void *value, const char *expected) {
  expect_both_env(shape, value, expected, &no_env);
}

#define S(lit) ((vmir_str){lit, sizeof(lit) - 1})

/* A NUL-terminated copy of writer output (which is not terminated). */
static char *dup_bytes(const uint8_t *data, size_t n) {
  char *s = malloc(n + 1);
  memcpy(s, data, n);
  s[n] = 0;
  return s;
}

/* ---- the spec's minimal example ----------------------------------------- */

/* The minimal example of vm-ir.md, bound to our two-field struct by its
 * real shape id, runs and yields {"id":...,"name":...}.
 * t[verify format.ir.proc-cfg-only] */
START_TEST(minimal_example_runs) {
  size_t len;
  char *text = vmir_test_read_file(vmir_test_data_path("ir/minimal.vmir"), &len);
  ck_assert_msg(text, "conformance/data/ir/minimal.vmir is missing");
  char *at = strstr(text, "(shape-id 42)");
  ck_assert_ptr_nonnull(at);
  char id[32];
  snprintf(id, sizeof id, "%llu", (unsigned long long)vmir_shape_id(&user_shape));
  size_t cap = len + 64;
  char *bound = malloc(cap);
  snprintf(bound, cap, "%.*s(shape-id %s)%s", (int)(at - text), text, id, at + strlen("(shape-id 42)"));
  vmir_error err;
  vmir_program *prog = vmir_program_parse_text(bound, strlen(bound), "minimal.vmir", &err);
  ck_assert_msg(prog, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(prog, &user_shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  user u = {.id = 42, .name = S("ada")};
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  ck_assert_int_eq(vmir_encode(exe, &u, &user_shape, vmir_json_writer_sink(w), NULL, &err), VMIR_OK);
  size_t n;
  const uint8_t *out = vmir_json_writer_data(w, &n);
  char *text_out = dup_bytes(out, n);
  ck_assert_str_eq(text_out, "{\"id\":42,\"name\":\"ada\"}");
  free(text_out);
  vmir_json_writer_free(w);
  vmir_executable_free(exe);
  vmir_program_free(prog);
  free(bound);
  free(text);
}
END_TEST

/* ---- every shape kind ------------------------------------------------------ */

static const int32_t seven = 7;
static const uint64_t big = 18446744073709551615ull;
static const uint16_t shorts[] = {1, 2, 65535};
static f64_entry entries[] = {{{"a", 1}, 0.5}, {{"b\"q", 3}, -2.25}};
static vmir_value dyn_items[2];
static vmir_member dyn_members[2];

static all_kinds make_all_kinds(void) {
  all_kinds v;
  memset(&v, 0, sizeof v);
  v.b = true;
  v.u8 = 255;
  v.u16 = 65535;
  v.u32 = 4294967295u;
  v.u64 = 18446744073709551615ull;
  v.i8 = -128;
  v.i16 = -32768;
  v.i32 = INT32_MIN;
  v.i64 = INT64_MIN;
  v.f32 = 0.5f;
  v.f64 = -1.25;
  v.s = S("h\xc3\xa9llo \xe2\x82\xac \xf0\x9f\x98\x80 \"q\" \\ \n\t\x01");
  static const uint8_t raw[] = {0, 1, 255};
  v.bytes = (vmir_bytes){raw, 3};
  v.opt = (opt_i32){true, -5};
  v.nullable = &seven;
  v.pointer = &big;
  v.list.ptr = (uint16_t *)shorts;
  v.list.len = 3;
  v.array[0] = 1; v.array[1] = 2; v.array[2] = 3;
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

/* Both formats lower into the one dialect and run on the one interpreter;
 * the format is only a compile-time input; delimiters come from IR.
 * t[verify format.vm.single-vm-dialect]
 * t[verify format.vm.format-is-compile-time-input]
 * t[verify format.vm.delimiters-are-ir] */
START_TEST(every_kind_both_formats) {
  all_kinds v = make_all_kinds();
  expect_both(&all_kinds_shape, &v,
              "{\"b\":true,\"u8\":255,\"u16\":65535,\"u32\":4294967295,"
              "\"u64\":18446744073709551615,\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,"
              "\"i64\":-9223372036854775808,\"f32\":0.5,\"f64\":-1.25,"
              "\"s\":\"h\\u00e9llo \\u20ac \\ud83d\\ude00 \\\"q\\\" \\\\ \\n\\t\\u0001\","
              "\"bytes\":[0,1,255],\"opt\":-5,\"nullable\":7,\"pointer\":18446744073709551615,"
              "\"list\":[1,2,65535],\"array\":[1,2,3],\"map\":{\"a\":0.5,\"b\\\"q\":-2.25},"
              "\"tuple\":[-1,200],\"dynamic\":{\"k\":[\"x\",2.5],\"n\":null},\"nothing\":null}");
  /* Absent options encode as null; empty containers stay empty. */
  v.opt.present = false;
  v.nullable = NULL;
  v.list.len = 0;
  v.map.len = 0;
  v.s = S("");
  v.bytes.len = 0;
  v.dynamic = (vmir_value){.type = VMIR_VALUE_ARRAY};
  expect_both(&all_kinds_shape, &v,
              "{\"b\":true,\"u8\":255,\"u16\":65535,\"u32\":4294967295,"
              "\"u64\":18446744073709551615,\"i8\":-128,\"i16\":-32768,\"i32\":-2147483648,"
              "\"i64\":-9223372036854775808,\"f32\":0.5,\"f64\":-1.25,\"s\":\"\",\"bytes\":[],"
              "\"opt\":null,\"nullable\":null,\"pointer\":18446744073709551615,\"list\":[],"
              "\"array\":[1,2,3],\"map\":{},\"tuple\":[-1,200],\"dynamic\":[],\"nothing\":null}");
}
END_TEST

/* Field names of every MessagePack header length: up to 31 bytes a fixstr,
 * from 32 a str8 (generated code writes names it checked at compile time
 * without a scan: sink/msgpack_writer.c, field_name), and the same text in
 * JSON. The encode_stencil run of this suite takes that path, and must
 * give the interpreter's bytes.
 * t[verify format.exec.jit-semantic-equivalence] */
START_TEST(field_names_of_every_header_length) {
  static const unsigned lens[] = {1, 15, 16, 17, 31, 32, 33, 40};
  enum { N = sizeof lens / sizeof lens[0] };
  char names[N][41], text[2048], want[1024];
  size_t at = (size_t)snprintf(text, sizeof text, "(shapes (define s (struct (size %d) (align 1)", N);
  size_t wat = (size_t)snprintf(want, sizeof want, "{");
  uint8_t value[N];
  for (unsigned i = 0; i < N; i++) {
    for (unsigned j = 0; j < lens[i]; j++) names[i][j] = (char)('a' + (i + j) % 26);
    names[i][lens[i]] = 0;
    value[i] = (uint8_t)(i + 1);
    at += (size_t)snprintf(text + at, sizeof text - at, " (field %s (offset %u) (shape u8))",
                           names[i], i);
    wat += (size_t)snprintf(want + wat, sizeof want - wat, "%s\"%s\":%u", i ? "," : "", names[i],
                            i + 1);
  }
  snprintf(text + at, sizeof text - at, ")) (root s))");
  snprintf(want + wat, sizeof want - wat, "}");
  vmir_error err;
  vmir_shape_set *set = vmir_shape_text_parse(text, strlen(text), "<names>", &err);
  ck_assert_msg(set, "%s", err.message);
  const vmir_shape *shape = vmir_shape_set_root(set);
  expect_both(shape, value, want);
  run r = encode_with(shape, value, VMIR_FORMAT_MSGPACK, &no_env);
  ck_assert_int_eq(r.status, VMIR_OK);
  for (unsigned i = 0; i < N; i++) {
    uint8_t head[2] = {(uint8_t)(0xa0 | lens[i]), 0};
    size_t h = 1;
    if (lens[i] > 31) head[0] = 0xd9, head[1] = (uint8_t)lens[i], h = 2;
    char framed[48];
    memcpy(framed, head, h);
    memcpy(framed + h, names[i], lens[i]);
    bool found = false;
    for (size_t o = 0; !found && o + h + lens[i] <= r.len; o++)
      found = memcmp(r.out + o, framed, h + lens[i]) == 0;
    ck_assert_msg(found, "name of %u bytes not framed as %s", lens[i], h == 1 ? "a fixstr" : "a str8");
  }
  free(r.out);
  vmir_shape_set_free(set);
}
END_TEST

/* Extreme integers and floats survive both formats bit for bit. */
START_TEST(extreme_numbers_round_trip) {
  static const double doubles[] = {0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308, -0.0,
                                   2.2250738585072014e-308, 9007199254740993.0, 1e23, 123456789.125};
  all_kinds v = make_all_kinds();
  for (size_t i = 0; i < sizeof doubles / sizeof doubles[0]; i++) {
    v.f64 = doubles[i];
    v.f32 = (float)doubles[i];
    if (isinf(v.f32)) v.f32 = 3.4028235e38f;
    run r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
    ck_assert_msg(r.status == VMIR_OK, "%s", r.err.message);
    char why[128];
    json_object *got = peer_parse_json(r.out, r.len, why, sizeof why);
    ck_assert_msg(!why[0], "%s", why);
    json_object *f64;
    ck_assert(json_object_object_get_ex(got, "f64", &f64));
    /* Compare our text with strtod's reading: shortest round-trip form. */
    const char *num = strstr(r.out, "\"f64\":") + 6;
    double back = strtod(num, NULL);
    ck_assert_msg(memcmp(&back, &doubles[i], sizeof back) == 0, "f64 %.17g printed as %.30s",
                  doubles[i], num);
    const char *num32 = strstr(r.out, "\"f32\":") + 6;
    float back32 = strtof(num32, NULL);
    ck_assert_msg(back32 == v.f32 && signbit(back32) == signbit(v.f32), "f32 %.9g printed as %.20s",
                  (double)v.f32, num32);
    json_object_put(got);
    free(r.out);
  }
}
END_TEST

/* JSON has no spelling for NaN or infinity: the writer refuses, and the
 * error carries the pc and the path of the value; MessagePack writes them. */
START_TEST(non_finite_floats) {
  all_kinds v = make_all_kinds();
  v.f64 = NAN;
  run r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_SINK);
  ck_assert_str_eq(r.err.path, ".f64");
  ck_assert_int_ge(r.err.insn, 0);
  free(r.out);
  r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_MSGPACK, &no_env);
  ck_assert_int_eq(r.status, VMIR_OK);
  free(r.out);
}
END_TEST

/* Large containers: 100000 list elements, and the output's element count. */
START_TEST(large_containers) {
  enum { N = 100000 };
  uint16_t *many = malloc(N * sizeof *many);
  for (int i = 0; i < N; i++) many[i] = (uint16_t)i;
  all_kinds v = make_all_kinds();
  v.list.ptr = many;
  v.list.len = N;
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    run r = encode_with(&all_kinds_shape, &v, (vmir_format)f, &no_env);
    ck_assert_int_eq(r.status, VMIR_OK);
    char why[128];
    json_object *got = f == VMIR_FORMAT_JSON ? peer_parse_json(r.out, r.len, why, sizeof why)
                                             : peer_parse_msgpack((const uint8_t *)r.out, r.len, why, sizeof why);
    ck_assert_msg(!why[0], "%s", why);
    json_object *list;
    ck_assert(json_object_object_get_ex(got, "list", &list));
    ck_assert_uint_eq(json_object_array_length(list), N);
    ck_assert_int_eq(json_object_get_int(json_object_array_get_idx(list, N - 1)), (N - 1) & 0xffff);
    json_object_put(got);
    free(r.out);
  }
  free(many);
}
END_TEST

/* ---- policies ---------------------------------------------------------- */

/* t[verify format.ir.compile-static-skip]
 * t[verify format.ir.compile-rename-resolution]
 * t[verify format.ir.compile-flatten-lowering]
 * t[verify format.ir.compile-predicate-binding]
 * t[verify format.ir.compile-policy-owner]
 * t[verify format.ir.exec-control-flow-only-from-ir] (skip-if is a branch-pred) */
START_TEST(field_policies) {
  int32_t items[] = {4, 5};
  policies p = {.kept = 1, .secret = 99, .renamed = 2, .flat = {3, -3},
                .maybe = {true, 6}, .items = {items, 2}, .zero = 8, .hosted = 9};
  expect_both_env(&policies_shape, &p,
                  "{\"kept\":1,\"newName\":2,\"x\":3,\"y\":-3,\"maybe\":6,\"items\":[4,5],"
                  "\"zero\":8,\"hosted\":9}",
                  &host_env);
  /* Every skip-if holds: is-none, is-empty, is-default and the host hook. */
  policies q = {.kept = 1, .renamed = 2, .flat = {0, 0}, .hosted = 10};
  expect_both_env(&policies_shape, &q, "{\"kept\":1,\"newName\":2,\"x\":0,\"y\":0}", &host_env);
  /* The skipped field's value never reaches the output, nor its name. */
  run r = encode_with(&policies_shape, &p, VMIR_FORMAT_JSON, &host_env);
  ck_assert_ptr_null(strstr(r.out, "secret"));
  ck_assert_ptr_null(strstr(r.out, "99"));
  ck_assert_ptr_null(strstr(r.out, "\"renamed\""));
  free(r.out);
}
END_TEST

/* A host predicate without a hook fails with the predicate id and the field
 * it guards; other failures carry no predicate.
 * t[verify format.ir.error-predicate-context]
 * t[verify format.ir.exec-predicate-in-engine] */
START_TEST(predicate_failure_context) {
  policies p = {.kept = 1, .hosted = 3};
  run r = encode_with(&policies_shape, &p, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_PREDICATE);
  ck_assert_int_ge(r.err.predicate, 0);
  ck_assert_str_eq(r.err.predicate_field, "hosted");
  ck_assert_str_eq(r.err.path, ".hosted");
  ck_assert_int_ge(r.err.block, 0);
  free(r.out);
  all_kinds v = make_all_kinds();
  v.f64 = INFINITY;
  r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_SINK);
  ck_assert_int_eq(r.err.predicate, -1);
  free(r.out);
}
END_TEST

/* ---- enums --------------------------------------------------------------- */

static void expect_figure(const vmir_shape *shape, figure f, const char *expected) {
  expect_both(shape, &f, expected);
}

static figure circle(double r) { figure f = {.tag = FIGURE_CIRCLE}; f.u.radius = r; return f; }
static figure rect(double w, double h) { figure f = {.tag = FIGURE_RECT}; f.u.rect.w = w; f.u.rect.h = h; return f; }
static figure point(int32_t x, int32_t y) { figure f = {.tag = FIGURE_POINT}; f.u.point.x = x; f.u.point.y = y; return f; }
static figure empty(void) { figure f = {.tag = FIGURE_EMPTY}; return f; }

/* Each tagging style, each variant style.
 * t[verify format.ir.enum-tagging-policy]
 * t[verify format.ir.enum-payload-control-flow]
 * t[verify format.ir.enum-active-variant]
 * t[verify format.ir.exec-control-flow-only-from-ir] (the variant is a switch-variant) */
START_TEST(enum_tagging_styles) {
  expect_figure(&figure_external_shape, circle(1.5), "{\"circle\":1.5}");
  expect_figure(&figure_external_shape, rect(1.5, 2.5), "{\"rect\":{\"w\":1.5,\"h\":2.5}}");
  expect_figure(&figure_external_shape, point(-1, 2), "{\"point\":[-1,2]}");
  expect_figure(&figure_external_shape, empty(), "\"empty\"");
  expect_figure(&figure_external_unit_shape, empty(), "{\"empty\":null}");
  expect_figure(&figure_adjacent_shape, circle(1.5), "{\"t\":\"circle\",\"c\":1.5}");
  expect_figure(&figure_adjacent_shape, rect(1.5, 2.5), "{\"t\":\"rect\",\"c\":{\"w\":1.5,\"h\":2.5}}");
  expect_figure(&figure_adjacent_shape, point(3, 4), "{\"t\":\"point\",\"c\":[3,4]}");
  expect_figure(&figure_adjacent_shape, empty(), "{\"t\":\"empty\"}");
  expect_figure(&figure_untagged_shape, circle(1.5), "1.5");
  expect_figure(&figure_untagged_shape, rect(1.5, 2.5), "{\"w\":1.5,\"h\":2.5}");
  expect_figure(&figure_untagged_shape, point(3, 4), "[3,4]");
  expect_figure(&figure_untagged_shape, empty(), "null");
  expect_figure(&figure_internal_shape, rect(1.5, 2.5), "{\"type\":\"rect\",\"w\":1.5,\"h\":2.5}");
  expect_figure(&figure_internal_shape, empty(), "{\"type\":\"empty\"}");
}
END_TEST

/* A tag naming no variant is an execution error at the switch, with a path;
 * the variant is resolved at run time, not assumed.
 * t[verify format.ir.enum-active-variant]
 * t[verify format.ir.error-carries-pc]
 * t[verify format.ir.error-carries-path]
 * t[verify format.exec.error-context] */
START_TEST(enum_unknown_tag_is_an_error) {
  figure f = {.tag = 12345};
  run r = encode_with(&figure_external_shape, &f, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_ptr_nonnull(strstr(r.err.message, "12345"));
  ck_assert_int_ge(r.err.proc, 0);
  ck_assert_int_ge(r.err.block, 0);
  ck_assert_int_ge(r.err.insn, 0);
  char line[512];
  vmir_error_format(&r.err, line, sizeof line);
  ck_assert_ptr_nonnull(strstr(line, "at pc f"));
  free(r.out);
}
END_TEST

/* ---- recursion, paths --------------------------------------------------- */

/* t[verify format.ir.proc-call-explicit] */
START_TEST(recursive_type) {
  node leaf2 = {.value = 3};
  node kids[2] = {{.value = 4}, {.value = 5, .next = &leaf2}};
  node leaf = {.value = 2, .next = NULL};
  node root = {.value = 1, .next = &leaf, .children = {kids, 2}};
  expect_both(&node_shape, &root,
              "{\"value\":1,\"next\":{\"value\":2,\"next\":null,\"children\":[]},"
              "\"children\":[{\"value\":4,\"next\":null,\"children\":[]},"
              "{\"value\":5,\"next\":{\"value\":3,\"next\":null,\"children\":[]},\"children\":[]}]}");
}
END_TEST

/* The path names fields, list indexes and map keys down to the failure.
 * t[verify format.ir.error-carries-path] */
START_TEST(error_path_through_containers) {
  node bad = {.value = 9, .children = {NULL, 3}}; /* NULL data with length 3 */
  node kids[3] = {{.value = 1}, {.value = 2}, {.value = 3, .next = &bad}};
  node root = {.value = 0, .children = {kids, 3}};
  run r = encode_with(&node_shape, &root, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_str_eq(r.err.path, ".children[2].next.children");
  free(r.out);
  all_kinds v = make_all_kinds();
  v.f32 = 0.5f;
  v.map.ptr[1].value = NAN;
  r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_SINK);
  ck_assert_str_eq(r.err.path, ".map[\"b\"q\"]");
  v.map.ptr[1].value = -2.25;
  free(r.out);
}
END_TEST

/* ---- sinks ---------------------------------------------------------------- */

/* A sink failure stops execution and surfaces as an execution error at the
 * emitting instruction; nothing is emitted after it.
 * t[verify format.ir.sink-error-propagation]
 * t[verify format.exec.error-propagation] */
START_TEST(sink_error_stops_execution) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_encode(&user_shape, &opt, &err);
  vmir_executable *exe = vmir_executable_new(prog, &user_shape, &err);
  user u = {.id = 1, .name = S("x")};
  vmir_recorder *rec = vmir_recorder_new();
  ck_assert_int_eq(vmir_encode(exe, &u, &user_shape, vmir_recorder_sink(rec), NULL, &err), VMIR_OK);
  size_t all = vmir_recorder_event_count(rec);
  ck_assert_uint_eq(all, 6);
  for (uint64_t nth = 1; nth <= all; nth++) {
    vmir_recorder_reset(rec);
    vmir_recorder_fail_at(rec, nth);
    ck_assert_int_eq(vmir_encode(exe, &u, &user_shape, vmir_recorder_sink(rec), NULL, &err), VMIR_E_SINK);
    ck_assert_ptr_nonnull(strstr(err.message, "injected failure"));
    ck_assert_int_ge(err.insn, 0);
    ck_assert_uint_eq(vmir_recorder_event_count(rec), nth - 1);
  }
  vmir_recorder_free(rec);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

static int count_lines_starting(const char *text, const char *prefix) {
  int n = 0;
  for (const char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
    if (strncmp(line, prefix, strlen(prefix)) == 0) n++;
  return n;
}

/* Every begin has its end, and each field name comes directly before the
 * value it names (the next event is a value, never another name or end).
 * t[verify format.ir.sink-struct-balance]
 * t[verify format.ir.sink-field-name-order] */
START_TEST(event_stream_shape) {
  all_kinds v = make_all_kinds();
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_encode(&all_kinds_shape, &opt, &err);
  vmir_executable *exe = vmir_executable_new(prog, &all_kinds_shape, &err);
  vmir_recorder *rec = vmir_recorder_new();
  ck_assert_int_eq(vmir_encode(exe, &v, &all_kinds_shape, vmir_recorder_sink(rec), NULL, &err), VMIR_OK);
  const char *t = vmir_recorder_text(rec);
  int begins = count_lines_starting(t, "begin-");
  ck_assert_int_gt(begins, 5);
  ck_assert_int_eq(begins, count_lines_starting(t, "end"));
  for (const char *line = strstr(t, "field-name"); line; line = strstr(line + 1, "\nfield-name")) {
    const char *next = strchr(line + 1, '\n');
    ck_assert_ptr_nonnull(next);
    ck_assert_msg(strncmp(next + 1, "scalar", 6) == 0 || strncmp(next + 1, "begin-", 6) == 0,
                  "field name not followed by its value: %.60s", line);
  }
  vmir_recorder_free(rec);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

/* ---- executor contract ---------------------------------------------------- */

/* The shape guard runs before the first instruction: a value of another
 * shape gets an error and the sink sees nothing; an equal shape described by
 * another object (same id) is accepted.
 * t[verify format.ir.exec-shape-guard]
 * t[verify format.ir.program-root-shape] */
START_TEST(shape_guard_before_first_instruction) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_encode(&user_shape, &opt, &err);
  ck_assert_uint_eq(prog->shape_id, vmir_shape_id(&user_shape));
  vmir_executable *exe = vmir_executable_new(prog, &user_shape, &err);
  vmir_recorder *rec = vmir_recorder_new();
  node n = {0};
  ck_assert_int_eq(vmir_encode(exe, &n, &node_shape, vmir_recorder_sink(rec), NULL, &err), VMIR_E_SHAPE_ID);
  ck_assert_uint_eq(vmir_recorder_event_count(rec), 0);
  static const vmir_field copy_fields[] = {
      VMIR_FIELD(user, id, &vmir_shape_u64),
      VMIR_FIELD(user, name, &vmir_shape_string),
  };
  static const vmir_shape user_copy = VMIR_STRUCT(user, copy_fields);
  user u = {.id = 5, .name = S("b")};
  ck_assert_int_eq(vmir_encode(exe, &u, &user_copy, vmir_recorder_sink(rec), NULL, &err), VMIR_OK);
  ck_assert_uint_eq(vmir_recorder_event_count(rec), 6);
  vmir_recorder_free(rec);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

static vmir_program *program_from_text(const char *text) {
  vmir_error err;
  vmir_program *p = vmir_program_parse_text(text, strlen(text), "test", &err);
  ck_assert_msg(p, "%s", err.message);
  return p;
}

static char *user_program_text(unsigned abi, const char *procs, unsigned entry) {
  char *t = malloc(4096);
  snprintf(t, 4096,
           "(vmir\n  (abi %u)\n  (kind encode)\n  (shape-id %llu)\n  (consts\n"
           "    (strings (\"id\" \"name\"))\n    (predicates ()))\n  (code\n    (procs\n      (%s))\n"
           "    (entry-proc f%u)))\n",
           abi, (unsigned long long)vmir_shape_id(&user_shape), procs, entry);
  return t;
}

#define PROC_NAME_ONLY                                                                    \
  "(f%d (entry b0) (blocks ((b0 (emit-begin-struct (fields 1)) (emit-field-name (string 1)) " \
  "(enter-field (index 1)) (emit-scalar) (leave) (emit-end) (ret)))))"
#define PROC_ID_ONLY                                                                      \
  "(f%d (entry b0) (blocks ((b0 (emit-begin-struct (fields 1)) (emit-field-name (string 0)) " \
  "(enter-field (index 0)) (emit-scalar) (leave) (emit-end) (ret)))))"

static char *run_text_program(const char *text, const void *value, vmir_status *st, vmir_error *err) {
  vmir_program *p = program_from_text(text);
  vmir_executable *exe = vmir_executable_new(p, &user_shape, err);
  char *out = NULL;
  if (!exe) {
    *st = err->code;
  } else {
    vmir_json_writer *w = vmir_json_writer_new(NULL);
    *st = vmir_encode(exe, value, &user_shape, vmir_json_writer_sink(w), NULL, err);
    size_t n;
    const uint8_t *d = vmir_json_writer_data(w, &n);
    out = dup_bytes(d, n);
    vmir_json_writer_free(w);
    vmir_executable_free(exe);
  }
  vmir_program_free(p);
  return out;
}

/* Execution starts at entry-proc, wherever it is in the table.
 * t[verify format.ir.exec-entry-proc] */
START_TEST(execution_starts_at_entry_proc) {
  char procs[1024];
  snprintf(procs, sizeof procs, PROC_ID_ONLY "\n       " PROC_NAME_ONLY, 0, 1);
  user u = {.id = 3, .name = S("z")};
  vmir_status st;
  vmir_error err;
  char *t1 = user_program_text(1, procs, 1);
  char *out = run_text_program(t1, &u, &st, &err);
  ck_assert_int_eq(st, VMIR_OK);
  ck_assert_str_eq(out, "{\"name\":\"z\"}");
  free(out);
  char *t0 = user_program_text(1, procs, 0);
  out = run_text_program(t0, &u, &st, &err);
  ck_assert_str_eq(out, "{\"id\":3}");
  free(out);
  free(t0);
  free(t1);
}
END_TEST

/* A program of another ABI is refused: by the loaders, and by the executor
 * for a program built in memory.
 * t[verify format.ir.program-abi-version] */
START_TEST(executor_rejects_other_abi) {
  char procs[512];
  snprintf(procs, sizeof procs, PROC_ID_ONLY, 0);
  vmir_error err;
  char *t = user_program_text(2, procs, 0);
  ck_assert_ptr_null(vmir_program_parse_text(t, strlen(t), "abi2", &err));
  ck_assert_int_eq(err.code, VMIR_E_ABI);
  free(t);
  vmir_builder *b = vmir_builder_new(VMIR_PROGRAM_ENCODE, vmir_shape_id(&user_shape));
  vmir_builder_set_abi(b, 2);
  uint32_t f = vmir_builder_add_proc(b);
  uint32_t b0 = vmir_builder_add_block(b, f);
  vmir_builder_set_proc_entry(b, f, b0);
  vmir_builder_set_entry_proc(b, f);
  vmir_builder_emit(b, f, b0, VMIR_OP_EMIT_NULL, 0, 0, 0);
  vmir_builder_emit(b, f, b0, VMIR_OP_RET, 0, 0, 0);
  vmir_program *p = vmir_builder_finish(b, &err);
  ck_assert_msg(p, "%s", err.message);
  ck_assert_ptr_null(vmir_executable_new(p, &user_shape, &err));
  ck_assert_int_eq(err.code, VMIR_E_ABI);
  vmir_program_free(p);
  /* The same program at ABI 1 runs. */
  user u = {.id = 3, .name = S("z")};
  vmir_status st;
  t = user_program_text(1, procs, 0);
  char *out = run_text_program(t, &u, &st, &err);
  ck_assert_int_eq(st, VMIR_OK);
  ck_assert_str_eq(out, "{\"id\":3}");
  free(out);
  free(t);
}
END_TEST

/* Traversal follows the IR: a program that emits the fields in reverse
 * order produces them in reverse, whatever the shape's order.
 * t[verify format.ir.exec-control-flow-only-from-ir] */
START_TEST(traversal_follows_the_ir) {
  const char *procs =
      "(f0 (entry b0) (blocks ((b0 (emit-begin-struct (fields 2)) (emit-field-name (string 1)) "
      "(enter-field (index 1)) (emit-scalar) (leave) (jump (to b1))) "
      "(b1 (emit-field-name (string 0)) (enter-field (index 0)) (emit-scalar) (leave) (emit-end) (ret)))))";
  user u = {.id = 8, .name = S("r")};
  vmir_status st;
  vmir_error err;
  char *t = user_program_text(1, procs, 0);
  char *out = run_text_program(t, &u, &st, &err);
  ck_assert_int_eq(st, VMIR_OK);
  ck_assert_str_eq(out, "{\"name\":\"r\",\"id\":8}");
  free(out);
  free(t);
}
END_TEST

/* Running a program leaves it unchanged (binary form identical), and the
 * binary form alone reproduces the same output: the program is
 * self-contained.
 * t[verify format.ir.program-immutable]
 * t[verify format.ir.program-self-contained]
 * t[verify format.ir.no-plan-indirection] */
START_TEST(program_immutable_and_self_contained) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_encode(&node_shape, &opt, &err);
  size_t before_len, after_len;
  uint8_t *before = vmir_program_encode_binary(prog, &before_len);
  vmir_executable *exe = vmir_executable_new(prog, &node_shape, &err);
  node leaf = {.value = 2};
  node root = {.value = 1, .next = &leaf};
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  for (int i = 0; i < 100; i++) {
    vmir_json_writer_reset(w);
    ck_assert_int_eq(vmir_encode(exe, &root, &node_shape, vmir_json_writer_sink(w), NULL, &err), VMIR_OK);
  }
  size_t n;
  const uint8_t *first_data = vmir_json_writer_data(w, &n);
  char *first = dup_bytes(first_data, n);
  uint8_t *after = vmir_program_encode_binary(prog, &after_len);
  ck_assert_uint_eq(before_len, after_len);
  ck_assert_mem_eq(before, after, before_len);
  vmir_executable_free(exe);
  vmir_program_free(prog);
  /* Only the bytes and the shape: same output. */
  vmir_program *again = vmir_program_decode_binary(before, before_len, &err);
  ck_assert_msg(again, "%s", err.message);
  exe = vmir_executable_new(again, &node_shape, &err);
  vmir_json_writer_reset(w);
  ck_assert_int_eq(vmir_encode(exe, &root, &node_shape, vmir_json_writer_sink(w), NULL, &err), VMIR_OK);
  const uint8_t *again_data = vmir_json_writer_data(w, &n);
  char *again_text = dup_bytes(again_data, n);
  ck_assert_str_eq(again_text, first);
  free(again_text);
  vmir_executable_free(exe);
  vmir_program_free(again);
  vmir_json_writer_free(w);
  free(first);
  free(before);
  free(after);
}
END_TEST

/* Each run of an executable instance counts toward its hotness; a fresh
 * instance of the same program starts at zero.
 * t[verify format.exec.hotness-counter] */
START_TEST(hotness_counts_executions) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_encode(&user_shape, &opt, &err);
  vmir_executable *a = vmir_executable_new(prog, &user_shape, &err);
  vmir_executable *b = vmir_executable_new(prog, &user_shape, &err);
  vmir_recorder *rec = vmir_recorder_new();
  user u = {.id = 1, .name = S("h")};
  for (int i = 0; i < 5; i++)
    ck_assert_int_eq(vmir_encode(a, &u, &user_shape, vmir_recorder_sink(rec), NULL, &err), VMIR_OK);
  ck_assert_uint_eq(vmir_executable_hotness(a), 5);
  ck_assert_uint_eq(vmir_executable_hotness(b), 0);
  vmir_recorder_free(rec);
  vmir_executable_free(a);
  vmir_executable_free(b);
  vmir_program_free(prog);
}
END_TEST

/* ---- mutation evidence (docs/mutation.md) ----------------------------------- */

/* An execution error names the instruction that failed by proc, block and
 * index in the block: here instruction 1 of block b1 of proc f0 (a
 * hand-written program entering a NULL non-null pointer).
 * t[verify format.ir.error-carries-pc]
 * t[verify format.exec.error-context] */
START_TEST(errors_name_proc_block_and_instruction) {
  char text[1024];
  snprintf(text, sizeof text,
           "(vmir (abi %u) (kind encode) (shape-id %llu)"
           " (consts (strings ()) (predicates ())) (code (procs ((f0 (entry b0) (blocks ("
           " (b0 (jump (to b1)))"
           " (b1 (enter-field (index 15)) (enter-pointee) (emit-scalar) (leave) (leave) (ret)))))))"
           " (entry-proc f0)))",
           (unsigned)VMIR_ABI_VERSION, (unsigned long long)vmir_shape_id(&all_kinds_shape));
  vmir_error err;
  vmir_program *p = vmir_program_parse_text(text, strlen(text), "null-pointer", &err);
  ck_assert_msg(p, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(p, &all_kinds_shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  all_kinds v;
  memset(&v, 0, sizeof v);
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  ck_assert_int_eq(vmir_encode(exe, &v, &all_kinds_shape, vmir_json_writer_sink(w), NULL, &err),
                   VMIR_E_EXEC);
  ck_assert_int_eq(err.proc, 0);
  ck_assert_int_eq(err.block, 1);
  ck_assert_int_eq(err.insn, 1);
  ck_assert_msg(strstr(err.message, "NULL pointer"), "%s", err.message);
  vmir_json_writer_free(w);
  vmir_executable_free(exe);
  vmir_program_free(p);
}
END_TEST

typedef struct skip_first {
  uint32_t a;
  uint32_t b;
} skip_first;
static const vmir_field skip_first_fields[] = {
    VMIR_FIELD(skip_first, a, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP),
    VMIR_FIELD(skip_first, b, &vmir_shape_u32),
};
static const vmir_shape skip_first_shape = VMIR_STRUCT(skip_first, skip_first_fields);

/* A chain of `levels` structs, each flattening the next, the last holding
 * one u32 "leaf": every struct is 4 bytes at offset 0. */
typedef struct flat_chain {
  vmir_shape shapes[40];
  vmir_field fields[40];
} flat_chain;

static const vmir_shape *make_flat_chain(flat_chain *c, unsigned levels) {
  ck_assert_uint_lt(levels, 40);
  for (unsigned i = 0; i <= levels; i++) {
    bool leaf = i == levels;
    c->fields[i] = (vmir_field){.name = leaf ? "leaf" : "inner", .offset = 0, .member_size = 4,
                                .shape = leaf ? &vmir_shape_u32 : &c->shapes[i + 1],
                                .flags = leaf ? 0 : VMIR_FIELD_FLATTEN};
    c->shapes[i] = (vmir_shape){.kind = VMIR_KIND_STRUCT, .name = "chain", .size = 4, .align = 4,
                                .u.fields = {&c->fields[i], 1}};
  }
  return &c->shapes[0];
}

/* Flatten nests up to the documented depth and no further: a chain one
 * level longer is a limit error, not a deeper program.
 * t[verify format.ir.compile-flatten-lowering] */
START_TEST(flatten_depth_limit_is_exact) {
  flat_chain c;
  vmir_error err;
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  const vmir_shape *fits = make_flat_chain(&c, 31);
  vmir_program *p = vmir_compile_encode(fits, &opt, &err);
  ck_assert_msg(p != NULL, "31 flatten levels: %s", err.message);
  vmir_program_free(p);
  uint32_t v = 5;
  expect_both(fits, &v, "{\"leaf\":5}");
  const vmir_shape *deep = make_flat_chain(&c, 32);
  ck_assert_ptr_null(vmir_compile_encode(deep, &opt, &err));
  ck_assert_int_eq(err.code, VMIR_E_LIMIT);
  ck_assert_msg(strstr(err.message, "flatten nested deeper than 32 levels"), "%s", err.message);
}
END_TEST

/* A string view with no data but a length never reaches the sink: the
 * executor refuses it, interpreted and compiled alike.
 * t[verify format.ir.exec-no-raw-pointer-to-sink] */
START_TEST(null_string_view_refused) {
  all_kinds v = make_all_kinds();
  v.s = (vmir_str){NULL, 3};
  run r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(r.err.message, "string view with NULL data"), "%s", r.err.message);
  ck_assert_str_eq(r.err.path, ".s");
  free(r.out);
}
END_TEST

/* Broken views in the user's value are execution errors at their path,
 * with one element as much as with many: a NULL pointer, list data NULL
 * with length 1, a map key with NULL data and length 1.
 * t[verify format.ir.exec-safe-scalar-interface]
 * t[verify format.ir.exec-no-raw-pointer-to-sink] */
START_TEST(null_data_of_length_one_refused) {
  all_kinds v = make_all_kinds();
  v.pointer = NULL;
  run r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(r.err.message, "NULL pointer"), "%s", r.err.message);
  ck_assert_str_eq(r.err.path, ".pointer");
  free(r.out);
  v = make_all_kinds();
  v.list.ptr = NULL;
  v.list.len = 1;
  r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(r.err.message, "NULL data and length 1"), "%s", r.err.message);
  free(r.out);
  v = make_all_kinds();
  f64_entry one = {.key = {NULL, 1}, .value = 1.0};
  v.map.ptr = &one;
  v.map.len = 1;
  r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(r.err.message, "map key with NULL data and length 1"), "%s", r.err.message);
  free(r.out);
}
END_TEST

/* enter-variant-field enters only the active variant: a hand-written
 * program that reads rect's width from a circle is an execution error, not
 * a read of the circle's bytes.
 * t[verify format.ir.enum-active-variant] */
START_TEST(inactive_variant_field_refused) {
  char text[512];
  snprintf(text, sizeof text,
           "(vmir (abi 1) (kind encode) (shape-id %llu) (consts (strings ()) (predicates ()))"
           " (code (procs ((f0 (entry b0) (blocks ((b0 (enter-variant-field (variant 1) (index 0))"
           " (emit-scalar) (leave) (ret)))))))"
           " (entry-proc f0)))",
           (unsigned long long)vmir_shape_id(&figure_external_shape));
  vmir_error err;
  vmir_program *prog = vmir_program_parse_text(text, strlen(text), "t.vmir", &err);
  ck_assert_msg(prog, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(prog, &figure_external_shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  figure f = circle(2.5);
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  vmir_status st = vmir_encode(exe, &f, &figure_external_shape, vmir_json_writer_sink(w), &no_env, &err);
  ck_assert_int_eq(st, VMIR_E_EXEC);
  ck_assert_msg(strstr(err.message, "active variant is 0"), "%s", err.message);
  vmir_json_writer_free(w);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

/* A proc starts at its declared entry block, which need not be b0.
 * t[verify format.ir.program-immutable] */
START_TEST(proc_entry_block_other_than_b0) {
  char text[512];
  snprintf(text, sizeof text,
           "(vmir (abi 1) (kind encode) (shape-id %llu) (consts (strings ()) (predicates ()))"
           " (code (procs ((f0 (entry b1) (blocks ((b0 (emit-null) (ret)) (b1 (emit-scalar) (ret)))))))"
           " (entry-proc f0)))",
           (unsigned long long)vmir_shape_id(&vmir_shape_u32));
  vmir_error err;
  vmir_program *prog = vmir_program_parse_text(text, strlen(text), "t.vmir", &err);
  ck_assert_msg(prog, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(prog, &vmir_shape_u32, &err);
  ck_assert_msg(exe, "%s", err.message);
  uint32_t v = 5;
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  ck_assert_int_eq(vmir_encode(exe, &v, &vmir_shape_u32, vmir_json_writer_sink(w), &no_env, &err),
                   VMIR_OK);
  size_t len;
  const uint8_t *out = vmir_json_writer_data(w, &len);
  ck_assert_msg(len == 1 && out[0] == '5', "%.*s", (int)len, (const char *)out);
  vmir_json_writer_free(w);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

typedef struct empty_u32 {
  uint32_t n;
} empty_u32;
static const vmir_field empty_u32_fields[] = {
    VMIR_FIELD(empty_u32, n, &vmir_shape_u32, .flags = VMIR_FIELD_SKIP_IF,
               .skip_if = VMIR_PRED_IS_EMPTY),
};
static const vmir_shape empty_u32_shape = VMIR_STRUCT(empty_u32, empty_u32_fields);

/* is-empty has a meaning for strings, bytes, lists and maps only: binding
 * it to an integer is refused when compiling, not found out when running.
 * t[verify format.ir.compile-predicate-binding] */
START_TEST(is_empty_on_an_integer_refused) {
  vmir_error err;
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  ck_assert_ptr_null(vmir_compile_encode(&empty_u32_shape, &opt, &err));
  ck_assert_int_eq(err.code, VMIR_E_SHAPE);
  ck_assert_msg(strstr(err.message, "is-empty"), "%s", err.message);
}
END_TEST

static vmir_status ok_len(vmir_sink *s, uint64_t n) { (void)s; (void)n; return VMIR_OK; }
static vmir_status ok_scalar(vmir_sink *s, const vmir_scalar *v) { (void)s; (void)v; return VMIR_OK; }
static vmir_status ok_end(vmir_sink *s) { (void)s; return VMIR_OK; }
static vmir_status nomem_name(vmir_sink *s, vmir_str n) {
  (void)n;
  snprintf(s->error, sizeof s->error, "no room for the name");
  return VMIR_E_NOMEM;
}

/* A sink out of memory stays out of memory: the execution error keeps the
 * sink's status and reason (interpreted here, compiled in encode_stencil).
 * t[verify format.exec.error-propagation] */
START_TEST(sink_out_of_memory_propagates) {
  static const vmir_sink_ops ops = {ok_len, ok_len, ok_len, nomem_name, ok_scalar, ok_end};
  vmir_sink sink = {.kind = VMIR_SINK_CUSTOM, .ops = &ops};
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  vmir_program *prog = vmir_compile_encode(&user_shape, &opt, &err);
  vmir_executable *exe = vmir_executable_new(prog, &user_shape, &err);
  user u = {.id = 1, .name = S("x")};
  ck_assert_int_eq(vmir_encode(exe, &u, &user_shape, &sink, NULL, &err), VMIR_E_NOMEM);
  ck_assert_msg(strstr(err.message, "no room for the name"), "%s", err.message);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

/* A struct of `n` u8 fields f0, f1, ... (the caller frees *fields_out and
 * *names_out). */
static vmir_shape wide_struct(uint32_t n, vmir_field **fields_out, char **names_out) {
  vmir_field *fields = calloc(n, sizeof *fields);
  /* 12 bytes a name: "f" and any uint32_t fit */
  char *names = calloc(n, 12);
  ck_assert(fields && names);
  for (uint32_t i = 0; i < n; i++) {
    snprintf(names + 12 * i, 12, "f%u", i);
    fields[i] = (vmir_field){.name = names + 12 * i, .offset = i, .member_size = 1,
                             .shape = &vmir_shape_u8};
  }
  *fields_out = fields;
  *names_out = names;
  return (vmir_shape){.kind = VMIR_KIND_STRUCT, .name = "wide", .size = n, .align = 1,
                      .u.fields = {fields, n}};
}

/* The member limit is exact: 4096 members compile, 4097 are a limit error.
 * t[verify format.ir.compile-policy-owner] */
START_TEST(member_limit_is_exact) {
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_error err;
  for (uint32_t n = 4096; n <= 4097; n++) {
    vmir_field *fields;
    char *names;
    vmir_shape wide = wide_struct(n, &fields, &names);
    vmir_program *p = vmir_compile_encode(&wide, &opt, &err);
    if (n == 4096) {
      ck_assert_msg(p != NULL, "%s", err.message);
      vmir_program_free(p);
    } else {
      ck_assert_ptr_null(p);
      ck_assert_int_eq(err.code, VMIR_E_LIMIT);
      ck_assert_msg(strstr(err.message, "more than 4096 members"), "%s", err.message);
    }
    free(fields);
    free(names);
  }
}
END_TEST

/* The encode compiler validates the shape it is given before lowering it:
 * a field outside its struct is a shape error, never a program.
 * t[verify format.vm.format-is-compile-time-input] */
START_TEST(encode_compile_validates_the_shape) {
  vmir_field *fields;
  char *names;
  vmir_shape bad = wide_struct(2, &fields, &names);
  fields[1].offset = 5; /* past the 2-byte struct */
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_MSGPACK);
  vmir_error err;
  ck_assert_ptr_null(vmir_compile_encode(&bad, &opt, &err));
  ck_assert_msg(err.code != VMIR_OK && strstr(err.message, "f1"), "%s: %s",
                vmir_status_name(err.code), err.message);
  /* no field array at all: lowering must never see this shape */
  vmir_shape hollow = {.kind = VMIR_KIND_STRUCT, .name = "hollow", .size = 2, .align = 1,
                       .u.fields = {NULL, 2}};
  ck_assert_ptr_null(vmir_compile_encode(&hollow, &opt, &err));
  ck_assert_msg(strstr(err.message, "no field array"), "%s", err.message);
  free(fields);
  free(names);
}
END_TEST

/* A dynamic value nested exactly to the depth limit is written, one level
 * deeper is a limit error.
 * t[verify format.exec.no-ub-on-unsupported-case] */
START_TEST(dynamic_value_depth_limit_is_exact) {
  enum { LIMIT = 10 };
  vmir_value chain[LIMIT + 2];
  for (int k = LIMIT; k <= LIMIT + 1; k++) {
    /* chain[0] = [[...[null]...]], chain[i] at depth i, null at depth k */
    for (int i = 0; i <= k; i++) {
      memset(&chain[i], 0, sizeof chain[i]);
      if (i == k) {
        chain[i].type = VMIR_VALUE_NULL;
      } else {
        chain[i].type = VMIR_VALUE_ARRAY;
        chain[i].as.array.items = &chain[i + 1];
        chain[i].as.array.len = 1;
      }
    }
    vmir_exec_env env = {.max_depth = LIMIT};
    run r = encode_with(&vmir_shape_value, &chain[0], VMIR_FORMAT_JSON, &env);
    if (k == LIMIT) {
      ck_assert_msg(r.status == VMIR_OK, "depth %d: %s", k, r.err.message);
    } else {
      ck_assert_int_eq(r.status, VMIR_E_LIMIT);
      ck_assert_msg(strstr(r.err.message, "deeper than 10"), "%s", r.err.message);
    }
    free(r.out);
  }
}
END_TEST

/* A list whose byte size overflows is refused before any element is read,
 * also when it overflows by exactly one stride.
 * t[verify format.exec.no-ub-on-unsupported-case] */
START_TEST(list_size_overflow_refused) {
  all_kinds v = make_all_kinds();
  v.list.len = UINT64_MAX / sizeof(uint16_t) + 1;
  run r = encode_with(&all_kinds_shape, &v, VMIR_FORMAT_JSON, &no_env);
  ck_assert_int_eq(r.status, VMIR_E_EXEC);
  ck_assert_msg(strstr(r.err.message, "overflows its byte size"), "%s", r.err.message);
  free(r.out);
}
END_TEST

/* A skipped field is skipped wherever it stands, first included; the
 * member count of the length-prefixed form leaves it out.
 * t[verify format.ir.compile-static-skip] */
START_TEST(skip_applies_to_the_first_field) {
  skip_first v = {.a = 7, .b = 2};
  expect_both(&skip_first_shape, &v, "{\"b\":2}");
}
END_TEST

/* Each builtin predicate at its boundary, interpreted here and compiled in
 * the encode_stencil run: is-empty is false for one element, is-default is
 * false when only the value's last byte is set (the high byte of a
 * little-endian u32), is-none is false for a present zero.
 * t[verify format.ir.exec-predicate-in-engine]
 * t[verify format.exec.jit-semantic-equivalence] */
START_TEST(predicates_at_their_boundaries) {
  int32_t one[] = {7};
  policies p = {.kept = 1, .renamed = 2, .maybe = {true, 0}, .items = {one, 1},
                .zero = UINT32_C(1) << 24, .hosted = 10};
  expect_both_env(&policies_shape, &p,
                  "{\"kept\":1,\"newName\":2,\"x\":0,\"y\":0,\"maybe\":0,"
                  "\"items\":[7],\"zero\":16777216}",
                  &host_env);
  p.zero = 1; /* only the first byte */
  p.maybe.present = false;
  p.items.len = 0;
  expect_both_env(&policies_shape, &p,
                  "{\"kept\":1,\"newName\":2,\"x\":0,\"y\":0,\"zero\":1}", &host_env);
}
END_TEST

/* A nullable chain of n nodes needs 2n path entries (root, then field and
 * payload per level, then the last value field): with room for exactly
 * that, the chain encodes; one node more is a limit error, never a write
 * past the stack.
 * t[verify format.exec.no-ub-on-unsupported-case] */
START_TEST(depth_limit_is_exact) {
  enum { LIMIT = 101, FITS = LIMIT / 2 };
  node *chain = calloc(FITS + 1, sizeof *chain);
  ck_assert_ptr_nonnull(chain);
  for (int i = 0; i < FITS + 1; i++) {
    chain[i].value = i;
    chain[i].next = i < FITS ? &chain[i + 1] : NULL;
  }
  vmir_exec_env env = {.max_depth = LIMIT};
  /* FITS nodes: chain[1] .. chain[FITS] */
  run r = encode_with(&node_shape, &chain[1], VMIR_FORMAT_JSON, &env);
  ck_assert_msg(r.status == VMIR_OK, "%d nodes within a depth of %d: %s", FITS - 0, LIMIT,
                r.err.message);
  free(r.out);
  r = encode_with(&node_shape, &chain[0], VMIR_FORMAT_JSON, &env);
  ck_assert_int_eq(r.status, VMIR_E_LIMIT);
  ck_assert_ptr_nonnull(strstr(r.err.message, "deeper than 101"));
  free(r.out);
  env.max_depth = LIMIT + 1; /* room for one more level */
  r = encode_with(&node_shape, &chain[0], VMIR_FORMAT_JSON, &env);
  ck_assert_msg(r.status == VMIR_OK, "%s", r.err.message);
  free(r.out);
  free(chain);
}
END_TEST

/* vmir_encode runs encode programs only: a fused decode program for the
 * same shape is refused before it runs, whatever its shape id says.
 * t[verify format.ir.exec-shape-guard] */
START_TEST(encode_refuses_other_program_kinds) {
  vmir_error err;
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_program *prog = vmir_compile_decode_fused(&node_shape, &opt, &err);
  ck_assert_msg(prog, "%s", err.message);
  vmir_executable *exe = vmir_executable_new(prog, &node_shape, &err);
  ck_assert_msg(exe, "%s", err.message);
  node n = {.value = 1};
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  vmir_status st = vmir_encode(exe, &n, &node_shape, vmir_json_writer_sink(w), &no_env, &err);
  ck_assert_int_eq(st, VMIR_E_USAGE);
  ck_assert_ptr_nonnull(strstr(err.message, "expected a encode program, not fused"));
  vmir_json_writer_free(w);
  vmir_executable_free(exe);
  vmir_program_free(prog);
}
END_TEST

static Suite *encode_suite(void) {
  Suite *s = suite_create("encode");
  TCase *tc = tcase_create("encode path");
  tcase_add_test(tc, minimal_example_runs);
  tcase_add_test(tc, every_kind_both_formats);
  tcase_add_test(tc, field_names_of_every_header_length);
  tcase_add_test(tc, extreme_numbers_round_trip);
  tcase_add_test(tc, non_finite_floats);
  tcase_add_test(tc, large_containers);
  tcase_add_test(tc, field_policies);
  tcase_add_test(tc, predicate_failure_context);
  tcase_add_test(tc, enum_tagging_styles);
  tcase_add_test(tc, enum_unknown_tag_is_an_error);
  tcase_add_test(tc, recursive_type);
  tcase_add_test(tc, error_path_through_containers);
  tcase_add_test(tc, sink_error_stops_execution);
  tcase_add_test(tc, event_stream_shape);
  suite_add_tcase(s, tc);
  TCase *exec = tcase_create("executor contract");
  tcase_add_test(exec, shape_guard_before_first_instruction);
  tcase_add_test(exec, execution_starts_at_entry_proc);
  tcase_add_test(exec, executor_rejects_other_abi);
  tcase_add_test(exec, traversal_follows_the_ir);
  tcase_add_test(exec, program_immutable_and_self_contained);
  tcase_add_test(exec, hotness_counts_executions);
  suite_add_tcase(s, exec);
  TCase *mut = tcase_create("mutation evidence");
  tcase_add_test(mut, skip_applies_to_the_first_field);
  tcase_add_test(mut, errors_name_proc_block_and_instruction);
  tcase_add_test(mut, list_size_overflow_refused);
  tcase_add_test(mut, dynamic_value_depth_limit_is_exact);
  tcase_add_test(mut, member_limit_is_exact);
  tcase_add_test(mut, encode_compile_validates_the_shape);
  tcase_add_test(mut, sink_out_of_memory_propagates);
  tcase_add_test(mut, is_empty_on_an_integer_refused);
  tcase_add_test(mut, null_string_view_refused);
  tcase_add_test(mut, proc_entry_block_other_than_b0);
  tcase_add_test(mut, inactive_variant_field_refused);
  tcase_add_test(mut, null_data_of_length_one_refused);
  tcase_add_test(mut, flatten_depth_limit_is_exact);
  tcase_add_test(mut, predicates_at_their_boundaries);
  tcase_add_test(mut, depth_limit_is_exact);
  tcase_add_test(mut, encode_refuses_other_program_kinds);
  suite_add_tcase(s, mut);
  return s;
}

int main(void) { return vmir_test_run(encode_suite(), "encode"); }
