/* Decoding documents for the document commands (decode, encode, transcode,
 * check): compile the decode program(s) once, then decode each document
 * into a fresh zeroed value whose strings and containers live in the
 * decoder's arena. */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* Compile failures name the shape file; a NULL error is out of memory. */
static int compile_failed(const char *shape_file, vmir_error *err) {
  if (err->code == VMIR_OK) {
    err->code = VMIR_E_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
  }
  return cli_report(cli_display_name(shape_file), err);
}

static int executable(const char *shape_file, const vmir_program *program,
                      const vmir_shape *shape, vmir_executable **out) {
  vmir_error err;
  vmir_error_clear(&err);
  *out = vmir_executable_new(program, shape, &err);
  return *out ? CLI_EXIT_OK : compile_failed(shape_file, &err);
}

/* A buffer for one value of the shape: aligned for it (at least as
 * malloc would be) and a whole number of alignments long. */
static void *value_buffer(const vmir_shape *shape, size_t *size_out) {
  size_t align = shape->align > alignof(max_align_t) ? shape->align : alignof(max_align_t);
  size_t size = shape->size ? shape->size : 1;
  size = (size + align - 1) / align * align;
  *size_out = size;
  return aligned_alloc(align, size);
}

int cli_decoder_open(cli_decoder *d, const char *shape_file,
                     const vmir_shape *shape, const vmir_compile_options *opt,
                     bool unfused) {
  memset(d, 0, sizeof *d);
  d->shape = shape;
  d->format = opt->format;
  vmir_compile_options o = *opt;
  o.fused = !unfused;
  vmir_error err;
  vmir_error_clear(&err);
  int rc;
  if (unfused) {
    d->parse = vmir_compile_decode_parse(shape, &o, &err);
    if (!d->parse) return compile_failed(shape_file, &err);
    d->build = vmir_compile_decode_build(shape, &o, &err);
    if (!d->build) return compile_failed(shape_file, &err);
    rc = executable(shape_file, d->parse, shape, &d->parse_exe);
    if (rc == CLI_EXIT_OK) rc = executable(shape_file, d->build, shape, &d->build_exe);
  } else {
    d->fused = vmir_compile_decode_fused(shape, &o, &err);
    if (!d->fused) return compile_failed(shape_file, &err);
    rc = executable(shape_file, d->fused, shape, &d->fused_exe);
  }
  if (rc != CLI_EXIT_OK) return rc;
  d->dec = vmir_decoder_new(NULL);
  d->value = value_buffer(shape, &d->value_size);
  if (!d->dec || !d->value) {
    fprintf(stderr, "vmir: out of memory\n");
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

int cli_decoder_run(cli_decoder *d, const char *name, const char *data, size_t len) {
  vmir_decoder_reset(d->dec);
  memset(d->value, 0, d->value_size);
  vmir_error err;
  vmir_error_clear(&err);
  vmir_status st =
      d->fused_exe
          ? vmir_decode(d->fused_exe, data, len, d->value, d->shape, d->dec, NULL, &err)
          : vmir_decode_unfused(d->parse_exe, d->build_exe, data, len, d->value, d->shape,
                                d->dec, NULL, &err);
  if (st == VMIR_OK) return CLI_EXIT_OK;
  if (err.code == VMIR_OK) err.code = st;
  return cli_report_document(name, d->format, &err);
}

void cli_decoder_close(cli_decoder *d) {
  vmir_decoder_free(d->dec);
  free(d->value);
  vmir_executable_free(d->fused_exe);
  vmir_executable_free(d->parse_exe);
  vmir_executable_free(d->build_exe);
  vmir_program_free(d->fused);
  vmir_program_free(d->parse);
  vmir_program_free(d->build);
  memset(d, 0, sizeof *d);
}
