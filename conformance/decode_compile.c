/* Decode compiler: shape + options -> fused, parse and build programs. The
 * tests read the compiled programs through their tables (instructions,
 * lists, strings): which builtins, which build actions, which keys, which
 * back-edges. Executing them is the decode suites' business. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "encode_types.h"
#include "harness.h"

/* ---- extra shapes ---------------------------------------------------------- */

/* A struct that collects unknown members into a map of values. */
typedef struct value_entry {
  vmir_str key;
  vmir_value value;
} value_entry;
typedef VMIR_LIST_OF(value_entry) value_map;

typedef struct collecting {
  uint32_t id;
  value_map rest;
} collecting;

static const vmir_shape value_map_shape = VMIR_MAP_SHAPE(value_entry, value, &vmir_shape_value);
static const vmir_field collecting_fields[] = {
    VMIR_FIELD(collecting, id, &vmir_shape_u32),
    VMIR_FIELD(collecting, rest, &value_map_shape),
};
static const vmir_shape collecting_shape = VMIR_STRUCT(collecting, collecting_fields);

/* Flatten two levels deep: outer { a; flat mid { b; flat leaf { c } } }. */
typedef struct leaf { int32_t c; } leaf;
typedef struct mid { int32_t b; leaf l; } mid;
typedef struct outer { int32_t a; mid m; } outer;
static const vmir_field leaf_fields[] = {VMIR_FIELD(leaf, c, &vmir_shape_i32)};
static const vmir_shape leaf_shape = VMIR_STRUCT(leaf, leaf_fields);
static const vmir_field mid_fields[] = {
    VMIR_FIELD(mid, b, &vmir_shape_i32),
    VMIR_FIELD(mid, l, &leaf_shape, .flags = VMIR_FIELD_FLATTEN),
};
static const vmir_shape mid_shape = VMIR_STRUCT(mid, mid_fields);
static const vmir_field outer_fields[] = {
    VMIR_FIELD(outer, a, &vmir_shape_i32),
    VMIR_FIELD(outer, m, &mid_shape, .flags = VMIR_FIELD_FLATTEN),
};
static const vmir_shape outer_shape = VMIR_STRUCT(outer, outer_fields);

/* An internally tagged enum with a newtype variant holding a struct. */
typedef struct wrapped {
  int32_t tag;
  union { inner in; user u; } p;
} wrapped;
static const vmir_field inner_local_fields[] = {
    VMIR_FIELD(inner, x, &vmir_shape_i32),
    VMIR_FIELD(inner, y, &vmir_shape_i32),
};
static const vmir_shape inner_struct_shape_local = VMIR_STRUCT(inner, inner_local_fields);
static const vmir_field wrapped_newtype_fields[] = {
    {.name = "in", .offset = offsetof(wrapped, p.in), .shape = &inner_struct_shape_local},
};
static const vmir_variant wrapped_variants[] = {
    {.name = "point", .discriminant = 1, .style = VMIR_VARIANT_NEWTYPE,
     .fields = wrapped_newtype_fields, .field_count = 1},
};
static const vmir_shape wrapped_shape =
    VMIR_ENUM(wrapped, tag, wrapped_variants, VMIR_TAG_INTERNAL, "kind", NULL, true);

/* An internally tagged enum with a tuple variant: rejected. */
static const vmir_field pt_fields[] = {
    {.name = "x", .offset = offsetof(figure, u.point.x), .shape = &vmir_shape_i32},
    {.name = "y", .offset = offsetof(figure, u.point.y), .shape = &vmir_shape_i32},
};
static const vmir_variant tuple_only_variants[] = {
    {.name = "point", .discriminant = 1, .style = VMIR_VARIANT_TUPLE,
     .fields = pt_fields, .field_count = 2},
};
static const vmir_shape internal_tuple_shape =
    VMIR_ENUM(figure, tag, tuple_only_variants, VMIR_TAG_INTERNAL, "type", NULL, true);

/* Untagged with two variants competing for one class: the first wins. */
static const vmir_field num_a_fields[] = {
    {.name = "n", .offset = offsetof(figure, u.radius), .shape = &vmir_shape_f64},
};
static const vmir_field num_b_fields[] = {
    {.name = "n", .offset = offsetof(figure, u.point.x), .shape = &vmir_shape_i32},
};
static const vmir_variant competing_variants[] = {
    {.name = "wide", .discriminant = 1, .style = VMIR_VARIANT_NEWTYPE,
     .fields = num_a_fields, .field_count = 1},
    {.name = "narrow", .discriminant = 2, .style = VMIR_VARIANT_NEWTYPE,
     .fields = num_b_fields, .field_count = 1},
};
static const vmir_shape competing_shape =
    VMIR_ENUM(figure, tag, competing_variants, VMIR_TAG_UNTAGGED, NULL, NULL, true);

static const vmir_shape u16_list_root = VMIR_LIST_SHAPE(&vmir_shape_u16);

static const char *vmir_dec_label(const vmir_shape *s) {
  return s->name ? s->name : vmir_kind_name(s->kind);
}

/* ---- helpers ----------------------------------------------------------------- */

enum { FUSED, PARSE, BUILD, MODES };
static const char *const mode_names[MODES] = {"fused", "parse", "build"};
static const vmir_program_kind mode_kinds[MODES] = {VMIR_PROGRAM_FUSED, VMIR_PROGRAM_DECODE,
                                                    VMIR_PROGRAM_BUILD};

static vmir_compile_options opts(vmir_format f, vmir_unknown_policy u, bool last_wins) {
  vmir_compile_options o = vmir_compile_options_default(f);
  o.unknown_fields = u;
  o.duplicate_last_wins = last_wins;
  return o;
}

static vmir_program *try_compile(const vmir_shape *s, int mode, const vmir_compile_options *o,
                                 vmir_error *err) {
  switch (mode) {
    case FUSED: return vmir_compile_decode_fused(s, o, err);
    case PARSE: return vmir_compile_decode_parse(s, o, err);
    default: return vmir_compile_decode_build(s, o, err);
  }
}

static vmir_program *compile_ok(const vmir_shape *s, int mode, vmir_format f,
                                vmir_unknown_policy u, bool last_wins) {
  vmir_error err;
  vmir_compile_options o = opts(f, u, last_wins);
  vmir_program *p = try_compile(s, mode, &o, &err);
  ck_assert_msg(p, "%s %s %s: %s", s->name ? s->name : "?", mode_names[mode],
                vmir_format_name(f), err.message);
  return p;
}

static vmir_program *fused(const vmir_shape *s, vmir_format f) {
  return compile_ok(s, FUSED, f, VMIR_UNKNOWN_DENY, false);
}

static const vmir_insn *insn_at(const vmir_program *p, uint32_t proc, uint32_t block,
                                uint32_t i) {
  const vmir_block *b = &p->blocks[p->procs[proc].first_block + block];
  return &p->insns[b->first_insn + i];
}

static uint32_t insn_count(const vmir_program *p, uint32_t proc, uint32_t block) {
  return p->blocks[p->procs[proc].first_block + block].insn_count;
}

static uint32_t count_op(const vmir_program *p, vmir_opcode op) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->insn_count; i++) n += p->insns[i].op == op;
  return n;
}

static uint32_t count_op_a(const vmir_program *p, vmir_opcode op, int k, int64_t v) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->insn_count; i++)
    n += p->insns[i].op == op && p->insns[i].operand[k] == v;
  return n;
}

/* Instructions whose opcode name starts with `prefix`. */
static uint32_t count_prefix(const vmir_program *p, const char *prefix) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->insn_count; i++)
    n += strncmp(vmir_op_info_of(p->insns[i].op)->name, prefix, strlen(prefix)) == 0;
  return n;
}

static uint32_t count_family(const vmir_program *p, vmir_op_family fam) {
  uint32_t n = 0;
  for (uint32_t i = 0; i < p->insn_count; i++)
    n += vmir_op_info_of(p->insns[i].op)->family == fam;
  return n;
}

static const char *str_at(const vmir_program *p, uint32_t i) {
  return p->string_bytes + p->strings[i].start;
}

static const uint32_t *list_at(const vmir_program *p, int64_t list, uint32_t *n) {
  *n = p->lists[list].len;
  return p->list_items + p->lists[list].start;
}

/* Whether some switch-key (switch-string) of the program lists key `s`. */
static bool switch_has(const vmir_program *p, vmir_opcode op, const char *s) {
  for (uint32_t i = 0; i < p->insn_count; i++) {
    if (p->insns[i].op != op) continue;
    uint32_t n;
    const uint32_t *keys = list_at(p, p->insns[i].operand[0], &n);
    for (uint32_t k = 0; k < n; k++)
      if (strcmp(str_at(p, keys[k]), s) == 0) return true;
  }
  return false;
}

