/* vmir encode: runs an encode program (SerProgram) over a typed value.
 * The value is given as JSON: the shape's fused JSON decode program reads
 * it into the typed value, then the SerProgram, compiled from the shape or
 * loaded with --program, encodes it into JSON or MessagePack. */
#include "cli.h"

static int run(const cli_command *self, int argc, char **argv) {
  const char *shape_path = NULL, *type = NULL, *to_name = NULL, *out = NULL;
  const char *program_path = NULL;
  bool pretty = false;
  const cli_option options[] = {
    {"shape", 's', &shape_path, NULL},
    {"type", 't', &type, NULL},
    {"to", 0, &to_name, NULL},
    {"program", 'p', &program_path, NULL},
    {"output", 'o', &out, NULL},
    {"pretty", 0, NULL, &pretty},
  };
  const char *input = NULL;
  int rc = cli_parse_args(self, argc, argv, options, sizeof options / sizeof options[0],
                          &input, 1, NULL);
  if (rc != CLI_EXIT_OK) return rc == CLI_HELP_SHOWN ? CLI_EXIT_OK : rc;
  if (!shape_path) return cli_usage_error(self, "missing --shape SHAPE.shape");
  vmir_format to = VMIR_FORMAT_JSON;
  rc = cli_parse_format(self, "to", to_name, &to);
  if (rc != CLI_EXIT_OK) return rc;
  if (pretty && to != VMIR_FORMAT_JSON)
    return cli_usage_error(self, "--pretty applies to JSON output only");
  int from_stdin = cli_is_std(shape_path) + cli_is_std(input) +
                   (program_path && cli_is_std(program_path));
  if (from_stdin > 1)
    return cli_usage_error(self, "only one of the shape, the program and the value "
                                 "can come from stdin");
  if (to == VMIR_FORMAT_MSGPACK && cli_output_is_terminal(out))
    return cli_usage_error(self, "refusing to write binary to a terminal; use -o FILE");

  vmir_shape_set *shapes = NULL;
  const vmir_shape *shape = NULL;
  rc = cli_load_shape_type(shape_path, type, &shapes, &shape);
  if (rc != CLI_EXIT_OK) return rc;
  cli_decoder dec = {0};
  cli_encoder enc = {0};
  vmir_compile_options opt = vmir_compile_options_default(VMIR_FORMAT_JSON);
  rc = cli_encoder_open(&enc, shape_path, shape, to, pretty, program_path);
  if (rc == CLI_EXIT_OK) rc = cli_decoder_open(&dec, shape_path, shape, &opt, false);
  if (rc == CLI_EXIT_OK) rc = cli_reencode_document(&dec, &enc, input, out);
  cli_encoder_close(&enc);
  cli_decoder_close(&dec);
  vmir_shape_set_free(shapes);
  return rc;
}

const cli_command cli_encode_command = {
  "encode",
  "run an encode program over a value given as JSON",
  "usage: vmir encode --shape SHAPE.shape [--type NAME] --to json|msgpack\n"
  "                   [--pretty] [--program PROG] [VALUE.json|-] [-o OUT]\n"
  "\n"
  "Runs an encode program (SerProgram) over a typed value of the shape and\n"
  "writes the document it produces. The value is given as JSON (a file, or\n"
  "stdin when VALUE is '-' or absent): the shape's fused JSON decode program\n"
  "reads it into the typed value, so it must fit the shape exactly (unknown\n"
  "or repeated members are errors). The encode program is compiled from the\n"
  "shape, or loaded from PROG (text or binary) and verified against the\n"
  "shape. JSON output ends with one newline; MessagePack output is the bare\n"
  "document and is not written to a terminal (use -o).\n"
  "\n"
  "Options:\n"
  "  -s, --shape FILE     the shape file (required)\n"
  "  -t, --type NAME      use the type NAME instead of the root\n"
  "      --to FORMAT      the output's format: json or msgpack (required)\n"
  "  -p, --program PROG   the encode program to run instead of compiling one\n"
  "      --pretty         indent JSON output, one member per line\n"
  "  -o, --output OUT     write to OUT instead of stdout\n"
  "  -h, --help           this text\n"
  "\n" CLI_EXIT_CODES_HELP,
  run,
};
