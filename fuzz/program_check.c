/* Checks on loaded programs (see program_check.h). */
#include "program_check.h"

#include <stdlib.h>
#include <string.h>

#include "fixed_shapes.h"
#include "gen_value.h"
#include "tiers.h"

static void forms(const char *target, const vmir_program *p) {
  vmir_error err;
  size_t l1 = 0, l2 = 0, lb = 0;
  char *t1 = vmir_program_print_text(p, &l1);
  if (!t1) abort();
  vmir_program *q = vmir_program_parse_text(t1, l1, "<printed>", &err);
  if (!q) fz_fail(target, NULL, "printed program does not parse: %s\n%s", err.message, t1);
  if (!vmir_program_equal(p, q)) fz_fail(target, NULL, "text round trip changes the program\n%s", t1);
  char *t2 = vmir_program_print_text(q, &l2);
  if (!t2) abort();
  if (l1 != l2 || memcmp(t1, t2, l1) != 0)
    fz_fail(target, NULL, "print -> parse -> print is not a fixed point at byte %zu\n%s",
            fz_first_diff((const uint8_t *)t1, l1, (const uint8_t *)t2, l2), t1);
  uint8_t *bin = vmir_program_encode_binary(p, &lb);
  if (!bin) abort();
  vmir_program *r = vmir_program_decode_binary(bin, lb, &err);
  if (!r) fz_fail(target, NULL, "encoded program does not decode: %s\n%s", err.message, t1);
  if (!vmir_program_equal(p, r)) fz_fail(target, NULL, "binary round trip changes the program\n%s", t1);
  free(t1);
  free(t2);
  free(bin);
  vmir_program_free(q);
  vmir_program_free(r);
}

/* A verified program must run to a status; which one does not matter. */
static void run(const vmir_program *p, const vmir_shape *shape, vmir_executable *exe, uint32_t pick) {
  vmir_error err;
  if (p->kind == VMIR_PROGRAM_ENCODE) {
    vmir_arena arena;
    vmir_arena_init(&arena, 1u << 20);
    vmir_gen g = {.state = pick, .arena = &arena, .max_list = 3, .max_depth = 4, .top_list = 0};
    void *value = vmir_arena_alloc(&arena, shape->size ? shape->size : 1, shape->align);
    if (value && vmir_gen_value(&g, shape, value))
      vmir_encode(exe, value, shape, fz_sink(pick & 1 ? FZ_SINK_EVENTS : FZ_SINK_JSON), &fz_env, &err);
    vmir_arena_free(&arena);
  } else if (p->kind == VMIR_PROGRAM_FUSED) {
    static const char *const docs[] = {"{}", "[]", "null", "{\"id\":1,\"name\":\"x\"}", "\x81\xa1" "a\x01",
                                       "[1,2,{\"a\":[true]}]", "\x92\x01\xc0"};
    const char *d = docs[pick % (sizeof docs / sizeof docs[0])];
    void *dest = calloc(1, shape->size ? shape->size : 1);
    vmir_decoder *dec = vmir_decoder_new(NULL);
    if (!dest || !dec) abort();
    vmir_decode(exe, d, strlen(d), dest, shape, dec, &fz_env, &err);
    vmir_decoder_free(dec);
    free(dest);
  }
}

void fz_program_check(const char *target, const vmir_program *p, uint32_t pick) {
  forms(target, p);
  const vmir_shape *shape = fz_fixed_by_id(p->shape_id);
  if (!shape) shape = fz_fixed_get(pick % fz_fixed_count())->shape;
  vmir_error err;
  vmir_error_clear(&err);
  vmir_status st = vmir_verify(p, shape, &err);
  if (st != VMIR_OK && err.code != st)
    fz_fail(target, shape, "verify returns %s but its error says %s", vmir_status_name(st),
            vmir_status_name(err.code));
  vmir_executable *exe = vmir_executable_new(p, shape, &err);
  if ((st == VMIR_OK) != (exe != NULL))
    fz_fail(target, shape, "verify says %s but the executor %s", vmir_status_name(st),
            exe ? "accepts the program" : err.message);
  if (!exe) return;
  run(p, shape, exe, pick);
  vmir_executable_free(exe);
}