static bool has_string(const vmir_program *p, const char *s) {
  for (uint32_t i = 0; i < p->string_count; i++)
    if (strcmp(str_at(p, i), s) == 0) return true;
  return false;
}

/* A branch instruction in block b of proc f that targets a block <= b:
 * the loop's back-edge. Returns how many such edges `op` has. */
static uint32_t back_edges(const vmir_program *p, vmir_opcode op) {
  uint32_t n = 0;
  for (uint32_t f = 0; f < p->proc_count; f++) {
    for (uint32_t b = 0; b < p->procs[f].block_count; b++) {
      uint32_t cnt = insn_count(p, f, b);
      const vmir_insn *in = insn_at(p, f, b, cnt - 1);
      if (in->op != op) continue;
      n += (uint32_t)in->operand[0] <= b;
    }
  }
  return n;
}

/* The first instruction of the block that a back-edge of `op` returns to. */
static const vmir_insn *back_edge_target(const vmir_program *p, vmir_opcode op) {
  for (uint32_t f = 0; f < p->proc_count; f++)
    for (uint32_t b = 0; b < p->procs[f].block_count; b++) {
      const vmir_insn *in = insn_at(p, f, b, insn_count(p, f, b) - 1);
      if (in->op == op && (uint32_t)in->operand[0] <= b)
        return insn_at(p, f, (uint32_t)in->operand[0], 0);
    }
  return NULL;
}

static const vmir_shape *const all_shapes[] = {
    &user_shape, &all_kinds_shape, &policies_shape, &figure_external_shape,
    &figure_external_unit_shape, &figure_adjacent_shape, &figure_untagged_shape,
    &figure_internal_shape, &node_shape, &collecting_shape, &outer_shape,
    &wrapped_shape, &competing_shape, &u16_list_root, &vmir_shape_u32,
    &vmir_shape_value,
};

/* ---- every kind, policy and tagging style ------------------------------------ */

/* t[verify format.vm.single-vm-dialect]
 * t[verify format.vm.format-is-compile-time-input] */
START_TEST(everything_compiles_and_verifies) {
  for (size_t s = 0; s < VMIR_COUNTOF(all_shapes); s++)
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++)
      for (int m = 0; m < MODES; m++)
        for (int u = VMIR_UNKNOWN_DENY; u <= VMIR_UNKNOWN_COLLECT; u++)
          for (int lw = 0; lw < 2; lw++) {
            const vmir_shape *shape = all_shapes[s];
            vmir_program *p = compile_ok(shape, m, (vmir_format)f, (vmir_unknown_policy)u, lw);
            vmir_error err;
            ck_assert_int_eq(p->kind, mode_kinds[m]);
            ck_assert_uint_eq(p->shape_id, vmir_shape_id(shape));
            ck_assert_int_eq(vmir_verify(p, shape, &err), VMIR_OK);
            ck_assert_uint_eq(p->entry_proc, 0);
            vmir_program_free(p);
          }
}
END_TEST

/* The root proc is an entry wrapper: value, end of input, commit, ret. */
START_TEST(root_proc_checks_end_and_commits) {
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++)
    for (int m = FUSED; m < MODES; m += 2) {
      vmir_program *p = compile_ok(&node_shape, m, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
      uint32_t b = p->procs[0].entry_block;
      uint32_t n = insn_count(p, 0, b);
      ck_assert_uint_eq(p->procs[0].block_count, 1);
      ck_assert_uint_eq(n, 4);
      ck_assert_int_eq(insn_at(p, 0, b, 0)->op, VMIR_OP_CALL);
      ck_assert_int_eq(insn_at(p, 0, b, 0)->operand[0], 1);
      vmir_opcode end = m == BUILD ? VMIR_OP_EVENT_EXPECT_END
                        : f == VMIR_FORMAT_JSON ? VMIR_OP_JSON_EXPECT_END
                                                : VMIR_OP_MSGPACK_EXPECT_END;
      ck_assert_int_eq(insn_at(p, 0, b, 1)->op, end);
      ck_assert_int_eq(insn_at(p, 0, b, 2)->op, VMIR_OP_BUILD_COMMIT);
      ck_assert_int_eq(insn_at(p, 0, b, 3)->op, VMIR_OP_RET);
      ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_COMMIT), 1);
      vmir_program_free(p);
    }
  /* A scalar root is decoded inline in f0. */
  vmir_program *p = fused(&vmir_shape_u32, VMIR_FORMAT_JSON);
  ck_assert_uint_eq(p->proc_count, 1);
  ck_assert_int_eq(insn_at(p, 0, 0, 0)->op, VMIR_OP_JSON_READ_NUMBER);
  ck_assert_int_eq(insn_at(p, 0, 0, 1)->op, VMIR_OP_BUILD_STORE);
  vmir_program_free(p);
}
END_TEST

/* Which opcode families each program kind uses: fused programs lex and
 * build, parse programs lex and emit, build programs read events and build. */
START_TEST(program_kinds_use_their_families) {
  for (size_t s = 0; s < VMIR_COUNTOF(all_shapes); s++)
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
      const vmir_shape *shape = all_shapes[s];
      vmir_program *fu = compile_ok(shape, FUSED, (vmir_format)f, VMIR_UNKNOWN_SKIP, false);
      vmir_program *pa = compile_ok(shape, PARSE, (vmir_format)f, VMIR_UNKNOWN_SKIP, false);
      vmir_program *bu = compile_ok(shape, BUILD, (vmir_format)f, VMIR_UNKNOWN_SKIP, false);
      const char *mine = f == VMIR_FORMAT_JSON ? "json-" : "msgpack-";
      const char *other = f == VMIR_FORMAT_JSON ? "msgpack-" : "json-";
      ck_assert_uint_eq(count_family(fu, VMIR_FAMILY_EMISSION), 0);
      ck_assert_uint_gt(count_prefix(fu, mine), 0);
      ck_assert_uint_eq(count_prefix(fu, other), 0);
      ck_assert_uint_eq(count_prefix(fu, "event-"), 0);
      ck_assert_uint_eq(count_family(pa, VMIR_FAMILY_BUILD), 0);
      ck_assert_uint_gt(count_op(pa, VMIR_OP_EMIT_TOKEN), 0);
      ck_assert_uint_gt(count_op(pa, VMIR_OP_EMIT_KEY), 0);
      ck_assert_uint_eq(count_prefix(pa, other), 0);
      ck_assert_uint_eq(count_prefix(pa, "event-"), 0);
      ck_assert_uint_eq(count_prefix(bu, "json-"), 0);
      ck_assert_uint_eq(count_prefix(bu, "msgpack-"), 0);
      ck_assert_uint_eq(count_family(bu, VMIR_FAMILY_EMISSION), 0);
      ck_assert_uint_gt(count_prefix(bu, "event-"), 0);
      ck_assert_uint_gt(count_family(bu, VMIR_FAMILY_BUILD), 0);
      vmir_program_free(fu);
      vmir_program_free(pa);
      vmir_program_free(bu);
    }
}
END_TEST

/* ---- structure of the lowering ------------------------------------------------ */

/* t[verify format.vm.delimiters-are-ir]
 * t[verify format.ir.loop-via-cfg-backedge] */
START_TEST(member_loop_is_ir) {
  vmir_program *p = fused(&user_shape, VMIR_FORMAT_JSON);
  /* Object boundaries and the separator are instructions; the member loop
   * is json-next-member's back-edge to the block that reads the key. */
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_BEGIN_OBJECT), 1);
  ck_assert_uint_eq(back_edges(p, VMIR_OP_JSON_NEXT_MEMBER), 1);
  ck_assert_int_eq(back_edge_target(p, VMIR_OP_JSON_NEXT_MEMBER)->op, VMIR_OP_JSON_READ_KEY);
  vmir_program_free(p);

  /* Lists: json-next-element back to build-push-element. */
  p = fused(&u16_list_root, VMIR_FORMAT_JSON);
  ck_assert_uint_eq(back_edges(p, VMIR_OP_JSON_NEXT_ELEMENT), 1);
  ck_assert_int_eq(back_edge_target(p, VMIR_OP_JSON_NEXT_ELEMENT)->op,
                   VMIR_OP_BUILD_PUSH_ELEMENT);
  vmir_program_free(p);

  /* MessagePack: a loop over the header's count, loop-next's back-edge. */
  p = fused(&user_shape, VMIR_FORMAT_MSGPACK);
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_READ_MAP_HEADER), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_LOOP_BEGIN_COUNT), 1);
  ck_assert_uint_eq(back_edges(p, VMIR_OP_LOOP_NEXT), 1);
  ck_assert_int_eq(back_edge_target(p, VMIR_OP_LOOP_NEXT)->op, VMIR_OP_MSGPACK_READ_KEY);
  vmir_program_free(p);

  /* The build program reads the same loop from the event stream. */
  p = compile_ok(&user_shape, BUILD, VMIR_FORMAT_JSON, VMIR_UNKNOWN_DENY, false);
  ck_assert_uint_eq(back_edges(p, VMIR_OP_EVENT_NEXT_MEMBER), 1);
  ck_assert_int_eq(back_edge_target(p, VMIR_OP_EVENT_NEXT_MEMBER)->op, VMIR_OP_EVENT_READ_KEY);
  vmir_program_free(p);

  /* The parse program: arrays and objects are loops around calls. */
  p = compile_ok(&user_shape, PARSE, VMIR_FORMAT_JSON, VMIR_UNKNOWN_DENY, false);
  ck_assert_uint_eq(back_edges(p, VMIR_OP_JSON_NEXT_MEMBER), 1);
  ck_assert_uint_eq(back_edges(p, VMIR_OP_JSON_NEXT_ELEMENT), 1);
  vmir_program_free(p);
}
END_TEST

