#include "work.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tiers.h"
#include "vmir/jit.h"

static const char *const op_names[WORK_OP_COUNT] = {
    "encode/%s/vmir-json", "encode/%s/vmir-msgpack", "decode/%s/vmir-fused",
    "decode/%s/vmir-unfused", "decode/%s/vmir-msgpack"};

/* doc_bench's program slots (workloads.c): 0 encode JSON, 1 encode
 * MessagePack, 2 fused JSON, 3 parse, 4 build, 5 fused MessagePack. */
void work_programs_of(doc_bench *doc, work_program *out, size_t *n, size_t cap) {
  static const int slots[WORK_OP_COUNT][2] = {{0, -1}, {1, -1}, {2, -1}, {3, 4}, {5, -1}};
  for (int op = 0; op < WORK_OP_COUNT && *n < cap; op++) {
    work_program *w = &out[(*n)++];
    memset(w, 0, sizeof *w);
    snprintf(w->name, sizeof w->name, op_names[op], doc->name);
    w->doc = doc;
    w->op = (work_op)op;
    for (int k = 0; k < 2 && slots[op][k] >= 0; k++) {
      w->programs[w->program_count++] = doc->programs[slots[op][k]];
      w->insns += doc->programs[slots[op][k]]->insn_count;
    }
  }
}

bool work_executables_new(const work_program *w, vmir_executable **exe) {
  vmir_error err;
  for (size_t i = 0; i < w->program_count; i++) {
    exe[i] = vmir_executable_new(w->programs[i], w->doc->shape, &err);
    if (!exe[i]) {
      fprintf(stderr, "vmir-tiers %s: %s\n", w->name, err.message);
      for (size_t k = 0; k < i; k++) vmir_executable_free(exe[k]);
      return false;
    }
  }
  return true;
}

void work_executables_free(const work_program *w, vmir_executable **exe) {
  for (size_t i = 0; i < w->program_count; i++) vmir_executable_free(exe[i]);
}

bool work_run(const work_program *w, vmir_executable **exe) {
  doc_bench *b = w->doc;
  switch (w->op) {
    case WORK_ENCODE_JSON:
      vmir_json_writer_reset(b->json_writer);
      return vmir_encode(exe[0], b->value, b->shape, vmir_json_writer_sink(b->json_writer), NULL, NULL) == VMIR_OK;
    case WORK_ENCODE_MSGPACK:
      vmir_msgpack_writer_reset(b->msgpack_writer);
      return vmir_encode(exe[0], b->value, b->shape, vmir_msgpack_writer_sink(b->msgpack_writer), NULL, NULL) ==
             VMIR_OK;
    case WORK_DECODE_FUSED:
      vmir_decoder_reset(b->decoder);
      return vmir_decode(exe[0], b->json, b->json_len, b->dest, b->shape, b->decoder, NULL, NULL) == VMIR_OK;
    case WORK_DECODE_UNFUSED:
      vmir_decoder_reset(b->decoder);
      return vmir_decode_unfused(exe[0], exe[1], b->json, b->json_len, b->dest, b->shape, b->decoder, NULL,
                                 NULL) == VMIR_OK;
    case WORK_DECODE_MSGPACK:
      vmir_decoder_reset(b->decoder);
      return vmir_decode(exe[0], b->msgpack, b->msgpack_len, b->dest, b->shape, b->decoder, NULL, NULL) ==
             VMIR_OK;
    case WORK_OP_COUNT: break;
  }
  return false;
}

uint8_t *work_output(const work_program *w, size_t *len) {
  doc_bench *b = w->doc;
  vmir_jit_config saved = vmir_jit_get_config();
  bench_tier_use(bench_tier_interp(), -1);
  const uint8_t *d = NULL;
  if (w->op == WORK_ENCODE_JSON) {
    d = vmir_json_writer_data(b->json_writer, len);
  } else if (w->op == WORK_ENCODE_MSGPACK) {
    d = vmir_msgpack_writer_data(b->msgpack_writer, len);
  } else {
    vmir_json_writer_reset(b->json_writer);
    if (vmir_encode(b->encode_json, b->dest, b->shape, vmir_json_writer_sink(b->json_writer), NULL, NULL) ==
        VMIR_OK)
      d = vmir_json_writer_data(b->json_writer, len);
  }
  uint8_t *copy = d ? malloc(*len ? *len : 1) : NULL;
  if (copy) memcpy(copy, d, *len);
  vmir_jit_configure(&saved, NULL);
  return copy;
}
