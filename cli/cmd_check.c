/* vmir check: validates documents against a shape by decoding each one
 * with the shape's compiled decode program; prints "ok: FILE" for each
 * valid document and the error for each invalid one. */
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"

/* The worse of two exit codes: I/O trouble over invalid input over ok. */
static int worse(int a, int b) {
  if (a == CLI_EXIT_IO || b == CLI_EXIT_IO) return CLI_EXIT_IO;
  return a != CLI_EXIT_OK ? a : b;
}

static int check_one(cli_decoder *dec, const char *path) {
  const char *name = cli_display_name(path);
  char *data = NULL;
  size_t len = 0;
  int rc = cli_read_input_max(path, CLI_DOCUMENT_MAX_BYTES, &data, &len);
  if (rc == CLI_EXIT_OK) rc = cli_decoder_run(dec, name, data, len);
  free(data);
  /* Flushed at once so that "ok:" lines and the errors on stderr keep
   * their order when both go to one pipe or file (2>&1). */
  if (rc == CLI_EXIT_OK && (printf("ok: %s\n", name) < 0 || fflush(stdout) != 0))
    rc = CLI_EXIT_IO;
  return rc;
}

static int run_checks(const cli_command *self, int argc, char **argv, const char **inputs) {
  const char *shape_path = NULL, *type = NULL, *format_name = NULL;
  const char *unknown = NULL, *duplicates = NULL;
  bool unfused = false;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
    {"format", 'f', &format_name, NULL},
    {"unknown", 0, &unknown, NULL},
    {"duplicates", 0, &duplicates, NULL},
    {"unfused", 0, NULL, &unfused},
  };
  size_t count = 0;
  int rc = cli_parse_args(self, argc, argv, options, sizeof options / sizeof options[0],
                          inputs, (size_t)argc, &count);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  vmir_compile_options opt;
  rc = cli_parse_decode_options(self, shape_path, "format", format_name, unknown,
                                duplicates, &opt);
  if (rc != CLI_EXIT_OK) return rc;
  if (count == 0) inputs[count++] = "-";
  int from_stdin = cli_is_std(shape_path);
  for (size_t i = 0; i < count; i++) from_stdin += cli_is_std(inputs[i]);
  if (from_stdin > 1) return cli_usage_error(self, "stdin can be read only once");

  vmir_shape_set *shapes = NULL;
  const vmir_shape *shape = NULL;
  rc = cli_load_shape_type(shape_path, type, &shapes, &shape);
  if (rc != CLI_EXIT_OK) return rc;
  cli_decoder dec = {0};
  rc = cli_decoder_open(&dec, shape_path, shape, &opt, unfused);
  if (rc == CLI_EXIT_OK)
    for (size_t i = 0; i < count; i++) rc = worse(rc, check_one(&dec, inputs[i]));
  if (fflush(stdout) != 0) rc = CLI_EXIT_IO;
  cli_decoder_close(&dec);
  vmir_shape_set_free(shapes);
  return rc;
}

static int run(const cli_command *self, int argc, char **argv) {
  /* every argument could be a document; one more for the implicit stdin */
  const char **inputs = malloc(((size_t)argc + 1) * sizeof *inputs);
  if (!inputs) {
    fputs("vmir: out of memory\n", stderr);
    return CLI_EXIT_IO;
  }
  int rc = run_checks(self, argc, argv, inputs);
  free(inputs);
  return rc;
}

const cli_command cli_check_command = {
  "check",
  "validate JSON or MessagePack documents against a shape",
  "usage: vmir check --shape SHAPE.shape [--type NAME] --format json|msgpack\n"
  "                  [--unfused] [--unknown deny|skip|collect]\n"
  "                  [--duplicates reject|last-wins] [DOC...]\n"
  "\n"
  "Decodes each document (stdin when none is given, or for '-') into a\n"
  "typed value of the shape with a compiled decode program. Prints\n"
  "\"ok: DOC\" for each valid document and, on stderr, the error for each\n"
  "invalid one (FILE:LINE:COLUMN for JSON, FILE: offset N for MessagePack,\n"
  "with the value path and the program counter), and goes on with the\n"
  "next. Exits 1 when any document is invalid, 3 when any cannot be read.\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE        the shape file (required)\n"
  "  -t, --type NAME         check against the type NAME instead of the root\n"
  "  -f, --format FORMAT     the documents' format: json or msgpack (required)\n"
  "      --unfused           decode with the parse and build programs\n"
  "      --unknown POLICY    unknown object members: deny (default), skip,\n"
  "                          collect\n"
  "      --duplicates POLICY repeated members: reject (default), last-wins\n"
  "  -h, --help              this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