/* The struct proc of `user`: every member is a switch-key case that marks,
 * enters, reads, stores and leaves. */
START_TEST(struct_member_cases) {
  vmir_program *p = fused(&user_shape, VMIR_FORMAT_JSON);
  ck_assert_uint_eq(p->proc_count, 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_SWITCH_KEY), 1);
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "id"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "name"));
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_STRUCT), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_END_STRUCT), 1);
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_FIELD, 0, 0), 1);
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_FIELD, 0, 1), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_NUMBER), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_STRING), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_STORE), 2);
  /* Each case block: build-field i; enter-field i; read; store; leave; jump. */
  for (uint32_t i = 0; i < p->insn_count; i++) {
    if (p->insns[i].op != VMIR_OP_BUILD_FIELD) continue;
    ck_assert_int_eq(p->insns[i + 1].op, VMIR_OP_ENTER_FIELD);
    ck_assert_int_eq(p->insns[i + 1].operand[0], p->insns[i].operand[0]);
    ck_assert_int_eq(p->insns[i + 3].op, VMIR_OP_BUILD_STORE);
    ck_assert_int_eq(p->insns[i + 4].op, VMIR_OP_LEAVE);
    ck_assert_int_eq(p->insns[i + 5].op, VMIR_OP_JUMP);
  }
  vmir_program_free(p);
}
END_TEST

/* t[verify format.ir.compile-static-skip]
 * t[verify format.ir.compile-rename-resolution]
 * t[verify format.ir.compile-flatten-lowering]
 * t[verify format.ir.compile-policy-owner] */
START_TEST(field_policies_in_the_key_set) {
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++)
    for (int m = FUSED; m < MODES; m += 2) {
      vmir_program *p = compile_ok(&policies_shape, m, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
      /* skipped: no key, not even a string */
      ck_assert(!switch_has(p, VMIR_OP_SWITCH_KEY, "secret"));
      ck_assert(!has_string(p, "secret"));
      /* build-field 1 only marks y inside the flattened struct (field 3) */
      for (uint32_t i = 0; i < p->insn_count; i++)
        if (p->insns[i].op == VMIR_OP_BUILD_FIELD && p->insns[i].operand[0] == 1) {
          ck_assert_uint_gt(i, 0);
          ck_assert_int_eq(p->insns[i - 1].op, VMIR_OP_ENTER_FIELD);
          ck_assert_int_eq(p->insns[i - 1].operand[0], 3);
        }
      /* renamed: the wire name only */
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "newName"));
      ck_assert(!has_string(p, "renamed"));
      /* flattened: the inner fields are keys of the parent, the field itself
       * is not; the inner struct has its own tracking frame */
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "x"));
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "y"));
      ck_assert(!switch_has(p, VMIR_OP_SWITCH_KEY, "flat"));
      ck_assert_uint_eq(count_op(p, VMIR_OP_SWITCH_KEY), 1);
      ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_STRUCT), 2);
      ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_END_STRUCT), 2);
      /* skip-if is an encode policy: on decode those are ordinary keys */
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "maybe"));
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "hosted"));
      ck_assert_uint_eq(p->predicate_count, 0);
      ck_assert_uint_eq(count_op(p, VMIR_OP_BRANCH_PRED), 0);
      vmir_program_free(p);
    }
}
END_TEST

/* Flattened structs: frames begin parent first and end innermost first; a
 * member of a flattened struct is reached through it. */
START_TEST(flatten_frames_nest) {
  vmir_program *p = fused(&outer_shape, VMIR_FORMAT_JSON);
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "a"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "b"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "c"));
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_STRUCT), 3);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_END_STRUCT), 3);
  /* The order of begin/end through the whole struct proc, as the depth of
   * the path stack at each: begins at depth 0, 1, 2; ends at 2, 1, 0. */
  int depth = 0, begins[3], ends[3], nb = 0, ne = 0;
  bool c_case = false;
  for (uint32_t b = 0; b < p->procs[1].block_count; b++) {
    depth = 0;
    for (uint32_t i = 0; i < insn_count(p, 1, b); i++) {
      const vmir_insn *in = insn_at(p, 1, b, i);
      if (in->op == VMIR_OP_ENTER_FIELD) depth++;
      if (in->op == VMIR_OP_LEAVE) depth--;
      if (in->op == VMIR_OP_BUILD_BEGIN_STRUCT && nb < 3) begins[nb++] = depth;
      if (in->op == VMIR_OP_BUILD_END_STRUCT && ne < 3) ends[ne++] = depth;
      /* the case of "c": enter m (1), enter l (1), build-field 0 */
      if (in->op == VMIR_OP_BUILD_FIELD && depth == 2 && i >= 2 &&
          insn_at(p, 1, b, 0)->op == VMIR_OP_ENTER_FIELD &&
          insn_at(p, 1, b, 0)->operand[0] == 1 &&
          insn_at(p, 1, b, 1)->operand[0] == 1)
        c_case = true;
    }
  }
  ck_assert_int_eq(nb, 3);
  ck_assert_int_eq(ne, 3);
  ck_assert_int_eq(begins[0], 0);
  ck_assert_int_eq(begins[1], 1);
  ck_assert_int_eq(begins[2], 2);
  ck_assert_int_eq(ends[0], 2);
  ck_assert_int_eq(ends[1], 1);
  ck_assert_int_eq(ends[2], 0);
  ck_assert(c_case);
  vmir_program_free(p);
}
END_TEST

START_TEST(unknown_field_policies) {
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    vmir_opcode skip = f == VMIR_FORMAT_JSON ? VMIR_OP_JSON_SKIP_VALUE : VMIR_OP_MSGPACK_SKIP_VALUE;
    vmir_program *p = compile_ok(&user_shape, FUSED, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_DENY_UNKNOWN), 1);
    ck_assert_uint_eq(count_op(p, skip), 0);
    vmir_program_free(p);

    p = compile_ok(&user_shape, FUSED, (vmir_format)f, VMIR_UNKNOWN_SKIP, false);
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_DENY_UNKNOWN), 0);
    ck_assert_uint_eq(count_op(p, skip), 1);
    vmir_program_free(p);

    /* COLLECT into the first value-map field (index 1) */
    p = compile_ok(&collecting_shape, FUSED, (vmir_format)f, VMIR_UNKNOWN_COLLECT, false);
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_DENY_UNKNOWN), 0);
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_COLLECT_UNKNOWN), 1);
    ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_COLLECT_UNKNOWN, 0, 1), 1);
    /* the catch-all is no key of its own, and is set from the start */
    ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "id"));
    ck_assert(!switch_has(p, VMIR_OP_SWITCH_KEY, "rest"));
    ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_FIELD, 0, 1), 1);
    for (uint32_t i = 0; i + 1 < p->insn_count; i++)
      if (p->insns[i].op == VMIR_OP_BUILD_BEGIN_STRUCT) {
        ck_assert_int_eq(p->insns[i + 1].op, VMIR_OP_BUILD_FIELD);
        ck_assert_int_eq(p->insns[i + 1].operand[0], 1);
      }
    vmir_program_free(p);
    /* other policies: "rest" is an ordinary member */
    p = compile_ok(&collecting_shape, FUSED, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
    ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "rest"));
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_COLLECT_UNKNOWN), 0);
    vmir_program_free(p);

    /* COLLECT without a field to collect into denies */
    p = compile_ok(&user_shape, FUSED, (vmir_format)f, VMIR_UNKNOWN_COLLECT, false);
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_COLLECT_UNKNOWN), 0);
    ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_DENY_UNKNOWN), 1);
    vmir_program_free(p);

    /* The build program applies the same policy to events. */
    p = compile_ok(&collecting_shape, BUILD, (vmir_format)f, VMIR_UNKNOWN_COLLECT, false);
    ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_COLLECT_UNKNOWN, 0, 1), 1);
    vmir_program_free(p);
    p = compile_ok(&user_shape, BUILD, (vmir_format)f, VMIR_UNKNOWN_SKIP, false);
    ck_assert_uint_eq(count_op(p, VMIR_OP_EVENT_SKIP_VALUE), 1);
    vmir_program_free(p);
  }
}
END_TEST

