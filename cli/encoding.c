/* Encoding values for the document commands (decode, encode, transcode):
 * a SerProgram, compiled from the shape or loaded from a file and verified
 * against it, runs into the JSON or the MessagePack writer. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int failed(const char *name, vmir_error *err) {
  if (err->code == VMIR_OK) {
    err->code = VMIR_E_NOMEM;
    snprintf(err->message, sizeof err->message, "out of memory");
  }
  return cli_report(name, err);
}

/* Loads a program file; it must be an encode program. */
static int load_program(const char *path, vmir_program **out) {
  int rc = cli_load_program(path, 0, out);
  if (rc != CLI_EXIT_OK) return rc;
  if ((*out)->kind != VMIR_PROGRAM_ENCODE) {
    fprintf(stderr, "%s: invalid input: a %s program, not an encode program\n",
            cli_display_name(path), vmir_program_kind_name((*out)->kind));
    vmir_program_free(*out);
    *out = NULL;
    return CLI_EXIT_INVALID;
  }
  return CLI_EXIT_OK;
}

int cli_encoder_open(cli_encoder *e, const char *shape_file,
                     const vmir_shape *shape, vmir_format format, bool pretty,
                     const char *program_path) {
  memset(e, 0, sizeof *e);
  e->shape = shape;
  e->format = format;
  vmir_error err;
  vmir_error_clear(&err);
  /* The encode program is format-neutral (docs/compiler.md): one loaded
   * from a file serves either writer. */
  if (program_path) {
    int rc = load_program(program_path, &e->program);
    if (rc != CLI_EXIT_OK) return rc;
  } else {
    vmir_compile_options opt = vmir_compile_options_default(format);
    e->program = vmir_compile_encode(shape, &opt, &err);
    if (!e->program) return failed(cli_display_name(shape_file), &err);
  }
  /* Verifies the program against the shape. */
  e->exe = vmir_executable_new(e->program, shape, &err);
  if (!e->exe)
    return failed(cli_display_name(program_path ? program_path : shape_file), &err);
  if (format == VMIR_FORMAT_JSON) {
    vmir_json_options jo = {.pretty = pretty};
    e->json = vmir_json_writer_new(&jo);
  } else {
    e->msgpack = vmir_msgpack_writer_new();
  }
  if (!e->json && !e->msgpack) {
    fprintf(stderr, "vmir: out of memory\n");
    return CLI_EXIT_IO;
  }
  return CLI_EXIT_OK;
}

int cli_encoder_run(cli_encoder *e, const char *name, const void *value,
                    const uint8_t **out, size_t *len) {
  vmir_sink *sink;
  if (e->json) {
    vmir_json_writer_reset(e->json);
    sink = vmir_json_writer_sink(e->json);
  } else {
    vmir_msgpack_writer_reset(e->msgpack);
    sink = vmir_msgpack_writer_sink(e->msgpack);
  }
  vmir_error err;
  vmir_error_clear(&err);
  vmir_status st = vmir_encode(e->exe, value, e->shape, sink, NULL, &err);
  if (st != VMIR_OK) {
    if (err.code == VMIR_OK) err.code = st;
    /* The failure is about the value, not about a place in its source. */
    err.has_offset = 0;
    return cli_report_document(name, e->format, &err);
  }
  *out = e->json ? vmir_json_writer_data(e->json, len) : vmir_msgpack_writer_data(e->msgpack, len);
  return CLI_EXIT_OK;
}

void cli_encoder_close(cli_encoder *e) {
  vmir_json_writer_free(e->json);
  vmir_msgpack_writer_free(e->msgpack);
  vmir_executable_free(e->exe);
  vmir_program_free(e->program);
  memset(e, 0, sizeof *e);
}

int cli_write_document(const char *path, vmir_format format,
                       const uint8_t *data, size_t len) {
  if (format == VMIR_FORMAT_JSON) return cli_write_output2(path, data, len, "\n", 1);
  return cli_write_output(path, data, len);
}

int cli_reencode_document(cli_decoder *d, cli_encoder *e, const char *input,
                          const char *out) {
  const char *name = cli_display_name(input);
  char *data = NULL;
  size_t len = 0;
  const uint8_t *doc = NULL;
  size_t doc_len = 0;
  int rc = cli_read_input_max(input, CLI_DOCUMENT_MAX_BYTES, &data, &len);
  if (rc == CLI_EXIT_OK) rc = cli_decoder_run(d, name, data, len);
  if (rc == CLI_EXIT_OK) rc = cli_encoder_run(e, name, d->value, &doc, &doc_len);
  if (rc == CLI_EXIT_OK) rc = cli_write_document(out, e->format, doc, doc_len);
  free(data);
  return rc;
}