START_TEST(duplicate_policy_operand) {
  for (int lw = 0; lw < 2; lw++)
    for (int m = FUSED; m < MODES; m += 2) {
      vmir_program *p = compile_ok(&all_kinds_shape, m, VMIR_FORMAT_JSON, VMIR_UNKNOWN_DENY, lw);
      uint32_t fields = 0, entries = 0;
      for (uint32_t i = 0; i < p->insn_count; i++) {
        if (p->insns[i].op == VMIR_OP_BUILD_FIELD) {
          ck_assert_int_eq(p->insns[i].operand[1], lw);
          fields++;
        }
        if (p->insns[i].op == VMIR_OP_BUILD_PUSH_ENTRY) {
          ck_assert_int_eq(p->insns[i].operand[0], lw);
          entries++;
        }
      }
      /* every field of all_kinds has a case */
      ck_assert_uint_eq(fields, all_kinds_shape.u.fields.count);
      ck_assert_uint_eq(entries, 1);
      vmir_program_free(p);
    }
}
END_TEST

/* Each kind's builtins and build actions (all_kinds holds every kind). */
START_TEST(every_kind_lowering) {
  vmir_program *p = fused(&all_kinds_shape, VMIR_FORMAT_JSON);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_BOOL), 1);
  /* 10 numeric fields + the option's, pointer's, list's, array's, map's,
   * tuple's numbers */
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_NUMBER), 10 + 8);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_NULL), 1);           /* unit */
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_VALUE), 2);          /* bytes, value */
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_STORE_VALUE), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_PEEK_NULL), 2);           /* two options */
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_SET_NONE), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_SET_SOME), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_ENTER_SOME), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_ALLOC_POINTEE), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_ENTER_POINTEE), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_LIST), 2);         /* list, array */
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_PUSH_ELEMENT), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_END_LIST), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_MAP), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_PUSH_ENTRY), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_END_MAP), 1);
  vmir_program_free(p);

  /* MessagePack: bytes (bin, or an array of numbers) and value trees are
   * both read as whole values, as the event programs do. */
  p = fused(&all_kinds_shape, VMIR_FORMAT_MSGPACK);
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_READ_BIN), 0);
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_READ_VALUE), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_READ_NIL), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_PEEK_NIL), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_READ_ARRAY_HEADER), 3); /* list, array, tuple */
  ck_assert_uint_eq(count_op(p, VMIR_OP_MSGPACK_READ_MAP_HEADER), 2);   /* struct, map */
  vmir_program_free(p);

  /* Events: every scalar is event-read-scalar; unit reads a null event. */
  p = compile_ok(&all_kinds_shape, BUILD, VMIR_FORMAT_MSGPACK, VMIR_UNKNOWN_DENY, false);
  ck_assert_uint_eq(count_op(p, VMIR_OP_EVENT_READ_SCALAR), 1 + 10 + 8 + 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_EVENT_PEEK_NULL), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_EVENT_READ_NULL), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_EVENT_READ_VALUE), 2);
  vmir_program_free(p);
}
END_TEST

/* Tuples: exactly N items; a short or a long sequence is a fail that names
 * the tuple. */
START_TEST(tuple_counts_positions) {
  vmir_program *p = fused(&all_kinds_shape, VMIR_FORMAT_JSON);
  ck_assert(has_string(p, "expected 2 elements in tuple pair"));
  /* short after 0 and 1 items, long after 2: three fails */
  uint32_t s = 0;
  for (uint32_t i = 0; i < p->string_count; i++)
    if (strcmp(str_at(p, i), "expected 2 elements in tuple pair") == 0) s = i;
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_FAIL, 0, s), 3);
  vmir_program_free(p);

  p = fused(&all_kinds_shape, VMIR_FORMAT_MSGPACK);
  for (uint32_t i = 0; i < p->string_count; i++)
    if (strcmp(str_at(p, i), "expected 2 elements in tuple pair") == 0) s = i;
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_FAIL, 0, s), 3);
  vmir_program_free(p);
}
END_TEST

/* ---- enums ------------------------------------------------------------------- */

/* t[verify format.ir.enum-tagging-policy] */
START_TEST(enum_external) {
  vmir_program *p = fused(&figure_external_shape, VMIR_FORMAT_JSON);
  /* unit variants as strings: token class dispatch, names by switch-string */
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_PEEK_TOKEN), 1);
  ck_assert_uint_eq(count_op(p, VMIR_OP_SWITCH_STRING), 1);
  ck_assert(switch_has(p, VMIR_OP_SWITCH_STRING, "empty"));
  ck_assert(!switch_has(p, VMIR_OP_SWITCH_STRING, "circle"));
  /* the object form takes every variant name as its one key */
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "circle"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "rect"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "point"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "empty"));
  /* "empty" twice (string and object form), the others once */
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_SELECT_VARIANT, 0, 3), 2);
  for (int v = 0; v < 3; v++)
    ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_SELECT_VARIANT, 0, v), 1);
  ck_assert(has_string(p, "expected a string or an object for enum figure"));
  /* payloads through enter-variant-field; the struct variant tracked */
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_ENTER_VARIANT_FIELD, 0, 0), 1);
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_ENTER_VARIANT_FIELD, 0, 1), 2);
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_ENTER_VARIANT_FIELD, 0, 2), 2);
  ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_STRUCT), 1);
  vmir_program_free(p);

  /* without unit_as_string: the object form only, unit payload null */
  p = fused(&figure_external_unit_shape, VMIR_FORMAT_JSON);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_PEEK_TOKEN), 0);
  ck_assert_uint_eq(count_op(p, VMIR_OP_SWITCH_STRING), 0);
  ck_assert_uint_eq(count_op(p, VMIR_OP_JSON_READ_NULL), 1);
  vmir_program_free(p);
}
END_TEST

/* t[verify format.ir.enum-tagging-policy] */
START_TEST(enum_adjacent_and_internal_look_ahead) {
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++)
    for (int m = FUSED; m < MODES; m += 2) {
      vmir_program *p =
          compile_ok(&figure_adjacent_shape, m, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
      ck_assert_uint_eq(count_op(p, VMIR_OP_CURSOR_SAVE), 1);
      ck_assert_uint_eq(count_op(p, VMIR_OP_CURSOR_RESTORE), 4);   /* one per variant */
      ck_assert_uint_eq(count_op(p, VMIR_OP_CURSOR_DROP), 1);      /* tag missing */
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "t"));
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "c"));
      ck_assert(switch_has(p, VMIR_OP_SWITCH_STRING, "rect"));
      for (int v = 0; v < 4; v++)
        ck_assert_uint_eq(count_op_a(p, VMIR_OP_BUILD_SELECT_VARIANT, 0, v), 1);
      ck_assert(has_string(p, "missing member \"c\" in the object of enum figure"));
      ck_assert(has_string(p, "duplicate member \"c\" in the object of enum figure"));
      vmir_program_free(p);

      p = compile_ok(&figure_internal_shape, m, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
      ck_assert_uint_eq(count_op(p, VMIR_OP_CURSOR_SAVE), 1);
      ck_assert_uint_eq(count_op(p, VMIR_OP_CURSOR_RESTORE), 2);
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "type"));
      /* the struct variant's fields sit beside the tag */
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "w"));
      ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "h"));
      ck_assert_uint_eq(count_op(p, VMIR_OP_BUILD_BEGIN_STRUCT), 1);
      ck_assert(has_string(p, "missing tag \"type\" in the object of enum figure"));
      vmir_program_free(p);
    }
  /* last-wins lets a repeated content member decode again */
  vmir_program *p = compile_ok(&figure_adjacent_shape, FUSED, VMIR_FORMAT_JSON,
                               VMIR_UNKNOWN_DENY, true);
  ck_assert(!has_string(p, "duplicate member \"c\" in the object of enum figure"));
  vmir_program_free(p);

  /* internal newtype of a struct: the inner struct's fields beside the tag */
  p = fused(&wrapped_shape, VMIR_FORMAT_JSON);
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "kind"));
  ck_assert(switch_has(p, VMIR_OP_SWITCH_KEY, "x"));
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_ENTER_VARIANT_FIELD, 0, 0), 1);
  vmir_program_free(p);
}
END_TEST

/* Untagged: one peek-token, each class to the first variant that takes it. */
static const vmir_insn *first_of_case(const vmir_program *p, uint32_t proc, uint32_t cls) {
  for (uint32_t b = 0; b < p->procs[proc].block_count; b++) {
    const vmir_insn *in = insn_at(p, proc, b, insn_count(p, proc, b) - 1);
    if (in->op != VMIR_OP_JSON_PEEK_TOKEN && in->op != VMIR_OP_MSGPACK_PEEK_TOKEN &&
        in->op != VMIR_OP_EVENT_PEEK_TOKEN)
      continue;
    uint32_t n;
    const uint32_t *cases = list_at(p, in->operand[0], &n);
    ck_assert_uint_eq(n, 7);
    return insn_at(p, proc, cases[cls], 0);
  }
  return NULL;
}

START_TEST(enum_untagged_first_match) {
  enum { NUL, BOOL, NUM, STR, BYTES, ARR, OBJ };
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++)
    for (int m = FUSED; m < MODES; m += 2) {
      vmir_program *p =
          compile_ok(&figure_untagged_shape, m, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
      /* figure: circle(f64) number, rect object, point array, empty null */
      const int expect[7] = {3, -1, 0, -1, -1, 2, 1};
      for (uint32_t c = 0; c < 7; c++) {
        const vmir_insn *in = first_of_case(p, 1, c);
        ck_assert_ptr_nonnull(in);
        if (expect[c] < 0) {
          ck_assert_int_eq(in->op, VMIR_OP_FAIL);
          ck_assert_str_eq(str_at(p, (uint32_t)in->operand[0]),
                           "no variant of figure matches the input");
        } else {
          ck_assert_int_eq(in->op, VMIR_OP_BUILD_SELECT_VARIANT);
          ck_assert_int_eq(in->operand[0], expect[c]);
        }
      }
      vmir_program_free(p);

      /* two number variants: the first declared wins, the second is never
       * selected: no class leads to it (it is lowered in a block no edge
       * reaches, only so that its payload is checked) */
      p = compile_ok(&competing_shape, m, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
      const vmir_insn *in = first_of_case(p, 1, NUM);
      ck_assert_int_eq(in->op, VMIR_OP_BUILD_SELECT_VARIANT);
      ck_assert_int_eq(in->operand[0], 0);
      for (uint32_t c = 0; c < 7; c++) {
        in = first_of_case(p, 1, c);
        ck_assert(in->op != VMIR_OP_BUILD_SELECT_VARIANT || in->operand[0] == 0);
      }
      vmir_program_free(p);
    }
}
END_TEST

/* t[verify format.ir.proc-call-explicit] */
START_TEST(recursive_type_one_proc_per_shape) {
  /* node -> nullable node (option) -> node; node -> list of node -> node */
  vmir_program *p = fused(&node_shape, VMIR_FORMAT_JSON);
  ck_assert_uint_eq(p->proc_count, 4);   /* entry, node, option, list */
  /* node is called from the entry, the option and the list */
  ck_assert_uint_eq(count_op_a(p, VMIR_OP_CALL, 0, 1), 3);
  vmir_program_free(p);
}
END_TEST

/* ---- formats and forms ---------------------------------------------------------- */

static void build_op_histogram(const vmir_program *p, uint32_t *h) {
  memset(h, 0, VMIR_OP_COUNT * sizeof *h);
  for (uint32_t i = 0; i < p->insn_count; i++)
    if (vmir_op_info_of(p->insns[i].op)->family == VMIR_FAMILY_BUILD) h[p->insns[i].op]++;
}

/* t[verify format.vm.no-format-specific-ir]
 * t[verify format.vm.builtins-extension-point] */
START_TEST(formats_differ_only_in_builtins) {
  for (size_t s = 0; s < VMIR_COUNTOF(all_shapes); s++) {
    const vmir_shape *shape = all_shapes[s];
    vmir_program *j = fused(shape, VMIR_FORMAT_JSON);
    vmir_program *m = fused(shape, VMIR_FORMAT_MSGPACK);
    /* one opcode table: every instruction is a row of it */
    for (uint32_t i = 0; i < j->insn_count; i++)
      ck_assert_ptr_nonnull(vmir_op_info_of(j->insns[i].op));
    for (uint32_t i = 0; i < m->insn_count; i++)
      ck_assert_ptr_nonnull(vmir_op_info_of(m->insns[i].op));
    /* the same build actions, the same number of times; the format shows
     * only in lexing builtins */
    uint32_t hj[VMIR_OP_COUNT], hm[VMIR_OP_COUNT];
    build_op_histogram(j, hj);
    build_op_histogram(m, hm);
    /* bytes: a bin scalar (build-store) in MessagePack, an array value
     * (build-store-value) in JSON: one store either way */
    hj[VMIR_OP_BUILD_STORE] += hj[VMIR_OP_BUILD_STORE_VALUE];
    hm[VMIR_OP_BUILD_STORE] += hm[VMIR_OP_BUILD_STORE_VALUE];
    hj[VMIR_OP_BUILD_STORE_VALUE] = hm[VMIR_OP_BUILD_STORE_VALUE] = 0;
    for (int op = 0; op < VMIR_OP_COUNT; op++) ck_assert_uint_eq(hj[op], hm[op]);
    ck_assert_uint_eq(count_family(j, VMIR_FAMILY_NAVIGATION),
                      count_family(m, VMIR_FAMILY_NAVIGATION));
    ck_assert_uint_eq(count_op(j, VMIR_OP_CALL), count_op(m, VMIR_OP_CALL));
    ck_assert_uint_eq(j->proc_count, m->proc_count);
    vmir_program_free(j);
    vmir_program_free(m);

    /* build programs read a format-neutral event stream: identical */
    vmir_program *bj = compile_ok(shape, BUILD, VMIR_FORMAT_JSON, VMIR_UNKNOWN_DENY, false);
    vmir_program *bm = compile_ok(shape, BUILD, VMIR_FORMAT_MSGPACK, VMIR_UNKNOWN_DENY, false);
    ck_assert(vmir_program_equal(bj, bm));
    vmir_program_free(bj);
    vmir_program_free(bm);
  }
}
END_TEST

START_TEST(build_program_mirrors_fused) {
  /* The build program is the fused JSON program with each JSON builtin
   * replaced by its event counterpart: same procs, same blocks, same build
   * actions and navigation in the same places. */
  for (size_t s = 0; s < VMIR_COUNTOF(all_shapes); s++) {
    const vmir_shape *shape = all_shapes[s];
    vmir_program *fu = fused(shape, VMIR_FORMAT_JSON);
    vmir_program *bu = compile_ok(shape, BUILD, VMIR_FORMAT_JSON, VMIR_UNKNOWN_DENY, false);
    ck_assert_uint_eq(fu->proc_count, bu->proc_count);
    uint32_t hf[VMIR_OP_COUNT], hb[VMIR_OP_COUNT];
    build_op_histogram(fu, hf);
    build_op_histogram(bu, hb);
    for (int op = 0; op < VMIR_OP_COUNT; op++) ck_assert_uint_eq(hf[op], hb[op]);
    ck_assert_uint_eq(count_family(fu, VMIR_FAMILY_NAVIGATION),
                      count_family(bu, VMIR_FAMILY_NAVIGATION));
    static const vmir_opcode pairs[][2] = {
        {VMIR_OP_JSON_BEGIN_OBJECT, VMIR_OP_EVENT_BEGIN_OBJECT},
        {VMIR_OP_JSON_NEXT_MEMBER, VMIR_OP_EVENT_NEXT_MEMBER},
        {VMIR_OP_JSON_BEGIN_ARRAY, VMIR_OP_EVENT_BEGIN_ARRAY},
        {VMIR_OP_JSON_NEXT_ELEMENT, VMIR_OP_EVENT_NEXT_ELEMENT},
        {VMIR_OP_JSON_READ_KEY, VMIR_OP_EVENT_READ_KEY},
        {VMIR_OP_JSON_PEEK_TOKEN, VMIR_OP_EVENT_PEEK_TOKEN},
        {VMIR_OP_JSON_SKIP_VALUE, VMIR_OP_EVENT_SKIP_VALUE},
        {VMIR_OP_JSON_READ_VALUE, VMIR_OP_EVENT_READ_VALUE},
        {VMIR_OP_JSON_EXPECT_END, VMIR_OP_EVENT_EXPECT_END},
    };
    for (size_t k = 0; k < VMIR_COUNTOF(pairs); k++)
      ck_assert_uint_eq(count_op(fu, pairs[k][0]), count_op(bu, pairs[k][1]));
    ck_assert_uint_eq(count_op(fu, VMIR_OP_JSON_READ_BOOL) + count_op(fu, VMIR_OP_JSON_READ_NUMBER) +
                          count_op(fu, VMIR_OP_JSON_READ_STRING),
                      count_op(bu, VMIR_OP_EVENT_READ_SCALAR));
    ck_assert_uint_eq(count_op(fu, VMIR_OP_JSON_PEEK_NULL), count_op(bu, VMIR_OP_EVENT_PEEK_NULL));
    ck_assert_uint_eq(count_op(fu, VMIR_OP_JSON_READ_NULL), count_op(bu, VMIR_OP_EVENT_READ_NULL));
    vmir_program_free(fu);
    vmir_program_free(bu);
  }
}
END_TEST

/* The parse program is format-owned: the same for every shape but the id
 * it is bound to. */
START_TEST(parse_program_is_shape_independent) {
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    vmir_program *a = compile_ok(&user_shape, PARSE, (vmir_format)f, VMIR_UNKNOWN_DENY, false);
    for (size_t s = 0; s < VMIR_COUNTOF(all_shapes); s++) {
      vmir_program *b = compile_ok(all_shapes[s], PARSE, (vmir_format)f,
                                   VMIR_UNKNOWN_COLLECT, true);
      vmir_program rebound = *b;
      rebound.shape_id = a->shape_id;
      ck_assert(vmir_program_equal(a, &rebound));
      vmir_program_free(b);
    }
    /* emits dynamic begins, keys, tokens and ends; reads every class */
    ck_assert_uint_eq(count_op(a, VMIR_OP_EMIT_BEGIN_SEQ_DYNAMIC), 1);
    ck_assert_uint_eq(count_op(a, VMIR_OP_EMIT_BEGIN_STRUCT_DYNAMIC), 1);
    ck_assert_uint_eq(count_op(a, VMIR_OP_EMIT_END), 2);
    ck_assert_uint_eq(count_op(a, VMIR_OP_EMIT_KEY), 1);
    /* MessagePack's bytes class: a bin or an ext token */
    ck_assert_uint_eq(count_op(a, VMIR_OP_EMIT_TOKEN), f == VMIR_FORMAT_JSON ? 4 : 6);
    ck_assert_uint_eq(count_op(a, VMIR_OP_MSGPACK_PEEK_EXT), f == VMIR_FORMAT_JSON ? 0 : 1);
    ck_assert_uint_eq(a->proc_count, 2);
    ck_assert_uint_eq(count_op_a(a, VMIR_OP_CALL, 0, 1), 3);
    vmir_program_free(a);
  }
}
END_TEST

/* t[verify format.parse.program-abi-version] */
START_TEST(programs_carry_the_abi) {
  for (int m = 0; m < MODES; m++) {
    vmir_program *p = compile_ok(&node_shape, m, VMIR_FORMAT_MSGPACK, VMIR_UNKNOWN_DENY, false);
    ck_assert_uint_eq(p->abi, VMIR_ABI_VERSION);
    size_t len;
    uint8_t *bin = vmir_program_encode_binary(p, &len);
    ck_assert_ptr_nonnull(bin);
    /* another ABI: the verifier and the executable loader refuse it */
    vmir_program other = *p;
    other.abi = VMIR_ABI_VERSION + 1;
    vmir_error err;
    ck_assert_int_eq(vmir_verify(&other, &node_shape, &err), VMIR_E_ABI);
    ck_assert_ptr_null(vmir_executable_new(&other, &node_shape, &err));
    ck_assert_int_eq(err.code, VMIR_E_ABI);
    free(bin);
    vmir_program_free(p);
  }
}
END_TEST

/* t[verify format.parse.program-self-contained]
 * t[verify format.vm.text-binary-roundtrip] */
START_TEST(programs_are_self_contained) {
  for (size_t s = 0; s < VMIR_COUNTOF(all_shapes); s++)
    for (int f = 0; f < VMIR_FORMAT_COUNT; f++)
      for (int m = 0; m < MODES; m++) {
        const vmir_shape *shape = all_shapes[s];
        vmir_program *p = compile_ok(shape, m, (vmir_format)f, VMIR_UNKNOWN_SKIP, false);
        vmir_error err;
        /* binary form: back to an equal program, valid with only the shape */
        size_t len;
        uint8_t *bin = vmir_program_encode_binary(p, &len);
        ck_assert_ptr_nonnull(bin);
        vmir_program *q = vmir_program_decode_binary(bin, len, &err);
        ck_assert_msg(q, "%s", err.message);
        ck_assert(vmir_program_equal(p, q));
        ck_assert_int_eq(vmir_verify(q, shape, &err), VMIR_OK);
        vmir_program_free(q);
        free(bin);
        /* text form likewise */
        size_t tlen;
        char *text = vmir_program_print_text(p, &tlen);
        ck_assert_ptr_nonnull(text);
        q = vmir_program_parse_text(text, tlen, "<decode>", &err);
        ck_assert_msg(q, "%s", err.message);
        ck_assert(vmir_program_equal(p, q));
        vmir_program_free(q);
        free(text);
        vmir_program_free(p);
      }
}
END_TEST


/* ---- fused and unfused agree when run ----------------------------------------- */

/* A value encoded as JSON (re-encoding is how decoded values are compared:
 * they hold arena pointers). NULL when the encoder refuses it. */
static char *to_json(const vmir_shape *shape, const void *value) {
  vmir_error err;
  vmir_compile_options o = vmir_compile_options_default(VMIR_FORMAT_JSON);
  vmir_program *p = vmir_compile_encode(shape, &o, &err);
  ck_assert_msg(p, "%s", err.message);
  vmir_executable *e = vmir_executable_new(p, shape, &err);
  ck_assert_msg(e, "%s", err.message);
  vmir_json_writer *w = vmir_json_writer_new(NULL);
  char *out = NULL;
  if (vmir_encode(e, value, shape, vmir_json_writer_sink(w), NULL, &err) == VMIR_OK) {
    size_t n;
    const uint8_t *d = vmir_json_writer_data(w, &n);
    out = malloc(n + 1);
    memcpy(out, d, n);
    out[n] = 0;
  }
  vmir_json_writer_free(w);
  vmir_executable_free(e);
  vmir_program_free(p);
  return out;
}

static uint8_t *to_msgpack(const vmir_shape *shape, const void *value, size_t *len) {
  vmir_error err;
  vmir_compile_options o = vmir_compile_options_default(VMIR_FORMAT_MSGPACK);
  vmir_program *p = vmir_compile_encode(shape, &o, &err);
  vmir_executable *e = vmir_executable_new(p, shape, &err);
  vmir_msgpack_writer *w = vmir_msgpack_writer_new();
  ck_assert_int_eq(vmir_encode(e, value, shape, vmir_msgpack_writer_sink(w), NULL, &err), VMIR_OK);
  const uint8_t *d = vmir_msgpack_writer_data(w, len);
  uint8_t *out = malloc(*len + 1);
  memcpy(out, d, *len);
  vmir_msgpack_writer_free(w);
  vmir_executable_free(e);
  vmir_program_free(p);
  return out;
}

typedef struct outcome {
  vmir_status status;
  char message[256];
  char *json;      /* the decoded value, re-encoded; NULL on failure */
} outcome;

static outcome run_decode(const vmir_shape *shape, size_t size, const void *in, size_t len,
                          const vmir_compile_options *o, bool unfused) {
  outcome r = {0};
  vmir_error err;
  void *dest = calloc(1, size);
  vmir_decoder *dec = vmir_decoder_new(NULL);
  vmir_program *p = unfused ? vmir_compile_decode_parse(shape, o, &err)
                            : vmir_compile_decode_fused(shape, o, &err);
  vmir_program *b = unfused ? vmir_compile_decode_build(shape, o, &err) : NULL;
  ck_assert_msg(p && (b || !unfused), "%s", err.message);
  vmir_executable *pe = vmir_executable_new(p, shape, &err);
  vmir_executable *be = b ? vmir_executable_new(b, shape, &err) : NULL;
  ck_assert_msg(pe && (be || !unfused), "%s", err.message);
  r.status = unfused ? vmir_decode_unfused(pe, be, in, len, dest, shape, dec, NULL, &err)
                     : vmir_decode(pe, in, len, dest, shape, dec, NULL, &err);
  snprintf(r.message, sizeof r.message, "%s", err.message);
  if (r.status == VMIR_OK) r.json = to_json(shape, dest);
  vmir_executable_free(pe);
  vmir_executable_free(be);
  vmir_program_free(p);
  vmir_program_free(b);
  vmir_decoder_free(dec);
  free(dest);
  return r;
}

/* Decodes `in` both ways under every policy combination; the two must
 * succeed with the same value or fail with the same error. Returns the
 * fused outcome's status under the default policies. */
static vmir_status agree(const vmir_shape *shape, size_t size, vmir_format f, const void *in,
                         size_t len) {
  vmir_status first = VMIR_OK;
  for (int u = VMIR_UNKNOWN_DENY; u <= VMIR_UNKNOWN_COLLECT; u++)
    for (int lw = 0; lw < 2; lw++) {
      vmir_compile_options o = opts(f, (vmir_unknown_policy)u, lw);
      outcome a = run_decode(shape, size, in, len, &o, false);
      outcome b = run_decode(shape, size, in, len, &o, true);
      ck_assert_msg(a.status == b.status, "%s: fused %s (%s), unfused %s (%s)",
                    vmir_dec_label(shape), vmir_status_name(a.status), a.message,
                    vmir_status_name(b.status), b.message);
      /* Equal values, or the same kind of error (the wording of an error
       * is the token source's: bytes and events describe it differently). */
      if (a.status == VMIR_OK)
        ck_assert_str_eq(a.json ? a.json : "(none)", b.json ? b.json : "(none)");
      if (u == VMIR_UNKNOWN_DENY && !lw) first = a.status;
      free(a.json);
      free(b.json);
    }
  return first;
}

/* t[verify format.parse.fusion-semantic-equivalence]
 * t[verify format.parse.build-ops-equivalence]
 * t[verify format.parse.fusion-optional] */
START_TEST(fused_and_unfused_agree) {
  static const struct {
    const vmir_shape *shape;
    size_t size;
    const char *json;
    vmir_status want;   /* under the default policies */
  } docs[] = {
      {&user_shape, sizeof(user), "{\"name\":\"x\",\"id\":1}", VMIR_OK},
      {&user_shape, sizeof(user), "{\"id\":1,\"z\":[1,{}],\"name\":\"x\"}", VMIR_E_BUILD},
      {&user_shape, sizeof(user), "{\"id\":1,\"id\":2,\"name\":\"x\"}", VMIR_E_BUILD},
      {&user_shape, sizeof(user), "{\"id\":1}", VMIR_E_BUILD},
      {&user_shape, sizeof(user), "{\"id\":-1,\"name\":\"x\"}", VMIR_E_BUILD},
      {&user_shape, sizeof(user), "[1]", VMIR_E_DECODE},
      {&collecting_shape, sizeof(collecting), "{\"rest\":{\"a\":1},\"id\":2,\"b\":[null]}", VMIR_E_BUILD},
      {&outer_shape, sizeof(outer), "{\"c\":3,\"a\":1,\"b\":2}", VMIR_OK},
      {&outer_shape, sizeof(outer), "{\"a\":1,\"b\":2}", VMIR_E_BUILD},
      {&figure_external_shape, sizeof(figure), "\"empty\"", VMIR_OK},
      {&figure_external_shape, sizeof(figure), "{\"rect\":{\"h\":2,\"w\":1}}", VMIR_OK},
      {&figure_external_shape, sizeof(figure), "{\"point\":[1,2]}", VMIR_OK},
      {&figure_external_shape, sizeof(figure), "{\"point\":[1,2,3]}", VMIR_E_DECODE},
      {&figure_external_shape, sizeof(figure), "{\"circle\":1,\"rect\":{}}", VMIR_E_DECODE},
      {&figure_external_shape, sizeof(figure), "7", VMIR_E_DECODE},
      {&figure_external_unit_shape, sizeof(figure), "{\"empty\":null}", VMIR_OK},
      {&figure_adjacent_shape, sizeof(figure), "{\"c\":[3,4],\"t\":\"point\"}", VMIR_OK},
      {&figure_adjacent_shape, sizeof(figure), "{\"t\":\"empty\"}", VMIR_OK},
      {&figure_adjacent_shape, sizeof(figure), "{\"t\":\"circle\"}", VMIR_E_DECODE},
      {&figure_adjacent_shape, sizeof(figure), "{\"t\":\"circle\",\"c\":1,\"c\":2}", VMIR_E_DECODE},
      {&figure_adjacent_shape, sizeof(figure), "{\"c\":1}", VMIR_E_DECODE},
      {&figure_internal_shape, sizeof(figure), "{\"w\":1,\"h\":2,\"type\":\"rect\"}", VMIR_OK},
      {&figure_internal_shape, sizeof(figure), "{\"type\":\"rect\",\"w\":1,\"type\":\"empty\",\"h\":2}", VMIR_E_DECODE},
      {&figure_internal_shape, sizeof(figure), "{\"type\":\"nope\"}", VMIR_E_DECODE},
      {&wrapped_shape, sizeof(wrapped), "{\"y\":2,\"kind\":\"point\",\"x\":1}", VMIR_OK},
      {&figure_untagged_shape, sizeof(figure), "null", VMIR_OK},
      {&figure_untagged_shape, sizeof(figure), "[1,2]", VMIR_OK},
      {&figure_untagged_shape, sizeof(figure), "{\"w\":1,\"h\":2}", VMIR_OK},
      {&figure_untagged_shape, sizeof(figure), "2.5", VMIR_OK},
      {&figure_untagged_shape, sizeof(figure), "true", VMIR_E_DECODE},
      {&node_shape, sizeof(node), "{\"value\":1,\"next\":{\"value\":2,\"next\":null,\"children\":[]},"
                                  "\"children\":[{\"value\":3,\"next\":null,\"children\":[]}]}", VMIR_OK},
      {&node_shape, sizeof(node), "{\"value\":1,\"next\":null,\"children\":[{\"value\":3}]}", VMIR_E_BUILD},
  };
  for (size_t i = 0; i < VMIR_COUNTOF(docs); i++) {
    vmir_status st = agree(docs[i].shape, docs[i].size, VMIR_FORMAT_JSON, docs[i].json,
                           strlen(docs[i].json));
    ck_assert_msg(st == docs[i].want, "%s: %s, want %s", docs[i].json, vmir_status_name(st),
                  vmir_status_name(docs[i].want));
  }

  /* MessagePack: values through the encoder, then both decoders */
  user u = {.id = 7, .name = {"ada", 3}};
  figure figs[] = {{.tag = FIGURE_CIRCLE, .u.radius = 1.5},
                   {.tag = FIGURE_RECT, .u.rect = {2, 3}},
                   {.tag = FIGURE_POINT, .u.point = {4, -5}},
                   {.tag = FIGURE_EMPTY}};
  const vmir_shape *fig_shapes[] = {&figure_external_shape, &figure_external_unit_shape,
                                    &figure_adjacent_shape, &figure_untagged_shape};
  size_t len;
  uint8_t *bytes = to_msgpack(&user_shape, &u, &len);
  ck_assert_int_eq(agree(&user_shape, sizeof u, VMIR_FORMAT_MSGPACK, bytes, len), VMIR_OK);
  free(bytes);
  for (size_t s = 0; s < VMIR_COUNTOF(fig_shapes); s++)
    for (size_t v = 0; v < VMIR_COUNTOF(figs); v++) {
      bytes = to_msgpack(fig_shapes[s], &figs[v], &len);
      ck_assert_int_eq(agree(fig_shapes[s], sizeof(figure), VMIR_FORMAT_MSGPACK, bytes, len),
                       VMIR_OK);
      free(bytes);
    }
  /* a tuple one item short, in MessagePack: {"point": [4]} */
  static const uint8_t short_point[] = {0x81, 0xa5, 'p', 'o', 'i', 'n', 't', 0x91, 0x04};
  ck_assert_int_eq(agree(&figure_external_shape, sizeof(figure), VMIR_FORMAT_MSGPACK, short_point,
                         sizeof short_point),
                   VMIR_E_DECODE);
}
END_TEST

/* ---- rejections ---------------------------------------------------------------- */

START_TEST(bad_inputs_are_rejected) {
  vmir_error err;
  vmir_compile_options o = vmir_compile_options_default(VMIR_FORMAT_JSON);
  for (int m = 0; m < MODES; m++) {
    ck_assert_ptr_null(try_compile(&user_shape, m, NULL, &err));
    ck_assert_int_eq(err.code, VMIR_E_USAGE);
    ck_assert_ptr_null(try_compile(NULL, m, &o, &err));
    ck_assert_int_eq(err.code, VMIR_E_USAGE);
    vmir_compile_options bad = o;
    bad.unknown_fields = (vmir_unknown_policy)7;
    ck_assert_ptr_null(try_compile(&user_shape, m, &bad, &err));
    ck_assert_int_eq(err.code, VMIR_E_USAGE);
    bad = o;
    bad.format = VMIR_FORMAT_COUNT;
    ck_assert_ptr_null(try_compile(&user_shape, m, &bad, &err));
    ck_assert_int_eq(err.code, VMIR_E_USAGE);
  }
  /* an internally tagged tuple variant has no names to sit beside the tag */
  ck_assert_ptr_null(vmir_compile_decode_fused(&internal_tuple_shape, &o, &err));
  ck_assert_int_eq(err.code, VMIR_E_SHAPE);
  ck_assert_ptr_nonnull(strstr(err.message, "tuple variant"));
  ck_assert_ptr_null(vmir_compile_decode_build(&internal_tuple_shape, &o, &err));
  ck_assert_int_eq(err.code, VMIR_E_SHAPE);
  /* NULL err is allowed */
  ck_assert_ptr_null(vmir_compile_decode_fused(&internal_tuple_shape, &o, NULL));
}
END_TEST


/* A shape the encode compiler refuses (a newtype whose payload field is
 * skipped) reached only through an untagged variant that an earlier one
 * shadows: decoding never selects it, but every compiler refuses the shape
 * alike (found by the diff-decode fuzzer: newtype-skip-decode-only).
 * t[verify format.ir.enum-tagging-policy] */
START_TEST(shadowed_variants_are_checked) {
  static const char text[] =
      "(shapes\n"
      "  (define bad (enum (size 16) (align 8) (tag (offset 0) (width 4)) (tagging external)\n"
      "    (variant wrapped (discriminant 1) (style newtype)\n"
      "      (field 0 (offset 8) (shape u32) (flags skip)))))\n"
      "  (define outer (enum (size 24) (align 8) (tag (offset 0) (width 4)) (tagging untagged)\n"
      "    (variant first (discriminant 1) (style tuple) (field 0 (offset 8) (shape i32)))\n"
      "    (variant second (discriminant 2) (style tuple) (field 0 (offset 8) (shape bad)))))\n"
      "  (root outer))\n";
  static const char fine[] =
      "(shapes\n"
      "  (define good (enum (size 16) (align 8) (tag (offset 0) (width 4)) (tagging external)\n"
      "    (variant wrapped (discriminant 1) (style newtype) (field 0 (offset 8) (shape u32)))))\n"
      "  (define outer (enum (size 24) (align 8) (tag (offset 0) (width 4)) (tagging untagged)\n"
      "    (variant first (discriminant 1) (style tuple) (field 0 (offset 8) (shape i32)))\n"
      "    (variant second (discriminant 2) (style tuple) (field 0 (offset 8) (shape good)))))\n"
      "  (root outer))\n";
  vmir_error err;
  for (int f = 0; f < VMIR_FORMAT_COUNT; f++) {
    vmir_compile_options o = vmir_compile_options_default((vmir_format)f);
    vmir_shape_set *set = vmir_shape_text_parse(text, sizeof text - 1, "<shadowed>", &err);
    ck_assert_msg(set != NULL, "%s", err.message);
    const vmir_shape *root = vmir_shape_set_root(set);
    ck_assert_ptr_null(vmir_compile_encode(root, &o, &err));
    ck_assert_int_eq(err.code, VMIR_E_SHAPE);
    for (int m = 0; m < MODES; m++) {
      if (m == PARSE) continue; /* the parse program ignores the shape */
      ck_assert_ptr_null(try_compile(root, m, &o, &err));
      ck_assert_int_eq(err.code, VMIR_E_SHAPE);
      ck_assert_ptr_nonnull(strstr(err.message, "newtype"));
    }
    vmir_shape_set_free(set);
    /* the same layout with a payload field that is not skipped compiles */
    set = vmir_shape_text_parse(fine, sizeof fine - 1, "<fine>", &err);
    ck_assert_msg(set != NULL, "%s", err.message);
    root = vmir_shape_set_root(set);
    vmir_program *p = vmir_compile_encode(root, &o, &err);
    ck_assert_msg(p != NULL, "%s", err.message);
    vmir_program_free(p);
    for (int m = 0; m < MODES; m++) {
      p = try_compile(root, m, &o, &err);
      ck_assert_msg(p != NULL, "%s", err.message);
      vmir_program_free(p);
    }
    vmir_shape_set_free(set);
  }
}
END_TEST

/* A DAG of untagged enums, each with two newtype variants holding the next
 * one: the payload classes of the top one would take 2^depth steps to work
 * out naively. The compiler stops at its budget with a limit error. */
#define DAG_LEVELS 24
static vmir_shape dag_enums[DAG_LEVELS + 1];
static vmir_field dag_fields[DAG_LEVELS][1];
static vmir_variant dag_variants[DAG_LEVELS][2];
static char dag_names[DAG_LEVELS + 1][8];

static const vmir_shape *make_enum_dag(void) {
  static const vmir_field leaf_field[] = {{.name = "b", .offset = 4, .shape = &vmir_shape_bool}};
  static const vmir_variant leaf_variant[] = {
      {.name = "leaf", .discriminant = 0, .style = VMIR_VARIANT_NEWTYPE, .fields = leaf_field,
       .field_count = 1}};
  for (int k = DAG_LEVELS; k >= 0; k--) {
    snprintf(dag_names[k], sizeof dag_names[k], "e%d", k);
    vmir_shape *e = &dag_enums[k];
    e->kind = VMIR_KIND_ENUM;
    e->name = dag_names[k];
    e->align = 4;
    e->u.enumeration.tag_offset = 0;
    e->u.enumeration.tag_width = 4;
    e->u.enumeration.tagging = VMIR_TAG_UNTAGGED;
    if (k == DAG_LEVELS) {
      e->size = 8;
      e->u.enumeration.variants = leaf_variant;
      e->u.enumeration.count = 1;
      continue;
    }
    e->size = 4 + dag_enums[k + 1].size;
    dag_fields[k][0] = (vmir_field){.name = "next", .offset = 4, .shape = &dag_enums[k + 1]};
    for (int v = 0; v < 2; v++)
      dag_variants[k][v] = (vmir_variant){.name = v ? "b" : "a", .discriminant = v,
                                          .style = VMIR_VARIANT_NEWTYPE,
                                          .fields = dag_fields[k], .field_count = 1};
    e->u.enumeration.variants = dag_variants[k];
    e->u.enumeration.count = 2;
  }
  return &dag_enums[0];
}

START_TEST(untagged_dispatch_work_is_bounded) {
  const vmir_shape *top = make_enum_dag();
  vmir_error err;
  ck_assert_msg(vmir_shape_validate(top, &err) == VMIR_OK, "%s", err.message);
  vmir_compile_options o = vmir_compile_options_default(VMIR_FORMAT_JSON);
  ck_assert_ptr_null(vmir_compile_decode_fused(top, &o, &err));
  ck_assert_int_eq(err.code, VMIR_E_LIMIT);
  ck_assert_ptr_nonnull(strstr(err.message, "untagged"));
  /* a shallow part of the same DAG is fine: every level dispatches booleans
   * to its first variant */
  vmir_program *p = vmir_compile_decode_fused(&dag_enums[DAG_LEVELS - 4], &o, &err);
  ck_assert_msg(p, "%s", err.message);
  vmir_program_free(p);
}
END_TEST

Suite *decode_compile_suite(void) {
  Suite *s = suite_create("decode_compile");
  TCase *tc = tcase_create("lowering");
  tcase_add_test(tc, everything_compiles_and_verifies);
  tcase_add_test(tc, root_proc_checks_end_and_commits);
  tcase_add_test(tc, program_kinds_use_their_families);
  tcase_add_test(tc, member_loop_is_ir);
  tcase_add_test(tc, struct_member_cases);
  tcase_add_test(tc, field_policies_in_the_key_set);
  tcase_add_test(tc, flatten_frames_nest);
  tcase_add_test(tc, unknown_field_policies);
  tcase_add_test(tc, duplicate_policy_operand);
  tcase_add_test(tc, every_kind_lowering);
  tcase_add_test(tc, tuple_counts_positions);
  tcase_add_test(tc, enum_external);
  tcase_add_test(tc, enum_adjacent_and_internal_look_ahead);
  tcase_add_test(tc, enum_untagged_first_match);
  tcase_add_test(tc, recursive_type_one_proc_per_shape);
  tcase_add_test(tc, formats_differ_only_in_builtins);
  tcase_add_test(tc, build_program_mirrors_fused);
  tcase_add_test(tc, parse_program_is_shape_independent);
  tcase_add_test(tc, programs_carry_the_abi);
  tcase_add_test(tc, programs_are_self_contained);
  tcase_add_test(tc, bad_inputs_are_rejected);
  tcase_add_test(tc, shadowed_variants_are_checked);
  tcase_add_test(tc, untagged_dispatch_work_is_bounded);
  suite_add_tcase(s, tc);
  TCase *run = tcase_create("execution");
  tcase_add_test(run, fused_and_unfused_agree);
  suite_add_tcase(s, run);
  return s;
}

int main(void) {
  return vmir_test_run(decode_compile_suite(), "decode_compile");
}
